"""Placeholder: this command is being built (see the open issues)."""

from __future__ import annotations

from typing import Any


def register(commands: Any) -> None:
    """Add this module's subcommand(s) to the parser; nothing yet."""
