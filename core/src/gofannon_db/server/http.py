"""HTTP details of the service: ETags, If-Match, opaque cursors, document URLs, short quotes of client input."""

from __future__ import annotations

import base64
import binascii
import json
import re
from urllib.parse import quote

from ..errors import InvalidDocument, InvalidQuery

__all__ = ["decode_cursor", "document_path", "encode_cursor", "etag", "parse_if_match", "short", "shorten_quotes"]

_QUOTED = re.compile(r'(?:W/)?"([^"]*)"')
SHORT = 40
"""Characters of a client-supplied value an error message quotes at most."""
# A Python repr of a string longer than SHORT characters, as error details quote values.
_LONG_REPR = re.compile("|".join(rf"{q}((?:[^{q}\\]|\\.){{{SHORT}}})(?:[^{q}\\]|\\.)+{q}" for q in ("'", '"')))


def short(value: str) -> str:
    """``repr`` of at most the first :data:`SHORT` characters of a client-supplied value."""
    return repr(value) if len(value) <= SHORT else repr(value[:SHORT]) + f"... ({len(value)} characters)"


def shorten_quotes(detail: str) -> str:
    """``detail`` with every quoted value longer than :data:`SHORT` characters cut to its start.

    Error details from the core quote the caller's input (an ``_id``, a key); an HTTP
    answer echoes only a prefix of each, so a 100 KB value never comes back whole.
    """
    if len(detail) <= 2 * SHORT:
        return detail
    return _LONG_REPR.sub(_cut, detail)


def _cut(match: re.Match[str]) -> str:
    quote = "'" if match.group(1) is not None else '"'
    kept = match.group(1) if match.group(1) is not None else match.group(2)
    return f"{quote}{kept}...{quote}"


def etag(rev: str) -> str:
    """The ``ETag`` for a revision: the revision itself, quoted (revisions are ASCII tokens)."""
    return f'"{rev}"'


def parse_if_match(value: str | None) -> str | None:
    """The revision an ``If-Match`` header expects, or ``None`` without the header.

    Accepts ``"<rev>"`` (what ``ETag`` sends), ``W/"<rev>"`` and a bare ``<rev>``. ``*``
    and lists of ETags have no meaning for a single revision and are rejected (400).
    """
    if value is None:
        return None
    value = value.strip()
    match = _QUOTED.fullmatch(value)
    if match:
        rev = match.group(1)
    elif value == "*":
        raise InvalidDocument('If-Match: * is not supported; send the document\'s ETag, e.g. If-Match: "1-abc".')
    elif '"' in value or "," in value:
        raise InvalidDocument(f'If-Match must hold exactly one ETag, such as "1-abc"; got {short(value)}.')
    else:
        rev = value
    if not rev:
        raise InvalidDocument('If-Match is empty; send the document\'s ETag, e.g. If-Match: "1-abc".')
    return rev


def encode_cursor(last_id: str) -> str:
    """An opaque cursor: the last ``_id`` of a page, as unpadded base64url JSON."""
    raw = json.dumps({"v": 1, "after": last_id}, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str) -> str:
    """The ``_id`` a cursor continues after; :class:`InvalidQuery` (400) for anything not made by us."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError):
        data = None
    if not (isinstance(data, dict) and data.get("v") == 1 and isinstance(data.get("after"), str)):
        raise InvalidQuery("Invalid cursor: pass the next_cursor of the previous page unchanged.")
    after: str = data["after"]
    return after


def document_path(collection: str, doc_id: str) -> str:
    """The URL path of a document, with its id percent-encoded (ids may hold ``? # % /``-free punctuation)."""
    return f"/collections/{collection}/documents/{quote(doc_id, safe='')}"
