"""The async twin's own guarantees: a bounded pool, nothing on the loop, cancellation, closing, streaming."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from gofannon_db import AsyncDatabaseService, DocumentNotFound, InvalidName, InvalidQuery
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.errors import ServiceClosed
from gofannon_db.types import Document

WAIT = 10.0
"""Upper bound on any wait for an event in these tests (they normally take milliseconds)."""


class GatedMemory(MemoryDatabaseService):
    """Memory whose reads and writes wait at a gate and record the threads and concurrency they ran with."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Semaphore(0)
        self.finished = threading.Event()
        self.threads: set[str] = set()
        self.running = self.peak = 0
        self.closed = 0
        self._count_lock = threading.Lock()

    def _wait_at_gate(self) -> None:
        with self._count_lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
            self.threads.add(threading.current_thread().name)
        self.entered.release()
        try:
            assert self.gate.wait(WAIT), "the test never opened the gate"
        finally:
            with self._count_lock:
                self.running -= 1

    def _get(self, collection: str, doc_id: str) -> Document:
        self._wait_at_gate()
        return super()._get(collection, doc_id)

    def _save(self, collection: str, doc_id: str, body: Document, expected_rev: str | None) -> str:
        self._wait_at_gate()
        rev = super()._save(collection, doc_id, body, expected_rev)
        self.finished.set()
        return rev

    def _close(self) -> None:
        self.closed += 1


def entered(backend: GatedMemory, calls: int) -> None:
    for _ in range(calls):
        assert backend.entered.acquire(timeout=WAIT)


def test_calls_run_in_the_pool_never_more_than_max_workers_at_once() -> None:
    backend = GatedMemory()

    async def main() -> None:
        async with AsyncDatabaseService(backend, max_workers=3) as db:
            waiting = [asyncio.create_task(db.save("things", f"d{n}", {"n": n})) for n in range(12)]
            await asyncio.to_thread(entered, backend, 3)
            await asyncio.sleep(0.05)  # give a fourth call every chance to start, were the bound broken
            assert backend.running == 3
            backend.gate.set()
            results = await asyncio.gather(*waiting)
            assert [result["id"] for result in results] == [f"d{n}" for n in range(12)]
            assert backend.peak == 3
            assert await db.count("things") == 12
            assert threading.current_thread().name not in backend.threads
            assert all(name.startswith("gofannon-async") for name in backend.threads)

    asyncio.run(main())


def test_the_pool_defaults_to_the_backends_connection_pool_size() -> None:
    backend = MemoryDatabaseService()
    backend.connection_pool_size = 7
    assert AsyncDatabaseService(backend).max_workers == 7
    assert AsyncDatabaseService(backend, max_workers=2).max_workers == 2
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="max_workers"):
            AsyncDatabaseService(backend, max_workers=bad)  # type: ignore[arg-type]


def test_a_cancelled_call_that_had_not_started_never_runs() -> None:
    backend = GatedMemory()

    async def main() -> None:
        async with AsyncDatabaseService(backend, max_workers=1) as db:
            first = asyncio.create_task(db.save("things", "first", {}))
            await asyncio.to_thread(entered, backend, 1)
            queued = asyncio.create_task(db.save("things", "queued", {}))
            await asyncio.sleep(0)  # let it queue behind the first
            queued.cancel()
            with pytest.raises(asyncio.CancelledError):
                await queued
            backend.gate.set()
            await first
            assert await db.get_many("things", ["first", "queued"]) == {
                "first": await db.get("things", "first"),
                "queued": None,
            }

    asyncio.run(main())


def test_a_cancelled_write_already_running_completes_in_its_thread_and_its_result_is_dropped() -> None:
    backend = GatedMemory()

    async def main() -> None:
        async with AsyncDatabaseService(backend, max_workers=2) as db:
            writing = asyncio.create_task(db.save("things", "doc", {"v": 1}))
            await asyncio.to_thread(entered, backend, 1)
            writing.cancel()
            with pytest.raises(asyncio.CancelledError):
                await writing  # the awaiting task returns at once, the write still waits at the gate
            assert not backend.finished.is_set()
            backend.gate.set()
            assert await asyncio.to_thread(backend.finished.wait, WAIT)
            assert (await db.get("things", "doc"))["v"] == 1  # the write landed in full
            assert backend.running == 0
            assert (await db.save("things", "doc", {"v": 2}))["id"] == "doc"  # the pool is free again

    asyncio.run(main())


