"""Body limits enforced while reading: ``Content-Length`` before the first byte, chunked bodies as they stream.

A pure-ASGI middleware, so that no framework code buffers a body before the check: a
declared size over the limit is answered 413 without reading anything, and a streamed
body is refused the moment it passes the limit. Either way the connection is closed,
so the process never holds more than the limit (plus the server's read buffer).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .asgi import header, send_error

__all__ = ["BodyLimit"]


class _BodyTooLarge(Exception):
    """Raised into the app from ``receive`` once the limit is passed; the 413 is already sent."""


def _too_large(limit: int) -> str:
    return f"The request body is larger than this service accepts: at most {limit} bytes."


class BodyLimit:
    """Refuse request bodies over ``limit()`` bytes with 413 and a closed connection."""

    def __init__(self, app: ASGIApp, limit: Callable[[], int]) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit()
        declared = header(scope, b"content-length")
        if declared is not None:
            # The server (h11, httptools) guarantees the body is exactly this long.
            if declared.isdigit() and int(declared) <= limit:
                await self.app(scope, receive, send)
            else:
                await send_error(send, 413, _too_large(limit), close=True)
            return
        await self._streamed(scope, receive, send, limit)

    async def _streamed(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received = 0
        refused = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        await send_error(send, 413, _too_large(limit), close=True)
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the app's answer to a body it never got whole: the 413 went out instead
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not refused:
                raise
            # _BodyTooLarge itself, or whatever the app made of it (wrapped, re-raised): the 413 is out.
