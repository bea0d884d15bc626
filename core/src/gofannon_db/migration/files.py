"""``export`` and ``import``: move collections through a JSON Lines file (see :mod:`.jsonl`).

Malformed lines on import: the import writes every document before the first bad line,
then stops writing; it still reads the rest of the file to report every other bad line
and how many documents were left unimported, and the run is marked failed (non-zero
exit). Fix the file and import again: writes are upserts, so nothing is duplicated.
A dry run writes nothing and lists every bad line.
"""

from __future__ import annotations

import functools
import os
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any, cast

from ..errors import InvalidName
from ..service import DatabaseService
from ..types import Document
from ..validation import validate_collection_name
from .batches import BatchWriter, TransferStopped, guarded, guarded_iter
from .engine import DEFAULT_BATCH_SIZE, check_batch_size
from .jsonl import (
    BadLine,
    End,
    Entry,
    ExportFileError,
    encode_line,
    is_gzipped,
    make_header,
    open_for_writing,
    read_entries,
)
from .progress import Progress
from .report import CollectionReport, Difference, Failure, Report
from .verify import compare_batch

__all__ = ["export_collections", "import_file", "verify_file"]


def export_collections(
    source: DatabaseService,
    path: str | Path,
    collections: Sequence[str],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> Report:
    """Write ``collections`` of ``source`` to ``path`` (gzip when it ends in ``.gz``).

    The file is written under a temporary name and renamed when complete, so ``path``
    never holds a partial export; a failed run leaves no file and says why.
    """
    check_batch_size(batch_size)
    progress = progress or Progress()
    path = Path(path)
    report = Report("export", source=source.provider_name, file=str(path))
    partial = path.with_name(f".{path.name}.partial")
    started = time.monotonic()
    try:
        with open_for_writing(partial, is_gzipped(path)) as handle:
            handle.write(encode_line(make_header(source.provider_name, list(collections))))
            for name in collections:
                _export_collection(source, handle, report.collection(name), batch_size, progress)
            handle.write(encode_line({"end": {"documents": {c.name: c.written for c in report.collections}}}))
        os.replace(partial, path)
    except TransferStopped as stop:
        report.status, report.error = "stopped", f"{stop.describe()}. No file was written."
    except OSError as error:
        report.status, report.error = "stopped", f"cannot write {str(path)!r}: {error.strerror or error}."
    except KeyboardInterrupt:
        report.status, report.error = "interrupted", "interrupted by the user. No file was written."
    finally:
        progress.end()
        partial.unlink(missing_ok=True)
        report.seconds = time.monotonic() - started
    return report


def _export_collection(
    source: DatabaseService, handle: IO[bytes], collection: CollectionReport, batch_size: int, progress: Progress
) -> None:
    name = collection.name
    total = guarded("source", lambda: source.count(name)) if progress.wants_total else None
    progress.begin(f"export {name}", total)
    pending = 0
    for doc in guarded_iter("source", lambda: source.iter_all(name, page_size=batch_size)):
        collection.read += 1
        doc.pop("_rev", None)
        handle.write(encode_line({"collection": name, "document": doc}))
        collection.written += 1
        pending += 1
        if pending >= batch_size:
            progress.advance(pending)
            pending = 0
    progress.advance(pending)
    progress.end()


def _valid_name(name: str) -> bool:
    try:
        validate_collection_name(name)
    except InvalidName:
        return False
    return True


def _entries(path: str | Path) -> tuple[dict[str, Any], Iterator[Entry | End | BadLine]]:
    stream = read_entries(path)
    header = next(stream)
    assert isinstance(header, dict)
    return header, cast(Iterator[Entry | End | BadLine], stream)


class _Importer:
    """State of one import run: writers per collection, counts, bad lines."""

    def __init__(
        self, target: DatabaseService, report: Report, batch_size: int, wanted: set[str] | None, progress: Progress
    ) -> None:
        self.target, self.report, self.batch_size, self.wanted, self.progress = (
            target,
            report,
            batch_size,
            wanted,
            progress,
        )
        self.writers: dict[str, BatchWriter] = {}
        self.in_file: Counter[str] = Counter()
        self.not_imported = 0
        self.skipped = 0
        self.end: End | None = None
        self.damaged = False
        self.last_line = 1
        self.current: str | None = None

    def take(self, item: Entry | End | BadLine) -> None:
        self.last_line = item.line
        if isinstance(item, BadLine):
            if not self.report.malformed_lines and not self.report.dry_run:
                self.flush()  # write everything before the first bad line, now
            self.report.malformed_lines.append(Failure(None, item.reason, None, item.line))
            self.damaged = self.damaged or item.fatal
            return
        if isinstance(item, End):
            self.end = item
            return
        self.in_file[item.collection] += 1
        if self.wanted is not None and item.collection not in self.wanted:
            self.skipped += 1
            return
        if self.report.malformed_lines and not self.report.dry_run:
            self.not_imported += 1
            return
        if item.collection != self.current:
            self.progress.end()
            self.progress.begin(f"import {item.collection}", None)
            self.current = item.collection
        collection = self.report.collection(item.collection)
        collection.read += 1
        if self.report.dry_run:
            collection.would_write += 1
            self.progress.advance(1)
            return
        writer = self.writers.get(item.collection)
        if writer is None:
            writer = self.writers[item.collection] = BatchWriter(
                self.target, collection, self.batch_size, self.progress.advance
            )
        writer.add(dict(item.document), item.line)

    def flush(self) -> None:
        for writer in self.writers.values():
            writer.flush()

    def conclude(self) -> None:
        """Turn bad lines, a missing end line and count mismatches into the report's error."""
        report = self.report
        if self.skipped:
            report.notes.append(f"{self.skipped} documents of collections not selected were skipped.")
        problems: list[str] = []
        if report.malformed_lines:
            first = report.malformed_lines[0]
            if report.dry_run:
                problems.append(f"{len(report.malformed_lines)} malformed line(s), the first at line {first.line}")
            else:
                written = sum(c.written for c in report.collections)
                problems.append(
                    f"line {first.line} is malformed ({first.error}); the import stopped writing there: "
                    f"{written} documents before it were written, {self.not_imported} after it were not"
                )
        if self.end is None and not self.damaged:
            problems.append(
                f"the file ends at line {self.last_line} without its end line: it is truncated or was not "
                "written by gofannon-db export"
            )
        elif self.end is not None and self.end.counts is not None:
            for name in sorted(set(self.end.counts) | set(self.in_file)):
                expected, found = self.end.counts.get(name, 0), self.in_file.get(name, 0)
                if expected != found:
                    problems.append(f"the end line counts {expected} documents in {name!r}, the file holds {found}")
        if problems:
            report.status = "stopped"
            advice = (
                "" if report.dry_run else " Fix the file and import it again: documents are upserted, not duplicated."
            )
            report.error = "; ".join(problems) + "." + advice


def import_file(
    target: DatabaseService,
    path: str | Path,
    *,
    collections: Sequence[str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    dry_run: bool = False,
    verify: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Load an export into ``target`` (only ``collections``, when given); see the module doc for bad lines.

    Raises :class:`~.jsonl.ExportFileError` before writing anything when the file is not an export.
    """
    check_batch_size(batch_size)
    progress = progress or Progress()
    report = Report("import", target=target.provider_name, dry_run=dry_run, file=str(path))
    started = time.monotonic()
    header, stream = _entries(path)
    report.source = str(header.get("source_provider") or "unknown")
    for name in header.get("collections") or []:  # list empty exported collections too
        if isinstance(name, str) and _valid_name(name) and (not collections or name in collections):
            report.collection(name)
    importer = _Importer(target, report, batch_size, set(collections) if collections else None, progress)
    try:
        guarded("target", target.ping)
        for item in stream:
            importer.take(item)
        importer.flush()
        progress.end()
        importer.conclude()
        if verify and report.status == "completed":
            verify_file(target, path, report, collections=collections, batch_size=batch_size, progress=progress)
    except TransferStopped as stop:
        report.status = "stopped"
        report.error = f"{stop.describe()}. Import the file again once it is fixed: documents are upserted."
    except KeyboardInterrupt:
        report.status, report.error = "interrupted", "interrupted by the user; import the file again to finish."
    finally:
        progress.end()
        report.seconds = time.monotonic() - started
    return report


def verify_file(
    service: DatabaseService,
    path: str | Path,
    report: Report,
    *,
    collections: Sequence[str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> None:
    """Compare every document of the file with ``service`` (the file plays the source).

    Records ``missing`` and ``differs`` per document, and a ``count`` difference when
    ``service`` holds a different number of documents than the file for a collection.
    """
    progress = progress or Progress()
    wanted = set(collections) if collections else None
    header, stream = _entries(path)
    batches: dict[str, list[Document]] = {}
    in_file: Counter[str] = Counter()
    for name in header.get("collections") or []:  # exported but empty collections must be empty on the service too
        if isinstance(name, str) and _valid_name(name) and (wanted is None or name in wanted):
            in_file[name] += 0
            report.collection(name).verified = report.collection(name).verified or 0

    def check(name: str) -> None:
        batch = batches.pop(name, [])
        compare_batch(service, name, batch, report.collection(name))
        progress.advance(len(batch))

    progress.begin("verify", None)
    try:
        for item in stream:
            if isinstance(item, BadLine):
                raise ExportFileError(f"{str(path)!r}, line {item.line}: {item.reason}.")
            if not isinstance(item, Entry) or (wanted is not None and item.collection not in wanted):
                continue
            in_file[item.collection] += 1
            report.collection(item.collection).verified = report.collection(item.collection).verified or 0
            batch = batches.setdefault(item.collection, [])
            batch.append(item.document)
            if len(batch) >= batch_size:
                check(item.collection)
        for name in list(batches):
            check(name)
        for name, expected in in_file.items():
            held = guarded("target", functools.partial(service.count, name))
            if held != expected:
                report.collection(name).differences.append(
                    Difference(
                        None,
                        "count",
                        [f"the file holds {expected} documents, the {service.provider_name} collection {held}"],
                    )
                )
    finally:
        progress.end()
