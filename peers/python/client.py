#!/usr/bin/python3
"""A scripted WebSocket client on the websockets library, started by duplex's tests.

    /usr/bin/python3 client.py URL [--no-deflate] [--server-no-context-takeover]
        [--client-no-context-takeover] [--server-max-window-bits N]
        [--client-max-window-bits N] [--protocol p1,p2] [--max-size N]
        [--timeout-ms N] [--script FILE] [--exit-on-stdin-eof] [STEP ...]

Same steps, output and exit status as peers/node/client.js:
    text <payload> | text-size <n> | binary-hex <hex> | binary-size <n>
    ping [payload] | wait <n> | close [code] [reason]
One JSON object per line on stdout: open (protocol, extensions, and negotiated:
the extensions with the parameters in force, header style), message (type, length, sha256, data
or hex up to 65536 bytes), pong, close (code, reason, clean), error, timeout.
(websockets answers pings itself and does not report them, so there is no
"ping" event here.) Exit 0 after a closing handshake, 1 on an error or an
abnormal close (1006), 2 on timeout (default 30000 ms), 2 also for bad usage
(argparse's convention).

Compression is on by default, as in websockets; --no-deflate switches it off.
"""

import argparse
import asyncio
import hashlib
import json
import sys

import websockets
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory

import peer_common as pc

SHOW_LIMIT = 65536


def emit(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")
    sys.stdout.flush()


class Client:
    def __init__(self, ws):
        self.ws = ws
        self.received = 0
        self.changed = asyncio.Condition()

    async def reader(self) -> None:
        try:
            async for message in self.ws:
                data = message.encode("utf-8") if isinstance(message, str) else message
                out = {"event": "message", "type": "text" if isinstance(message, str) else "binary",
                       "length": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                if len(data) <= SHOW_LIMIT:
                    if isinstance(message, str):
                        out["data"] = message
                    else:
                        out["hex"] = data.hex()
                emit(out)
                async with self.changed:
                    self.received += 1
                    self.changed.notify_all()
        except websockets.ConnectionClosed:
            pass
        finally:
            async with self.changed:
                self.changed.notify_all()

    async def step(self, step: str) -> None:
        verb, _, arg = step.partition(" ")
        ws = self.ws
        if verb == "text":
            await ws.send(arg)
        elif verb == "text-size":
            await ws.send(pc.text_pattern(int(arg)))
        elif verb == "binary-hex":
            await ws.send(bytes.fromhex(arg))
        elif verb == "binary-size":
            await ws.send(pc.binary_pattern(int(arg)))
        elif verb == "ping":
            waiter = await ws.ping(arg.encode("utf-8"))

            async def report():
                try:
                    await waiter
                    emit({"event": "pong", "data": arg})
                except websockets.ConnectionClosed:
                    pass

            asyncio.ensure_future(report())
        elif verb == "wait":
            n = int(arg)
            async with self.changed:
                await self.changed.wait_for(lambda: self.received >= n or ws.closed)
        elif verb == "close":
            code_text, _, reason = arg.partition(" ")
            await ws.close(int(code_text) if code_text else 1000, reason)
        else:
            raise ValueError(f"unknown step: {step}")


def negotiated(ext) -> str:
    """An accepted extension with the parameters in force, header style (a client: remote = server)."""
    parts = [ext.name]
    if getattr(ext, "remote_no_context_takeover", False):
        parts.append("server_no_context_takeover")
    if getattr(ext, "local_no_context_takeover", False):
        parts.append("client_no_context_takeover")
    if hasattr(ext, "remote_max_window_bits"):
        parts.append(f"server_max_window_bits={ext.remote_max_window_bits}")
    if hasattr(ext, "local_max_window_bits"):
        parts.append(f"client_max_window_bits={ext.local_max_window_bits}")
    return "; ".join(parts)


async def session(args, steps) -> int:
    kwargs = dict(max_size=args.max_size, ping_interval=None, open_timeout=10, max_queue=64)
    if args.protocol:
        kwargs["subprotocols"] = args.protocol.split(",")
    if not args.deflate:
        kwargs["compression"] = None
    elif pc.explicit_deflate(args):
        kwargs["compression"] = None
        kwargs["extensions"] = [ClientPerMessageDeflateFactory(
            server_no_context_takeover=args.server_no_context_takeover,
            client_no_context_takeover=args.client_no_context_takeover,
            server_max_window_bits=args.server_max_window_bits,
            client_max_window_bits=args.client_max_window_bits or True,
        )]
    try:
        ws = await websockets.connect(args.url, **kwargs)
    except Exception as e:  # handshake refused, connection refused, ...
        emit({"event": "error", "message": f"{type(e).__name__}: {e}"})
        return 1
    emit({"event": "open", "protocol": ws.subprotocol or "",
          "extensions": ", ".join(e.name for e in ws.extensions),
          "negotiated": ", ".join(negotiated(e) for e in ws.extensions)})
    client = Client(ws)
    reader = asyncio.ensure_future(client.reader())
    failed = False
    try:
        for step in steps:
            await client.step(step)
    except websockets.ConnectionClosed:
        pass
    except Exception as e:
        emit({"event": "error", "message": f"{type(e).__name__}: {e}"})
        failed = True
        ws.transport.abort()
    await reader
    await ws.wait_closed()
    code = ws.close_code
    clean = code is not None and code != 1006
    emit({"event": "close", "code": code if code is not None else 1006,
          "reason": ws.close_reason or "", "clean": clean})
    return 0 if clean and not failed else 1


async def main(args, steps) -> int:
    try:
        return await asyncio.wait_for(session(args, steps), args.timeout_ms / 1000)
    except asyncio.TimeoutError:
        emit({"event": "timeout"})
        return 2


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("steps", nargs="*")
    parser.add_argument("--protocol")
    parser.add_argument("--timeout-ms", type=int, default=30000)
    parser.add_argument("--script")
    pc.add_deflate_arguments(parser, default_on=True)
    parsed = parser.parse_intermixed_args()
    all_steps = []
    if parsed.script:
        with open(parsed.script, encoding="utf-8") as f:
            for line in f.read().split("\n"):
                line = line.rstrip("\r")
                if line.strip() and not line.startswith("#"):
                    all_steps.append(line)
    all_steps.extend(parsed.steps)
    pc.exit_on_stdin_eof(parsed.exit_on_stdin_eof)
    sys.exit(asyncio.run(main(parsed, all_steps)))
