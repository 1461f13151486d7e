#!/usr/bin/python3
"""A WebSocket echo server on the websockets library, started by duplex's tests.

    /usr/bin/python3 echo_server.py [--port N] [--host 127.0.0.1] [--no-deflate]
        [--server-no-context-takeover] [--client-no-context-takeover]
        [--server-max-window-bits N] [--client-max-window-bits N]
        [--max-size N] [--exit-on-stdin-eof]

Prints exactly one line "LISTENING <port>" on stdout once it accepts
connections; diagnostics go to stderr. Text is echoed as text and binary as
binary, except these text control messages (the same as the Node echo server):
    __close <code> [reason]   the server starts the closing handshake
    __ping [payload]          the server pings; the pong is reported back as "__pong <payload>"
    __terminate               the server drops the TCP connection without a close frame

Written against the API of websockets 10.4 (Debian 12's python3-websockets).
Compression is on by default, as in websockets (its defaults then apply:
max_window_bits 12 both ways); --no-deflate switches it off, and any of the
explicit deflate parameters replaces those defaults with exactly what is asked.
Keepalive pings are off so that tests see only the pings they ask for.
"""

import argparse
import asyncio
import signal

import websockets
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory

import peer_common as pc


async def handler(ws, path=None):
    pc.log(f"connection from {ws.remote_address} path={ws.path} "
           f"extensions={[e.name for e in ws.extensions] or '-'}")
    try:
        async for message in ws:
            if isinstance(message, str) and message.startswith("__"):
                if await control(ws, message):
                    continue
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass
    finally:
        pc.log(f"closed code={ws.close_code} reason={ws.close_reason}")


async def control(ws, message: str) -> bool:
    """Handles a control message; False when the message is to be echoed after all."""
    verb, _, arg = message.partition(" ")
    if verb == "__close":
        code_text, _, reason = arg.partition(" ")
        code = int(code_text) if code_text else 1000
        # Don't wait for the handshake here: the echo loop must keep reading to see the reply.
        asyncio.ensure_future(ws.close(code, reason))
        return True
    if verb == "__ping":
        waiter = await ws.ping(arg.encode("utf-8"))

        async def report():
            try:
                await waiter
                await ws.send("__pong " + arg)
            except websockets.ConnectionClosed:
                pass

        asyncio.ensure_future(report())
        return True
    if verb == "__terminate":
        ws.transport.abort()
        return True
    return False


async def main(args) -> None:
    kwargs = dict(max_size=args.max_size, ping_interval=None, max_queue=64)
    if not args.deflate:
        kwargs["compression"] = None
    elif pc.explicit_deflate(args):
        kwargs["compression"] = None
        kwargs["extensions"] = [ServerPerMessageDeflateFactory(
            server_no_context_takeover=args.server_no_context_takeover,
            client_no_context_takeover=args.client_no_context_takeover,
            server_max_window_bits=args.server_max_window_bits,
            client_max_window_bits=args.client_max_window_bits,
        )]
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.cancel)
    async with websockets.serve(handler, args.host, args.port, **kwargs) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"LISTENING {port}", flush=True)
        try:
            await stop
        except asyncio.CancelledError:
            pass


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    pc.add_deflate_arguments(parser, default_on=True)
    parsed = parser.parse_args()
    pc.exit_on_stdin_eof(parsed.exit_on_stdin_eof)
    pc.run(main(parsed))
