"""The real servers every test directory shares: one of each kind per test session, started on first use.

The backend tests (tests/couchdb, tests/dynamodb, tests/firestore), the REST service tests and
the compat tests all ask for these, so a run starts each server once. A server that cannot
start fails the tests that need it, naming the server and why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.launchers.couchdb import CouchDBServer, start_couchdb
from tests.launchers.dynamodb import DynamoDBServer, dynamodb_server
from tests.launchers.firestore import FirestoreServer, firestore_server
from tests.launchers.process import ServerStartError

# Nothing in these tests may probe the cloud metadata address: services on the Firestore emulator
# get an explicit project and the emulator host, and google-auth is told not to look for GCE either.
os.environ["NO_GCE_CHECK"] = "true"


@pytest.fixture(scope="session")
def couchdb_server() -> Iterator[CouchDBServer]:
    try:
        with start_couchdb() as server:
            yield server
    except ServerStartError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def ddb_server() -> Iterator[DynamoDBServer]:
    try:
        with dynamodb_server() as server:
            yield server
    except ServerStartError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def firestore_emulator() -> Iterator[FirestoreServer]:
    try:
        with firestore_server() as server:
            yield server
    except ServerStartError as error:
        pytest.fail(str(error), pytrace=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the async twin's conformance runs on the real servers ``twin``: CI runs them on one Python.

    They are the same contract as the sync runs, through a thin facade; the sync suite covers
    the other Pythons (see noxfile.py).
    """
    for item in items:
        if item.path.name == "test_async_conformance.py":
            item.add_marker(pytest.mark.twin)
