"""End to end on the real servers: memory -> CouchDB -> DynamoDB -> Firestore -> file -> memory,
verified at every hop; and a target that goes away mid-run, then a re-run that completes."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from gofannon_db import DatabaseService
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.backends.sqlite import SqliteDatabaseService
from gofannon_db.migration import Progress, document_differences, import_file, migrate
from gofannon_db.testing.proxy import FaultProxy

from tests.launchers.couchdb import CouchDBServer
from tests.launchers.dynamodb import DynamoDBServer
from tests.launchers.firestore import FirestoreServer

from .cli import clean_env, gofannon_db, migrate_script, write_env
from .conftest import fill, sample_documents
from .servers import couchdb_env, dynamodb_env, firestore_env, service, start_couchdb, unique_prefix

COLLECTIONS = ["agents", "users", "tickets", "demos"]


def assert_same(expected: DatabaseService, actual: DatabaseService, collections: list[str]) -> None:
    """Every document equal under the round-trip rules, nothing missing, nothing extra."""
    for name in collections:
        want = {doc["_id"]: doc for doc in expected.iter_all(name)}
        got = {doc["_id"]: doc for doc in actual.iter_all(name)}
        assert want.keys() == got.keys(), name
        for doc_id, doc in want.items():
            assert document_differences(doc, got[doc_id]) == [], (name, doc_id)


def test_memory_couchdb_dynamodb_firestore_file_memory(
    couchdb: CouchDBServer, dynamodb: DynamoDBServer, firestore: FirestoreServer, tmp_path: Path
) -> None:
    prefix = unique_prefix()
    original = MemoryDatabaseService()
    fill(original, "agents", sample_documents(260, "agent"))
    fill(original, "users", sample_documents(45, "user"))
    fill(original, "tickets", sample_documents(3, "ticket"))
    # "demos" stays empty: an empty collection must survive every hop too.

    # Hop 1, through the library: memory lives in this process.
    with service(couchdb_env(couchdb), prefix) as couch:
        report = migrate(original, couch, COLLECTIONS, batch_size=100, verify=True)
        assert report.ok, report.to_text()
        assert report.collection("agents").written == 260

    couch_file = write_env(tmp_path / "couch.env", {**couchdb_env(couchdb), "DATABASE_COLLECTION_PREFIX": prefix})
    ddb_file = write_env(tmp_path / "ddb.env", {**dynamodb_env(dynamodb), "DATABASE_COLLECTION_PREFIX": prefix})
    fs_file = write_env(tmp_path / "fs.env", {**firestore_env(firestore), "DATABASE_COLLECTION_PREFIX": prefix})
    some = "--collections=" + ",".join(COLLECTIONS)

    # Hop 2, the seed's command: python scripts/migrate_database.py --source couchdb --target dynamodb
    result = migrate_script(
        "--source", "couchdb", "--target", "dynamodb", "--source-env", str(couch_file), "--target-env",
        str(ddb_file), some, "--batch-size", "50", "--verify", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    hop = json.loads(result.stdout)
    assert hop["ok"] is True
    assert {c["name"]: (c["written"], c["verified"]) for c in hop["collections"]} == {
        "agents": (260, 260),
        "users": (45, 45),
        "tickets": (3, 3),
        "demos": (0, 0),
    }
    assert couchdb.password not in result.stdout + result.stderr

    # Hop 3, the console script.
    result = gofannon_db(
        "migrate", "--source", "dynamodb", "--target", "firestore", "--source-env", str(ddb_file),
        "--target-env", str(fs_file), some, "--verify",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("OK: 308 documents written")

    # Hop 4: Firestore to a gzip file, verified against Firestore.
    dump = tmp_path / "firestore-dump.jsonl.gz"
    result = gofannon_db("export", str(dump), "--source-env", str(fs_file), some, "--verify", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["source"] == "firestore"

    # Hop 5: the file into a fresh memory store, verified against the file, then against the original.
    final = MemoryDatabaseService()
    report = import_file(final, dump, verify=True)
    assert report.ok, report.to_text()
    assert report.source == "firestore"
    assert_same(original, final, COLLECTIONS)
    # ... and the same import through the console script, into a sqlite file (the CLI refuses memory).
    final_file = tmp_path / "final.sqlite3"
    env = clean_env(SQLITE_PATH=str(final_file))
    result = gofannon_db("import", str(dump), "--target", "sqlite", "--verify", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    with SqliteDatabaseService(final_file) as stored:
        assert_same(original, stored, COLLECTIONS)

    # Every store on the way holds the same data.
    for env in (couchdb_env(couchdb), dynamodb_env(dynamodb), firestore_env(firestore)):
        with service(env, prefix) as store:
            assert_same(original, store, COLLECTIONS)


def test_couchdb_to_couchdb_across_two_servers_with_env_files(couchdb: CouchDBServer, tmp_path: Path) -> None:
    """Same provider on both sides: each side's env file points at its own server."""
    prefix = unique_prefix()
    with service(couchdb_env(couchdb), prefix) as first:
        fill(first, "agents", sample_documents(40))
        with start_couchdb() as other:
            source_env = write_env(
                tmp_path / "a.env", {"COUCHDB_URL": couchdb.url, "COUCHDB_PASSWORD": couchdb.password}
            )
            target_env = write_env(tmp_path / "b.env", {"COUCHDB_URL": other.url, "COUCHDB_PASSWORD": other.password})
            env = clean_env(COUCHDB_USER="admin", DATABASE_COLLECTION_PREFIX=prefix)  # shared by both sides
            args = ["--source", "couchdb", "--target", "couchdb", "--source-env", str(source_env)]
            result = gofannon_db("migrate", *args, "--target-env", str(target_env), "--collections=agents", env=env)
            assert result.returncode == 0, result.stdout + result.stderr
            again = gofannon_db(
                "migrate", *args, "--target-env", str(target_env), "--collections=agents", "--verify", "--json", env=env
            )
            assert again.returncode == 0, again.stdout + again.stderr
            assert json.loads(again.stdout)["collections"][0]["verified"] == 40
            with service(couchdb_env(other), prefix) as second:
                assert_same(first, second, ["agents"])
            # Without a target env file both sides are the same server: refused.
            same = gofannon_db(
                "migrate",
                *args,
                "--collections=agents",
                env={**env, "COUCHDB_URL": couchdb.url, "COUCHDB_PASSWORD": couchdb.password},
            )
            assert same.returncode == 1
            assert "Source and target are the same couchdb database" in same.stderr
            assert couchdb.password not in same.stderr + same.stdout


