"""Shared pieces of the migration tests: sample documents with every kind of value, memory services."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from gofannon_db import DatabaseService
from gofannon_db.backends.memory import MemoryDatabaseService

from tests.launchers.couchdb import CouchDBServer, start_couchdb
from tests.launchers.dynamodb import DynamoDBServer, dynamodb_server
from tests.launchers.firestore import FirestoreServer, firestore_server

from .servers import running


def sample_documents(count: int, prefix: str = "doc") -> list[dict[str, Any]]:
    """Documents that exercise the contract's values: unicode ids, nesting, lists of lists, floats, bools, null."""
    docs = []
    for index in range(count):
        docs.append(
            {
                "_id": f"{prefix}-{index:05d} ü+%?#:@& {'é' * (index % 3)}",
                "name": f"name {index} ☃",
                "count": index,
                "ratio": index / 7 + 0.1,
                "whole": 2.0,
                "flag": index % 2 == 0,
                "nothing": None,
                "tags": ["a", "b", index],
                "grid": [[1, 2], [3, [4.5, "x"]]],
                "nested": {"level": {"deeper": {"value": f"v{index}", "empty": {}, "list": []}}},
            }
        )
    return docs


def fill(service: DatabaseService, collection: str, docs: list[dict[str, Any]]) -> None:
    for start in range(0, len(docs), 500):
        results = service.save_many(collection, docs[start : start + 500])
        assert all(result["ok"] for result in results), results


@pytest.fixture
def source() -> Iterator[MemoryDatabaseService]:
    with MemoryDatabaseService() as service:
        yield service


@pytest.fixture
def target() -> Iterator[MemoryDatabaseService]:
    with MemoryDatabaseService() as service:
        yield service


# ----------------------------------------------------------- real servers (end-to-end tests only)


@pytest.fixture(scope="session")
def couchdb() -> Iterator[CouchDBServer]:
    yield from running(start_couchdb())


@pytest.fixture(scope="session")
def dynamodb() -> Iterator[DynamoDBServer]:
    yield from running(dynamodb_server())


@pytest.fixture(scope="session")
def firestore() -> Iterator[FirestoreServer]:
    yield from running(firestore_server())
