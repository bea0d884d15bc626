"""Condition, filter and projection expressions with placeholder names and values.

Every attribute name goes through ``ExpressionAttributeNames``: document fields may
hold spaces, dots, reserved words or any Unicode, none of which an expression may
spell out directly.
"""

from __future__ import annotations

from typing import Any

from gofannon_db.query import Scalar

from .values import FLOAT_TAG, AttributeValue, encode_number, number_in_range

__all__ = ["Expression"]


class Expression:
    """Collects ``#n``/``:v`` placeholders for one request."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, AttributeValue] = {}
        self._name_keys: dict[str, str] = {}

    def name(self, attribute: str) -> str:
        key = self._name_keys.get(attribute)
        if key is None:
            key = f"#n{len(self._name_keys)}"
            self._name_keys[attribute] = key
            self.names[key] = attribute
        return key

    def path(self, dotted: str) -> str:
        """``a.b`` as ``#n0.#n1``: a path through nested maps."""
        return ".".join(self.name(part) for part in dotted.split("."))

    def value(self, value: AttributeValue) -> str:
        key = f":v{len(self.values)}"
        self.values[key] = value
        return key

    def equals(self, dotted: str, wanted: Scalar) -> str | None:
        """A clause true when the field holds ``wanted`` (JSON equality); ``None`` when nothing can match."""
        path = self.path(dotted)
        if wanted is None:
            return f"attribute_type({path}, {self.value({'S': 'NULL'})})"
        if isinstance(wanted, bool):
            return f"{path} = {self.value({'BOOL': wanted})}"
        if isinstance(wanted, str):
            return f"{path} = {self.value({'S': wanted})}"
        if number_in_range(wanted):
            return f"{path} = {self.value({'N': encode_number(wanted)})}"
        if isinstance(wanted, float):  # stored as the tagged map, see values.py
            return f"{path}.{self.name(FLOAT_TAG)} = {self.value({'S': repr(wanted)})}"
        return None  # an int no document can hold (documents keep ints within 2**53)

    def request(self) -> dict[str, Any]:
        """The ``ExpressionAttributeNames``/``Values`` arguments (only the non-empty ones)."""
        extra: dict[str, Any] = {}
        if self.names:
            extra["ExpressionAttributeNames"] = dict(self.names)
        if self.values:
            extra["ExpressionAttributeValues"] = dict(self.values)
        return extra
