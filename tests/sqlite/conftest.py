"""One database file for the sqlite tests of a session, and services opened on it (servers: tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gofannon_db.backends.sqlite import SqliteDatabaseService


@pytest.fixture(scope="session")
def sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sqlite") / "conformance.sqlite3"


@pytest.fixture
def sqlite_service(sqlite_file: Path) -> Iterator[SqliteDatabaseService]:
    with SqliteDatabaseService(sqlite_file, timeout=10.0) as service:
        yield service
