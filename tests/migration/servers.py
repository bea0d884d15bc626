"""The real servers for the end-to-end migration tests, through the backends' own launchers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from gofannon_db import DatabaseService, Settings, create_database_service

from tests.launchers.couchdb import CouchDBServer, start_couchdb
from tests.launchers.dynamodb import DynamoDBServer
from tests.launchers.firestore import FirestoreServer
from tests.launchers.process import ServerStartError

os.environ["NO_GCE_CHECK"] = "true"  # nothing may probe the cloud metadata address


def running(launcher: AbstractContextManager[Any]) -> Iterator[Any]:
    """Yield the launcher's server; a server that cannot start fails the test, naming it."""
    try:
        with launcher as server:
            yield server
    except ServerStartError as error:
        pytest.fail(str(error), pytrace=False)


def couchdb_env(server: CouchDBServer) -> dict[str, str]:
    return {**server.settings_env, "DATABASE_TIMEOUT": "5"}


def dynamodb_env(server: DynamoDBServer) -> dict[str, str]:
    return {
        "DATABASE_PROVIDER": "dynamodb",
        "DYNAMODB_ENDPOINT_URL": server.endpoint_url,
        "DYNAMODB_REGION": server.region,
        "AWS_ACCESS_KEY_ID": server.access_key_id,
        "AWS_SECRET_ACCESS_KEY": server.secret_access_key,
        "DATABASE_TIMEOUT": "5",
    }


def firestore_env(server: FirestoreServer) -> dict[str, str]:
    return {
        "DATABASE_PROVIDER": "firestore",
        "FIRESTORE_EMULATOR_HOST": server.host,
        "FIRESTORE_PROJECT_ID": server.project_id,
        "DATABASE_TIMEOUT": "10",
    }


def unique_prefix() -> str:
    """A collection prefix per test, so tests sharing a server never see each other's data."""
    return f"m{uuid.uuid4().hex[:8]}-"


def service(env: dict[str, str], prefix: str = "") -> DatabaseService:
    """An independent service for exactly ``env`` (the process environment ignored)."""
    return create_database_service(Settings({**env, "DATABASE_COLLECTION_PREFIX": prefix}))


__all__ = [
    "couchdb_env",
    "dynamodb_env",
    "firestore_env",
    "running",
    "service",
    "start_couchdb",
    "unique_prefix",
]
