"""The conformance suite against the async twin of the sqlite service on a file (through the sync facade)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gofannon_db.backends.sqlite import SqliteDatabaseService
from gofannon_db.testing.aio import SyncFacade, async_twin

from tests.sqlite import test_conformance


class TestSqliteAsyncConformance(test_conformance.TestSqliteFileConformance):
    stateful_examples = 8  # the sync run on the same file takes the full model-based budget

    @pytest.fixture
    def service(self, sqlite_file: Path) -> Iterator[SyncFacade]:
        with async_twin(SqliteDatabaseService(sqlite_file)) as twin:
            yield twin

    @pytest.fixture
    def prefixed_service(self, sqlite_file: Path) -> Iterator[SyncFacade]:
        with async_twin(SqliteDatabaseService(sqlite_file, collection_prefix="pfx-")) as twin:
            yield twin
