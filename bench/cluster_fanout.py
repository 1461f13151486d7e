#!/usr/bin/env python3
"""Cluster fan-out: one publisher to 9,000 hub subscribers, on three `duplex serve --redis` nodes vs one node.

See docs/benchmarks.md, "Several nodes over Redis". Three configurations, interleaved (the order rotates every
round), each run with fresh processes:

  cluster     redis-server + three `duplex serve --redis` nodes; 3 x 3,000 subscribers, round robin over the
              nodes; the publisher on the first node
  one-redis   redis-server + one `duplex serve --redis` node with all 9,000 subscribers
  one-memory  one `duplex serve --memory` node (no Redis) with all 9,000 subscribers

The load is `duplex bench --mode hub` (one publisher, --in-flight messages outstanding until every subscriber has
received them, --size characters of data). Every node runs `java -Xms1g -Xmx1g (--node-heap) -XX:+UseParallelGC -jar
app/target/duplex.jar serve --no-demo --publish-rate 1000000 --max-connections 20000` (the publish limit lifted:
the default 50/s per connection would be the bottleneck). Everything, redis-server and the load generator
included, shares the machine's cores: nothing is pinned.

While the bench is in its measured window it prints a progress line every second; at each one this script takes a
snapshot: utime+stime of every process (/proc/PID/stat: redis-server, each node, the bench), Redis
`INFO commandstats`, every node's /metrics (duplex_hub_published_total, duplex_hub_delivered_total) and the bytes
through the loopback interface (/proc/net/dev). The first and last snapshot of the window give CPU per delivered
message for each process, Redis commands per published message, and loopback bytes per delivery. The 1-minute load
average is recorded before each run.

Raw results go to --out: raw.jsonl (one object per run: configuration, round, load average, the bench's JSON
report, the snapshots and the derived figures), logs/ (every process's stderr), summary.md (median and min-max
over the rounds). Python standard library only; Linux only (/proc). Build first:

    ./mvnw -q -B -ntp package -DskipTests -DskipFuzz=true -pl app -am
    python3 bench/cluster_fanout.py                       # 5 rounds, ~40 s per run, 15 runs
    python3 bench/cluster_fanout.py --rounds 1 --subscribers 900 --duration 5s --warmup 2s   # a quick look
    python3 bench/cluster_fanout.py --report-only bench/results/2026-12-02-cluster-fanout/900  # summary again
"""
import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JAR = ROOT / "app" / "target" / "duplex.jar"
TICKS = os.sysconf("SC_CLK_TCK")
NODE_HEAP = "1g"
BENCH_JVM = ["-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"]
CONFIGS = ["cluster", "one-redis", "one-memory"]


def cpu_seconds(pid):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def loadavg():
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def loopback_bytes():
    for line in Path("/proc/net/dev").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name.strip() == "lo":
            return int(rest.split()[0])  # received bytes (= sent, on loopback)
    return None


def redis_call(port, command):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall((command + "\r\n").encode())
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                raise OSError("redis closed the connection")
            data += chunk
        head, _, rest = data.partition(b"\r\n")
        if head.startswith(b"$"):
            length = int(head[1:])
            while len(rest) < length + 2:
                chunk = s.recv(65536)
                if not chunk:
                    break
                rest += chunk
            return rest[:length].decode()
        return head.decode()


def commandstats(port):
    calls = {}
    for line in redis_call(port, "INFO commandstats").splitlines():
        if line.startswith("cmdstat_"):
            name, _, values = line.partition(":")
            fields = dict(v.split("=", 1) for v in values.split(","))
            calls[name[len("cmdstat_"):]] = int(fields["calls"])
    return calls


