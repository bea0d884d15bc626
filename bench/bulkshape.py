"""How a server takes bulk writes fastest: request size and requests in flight, measured.

``python -m bench.bulkshape couchdb|firestore [--rounds 5] [--documents 5000]`` from the repository root.

Writes the same new documents through the raw SDK, cut into requests of each size in
``SIZES`` and sent ``concurrency`` at a time, every shape once per round in a rotating
order, and prints the median wall seconds per 1,000 documents with its range. The bodies
are encoded before timing, so this measures the server and the transport, not the client.
What the backends use, and why, is in ``docs/performance.md`` ("Bulk writes").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .adapters import opener
from .environment import load_average
from .workload import document, ids

__all__ = ["main"]

SHAPES = {
    "couchdb": [(250, 1), (500, 1), (1000, 1), (2000, 1), (500, 2), (1000, 2), (1000, 4)],
    "firestore": [(100, 4), (250, 4), (500, 1), (500, 2), (500, 4), (500, 8)],
}
COLLECTION = "bench-shape"


def _send_all(send: Callable[[list[Any]], None], docs: list[Any], size: int, concurrency: int) -> float:
    chunks = [docs[start : start + size] for start in range(0, len(docs), size)]
    start = time.perf_counter()
    if concurrency == 1:
        for chunk in chunks:
            send(chunk)
    else:
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(send, chunks))
    return time.perf_counter() - start


def _couchdb(rounds: int, documents: int) -> dict[tuple[int, int], list[float]]:
    import json

    timings: dict[tuple[int, int], list[float]] = {shape: [] for shape in SHAPES["couchdb"]}
    with opener("couchdb")() as backend:
        backend.raw.prepare(COLLECTION)
        resource = backend.raw.database(COLLECTION).resource  # type: ignore[attr-defined]

        def send(chunk: list[bytes]) -> None:
            body = b'{"docs":[' + b",".join(chunk) + b"]}"
            _, _, data = resource.post("_bulk_docs", body=body, headers={"Content-Type": "application/json"})
            if len(json.loads(data.read())) != len(chunk):
                raise RuntimeError("short _bulk_docs answer")

        for index in range(rounds + 1):
            shapes = (
                SHAPES["couchdb"][index % len(SHAPES["couchdb"]) :]
                + SHAPES["couchdb"][: index % len(SHAPES["couchdb"])]
            )
            for number, shape in enumerate(shapes):
                docs = [
                    json.dumps({"_id": doc_id, **document(n)}, separators=(",", ":")).encode()
                    for n, doc_id in enumerate(ids(f"s{index}-{number}", documents))
                ]
                seconds = _send_all(send, docs, *shape)
                if index:
                    timings[shape].append(seconds)
        backend.service.drop_collection(COLLECTION)
    return timings


def _firestore(rounds: int, documents: int) -> dict[tuple[int, int], list[float]]:
    from google.cloud.firestore_v1.bulk_batch import BulkWriteBatch

    timings: dict[tuple[int, int], list[float]] = {shape: [] for shape in SHAPES["firestore"]}
    with opener("firestore")() as backend:
        client = backend.raw.client  # type: ignore[attr-defined]
        base = client.collection(COLLECTION)

        def send(chunk: list[tuple[str, dict[str, Any]]]) -> None:
            batch = BulkWriteBatch(client)
            for doc_id, body in chunk:
                batch.set(base.document(doc_id), body)
            batch.commit(timeout=30)

        for index in range(rounds + 1):
            shapes = (
                SHAPES["firestore"][index % len(SHAPES["firestore"]) :]
                + SHAPES["firestore"][: index % len(SHAPES["firestore"])]
            )
            for number, shape in enumerate(shapes):
                docs = [
                    (doc_id, {**document(n), "_rev": "1-x"})
                    for n, doc_id in enumerate(ids(f"s{index}-{number}", documents))
                ]
                seconds = _send_all(send, docs, *shape)
                if index:
                    timings[shape].append(seconds)
        backend.service.drop_collection(COLLECTION)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bulkshape", description=__doc__.splitlines()[0])
    parser.add_argument("backend", choices=sorted(SHAPES))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--documents", type=int, default=5000)
    args = parser.parse_args(argv)
    before = load_average()
    run = _couchdb if args.backend == "couchdb" else _firestore
    timings = run(args.rounds, args.documents)
    print(f"{args.backend}: {args.documents:,} new documents, {args.rounds} rounds; load {before} -> {load_average()}")
    print("| documents per request | requests in flight | s per 1,000 docs, median (range) |")
    print("|---|---|---|")
    per_k = args.documents / 1000
    for (size, concurrency), values in timings.items():
        low, mid, high = min(values) / per_k, statistics.median(values) / per_k, max(values) / per_k
        print(f"| {size} | {concurrency} | {mid:.3f} ({low:.3f}-{high:.3f}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
