"""The async twin of :class:`~gofannon_db.DatabaseService`, for ``async def`` code.

:class:`AsyncDatabaseService` has the same methods, arguments, results, errors and rules
as the sync service, as coroutines::

    async with create_async_database_service(settings) as db:
        await db.save("agents", "a1", {"name": "Ada"})
        async for doc in db.iter_all("agents"):
            ...

It does not repeat the sync service's rules: every call *is* the sync service's public
method (validation, prefixing, size checks, error mapping, bulk result assembly, all
written once in :mod:`gofannon_db.service`), run off the event loop on a small bounded
thread pool of its own. The loop never waits on a server, and every provider gets the
async twin with no work from its author. A service that declares its calls never block
(``calls_block = False``: the memory backend) is called on the loop instead. A plugin with a native async client can
subclass this class and override :meth:`AsyncDatabaseService._run`, the one place where
sync work leaves the loop (see :mod:`gofannon_db.hookspecs`).

Cancellation: cancelling the task that awaits a call never interrupts the call's
thread. A call not yet started when its task is cancelled never runs; one already
running finishes (a write lands or fails, in full; a bulk call runs to its end) and its
result is dropped. So after a cancelled write the document is either as before or as
written: read it again to know, or make the write conditional (``_rev``) and retry it.
An ``asyncio.timeout`` around a call is a cancellation too: it bounds the wait, not the
work; ``DATABASE_TIMEOUT`` bounds the work.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

from .errors import ServiceClosed
from .service import DEFAULT_PAGE_SIZE, DatabaseService
from .types import BulkResult, Document, WriteResult

__all__ = ["AsyncDatabaseService"]

_T = TypeVar("_T")
_A = TypeVar("_A", bound="AsyncDatabaseService")
_log = logging.getLogger(__name__)


class AsyncDatabaseService:
    """A :class:`DatabaseService` driven from an event loop: the same calls, awaited.

    ``max_workers`` bounds the threads (and so the calls in flight, and the connections
    they hold); it defaults to the backend's :attr:`DatabaseService.connection_pool_size`.
    Calls beyond it wait in a queue without holding a thread. One instance may be used
    from any number of event loops and threads. ``owns_service=False`` leaves ``service``
    open on :meth:`close` (its owner closes it), for a sync service shared with other code.
    """

    def __init__(self, service: DatabaseService, *, max_workers: int | None = None, owns_service: bool = True) -> None:
        workers = service.connection_pool_size if max_workers is None else max_workers
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"max_workers must be a positive integer, got {workers!r}.")
        self._service = service
        self._inline = not service.calls_block
        self._owns_service = owns_service
        self.max_workers = workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gofannon-async")
        self._closed = False
        self._close_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._service!r} max_workers={self.max_workers}>"

    @property
    def provider_name(self) -> str:
        """The provider name of the backend (``memory``, ``couchdb``, ...)."""
        return self._service.provider_name

    @property
    def collection_prefix(self) -> str:
        return self._service.collection_prefix

    @property
    def max_document_bytes(self) -> int:
        return self._service.max_document_bytes

    @property
    def sync_service(self) -> DatabaseService:
        """The sync service this one drives: for sync code beside async code, off the loop."""
        return self._service

    # ------------------------------------------------------------------ public API

    async def get(self, db_name: str, doc_id: str) -> Document:
        """Return the document with ``_id`` and ``_rev``; :class:`DocumentNotFound` when absent."""
        return await self._run(self._service.get, db_name, doc_id)

    async def save(self, db_name: str, doc_id: str, doc: Mapping[str, Any]) -> WriteResult:
        """Upsert ``doc``; with ``_rev`` in it, only if that is still the stored revision."""
        return await self._run(self._service.save, db_name, doc_id, doc)

    async def create(self, db_name: str, doc_id: str, doc: Mapping[str, Any]) -> WriteResult:
        """Insert ``doc``; :class:`RevisionConflict` when ``doc_id`` already exists."""
        return await self._run(self._service.create, db_name, doc_id, doc)

    async def delete(self, db_name: str, doc_id: str, rev: str | None = None) -> None:
        """Delete a document; with ``rev``, only if that is still its revision."""
        await self._run(self._service.delete, db_name, doc_id, rev)

    async def list_all(self, db_name: str) -> list[Document]:
        """Every document of the collection; ``[]`` when it does not exist."""
        return await self._run(self._service.list_all, db_name)

    def iter_all(self, db_name: str, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[Document]:
        """Stream every document (``async for``), fetching ``page_size`` at a time in a worker thread.

        Like the sync call, bad arguments raise here, before iteration starts.
        """
        collection = self._service._iter_all_collection(db_name, page_size)
        return self._stream(collection, page_size)

    async def get_many(self, db_name: str, doc_ids: Iterable[str]) -> dict[str, Document | None]:
        """Fetch many documents at once; absent ones map to ``None``."""
        return await self._run(self._service.get_many, db_name, doc_ids)

    async def save_many(self, db_name: str, docs: Iterable[Mapping[str, Any]]) -> list[BulkResult]:
        """Save documents that each carry ``_id``; one result per document, in input order."""
        return await self._run(self._service.save_many, db_name, docs)

    async def delete_many(self, db_name: str, doc_ids: Iterable[str]) -> list[BulkResult]:
        """Delete many documents; a missing one counts as deleted. Results in input order."""
        return await self._run(self._service.delete_many, db_name, doc_ids)

    async def find(
        self,
        db_name: str,
        selector: Mapping[str, Any],
        fields: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[Document]:
        """Documents whose (dotted) fields equal the selector's values."""
        return await self._run(self._service.find, db_name, selector, fields, limit)

    async def ensure_index(self, db_name: str, fields: Sequence[str], index_name: str | None = None) -> None:
        """Make ``find`` on these fields fast; idempotent."""
        await self._run(self._service.ensure_index, db_name, fields, index_name)

    async def count(self, db_name: str) -> int:
        """Number of documents in the collection (0 when it does not exist)."""
        return await self._run(self._service.count, db_name)

    async def list_collections(self) -> list[str]:
        """Logical names of the collections that exist under this service's prefix."""
        return await self._run(self._service.list_collections)

    async def drop_collection(self, db_name: str) -> None:
        """Delete a collection and all its documents; nothing happens if it does not exist."""
        await self._run(self._service.drop_collection, db_name)

    async def ping(self) -> dict[str, Any]:
        """Reach the server and describe it; :class:`BackendUnavailable` when it cannot."""
        return await self._run(self._service.ping)

    def document_size(self, db_name: str, doc_id: str, doc: Mapping[str, Any]) -> int:
        """Size of ``doc`` as the backend counts it (no I/O, so not a coroutine)."""
        return self._service.document_size(db_name, doc_id, doc)

    async def close(self) -> None:
        """Let the calls already queued or running finish, then close the backend's connections. Idempotent.

        Both waits happen in a thread, never on the loop. Calls made after ``close``
        raise :class:`~gofannon_db.errors.ServiceClosed`.
        """
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        await asyncio.to_thread(self._drain_and_close)

    def _drain_and_close(self) -> None:
        self._pool.shutdown(wait=True)
        if self._owns_service:  # with owns_service=False the sync service's owner closes it
            self._service.close()

    async def __aenter__(self: _A) -> _A:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # ---------------------------------------------------------------- plumbing

    def _submit(self, fn: Callable[..., _T], *args: Any) -> Future[_T]:
        """Queue ``fn(*args)`` on the pool, in a copy of the caller's context (as ``asyncio.to_thread`` does)."""
        context = contextvars.copy_context()
        try:
            return self._pool.submit(context.run, fn, *args)
        except RuntimeError:  # the pool is shut down
            raise ServiceClosed(f"This async {self.provider_name} service is closed; create a new one.") from None

    async def _run(self, fn: Callable[..., _T], *args: Any) -> _T:
        """Run the sync ``fn(*args)`` in a worker thread and await its result.

        The single point where work leaves the event loop. Cancelling the awaiting task
        cancels a call still queued; a running call finishes in its thread and its result
        (or error) is dropped. A service whose calls never block (``calls_block = False``:
        memory) is called right here, on the loop: the thread hop would cost more than the call.
        """
        if self._inline:
            if self._closed:
                raise ServiceClosed(f"This async {self.provider_name} service is closed; create a new one.")
            return fn(*args)
        return await asyncio.wrap_future(self._submit(fn, *args))

    async def _stream(self, collection: str, page_size: int) -> AsyncIterator[Document]:
        """Pull the sync stream ``page_size`` documents at a time, each pull through :meth:`_run`."""
        pages = _Pages(await self._run(self._service._open_stream, collection, page_size), page_size)
        try:
            while page := await self._run(pages.take):
                for doc in page:
                    yield doc
        finally:
            pages.close()


class _Pages:
    """A sync document stream pulled a page at a time.

    :meth:`close` never waits: called while a pull runs in a worker (the consumer was
    cancelled), it leaves the closing to the end of that pull, because a generator
    cannot be closed while it runs.
    """

    def __init__(self, documents: Iterator[Document], page_size: int) -> None:
        self._documents = documents
        self._page_size = page_size
        self._lock = threading.Lock()
        self._pulling = False
        self._close_after_pull = False
        self._closed = False

    def take(self) -> list[Document]:
        with self._lock:
            if self._closed:
                return []
            self._pulling = True
        try:
            return list(itertools.islice(self._documents, self._page_size))
        finally:
            with self._lock:
                self._pulling = False
                close_now = self._close_after_pull
            if close_now:
                self._close_documents()

    def close(self) -> None:
        with self._lock:
            if self._pulling:
                self._close_after_pull = True
                return
        self._close_documents()

    def _close_documents(self) -> None:
        """Run the stream's cleanup (a generator's ``finally``) once; never raises."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        close = getattr(self._documents, "close", None)
        if close is None:
            return
        try:
            close()
        except Exception:  # a failed cleanup must not turn a finished iteration into an error
            _log.debug("Closing a document stream failed.", exc_info=True)
