"""A backend that implements only the required hooks passes the whole suite on the core's defaults.

This is what a third-party author starts from: the defaults for create, iter_all,
get_many, save_many, delete_many, find and count must be correct, if slow.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from gofannon_db import DatabaseService, DocumentNotFound
from gofannon_db.codec import copy_json, new_revision
from gofannon_db.errors import revision_conflict
from gofannon_db.testing import ConformanceSuite

Store = dict[str, dict[str, tuple[str, dict[str, Any]]]]


class MinimalService(DatabaseService):
    provider_name = "minimal"

    def __init__(self, store: Store, lock: threading.Lock, collection_prefix: str = "") -> None:
        super().__init__(collection_prefix=collection_prefix)
        self._store, self._lock = store, lock

    def _get(self, collection: str, doc_id: str) -> dict[str, Any]:
        with self._lock:
            if doc_id not in self._store.get(collection, {}):
                raise DocumentNotFound(f"{doc_id!r} not found")
            rev, body = self._store[collection][doc_id]
            return {"_id": doc_id, "_rev": rev, **copy_json(body)}

    def _save(self, collection: str, doc_id: str, body: dict[str, Any], expected_rev: str | None) -> str:
        with self._lock:
            current = self._store.get(collection, {}).get(doc_id)
            if expected_rev is not None and (current is None or current[0] != expected_rev):
                raise revision_conflict(doc_id, expected_rev)
            rev = new_revision(current[0] if current else None)
            self._store.setdefault(collection, {})[doc_id] = (rev, body)
            return rev

    def _delete(self, collection: str, doc_id: str, rev: str | None) -> None:
        with self._lock:
            current = self._store.get(collection, {}).get(doc_id)
            if current is None:
                raise DocumentNotFound(f"{doc_id!r} not found")
            if rev is not None and current[0] != rev:
                raise revision_conflict(doc_id, rev)
            del self._store[collection][doc_id]

    def _list_all(self, collection: str) -> list[dict[str, Any]]:
        with self._lock:
            return [self._get(collection, doc_id) for doc_id in self._store.get(collection, {})]

    def _list_collections(self) -> list[str]:
        with self._lock:
            return list(self._store)

    def _drop_collection(self, collection: str) -> None:
        with self._lock:
            self._store.pop(collection, None)


class TestMinimalBackendOnDefaults(ConformanceSuite):
    concurrency_increments = 5

    @pytest.fixture
    def shared(self) -> tuple[Store, threading.Lock]:
        return {}, threading.RLock()  # type: ignore[return-value]

    @pytest.fixture
    def service(self, shared: tuple[Store, threading.Lock]) -> MinimalService:
        return MinimalService(*shared)

    @pytest.fixture
    def prefixed_service(self, shared: tuple[Store, threading.Lock]) -> MinimalService:
        return MinimalService(*shared, collection_prefix="pfx-")