class After(Progress):
    """Call ``action`` once, after ``batches`` batches were written."""

    def __init__(self, batches: int, action: Any) -> None:
        self.left, self.action = batches, action

    def advance(self, count: int) -> None:
        self.left -= 1
        if self.left == 0:
            self.action()


def test_target_server_stopped_mid_run_then_rerun_on_a_fresh_server(couchdb: CouchDBServer) -> None:
    source = MemoryDatabaseService()
    fill(source, "agents", sample_documents(400, "a"))
    fill(source, "users", sample_documents(50, "u"))
    with contextlib.ExitStack() as running_server:
        doomed = running_server.enter_context(start_couchdb())
        with service(couchdb_env(doomed)) as target:
            report = migrate(
                source, target, ["agents", "users"], batch_size=50, progress=After(3, running_server.close)
            )
    assert report.status == "stopped"
    assert not report.ok
    assert report.error is not None
    assert report.error.startswith("the target failed: BackendUnavailable")
    assert "run the same command again" in report.error
    agents = report.collection("agents")
    assert agents.written == 150
    assert len(agents.failed) == 50  # the batch in flight, every id named
    assert {failure.status_code for failure in agents.failed} == {503}
    assert report.collection("users").read == 0
    text = report.to_text()
    assert "Stopped: the target failed: BackendUnavailable" in text
    assert "failed in agents:" in text
    assert doomed.password not in text

    prefix = unique_prefix()  # the re-run, on a fresh server (the shared session one)
    with service(couchdb_env(couchdb), prefix) as fresh:
        report = migrate(source, fresh, ["agents", "users"], batch_size=50, verify=True)
        assert report.ok, report.to_text()
        assert_same(source, fresh, ["agents", "users"])


def test_target_unreachable_mid_run_then_back_resumes_idempotently(dynamodb: DynamoDBServer) -> None:
    source = MemoryDatabaseService()
    fill(source, "sessions", sample_documents(300, "s"))
    host, port = dynamodb.endpoint_url.removeprefix("http://").split(":")
    proxy = FaultProxy(host, int(port)).start()
    try:
        env = {**dynamodb_env(dynamodb), "DYNAMODB_ENDPOINT_URL": f"http://127.0.0.1:{proxy.port}"}
        env["DYNAMODB_MAX_ATTEMPTS"] = "2"
        prefix = unique_prefix()
        with service(env, prefix) as target:
            report = migrate(source, target, ["sessions"], batch_size=40, progress=After(2, proxy.cut))
            assert report.status == "stopped"
            assert "the target failed: BackendUnavailable" in (report.error or "")
            sessions = report.collection("sessions")
            assert sessions.written == 80
            assert 0 < len(sessions.failed) <= 40
            proxy.restore()  # the same server is back, holding the first part of the run
            resumed = migrate(source, target, ["sessions"], batch_size=40, verify=True)
            assert resumed.ok, resumed.to_text()
            assert target.count("sessions") == 300
            assert_same(source, target, ["sessions"])
    finally:
        proxy.stop()
