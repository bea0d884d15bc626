"""CouchDB encodes each written document once: the bytes sized by the core's check are the bytes sent."""

from __future__ import annotations

from typing import Any

import pytest
from gofannon_db.service import DatabaseService
from gofannon_db.testing.base import fresh_name
from gofannon_db_couchdb import service as couch_module
from gofannon_db_couchdb.service import CouchDBDatabaseService
from hypothesis import given, settings

from tests.bulk_encoding import Counter, json_bodies


@settings(max_examples=60, deadline=None)
@given(body=json_bodies)
def test_prepared_size_is_the_default_json_size(body: dict[str, Any]) -> None:
    service = CouchDBDatabaseService("http://127.0.0.1:9")  # never contacted
    size, wire = service._prepare_write("things", "doc-é", body)
    assert size == DatabaseService._document_size(service, "things", "doc-é", body)
    assert couch_module.json.loads(wire) == {"_id": "doc-é", **body}
    with_rev = couch_module._with_rev(wire, "3-abc")
    assert couch_module.json.loads(with_rev) == {"_id": "doc-é", "_rev": "3-abc", **body}


def _counting(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Counts document encodings: every written document is encoded by ``_encode_document``."""
    counter = Counter(couch_module._encode_document)
    monkeypatch.setattr(couch_module, "_encode_document", counter)
    return counter


def test_save_many_encodes_each_document_once_new_or_updated(
    couch_service: CouchDBDatabaseService, monkeypatch: pytest.MonkeyPatch
) -> None:
    collection = fresh_name("enc")
    docs = [{"_id": f"d{n}", "n": n, "text": "é" * n} for n in range(30)]
    counter = _counting(monkeypatch)
    first = couch_service.save_many(collection, docs)
    assert counter.calls == 30
    assert all(result["ok"] for result in first)
    # Again without _rev (the remembered revisions go in) and with the revisions in hand.
    again = couch_service.save_many(collection, [{**doc, "n": -doc["n"]} for doc in docs])
    held = couch_service.save_many(
        collection, [{**doc, "_rev": result["rev"], "n": 100} for doc, result in zip(docs, again, strict=True)]
    )
    assert counter.calls == 90
    assert all(result["ok"] for result in again + held)
    assert couch_service.get(collection, "d7") == {"_id": "d7", "_rev": held[7]["rev"], "n": 100, "text": "é" * 7}


def test_save_many_retry_after_a_stale_hint_sends_the_same_encoding(
    couch_service: CouchDBDatabaseService, couchdb_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another client wrote meanwhile: the conflict is resolved with the current revision, not a new encoding."""
    collection = fresh_name("enc")
    couch_service.save_many(collection, [{"_id": f"d{n}", "v": 0} for n in range(5)])
    with CouchDBDatabaseService(
        couchdb_server.url, user=couchdb_server.user, password=couchdb_server.password
    ) as other:
        other.save_many(collection, [{"_id": f"d{n}", "v": 1} for n in range(5)])
    counter = _counting(monkeypatch)
    results = couch_service.save_many(collection, [{"_id": f"d{n}", "v": 2} for n in range(5)])
    assert counter.calls == 5
    assert [result["rev"].split("-")[0] for result in results] == ["3"] * 5
    assert {doc["v"] for doc in couch_service.list_all(collection)} == {2}


def test_single_writes_encode_once(couch_service: CouchDBDatabaseService, monkeypatch: pytest.MonkeyPatch) -> None:
    collection = fresh_name("enc")
    counter = _counting(monkeypatch)
    rev = couch_service.create(collection, "a", {"x": 1})["rev"]
    rev = couch_service.save(collection, "a", {"x": 2, "_rev": rev})["rev"]
    couch_service.save(collection, "a", {"x": 3})
    assert counter.calls == 3
    assert couch_service.get(collection, "a")["x"] == 3
