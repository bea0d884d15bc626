"""Contract section 4: collection names and document ids."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

from ..errors import InvalidName
from ..service import DatabaseService
from .base import SuiteBase, assert_error, fresh_name, read_shared

GOOD_IDS = [
    "simple",
    "with space",
    "plus+sign",
    "percent%20encoded",
    "question?mark",
    "hash#tag",
    "colon:name",
    "at@sign",
    "amp&ersand",
    "semi;colon",
    "equals=sign",
    "quote'and\"double",
    "back\\slash",
    "tilde~",
    "dot.in.middle",
    "...",
    "-leading-dash",
    "trailing_",
    "ümlaut-naïve",
    "中文标识",
    "emoji-😀-🎉",
    "a" * 512,
    "é" * 256,
]

BAD_IDS: list[Any] = [
    "",
    "a/b",
    "/leading",
    "_underscore",
    "__dunder__",
    ".",
    "..",
    "nul\x00byte",
    "new\nline",
    "tab\tchar",
    "del\x7f",
    "a" * 513,
    "é" * 257,
    "lone\ud800surrogate",
    123,
    None,
]

GOOD_COLLECTIONS = ["abc", "a" * 63, "agents", "a-b_c9", "z0-"]
BAD_COLLECTIONS: list[Any] = [
    "",
    "ab",
    "a" * 64,
    "Agents",
    "1abc",
    "-abc",
    "_users",
    "_replicator",
    "a/b",
    "a..b",
    "../x",
    "with space",
    "dot.name",
    "ümlaut",
    None,
    42,
]

_CALLS: dict[str, Callable[[DatabaseService, str, Any], Any]] = {
    "get": lambda service, name, doc_id: service.get(name, doc_id),
    "save": lambda service, name, doc_id: service.save(name, doc_id, {"x": 1}),
    "create": lambda service, name, doc_id: service.create(name, doc_id, {"x": 1}),
    "delete": lambda service, name, doc_id: service.delete(name, doc_id),
    "get_many": lambda service, name, doc_id: service.get_many(name, [doc_id]),
}


def _with_doc_id(call: Callable[[DatabaseService, str, Any], Any], service: DatabaseService, name: Any) -> Any:
    return call(service, name, "doc")


_COLLECTION_CALLS: dict[str, Callable[[DatabaseService, Any], Any]] = {
    **{key: functools.partial(_with_doc_id, call) for key, call in _CALLS.items()},
    "list_all": lambda service, name: service.list_all(name),
    "iter_all": lambda service, name: service.iter_all(name),
    "find": lambda service, name: service.find(name, {"x": 1}),
    "count": lambda service, name: service.count(name),
    "ensure_index": lambda service, name: service.ensure_index(name, ["x"]),
    "drop_collection": lambda service, name: service.drop_collection(name),
    "save_many": lambda service, name: service.save_many(name, [{"_id": "doc"}]),
    "delete_many": lambda service, name: service.delete_many(name, ["doc"]),
}


class NameTests(SuiteBase):
    @pytest.mark.parametrize("doc_id", GOOD_IDS, ids=[f"id{i}" for i in range(len(GOOD_IDS))])
    def test_accepted_id_round_trips(self, service: DatabaseService, collection: str, doc_id: str) -> None:
        rev = service.save(collection, doc_id, {"id": doc_id})["rev"]
        assert service.get(collection, doc_id) == {"_id": doc_id, "_rev": rev, "id": doc_id}
        assert [doc["_id"] for doc in service.list_all(collection)] == [doc_id]
        assert [doc["_id"] for doc in service.iter_all(collection)] == [doc_id]
        assert service.get_many(collection, [doc_id])[doc_id] is not None
        assert [doc["_id"] for doc in service.find(collection, {"id": doc_id})] == [doc_id]
        service.delete(collection, doc_id, rev)
        assert service.count(collection) == 0

    def test_accepted_ids_coexist(self, service: DatabaseService, collection: str) -> None:
        results = service.save_many(collection, [{"_id": doc_id, "id": doc_id} for doc_id in GOOD_IDS])
        assert all(result["ok"] for result in results), results
        assert sorted(doc["_id"] for doc in service.list_all(collection)) == sorted(GOOD_IDS)
        fetched = service.get_many(collection, GOOD_IDS)
        assert {doc_id: (doc or {}).get("id") for doc_id, doc in fetched.items()} == {i: i for i in GOOD_IDS}

    @pytest.mark.parametrize("doc_id", BAD_IDS, ids=[f"id{i}" for i in range(len(BAD_IDS))])
    @pytest.mark.parametrize("call", list(_CALLS))
    def test_rejected_id_raises_before_any_write(
        self, service: DatabaseService, collection: str, doc_id: Any, call: str
    ) -> None:
        with pytest.raises(InvalidName) as excinfo:
            _CALLS[call](service, collection, doc_id)
        assert_error(excinfo, 400)
        assert collection not in service.list_collections()

    @pytest.mark.parametrize("doc_id", BAD_IDS, ids=[f"id{i}" for i in range(len(BAD_IDS))])
    def test_rejected_id_fails_alone_in_a_batch(self, service: DatabaseService, collection: str, doc_id: Any) -> None:
        saved = service.save_many(collection, [{"_id": "before"}, {"_id": doc_id}, {"_id": "after"}])
        assert [result["ok"] for result in saved] == [True, False, True]
        assert saved[1]["status_code"] == 400
        deleted = service.delete_many(collection, ["before", doc_id, "after"])
        assert [result["ok"] for result in deleted] == [True, False, True]
        assert deleted[1]["status_code"] == 400
        assert service.count(collection) == 0

    @pytest.mark.parametrize("name", GOOD_COLLECTIONS)
    def test_accepted_collection_name(self, service: DatabaseService, name: str) -> None:
        suffix = fresh_name("")[-6:]
        name = (name + suffix)[:63] if len(name) < 57 else name[:57] + suffix
        try:
            service.save(name, "doc", {"x": 1})
            assert service.get(name, "doc")["x"] == 1
            assert name in service.list_collections()
        finally:
            service.drop_collection(name)

    @pytest.mark.parametrize("name", BAD_COLLECTIONS, ids=[f"name{i}" for i in range(len(BAD_COLLECTIONS))])
    @pytest.mark.parametrize("call", list(_COLLECTION_CALLS))
    def test_rejected_collection_name_raises_before_any_io(
        self, service: DatabaseService, name: Any, call: str
    ) -> None:
        with pytest.raises(InvalidName) as excinfo:
            _COLLECTION_CALLS[call](service, name)
        assert_error(excinfo, 400)

    def test_collection_prefix_namespaces_physical_names(
        self, service: DatabaseService, prefixed_service: DatabaseService
    ) -> None:
        prefix = prefixed_service.collection_prefix
        assert prefix, "prefixed_service must be created with a non-empty collection_prefix"
        logical = fresh_name("pre")
        try:
            prefixed_service.save(logical, "doc", {"where": "prefixed"})
            assert logical in prefixed_service.list_collections()
            assert logical not in service.list_collections()
            assert service.list_all(logical) == []
            if (prefix + logical)[0].isalpha():
                assert read_shared(service, prefixed_service, logical, "doc")["where"] == "prefixed"
            assert prefixed_service.get(logical, "doc")["where"] == "prefixed"
        finally:
            prefixed_service.drop_collection(logical)
        assert logical not in prefixed_service.list_collections()
