"""Paths in error messages and the edges of the value rules."""

from __future__ import annotations

import pytest
from gofannon_db import InvalidDocument
from gofannon_db.codec import loads_doubles
from gofannon_db.validation import MAX_FIELD_PATH_BYTES, field_path_bytes, format_path, validate_document


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


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("a",), 1),
        (("a", "b_1"), 5),
        (("with space",), 12),  # `with space`
        (("x`y",), 6),  # `x\`y`
        (("p\\q",), 6),  # `p\\q`
        (("é",), 4),  # two UTF-8 bytes and the backquotes
        (("1a",), 4),  # not an identifier: quoted
    ],
)
def test_field_path_bytes_counts_as_firestore_writes_the_path(keys: tuple[str, ...], expected: int) -> None:
    assert field_path_bytes(keys) == expected


def test_field_path_limit_holds_through_lists_and_names_the_path() -> None:
    validate_document({"a" * 749: [[{"b" * 750: 1}]]}, "doc")  # 749 + 1 + 750: exactly the limit
    with pytest.raises(InvalidDocument) as excinfo:
        validate_document({"a" * 749: [[{"b" * 751: 1}]]}, "doc")
    assert excinfo.value.path == "a" * 749 + "[0][0]." + "b" * 751
    assert str(MAX_FIELD_PATH_BYTES) in excinfo.value.detail


def test_a_bad_key_is_reported_as_such_before_its_length() -> None:
    with pytest.raises(InvalidDocument, match="not valid Unicode"):
        validate_document({"\udc80" * 2000: 1}, "doc")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"n":52305868518161380}', {"n": 5.230586851816138e16}),
        (
            b'[-9007199254740992,9007199254740991,1.5,"12345678901234567"]',
            [-9007199254740992.0, 2**53 - 1, 1.5, "12345678901234567"],
        ),
        (
            b'{"small":12,"rev":"2-0123456789abcdef0123456789abcdef"}',
            {"small": 12, "rev": "2-0123456789abcdef0123456789abcdef"},
        ),
    ],
)
def test_loads_doubles_turns_out_of_range_ints_into_floats_only(raw: bytes, expected: object) -> None:
    decoded = loads_doubles(raw)
    assert decoded == expected
    assert repr(decoded) == repr(expected)  # the same types, not only equal values
