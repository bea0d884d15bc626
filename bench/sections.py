"""Sections of ``docs/benchmarks.md`` written by other benchmarks than ``bench.run``.

Each lives between ``<!-- NAME:begin -->`` and ``<!-- NAME:end -->`` (NAME is the module,
e.g. ``bench.bulkcost``; ``bench.rest`` writes its section the same way). The module that
measures it replaces its own block (:func:`put_section`); ``bench.run`` regenerates the
rest of the file and carries the blocks over (:func:`carry_sections`), so neither run
erases the other's figures.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["carry_sections", "put_section"]

_BLOCK = re.compile(r"<!-- (?P<name>[\w.-]+):begin -->\n.*?<!-- (?P=name):end -->\n?", re.DOTALL)


def _block(name: str, markdown: str) -> str:
    return f"<!-- {name}:begin -->\n{markdown.rstrip()}\n<!-- {name}:end -->\n"


def put_section(path: Path, name: str, markdown: str) -> None:
    """Replace section ``name`` of the file at ``path`` with ``markdown``, or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = _block(name, markdown)
    for match in _BLOCK.finditer(text):
        if match.group("name") == name:
            text = text[: match.start()] + block + text[match.end() :]
            break
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text, encoding="utf-8")


def carry_sections(old: str, new: str) -> str:
    """``new`` with every section block of ``old`` that ``new`` lacks appended, in their order."""
    have = {match.group("name") for match in _BLOCK.finditer(new)}
    kept = [match.group(0) for match in _BLOCK.finditer(old) if match.group("name") not in have]
    return new if not kept else new.rstrip("\n") + "\n\n" + "\n".join(block.rstrip("\n") + "\n" for block in kept)
