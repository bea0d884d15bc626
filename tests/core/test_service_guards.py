"""The public methods check everything before a backend hook runs, and type every error."""

from __future__ import annotations

from typing import Any

import pytest
from gofannon_db import (
    DatabaseError,
    DatabaseService,
    DocumentTooLarge,
    InvalidDocument,
    InvalidName,
    OperationNotSupported,
)
from gofannon_db.backends.memory import MemoryDatabaseService


class SpyService(MemoryDatabaseService):
    """Records every hook call, so a test can prove bad input never reached one."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def _save(self, collection: str, doc_id: str, body: dict[str, Any], expected_rev: str | None) -> str:
        self.calls.append(("_save", (collection, doc_id, body, expected_rev)))
        return super()._save(collection, doc_id, body, expected_rev)

    def _get(self, collection: str, doc_id: str) -> dict[str, Any]:
        self.calls.append(("_get", (collection, doc_id)))
        return super()._get(collection, doc_id)


def test_bad_input_never_reaches_a_hook() -> None:
    spy = SpyService(max_document_bytes=100)
    for call in (
        lambda: spy.save("Bad Name", "doc", {}),
        lambda: spy.save("good", "_bad", {}),
        lambda: spy.save("good", "doc", {"x": float("nan")}),
        lambda: spy.save("good", "doc", {"x": "y" * 200}),
        lambda: spy.get("good", "a/b"),
    ):
        with pytest.raises((InvalidName, InvalidDocument, DocumentTooLarge)):
            call()
    assert spy.calls == []


def test_hooks_get_physical_names_and_a_private_body_without_meta_keys() -> None:
    spy = SpyService(collection_prefix="stg-")
    doc = {"_id": "doc", "_rev": "1-abc", "nested": {"list": [1]}}
    with pytest.raises(DatabaseError):
        spy.save("agents", "doc", doc)
    (name, (collection, doc_id, body, expected_rev)), *_ = spy.calls
    assert (name, collection, doc_id, expected_rev) == ("_save", "stg-agents", "doc", "1-abc")
    assert body == {"nested": {"list": [1]}}
    assert body["nested"] is not doc["nested"]


def test_unexpected_backend_exceptions_become_typed_errors_with_the_cause() -> None:
    class Exploding(MemoryDatabaseService):
        def _get(self, collection: str, doc_id: str) -> dict[str, Any]:
            raise ConnectionResetError("password=hunter2 leaked by an SDK")

    with pytest.raises(DatabaseError) as excinfo:
        Exploding().get("agents", "doc")
    assert type(excinfo.value) is DatabaseError
    assert isinstance(excinfo.value.__cause__, ConnectionResetError)
    assert "hunter2" not in str(excinfo.value)


def test_errors_raised_while_streaming_are_typed() -> None:
    class Flaky(MemoryDatabaseService):
        def _iter_all(self, collection: str, page_size: int) -> Any:
            yield {"_id": "a", "_rev": "1-a"}
            raise TimeoutError("slow")

    stream = Flaky().iter_all("agents")
    assert next(stream)["_id"] == "a"
    with pytest.raises(DatabaseError) as excinfo:
        next(stream)
    assert isinstance(excinfo.value.__cause__, TimeoutError)


def test_operations_a_backend_lacks_raise_a_typed_501() -> None:
    class Bare(DatabaseService):
        def _get(self, collection: str, doc_id: str) -> dict[str, Any]:
            raise NotImplementedError

        def _save(self, collection: str, doc_id: str, body: dict[str, Any], expected_rev: str | None) -> str:
            raise NotImplementedError

        def _delete(self, collection: str, doc_id: str, rev: str | None) -> None:
            raise NotImplementedError

        def _list_all(self, collection: str) -> list[dict[str, Any]]:
            return []

    with pytest.raises(OperationNotSupported) as excinfo:
        Bare().list_collections()
    assert excinfo.value.status_code == 501


def test_the_four_core_hooks_are_abstract() -> None:
    assert DatabaseService.__abstractmethods__ == frozenset({"_get", "_save", "_delete", "_list_all"})


def test_invalid_prefix_is_refused() -> None:
    with pytest.raises(InvalidName):
        MemoryDatabaseService(collection_prefix="Bad/")


def test_error_repr_and_status() -> None:
    error = DocumentTooLarge("too big")
    assert repr(error) == "DocumentTooLarge(status_code=413, detail='too big')"
    assert InvalidName().detail
