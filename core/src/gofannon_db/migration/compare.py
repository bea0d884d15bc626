"""Compare documents under the contract's round-trip rules (section 2).

Values must match exactly in type and content, with one allowance: an integral float
(``2.0``) may come back as the int ``2`` from a backend whose JSON has one number
type. ``bool`` is never equal to a number (Python's ``True == 1`` does not apply), a
non-integral float must match bit for bit, and the top-level ``_rev`` is ignored (each
store assigns its own).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["document_differences", "values_equal"]

_MAX_SHOWN = 60


def _numbers_equal(left: int | float, right: int | float) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return left == right  # no NaN in valid documents, so == is bit-exact for non-integral floats
    if isinstance(left, float):
        return left.is_integer() and left == right
    if isinstance(right, float):
        return right.is_integer() and left == right
    return left == right


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _walk(left: Any, right: Any, path: str) -> Iterator[str]:
    kind = _kind(left)
    if kind != _kind(right):
        yield f"{path or '(document)'}: source {_show(left)}, target {_show(right)}"
        return
    if kind == "number":
        if not _numbers_equal(left, right):
            yield f"{path}: source {_show(left)}, target {_show(right)}"
    elif kind == "object":
        for key in left.keys() - right.keys():
            yield f"{_join(path, key)}: missing on target"
        for key in right.keys() - left.keys():
            yield f"{_join(path, key)}: only on target"
        for key in left.keys() & right.keys():
            yield from _walk(left[key], right[key], _join(path, key))
    elif kind == "list":
        if len(left) != len(right):
            yield f"{path}: source has {len(left)} items, target {len(right)}"
            return
        for index, (one, other) in enumerate(zip(left, right, strict=True)):
            yield from _walk(one, other, _join(path, index))
    elif left != right:
        yield f"{path}: source {_show(left)}, target {_show(right)}"


def document_differences(source: dict[str, Any], target: dict[str, Any]) -> list[str]:
    """Where two versions of a document differ (paths sorted), ignoring ``_rev``; ``[]`` when equal."""
    left = {key: value for key, value in source.items() if key != "_rev"}
    right = {key: value for key, value in target.items() if key != "_rev"}
    return sorted(_walk(left, right, ""))


def values_equal(source: Any, target: Any) -> bool:
    """True when ``target`` is what a conforming backend may return for ``source``."""
    return next(_walk(source, target, ""), None) is None
