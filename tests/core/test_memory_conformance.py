"""The built-in memory provider passes the whole conformance suite."""

from __future__ import annotations

import pytest
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.testing import ConformanceSuite


class TestMemoryConformance(ConformanceSuite):
    stateful_examples = 60
    stateful_steps = 40
    """No server, so longer sequences than on real servers; generating them is most of the ~4 s of CPU."""

    @pytest.fixture
    def service(self) -> MemoryDatabaseService:
        return MemoryDatabaseService()

    @pytest.fixture
    def prefixed_service(self, service: MemoryDatabaseService) -> MemoryDatabaseService:
        # Same "server": share the storage, as two clients of one real server would.
        prefixed = MemoryDatabaseService(collection_prefix="pfx-")
        prefixed._collections = service._collections
        prefixed._lock = service._lock
        return prefixed
