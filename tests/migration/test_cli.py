"""The commands as users run them: the console script and the seed's script, in a subprocess, on memory."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from .cli import clean_env, gofannon_db, migrate_script, write_env


def test_migrate_memory_to_memory_with_env_files_and_json(tmp_path: Path) -> None:
    source_env = write_env(tmp_path / "source.env", {"DATABASE_COLLECTION_PREFIX": "src-"})
    target_env = write_env(tmp_path / "target.env", {"DATABASE_COLLECTION_PREFIX": "dst-"})
    result = gofannon_db(
        "migrate", "--source", "memory", "--target", "memory", "--source-env", str(source_env),
        "--target-env", str(target_env), "--collections", "agents,users", "--verify", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["status"] == "completed"
    assert [c["name"] for c in report["collections"]] == ["agents", "users"]
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


def test_default_collections_and_text_summary() -> None:
    result = gofannon_db("migrate", "--source", "memory", "--target", "memory", "--dry-run")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "migrate memory -> memory (dry run: nothing written)"
    assert [line.split()[0] for line in lines[2:8]] == [
        "agents",
        "deployments",
        "users",
        "sessions",
        "tickets",
        "demos",
    ]
    assert lines[-1].startswith("OK:")


def test_quiet_prints_nothing_on_success() -> None:
    result = gofannon_db("migrate", "--source", "memory", "--target", "memory", "--quiet")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_seed_script_wrapper_runs_migrate() -> None:
    result = migrate_script("--source", "memory", "--target", "memory", "--collections=agents", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["operation"] == "migrate"
    usage = migrate_script("--help")
    assert "--source-env" in usage.stdout


def test_bad_env_file_is_one_clear_line_without_the_secret(tmp_path: Path) -> None:
    env_file = tmp_path / "bad.env"
    env_file.write_text('COUCHDB_PASSWORD="hunter2\n')
    result = gofannon_db("migrate", "--source", "memory", "--target", "memory", "--target-env", str(env_file))
    assert result.returncode == 1
    assert "ConfigurationError" in result.stderr
    assert "line 1" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout
    missing = gofannon_db("migrate", "--source", "memory", "--target", "memory", "--source-env", "/nope.env")
    assert missing.returncode == 1
    assert "Cannot read the env file '/nope.env'" in missing.stderr


def test_unknown_provider_and_bad_arguments() -> None:
    result = gofannon_db("migrate", "--source", "memory", "--target", "nosuch")
    assert result.returncode == 1
    assert "ProviderNotFound" in result.stderr
    usage = gofannon_db("migrate", "--source", "memory", "--target", "memory", "--batch-size", "0")
    assert usage.returncode == 2
    both = gofannon_db("migrate", "--source", "memory", "--target", "memory", "--collections=a", "--all-collections")
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

    result = gofannon_db("import", str(dump), "--verify", "--json", env=clean_env(DATABASE_PROVIDER="memory"))
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["collections"] == [
        {"name": "agents", "read": 7, "written": 7, "failed": [], "verified": 7, "differences": [], "ok": True}
    ]
    dry = gofannon_db("import", str(dump), "--dry-run", "--target", "memory")
    assert dry.returncode == 0, dry.stderr
    assert "(dry run: nothing written)" in dry.stdout

    out = tmp_path / "empty.jsonl"
    exported = gofannon_db("export", str(out), "--source", "memory", "--collections", "users", "--verify")
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
    result = gofannon_db("import", str(dump), "--target", "memory")
    assert result.returncode == 1
    assert "line 3:" in result.stdout
    assert "line 3 is malformed" in result.stdout
    assert "1 documents before it were written, 1 after it were not" in result.stdout
    quiet = gofannon_db("import", str(dump), "--target", "memory", "--quiet")
    assert quiet.returncode == 1
    assert "line 3 is malformed" in quiet.stderr  # quiet still explains a failure
    not_export = tmp_path / "x.jsonl"
    not_export.write_text("[]\n")
    refused = gofannon_db("import", str(not_export))
    assert refused.returncode == 1
    assert "ExportFileError" in refused.stderr
