"""Plugin discovery through really installed distributions (see tests/plugin_dists/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from gofannon_db import (
    ConfigurationError,
    ProviderNotFound,
    Settings,
    create_database_service,
    get_database_service,
)
from gofannon_db.backends import memory_plugin
from gofannon_db.plugins import ProviderRegistry, get_registry


def test_an_installed_plugin_is_found_without_any_change_to_the_core() -> None:
    service = get_database_service(Settings({}, DATABASE_PROVIDER="example", EXAMPLE_GREETING="hello"))
    assert type(service).__module__ == "gofannon_db_example.service"
    assert service.ping() == {"provider": "example", "greeting": "hello"}
    plugin = get_registry().distribution_of("example")
    assert plugin is not None
    assert (plugin.distribution, plugin.version) == ("gofannon-db-example", "0.0.1")


def test_memory_registers_through_the_same_entry_point_group() -> None:
    plugin = get_registry().distribution_of("memory")
    assert plugin is not None
    assert plugin.distribution == "gofannon-db"


def test_a_missing_required_option_is_named() -> None:
    with pytest.raises(ConfigurationError) as excinfo:
        create_database_service(Settings({}, DATABASE_PROVIDER="example"))
    assert "EXAMPLE_GREETING" in excinfo.value.detail


def test_a_broken_plugin_is_reported_and_the_others_keep_working() -> None:
    broken = [plugin for plugin in get_registry().plugins if plugin.distribution == "gofannon-db-broken"]
    assert len(broken) == 1
    assert not broken[0].loaded
    assert "gofannon_db_missing_sdk" in (broken[0].error or "")
    assert create_database_service(Settings({})).provider_name == "memory"
    with pytest.raises(ProviderNotFound) as excinfo:
        create_database_service(Settings({}, DATABASE_PROVIDER="broken"))
    assert "gofannon-db-broken" in excinfo.value.detail


def test_two_distributions_claiming_one_name_is_an_error_naming_both() -> None:
    with pytest.raises(ConfigurationError) as excinfo:
        create_database_service(Settings({}, DATABASE_PROVIDER="duplicate"))
    assert "gofannon-db-dup-a" in excinfo.value.detail
    assert "gofannon-db-dup-b" in excinfo.value.detail
    assert create_database_service(Settings({}, DATABASE_PROVIDER="memory")).provider_name == "memory"


@pytest.mark.parametrize("name", ["couchdb", "firestore", "dynamodb"])
def test_provider_not_found_lists_installed_providers_and_names_the_distribution(name: str) -> None:
    registry = ProviderRegistry()
    registry.register(memory_plugin)
    with pytest.raises(ProviderNotFound) as excinfo:
        registry.get(name)
    assert "installed providers: memory" in excinfo.value.detail
    assert f"pip install gofannon-db-{name}" in excinfo.value.detail
    assert isinstance(excinfo.value, ConfigurationError)


def test_a_plugin_object_can_be_registered_at_run_time() -> None:
    from gofannon_db import Provider
    from gofannon_db.backends.memory import MemoryDatabaseService
    from gofannon_db.hookspecs import hookimpl

    class Bundled:
        @hookimpl
        def gofannon_db_providers(self) -> list[Provider]:
            return [Provider("bundled", lambda settings: MemoryDatabaseService())]

    registry = ProviderRegistry()
    info = registry.register(Bundled())
    assert info.loaded
    assert info.providers == ["bundled"]
    assert registry.names() == ["bundled"]


def _run_fresh(code: str, environ: dict[str, str] | None = None) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True, env=environ
    )
    return json.loads(completed.stdout)  # type: ignore[no-any-return]


def test_discovery_imports_no_cloud_sdk() -> None:
    result = _run_fresh(
        """
        import json, sys
        from gofannon_db.plugins import get_registry
        names = get_registry().names()
        heavy = [m for m in ("boto3", "botocore", "google.cloud.firestore", "grpc", "couchdb") if m in sys.modules]
        print(json.dumps({"names": names, "heavy": heavy}))
        """
    )
    assert result["heavy"] == []
    assert {"memory", "example"} <= set(result["names"])  # type: ignore[arg-type]


_DEFAULT_SERVICE_IMPORTS = """
    import json, sys
    before = set(sys.modules)
    import gofannon_db
    gofannon_db.get_database_service()
    third_party = sorted(
        {name.split(".")[0] for name in set(sys.modules) - before
         if "site-packages" in (getattr(sys.modules[name], "__file__", None) or "")} - {"gofannon_db"}
    )
    heavy = [m for m in ("pluggy", "dataclasses", "inspect", "urllib.parse", "pathlib") if m in sys.modules]
    print(json.dumps({"third_party": third_party, "heavy": heavy}))
"""


def test_the_default_service_starts_without_pluggy_or_plugins_once_discovery_is_cached(tmp_path: Path) -> None:
    """A cold start discovers every plugin through pluggy; later starts build memory alone."""
    environ = {**os.environ, "GOFANNON_DB_CACHE_DIR": str(tmp_path)}
    cold = _run_fresh(_DEFAULT_SERVICE_IMPORTS, environ)
    assert "pluggy" in cold["third_party"]  # type: ignore[operator]
    assert "gofannon_db_example" in cold["third_party"]  # type: ignore[operator]
    warm = _run_fresh(_DEFAULT_SERVICE_IMPORTS, environ)
    assert warm == {"third_party": [], "heavy": []}


def test_a_distribution_claiming_a_builtin_name_is_refused_cold_and_warm(tmp_path: Path) -> None:
    """The fast path for the core's own providers must not hide a conflict: the cached index sees it."""
    site = tmp_path / "site"
    (site / "gofannon_db_shadow").mkdir(parents=True)
    (site / "gofannon_db_shadow" / "__init__.py").write_text(
        "from gofannon_db.hookspecs import hookimpl\n"
        "from gofannon_db.provider import Provider\n"
        "from gofannon_db.backends.memory import MemoryDatabaseService\n"
        "@hookimpl\n"
        "def gofannon_db_providers():\n"
        "    return [Provider('memory', lambda settings: MemoryDatabaseService())]\n"
    )
    info = site / "gofannon_db_shadow-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: gofannon-db-shadow\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[gofannon_db]\nshadow = gofannon_db_shadow\n")
    environ = {**os.environ, "GOFANNON_DB_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(site)}
    code = """
        import json
        from gofannon_db import ConfigurationError, get_database_service
        try:
            get_database_service()
            print(json.dumps({"error": None}))
        except ConfigurationError as error:
            print(json.dumps({"error": error.detail}))
    """
    for start in ("cold", "warm"):
        error = _run_fresh(code, environ)["error"]
        assert error is not None, start
        assert "gofannon-db-shadow" in error, start  # type: ignore[operator]
        assert "more than one distribution" in error, start  # type: ignore[operator]


def test_import_alone_defers_discovery() -> None:
    """Importing the package (types, errors, the interface) does no entry-point discovery."""
    result = _run_fresh(
        """
        import json, sys
        import gofannon_db
        from gofannon_db import DatabaseService, Settings, InvalidName
        print(json.dumps({"loaded": [m for m in ("pluggy", "importlib.metadata", "gofannon_db.plugins")
                                     if m in sys.modules]}))
        """
    )
    assert result["loaded"] == []
