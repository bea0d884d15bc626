"""Contract sections 1 and 2: ``find`` and ``ensure_index`` on keys and values that break naive
query builders: quotes, backslashes, dots inside a key, control characters, unicode."""

from __future__ import annotations

from typing import Any

import pytest

from ..service import DatabaseService
from .base import SuiteBase

AWKWARD_KEYS = (
    "it's",
    'say "hi"',
    "back\\slash",
    "tab\there",
    "new\nline",
    "nul\x00byte",
    "with space",
    "$dollar",
    "ключ",
    "🔑",
    "semi;colon--",
    "[0]",
)
"""Keys that are valid document keys but must be quoted or escaped by a server-side filter."""

AWKWARD_VALUES: tuple[Any, ...] = ("it's", 'a "b"', "c:\\d", "e\nf", "g\x01h", "ü", "", "%_*?", "1", 1, 1.5, True, None)


class AwkwardKeyTests(SuiteBase):
    @pytest.mark.parametrize("key", AWKWARD_KEYS)
    def test_find_on_an_awkward_top_level_key(self, service: DatabaseService, collection: str, key: str) -> None:
        service.save_many(
            collection,
            [
                {"_id": "match", key: "v'\"\\", "other": 1},
                {"_id": "other-value", key: "v'\"", "other": 1},
                {"_id": "nested", "x": {key: "v'\"\\"}},
                {"_id": "missing", "other": 1},
            ],
        )
        found = service.find(collection, {key: "v'\"\\"})
        assert [doc["_id"] for doc in found] == ["match"], f"find({{{key!r}: ...}}) (hook: _find)"
        projected = service.find(collection, {key: "v'\"\\"}, fields=[key])
        assert projected == [{"_id": "match", key: "v'\"\\"}], "projection on an awkward key (hook: _find)"

    @pytest.mark.parametrize("key", AWKWARD_KEYS)
    def test_ensure_index_on_an_awkward_key_then_find(
        self, service: DatabaseService, collection: str, key: str
    ) -> None:
        service.save(collection, "a", {key: "x", "n": 1})
        service.save(collection, "b", {key: "y", "n": 2})
        service.ensure_index(collection, [key])
        service.ensure_index(collection, [key])  # idempotent
        assert [doc["_id"] for doc in service.find(collection, {key: "y"})] == ["b"], "hooks: _ensure_index, _find"

    def test_a_dot_inside_a_key_is_not_a_path(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "flat", {"a.b": 1})
        service.save(collection, "nested", {"a": {"b": 1}})
        assert [doc["_id"] for doc in service.find(collection, {"a.b": 1})] == ["nested"], (
            "a selector path 'a.b' means key 'b' inside key 'a', never a key named 'a.b' (hook: _find)"
        )

    @pytest.mark.parametrize("value", AWKWARD_VALUES, ids=repr)
    def test_find_on_awkward_values_matches_exactly(
        self, service: DatabaseService, collection: str, value: Any
    ) -> None:
        others = [v for v in AWKWARD_VALUES if v != value or type(v) is not type(value)]
        service.save_many(
            collection,
            [{"_id": "target", "k": {"q": value}}, *({"_id": f"o{n}", "k": {"q": v}} for n, v in enumerate(others))],
        )
        service.ensure_index(collection, ["k.q"])
        found = sorted(doc["_id"] for doc in service.find(collection, {"k.q": value}))
        expected = sorted(
            ["target"]
            + [f"o{n}" for n, v in enumerate(others) if v == value and isinstance(v, bool) == isinstance(value, bool)]
        )
        assert found == expected, f"find({{'k.q': {value!r}}}) (hooks: _find, _ensure_index)"