def metrics(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        out = {}
        for line in r.read().decode().splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                out[name] = float(value)
        return out


def wait_http(port, deadline):
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


class Run:
    """The processes of one configuration's run."""

    def __init__(self, a, config, base_port, logs, tag):
        self.a = a
        self.config = config
        self.logs = logs
        self.tag = tag
        self.redis = None
        self.redis_port = base_port
        self.nodes = []  # (port, Popen)
        self.node_count = 3 if config == "cluster" else 1
        self.node_ports = [base_port + 1 + i for i in range(self.node_count)]
        self.files = []

    def log(self, name):
        f = open(self.logs / f"{self.tag}-{name}.log", "w")
        self.files.append(f)
        return f

    def start(self):
        if self.config != "one-memory":
            data = self.logs / f"{self.tag}-redis-data"
            data.mkdir(exist_ok=True)
            self.redis = subprocess.Popen(
                ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(data), "--daemonize", "no"],
                stdout=self.log("redis"), stderr=subprocess.STDOUT)
            deadline = time.time() + 10
            while True:
                try:
                    if redis_call(self.redis_port, "PING") == "+PONG":
                        break
                except OSError:
                    pass
                if time.time() > deadline:
                    raise RuntimeError("redis-server did not answer PING")
                time.sleep(0.05)
        for i, port in enumerate(self.node_ports):
            store = ["--redis", f"redis://127.0.0.1:{self.redis_port}"] if self.redis else ["--memory"]
            heap = self.a.node_heap
            cmd = ["java", f"-Xms{heap}", f"-Xmx{heap}", "-XX:+UseParallelGC", "-jar", str(JAR), "serve", "--host", "127.0.0.1", "--port", str(port),
                                         "--no-demo", "--publish-rate", "1000000", "--max-connections", "20000"]
            self.nodes.append((port, subprocess.Popen(cmd + store, stdout=subprocess.DEVNULL,
                                                      stderr=self.log(f"node{i}"))))
        deadline = time.time() + 60
        for port, p in self.nodes:
            if not wait_http(port, deadline):
                raise RuntimeError(f"node on {port} did not become healthy")

    def pids(self):
        out = {}
        if self.redis:
            out["redis"] = self.redis.pid
        for i, (_, p) in enumerate(self.nodes):
            out[f"node{i}"] = p.pid
        return out

    def snapshot(self, bench_pid):
        snap = {"t": time.monotonic(), "cpu": {}, "metrics": {}}
        for name, pid in dict(self.pids(), bench=bench_pid).items():
            snap["cpu"][name] = cpu_seconds(pid)
        for i, port in enumerate(self.node_ports):
            try:
                m = metrics(port)
                snap["metrics"][f"node{i}"] = {k: m.get(k) for k in (
                    "duplex_hub_published_total", "duplex_hub_delivered_total", "duplex_hub_connections")}
            except OSError as e:
                snap["metrics"][f"node{i}"] = {"error": str(e)}
        if self.redis:
            try:
                snap["redis"] = commandstats(self.redis_port)
            except OSError as e:
                snap["redis"] = {"error": str(e)}
        snap["loopbackBytes"] = loopback_bytes()
        return snap

    def stop(self):
        for _, p in self.nodes:
            p.terminate()
        for _, p in self.nodes:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(10)
        if self.redis:
            try:
                redis_call(self.redis_port, "SHUTDOWN NOSAVE")
            except OSError:
                pass
            try:
                self.redis.wait(10)
            except subprocess.TimeoutExpired:
                self.redis.kill()
                self.redis.wait(10)
        for f in self.files:
            f.close()


def bench_command(a, run):
    urls = ",".join(f"ws://127.0.0.1:{p}/hub" for p in run.node_ports)
    return (["java"] + BENCH_JVM + ["-jar", str(JAR), "bench", "--mode", "hub", "-c", str(a.subscribers),
                                    "--publishers", "1", "--in-flight", str(a.in_flight), "--size", str(a.size),
                                    "-d", a.duration, "--warmup", a.warmup, "--timeout", a.timeout,
                                    "--threads", str(a.bench_threads), "--topic", "bench", "--json", "--progress"]
            + (["--ack"] if a.ack else []) + [urls])


def derive(first, last, run):
    """Figures between two snapshots inside the measured window."""
    dt = last["t"] - first["t"]
    published = 0.0
    delivered = 0.0
    for node in first["metrics"]:
        f, l = first["metrics"][node], last["metrics"][node]
        if "error" in f or "error" in l:
            return {"error": f"metrics of {node} missing"}
        published += l["duplex_hub_published_total"] - f["duplex_hub_published_total"]
        delivered += l["duplex_hub_delivered_total"] - f["duplex_hub_delivered_total"]
    out = {"seconds": round(dt, 3), "published": published, "delivered": delivered,
           "deliveredPerSecond": round(delivered / dt, 1) if dt > 0 else None, "cpu": {}}
    total = 0.0
    for name in first["cpu"]:
        if first["cpu"][name] is None or last["cpu"][name] is None:
            continue
        used = last["cpu"][name] - first["cpu"][name]
        total += used
        out["cpu"][name] = {"percentOfCore": round(100 * used / dt, 1) if dt > 0 else None,
                            "microsPerDelivery": round(used * 1e6 / delivered, 4) if delivered else None}
    out["cpuTotalPercentOfCore"] = round(100 * total / dt, 1) if dt > 0 else None
    out["cpuTotalMicrosPerDelivery"] = round(total * 1e6 / delivered, 4) if delivered else None
    if "redis" in first and "error" not in first["redis"] and "error" not in last.get("redis", {"error": 1}):
        per = {}
        for cmd, calls in last["redis"].items():
            d = calls - first["redis"].get(cmd, 0)
            if d:
                per[cmd] = round(d / published, 3) if published else None
        out["redisCommandsPerMessage"] = per
        out["redisCommandsPerMessageTotal"] = (round(sum(calls - first["redis"].get(cmd, 0)
                                                         for cmd, calls in last["redis"].items()) / published, 3)
                                               if published else None)
    if first.get("loopbackBytes") is not None and last.get("loopbackBytes") is not None and delivered:
        out["loopbackBytesPerDelivery"] = round((last["loopbackBytes"] - first["loopbackBytes"]) / delivered, 1)
    return out


