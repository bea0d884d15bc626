"""The conformance suite against the async twin of the memory service, through the sync facade."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.testing import ConformanceSuite
from gofannon_db.testing.aio import SyncFacade, async_twin


class TestAsyncMemoryConformance(ConformanceSuite):
    @pytest.fixture
    def sync_pair(self) -> tuple[MemoryDatabaseService, MemoryDatabaseService]:
        service = MemoryDatabaseService()
        prefixed = MemoryDatabaseService(collection_prefix="pfx-")  # same "server": shared storage
        prefixed._collections = service._collections
        prefixed._lock = service._lock
        return service, prefixed

    @pytest.fixture
    def service(self, sync_pair: tuple[MemoryDatabaseService, MemoryDatabaseService]) -> Iterator[SyncFacade]:
        with async_twin(sync_pair[0]) as twin:
            yield twin

    @pytest.fixture
    def prefixed_service(self, sync_pair: tuple[MemoryDatabaseService, MemoryDatabaseService]) -> Iterator[SyncFacade]:
        with async_twin(sync_pair[1]) as twin:
            yield twin
