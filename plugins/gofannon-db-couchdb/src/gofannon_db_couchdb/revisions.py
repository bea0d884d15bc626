"""Last revisions this process saw, so an unconditional save usually costs one request.

CouchDB needs the current ``_rev`` to update a document. A save without ``_rev``
first tries the revision remembered from this process's last read or write of that
document; only when that is stale (409) does it ask the server. A stale hint is
therefore never wrong, only slower: it is a hint, not a cache of data.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

__all__ = ["REVISION_FORMAT", "RevisionHints"]

REVISION_FORMAT = re.compile(r"[0-9]+-[0-9A-Za-z]+")
"""The ``N-hash`` shape of a CouchDB revision; anything else can never be current."""


class RevisionHints:
    """A bounded, thread-safe LRU map of (collection, doc id) to revision."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._revs: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, collection: str, doc_id: str) -> str | None:
        with self._lock:
            return self._revs.get((collection, doc_id))

    def put(self, collection: str, doc_id: str, rev: str | None) -> None:
        if self._capacity <= 0:
            return
        key = (collection, doc_id)
        with self._lock:
            if rev is None:
                self._revs.pop(key, None)
                return
            self._revs[key] = rev
            self._revs.move_to_end(key)
            while len(self._revs) > self._capacity:
                self._revs.popitem(last=False)

    def get_many(self, collection: str, doc_ids: list[str]) -> list[str | None]:
        """:meth:`get` of each id, in order, under one lock (a bulk write's hints)."""
        with self._lock:
            revs = self._revs
            return [revs.get((collection, doc_id)) for doc_id in doc_ids]

    def put_many(self, collection: str, pairs: list[tuple[str, str]]) -> None:
        """:meth:`put` of each ``(doc_id, rev)``, under one lock; the last ones are the most recent."""
        if self._capacity <= 0 or not pairs:
            return
        with self._lock:
            revs = self._revs
            for doc_id, rev in pairs[-self._capacity :]:
                key = (collection, doc_id)
                revs[key] = rev
                revs.move_to_end(key)
            while len(revs) > self._capacity:
                revs.popitem(last=False)

    def forget_collection(self, collection: str) -> None:
        with self._lock:
            for key in [key for key in self._revs if key[0] == collection]:
                del self._revs[key]

    def __len__(self) -> int:
        return len(self._revs)
