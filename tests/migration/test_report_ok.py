"""A report's ``ok`` fields agree with each other, and a dry run says what it would write."""

from __future__ import annotations

from gofannon_db import BackendUnavailable
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.migration import migrate
from gofannon_db.types import BulkResult, BulkWrite

from .conftest import fill, sample_documents


class GoneAfterAgents(MemoryDatabaseService):
    """A target whose server goes away when the second collection is written."""

    def _save_many(self, collection: str, writes: list[BulkWrite]) -> list[BulkResult]:
        if collection != "agents":
            raise BackendUnavailable("Could not reach the test server at http://127.0.0.1:9: connection refused.")
        return super()._save_many(collection, writes)


def test_a_stopped_run_reports_ok_only_for_the_collections_it_finished(source: MemoryDatabaseService) -> None:
    fill(source, "agents", sample_documents(4))
    fill(source, "users", sample_documents(3))
    report = migrate(source, GoneAfterAgents(), ["agents", "users", "tickets"]).to_dict()
    assert (report["ok"], report["status"]) == (False, "stopped")
    assert [(c["name"], c["ok"]) for c in report["collections"]] == [
        ("agents", True),  # copied in full before the stop
        ("users", False),  # the stop happened here
        ("tickets", False),  # never reached
    ]
    assert "connection refused." in report["error"]
    assert ".." not in report["error"]


def test_a_dry_run_counts_what_it_would_write(source: MemoryDatabaseService, target: MemoryDatabaseService) -> None:
    fill(source, "agents", sample_documents(5))
    fill(source, "users", sample_documents(2))
    report = migrate(source, target, ["agents", "users"], dry_run=True)
    assert [(c.name, c.read, c.would_write, c.written) for c in report.collections] == [
        ("agents", 5, 5, 0),
        ("users", 2, 2, 0),
    ]
    assert report.to_dict()["would_write"] == 7
    assert report.to_text().splitlines()[-1] == "OK: dry run: 7 documents would be written; nothing was."
    assert target.list_collections() == []


def test_a_dry_run_does_not_count_documents_the_target_would_refuse(
    source: MemoryDatabaseService, target: MemoryDatabaseService
) -> None:
    fill(source, "agents", [{"_id": "small", "n": 1}, {"_id": "big", "text": "x" * 2000}])
    target.max_document_bytes = 1000
    report = migrate(source, target, ["agents"], dry_run=True)
    agents = report.collection("agents")
    assert (agents.read, agents.would_write) == (2, 1)
    assert [failure.id for failure in agents.failed] == ["big"]
    assert not report.ok
