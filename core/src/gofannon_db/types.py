"""Shapes of the values that cross the :class:`~gofannon_db.DatabaseService` interface."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypedDict

from .redaction import scrub

if TYPE_CHECKING:
    from .errors import DatabaseError

__all__ = ["BulkResult", "BulkWrite", "Document", "WriteResult", "bulk_error", "bulk_ok", "unfinished"]

Document = dict[str, Any]
"""A JSON object; documents returned by a service also carry ``_id`` and ``_rev``."""


class WriteResult(TypedDict):
    """What ``save`` and ``create`` return."""

    id: str
    rev: str


class _BulkEntry(TypedDict):
    ok: bool
    id: str | None


class BulkResult(_BulkEntry, total=False):
    """One entry of ``save_many`` / ``delete_many``, in input order.

    Success: ``{"ok": True, "id", "rev"}``. Failure: ``{"ok": False, "id", "error",
    "status_code"}``, where ``status_code`` is what the single-document call would raise.
    """

    rev: str | None
    error: str
    status_code: int


class BulkWrite(NamedTuple):
    """One validated write handed to a backend's ``_save_many``."""

    doc_id: str
    body: Document
    """A private copy of the document without ``_id`` and ``_rev``."""
    expected_rev: str | None
    """The revision the stored document must have, or ``None`` for an unconditional upsert."""


def bulk_ok(doc_id: str, rev: str | None) -> BulkResult:
    """A successful entry: ``rev`` is the new revision (``None`` for a delete)."""
    return {"ok": True, "id": doc_id, "rev": rev}


def bulk_error(doc_id: str | None, error: DatabaseError) -> BulkResult:
    """Build a failed entry from the typed error the single-document call would raise."""
    return {"ok": False, "id": doc_id, "error": scrub(error.detail), "status_code": error.status_code}


def unfinished(results: Sequence[BulkResult | None], ids: Sequence[str], error: DatabaseError) -> list[BulkResult]:
    """``results`` with every entry still ``None`` (outcome unknown) failed with ``error``.

    What a bulk hook puts in :attr:`BackendUnavailable.results
    <gofannon_db.errors.BackendUnavailable.results>` when the server stops answering
    midway: the results it knows, and a failure for each write it cannot vouch for.
    """
    return [
        bulk_error(doc_id, error) if result is None else result for result, doc_id in zip(results, ids, strict=True)
    ]
