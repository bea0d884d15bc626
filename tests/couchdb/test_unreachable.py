"""'Could not reach' names the endpoint (never the password) and the real reason: refused or timed out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from gofannon_db import BackendUnavailable
from gofannon_db.testing.proxy import FaultProxy

from tests.launchers.couchdb import CouchDBServer


@pytest.fixture
def proxied(couchdb_server: CouchDBServer) -> Iterator[tuple[FaultProxy, Any]]:
    from gofannon_db_couchdb.service import CouchDBDatabaseService

    upstream = urlsplit(couchdb_server.url)
    with FaultProxy("127.0.0.1", upstream.port or 5984) as proxy:
        url = f"http://{couchdb_server.user}:{couchdb_server.password}@{proxy.address}"  # credentials in the URL
        with CouchDBDatabaseService(url, timeout=1.0) as service:
            service.save("reach-test", "doc", {})  # reachable through the proxy
            yield proxy, service


def test_refused_names_the_endpoint_and_the_reason(
    proxied: tuple[FaultProxy, Any], couchdb_server: CouchDBServer
) -> None:
    proxy, service = proxied
    proxy.cut()
    with pytest.raises(BackendUnavailable) as excinfo:
        service.get("reach-test", "doc")
    detail = excinfo.value.detail
    assert f"http://{proxy.address}" in detail
    assert "connection refused" in detail
    assert "within" not in detail  # a refusal is not a timeout
    assert couchdb_server.password not in detail


def test_frozen_server_times_out(proxied: tuple[FaultProxy, Any]) -> None:
    proxy, service = proxied
    proxy.freeze()
    with pytest.raises(BackendUnavailable) as excinfo:
        service.get("reach-test", "doc")
    assert proxy.address in excinfo.value.detail
    assert "timed out" in excinfo.value.detail
