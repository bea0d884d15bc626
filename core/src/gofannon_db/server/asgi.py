"""Small pure-ASGI helpers for the middlewares, which answer before any framework code runs."""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.types import Scope, Send

__all__ = ["header", "send_error"]


def header(scope: Scope, name: bytes) -> bytes | None:
    """The first value of the (lower-case) header ``name``, or ``None``."""
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


async def send_error(
    send: Send,
    status: int,
    detail: str,
    headers: Iterable[tuple[bytes, bytes]] = (),
    *,
    close: bool = False,
) -> None:
    """Answer ``{"detail": ...}`` with ``status``; ``close`` asks the server to drop the connection after it.

    Closing matters when the request body was not read: the client may still be sending
    it, and the connection cannot carry another request anyway.
    """
    body = json.dumps({"detail": detail}, ensure_ascii=True).encode("ascii")
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode("ascii")),
        *headers,
    ]
    if close:
        raw_headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
