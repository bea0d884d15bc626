"""The commands as users run them: the console script and the seed's script, in a subprocess, on sqlite files.

(The CLI refuses the memory provider, whose data another process cannot see: tests/sqlite/test_cli.py.)"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from .cli import clean_env, gofannon_db, migrate_script, write_env

SIDES = ("--source", "sqlite", "--target", "sqlite")


def sqlite_env(tmp_path: Path) -> dict[str, str]:
    """The environment's SQLITE_PATH is the source's file; :func:`sides` gives the target its own."""
    return clean_env(SQLITE_PATH=str(tmp_path / "source.sqlite3"))


def sides(tmp_path: Path) -> tuple[str, ...]:
    target_env = write_env(tmp_path / "target.env", {"SQLITE_PATH": str(tmp_path / "target.sqlite3")})
    return (*SIDES, "--target-env", str(target_env))


def test_migrate_sqlite_to_sqlite_with_env_files_and_json(tmp_path: Path) -> None:
    source_env = write_env(tmp_path / "source.env", {"DATABASE_COLLECTION_PREFIX": "src-"})
    target_env = write_env(tmp_path / "target.env", {"DATABASE_COLLECTION_PREFIX": "dst-"})
    result = gofannon_db(
        "migrate", *SIDES, "--source-env", str(source_env),
        "--target-env", str(target_env), "--collections", "agents,users", "--verify", "--json",
        env=clean_env(SQLITE_PATH=str(tmp_path / "one.sqlite3")),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["status"] == "completed"
    assert [c["name"] for c in report["collections"]] == ["agents", "users"]
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


def test_default_collections_and_text_summary(tmp_path: Path) -> None:
    result = gofannon_db("migrate", *sides(tmp_path), "--dry-run", env=sqlite_env(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "migrate sqlite -> sqlite (dry run: nothing written)"
    assert [line.split()[0] for line in lines[2:8]] == [
        "agents",
        "deployments",
        "users",
        "sessions",
        "tickets",
        "demos",
    ]
    assert lines[-1].startswith("OK:")


def test_quiet_prints_nothing_on_success(tmp_path: Path) -> None:
    result = gofannon_db("migrate", *sides(tmp_path), "--quiet", env=sqlite_env(tmp_path))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_seed_script_wrapper_runs_migrate(tmp_path: Path) -> None:
    result = migrate_script(*sides(tmp_path), "--collections=agents", "--json", env=sqlite_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["operation"] == "migrate"
    usage = migrate_script("--help")
    assert "--source-env" in usage.stdout


def test_bad_env_file_is_one_clear_line_without_the_secret(tmp_path: Path) -> None:
    env_file = tmp_path / "bad.env"
    env_file.write_text('COUCHDB_PASSWORD="hunter2\n')
    result = gofannon_db("migrate", *SIDES, "--target-env", str(env_file), env=sqlite_env(tmp_path))
    assert result.returncode == 1
    assert "ConfigurationError" in result.stderr
    assert "line 1" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout
    missing = gofannon_db("migrate", *SIDES, "--source-env", "/nope.env", env=sqlite_env(tmp_path))
    assert missing.returncode == 1
    assert "Cannot read the env file '/nope.env'" in missing.stderr


def test_unknown_provider_and_bad_arguments(tmp_path: Path) -> None:
    result = gofannon_db("migrate", "--source", "sqlite", "--target", "nosuch", env=sqlite_env(tmp_path))
    assert result.returncode == 1
    assert "ProviderNotFound" in result.stderr
    usage = gofannon_db("migrate", *SIDES, "--batch-size", "0")
    assert usage.returncode == 2
    both = gofannon_db("migrate", *SIDES, "--collections=a", "--all-collections")
    assert both.returncode == 2


def test_export_then_import_with_verify_and_dry_run(tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl.gz"
    header = {"format": "gofannon-db-export", "version": 1, "source_provider": "memory", "collections": ["agents"]}
    docs = [
        {"collection": "agents", "document": {"_id": f"a{i}", "n": i, "f": 1.5, "l": [[1], {"k": None}]}}
        for i in range(7)
    ]
    lines = [header, *docs, {"end": {"documents": {"agents": 7}}}]
    dump.write_bytes(gzip.compress("".join(json.dumps(line) + "\n" for line in lines).encode()))

    env = clean_env(DATABASE_PROVIDER="sqlite", SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    result = gofannon_db("import", str(dump), "--verify", "--json", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["collections"] == [
        {"name": "agents", "read": 7, "written": 7, "failed": [], "verified": 7, "differences": [], "ok": True}
    ]
    dry = gofannon_db("import", str(dump), "--dry-run", "--target", "sqlite", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "(dry run: nothing written)" in dry.stdout

    out = tmp_path / "empty.jsonl"
    exported = gofannon_db("export", str(out), "--source", "sqlite", "--collections", "users", "--verify", env=env)
    assert exported.returncode == 0, exported.stderr
    assert [json.loads(line) for line in out.read_text().splitlines()][-1] == {"end": {"documents": {"users": 0}}}


def test_import_malformed_line_exit_code_and_line_number(tmp_path: Path) -> None:
    dump = tmp_path / "bad.jsonl"
    dump.write_text(
        '{"format": "gofannon-db-export", "version": 1}\n'
        '{"collection": "agents", "document": {"_id": "a1"}}\n'
        '{"collection": "agents", "document": {"_id": \n'
        '{"collection": "agents", "document": {"_id": "a3"}}\n'
        '{"end": {}}\n'
    )
    env = clean_env(DATABASE_PROVIDER="sqlite", SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    result = gofannon_db("import", str(dump), env=env)
    assert result.returncode == 1
    assert "line 3:" in result.stdout
    assert "line 3 is malformed" in result.stdout
    assert "1 documents before it were written, 1 after it were not" in result.stdout
    quiet = gofannon_db("import", str(dump), "--quiet", env=env)
    assert quiet.returncode == 1
    assert "line 3 is malformed" in quiet.stderr  # quiet still explains a failure
    not_export = tmp_path / "x.jsonl"
    not_export.write_text("[]\n")
    refused = gofannon_db("import", str(not_export), env=env)
    assert refused.returncode == 1
    assert "ExportFileError" in refused.stderr
