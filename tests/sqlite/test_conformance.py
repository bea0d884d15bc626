"""The core's conformance suite on the sqlite provider: on a real file, and once on ``:memory:``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gofannon_db.backends.sqlite import SqliteDatabaseService
from gofannon_db.testing import ConformanceSuite


class TestSqliteFileConformance(ConformanceSuite):
    @pytest.fixture
    def service(self, sqlite_service: SqliteDatabaseService) -> SqliteDatabaseService:
        return sqlite_service

    @pytest.fixture
    def prefixed_service(self, sqlite_file: Path) -> Iterator[SqliteDatabaseService]:
        with SqliteDatabaseService(sqlite_file, collection_prefix="pfx-") as service:
            yield service


class TestSqliteMemoryConformance(ConformanceSuite):
    stateful_examples = 8  # the same SQL as on a file: the file-backed run above takes the full model-based budget

    @pytest.fixture
    def service(self) -> Iterator[SqliteDatabaseService]:
        with SqliteDatabaseService(":memory:") as service:
            yield service

    @pytest.fixture
    def prefixed_service(self, service: SqliteDatabaseService) -> SqliteDatabaseService:
        # One in-memory database: the prefixed service borrows the same (single) connection.
        prefixed = SqliteDatabaseService(":memory:", collection_prefix="pfx-")
        prefixed._pool.close()
        prefixed._pool = service._pool
        return prefixed
