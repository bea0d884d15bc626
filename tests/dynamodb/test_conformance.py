"""The contract's conformance suite against DynamoDB Local."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from gofannon_db.testing import ConformanceSuite

from tests.launchers.dynamodb import SECRET_ACCESS_KEY, DynamoDBServer

from .conftest import make_service


class TestDynamoDBConformance(ConformanceSuite):
    secret_values = (SECRET_ACCESS_KEY,)
    stateful_examples = 30
    stateful_steps = 25
    """Every sequence creates a table (DynamoDB Local: tens of ms each), so fewer, equally long sequences."""

    @pytest.fixture
    def service(self, ddb_server: DynamoDBServer) -> Iterator[Any]:
        with make_service(ddb_server) as service:
            yield service

    @pytest.fixture
    def prefixed_service(self, ddb_server: DynamoDBServer) -> Iterator[Any]:
        with make_service(ddb_server, collection_prefix="pfx-") as service:
            yield service
