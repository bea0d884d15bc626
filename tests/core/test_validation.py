"""Paths in error messages and the edges of the value rules."""

from __future__ import annotations

import pytest
from gofannon_db import InvalidDocument
from gofannon_db.validation import format_path, validate_document


@pytest.mark.parametrize(
    ("parts", "expected"),
    [((), "(document)"), (("a",), "a"), (("a", "b", 2), "a.b[2]"), (("a.b",), "['a.b']"), ((0,), "[0]")],
)
def test_format_path(parts: tuple[str | int, ...], expected: str) -> None:
    assert format_path(parts) == expected


def test_error_carries_the_path() -> None:
    with pytest.raises(InvalidDocument) as excinfo:
        validate_document({"meta": {"tags": ["ok", {1, 2}]}}, "doc")
    assert excinfo.value.path == "meta.tags[1]"
    assert "meta.tags[1]" in excinfo.value.detail


def test_subclasses_of_json_types_become_plain_values() -> None:
    import enum

    class Colour(str, enum.Enum):
        RED = "red"

    body = validate_document({"c": Colour.RED, "n": True}, "doc")
    assert type(body["c"]) is str
    assert body["c"] == "red"
    assert body["n"] is True


def test_rev_is_kept_and_id_dropped() -> None:
    assert validate_document({"_id": "d", "_rev": "1-a", "x": 1}, "d") == {"_rev": "1-a", "x": 1}
