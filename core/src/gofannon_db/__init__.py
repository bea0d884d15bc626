"""gofannon-db: one small document-database interface, many backends.

>>> from gofannon_db import get_database_service
>>> db = get_database_service()            # DATABASE_PROVIDER, default "memory"
>>> db.save("agents", "a1", {"name": "Ada"})["id"]
'a1'

In ``async def`` code, the async twin has the same calls, awaited::

    db = get_async_database_service()
    await db.save("agents", "a1", {"name": "Ada"})
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .__about__ import __version__
from .errors import (
    BackendUnavailable,
    ConfigurationError,
    DatabaseError,
    DocumentNotFound,
    DocumentTooLarge,
    InvalidDocument,
    InvalidName,
    InvalidQuery,
    OperationNotSupported,
    PermissionDenied,
    ProviderNotFound,
    RevisionConflict,
    ServiceClosed,
    Unauthorized,
)
from .provider import Option, Provider
from .service import DatabaseService
from .settings import Settings
from .types import BulkResult, Document, WriteResult

if TYPE_CHECKING:
    from .aio import AsyncDatabaseService
    from .factory import (
        create_async_database_service,
        create_database_service,
        get_async_database_service,
        get_database_service,
        reset_async_database_service,
        reset_database_service,
    )


_FACTORY_NAMES = frozenset(
    {
        "create_async_database_service",
        "create_database_service",
        "get_async_database_service",
        "get_database_service",
        "reset_async_database_service",
        "reset_database_service",
    }
)


def __getattr__(name: str) -> Any:
    """Load the factory (and with it pluggy and entry-point discovery) on first use, not on import.

    A plugin module or an application that only needs the types then imports fast.
    """
    if name in _FACTORY_NAMES:
        from . import factory

        return getattr(factory, name)
    if name == "AsyncDatabaseService":
        from .aio import AsyncDatabaseService

        return AsyncDatabaseService
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AsyncDatabaseService",
    "BackendUnavailable",
    "BulkResult",
    "ConfigurationError",
    "DatabaseError",
    "DatabaseService",
    "Document",
    "DocumentNotFound",
    "DocumentTooLarge",
    "InvalidDocument",
    "InvalidName",
    "InvalidQuery",
    "OperationNotSupported",
    "Option",
    "PermissionDenied",
    "Provider",
    "ProviderNotFound",
    "RevisionConflict",
    "ServiceClosed",
    "Settings",
    "Unauthorized",
    "WriteResult",
    "__version__",
    "create_async_database_service",
    "create_database_service",
    "get_async_database_service",
    "get_database_service",
    "reset_async_database_service",
    "reset_database_service",
]
