"""The async service against a database some milliseconds away: throughput and event-loop lag.

Run ``python -m bench.async_latency [--quick] [--backends couchdb,dynamodb] [--update-doc]``
from the repository root. For each backend it starts the real test server, puts a
:class:`gofannon_db.testing.proxy.FaultProxy` in front of it holding every chunk ``ROUND_TRIP / 2`` in
each direction (a cloud database ~20 ms away), and times three ways of serving
``CALLS`` reads of different documents from an event loop:

- *concurrent*: ``asyncio.gather`` of ``await db.get(...)`` on the async service;
- *sequential*: the same awaits one after another;
- *blocking*: ``gather`` of ``async def`` handlers that call the sync service directly,
  as an app that calls ``db.get`` inside ``async def`` does.

A ticker task sleeping ``TICK`` seconds at a time records how late it wakes up: the
event-loop lag every other request of the app would suffer. The three styles run in
interleaved rounds (their order rotates every round) after a warm-up round; figures are
medians over rounds with their range. The memory provider has no network: there a
subclass sleeps ``ROUND_TRIP`` in ``_get`` instead.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gofannon_db import AsyncDatabaseService, DatabaseService, Settings, create_async_database_service
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.types import Document

from .environment import load_average
from .sections import write_section

__all__ = ["BACKENDS", "Figures", "measure", "render", "run"]

BACKENDS = ("memory", "couchdb", "dynamodb", "firestore")
ROUND_TRIP = 0.020
"""Seconds added to every request/response exchange (half each way)."""
CALLS = 64
TICK = 0.005
STYLES = ("concurrent", "sequential", "blocking")
TARGET_SPEEDUP = 6.0
TARGET_LAG = 0.025
COLLECTION = "async-latency"
SECTION = "## 6. Async service under latency"
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Figures:
    """One backend's rounds: seconds for ``CALLS`` reads, and the worst loop lag, per style."""

    backend: str
    workers: int
    seconds: dict[str, list[float]] = field(default_factory=dict)
    lags: dict[str, list[float]] = field(default_factory=dict)

    def rate(self, style: str) -> float:
        return CALLS / statistics.median(self.seconds[style])

    def speedups(self, baseline: str) -> list[float]:
        """Per round: the baseline's time over the concurrent time of the same round."""
        return [
            slow / fast for slow, fast in zip(self.seconds[baseline], self.seconds["concurrent"], strict=True) if fast
        ]


class SlowMemory(MemoryDatabaseService):
    """The memory provider with a wait in every read: a stand-in for a network round trip."""

    round_trip = 0.0

    def _get(self, collection: str, doc_id: str) -> Document:
        time.sleep(self.round_trip)
        return super()._get(collection, doc_id)


_PROXY_PROCESS = """
import sys
from gofannon_db.testing.proxy import FaultProxy
proxy = FaultProxy(sys.argv[1], int(sys.argv[2]), delay=float(sys.argv[3])).start()
print(proxy.port, flush=True)
sys.stdin.read()
proxy.stop()
"""


@contextlib.contextmanager
def _delay_proxy(url: str) -> Iterator[str]:
    """A FaultProxy holding every chunk ``ROUND_TRIP / 2``, in a process of its own; yields its ``127.0.0.1:port``.

    In this process its forwarding threads would compete with the client for the GIL,
    which a real network never does, and load the loop whose lag is being measured.
    """
    parts = urlsplit(url if "//" in url else f"http://{url}")
    assert parts.hostname is not None
    assert parts.port is not None
    command = [sys.executable, "-c", _PROXY_PROCESS, parts.hostname, str(parts.port), str(ROUND_TRIP / 2)]
    with subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        try:
            port = int(process.stdout.readline())
            yield f"127.0.0.1:{port}"
        finally:
            process.stdin.close()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


