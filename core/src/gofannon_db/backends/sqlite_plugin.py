"""Registers the built-in ``sqlite`` provider. Light on purpose: ``sqlite3`` is imported on first use."""

from __future__ import annotations

from ..hookspecs import hookimpl
from ..identity import normalise_path
from ..provider import Option, Provider
from ..service import DatabaseService
from ..settings import Settings

GOFANNON_DB_API = 1
"""The plugin API this plugin was written for (see :data:`gofannon_db.hookspecs.API_VERSION`)."""

DEFAULT_PATH = "gofannon-db.sqlite3"


def _store_path(value: str) -> str:
    """The file a path names (``:memory:`` as it is)."""
    return value.strip() if value.strip() == ":memory:" else normalise_path(value)


OPTIONS = (
    Option(
        "SQLITE_PATH",
        "Database file, created on first use; ':memory:' keeps it in this process (tests only).",
        default=DEFAULT_PATH,
        identity=True,  # the file is the store: ./x.db, x.db and its absolute path are one store
        normalise=_store_path,
    ),
    Option(
        "SQLITE_TIMEOUT",
        "Seconds a write waits for another process's write lock; overrides DATABASE_TIMEOUT (default 10).",
    ),
)


def _create(settings: Settings) -> DatabaseService:
    from .sqlite import SqliteDatabaseService

    return SqliteDatabaseService(
        settings.get_str("SQLITE_PATH", DEFAULT_PATH) or DEFAULT_PATH,
        timeout=settings.get_float("SQLITE_TIMEOUT", settings.timeout),
        collection_prefix=settings.collection_prefix,
    )


@hookimpl
def gofannon_db_providers() -> list[Provider]:
    return [
        Provider(
            "sqlite",
            _create,
            options=OPTIONS,
            description="One SQLite file (Python's sqlite3): development data that persists and that several "
            "processes can open at once.",
        )
    ]
