"""The naming and value rules of the contract (sections 2 and 4), checked once for every backend.

:class:`~gofannon_db.DatabaseService` calls these before it hands anything to a
backend, so a backend author cannot forget them and no backend is ever given a value
it would have to reject halfway through a write.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, cast

from .codec import MAX_SAFE_INTEGER
from .errors import InvalidDocument, InvalidName

__all__ = [
    "MAX_DEPTH",
    "MAX_DOC_ID_BYTES",
    "MAX_FIELD_PATH_BYTES",
    "MAX_SAFE_INTEGER",
    "field_path_bytes",
    "format_path",
    "is_plain_document",
    "validate_collection_name",
    "validate_doc_id",
    "validate_document",
    "validate_revision",
]

MAX_DEPTH = 20
"""Deepest nesting of containers allowed; the document itself is level 1."""
MAX_DOC_ID_BYTES = 512
MAX_FIELD_PATH_BYTES = 1_500
"""Longest field path (keys joined as Firestore writes them, in UTF-8 bytes) on every backend."""

_COLLECTION_NAME = re.compile(r"[a-z][a-z0-9_-]{2,62}")
_DUNDER = re.compile(r"__.+__", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PLAIN_KEY = re.compile(r"[^.\[\]'\"]+")
_TOP_LEVEL_META = frozenset({"_id", "_rev"})


def validate_collection_name(name: object) -> str:
    """Return ``name`` if it is 3-63 chars of ``[a-z][a-z0-9_-]*``; else raise :class:`InvalidName`."""
    if not isinstance(name, str):
        raise InvalidName(f"Collection name must be a string, got {type(name).__name__}.")
    if not _COLLECTION_NAME.fullmatch(name):
        raise InvalidName(
            f"Invalid collection name {name!r}: use 3 to 63 characters, a lowercase letter "
            "first, then lowercase letters, digits, '_' or '-'."
        )
    return name


def validate_doc_id(doc_id: object) -> str:
    """Return ``doc_id`` if it may name a document on every backend; else raise :class:`InvalidName`."""
    if (  # the common case, decided without encoding: printable ASCII of a valid length
        type(doc_id) is str
        and doc_id.isascii()
        and doc_id.isprintable()
        and 0 < len(doc_id) <= MAX_DOC_ID_BYTES
        and "/" not in doc_id
        and doc_id[0] != "_"
        and doc_id not in (".", "..")
    ):
        return doc_id
    if not isinstance(doc_id, str):
        raise InvalidName(f"Document id must be a string, got {type(doc_id).__name__}.")
    try:
        size = len(doc_id.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidName(f"Document id {doc_id!r} is not valid Unicode.") from None
    problem = None
    if size == 0:
        problem = "it is empty"
    elif size > MAX_DOC_ID_BYTES:
        problem = f"it is {size} UTF-8 bytes, over the limit of {MAX_DOC_ID_BYTES}"
    elif "/" in doc_id:
        problem = "it contains '/'"
    elif _CONTROL.search(doc_id):
        problem = "it contains a control character"
    elif doc_id in (".", ".."):
        problem = "'.' and '..' are reserved"
    elif doc_id.startswith("_"):
        problem = "ids starting with '_' are reserved"
    if problem:
        shown = doc_id if size <= 80 else doc_id[:40] + "..."
        raise InvalidName(f"Invalid document id {shown!r}: {problem}.")
    return doc_id


def validate_revision(rev: object, *, where: str = "rev") -> str:
    """Return ``rev`` if it is a non-empty string; revisions are opaque otherwise."""
    if not isinstance(rev, str) or not rev:
        raise InvalidDocument(f"{where} must be a non-empty string, got {rev!r}.", path=where)
    return rev


def format_path(parts: tuple[str | int, ...]) -> str:
    """Render a value's location as ``meta.tags[2]`` (keys with dots or brackets are quoted)."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out or "(document)"


def validate_document(doc: object, doc_id: str) -> dict[str, Any]:
    """Check ``doc`` against the contract and return a private deep copy of it.

    The copy drops ``_id`` (the id travels separately) and keeps ``_rev`` when present,
    since that is the revision a conditional write expects. The caller's dict is never
    touched.
    """
    if type(doc) is not dict and not isinstance(doc, Mapping):
        raise InvalidDocument(f"A document must be a dict, got {type(doc).__name__}.")
    body: dict[str, Any] = {}
    for key, value in doc.items():
        if type(key) is str and key and key.isascii() and key[0] != "_":  # the common case: settled inline
            bound = 2 + 4 * len(key)
            if bound > MAX_FIELD_PATH_BYTES:
                bound = _exact(((), key))
            kind = type(value)
            if (
                (kind is str and value.isascii())
                or (kind is int and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER)
                or kind is bool
                or value is None
                or (kind is float and math.isfinite(value))
            ):
                body[key] = value
            else:
                body[key] = _copy_value(value, ((), key), 2, bound)
            continue
        if not isinstance(key, str):
            raise InvalidDocument(
                f"Key {key!r} at the top level is a {type(key).__name__}; keys must be strings.",
                path=repr(key),
            )
        if key == "_id":
            if value != doc_id:
                raise InvalidDocument(
                    f"_id in the document ({value!r}) differs from the id it is saved under ({doc_id!r}).",
                    path="_id",
                )
            continue
        if key == "_rev":
            body["_rev"] = validate_revision(value, where="_rev")
            continue
        if key.startswith("_") and key not in _TOP_LEVEL_META:
            raise InvalidDocument(f"Top-level key {key!r} is reserved: only _id and _rev may start with '_'.", path=key)
        checked = _check_key(key, ())
        bound = 2 + 4 * len(checked)
        body[checked] = _copy_value(value, ((), key), 2, bound if bound <= MAX_FIELD_PATH_BYTES else _exact(((), key)))
    return body


