"""Firestore encodes each written document once: the fields sized by the core's check are the fields sent."""

from __future__ import annotations

from typing import Any

import pytest
from gofannon_db.testing.base import fresh_name
from gofannon_db_firestore import service as firestore_module
from gofannon_db_firestore.config import FirestoreConfig
from gofannon_db_firestore.service import FirestoreDatabaseService
from gofannon_db_firestore.values import (
    MAX_REVISION_BYTES,
    REV_FIELD,
    encode_document,
    encode_fields_sized,
    stored_size,
    value_size,
)
from hypothesis import given, settings

from tests.bulk_encoding import Counter, json_bodies


@settings(max_examples=80, deadline=None)
@given(body=json_bodies)
def test_one_walk_gives_the_stored_fields_and_their_size(body: dict[str, Any]) -> None:
    fields, size = encode_fields_sized(body)
    expected = encode_document(body, "rev")
    del expected[REV_FIELD]
    assert fields == expected
    assert size == value_size(expected)


@settings(max_examples=40, deadline=None)
@given(body=json_bodies)
def test_prepared_size_is_the_size_of_the_stored_document_at_the_longest_revision(body: dict[str, Any]) -> None:
    service = FirestoreDatabaseService(FirestoreConfig(project="demo-gofannon", emulator_host="127.0.0.1:9"))
    size, wire = service._prepare_write("things", "doc-é", body)
    longest = encode_document(body, "0" * MAX_REVISION_BYTES)
    assert size == stored_size(len("things"), "doc-é", longest) == service._document_size("things", "doc-é", body)
    assert {**wire.fields, REV_FIELD: "0" * MAX_REVISION_BYTES} == longest


@pytest.fixture
def counter(monkeypatch: pytest.MonkeyPatch) -> Counter:
    counting = Counter(encode_fields_sized)
    monkeypatch.setattr(firestore_module, "encode_fields_sized", counting)

    def never(*args: Any) -> None:
        raise AssertionError("a document was encoded a second time")

    monkeypatch.setattr(firestore_module, "encode_document", never)
    return counting


def test_save_many_encodes_each_document_once(firestore_service: FirestoreDatabaseService, counter: Counter) -> None:
    collection = fresh_name("enc")
    docs = [{"_id": f"d{n}", "n": n, "m": [[n]], "~k": "é"} for n in range(20)]
    results = firestore_service.save_many(collection, docs)
    assert counter.calls == 20
    assert all(result["ok"] for result in results)
    held = firestore_service.save_many(
        collection, [{**doc, "_rev": result["rev"], "n": -1} for doc, result in zip(docs, results, strict=True)]
    )
    assert counter.calls == 40
    assert all(result["ok"] for result in held)
    assert firestore_service.get(collection, "d3") == {
        "_id": "d3",
        "_rev": held[3]["rev"],
        "n": -1,
        "m": [[3]],
        "~k": "é",
    }


def test_single_writes_encode_once(firestore_service: FirestoreDatabaseService, counter: Counter) -> None:
    collection = fresh_name("enc")
    rev = firestore_service.create(collection, "a", {"x": [[1]]})["rev"]
    rev = firestore_service.save(collection, "a", {"x": 2, "_rev": rev})["rev"]
    firestore_service.save(collection, "a", {"y": 3})
    assert counter.calls == 3
    assert firestore_service.get(collection, "a") == {
        "_id": "a",
        "_rev": firestore_service.get(collection, "a")["_rev"],
        "y": 3,
    }