@contextlib.contextmanager
def _service(name: str, workers: int | None) -> Iterator[tuple[AsyncDatabaseService, str | None]]:
    """An async service for the backend's real server, reached through a delay proxy (and the proxy's address)."""
    if name == "memory":
        sync = SlowMemory()
        sync.round_trip = ROUND_TRIP
        yield AsyncDatabaseService(sync, max_workers=workers), None
        return
    with contextlib.ExitStack() as stack:
        if name == "couchdb":
            from tests.launchers.couchdb import start_couchdb

            couch = stack.enter_context(start_couchdb())
            proxy = stack.enter_context(_delay_proxy(couch.url))
            settings = Settings(environ={}, **{**couch.settings_env, "COUCHDB_URL": f"http://{proxy}"})
        elif name == "dynamodb":
            from tests.launchers.dynamodb import dynamodb_server

            ddb = stack.enter_context(dynamodb_server())
            proxy = stack.enter_context(_delay_proxy(ddb.endpoint_url))
            settings = Settings(
                environ={},
                DATABASE_PROVIDER="dynamodb",
                DYNAMODB_ENDPOINT_URL=f"http://{proxy}",
                DYNAMODB_REGION=ddb.region,
                AWS_ACCESS_KEY_ID=ddb.access_key_id,
                AWS_SECRET_ACCESS_KEY=ddb.secret_access_key,
            )
        elif name == "firestore":
            from tests.launchers.firestore import PROJECT_ID, firestore_server

            os.environ["NO_GCE_CHECK"] = "true"
            emulator = stack.enter_context(firestore_server())
            proxy = stack.enter_context(_delay_proxy(emulator.host))
            settings = Settings(
                environ={},
                DATABASE_PROVIDER="firestore",
                FIRESTORE_EMULATOR_HOST=proxy,
                FIRESTORE_PROJECT_ID=PROJECT_ID,
            )
        else:
            raise ValueError(f"unknown backend {name!r}")
        if workers is not None:
            settings = Settings(settings, DATABASE_ASYNC_WORKERS=workers)
        yield create_async_database_service(settings), proxy


async def _worst_lag(stop: asyncio.Event) -> float:
    loop = asyncio.get_running_loop()
    worst = 0.0
    while not stop.is_set():
        expected = loop.time() + TICK
        await asyncio.sleep(TICK)
        worst = max(worst, loop.time() - expected)
    return worst


