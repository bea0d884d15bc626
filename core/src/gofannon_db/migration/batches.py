"""Streaming plumbing shared by migrate and import: guarded reads and batched writes.

Reads are streamed from ``iter_all`` and writes go out through ``save_many`` a batch
at a time, so memory holds one batch, whatever the collection size. Documents are
written without ``_rev``: each write is an unconditional upsert, which is what makes
a re-run after an interruption idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Literal, TypeVar

from ..errors import BackendUnavailable, DatabaseError
from ..service import DatabaseService
from ..types import BulkResult, Document
from .report import CollectionReport, Failure

__all__ = ["BatchWriter", "TransferStopped", "guarded", "guarded_iter"]

Side = Literal["source", "target"]
_T = TypeVar("_T")


class TransferStopped(Exception):
    """A whole request failed (server unreachable, credentials refused...): the run cannot go on."""

    def __init__(self, side: Side, error: DatabaseError) -> None:
        self.side = side
        self.error = error
        super().__init__(self.describe())

    def describe(self) -> str:
        return f"the {self.side} failed: {type(self.error).__name__}: {self.error.detail.rstrip('.')}"


def guarded(side: Side, call: Callable[[], _T]) -> _T:
    """Run ``call``; a :class:`DatabaseError` becomes :class:`TransferStopped` naming the side."""
    try:
        return call()
    except DatabaseError as error:
        raise TransferStopped(side, error) from error


def guarded_iter(side: Side, make: Callable[[], Iterable[_T]]) -> Iterator[_T]:
    """Iterate ``make()``, turning a :class:`DatabaseError` at any step into :class:`TransferStopped`."""
    iterator = iter(guarded(side, make))
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            return
        except DatabaseError as error:
            raise TransferStopped(side, error) from error
        yield item


class BatchWriter:
    """Collect documents for one collection and write them with ``save_many``, ``batch_size`` at a time.

    Per-document failures are recorded in ``report`` and the run goes on; a failure of
    the whole request marks the batch failed and raises :class:`TransferStopped` -- when
    the server stopped answering midway, only the documents its ``results`` say were not
    written are listed as failed, the others count as written.
    ``on_done(n)`` is told after each batch how many documents it handled.
    """

    def __init__(
        self,
        target: DatabaseService,
        report: CollectionReport,
        batch_size: int,
        on_done: Callable[[int], None] = lambda count: None,
    ) -> None:
        self._target = target
        self._report = report
        self._batch_size = batch_size
        self._on_done = on_done
        self._docs: list[Document] = []
        self._lines: list[int | None] = []
        self._ids: set[str] = set()

    def add(self, doc: Document, line: int | None = None) -> None:
        """Queue ``doc`` (which carries ``_id``); its ``_rev``, if any, is dropped."""
        doc.pop("_rev", None)
        doc_id = doc["_id"]
        if doc_id in self._ids:
            self.flush()  # save_many refuses an id twice in one batch; the later copy wins, as in the source
        self._docs.append(doc)
        self._lines.append(line)
        self._ids.add(doc_id)
        if len(self._docs) >= self._batch_size:
            self.flush()

    def flush(self) -> None:
        docs, lines = self._docs, self._lines
        if not docs:
            return
        self._docs, self._lines, self._ids = [], [], set()
        name = self._report.name
        try:
            results = self._target.save_many(name, docs)
        except BackendUnavailable as error:
            if error.results is None or len(error.results) != len(docs):
                raise self._stopped(docs, lines, error) from error
            # The server stopped answering midway: the results tell exactly which documents failed.
            self._record(error.results, lines)
            self._on_done(len(docs))
            raise TransferStopped("target", error) from error
        except DatabaseError as error:
            raise self._stopped(docs, lines, error) from error
        self._record(results, lines)
        self._on_done(len(docs))

    def _stopped(self, docs: list[Document], lines: list[int | None], error: DatabaseError) -> TransferStopped:
        """The whole request failed: every document of the batch is listed with the error."""
        self._report.failed.extend(
            Failure(doc["_id"], error.detail, error.status_code, line) for doc, line in zip(docs, lines, strict=True)
        )
        self._on_done(len(docs))
        return TransferStopped("target", error)

    def _record(self, results: list[BulkResult], lines: list[int | None]) -> None:
        for result, line in zip(results, lines, strict=True):
            if result["ok"]:
                self._report.written += 1
            else:
                self._report.failed.append(
                    Failure(result["id"], result.get("error", "write failed"), result.get("status_code"), line)
                )
