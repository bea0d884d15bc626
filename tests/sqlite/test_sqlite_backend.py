"""What the conformance suite does not cover: find exact against awkward keys and values, the index the
planner uses, the lock deadline, the file surviving a reopen, and the provider's settings."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from gofannon_db import Settings, create_database_service, query
from gofannon_db.backends import sqlite_sql
from gofannon_db.backends.sqlite import SqliteDatabaseService
from gofannon_db.errors import BackendUnavailable, ConfigurationError, DatabaseError, RevisionConflict
from gofannon_db.testing.base import fresh_name
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

KEYS = ["a", 'q"t', "b\\s", "it's", "[0]", "{x}", "é", "nl\n"]
POOL: list[Any] = [None, True, False, 0, 1, 1.0, -0.0, 0.1, 0.30000000000000004, 2**53 - 1, 2.0**60, 1e300]
POOL += ["", "1", "true", 'q"t', "b\\s", "é", "nul\x00", "it's", "tab\t", "\x1f", "\u2028"]
SCALARS = st.sampled_from(POOL)
VALUES = st.recursive(SCALARS, lambda inner: st.dictionaries(st.sampled_from(KEYS), inner, max_size=3), max_leaves=6)
DOCS = st.lists(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=4), min_size=1, max_size=8)


def leaves(doc: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for key, value in doc.items():
        if isinstance(value, dict):
            found += leaves(value, f"{prefix}{key}.")
        else:
            found.append((prefix + key, value))
    return found


def near(value: Any) -> list[Any]:
    """Values equal to ``value`` by the contract, and values that SQL might wrongly take as equal."""
    if value is None or isinstance(value, bool):
        return [value, None, True, False, 0, 1, "true"]
    if isinstance(value, (int, float)):
        twins = [value, float(value), -value, value * (1 + 1e-15), str(value)]
        return twins + ([int(value)] if float(value).is_integer() and abs(value) < 2**63 else [])
    return [value, value.upper(), value + " "]


@pytest.fixture(scope="module")
def memory_db() -> Any:
    with SqliteDatabaseService(":memory:") as service:
        yield service


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=DOCS, data=st.data(), indexed=st.booleans())
def test_find_is_exact_by_the_contract_rules(
    memory_db: SqliteDatabaseService, docs: list[dict[str, Any]], data: st.DataObject, indexed: bool
) -> None:
    # Selector paths and values come from the stored documents, with the value swapped for a twin
    # (1 for 1.0, True for 1, ...), so that the cases SQL would compare loosely are common.
    pairs = [pair for doc in docs for pair in leaves(doc)] or [("a", 1)]
    picked = data.draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=2), "paths")
    selector = {path: data.draw(st.sampled_from(near(value)), path) for path, value in picked}
    name = fresh_name("find")
    stored = [{"_id": f"d{n}", **doc} for n, doc in enumerate(docs)]
    assert all(result["ok"] for result in memory_db.save_many(name, stored))
    if indexed:
        memory_db.ensure_index(name, list(selector))
    try:
        found = sorted(doc["_id"] for doc in memory_db.find(name, selector))
        expected = sorted(doc["_id"] for doc in stored if query.matches(doc, selector))
        assert found == expected
    finally:
        memory_db.drop_collection(name)


def test_keys_sqlite_cannot_spell_are_left_to_python() -> None:
    assert sqlite_sql.json_path("team.name") == """'$."team"."name"'"""
    assert sqlite_sql.json_path("it's.[0]") == """'$."it''s"."[0]"'"""
    assert sqlite_sql.json_path('q"t') is None
    assert sqlite_sql.json_path("a.b\\s") is None
    where, params, exact = sqlite_sql.selector_clause({'q"t': 1, "a": "x"})
    assert 'q"t' not in where
    assert (params, exact) == (["x"], False)
    assert sqlite_sql.selector_clause({"a": "x", "b.c": True, "d": None})[2] is True
    assert sqlite_sql.selector_clause({"a": "x", "n": 1})[2] is False


def test_find_on_an_indexed_field_uses_the_index(sqlite_service: SqliteDatabaseService) -> None:
    name = fresh_name("idx")
    sqlite_service.save_many(name, [{"_id": f"d{n}", "team": {"name": f"t{n % 5}"}} for n in range(50)])
    sqlite_service.ensure_index(name, ["team.name"], index_name="by-team")
    where, params, _ = sqlite_sql.selector_clause({"team.name": "t3"})
    with sqlite3.connect(sqlite_service.path) as raw:
        plan = raw.execute(
            f"EXPLAIN QUERY PLAN SELECT id FROM {sqlite_sql.table_name(name)} WHERE {where}", params
        ).fetchall()
    assert any("USING INDEX" in row[-1] and "by-team" in row[-1] for row in plan), plan
    assert len(sqlite_service.find(name, {"team.name": "t3"})) == 10
    sqlite_service.drop_collection(name)


def test_a_held_write_lock_gives_503_within_the_timeout_and_reads_go_on(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    with SqliteDatabaseService(path, timeout=0.5) as service:
        service.save("docs", "a", {"v": 1})
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # another process's writer, holding the lock
            started = time.monotonic()
            with pytest.raises(BackendUnavailable) as excinfo:
                service.save("docs", "a", {"v": 2})
            assert time.monotonic() - started < 0.5 + 1
            assert "locked" in excinfo.value.detail
            assert "SQLITE_TIMEOUT" in excinfo.value.detail
            assert service.get("docs", "a")["v"] == 1  # WAL: readers never wait for a writer
            with pytest.raises(BackendUnavailable) as bulk:
                service.save_many("docs", [{"_id": "b"}, {"_id": "c"}])
            assert bulk.value.results is not None
            assert [entry.get("status_code") for entry in bulk.value.results] == [503, 503]
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert service.save("docs", "a", {"v": 3})["rev"].startswith("2-")


def test_data_survives_closing_and_reopening(tmp_path: Path) -> None:
    path = tmp_path / "kept.sqlite3"
    with SqliteDatabaseService(path) as service:
        rev = service.save("agents", "a1", {"name": "Ada", "ratio": 0.1, "whole": 2.0})["rev"]
        service.ensure_index("agents", ["name"])
    with SqliteDatabaseService(path) as service:
        assert service.get("agents", "a1") == {"_id": "a1", "_rev": rev, "name": "Ada", "ratio": 0.1, "whole": 2.0}
        assert service.list_collections() == ["agents"]
        assert service.ping()["journal_mode"] == "wal"


def test_foreign_tables_in_the_file_are_not_collections(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
    with SqliteDatabaseService(path) as service:
        assert service.list_collections() == []
        service.save("users", "u1", {})
        assert service.list_collections() == ["users"]


def test_the_factory_reads_sqlite_path_and_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "app.sqlite3"
    env = {"DATABASE_PROVIDER": "sqlite", "SQLITE_PATH": str(path), "DATABASE_TIMEOUT": "3"}
    with create_database_service(Settings(env)) as service:
        assert isinstance(service, SqliteDatabaseService)
        assert (service.path, service.timeout) == (str(path), 3.0)
    with create_database_service(Settings({**env, "SQLITE_TIMEOUT": "7.5"})) as service:
        assert isinstance(service, SqliteDatabaseService)
        assert service.timeout == 7.5
    monkeypatch.chdir(tmp_path)
    with create_database_service(Settings({"DATABASE_PROVIDER": "sqlite"})) as service:
        monkeypatch.chdir(tmp_path.parent)  # a relative path was resolved once: new connections use the same file
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda n: service.save("docs", f"d{n}", {}), range(8)))
    assert (tmp_path / "gofannon-db.sqlite3").exists()
    with SqliteDatabaseService(tmp_path / "gofannon-db.sqlite3") as again:
        assert again.count("docs") == 8


def test_an_unusable_path_is_a_configuration_error_naming_it(tmp_path: Path) -> None:
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("hello, this is not a database file " * 100)
    for bad in (tmp_path / "no-such-dir" / "db.sqlite3", not_sqlite):
        with pytest.raises(ConfigurationError) as excinfo:
            create_database_service(Settings({"DATABASE_PROVIDER": "sqlite", "SQLITE_PATH": str(bad)}))
        assert "SQLITE_PATH" in excinfo.value.detail
        assert str(bad) in excinfo.value.detail


def test_discovery_and_the_default_provider_do_not_import_sqlite3() -> None:
    code = (
        "import sys, gofannon_db\n"
        "from gofannon_db.plugins import get_registry\n"
        "assert get_registry().get('sqlite').name == 'sqlite'\n"
        "gofannon_db.create_database_service(gofannon_db.Settings({})).close()\n"
        "print('_sqlite3' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
    assert (result.returncode, result.stdout.strip()) == (0, "False"), result.stderr


def test_bulk_calls_pass_awkward_ids_through_json_each(memory_db: SqliteDatabaseService) -> None:
    # save_many and get_many send their ids to SQLite as one JSON array: quotes, backslashes and
    # characters outside the BMP must come back as the same ids.
    ids = ['a"b', "c\\d", "é☃", "x y+%?#:@&", "\U0001f600", "plain"]
    name = fresh_name("ids")
    assert all(result["ok"] for result in memory_db.save_many(name, [{"_id": i, "n": n} for n, i in enumerate(ids)]))
    found = memory_db.get_many(name, [*ids, "missing"])
    assert {doc_id: doc and doc["n"] for doc_id, doc in found.items()} == {
        **{doc_id: n for n, doc_id in enumerate(ids)},
        "missing": None,
    }
    updates = [{"_id": i, "_rev": found[i]["_rev"], "n": -1} for i in ids]  # type: ignore[index]
    assert all(result["ok"] for result in memory_db.save_many(name, updates))
    assert all(result["ok"] for result in memory_db.delete_many(name, ids[:3]))
    assert memory_db.count(name) == 3
    memory_db.drop_collection(name)


def test_close_closes_every_connection_even_one_lent_out(tmp_path: Path) -> None:
    service = SqliteDatabaseService(tmp_path / "pool.sqlite3")
    pool = service._pool
    lent = [pool.borrow() for _ in range(3)]  # as three threads in the middle of a call would hold them
    pool.give_back(lent[0])
    service.close()
    pool.give_back(lent[1])  # calls that were under way finish, then their connection closes
    for conn in lent[:2]:
        with pytest.raises(sqlite3.ProgrammingError):
            conn.execute("SELECT 1")
    pool.give_back(lent[2])
    with pytest.raises(sqlite3.ProgrammingError):
        lent[2].execute("SELECT 1")
    with pytest.raises(DatabaseError) as excinfo:
        service.get("docs", "a")
    assert "closed" in excinfo.value.detail


def test_conditional_writes_that_fail_create_no_collection(memory_db: SqliteDatabaseService) -> None:
    name = fresh_name("never")
    with pytest.raises(RevisionConflict):
        memory_db.save(name, "a", {"_rev": "1-" + "0" * 32})
    results = memory_db.save_many(name, [{"_id": "b", "_rev": "1-" + "0" * 32}])
    assert [result["status_code"] for result in results] == [409]
    assert name not in memory_db.list_collections()
