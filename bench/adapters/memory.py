"""The built-in memory backend, against a dict under a lock doing the same storage work.

There is no SDK and no server: the gap is the cost of the service layer itself
(validation, the private copy, the prefix and error plumbing) on top of storing a
copy and minting a revision. It is the service's per-call overhead in absolute terms.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gofannon_db import Settings, create_database_service
from gofannon_db.codec import copy_json, new_revision

from . import Backend

RAW_CALLS = {
    "get": "dict lookup under a lock, then a deep copy (`copy_json`) with `_id`/`_rev` added",
    "save_new": "deep copy of the body, `new_revision()`, dict store under a lock",
    "save_update": "the same, after checking the stored revision equals the given one",
    "delete": "`del` under a lock (a missing id raises, as `delete` reports it)",
    "list_all": "a deep copy of every stored document under a lock",
}


class RawMemory:
    """What the memory backend stores, without the service's checks."""

    def __init__(self) -> None:
        self._data: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}
        self._lock = threading.RLock()

    def prepare(self, collection: str) -> None:
        self._data.setdefault(collection, {})

    def get(self, collection: str, doc_id: str) -> dict[str, Any]:
        with self._lock:
            rev, body = self._data[collection][doc_id]
            return {"_id": doc_id, "_rev": rev, **copy_json(body)}

    def save_new(self, collection: str, doc_id: str, body: dict[str, Any]) -> str:
        with self._lock:
            rev = new_revision(None)
            self._data[collection][doc_id] = (rev, copy_json(body))
            return rev

    def save_update(self, collection: str, doc_id: str, body: dict[str, Any], rev: str) -> str:
        with self._lock:
            docs = self._data[collection]
            if docs[doc_id][0] != rev:
                raise RuntimeError("stale revision")
            new = new_revision(rev)
            docs[doc_id] = (new, copy_json(body))
            return new

    def delete(self, collection: str, doc_id: str, rev: str) -> None:
        with self._lock:
            del self._data[collection][doc_id]

    def list_all(self, collection: str) -> list[dict[str, Any]]:
        with self._lock:
            docs = self._data[collection]
            return [{"_id": doc_id, "_rev": rev, **copy_json(body)} for doc_id, (rev, body) in docs.items()]

    def close(self) -> None:
        self._data.clear()


@contextmanager
def open_backend() -> Iterator[Backend]:
    service = create_database_service(Settings(environ={}, DATABASE_PROVIDER="memory"))
    raw = RawMemory()
    try:
        yield Backend("memory", service, raw, "in process (no server)", RAW_CALLS, shared_storage=False, batch_scale=20)
    finally:
        service.close()
        raw.close()
