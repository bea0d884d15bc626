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

from .redaction import redact_url

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
    "ServiceClosed",
    "Unauthorized",
    "already_exists",
    "connection_failure_reason",
    "error_for_status",
    "revision_conflict",
    "unreachable",
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


class ServiceClosed(BackendUnavailable):
    """The service was closed with ``close()`` (or its ``with`` block ended); build a new one."""

    default_detail = "The database service is closed."


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


def revision_conflict(doc_id: str | None, expected_rev: str | None = None) -> RevisionConflict:
    """The one 409 text every backend uses for a write that found another revision.

    Built here, never from the server's words, so the caller sees the same sentence
    whatever the backend. ``expected_rev=None``: the document kept changing while an
    unconditional write or delete was retried.
    """
    what = f"Document {doc_id!r}" if doc_id is not None else "The document"
    if expected_rev is None:
        return RevisionConflict(f"{what} kept changing while it was being written; read it again and retry.")
    return RevisionConflict(
        f"{what} is not at revision {expected_rev!r}: it was changed or deleted since that revision was read, "
        "or never existed; read it again and retry."
    )


def already_exists(doc_id: str) -> RevisionConflict:
    """The one 409 text for ``create`` of an id that is taken (the physical collection name stays out)."""
    return RevisionConflict(f"Document {doc_id!r} already exists.")


_DNS_PHRASES = ("name or service not known", "nodename nor servname", "name resolution", "getaddrinfo", "dns")
_REFUSED_PHRASES = ("connection refused", "refused")
_TIMEOUT_PHRASES = ("timed out", "timeout", "deadline exceeded", "deadline_exceeded")


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and everything it wraps: causes, contexts, and exceptions held in ``args`` or ``reason``."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo and len(seen) < 20:
        current = todo.pop(0)
        if any(current is old for old in seen):
            continue
        seen.append(current)
        nested = [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
        todo.extend(item for item in nested if isinstance(item, BaseException))
    return seen


def connection_failure_reason(exc: BaseException, timeout: float | None = None) -> str:
    """Why a connection failed, in a few words: refused, timed out, or the name did not resolve (DNS).

    Looks at the exception types first, then at fixed phrases of their text (gRPC and
    urllib3 report only text); the text itself is never returned.
    """
    chain = _chain(exc)
    waited = f" after {timeout:g} s" if timeout is not None else ""
    import socket  # here, not at import: only a failure needs it

    if any(isinstance(item, socket.gaierror) for item in chain):
        return "the host name did not resolve (DNS)"
    if any(isinstance(item, ConnectionRefusedError) for item in chain):
        return "connection refused (is the server running on that port?)"
    if any(isinstance(item, TimeoutError) for item in chain):
        return f"timed out{waited}"
    text = " ".join(str(item) for item in chain).lower()
    if any(phrase in text for phrase in _DNS_PHRASES):
        return "the host name did not resolve (DNS)"
    if any(phrase in text for phrase in _REFUSED_PHRASES):
        return "connection refused (is the server running on that port?)"
    if any(phrase in text for phrase in _TIMEOUT_PHRASES) or "timeout" in type(exc).__name__.lower():
        return f"timed out{waited}"
    return f"the connection failed ({type(exc).__name__})"


def unreachable(backend: str, endpoint: str, exc: BaseException, timeout: float | None = None) -> BackendUnavailable:
    """The one "could not reach" text: which backend, where (password removed), and why."""
    return BackendUnavailable(
        f"Could not reach {backend} at {redact_url(endpoint)}: {connection_failure_reason(exc, timeout)}."
    )
