"""Contract section 2: values round-trip exactly, bad values are refused before any write."""

from __future__ import annotations

import datetime
import decimal
import math
import struct
from typing import Any

import pytest

from ..errors import DocumentNotFound, DocumentTooLarge, InvalidDocument
from ..service import DatabaseService
from ..validation import MAX_DEPTH, MAX_FIELD_PATH_BYTES, MAX_SAFE_INTEGER
from .base import SuiteBase, assert_error


def _nested(depth: int, leaf: Any, container: str) -> Any:
    """``depth`` containers around ``leaf``; with the document itself that is ``depth + 1`` levels."""
    value = leaf
    for _ in range(depth):
        value = [value] if container == "list" else {"k": value}
    return value


def _bits(value: float) -> bytes:
    return struct.pack(">d", value)


ROUND_TRIP_VALUES: dict[str, Any] = {
    "null": None,
    "true": True,
    "false": False,
    "zero": 0,
    "negative": -17,
    "max_safe_int": MAX_SAFE_INTEGER,
    "min_safe_int": -MAX_SAFE_INTEGER,
    "empty_string": "",
    "unicode": "naïve café — 中文 — 😀 — \u0301e",
    "escapes": 'quote " backslash \\ newline \n tab \t nul-free',
    "long_string": "x" * 20_000,
    "empty_list": [],
    "empty_map": {},
    "list_of_lists": [[1, 2], [], [[3, [4]]], ["a", [True, None]]],
    "mixed_list": [1, "two", 3.5, None, False, {"k": [1]}, []],
    "nested_map": {"a": {"b": {"c": "d"}}, "e": [{"f": 1}]},
    "odd_keys": {"with space": 1, "dot.ted": 2, "$dollar": 3, "ünï": 4, "_under": 5, "-dash": 6, "🔑": 7},
}

FLOATS = [
    0.1,
    -2.5,
    1 / 3,
    math.pi,
    1e-300,
    5e-324,
    2.0**-1074 * 3,
    2.2250738585072014e-308,
    123456.789e-10,
    4503599627370495.5,
]
"""Non-integral floats only: integral ones (``2.0``, ``1e308``) may come back as ints (contract section 2)."""

BAD_VALUES: dict[str, tuple[dict[str, Any], str]] = {
    "set": ({"tags": {1, 2}}, "tags"),
    "bytes": ({"blob": b"\x00\x01"}, "blob"),
    "datetime": ({"when": datetime.datetime(2026, 1, 1)}, "when"),
    "date": ({"meta": {"day": datetime.date(2026, 1, 1)}}, "meta.day"),
    "decimal": ({"price": decimal.Decimal("1.10")}, "price"),
    "object": ({"thing": object()}, "thing"),
    "tuple": ({"pair": (1, 2)}, "pair"),
    "nan": ({"x": float("nan")}, "x"),
    "infinity": ({"list": [1, float("inf")]}, "list[1]"),
    "negative_infinity": ({"x": {"y": float("-inf")}}, "x.y"),
    "int_too_large": ({"n": MAX_SAFE_INTEGER + 1}, "n"),
    "int_too_small": ({"n": [-(MAX_SAFE_INTEGER + 1)]}, "n[0]"),
    "lone_surrogate": ({"s": "ok \ud800 not"}, "s"),
    "lone_surrogate_key": ({"m": {"\udfff": 1}}, "m"),
    "empty_key": ({"m": {"": 1}}, "m"),
    "empty_top_level_key": ({"": 1}, "(document)"),
    "lone_surrogate_top_level_key": ({"\udc80": 1}, "(document)"),
    "dunder_key": ({"m": {"__name__": 1}}, "__name__"),
    "dunder_key_in_list": ({"m": [{"__x__": 1}]}, "__x__"),
    "reserved_top_level_key": ({"_secret": 1}, "_secret"),
    "non_string_key": ({"m": {1: "one"}}, "m"),
    "too_deep": ({"deep": _nested(MAX_DEPTH, 1, "map")}, "deep"),
    "too_deep_lists": ({"deep": _nested(MAX_DEPTH, 1, "list")}, "deep"),
}


