"""One adapter per backend: start its real server, build the gofannon-db service, and a raw SDK client.

Each adapter module exposes ``open_backend()``, a context manager yielding a
:class:`Backend`. The raw client does, per call, the same work the service does on the
same server: the same requests, and the same encoding/decoding a careful user of the
SDK would write (documented, per operation, in ``RAW_CALLS``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from gofannon_db import DatabaseService

__all__ = ["BACKENDS", "Backend", "RawClient", "opener"]

BACKENDS = ("memory", "couchdb", "dynamodb", "firestore")


class RawClient(Protocol):
    """The raw SDK doing one operation of the same work as the service."""

    def prepare(self, collection: str) -> None:
        """Make sure the collection (database, table) exists before timing starts."""

    def get(self, collection: str, doc_id: str) -> dict[str, Any]: ...

    def save_new(self, collection: str, doc_id: str, body: dict[str, Any]) -> str: ...

    def save_update(self, collection: str, doc_id: str, body: dict[str, Any], rev: str) -> str: ...

    def delete(self, collection: str, doc_id: str, rev: str) -> None: ...

    def list_all(self, collection: str) -> list[dict[str, Any]]: ...

    def close(self) -> None: ...


@dataclass
class Backend:
    """A backend under test: the service, its raw counterpart, and what to say about them."""

    name: str
    service: DatabaseService
    raw: RawClient
    server: str
    """The server and its version, for the report."""
    raw_calls: dict[str, str]
    """Operation -> what the raw baseline does, for the report."""
    shared_storage: bool = True
    """False when the raw side keeps its own store (memory): fixtures are then written to both."""
    batch_scale: int = 1
    """Calls per batch are multiplied by this: in-process backends need long batches to be timed reliably."""
    notes: list[str] = field(default_factory=list)


def opener(name: str) -> Callable[[], AbstractContextManager[Backend]]:
    """The ``open_backend`` of adapter ``name``, imported only when asked for (each pulls in its SDK)."""
    module = importlib.import_module(f"{__name__}.{name}")
    open_backend: Callable[[], AbstractContextManager[Backend]] = module.open_backend
    return open_backend
