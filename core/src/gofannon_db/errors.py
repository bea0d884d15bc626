"""Typed errors raised by every backend.

Each error carries an HTTP-style ``status_code`` and a human ``detail`` so a web
application can map it straight to a response. The backend's own exception is
chained as ``__cause__``; its text never replaces ``detail``, because SDK messages
can echo credentials.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from .types import BulkResult

__all__ = [
    "BackendUnavailable",
    "ConfigurationError",
    "DatabaseError",
    "DocumentNotFound",
    "DocumentTooLarge",
    "InvalidDocument",
    "InvalidName",
    "InvalidQuery",
    "OperationNotSupported",
    "PermissionDenied",
    "ProviderNotFound",
    "RevisionConflict",
    "Unauthorized",
    "error_for_status",
]


class DatabaseError(Exception):
    """Base of every error a :class:`~gofannon_db.DatabaseService` raises."""

    status_code: ClassVar[int] = 500
    default_detail: ClassVar[str] = "The database backend failed."

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail or self.default_detail
        super().__init__(self.detail)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code}, detail={self.detail!r})"


class InvalidName(DatabaseError):
    """A collection name or document id breaks the naming rules."""

    status_code = 400
    default_detail = "Invalid collection name or document id."


class InvalidDocument(DatabaseError):
    """A document holds a value the contract does not allow; ``path`` names it."""

    status_code = 400
    default_detail = "Invalid document."

    def __init__(self, detail: str | None = None, *, path: str = "") -> None:
        self.path = path
        super().__init__(detail)


class InvalidQuery(DatabaseError):
    """A selector, projection or limit passed to ``find`` is malformed."""

    status_code = 400
    default_detail = "Invalid query."


class Unauthorized(DatabaseError):
    """The server refused the credentials."""

    status_code = 401
    default_detail = "The database server rejected the credentials."


class PermissionDenied(DatabaseError):
    """The credentials are valid but lack the permission for this operation."""

    status_code = 403
    default_detail = "The database server denied permission for this operation."


class DocumentNotFound(DatabaseError):
    """The document (or its collection) does not exist."""

    status_code = 404
    default_detail = "Document not found."


class RevisionConflict(DatabaseError):
    """A stale ``_rev``, a ``_rev`` for a missing document, or ``create`` of an existing id."""

    status_code = 409
    default_detail = "Document update conflict."


class DocumentTooLarge(DatabaseError):
    """The encoded document is larger than the backend's ``max_document_bytes``."""

    status_code = 413
    default_detail = "Document too large."


class OperationNotSupported(DatabaseError):
    """The backend does not implement an optional operation."""

    status_code = 501
    default_detail = "Operation not supported by this backend."


class BackendUnavailable(DatabaseError):
    """The server could not be reached within the configured timeout and retries.

    Raised by ``save_many``/``delete_many`` that could not finish, ``results`` holds one
    entry per input document, in input order: ``ok: True`` only for documents known to
    be written (deleted), ``ok: False`` with ``status_code`` 503 for the rest (and each
    document that failed on its own keeps its own error). Running the same call again
    completes the work. Elsewhere ``results`` is ``None``.

    A backend's bulk hook may raise it with ``results`` aligned to the writes it was
    given (:func:`gofannon_db.types.unfinished` fills in the writes it cannot vouch
    for); the core turns that into the caller's list.
    """

    status_code = 503
    default_detail = "The database backend is unavailable."

    def __init__(self, detail: str | None = None, *, results: list[BulkResult] | None = None) -> None:
        self.results = results
        super().__init__(detail)


class ConfigurationError(DatabaseError):
    """Settings are missing or wrong; raised by the factory before any service exists."""

    status_code = 500
    default_detail = "Invalid database configuration."


class ProviderNotFound(ConfigurationError):
    """``DATABASE_PROVIDER`` names a provider that no installed distribution registers."""


_BY_STATUS: dict[int, type[DatabaseError]] = {
    400: InvalidDocument,
    401: Unauthorized,
    403: PermissionDenied,
    404: DocumentNotFound,
    409: RevisionConflict,
    412: RevisionConflict,
    413: DocumentTooLarge,
    503: BackendUnavailable,
    504: BackendUnavailable,
}


def error_for_status(status_code: int, detail: str | None = None) -> DatabaseError:
    """Map an HTTP status from a server to the matching typed error.

    Backends that speak HTTP share this one table instead of each writing their own.
    Unknown statuses become a plain :class:`DatabaseError`.
    """
    return _BY_STATUS.get(status_code, DatabaseError)(detail)
