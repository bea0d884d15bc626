"""Per-operation cost: each service call against the raw SDK call doing the same work, same server.

A round writes ``per_batch`` new documents on each side, reads them, updates them
(with the revision in hand, as an optimistic-concurrency update does), deletes them,
and lists a collection of ``list_docs`` documents ``list_calls`` times. Both sides use
the same collection and documents of the same shape, under their own ids. A warm-up
round (not counted) creates the connections and checks that both sides return the
same documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .adapters import Backend
from .timing import Paired, interleaved
from .workload import document, ids

__all__ = ["OPERATIONS", "OpsConfig", "run_ops"]

OPERATIONS = ("get", "save_new", "save_update", "delete", "list_all")
OPS_COLLECTION = "bench-ops"
LIST_COLLECTION = "bench-list"


@dataclass(frozen=True)
class OpsConfig:
    rounds: int = 7
    per_batch: int = 100
    list_docs: int = 1000
    list_calls: int = 3


def _comparable(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if key != "_rev"}


def _fill_list_collection(backend: Backend, count: int) -> None:
    docs = [{"_id": doc_id, **document(number)} for number, doc_id in enumerate(ids("list", count))]
    results = backend.service.save_many(LIST_COLLECTION, docs)
    failed = [result for result in results if not result["ok"]]
    if failed:
        raise RuntimeError(f"{backend.name}: could not fill {LIST_COLLECTION}: {failed[:3]}")
    if not backend.shared_storage:
        for doc in docs:
            backend.raw.save_new(LIST_COLLECTION, doc["_id"], {k: v for k, v in doc.items() if k != "_id"})


def run_ops(backend: Backend, config: OpsConfig) -> dict[str, Paired]:
    """Interleaved rounds of every operation; returns per-operation paired timings."""
    service, raw = backend.service, backend.raw
    for collection in (OPS_COLLECTION, LIST_COLLECTION):
        raw.prepare(collection)
    _fill_list_collection(backend, config.list_docs)
    n = config.per_batch * backend.batch_scale
    results = {op: Paired(op, config.list_calls if op == "list_all" else n) for op in OPERATIONS}
    new_bodies = [document(number) for number in range(n)]
    updated_bodies = [document(number, version=2) for number in range(n)]

    for round_index in range(-1, config.rounds):  # round -1 warms up and is not recorded
        ours_ids = ids(f"g{round_index + 1}", n)
        raw_ids = ids(f"r{round_index + 1}", n)
        ours_revs: dict[str, str] = {}
        raw_revs: dict[str, str] = {}

        def ours_save_new(ours_ids: list[str] = ours_ids, ours_revs: dict[str, str] = ours_revs) -> None:
            for doc_id, body in zip(ours_ids, new_bodies, strict=True):
                ours_revs[doc_id] = service.save(OPS_COLLECTION, doc_id, body)["rev"]

        def raw_save_new(raw_ids: list[str] = raw_ids, raw_revs: dict[str, str] = raw_revs) -> None:
            for doc_id, body in zip(raw_ids, new_bodies, strict=True):
                raw_revs[doc_id] = raw.save_new(OPS_COLLECTION, doc_id, body)

        def ours_get(ours_ids: list[str] = ours_ids) -> list[dict[str, Any]]:
            return [service.get(OPS_COLLECTION, doc_id) for doc_id in ours_ids]

        def raw_get(raw_ids: list[str] = raw_ids) -> list[dict[str, Any]]:
            return [raw.get(OPS_COLLECTION, doc_id) for doc_id in raw_ids]

        def ours_update(ours_ids: list[str] = ours_ids, ours_revs: dict[str, str] = ours_revs) -> None:
            for doc_id, body in zip(ours_ids, updated_bodies, strict=True):
                ours_revs[doc_id] = service.save(OPS_COLLECTION, doc_id, {**body, "_rev": ours_revs[doc_id]})["rev"]

        def raw_update(raw_ids: list[str] = raw_ids, raw_revs: dict[str, str] = raw_revs) -> None:
            for doc_id, body in zip(raw_ids, updated_bodies, strict=True):
                raw_revs[doc_id] = raw.save_update(OPS_COLLECTION, doc_id, body, raw_revs[doc_id])

        def ours_delete(ours_ids: list[str] = ours_ids) -> None:
            for doc_id in ours_ids:
                service.delete(OPS_COLLECTION, doc_id)

        def raw_delete(raw_ids: list[str] = raw_ids, raw_revs: dict[str, str] = raw_revs) -> None:
            for doc_id in raw_ids:
                raw.delete(OPS_COLLECTION, doc_id, raw_revs[doc_id])

        def ours_list() -> list[dict[str, Any]]:
            return [doc for _ in range(config.list_calls) for doc in service.list_all(LIST_COLLECTION)]

        def raw_list() -> list[dict[str, Any]]:
            return [doc for _ in range(config.list_calls) for doc in raw.list_all(LIST_COLLECTION)]

        timings = {
            "save_new": interleaved(round_index, ours_save_new, raw_save_new),
            "get": interleaved(round_index, ours_get, raw_get),
        }
        if round_index < 0:
            _check_same_work(backend, (ours_get(), raw_get()), (ours_list(), raw_list()), config)
        timings["save_update"] = interleaved(round_index, ours_update, raw_update)
        timings["delete"] = interleaved(round_index, ours_delete, raw_delete)
        timings["list_all"] = interleaved(round_index, ours_list, raw_list)
        if round_index >= 0:
            for op, (ours_timing, raw_timing) in timings.items():
                results[op].add_round(ours_timing, raw_timing)
    return results


def _check_same_work(
    backend: Backend,
    gets: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    lists: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    config: OpsConfig,
) -> None:
    """Both sides must read back equal documents, or the comparison means nothing."""
    ours_docs, raw_docs = gets
    ours_list, raw_list = lists
    for ours, raw in zip(ours_docs, raw_docs, strict=True):
        ours_body = {k: v for k, v in _comparable(ours).items() if k != "_id"}
        raw_body = {k: v for k, v in _comparable(raw).items() if k != "_id"}
        if ours_body != raw_body or "_rev" not in ours or "_rev" not in raw:
            raise RuntimeError(f"{backend.name}: the service and the raw SDK read different documents: {ours} / {raw}")
    expected = config.list_docs * config.list_calls
    if len(ours_list) != expected or len(raw_list) != expected:
        raise RuntimeError(f"{backend.name}: list_all returned {len(ours_list)} / {len(raw_list)}, not {expected}.")
    by_id = {doc["_id"]: _comparable(doc) for doc in raw_list}
    if any(by_id.get(doc["_id"]) != _comparable(doc) for doc in ours_list):
        raise RuntimeError(f"{backend.name}: list_all differs between the service and the raw SDK.")
