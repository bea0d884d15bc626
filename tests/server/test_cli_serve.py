"""``gofannon-db serve`` as a user runs it: the console script in a subprocess, then curl-like requests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.servers.process import ServerProcess, free_port, http_status

SCRIPT = shutil.which("gofannon-db", path=str(Path(sys.executable).parent))


def clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "GOFANNON_"))}
    return {**env, **extra}


def serve(*args: str, workdir: Path | None = None) -> tuple[ServerProcess, str]:
    assert SCRIPT, "the gofannon-db console script is not installed next to this Python"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = ServerProcess(
        "gofannon-db serve",
        [SCRIPT, "serve", "--port", str(port), *args],
        ready=lambda: http_status(url + "/health") == 200,
        startup_timeout=60,
        **({"workdir": workdir} if workdir is not None else {}),
    )
    return process, url


def test_serve_runs_the_memory_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in os.environ if name.startswith(("DATABASE_", "GOFANNON_"))]:
        monkeypatch.delenv(name)
    process, url = serve()
    with process, httpx.Client(base_url=url, timeout=30) as client:
        assert client.get("/health").json()["provider"] == "memory"
        created = client.post("/collections/agents/documents", json={"_id": "ada", "name": "Ada"})
        assert created.status_code == 201
        assert client.get("/collections/agents/documents/ada").json()["name"] == "Ada"
        log = process.log_tail()
    assert "serving the memory provider on http://127.0.0.1:" in log


def test_serve_with_reload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in os.environ if name.startswith(("DATABASE_", "GOFANNON_"))]:
        monkeypatch.delenv(name)
    process, url = serve("--reload", workdir=tmp_path)  # the reloader watches its working directory
    with process, httpx.Client(base_url=url, timeout=30) as client:
        assert client.put("/collections/users/documents/u1", json={"n": 1}).status_code == 200
        assert client.get("/collections/users/documents/u1").json()["n"] == 1


def test_uvicorn_runs_the_importable_app(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in os.environ if name.startswith(("DATABASE_", "GOFANNON_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("GOFANNON_SERVE_COLLECTIONS", "notes")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "uvicorn", "gofannon_db.server.app:app", "--host", "127.0.0.1", "--port", str(port)]
    with ServerProcess("uvicorn", argv, ready=lambda: http_status(url + "/health") == 200, startup_timeout=60):
        assert httpx.get(url + "/collections", timeout=30).json() == {"collections": ["notes"]}
        assert httpx.put(url + "/collections/notes/documents/n1", json={}, timeout=30).status_code == 200


def test_serve_with_a_bad_configuration_is_one_line_and_exit_1() -> None:
    assert SCRIPT
    result = subprocess.run(
        [SCRIPT, "serve", "--port", str(free_port())],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(DATABASE_PROVIDER="nosuchdb"),
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("gofannon-db serve: ProviderNotFound: No database provider named 'nosuchdb'")


@pytest.mark.parametrize("port", ["70000", "http", "-1"])
def test_serve_rejects_a_bad_port(port: str) -> None:
    assert SCRIPT
    result = subprocess.run(
        [SCRIPT, "serve", "--port", port], check=False, capture_output=True, text=True, timeout=60, env=clean_env()
    )
    assert result.returncode == 2
    assert "--port" in result.stderr
