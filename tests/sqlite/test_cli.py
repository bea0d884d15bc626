"""The migration story: ``gofannon-db migrate --source sqlite --target couchdb`` end to end on the real
CouchDB test server, and the CLI's one-line refusal of the memory provider (the library still takes it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gofannon_db import Settings, create_database_service
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.backends.sqlite import SqliteDatabaseService
from gofannon_db.migration import document_differences, migrate

from tests.launchers.couchdb import CouchDBServer
from tests.migration.cli import clean_env, gofannon_db, write_env
from tests.migration.conftest import fill, sample_documents
from tests.migration.servers import unique_prefix


def test_migrate_sqlite_to_couchdb_through_the_console_script(couchdb_server: CouchDBServer, tmp_path: Path) -> None:
    path = tmp_path / "dev.sqlite3"
    with SqliteDatabaseService(path) as dev:
        fill(dev, "agents", sample_documents(120, "agent"))
        fill(dev, "users", sample_documents(7, "user"))
        expected = {name: {doc["_id"]: doc for doc in dev.iter_all(name)} for name in ("agents", "users")}
        prefix = unique_prefix()
        target_env = write_env(
            tmp_path / "prod.env", {**couchdb_server.settings_env, "DATABASE_COLLECTION_PREFIX": prefix}
        )
        # The application keeps its service open while the CLI, another process, reads the same file.
        result = gofannon_db(
            "migrate", "--source", "sqlite", "--target", "couchdb", "--target-env", str(target_env),
            "--collections", "agents,users", "--batch-size", "50", "--verify", "--json",
            env=clean_env(SQLITE_PATH=str(path)),
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        report = json.loads(result.stdout)
        assert {c["name"]: (c["written"], c["verified"]) for c in report["collections"]} == {
            "agents": (120, 120),
            "users": (7, 7),
        }
        assert couchdb_server.password not in result.stdout + result.stderr
    settings = Settings({**couchdb_server.settings_env, "DATABASE_COLLECTION_PREFIX": prefix})
    with create_database_service(settings) as couch:
        for name, docs in expected.items():
            copied = {doc["_id"]: doc for doc in couch.iter_all(name)}
            assert copied.keys() == docs.keys()
            assert all(document_differences(docs[doc_id], copied[doc_id]) == [] for doc_id in docs)
            couch.drop_collection(name)


@pytest.mark.parametrize(
    ("args", "named_by"),
    [
        (["migrate", "--source", "memory", "--target", "sqlite"], "--source=memory"),
        (["migrate", "--source", "sqlite", "--target", "memory"], "--target=memory"),
        (["export", "out.jsonl"], "DATABASE_PROVIDER=memory"),
        (["import", "in.jsonl", "--target", "memory"], "--target=memory"),
    ],
)
def test_cli_refuses_memory_in_one_line_naming_sqlite(args: list[str], named_by: str, tmp_path: Path) -> None:
    result = gofannon_db(*args, env=clean_env(SQLITE_PATH=str(tmp_path / "x.sqlite3")), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert named_by in lines[0]
    assert "another process" in lines[0]
    assert "DATABASE_PROVIDER=sqlite" in lines[0]
    assert list(tmp_path.iterdir()) == []  # refused before any file was opened or written


def test_library_migrate_from_a_live_memory_service_still_works(tmp_path: Path) -> None:
    memory = MemoryDatabaseService()
    fill(memory, "agents", sample_documents(30))
    with SqliteDatabaseService(tmp_path / "kept.sqlite3") as kept:
        report = migrate(memory, kept, ["agents"], verify=True)
        assert report.ok, report.to_text()
        assert kept.count("agents") == 30
