"""Contract section 1: streaming and bulk calls, with per-document results in input order."""

from __future__ import annotations

from typing import Any

import pytest

from ..errors import InvalidQuery
from ..service import DatabaseService
from .base import SuiteBase, assert_error, fresh_name


class BulkTests(SuiteBase):
    large_collection_size: int = 1_234
    """Documents in the paging tests: more than one default page (500) of any backend."""

    def test_iter_all_streams_more_than_one_page(self, service: DatabaseService, collection: str) -> None:
        ids = [f"doc-{n:03d}" for n in range(25)]
        assert all(result["ok"] for result in service.save_many(collection, [{"_id": i, "n": i} for i in ids]))
        streamed = list(service.iter_all(collection, page_size=7))
        assert sorted(doc["_id"] for doc in streamed) == ids
        assert all(doc["n"] == doc["_id"] and doc["_rev"] for doc in streamed)

    def test_large_collection_lists_streams_and_counts(self, service: DatabaseService, collection: str) -> None:
        ids = [f"doc-{n:05d}" for n in range(self.large_collection_size)]
        results = service.save_many(collection, [{"_id": doc_id, "n": n} for n, doc_id in enumerate(ids)])
        assert [result["id"] for result in results] == ids
        assert all(result["ok"] for result in results)
        assert sorted(doc["_id"] for doc in service.iter_all(collection)) == ids
        assert sorted(doc["_id"] for doc in service.list_all(collection)) == ids
        assert service.count(collection) == len(ids)
        assert len(service.find(collection, {"n": 1_000})) == (1 if len(ids) > 1_000 else 0)

    def test_iter_all_of_a_missing_collection_is_empty(self, service: DatabaseService) -> None:
        assert list(service.iter_all(fresh_name("missing"))) == []

    @pytest.mark.parametrize("page_size", [0, -1, 1.5, "10", True])
    def test_iter_all_rejects_a_bad_page_size(
        self, service: DatabaseService, collection: str, page_size: object
    ) -> None:
        with pytest.raises(InvalidQuery):
            service.iter_all(collection, page_size=page_size)  # type: ignore[arg-type]

    def test_get_many_maps_every_id(self, service: DatabaseService, collection: str) -> None:
        revs = {f"d{n}": service.save(collection, f"d{n}", {"n": n})["rev"] for n in range(3)}
        found = service.get_many(collection, ["d2", "missing", "d0", "d2"])
        assert found == {
            "d2": {"_id": "d2", "_rev": revs["d2"], "n": 2},
            "missing": None,
            "d0": {"_id": "d0", "_rev": revs["d0"], "n": 0},
        }
        assert service.get_many(collection, []) == {}
        assert service.get_many(fresh_name("missing"), ["a", "b"]) == {"a": None, "b": None}

    def test_get_many_beyond_one_backend_batch(self, service: DatabaseService, collection: str) -> None:
        ids = [f"doc-{n:03d}" for n in range(260)]
        service.save_many(collection, [{"_id": doc_id, "n": n} for n, doc_id in enumerate(ids)])
        found = service.get_many(collection, [*ids, "absent"])
        assert found.pop("absent") is None
        assert {doc_id: doc["n"] for doc_id, doc in found.items() if doc} == {i: n for n, i in enumerate(ids)}

    def test_save_many_reports_each_document_in_input_order(self, service: DatabaseService, collection: str) -> None:
        stale = service.save(collection, "stale", {"v": 1})["rev"]
        service.save(collection, "stale", {"v": 2})
        fresh = service.save(collection, "fresh", {"v": 1})["rev"]
        results = service.save_many(
            collection,
            [
                {"_id": "new-1", "v": 1},
                {"_id": "stale", "_rev": stale, "v": 3},
                {"_id": "fresh", "_rev": fresh, "v": 2},
                {"_id": "bad-value", "v": {1, 2}},
                {"v": "no id"},
                {"_id": "ghost", "_rev": "1-" + "b" * 32},
                {"_id": "new-2", "v": 2},
            ],
        )
        assert [result["id"] for result in results] == ["new-1", "stale", "fresh", "bad-value", None, "ghost", "new-2"]
        assert [result["ok"] for result in results] == [True, False, True, False, False, False, True]
        assert [result.get("status_code") for result in results] == [None, 409, None, 400, 400, 409, None]
        assert all(result["error"] for result in results if not result["ok"])
        docs = service.get_many(collection, ["new-1", "stale", "fresh", "bad-value", "ghost", "new-2"])
        assert {doc_id: doc["v"] if doc else None for doc_id, doc in docs.items()} == {
            "new-1": 1,
            "stale": 2,
            "fresh": 2,
            "bad-value": None,
            "ghost": None,
            "new-2": 2,
        }
        assert [results[i]["rev"] for i in (0, 2, 6)] == [
            (docs[d] or {}).get("_rev") for d in ("new-1", "fresh", "new-2")
        ]

    def test_save_many_of_one_id_twice_fails_the_second(self, service: DatabaseService, collection: str) -> None:
        results = service.save_many(collection, [{"_id": "twice", "v": 1}, {"_id": "twice", "v": 2}])
        assert [result["ok"] for result in results] == [True, False]
        assert results[1]["status_code"] == 400
        assert service.get(collection, "twice")["v"] == 1

    def test_save_many_crosses_backend_batch_limits(self, service: DatabaseService, collection: str) -> None:
        docs: list[dict[str, Any]] = [{"_id": f"doc-{n:03d}", "n": n} for n in range(260)]
        first = service.save_many(collection, docs)
        assert all(result["ok"] for result in first)
        updates = [{**doc, "_rev": result["rev"], "n": -doc["n"]} for doc, result in zip(docs, first, strict=True)]
        updates[100]["_rev"] = first[99]["rev"]  # one stale revision in the middle
        second = service.save_many(collection, updates)
        assert [result["ok"] for result in second] == [n != 100 for n in range(260)]
        stored = {doc["_id"]: doc["n"] for doc in service.list_all(collection)}
        assert stored == {doc["_id"]: (100 if n == 100 else -n) for n, doc in enumerate(docs)}

    def test_save_many_of_nothing(self, service: DatabaseService, collection: str) -> None:
        assert service.save_many(collection, []) == []
        assert collection not in service.list_collections()

    def test_delete_many_counts_missing_documents_as_deleted(self, service: DatabaseService, collection: str) -> None:
        service.save_many(collection, [{"_id": f"d{n}"} for n in range(30)])
        results = service.delete_many(collection, ["d1", "never-there", *(f"d{n}" for n in range(2, 30))])
        assert [result["id"] for result in results] == ["d1", "never-there", *(f"d{n}" for n in range(2, 30))]
        assert all(result["ok"] for result in results)
        assert [doc["_id"] for doc in service.list_all(collection)] == ["d0"]
        assert all(result["ok"] for result in service.delete_many(fresh_name("missing"), ["x"]))

    def test_delete_many_with_repeated_ids_reports_every_copy(self, service: DatabaseService, collection: str) -> None:
        """v2: DynamoDB used to refuse the whole batch with a 400."""
        service.save_many(collection, [{"_id": "x"}, {"_id": "y"}, {"_id": "z"}])
        results = service.delete_many(collection, ["x", "y", "y", "absent", "absent", "x"])
        assert [(result["id"], result["ok"]) for result in results] == [
            ("x", True),
            ("y", True),
            ("y", True),
            ("absent", True),
            ("absent", True),
            ("x", True),
        ]
        assert [doc["_id"] for doc in service.list_all(collection)] == ["z"]

    @pytest.mark.parametrize(
        ("method", "argument"),
        [
            ("get_many", 5),
            ("get_many", None),
            ("get_many", "xyz"),
            ("get_many", b"xyz"),
            ("get_many", {"x": 1}),
            ("save_many", None),
            ("save_many", 5),
            ("save_many", "xyz"),
            ("save_many", {"_id": "x", "v": 1}),
            ("delete_many", "xyz"),
            ("delete_many", b"xyz"),
            ("delete_many", {"x": 1, "y": 2, "z": 3}),
            ("delete_many", None),
            ("delete_many", 5),
        ],
    )
    def test_bulk_call_with_a_wrong_argument_type_is_400_before_any_io(
        self, service: DatabaseService, collection: str, method: str, argument: object
    ) -> None:
        """v2: a str is one id, not many; delete_many(c, "xyz") must never delete x, y and z."""
        revs = {doc_id: service.save(collection, doc_id, {"v": 0})["rev"] for doc_id in "xyz"}
        with pytest.raises(InvalidQuery) as excinfo:
            getattr(service, method)(collection, argument)
        assert_error(excinfo, 400, method)
        assert {doc["_id"]: doc["_rev"] for doc in service.list_all(collection)} == revs
