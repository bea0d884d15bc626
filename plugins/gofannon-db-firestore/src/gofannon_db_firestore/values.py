"""JSON documents <-> Firestore fields, and document sizes as Firestore counts them.

Firestore stores JSON scalars natively (``int`` as integerValue, ``float`` as
doubleValue, so ``2.0`` stays a float) but refuses an array directly inside an array.
Such a list is stored as a map with one key per position, ``"~0"``, ``"~1"``, ...; its
items are encoded the same way, so lists of lists nest to any depth. The map takes the
list's place, so nesting depth does not grow and a contract-valid document (19 levels
under a top-level field) stays within Firestore's limit of 20.

To keep that map from ever being confused with a caller's own map, every caller's key
that starts with ``~`` is stored with one more ``~`` in front (``"~x"`` -> ``"~~x"``).
A stored map that has a key starting with ``~`` but not ``~~`` is therefore always an
encoded list, and decoding is unambiguous. Field paths used in queries are escaped the
same way (:func:`field_path`).

The revision lives in the top-level field ``_rev``; callers' top-level keys never start
with ``_`` (the core rejects them), so it cannot clash either.
"""

from __future__ import annotations

from typing import Any

from gofannon_db.types import Document

__all__ = [
    "ESCAPE",
    "MAX_REVISION_BYTES",
    "REV_FIELD",
    "decode_document",
    "decode_key",
    "decode_value",
    "encode_document",
    "encode_fields_sized",
    "encode_key",
    "encode_value",
    "field_path_parts",
    "revision_field_size",
    "stored_size",
    "value_size",
]

ESCAPE = "~"
REV_FIELD = "_rev"
MAX_REVISION_BYTES = 49
"""Longest ``_rev`` we write: ``core.codec.new_revision`` gives ``<generation>-<32 hex>``;
16 generation digits cover 2**53 writes. Sizes are counted with this, so never too small."""
_DOCUMENT_OVERHEAD = 32
_NAME_OVERHEAD = 16


def encode_key(key: str) -> str:
    """A caller's map key as stored: a leading ``~`` is doubled, nothing else changes."""
    return ESCAPE + key if key.startswith(ESCAPE) else key


def decode_key(key: str) -> str:
    """Inverse of :func:`encode_key` for keys of a caller's map."""
    return key[1:] if key.startswith(ESCAPE) else key


def _is_index_key(key: str) -> bool:
    digits = key[1:]
    return key.startswith(ESCAPE) and digits.isascii() and digits.isdigit()


def encode_value(value: Any) -> Any:
    """A validated JSON value in the form Firestore accepts."""
    if isinstance(value, dict):
        return {encode_key(key): encode_value(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [encode_value(item) for item in value]
        if any(isinstance(item, list) for item in items):
            return {f"{ESCAPE}{index}": item for index, item in enumerate(items)}
        return items
    return value


def decode_value(value: Any) -> Any:
    """Inverse of :func:`encode_value`; always builds fresh containers."""
    if isinstance(value, dict):
        if value and all(_is_index_key(key) for key in value):
            ordered = sorted(value.items(), key=lambda pair: int(pair[0][1:]))
            return [decode_value(item) for _, item in ordered]
        return {decode_key(key): decode_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode_value(item) for item in value]
    return value


def encode_document(body: Document, rev: str) -> dict[str, Any]:
    """The fields to store for ``body`` (no ``_id``/``_rev``) at revision ``rev``."""
    fields: dict[str, Any] = {encode_key(key): encode_value(value) for key, value in body.items()}
    fields[REV_FIELD] = rev
    return fields


def encode_fields_sized(body: Document) -> tuple[dict[str, Any], int]:
    """``encode_document(body, rev)`` without the revision field, and :func:`value_size` of it, in one walk.

    The walk that builds the stored form also counts its bytes, so a write is encoded
    once: the size is checked on the fields that are then sent.
    """
    return _encode_sized(body)


def _encode_sized(value: Any) -> tuple[Any, int]:
    kind = type(value)
    if kind is str:
        return value, (len(value) if value.isascii() else len(value.encode("utf-8"))) + 1
    if kind is dict:
        out: dict[str, Any] = {}
        size = 0
        for key, item in value.items():
            stored = ESCAPE + key if key.startswith(ESCAPE) else key
            out[stored], item_size = _encode_sized(item)
            size += (len(stored) if stored.isascii() else len(stored.encode("utf-8"))) + 1 + item_size
        return out, size
    if kind is list:
        items: list[Any] = []
        size = 0
        nested = False
        for item in value:
            encoded, item_size = _encode_sized(item)
            nested = nested or type(encoded) is list
            items.append(encoded)
            size += item_size
        if not nested:
            return items, size
        keys = [f"{ESCAPE}{index}" for index in range(len(items))]
        return dict(zip(keys, items, strict=True)), size + sum(len(key) + 1 for key in keys)
    if value is None or kind is bool:
        return value, 1
    if kind is int or kind is float:
        return value, 8
    # A subclass (validated bodies hold exact types; this keeps the function total).
    encoded = encode_value(value)
    return encoded, value_size(encoded)


def revision_field_size(rev_bytes: int = MAX_REVISION_BYTES) -> int:
    """What the revision field adds to :func:`value_size` of the fields: its name and an ASCII value."""
    return _string_size(REV_FIELD) + rev_bytes + 1


def decode_document(fields: dict[str, Any]) -> Document:
    """The caller's body from stored fields, without the revision field."""
    return {decode_key(key): decode_value(value) for key, value in fields.items() if key != REV_FIELD}


def field_path_parts(path: str) -> tuple[str, ...]:
    """A caller's dotted path as stored field names (each one escaped like a key)."""
    return tuple(encode_key(part) for part in path.split("."))


def _string_size(text: str) -> int:
    return len(text.encode("utf-8")) + 1


def value_size(value: Any) -> int:
    """Size of a stored value by https://firebase.google.com/docs/firestore/storage-size."""
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, (int, float)):
        return 8
    if isinstance(value, str):
        return _string_size(value)
    if isinstance(value, list):
        return sum(value_size(item) for item in value)
    if isinstance(value, dict):
        return sum(_string_size(key) + value_size(item) for key, item in value.items())
    raise TypeError(f"Not a stored JSON value: {type(value).__name__}")


def stored_size(collection_bytes: int, doc_id: str, fields: dict[str, Any], fields_size: int | None = None) -> int:
    """Size Firestore counts against its 1 MiB limit for a document of one collection.

    Document name (collection id and document id as strings, plus 16), every field
    (name as a string, plus its value), plus 32. ``collection_bytes`` is the UTF-8
    length of the collection id; ``fields_size``, when known, is :func:`value_size` of
    ``fields``. The emulator enforces exactly this sum.
    """
    name = collection_bytes + 1 + _string_size(doc_id) + _NAME_OVERHEAD
    return name + (value_size(fields) if fields_size is None else fields_size) + _DOCUMENT_OVERHEAD
