"""Request bodies: JSON objects parsed once, with nesting refused before anything is built.

The routes read bodies themselves instead of declaring ``dict[str, Any]`` parameters:
FastAPI would validate every value through pydantic and the core validates the same
document again. The size is bounded by :class:`~gofannon_db.server.limits.BodyLimit`
before this runs.
"""

from __future__ import annotations

import json
from itertools import accumulate
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from ..errors import InvalidDocument
from ..validation import MAX_DEPTH

__all__ = ["MAX_BODY_DEPTH", "nesting_depth", "read_object"]

MAX_BODY_DEPTH = 2 * MAX_DEPTH + 4
"""Nesting a body may have before it is refused unparsed; documents deeper than MAX_DEPTH are refused by the core,
naming the path."""

_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1
_BRACKETS_AND_QUOTES = bytes(range(256)).translate(None, b'[]{}"')


def nesting_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in JSON text, strings ignored; linear, in C loops.

    Text that is not JSON gets a number that may be wrong: the parser refuses it anyway.
    """
    if body.count(b"[") + body.count(b"{") <= MAX_BODY_DEPTH:
        return 0  # cannot be deeper than the limit: the common case, two scans
    plain = body.replace(b"\\\\", b"").replace(b'\\"', b"")  # escapes cannot open or close a string
    structure = plain.translate(None, _BRACKETS_AND_QUOTES)
    outside_strings = b"".join(structure.split(b'"')[::2])
    return max(accumulate(map(_STEP.__getitem__, outside_strings)), default=0)


def _unprocessable(message: str, kind: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("body",), "msg": message, "type": kind}])


async def read_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object; 422 when it is missing or not an object, 400 when too deep."""
    body = await request.body()
    if not body.strip():
        raise _unprocessable("Field required", "missing")
    if nesting_depth(body) > MAX_BODY_DEPTH:
        raise InvalidDocument(
            f"The request body nests deeper than {MAX_BODY_DEPTH} levels; documents may nest {MAX_DEPTH}.",
            path="(body)",
        )
    try:
        value = json.loads(body)
    except RecursionError:
        raise InvalidDocument("The request body nests too deeply to parse.", path="(body)") from None
    except ValueError as error:  # JSONDecodeError, or bytes in no Unicode encoding
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "not UTF-8"
        position = error.pos if isinstance(error, json.JSONDecodeError) else 0
        raise RequestValidationError(
            [{"loc": ("body", position), "msg": "JSON decode error", "type": "json_invalid", "ctx": {"error": reason}}]
        ) from None
    if not isinstance(value, dict):
        raise _unprocessable("Input should be a valid dictionary", "dict_type")
    return value
