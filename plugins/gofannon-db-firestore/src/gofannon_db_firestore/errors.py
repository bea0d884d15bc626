"""Google API, gRPC and auth exceptions -> gofannon-db's typed errors.

The server's own message is never copied into ``detail``: auth failures can echo token
or key material. It stays reachable through ``__cause__``. Only a few fixed phrases of
it are looked at, to tell an oversized document from other invalid arguments.
"""

from __future__ import annotations

from gofannon_db.errors import (
    BackendUnavailable,
    DatabaseError,
    DocumentNotFound,
    DocumentTooLarge,
    InvalidDocument,
    PermissionDenied,
    Unauthorized,
    already_exists,
    revision_conflict,
    unreachable,
)

__all__ = ["CLOUD_ENDPOINT", "error_for_code", "translate_error"]

CLOUD_ENDPOINT = "firestore.googleapis.com"
"""Where the client sends requests when no emulator is configured."""

# google.rpc.Code values (also grpc.StatusCode.value[0]).
OK = 0
CANCELLED = 1
INVALID_ARGUMENT = 3
DEADLINE_EXCEEDED = 4
NOT_FOUND = 5
ALREADY_EXISTS = 6
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
FAILED_PRECONDITION = 9
ABORTED = 10
UNAVAILABLE = 14
UNAUTHENTICATED = 16

RETRYABLE_CODES = frozenset({ABORTED, RESOURCE_EXHAUSTED, UNAVAILABLE})
"""Per-write statuses of a batch write that mean "not applied, try again"."""

_TOO_LARGE_PHRASES = ("maximum entity size", "is longer than", "exceeds the maximum", "too large", "too big")


def _is_too_large(message: str) -> bool:
    lowered = message.lower()
    return any(phrase in lowered for phrase in _TOO_LARGE_PHRASES)


def error_for_code(
    code: int, message: str = "", *, doc_id: str | None = None, expected_rev: str | None = None
) -> DatabaseError:
    """The typed error for a google.rpc status code (one write of a batch, or one call).

    ``NOT_FOUND`` and ``FAILED_PRECONDITION`` of a write mean its precondition failed:
    the document changed or vanished since its revision was read, hence 409.
    """
    what = f"Document {doc_id!r}" if doc_id is not None else "The request"
    if code == ALREADY_EXISTS and doc_id is not None:
        return already_exists(doc_id)
    if code in (ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED) or (code == NOT_FOUND and doc_id is not None):
        return revision_conflict(doc_id, expected_rev)
    if code == NOT_FOUND:
        return DocumentNotFound(f"{what} refers to a document that does not exist.")
    if code == INVALID_ARGUMENT:
        if _is_too_large(message):
            return DocumentTooLarge(f"{what} is larger than Firestore accepts (1 MiB per document).")
        return InvalidDocument(f"{what} was refused by Firestore as invalid.")
    if code == UNAUTHENTICATED:
        return Unauthorized("Firestore rejected the credentials (unauthenticated).")
    if code == PERMISSION_DENIED:
        return PermissionDenied("Firestore denied permission for this operation.")
    if code in (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, CANCELLED):
        return BackendUnavailable("Firestore could not be reached within the configured timeout and retries.")
    return DatabaseError(f"Firestore failed the request (status code {code}).")


def translate_error(
    exc: BaseException, *, endpoint: str = CLOUD_ENDPOINT, timeout: float | None = None
) -> DatabaseError:
    """Map any exception from google-cloud-firestore, google-api-core, grpc or google-auth.

    ``endpoint`` (the emulator's host:port, or the cloud endpoint) is named when the
    server cannot be reached, with the reason: refused, timed out, or DNS.
    """
    from google.api_core import exceptions as api
    from google.auth import exceptions as auth

    if isinstance(exc, DatabaseError):
        return exc
    if isinstance(exc, api.RetryError):
        cause = exc.cause
        if cause is None or isinstance(cause, (api.ServiceUnavailable, api.DeadlineExceeded)):
            return unreachable("Firestore", endpoint, exc, timeout)
        return translate_error(cause)
    if isinstance(exc, api.GoogleAPICallError):
        code = exc.grpc_status_code.value[0] if exc.grpc_status_code is not None else -1
        if code == -1:
            code = {401: UNAUTHENTICATED, 403: PERMISSION_DENIED, 404: NOT_FOUND, 503: UNAVAILABLE}.get(
                exc.code or 0, -1
            )
        if code == FAILED_PRECONDITION:
            # Outside a conditional write (those catch it themselves) this is a query Firestore
            # cannot serve, such as one that needs a composite index.
            return DatabaseError("Firestore refused the request: failed precondition (a query may need an index).")
        if code == NOT_FOUND:
            return DocumentNotFound("Firestore found no such document or database.")
        if code in (UNAVAILABLE, DEADLINE_EXCEEDED):
            return unreachable("Firestore", endpoint, exc, timeout)
        return error_for_code(code, exc.message or "")
    if isinstance(exc, auth.RefreshError):
        return Unauthorized("Could not obtain a Google access token with the configured credentials.")
    if isinstance(exc, auth.TransportError):
        return BackendUnavailable("Could not reach the Google authentication service.")
    if isinstance(exc, auth.GoogleAuthError):
        return Unauthorized("The Google credentials are unusable.")
    import grpc  # type: ignore[import-untyped]

    if isinstance(exc, grpc.RpcError):
        status = exc.code() if hasattr(exc, "code") else None
        return error_for_code(status.value[0] if status is not None else -1)
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return unreachable("Firestore", endpoint, exc, timeout)
    return DatabaseError(f"The firestore backend failed ({type(exc).__name__}).")
