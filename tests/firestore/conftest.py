"""Services on the session's Firestore emulator (started by tests/conftest.py), wiped after every test here."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.launchers.firestore import FirestoreServer

if TYPE_CHECKING:
    from gofannon_db_firestore.service import FirestoreDatabaseService

# Nothing in these tests may probe the cloud metadata address: every service gets an explicit
# project and the emulator host, and google-auth is told not to look for GCE either.
os.environ["NO_GCE_CHECK"] = "true"


@pytest.fixture(autouse=True)
def _wipe_emulator(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts and ends with an empty database (only for tests that use the emulator)."""
    yield
    if "firestore_emulator" in request.fixturenames:
        request.getfixturevalue("firestore_emulator").reset()


def make_service(server: FirestoreServer, **config: object) -> FirestoreDatabaseService:
    from gofannon_db_firestore.config import FirestoreConfig
    from gofannon_db_firestore.service import FirestoreDatabaseService

    options: dict[str, object] = {"project": server.project_id, "emulator_host": server.host, "timeout": 10.0}
    options.update(config)
    return FirestoreDatabaseService(FirestoreConfig(**options))  # type: ignore[arg-type]


@pytest.fixture
def firestore_service(firestore_emulator: FirestoreServer) -> Iterator[FirestoreDatabaseService]:
    with make_service(firestore_emulator) as service:
        yield service