def one_run(a, config, rnd, index, logs):
    tag = f"r{rnd}-{config}"
    run = Run(a, config, a.port + 10 * index, logs, tag)
    load = loadavg()
    record = {"round": rnd, "config": config, "loadavgBefore": load, "started": time.strftime("%H:%M:%S")}
    try:
        run.start()
        cmd = bench_command(a, run)
        record["benchCommand"] = " ".join(cmd)
        bench = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        snaps = []
        err_log = run.log("bench")

        def read_progress():
            for line in bench.stderr:
                err_log.write(line)
                err_log.flush()
                if " measure " in line:
                    snaps.append(run.snapshot(bench.pid))

        reader = threading.Thread(target=read_progress, daemon=True)
        reader.start()
        out, _ = bench.communicate(timeout=600)
        reader.join(10)
        record["benchExit"] = bench.returncode
        try:
            record["bench"] = json.loads(out)
        except ValueError:
            record["bench"] = None
            record["benchStdout"] = out[-2000:]
        record["snapshots"] = len(snaps)
        if len(snaps) >= 2:
            record["window"] = derive(snaps[0], snaps[-1], run)
            record["firstSnapshot"] = snaps[0]
            record["lastSnapshot"] = snaps[-1]
    except Exception as e:  # a failed run is recorded, not fatal
        record["failure"] = repr(e)
    finally:
        run.stop()
    return record


def pick(r, *path):
    v = r
    for p in path:
        if not isinstance(v, dict) or v.get(p) is None:
            return None
        v = v[p]
    return v


def med(values):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    m = statistics.median(values)
    return f"{fmt(m)} ({fmt(min(values))}–{fmt(max(values))})"


