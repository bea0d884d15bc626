"""A memory store that puts its passphrase into every message it builds (what not to do)."""

from __future__ import annotations

from typing import Any

from gofannon_db import DatabaseError, Document
from gofannon_db.backends.memory import MemoryDatabaseService


class CarelessService(MemoryDatabaseService):
    provider_name = "careless"

    def __init__(self, *, greeting: str, passphrase: str, fail: str, collection_prefix: str = "") -> None:
        super().__init__(collection_prefix=collection_prefix)
        self.greeting, self._passphrase, self._fail = greeting, passphrase, fail

    def _ping(self) -> dict[str, Any]:
        if self._fail == "ping":
            raise DatabaseError(f"ping refused for passphrase {self._passphrase}")
        return {"greeting": self.greeting, "fail": self._fail}

    def _get(self, collection: str, doc_id: str) -> Document:
        if self._fail == "get":
            raise RuntimeError(f"server said: bad passphrase {self._passphrase!r}")
        return super()._get(collection, doc_id)

    def _translate_error(self, exc: Exception) -> DatabaseError:
        return DatabaseError(f"careless backend failed: {exc}")
