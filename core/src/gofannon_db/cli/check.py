"""``gofannon-db check``: build the configured service, reach its server, say what answered."""

from __future__ import annotations

import argparse
from typing import Any

from ..factory import create_database_service
from ..settings import Settings
from .output import print_json


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "check",
        help="connect with the environment's settings and report",
        description="Build the provider named by DATABASE_PROVIDER from the environment, reach its server, "
        "and print what answered and which collections exist. Exits 1 with one line saying why "
        "(wrong settings, refused credentials, or the server unreachable: refused, timed out, DNS). "
        "Run it first when something does not work.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    with create_database_service(settings) as service:
        info = service.ping()
        collections = service.list_collections()
    report = {"ok": True, "service": repr(service), **info, "collections": collections}
    if args.json:
        print_json(report)
    else:
        details = ", ".join(f"{key}={value}" for key, value in info.items() if key != "provider")
        print(f"OK: reached the {info['provider']} provider{f' ({details})' if details else ''}.")
        print(f"Collections: {', '.join(collections) if collections else '(none yet)'}")
    return 0