def test_typed_errors_reach_the_awaiting_task_unchanged() -> None:
    async def main() -> None:
        async with AsyncDatabaseService(MemoryDatabaseService()) as db:
            with pytest.raises(DocumentNotFound) as missing:
                await db.get("things", "absent")
            assert missing.value.status_code == 404
            with pytest.raises(InvalidName):
                await db.save("Bad Name", "doc", {})

    asyncio.run(main())


def test_async_with_closes_once_and_later_calls_fail_clearly() -> None:
    backend = GatedMemory()
    backend.gate.set()

    async def main() -> AsyncDatabaseService:
        async with AsyncDatabaseService(backend) as db:
            await db.save("things", "doc", {})
        assert backend.closed == 1
        await db.close()
        assert backend.closed == 1
        with pytest.raises(ServiceClosed, match="closed"):
            await db.get("things", "doc")
        return db

    db = asyncio.run(main())
    assert "GatedMemory" in repr(db)


def test_close_lets_a_running_call_finish_before_it_closes_the_backend() -> None:
    backend = GatedMemory()

    async def main() -> None:
        db = AsyncDatabaseService(backend, max_workers=2)
        writing = asyncio.create_task(db.save("things", "doc", {"v": 1}))
        await asyncio.to_thread(entered, backend, 1)
        closing = asyncio.create_task(db.close())
        await asyncio.sleep(0.05)
        assert not closing.done()
        assert backend.closed == 0
        backend.gate.set()
        assert (await writing)["id"] == "doc"
        await closing
        assert backend.closed == 1
        assert backend.finished.is_set()

    asyncio.run(main())


def test_calls_see_the_callers_context_variables() -> None:
    request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="none")
    seen: list[str] = []

    class Recording(MemoryDatabaseService):
        def _get(self, collection: str, doc_id: str) -> Document:
            seen.append(request_id.get())
            return super()._get(collection, doc_id)

    async def main() -> None:
        async with AsyncDatabaseService(Recording()) as db:
            await db.save("things", "doc", {})
            request_id.set("r-1")
            await db.get("things", "doc")

    asyncio.run(main())
    assert seen == ["r-1"]


class PagedMemory(MemoryDatabaseService):
    """Records the thread of every page its stream fetches, and when a stream is closed."""

    def __init__(self) -> None:
        super().__init__()
        self.page_threads: list[str] = []
        self.streams_closed = 0

    def _iter_all(self, collection: str, page_size: int) -> Iterator[Document]:
        docs = self._list_all(collection)
        try:
            for start in range(0, len(docs), page_size):
                self.page_threads.append(threading.current_thread().name)
                yield from docs[start : start + page_size]
        finally:
            self.streams_closed += 1


def test_iter_all_pages_in_the_workers_and_closes_the_stream() -> None:
    backend = PagedMemory()

    async def main() -> None:
        async with AsyncDatabaseService(backend, max_workers=2) as db:
            await db.save_many("things", [{"_id": f"d{n:02d}", "n": n} for n in range(10)])
            streamed = [doc async for doc in db.iter_all("things", page_size=3)]
            assert sorted(doc["_id"] for doc in streamed) == [f"d{n:02d}" for n in range(10)]
            assert len(backend.page_threads) == 4
            assert all(name.startswith("gofannon-async") for name in backend.page_threads)
            assert backend.streams_closed == 1

            stream = db.iter_all("things", page_size=3)
            async for _ in stream:
                break  # leave early: the sync stream is closed, in a worker
            await stream.aclose()  # type: ignore[attr-defined]
            for _ in range(100):
                if backend.streams_closed == 2:
                    break
                await asyncio.sleep(0.01)
            assert backend.streams_closed == 2

    asyncio.run(main())


