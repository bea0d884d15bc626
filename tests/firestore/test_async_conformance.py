"""The conformance suite against the async twin of the Firestore service (same tests, through the sync facade)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gofannon_db.testing.aio import SyncFacade, async_twin

from tests.firestore import test_conformance
from tests.firestore.conftest import make_service
from tests.launchers.firestore import FirestoreServer


class TestFirestoreAsyncConformance(test_conformance.TestFirestoreConformance):
    @pytest.fixture
    def service(self, firestore_emulator: FirestoreServer) -> Iterator[SyncFacade]:  # type: ignore[override]
        with async_twin(make_service(firestore_emulator)) as twin:
            yield twin

    @pytest.fixture
    def prefixed_service(self, firestore_emulator: FirestoreServer) -> Iterator[SyncFacade]:  # type: ignore[override]
        with async_twin(make_service(firestore_emulator, collection_prefix="pfx-")) as twin:
            yield twin
