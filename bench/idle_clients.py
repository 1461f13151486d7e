#!/usr/bin/env python3
"""Opens N WebSocket connections to one URL and holds them idle (used by compare.py's idle-memory workload).

    python3 bench/idle_clients.py ws://127.0.0.1:PORT/echo N [--concurrency 200] [--timeout 60]

Each connection does the HTTP upgrade and checks for "101"; then nothing is sent. Prints one line
"OPEN <opened> FAILED <failed> SECONDS <s>" on stdout once every attempt has finished, then holds the connections
until a line arrives on standard input (or stdin closes), closes them all and exits 0. Standard library only.
Connections to the loopback only: this is a measuring helper, not a load tool.
"""
import asyncio
import base64
import os
import resource
import sys
import time
import urllib.parse


def raise_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= wanted:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(wanted, soft), max(wanted, hard)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def open_one(host, port, path, timeout):
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
    if b" 101 " not in head.split(b"\r\n", 1)[0] + b" ":
        writer.close()
        raise ConnectionError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
    return writer


async def main():
    import argparse
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("count", type=int)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    url = urllib.parse.urlsplit(args.url)
    if url.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("idle_clients.py connects to the loopback only")
    raise_fd_limit(args.count + 1024)

    gate = asyncio.Semaphore(args.concurrency)
    writers, failures = [], []

    async def guarded():
        async with gate:
            try:
                writers.append(await open_one(url.hostname, url.port, url.path or "/", args.timeout))
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError) as e:
                failures.append(repr(e))

    started = time.monotonic()
    await asyncio.gather(*(guarded() for _ in range(args.count)))
    print(f"OPEN {len(writers)} FAILED {len(failures)} SECONDS {time.monotonic() - started:.3f}", flush=True)
    if failures:
        print("first failure: " + failures[0], file=sys.stderr, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    for w in writers:
        w.transport.abort()


if __name__ == "__main__":
    asyncio.run(main())
