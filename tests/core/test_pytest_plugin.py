"""The pytest plugin, as a backend author meets it: a test module in a fresh directory, run by a
separate pytest (the plugin is found through its ``pytest11`` entry point)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

BROKEN_BACKEND = '''
import threading

import pytest
from gofannon_db import DatabaseService, DocumentNotFound, RevisionConflict
from gofannon_db.codec import copy_json, new_revision
from gofannon_db.testing import ConformanceSuite


class Broken(DatabaseService):
    """Correct except that _get adds a key that was never saved."""

    provider_name = "broken"

    def __init__(self, store, collection_prefix=""):
        super().__init__(collection_prefix=collection_prefix)
        self._store, self._lock = store, threading.RLock()

    def _get(self, collection, doc_id):
        if doc_id not in self._store.get(collection, {}):
            raise DocumentNotFound(doc_id)
        rev, body = self._store[collection][doc_id]
        return {"_id": doc_id, "_rev": rev, **copy_json(body), "stray": "oops"}

    def _save(self, collection, doc_id, body, expected_rev):
        with self._lock:
            current = self._store.get(collection, {}).get(doc_id)
            if expected_rev is not None and (current is None or current[0] != expected_rev):
                raise RevisionConflict(doc_id)
            rev = new_revision(current[0] if current else None)
            self._store.setdefault(collection, {})[doc_id] = (rev, body)
            return rev

    def _delete(self, collection, doc_id, rev):
        self._store.get(collection, {}).pop(doc_id)

    def _list_all(self, collection):
        return [self._get(collection, doc_id) for doc_id in list(self._store.get(collection, {}))]

    def _list_collections(self):
        return list(self._store)

    def _drop_collection(self, collection):
        self._store.pop(collection, None)


class TestBroken(ConformanceSuite):
    @pytest.fixture
    def store(self):
        return {}

    @pytest.fixture
    def service(self, store):
        return Broken(store)

    @pytest.fixture
    def prefixed_service(self, store):
        return Broken({}, collection_prefix="pfx-")  # wrong on purpose: its own store

    def test_budget_reaches_the_suite(self):
        assert (self.concurrency_threads, self.stateful_examples, self.stateful_steps) == (3, 7, 9)


def test_plugin_fixtures(gofannon_settings, fresh_collection_name):
    assert gofannon_settings.provider == "memory"
    first, second = fresh_collection_name("users"), fresh_collection_name("users")
    assert first != second and first.startswith("users-")
'''


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One run of three suite tests against the broken backend, with the budget options set."""
    directory = tmp_path_factory.mktemp("author")
    (directory / "test_broken.py").write_text(textwrap.dedent(BROKEN_BACKEND))
    selected = " or ".join(
        [
            "test_get_returns_what_was_saved_with_id_and_rev",
            "test_collection_prefix_namespaces_physical_names",
            "test_budget_reaches_the_suite",
            "test_plugin_fixtures",
        ]
    )
    budget = ["--gofannon-concurrency", "3", "--gofannon-stateful-examples", "7", "--gofannon-stateful-steps", "9"]
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", "--rootdir", str(directory)]
    result = subprocess.run(
        [*command, "-k", selected, *budget],
        env={key: value for key, value in os.environ.items() if not key.startswith("DATABASE_")},
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout


def test_a_broken_backend_shows_compared_values_and_the_hook_to_look_at(report: str) -> None:
    assert "FAILED test_broken.py::TestBroken::test_get_returns_what_was_saved_with_id_and_rev" in report
    assert "AssertionError: assert {'_id': 'doc-" in report  # rewritten: not a bare AssertionError
    assert "{'stray': 'oops'}" in report
    assert "PytestAssertRewriteWarning" not in report  # registered before the suite's modules were imported
    assert "Hooks to look at for test_get_returns_what_was_saved_with_id_and_rev: _get, _save" in report


def test_fixtures_that_do_not_share_storage_get_a_clear_message(report: str) -> None:
    assert "FAILED test_broken.py::TestBroken::test_collection_prefix_namespaces_physical_names" in report
    assert "`service` and `prefixed_service` do not share storage" in report


def test_command_line_budget_options_reach_the_suite(report: str) -> None:
    assert "PASSED test_broken.py::TestBroken::test_budget_reaches_the_suite" in report


def test_the_plugin_offers_settings_and_fresh_names(report: str) -> None:
    assert "PASSED test_broken.py::test_plugin_fixtures" in report
