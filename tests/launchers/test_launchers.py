"""``python -m tests.launchers.<name>`` run by hand: export lines to paste, Ctrl-C stops, a dead server exits 1.

CouchDB (pouchdb-server) stands for all three launchers: they share tests/launchers/manual.py.
"""

from __future__ import annotations

import base64
import os
import shlex
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _exports(process: subprocess.Popen[str]) -> dict[str, str]:
    """Read the launcher's ``export NAME=value`` lines (it prints four for CouchDB)."""
    assert process.stdout is not None
    env: dict[str, str] = {}
    while len(env) < 4:
        line = process.stdout.readline()
        assert line, f"the launcher ended before printing its exports: {process.communicate(timeout=30)}"
        word, assignment = shlex.split(line)
        assert word == "export"
        name, value = assignment.split("=", 1)
        env[name] = value
    return env


@pytest.fixture
def launcher() -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.launchers.couchdb"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    yield process
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)


def _server_pid(launcher_pid: int) -> int:
    children = Path(f"/proc/{launcher_pid}/task/{launcher_pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def test_the_exports_reach_the_server_with_its_credentials(launcher: subprocess.Popen[str]) -> None:
    env = _exports(launcher)
    assert env["DATABASE_PROVIDER"] == "couchdb"
    assert env["COUCHDB_URL"].startswith("http://127.0.0.1:")
    token = base64.b64encode(f"{env['COUCHDB_USER']}:{env['COUCHDB_PASSWORD']}".encode()).decode()
    request = urllib.request.Request(f"{env['COUCHDB_URL']}/_session", headers={"Authorization": f"Basic {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert b'"name":"admin"' in response.read().replace(b" ", b"")
    launcher.send_signal(signal.SIGINT)
    assert launcher.wait(timeout=30) == 0


def test_the_launcher_exits_1_when_its_server_dies(launcher: subprocess.Popen[str]) -> None:
    _exports(launcher)
    os.kill(_server_pid(launcher.pid), signal.SIGKILL)
    assert launcher.wait(timeout=30) == 1
    assert launcher.stderr is not None
    assert "died" in launcher.stderr.read()
