"""Sections of ``docs/benchmarks.md`` that separate benchmarks own, between ``<!-- bench.NAME:begin/end -->`` markers.

The main run (``nox -s bench``) rewrites the report from its own results and carries every
marked section over unchanged; each separate benchmark replaces only its own section.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["markers", "marked_sections", "write_section"]

_SECTION = re.compile(r"<!-- bench\.([\w.-]+):begin -->.*?<!-- bench\.\1:end -->", re.DOTALL)


def markers(name: str) -> tuple[str, str]:
    """The begin and end markers of the section called ``name``."""
    return f"<!-- bench.{name}:begin -->", f"<!-- bench.{name}:end -->"


def marked_sections(text: str) -> list[str]:
    """Every marked section of ``text``, markers included, in order."""
    return [match.group(0) for match in _SECTION.finditer(text)]


def write_section(path: Path, name: str, body: str) -> None:
    """Put ``body`` between the markers of ``name`` in ``path``: replace that section, or append it."""
    begin, end = markers(name)
    section = f"{begin}\n{body.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        text = before + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
