"""Entry point of the ``gofannon-db`` command: parse, dispatch, and turn expected errors into one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from .. import __version__
from ..errors import DatabaseError
from . import check, migrate, new_plugin, providers, serve, transfer
from .scrubbing import scrubbed_output

Command = Callable[[argparse.Namespace], int]

_COMMANDS = (providers, check, serve, migrate, transfer, new_plugin)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gofannon-db",
        description="Inspect and operate gofannon-db providers. Settings come from the environment "
        "(DATABASE_PROVIDER, default 'memory', and each provider's own variables).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in _COMMANDS:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Command = args.run
    with scrubbed_output():
        try:
            return run(args)
        except DatabaseError as error:
            print(f"gofannon-db {args.command}: {type(error).__name__}: {error.detail}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print(f"gofannon-db {args.command}: interrupted", file=sys.stderr)
            return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