def fmt(v):
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def summary(records, a):
    lines = [f"# Cluster fan-out, {a.subscribers} subscribers, {a.rounds} rounds", "",
             "bench: `" + next((r["benchCommand"] for r in records if r.get("benchCommand")), "?") + "`", "",
             "Median (min–max) over the rounds.", ""]
    header = ("| figure | " + " | ".join(CONFIGS) + " |")
    lines += [header, "|---|" + "---:|" * len(CONFIGS)]

    def row(label, fn):
        cells = []
        for c in CONFIGS:
            cells.append(med([fn(r) for r in records if r["config"] == c and r.get("bench")]))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("deliveries/s (bench)", lambda r: pick(r, "bench", "deliveriesPerSecond"))
    row("messages published/s", lambda r: pick(r, "bench", "publishedPerSecond"))
    row("latency p50 ms", lambda r: (pick(r, "bench", "latencyMicros", "p50") or 0) / 1000 or None)
    row("latency p99 ms", lambda r: (pick(r, "bench", "latencyMicros", "p99") or 0) / 1000 or None)
    row("latency max ms", lambda r: (pick(r, "bench", "latencyMicros", "max") or 0) / 1000 or None)
    def url_latency(r, i, pct):
        by = pick(r, "bench", "byUrl") or []
        v = pick(by[i], "latencyMicros", pct) if i < len(by) else None
        return v / 1000 if v is not None else None

    for i in range(3):
        row(f"p50 ms, subscribers on node{i}", lambda r, i=i: url_latency(r, i, "p50"))
        row(f"p99 ms, subscribers on node{i}", lambda r, i=i: url_latency(r, i, "p99"))
    row("lost + duplicated + out of order", lambda r: sum(pick(r, "bench", "order", k) or 0
                                                          for k in ("lost", "duplicated", "outOfOrder")))
    row("bench errors", lambda r: pick(r, "bench", "errors", "total"))
    row("Redis commands per published message", lambda r: pick(r, "window", "redisCommandsPerMessageTotal"))
    for proc in ["redis", "node0", "node1", "node2", "bench"]:
        row(f"{proc} CPU % of a core", lambda r, p=proc: pick(r, "window", "cpu", p, "percentOfCore"))
        row(f"{proc} CPU µs per delivery", lambda r, p=proc: pick(r, "window", "cpu", p, "microsPerDelivery"))
    row("all processes CPU % of a core", lambda r: pick(r, "window", "cpuTotalPercentOfCore"))
    row("all processes CPU µs per delivery", lambda r: pick(r, "window", "cpuTotalMicrosPerDelivery"))
    row("loopback bytes per delivery", lambda r: pick(r, "window", "loopbackBytesPerDelivery"))
    row("load average before the run", lambda r: r["loadavgBefore"][0])
    lines.append("")
    for r in records:
        if r.get("failure") or not r.get("bench") or r.get("benchExit"):
            lines.append(f"- round {r['round']} {r['config']}: exit {r.get('benchExit')}, "
                         f"failure {r.get('failure')}, aborted {pick(r, 'bench', 'aborted')}, "
                         f"errors {pick(r, 'bench', 'errorExamples')}")
    cmds = {}
    for r in records:
        for cmd, per in (pick(r, "window", "redisCommandsPerMessage") or {}).items():
            cmds.setdefault((r["config"], cmd), []).append(per)
    if cmds:
        lines += ["", "Redis commands per published message, by command (median over rounds):", ""]
        for (config, cmd), values in sorted(cmds.items()):
            lines.append(f"- {config} {cmd}: {med(values)}")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--first-round", type=int, default=1, help="number of the first round (to add rounds to --out)")
    p.add_argument("--subscribers", type=int, default=9000)
    p.add_argument("--in-flight", type=int, default=16)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--duration", default="15s")
    p.add_argument("--warmup", default="5s")
    p.add_argument("--ack", action="store_true")
    p.add_argument("--timeout", default="120s",
                   help="the bench's --timeout: also how long 9,000 subscribers may take to join (default 120s)")
    p.add_argument("--bench-threads", type=int, default=1)
    p.add_argument("--node-heap", default=NODE_HEAP, help="each node's -Xms/-Xmx (default 1g; the memory budget for"
                   " clients is a quarter of it)")
    p.add_argument("--port", type=int, default=19000)
    p.add_argument("--configs", default=",".join(CONFIGS))
    p.add_argument("--out", default=str(ROOT / "bench" / "results" / time.strftime("%Y-%m-%d-cluster-fanout")))
    p.add_argument("--report-only", metavar="DIR", help="rewrite DIR/summary.md from DIR/raw.jsonl and print it")
    a = p.parse_args()
    if a.report_only:
        records = [json.loads(line) for line in open(Path(a.report_only) / "raw.jsonl")]
        a.rounds = max(r["round"] for r in records)
        text = summary(records, a)
        (Path(a.report_only) / "summary.md").write_text(text)
        print(text)
        return
    if not JAR.exists():
        sys.exit(f"{JAR} is missing: ./mvnw -q -B -ntp package -DskipTests -DskipFuzz=true -pl app -am")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    out = Path(a.out)
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    configs = a.configs.split(",")
    records = []
    index = 30 * (a.first_round - 1)  # fresh ports for added rounds
    with open(out / "raw.jsonl", "a") as raw:
        for rnd in range(a.first_round, a.first_round + a.rounds):
            shift = (rnd - 1) % len(configs)
            for config in configs[shift:] + configs[:shift]:
                r = one_run(a, config, rnd, index, logs)
                index += 1
                records.append(r)
                raw.write(json.dumps(r) + "\n")
                raw.flush()
                b = r.get("bench") or {}
                print(f"round {rnd} {config}: load {r['loadavgBefore'][0]}, "
                      f"{b.get('deliveriesPerSecond')} deliveries/s, p50 {pick(b, 'latencyMicros', 'p50')} us, "
                      f"p99 {pick(b, 'latencyMicros', 'p99')} us, order {b.get('order')}, "
                      f"errors {pick(b, 'errors', 'total')}, redis cmds/msg "
                      f"{pick(r, 'window', 'redisCommandsPerMessageTotal')}, failure {r.get('failure')}",
                      flush=True)
    text = summary(records, a)
    (out / "summary.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
