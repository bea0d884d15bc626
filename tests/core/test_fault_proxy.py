"""The fault proxy itself: forwards, cuts, freezes, delays and restores."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest
from gofannon_db.testing.proxy import FaultProxy


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(1024):
            self.request.sendall(data)


@pytest.fixture
def proxy() -> Iterator[FaultProxy]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with FaultProxy("127.0.0.1", server.server_address[1]) as fault_proxy:
        yield fault_proxy
    server.shutdown()
    server.server_close()


def _round_trip(port: int, timeout: float = 2.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(b"ping")
        return sock.recv(1024)


def test_forwards(proxy: FaultProxy) -> None:
    assert _round_trip(proxy.port) == b"ping"


def test_cut_refuses_then_restore_reopens_the_same_port(proxy: FaultProxy) -> None:
    port = proxy.port
    proxy.cut()
    with pytest.raises(ConnectionRefusedError):
        _round_trip(port)
    proxy.restore()
    assert proxy.port == port
    assert _round_trip(port) == b"ping"


def test_freeze_holds_the_answer_until_restore(proxy: FaultProxy) -> None:
    proxy.freeze()
    with pytest.raises(TimeoutError):
        _round_trip(proxy.port, timeout=0.5)
    proxy.restore()
    assert _round_trip(proxy.port) == b"ping"


def test_delay_is_added_in_each_direction(proxy: FaultProxy) -> None:
    proxy.delay = 0.1
    started = time.monotonic()
    assert _round_trip(proxy.port) == b"ping"
    assert time.monotonic() - started >= 0.2


def test_refuses_a_non_loopback_upstream() -> None:
    with pytest.raises(ValueError, match="loopback"):
        FaultProxy("10.0.0.1", 80)
