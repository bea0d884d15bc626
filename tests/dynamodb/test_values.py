"""The AttributeValue codec and the item-size model, without a server."""

from __future__ import annotations

import math
import struct
from typing import Any

import pytest
from gofannon_db_dynamodb.values import (
    FLOATS_ATTRIBUTE,
    decode_item,
    decode_value,
    encode_body,
    encode_value,
    index_key,
    item_size,
    value_size,
)


def round_trip(body: dict[str, Any]) -> dict[str, Any]:
    item = {"_id": {"S": "d"}, "_rev": {"S": "1-x"}, **encode_body(body)}
    # DynamoDB hands numbers back normalised: 2.0 -> "2", 1.5e10 -> "15000000000".
    return {k: v for k, v in decode_item(normalise(item)).items() if k not in ("_id", "_rev")}


def normalise(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, dict):
        if set(value) == {"N"}:
            text = format(Decimal(value["N"]).normalize(), "f")
            return {"N": text}
        return {key: normalise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    return value


@pytest.mark.parametrize(
    "value",
    [0.1, 1 / 3, -2.5, math.pi, 1e-300, 5e-324, 1.7976931348623157e308, 1e-130, 9.999e125, 1e126, 2.0**-1074 * 3],
)
def test_floats_keep_their_bits(value: float) -> None:
    stored = round_trip({"f": value, "nested": [{"f": value}]})
    assert type(stored["f"]) is float
    assert struct.pack(">d", stored["f"]) == struct.pack(">d", value)
    assert struct.pack(">d", stored["nested"][0]["f"]) == struct.pack(">d", value)


def test_integral_floats_stay_floats_and_ints_stay_ints() -> None:
    body = {"two": 2.0, "big": 123456.789e10, "int": 2, "list": [1, 1.0, [3.0, 3]], "m": {"z": -0.0}}
    stored = round_trip(body)
    assert stored == body
    assert [type(x) for x in (stored["two"], stored["big"], stored["int"])] == [float, float, int]
    assert [type(x) for x in stored["list"][:2]] == [int, float]
    assert [type(x) for x in stored["list"][2]] == [float, int]


def test_the_float_paths_attribute_is_only_written_when_needed() -> None:
    assert FLOATS_ATTRIBUTE not in encode_body({"a": 1, "b": 0.5, "c": "x"})
    assert FLOATS_ATTRIBUTE in encode_body({"a": 1.0})


def test_other_values_round_trip() -> None:
    body = {"n": None, "t": True, "f": False, "s": "", "u": "😀", "l": [], "m": {}, "ll": [[1], [[]]], "z": 0}
    assert round_trip(body) == body
    assert decode_value(encode_value(True)) is True


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("0", 1),
        ("1", 2),
        ("12", 2),
        ("123", 3),
        ("-1", 3),
        ("1.5", 3),
        ("0.001", 2),
        ("1000", 2),
        ("123456789", 6),
        ("0.3333333333333333", 9),
        ("3.141592653589793", 10),
        ("-0.3333333333333333", 10),
        ("9007199254740991", 9),
        ("1e125", 2),
    ],
)
def test_number_sizes_match_what_dynamodb_local_measured(text: str, size: int) -> None:
    """Figures measured against DynamoDB Local 3.3.0 by bisecting the largest accepted item."""
    assert value_size({"N": text}) == size


def test_container_sizes_match_what_dynamodb_local_measured() -> None:
    assert value_size({"L": []}) == 3
    assert value_size({"M": {}}) == 3
    assert value_size({"L": [{"S": "ab"}, {"BOOL": True}, {"NULL": True}]}) == 10
    assert value_size({"M": {"k": {"S": "v"}, "kk": {"L": []}}}) == 12
    assert value_size({"M": {"a": {"M": {"b": {"L": [{"N": "12"}]}}}}}) == 16
    assert item_size({"_id": {"S": "é"}, "ключ": {"S": "x"}}) == 3 + 2 + 8 + 1


def test_index_keys_are_typed() -> None:
    assert index_key([2]) == index_key([2.0])
    assert len({index_key([v]) for v in (1, "1", True, None)}) == 4
    assert index_key([{"a": 1}]) is None
    assert index_key([[1]]) is None
    long_key = index_key(["x" * 500])
    assert long_key is not None
    assert long_key.startswith("#")
    assert len(long_key) == 65
