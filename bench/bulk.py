"""Bulk calls against a loop of single calls, through the service on the same server.

``save_many`` of N new documents against N ``save`` calls, and ``get_many`` of those N
ids against N ``get`` calls. Each side writes its own collection, created (by one
write) before timing, and dropped afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from .adapters import Backend
from .timing import time_batch
from .workload import document, ids

__all__ = ["BulkFigure", "run_bulk"]

BULK_COLLECTION = "bench-bulk"
LOOP_COLLECTION = "bench-loop"


@dataclass(frozen=True)
class BulkFigure:
    operation: str
    documents: int
    bulk_seconds: float
    loop_seconds: float

    @property
    def speedup(self) -> float:
        return self.loop_seconds / self.bulk_seconds

    @property
    def bulk_rate(self) -> float:
        return self.documents / self.bulk_seconds

    @property
    def loop_rate(self) -> float:
        return self.documents / self.loop_seconds


def run_bulk(backend: Backend, count: int) -> list[BulkFigure]:
    service = backend.service
    doc_ids = ids("bulk", count)
    docs = [{"_id": doc_id, **document(number)} for number, doc_id in enumerate(doc_ids)]
    for collection in (BULK_COLLECTION, LOOP_COLLECTION):
        service.save(collection, "warm-up", document(0))  # creates the collection outside the timing
    try:

        def save_many() -> None:
            failed = [result for result in service.save_many(BULK_COLLECTION, docs) if not result["ok"]]
            if failed:
                raise RuntimeError(f"{backend.name}: save_many failed for {len(failed)} documents: {failed[:2]}")

        def save_loop() -> None:
            for doc in docs:
                service.save(LOOP_COLLECTION, doc["_id"], doc)

        def get_many() -> None:
            found = service.get_many(BULK_COLLECTION, doc_ids)
            if sum(doc is not None for doc in found.values()) != count:
                raise RuntimeError(f"{backend.name}: get_many did not find every document.")

        def get_loop() -> None:
            for doc_id in doc_ids:
                service.get(LOOP_COLLECTION, doc_id)

        figures = [
            BulkFigure("save_many", count, time_batch(save_many), time_batch(save_loop)),
            BulkFigure("get_many", count, time_batch(get_many), time_batch(get_loop)),
        ]
    finally:
        for collection in (BULK_COLLECTION, LOOP_COLLECTION):
            service.drop_collection(collection)
    return figures
