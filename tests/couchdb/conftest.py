"""One pouchdb-server for the whole CouchDB test session, and services connected to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers.couchdb import CouchDBServer, start_couchdb
from tests.servers.process import ServerStartError


@pytest.fixture(scope="session")
def couchdb_server() -> Iterator[CouchDBServer]:
    try:
        with start_couchdb() as server:
            yield server
    except ServerStartError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def couch_service(couchdb_server: CouchDBServer) -> Iterator[object]:
    from gofannon_db_couchdb.service import CouchDBDatabaseService

    with CouchDBDatabaseService(
        couchdb_server.url, user=couchdb_server.user, password=couchdb_server.password, timeout=10.0
    ) as service:
        yield service
