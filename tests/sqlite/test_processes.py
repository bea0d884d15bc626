"""Several processes on one file: a writer killed with SIGKILL loses nothing it acknowledged and leaves
the file intact; processes doing read-modify-write with ``_rev`` lose no update and never see a lock error."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from gofannon_db.backends.sqlite import SqliteDatabaseService

ROOT = Path(__file__).resolve().parents[2]


def worker(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.sqlite.workers", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_mid_stream_keeps_every_acknowledged_write(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite3"
    child = worker("write", str(path))
    assert child.stdout is not None
    acknowledged: list[str] = []
    try:
        while len(acknowledged) < 300:
            line = child.stdout.readline()
            assert line, f"the writer stopped early: {child.stderr.read() if child.stderr else ''}"
            acknowledged.append(line.strip())
    finally:
        child.send_signal(signal.SIGKILL)  # the writer is in the middle of its next call
        child.wait(timeout=30)
        child.stdout.close()
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        raw.close()
    with SqliteDatabaseService(path) as service:
        found = service.get_many("crash", acknowledged)
        assert [doc_id for doc_id, doc in found.items() if doc is None] == []
        assert all(doc is not None and doc["n"] == int(doc_id[4:]) for doc_id, doc in found.items())
        assert service.count("crash") >= len(acknowledged)


def test_two_processes_read_modify_write_lose_no_update(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    with SqliteDatabaseService(path) as service:
        service.save("counters", "shared", {"value": 0})
    times = 100
    children = [worker("increment", str(path), str(times)) for _ in range(2)]
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (out, err) in zip(children, outputs, strict=True):
        assert (child.returncode, out.strip()) == (0, "done"), err  # a lock error would end the child non-zero
    with SqliteDatabaseService(path) as service:
        assert service.get("counters", "shared")["value"] == 2 * times
