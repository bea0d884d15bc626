"""Body limits enforced while reading: declared and chunked bodies, with the server process's memory measured.

The memory test runs ``gofannon-db serve`` as its own process, so its resident set size
(``/proc/PID/status``) is the server's alone; the others use an in-thread uvicorn.
"""

from __future__ import annotations

import json
import select
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gofannon_db import ConfigurationError, Settings
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.server import create_app
from gofannon_db.server.body import MAX_BODY_DEPTH

from tests.launchers.process import ServerProcess

from .conftest import LiveServer
from .test_cli_serve import clean_env, serve

TOKEN = "limits-token-0123456789"
PATH = "/collections/agents/documents/big"
MIB = 1024 * 1024


def head(method: str, path: str, *lines: str) -> bytes:
    fields = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {TOKEN}", *lines]
    return ("\r\n".join(fields) + "\r\n\r\n").encode()


def read_response(sock: socket.socket, timeout: float = 30) -> bytes:
    """Everything the server sends until it closes the connection (or ``timeout``)."""
    sock.settimeout(timeout)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return data


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def upload_chunked(port: int, total: int, chunk: int = 64 * 1024) -> tuple[int, bytes]:
    """Stream a ``total``-byte JSON body in chunks, stopping when the server answers; (bytes sent, answer)."""
    body_start = b'{"blob": "'
    payload = b"x" * chunk
    sent = 0
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            head("PUT", PATH, "Content-Type: application/json", "Transfer-Encoding: chunked")
            + b"%x\r\n%s\r\n" % (len(body_start), body_start)
        )
        try:
            while sent < total:
                sock.sendall(b"%x\r\n%s\r\n" % (chunk, payload))
                sent += chunk
                if select.select([sock], [], [], 0)[0]:
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = read_response(sock)
    return sent, answer


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[ServerProcess, int]]:
    process, url = serve()
    process.env = clean_env(GOFANNON_SERVE_TOKENS=TOKEN)  # memory provider, 1 MiB documents
    with process:
        yield process, int(url.rsplit(":", 1)[1])


def test_a_declared_oversized_body_is_413_before_any_byte_is_read(served: tuple[ServerProcess, int]) -> None:
    _, port = served
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        # 200 MB announced, nothing sent: the answer cannot wait for the body.
        sock.sendall(head("PUT", PATH, "Content-Type: application/json", f"Content-Length: {200 * 1000 * 1000}"))
        answer = read_response(sock)
    status, _, rest = answer.partition(b"\r\n")
    assert status.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b"connection: close" in rest.lower()
    detail = json.loads(rest.split(b"\r\n\r\n", 1)[1])["detail"]
    assert f"at most {MIB + 65536} bytes" in detail


def test_a_chunked_oversized_body_is_413_and_memory_stays_flat(served: tuple[ServerProcess, int]) -> None:
    process, port = served
    assert process._process is not None
    pid = process._process.pid
    # Warm up with a legitimate large write, so the baseline includes a full-size request.
    near_limit = {"blob": "y" * (MIB - 1000)}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        written = client.put(PATH, json=near_limit, headers={"Authorization": f"Bearer {TOKEN}"})
        assert written.status_code == 200, written.text[:300]
    before = rss_bytes(pid)
    sent, answer = upload_chunked(port, 60 * MIB)
    grown = rss_bytes(pid) - before
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b"connection: close" in answer.lower()
    assert sent < 20 * MIB, f"the server read {sent} bytes of a body it had refused"
    assert grown < 5 * MIB, f"the server grew by {grown / MIB:.1f} MiB during a refused 60 MiB upload"
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        assert client.get("/health").json() == {"status": "ok"}  # still serving


@pytest.fixture(scope="module")
def small_limit() -> Iterator[LiveServer]:
    with MemoryDatabaseService() as service, LiveServer(create_app(service=service, max_body_bytes=5000)) as server:
        yield server


def body_of(size: int) -> bytes:
    text = b'{"blob": "' + b"z" * (size - 12) + b'"}'
    assert len(text) == size
    return text


def test_the_limit_is_exact_for_declared_and_chunked_bodies(small_limit: LiveServer) -> None:
    headers = {"Content-Type": "application/json"}
    with httpx.Client(base_url=small_limit.url, timeout=30) as client:
        assert client.put("/collections/agents/documents/a", content=body_of(5000), headers=headers).status_code == 200
        over = client.put("/collections/agents/documents/a", content=body_of(5001), headers=headers)
        assert over.status_code == 413
        assert over.json()["detail"] == "The request body is larger than this service accepts: at most 5000 bytes."

        def chunks(size: int) -> Iterator[bytes]:
            data = body_of(size)
            for start in range(0, len(data), 1000):
                yield data[start : start + 1000]

        assert client.put("/collections/agents/documents/c", content=chunks(5000), headers=headers).status_code == 200
        try:
            refused = client.put("/collections/agents/documents/c", content=chunks(5001), headers=headers)
        except httpx.TransportError:  # the server may close before the client finished sending
            refused = None
        if refused is not None:
            assert refused.status_code == 413
        assert len(client.get("/collections/agents/documents/c").json()["blob"]) == 5000 - 12


def test_deep_nesting_is_refused_without_parsing(small_limit: LiveServer) -> None:
    deep = b'{"a": ' + b"[" * (MAX_BODY_DEPTH + 5) + b"]" * (MAX_BODY_DEPTH + 5) + b"}"
    in_strings = json.dumps({"s": "[" * 3000, "t": "{" * 1000}).encode()
    with httpx.Client(base_url=small_limit.url, timeout=30) as client:
        refused = client.put("/collections/agents/documents/d", content=deep)
        assert refused.status_code == 400
        assert f"deeper than {MAX_BODY_DEPTH} levels" in refused.json()["detail"]
        # Brackets inside strings are not nesting.
        assert client.put("/collections/agents/documents/d", content=in_strings).status_code == 200


def test_a_stranger_is_refused_before_the_body_is_read(served: tuple[ServerProcess, int]) -> None:
    _, port = served
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        request = f"PUT {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {200 * 1000 * 1000}\r\n\r\n"
        sock.sendall(request.encode())  # no token, 200 MB announced, nothing sent
        answer = read_response(sock)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:300]
    assert b"connection: close" in answer.lower()


def test_the_limit_setting() -> None:
    service = MemoryDatabaseService(max_document_bytes=1000)
    assert create_app(service=service).state.gofannon.max_body_bytes() == 1000 + 65536
    configured = create_app(Settings({}, GOFANNON_SERVE_MAX_BODY_BYTES="5000"), service=service)
    assert configured.state.gofannon.max_body_bytes() == 5000
    for bad in ("-1", "lots"):
        app = create_app(Settings({}, GOFANNON_SERVE_MAX_BODY_BYTES=bad), service=service)
        with pytest.raises(ConfigurationError, match="GOFANNON_SERVE_MAX_BODY_BYTES"):
            app.state.gofannon.max_body_bytes()
