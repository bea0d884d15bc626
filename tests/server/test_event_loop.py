"""The service's event loop never waits on the database: it answers while database calls hang."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.server import create_app

from .conftest import LiveServer


class _HeldMemory(MemoryDatabaseService):
    """A memory backend whose reads wait until the test lets them go (a database that went slow)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.waiting = threading.Semaphore(0)

    def _get(self, collection: str, doc_id: str) -> dict[str, object]:
        self.waiting.release()
        self.release.wait(30)
        return super()._get(collection, doc_id)


def test_requests_are_answered_while_database_calls_hang() -> None:
    service = _HeldMemory()
    service.save("agents", "ada", {"name": "Ada"})
    app = create_app(service=service, allow_anonymous=True)
    with LiveServer(app) as live, ThreadPoolExecutor(4) as pool:
        reads = [pool.submit(httpx.get, f"{live.url}/collections/agents/documents/ada", timeout=30) for _ in range(4)]
        for _ in reads:  # all four are inside the database call, holding a worker each
            assert service.waiting.acquire(timeout=10)
        # A loop blocked by any of them could not answer this; a waiting loop answers at once.
        listing = httpx.get(f"{live.url}/collections", timeout=5)
        assert listing.status_code == 200
        assert not any(read.done() for read in reads)
        service.release.set()
        assert [read.result().json()["name"] for read in reads] == ["Ada"] * 4
