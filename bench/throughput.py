"""Operations per second of the built-in memory provider, single thread."""

from __future__ import annotations

from dataclasses import dataclass

from gofannon_db import DatabaseService, Settings, create_database_service

from .timing import median, time_batch
from .workload import document, ids

__all__ = ["Throughput", "run_memory_throughput"]

COLLECTION = "bench-memory"


@dataclass(frozen=True)
class Throughput:
    operation: str
    ops_per_second: float
    calls: int


def _one_repeat(service: DatabaseService, doc_ids: list[str]) -> dict[str, float]:
    body = document(1)
    revs: dict[str, str] = {}

    def save_new() -> None:
        for doc_id in doc_ids:
            revs[doc_id] = service.save(COLLECTION, doc_id, body)["rev"]

    def get() -> None:
        for doc_id in doc_ids:
            service.get(COLLECTION, doc_id)

    def update() -> None:
        for doc_id in doc_ids:
            revs[doc_id] = service.save(COLLECTION, doc_id, {**body, "_rev": revs[doc_id]})["rev"]

    calls = len(doc_ids)
    return {
        "save (new)": calls / time_batch(save_new),
        "get": calls / time_batch(get),
        "save (update with _rev)": calls / time_batch(update),
    }


def run_memory_throughput(calls: int, repeats: int) -> list[Throughput]:
    """Median over ``repeats`` of the rate of ``calls`` new saves, gets and updates with ``_rev``."""
    rates: dict[str, list[float]] = {}
    for repeat in range(repeats):
        with create_database_service(Settings(environ={}, DATABASE_PROVIDER="memory")) as service:
            for operation, rate in _one_repeat(service, ids(f"m{repeat}", calls)).items():
                rates.setdefault(operation, []).append(rate)
    return [Throughput(operation, median(values), calls) for operation, values in rates.items()]
