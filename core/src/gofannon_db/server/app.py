"""The ASGI app: ``uvicorn gofannon_db.server.app:app`` or ``gofannon-db serve``.

Importing this module builds no service, reads no token and connects nowhere: the
service is created at startup (lifespan) or on the first request, from the environment
(``DATABASE_PROVIDER``, default ``memory``) unless :func:`create_app` is given settings
or a service. Every request passes :class:`~.guard.AccessGuard` (bearer tokens) and
then :class:`~.limits.BodyLimit` before any route code runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match

from .. import __version__
from ..errors import DatabaseError
from ..fastapi import SafeJSONResponse
from ..service import DatabaseService
from ..settings import Settings
from ..tokens import TokenSet
from ..validation import MAX_DOC_ID_BYTES
from .guard import HEALTH_PATH, AccessGuard
from .http import SHORT, short, shorten_quotes
from .limits import BodyLimit
from .models import ErrorOut
from .routes import router
from .state import (
    ALLOW_ANONYMOUS_VARIABLE,
    CORE_COLLECTIONS,
    MAX_BODY_VARIABLE,
    SERVE_COLLECTIONS_VARIABLE,
    ServiceState,
)

__all__ = ["app", "create_app"]

_DESCRIPTION = f"""\
REST over the collections of a gofannon-db service. Documents are JSON objects with `_id`
and `_rev`; the revision is the `ETag`, and `If-Match` (or `_rev` in the body) makes a
write conditional: a stale revision is a 409. Errors are `{{"detail": "..."}}`.

Served collections: {", ".join(CORE_COLLECTIONS)} unless `{SERVE_COLLECTIONS_VARIABLE}` (comma-separated)
says otherwise. Document ids go in the path percent-encoded.

**Access.** With tokens configured (`GOFANNON_SERVE_TOKENS`, `--token-file`), every route but `/health` and
these docs needs `Authorization: Bearer <token>`: no token or an unknown one is a 401, a `read:` token on a
write a 403. `/health` answers anyone `{{"status": "ok"}}` (or 503) and tells a token holder more. Without
tokens the service answers only on loopback unless `{ALLOW_ANONYMOUS_VARIABLE}` is set.

