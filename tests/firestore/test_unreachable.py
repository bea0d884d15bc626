"""'Could not reach' names the Firestore emulator's address and the real reason: refused or timed out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from gofannon_db import BackendUnavailable
from gofannon_db.testing.proxy import FaultProxy

from tests.launchers.firestore import FirestoreServer

from .conftest import make_service


@pytest.fixture
def proxied(firestore_emulator: FirestoreServer) -> Iterator[tuple[FaultProxy, Any]]:
    host, port = firestore_emulator.host.rsplit(":", 1)
    with make_service(firestore_emulator) as direct:
        direct.save("reach-test", "warm-up", {})  # a fresh emulator's first write can take over a second
    with (
        FaultProxy(host, int(port)) as proxy,
        make_service(firestore_emulator, emulator_host=proxy.address, timeout=1.0) as service,
    ):
        service.save("reach-test", "doc", {})  # reachable through the proxy
        yield proxy, service


def test_refused_names_the_endpoint_and_the_reason(proxied: tuple[FaultProxy, Any]) -> None:
    proxy, service = proxied
    proxy.cut()
    with pytest.raises(BackendUnavailable) as excinfo:
        service.get("reach-test", "doc")
    assert proxy.address in excinfo.value.detail
    assert "connection refused" in excinfo.value.detail


def test_frozen_server_times_out(proxied: tuple[FaultProxy, Any]) -> None:
    proxy, service = proxied
    proxy.freeze()
    with pytest.raises(BackendUnavailable) as excinfo:
        service.get("reach-test", "doc")
    assert proxy.address in excinfo.value.detail
    assert "timed out" in excinfo.value.detail
