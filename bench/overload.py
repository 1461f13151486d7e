#!/usr/bin/env python3
"""Overload run: `duplex serve` attacked by thousands of hostile connections while normal clients echo.

See docs/benchmarks.md, "Overload". Per round:

  1. starts `./duplex serve --memory --no-demo --max-connections 20000` with DUPLEX_JAVA_OPTS=-Xmx512m (the
     launcher's JVM, which exits on OutOfMemoryError) and waits for /healthz;
  2. reads the baseline: VmRSS of the server process (/proc/PID/status) and /metrics;
  3. starts the normal clients (`duplex bench --mode echo`, 100 connections, 32-byte messages, rate-capped so the
     latency is the server's, not a saturated client's), then the attack, all at once:
     6,000 slowread (non-reading /echo writers), 8,000 partial (frame header + all but one byte of 64 KiB),
     2,000 slowloris (endless request heads);
  4. samples VmRSS and /metrics every second during the attack and for --recovery seconds after it;
  5. stops the server.

Raw results go to --out: one JSON line per round in raw.jsonl (every sample, every bench report), the server's
stderr in logs/, and summary.md with medians and min-max over the rounds. Python standard library only; Linux only
(/proc). Build first: ./mvnw -q -B -ntp package -DskipTests -pl app -am
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def metrics(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            out = {}
            for line in r.read().decode().splitlines():
                if line and not line.startswith("#"):
                    name, value = line.rsplit(" ", 1)
                    out[name] = float(value)
            return out
    except OSError:
        return None


def healthz(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def bench(jar, args, log):
    return subprocess.Popen(["java", "-Xmx1g", "-jar", str(jar), "bench"] + args + ["--json"],
                            stdout=subprocess.PIPE, stderr=log, text=True)


def run_round(a, r, logs):
    port = a.port + r
    env = dict(os.environ, DUPLEX_JAVA_OPTS=f"-Xmx{a.xmx}")
    err = open(logs / f"round{r}-serve.stderr", "w")
    serve_cmd = [str(ROOT / "duplex"), "serve", "--memory", "--no-demo", "--host", "127.0.0.1", "--port", str(port),
                 "--max-connections", "20000"] + a.serve_args
    server = subprocess.Popen(serve_cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.time() + 60
        while healthz(port) != 200:
            if time.time() > deadline or server.poll() is not None:
                raise RuntimeError(f"round {r}: serve did not come up (exit {server.poll()})")
            time.sleep(0.2)
        time.sleep(3)
        base_rss = rss_kib(server.pid)
        base = metrics(port)
        url = f"ws://127.0.0.1:{port}/echo"
        net = 10 + r  # fresh source addresses each round: no clash with the last round's TIME_WAIT ports
        blog = open(logs / f"round{r}-bench.stderr", "w")
        started = time.time()
        normal = bench(a.jar, [url, "-c", str(a.clients), "--size", "32", "--rate", str(a.clients * 20),
                               "-d", f"{a.attack + 4}s", "--warmup", "0", "--timeout", "30s",
                               "--source-addresses", f"127.0.{net}.1"], blog)
        time.sleep(2)
        attack_start = time.time()
        groups = {
            "slowread": [url, "--mode", "slowread", "-c", str(a.slowread), "--size", "16384"],
            "partial": [url, "--mode", "partial", "-c", str(a.partial), "--size", "65536"],
            "slowloris": [url, "--mode", "slowloris", "-c", str(a.slowloris), "--interval", "1s"],
        }
        procs = {}
        for i, (name, args) in enumerate(groups.items()):
            procs[name] = bench(a.jar, args + ["-d", f"{a.attack}s", "--concurrency", "512",
                                               "--source-addresses", f"127.0.{net}.{2 + i}"], blog)
        samples = []
        attack_end = None
        recovered_at = None
        while True:
            now = time.time()
            m = metrics(port)
            samples.append({"t": round(now - attack_start, 2), "rssKiB": rss_kib(server.pid),
                            "buffered": m and m.get("duplex_buffered_bytes"),
                            "queued": m and m.get("duplex_queued_bytes"),
                            "open": m and m.get("duplex_connections_open"), "healthz": healthz(port)})
            if server.poll() is not None:
                break
            if attack_end is None and all(p.poll() is not None for p in procs.values()):
                attack_end = now
            if attack_end is not None:
                s = samples[-1]
                if recovered_at is None and s["buffered"] is not None and s["buffered"] <= 64 * 1024 \
                        and s["queued"] <= 64 * 1024 and s["open"] <= base["duplex_connections_open"] + 2:
                    recovered_at = now
                if now - attack_end >= a.recovery:
                    break
            time.sleep(max(0.0, 1 - (time.time() - now)))
        reports = {name: json.loads(p.communicate()[0] or "{}") for name, p in procs.items()}
        normal_report = json.loads(normal.communicate()[0] or "{}")
        alive = server.poll() is None
        final = metrics(port) if alive else None
        return {"round": r, "serve": serve_cmd, "xmx": a.xmx, "serverAlive": alive, "exit": server.poll(),
                "baselineRssKiB": base_rss, "baselineMetrics": base, "finalMetrics": final,
                "attackSeconds": round((attack_end or time.time()) - attack_start, 2),
                "recoverySeconds": None if recovered_at is None else round(recovered_at - attack_end, 2),
                "samples": samples, "attack": reports, "normal": normal_report,
                "normalStartedBeforeAttack": round(attack_start - started, 2)}
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        err.close()


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    return f"{statistics.median(values):,.1f} ({min(values):,.1f}–{max(values):,.1f})"


def summarize(a, rounds):
    lines = [f"# Overload, {len(rounds)} round(s)", "",
             f"Server: `DUPLEX_JAVA_OPTS=-Xmx{a.xmx} ./duplex serve --memory --no-demo --max-connections 20000"
             f"{' ' + ' '.join(a.serve_args) if a.serve_args else ''}`; attack: {a.slowread:,} slowread + "
             f"{a.partial:,} partial + {a.slowloris:,} slowloris for {a.attack} s; {a.clients} normal echo clients "
             f"(32 B, {a.clients * 20} msgs/s in all). Stated RSS bound: {a.rss_bound} MiB.", "",
             "Median (min–max) over the rounds:", "", "| figure | value |", "|---|---:|"]

    def row(name, values):
        lines.append(f"| {name} | {spread(values)} |")

    row("server alive at the end (rounds)", [sum(1 for x in rounds if x["serverAlive"])])
    row("baseline RSS, MiB", [x["baselineRssKiB"] / 1024 for x in rounds])
    row("peak RSS during the attack, MiB", [max(s["rssKiB"] or 0 for s in x["samples"]) / 1024 for x in rounds])
    row("RSS at the end of the recovery window, MiB", [x["samples"][-1]["rssKiB"] / 1024 for x in rounds
                                                       if x["samples"][-1]["rssKiB"]])
    row("peak memory held for clients (duplex_buffered_bytes), MiB",
        [max((s["buffered"] or 0) for s in x["samples"]) / 2**20 for x in rounds])
    row("seconds after the attack until buffered/queued ≤ 64 KiB and connections at baseline",
        [x["recoverySeconds"] for x in rounds])
    row("normal clients: round trips", [x["normal"].get("messages") for x in rounds])
    row("normal clients: p50 ms", [x["normal"].get("latencyMicros", {}).get("p50", 0) / 1e3 for x in rounds])
    row("normal clients: p99 ms", [x["normal"].get("latencyMicros", {}).get("p99", 0) / 1e3 for x in rounds])
    row("normal clients: errors", [x["normal"].get("errors", {}).get("total") for x in rounds])
    row("/healthz not 200 during the run (samples)",
        [sum(1 for s in x["samples"] if s["healthz"] != 200) for x in rounds])
    for g in ("slowread", "partial", "slowloris"):
        row(f"{g}: upgraded/attacking", [x["attack"].get(g, {}).get("attack", {}).get("attacking") for x in rounds])
        row(f"{g}: ended by the server", [x["attack"].get(g, {}).get("attack", {}).get("endedByServer")
                                          for x in rounds])
        row(f"{g}: still open at the end", [x["attack"].get(g, {}).get("attack", {}).get("stillOpen")
                                            for x in rounds])
        row(f"{g}: held until shed, p50 s", [(x["attack"].get(g, {}).get("attack", {}).get("heldMillis", {})
                                              .get("p50") or 0) / 1e3 for x in rounds])
    lines += ["", "Close codes and statuses per round:", ""]
    for x in rounds:
        parts = []
        for g, rep in x["attack"].items():
            at = rep.get("attack", {})
            parts.append(f"{g}: codes {at.get('closeCodes')} statuses {at.get('httpStatuses')} "
                         f"without close {at.get('endedWithoutClose')} reset {at.get('reset')} "
                         f"connectFailed {at.get('connectFailed')}")
        lines.append(f"- round {x['round']}: " + "; ".join(parts))
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--slowread", type=int, default=6000)
    p.add_argument("--partial", type=int, default=8000)
    p.add_argument("--slowloris", type=int, default=2000)
    p.add_argument("--clients", type=int, default=100)
    p.add_argument("--attack", type=int, default=40, help="seconds of attack (default 40: past the 30 s timeouts)")
    p.add_argument("--recovery", type=int, default=30, help="seconds watched after the attack")
    p.add_argument("--xmx", default="512m")
    p.add_argument("--rss-bound", type=int, default=768, help="the stated RSS bound in MiB, for the summary")
    p.add_argument("--port", type=int, default=19700)
    p.add_argument("--jar", type=Path, default=ROOT / "app" / "target" / "duplex.jar")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / time.strftime("%Y-%m-%d-overload"))
    p.add_argument("serve_args", nargs="*", help="more `duplex serve` options, after --")
    a = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # inherited by the server and the bench processes
    if hard < a.slowread + a.partial + a.slowloris + a.clients + 1000:
        print(f"warning: the open-files limit ({hard}) is below the connections the server must hold", file=sys.stderr)
    logs = a.out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    rounds = []
    with open(a.out / "raw.jsonl", "a") as raw:
        for r in range(1, a.rounds + 1):
            print(f"round {r}/{a.rounds}...", file=sys.stderr, flush=True)
            result = run_round(a, r, logs)
            raw.write(json.dumps(result) + "\n")
            raw.flush()
            rounds.append(result)
            print(f"  alive={result['serverAlive']} peak RSS "
                  f"{max(s['rssKiB'] or 0 for s in result['samples']) / 1024:.0f} MiB, recovery "
                  f"{result['recoverySeconds']} s, normal p99 "
                  f"{result['normal'].get('latencyMicros', {}).get('p99', 0) / 1e3:.1f} ms", file=sys.stderr)
    summary = summarize(a, rounds)
    (a.out / "summary.md").write_text(summary)
    print(summary)


if __name__ == "__main__":
    main()
