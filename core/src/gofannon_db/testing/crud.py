"""Contract sections 1 and 2: the four core methods, create, copies and input safety."""

from __future__ import annotations

import copy

import pytest

from ..errors import DatabaseError, DocumentNotFound, InvalidDocument, RevisionConflict
from ..service import DatabaseService
from .base import SuiteBase, assert_error, fresh_name


class CrudTests(SuiteBase):
    def test_save_returns_id_and_a_revision(self, service: DatabaseService, collection: str) -> None:
        result = service.save(collection, "doc-1", {"name": "Ada"})
        assert set(result) == {"id", "rev"}
        assert result["id"] == "doc-1"
        assert isinstance(result["rev"], str)
        assert result["rev"]

    def test_get_returns_what_was_saved_with_id_and_rev(self, service: DatabaseService, collection: str) -> None:
        rev = service.save(collection, "doc-1", {"name": "Ada", "age": 36})["rev"]
        assert service.get(collection, "doc-1") == {"_id": "doc-1", "_rev": rev, "name": "Ada", "age": 36}

    def test_get_of_a_missing_document_is_404(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "present", {})
        with pytest.raises(DocumentNotFound) as excinfo:
            service.get(collection, "absent")
        assert_error(excinfo, 404)

    def test_get_in_a_missing_collection_is_404(self, service: DatabaseService) -> None:
        with pytest.raises(DocumentNotFound) as excinfo:
            service.get(fresh_name("missing"), "absent")
        assert_error(excinfo, 404)

    def test_save_without_rev_replaces_the_whole_document(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "doc-1", {"a": 1, "b": 2})
        service.save(collection, "doc-1", {"c": 3})
        assert self.body(service.get(collection, "doc-1")) == {"c": 3}

    def test_empty_document_round_trips(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "empty", {})
        assert self.body(service.get(collection, "empty")) == {}

    def test_id_in_the_body_equal_to_doc_id_is_accepted(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "doc-1", {"_id": "doc-1", "x": 1})
        assert service.get(collection, "doc-1")["x"] == 1

    def test_delete_removes_the_document(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "doc-1", {"x": 1})
        service.delete(collection, "doc-1")
        with pytest.raises(DocumentNotFound):
            service.get(collection, "doc-1")
        assert service.list_all(collection) == []

    def test_delete_of_a_missing_document_is_404(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "present", {})
        with pytest.raises(DocumentNotFound) as excinfo:
            service.delete(collection, "absent")
        assert_error(excinfo, 404)
        with pytest.raises(DocumentNotFound):
            service.delete(fresh_name("missing"), "absent")

    def test_deleted_id_can_be_saved_again(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "doc-1", {"v": 1})
        service.delete(collection, "doc-1")
        service.save(collection, "doc-1", {"v": 2})
        assert service.get(collection, "doc-1")["v"] == 2

    def test_list_all_returns_every_document(self, service: DatabaseService, collection: str) -> None:
        revs = {f"d{i}": service.save(collection, f"d{i}", {"n": i})["rev"] for i in range(5)}
        docs = service.list_all(collection)
        assert sorted(docs, key=lambda doc: doc["_id"]) == [
            {"_id": f"d{i}", "_rev": revs[f"d{i}"], "n": i} for i in range(5)
        ]

    def test_list_all_of_a_missing_collection_is_empty(self, service: DatabaseService) -> None:
        assert service.list_all(fresh_name("missing")) == []

    def test_create_inserts_a_new_document(self, service: DatabaseService, collection: str) -> None:
        result = service.create(collection, "doc-1", {"x": 1})
        assert result["id"] == "doc-1"
        assert service.get(collection, "doc-1") == {"_id": "doc-1", "_rev": result["rev"], "x": 1}

    def test_create_of_an_existing_id_is_409_and_changes_nothing(
        self, service: DatabaseService, collection: str
    ) -> None:
        rev = service.save(collection, "doc-1", {"x": 1})["rev"]
        with pytest.raises(RevisionConflict) as excinfo:
            service.create(collection, "doc-1", {"x": 2})
        assert_error(excinfo, 409)
        assert service.get(collection, "doc-1") == {"_id": "doc-1", "_rev": rev, "x": 1}

    def test_create_with_a_rev_is_rejected(self, service: DatabaseService, collection: str) -> None:
        with pytest.raises(InvalidDocument) as excinfo:
            service.create(collection, "doc-1", {"_rev": "1-abc", "x": 1})
        assert_error(excinfo, 400, "_rev")

    def test_save_never_mutates_the_callers_document(self, service: DatabaseService, collection: str) -> None:
        doc = {"name": "Ada", "tags": ["a", ["b"]], "meta": {"k": {"deep": [1, 2]}}}
        snapshot = copy.deepcopy(doc)
        service.save(collection, "doc-1", doc)
        assert doc == snapshot
        stored = service.get(collection, "doc-1")
        service.save(collection, "doc-1", stored)
        assert stored["_rev"] != service.get(collection, "doc-1")["_rev"], "the caller's _rev must stay as it was"
        service.save_many(collection, [{"_id": "doc-2", **doc}])
        assert doc == snapshot

    def test_returned_documents_are_the_callers_own_copies(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "doc-1", {"tags": ["a"], "meta": {"k": 1}})
        for returned in (
            service.get(collection, "doc-1"),
            service.list_all(collection)[0],
            next(service.iter_all(collection)),
            service.get_many(collection, ["doc-1"])["doc-1"],
            service.find(collection, {"meta.k": 1})[0],
        ):
            assert returned is not None
            returned["tags"].append("changed")
            returned["meta"]["k"] = 2
            returned["new"] = True
        assert self.body(service.get(collection, "doc-1")) == {"tags": ["a"], "meta": {"k": 1}}

    def test_errors_are_typed_with_status_and_detail(self, service: DatabaseService, collection: str) -> None:
        with pytest.raises(DatabaseError) as excinfo:
            service.get(collection, "absent")
        assert isinstance(excinfo.value.status_code, int)
        assert isinstance(excinfo.value.detail, str)

    def test_ping_describes_the_backend(self, service: DatabaseService) -> None:
        info = service.ping()
        assert isinstance(info, dict)
        assert info["provider"] == service.provider_name

    def test_repr_and_errors_hide_secrets(self, service: DatabaseService, collection: str) -> None:
        with pytest.raises(DatabaseError) as excinfo:
            service.get(collection, "absent")
        for secret in self.secret_values:
            assert secret not in repr(service)
            assert secret not in str(excinfo.value)
            assert secret not in repr(excinfo.value)
