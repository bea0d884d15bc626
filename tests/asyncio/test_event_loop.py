"""The async twin never blocks the event loop while calls wait on a slow or silent server (through a FaultProxy)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from gofannon_db import AsyncDatabaseService, BackendUnavailable, DatabaseService
from gofannon_db.testing.base import fresh_name
from gofannon_db.testing.proxy import FaultProxy

ROUND_TRIP = 0.2
"""Seconds the proxy adds to every request (half each way): far above the lag of a loop that never waits."""

MakeService = Callable[[float], DatabaseService]
"""Builds a sync service that reaches the server through the proxy, with this timeout."""


def _proxy_for(address: str) -> FaultProxy:
    parts = urlsplit(address if "//" in address else f"http://{address}")
    assert parts.hostname is not None
    assert parts.port is not None
    return FaultProxy(parts.hostname, parts.port)


@pytest.fixture(params=["couchdb", "dynamodb", "firestore"])
def slow_server(request: pytest.FixtureRequest) -> Iterator[tuple[FaultProxy, MakeService]]:
    """A proxy in front of one real server, and how to build a service that goes through it."""
    backend = request.param
    if backend == "couchdb":
        from gofannon_db_couchdb.service import CouchDBDatabaseService

        couch = request.getfixturevalue("couchdb_server")
        with _proxy_for(couch.url) as proxy:
            yield (
                proxy,
                lambda timeout: CouchDBDatabaseService(
                    proxy.url, user=couch.user, password=couch.password, timeout=timeout
                ),
            )
    elif backend == "dynamodb":
        from tests.dynamodb.conftest import make_service

        ddb = request.getfixturevalue("ddb_server")
        with _proxy_for(ddb.endpoint_url) as proxy:
            yield proxy, lambda timeout: make_service(ddb, endpoint_url=proxy.url, timeout=timeout)
    else:
        from tests.firestore.conftest import make_service as make_firestore

        emulator = request.getfixturevalue("firestore_emulator")
        with _proxy_for(emulator.host) as proxy:
            yield proxy, lambda timeout: make_firestore(emulator, emulator_host=proxy.address, timeout=timeout)


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
    slow_server: tuple[FaultProxy, MakeService],
) -> None:
    proxy, make_service = slow_server
    collection = fresh_name("async")

    async def main() -> tuple[float, float]:
        loop = asyncio.get_running_loop()
        async with AsyncDatabaseService(make_service(10.0), max_workers=4) as db:
            rev = (await db.save(collection, "doc", {"n": 1}))["rev"]
            await db.get(collection, "doc")  # connections open before the clock starts
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


@pytest.mark.parametrize("slow_server", ["couchdb"], indirect=True)
def test_a_silent_server_fails_the_awaiting_task_within_the_deadline_and_never_the_loop(
    slow_server: tuple[FaultProxy, MakeService],
) -> None:
    proxy, make_service = slow_server
    timeout = 1.0

    async def main() -> tuple[float, float]:
        loop = asyncio.get_running_loop()
        async with AsyncDatabaseService(make_service(timeout), max_workers=2) as db:
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
