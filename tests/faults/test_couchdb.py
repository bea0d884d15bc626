"""pouchdb-server behind a fault proxy; and no password from COUCHDB_URL in a logged cause chain."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from gofannon_db import DatabaseService, create_database_service
from gofannon_db.errors import BackendUnavailable
from gofannon_db.settings import Settings
from gofannon_db.testing.faults import TIMEOUT, FaultTests
from gofannon_db.testing.proxy import FaultProxy

from tests.launchers.couchdb import CouchDBServer


def _upstream(server: CouchDBServer) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").split(":")
    return host, int(port)


@pytest.fixture
def proxy(couchdb_server: CouchDBServer) -> Iterator[FaultProxy]:
    with FaultProxy(*_upstream(couchdb_server)) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def connect(couchdb_server: CouchDBServer) -> Any:
    from gofannon_db_couchdb.service import CouchDBDatabaseService

    def connect(proxy: FaultProxy, **options: Any) -> DatabaseService:
        return CouchDBDatabaseService(
            proxy.url, user=couchdb_server.user, password=couchdb_server.password, timeout=TIMEOUT, **options
        )

    return connect


@pytest.fixture
def direct(couchdb_server: CouchDBServer) -> Iterator[DatabaseService]:
    from gofannon_db_couchdb.service import CouchDBDatabaseService

    with CouchDBDatabaseService(
        couchdb_server.url, user=couchdb_server.user, password=couchdb_server.password
    ) as service:
        yield service


class TestCouchDBFaults(FaultTests):
    bulk_size = 4000
    """``_bulk_docs`` requests hold 1,000 documents: four requests."""
    progress_before_fault = 2000


def test_password_in_the_url_reaches_no_logged_cause_chain(couchdb_server: CouchDBServer) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("app")
    logger.addHandler(handler)
    with FaultProxy(*_upstream(couchdb_server)) as proxy:
        url = f"http://{couchdb_server.user}:{couchdb_server.password}@127.0.0.1:{proxy.port}"
        settings = Settings({}, DATABASE_PROVIDER="couchdb", COUCHDB_URL=url, COUCHDB_TIMEOUT=TIMEOUT)
        with create_database_service(settings) as service:
            service.save("fault-secrets", "a", {"n": 1})
            for fault in (proxy.cut, proxy.freeze):
                fault()
                with pytest.raises(BackendUnavailable) as raised:
                    service.get("fault-secrets", "a")
                try:
                    raise raised.value
                except BackendUnavailable:
                    logger.exception("the database failed")
                proxy.restore()
                assert repr(service).count(couchdb_server.password) == 0
            service.drop_collection("fault-secrets")
    logger.removeHandler(handler)
    text = stream.getvalue()
    assert text.count("The above exception was the direct cause") == 2
    assert couchdb_server.password not in text
