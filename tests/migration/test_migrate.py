"""migrate() between two memory services: copying, streaming, idempotency, resume, failures, verify."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from gofannon_db import BackendUnavailable, DatabaseService
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.migration import (
    DEFAULT_COLLECTIONS,
    Progress,
    TqdmProgress,
    choose_progress,
    migrate,
    resolve_collections,
    verify_collection,
)
from gofannon_db.migration.report import CollectionReport
from gofannon_db.types import BulkResult, BulkWrite, Document

from .conftest import fill, sample_documents


def snapshot(service: DatabaseService, collection: str) -> dict[str, dict[str, Any]]:
    """Documents by id without their revision."""
    return {doc["_id"]: {k: v for k, v in doc.items() if k != "_rev"} for doc in service.list_all(collection)}


class FlakyMemory(MemoryDatabaseService):
    """A target whose server 'goes away' after ``fail_after`` save_many calls."""

    def __init__(self, fail_after: int | None = None) -> None:
        super().__init__()
        self.fail_after = fail_after
        self.batches: list[int] = []

    def _save_many(self, collection: str, writes: list[BulkWrite]) -> list[BulkResult]:
        if self.fail_after is not None and len(self.batches) >= self.fail_after:
            raise BackendUnavailable("Cannot reach the test server.")
        self.batches.append(len(writes))
        return super()._save_many(collection, writes)


class SpySource(MemoryDatabaseService):
    """Records how the migration reads: pages only, never list_all."""

    def __init__(self) -> None:
        super().__init__()
        self.page_sizes: list[int] = []

    def _list_all(self, collection: str) -> list[Document]:
        raise AssertionError("migration must stream with iter_all, not list_all")

    def _iter_all(self, collection: str, page_size: int) -> Iterator[Document]:
        self.page_sizes.append(page_size)
        return super()._iter_all(collection, page_size)


def test_copies_every_collection_and_document_exactly(
    source: MemoryDatabaseService, target: MemoryDatabaseService
) -> None:
    for index, name in enumerate(DEFAULT_COLLECTIONS):
        fill(source, name, sample_documents(30 + index, prefix=name))
    report = migrate(source, target, list(DEFAULT_COLLECTIONS), batch_size=7, verify=True)
    assert report.ok, report.to_text()
    assert [c.name for c in report.collections] == list(DEFAULT_COLLECTIONS)
    for index, name in enumerate(DEFAULT_COLLECTIONS):
        counts = report.collection(name)
        assert (counts.read, counts.written, counts.failed, counts.verified) == (30 + index, 30 + index, [], 30 + index)
        assert snapshot(target, name) == snapshot(source, name)


def test_source_revisions_are_never_sent(target: MemoryDatabaseService) -> None:
    source = MemoryDatabaseService()
    fill(source, "agents", sample_documents(5))
    for _ in range(3):  # push the source revisions ahead: a conditional write with them would 409 on the target
        fill(source, "agents", sample_documents(5))
    report = migrate(source, target, ["agents"])
    assert report.ok, report.to_text()
    assert {doc["_rev"].split("-")[0] for doc in target.list_all("agents")} == {"1"}


def test_streams_in_batches_and_never_loads_a_collection_whole(target: MemoryDatabaseService) -> None:
    source = SpySource()
    fill(source, "users", sample_documents(95))
    flaky = FlakyMemory()
    report = migrate(source, flaky, ["users"], batch_size=10, verify=True)
    assert report.ok, report.to_text()
    assert flaky.batches == [10] * 9 + [5]
    assert set(source.page_sizes) == {10}


def test_running_twice_is_idempotent(source: MemoryDatabaseService, target: MemoryDatabaseService) -> None:
    fill(source, "tickets", sample_documents(40))
    first = migrate(source, target, ["tickets"], batch_size=9)
    second = migrate(source, target, ["tickets"], batch_size=9, verify=True)
    assert first.ok
    assert second.ok, second.to_text()
    assert second.collection("tickets").written == 40
    assert target.count("tickets") == 40
    assert snapshot(target, "tickets") == snapshot(source, "tickets")


class InterruptAfter(Progress):
    """Simulate Ctrl-C after ``batches`` written batches."""

    def __init__(self, batches: int) -> None:
        self.left = batches

    def advance(self, count: int) -> None:
        self.left -= 1
        if self.left == 0:
            raise KeyboardInterrupt


def test_resume_after_an_interruption_finishes_without_duplicates(
    source: MemoryDatabaseService, target: MemoryDatabaseService
) -> None:
    fill(source, "agents", sample_documents(50, "a"))
    fill(source, "users", sample_documents(20, "u"))
    stopped = migrate(source, target, ["agents", "users"], batch_size=10, progress=InterruptAfter(3))
    assert stopped.status == "interrupted"
    assert not stopped.ok
    assert "run the same command again" in (stopped.error or "")
    assert 0 < target.count("agents") < 50
    assert target.count("users") == 0
    assert [c.name for c in stopped.collections] == ["agents", "users"]  # the unreached one is listed too
    resumed = migrate(source, target, ["agents", "users"], batch_size=10, verify=True)
    assert resumed.ok, resumed.to_text()
    assert snapshot(target, "agents") == snapshot(source, "agents")
    assert snapshot(target, "users") == snapshot(source, "users")


def test_target_unreachable_mid_run_stops_clearly_then_a_rerun_completes(source: MemoryDatabaseService) -> None:
    fill(source, "deployments", sample_documents(60))
    flaky = FlakyMemory(fail_after=2)
    stopped = migrate(source, flaky, ["deployments", "demos"], batch_size=10)
    assert stopped.status == "stopped"
    assert stopped.error is not None
    assert stopped.error.startswith("the target failed: BackendUnavailable: Cannot reach the test server.")
    counts = stopped.collection("deployments")
    assert counts.written == 20
    assert len(counts.failed) == 10  # the batch in flight, each id named
    assert {f.status_code for f in counts.failed} == {503}
    assert "FAILED" in stopped.to_text()
    flaky.fail_after = None
    resumed = migrate(source, flaky, ["deployments", "demos"], batch_size=10, verify=True)
    assert resumed.ok, resumed.to_text()
    assert snapshot(flaky, "deployments") == snapshot(source, "deployments")


def test_unreachable_target_fails_before_reading(source: MemoryDatabaseService) -> None:
    class Down(MemoryDatabaseService):
        def _ping(self) -> dict[str, Any]:
            raise BackendUnavailable("Nobody answers.")

    fill(source, "agents", sample_documents(3))
    report = migrate(source, Down(), ["agents"])
    assert report.status == "stopped"
    assert report.collection("agents").read == 0
    assert "the target failed: BackendUnavailable" in (report.error or "")


def test_documents_the_target_refuses_are_reported_with_ids_and_others_still_move(
    source: MemoryDatabaseService,
) -> None:
    small = MemoryDatabaseService(max_document_bytes=400)
    docs = sample_documents(6)
    docs[2]["blob"] = "x" * 1000
    docs[4]["blob"] = "y" * 1000
    fill(source, "sessions", docs)
    preview = migrate(source, small, ["sessions"], dry_run=True)
    assert [f.id for f in preview.collection("sessions").failed] == [docs[2]["_id"], docs[4]["_id"]]
    assert small.count("sessions") == 0
    report = migrate(source, small, ["sessions"])
    counts = report.collection("sessions")
    assert (counts.read, counts.written) == (6, 4)
    assert sorted(f.id or "" for f in counts.failed) == sorted([docs[2]["_id"], docs[4]["_id"]])
    assert {f.status_code for f in counts.failed} == {413}
    assert not report.ok
    assert report.status == "completed"


def test_dry_run_reads_everything_and_writes_nothing(
    source: MemoryDatabaseService, target: MemoryDatabaseService
) -> None:
    fill(source, "demos", sample_documents(12))
    report = migrate(source, target, ["demos"], dry_run=True)
    assert report.ok
    assert (report.collection("demos").read, report.collection("demos").written) == (12, 0)
    assert target.list_collections() == []
    check = migrate(source, target, ["demos"], dry_run=True, verify=True)  # a pure comparison
    assert len(check.collection("demos").differences) == 12
    assert {d.kind for d in check.collection("demos").differences} == {"missing"}


def test_verify_reports_every_kind_of_difference(source: MemoryDatabaseService, target: MemoryDatabaseService) -> None:
    docs = sample_documents(25)
    fill(source, "agents", docs)
    assert migrate(source, target, ["agents"]).ok
    target.delete("agents", docs[0]["_id"])
    target.save("agents", docs[1]["_id"], {**docs[1], "flag": 1 if docs[1]["flag"] else 0})  # bool became int
    target.save("agents", docs[2]["_id"], {**docs[2], "ratio": docs[2]["ratio"] + 1e-9})
    target.save("agents", docs[3]["_id"], {**docs[3], "whole": 2})  # integral float as int: allowed
    target.save("agents", "stray", {"x": 1})
    report = CollectionReport("agents")
    verify_collection(source, target, "agents", report, batch_size=4)
    found = {(d.id, d.kind) for d in report.differences}
    assert found == {
        (docs[0]["_id"], "missing"),
        (docs[1]["_id"], "differs"),
        (docs[2]["_id"], "differs"),
        ("stray", "extra"),
    }
    assert report.verified == 25
    differs = {d.id: d.details for d in report.differences if d.kind == "differs"}
    assert differs[docs[1]["_id"]] == ["flag: source False, target 0"]
    full = migrate(source, target, ["agents"], dry_run=True, verify=True)
    assert not full.ok
    text = full.to_text()
    for expected in ("only on target", "missing on target", "'stray'"):
        assert expected in text


def test_all_collections_comes_from_the_source(source: MemoryDatabaseService, target: MemoryDatabaseService) -> None:
    fill(source, "zeta", sample_documents(2))
    fill(source, "custom-one", sample_documents(3))
    assert resolve_collections(source, None, all_collections=True) == ["custom-one", "zeta"]
    assert resolve_collections(source, None) == list(DEFAULT_COLLECTIONS)
    assert resolve_collections(source, ["a_b", "a_b", "ccc"]) == ["a_b", "ccc"]
    report = migrate(source, target, resolve_collections(source, None, all_collections=True), verify=True)
    assert report.ok
    assert target.count("custom-one") == 3


def test_report_json_shape(source: MemoryDatabaseService, target: MemoryDatabaseService) -> None:
    fill(source, "users", sample_documents(3))
    data = migrate(source, target, ["users"], verify=True).to_dict()
    assert data["ok"] is True
    assert data["status"] == "completed"
    assert (data["source"], data["target"]) == ("memory", "memory")
    users = data["collections"][0]
    assert users == {
        "name": "users",
        "read": 3,
        "written": 3,
        "failed": [],
        "verified": 3,
        "differences": [],
        "ok": True,
    }


@pytest.mark.parametrize("batch_size", [0, -1, True])
def test_bad_batch_size_is_refused(
    source: MemoryDatabaseService, target: MemoryDatabaseService, batch_size: int
) -> None:
    from gofannon_db import InvalidQuery

    with pytest.raises(InvalidQuery):
        migrate(source, target, ["agents"], batch_size=batch_size)


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only(source: MemoryDatabaseService, target: MemoryDatabaseService) -> None:
    fill(source, "agents", sample_documents(30))
    terminal = FakeTerminal()
    progress = choose_progress(stream=terminal)
    assert isinstance(progress, TqdmProgress)
    assert migrate(source, target, ["agents"], batch_size=10, verify=True, progress=progress).ok
    shown = terminal.getvalue()
    assert "agents" in shown
    assert "verify agents" in shown
    assert "30/30" in shown
    assert type(choose_progress(quiet=True, stream=terminal)) is Progress
    assert type(choose_progress(stream=io.StringIO())) is Progress
