"""Migration throughput and memory: 100,000 documents memory -> CouchDB, then CouchDB -> DynamoDB.

Run ``python -m bench.migration [--documents N]`` from the repository root; it starts the
test servers (pouchdb-server, DynamoDB Local) through the tests' launchers. Each hop runs
once into fresh collections, timed and under tracemalloc (peak Python memory allocated
during the run above what was held before, so the memory source's own data is not
counted; tracemalloc slows Python a little, but the servers set the pace). ``run(quick=...)`` returns the figures as
Markdown for ``bench.run`` (see ``bench/migration_hook.py``).
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
import tracemalloc
import uuid
from dataclasses import dataclass
from typing import Any

from gofannon_db import DatabaseService, Settings, create_database_service
from gofannon_db.backends.memory import MemoryDatabaseService
from gofannon_db.migration import migrate

from tests.launchers.couchdb import start_couchdb
from tests.launchers.dynamodb import dynamodb_server

COLLECTION = "agents"
BATCH_SIZE = 500


@dataclass(frozen=True)
class Figure:
    hop: str
    documents: int
    seconds: float
    peak_bytes: int
    maxrss_growth_kib: int

    @property
    def rate(self) -> float:
        return self.documents / self.seconds


def document(index: int) -> dict[str, Any]:
    """About 400 bytes of JSON: strings, numbers, a list, nesting."""
    return {
        "_id": f"doc-{index:07d}",
        "name": f"Agent number {index}",
        "description": "A document of a realistic size for the migration benchmark. " * 2,
        "count": index,
        "ratio": index / 7,
        "active": index % 2 == 0,
        "tags": ["alpha", "beta", f"t{index % 13}"],
        "config": {"model": "m-1", "temperature": 0.7, "limits": {"tokens": 4096, "calls": [1, 2, 3]}},
    }


def _service(env: dict[str, str], prefix: str) -> DatabaseService:
    return create_database_service(Settings({**env, "DATABASE_COLLECTION_PREFIX": prefix}))


def _prefix() -> str:
    return f"b{uuid.uuid4().hex[:8]}-"


def measure(hop: str, source: DatabaseService, target_env: dict[str, str]) -> tuple[Figure, str]:
    """One run into fresh collections, timed and under tracemalloc (the servers, not Python, set the pace).

    Returns the figure and the prefix of the target (the next hop's source).
    """
    prefix = _prefix()
    with _service(target_env, prefix) as target:
        gc.collect()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        baseline, _ = tracemalloc.get_traced_memory()
        started = time.perf_counter()
        report = migrate(source, target, [COLLECTION], batch_size=BATCH_SIZE)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
        assert report.ok, report.to_text()
    figure = Figure(hop, report.collection(COLLECTION).written, seconds, peak - baseline, rss_growth)
    return figure, prefix


def measure_all(documents: int) -> list[Figure]:
    with start_couchdb() as couch, dynamodb_server() as ddb:
        couch_env = {**couch.settings_env, "DATABASE_TIMEOUT": "30"}
        ddb_env = {
            "DATABASE_PROVIDER": "dynamodb",
            "DYNAMODB_ENDPOINT_URL": ddb.endpoint_url,
            "DYNAMODB_REGION": ddb.region,
            "AWS_ACCESS_KEY_ID": ddb.access_key_id,
            "AWS_SECRET_ACCESS_KEY": ddb.secret_access_key,
            "DATABASE_TIMEOUT": "30",
        }
        memory = MemoryDatabaseService()
        for start in range(0, documents, 1000):
            memory.save_many(COLLECTION, [document(i) for i in range(start, min(start + 1000, documents))])
        first, couch_prefix = measure("memory -> CouchDB", memory, couch_env)
        del memory
        gc.collect()
        with _service(couch_env, couch_prefix) as couch_source:
            second, _ = measure("CouchDB -> DynamoDB", couch_source, ddb_env)
    return [first, second]


def markdown(figures: list[Figure]) -> str:
    lines = [
        f"`migrate` with `--batch-size {BATCH_SIZE}`, one collection, documents of about 400 bytes of JSON. "
        "Peak memory is what tracemalloc saw allocated during the run above the level before it; "
        "max RSS growth is the growth of the process's peak resident size during the run.",
        "",
        "| hop | documents | seconds | documents/s | peak memory (tracemalloc) | max RSS growth |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for f in figures:
        lines.append(
            f"| {f.hop} | {f.documents:,} | {f.seconds:.1f} | {f.rate:,.0f} | {f.peak_bytes / 2**20:.1f} MiB "
            f"| {f.maxrss_growth_kib / 1024:.1f} MiB |"
        )
    return "\n".join(lines)


def run(*, quick: bool) -> str:
    """The section for ``bench.run``: 100,000 documents, or 10,000 with ``quick``."""
    return markdown(measure_all(10_000 if quick else 100_000))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=100_000)
    args = parser.parse_args()
    print(markdown(measure_all(args.documents)))


if __name__ == "__main__":
    main()
