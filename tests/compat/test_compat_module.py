"""The compat module itself: settings objects, the singleton, the error conversion, FastAPI, the provider classes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from gofannon_db import (
    BackendUnavailable,
    ConfigurationError,
    DatabaseError,
    DocumentNotFound,
    Settings,
    reset_database_service,
)
from gofannon_db.compat.gofannon import (
    CouchDBService,
    DatabaseService,
    DynamoDBService,
    FirestoreDBService,
    MemoryDBService,
    get_database_service,
    settings_from,
)
from gofannon_db.compat.http_errors import as_http_error, http_error_class

from tests.launchers.couchdb import CouchDBServer
from tests.launchers.dynamodb import DynamoDBServer
from tests.launchers.firestore import FirestoreServer

from .app_style import AppSettings


@pytest.fixture(autouse=True)
def _no_database_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_PROVIDER", "DATABASE_COLLECTION_PREFIX", "DATABASE_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)


def test_none_attributes_count_as_unset_and_the_environment_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_COLLECTION_PREFIX", "fromenv-")
    monkeypatch.setenv("DATABASE_TIMEOUT", "7")
    settings = settings_from(AppSettings(DATABASE_COLLECTION_PREFIX=None, DATABASE_TIMEOUT=3, COUCHDB_URL=None))
    assert settings.collection_prefix == "fromenv-"
    assert settings.timeout == 3.0
    assert settings.provider == "memory"
    assert get_database_service(AppSettings(DATABASE_COLLECTION_PREFIX=None)).service.collection_prefix == "fromenv-"


def test_only_the_names_gofannon_db_knows_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADMIN_PANEL_PASSWORD", raising=False)
    settings = settings_from(
        AppSettings(ADMIN_PANEL_PASSWORD="pw", COUCHDB_URL="http://127.0.0.1:1", DYNAMODB_REGION="eu-west-1")
    )
    assert "ADMIN_PANEL_PASSWORD" not in settings
    assert "AUTH_CONFIG" not in settings
    assert settings.get_str("COUCHDB_URL") == "http://127.0.0.1:1"  # a provider's declared option
    assert settings.get_str("DYNAMODB_REGION") == "eu-west-1"


def test_gofannon_db_settings_and_mappings_are_accepted() -> None:
    plain = Settings({}, DATABASE_PROVIDER="memory", DATABASE_COLLECTION_PREFIX="p-")
    assert settings_from(plain) is plain
    assert settings_from({"DATABASE_COLLECTION_PREFIX": "m-", "COUCHDB_URL": None}).collection_prefix == "m-"
    assert get_database_service(plain).service.collection_prefix == "p-"


def test_the_singleton_is_the_cores_and_refuses_other_settings() -> None:
    import gofannon_db

    db = get_database_service(AppSettings())
    assert db.service is gofannon_db.get_database_service()
    with pytest.raises(ConfigurationError) as excinfo:
        get_database_service(AppSettings(DATABASE_COLLECTION_PREFIX="other-"))
    assert not isinstance(excinfo.value, HTTPException)  # a start-up error, not something to answer a request with
    reset_database_service()
    again = get_database_service(AppSettings(DATABASE_COLLECTION_PREFIX="other-"))
    assert again is not db
    assert again.service.collection_prefix == "other-"


def test_the_converted_error_keeps_everything_the_typed_one_carried() -> None:
    cause = ConnectionResetError("peer reset")
    try:
        try:
            raise cause
        except ConnectionResetError as exc:
            error = BackendUnavailable("The couchdb server did not answer within 10 s.")
            error.results = [{"ok": False, "id": "a", "error": "unavailable", "status_code": 503}]  # type: ignore[attr-defined]
            raise error from exc
    except BackendUnavailable as raised:
        converted = as_http_error(raised)
    assert isinstance(converted, BackendUnavailable)
    assert isinstance(converted, HTTPException)
    assert type(converted).__name__ == "BackendUnavailable"
    assert (converted.status_code, converted.detail) == (503, "The couchdb server did not answer within 10 s.")
    assert converted.results == error.results  # type: ignore[attr-defined]
    assert converted.__cause__ is cause
    assert converted.__traceback__ is error.__traceback__
    assert as_http_error(converted) is converted
    assert http_error_class(BackendUnavailable) is type(converted)
    assert http_error_class(DatabaseError) is http_error_class(DatabaseError)


def test_the_core_errors_stay_free_of_web_frameworks() -> None:
    assert not issubclass(DocumentNotFound, HTTPException)
    assert all(not base.__module__.startswith(("fastapi", "starlette")) for base in DocumentNotFound.__mro__)


def test_fastapi_answers_an_unhandled_error_with_its_status_and_detail() -> None:
    app = FastAPI()

    @app.get("/agents/{agent_id}")
    def read_agent(agent_id: str) -> dict[str, object]:
        return get_database_service(AppSettings()).get("agents", agent_id)

    async def ask() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app") as client:
            return await client.get("/agents/nobody")

    response = asyncio.run(ask())
    assert response.status_code == 404
    assert response.json() == {"detail": "Document 'nobody' not found in collection 'agents'."}


def test_without_fastapi_the_import_says_what_to_install() -> None:
    code = """
        import sys
        sys.modules["fastapi"] = None  # as if the extra were not installed
        import gofannon_db.compat  # the package itself needs nothing
        try:
            import gofannon_db.compat.gofannon
        except ImportError as error:
            print(error)
        else:
            raise SystemExit("imported without fastapi")
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "gofannon_db.compat needs FastAPI" in result.stdout
    assert "pip install 'gofannon-db[fastapi]'" in result.stdout


def _works(db: DatabaseService) -> None:
    with db:
        db.save("agents", "a1", {"name": "Ada"})
        assert db.get("agents", "a1")["name"] == "Ada"
        with pytest.raises(HTTPException) as excinfo:
            db.get("agents", "nobody")
        assert excinfo.value.status_code == 404
        db.drop_collection("agents")


def test_memory_db_service_is_an_independent_service() -> None:
    one, two = MemoryDBService(), MemoryDBService()
    one.save("agents", "a1", {"name": "Ada"})
    assert two.list_all("agents") == []
    assert one.service is not get_database_service().service
    _works(one)


def test_couchdb_service_takes_url_user_password(couchdb_server: CouchDBServer) -> None:
    db = CouchDBService(couchdb_server.url, couchdb_server.user, couchdb_server.password, AppSettings())
    assert db.provider_name == "couchdb"
    assert couchdb_server.password not in repr(db)
    _works(db)


def test_dynamodb_service_takes_its_keyword_arguments(ddb_server: DynamoDBServer) -> None:
    db = DynamoDBService(
        region_name=ddb_server.region,
        endpoint_url=ddb_server.endpoint_url,
        aws_access_key_id=ddb_server.access_key_id,
        aws_secret_access_key=ddb_server.secret_access_key,
    )
    assert db.provider_name == "dynamodb"
    _works(db)


def test_firestore_service_reads_the_environment(
    firestore_emulator: FirestoreServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", firestore_emulator.host)
    monkeypatch.setenv("FIRESTORE_PROJECT_ID", firestore_emulator.project_id)
    db = FirestoreDBService()
    assert db.provider_name == "firestore"
    _works(db)
