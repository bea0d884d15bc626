"""Helpers every backend shares for values already checked by :mod:`gofannon_db.validation`."""

from __future__ import annotations

import json
import os
from typing import Any

__all__ = ["copy_json", "json_size", "new_revision", "revision_generation"]


def copy_json(value: Any) -> Any:
    """Deep-copy a JSON value; much faster than :func:`copy.deepcopy` for plain data."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    return value


_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def json_size(value: Any) -> int:
    """Size in bytes of ``value`` as compact UTF-8 JSON: the default ``_document_size``."""
    text = _encode_json(value)
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