async def _timed(work: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """(seconds ``work`` takes, worst lag of a ticker running meanwhile)."""
    stop = asyncio.Event()
    ticker = asyncio.create_task(_worst_lag(stop))
    await asyncio.sleep(0)  # the ticker is running before the work starts
    start = time.perf_counter()
    await work()
    seconds = time.perf_counter() - start
    stop.set()
    return seconds, await ticker


def _styles(db: AsyncDatabaseService, sync: DatabaseService, ids: list[str]) -> dict[str, Callable[[], Awaitable[Any]]]:
    async def concurrent() -> list[Document]:
        return await asyncio.gather(*(db.get(COLLECTION, doc_id) for doc_id in ids))

    async def sequential() -> list[Document]:
        return [await db.get(COLLECTION, doc_id) for doc_id in ids]

    async def blocking_handler(doc_id: str) -> Document:
        return sync.get(COLLECTION, doc_id)  # what an app calling the sync service in `async def` does

    async def blocking() -> list[Document]:
        return await asyncio.gather(*(blocking_handler(doc_id) for doc_id in ids))

    return {"concurrent": concurrent, "sequential": sequential, "blocking": blocking}


def _native_firestore(proxy: str, ids: list[str]) -> Callable[[], Awaitable[Any]]:
    """The same reads with google-cloud-firestore's own ``AsyncClient`` (built on the running loop)."""
    from google.cloud.firestore import AsyncClient

    from tests.launchers.firestore import PROJECT_ID

    previous = os.environ.get("FIRESTORE_EMULATOR_HOST")
    os.environ["FIRESTORE_EMULATOR_HOST"] = proxy  # the only way to point AsyncClient at an emulator
    try:
        collection = AsyncClient(project=PROJECT_ID).collection(COLLECTION)
    finally:
        if previous is None:
            os.environ.pop("FIRESTORE_EMULATOR_HOST", None)
        else:
            os.environ["FIRESTORE_EMULATOR_HOST"] = previous

    async def native() -> list[Any]:
        snapshots = await asyncio.gather(*(collection.document(doc_id).get() for doc_id in ids))
        return [snapshot.to_dict() for snapshot in snapshots]

    return native


def measure(name: str, rounds: int, workers: int | None = None) -> Figures:
    with _service(name, workers) as (db, proxy):
        sync = db.sync_service
        ids = [f"doc-{n:03d}" for n in range(CALLS)]
        sync.drop_collection(COLLECTION)
        sync.save_many(COLLECTION, [{"_id": doc_id, "n": n, "text": "x" * 200} for n, doc_id in enumerate(ids)])
        figures = Figures(name, db.max_workers)

        async def main() -> None:
            styles = _styles(db, sync, ids)
            if name == "firestore" and proxy:
                styles["native"] = _native_firestore(proxy, ids)
            order = list(styles)
            for style in order:  # warm-up: connections opened, code paths hot
                await _timed(styles[style])
            for number in range(rounds):
                shift = number % len(order)
                for style in order[shift:] + order[:shift]:
                    seconds, lag = await _timed(styles[style])
                    figures.seconds.setdefault(style, []).append(seconds)
                    figures.lags.setdefault(style, []).append(lag)
            await db.drop_collection(COLLECTION)
            await db.close()

        asyncio.run(main())
        return figures


def _range(values: list[float], scale: float = 1.0, digits: int = 1) -> str:
    return f"{min(values) * scale:.{digits}f} to {max(values) * scale:.{digits}f}"


def render(all_figures: list[Figures], rounds: int) -> str:
    """The Markdown body of the report's section."""
    lines = [
        f"{CALLS} `get`s of different documents from one event loop, with {ROUND_TRIP * 1000:.0f} ms added to every "
        f"round trip by a `tests/proxy.py` `FaultProxy` ({ROUND_TRIP * 500:.0f} ms each way, in a process of its own "
        "so that its threads take no CPU from the measured one) between client and server (memory: a `_get` that "
        f"sleeps {ROUND_TRIP * 1000:.0f} ms). *concurrent*: `asyncio.gather` of "
        "`await db.get(...)` on the async service (the default thread-pool twin, `max_workers` threads); "
        "*sequential*: the same awaits one by one; *blocking*: `gather` of `async def` handlers calling the sync "
        f"service, as the original application does. A ticker task sleeping {TICK * 1000:.0f} ms records how late "
        f"it wakes (the event-loop lag). {rounds} interleaved rounds after a warm-up round, the order of the three "
        "styles rotating each round; medians over rounds, ranges min to max. Speed-ups are taken per round on the "
        "same round's runs. A *worst lag* is the latest tick of one run; the table gives its median over rounds and "
        "its maximum. The sequential style is the control: one call in flight and a loop that only waits, so its lag "
        "is the machine's own scheduling noise.",
        "",
        "| backend | workers | concurrent gets/s | sequential gets/s | blocking gets/s "
        "| speed-up vs sequential | speed-up vs blocking | worst lag, concurrent (ms) | worst lag, sequential (ms) "
        "| worst lag, blocking (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for figures in all_figures:
        sequential, blocking = figures.speedups("sequential"), figures.speedups("blocking")
        lag, idle, blocked = figures.lags["concurrent"], figures.lags["sequential"], figures.lags["blocking"]
        lines.append(
            f"| {figures.backend} | {figures.workers} | {figures.rate('concurrent'):,.0f} "
            f"| {figures.rate('sequential'):,.0f} | {figures.rate('blocking'):,.0f} "
            f"| {statistics.median(sequential):.1f}x ({_range(sequential)}) "
            f"| {statistics.median(blocking):.1f}x ({_range(blocking)}) "
            f"| {statistics.median(lag) * 1000:.1f} (max {max(lag) * 1000:.1f}) "
            f"| {statistics.median(idle) * 1000:.1f} (max {max(idle) * 1000:.1f}) "
            f"| {statistics.median(blocked) * 1000:.1f} (max {max(blocked) * 1000:.1f}) |"
        )
    for figures in all_figures:
        if "native" in figures.seconds:
            native = [
                twin / own
                for twin, own in zip(figures.seconds["concurrent"], figures.seconds["native"], strict=True)
                if own
            ]
            lines += [
                "",
                f"Native async, measured in the same rounds: {figures.backend}'s own SDK client "
                f"(`google.cloud.firestore.AsyncClient`, `gather` of `document(id).get()`) did "
                f"{figures.rate('native'):,.0f} gets/s against the thread-pool twin's "
                f"{figures.rate('concurrent'):,.0f}: {statistics.median(native):.2f}x its throughput "
                f"({_range(native, digits=2)}), worst lag {statistics.median(figures.lags['native']) * 1000:.1f} ms "
                f"(max {max(figures.lags['native']) * 1000:.1f}). The raw client skips the service's rules and "
                "decoding, so this is an upper bound on what a native twin could gain.",
            ]
    lines += ["", "| target (real backends) | backend | measured | verdict |", "|---|---|---|---|"]
    for figures in all_figures:
        if figures.backend == "memory":
            continue
        speedup = statistics.median(figures.speedups("sequential"))
        worst = max(figures.lags["concurrent"]) * 1000
        lines.append(
            f"| ≥ {TARGET_SPEEDUP:.0f}x the sequential throughput | {figures.backend} | {speedup:.1f}x "
            f"| {'met' if speedup >= TARGET_SPEEDUP else '**missed**'} |"
        )
        lines.append(
            f"| worst loop lag < {TARGET_LAG * 1000:.0f} ms | {figures.backend} | {worst:.1f} ms "
            f"| {'met' if worst < TARGET_LAG * 1000 else '**missed**'} |"
        )
    lines += [
        "",
        "Reading the lag figures: the concurrent style's worst lag is the loop waiting for the GIL while worker "
        "threads decode responses, plus whatever the operating system does; where the control (sequential) column "
        "reaches the target by itself, the machine's load, not the async service, decides the verdict. Throughput "
        "under a loaded machine is bounded by the servers' share of the two cores (pouchdb-server is one Node "
        "process), which is why the speed-up ranges are wide.",
    ]
    return "\n".join(lines)


def run(*, quick: bool, backends: tuple[str, ...] | list[str] = BACKENDS, workers: int | None = None) -> str:
    """Measure every backend in turn; the section body as Markdown (for ``bench.run``)."""
    rounds = 3 if quick else 9
    measured = []
    for name in backends:
        print(f"[async_latency] {name}: {rounds} rounds", flush=True)
        figures = measure(name, rounds, workers)
        for style in figures.seconds:
            print(
                f"  {style:10s} {figures.rate(style):8,.0f} gets/s   worst lag "
                f"{max(figures.lags[style]) * 1000:6.1f} ms",
                flush=True,
            )
        measured.append(figures)
    return render(measured, rounds)


def write(path: Path, markdown: str, note: str) -> None:
    """Replace this benchmark's marked section of ``path`` (see :mod:`bench.sections`), leaving the rest alone."""
    write_section(path, "async_latency", f"{SECTION}\n\n{note}\n\n{markdown}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.async_latency", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of 9")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated, default: all")
    parser.add_argument("--workers", type=int, help="DATABASE_ASYNC_WORKERS (default: each backend's pool size)")
    parser.add_argument("--update-doc", action="store_true", help="write the section into docs/benchmarks.md")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.backends.split(",") if name.strip()]
    unknown = set(names) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backends: {', '.join(sorted(unknown))}")
    load_before = load_average()
    markdown = run(quick=args.quick, backends=names, workers=args.workers)
    print(markdown)
    if args.update_doc:
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        note = (
            f"Measured on {when} by `python -m bench.async_latency`{' --quick' if args.quick else ''}, separately "
            f"from the run above (same machine kind, its servers started afresh; load average before {load_before}, "
            f"after {load_average()})."
        )
        write(ROOT / "docs" / "benchmarks.md", markdown, note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