**Limits.** A request body over `{MAX_BODY_VARIABLE}` (default: the backend's document limit plus 64 KiB)
is refused with 413 as soon as that is known, and the connection is closed.
"""
_ID_PATTERN = r"^(?!\.\.?$)[^_/\x00-\x1f\x7f][^/\x00-\x1f\x7f]*$"
"""Document ids as the core accepts them (the byte length aside), for the OpenAPI schema."""


def create_app(
    settings: Settings | None = None,
    *,
    service: DatabaseService | None = None,
    collections: Iterable[str] | None = None,
    tokens: TokenSet | None = None,
    allow_anonymous: bool | None = None,
    max_body_bytes: int | None = None,
) -> FastAPI:
    """Build the app.

    ``settings``: configuration (the environment when ``None``, through the process-wide
    service). ``service``: serve this service instead (the caller keeps ownership).
    ``collections``: the names to serve instead of ``GOFANNON_SERVE_COLLECTIONS`` or the
    six core collections. ``tokens``, ``allow_anonymous``, ``max_body_bytes``: instead of
    ``GOFANNON_SERVE_TOKENS`` (and ``GOFANNON_SERVE_TOKEN_FILE``),
    ``GOFANNON_SERVE_ALLOW_ANONYMOUS`` and ``GOFANNON_SERVE_MAX_BODY_BYTES``.
    """
    state = ServiceState(
        settings, service, collections, tokens=tokens, allow_anonymous=allow_anonymous, max_body_bytes=max_body_bytes
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Fail at startup, not on the first request, when the configuration is wrong.
        state.check()
        try:
            yield
        finally:
            await state.close()

    app = FastAPI(
        title="gofannon-db",
        version=__version__,
        description=_DESCRIPTION,
        lifespan=lifespan,
        default_response_class=SafeJSONResponse,
        responses={422: {"model": ErrorOut, "description": "The request does not match this schema."}},
        swagger_ui_parameters={"persistAuthorization": True},
    )
    app.state.gofannon = state
    app.add_exception_handler(DatabaseError, _database_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.include_router(router)
    app.add_api_route("/", _home, methods=["GET"], include_in_schema=False)
    app.add_middleware(BodyLimit, limit=state.max_body_bytes)
    app.add_middleware(AccessGuard, state=state)  # outermost: strangers are refused before anything else

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _with_constraints(FastAPI.openapi(app), state)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _with_constraints(schema: dict[str, Any], state: ServiceState) -> dict[str, Any]:
    """State what the server enforces: served collections, id rules, and the bearer scheme when tokens are set."""
    secured = bool(state.tokens())
    if secured:
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes["bearer"] = {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from GOFANNON_SERVE_TOKENS or the token file; `read:` tokens may only read.",
        }
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            if secured:
                operation["security"] = [{}, {"bearer": []}] if path == HEALTH_PATH else [{"bearer": []}]
            # Copies: declared parameters (routes' openapi_extra) are shared by every app.
            parameters = [dict(parameter) for parameter in operation.get("parameters", ())]
            if parameters:
                operation["parameters"] = parameters
            for parameter in parameters:
                if parameter["in"] != "path":
                    continue
                if parameter["name"] == "collection":
                    parameter["schema"] = {**parameter["schema"], "enum": list(state.collections())}
                elif parameter["name"] == "doc_id":
                    parameter["schema"] = {
                        **parameter["schema"],
                        "minLength": 1,
                        "maxLength": MAX_DOC_ID_BYTES,
                        "pattern": _ID_PATTERN,
                    }
    return schema


def _database_error(request: Request, exc: Exception) -> Response:
    """A :class:`DatabaseError` as its status and ``{"detail": ...}``, quoting only a prefix of long values."""
    if not isinstance(exc, DatabaseError):  # pragma: no cover - registered for DatabaseError only
        raise exc
    return SafeJSONResponse({"detail": shorten_quotes(exc.detail)}, status_code=exc.status_code)


def _part(part: object) -> str | int:
    return part if isinstance(part, int) else str(part) if len(str(part)) <= SHORT else short(str(part))


def _home(request: Request) -> Response:
    """``GET /`` leads a browser (or curl -L) to the interactive API docs instead of a 404."""
    return RedirectResponse(f"{request.scope.get('root_path', '')}/docs", status_code=307)


def _describe_issue(issue: dict[str, Any]) -> str:
    loc = [str(_part(part)) for part in issue.get("loc", ())]
    kind = issue.get("type", "")
    if kind == "json_invalid":
        reason = (issue.get("ctx") or {}).get("error", "not JSON")
        return f"The request body is not valid JSON ({reason} at position {loc[-1] if len(loc) > 1 else 0})."
    if loc == ["body"]:
        if kind == "missing":
            return "The request body is missing: send a JSON object."
        if kind in {"dict_type", "model_attributes_type"}:
            return "The request body must be a JSON object."
    where = ".".join(loc[1:] if loc and loc[0] == "body" else loc) or "request"
    if loc and loc[0] in {"query", "header", "path"}:
        where = f"{loc[0]} parameter {'.'.join(loc[1:])!r}"
    elif loc and loc[0] == "body":
        where = f"body field {where!r}"
    return f"{where}: {issue.get('msg', 'invalid')}."


def _validation_error(request: Request, exc: Exception) -> Response:
    """422 with one readable sentence in ``detail`` and each issue (without echoing the input) in ``errors``."""
    issues = exc.errors() if isinstance(exc, RequestValidationError) else []
    detail = " ".join(dict.fromkeys(_describe_issue(issue) for issue in issues)) or "Invalid request."
    errors = [
        {
            "loc": [_part(part) for part in issue.get("loc", ())],
            "msg": str(issue.get("msg", "")),
            "type": str(issue.get("type", "")),
        }
        for issue in issues
    ]
    return SafeJSONResponse({"detail": detail, "errors": errors}, status_code=422)


def _http_error(request: Request, exc: Exception) -> Response:
    """``{"detail": ...}`` for 404/405 and friends, with a complete ``Allow`` header on 405.

    Starlette answers 405 with the methods of the first route whose path matched; a
    document URL has three routes (GET, PUT, DELETE), so gather them all.
    """
    if not isinstance(exc, StarletteHTTPException):  # pragma: no cover - registered for HTTPException only
        raise exc
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        allowed: set[str] = set()
        # The service's own router, not the app's copy of it: FastAPI versions wrap included routers differently.
        for route in (*request.app.router.routes, *router.routes):
            methods = getattr(route, "methods", None)
            if methods and route.matches({**request.scope, "method": "GET"})[0] is not Match.NONE:
                allowed |= set(methods)
        if allowed:
            headers["Allow"] = ", ".join(sorted(allowed))
    if exc.status_code in {204, 304}:
        return Response(status_code=exc.status_code, headers=headers)
    detail = shorten_quotes(exc.detail) if isinstance(exc.detail, str) else exc.detail
    return SafeJSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers)


app = create_app()
"""The app for ``uvicorn gofannon_db.server.app:app``, configured by the environment."""
