"""One version for the project: what the code reports is what the installed metadata says, for all four."""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import distribution

import gofannon_db
import pytest
from packaging.requirements import Requirement
from packaging.version import Version

PLUGINS = {
    "gofannon-db-couchdb": "gofannon_db_couchdb",
    "gofannon-db-dynamodb": "gofannon_db_dynamodb",
    "gofannon-db-firestore": "gofannon_db_firestore",
}


def test_the_core_reports_its_metadata_version() -> None:
    from gofannon_db.__about__ import __version__

    assert gofannon_db.__version__ == __version__ == distribution("gofannon-db").version


@pytest.mark.parametrize(("dist", "module"), PLUGINS.items())
def test_each_plugin_shares_the_version_and_accepts_this_major_of_the_core(dist: str, module: str) -> None:
    metadata = distribution(dist)
    assert metadata.version == gofannon_db.__version__
    assert import_module(module).__version__ == metadata.version
    [core] = [Requirement(line) for line in metadata.requires or [] if Requirement(line).name == "gofannon-db"]
    assert core.specifier.contains(gofannon_db.__version__)
    assert not core.specifier.contains(f"{Version(gofannon_db.__version__).major + 1}.0")


@pytest.mark.parametrize("extra", ["couchdb", "firestore", "dynamodb"])
def test_the_core_has_an_extra_per_backend_and_all_takes_every_one(extra: str) -> None:
    requires = [Requirement(line) for line in distribution("gofannon-db").requires or []]
    for wanted in (extra, "all"):
        assert any(
            req.name == f"gofannon-db-{extra}" and req.marker is not None and req.marker.evaluate({"extra": wanted})
            for req in requires
        ), wanted
