"""Progress feedback: a tqdm bar per collection on a terminal, nothing otherwise.

tqdm is imported only when a bar is actually shown, so the rest of gofannon-db never
pays for it. :class:`Progress` is also the hook tests use to act between batches.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

__all__ = ["Progress", "TqdmProgress", "choose_progress"]


class Progress:
    """Silent progress; subclasses show it. Called once per collection, then per batch."""

    wants_total = False
    """Whether the engine should count each collection first (one extra request) for ``begin``."""

    def begin(self, label: str, total: int | None) -> None:
        """A collection starts; ``total`` documents are expected when known."""

    def advance(self, count: int) -> None:
        """``count`` more documents were handled (written, failed or checked)."""

    def end(self) -> None:
        """The collection is done (or the run stops)."""


class TqdmProgress(Progress):
    """One tqdm bar per collection on ``stream`` (stderr by default)."""

    wants_total = True

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._bar: Any = None

    def begin(self, label: str, total: int | None) -> None:
        import importlib

        tqdm = importlib.import_module("tqdm").tqdm  # lazily: only a terminal run pays for it
        self.end()
        self._bar = tqdm(total=total, desc=label, unit="doc", file=self._stream, dynamic_ncols=True)

    def advance(self, count: int) -> None:
        if self._bar is not None:
            self._bar.update(count)

    def end(self) -> None:
        bar, self._bar = self._bar, None
        if bar is not None:
            bar.close()


def choose_progress(quiet: bool = False, stream: TextIO | None = None) -> Progress:
    """A bar when ``stream`` (default stderr) is a terminal and not ``quiet``; silence otherwise."""
    stream = stream if stream is not None else sys.stderr
    if quiet or not stream.isatty():
        return Progress()
    return TqdmProgress(stream)
