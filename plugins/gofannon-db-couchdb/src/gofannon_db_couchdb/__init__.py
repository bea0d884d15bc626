"""CouchDB backend for gofannon-db: provider ``couchdb``.

The service class is imported lazily so that provider discovery never imports
CouchDB-Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["CouchDBConfig", "CouchDBDatabaseService"]

if TYPE_CHECKING:
    from .config import CouchDBConfig
    from .service import CouchDBDatabaseService


def __getattr__(name: str) -> Any:
    if name == "__version__":  # from the installed metadata: the version is set once, in the core's __about__
        from importlib.metadata import version

        return version("gofannon-db-couchdb")
    if name == "CouchDBDatabaseService":
        from .service import CouchDBDatabaseService

        return CouchDBDatabaseService
    if name == "CouchDBConfig":
        from .config import CouchDBConfig

        return CouchDBConfig
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
