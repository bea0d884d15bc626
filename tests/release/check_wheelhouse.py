"""Install ``gofannon-db[all]`` from the built wheelhouse into a fresh virtual environment, as a user would.

Run by ``nox -s release`` (a default session) after it builds the wheelhouse, with
``GOFANNON_WHEELHOUSE`` naming it: ``pytest tests/release/check_wheelhouse.py``. Without that
variable the test builds the wheelhouse itself first. The file is not named ``test_*.py`` so
that the ``tests`` session, which runs on every Python, does not repeat this slow install.

The four distributions come from the wheelhouse only (pinned to the built version by a
constraints file, so nothing of the same name on the index can stand in); third-party
dependencies come from the index.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DISTRIBUTIONS = ("gofannon-db", "gofannon-db-couchdb", "gofannon-db-dynamodb", "gofannon-db-firestore")
PROVIDERS = {"memory": "gofannon-db", "couchdb": "gofannon-db-couchdb", "dynamodb": "gofannon-db-dynamodb"}
PROVIDERS["firestore"] = "gofannon-db-firestore"


def _version(wheelhouse: Path) -> str:
    [wheel] = wheelhouse.glob("gofannon_db-*.whl")
    return wheel.name.split("-")[1]


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("GOFANNON_WHEELHOUSE")
    if given:
        return Path(given).resolve()
    built = tmp_path_factory.mktemp("wheelhouse")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "release.py"), str(built)], check=True)
    return built


@pytest.fixture(scope="module")
def python(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The interpreter of a fresh virtual environment with ``gofannon-db[all]`` installed from the wheelhouse."""
    home = tmp_path_factory.mktemp("fresh-venv")
    venv.create(home, with_pip=True, clear=True)
    interpreter = home / "bin" / "python"
    constraints = home / "constraints.txt"
    constraints.write_text("".join(f"{name}=={_version(wheelhouse)}\n" for name in DISTRIBUTIONS))
    install = [str(interpreter), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    install += ["--find-links", str(wheelhouse), "--constraint", str(constraints), "gofannon-db[all]"]
    completed = subprocess.run(install, capture_output=True, text=True, check=False, cwd=home)
    assert completed.returncode == 0, completed.stderr
    return interpreter


def _run(python: Path, code: str) -> dict[str, object]:
    """Run ``code`` in the fresh environment, away from the checkout, and return the JSON it prints."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "PYTHON"))}
    completed = subprocess.run(
        [str(python), "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        cwd=python.parent,
        env=env,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)  # type: ignore[no-any-return]


def test_every_distribution_comes_from_the_wheelhouse(python: Path, wheelhouse: Path) -> None:
    found = _run(
        python,
        """
        import json
        from importlib.metadata import distribution
        names = ("gofannon-db", "gofannon-db-couchdb", "gofannon-db-dynamodb", "gofannon-db-firestore")
        dists = {name: distribution(name) for name in names}
        print(json.dumps({name: {"version": dist.version, "direct_url": dist.read_text("direct_url.json") is not None,
                                 "where": str(dist.locate_file(""))} for name, dist in dists.items()}))
        """,
    )
    for name in DISTRIBUTIONS:
        info = found[name]
        assert isinstance(info, dict)
        assert info["version"] == _version(wheelhouse)
        assert info["direct_url"] is False  # resolved from the wheelhouse, not a path or URL
        assert str(info["where"]).startswith(str(python.parent.parent))


def test_the_command_lists_all_four_providers_loading(python: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DATABASE_")}
    completed = subprocess.run(
        [str(python.parent / "gofannon-db"), "providers", "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=python.parent,
        env=env,
    )
    rows = json.loads(completed.stdout)["providers"]
    listed = {row["provider"]: row["distribution"] for row in rows}
    assert listed.items() >= PROVIDERS.items(), listed  # built-in providers added later may be listed too
    assert all(row["loads"] for row in rows), rows


def test_memory_works_and_every_backend_has_its_sdk(python: Path, wheelhouse: Path) -> None:
    result = _run(
        python,
        """
        import importlib, json
        from pathlib import Path
        import gofannon_db
        db = gofannon_db.get_database_service()
        written = db.save("agents", "a1", {"name": "Ada", "n": 1})
        read = db.get("agents", "a1")
        modules = ("gofannon_db", "gofannon_db_couchdb", "gofannon_db_dynamodb", "gofannon_db_firestore")
        typed = {name: (Path(importlib.import_module(name).__file__).parent / "py.typed").exists() for name in modules}
        for service in ("gofannon_db_couchdb.service", "gofannon_db_dynamodb.service", "gofannon_db_firestore.service"):
            importlib.import_module(service)  # imports CouchDB-Python, boto3, google-cloud-firestore
        print(json.dumps({"provider": db.provider_name, "same_rev": written["rev"] == read["_rev"],
                          "name": read["name"], "typed": typed, "version": gofannon_db.__version__}))
        """,
    )
    assert result["provider"] == "memory"
    assert result["same_rev"] is True
    assert result["name"] == "Ada"
    assert result["version"] == _version(wheelhouse)
    assert result["typed"] == dict.fromkeys(
        ["gofannon_db", "gofannon_db_couchdb", "gofannon_db_dynamodb", "gofannon_db_firestore"], True
    )
