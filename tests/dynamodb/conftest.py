"""Services connected to the session's DynamoDB Local (started by tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.launchers.dynamodb import DynamoDBServer


def make_service(server: DynamoDBServer, **overrides: Any) -> Any:
    """A service on the test server with its dummy credentials (keyword arguments override)."""
    from gofannon_db_dynamodb.service import DynamoDBDatabaseService

    options: dict[str, Any] = {
        "region": server.region,
        "endpoint_url": server.endpoint_url,
        "aws_access_key_id": server.access_key_id,
        "aws_secret_access_key": server.secret_access_key,
        "timeout": 10.0,
        **overrides,
    }
    return DynamoDBDatabaseService(**options)


@pytest.fixture
def ddb_service(ddb_server: DynamoDBServer) -> Iterator[Any]:
    with make_service(ddb_server) as service:
        yield service
