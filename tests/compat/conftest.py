"""The application's settings object for every provider, on the session's real servers (tests/conftest.py).

Each test gets its own collection prefix, so tests sharing a server never see each other's
data, and starts and ends without a process-wide service.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from gofannon_db import reset_database_service

from tests.launchers.couchdb import CouchDBServer
from tests.launchers.dynamodb import DynamoDBServer
from tests.launchers.firestore import FirestoreServer

from .app_style import AppSettings

PROVIDERS = ["memory", "sqlite", "couchdb", "dynamodb", "firestore"]


@pytest.fixture(autouse=True)
def fresh_singleton() -> Iterator[None]:
    reset_database_service()
    yield
    reset_database_service()


@pytest.fixture(params=PROVIDERS)
def app_settings(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppSettings]:
    """Settings as the application builds them, for one provider; its collections are dropped afterwards."""
    for name in (
        "DATABASE_PROVIDER",
        "DATABASE_COLLECTION_PREFIX",
        "COUCHDB_URL",
        "DYNAMODB_ENDPOINT_URL",
        "SQLITE_PATH",
    ):
        monkeypatch.delenv(name, raising=False)
    values: dict[str, object] = {
        "DATABASE_PROVIDER": request.param,
        "DATABASE_COLLECTION_PREFIX": f"c{uuid.uuid4().hex[:8]}-",
        "DATABASE_TIMEOUT": 10,
    }
    if request.param == "couchdb":
        couch: CouchDBServer = request.getfixturevalue("couchdb_server")
        values.update(COUCHDB_URL=couch.url, COUCHDB_USER=couch.user, COUCHDB_PASSWORD=couch.password)
    elif request.param == "dynamodb":
        ddb: DynamoDBServer = request.getfixturevalue("ddb_server")
        values.update(
            DYNAMODB_REGION=ddb.region,
            DYNAMODB_ENDPOINT_URL=ddb.endpoint_url,
            AWS_ACCESS_KEY_ID=ddb.access_key_id,
            AWS_SECRET_ACCESS_KEY=ddb.secret_access_key,
        )
    elif request.param == "sqlite":
        # Not an attribute of the application's settings either: the environment supplies it.
        monkeypatch.setenv("SQLITE_PATH", str(request.getfixturevalue("tmp_path") / "app.sqlite3"))
    elif request.param == "firestore":
        # The application's settings have no emulator attribute: these come from the environment.
        emulator: FirestoreServer = request.getfixturevalue("firestore_emulator")
        monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", emulator.host)
        monkeypatch.setenv("FIRESTORE_PROJECT_ID", emulator.project_id)
    settings = AppSettings(**values)
    yield settings
    from gofannon_db.compat.gofannon import get_database_service

    db = get_database_service(settings)
    for name in db.list_collections():
        db.drop_collection(name)
