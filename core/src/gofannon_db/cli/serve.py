"""``gofannon-db serve``: run the REST service (``gofannon_db.server``) with uvicorn.

Needs the ``fastapi`` extra; without it the command says what to install and exits 1.
Refuses to serve anonymously off loopback (one line, exit 1) unless ``--allow-anonymous``.
SIGTERM stops it gracefully: no new connections, in-flight requests finish within
``--shutdown-timeout``, the service is closed, exit 0.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from types import FrameType
from typing import Any

from ..errors import ConfigurationError
from ..settings import Settings
from ..tokens import TOKENS_FILE_VARIABLE, TOKENS_VARIABLE, TokenSet

_INSTALL_HINT = "gofannon-db serve needs FastAPI and uvicorn: pip install 'gofannon-db[fastapi]'"


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535, got {port}")
    return port


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not 0 <= seconds <= 3600:
        raise argparse.ArgumentTypeError(f"must be between 0 and 3600 seconds, got {value}")
    return seconds


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="run the REST service on the configured provider (needs gofannon-db[fastapi])",
        description="Serve the configured provider over HTTP (API docs at /docs). Collections served: "
        "the six core ones, or GOFANNON_SERVE_COLLECTIONS=a,b. Callers need a bearer token from "
        f"{TOKENS_VARIABLE} (comma-separated; 'read:TOKEN' may only read) or --token-file. Without "
        "tokens the service is anonymous and may only listen on loopback unless --allow-anonymous. "
        "Request bodies are limited to GOFANNON_SERVE_MAX_BODY_BYTES (default: the backend's "
        "document limit plus 64 KiB).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    parser.add_argument(
        "--token-file",
        metavar="PATH",
        help=f"accepted bearer tokens, one per line ('read:TOKEN' for read-only, '#' comments); "
        f"added to {TOKENS_VARIABLE}",
    )
    parser.add_argument(
        "--allow-anonymous",
        action="store_true",
        help="serve without tokens on a non-loopback interface: anyone who can connect may read and write",
    )
    parser.add_argument(
        "--shutdown-timeout",
        type=_seconds,
        default=10.0,
        metavar="SECONDS",
        help="on SIGTERM, wait at most this long for in-flight requests (default 10)",
    )
    parser.add_argument("--reload", action="store_true", help="restart when source files change (development)")
    parser.set_defaults(run=run)


class _Stopped:
    """Remembers a SIGTERM that uvicorn re-raises after its graceful shutdown, so the command can exit 0."""

    def __init__(self) -> None:
        self.signal: int | None = None
        self._previous: Any = None

    def __enter__(self) -> _Stopped:
        self._previous = signal.signal(signal.SIGTERM, self._record)
        return self

    def _record(self, signum: int, frame: FrameType | None) -> None:
        self.signal = signum

    def __exit__(self, *exc_info: object) -> None:
        signal.signal(signal.SIGTERM, self._previous)


def run(args: argparse.Namespace) -> int:
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError:
        print(_INSTALL_HINT, file=sys.stderr)
        return 1
    from ..server.app import create_app
    from ..server.guard import is_loopback

    settings = Settings() if args.token_file is None else Settings(**{TOKENS_FILE_VARIABLE: args.token_file})
    tokens = TokenSet.from_settings(settings)
    if not tokens and not is_loopback(args.host) and not args.allow_anonymous:
        raise ConfigurationError(
            f"refusing to serve {args.host} without tokens: anyone who can connect could read and write. "
            f"Set {TOKENS_VARIABLE} or --token-file, listen on 127.0.0.1, or pass --allow-anonymous."
        )
    access = (
        f"{tokens.count('write')} read-write and {tokens.count('read')} read-only token(s)"
        if tokens
        else "no tokens: anonymous"
    )
    if args.reload:
        # The reloader imports the app by name in a child process, which reads the environment.
        if args.token_file is not None:
            os.environ[TOKENS_FILE_VARIABLE] = args.token_file
        if args.allow_anonymous:
            os.environ["GOFANNON_SERVE_ALLOW_ANONYMOUS"] = "true"
        _announce(settings.provider, args, access)
        uvicorn.run("gofannon_db.server.app:app", host=args.host, port=args.port, reload=True)
        return 0
    app = create_app(settings, tokens=tokens, allow_anonymous=args.allow_anonymous)
    # Build the service and read every setting now, so that a wrong configuration is one
    # line and exit 1, not a traceback from the server's startup. The app owns the service
    # and closes it when uvicorn shuts down.
    state = app.state.gofannon
    state.check()
    _announce(state.provider, args, access)
    with _Stopped() as stopped:
        uvicorn.run(app, host=args.host, port=args.port, timeout_graceful_shutdown=args.shutdown_timeout)
    if stopped.signal is not None:
        print("gofannon-db serve: stopped (SIGTERM); the service is closed", file=sys.stderr)
    return 0


def _announce(provider: str, args: argparse.Namespace, access: str) -> None:
    from ..server.guard import is_loopback

    print(
        f"gofannon-db: serving the {provider} provider on http://{args.host}:{args.port} ({access}; API docs at /docs)",
        file=sys.stderr,
    )
    if not is_loopback(args.host) and args.allow_anonymous and access.startswith("no tokens"):
        print(
            f"gofannon-db serve: WARNING: anonymous service on {args.host} (--allow-anonymous): "
            "anyone who can connect may read and write every served collection",
            file=sys.stderr,
        )