@pytest.mark.parametrize(("args", "error"), [(("things", 0), InvalidQuery), (("Bad", 10), InvalidName)])
def test_iter_all_rejects_bad_arguments_when_called_before_any_io(args: tuple[Any, ...], error: type) -> None:
    backend = PagedMemory()
    db = AsyncDatabaseService(backend)
    with pytest.raises(error):
        db.iter_all(*args)
    assert backend.page_threads == []
    asyncio.run(db.close())


class GatedPages(MemoryDatabaseService):
    """A stream whose second page waits at a gate; records when the stream is closed."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.waiting = threading.Event()
        self.closed = threading.Event()

    def _iter_all(self, collection: str, page_size: int) -> Iterator[Document]:
        docs = self._list_all(collection)
        try:
            yield from docs[:page_size]
            self.waiting.set()
            assert self.gate.wait(WAIT), "the test never opened the gate"
            yield from docs[page_size:]
        finally:
            self.closed.set()


def test_cancelling_a_consumer_mid_page_closes_the_stream_once_the_pull_is_done() -> None:
    backend = GatedPages()

    async def main() -> None:
        async with AsyncDatabaseService(backend, max_workers=2) as db:
            await db.save_many("things", [{"_id": f"d{n}"} for n in range(6)])

            async def consume() -> list[Document]:
                return [doc async for doc in db.iter_all("things", page_size=3)]

            consumer = asyncio.create_task(consume())
            assert await asyncio.to_thread(backend.waiting.wait, WAIT)
            consumer.cancel()
            with pytest.raises(asyncio.CancelledError):
                await consumer
            assert not backend.closed.is_set()  # the pull still runs in its worker
            backend.gate.set()
            assert await asyncio.to_thread(backend.closed.wait, WAIT)
            assert await db.count("things") == 6  # the pool is free again

    asyncio.run(main())


def test_every_public_call_of_the_sync_service_has_its_async_twin() -> None:
    """A call added to DatabaseService must be added here too: this names the ones missing."""
    import inspect

    from gofannon_db import DatabaseService

    sync_calls = {
        name for name, _ in inspect.getmembers(DatabaseService, inspect.isfunction) if not name.startswith("_")
    }
    missing = sorted(name for name in sync_calls if not hasattr(AsyncDatabaseService, name))
    assert missing == []
    plain = {"iter_all", "document_size"}  # a method returning an async iterator; pure computation
    for name in sync_calls:
        twin = getattr(AsyncDatabaseService, name)
        assert inspect.iscoroutinefunction(twin) == (name not in plain), name
        sync_parameters = inspect.signature(getattr(DatabaseService, name)).parameters
        assert [(p.name, p.default) for p in inspect.signature(twin).parameters.values()] == [
            (p.name, p.default) for p in sync_parameters.values()
        ], name


class _Where(MemoryDatabaseService):
    """Records the thread each read runs on."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[threading.Thread] = []

    def _get(self, collection: str, doc_id: str) -> Document:
        self.threads.append(threading.current_thread())
        return super()._get(collection, doc_id)


class _WhereInline(_Where):
    calls_block = False


def test_a_service_whose_calls_never_block_is_called_on_the_loop_and_any_other_in_a_worker() -> None:
    """Memory itself declares ``calls_block = False``; a subclass blocks unless it says so (a gate, I/O)."""
    assert MemoryDatabaseService.calls_block is False
    assert GatedMemory.calls_block is True

    async def read(service: MemoryDatabaseService) -> threading.Thread:
        service.save("things", "a", {"x": 1})
        async with AsyncDatabaseService(service) as db:
            assert (await db.get("things", "a"))["x"] == 1
        return service.threads[-1]  # type: ignore[attr-defined,no-any-return]

    assert asyncio.run(read(_WhereInline())) is threading.main_thread()
    assert asyncio.run(read(_Where())) is not threading.main_thread()


def test_an_inline_service_refuses_calls_after_close_like_any_other() -> None:
    async def scenario() -> None:
        db = AsyncDatabaseService(MemoryDatabaseService(), owns_service=False)
        await db.save("things", "a", {"x": 1})
        await db.close()
        with pytest.raises(ServiceClosed):
            await db.get("things", "a")
        with pytest.raises(ServiceClosed):
            [doc async for doc in db.iter_all("things")]

    asyncio.run(scenario())
