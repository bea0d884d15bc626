"""The gofannon-db command, run as a user runs it: a console script in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = shutil.which("gofannon-db", path=str(Path(sys.executable).parent))


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    assert SCRIPT, "the gofannon-db console script is not installed next to this Python"
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "EXAMPLE_"))}
    return subprocess.run(
        [SCRIPT, *args], capture_output=True, text=True, check=False, env={**clean, **env}, timeout=60
    )


def test_providers_lists_name_distribution_version_and_load_state() -> None:
    result = run("providers", "--json")
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    assert (listing["ok"], listing["command"]) == (True, "providers")
    rows = {(row["provider"], row["distribution"]): row for row in listing["providers"]}
    assert rows["memory", "gofannon-db"]["loads"] is True
    assert rows["example", "gofannon-db-example"]["loads"] is True
    broken = rows["broken", "gofannon-db-broken"]
    assert broken["loads"] is False
    assert "gofannon_db_missing_sdk" in broken["error"]
    assert rows["duplicate", "gofannon-db-dup-a"]["loads"] is False


def test_providers_table_for_people() -> None:
    result = run("providers")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].split() == ["PROVIDER", "DISTRIBUTION", "VERSION", "LOADS"]
    assert any(line.startswith("memory") and line.rstrip().endswith("yes") for line in result.stdout.splitlines())


def test_check_reaches_the_memory_default() -> None:
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: reached the memory provider")


def test_check_reports_a_plugin_with_its_settings() -> None:
    result = run("check", "--json", DATABASE_PROVIDER="example", EXAMPLE_GREETING="hi", EXAMPLE_TOKEN="hunter2")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["greeting"] == "hi"
    assert "hunter2" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_PROVIDER": "nope"}, "ProviderNotFound: No database provider named 'nope'"),
        ({"DATABASE_PROVIDER": "example"}, "needs EXAMPLE_GREETING"),
        ({"DATABASE_TIMEOUT": "soon"}, "DATABASE_TIMEOUT must be a number"),
    ],
)
def test_check_fails_with_one_clear_line_and_no_traceback(env: dict[str, str], expected: str) -> None:
    result = run("check", **env)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_usage_errors_exit_2() -> None:
    assert run().returncode == 2
    assert run("no-such-command").returncode == 2
