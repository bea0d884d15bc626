"""Everything the ``gofannon-db`` command prints passes through :func:`gofannon_db.redaction.scrub`.

The command's stdout and stderr are wrapped while it runs, so no command (nor a library
it calls, nor a plugin's careless message) can print the value of a declared secret.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from ..redaction import scrub

__all__ = ["ScrubbingStream", "scrubbed_output"]


class ScrubbingStream:
    """A text stream that masks secrets in what is written, and otherwise behaves like the one it wraps."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(scrub(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def scrubbed_output() -> Iterator[None]:
    """Wrap ``sys.stdout`` and ``sys.stderr`` for the duration of a command."""
    saved = sys.stdout, sys.stderr
    sys.stdout = ScrubbingStream(saved[0])
    sys.stderr = ScrubbingStream(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
