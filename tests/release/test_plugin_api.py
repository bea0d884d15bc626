"""The plugin API version: a plugin written for another API is refused at discovery, with a reason."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gofannon_db import Provider, ProviderNotFound, Settings, create_database_service
from gofannon_db.backends import memory_plugin
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.hookspecs import API_VERSION, hookimpl
from gofannon_db.plugins import ProviderRegistry, get_registry

SCRIPT = shutil.which("gofannon-db", path=str(Path(sys.executable).parent))


class _Plugin:
    """A run-time plugin stating ``api`` (or nothing, when ``api`` is the class default)."""

    called = False

    def __init__(self, **attributes: object) -> None:
        self.__dict__.update(attributes)

    @hookimpl
    def gofannon_db_providers(self) -> list[Provider]:
        type(self).called = True
        return [Provider("runtime", lambda settings: MemoryDatabaseService())]


def test_the_api_version_is_a_positive_whole_number() -> None:
    assert type(API_VERSION) is int
    assert API_VERSION >= 1


def test_every_first_party_plugin_states_the_current_api() -> None:
    import gofannon_db_couchdb.plugin
    import gofannon_db_dynamodb.plugin
    import gofannon_db_firestore.plugin

    for module in (
        memory_plugin,
        gofannon_db_couchdb.plugin,
        gofannon_db_dynamodb.plugin,
        gofannon_db_firestore.plugin,
    ):
        assert module.GOFANNON_DB_API == API_VERSION, module.__name__


def test_the_installed_old_plugin_is_refused_and_the_others_keep_working() -> None:
    registry = get_registry()
    [old] = [plugin for plugin in registry.plugins if plugin.distribution == "gofannon-db-oldapi"]
    assert not old.loaded
    assert old.providers == []
    assert "oldapi" not in registry.names()
    assert "plugin API 0" in (old.error or "")
    assert "upgrade gofannon-db-oldapi" in (old.error or "")
    assert {"memory", "example", "couchdb", "firestore", "dynamodb"} <= set(registry.names())
    with pytest.raises(ProviderNotFound) as excinfo:
        create_database_service(Settings({}, DATABASE_PROVIDER="oldapi"))
    assert "gofannon-db-oldapi" in excinfo.value.detail
    assert "upgrade gofannon-db-oldapi" in excinfo.value.detail


def test_providers_command_shows_one_clear_line_for_the_old_plugin() -> None:
    assert SCRIPT, "the gofannon-db console script is not installed next to this Python"
    table = subprocess.run([SCRIPT, "providers"], capture_output=True, text=True, check=True, timeout=60).stdout
    [line] = [line for line in table.splitlines() if line.startswith("oldapi")]
    assert "gofannon-db-oldapi" in line
    assert "no: gofannon-db-oldapi 0.0.1 (plugin 'oldapi') was written for gofannon-db plugin API 0" in line
    assert f"implements API {API_VERSION}; upgrade gofannon-db-oldapi" in line
    assert any(line.startswith("memory") and line.rstrip().endswith("yes") for line in table.splitlines())
    rows = json.loads(
        subprocess.run([SCRIPT, "providers", "--json"], capture_output=True, text=True, check=True, timeout=60).stdout
    )["providers"]
    [row] = [row for row in rows if row["distribution"] == "gofannon-db-oldapi"]
    assert row["loads"] is False


def test_a_plugin_for_a_newer_api_says_to_upgrade_the_core() -> None:
    _Plugin.called = False
    registry = ProviderRegistry()
    info = registry.register(_Plugin(GOFANNON_DB_API=API_VERSION + 1))
    assert not info.loaded
    assert f"plugin API {API_VERSION + 1}" in (info.error or "")
    assert "upgrade gofannon-db to a release that implements" in (info.error or "")
    assert not _Plugin.called
    assert registry.names() == []


@pytest.mark.parametrize("stated", ["1", 1.0, True, None])
def test_a_version_that_is_not_a_whole_number_is_refused(stated: object) -> None:
    info = ProviderRegistry().register(_Plugin(GOFANNON_DB_API=stated))
    assert not info.loaded
    assert "must be a whole number" in (info.error or "")


def test_a_plugin_stating_no_version_is_taken_as_api_1() -> None:
    info = ProviderRegistry().register(_Plugin())
    assert info.loaded is (API_VERSION == 1)


def test_a_plugin_stating_the_current_version_loads() -> None:
    registry = ProviderRegistry()
    info = registry.register(_Plugin(GOFANNON_DB_API=API_VERSION))
    assert info.loaded
    assert registry.names() == ["runtime"]
