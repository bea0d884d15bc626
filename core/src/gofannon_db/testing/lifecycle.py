"""Contract section 1: collections appear on first write, never on a read, and drop idempotently."""

from __future__ import annotations

import pytest

from ..errors import DocumentNotFound
from ..service import DatabaseService
from .base import SuiteBase, fresh_name


class CollectionTests(SuiteBase):
    def test_a_write_creates_the_collection(self, service: DatabaseService, collection: str) -> None:
        assert collection not in service.list_collections()
        service.save(collection, "doc", {})
        assert collection in service.list_collections()

    def test_reads_never_create_a_collection(self, service: DatabaseService, collection: str) -> None:
        with pytest.raises(DocumentNotFound):
            service.get(collection, "doc")
        assert service.list_all(collection) == []
        assert list(service.iter_all(collection)) == []
        assert service.find(collection, {"x": 1}) == []
        assert service.count(collection) == 0
        assert service.get_many(collection, ["doc"]) == {"doc": None}
        with pytest.raises(DocumentNotFound):
            service.delete(collection, "doc")
        assert collection not in service.list_collections()

    def test_list_collections_returns_logical_names(self, service: DatabaseService) -> None:
        names = sorted(fresh_name("list") for _ in range(3))
        try:
            for name in names:
                service.save(name, "doc", {})
            listed = service.list_collections()
            assert set(names) <= set(listed)
            assert listed == sorted(listed)
        finally:
            for name in names:
                service.drop_collection(name)

    def test_drop_collection_removes_everything_and_is_idempotent(
        self, service: DatabaseService, collection: str
    ) -> None:
        service.save_many(collection, [{"_id": f"d{n}"} for n in range(5)])
        service.drop_collection(collection)
        assert collection not in service.list_collections()
        assert service.list_all(collection) == []
        assert service.count(collection) == 0
        service.drop_collection(collection)
        service.drop_collection(fresh_name("never"))

    def test_a_dropped_collection_can_be_written_again(self, service: DatabaseService, collection: str) -> None:
        service.save(collection, "old", {})
        service.drop_collection(collection)
        service.save(collection, "new", {"v": 1})
        assert [doc["_id"] for doc in service.list_all(collection)] == ["new"]

    def test_service_is_a_context_manager(self, service: DatabaseService) -> None:
        with service as entered:
            assert entered is service
