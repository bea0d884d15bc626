"""The built-in ``memory`` backend: dictionaries guarded by a lock.

It is the default provider, the reference implementation the conformance suite is
checked against, and a fast fake for applications' own tests.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from .. import query
from ..codec import copy_json, new_revision
from ..errors import DocumentNotFound, already_exists, revision_conflict
from ..service import DatabaseService
from ..types import BulkResult, BulkWrite, Document, bulk_ok

__all__ = ["MemoryDatabaseService"]

_Stored = tuple[str, Document]  # (revision, body without _id/_rev)


class MemoryDatabaseService(DatabaseService):
    """Documents kept in this process; every read returns a fresh copy."""

    provider_name = "memory"
    calls_block = False  # microseconds under a lock: the async twin calls it on the event loop

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A subclass may wait (a test's gate, a plugin built on this class): it blocks unless it says otherwise."""
        super().__init_subclass__(**kwargs)
        if "calls_block" not in cls.__dict__:
            cls.calls_block = True

    def __init__(self, *, collection_prefix: str = "", max_document_bytes: int = 1_048_576) -> None:
        super().__init__(collection_prefix=collection_prefix)
        self.max_document_bytes = max_document_bytes
        self._collections: dict[str, dict[str, _Stored]] = {}
        self._lock = threading.RLock()

    @staticmethod
    def _document(doc_id: str, stored: _Stored) -> Document:
        rev, body = stored
        return {"_id": doc_id, "_rev": rev, **copy_json(body)}

    def _get(self, collection: str, doc_id: str) -> Document:
        with self._lock:
            stored = self._collections.get(collection, {}).get(doc_id)
            if stored is None:
                raise DocumentNotFound(f"Document {doc_id!r} not found in collection {collection!r}.")
            return self._document(doc_id, stored)

    def _save(self, collection: str, doc_id: str, body: Document, expected_rev: str | None) -> str:
        with self._lock:
            docs = self._collections.get(collection)
            current = docs.get(doc_id) if docs is not None else None
            if expected_rev is not None:
                if current is None:
                    raise revision_conflict(doc_id, expected_rev)
                if current[0] != expected_rev:
                    raise revision_conflict(doc_id, expected_rev)
            rev = new_revision(current[0] if current else None)
            # body is already the service's private, validated copy: store it as is.
            self._collections.setdefault(collection, {})[doc_id] = (rev, body)
            return rev

    def _create(self, collection: str, doc_id: str, body: Document) -> str:
        with self._lock:
            if doc_id in self._collections.get(collection, {}):
                raise already_exists(doc_id)
            return self._save(collection, doc_id, body, None)

    def _delete(self, collection: str, doc_id: str, rev: str | None) -> None:
        with self._lock:
            docs = self._collections.get(collection, {})
            current = docs.get(doc_id)
            if current is None:
                raise DocumentNotFound(f"Document {doc_id!r} not found in collection {collection!r}.")
            if rev is not None and current[0] != rev:
                raise revision_conflict(doc_id, rev)
            del docs[doc_id]

    def _list_all(self, collection: str) -> list[Document]:
        with self._lock:
            docs = self._collections.get(collection, {})
            return [self._document(doc_id, stored) for doc_id, stored in docs.items()]

    def _iter_all(self, collection: str, page_size: int) -> Iterator[Document]:
        with self._lock:
            doc_ids = list(self._collections.get(collection, {}))
        for start in range(0, len(doc_ids), page_size):
            with self._lock:
                docs = self._collections.get(collection, {})
                page = [
                    self._document(doc_id, docs[doc_id])
                    for doc_id in doc_ids[start : start + page_size]
                    if doc_id in docs
                ]
            yield from page

    def _get_many(self, collection: str, doc_ids: list[str]) -> dict[str, Document | None]:
        with self._lock:
            docs = self._collections.get(collection, {})
            return {doc_id: self._document(doc_id, docs[doc_id]) if doc_id in docs else None for doc_id in doc_ids}

    def _save_many(self, collection: str, writes: list[BulkWrite]) -> list[BulkResult]:
        with self._lock:  # one lock for the batch: other threads never see half of it applied
            return super()._save_many(collection, writes)

    def _delete_many(self, collection: str, doc_ids: list[str]) -> list[BulkResult]:
        with self._lock:
            docs = self._collections.get(collection, {})
            for doc_id in doc_ids:
                docs.pop(doc_id, None)
        return [bulk_ok(doc_id, None) for doc_id in doc_ids]

    def _find(
        self,
        collection: str,
        selector: dict[str, query.Scalar],
        fields: list[str] | None,
        limit: int | None,
    ) -> list[Document]:
        found: list[Document] = []
        with self._lock:
            for doc_id, (rev, body) in self._collections.get(collection, {}).items():
                view = {"_id": doc_id, "_rev": rev, **body}
                if query.matches(view, selector):
                    found.append(copy_json(query.project(view, fields)))
                    if limit is not None and len(found) >= limit:
                        break
        return found

    def _count(self, collection: str) -> int:
        with self._lock:
            return len(self._collections.get(collection, {}))

    def _list_collections(self) -> list[str]:
        with self._lock:
            return list(self._collections)

    def _drop_collection(self, collection: str) -> None:
        with self._lock:
            self._collections.pop(collection, None)

    def _ping(self) -> dict[str, Any]:
        from .. import __version__

        return {"version": __version__, "storage": "this process"}
