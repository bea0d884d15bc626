"""The example provider's service."""

from __future__ import annotations

from typing import Any

from gofannon_db.backends.memory import MemoryDatabaseService


class ExampleService(MemoryDatabaseService):
    provider_name = "example"

    def __init__(self, *, greeting: str, token: str | None, collection_prefix: str = "") -> None:
        super().__init__(collection_prefix=collection_prefix)
        self.greeting = greeting
        self._token = token

    def _ping(self) -> dict[str, Any]:
        return {"greeting": self.greeting}
