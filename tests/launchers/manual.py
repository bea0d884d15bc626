"""Run a test server by hand: ``python -m tests.launchers.<name> [--port N]``.

Prints the environment that points gofannon-db at the server as shell ``export``
lines on stdout (so ``eval "$(python -m tests.launchers.couchdb)"`` would work in a
script that backgrounds it), the rest on stderr, and stays up until Ctrl-C. When the
server process dies on its own, the launcher says so and exits 1 instead of lingering.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import sys
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import TypeVar

from .process import ServerStartError

__all__ = ["EXIT_SERVER_DIED", "export_lines", "run_by_hand"]

EXIT_SERVER_DIED = 1
_S = TypeVar("_S")


def export_lines(env: Mapping[str, str]) -> str:
    """``export NAME=value`` lines, each value quoted for POSIX shells."""
    return "\n".join(f"export {name}={shlex.quote(value)}" for name, value in env.items())


def _child_exited() -> bool:
    """True once any child process of this one has exited (left waitable, not reaped)."""
    try:
        info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True  # no children left at all
    return info is not None


def _interrupt(signum: int, frame: object) -> None:
    """Stop the server as Ctrl-C does."""
    raise KeyboardInterrupt


def _port(text: str) -> int:
    port = int(text)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 1-65535, got {port}")
    return port


def run_by_hand(
    name: str,
    start: Callable[[int | None], AbstractContextManager[_S]],
    env_of: Callable[[_S], Mapping[str, str]],
    argv: list[str] | None = None,
) -> int:
    """Start the server, print its ``export`` lines, wait for Ctrl-C (exit 0) or its death (exit 1)."""
    parser = argparse.ArgumentParser(description=f"Run the {name} test server by hand until Ctrl-C.")
    parser.add_argument("--port", type=_port, help="port on 127.0.0.1 (default: a free one)")
    args = parser.parse_args(argv)
    # Stop cleanly on SIGTERM (kill, a CI runner) and on SIGINT even when started in the
    # background of a script, where the shell makes SIGINT ignored.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    try:
        with start(args.port) as server:
            print(export_lines(env_of(server)), flush=True)
            print(f"# {name} is running; paste the lines above into your shell. Ctrl-C stops it.", file=sys.stderr)
            with contextlib.suppress(KeyboardInterrupt):
                while not _child_exited():
                    time.sleep(0.5)
                print(f"# {name} died on its own; exiting with status {EXIT_SERVER_DIED}.", file=sys.stderr)
                return EXIT_SERVER_DIED
            print(f"# {name} stopped.", file=sys.stderr)
            return 0
    except ServerStartError as error:
        print(error, file=sys.stderr)
        return EXIT_SERVER_DIED
