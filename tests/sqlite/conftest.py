"""One database file for the sqlite tests of a session, services opened on it, and the CouchDB test server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gofannon_db.backends.sqlite import SqliteDatabaseService

from tests.servers.couchdb import CouchDBServer, start_couchdb
from tests.servers.process import ServerStartError


@pytest.fixture(scope="session")
def sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sqlite") / "conformance.sqlite3"


@pytest.fixture
def sqlite_service(sqlite_file: Path) -> Iterator[SqliteDatabaseService]:
    with SqliteDatabaseService(sqlite_file, timeout=10.0) as service:
        yield service


@pytest.fixture(scope="session")
def couchdb_server() -> Iterator[CouchDBServer]:
    """The real CouchDB-compatible test server, for the sqlite -> couchdb migration."""
    try:
        with start_couchdb() as server:
            yield server
    except ServerStartError as error:
        pytest.fail(str(error), pytrace=False)
