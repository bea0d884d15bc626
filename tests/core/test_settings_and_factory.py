"""Settings, the singleton and the independent factory."""

from __future__ import annotations

import threading

import pytest
from gofannon_db import (
    ConfigurationError,
    DatabaseService,
    Settings,
    create_database_service,
    get_database_service,
    reset_database_service,
)
from gofannon_db.backends.memory import MemoryDatabaseService


def test_settings_read_the_environment_and_keywords_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_PROVIDER", "Memory ")
    monkeypatch.setenv("DATABASE_TIMEOUT", "3")
    assert Settings().provider == "memory"
    assert Settings().timeout == 3.0
    overridden = Settings(DATABASE_PROVIDER="couchdb", DATABASE_TIMEOUT=1.5, DATABASE_COLLECTION_PREFIX=None)
    assert (overridden.provider, overridden.timeout, overridden.collection_prefix) == ("couchdb", 1.5, "")
    assert Settings({}).provider == "memory"


@pytest.mark.parametrize(
    ("name", "value", "getter"),
    [("DATABASE_TIMEOUT", "soon", "timeout"), ("DATABASE_TIMEOUT", "-1", "timeout")],
)
def test_bad_settings_name_the_variable(name: str, value: str, getter: str) -> None:
    with pytest.raises(ConfigurationError) as excinfo:
        getattr(Settings({name: value}), getter)
    assert name in excinfo.value.detail


def test_settings_repr_hides_secrets() -> None:
    settings = Settings({}, COUCHDB_PASSWORD="hunter2", COUCHDB_URL="http://admin:hunter2@127.0.0.1:5984")
    assert "hunter2" not in repr(settings)
    assert "admin" in repr(settings)


@pytest.mark.parametrize(
    "url", ["admin:hunter2@127.0.0.1:5984", "admin:hunter2@db.example", "http://admin:hunter2@127.0.0.1:5984/"]
)
def test_settings_repr_masks_a_password_in_a_url_with_or_without_a_scheme(url: str) -> None:
    text = repr(Settings({}, DATABASE_PROVIDER="couchdb", COUCHDB_URL=url))
    assert "hunter2" not in text
    assert "admin:***@" in text


def test_singleton_is_shared_across_threads() -> None:
    seen: list[DatabaseService] = []
    threads = [threading.Thread(target=lambda: seen.append(get_database_service(Settings({})))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(service) for service in seen}) == 1
    assert isinstance(seen[0], MemoryDatabaseService)
    assert get_database_service() is seen[0]


def test_singleton_refuses_other_settings_instead_of_returning_the_old_service() -> None:
    get_database_service(Settings({}))
    assert get_database_service(Settings({})) is get_database_service()
    with pytest.raises(ConfigurationError) as excinfo:
        get_database_service(Settings({}, DATABASE_COLLECTION_PREFIX="other-"))
    assert "reset_database_service" in excinfo.value.detail
    reset_database_service()
    assert get_database_service(Settings({}, DATABASE_COLLECTION_PREFIX="other-")).collection_prefix == "other-"


def test_create_returns_independent_services() -> None:
    first, second = create_database_service(Settings({})), create_database_service(Settings({}))
    assert first is not second
    first.save("agents", "doc", {})
    assert second.list_all("agents") == []


def test_reset_closes_the_service() -> None:
    closed: list[bool] = []
    service = get_database_service(Settings({}))
    service._close = lambda: closed.append(True)  # type: ignore[method-assign]
    reset_database_service()
    assert closed == [True]
