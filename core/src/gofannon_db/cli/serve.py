"""``gofannon-db serve``: run the REST service (``gofannon_db.server``) with uvicorn.

Needs the ``fastapi`` extra; without it the command says what to install and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..factory import create_database_service
from ..settings import Settings

_INSTALL_HINT = "gofannon-db serve needs FastAPI and uvicorn: pip install 'gofannon-db[fastapi]'"


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 0 and 65535, got {port}")
    return port


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "serve",
        help="run the REST service on the configured provider (needs gofannon-db[fastapi])",
        description="Serve the configured provider over HTTP (API docs at /docs). Collections served: "
        "the six core ones, or GOFANNON_SERVE_COLLECTIONS=a,b.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--reload", action="store_true", help="restart when source files change (development)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError:
        print(_INSTALL_HINT, file=sys.stderr)
        return 1
    from ..server.app import create_app

    # Build the service now, so that a wrong configuration is one line and exit 1, not a
    # traceback from the server's startup.
    settings = Settings()
    service = create_database_service(settings)
    print(
        f"gofannon-db: serving the {service.provider_name} provider on http://{args.host}:{args.port} "
        "(API docs at /docs)",
        file=sys.stderr,
    )
    if args.reload:
        # The reloader imports the app by name in a child process, which builds its own service.
        service.close()
        uvicorn.run("gofannon_db.server.app:app", host=args.host, port=args.port, reload=True)
        return 0
    try:
        uvicorn.run(create_app(settings, service=service), host=args.host, port=args.port)
    finally:
        service.close()
    return 0
