"""The providers the core ships (``memory``, ``sqlite``), defined without pluggy.

The entry-point modules :mod:`.memory_plugin` and :mod:`.sqlite_plugin` register these
objects like any plugin; :func:`gofannon_db.plugins.provider_named` hands them out directly
when discovery's cached index shows no other distribution claims their names, so the
default provider starts without importing pluggy or any plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..identity import normalise_path
from ..provider import Option, Provider

if TYPE_CHECKING:
    from ..service import DatabaseService
    from ..settings import Settings

__all__ = ["MEMORY", "PROVIDERS", "SQLITE", "SQLITE_DEFAULT_PATH"]

SQLITE_DEFAULT_PATH = "gofannon-db.sqlite3"


def _create_memory(settings: Settings) -> DatabaseService:
    from .memory import MemoryDatabaseService

    return MemoryDatabaseService(collection_prefix=settings.collection_prefix)


def _sqlite_store_path(value: str) -> str:
    """The file a path names (``:memory:`` as it is)."""
    return value.strip() if value.strip() == ":memory:" else normalise_path(value)


def _create_sqlite(settings: Settings) -> DatabaseService:
    from .sqlite import SqliteDatabaseService

    return SqliteDatabaseService(
        settings.get_str("SQLITE_PATH", SQLITE_DEFAULT_PATH) or SQLITE_DEFAULT_PATH,
        timeout=settings.get_float("SQLITE_TIMEOUT", settings.timeout),
        collection_prefix=settings.collection_prefix,
    )


MEMORY = Provider(
    "memory",
    _create_memory,
    description="In-process dictionaries; data lives as long as the process.",
)

SQLITE = Provider(
    "sqlite",
    _create_sqlite,
    options=(
        Option(
            "SQLITE_PATH",
            "Database file, created on first use; ':memory:' keeps it in this process (tests only).",
            default=SQLITE_DEFAULT_PATH,
            identity=True,  # the file is the store: ./x.db, x.db and its absolute path are one store
            normalise=_sqlite_store_path,
        ),
        Option(
            "SQLITE_TIMEOUT",
            "Seconds a write waits for another process's write lock; overrides DATABASE_TIMEOUT (default 10).",
        ),
    ),
    description="One SQLite file (Python's sqlite3): development data that persists and that several "
    "processes can open at once.",
)

PROVIDERS = {provider.name: provider for provider in (MEMORY, SQLITE)}
