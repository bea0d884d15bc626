"""The conformance suite against the async twin of the CouchDB service (same tests, through the sync facade)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gofannon_db.testing.aio import SyncFacade, async_twin
from gofannon_db_couchdb.service import CouchDBDatabaseService

from tests.couchdb import test_conformance
from tests.launchers.couchdb import CouchDBServer


class TestCouchDBAsyncConformance(test_conformance.TestCouchDBConformance):
    @pytest.fixture
    def service(self, couchdb_server: CouchDBServer) -> Iterator[SyncFacade]:  # type: ignore[override]
        sync = CouchDBDatabaseService(couchdb_server.url, user=couchdb_server.user, password=couchdb_server.password)
        with async_twin(sync) as twin:
            yield twin

    @pytest.fixture
    def prefixed_service(self, couchdb_server: CouchDBServer) -> Iterator[SyncFacade]:  # type: ignore[override]
        sync = CouchDBDatabaseService(
            couchdb_server.url, user=couchdb_server.user, password=couchdb_server.password, collection_prefix="pfx-"
        )
        with async_twin(sync) as twin:
            yield twin
