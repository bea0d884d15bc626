"""Services connected to the session's pouchdb-server (started by tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.launchers.couchdb import CouchDBServer


@pytest.fixture
def couch_service(couchdb_server: CouchDBServer) -> Iterator[object]:
    from gofannon_db_couchdb.service import CouchDBDatabaseService

    with CouchDBDatabaseService(
        couchdb_server.url, user=couchdb_server.user, password=couchdb_server.password, timeout=10.0
    ) as service:
        yield service
