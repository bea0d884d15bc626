"""'Could not reach' names the DynamoDB endpoint and the real reason: refused or timed out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from gofannon_db import BackendUnavailable
from gofannon_db.testing.proxy import FaultProxy

from tests.launchers.dynamodb import DynamoDBServer

from .conftest import make_service


@pytest.fixture
def proxied(ddb_server: DynamoDBServer) -> Iterator[tuple[FaultProxy, Any]]:
    upstream = urlsplit(ddb_server.endpoint_url)
    with (
        FaultProxy("127.0.0.1", upstream.port or 8000) as proxy,
        make_service(ddb_server, endpoint_url=proxy.url, timeout=1.0, max_attempts=1) as service,
    ):
        service.save("reach-test", "doc", {})  # reachable through the proxy
        yield proxy, service


def test_refused_names_the_endpoint_and_the_reason(proxied: tuple[FaultProxy, Any], ddb_server: DynamoDBServer) -> None:
    proxy, service = proxied
    proxy.cut()
    with pytest.raises(BackendUnavailable) as excinfo:
        service.get("reach-test", "doc")
    detail = excinfo.value.detail
    assert proxy.url in detail
    assert "connection refused" in detail
    assert ddb_server.secret_access_key not in detail


def test_frozen_server_times_out(proxied: tuple[FaultProxy, Any]) -> None:
    proxy, service = proxied
    proxy.freeze()
    with pytest.raises(BackendUnavailable) as excinfo:
        service.get("reach-test", "doc")
    assert proxy.url in excinfo.value.detail
    assert "timed out" in excinfo.value.detail
