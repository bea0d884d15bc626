"""botocore exceptions -> gofannon-db typed errors.

``detail`` names the operation and AWS error code, never the SDK's message: messages
can echo request values, and nothing that might hold a key belongs in error text.
The original exception stays reachable as ``__cause__``.
"""

from __future__ import annotations

from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
    ConnectionError,
    EndpointConnectionError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)
from gofannon_db.errors import (
    BackendUnavailable,
    DatabaseError,
    DocumentNotFound,
    DocumentTooLarge,
    InvalidDocument,
    PermissionDenied,
    Unauthorized,
    revision_conflict,
    unreachable,
)

__all__ = ["error_code", "translate"]

_UNAUTHORIZED = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "MissingAuthenticationToken",
        "MissingAuthenticationTokenException",
        "IncompleteSignature",
        "IncompleteSignatureException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
    }
)
_DENIED = frozenset({"AccessDeniedException", "AccessDenied", "NotAuthorized"})
_UNAVAILABLE = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "LimitExceededException",
    }
)


def error_code(exc: BaseException) -> str:
    """The AWS error code of a :class:`ClientError` (``""`` for anything else)."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def _message(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Message", ""))


def translate(exc: Exception, *, endpoint: str = "DynamoDB", timeout: float | None = None) -> DatabaseError:
    """The typed error for one SDK exception (``endpoint``: where the client sends requests)."""
    if isinstance(exc, ClientError):
        code = error_code(exc)
        operation = getattr(exc, "operation_name", "") or "request"
        where = f"DynamoDB {operation} failed ({code})"
        if code in _UNAUTHORIZED:
            return Unauthorized(f"{where}: the server rejected the AWS credentials.")
        if code in _DENIED:
            return PermissionDenied(f"{where}: the AWS credentials lack permission for this operation.")
        if code == "ConditionalCheckFailedException":
            return revision_conflict(None)
        if code == "ResourceNotFoundException":
            return DocumentNotFound(f"{where}: the collection does not exist.")
        if code in _UNAVAILABLE:
            return BackendUnavailable(f"{where}: the server is overloaded or failing; retries were exhausted.")
        if code == "ValidationException" and "size" in _message(exc).lower():
            return DocumentTooLarge(f"{where}: the item is larger than DynamoDB's 400 KB limit.")
        if code == "ValidationException":
            return InvalidDocument(f"{where}: the server rejected the request as invalid.")
        return DatabaseError(f"{where}.")
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return Unauthorized(
            "No usable AWS credentials were found (environment, shared config, or instance role); "
            "see the standard AWS credential chain."
        )
    if isinstance(exc, NoRegionError):
        return DatabaseError("No AWS region is configured; set DYNAMODB_REGION.")
    if isinstance(exc, (EndpointConnectionError, ConnectionError, HTTPClientError)):
        return unreachable("DynamoDB", endpoint, exc, timeout)
    if isinstance(exc, BotoCoreError):
        return DatabaseError(f"The DynamoDB client failed ({type(exc).__name__}).")
    return DatabaseError(f"The dynamodb backend failed ({type(exc).__name__}).")
