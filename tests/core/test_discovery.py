"""Entry-point discovery caches what it found, and sees an install or uninstall at once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gofannon_db import discovery


def _install(site: Path, name: str, entry_points: str) -> Path:
    """A minimal installed distribution: a ``*.dist-info`` folder with METADATA and entry_points.txt."""
    info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(entry_points)
    _bump(site)
    return info


def _bump(folder: Path) -> None:
    """Make sure the folder's modification time moves, even on a file system with coarse times."""
    stamp = time.time_ns() + 1_000_000_000
    os.utime(folder, ns=(stamp, stamp))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "site-packages"
    folder.mkdir()
    monkeypatch.setattr(sys, "path", [str(folder)])
    monkeypatch.setenv("GOFANNON_DB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GOFANNON_DB_DISCOVERY_CACHE", raising=False)
    return folder


def _names(group: str = "gofannon_db") -> list[str]:
    return sorted(record.name for record in discovery.find_entry_points(group))


def test_finds_entry_points_with_their_distribution(site: Path) -> None:
    _install(site, "gofannon-db-alpha", "[gofannon_db]\nalpha = alpha_module.plugin\n")
    [record] = discovery.find_entry_points("gofannon_db")
    assert record == discovery.EntryPointRecord("alpha", "alpha_module.plugin", "gofannon-db-alpha", "1.0")


def test_a_second_start_reads_the_cache_without_scanning(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _install(site, "gofannon-db-alpha", "[gofannon_db]\nalpha = alpha_module.plugin\n")
    assert _names() == ["alpha"]
    assert discovery.cache_path("gofannon_db").exists()

    def no_scan(group: str) -> list[discovery.EntryPointRecord]:
        raise AssertionError("scanned although nothing was installed")

    monkeypatch.setattr(discovery, "_scan", no_scan)
    assert _names() == ["alpha"]


def test_an_install_and_an_uninstall_are_seen_at_once(site: Path) -> None:
    _install(site, "gofannon-db-alpha", "[gofannon_db]\nalpha = alpha_module.plugin\n")
    assert _names() == ["alpha"]
    beta = _install(site, "gofannon-db-beta", "[gofannon_db]\nbeta = beta_module.plugin\n")
    assert _names() == ["alpha", "beta"]
    for child in beta.iterdir():
        child.unlink()
    beta.rmdir()
    _bump(site)
    assert _names() == ["alpha"]


def test_the_cache_can_be_turned_off(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOFANNON_DB_DISCOVERY_CACHE", "0")
    _install(site, "gofannon-db-alpha", "[gofannon_db]\nalpha = alpha_module.plugin\n")
    assert _names() == ["alpha"]
    assert not discovery.cache_path("gofannon_db").exists()


def test_a_corrupt_or_unwritable_cache_falls_back_to_scanning(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(site, "gofannon-db-alpha", "[gofannon_db]\nalpha = alpha_module.plugin\n")
    path = discovery.cache_path("gofannon_db")
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert _names() == ["alpha"]
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("GOFANNON_DB_CACHE_DIR", str(blocker / "cache"))  # cannot be created, even by root
    assert _names() == ["alpha"]
    assert not discovery.cache_path("gofannon_db").exists()


def test_load_imports_a_module_or_an_attribute() -> None:
    module = discovery.load(discovery.EntryPointRecord("x", "gofannon_db.codec", "d", "1"))
    assert module.__name__ == "gofannon_db.codec"
    function = discovery.load(discovery.EntryPointRecord("x", "gofannon_db.codec:copy_json", "d", "1"))
    assert function([1]) == [1]


def test_a_warm_start_does_not_import_importlib_metadata(tmp_path: Path) -> None:
    """The point of the cache: the metadata machinery (and the email package) stays out of start-up."""
    code = (
        "import sys, gofannon_db; gofannon_db.get_database_service(); "
        "print('importlib.metadata' in sys.modules, 'email' in sys.modules)"
    )
    env = {**os.environ, "GOFANNON_DB_CACHE_DIR": str(tmp_path)}
    env.pop("GOFANNON_DB_DISCOVERY_CACHE", None)
    cold = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    warm = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert cold.stdout.split() == ["True", "True"]
    assert warm.stdout.split() == ["False", "False"]


def test_the_provider_index_is_kept_only_for_the_entry_points_the_cache_lists(site: Path) -> None:
    """An index built from other entry points (a test's fake registry) must not describe this environment."""
    _install(site, "gofannon-db-alpha", "[gofannon_db]\nalpha = alpha_module.plugin\n")
    records = discovery.find_entry_points("gofannon_db")
    assert discovery.provider_index("gofannon_db") is None  # no full discovery yet
    discovery.remember_providers("gofannon_db", [], {"memory": ["gofannon-db"]})
    assert discovery.provider_index("gofannon_db") is None
    discovery.remember_providers("gofannon_db", records, {"alpha": ["gofannon-db-alpha"]})
    assert discovery.provider_index("gofannon_db") == {"alpha": ["gofannon-db-alpha"]}
    _install(site, "gofannon-db-beta", "[gofannon_db]\nbeta = beta_module.plugin\n")
    assert discovery.provider_index("gofannon_db") is None  # an install makes the index unknown at once
