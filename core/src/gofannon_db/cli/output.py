"""Output helpers shared by the commands, and the one shape of a failure (text or ``--json``)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["CommandError", "failure", "print_failure", "print_json", "print_table"]


class CommandError(Exception):
    """A refusal of the command itself (not of a database): ``detail`` says what to do instead."""

    def __init__(self, detail: str, exit_code: int = 1) -> None:
        self.detail = detail
        self.exit_code = exit_code
        super().__init__(detail)


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


def failure(command: str | None, kind: str, detail: str, status_code: int | None = None) -> dict[str, Any]:
    """The JSON object every ``--json`` command prints when it fails: ``ok`` is false, ``error`` says why."""
    return {
        "ok": False,
        "command": command,
        "error": {"type": kind, "status_code": status_code, "detail": detail},
    }


def print_failure(
    command: str | None, kind: str, detail: str, *, as_json: bool, status_code: int | None = None
) -> None:
    """One JSON object on stdout (``--json``), else one line on stderr: ``gofannon-db CMD: Kind: detail``."""
    if as_json:
        print_json(failure(command, kind, detail, status_code))
    else:
        where = f"gofannon-db {command}" if command else "gofannon-db"
        print(f"{where}: {kind}: {detail}", file=sys.stderr)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    for row in (headers, *rows):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
