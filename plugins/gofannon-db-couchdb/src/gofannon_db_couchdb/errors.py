"""CouchDB-Python exceptions and CouchDB error names, mapped to the core's typed errors."""

from __future__ import annotations

import http.client as httplib
import socket
from typing import Any

from couchdb import http  # type: ignore[import-untyped]
from gofannon_db.errors import (
    DatabaseError,
    DocumentNotFound,
    PermissionDenied,
    Unauthorized,
    error_for_status,
    revision_conflict,
    unreachable,
)

__all__ = ["STATUS_BY_ERROR_NAME", "http_status_of", "server_reason", "translate"]

STATUS_BY_ERROR_NAME = {
    "bad_request": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "file_exists": 412,
    "too_large": 413,
    "document_too_large": 413,
}
"""The HTTP status CouchDB uses for each ``error`` name it reports per document in ``_bulk_docs``."""

_UNREACHABLE = (socket.timeout, TimeoutError, ConnectionError, httplib.HTTPException, http.RedirectLimit)


def server_reason(exc: BaseException) -> str:
    """``error: reason`` as CouchDB reported it; CouchDB-Python puts that pair in ``args``."""
    payload: Any = exc.args[0] if exc.args else None
    if isinstance(exc, http.ServerError) and isinstance(payload, tuple) and len(payload) == 2:
        payload = payload[1]
    if isinstance(payload, tuple) and len(payload) == 2 and all(isinstance(part, str) for part in payload):
        return f"{payload[0]}: {payload[1]}"
    return ""


def http_status_of(exc: BaseException) -> int | None:
    """The HTTP status behind a CouchDB-Python HTTP error, ``None`` for other exceptions."""
    statuses = {
        http.Unauthorized: 401,
        http.Forbidden: 403,
        http.ResourceNotFound: 404,
        http.ResourceConflict: 409,
        http.PreconditionFailed: 412,
    }
    for kind, status in statuses.items():
        if isinstance(exc, kind):
            return status
    if isinstance(exc, http.ServerError) and exc.args and isinstance(exc.args[0], tuple) and exc.args[0]:
        status = exc.args[0][0]
        return status if isinstance(status, int) else None
    return None


def translate(exc: Exception, *, url: str, timeout: float, user: str | None) -> DatabaseError:
    """Map one exception to a typed error whose text holds nothing secret.

    The detail is built from the server's short ``error: reason`` pair and the
    credential-free URL only; the original exception stays reachable as ``__cause__``.
    """
    if isinstance(exc, _UNREACHABLE) or (isinstance(exc, OSError) and not isinstance(exc, http.HTTPError)):
        return unreachable("CouchDB", url, exc, timeout)
    reason = server_reason(exc)
    suffix = f" ({reason})" if reason else ""
    status = http_status_of(exc)
    if status == 401:
        if user is None:
            return Unauthorized(
                f"CouchDB at {url} requires credentials: set COUCHDB_USER and COUCHDB_PASSWORD{suffix}."
            )
        return Unauthorized(f"CouchDB at {url} rejected the credentials of user {user!r}{suffix}.")
    if status == 403:
        return PermissionDenied(f"CouchDB at {url} denied this operation{suffix}.")
    if status == 404:
        return DocumentNotFound(f"CouchDB: not found{suffix}.")
    if status in (409, 412):
        return revision_conflict(None)
    if status is not None:
        return error_for_status(status, f"CouchDB at {url} answered HTTP {status}{suffix}.")
    return DatabaseError(f"The couchdb backend failed ({type(exc).__name__}).")
