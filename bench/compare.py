#!/usr/bin/env python3
"""Load comparison: duplex against Netty (NIO and epoll), Jetty and Java-WebSocket on the same endpoints.

Run it through bench/compare.sh (same arguments). For every workload, the servers take turns (round robin) and
the whole round is repeated R times, so slow drifts of a shared machine hit every server alike. Each run starts a
fresh server JVM pinned to one core (taskset -c 0), waits for its "LISTENING <port>" line, runs the load generator
(`duplex bench`, from app/target/duplex.jar) pinned to another core (taskset -c 1), then stops the server with
SIGTERM. Results: <out>/raw.jsonl (one JSON object per run), <out>/table.md (medians, duplex/peer ratios),
<out>/chart.svg; --publish also copies the chart to docs/img/benchmarks.svg. See docs/benchmarks.md.

Standard library only (python3 >= 3.8). Every server binds 127.0.0.1; no traffic leaves the machine.
"""
import argparse
import datetime
import json
import os
import platform
import re
import resource
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
SERVERS_JAR = os.path.join(BENCH, "target", "bench-servers.jar")
DUPLEX_JAR = os.path.join(ROOT, "app", "target", "duplex.jar")
BUILD_HINT = ("./mvnw -q -B -ntp install -DskipTests -DskipFuzz=true -pl core,net,testkit && "
              "./mvnw -q -B -ntp package -DskipTests -DskipFuzz=true -pl app,bench")

# Same JVM and flags for every server. The heap is fixed and pre-touched, so the idle-memory workload's RSS
# growth is off-heap memory only (the heap is reported separately) and no server pays for heap growth mid-run.
SERVER_JVM_FLAGS = "-Xms1g -Xmx1g -XX:+UseParallelGC -XX:+AlwaysPreTouch"
# Start-up is measured without pre-touching (it would add the time to touch 1 GiB to every server).
STARTUP_JVM_FLAGS = "-Xms1g -Xmx1g -XX:+UseParallelGC"
LOADGEN_JVM_FLAGS = "-Xms1g -Xmx1g -XX:+UseParallelGC"

# name -> arguments of bench-servers.jar. One event-loop / I/O thread where the library has the knob.
SERVERS = {
    "duplex": ["duplex", "--loops", "1"],
    "netty-nio": ["netty", "--transport", "nio", "--threads", "1"],
    "netty-epoll": ["netty", "--transport", "epoll", "--threads", "1"],
    "jetty": ["jetty"],
    "java-websocket": ["java-websocket", "--threads", "1"],
}
# Only for the start-up workload: the shipped `duplex serve` (app jar).
DUPLEX_SERVE = "duplex-serve"


@dataclass
class Metric:
    key: str            # name in raw.jsonl "metrics"
    label: str          # column header
    paths: list         # where to find it in the load generator's JSON (first present wins)
    higher_is_better: bool  # None: context only (no arrow, no ratio)
    decimals: int = 0

    def arrow(self):
        return {True: " ↑", False: " ↓", None: ""}[self.higher_is_better]


MSG_PER_S = Metric("messagesPerSecond", "msg/s", ["messagesPerSecond"], True)
DELIV_PER_S = Metric("deliveriesPerSecond", "deliveries/s", ["deliveriesPerSecond"], True)
MB_PER_S = Metric("megabytesPerSecond", "MB/s", ["megabytesPerSecond", "mbPerSecond"], True, 1)
P50 = Metric("p50Micros", "p50 µs", ["latencyMicros.p50", "latency.p50"], False)
P99 = Metric("p99Micros", "p99 µs", ["latencyMicros.p99", "latency.p99"], False)
CPU_MSG = Metric("serverCpuMicrosPerMessage", "server CPU µs/msg",
                 ["serverCpu.microsPerMessage", "serverCpuMicrosPerMessage"], False, 2)
CPU_DELIV = Metric("serverCpuMicrosPerDelivery", "server CPU µs/delivery",
                   ["serverCpu.microsPerDelivery", "serverCpuMicrosPerDelivery"], False, 3)
