"""The whole conformance suite against the official Firestore emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gofannon_db.service import DatabaseService
from gofannon_db.testing import ConformanceSuite

from tests.firestore.conftest import make_service
from tests.launchers.firestore import FirestoreServer


class TestFirestoreConformance(ConformanceSuite):
    concurrency_increments = 5
    """8 threads x 5 landed writes: each attempt is three RPCs (read, read, conditional update)
    and only one contender in eight wins a round, so the default 10 takes ~25 s on a busy
    2-core machine without testing anything more."""

    stateful_examples = 40
    stateful_steps = 25
    """The model-based test's budget: about 1,000 calls on the emulator."""

    @pytest.fixture
    def service(self, firestore_emulator: FirestoreServer) -> Iterator[DatabaseService]:
        with make_service(firestore_emulator) as service:
            yield service

    @pytest.fixture
    def prefixed_service(self, firestore_emulator: FirestoreServer) -> Iterator[DatabaseService]:
        with make_service(firestore_emulator, collection_prefix="pfx-") as service:
            yield service
