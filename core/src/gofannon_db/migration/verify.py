"""``--verify``: compare every document of a source and a target by id and content.

Streams: the source is paged with ``iter_all`` and the same ids are fetched from the
target with ``get_many``, one batch at a time. Extra documents on the target are
looked for only when the target holds more documents than were matched (a second,
equally streamed pass over the target), so memory stays flat.
"""

from __future__ import annotations

from ..service import DatabaseService
from ..types import Document
from .batches import guarded, guarded_iter
from .compare import document_differences
from .progress import Progress
from .report import CollectionReport, Difference

__all__ = ["compare_batch", "verify_collection"]


def compare_batch(target: DatabaseService, name: str, expected: list[Document], report: CollectionReport) -> int:
    """Compare ``expected`` documents with the target's copies; return how many the target holds."""
    if not expected:
        return 0
    found = guarded("target", lambda: target.get_many(name, [doc["_id"] for doc in expected]))
    present = 0
    for doc in expected:
        doc_id = doc["_id"]
        other = found.get(doc_id)
        if other is None:
            report.differences.append(Difference(doc_id, "missing"))
            continue
        present += 1
        details = document_differences(doc, other)
        if details:
            report.differences.append(Difference(doc_id, "differs", details))
    report.verified = (report.verified or 0) + len(expected)
    return present


def _find_extras(
    source: DatabaseService, target: DatabaseService, name: str, batch_size: int, report: CollectionReport
) -> None:
    """Ids the target holds and the source does not."""
    page: list[str] = []

    def check() -> None:
        known = guarded("source", lambda: source.get_many(name, page))
        report.differences.extend(Difference(doc_id, "extra") for doc_id in page if known.get(doc_id) is None)
        page.clear()

    for doc in guarded_iter("target", lambda: target.iter_all(name, page_size=batch_size)):
        page.append(doc["_id"])
        if len(page) >= batch_size:
            check()
    if page:
        check()


def verify_collection(
    source: DatabaseService,
    target: DatabaseService,
    name: str,
    report: CollectionReport,
    *,
    batch_size: int = 500,
    progress: Progress | None = None,
) -> None:
    """Record in ``report`` every document missing on, extra on, or differing on the target."""
    progress = progress or Progress()
    report.verified = 0
    total = guarded("source", lambda: source.count(name)) if progress.wants_total else None
    progress.begin(f"verify {name}", total)
    try:
        batch: list[Document] = []
        present = 0
        for doc in guarded_iter("source", lambda: source.iter_all(name, page_size=batch_size)):
            batch.append(doc)
            if len(batch) >= batch_size:
                present += compare_batch(target, name, batch, report)
                progress.advance(len(batch))
                batch = []
        present += compare_batch(target, name, batch, report)
        progress.advance(len(batch))
        if guarded("target", lambda: target.count(name)) > present:
            _find_extras(source, target, name, batch_size, report)
    finally:
        progress.end()
