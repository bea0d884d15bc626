"""Where CouchDB ``save_many``'s client time goes, step by step, without a server.

Each step is timed on the same 5,000 benchmark documents with ``time.process_time``, the
garbage collector off, best of 7 runs; the HTTP requests are stubbed with answers built
in advance, so only the client's own work is counted. ``bench.bulkcost`` prints the table
under its CouchDB row: the profile behind the missed CPU target.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable
from typing import Any

from .workload import document, ids

__all__ = ["STEPS", "measure", "render"]

DOCUMENTS = 5000
_REV = "1-" + "0" * 32

STEPS = (
    ("check", "the contract's check of each document (`is_plain_document`: every key and value, no copy)"),
    ("encode", "the one JSON encoding of each document (the raw call encodes too)"),
    ("prepare", "the core's whole `_prepare`: id check, the two above, size check"),
    ("save_many", "the whole `save_many`, requests stubbed: plus duplicate ids, revision hints, results"),
    ("raw_encode", "for comparison: CouchDB-Python's one `json.dumps` of each 1,000-document request"),
)


def _best(run: Callable[[], object], repeats: int = 7) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best / DOCUMENTS * 1e6


def measure() -> dict[str, float]:
    """Microseconds of client CPU per document for each of :data:`STEPS`.

    The revision hints are forgotten before each run of `save_many`, so every run writes new
    documents as far as the client knows, as the benchmark does.
    """
    from gofannon_db.validation import is_plain_document
    from gofannon_db_couchdb.service import CouchDBDatabaseService, _encode_document

    service = CouchDBDatabaseService("http://127.0.0.1:9")  # never contacted: _write is stubbed
    answers = [{"ok": True, "id": doc_id, "rev": _REV} for doc_id in ids("split", DOCUMENTS)]

    def stub(method: str, path: Any, body: Any = None, **params: Any) -> Any:
        return answers[: body.count(b'"_id":')]

    service._write = stub  # type: ignore[method-assign]
    docs = [{"_id": doc_id, **document(number)} for number, doc_id in enumerate(ids("split", DOCUMENTS))]
    collection = "bench-split"
    enabled = gc.isenabled()
    gc.disable()
    try:
        return {
            "check": _best(lambda: [is_plain_document(doc, doc["_id"]) for doc in docs]),
            "encode": _best(lambda: [_encode_document(doc["_id"], doc) for doc in docs]),
            "prepare": _best(lambda: [service._prepare(collection, doc["_id"], doc) for doc in docs]),
            "save_many": _best(lambda: write_new(service, collection, docs)),
            "raw_encode": _best(
                lambda: [json.dumps({"docs": docs[start : start + 1000]}) for start in range(0, DOCUMENTS, 1000)]
            ),
        }
    finally:
        if enabled:
            gc.enable()


def write_new(service: Any, collection: str, docs: list[dict[str, Any]]) -> None:
    """``save_many`` of ``docs`` as new documents: the revision hints of earlier runs forgotten first."""
    service._revs.forget_collection(collection)
    service.save_many(collection, docs)


def render(figures: dict[str, float]) -> list[str]:
    lines = [
        "Where the client time of CouchDB `save_many` goes, per 330-byte document (`bench/couchsplit.py`: "
        "`time.process_time`, garbage collector off, best of 7 runs of 5,000 documents, requests stubbed):",
        "",
        "| step | µs per document |",
        "|---|---|",
    ]
    lines += [f"| {label} | {figures[key]:.1f} |" for key, label in STEPS]
    return lines
