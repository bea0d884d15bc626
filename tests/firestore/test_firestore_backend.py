"""Firestore-specific behaviour against the emulator: RPC counts, atomic conditional writes,
batches, paging, queries, configuration, errors and secrets."""

from __future__ import annotations

import http.server
import json
import logging
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gofannon_db import create_database_service
from gofannon_db.concurrency import DEFAULT_BULK_CONCURRENCY
from gofannon_db.errors import (
    BackendUnavailable,
    ConfigurationError,
    DatabaseError,
    DocumentTooLarge,
    InvalidDocument,
    PermissionDenied,
    RevisionConflict,
    Unauthorized,
)
from gofannon_db.settings import Settings
from gofannon_db.testing.base import fresh_name
from gofannon_db_firestore import service as service_module
from gofannon_db_firestore.config import FirestoreConfig
from gofannon_db_firestore.errors import translate_error
from gofannon_db_firestore.service import FirestoreDatabaseService

from tests.launchers.firestore import FirestoreServer
from tests.launchers.process import free_port

from .conftest import make_service

SECRET = "sekret-private-key-material-1234"


class Rpcs:
    """Counts the Firestore RPCs a service sends, by wrapping its GAPIC client's methods."""

    METHODS = (
        "get_document",
        "batch_get_documents",
        "commit",
        "batch_write",
        "run_query",
        "run_aggregation_query",
        "list_collection_ids",
    )

    def __init__(self, service: FirestoreDatabaseService) -> None:
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()  # bulk calls send requests from several threads
        api = service.client._firestore_api
        for name in self.METHODS:
            setattr(api, name, self._wrap(name, getattr(api, name)))

    def _wrap(self, name: str, method: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.calls[name] += 1
            return method(*args, **kwargs)

        return counted


@pytest.fixture
def collection(firestore_service: FirestoreDatabaseService) -> str:
    return fresh_name("fs")


# ---------------------------------------------------------------- revisions


def test_conditional_save_is_refused_when_a_write_lands_after_the_check(
    firestore_service: FirestoreDatabaseService, collection: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The update-time precondition, not the comparison, makes the write atomic."""
    rev = firestore_service.save(collection, "doc", {"n": 1})["rev"]
    check = FirestoreDatabaseService._check_revision

    intrusions = iter(range(1, 100))

    def check_then_intrude(self: FirestoreDatabaseService, *args: Any) -> None:
        check(self, *args)
        # A real change every time: an identical write would keep the update time.
        firestore_service.client.collection(collection).document("doc").set({"n": next(intrusions), "_rev": "9-x"})

    monkeypatch.setattr(FirestoreDatabaseService, "_check_revision", check_then_intrude)
    with pytest.raises(RevisionConflict):
        firestore_service.save(collection, "doc", {"_rev": rev, "n": 2})
    with pytest.raises(RevisionConflict):
        firestore_service.delete(collection, "doc", rev="9-x")
    results = firestore_service.save_many(collection, [{"_id": "doc", "_rev": "9-x", "n": 3}])
    assert results[0]["ok"] is False
    assert results[0]["status_code"] == 409
    monkeypatch.undo()
    assert firestore_service.get(collection, "doc") == {"_id": "doc", "_rev": "9-x", "n": 3}


def test_conditional_save_replaces_the_whole_document(
    firestore_service: FirestoreDatabaseService, collection: str
) -> None:
    rev = firestore_service.save(collection, "doc", {"a": 1, "b": {"c": 2}, "dot.ted": 3, "a`b\\": 4})["rev"]
    new = firestore_service.save(collection, "doc", {"_rev": rev, "b": {"d": [[1]]}, "e": {}})["rev"]
    assert firestore_service.get(collection, "doc") == {"_id": "doc", "_rev": new, "b": {"d": [[1]]}, "e": {}}
    rev = firestore_service.save(collection, "doc", {"_rev": new})["rev"]
    assert firestore_service.get(collection, "doc") == {"_id": "doc", "_rev": rev}


def test_document_written_by_another_tool_gets_a_revision(
    firestore_service: FirestoreDatabaseService, collection: str
) -> None:
    firestore_service.client.collection(collection).document("foreign").set({"x": 1})
    doc = firestore_service.get(collection, "foreign")
    assert doc["_rev"].startswith("0-")
    new = firestore_service.save(collection, "foreign", {**doc, "x": 2})["rev"]
    with pytest.raises(RevisionConflict):
        firestore_service.save(collection, "foreign", {**doc, "x": 3})
    assert firestore_service.get(collection, "foreign") == {"_id": "foreign", "_rev": new, "x": 2}


def test_create_is_one_rpc_and_conditional_save_two(
    firestore_service: FirestoreDatabaseService, collection: str
) -> None:
    rpcs = Rpcs(firestore_service)
    rev = firestore_service.create(collection, "doc", {"n": 1})["rev"]
    assert rpcs.calls == {"commit": 1}
    rpcs.calls.clear()
    firestore_service.save(collection, "doc", {"_rev": rev, "n": 2})
    assert sum(rpcs.calls.values()) == 2
    rpcs.calls.clear()
    firestore_service.save(collection, "doc", {"n": 3})
    firestore_service.delete(collection, "doc")
    assert rpcs.calls == {"commit": 2}


# ---------------------------------------------------------------- batches and paging


def test_batches_use_one_rpc_per_500(firestore_service: FirestoreDatabaseService, collection: str) -> None:
    rpcs = Rpcs(firestore_service)
    docs: list[dict[str, Any]] = [{"_id": f"d{n:04d}", "n": n} for n in range(1001)]
    results = firestore_service.save_many(collection, docs)
    assert all(result["ok"] for result in results)
    assert rpcs.calls == {"batch_write": 3}
    rpcs.calls.clear()
    found = firestore_service.get_many(collection, [doc["_id"] for doc in docs])
    assert len(found) == 1001
    assert all(found.values())
    assert rpcs.calls == {"batch_get_documents": 3}
    rpcs.calls.clear()
    updates = [{**doc, "_rev": result["rev"], "n": -1} for doc, result in zip(docs[:600], results[:600], strict=True)]
    assert all(result["ok"] for result in firestore_service.save_many(collection, updates))
    assert rpcs.calls == {"batch_get_documents": 2, "batch_write": 2}
    rpcs.calls.clear()
    deleted = firestore_service.delete_many(collection, [doc["_id"] for doc in docs])
    assert all(result["ok"] for result in deleted)
    assert rpcs.calls == {"batch_write": 3}


def test_save_many_splits_requests_by_bytes(firestore_service: FirestoreDatabaseService, collection: str) -> None:
    rpcs = Rpcs(firestore_service)
    big = "x" * 900_000
    results = firestore_service.save_many(collection, [{"_id": f"big-{n}", "data": big} for n in range(12)])
    assert all(result["ok"] for result in results)
    # 10.8 MB in requests of at most 3 MiB (the emulator refuses gRPC messages over 4 MiB).
    assert rpcs.calls["batch_write"] == 4
    assert firestore_service.count(collection) == 12


def test_save_many_over_the_size_limit_fails_alone(
    firestore_service: FirestoreDatabaseService, collection: str
) -> None:
    limit = firestore_service.max_document_bytes
    results = firestore_service.save_many(
        collection, [{"_id": "ok", "x": 1}, {"_id": "big", "data": "x" * limit}, {"_id": "ok2"}]
    )
    assert [result["ok"] for result in results] == [True, False, True]
    assert results[1]["status_code"] == 413


def test_delete_many_with_repeated_and_missing_ids(
    firestore_service: FirestoreDatabaseService, collection: str
) -> None:
    firestore_service.save_many(collection, [{"_id": "a"}, {"_id": "b"}])
    results = firestore_service.delete_many(collection, ["a", "a", "zzz", "b"])
    assert [(result["id"], result["ok"]) for result in results] == [
        ("a", True),
        ("a", True),
        ("zzz", True),
        ("b", True),
    ]
    assert firestore_service.count(collection) == 0


def test_iter_all_pages_with_cursors(firestore_service: FirestoreDatabaseService, collection: str) -> None:
    """Each page is one query of page_size; documents added behind the cursor still show up."""
    firestore_service.save_many(collection, [{"_id": f"d{n:02d}"} for n in range(6)])
    rpcs = Rpcs(firestore_service)
    stream = firestore_service.iter_all(collection, page_size=4)
    first = [next(stream)["_id"] for _ in range(4)]
    assert first == ["d00", "d01", "d02", "d03"]
    assert rpcs.calls == {"run_query": 1}
    firestore_service.save(collection, "d99", {})
    assert [doc["_id"] for doc in stream] == ["d04", "d05", "d99"]
    assert rpcs.calls["run_query"] == 2


def test_list_all_is_one_streamed_query(firestore_service: FirestoreDatabaseService, collection: str) -> None:
    firestore_service.save_many(collection, [{"_id": f"d{n:04d}", "n": n} for n in range(1000)])
    rpcs = Rpcs(firestore_service)
    listed = firestore_service.list_all(collection)
    assert [doc["n"] for doc in listed] == list(range(1000))
    assert rpcs.calls == {"run_query": 1}


def test_paging_that_ends_on_a_page_boundary_sends_no_empty_query(
    firestore_service: FirestoreDatabaseService, collection: str
) -> None:
    firestore_service.save_many(collection, [{"_id": f"d{n:02d}", "k": 1} for n in range(8)])
    rpcs = Rpcs(firestore_service)
    assert [doc["_id"] for doc in firestore_service.iter_all(collection, page_size=4)] == [
        f"d{n:02d}" for n in range(8)
    ]
    assert rpcs.calls == {"run_query": 2}
    rpcs.calls.clear()
    assert len(firestore_service.find(collection, {"k": 1}, limit=8)) == 8
    assert rpcs.calls == {"run_query": 1}


def test_bulk_requests_in_parallel_keep_input_order_and_per_document_errors(
    firestore_emulator: FirestoreServer, collection: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "BATCH_WRITES", 3)
    monkeypatch.setattr(service_module, "BATCH_READS", 2)
    for concurrency in (1, 4):
        with make_service(firestore_emulator, bulk_concurrency=concurrency) as service:
            name = f"{collection}-{concurrency}"
            first = service.save_many(name, [{"_id": f"d{n:02d}", "n": n} for n in range(10)])
            assert [result["id"] for result in first] == [f"d{n:02d}" for n in range(10)]
            rpcs = Rpcs(service)
            writes: list[dict[str, Any]] = [{"_id": f"d{n:02d}", "_rev": first[n]["rev"], "n": -n} for n in range(10)]
            writes[4]["_rev"] = "1-stale"
            writes[7]["_rev"] = "1-stale"
            writes.append({"_id": "new", "n": 99})
            results = service.save_many(name, writes)
            assert [result["id"] for result in results] == [*(f"d{n:02d}" for n in range(10)), "new"]
            assert [result["ok"] for result in results] == [n not in (4, 7) for n in range(11)]
            assert {results[4]["status_code"], results[7]["status_code"]} == {409}
            assert rpcs.calls["batch_write"] == 4  # 11 writes, 3 per request
            found = service.get_many(name, [*(f"d{n:02d}" for n in range(10)), "new", "absent"])
            assert [doc["n"] if doc else None for doc in found.values()] == [
                *(n if n in (4, 7) else -n for n in range(10)),
                99,
                None,
            ]
            deleted = service.delete_many(name, ["new", "absent", "d00", "new"])
            assert [(result["id"], result["ok"]) for result in deleted] == [
                ("new", True),
                ("absent", True),
                ("d00", True),
                ("new", True),
            ]
            assert service.count(name) == 9


def test_drop_collection_beyond_one_batch(firestore_service: FirestoreDatabaseService, collection: str) -> None:
    firestore_service.save_many(collection, [{"_id": f"d{n}"} for n in range(1100)])
    firestore_service.drop_collection(collection)
    assert firestore_service.count(collection) == 0
    assert collection not in firestore_service.list_collections()


# ---------------------------------------------------------------- queries


def test_find_on_escaped_and_quoted_field_names(firestore_service: FirestoreDatabaseService, collection: str) -> None:
    docs: list[dict[str, Any]] = [
        {"_id": "a", "~tag": "x", "sp ace": {"ünï": 1, "`q`": True}, "n": [[1]]},
        {"_id": "b", "~tag": "y", "sp ace": {"ünï": 2, "`q`": True}},
        {"_id": "c", "tag": "x", "~~": {"~0": "z"}},
    ]
    firestore_service.save_many(collection, docs)
    assert [doc["_id"] for doc in firestore_service.find(collection, {"~tag": "x"})] == ["a"]
    assert [doc["_id"] for doc in firestore_service.find(collection, {"sp ace.ünï": 2})] == ["b"]
    assert len(firestore_service.find(collection, {"sp ace.`q`": True})) == 2
    assert [doc["_id"] for doc in firestore_service.find(collection, {"~~.~0": "z"})] == ["c"]
    assert firestore_service.find(collection, {"n.~0": 1}) == []  # inside a list: never matched
    assert firestore_service.find(collection, {"~tag": "x"}, fields=["n", "sp ace.`q`", "_rev"]) == [
        {"_id": "a", "n": [[1]], "sp ace": {"`q`": True}, "_rev": firestore_service.get(collection, "a")["_rev"]}
    ]
    assert firestore_service.find(collection, {"_id": "b"}, fields=[]) == [{"_id": "b"}]
    assert firestore_service.find(collection, {"_id": "_bad"}) == []
    assert firestore_service.find(collection, {"_id": "b", "~tag": "x"}) == []


def test_find_pages_and_stops_at_the_limit(firestore_service: FirestoreDatabaseService, collection: str) -> None:
    firestore_service.save_many(collection, [{"_id": f"d{n:04d}", "k": 1} for n in range(1200)])
    rpcs = Rpcs(firestore_service)
    assert len(firestore_service.find(collection, {"k": 1}, limit=501)) == 501
    assert rpcs.calls == {"run_query": 2}
    assert len(firestore_service.find(collection, {"k": 1})) == 1200
    projected = firestore_service.find(collection, {"k": 1}, fields=["k"])
    assert len({doc["_id"] for doc in projected}) == 1200
    assert projected[0] == {"_id": "d0000", "k": 1}


def test_count_is_an_aggregation_returning_an_int(firestore_service: FirestoreDatabaseService, collection: str) -> None:
    firestore_service.save_many(collection, [{"_id": f"d{n}"} for n in range(3)])
    rpcs = Rpcs(firestore_service)
    count = firestore_service.count(collection)
    assert count == 3
    assert type(count) is int
    assert rpcs.calls == {"run_aggregation_query": 1}


# ---------------------------------------------------------------- configuration and factory


def test_factory_builds_the_provider_from_settings_alone(firestore_emulator: FirestoreServer) -> None:
    """The emulator host and project come from Settings keyword arguments, not os.environ."""
    settings = Settings(
        {},
        DATABASE_PROVIDER="firestore",
        FIRESTORE_EMULATOR_HOST=firestore_emulator.host,
        GOOGLE_CLOUD_PROJECT="ignored-project",
        FIRESTORE_PROJECT_ID=firestore_emulator.project_id,
        DATABASE_COLLECTION_PREFIX="fac-",
        FIRESTORE_TIMEOUT="7",
    )
    with create_database_service(settings) as service:
        assert isinstance(service, FirestoreDatabaseService)
        assert service.client.project == firestore_emulator.project_id
        assert service.timeout == 7.0
        assert service.ping()["emulator"] == firestore_emulator.host
        service.save("things", "one", {"v": 1})
        assert service.list_collections() == ["things"]
        assert [c.id for c in service.client.collections()] == ["fac-things"]


def test_config_from_settings() -> None:
    config = FirestoreConfig.from_settings(
        Settings({}, GOOGLE_CLOUD_PROJECT="gcp", DATABASE_TIMEOUT="3", GOOGLE_APPLICATION_CREDENTIALS="/k.json")
    )
    assert (config.project, config.database, config.timeout, config.emulator_host) == ("gcp", "(default)", 3.0, None)
    assert "/k.json" not in repr(config)
    config = FirestoreConfig.from_settings(
        Settings({}, GOOGLE_CLOUD_PROJECT="gcp", FIRESTORE_PROJECT_ID="fs", FIRESTORE_DATABASE="other")
    )
    assert (config.project, config.database, config.timeout) == ("fs", "other", 10.0)
    assert config.bulk_concurrency == DEFAULT_BULK_CONCURRENCY
    assert FirestoreConfig.from_settings(Settings({}, FIRESTORE_BULK_CONCURRENCY="1")).bulk_concurrency == 1


@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_bad_bulk_concurrency_is_a_configuration_error(value: str) -> None:
    with pytest.raises(ConfigurationError, match="FIRESTORE_BULK_CONCURRENCY"):
        FirestoreConfig.from_settings(Settings({}, FIRESTORE_BULK_CONCURRENCY=value))


def test_emulator_without_a_project_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as excinfo:
        create_database_service(Settings({}, DATABASE_PROVIDER="firestore", FIRESTORE_EMULATOR_HOST="127.0.0.1:1"))
    assert "FIRESTORE_PROJECT_ID" in excinfo.value.detail


def test_emulator_mode_never_looks_for_cloud_credentials(
    firestore_emulator: FirestoreServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With an emulator host, neither Application Default Credentials nor the metadata server are consulted."""
    import google.auth
    from google.auth.compute_engine import _metadata

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a cloud credential lookup happened in emulator mode")

    monkeypatch.setattr(google.auth, "default", forbidden)
    monkeypatch.setattr(_metadata, "ping", forbidden)
    monkeypatch.setattr(_metadata, "is_on_gce", forbidden)
    settings = Settings(
        {},
        DATABASE_PROVIDER="firestore",
        FIRESTORE_EMULATOR_HOST=firestore_emulator.host,
        FIRESTORE_PROJECT_ID=firestore_emulator.project_id,
    )
    with create_database_service(settings) as service:
        service.save("things", "doc", {"x": 1})
        assert service.get("things", "doc")["x"] == 1


def test_plugin_discovery_imports_no_google_sdk() -> None:
    code = (
        "import sys; from gofannon_db.plugins import get_registry; assert 'firestore' in get_registry().names(); "
        "print(sorted(m for m in sys.modules if m.startswith(('google', 'grpc'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------- errors and secrets


def test_unreachable_emulator_is_backend_unavailable() -> None:
    config = FirestoreConfig(project="demo-gofannon", emulator_host=f"127.0.0.1:{free_port()}", timeout=1.0)
    with FirestoreDatabaseService(config) as service:
        for call in (
            lambda: service.get("things", "doc"),
            lambda: service.save("things", "doc", {"a": 1}),
            lambda: service.save("things", "doc", {"_rev": "1-a"}),
            lambda: service.list_all("things"),
            lambda: service.count("things"),
            service.ping,
        ):
            with pytest.raises(BackendUnavailable) as excinfo:
                call()
            assert excinfo.value.status_code == 503
            assert excinfo.value.__cause__ is not None
        # contract v2 §5: a bulk call the server cannot finish raises, with one result per input
        with pytest.raises(BackendUnavailable) as saved:
            service.save_many("things", [{"_id": "a"}, {"_id": "b"}])
        assert [result.get("status_code") for result in saved.value.results or []] == [503, 503]
        with pytest.raises(BackendUnavailable) as deleted:
            service.delete_many("things", ["a"])
        assert [result["ok"] for result in deleted.value.results or []] == [False]


def test_unreachable_emulator_fails_every_parallel_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service_module, "BATCH_WRITES", 1)
    config = FirestoreConfig(project="demo-gofannon", emulator_host=f"127.0.0.1:{free_port()}", timeout=1.0)
    with FirestoreDatabaseService(config) as service:
        with pytest.raises(BackendUnavailable) as saved:
            service.save_many("things", [{"_id": f"d{n}"} for n in range(6)])
        results = saved.value.results or []
        assert [(result["id"], result.get("status_code")) for result in results] == [(f"d{n}", 503) for n in range(6)]
        with pytest.raises(BackendUnavailable) as raised:
            service.delete_many("things", ["a", "b", "c"])
        deleted = raised.value.results or []
        assert [(result["id"], result.get("status_code")) for result in deleted] == [
            ("a", 503),
            ("b", 503),
            ("c", 503),
        ]
        with pytest.raises(BackendUnavailable):
            service.get_many("things", ["a", "b"])


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda api, auth, message: api.Unauthenticated(message), Unauthorized),
        (lambda api, auth, message: api.PermissionDenied(message), PermissionDenied),
        (lambda api, auth, message: api.ServiceUnavailable(message), BackendUnavailable),
        (lambda api, auth, message: api.RetryError(message, api.ServiceUnavailable(message)), BackendUnavailable),
        (lambda api, auth, message: api.RetryError(message, api.PermissionDenied(message)), PermissionDenied),
        (lambda api, auth, message: api.InvalidArgument("maximum entity size " + message), DocumentTooLarge),
        (lambda api, auth, message: api.InvalidArgument(message), InvalidDocument),
        (lambda api, auth, message: api.AlreadyExists(message), RevisionConflict),
        (lambda api, auth, message: auth.RefreshError(message), Unauthorized),
        (lambda api, auth, message: auth.TransportError(message), BackendUnavailable),
    ],
)
def test_errors_are_typed_and_never_echo_the_servers_message(make: Any, expected: type[DatabaseError]) -> None:
    from google.api_core import exceptions as api
    from google.auth import exceptions as auth

    error = translate_error(make(api, auth, f"token ya29.{SECRET}"))
    assert type(error) is expected
    assert SECRET not in str(error)
    assert SECRET not in repr(error)


