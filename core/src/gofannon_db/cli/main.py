"""Entry point of the ``gofannon-db`` command: parse, dispatch, and turn expected errors into one line.

With ``--json`` every outcome is one JSON object on stdout, failures included (usage
errors, configuration errors, unreachable servers), so a script never has to parse
stderr: ``{"ok": false, "command": ..., "error": {"type", "status_code", "detail"}}``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from .. import __version__
from ..errors import DatabaseError
from . import check, migrate, new_plugin, providers, serve, transfer
from .output import CommandError, print_failure
from .scrubbing import scrubbed_output

Command = Callable[[argparse.Namespace], int]

_COMMANDS = (providers, check, serve, migrate, transfer, new_plugin)
EXIT_USAGE = 2


class UsageError(Exception):
    """A bad command line, raised instead of argparse's print-and-exit so ``--json`` can answer in JSON."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        self.parser = parser
        super().__init__(message)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(self, message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gofannon-db",
        description="Inspect and operate gofannon-db providers. Settings come from the environment "
        "(DATABASE_PROVIDER, default 'memory', and each provider's own variables). "
        "Run 'gofannon-db COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in _COMMANDS:
        module.register(commands)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    names = {"providers", "check", "serve", "migrate", "export", "import", "new-plugin"}
    return next((arg for arg in argv if arg in names), None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    wants_json = "--json" in argv
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as error:
        if wants_json:
            print_failure(_command_of(argv), "UsageError", str(error), as_json=True)
        else:  # argparse's own form
            error.parser.print_usage(sys.stderr)
            print(f"{error.parser.prog}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    run: Command = args.run
    as_json = bool(getattr(args, "json", False))
    with scrubbed_output():
        try:
            return run(args)
        except DatabaseError as error:
            print_failure(
                args.command, type(error).__name__, error.detail, as_json=as_json, status_code=error.status_code
            )
            return 1
        except CommandError as error:
            print_failure(args.command, "CommandError", error.detail, as_json=as_json)
            return error.exit_code
        except KeyboardInterrupt:
            print_failure(args.command, "Interrupted", "interrupted by the user", as_json=as_json)
            return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
