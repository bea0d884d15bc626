"""Equality selectors and projections: validated once here, evaluated here for backends
that cannot filter on the server (memory, and the default ``find``)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .errors import InvalidQuery

__all__ = [
    "MISSING",
    "Scalar",
    "get_path",
    "matches",
    "project",
    "validate_fields",
    "validate_limit",
    "validate_selector",
]

Scalar = None | bool | int | float | str
"""A selector value: ``find`` compares with JSON equality (``True`` never equals ``1``)."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""Returned by :func:`get_path` when a path does not exist (distinct from a stored ``None``)."""


def _check_path(path: object, what: str) -> str:
    if not isinstance(path, str) or not path or any(not part for part in path.split(".")):
        raise InvalidQuery(f"{what} {path!r} must be a non-empty dotted path such as 'owner.name'.")
    return path


def validate_selector(selector: object) -> dict[str, Scalar]:
    """Return a copy of ``selector`` after checking it maps dotted paths to JSON scalars."""
    if not isinstance(selector, Mapping):
        raise InvalidQuery(f"A selector must be a dict of field to value, got {type(selector).__name__}.")
    checked: dict[str, Scalar] = {}
    for path, value in selector.items():
        _check_path(path, "Selector field")
        if isinstance(value, float) and math.isnan(value):
            raise InvalidQuery(f"Selector field {path!r} compares with NaN, which never matches.")
        if value is not None and not isinstance(value, (bool, int, float, str)):
            raise InvalidQuery(
                f"Selector field {path!r} has a {type(value).__name__}; only equality with "
                "null, booleans, numbers and strings is supported."
            )
        checked[path] = value
    return checked


def validate_fields(fields: object) -> list[str] | None:
    """Return ``fields`` as a list of dotted paths (``None`` means the whole document)."""
    if fields is None:
        return None
    if isinstance(fields, str) or not isinstance(fields, Iterable):
        raise InvalidQuery("fields must be a list of dotted paths, such as ['name', 'owner.id'].")
    return [_check_path(field, "Projected field") for field in fields]


def validate_limit(limit: object) -> int | None:
    """Return ``limit`` if it is ``None`` or a non-negative int."""
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise InvalidQuery(f"limit must be a non-negative integer or None, got {limit!r}.")
    return limit


def get_path(doc: Mapping[str, Any], path: str) -> Any:
    """Follow a dotted path through nested dicts; :data:`MISSING` when any step is absent."""
    value: Any = doc
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return MISSING
        value = value[part]
    return value


def _json_equal(stored: Any, wanted: Scalar) -> bool:
    # JSON distinguishes true from 1, which Python's == does not.
    if isinstance(stored, bool) or isinstance(wanted, bool):
        return isinstance(stored, bool) and isinstance(wanted, bool) and stored is wanted
    if wanted is None:
        return stored is None
    if isinstance(wanted, str):
        return isinstance(stored, str) and stored == wanted
    return isinstance(stored, (int, float)) and stored == wanted


def matches(doc: Mapping[str, Any], selector: Mapping[str, Scalar]) -> bool:
    """True when every selector path exists in ``doc`` with an equal JSON value."""
    return all(_json_equal(get_path(doc, path), value) for path, value in selector.items())


def project(doc: Mapping[str, Any], fields: Sequence[str] | None) -> dict[str, Any]:
    """Keep ``_id`` and the named (dotted) fields that exist; ``None`` keeps everything."""
    if fields is None:
        return dict(doc)
    result: dict[str, Any] = {"_id": doc["_id"]}
    for path in fields:
        value = get_path(doc, path)
        if value is MISSING:
            continue
        *parents, leaf = path.split(".")
        target = result
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return result
