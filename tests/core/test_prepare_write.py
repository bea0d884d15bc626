"""The ``_prepare_write`` hook: a backend sizes and encodes a document once and gets that encoding back."""

from __future__ import annotations

from typing import Any

import pytest
from gofannon_db import DatabaseError, DocumentTooLarge
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.types import BulkResult, BulkWrite


class EncodingService(MemoryDatabaseService):
    """Prepares a token per document and records what each write hook was handed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.prepared: list[object] = []
        self.received: list[tuple[str, object]] = []

    def _prepare_write(self, collection: str, doc_id: str, body: dict[str, Any]) -> tuple[int, object]:
        size, _ = super()._prepare_write(collection, doc_id, body)
        token = object()
        self.prepared.append(token)
        return size, token

    def _save(
        self, collection: str, doc_id: str, body: dict[str, Any], expected_rev: str | None, wire: object = None
    ) -> str:
        self.received.append(("_save", wire))
        return super()._save(collection, doc_id, body, expected_rev)

    def _create(self, collection: str, doc_id: str, body: dict[str, Any], wire: object = None) -> str:
        self.received.append(("_create", wire))
        return MemoryDatabaseService._save(self, collection, doc_id, body, None)  # memory's own _create calls _save

    def _save_many(self, collection: str, writes: list[BulkWrite]) -> list[BulkResult]:
        self.received.extend(("_save_many", write.wire) for write in writes)
        return super()._save_many(collection, writes)


def test_the_wire_form_of_each_document_reaches_the_write_hook_that_sends_it() -> None:
    service = EncodingService()
    service.save("things", "a", {"x": 1})
    service.create("things", "b", {"x": 2})
    service.save_many("things", [{"_id": "c", "x": 3}, {"_id": "d", "x": 4}])
    # save_many's default sends each write through _save, which gets the same wire form again.
    kinds = [kind for kind, _ in service.received]
    assert kinds == ["_save", "_create", "_save_many", "_save_many", "_save", "_save"]
    wires = [wire for _, wire in service.received]
    p = service.prepared
    assert len(p) == 4
    assert wires == [p[0], p[1], p[2], p[3], p[2], p[3]]
    assert service.get("things", "d")["x"] == 4


def test_a_backend_without_a_wire_form_is_called_as_before() -> None:
    calls: list[tuple[Any, ...]] = []

    class Plain(MemoryDatabaseService):
        def _save(self, collection: str, doc_id: str, body: dict[str, Any], expected_rev: str | None) -> str:
            calls.append((doc_id, expected_rev))
            return super()._save(collection, doc_id, body, expected_rev)

    service = Plain()
    service.save("things", "a", {"x": 1})
    assert service.save_many("things", [{"_id": "b"}])[0]["ok"]
    assert calls == [("a", None), ("b", None)]


def test_the_size_the_hook_returns_is_the_one_checked() -> None:
    class Oversized(MemoryDatabaseService):
        def _prepare_write(self, collection: str, doc_id: str, body: dict[str, Any]) -> tuple[int, object]:
            return self.max_document_bytes + 1, None

    service = Oversized()
    with pytest.raises(DocumentTooLarge):
        service.save("things", "a", {"x": 1})
    (result,) = service.save_many("things", [{"_id": "a"}])
    assert result["status_code"] == 413
    assert service.list_all("things") == []


def test_a_wire_is_document_backend_gets_empty_bodies_in_save_many_and_full_ones_elsewhere() -> None:
    """``wire_is_document`` lets save_many drop its validated copies; single writes keep their body."""
    bodies: list[tuple[str, dict[str, Any], object]] = []

    class WireOnly(EncodingService):
        wire_is_document = True

        def _save_many(self, collection: str, writes: list[BulkWrite]) -> list[BulkResult]:
            bodies.extend(("_save_many", write.body, write.wire) for write in writes)
            return [{"ok": True, "id": write.doc_id, "rev": "1-a"} for write in writes]

    service = WireOnly()
    results = service.save_many("things", [{"_id": "c", "x": 3}, {"_id": "d", "x": 4}, {"_id": "c", "x": 5}])
    assert [result["ok"] for result in results] == [True, True, False]  # the repeated id fails alone
    assert [(kind, body) for kind, body, _ in bodies] == [("_save_many", {}), ("_save_many", {})]
    assert [wire for _, _, wire in bodies] == service.prepared[:2]
    service.save("things", "e", {"x": 6})
    assert service.get("things", "e")["x"] == 6


def test_a_wire_is_document_backend_encodes_plain_documents_without_a_copy_and_never_changes_them() -> None:
    handed: list[dict[str, Any]] = []

    class Recording(EncodingService):
        def _prepare_write(self, collection: str, doc_id: str, body: dict[str, Any]) -> tuple[int, object]:
            handed.append(body)
            return super()._prepare_write(collection, doc_id, body)

    class WireOnly(Recording):
        wire_is_document = True

    plain = {"_id": "a", "x": [1, {"y": "z"}]}
    unusual = {"_id": "b", "_rev": "1-abc", "x": 1}  # a revision: validation splits it off, on a copy
    snapshot = (repr(plain), repr(unusual))
    for kind, expected in ((WireOnly, [True, False]), (Recording, [False, False])):
        handed.clear()
        service = kind()
        service._prepare("things", "a", plain)
        service._prepare("things", "b", unusual)
        assert [body is doc for body, doc in zip(handed, (plain, unusual), strict=True)] == expected
        assert "_rev" not in handed[1]
        assert (repr(plain), repr(unusual)) == snapshot


def test_the_released_body_cannot_be_changed_by_a_backend() -> None:
    """The empty body is one shared object: a backend writing into it fails, and later writes are unaffected."""
    handed: list[dict[str, Any]] = []

    class Careless(EncodingService):
        wire_is_document = True

        def _save_many(self, collection: str, writes: list[BulkWrite]) -> list[BulkResult]:
            handed.extend(write.body for write in writes)
            writes[0].body["leak"] = 1
            return []

    service = Careless()
    with pytest.raises(DatabaseError) as excinfo:
        service.save_many("things", [{"_id": "a", "x": 1}])
    assert isinstance(excinfo.value.__cause__, TypeError)
    with pytest.raises(DatabaseError):
        service.save_many("things", [{"_id": "b", "x": 2}])
    assert handed == [{}, {}]
