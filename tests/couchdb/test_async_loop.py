"""The async twin never blocks the event loop while calls wait on a slow or silent server (CouchDB, FaultProxy)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from gofannon_db import AsyncDatabaseService, BackendUnavailable
from gofannon_db.testing.base import fresh_name
from gofannon_db_couchdb.service import CouchDBDatabaseService

from tests.proxy import FaultProxy
from tests.servers.couchdb import CouchDBServer

ROUND_TRIP = 0.2
"""Seconds the proxy adds to every request (half each way): far above any loop lag of a loop that never waits."""


@pytest.fixture
def proxy(couchdb_server: CouchDBServer) -> Iterator[FaultProxy]:
    address = urlsplit(couchdb_server.url)
    assert address.hostname is not None
    assert address.port is not None
    with FaultProxy(address.hostname, address.port) as proxy:
        yield proxy


def through(proxy: FaultProxy, server: CouchDBServer, timeout: float = 10.0) -> CouchDBDatabaseService:
    return CouchDBDatabaseService(proxy.url, user=server.user, password=server.password, timeout=timeout)


async def worst_lag(stop: asyncio.Event, period: float = 0.005) -> float:
    """Tick every ``period`` until ``stop``; return the longest a tick came late."""
    loop = asyncio.get_running_loop()
    worst = 0.0
    while not stop.is_set():
        expected = loop.time() + period
        await asyncio.sleep(period)
        worst = max(worst, loop.time() - expected)
    return worst


def test_the_loop_keeps_ticking_while_calls_wait_on_a_slow_server(
    proxy: FaultProxy, couchdb_server: CouchDBServer
) -> None:
    collection = fresh_name("async")

    async def main() -> tuple[float, float]:
        loop = asyncio.get_running_loop()
        async with AsyncDatabaseService(through(proxy, couchdb_server), max_workers=4) as db:
            rev = (await db.save(collection, "doc", {"n": 1}))["rev"]
            proxy.delay = ROUND_TRIP / 2
            stop = asyncio.Event()
            ticker = asyncio.create_task(worst_lag(stop))
            started = loop.time()
            docs = await asyncio.gather(*(db.get(collection, "doc") for _ in range(8)))
            elapsed = loop.time() - started
            stop.set()
            lag = await ticker
            proxy.delay = 0
            assert docs == [{"_id": "doc", "_rev": rev, "n": 1}] * 8
            await db.drop_collection(collection)
        return elapsed, lag

    elapsed, lag = asyncio.run(main())
    assert elapsed >= ROUND_TRIP, "the calls should have waited on the slow server"
    assert lag < ROUND_TRIP / 2, f"the loop stalled for {lag:.3f} s while calls waited"


def test_a_silent_server_fails_the_awaiting_task_within_the_deadline_and_never_the_loop(
    proxy: FaultProxy, couchdb_server: CouchDBServer
) -> None:
    timeout = 1.0

    async def main() -> tuple[float, float]:
        loop = asyncio.get_running_loop()
        async with AsyncDatabaseService(through(proxy, couchdb_server, timeout=timeout), max_workers=2) as db:
            await db.ping()
            proxy.freeze()
            stop = asyncio.Event()
            ticker = asyncio.create_task(worst_lag(stop))
            started = loop.time()
            with pytest.raises(BackendUnavailable):
                await db.get(fresh_name("frozen"), "doc")
            elapsed = loop.time() - started
            stop.set()
            lag = await ticker
            proxy.restore()
            with contextlib.suppress(BackendUnavailable):
                await db.ping()
        return elapsed, lag

    elapsed, lag = asyncio.run(main())
    assert elapsed < timeout + 1.0
    assert lag < timeout / 2, f"the loop stalled for {lag:.3f} s while a call waited on a silent server"
