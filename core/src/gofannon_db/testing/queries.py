"""Contract section 1: ``find`` (equality on dotted paths, projection, limit) and ``count``."""

from __future__ import annotations

from typing import Any

import pytest

from ..errors import InvalidQuery
from ..service import DatabaseService
from .base import SuiteBase, fresh_name

PEOPLE: list[dict[str, Any]] = [
    {"_id": "ada", "name": "Ada", "role": "admin", "active": True, "age": 36, "team": {"name": "core", "floor": 1}},
    {"_id": "bob", "name": "Bob", "role": "user", "active": False, "age": 25, "team": {"name": "web", "floor": 2}},
    {"_id": "cy", "name": "Cy", "role": "user", "active": True, "age": 1, "team": {"name": "core", "floor": 1}},
    {"_id": "di", "name": "Di", "role": "user", "active": 1, "age": None, "team": {"name": "core", "floor": 2}},
    {"_id": "ed", "name": "Ed", "role": "guest", "team": "none", "tags": ["core"]},
]


def _ids(docs: list[dict[str, Any]]) -> list[str]:
    return sorted(doc["_id"] for doc in docs)


class QueryTests(SuiteBase):
    @pytest.fixture
    def people(self, service: DatabaseService, collection: str) -> str:
        assert all(result["ok"] for result in service.save_many(collection, PEOPLE))
        return collection

    def test_find_by_a_top_level_field(self, service: DatabaseService, people: str) -> None:
        found = service.find(people, {"role": "user"})
        assert _ids(found) == ["bob", "cy", "di"]
        assert all(doc["_rev"] and doc["team"] for doc in found)

    def test_find_by_a_dotted_path(self, service: DatabaseService, people: str) -> None:
        assert _ids(service.find(people, {"team.name": "core"})) == ["ada", "cy", "di"]
        assert _ids(service.find(people, {"team.name": "core", "team.floor": 2})) == ["di"]

    def test_find_combines_fields_with_and(self, service: DatabaseService, people: str) -> None:
        assert _ids(service.find(people, {"role": "user", "active": True})) == ["cy"]

    def test_find_tells_booleans_from_numbers(self, service: DatabaseService, people: str) -> None:
        assert _ids(service.find(people, {"active": True})) == ["ada", "cy"]
        assert _ids(service.find(people, {"active": 1})) == ["di"]
        assert _ids(service.find(people, {"age": 1})) == ["cy"]

    def test_find_null_matches_only_stored_nulls(self, service: DatabaseService, people: str) -> None:
        assert _ids(service.find(people, {"age": None})) == ["di"]

    def test_find_with_no_match_or_no_collection(self, service: DatabaseService, people: str) -> None:
        assert service.find(people, {"role": "nobody"}) == []
        assert service.find(people, {"team.name.deeper": "core"}) == []
        assert service.find(fresh_name("missing"), {"role": "user"}) == []

    def test_find_projects_fields_and_keeps_id(self, service: DatabaseService, people: str) -> None:
        found = service.find(people, {"role": "admin"}, fields=["name", "team.floor", "missing"])
        assert found == [{"_id": "ada", "name": "Ada", "team": {"floor": 1}}]

    def test_find_honours_limit(self, service: DatabaseService, people: str) -> None:
        assert len(service.find(people, {"role": "user"}, limit=2)) == 2
        assert _ids(service.find(people, {"role": "user"}, limit=10)) == ["bob", "cy", "di"]
        assert service.find(people, {"role": "user"}, limit=0) == []

    def test_find_with_an_empty_selector_returns_everything(self, service: DatabaseService, people: str) -> None:
        assert _ids(service.find(people, {})) == sorted(doc["_id"] for doc in PEOPLE)

    def test_find_returns_every_match_across_pages(self, service: DatabaseService, collection: str) -> None:
        docs = [{"_id": f"doc-{n:03d}", "parity": n % 2, "n": n} for n in range(250)]
        service.save_many(collection, docs)
        odd = service.find(collection, {"parity": 1})
        assert _ids(odd) == [doc["_id"] for doc in docs if doc["parity"] == 1]
        assert len(service.find(collection, {"parity": 1}, limit=101)) == 101

    @pytest.mark.parametrize("key", ["\r", "car\rriage", "line\nfeed", "tab\t", "nul\x00"])
    def test_find_on_keys_with_control_characters(self, service: DatabaseService, collection: str, key: str) -> None:
        """Found by the model-based test: the Firestore emulator never matched a field path holding ``\\r``."""
        service.save_many(
            collection, [{"_id": "hit", key: 1, "m": {key: "x"}}, {"_id": "miss", key: 2, "m": {key: "y"}}]
        )
        assert _ids(service.find(collection, {key: 1})) == ["hit"]
        assert _ids(service.find(collection, {f"m.{key}": "y"})) == ["miss"]
        assert service.find(collection, {key: 1}, fields=[f"m.{key}"], limit=1) == [{"_id": "hit", "m": {key: "x"}}]

    def test_find_uses_and_survives_an_index(self, service: DatabaseService, people: str) -> None:
        service.ensure_index(people, ["role"])
        service.ensure_index(people, ["role"])  # idempotent
        service.ensure_index(people, ["team.name"], index_name="by-team")
        assert _ids(service.find(people, {"role": "user"})) == ["bob", "cy", "di"]
        assert _ids(service.find(people, {"team.name": "core"})) == ["ada", "cy", "di"]
        assert _ids(service.find(people, {"role": "user", "active": True})) == ["cy"]
        assert len(service.find(people, {"role": "user"}, limit=1)) == 1

    def test_find_after_writes_sees_the_new_state(self, service: DatabaseService, people: str) -> None:
        service.ensure_index(people, ["role"])
        service.save(people, "fay", {"role": "user"})
        service.delete(people, "bob")
        assert _ids(service.find(people, {"role": "user"})) == ["cy", "di", "fay"]

    @pytest.mark.parametrize(
        "selector", [{"tags": ["core"]}, {"team": {"name": "core"}}, {"": 1}, {"a..b": 1}, ["role"], "role"]
    )
    def test_bad_selector_is_400(self, service: DatabaseService, collection: str, selector: Any) -> None:
        with pytest.raises(InvalidQuery) as excinfo:
            service.find(collection, selector)
        assert excinfo.value.status_code == 400

    @pytest.mark.parametrize("kwargs", [{"fields": "name"}, {"fields": [""]}, {"limit": -1}, {"limit": "5"}])
    def test_bad_projection_or_limit_is_400(
        self, service: DatabaseService, collection: str, kwargs: dict[str, Any]
    ) -> None:
        with pytest.raises(InvalidQuery):
            service.find(collection, {"role": "user"}, **kwargs)

    def test_count(self, service: DatabaseService, collection: str) -> None:
        assert service.count(collection) == 0
        service.save_many(collection, [{"_id": f"d{n}"} for n in range(7)])
        assert service.count(collection) == 7
        service.delete(collection, "d3")
        assert service.count(collection) == 6