class ValueTests(SuiteBase):
    @pytest.mark.parametrize("name", list(ROUND_TRIP_VALUES))
    def test_value_round_trips_exactly(self, service: DatabaseService, collection: str, name: str) -> None:
        value = ROUND_TRIP_VALUES[name]
        service.save(collection, "doc", {"value": value})
        stored = service.get(collection, "doc")["value"]
        assert stored == value
        assert _same_types(stored, value), f"{name}: {stored!r} lost a type of {value!r}"

    def test_all_values_together_round_trip(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "doc", dict(ROUND_TRIP_VALUES))
        stored = self.body(service.get(collection, "doc"))
        assert stored == ROUND_TRIP_VALUES
        assert _same_types(stored, ROUND_TRIP_VALUES)

    def test_floats_keep_every_bit(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "doc", {"floats": FLOATS, "nested": {"f": FLOATS[0]}, "top": FLOATS[2]})
        stored = service.get(collection, "doc")
        assert _bits(stored["top"]) == _bits(FLOATS[2])
        assert all(type(value) is float for value in stored["floats"])
        assert [_bits(value) for value in stored["floats"]] == [_bits(value) for value in FLOATS]
        assert _bits(stored["nested"]["f"]) == _bits(FLOATS[0])

    def test_integral_floats_come_back_equal(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "doc", {"two": 2.0, "zero": -0.0, "big": 1e15, "huge": 1.7976931348623157e308})
        stored = service.get(collection, "doc")
        assert stored["two"] == 2
        assert stored["zero"] == 0
        assert stored["big"] == 10**15
        assert stored["huge"] == 1.7976931348623157e308

    def test_integral_floats_beyond_safe_ints_come_back_as_equal_floats(
        self, service: DatabaseService, collection: str
    ) -> None:
        """v2: a server that stores doubles (pouchdb-server) writes these as ints; they must come back as floats."""
        big = [5.230586851816138e16, -9007199254740994.0, 1e20, float(2**60), 1.2345678901234567e21]
        service.save(collection, "doc", {"big": big, "one": big[0], "nested": {"x": [big[1]]}})
        stored = service.get(collection, "doc")
        assert [type(value) for value in stored["big"]] == [float] * len(big)
        assert stored["big"] == big
        assert (type(stored["one"]), stored["one"]) == (float, big[0])
        assert (type(stored["nested"]["x"][0]), stored["nested"]["x"][0]) == (float, big[1])
        service.save(collection, "doc", stored)  # what was read can be saved again unchanged
        assert self.body(service.get(collection, "doc")) == self.body(stored)

    def test_field_path_at_the_length_limit_is_accepted(self, service: DatabaseService, collection: str) -> None:
        half = MAX_FIELD_PATH_BYTES // 2
        doc = {"k" * MAX_FIELD_PATH_BYTES: 1, "a" * half: {"b" * (MAX_FIELD_PATH_BYTES - half - 1): [{}]}}
        service.save(collection, "doc", doc)
        assert self.body(service.get(collection, "doc")) == doc

    @pytest.mark.parametrize(
        ("doc", "path_start"),
        [
            ({"k" * (MAX_FIELD_PATH_BYTES + 1): 1}, "kkk"),
            ({"a" * 800: {"b" * 800: 1}}, "aaa"),
            ({"list": [{"é" * 750: 1}]}, "list[0]"),  # 1,500 bytes, 1,502 with its backquotes, 1,507 in all
            ({"m": {"x`y" * 500: True}}, "m"),  # backquotes are escaped: 2,000 bytes
        ],
    )
    def test_field_path_over_the_length_limit_is_refused_naming_it(
        self, service: DatabaseService, collection: str, doc: dict[str, Any], path_start: str
    ) -> None:
        """v2: Firestore's limit on every backend, so that data can always move between them."""
        with pytest.raises(InvalidDocument) as excinfo:
            service.save(collection, "doc", doc)
        error = assert_error(excinfo, 400, str(MAX_FIELD_PATH_BYTES))
        assert error.path.startswith(path_start)
        assert error.path in error.detail
        with pytest.raises(DocumentNotFound):
            service.get(collection, "doc")

    def test_bool_never_becomes_int(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "doc", {"t": True, "f": False, "one": 1, "zero": 0, "list": [True, 1, False, 0]})
        stored = service.get(collection, "doc")
        assert [type(stored[key]) for key in ("t", "f", "one", "zero")] == [bool, bool, int, int]
        assert [type(item) for item in stored["list"]] == [bool, int, bool, int]

    def test_maximum_depth_round_trips(self, service: DatabaseService, collection: str) -> None:
        doc = {"maps": _nested(MAX_DEPTH - 1, "leaf", "map"), "lists": _nested(MAX_DEPTH - 1, "leaf", "list")}
        service.save(collection, "deep", doc)
        assert self.body(service.get(collection, "deep")) == doc

    @pytest.mark.parametrize("name", list(BAD_VALUES))
    def test_bad_value_is_refused_naming_its_path(self, service: DatabaseService, collection: str, name: str) -> None:
        doc, path = BAD_VALUES[name]
        with pytest.raises(InvalidDocument) as excinfo:
            service.save(collection, "doc", doc)
        assert_error(excinfo, 400, path)
        with pytest.raises(DocumentNotFound):
            service.get(collection, "doc")
        assert collection not in service.list_collections()

    def test_bad_value_leaves_the_stored_version_intact(self, service: DatabaseService, collection: str) -> None:
        rev = service.save(collection, "doc", {"good": 1})["rev"]
        with pytest.raises(InvalidDocument):
            service.save(collection, "doc", {"good": 2, "bad": {1, 2}})
        assert service.get(collection, "doc") == {"_id": "doc", "_rev": rev, "good": 1}

    def test_id_in_the_body_must_match(self, service: DatabaseService, collection: str) -> None:
        with pytest.raises(InvalidDocument) as excinfo:
            service.save(collection, "doc-1", {"_id": "doc-2"})
        assert_error(excinfo, 400, "_id")

    @pytest.mark.parametrize("doc", [[1, 2], "text", None, 7])
    def test_document_must_be_a_dict(self, service: DatabaseService, collection: str, doc: Any) -> None:
        with pytest.raises(InvalidDocument):
            service.save(collection, "doc", doc)

    def test_document_at_the_size_limit_is_accepted(self, service: DatabaseService, collection: str) -> None:
        doc = _doc_of_size(service, collection, "big", service.max_document_bytes)
        service.save(collection, "big", doc)
        assert service.get(collection, "big")["data"] == doc["data"]

    def test_document_over_the_size_limit_is_413_and_not_written(
        self, service: DatabaseService, collection: str
    ) -> None:
        doc = _doc_of_size(service, collection, "big", service.max_document_bytes + 1)
        with pytest.raises(DocumentTooLarge) as excinfo:
            service.save(collection, "big", doc)
        assert_error(excinfo, 413, str(service.max_document_bytes))
        with pytest.raises(DocumentNotFound):
            service.get(collection, "big")
        results = service.save_many(collection, [{"_id": "small", "x": 1}, {"_id": "big", **doc}])
        assert results[0]["ok"] is True
        assert results[1]["ok"] is False
        assert results[1]["status_code"] == 413
        assert service.get_many(collection, ["big"]) == {"big": None}


def _doc_of_size(service: DatabaseService, collection: str, doc_id: str, size: int) -> dict[str, Any]:
    """A document whose size, as the backend measures it, is exactly ``size``."""
    base = service.document_size(collection, doc_id, {"data": ""})
    doc = {"data": "x" * (size - base)}
    measured = service.document_size(collection, doc_id, doc)
    assert measured == size, f"document_size is not linear in string length ({measured} != {size})"
    return doc


def _same_types(stored: Any, expected: Any) -> bool:
    """Types match, except that an integral float may come back as an int."""
    if isinstance(expected, dict):
        return isinstance(stored, dict) and all(_same_types(stored[key], expected[key]) for key in expected)
    if isinstance(expected, list):
        return isinstance(stored, list) and all(map(_same_types, stored, expected))
    if isinstance(expected, float) and expected.is_integer():
        return type(stored) in (int, float)
    return type(stored) is type(expected)
