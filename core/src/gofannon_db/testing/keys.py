"""Contract sections 1 and 2: ``find`` and ``ensure_index`` on keys and values that break naive
query builders: quotes, backslashes, dots inside a key, control characters, unicode."""

from __future__ import annotations

import random
from typing import Any

import pytest

from ..query import get_path, matches
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


_RANDOM_KEYS = ("a", "b", "a.b", "it's", 'q"', "s\\", "t\tab", "ü", "🔑", "x y", "$", "0")
_RANDOM_VALUES: tuple[Any, ...] = ("v", "v'", 'v"', "v\\", "\n", "", 0, 1, 1.5, -3, True, False, None, "1", "true")


def _random_document(rng: random.Random, depth: int = 0) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for key in rng.sample(_RANDOM_KEYS, rng.randint(1, 4)):
        doc[key] = _random_document(rng, depth + 1) if depth < 2 and rng.random() < 0.3 else rng.choice(_RANDOM_VALUES)
    return doc


def _leaf_paths(doc: dict[str, Any], parent: str = "") -> list[str]:
    """Paths a selector can name: keys without dots, joined by dots."""
    paths: list[str] = []
    for key, value in doc.items():
        if "." in key:
            continue
        path = f"{parent}.{key}" if parent else key
        paths.extend(_leaf_paths(value, path) if isinstance(value, dict) else [path])
    return paths


class AwkwardKeyTests(SuiteBase):
    random_queries: int = 60
    """Random selectors in the differential test (each is one ``find``)."""
    random_seed: int = 20_261_129

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

    def test_find_agrees_with_the_model_on_random_awkward_queries(
        self, service: DatabaseService, collection: str
    ) -> None:
        """``find`` must return exactly the documents the reference model (``query.matches``) selects."""
        rng = random.Random(self.random_seed)
        docs = {f"d{n:02d}": _random_document(rng) for n in range(40)}
        results = service.save_many(collection, [{"_id": doc_id, **doc} for doc_id, doc in docs.items()])
        assert all(result["ok"] for result in results), [result for result in results if not result["ok"]]
        paths = sorted({path for doc in docs.values() for path in _leaf_paths(doc)})
        for _ in range(self.random_queries):
            selector: dict[str, Any] = {}
            for path in rng.sample(paths, rng.randint(1, 2)):
                source = docs[rng.choice(sorted(docs))]
                found = get_path(source, path)
                use_found = rng.random() < 0.7 and not isinstance(found, (dict, list))
                selector[path] = found if use_found and found in _RANDOM_VALUES else rng.choice(_RANDOM_VALUES)
            expected = sorted(doc_id for doc_id, doc in docs.items() if matches(doc, selector))
            got = sorted(doc["_id"] for doc in service.find(collection, selector))
            assert got == expected, f"find({selector!r}) (hook: _find)"
