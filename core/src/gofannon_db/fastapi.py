"""FastAPI integration: inject the configured service with ``Depends(get_db)``.

Needs the ``fastapi`` extra (``pip install 'gofannon-db[fastapi]'``). This is the only
module of the core that imports FastAPI, so ``import gofannon_db`` works without it::

    from fastapi import FastAPI
    from gofannon_db.fastapi import Database, add_exception_handlers

    app = FastAPI()
    add_exception_handlers(app)          # DatabaseError -> its status code, {"detail": ...}

    @app.get("/agents/{agent_id}")
    def read_agent(agent_id: str, db: Database) -> dict:
        return db.get("agents", agent_id)  # a missing agent becomes a 404

In ``async def`` routes use the async twin, so the event loop never waits on the database::

    from gofannon_db.fastapi import AsyncDatabase

    @app.get("/agents/{agent_id}")
    async def read_agent(agent_id: str, db: AsyncDatabase) -> dict:
        return await db.get("agents", agent_id)

Bearer tokens (``GOFANNON_SERVE_TOKENS``, the same rules as ``gofannon-db serve``) guard a
route with ``access: ReadAccess`` or ``access: WriteAccess`` (or ``Depends(TokenGuard(...))``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

try:
    from fastapi import Depends, FastAPI, HTTPException, Request, Security
    from fastapi.responses import JSONResponse
    from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
    from starlette.responses import Response
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        f"gofannon_db.fastapi needs FastAPI ({exc}); install it with: pip install 'gofannon-db[fastapi]'"
    ) from exc

from . import factory
from .aio import AsyncDatabaseService
from .errors import ConfigurationError, DatabaseError
from .factory import get_database_service
from .redaction import scrub
from .service import DatabaseService
from .settings import Settings
from .tokens import TOKENS_VARIABLE, AccessScope, TokenSet, permits

__all__ = [
    "EXCEPTION_HANDLERS",
    "AsyncDatabase",
    "Database",
    "ReadAccess",
    "SafeJSONResponse",
    "TokenGuard",
    "WriteAccess",
    "add_exception_handlers",
    "database_error_handler",
    "get_async_db",
    "get_db",
]


def get_db() -> DatabaseService:
    """The process-wide service configured by the environment (``DATABASE_PROVIDER``, ...).

    A FastAPI dependency: ``db: DatabaseService = Depends(get_db)``. Tests can swap it
    with ``app.dependency_overrides[get_db] = lambda: MemoryDatabaseService()``.
    """
    return get_database_service()


Database = Annotated[DatabaseService, Depends(get_db)]
"""Shorthand for a route parameter: ``def route(db: Database)``."""


async def get_async_db() -> AsyncDatabaseService:
    """The process-wide async service configured by the environment, for ``async def`` routes.

    An ``async def`` dependency, so FastAPI calls it on the loop with no thread hop. The
    first call builds the service in a thread (a provider's constructor may read
    credentials); later ones return it at once. Tests can swap it with
    ``app.dependency_overrides[get_async_db] = ...``.
    """
    service = factory._async.peek()
    if service is None:
        service = await asyncio.to_thread(factory.get_async_database_service)
    return service


AsyncDatabase = Annotated[AsyncDatabaseService, Depends(get_async_db)]
"""Shorthand for an ``async def`` route parameter: ``async def route(db: AsyncDatabase)``."""


class SafeJSONResponse(JSONResponse):
    """JSON that never fails to encode.

    Error details quote the caller's input, which may hold lone surrogates (valid in
    JSON text as ``\\udc80`` escapes, not encodable as UTF-8); those fall back to ASCII
    escapes instead of turning an answer into a 500.
    """

    def render(self, content: Any) -> bytes:
        try:
            return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def database_error_handler(request: Request, exc: Exception) -> Response:
    """Turn a :class:`DatabaseError` into its ``status_code`` and ``{"detail": ...}``.

    ``detail`` is written by the core and backends to be safe to show: it never holds
    credentials, and the SDK's own message stays in ``__cause__``.
    """
    if not isinstance(exc, DatabaseError):  # pragma: no cover - registered for DatabaseError only
        raise exc
    return SafeJSONResponse({"detail": scrub(exc.detail)}, status_code=exc.status_code)


_Handler = Callable[[Request, Exception], "Response | Awaitable[Response]"]

EXCEPTION_HANDLERS: dict[int | type[Exception], _Handler] = {DatabaseError: database_error_handler}
"""For ``FastAPI(exception_handlers=EXCEPTION_HANDLERS)``."""


def add_exception_handlers(app: FastAPI) -> None:
    """Register :func:`database_error_handler` on ``app``."""
    for error, handler in EXCEPTION_HANDLERS.items():
        app.add_exception_handler(error, handler)


# ---------------------------------------------------------------- bearer tokens

_BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="A token from GOFANNON_SERVE_TOKENS; `read:` tokens may only read.",
)


class TokenGuard:
    """A dependency admitting only callers with a bearer token of at least ``scope``.

    ``tokens``: the accepted tokens; by default ``GOFANNON_SERVE_TOKENS`` (and the file
    ``GOFANNON_SERVE_TOKEN_FILE`` names), read on first use. No token or an unknown one
    is a 401 with ``WWW-Authenticate: Bearer``; a read-only token where ``write`` is
    needed is a 403. With no token configured at all it admits no one (a 500 naming the
    setting): a guard that silently lets everyone in would be worse. The dependency's
    value is the scope the caller holds. The route shows the bearer scheme in OpenAPI,
    so ``/docs`` has an Authorize button.
    """

    def __init__(self, scope: AccessScope = "write", tokens: TokenSet | None = None) -> None:
        self.scope: AccessScope = scope
        self._tokens = tokens

    def tokens(self) -> TokenSet:
        if self._tokens is None:
            self._tokens = TokenSet.from_settings(Settings())
        return self._tokens

    async def __call__(
        self, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)]
    ) -> AccessScope:
        tokens = self.tokens()
        if not tokens:
            raise ConfigurationError(f"No bearer token is configured ({TOKENS_VARIABLE}); this route admits no one.")
        token = credentials.credentials if credentials is not None else None
        granted = tokens.check(token)
        if granted is None:
            challenge = 'Bearer realm="gofannon-db"' + ("" if token is None else ', error="invalid_token"')
            detail = "Authentication required: send Authorization: Bearer <token>."
            if token is not None:
                detail = "The bearer token is not valid for this service."
            raise HTTPException(401, detail, headers={"WWW-Authenticate": challenge})
        if not permits(granted, self.scope):
            raise HTTPException(
                403,
                "This token may only read; this needs a read-write token.",
                headers={"WWW-Authenticate": 'Bearer realm="gofannon-db", error="insufficient_scope", scope="write"'},
            )
        return granted


ReadAccess = Annotated[AccessScope, Depends(TokenGuard("read"))]
"""A route parameter that admits read and read-write tokens: ``def route(access: ReadAccess)``."""
WriteAccess = Annotated[AccessScope, Depends(TokenGuard("write"))]
"""A route parameter that admits read-write tokens only."""