def is_plain_document(doc: object, doc_id: str) -> bool:
    """Whether :func:`validate_document` would accept ``doc`` and copy it unchanged (minus ``_id``).

    That is: a plain ``dict`` without ``_rev``, whose ``_id`` (if any) is ``doc_id``, holding
    only exact JSON types with ASCII keys, safe integers, finite floats and valid text, far
    from the depth and field-path limits. It answers ``False`` for anything else, including
    documents :func:`validate_document` would accept after converting them (a subclass, a
    non-ASCII key); the caller then runs :func:`validate_document`, which converts or names
    the problem. A backend that only encodes the document (``wire_is_document``) is handed
    such a document as it is, without a private copy.
    """
    if type(doc) is not dict:
        return False
    for key, value in doc.items():
        if type(key) is not str or not key or not key.isascii():
            return False
        if key[0] == "_":
            if key == "_id" and type(value) is str and value == doc_id:
                continue
            return False  # _rev, or a reserved key: validate_document decides
        bound = 2 + 4 * len(key)
        if bound > MAX_FIELD_PATH_BYTES or not _plain_value(value, 2, bound):
            return False
    return True


def _plain_value(value: Any, depth: int, length: int) -> bool:
    """:func:`is_plain_document`'s rule for one value at nesting ``depth`` with field-path bound ``length``."""
    kind = type(value)
    if kind is str:
        return bool(value.isascii()) or _is_unicode(value)
    if kind is int:
        return bool(-MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER)
    if kind is dict or kind is list:
        if depth > MAX_DEPTH:
            return False
        return _plain_dict(value, depth, length) if kind is dict else _plain_list(value, depth, length)
    if kind is float:
        return math.isfinite(value)
    return kind is bool or value is None


# The two loops below settle the common members inline, as the copying loops further down do.


def _plain_dict(value: dict[Any, Any], depth: int, length: int) -> bool:
    for key, item in value.items():
        if not (
            type(key) is str and key.isascii() and key and not (len(key) > 4 and key[:2] == "__" and key[-2:] == "__")
        ):
            return False
        bound = length + 3 + 4 * len(key)
        if bound > MAX_FIELD_PATH_BYTES:
            return False
        kind = type(item)
        if (kind is str and item.isascii()) or kind is bool or item is None:
            continue
        if not _plain_value(item, depth + 1, bound):
            return False
    return True


def _plain_list(value: list[Any], depth: int, length: int) -> bool:
    for item in value:
        kind = type(item)
        if (kind is str and item.isascii()) or kind is bool or item is None:
            continue
        if not _plain_value(item, depth + 1, length):
            return False
    return True


