"""JSON values <-> DynamoDB AttributeValues, and item sizes as DynamoDB counts them.

Written by hand rather than with boto3's TypeSerializer because that one hands back
``Decimal`` for every number and cannot keep a float's bits. Numbers are sent as
``repr(float)`` (the shortest string that round-trips) or ``str(int)`` and read back as
``float`` when the server's text has a ``.`` or an exponent, else as ``int``.

DynamoDB numbers only span 1e-130 to 1e126 in magnitude. A float outside that range
(``1e-300``, ``1e300``) is stored as the map ``{"__float__": "<repr>"}``: the contract
reserves keys of the form ``__name__`` at every depth, so no caller's document can
look like that map.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from gofannon_db.query import MISSING
from gofannon_db.types import Document

__all__ = [
    "FLOATS_ATTRIBUTE",
    "FLOAT_TAG",
    "encode_body",
    "encode_body_sized",
    "AttributeValue",
    "decode_item",
    "decode_value",
    "encode_number",
    "encode_value",
    "index_key",
    "item_size",
    "number_in_range",
    "value_size",
]

AttributeValue = dict[str, Any]
FLOAT_TAG = "__float__"
FLOATS_ATTRIBUTE = "_floats"
"""Item attribute listing the paths of integral floats, which DynamoDB would hand back as ints."""
_MIN_MAGNITUDE = Decimal("1e-130")
_MAX_MAGNITUDE = Decimal("1e126")
_INDEX_KEY_MAX_BYTES = 128
"""Longer index keys are hashed (a GSI key holds at most 2048 bytes, and every byte counts toward the item)."""


def number_in_range(value: int | float) -> bool:
    """True when DynamoDB's ``N`` type can hold ``value`` exactly as we send it."""
    if value == 0:
        return True
    magnitude = abs(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
    return _MIN_MAGNITUDE <= magnitude < _MAX_MAGNITUDE and len(magnitude.as_tuple().digits) <= 38


def encode_number(value: int | float) -> str:
    return repr(value) if isinstance(value, float) else str(value)


Path = list[str | int]


def encode_value(value: Any, floats: list[Path] | None = None, path: Path | None = None) -> AttributeValue:
    """One validated JSON value as an AttributeValue.

    DynamoDB normalises numbers (``2.0`` comes back as ``2``), so the paths of integral
    floats are appended to ``floats``: the item records them in :data:`FLOATS_ATTRIBUTE`.
    """
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, (int, float)):
        if not number_in_range(value):
            return {"M": {FLOAT_TAG: {"S": repr(float(value))}}}
        if floats is not None and isinstance(value, float) and value.is_integer():
            floats.append(list(path or []))
        return {"N": encode_number(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, list):
        here = path or []
        return {"L": [encode_value(item, floats, [*here, index]) for index, item in enumerate(value)]}
    if isinstance(value, dict):
        here = path or []
        return {"M": {key: encode_value(item, floats, [*here, key]) for key, item in value.items()}}
    raise TypeError(f"Cannot store a {type(value).__name__} in DynamoDB.")  # validation rules this out


def encode_body(body: Document) -> dict[str, AttributeValue]:
    """A document body as item attributes, plus :data:`FLOATS_ATTRIBUTE` when it holds integral floats."""
    floats: list[Path] = []
    item = {name: encode_value(value, floats, [name]) for name, value in body.items()}
    if floats:
        item[FLOATS_ATTRIBUTE] = {"L": [{"L": [_path_step(step) for step in path]} for path in floats]}
    return item


def encode_body_sized(body: Document) -> tuple[dict[str, AttributeValue], int]:
    """:func:`encode_body` and :func:`item_size` of its result, from one walk over ``body``.

    A write is then encoded once: the size the core checks is that of the attributes sent.
    """
    floats: list[Path] = []
    item: dict[str, AttributeValue] = {}
    size = 0
    for name, value in body.items():
        item[name], value_bytes = _encode_sized(value, floats, [name])
        size += _utf8(name) + value_bytes
    if floats:
        recorded: AttributeValue = {"L": [{"L": [_path_step(step) for step in path]} for path in floats]}
        item[FLOATS_ATTRIBUTE] = recorded
        size += _utf8(FLOATS_ATTRIBUTE) + value_size(recorded)
    return item, size


_EXACT_INT_LIMIT = 10**28
"""Integers below this magnitude are in DynamoDB's number range, and :func:`_number_size`
(whose Decimal context keeps 28 digits) counts them exactly; validated ones are below 2**53."""


def _encode_sized(value: Any, floats: list[Path], path: Path) -> tuple[AttributeValue, int]:
    kind = type(value)
    if kind is str:
        return {"S": value}, (len(value) if value.isascii() else _utf8(value))
    if kind is dict:
        members: dict[str, AttributeValue] = {}
        size = 3
        for key, item in value.items():
            members[key], item_bytes = _encode_sized(item, floats, [*path, key])
            size += 1 + _utf8(key) + item_bytes
        return {"M": members}, size
    if kind is list:
        items: list[AttributeValue] = []
        size = 3
        for index, item in enumerate(value):
            encoded, item_bytes = _encode_sized(item, floats, [*path, index])
            items.append(encoded)
            size += 1 + item_bytes
        return {"L": items}, size
    if kind is int and -_EXACT_INT_LIMIT < value < _EXACT_INT_LIMIT:
        return {"N": str(value)}, _int_size(value)
    if value is None or kind is bool:
        return encode_value(value), 1
    encoded = encode_value(value, floats, path)  # floats, and subclasses of the JSON types
    return encoded, value_size(encoded)


def _int_size(value: int) -> int:
    """:func:`_number_size` of ``str(value)``, without a Decimal: the digits are those of the text."""
    if value == 0:
        return 1
    text = str(abs(value))
    significant = text.rstrip("0")
    low = len(text) - len(significant)  # power of ten of the last significant digit
    high = len(text) - 1
    return high // 2 - low // 2 + 1 + 1 + (1 if value < 0 else 0)


def _path_step(step: str | int) -> AttributeValue:
    return {"N": str(step)} if isinstance(step, int) else {"S": step}


def decode_number(text: str) -> int | float:
    if "." in text or "e" in text or "E" in text:
        return float(text)
    return int(text)


def decode_value(value: AttributeValue) -> Any:
    """One AttributeValue as plain JSON (never a ``Decimal``)."""
    ((kind, payload),) = value.items()
    if kind == "S":
        return payload
    if kind == "N":
        return decode_number(payload)
    if kind == "BOOL":
        return bool(payload)
    if kind == "NULL":
        return None
    if kind == "L":
        return [decode_value(item) for item in payload]
    if kind == "M":
        if len(payload) == 1 and FLOAT_TAG in payload and "S" in payload[FLOAT_TAG]:
            return float(payload[FLOAT_TAG]["S"])
        return {key: decode_value(item) for key, item in payload.items()}
    raise ValueError(f"Unexpected DynamoDB attribute type {kind!r}.")  # sets and binaries are never written


def _restore_float(doc: Any, steps: list[AttributeValue]) -> None:
    """Turn the number at ``steps`` back into a float (skipping paths a projection left out)."""
    target = doc
    for position, step in enumerate(steps):
        key: str | int = int(step["N"]) if "N" in step else step["S"]
        in_map = isinstance(target, dict) and isinstance(key, str) and key in target
        in_list = isinstance(target, list) and isinstance(key, int) and 0 <= key < len(target)
        if not (in_map or in_list):
            return
        if position == len(steps) - 1:
            number = target[key]
            if isinstance(number, int) and not isinstance(number, bool):
                target[key] = float(number)
            return
        target = target[key]


def decode_item(item: dict[str, AttributeValue]) -> Document:
    """A stored item as a document: ``_id``, ``_rev`` and the body, without internal attributes."""
    doc: Document = {"_id": item["_id"]["S"]}
    if "_rev" in item:
        doc["_rev"] = item["_rev"]["S"]
    for name, value in item.items():
        if not name.startswith("_"):
            doc[name] = decode_value(value)
    for path in item.get(FLOATS_ATTRIBUTE, {}).get("L", []):
        _restore_float(doc, path["L"])
    return doc


def _utf8(text: str) -> int:
    return len(text.encode("utf-8"))


def _number_size(text: str) -> int:
    """Bytes DynamoDB uses for a number: one per pair of significant digits, plus one.

    Pairs are counted aligned on the decimal point (the server stores base-100 digits),
    which can need one more pair than ``ceil(digits / 2)``; negatives get a terminator
    byte. Both make this an upper bound, so anything we accept the server accepts.
    """
    sign, digits, exponent = Decimal(text).normalize().as_tuple()
    if not digits or digits == (0,):
        return 1
    assert isinstance(exponent, int)
    low = exponent  # power of ten of the last significant digit
    high = exponent + len(digits) - 1  # ... and of the first
    pairs = high // 2 - low // 2 + 1
    return pairs + 1 + (1 if sign else 0)


def value_size(value: AttributeValue) -> int:
    """Bytes of one AttributeValue (without its name), per DynamoDB's sizing rules."""
    ((kind, payload),) = value.items()
    if kind == "S":
        return _utf8(payload)
    if kind == "N":
        return _number_size(payload)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + value_size(item) for item in payload)
    if kind == "M":
        return 3 + sum(1 + _utf8(key) + value_size(item) for key, item in payload.items())
    raise ValueError(f"Unexpected DynamoDB attribute type {kind!r}.")


def item_size(item: dict[str, AttributeValue]) -> int:
    """Size of a whole item: attribute names plus values."""
    return sum(_utf8(name) + value_size(value) for name, value in item.items())


def _canonical(value: Any) -> str:
    """A typed token for one scalar, equal for values DynamoDB's ``=`` finds equal (``2`` and ``2.0``)."""
    if value is None:
        return "z"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return "n" + str(number.normalize()) if number else "n0"
    if isinstance(value, str):
        return "s" + value
    raise TypeError("not a scalar")


def index_key(values: list[Any]) -> str | None:
    """The string a global secondary index is keyed on for these field values.

    ``None`` (no index entry) when a value is missing or not a scalar: such a document
    cannot match an equality selector on these fields anyway. Long keys are hashed;
    ``find`` always re-checks the real fields with a filter, so a collision is harmless.
    """
    tokens = []
    for value in values:
        if value is MISSING or isinstance(value, (dict, list)):
            return None
        tokens.append(_canonical(value))
    key = json.dumps(tokens, ensure_ascii=False, separators=(",", ":"))
    if _utf8(key) > _INDEX_KEY_MAX_BYTES:
        return "#" + hashlib.sha256(key.encode("utf-8")).hexdigest()
    return key
