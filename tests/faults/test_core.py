"""The core's share of contract v2 §5, without a server: deadlines, bulk results, the migration's use of them.

A backend that implements only the four required hooks (its bulk calls are the core's
per-document loops) gets partial bulk results for free; a backend's own bulk hook only
reports what its batches did.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from gofannon_db import DatabaseService, DocumentNotFound
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.concurrency import run_ordered, run_until_failure
from gofannon_db.deadline import Deadline
from gofannon_db.errors import BackendUnavailable, PermissionDenied
from gofannon_db.migration.batches import BatchWriter, TransferStopped
from gofannon_db.migration.report import CollectionReport
from gofannon_db.redaction import strip_userinfo
from gofannon_db.settings import Settings
from gofannon_db.types import BulkResult, BulkWrite, unfinished


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------- Deadline


def test_deadline_budget_clip_and_progress() -> None:
    clock = Clock()
    deadline = Deadline(2.0, clock=clock)
    assert deadline.remaining() == 2.0
    assert deadline.clip(10.0) == 2.0
    clock.now += 1.5
    assert deadline.clip(10.0) == pytest.approx(0.5)
    assert deadline.allows(0.4)
    assert not deadline.allows(0.5)  # no room left for an attempt after that sleep
    clock.now += 1.0
    assert deadline.expired
    assert deadline.remaining() == 0.0
    assert deadline.clip(10.0) > 0  # an SDK never gets 0 (which can mean "no timeout")
    deadline.progress()
    assert deadline.remaining() == 2.0


def test_deadline_sleep_refuses_a_delay_that_does_not_fit() -> None:
    deadline = Deadline(0.2)
    started = time.monotonic()
    assert not deadline.sleep(5.0)
    assert time.monotonic() - started < 0.1
    assert deadline.sleep(0.01)


# ---------------------------------------------------------------- the bulk thread pool


def test_run_until_failure_keeps_what_finished_and_starts_nothing_after() -> None:
    started: list[int] = []
    lock = threading.Lock()
    failed = threading.Event()

    def work(item: int) -> int:
        with lock:
            started.append(item)
        if item == 1:
            failed.set()
            raise TimeoutError("silent server")
        if item < 4:
            failed.wait(1.0)  # the first wave is in flight when item 1 fails
        return item * 10

    outcomes, error = run_until_failure(work, list(range(20)), 4)
    assert isinstance(error, TimeoutError)
    assert outcomes[:4] == [0, None, 20, 30]
    assert sorted(started)[:4] == [0, 1, 2, 3]
    assert len(started) < 20  # items after the failure were not started
    assert all(outcome is None for item, outcome in enumerate(outcomes) if item not in started)


def test_run_until_failure_in_the_calling_thread_stops_at_the_failure() -> None:
    calls: list[int] = []

    def work(item: int) -> int:
        calls.append(item)
        if item == 2:
            raise ValueError(item)
        return item

    outcomes, error = run_until_failure(work, [0, 1, 2, 3], 1)
    assert isinstance(error, ValueError)
    assert outcomes == [0, 1, None, None]
    assert calls == [0, 1, 2]
    assert run_until_failure(work, [0, 1], 1) == ([0, 1], None)


def test_run_ordered_raises_the_first_error_in_input_order() -> None:
    def work(item: int) -> int:
        if item in (3, 5):
            time.sleep(0.05 if item == 3 else 0)
            raise ValueError(item)
        return item

    with pytest.raises(ValueError, match="3"):
        run_ordered(work, list(range(6)), 6)


# ---------------------------------------------------------------- the core's default bulk loops


class Flaky(MemoryDatabaseService):
    """Only the four required hooks are used (the core's per-document loops); the server dies after ``budget`` calls."""

    _save_many = DatabaseService._save_many
    _delete_many = DatabaseService._delete_many

    def __init__(self, budget: int) -> None:
        super().__init__()
        self.budget = budget
        self.calls = 0

    def _spend(self) -> None:
        self.calls += 1
        if self.calls > self.budget:
            raise BackendUnavailable("Could not reach the flaky server within 1 s.")

    def _save(self, collection: str, doc_id: str, body: dict[str, Any], expected_rev: str | None) -> str:
        self._spend()
        return super()._save(collection, doc_id, body, expected_rev)

    def _delete(self, collection: str, doc_id: str, rev: str | None) -> None:
        self._spend()
        super()._delete(collection, doc_id, rev)


def test_default_save_loop_stops_at_the_first_unreachable_write_and_reports_the_rest() -> None:
    service = Flaky(budget=3)
    docs = [{"_id": f"d{n}", "n": n} for n in range(6)]
    docs.insert(2, {"_id": "bad", "n": float("inf")})
    with pytest.raises(BackendUnavailable) as raised:
        service.save_many("things", docs)
    assert service.calls == 4  # stopped at the first failure, instead of waiting on each write
    results = raised.value.results
    assert results is not None
    assert [(r["id"], r["ok"], r.get("status_code")) for r in results] == [
        ("d0", True, None),
        ("d1", True, None),
        ("bad", False, 400),
        ("d2", True, None),
        ("d3", False, 503),
        ("d4", False, 503),
        ("d5", False, 503),
    ]
    assert "3 of 7 documents were not written" in raised.value.detail
    assert isinstance(raised.value.__cause__, BackendUnavailable)
    for result in results:
        if result["ok"]:
            assert service.get("things", result["id"])["_rev"] == result["rev"]
    service.budget = 100
    assert all(r["ok"] for r in service.save_many("things", [d for d in docs if d["_id"] != "bad"]))
    assert service.count("things") == 6


def test_default_delete_loop_reports_what_was_deleted() -> None:
    service = Flaky(budget=100)
    service.save_many("things", [{"_id": f"d{n}"} for n in range(4)])
    service.calls, service.budget = 0, 2
    with pytest.raises(BackendUnavailable) as raised:
        service.delete_many("things", ["d0", "gone", "d1", "d2"])
    results = raised.value.results
    assert results is not None
    assert [(r["id"], r["ok"]) for r in results] == [("d0", True), ("gone", True), ("d1", False), ("d2", False)]
    assert "2 of 4 documents were not deleted" in raised.value.detail
    with pytest.raises(DocumentNotFound):
        service.get("things", "d0")
    assert service.get("things", "d1")


class Batches(MemoryDatabaseService):
    """A backend with its own bulk hook, failing in one of three ways."""

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode

    def _save_many(self, collection: str, writes: list[BulkWrite]) -> list[BulkResult]:
        ids = [write.doc_id for write in writes]
        first = super()._save_many(collection, writes[:1])
        error = BackendUnavailable("Could not reach the server within 1 s.")
        if self.mode == "raises with results":
            raise BackendUnavailable(error.detail, results=unfinished([*first, *[None] * (len(ids) - 1)], ids, error))
        if self.mode == "raises without results":
            raise error from TimeoutError("read timed out")
        return unfinished([*first, *[None] * (len(ids) - 1)], ids, error)  # reports 503 entries


@pytest.mark.parametrize("mode", ["raises with results", "returns 503 entries"])
def test_a_bulk_hook_reports_its_batches_and_the_core_assembles_the_rest(mode: str) -> None:
    service = Batches(mode)
    docs: list[Any] = [{"_id": "a"}, "not a dict", {"_id": "b"}, {"_id": "c"}]
    with pytest.raises(BackendUnavailable) as raised:
        service.save_many("things", docs)
    results = raised.value.results
    assert results is not None
    assert [(r["id"], r["ok"], r.get("status_code")) for r in results] == [
        ("a", True, None),
        (None, False, 400),
        ("b", False, 503),
        ("c", False, 503),
    ]
    assert service.get("things", "a")


def test_a_bulk_hook_that_raises_without_results_vouches_for_nothing() -> None:
    service = Batches("raises without results")
    with pytest.raises(BackendUnavailable) as raised:
        service.save_many("things", [{"_id": "a"}, {"_id": "b", "x": float("nan")}])
    results = raised.value.results
    assert results is not None
    assert [(r["id"], r["ok"], r["status_code"]) for r in results] == [("a", False, 503), ("b", False, 400)]
    assert isinstance(raised.value.__cause__, TimeoutError)  # the backend's own exception stays the cause


def test_other_errors_carry_no_results() -> None:
    class Refused(MemoryDatabaseService):
        def _save_many(self, collection: str, writes: list[BulkWrite]) -> list[BulkResult]:
            raise PermissionDenied("no")

    with pytest.raises(PermissionDenied):
        Refused().save_many("things", [{"_id": "a"}])


# ---------------------------------------------------------------- migration


def test_migration_lists_exactly_the_documents_a_broken_batch_did_not_write() -> None:
    target = Batches("raises with results")
    report = CollectionReport("things")
    writer = BatchWriter(target, report, batch_size=10)
    for n in range(3):
        writer.add({"_id": f"d{n}", "n": n}, line=n + 1)
    with pytest.raises(TransferStopped):
        writer.flush()
    assert report.written == 1
    assert [(failure.id, failure.status_code, failure.line) for failure in report.failed] == [
        ("d1", 503, 2),
        ("d2", 503, 3),
    ]


# ---------------------------------------------------------------- secrets in URL settings


@pytest.mark.parametrize(
    "url",
    ["http://admin:hunter2@127.0.0.1:5984", "admin:hunter2@127.0.0.1:5984", "admin:hunter2@db.example"],
)
def test_settings_repr_masks_a_password_in_a_url_with_or_without_scheme(url: str) -> None:
    shown = repr(Settings({}, DATABASE_PROVIDER="couchdb", COUCHDB_URL=url))
    assert "hunter2" not in shown
    assert "admin:***@" in shown


def test_strip_userinfo_hands_an_sdk_no_credentials() -> None:
    assert strip_userinfo("http://user:pw@127.0.0.1:8000/x") == "http://127.0.0.1:8000/x"
    assert strip_userinfo("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
