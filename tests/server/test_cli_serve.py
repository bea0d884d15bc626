"""``gofannon-db serve`` as a user runs it: the console script in a subprocess, then curl-like requests."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.launchers.process import ServerProcess, free_port, http_status

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


# ---------------------------------------------------------------- tokens, exposure, graceful stop

WRITE_TOKEN = "cli-Write-0123456789abcdef"
READ_TOKEN = "cli-Read-0123456789abcdef"


def test_token_file_with_comments_and_scopes(tmp_path: Path) -> None:
    token_file = tmp_path / "tokens"
    token_file.write_text(
        f"# who may call this service\n\n{WRITE_TOKEN}   # the deploy bot\nread:{READ_TOKEN}\n  # retired: old-token\n"
    )
    process, url = serve("--token-file", str(token_file))
    process.env = clean_env()
    with process, httpx.Client(base_url=url, timeout=30) as client:
        doc = "/collections/agents/documents/a1"
        refused = client.put(doc, json={"n": 1})
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert client.put(doc, json={"n": 1}, headers={"Authorization": "Bearer old-token"}).status_code == 401
        assert client.put(doc, json={"n": 1}, headers={"Authorization": f"Bearer {WRITE_TOKEN}"}).status_code == 200
        read = {"Authorization": f"Bearer {READ_TOKEN}"}
        assert client.get(doc, headers=read).json()["n"] == 1
        assert client.put(doc, json={"n": 2}, headers=read).status_code == 403
        log = process.log_tail(100)
    assert "1 read-write and 1 read-only token(s)" in log
    assert WRITE_TOKEN not in log
    assert READ_TOKEN not in log


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "example.org"])
def test_anonymous_service_off_loopback_is_refused(host: str) -> None:
    assert SCRIPT
    result = subprocess.run(
        [SCRIPT, "serve", "--host", host, "--port", str(free_port())],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(),
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"gofannon-db serve: ConfigurationError: refusing to serve {host} without tokens")
    assert "--allow-anonymous" in lines[0]


def test_allow_anonymous_serves_and_warns() -> None:
    process, url = serve("--host", "0.0.0.0", "--allow-anonymous")
    process.env = clean_env()
    with process, httpx.Client(base_url=url, timeout=30) as client:
        assert client.put("/collections/agents/documents/x", json={}).status_code == 200
        log = process.log_tail()
    assert "WARNING: anonymous service on 0.0.0.0 (--allow-anonymous)" in log


def _in_flight_put(port: int, body: bytes) -> socket.socket:
    """A PUT whose headers the app has started on (it asked for the body: 100 Continue) but whose body is not sent."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(
        (
            "PUT /collections/agents/documents/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {WRITE_TOKEN}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n"
        ).encode()
    )
    assert sock.recv(1024).startswith(b"HTTP/1.1 100"), "the app did not start reading the body"
    return sock


def _refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def test_sigterm_finishes_the_in_flight_request_then_exits_0() -> None:
    process, url = serve()
    process.env = clean_env(GOFANNON_SERVE_TOKENS=WRITE_TOKEN)
    port = int(url.rsplit(":", 1)[1])
    body = json.dumps({"n": 1}).encode()
    with process:
        assert process._process is not None
        child = process._process
        sock = _in_flight_put(port, body)
        child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        while not _refuses_connections(port):  # the listener closes first...
            assert time.monotonic() < deadline, "still accepting connections 10 s after SIGTERM"
            time.sleep(0.05)
        sock.sendall(body)  # ...while the request already in flight is finished
        answer = b""
        while chunk := sock.recv(65536):  # the server closes the connection after this last answer
            answer += chunk
        sock.close()
        assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
        assert b'"id":"slow"' in answer
        assert child.wait(timeout=30) == 0
        log = process.log_tail(100)
    assert "stopped (SIGTERM); the service is closed" in log


def test_sigterm_waits_at_most_the_shutdown_timeout() -> None:
    process, url = serve("--shutdown-timeout", "1")
    process.env = clean_env(GOFANNON_SERVE_TOKENS=WRITE_TOKEN)
    port = int(url.rsplit(":", 1)[1])
    with process:
        assert process._process is not None
        child = process._process
        sock = _in_flight_put(port, b'{"n": 1}')  # and never send the body
        started = time.monotonic()
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=30) == 0
        waited = time.monotonic() - started
        sock.close()
    assert waited < 1 + 5, f"SIGTERM took {waited:.1f} s with --shutdown-timeout 1"
