"""Who may call the service: bearer tokens with a read or write scope, checked before the body is read.

A pure-ASGI middleware: a stranger gets 401 before any route, dependency or body
parsing runs, and a read-only token gets 403 on a write. Without any token configured
the service is anonymous and then answers only connections made to a loopback address,
unless anonymous service was explicitly allowed. The scope granted is left in the ASGI
scope (``ACCESS_KEY``) for the routes that show more to a caller with a token (``/health``).
"""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from ..tokens import AccessScope, bearer_token, permits
from .asgi import header, send_error
from .state import ALLOW_ANONYMOUS_VARIABLE, ServiceState

__all__ = ["ACCESS_KEY", "PUBLIC_PATHS", "AccessGuard", "is_loopback", "needed_scope"]

ACCESS_KEY = "gofannon.access"
"""ASGI scope key: the :data:`~gofannon_db.tokens.AccessScope` the caller holds, or ``None``."""
PUBLIC_PATHS = frozenset({"/", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
"""Answered to anyone: the API description, which holds no data."""
HEALTH_PATH = "/health"
"""Answered to anyone, saying more to a caller with a token."""

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_CHALLENGE = (b"www-authenticate", b'Bearer realm="gofannon-db"')
_INVALID = (b"www-authenticate", b'Bearer realm="gofannon-db", error="invalid_token"')
_INSUFFICIENT = (b"www-authenticate", b'Bearer realm="gofannon-db", error="insufficient_scope", scope="write"')


def needed_scope(method: str, path: str) -> AccessScope:
    """``read`` for GET/HEAD/OPTIONS and ``POST .../_find``; ``write`` for everything else."""
    if method in _READ_METHODS or (method == "POST" and path.endswith("/_find")):
        return "read"
    return "write"


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) only reaches this machine; any other name counts as exposed."""
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


@functools.lru_cache(maxsize=64)
def _is_local(host: str) -> bool:
    """Whether a connection made to ``host`` came from this machine: loopback, or a Unix socket path."""
    return host.startswith("/") or is_loopback(host)


def _has_body(scope: Scope) -> bool:
    length = header(scope, b"content-length")
    return header(scope, b"transfer-encoding") is not None or (length is not None and length != b"0")


class AccessGuard:
    """Enforce the tokens of ``state`` on every HTTP request; pass lifespan and other scopes through."""

    def __init__(self, app: ASGIApp, state: ServiceState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path in PUBLIC_PATHS:
            scope[ACCESS_KEY] = None
            await self.app(scope, receive, send)
            return
        tokens = self.state.tokens()
        if not tokens:
            await self._anonymous(scope, receive, send, path)
            return
        token = bearer_token(header(scope, b"authorization"))
        granted = tokens.check(token)
        if path == HEALTH_PATH and (token is None or granted is not None):
            scope[ACCESS_KEY] = granted
            await self.app(scope, receive, send)
            return
        if granted is None:
            await self._refuse(scope, send, 401, token)
            return
        if not permits(granted, needed_scope(scope["method"], path)):
            await self._refuse(scope, send, 403, token)
            return
        scope[ACCESS_KEY] = granted
        await self.app(scope, receive, send)

    async def _anonymous(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        server: Any = scope.get("server")
        if server is None or _is_local(str(server[0])) or self.state.allow_anonymous():
            scope[ACCESS_KEY] = "write"
        elif path == HEALTH_PATH:
            scope[ACCESS_KEY] = None
        else:
            detail = (
                "This service has no tokens configured, so it only answers on loopback. Configure "
                f"GOFANNON_SERVE_TOKENS, or set {ALLOW_ANONYMOUS_VARIABLE}=true to serve anyone."
            )
            await send_error(send, 403, detail, close=_has_body(scope))
            return
        await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, send: Send, status: int, token: str | None) -> None:
        if status == 403:
            detail, challenge = "This token may only read; writing needs a read-write token.", _INSUFFICIENT
        elif token is None:
            detail, challenge = "Authentication required: send Authorization: Bearer <token>.", _CHALLENGE
        else:
            detail, challenge = "The bearer token is not valid for this service.", _INVALID
        await send_error(send, status, detail, [challenge], close=_has_body(scope))
