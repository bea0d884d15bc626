"""Helpers every backend shares for values already checked by :mod:`gofannon_db.validation`."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from typing import Any

__all__ = [
    "MAX_SAFE_INTEGER",
    "copy_json",
    "dumps_compact",
    "json_size",
    "loads_doubles",
    "new_revision",
    "revision_generation",
]

MAX_SAFE_INTEGER = 2**53 - 1
"""Largest integer magnitude every backend round-trips exactly (I-JSON, RFC 7493)."""


def copy_json(value: Any) -> Any:
    """Deep-copy a JSON value; much faster than :func:`copy.deepcopy` for plain data."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    return value


def _not_json(value: object) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _compact_encoder() -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)``, minus its set-up.

    :meth:`json.JSONEncoder.encode` builds a new C encoder on every call, a quarter of the
    cost of encoding a small document; this one is built once. Falls back to the pure
    Python encoder where the C accelerator is missing (PyPy). There is no circular-reference
    check: its shared bookkeeping would make concurrent threads encoding one object report
    a false cycle. Values reach it validated (a cycle fails the depth limit first); an
    unvalidated cycle raises :class:`RecursionError`.
    """
    from json import encoder as json_encoder

    encoder: Any = json_encoder  # its C hooks are undeclared in typeshed

    options = {"ensure_ascii": False, "separators": (",", ":"), "allow_nan": False}
    if encoder.c_make_encoder is None:  # pragma: no cover -- CPython always has it
        return json.JSONEncoder(**options).encode  # type: ignore[arg-type]
    # markers (circular check), default, string encoder, indent, separators, sort_keys, skipkeys, allow_nan
    iterencode = encoder.c_make_encoder(
        None, _not_json, encoder.c_encode_basestring, None, ":", ",", False, False, False
    )
    join = "".join

    def dumps(value: Any) -> str:
        return join(iterencode(value, 0))

    return dumps


dumps_compact: Callable[[Any], str] = _compact_encoder()
"""Compact JSON text of a JSON value (``NaN`` refused): the encoding backends store and size."""


def json_size(value: Any) -> int:
    """Size in bytes of ``value`` as compact UTF-8 JSON: the default ``_document_size``."""
    text = dumps_compact(value)
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def revision_generation(rev: str | None) -> int:
    """The counter before the dash of a ``N-hex`` revision, 0 for ``None`` or a foreign format."""
    if not rev:
        return 0
    head, _, _ = rev.partition("-")
    return int(head) if head.isdigit() else 0


def new_revision(previous: str | None = None) -> str:
    """A fresh CouchDB-style revision ``N-<32 hex>`` that follows ``previous``.

    For backends without native revisions. The random part makes two writers that
    start from the same revision produce different ones.
    """
    return f"{revision_generation(previous) + 1}-{os.urandom(16).hex()}"


def _int_or_double(text: str) -> int | float:
    number = int(text)
    return number if -MAX_SAFE_INTEGER <= number <= MAX_SAFE_INTEGER else float(number)


_LONG_DIGIT_RUN = re.compile(rb"[0-9]{16}")
"""An int beyond ±(2**53 - 1) has at least 16 digits; without such a run no int token needs a look."""


def loads_doubles(raw: bytes) -> Any:
    """Decode JSON from a server whose numbers are doubles (pouchdb-server: JavaScript).

    Such a server writes the float ``5.230586851816138e16`` as ``52305868518161380``.
    The contract (v2) wants it back as a ``float``: an int beyond ±(2**53 - 1) could
    never be saved again. Ints within range stay ints. Costs one byte scan per
    response; only a response with a 16-digit run is decoded the slower way.
    """
    if _LONG_DIGIT_RUN.search(raw) is None:
        return json.loads(raw)
    return json.loads(raw, parse_int=_int_or_double)
