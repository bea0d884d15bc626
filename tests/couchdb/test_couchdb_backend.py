"""What the CouchDB backend does beyond the shared contract, against the real test server.

Request counts, design documents, database creation, credentials, a dead port, racing
writers, paging, and the server quirks the backend defends against.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from gofannon_db import errors
from gofannon_db.factory import create_database_service
from gofannon_db.settings import Settings
from gofannon_db_couchdb import service as service_module
from gofannon_db_couchdb.config import CouchDBConfig
from gofannon_db_couchdb.service import CouchDBDatabaseService

from tests.launchers.couchdb import CouchDBServer
from tests.launchers.process import free_port


def _name() -> str:
    return f"cb-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def couch(couchdb_server: CouchDBServer) -> Iterator[CouchDBDatabaseService]:
    with CouchDBDatabaseService(
        couchdb_server.url, user=couchdb_server.user, password=couchdb_server.password
    ) as service:
        yield service


@pytest.fixture
def db(couch: CouchDBDatabaseService) -> Iterator[str]:
    name = _name()
    yield name
    with contextlib.suppress(errors.DatabaseError):
        couch.drop_collection(name)


class RequestLog:
    """Every HTTP request the service's CouchDB-Python session sends: (method, url)."""

    def __init__(self, service: CouchDBDatabaseService) -> None:
        self.calls: list[tuple[str, str]] = []
        session = service._session
        original: Callable[..., Any] = session.request

        def counting(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            self.calls.append((method, url))
            return original(method, url, *args, **kwargs)

        session.request = counting

    def take(self) -> list[tuple[str, str]]:
        calls, self.calls = self.calls, []
        return calls


def _all_dbs(service: CouchDBDatabaseService) -> list[str]:
    names: list[str] = service._request("GET", ["_all_dbs"])
    return names


# ---------------------------------------------------------------- one request


def test_steady_state_get_and_save_cost_one_request(couch: CouchDBDatabaseService, db: str) -> None:
    log = RequestLog(couch)
    couch.save(db, "first", {"n": 0})  # the database does not exist yet: PUT 404, PUT db, PUT doc
    assert [method for method, _ in log.take()] == ["PUT", "PUT", "PUT"]

    couch.save(db, "second", {"n": 1})  # new document in an existing database
    assert len(log.take()) == 1
    doc = couch.get(db, "second")
    assert len(log.take()) == 1
    couch.save(db, "second", {"n": 2})  # upsert of a document this process has seen
    assert len(log.take()) == 1
    couch.save(db, "second", {**doc, "n": 3} | {"_rev": couch.get(db, "second")["_rev"]})
    assert len(log.take()) == 2  # the get, then one conditional PUT: a revision it saw needs no check
    assert couch.get(db, "second")["n"] == 3
    assert len(log.take()) == 1
    couch.delete(db, "second")  # the revision is known: one DELETE
    assert len(log.take()) == 1


def test_upsert_of_a_document_written_elsewhere_resolves_the_revision(
    couchdb_server: CouchDBServer, couch: CouchDBDatabaseService, db: str
) -> None:
    couch.save(db, "doc", {"by": "a", "v": 1})
    with CouchDBDatabaseService(
        couchdb_server.url, user=couchdb_server.user, password=couchdb_server.password
    ) as other:
        other.save(db, "doc", {"by": "b", "v": 2})  # no revision known here: 409, ask, PUT
        other.save(db, "doc", {"by": "b", "v": 3})
    # couch's remembered revision is stale now; its write must still land, whole.
    couch.save(db, "doc", {"by": "a", "v": 4})
    stored = couch.get(db, "doc")
    assert {key: value for key, value in stored.items() if key not in ("_id", "_rev")} == {"by": "a", "v": 4}
    assert stored["_rev"].startswith("4-")


def test_racing_upserts_all_land(couchdb_server: CouchDBServer, db: str) -> None:
    """Unconditional saves of one document from many threads and services never raise 409."""
    services = [
        CouchDBDatabaseService(couchdb_server.url, user=couchdb_server.user, password=couchdb_server.password)
        for _ in range(4)
    ]
    failures: list[BaseException] = []
    writes_per_thread = 15

    def writer(service: CouchDBDatabaseService, thread: int) -> None:
        try:
            for n in range(writes_per_thread):
                service.save(db, "hot", {"thread": thread, "n": n})
        except BaseException as exc:  # collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(services[i % 4], i)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert failures == []
        final = services[0].get(db, "hot")
        assert final["n"] in range(writes_per_thread)
        assert int(final["_rev"].split("-")[0]) == 8 * writes_per_thread  # every write landed as a revision
    finally:
        services[0].drop_collection(db)
        for service in services:
            service.close()


def test_save_many_upserts_over_unknown_revisions(
    couchdb_server: CouchDBServer, couch: CouchDBDatabaseService, db: str
) -> None:
    couch.save_many(db, [{"_id": f"d{i}", "v": 0} for i in range(5)])
    with CouchDBDatabaseService(
        couchdb_server.url, user=couchdb_server.user, password=couchdb_server.password
    ) as other:
        results = other.save_many(db, [{"_id": f"d{i}", "v": 1} for i in range(7)])
    assert [result["ok"] for result in results] == [True] * 7
    assert {doc["_id"]: doc["v"] for doc in couch.list_all(db)} == {f"d{i}": 1 for i in range(7)}


# ---------------------------------------------------------------- design documents


def test_design_documents_never_reach_the_caller(couch: CouchDBDatabaseService, db: str) -> None:
    couch.save_many(db, [{"_id": f"p{i}", "kind": "person", "language": "query"} for i in range(5)])
    couch.ensure_index(db, ["kind"])
    couch.ensure_index(db, ["kind"], index_name="by-kind")
    # A design document whose own fields match the selectors used below.
    couch._request("PUT", [db, "_design", "extra"], {"kind": "person", "language": "query", "views": {}})
    ids = {f"p{i}" for i in range(5)}
    assert {doc["_id"] for doc in couch.list_all(db)} == ids
    assert {doc["_id"] for doc in couch.iter_all(db, page_size=2)} == ids
    assert {doc["_id"] for doc in couch.find(db, {"kind": "person"})} == ids
    assert {doc["_id"] for doc in couch.find(db, {"language": "query"})} == ids
    assert {doc["_id"] for doc in couch.find(db, {})} == ids
    assert len(couch.find(db, {"language": "query"}, limit=5)) == 5
    assert couch.count(db) == 5
    assert set(couch.get_many(db, ["p1", "p9"])) == {"p1", "p9"}


def test_ensure_index_is_idempotent_and_uses_index(couch: CouchDBDatabaseService, db: str) -> None:
    couch.save(db, "a", {"k": 1})
    for _ in range(2):
        couch.ensure_index(db, ["k", "meta.x"], index_name="k-x")
    indexes = couch._request("GET", [db, "_index"])
    assert [index["name"] for index in indexes["indexes"]].count("k-x") == 1


# ---------------------------------------------------------------- databases


def test_reads_and_deletes_never_create_a_database(couch: CouchDBDatabaseService) -> None:
    missing = _name()
    log = RequestLog(couch)
    with pytest.raises(errors.DocumentNotFound):
        couch.get(missing, "x")
    assert couch.list_all(missing) == []
    assert list(couch.iter_all(missing, page_size=3)) == []
    assert couch.get_many(missing, ["a", "b"]) == {"a": None, "b": None}
    assert couch.find(missing, {"a": 1}) == []
    assert couch.find(missing, {}, fields=["a"], limit=3) == []
    assert couch.count(missing) == 0
    with pytest.raises(errors.DocumentNotFound):
        couch.delete(missing, "x")
    with pytest.raises(errors.DocumentNotFound):
        couch.delete(missing, "x", rev="1-abc")
    assert couch.delete_many(missing, ["x"]) == [{"ok": True, "id": "x", "rev": None}]
    couch.drop_collection(missing)
    assert all(method in ("GET", "POST", "DELETE") for method, _ in log.calls)
    assert missing not in _all_dbs(couch)


def test_first_write_creates_the_database_once_and_a_dropped_one_again(couch: CouchDBDatabaseService, db: str) -> None:
    assert couch.save_many(db, [{"_id": "a"}, {"_id": "b"}])[1]["ok"]
    assert db in _all_dbs(couch)
    couch.drop_collection(db)
    couch.save(db, "a", {"again": True})  # the process must not believe the database still exists
    assert couch.get(db, "a")["again"] is True
    couch.drop_collection(db)
    couch.ensure_index(db, ["x"])
    assert db in _all_dbs(couch)


# ---------------------------------------------------------------- revisions on this server


def test_conditional_writes_follow_couchdb_not_the_test_server(couch: CouchDBDatabaseService, db: str) -> None:
    rev1 = couch.save(db, "doc", {"v": 1})["rev"]
    rev2 = couch.save(db, "doc", {"v": 2})["rev"]
    # pouchdb-server answers 404 to DELETE with a stale rev; CouchDB (and the contract) say 409.
    with pytest.raises(errors.RevisionConflict):
        couch.delete(db, "doc", rev=rev1)
    with pytest.raises(errors.RevisionConflict):
        couch.delete(db, "doc", rev="not-a-revision")
    with pytest.raises(errors.RevisionConflict):
        couch.save(db, "doc", {"v": 3, "_rev": "garbage"})
    with pytest.raises(errors.RevisionConflict):
        couch.save(db, "nothing-here", {"v": 3, "_rev": rev2})
    with pytest.raises(errors.DocumentNotFound):
        couch.delete(db, "nothing-here", rev=rev2)
    results = couch.save_many(db, [{"_id": "doc", "_rev": "garbage"}, {"_id": "doc2", "_rev": rev1}, {"_id": "ok"}])
    assert [(result["ok"], result.get("status_code")) for result in results] == [
        (False, 409),
        (False, 409),
        (True, None),
    ]
    couch.delete(db, "doc", rev=rev2)
    with pytest.raises(errors.DocumentNotFound):
        couch.get(db, "doc")


def _tombstone_revision(couch: CouchDBDatabaseService, db: str, doc_id: str) -> str:
    [row] = couch._request("POST", [db, "_all_docs"], {"keys": [doc_id]})["rows"]
    assert row["value"]["deleted"] is True
    rev: str = row["value"]["rev"]
    return rev


def test_a_deleted_document_is_never_brought_back_by_a_revision(couch: CouchDBDatabaseService, db: str) -> None:
    """v2: CouchDB keeps the tombstone, whose revision is a leaf it would write on top of (Apache
    CouchDB and pouchdb-server both), and pouchdb-server also takes a made-up revision for a deleted
    document. Neither may resurrect it."""
    before = couch.save(db, "doc", {"v": 1})["rev"]
    couch.delete(db, "doc")
    tombstone = _tombstone_revision(couch, db, "doc")
    for rev in (tombstone, before, "1-" + "a" * 32, "9-" + "b" * 32):
        with pytest.raises(errors.RevisionConflict):
            couch.save(db, "doc", {"_rev": rev, "v": 2})
        [result] = couch.save_many(db, [{"_id": "doc", "_rev": rev, "v": 3}])
        assert (result["ok"], result.get("status_code")) == (False, 409)
        with pytest.raises((errors.DocumentNotFound, errors.RevisionConflict)):
            couch.delete(db, "doc", rev=rev)
    assert _tombstone_revision(couch, db, "doc") == tombstone  # nothing was written, not even a tombstone
    with pytest.raises(errors.DocumentNotFound):
        couch.get(db, "doc")
    assert couch.save(db, "doc", {"v": 4})["rev"]  # an unconditional save creates it anew, as the contract says


def test_numbers_a_javascript_server_wrote_as_out_of_range_ints_come_back_as_floats(
    couch: CouchDBDatabaseService, db: str
) -> None:
    """pouchdb-server stores doubles and writes 5.230586851816138e16 as 52305868518161380 (JSON.stringify);
    Apache CouchDB keeps the text. Either way the service returns a float equal to what was saved."""
    couch.save(db, "seed", {})
    raw = b'{"big":52305868518161380,"neg":[-9007199254740994],"safe":9007199254740991,"f":1.5}'
    couch._request("PUT", [db, "doc"], raw)
    for doc in (couch.get(db, "doc"), couch.get_many(db, ["doc"])["doc"], *couch.find(db, {"safe": 2**53 - 1})):
        assert doc is not None
        assert (type(doc["big"]), doc["big"]) == (float, 5.230586851816138e16)
        assert (type(doc["neg"][0]), doc["neg"][0]) == (float, -9007199254740994.0)
        assert (type(doc["safe"]), doc["safe"]) == (int, 2**53 - 1)
    couch.save(db, "doc", couch.get(db, "doc"))  # and it can be saved again unchanged


# ---------------------------------------------------------------- paging


def test_iter_all_pages_all_docs(couch: CouchDBDatabaseService, db: str) -> None:
    ids = [f"doc-{i:03d}" for i in range(23)] + ["中文", "😀", "\ue000 private", "Ωmega", "a b+c%d?e#f:g@h&i"]
    couch.save_many(db, [{"_id": doc_id, "n": i} for i, doc_id in enumerate(ids)])
    couch.ensure_index(db, ["n"])
    log = RequestLog(couch)
    streamed = list(couch.iter_all(db, page_size=5))
    assert sorted(doc["_id"] for doc in streamed) == sorted(ids)
    pages = [url for _, url in log.calls if "_all_docs" in url]
    assert len(pages) in (6, 7)  # 28 documents + 1 design document, 5 per page, never one big response
    assert all("limit=5" in url for url in pages)


def test_find_pages_mango_until_exhausted(
    couch: CouchDBDatabaseService, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "_FIND_PAGE", 4)
    couch.save_many(db, [{"_id": f"d{i:02d}", "even": i % 2 == 0, "i": i} for i in range(30)])
    couch.save(db, "中文", {"even": True, "i": 100})
    log = RequestLog(couch)
    found = couch.find(db, {"even": True})
    assert sorted(doc["i"] for doc in found) == [*range(0, 30, 2), 100]
    bodies = [url for method, url in log.calls if method == "POST" and url.endswith("_find")]
    assert len(bodies) >= 4  # 16 matches, 4 per page: paged, with an explicit limit each time
    assert [doc["i"] for doc in couch.find(db, {"even": False}, fields=["i"], limit=3)] == [1, 3, 5]
    assert couch.find(db, {"i": 7}, fields=["i"]) == [{"_id": "d07", "i": 7}]


def test_list_all_of_exactly_a_page_is_one_request(
    couch: CouchDBDatabaseService, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One row more than a page is asked for, so a full last page costs no trailing empty request."""
    monkeypatch.setattr(service_module, "_KEYS_PER_REQUEST", 5)
    couch.save_many(db, [{"_id": f"d{i:02d}", "i": i} for i in range(5)])
    log = RequestLog(couch)
    assert [doc["i"] for doc in couch.list_all(db)] == list(range(5))
    pages = [url for _, url in log.take() if "_all_docs" in url]
    assert len(pages) == 1
    assert "limit=6" in pages[0]
    couch.save_many(db, [{"_id": f"d{i:02d}", "i": i} for i in range(5, 11)])
    log.take()
    assert [doc["i"] for doc in couch.list_all(db)] == list(range(11))
    pages = [url for _, url in log.take() if "_all_docs" in url]
    assert len(pages) == 3  # 5 + 5 + 1, each asking for 6 rows; the extra row starts the next page
    assert all("limit=6" in url and "skip" not in url for url in pages)


def test_find_stops_at_a_short_page(couch: CouchDBDatabaseService, db: str) -> None:
    couch.save_many(db, [{"_id": f"d{i}", "k": i % 3} for i in range(9)])
    log = RequestLog(couch)
    assert sorted(doc["_id"] for doc in couch.find(db, {"k": 1})) == ["d1", "d4", "d7"]
    assert len([url for method, url in log.take() if method == "POST" and url.endswith("_find")]) == 1


def test_bulk_writes_are_split_into_bounded_requests(
    couch: CouchDBDatabaseService, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "_BULK_MAX_DOCS", 3)
    monkeypatch.setattr(service_module, "_KEYS_PER_REQUEST", 4)
    log = RequestLog(couch)
    results = couch.save_many(db, [{"_id": f"d{i}", "i": i} for i in range(10)])
    assert [result["id"] for result in results] == [f"d{i}" for i in range(10)]
    bulk_posts = [url for _, url in log.take() if url.endswith("_bulk_docs")]
    assert len(bulk_posts) == 5  # the first is refused (no database yet) and retried, then 3 more
    assert couch.get_many(db, [f"d{i}" for i in range(11)])["d9"]["i"] == 9
    assert len([url for _, url in log.take() if "_all_docs" in url]) == 3
    deleted = couch.delete_many(db, [f"d{i}" for i in range(12)])
    assert all(result["ok"] for result in deleted)
    assert couch.count(db) == 0


# ---------------------------------------------------------------- credentials and reachability


def test_wrong_password_is_unauthorized_and_not_echoed(couchdb_server: CouchDBServer) -> None:
    wrong = f"wrong-{uuid.uuid4().hex}"
    with CouchDBDatabaseService(couchdb_server.url, user=couchdb_server.user, password=wrong) as service:
        for call in (
            lambda: service.get("anything", "x"),
            lambda: service.save("anything", "x", {}),
            service.list_collections,
            service.ping,
        ):
            with pytest.raises(errors.Unauthorized) as excinfo:
                call()
            assert excinfo.value.status_code == 401
            _assert_hidden(wrong, excinfo.value, service)


def test_dead_port_is_backend_unavailable(couchdb_server: CouchDBServer) -> None:
    url = f"http://{couchdb_server.user}:{couchdb_server.password}@127.0.0.1:{free_port()}"
    settings = Settings(environ={}, DATABASE_PROVIDER="couchdb", COUCHDB_URL=url, DATABASE_TIMEOUT="2")
    with create_database_service(settings) as service:
        for call in (lambda: service.get("anything", "x"), service.ping, lambda: service.count("abc")):
            with pytest.raises(errors.BackendUnavailable) as excinfo:
                call()
            assert excinfo.value.status_code == 503
            assert "127.0.0.1" in excinfo.value.detail
            _assert_hidden(couchdb_server.password, excinfo.value, service)


def test_a_server_that_never_answers_times_out(couchdb_server: CouchDBServer) -> None:
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts connections into the backlog, never answers
        port = listener.getsockname()[1]
        with CouchDBDatabaseService(f"http://127.0.0.1:{port}", timeout=0.5) as service:
            with pytest.raises(errors.BackendUnavailable) as excinfo:
                service.get("anything", "x")
            assert "0.5 s" in excinfo.value.detail


def test_the_password_never_shows(couchdb_server: CouchDBServer, db: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret = couchdb_server.password
    settings = Settings(environ={}, **couchdb_server.settings_env)
    embedded = Settings(
        environ={},
        DATABASE_PROVIDER="couchdb",
        COUCHDB_URL=couchdb_server.url.replace("://", f"://{couchdb_server.user}:{secret}@"),
    )
    for source in (settings, embedded):
        with create_database_service(source) as service:
            service.save(db, "doc", {"v": 1})  # credentials work, from the variables or the URL
            assert db in service.list_collections()
            with pytest.raises(errors.DatabaseError) as excinfo:
                service.get(db, "absent")
            _assert_hidden(secret, excinfo.value, service)
            assert secret not in repr(service._server) + repr(service.ping())
        assert secret not in repr(source)
        assert secret not in repr(CouchDBConfig.from_settings(source))
    assert secret not in caplog.text


def _assert_hidden(secret: str, error: BaseException, service: object) -> None:
    token = base64.b64encode(f"admin:{secret}".encode()).decode()
    texts = [repr(service)]
    seen: BaseException | None = error
    while seen is not None:  # the error and everything chained to it
        texts += [str(seen), repr(seen), repr(seen.args)]
        seen = seen.__cause__ or seen.__context__
    for text in texts:
        assert secret not in text
        assert token not in text


# ---------------------------------------------------------------- configuration


def test_configuration_names_what_is_missing(couchdb_server: CouchDBServer) -> None:
    with pytest.raises(errors.ConfigurationError, match="COUCHDB_URL"):
        create_database_service(Settings(environ={}, DATABASE_PROVIDER="couchdb"))
    with pytest.raises(errors.ConfigurationError, match="COUCHDB_PASSWORD is not set"):
        create_database_service(
            Settings(environ={}, DATABASE_PROVIDER="couchdb", COUCHDB_URL=couchdb_server.url, COUCHDB_USER="admin")
        )
    with pytest.raises(errors.ConfigurationError, match="COUCHDB_USER is not set"):
        create_database_service(
            Settings(environ={}, DATABASE_PROVIDER="couchdb", COUCHDB_URL=couchdb_server.url, COUCHDB_PASSWORD="x")
        )
    with pytest.raises(errors.ConfigurationError, match="COUCHDB_URL must be an http") as excinfo:
        create_database_service(
            Settings(environ={}, DATABASE_PROVIDER="couchdb", COUCHDB_URL="ftp://admin:hunter2@example.invalid/")
        )
    assert "hunter2" not in str(excinfo.value)
    with pytest.raises(errors.ConfigurationError, match="COUCHDB_TIMEOUT"):
        create_database_service(
            Settings(environ={}, DATABASE_PROVIDER="couchdb", COUCHDB_URL=couchdb_server.url, COUCHDB_TIMEOUT="soon")
        )


def test_settings_reach_the_service(couchdb_server: CouchDBServer) -> None:
    settings = Settings(
        environ={},
        **couchdb_server.settings_env,
        DATABASE_TIMEOUT="7",
        COUCHDB_TIMEOUT="3.5",
        DATABASE_COLLECTION_PREFIX="stage-",
    )
    with create_database_service(settings) as service:
        assert isinstance(service, CouchDBDatabaseService)
        assert service._config.timeout == 3.5
        assert service.collection_prefix == "stage-"
        assert service.url == couchdb_server.url
        assert service.ping()["provider"] == "couchdb"
    with create_database_service(Settings(environ={}, **couchdb_server.settings_env, DATABASE_TIMEOUT="7")) as service:
        assert isinstance(service, CouchDBDatabaseService)
        assert service._config.timeout == 7.0


def test_special_passwords_in_the_url_are_decoded() -> None:
    config = CouchDBConfig.from_settings(
        Settings(environ={}, COUCHDB_URL="https://us%40er:p%40ss%3Aw%2Fd@db.example:6984/couch/")
    )
    assert (config.url, config.user, config.password) == ("https://db.example:6984/couch", "us@er", "p@ss:w/d")
    assert "p@ss" not in repr(config)


@pytest.mark.parametrize("prefix", ["1-", "_x", "-y"])
def test_prefix_must_make_valid_database_names(couchdb_server: CouchDBServer, prefix: str) -> None:
    settings = Settings(environ={}, **couchdb_server.settings_env, DATABASE_COLLECTION_PREFIX=prefix)
    with pytest.raises(errors.ConfigurationError, match="DATABASE_COLLECTION_PREFIX"):
        create_database_service(settings)
