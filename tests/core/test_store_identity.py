"""Store identity: a provider says which options identify its store and how to normalise them;
``migrate`` refuses to copy a store onto itself (and only then)."""

from __future__ import annotations

from pathlib import Path

import pytest
from gofannon_db import ConfigurationError, Settings
from gofannon_db.identity import normalise_path, normalise_url, store_identity
from gofannon_db.migration import check_distinct
from gofannon_db.plugins import get_registry


def settings(provider: str, **values: str) -> Settings:
    return Settings({}, DATABASE_PROVIDER=provider, **values)


def test_normalise_path_resolves_relative_and_home_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert normalise_path("./x.db") == normalise_path("x.db") == normalise_path("~/x.db") == str(tmp_path / "x.db")
    assert normalise_path("sub/../x.db") == str(tmp_path / "x.db")
    assert normalise_path("y.db") != normalise_path("x.db")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5984",
        "http://127.0.0.1:5984/",
        "HTTP://admin:secret@127.0.0.1:5984/",
        "http://other:pw@127.0.0.1:5984?x=1",
    ],
)
def test_normalise_url_drops_credentials_case_and_trailing_slash(url: str) -> None:
    assert normalise_url(url) == "http://127.0.0.1:5984"


def test_normalise_url_keeps_what_names_another_store() -> None:
    assert normalise_url("http://example.com:80/db/") == normalise_url("http://EXAMPLE.com/db")
    assert normalise_url("https://example.com:443") == "https://example.com"
    assert normalise_url("http://example.com:8080") != normalise_url("http://example.com")
    assert normalise_url("http://example.com/a") != normalise_url("http://example.com/b")


def test_an_unset_option_and_its_default_are_one_store() -> None:
    provider = get_registry().get("careless")
    unset = store_identity(provider, settings("careless"))
    assert unset == store_identity(provider, settings("careless", CARELESS_HOME="/tmp/careless/"))
    assert unset != store_identity(provider, settings("careless", CARELESS_HOME="/tmp/elsewhere"))
    assert unset != store_identity(provider, settings("careless", DATABASE_COLLECTION_PREFIX="staging-"))


def test_only_identity_options_count_when_some_are_marked() -> None:
    provider = get_registry().get("careless")
    assert store_identity(provider, settings("careless", CARELESS_GREETING="a")) == store_identity(
        provider, settings("careless", CARELESS_GREETING="b", CARELESS_PASSPHRASE="other")
    )


def test_a_provider_without_options_never_shares_a_store() -> None:
    assert store_identity(get_registry().get("memory"), settings("memory")) is None
    check_distinct(settings("memory"), settings("memory"))


def test_migrate_refuses_one_path_spelled_two_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigurationError) as excinfo:
        check_distinct(settings("careless", CARELESS_HOME="./x.db"), settings("careless", CARELESS_HOME="x.db"))
    assert "same careless database (same CARELESS_HOME, DATABASE_COLLECTION_PREFIX)" in excinfo.value.detail
    check_distinct(settings("careless", CARELESS_HOME="x.db"), settings("careless", CARELESS_HOME="y.db"))


def test_migrate_refuses_one_couchdb_server_with_and_without_credentials_in_the_url() -> None:
    with_credentials = settings("couchdb", COUCHDB_URL="http://admin:secret@127.0.0.1:5984/")
    without = settings("couchdb", COUCHDB_URL="http://127.0.0.1:5984", COUCHDB_USER="admin", COUCHDB_TIMEOUT="3")
    with pytest.raises(ConfigurationError) as excinfo:
        check_distinct(with_credentials, without)
    assert "secret" not in excinfo.value.detail
    check_distinct(with_credentials, settings("couchdb", COUCHDB_URL="http://127.0.0.1:5985"))
    check_distinct(without, settings("couchdb", COUCHDB_URL="http://127.0.0.1:5984", DATABASE_COLLECTION_PREFIX="b-"))


def test_migrate_refuses_one_sqlite_file_however_it_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    default = settings("sqlite")  # unset: gofannon-db.sqlite3 in the working directory
    for same in ("gofannon-db.sqlite3", "./gofannon-db.sqlite3", str(tmp_path / "gofannon-db.sqlite3")):
        with pytest.raises(ConfigurationError, match="same sqlite database"):
            check_distinct(default, settings("sqlite", SQLITE_PATH=same, SQLITE_TIMEOUT="3"))
    check_distinct(default, settings("sqlite", SQLITE_PATH="other.sqlite3"))
    check_distinct(default, settings("sqlite", DATABASE_COLLECTION_PREFIX="staging-"))