@pytest.fixture
def token_server() -> Iterator[str]:
    """A 127.0.0.1 OAuth token endpoint that refuses every grant, as Google's does for a revoked key."""

    class Refuse(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.dumps({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}).encode()
            self.send_response(400)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/token"
    finally:
        server.shutdown()
        server.server_close()


def _service_account_file(directory: Path, token_uri: str) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "key-project",
        "private_key_id": SECRET,
        "private_key": pem,
        "client_email": "tester@key-project.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": token_uri,
    }
    path = directory / "key.json"
    path.write_text(json.dumps(info))
    return path


def test_credentials_file_is_used_and_never_shown(
    tmp_path: Path, token_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    """No Firestore RPC (no traffic may leave 127.0.0.1): the key's project is used, a refused token
    is Unauthorized, and neither the key nor the server's words appear anywhere."""
    caplog.set_level(logging.DEBUG)
    key_file = _service_account_file(tmp_path, token_server)
    settings = Settings({}, DATABASE_PROVIDER="firestore", GOOGLE_APPLICATION_CREDENTIALS=str(key_file))
    service = create_database_service(settings)
    assert isinstance(service, FirestoreDatabaseService)
    try:
        assert service.client.project == "key-project"
        assert service.client._credentials.service_account_email.startswith("tester@")
        for text in (repr(service), repr(service.config), repr(settings), str(service.ping.__doc__)):
            assert SECRET not in text
            assert str(key_file) not in text
            assert "PRIVATE KEY" not in text
        error = translate_error(_refresh_error(service))
        assert isinstance(error, Unauthorized)
        assert SECRET not in str(error)
        assert "PRIVATE KEY" not in str(error)
        assert SECRET not in caplog.text
        assert "PRIVATE KEY" not in caplog.text
    finally:
        service.close()


def _refresh_error(service: FirestoreDatabaseService) -> Exception:
    """Refresh the key's token against the refusing token server: google-auth's own failure."""
    import google.auth.transport.requests

    try:
        service.client._credentials.refresh(google.auth.transport.requests.Request())
    except Exception as exc:
        return exc
    raise AssertionError("the token server should have refused the grant")


def test_missing_credentials_file_is_a_configuration_error(tmp_path: Path) -> None:
    missing = tmp_path / f"{SECRET}.json"
    with pytest.raises(ConfigurationError) as excinfo:
        create_database_service(
            Settings(
                {}, DATABASE_PROVIDER="firestore", FIRESTORE_PROJECT_ID="p", GOOGLE_APPLICATION_CREDENTIALS=str(missing)
            )
        )
    assert SECRET not in str(excinfo.value)


def test_service_repr_names_no_credentials(firestore_emulator: FirestoreServer) -> None:
    with make_service(firestore_emulator, collection_prefix="pre-") as service:
        assert repr(service) == (
            f"<FirestoreDatabaseService provider='firestore' project='demo-gofannon' database='(default)' "
            f"emulator='{firestore_emulator.host}' prefix='pre-'>"
        )
