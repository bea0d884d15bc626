"""Copy collections from one service to another, streaming, and say what happened.

Idempotent and resumable: documents are upserted without the source's ``_rev``, so
running again after an interruption rewrites what was already copied (same content,
no duplicates) and copies the rest. Documents only on the target are left alone;
``verify`` reports them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from ..errors import InvalidQuery
from ..service import DatabaseService
from ..validation import validate_collection_name
from .batches import BatchWriter, TransferStopped, guarded, guarded_iter
from .progress import Progress
from .report import CollectionReport, Failure, Report
from .verify import verify_collection

__all__ = ["DEFAULT_BATCH_SIZE", "DEFAULT_COLLECTIONS", "check_batch_size", "migrate", "resolve_collections"]

DEFAULT_COLLECTIONS = ("agents", "deployments", "users", "sessions", "tickets", "demos")
"""The core collections moved when none are named."""
DEFAULT_BATCH_SIZE = 500


def check_batch_size(batch_size: int) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidQuery(f"The batch size must be a positive integer, got {batch_size!r}.")
    return batch_size


def resolve_collections(
    service: DatabaseService, collections: Iterable[str] | None = None, all_collections: bool = False
) -> list[str]:
    """The collections to move: named ones, every one ``service`` lists, or the six core ones."""
    if all_collections:
        return service.list_collections()
    names = DEFAULT_COLLECTIONS if collections is None else collections
    return list(dict.fromkeys(validate_collection_name(name) for name in names))


def _copy_collection(
    source: DatabaseService,
    target: DatabaseService,
    report: CollectionReport,
    *,
    batch_size: int,
    dry_run: bool,
    progress: Progress,
) -> None:
    name = report.name
    total = guarded("source", lambda: source.count(name)) if progress.wants_total else None
    progress.begin(name, total)
    try:
        writer = BatchWriter(target, report, batch_size, progress.advance)
        for doc in guarded_iter("source", lambda: source.iter_all(name, page_size=batch_size)):
            report.read += 1
            if dry_run:
                _predict(target, report, doc)
                progress.advance(1)
            else:
                writer.add(doc)
        writer.flush()
    finally:
        progress.end()


def _predict(target: DatabaseService, report: CollectionReport, doc: dict[str, object]) -> None:
    """Dry run: count what the target would accept, flag what it would refuse for its size."""
    doc_id = str(doc["_id"])
    body = {key: value for key, value in doc.items() if key not in ("_id", "_rev")}
    size = target.document_size(report.name, doc_id, body)
    if size <= target.max_document_bytes:
        report.would_write += 1
    else:
        report.failed.append(
            Failure(
                doc_id,
                f"would be refused: {size} bytes, the {target.provider_name} backend accepts at most "
                f"{target.max_document_bytes}",
                413,
            )
        )


def migrate(
    source: DatabaseService,
    target: DatabaseService,
    collections: Sequence[str],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    dry_run: bool = False,
    verify: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Copy ``collections`` from ``source`` to ``target``; with ``verify``, compare them afterwards.

    Never raises for a server failure or Ctrl-C: the report's ``status`` becomes
    ``stopped`` or ``interrupted`` with the reason in ``error``, and the collections not
    reached are listed with nothing read. With ``dry_run`` nothing is written (but
    ``verify`` still compares, which makes ``dry_run=True, verify=True`` a pure check).
    """
    check_batch_size(batch_size)
    progress = progress or Progress()
    report = Report("migrate", source=source.provider_name, target=target.provider_name, dry_run=dry_run)
    started = time.monotonic()
    try:
        guarded("target", target.ping)  # fail fast, before reading anything
        for name in collections:
            collection = report.collection(name)
            _copy_collection(source, target, collection, batch_size=batch_size, dry_run=dry_run, progress=progress)
            if verify:
                verify_collection(source, target, name, collection, batch_size=batch_size, progress=progress)
            collection.finished = True
    except TransferStopped as stop:
        report.status, report.error = "stopped", _stopped_message(stop, dry_run)
    except KeyboardInterrupt:
        report.status = "interrupted"
        report.error = "interrupted by the user; run the same command again to finish (writes are upserts)."
    finally:
        report.seconds = time.monotonic() - started
    for name in collections:
        report.collection(name)  # list the collections never reached, with zero counts
    return report


def _stopped_message(stop: TransferStopped, dry_run: bool) -> str:
    advice = (
        ""
        if dry_run
        else " Fix it and run the same command again: documents already copied are rewritten, not duplicated."
    )
    return stop.describe() + "." + advice
