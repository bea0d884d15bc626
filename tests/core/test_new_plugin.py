"""``gofannon-db new-plugin``: the skeleton a new author starts from installs, is listed, passes
lint, and -- with its hooks filled in by a dict-backed store -- passes the whole conformance suite."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
SCRIPT = shutil.which("gofannon-db", path=str(BIN))
RUFF = shutil.which("ruff", path=str(BIN)) or shutil.which("ruff")

# What an author writes in place of each `raise NotImplementedError("<hook>")` of the skeleton.
FILLED_IN = {
    "_connect": """
        import threading

        stores = globals().setdefault("_STORES", {})
        return stores.setdefault(self._url, ({}, threading.RLock()))
    """,
    "_get": """
        store, lock = self._client
        with lock:
            if doc_id not in store.get(collection, {}):
                raise DocumentNotFound(f"Document {doc_id!r} not found.")
            rev, body = store[collection][doc_id]
            return {"_id": doc_id, "_rev": rev, **copy_json(body)}
    """,
    "_save": """
        store, lock = self._client
        with lock:
            current = store.get(collection, {}).get(doc_id)
            if expected_rev is not None and (current is None or current[0] != expected_rev):
                raise RevisionConflict(f"Document {doc_id!r} is not at revision {expected_rev!r}.")
            rev = new_revision(current[0] if current else None)
            store.setdefault(collection, {})[doc_id] = (rev, body)
            return rev
    """,
    "_delete": """
        store, lock = self._client
        with lock:
            current = store.get(collection, {}).get(doc_id)
            if current is None:
                raise DocumentNotFound(f"Document {doc_id!r} not found.")
            if rev is not None and current[0] != rev:
                raise RevisionConflict(f"Document {doc_id!r} is not at revision {rev!r}.")
            del store[collection][doc_id]
    """,
    "_list_all": """
        store, lock = self._client
        with lock:
            return [self._get(collection, doc_id) for doc_id in store.get(collection, {})]
    """,
    "_list_collections": """
        store, lock = self._client
        with lock:
            return list(store)
    """,
    "_drop_collection": """
        store, lock = self._client
        with lock:
            store.pop(collection, None)
    """,
}


def run(*command: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "PYTEST_"))}
    return subprocess.run(
        list(command), cwd=cwd, capture_output=True, text=True, check=False, timeout=300, env={**clean, **env}
    )


def fill_in(service_py: Path) -> None:
    text = service_py.read_text()
    for hook, body in FILLED_IN.items():
        marker = f'        raise NotImplementedError("{hook}")\n'
        assert text.count(marker) == 1, f"the skeleton should leave {hook} to write"
        text = text.replace(marker, textwrap.indent(textwrap.dedent(body).strip("\n"), " " * 8) + "\n")
    service_py.write_text(text)


def test_new_plugin_writes_a_distribution_that_lints_installs_is_listed_and_passes_the_suite(tmp_path: Path) -> None:
    assert SCRIPT, "the gofannon-db console script is not installed next to this Python"
    assert RUFF, "ruff is needed to lint the generated plugin (tests/requirements.txt installs it)"
    root = tmp_path / "gofannon-db-acme"
    made = run(SCRIPT, "new-plugin", "acme", "--dir", str(root))
    assert made.returncode == 0, made.stderr
    assert sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) == [
        "README.md",
        "pyproject.toml",
        "src/gofannon_db_acme/__init__.py",
        "src/gofannon_db_acme/plugin.py",
        "src/gofannon_db_acme/service.py",
        "tests/test_conformance.py",
    ]
    again = run(SCRIPT, "new-plugin", "acme", "--dir", str(root))
    assert again.returncode == 1
    assert "already exists" in again.stderr

    for lint in (["check", "."], ["format", "--check", "."]):
        linted = run(RUFF, *lint, cwd=root)
        assert linted.returncode == 0, linted.stdout + linted.stderr

    fill_in(root / "src" / "gofannon_db_acme" / "service.py")
    site = tmp_path / "site"
    installed = run(
        sys.executable,
        "-m",
        "pip",
        "install",
        "-q",
        "--no-deps",
        "--no-build-isolation",
        "--target",
        str(site),
        str(root),
    )
    assert installed.returncode == 0, installed.stderr

    listed = run(sys.executable, "-m", "gofannon_db.cli.main", "providers", "--json", PYTHONPATH=str(site))
    assert listed.returncode == 0, listed.stderr
    acme = next(row for row in json.loads(listed.stdout)["providers"] if row["provider"] == "acme")
    assert (acme["distribution"], acme["loads"]) == ("gofannon-db-acme", True)
    assert [(o["name"], o["required"], o["secret"]) for o in acme["options"]] == [
        ("ACME_URL", True, False),
        ("ACME_PASSWORD", False, True),
        ("ACME_TIMEOUT", False, False),
    ]

    suite = run(
        sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--rootdir", str(root), "tests",
        cwd=root, PYTHONPATH=str(site), ACME_TEST_URL="memory://acme", ACME_TEST_PASSWORD="pa55-acme",
    )  # fmt: skip
    assert suite.returncode == 0, suite.stdout[-3000:] + suite.stderr[-2000:]
    assert " failed" not in suite.stdout
    assert " passed" in suite.stdout


def test_a_bad_plugin_name_is_refused_with_the_rule(tmp_path: Path) -> None:
    assert SCRIPT
    result = run(SCRIPT, "new-plugin", "My-Store", "--dir", str(tmp_path / "x"))
    assert result.returncode == 1
    assert "lowercase letters, digits or '_'" in result.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("hook", ["_list_collections", "_drop_collection"])
def test_a_missing_required_hook_is_a_501_naming_it(hook: str) -> None:
    from gofannon_db import DatabaseService, OperationNotSupported

    class FourHooks(DatabaseService):
        provider_name = "four"
        _get = _save = _delete = _list_all = None  # type: ignore[assignment]

    service = FourHooks()
    with pytest.raises(OperationNotSupported) as excinfo:
        service.list_collections() if hook == "_list_collections" else service.drop_collection("abc")
    assert excinfo.value.status_code == 501
    assert f"write {hook} in FourHooks" in excinfo.value.detail
