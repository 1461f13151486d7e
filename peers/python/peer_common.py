"""Helpers shared by the Python peers (run with Debian's /usr/bin/python3 and python3-websockets)."""

import argparse
import asyncio
import os
import sys
import threading

MAX_SIZE_DEFAULT = 64 * 1024 * 1024


def add_deflate_arguments(parser: argparse.ArgumentParser, default_on: bool = True) -> None:
    """The permessage-deflate options, spelled as in the Node peers."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--deflate", dest="deflate", action="store_true", default=default_on,
                       help="offer/accept permessage-deflate (the default)")
    group.add_argument("--no-deflate", dest="deflate", action="store_false",
                       help="switch compression off")
    parser.add_argument("--server-no-context-takeover", action="store_true")
    parser.add_argument("--client-no-context-takeover", action="store_true")
    parser.add_argument("--server-max-window-bits", type=int)
    parser.add_argument("--client-max-window-bits", type=int)
    parser.add_argument("--max-size", "--max-payload", dest="max_size", type=int,
                        default=MAX_SIZE_DEFAULT, help="largest message accepted, in bytes")
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="exit when standard input closes (so the peer dies with its parent)")


def explicit_deflate(args) -> bool:
    return bool(args.server_no_context_takeover or args.client_no_context_takeover
                or args.server_max_window_bits is not None or args.client_max_window_bits is not None)


def binary_pattern(n: int) -> bytes:
    """n bytes where byte i is i % 251 (the "binary-size N" step)."""
    block = bytes(i % 251 for i in range(251))
    return (block * (n // 251 + 1))[:n]


def text_pattern(n: int) -> str:
    """n ASCII characters where char i is 'a' + i % 26 (the "text-size N" step)."""
    block = "abcdefghijklmnopqrstuvwxyz"
    return (block * (n // 26 + 1))[:n]


def exit_on_stdin_eof(enabled: bool) -> None:
    """Exit the whole process once stdin reaches EOF, so an orphaned peer does not linger."""
    if not enabled:
        return

    def watch() -> None:
        try:
            # os.read, not sys.stdin: a daemon thread blocked inside a buffered reader makes
            # interpreter shutdown abort ("could not acquire lock ... <stdin>").
            while os.read(0, 65536):
                pass
        except Exception:
            pass
        os._exit(0)

    threading.Thread(target=watch, name="stdin-eof", daemon=True).start()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(main) -> None:
    try:
        asyncio.run(main)
    except KeyboardInterrupt:
        pass
