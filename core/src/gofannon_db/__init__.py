"""gofannon-db: one small document-database interface, many backends.

>>> from gofannon_db import get_database_service
>>> db = get_database_service()            # DATABASE_PROVIDER, default "memory"
>>> db.save("agents", "a1", {"name": "Ada"})["id"]
'a1'
"""

from __future__ import annotations

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
    Unauthorized,
)
from .factory import create_database_service, get_database_service, reset_database_service
from .provider import Option, Provider
from .service import DatabaseService
from .settings import Settings
from .types import BulkResult, Document, WriteResult

__version__ = "0.1.0"

__all__ = [
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
    "Settings",
    "Unauthorized",
    "WriteResult",
    "__version__",
    "create_database_service",
    "get_database_service",
    "reset_database_service",
]
