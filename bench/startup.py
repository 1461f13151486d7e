#!/usr/bin/env python3
"""Start-up time of a WebSocket server: fork to the first successful upgrade (101) on /echo.

    python3 bench/startup.py [--port 9411] [--runs 9] -- java -Xms1g -Xmx1g -XX:+UseParallelGC \
        -jar app/target/duplex.jar serve --port 9411 --memory

Starts the command RUNS times; each time polls 127.0.0.1:PORT every 2 ms with an upgrade request and records the
time from fork to the first 101 answer, then stops the process (SIGTERM). Prints the median and every run in ms.
The same measurement as the start-up workload of bench/compare.py.
"""
import argparse, statistics, subprocess, sys, time

from compare import upgrade_once  # the same probe as the comparison's start-up workload


def once(cmd, port, timeout_s=60):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.monotonic() - t0 < timeout_s:
            if upgrade_once(port):
                return (time.monotonic() - t0) * 1000
            if p.poll() is not None:
                raise SystemExit(f"the server exited with {p.returncode}: {' '.join(cmd)}")
            time.sleep(0.002)
        raise SystemExit(f"no upgrade within {timeout_s} s")
    finally:
        p.terminate()
        p.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=9411, help="port the command listens on (default 9411)")
    ap.add_argument("--runs", type=int, default=9, help="how many starts (default 9)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER, help="the server command (after --)")
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("give the server command after --")
    runs = [once(cmd, a.port) for _ in range(a.runs)]
    print(f"median {statistics.median(runs):.0f} ms  min {min(runs):.0f} ms  runs {[round(x) for x in runs]}")


if __name__ == "__main__":
    main()
