"""The core's conformance suite against a real CouchDB-compatible server (pouchdb-server)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gofannon_db.testing import ConformanceSuite
from gofannon_db_couchdb.service import CouchDBDatabaseService

from tests.launchers.couchdb import CouchDBServer


class TestCouchDBConformance(ConformanceSuite):
    stateful_examples = 40
    stateful_steps = 25
    """The model-based test's budget: about 1,000 calls on pouchdb-server."""

    @pytest.fixture
    def service(self, couchdb_server: CouchDBServer) -> Iterator[CouchDBDatabaseService]:
        with CouchDBDatabaseService(
            couchdb_server.url, user=couchdb_server.user, password=couchdb_server.password
        ) as service:
            yield service

    @pytest.fixture
    def prefixed_service(self, couchdb_server: CouchDBServer) -> Iterator[CouchDBDatabaseService]:
        with CouchDBDatabaseService(
            couchdb_server.url,
            user=couchdb_server.user,
            password=couchdb_server.password,
            collection_prefix="pfx-",
        ) as service:
            yield service

    @pytest.fixture(autouse=True)
    def _secret(self, couchdb_server: CouchDBServer) -> None:
        # The suite checks that these never show in reprs or error text.
        self.secret_values = (couchdb_server.password,)

    def test_suite_knows_the_password(self, couchdb_server: CouchDBServer) -> None:
        """Guards the fixture above: the suite's secret checks must really run."""
        assert self.secret_values == (couchdb_server.password,)