SERVER_CORE = Metric("serverPercentOfCore", "server % of core", ["serverCpu.percentOfCore"], None)
RSS_PER_CONN = Metric("rssKiBPerConnection", "RSS KiB/conn (off-heap)", [], False, 2)
HEAP_PER_CONN = Metric("heapKiBPerConnection", "heap KiB/conn (live)", [], False, 2)
STARTUP_MS = Metric("startupMillis", "start → first upgrade, ms", [], False)
LISTENING_MS = Metric("listeningMillis", "start → LISTENING, ms", [], False)


@dataclass
class Workload:
    id: str
    kind: str                      # load | idle | startup
    title: str
    metrics: list
    path: str = "/echo"
    loadgen: list = field(default_factory=list)   # duplex bench arguments (load)
    connections: int = 0                          # idle
    headline: list = field(default_factory=list)  # metrics drawn in the chart


def workloads(quick):
    """The issue #5 workloads. --quick shrinks the connection counts (and the durations, see main)."""
    big = 2000 if quick else 10000
    return [
        Workload("echo-32b-text-inflight16", "load", "Echo, 32 B text, 100 connections × 16 in flight",
                 [MSG_PER_S, P50, P99, CPU_MSG, SERVER_CORE],
                 loadgen=["--mode", "echo", "-c", "100", "--in-flight", "16", "--size", "32", "--type", "text"],
                 headline=[MSG_PER_S, CPU_MSG]),
        Workload("echo-32b-text-inflight1", "load", "Echo latency, 32 B text, 100 connections × 1 in flight",
                 [P50, P99, MSG_PER_S, CPU_MSG],
                 loadgen=["--mode", "echo", "-c", "100", "--in-flight", "1", "--size", "32", "--type", "text"],
                 headline=[P50, P99]),
        Workload("echo-16k-binary", "load", "Echo, 16 KiB binary, 100 connections × 4 in flight",
                 [MB_PER_S, MSG_PER_S, P99, CPU_MSG],
                 loadgen=["--mode", "echo", "-c", "100", "--in-flight", "4", "--size", "16384", "--type", "binary"],
                 headline=[MB_PER_S]),
        # 16 messages in flight: enough to keep every subscriber's socket busy ("as fast as they can take it").
        # With 4, a run measures the round trip through 1,000 sockets more than what the server can deliver.
        Workload("fanout-1k", "load", "Fan-out, 1 publisher → 1,000 subscribers, 32 B text, 16 in flight",
                 [DELIV_PER_S, CPU_DELIV, P50, P99],
                 path="/broadcast",
                 loadgen=["--mode", "fanout", "-c", "1000", "--publishers", "1", "--in-flight", "16",
                          "--size", "32", "--type", "text"],
                 headline=[DELIV_PER_S, CPU_DELIV]),
        Workload(f"fanout-{big // 1000}k", "load",
                 f"Fan-out, 1 publisher → {big:,} subscribers, 32 B text, 16 in flight",
                 [DELIV_PER_S, CPU_DELIV, P50, P99],
                 path="/broadcast",
                 loadgen=["--mode", "fanout", "-c", str(big), "--publishers", "1", "--in-flight", "16",
                          "--size", "32", "--type", "text"],
                 headline=[DELIV_PER_S, CPU_DELIV]),
        Workload(f"idle-{big // 1000}k", "idle", f"{big:,} idle connections: server memory per connection",
                 [RSS_PER_CONN, HEAP_PER_CONN], connections=big, headline=[RSS_PER_CONN, HEAP_PER_CONN]),
        Workload("startup", "startup", "Start-up: process start to first accepted WebSocket upgrade",
                 [STARTUP_MS, LISTENING_MS], headline=[STARTUP_MS]),
    ]