def _is_unicode(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def field_path_bytes(keys: tuple[str, ...]) -> int:
    """UTF-8 length of ``keys`` as a Firestore field path: ``a.b``, with `` `quoted` `` non-identifiers."""
    length = -1
    for key in keys:
        length += 1 + _segment_bytes(key)
    return length


def _segment_bytes(key: str) -> int:
    if key.isascii() and key.isidentifier():  # Firestore's simple field name: [_a-zA-Z][_a-zA-Z0-9]*
        return len(key)
    return len(key.encode("utf-8")) + 2 + key.count("`") + key.count("\\")


def _exact(chain: _Path) -> int:
    """The exact field-path length of ``chain``, when the cheap bound passed the limit; refuse it if too long.

    The walk carries an upper bound (4 bytes a character, 2 backquotes and a dot a key),
    so this runs only for paths that may be too long: typical documents never pay for it.
    """
    parts = _parts(chain)
    length = field_path_bytes(tuple(part for part in parts if isinstance(part, str)))
    if length > MAX_FIELD_PATH_BYTES:
        where = format_path(parts)
        raise InvalidDocument(
            f"Field path {where} is {length} UTF-8 bytes as Firestore writes a field path; "
            f"every backend accepts at most {MAX_FIELD_PATH_BYTES}.",
            path=where,
        )
    return length


_Path = tuple[Any, str | int] | tuple[()]
"""Where a value sits, as a chain ``(parent_chain, key)``: O(1) to extend, unwound only for an error."""


def _parts(chain: _Path) -> tuple[str | int, ...]:
    parts: list[str | int] = []
    while chain:
        chain, part = chain
        parts.append(part)
    return tuple(reversed(parts))


def _is_plain_key(key: object) -> bool:
    """The common case, decided without a regex: a non-empty ASCII str that is not ``__name__``."""
    return (
        type(key) is str and key.isascii() and key != "" and not (len(key) > 4 and key[:2] == "__" and key[-2:] == "__")
    )


def _check_key(key: object, parent: _Path) -> str:
    if _is_plain_key(key):
        return cast(str, key)
    where = format_path(_parts(parent))
    if not isinstance(key, str):
        raise InvalidDocument(f"Key {key!r} at {where} is a {type(key).__name__}; keys must be strings.", path=where)
    if not key:
        raise InvalidDocument(f"Empty key at {where}.", path=where)
    if _DUNDER.fullmatch(key):
        path = format_path((*_parts(parent), key))
        raise InvalidDocument(f"Key {key!r} at {path} is reserved: keys may not look like __name__.", path=path)
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidDocument(f"A key under {where} is not valid Unicode (lone surrogate).", path=where) from None
    return str(key)


def _copy_value(value: Any, path: _Path, depth: int, length: int) -> Any:
    """A checked copy of ``value``; ``length`` bounds its field path's size from above (lists add no key)."""
    # Exact types first: they are nearly every value and need no conversion.
    kind = type(value)
    if kind is dict or kind is list:
        if depth > MAX_DEPTH:
            raise _bad(path, f"nests deeper than the limit of {MAX_DEPTH} levels")
        if kind is list:
            return _copy_list(value, path, depth, length)
        return _copy_dict(value, path, depth, length)
    if kind is str:
        if not value.isascii():
            _check_unicode(value, path)
        return value
    if kind is int:
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return value
        raise _bad(path, f"is an integer outside ±(2**53 - 1) ({value}); store it as a string")
    if kind is float:
        if math.isfinite(value):
            return value
        raise _bad(path, f"is {value!r}; NaN and infinities are not JSON")
    return _copy_other(value, path, depth, length)


# The two container loops below settle the common members inline (a plain key; an ASCII
# string, a safe int, a finite float, a bool or None) and call _copy_value only for the
# rest: most of a document's members then cost no function call. Save paths run this for
# every document, so it is worth the repetition; _copy_value stays the one full rule set.


def _copy_dict(value: dict[Any, Any], path: _Path, depth: int, length: int) -> dict[str, Any]:
    copy: dict[str, Any] = {}
    for given, item in value.items():
        key = (
            given
            if type(given) is str
            and given.isascii()
            and given
            and not (len(given) > 4 and given[:2] == "__" and given[-2:] == "__")
            else _check_key(given, path)
        )
        bound = length + 3 + 4 * len(key)
        if bound > MAX_FIELD_PATH_BYTES:
            bound = _exact((path, key))
        kind = type(item)
        if (
            (kind is str and item.isascii())
            or (kind is int and -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER)
            or kind is bool
            or item is None
            or (kind is float and math.isfinite(item))
        ):
            copy[key] = item
        else:
            copy[key] = _copy_value(item, (path, key), depth + 1, bound)
    return copy


def _copy_list(value: list[Any], path: _Path, depth: int, length: int) -> list[Any]:
    copy: list[Any] = []
    append = copy.append
    for index, item in enumerate(value):
        kind = type(item)
        if (
            (kind is str and item.isascii())
            or (kind is int and -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER)
            or kind is bool
            or item is None
            or (kind is float and math.isfinite(item))
        ):
            append(item)
        else:
            append(_copy_value(item, (path, index), depth + 1, length))
    return copy


def _copy_other(value: object, path: _Path, depth: int, length: int) -> Any:
    """Everything but the exact JSON types: None, booleans, and subclasses (enums, OrderedDict)."""
    if value is None or value is True or value is False:
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        _check_unicode(value, path)
        return str.__str__(value)  # the plain value; str() of a str-Enum member is its name
    if isinstance(value, int):
        return _copy_value(int(value), path, depth, length)
    if isinstance(value, float):
        return _copy_value(float(value), path, depth, length)
    if isinstance(value, list):
        return _copy_value(list(value), path, depth, length)
    if isinstance(value, Mapping):
        return _copy_value(dict(value), path, depth, length)
    raise _bad(path, f"is a {type(value).__name__}, which is not a JSON type")


def _check_unicode(value: str, path: _Path) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _bad(path, "is a string that is not valid Unicode (lone surrogate)") from None


def _bad(path: _Path, problem: str) -> InvalidDocument:
    where = format_path(_parts(path))
    return InvalidDocument(f"Value at {where} {problem}.", path=where)
