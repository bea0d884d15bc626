"""Code in the Gofannon application's style, unchanged, on the compat module and every provider's real server."""

from __future__ import annotations

import pytest
from fastapi import HTTPException
from gofannon_db import DocumentNotFound, InvalidDocument, InvalidName, InvalidQuery, RevisionConflict
from gofannon_db.compat.gofannon import DatabaseService, get_database_service

from .app_style import DEPLOYMENTS, STORE, AppSettings, KeyValueStore, create_agent, deploy, undeploy, update_agent


def test_one_service_per_process(app_settings: AppSettings) -> None:
    db = get_database_service(app_settings)
    assert isinstance(db, DatabaseService)
    assert db.provider_name == app_settings.DATABASE_PROVIDER
    assert get_database_service(app_settings) is db
    assert get_database_service() is db  # later callers without settings get the same service


def test_a_missing_document_takes_the_404_branch(app_settings: AppSettings) -> None:
    store = KeyValueStore(get_database_service(app_settings))
    assert store.get("u1", "notes", "absent") is None
    store.set("u1", "notes", "greeting", {"text": "hello", "n": 1})
    assert store.get("u1", "notes", "greeting") == {"text": "hello", "n": 1}
    store.set("u1", "notes", "greeting", "updated")  # read-modify-write with the stored _rev
    assert store.get("u1", "notes", "greeting") == "updated"


def test_bulk_writes_find_and_get_many_as_the_app_calls_them(app_settings: AppSettings) -> None:
    store = KeyValueStore(get_database_service(app_settings))
    items = [("ns", f"key {i} ü/+?", {"i": i}) for i in range(30)] + [("other", "x", 1)]
    assert store.set_many("u1", items) == 31
    assert store.set_many("u2", [("ns", "key 0 ü/+?", "not u1's")]) == 1
    assert store.list_keys("u1", "ns") == sorted(key for _, key, _ in items[:30])
    assert store.get_all("u1", "ns") == {key: value for _, key, value in items[:30]}
    wanted = ["key 3 ü/+?", "key 29 ü/+?", "never set"]
    assert store.get_many("u1", "ns", wanted) == {"key 3 ü/+?": {"i": 3}, "key 29 ü/+?": {"i": 29}}
    # Second round: every document exists, so each write carries the _rev that get_many returned.
    assert store.set_many("u1", [("ns", key, "v2") for _, key, _ in items[:30]]) == 30
    assert set(store.get_all("u1", "ns").values()) == {"v2"}
    assert store.get("u2", "ns", "key 0 ü/+?") == "not u1's"


def test_find_with_fields_keeps_the_id(app_settings: AppSettings) -> None:
    db = get_database_service(app_settings)
    KeyValueStore(db).set("u1", "ns", "k", "v")
    [doc] = db.find(STORE, {"userId": "u1", "namespace": "ns"}, fields=["key"])
    assert doc == {"_id": KeyValueStore.doc_id("u1", "ns", "k"), "key": "k"}


def test_deploy_and_undeploy_flow(app_settings: AppSettings) -> None:
    db = get_database_service(app_settings)
    assert deploy(db, "agent-1", "weather") == "deployed"
    assert deploy(db, "agent-1", "weather") == "already deployed"
    with pytest.raises(HTTPException) as excinfo:
        deploy(db, "agent-2", "weather")
    assert excinfo.value.status_code == 409
    db.save(DEPLOYMENTS, "weather-old", {"agentId": "agent-1"})
    assert undeploy(db, "agent-1") == 2
    assert undeploy(db, "agent-1") == 0
    with pytest.raises(HTTPException) as missing:
        db.delete(DEPLOYMENTS, "weather")
    assert missing.value.status_code == 404


def test_a_stale_revision_is_a_409_of_both_kinds(app_settings: AppSettings) -> None:
    db = get_database_service(app_settings)
    first = db.save("agents", "a1", {"name": "Ada"})
    db.save("agents", "a1", {"name": "Ada", "_rev": first["rev"]})
    with pytest.raises(HTTPException) as excinfo:
        db.save("agents", "a1", {"name": "stale", "_rev": first["rev"]})
    assert excinfo.value.status_code == 409
    assert isinstance(excinfo.value, RevisionConflict)
    results = db.save_many("agents", [{"_id": "a1", "_rev": first["rev"], "name": "stale"}, {"_id": "a2"}])
    assert [(result["ok"], result.get("status_code")) for result in results] == [(False, 409), (True, None)]


def test_every_error_is_the_typed_error_and_an_http_exception(app_settings: AppSettings) -> None:
    db = get_database_service(app_settings)
    cases = [
        (lambda: db.get("agents", "nobody"), DocumentNotFound, 404),
        (lambda: db.get("Bad Name", "x"), InvalidName, 400),
        (lambda: db.save("agents", "a1", {"when": {1, 2}}), InvalidDocument, 400),
        (lambda: db.find("agents", {"n": [1]}), InvalidQuery, 400),
        (lambda: list(db.iter_all("agents", page_size=0)), InvalidQuery, 400),
    ]
    for call, typed, status in cases:
        with pytest.raises(HTTPException) as excinfo:
            call()
        error = excinfo.value
        assert isinstance(error, typed)
        assert error.status_code == status == typed.status_code
        assert isinstance(error.detail, str)
        assert error.detail
    with pytest.raises(InvalidDocument) as bad:
        db.save("agents", "a1", {"ok": 1, "when": {1, 2}})
    assert bad.value.path == "when"


def test_iter_all_streams_documents(app_settings: AppSettings) -> None:
    db = get_database_service(app_settings)
    db.save_many("agents", [{"_id": f"a{i}", "n": i} for i in range(7)])
    assert sorted(doc["n"] for doc in db.iter_all("agents", page_size=3)) == list(range(7))


def test_a_model_dumped_with_rev_none_is_a_new_document(app_settings: AppSettings) -> None:
    db = get_database_service(app_settings)
    agent = create_agent(db, "agent-1", "Weather")
    assert agent["_rev"]
    updated = update_agent(db, "agent-1", name="Weather v2")
    assert updated["_rev"] != agent["_rev"]
    assert db.get("agents", "agent-1")["name"] == "Weather v2"
    with pytest.raises(HTTPException) as stale:
        db.save("agents", "agent-1", {**agent, "name": "lost update"})  # the first revision, now stale
    assert stale.value.status_code == 409
    results = db.save_many("agents", [{"_id": "agent-2", "_rev": None, "name": "B"}, {"_id": "agent-3", "_rev": ""}])
    assert [result["ok"] for result in results] == [True, True]
    fresh = {"_id": "agent-4", "_rev": None}
    db.save("agents", "agent-4", fresh)
    assert fresh == {"_id": "agent-4", "_rev": None}  # the caller's dict is left alone
