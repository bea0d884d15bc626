"""The operator's experience of the gofannon-db command, run as a user runs it (a console script in a subprocess).

``--json`` answers with one JSON object on stdout whatever happens; "could not reach"
says where and why; dry runs say what they would write; export never overwrites by
surprise; every command explains itself in ``--help``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.launchers.process import free_port
from tests.migration.cli import clean_env, gofannon_db

SECRET = "pw-operator-4f1c9a"


def _unreachable_couchdb() -> tuple[dict[str, str], str]:
    """Settings for a CouchDB on a port where nothing listens, with a password in the URL."""
    address = f"127.0.0.1:{free_port()}"
    return clean_env(DATABASE_PROVIDER="couchdb", COUCHDB_URL=f"http://admin:{SECRET}@{address}"), address


def _sqlite_env(tmp_path: Path) -> dict[str, str]:
    """A sqlite file for commands that need a provider other processes can read (the CLI refuses memory)."""
    return clean_env(SQLITE_PATH=str(tmp_path / "db.sqlite3"))


def _one_json_object(stdout: str) -> dict[str, Any]:
    value = json.loads(stdout)  # the whole of stdout is one JSON document
    assert isinstance(value, dict)
    return value


def test_check_json_on_an_unreachable_server_is_one_object_naming_where_and_why() -> None:
    env, address = _unreachable_couchdb()
    result = gofannon_db("check", "--json", env=env)
    assert result.returncode == 1
    report = _one_json_object(result.stdout)
    assert report["ok"] is False
    assert report["command"] == "check"
    error = report["error"]
    assert (error["type"], error["status_code"]) == ("BackendUnavailable", 503)
    assert f"http://{address}" in error["detail"]
    assert "connection refused" in error["detail"]
    assert SECRET not in result.stdout + result.stderr


def test_check_without_json_fails_in_one_line_on_stderr() -> None:
    env, address = _unreachable_couchdb()
    result = gofannon_db("check", env=env)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("gofannon-db check: BackendUnavailable: Could not reach CouchDB at http://")
    assert address in lines[0]
    assert SECRET not in result.stderr


def test_migrate_json_with_an_unknown_provider_is_one_object(tmp_path: Path) -> None:
    env = _sqlite_env(tmp_path)
    result = gofannon_db("migrate", "--source", "nosuch", "--target", "sqlite", "--json", env=env)
    assert result.returncode == 1
    report = _one_json_object(result.stdout)
    assert report["ok"] is False
    assert report["error"]["type"] == "ProviderNotFound"
    assert "nosuch" in report["error"]["detail"]


def test_a_usage_error_with_json_is_one_object_and_exit_2() -> None:
    result = gofannon_db("migrate", "--target", "memory", "--json")
    assert result.returncode == 2
    report = _one_json_object(result.stdout)
    assert report == {
        "ok": False,
        "command": "migrate",
        "error": {"type": "UsageError", "status_code": None, "detail": report["error"]["detail"]},
    }
    assert "--source" in report["error"]["detail"]


def test_a_usage_error_without_json_keeps_argparse_form() -> None:
    result = gofannon_db("migrate", "--target", "memory")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: gofannon-db migrate")
    assert "gofannon-db migrate: error: the following arguments are required: --source" in result.stderr


def test_a_stopped_migrate_never_reports_an_unfinished_collection_ok(tmp_path: Path) -> None:
    env, address = _unreachable_couchdb()
    env["SQLITE_PATH"] = str(tmp_path / "source.sqlite3")
    result = gofannon_db(
        "migrate", "--source", "sqlite", "--target", "couchdb", "--collections", "agents,users", "--json", env=env
    )
    assert result.returncode == 1
    report = _one_json_object(result.stdout)
    assert (report["ok"], report["status"]) == (False, "stopped")
    assert [(c["name"], c["ok"]) for c in report["collections"]] == [("agents", False), ("users", False)]
    assert "connection refused" in report["error"]
    assert address in report["error"]
    assert ".." not in report["error"]
    assert SECRET not in result.stdout


def _export_file(path: Path, counts: dict[str, int]) -> None:
    header = {"format": "gofannon-db-export", "version": 1, "source_provider": "memory", "collections": list(counts)}
    docs = [
        {"collection": name, "document": {"_id": f"{name}-{n}", "n": n}}
        for name, count in counts.items()
        for n in range(count)
    ]
    lines = [header, *docs, {"end": {"documents": counts}}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))


def test_a_dry_run_counts_what_it_would_write_per_collection(tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    _export_file(dump, {"agents": 3, "users": 2})
    env = _sqlite_env(tmp_path)
    result = gofannon_db("import", str(dump), "--target", "sqlite", "--dry-run", "--json", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    report = _one_json_object(result.stdout)
    assert report["would_write"] == 5
    assert [(c["name"], c["would_write"], c["written"], c["ok"]) for c in report["collections"]] == [
        ("agents", 3, 0, True),
        ("users", 2, 0, True),
    ]
    text = gofannon_db("import", str(dump), "--target", "sqlite", "--dry-run", env=env)
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[1].split() == ["COLLECTION", "READ", "WOULD", "WRITE", "FAILED"]
    assert text.stdout.splitlines()[-1] == "OK: dry run: 5 documents would be written; nothing was."


def test_export_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "dump.jsonl"
    out.write_text("precious\n")
    env = _sqlite_env(tmp_path)
    refused = gofannon_db("export", str(out), "--source", "sqlite", "--json", env=env)
    assert refused.returncode == 1
    report = _one_json_object(refused.stdout)
    assert report["ok"] is False
    assert "--force" in report["error"]["detail"]
    assert out.read_text() == "precious\n"

    plain = gofannon_db("export", str(out), "--source", "sqlite", env=env)
    assert plain.returncode == 1
    assert "already exists; pass --force" in plain.stderr
    assert out.read_text() == "precious\n"

    forced = gofannon_db("export", str(out), "--source", "sqlite", "--force", "--quiet", env=env)
    assert forced.returncode == 0, forced.stderr
    assert json.loads(out.read_text().splitlines()[0])["format"] == "gofannon-db-export"


def test_every_command_has_help_and_a_description() -> None:
    top = gofannon_db("--help")
    assert top.returncode == 0
    commands = ["providers", "check", "serve", "migrate", "export", "import"]
    for command in commands:
        assert re.search(rf"^\s+{command}\s+\S", top.stdout, re.MULTILINE), f"{command} has no help line"
        result = gofannon_db(command, "--help")
        assert result.returncode == 0, result.stderr
        # argparse prints: usage, a blank line, the description, a blank line, the options.
        blocks = result.stdout.split("\n\n")
        assert blocks[0].startswith(f"usage: gofannon-db {command}")
        assert not blocks[1].startswith(("positional arguments:", "options:")), f"{command} has no description"
