"""The conformance suite against the async twin of the DynamoDB service (same tests, through the sync facade)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gofannon_db.testing.aio import SyncFacade, async_twin

from tests.dynamodb import test_conformance
from tests.launchers.dynamodb import DynamoDBServer

from .conftest import make_service


class TestDynamoDBAsyncConformance(test_conformance.TestDynamoDBConformance):
    @pytest.fixture
    def service(self, ddb_server: DynamoDBServer) -> Iterator[SyncFacade]:  # type: ignore[override]
        with async_twin(make_service(ddb_server)) as twin:
            yield twin

    @pytest.fixture
    def prefixed_service(self, ddb_server: DynamoDBServer) -> Iterator[SyncFacade]:  # type: ignore[override]
        with async_twin(make_service(ddb_server, collection_prefix="pfx-")) as twin:
            yield twin
