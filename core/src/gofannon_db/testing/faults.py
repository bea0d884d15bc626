"""Fault tests for every backend: its real server cut, frozen or slow, through a :class:`FaultProxy`.

A backend's test module subclasses :class:`FaultTests` and provides three fixtures::

    import pytest
    from gofannon_db.testing.faults import TIMEOUT, FaultTests
    from gofannon_db.testing.proxy import FaultProxy

    class TestMyStoreFaults(FaultTests):
        @pytest.fixture
        def proxy(self, mystore_server):  # a started proxy in front of the real server
            with FaultProxy("127.0.0.1", mystore_server.port) as proxy:
                yield proxy

        @pytest.fixture
        def connect(self):  # a new service through the proxy, with the short timeout
            return lambda proxy, **options: MyStoreService(url=proxy.url, timeout=TIMEOUT, **options)

        @pytest.fixture
        def direct(self, mystore_server):  # straight to the server: what really got stored
            with MyStoreService(url=mystore_server.url) as service:
                yield service

What is asserted is contract v2 §5: the error type, the deadline (a single call within
timeout + 1 s; a bulk call within timeout + 1 s of its last progress), the ``results``
of a bulk call broken midway (every ok entry is stored; running it again completes the
work), and that the same service object works again once the proxy is restored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import pytest

from ..errors import BackendUnavailable
from ..service import DatabaseService
from ..types import BulkResult
from .base import fresh_name
from .proxy import FaultProxy

__all__ = ["GRACE", "TIMEOUT", "FaultTests"]

TIMEOUT = 2.0
"""The timeout every service under test gets: small, so that each fault costs seconds."""
GRACE = 1.0
"""What the contract allows beyond the timeout."""

Connect = Callable[..., DatabaseService]


def docs(count: int, prefix: str = "d") -> list[dict[str, Any]]:
    return [{"_id": f"{prefix}{index:05d}", "n": index, "text": "x" * 40} for index in range(count)]


class Timer:
    """Seconds since it was started (or since :meth:`restart`), on the monotonic clock."""

    def __init__(self) -> None:
        self.start = time.monotonic()

    def restart(self) -> None:
        self.start = time.monotonic()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.start


class FaultTests:
    """The fault tests; subclasses set the sizes that make a bulk call span several requests."""

    bulk_size: ClassVar[int] = 1000
    """Documents in a bulk call that is broken midway: several requests' worth."""
    progress_before_fault: ClassVar[int] = 100
    """Freeze the proxy once more than this many documents are stored: at least two requests'
    worth, one after the other, so that the first one's answer has surely reached the client
    (the last one's may still be on its way, and then its outcome is rightly unknown)."""
    midway_options: ClassVar[dict[str, Any]] = {}
    """Options for the service of the midway test (e.g. one batch in flight at a time)."""
    midway_delay: ClassVar[float] = 0.1
    """Seconds the proxy holds each chunk during the midway test, so that the watcher can
    freeze it between two requests of a fast server (0 for a server whose requests are slow)."""

    @pytest.fixture
    def service(self, proxy: FaultProxy, connect: Connect) -> Iterator[DatabaseService]:
        with connect(proxy) as service:
            yield service

    @pytest.fixture
    def collection(self, direct: DatabaseService) -> Iterator[str]:
        name = fresh_name("fault")
        yield name
        direct.drop_collection(name)

    # ------------------------------------------------------------------ single calls

    def test_frozen_server_single_call_meets_the_deadline(
        self, proxy: FaultProxy, service: DatabaseService, collection: str
    ) -> None:
        service.save(collection, "a", {"n": 1})
        proxy.freeze()
        timer = Timer()
        with pytest.raises(BackendUnavailable) as raised:
            service.get(collection, "a")
        assert timer.elapsed <= TIMEOUT + GRACE
        assert f"{TIMEOUT:g} s" in raised.value.detail
        assert str(proxy.port) in raised.value.detail  # names the endpoint
        assert raised.value.results is None
        proxy.restore()
        assert service.get(collection, "a")["n"] == 1

    def test_frozen_server_write_meets_the_deadline(
        self, proxy: FaultProxy, service: DatabaseService, collection: str, direct: DatabaseService
    ) -> None:
        """The unanswered write's outcome is unknown: held by the frozen server, it may still land later.

        That is why a broken bulk call reports such writes as 503, never as "not written".
        """
        service.save(collection, "a", {"n": 1})
        proxy.freeze()
        timer = Timer()
        with pytest.raises(BackendUnavailable):
            service.save(collection, "b", {"n": 2})
        assert timer.elapsed <= TIMEOUT + GRACE
        proxy.restore()
        service.save(collection, "c", {"n": 3})
        assert direct.get(collection, "c")["n"] == 3

    def test_cut_server_fails_fast_and_recovers(
        self, proxy: FaultProxy, service: DatabaseService, collection: str
    ) -> None:
        service.save(collection, "a", {"n": 1})
        proxy.cut()
        timer = Timer()
        with pytest.raises(BackendUnavailable):
            service.save(collection, "b", {"n": 2})
        assert timer.elapsed <= TIMEOUT + GRACE
        proxy.restore()
        service.save(collection, "b", {"n": 2})
        assert service.get(collection, "b")["n"] == 2

    def test_connection_cut_mid_call(self, proxy: FaultProxy, service: DatabaseService, collection: str) -> None:
        """The request is on the wire, unanswered, when the connection drops."""
        service.save(collection, "a", {"n": 1})
        proxy.freeze()
        cutter = threading.Timer(0.3, proxy.cut)
        cutter.start()
        timer = Timer()
        try:
            with pytest.raises(BackendUnavailable):
                service.get(collection, "a")
        finally:
            cutter.join()
        assert timer.elapsed <= TIMEOUT + GRACE
        proxy.restore()
        assert service.get(collection, "a")["n"] == 1

    def test_slow_server_still_answers(self, proxy: FaultProxy, service: DatabaseService, collection: str) -> None:
        """Slow is not silent: 0.3 s each way per chunk stays well inside the timeout."""
        proxy.delay = 0.3
        service.save(collection, "a", {"n": 1})
        assert service.get(collection, "a")["n"] == 1
        results = service.save_many(collection, docs(30))
        assert all(result["ok"] for result in results)

    # ------------------------------------------------------------------ bulk calls

    def test_frozen_server_bulk_save_meets_the_deadline_and_reruns(
        self, proxy: FaultProxy, service: DatabaseService, collection: str, direct: DatabaseService
    ) -> None:
        """Many batches, sent in parallel: the silent server costs one timeout, not one per batch."""
        batch = docs(300)
        service.save(collection, "warm", {})
        proxy.freeze()
        timer = Timer()
        with pytest.raises(BackendUnavailable) as raised:
            service.save_many(collection, batch)
        assert timer.elapsed <= TIMEOUT + GRACE
        results = raised.value.results
        assert results is not None
        assert [result["id"] for result in results] == [doc["_id"] for doc in batch]
        assert all(result["ok"] or result["status_code"] == 503 for result in results)
        assert_ok_entries_are_stored(direct, collection, results, batch)
        proxy.restore()
        assert all(result["ok"] for result in service.save_many(collection, batch))
        assert direct.count(collection) == len(batch) + 1

    def test_bulk_save_broken_midway_reports_what_was_written(
        self, proxy: FaultProxy, connect: Connect, collection: str, direct: DatabaseService
    ) -> None:
        batch = docs(self.bulk_size)
        stored_before_fault = self.progress_before_fault
        with connect(proxy, **self.midway_options) as service:
            service.save(collection, "warm", {})  # the collection exists: count() sees progress
            frozen = threading.Event()
            call_ended = threading.Event()
            frozen_at = Timer()

            def freeze_after_progress() -> None:
                deadline = time.monotonic() + 60
                while direct.count(collection) < stored_before_fault + 1:
                    if call_ended.is_set() or time.monotonic() > deadline:
                        return
                    time.sleep(0.01)
                proxy.freeze()
                frozen_at.restart()
                frozen.set()

            watcher = threading.Thread(target=freeze_after_progress, daemon=True)
            proxy.delay = self.midway_delay
            watcher.start()
            try:
                with pytest.raises(BackendUnavailable) as raised:
                    service.save_many(collection, batch)
            finally:
                call_ended.set()
                failed_after = frozen_at.elapsed
                watcher.join()
                proxy.delay = 0
            assert frozen.is_set(), (
                f"the bulk call failed before the proxy froze ({raised.value.detail}): a request took longer "
                f"than the {TIMEOUT:g} s timeout, the server is too slow for this test"
            )
            # The last progress was before the freeze: the call fails within timeout + 1 s of it.
            assert failed_after <= TIMEOUT + GRACE, f"failed {failed_after:.2f} s after the freeze"
            results = raised.value.results
            assert results is not None
            assert [result["id"] for result in results] == [doc["_id"] for doc in batch]
            written = [result for result in results if result["ok"]]
            assert written, "no batch was reported written, though documents were stored before the fault"
            assert len(written) < len(batch)
            assert all(result["status_code"] == 503 for result in results if not result["ok"])
            assert_ok_entries_are_stored(direct, collection, results, batch)
            proxy.restore()
            rerun = service.save_many(collection, batch)
        assert all(result["ok"] for result in rerun)
        assert direct.count(collection) == len(batch) + 1

    def test_frozen_server_bulk_delete_meets_the_deadline_and_reruns(
        self, proxy: FaultProxy, service: DatabaseService, collection: str, direct: DatabaseService
    ) -> None:
        batch = docs(300)
        assert all(result["ok"] for result in direct.save_many(collection, batch))
        ids = [doc["_id"] for doc in batch]
        service.get(collection, ids[0])
        proxy.freeze()
        timer = Timer()
        with pytest.raises(BackendUnavailable) as raised:
            service.delete_many(collection, ids)
        assert timer.elapsed <= TIMEOUT + GRACE
        results = raised.value.results
        assert results is not None
        assert [result["id"] for result in results] == ids
        assert not all(result["ok"] for result in results)
        still_there = direct.get_many(collection, ids)
        assert all(still_there.get(str(result["id"])) is None for result in results if result["ok"])
        proxy.restore()
        assert all(result["ok"] for result in service.delete_many(collection, ids))
        assert direct.count(collection) == 0

    def test_invalid_documents_keep_their_own_result(
        self, proxy: FaultProxy, service: DatabaseService, collection: str
    ) -> None:
        service.save(collection, "warm", {})
        proxy.freeze()
        with pytest.raises(BackendUnavailable) as raised:
            service.save_many(collection, [{"_id": "good", "n": 1}, {"_id": "bad", "v": float("nan")}])
        results = raised.value.results
        assert results is not None
        assert [(result["id"], result["ok"], result["status_code"]) for result in results] == [
            ("good", False, 503),
            ("bad", False, 400),
        ]
        proxy.restore()


def assert_ok_entries_are_stored(
    direct: DatabaseService, collection: str, results: list[BulkResult], batch: list[dict[str, Any]]
) -> None:
    """Every entry reported ``ok`` is really stored, with the body that was sent."""
    ok_ids = [str(result["id"]) for result in results if result["ok"]]
    if not ok_ids:
        return
    stored = direct.get_many(collection, ok_ids)
    sent = {doc["_id"]: doc for doc in batch}
    for doc_id in ok_ids:
        found = stored[doc_id]
        assert found is not None, f"{doc_id} was reported written but is not stored"
        assert found["n"] == sent[doc_id]["n"]