# ---------------------------------------------------------------------------------------------------------------
# Processes


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def raise_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= wanted:
        return soft
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, max(wanted, hard)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Pinning:
    """taskset prefixes; empty (with a warning) where taskset or a second CPU is missing."""

    def __init__(self, server_cpu, client_cpu):
        usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
        self.enabled = shutil.which("taskset") is not None and {server_cpu, client_cpu} <= usable \
            and server_cpu != client_cpu
        self.server_cpu, self.client_cpu = server_cpu, client_cpu
        if not self.enabled:
            log(f"WARNING: not pinning (taskset missing or CPUs {server_cpu},{client_cpu} not both usable: "
                f"{sorted(usable)}); results are less stable")

    def server(self):
        return ["taskset", "-c", str(self.server_cpu)] if self.enabled else []

    def client(self):
        return ["taskset", "-c", str(self.client_cpu)] if self.enabled else []


class Server:
    """One server JVM started for one run; stdout/stderr go to files in the run directory."""

    def __init__(self, name, java, jvm_flags, pinning, logdir, tag, duplex_jar=DUPLEX_JAR):
        self.name = name
        self.port = free_port()
        cds = []
        if name == DUPLEX_SERVE:
            app = ["-jar", duplex_jar, "serve", "--port", str(self.port), "--host", "127.0.0.1"]
            # Started as ./duplex starts it: with the class-data archive the launcher records after each build.
            archive = os.path.splitext(duplex_jar)[0] + ".jsa"
            if os.path.isfile(archive):
                cds = [f"-XX:SharedArchiveFile={archive}", "-Xlog:cds=off,cds+dynamic=off"]
        else:
            app = ["-jar", SERVERS_JAR] + SERVERS[name] + ["--port", str(self.port), "--host", "127.0.0.1"]
        self.command = pinning.server() + [java] + shlex.split(jvm_flags) + cds + app
        os.makedirs(logdir, exist_ok=True)
        self.stdout_path = os.path.join(logdir, f"{tag}.server.out")
        self.stderr_path = os.path.join(logdir, f"{tag}.server.err")
        self.process = None
        self.started_at = None

    def start(self):
        self.started_at = time.monotonic()
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(self.command, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        return self

    @property
    def pid(self):
        # taskset execs the JVM, so the pid is the JVM's.
        return self.process.pid

    def announced_port(self):
        """The port of the LISTENING line printed so far, or None."""
        with open(self.stdout_path, "rb") as f:
            m = re.search(rb"^LISTENING (\d+)$", f.read(), re.M)
        return int(m.group(1)) if m else None

    def wait_listening(self, timeout=60.0):
        """Seconds from start until the LISTENING line was seen; raises if the server exits or stays silent."""
        deadline = self.started_at + timeout
        while time.monotonic() < deadline:
            port = self.announced_port()
            if port is not None:
                if port != self.port:
                    raise RuntimeError(f"{self.name} listens on {port}, asked for {self.port}")
                return time.monotonic() - self.started_at
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode} before LISTENING; "
                                   f"see {self.stderr_path}")
            time.sleep(0.005)
        raise RuntimeError(f"{self.name}: no LISTENING line within {timeout}s")

    def cpu_seconds(self):
        """User + system CPU of the whole server process so far (Linux /proc), or None."""
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None

    def rss_kib(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def stop(self, timeout=15.0):
        """SIGTERM, then SIGKILL after the timeout. Returns whether it stopped by itself."""
        if self.process is None or self.process.poll() is not None:
            return True
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            log(f"WARNING: {self.name} (pid {self.pid}) ignored SIGTERM for {timeout}s; killing it")
            self.process.kill()
            self.process.wait()
            return False


def jcmd(pid, *command):
    return subprocess.run(["jcmd", str(pid)] + list(command), capture_output=True, text=True, timeout=60,
                          check=True).stdout


def heap_used_kib(pid):
    """Full GC (jcmd GC.run), then the heap's used KiB summed over the generations of GC.heap_info."""
    jcmd(pid, "GC.run")
    info = jcmd(pid, "GC.heap_info")
    total = 0
    for line in info.splitlines():
        if re.match(r"\s*(PSYoungGen|ParOldGen|garbage-first heap|def new generation|tenured generation|"
                    r"Shenandoah Heap|ZHeap)\b", line):
            m = re.search(r"used (\d+)K", line)
            if m:
                total += int(m.group(1))
    if total == 0:
        raise RuntimeError("could not read the heap from GC.heap_info:\n" + info)
    return total


# ---------------------------------------------------------------------------------------------------------------
# Runs


def dig(obj, dotted):
    for part in dotted.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return None
        obj = obj[part]
    return obj


def extract(result, metrics):
    out = {}
    for m in metrics:
        for path in m.paths:
            value = dig(result, path)
            if isinstance(value, (int, float)) and value >= 0:
                out[m.key] = value
                break
    return out


def run_load(w, server, args, pinning):
    url = f"ws://127.0.0.1:{server.port}{w.path}"
    command = pinning.client() + [args.java] + shlex.split(args.loadgen_jvm_flags) + [
        "-jar", args.duplex_jar, "bench", url] + w.loadgen + [
        "-d", args.duration, "--warmup", args.warmup, "--threads", "1", "--json", "--server-pid", str(server.pid)]
    budget = 120 + parse_seconds(args.duration) + parse_seconds(args.warmup)
    done = subprocess.run(command, capture_output=True, text=True, timeout=budget)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    record = {"command": command, "exitCode": done.returncode}
    if not lines:
        record["error"] = f"no JSON from the load generator (exit {done.returncode}): {done.stderr.strip()[-600:]}"
        return record
    result = json.loads(lines[-1])
    record["result"] = result
    record["metrics"] = extract(result, w.metrics)
    errors = dig(result, "errors.total")
    if done.returncode != 0 or result.get("aborted") or (isinstance(errors, int) and errors > 0):
        record["error"] = (f"exit {done.returncode}, aborted={result.get('aborted')}, errors={errors}: "
                           f"{json.dumps(result.get('errorExamples', {}))[:400]}")
    return record


def run_idle(w, server, args, pinning):
    helper = [sys.executable, os.path.join(BENCH, "idle_clients.py")]
    url = f"ws://127.0.0.1:{server.port}{w.path}"
    # Warm the server's handshake path (class loading, JIT of the upgrade) so it does not count as per-connection.
    subprocess.run(pinning.client() + helper + [url, "200"], input="\n", capture_output=True, text=True,
                   timeout=120, check=True)
    time.sleep(1.0)
    heap_before, rss_before = heap_used_kib(server.pid), server.rss_kib()
    holder = subprocess.Popen(pinning.client() + helper + [url, str(w.connections)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = holder.stdout.readline()
        m = re.match(r"OPEN (\d+) FAILED (\d+) SECONDS ([\d.]+)", line)
        if not m:
            raise RuntimeError(f"idle client said {line!r}: {holder.stderr.read()[-600:] if holder.poll() else ''}")
        opened, failed = int(m.group(1)), int(m.group(2))
        time.sleep(2.0)
        heap_after, rss_after = heap_used_kib(server.pid), server.rss_kib()
    finally:
        if holder.poll() is None:
            holder.stdin.write("\n")
            holder.stdin.flush()
            try:
                holder.wait(60)
            except subprocess.TimeoutExpired:
                holder.kill()
                holder.wait()
    record = {"opened": opened, "failed": failed, "connectSeconds": float(m.group(3)),
              "rssKiB": {"before": rss_before, "after": rss_after},
              "heapUsedKiB": {"before": heap_before, "after": heap_after}}
    if opened:
        record["metrics"] = {RSS_PER_CONN.key: (rss_after - rss_before) / opened,
                             HEAP_PER_CONN.key: (heap_after - heap_before) / opened}
    if failed or not opened:
        record["error"] = f"{failed} of {w.connections} connections failed"
    return record


def upgrade_once(port, path="/echo"):
    """One TCP connect + WebSocket upgrade; True on 101."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as s:
            s.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                       "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13\r\n\r\n").encode())
            head = b""
            while b"\r\n" not in head:
                chunk = s.recv(1024)
                if not chunk:
                    return False
                head += chunk
            return head.split(b"\r\n", 1)[0].split(b" ")[1:2] == [b"101"]
    except OSError:
        return False


def run_startup(server, args):
    """Time from fork to the first successful upgrade (polled every 2 ms), and to the LISTENING line."""
    deadline = server.started_at + 60
    listening_ms = None
    while time.monotonic() < deadline:
        if listening_ms is None and server.name != DUPLEX_SERVE and server.announced_port() is not None:
            listening_ms = (time.monotonic() - server.started_at) * 1000
        if upgrade_once(server.port):
            elapsed_ms = (time.monotonic() - server.started_at) * 1000
            record = {"metrics": {STARTUP_MS.key: elapsed_ms}}
            if listening_ms is None and server.name != DUPLEX_SERVE and server.announced_port() is not None:
                listening_ms = elapsed_ms  # printed between our last look and the upgrade
            if listening_ms is not None:
                record["metrics"][LISTENING_MS.key] = listening_ms
            return record
        if server.process.poll() is not None:
            return {"error": f"exited with {server.process.returncode}; see {server.stderr_path}"}
        time.sleep(0.002)
    return {"error": "no successful upgrade within 60 s"}


def one_run(w, name, rep, args, pinning, outdir):
    tag = f"{w.id}.{name}.{rep}"
    flags = STARTUP_JVM_FLAGS if w.kind == "startup" else args.jvm_flags
    server = Server(name, args.java, flags, pinning, os.path.join(outdir, "logs"), tag, args.duplex_jar)
    record = {"workload": w.id, "server": name, "rep": rep, "time": datetime.datetime.now().isoformat(timespec="seconds"),
              "serverCommand": server.command}
    try:
        server.start()
        if w.kind == "startup":
            record.update(run_startup(server, args))
        else:
            record["listeningSeconds"] = round(server.wait_listening(), 3)
            time.sleep(0.5)
            record.update(run_load(w, server, args, pinning) if w.kind == "load" else run_idle(w, server, args, pinning))
            record["serverCpuSecondsTotal"] = server.cpu_seconds()
    except Exception as e:  # a failed run is recorded and the comparison goes on
        record["error"] = f"{type(e).__name__}: {e}"
    finally:
        record["stoppedCleanly"] = server.stop()
    record["ok"] = "error" not in record and bool(record.get("metrics"))
    return record


def parse_seconds(text):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)?", text)
    if not m:
        raise argparse.ArgumentTypeError(f"not a duration: {text}")
    return float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, None: 1}[m.group(2)]


# ---------------------------------------------------------------------------------------------------------------
# Report


def medians(records):
    """{workload: {server: {metric: (median, n)}}} over the successful runs."""
    out = {}
    for r in records:
        if not r.get("ok"):
            continue
        per = out.setdefault(r["workload"], {}).setdefault(r["server"], {})
        for k, v in r["metrics"].items():
            per.setdefault(k, []).append(v)
    return {w: {s: {k: (statistics.median(v), len(v)) for k, v in ms.items()} for s, ms in ss.items()}
            for w, ss in out.items()}


def fmt(value, decimals):
    if value is None:
        return "–"
    return f"{value:,.{decimals}f}"


def table_markdown(records, wls, server_names, meta):
    med = medians(records)
    failures = {}
    for r in records:
        if not r.get("ok"):
            failures.setdefault((r["workload"], r["server"]), []).append(r.get("error", "no metrics"))
    lines = [f"# duplex vs peers, {meta['date']}", "",
             f"Machine: {meta['cpu']} ({meta['cpus']} CPUs), {meta['kernel']}; {meta['java']}.",
             f"Versions: {', '.join(f'{k} {v}' for k, v in meta['versions'].items())}.",
             f"Server JVM flags: `{meta['serverJvmFlags']}` (start-up: `{STARTUP_JVM_FLAGS}`); pinned: "
             f"{meta['pinning']}; {meta['repetitions']} interleaved repetitions, duration {meta['duration']}, "
             f"warm-up {meta['warmup']}{' — QUICK MODE, smoke test only' if meta['quick'] else ''}.",
             "Cells are medians over the successful runs (n shown when some failed). In peer rows the ratio is "
             "duplex ÷ peer; ↑ marks metrics where higher is better, ↓ where lower is better.", ""]
    for w in wls:
        if w.id not in {r["workload"] for r in records}:
            continue
        names = [n for n in server_names if any(r["workload"] == w.id and r["server"] == n for r in records)]
        lines += [f"## {w.title}", "", "| server | " + " | ".join(
            f"{m.label}{m.arrow()}" for m in w.metrics) + " |",
                  "|---|" + "---:|" * len(w.metrics)]
        duplex = med.get(w.id, {}).get("duplex", {})
        for n in names:
            cells = []
            for m in w.metrics:
                value, count = med.get(w.id, {}).get(n, {}).get(m.key, (None, 0))
                cell = fmt(value, m.decimals)
                if value is not None and count < meta["repetitions"]:
                    cell += f" (n={count})"
                base = duplex.get(m.key, (None, 0))[0]
                if n != "duplex" and value and base is not None and m.higher_is_better is not None:
                    cell += f" ({base / value:.2f}×)"
                cells.append(cell)
            lines.append(f"| {n} | " + " | ".join(cells) + " |")
        lines.append("")
        for (wid, n), errors in sorted(failures.items()):
            if wid == w.id:
                lines.append(f"- {n}: {len(errors)} failed run(s): {errors[0][:300]}")
        lines.append("")
    return "\n".join(lines)


def svg_chart(records, wls, server_names, meta):
    """Horizontal bar panels (median per server) for each workload's headline metrics; duplex highlighted."""
    med = medians(records)
    panels = []
    for w in wls:
        for m in w.headline:
            values = [(n, med.get(w.id, {}).get(n, {}).get(m.key, (None, 0))[0]) for n in server_names]
            values = [(n, v) for n, v in values if v is not None]
            if values:
                panels.append((w.title, m, values))
    width, cols, bar_h, gap = 1000, 2, 18, 4
    panel_w = width // cols
    label_w, pad = 120, 14
    heights = [48 + len(v) * (bar_h + gap) + pad for _, _, v in panels]
    rows = [max(heights[i:i + cols]) for i in range(0, len(panels), cols)]
    top = 56
    total_h = top + sum(rows) + 20
    colors = {"duplex": "#d9480f", "netty-nio": "#1c7ed6", "netty-epoll": "#4dabf7", "jetty": "#37b24d",
              "java-websocket": "#ae3ec9", DUPLEX_SERVE: "#f08c00"}
    esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total_h}" '
           f'viewBox="0 0 {width} {total_h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{total_h}" fill="white"/>',
           f'<text x="12" y="24" font-size="16" font-weight="bold">duplex vs Netty, Jetty, Java-WebSocket '
           f'({esc(meta["date"])}{", QUICK" if meta["quick"] else ""})</text>',
           f'<text x="12" y="42" fill="#555">medians of {meta["repetitions"]} interleaved run(s); server pinned to one '
           f'core; JVM {esc(meta["serverJvmFlags"])}; ↑ higher is better, ↓ lower is better</text>']
    y = top
    for row_index, row_h in enumerate(rows):
        for col in range(cols):
            i = row_index * cols + col
            if i >= len(panels):
                break
            title, m, values = panels[i]
            x = col * panel_w + 12
            out.append(f'<text x="{x}" y="{y + 16}" font-weight="bold">{esc(title)}</text>')
            out.append(f'<text x="{x}" y="{y + 32}" fill="#555">{esc(m.label)}{m.arrow()}</text>')
            biggest = max(v for _, v in values) or 1
            span = panel_w - label_w - 90
            for j, (n, v) in enumerate(values):
                by = y + 42 + j * (bar_h + gap)
                length = max(1, span * v / biggest)
                out.append(f'<text x="{x + label_w - 6}" y="{by + 13}" text-anchor="end">{esc(n)}</text>')
                out.append(f'<rect x="{x + label_w}" y="{by}" width="{length:.1f}" height="{bar_h}" '
                           f'fill="{colors.get(n, "#868e96")}"/>')
                out.append(f'<text x="{x + label_w + length + 4:.1f}" y="{by + 13}">{fmt(v, m.decimals)}</text>')
        y += row_h
    out.append("</svg>")
    return "\n".join(out) + "\n"


def jar_versions():
    """Versions of the peers as shaded into bench-servers.jar (their pom.properties)."""
    wanted = {"netty-codec-http": "Netty", "jetty-server": "Jetty", "Java-WebSocket": "Java-WebSocket"}
    found = {}
    try:
        with zipfile.ZipFile(SERVERS_JAR) as z:
            for name in z.namelist():
                if name.endswith("pom.properties"):
                    props = dict(l.split("=", 1) for l in z.read(name).decode().splitlines() if "=" in l)
                    if props.get("artifactId") in wanted:
                        found[wanted[props["artifactId"]]] = props.get("version", "?")
    except (OSError, zipfile.BadZipFile):
        pass
    return found


def environment(args, pinning):
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    java = subprocess.run([args.java, "-version"], capture_output=True, text=True).stderr.splitlines()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return {"date": datetime.date.today().isoformat(), "cpu": cpu, "cpus": os.cpu_count(),
            "kernel": f"Linux {platform.release()}", "java": java[1] if len(java) > 1 else "?",
            "versions": {"duplex": commit or "?", **jar_versions()}, "serverJvmFlags": args.jvm_flags,
            "loadgenJvmFlags": args.loadgen_jvm_flags,
            "pinning": f"server taskset -c {pinning.server_cpu}, load generator taskset -c {pinning.client_cpu}"
            if pinning.enabled else "no", "repetitions": args.repetitions, "duration": args.duration,
            "warmup": args.warmup, "quick": args.quick}


def write_report(outdir, wls, server_names, meta, publish):
    with open(os.path.join(outdir, "raw.jsonl")) as f:
        records = [json.loads(l) for l in f if l.strip()]
    table = table_markdown(records, wls, server_names, meta)
    with open(os.path.join(outdir, "table.md"), "w") as f:
        f.write(table + "\n")
    chart = svg_chart(records, wls, server_names, meta)
    with open(os.path.join(outdir, "chart.svg"), "w") as f:
        f.write(chart)
    print(table)
    log(f"wrote {outdir}/raw.jsonl, table.md, chart.svg")
    if publish:
        target = os.path.join(ROOT, "docs", "img", "benchmarks.svg")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(os.path.join(outdir, "chart.svg"), target)
        log(f"published the chart to {target}")


# ---------------------------------------------------------------------------------------------------------------


def check_loadgen(args):
    probe = subprocess.run([args.java, "-jar", args.duplex_jar, "bench", "--help"], capture_output=True, text=True)
    if probe.returncode != 0 or "--server-pid" not in probe.stdout + probe.stderr:
        sys.exit(f"{args.duplex_jar} has no usable `bench` subcommand (the load generator); build it: {BUILD_HINT}")


def main():
    all_ids = [w.id for w in workloads(False)] + [w.id for w in workloads(True)]
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="smoke test: 1 repetition, 2 s runs after 1 s warm-up, 2,000 instead of 10,000 connections")
    p.add_argument("-r", "--repetitions", type=int, help="rounds over all servers per workload (default 3; quick 1)")
    p.add_argument("-d", "--duration", help="measured time per load run (default 10s; quick 2s)")
    p.add_argument("--warmup", help="unmeasured load before it (default 5s; quick 1s)")
    p.add_argument("--startup-repetitions", type=int, help="start-up measurements per server (default 10; quick 2)")
    p.add_argument("--servers", default=",".join(SERVERS),
                   help=f"comma-separated subset of {', '.join(SERVERS)} (default: all)")
    p.add_argument("--workloads", help="comma-separated subset of the workload ids (default: all); ids: "
                   + ", ".join(dict.fromkeys(all_ids)))
    p.add_argument("--no-startup-serve", action="store_true", help="leave `duplex serve` out of the start-up workload")
    p.add_argument("--out", help="results directory (default bench/results/<date-time>[-quick])")
    p.add_argument("--publish", action="store_true", help="also copy the chart to docs/img/benchmarks.svg")
    p.add_argument("--report-only", metavar="DIR", help="only rebuild table.md and chart.svg from DIR/raw.jsonl")
    p.add_argument("--java", default=shutil.which("java") or "java", help="the java for servers and load generator")
    p.add_argument("--jvm-flags", default=SERVER_JVM_FLAGS, help=f"server JVM flags (default: {SERVER_JVM_FLAGS})")
    p.add_argument("--loadgen-jvm-flags", default=LOADGEN_JVM_FLAGS)
    p.add_argument("--duplex-jar", default=DUPLEX_JAR, help="jar with `duplex bench` and `duplex serve`")
    p.add_argument("--server-cpu", type=int, default=0)
    p.add_argument("--client-cpu", type=int, default=1)
    args = p.parse_args()
    quick = args.quick
    args.repetitions = args.repetitions or (1 if quick else 3)
    args.duration = args.duration or ("2s" if quick else "10s")
    args.warmup = args.warmup or ("1s" if quick else "5s")
    args.startup_repetitions = args.startup_repetitions or (2 if quick else 10)
    for d in (args.duration, args.warmup):
        parse_seconds(d)

    server_names = [s.strip() for s in args.servers.split(",") if s.strip()]
    unknown = [s for s in server_names if s not in SERVERS]
    if unknown:
        sys.exit(f"unknown servers {unknown}; known: {list(SERVERS)}")
    wls = workloads(quick)
    if args.workloads:
        chosen = [x.strip() for x in args.workloads.split(",")]
        bad = [x for x in chosen if x not in {w.id for w in wls}]
        if bad:
            sys.exit(f"unknown workloads {bad}; known{' (quick)' if quick else ''}: {[w.id for w in wls]}")
        wls = [w for w in wls if w.id in chosen]
    startup_names = server_names + ([] if args.no_startup_serve else [DUPLEX_SERVE])
    pinning = Pinning(args.server_cpu, args.client_cpu)

    if args.report_only:
        with open(os.path.join(args.report_only, "meta.json")) as f:
            meta = json.load(f)
        write_report(args.report_only, wls, server_names + [DUPLEX_SERVE], meta, args.publish)
        return

    if not os.path.exists(SERVERS_JAR):
        sys.exit(f"missing {SERVERS_JAR}; build it: {BUILD_HINT}")
    if any(w.kind == "load" for w in wls) or (DUPLEX_SERVE in startup_names and any(w.kind == "startup" for w in wls)):
        if not os.path.exists(args.duplex_jar):
            sys.exit(f"missing {args.duplex_jar}; build it: {BUILD_HINT}")
    if any(w.kind == "load" for w in wls):
        check_loadgen(args)
    limit = raise_fd_limit(65536)
    biggest = max([w.connections for w in wls] + [10000 if any("10k" in w.id for w in wls) else 0])
    if limit < biggest + 1024:
        sys.exit(f"open-files limit {limit} is too low for {biggest} connections; run as a user who may raise it")

    stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
    outdir = args.out or os.path.join(BENCH, "results", stamp + ("-quick" if quick else ""))
    os.makedirs(outdir, exist_ok=True)
    meta = environment(args, pinning)
    with open(os.path.join(outdir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    log(f"results in {outdir}; pinning: {meta['pinning']}; open files: {limit}")

    raw_path = os.path.join(outdir, "raw.jsonl")
    with open(raw_path, "a") as raw:
        for w in wls:
            names = startup_names if w.kind == "startup" else server_names
            reps = args.startup_repetitions if w.kind == "startup" else args.repetitions
            for rep in range(1, reps + 1):
                for name in names:
                    log(f"{w.id} · {name} · run {rep}/{reps}")
                    record = one_run(w, name, rep, args, pinning, outdir)
                    raw.write(json.dumps(record) + "\n")
                    raw.flush()
                    summary = ", ".join(f"{k}={v:,.2f}" for k, v in record.get("metrics", {}).items())
                    log(f"  {'ok' if record['ok'] else 'FAILED'}: {summary or record.get('error')}")
    write_report(outdir, wls, server_names + [DUPLEX_SERVE], meta, args.publish)


if __name__ == "__main__":
    main()
