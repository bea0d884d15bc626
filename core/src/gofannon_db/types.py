"""Shapes of the values that cross the :class:`~gofannon_db.DatabaseService` interface."""

from __future__ import annotations

from typing import Any, Literal, NamedTuple, TypedDict, Union

__all__ = ["BulkError", "BulkOk", "BulkResult", "BulkWrite", "Document", "WriteResult"]

Document = dict[str, Any]
"""A JSON object; documents returned by a service also carry ``_id`` and ``_rev``."""


class WriteResult(TypedDict):
    """What ``save`` and ``create`` return."""

    id: str
    rev: str


class BulkOk(TypedDict):
    """One successful entry of ``save_many`` / ``delete_many``."""

    ok: Literal[True]
    id: str
    rev: str | None


class BulkError(TypedDict):
    """One failed entry: ``status_code`` is the one the single-document call would raise."""

    ok: Literal[False]
    id: str | None
    error: str
    status_code: int


BulkResult = Union[BulkOk, BulkError]


class BulkWrite(NamedTuple):
    """One validated write handed to a backend's ``_save_many``."""

    doc_id: str
    body: Document
    """A private copy of the document without ``_id`` and ``_rev``."""
    expected_rev: str | None
    """The revision the stored document must have, or ``None`` for an unconditional upsert."""


def bulk_ok(doc_id: str, rev: str | None) -> BulkOk:
    return {"ok": True, "id": doc_id, "rev": rev}


def bulk_error(doc_id: str | None, error: Any) -> BulkError:
    """Build a failed entry from a :class:`~gofannon_db.DatabaseError` (or its status and text)."""
    return {"ok": False, "id": doc_id, "error": error.detail, "status_code": error.status_code}
