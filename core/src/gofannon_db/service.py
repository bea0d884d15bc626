"""The :class:`DatabaseService` interface every backend implements.

The public methods (``get``, ``save``, ...) are written once, here. They check names,
ids, documents and sizes, apply the collection prefix, and turn any backend exception
into a typed :class:`~gofannon_db.errors.DatabaseError`; only then do they call the
backend's underscore hooks (``_get``, ``_save``, ...). A backend author therefore
implements six hooks -- ``_get``, ``_save``, ``_delete``, ``_list_all``,
``_list_collections`` and ``_drop_collection`` -- and cannot forget a rule of the
contract; every other hook has a correct default built on those, to be overridden for
speed. (The last two are not abstract, so a backend under construction can be imported;
until they exist, the calls that need them raise a 501 that names the hook to write.)

What every hook may rely on, and must honour:

* **Physical names.** Hooks receive the *physical* collection name: the service's
  ``collection_prefix`` followed by the logical name, already checked
  (``^[a-z][a-z0-9_-]*$``, at most 63 + prefix characters). Use it as the table,
  database or directory name as is.
* **Private, validated copies.** Documents reach a hook as private copies without
  ``_id`` and ``_rev``, valid JSON per the contract; a hook may keep them.
* **Revisions.** A revision is an opaque non-empty string that changes on every write.
  A backend without native revisions uses :func:`gofannon_db.codec.new_revision`
  (``N-<32 hex>``); a native one (CouchDB ``_rev``, an update time) is fine as a string.
* **Threads.** One service object is used by many threads at once (the process-wide
  singleton, a web server's workers): every hook must be thread-safe, and a conditional
  write must be atomic against other writers (the suite checks it with threads).
* **No transactions required.** Bulk hooks (``_save_many``, ``_delete_many``,
  ``_get_many``) report per document and may write each document on its own; they must
  not roll back the good documents because one failed. One transaction per batch is
  allowed when it still yields one result per document.
* **One encoding.** A backend whose size check encodes the document overrides
  ``_prepare_write`` to return the encoding with the size; the core hands it back to
  ``_save``, ``_create`` (an extra last argument ``wire``) and ``_save_many``
  (``BulkWrite.wire``), so the document is not encoded again. Optional.
* **Errors.** Raise the typed errors (:mod:`gofannon_db.errors`, or
  :func:`~gofannon_db.errors.error_for_status`); anything else is mapped by
  :meth:`DatabaseService._translate_error`. Messages are scrubbed of declared secrets,
  but never put credentials in them on purpose.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType, TracebackType
from typing import Any, ClassVar, NoReturn, TypeVar, cast

from . import query
from .codec import json_size
from .errors import (
    BackendUnavailable,
    DatabaseError,
    DocumentNotFound,
    DocumentTooLarge,
    InvalidDocument,
    InvalidName,
    InvalidQuery,
    OperationNotSupported,
    RevisionConflict,
    ServiceClosed,
    already_exists,
    revision_conflict,
)
from .redaction import scrub_exception
from .types import BulkResult, BulkWrite, Document, WriteResult, bulk_error, bulk_ok, unfinished
from .validation import (
    is_plain_document,
    validate_collection_name,
    validate_doc_id,
    validate_document,
    validate_revision,
)

__all__ = ["DEFAULT_PAGE_SIZE", "DatabaseService"]

DEFAULT_PAGE_SIZE = 500
_T = TypeVar("_T")
_W = TypeVar("_W")
_PREFIX_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")


def _bulk_argument(items: object, method: str, what: str) -> Iterable[Any]:
    """``items`` if it is an iterable a bulk call may take; :class:`InvalidQuery` before any I/O otherwise.

    A ``str`` or ``bytes`` is iterable but is one id, not many (``delete_many(c, "xyz")``
    must not delete ``x``, ``y`` and ``z``); a mapping iterates its keys, which is never meant.
    """
    if isinstance(items, (str, bytes, bytearray, memoryview, Mapping)) or not isinstance(items, Iterable):
        raise InvalidQuery(f"{method} takes a list of {what}, got {type(items).__name__}.")
    return items


class DatabaseService(abc.ABC):
    """A document store: collections of JSON documents with ids and revisions.

    Subclasses set :attr:`provider_name` and :attr:`max_document_bytes` and implement
    :meth:`_get`, :meth:`_save`, :meth:`_delete`, :meth:`_list_all`,
    :meth:`_list_collections` and :meth:`_drop_collection` (see the module docstring
    for what every hook may assume and must guarantee).
    """

    provider_name: ClassVar[str] = "unknown"
    """The provider name this backend registers (``memory``, ``couchdb``, ...)."""

    max_document_bytes: int = 1_048_576
    """Largest document, as measured by :meth:`document_size`, the backend accepts."""

    connection_pool_size: int = 10
    """Calls this backend serves well at once (its client's connection pool). The async
    twin sizes its worker pool by it unless ``DATABASE_ASYNC_WORKERS`` says otherwise."""

    calls_block: ClassVar[bool] = True
    """``False`` when no call ever waits on I/O, a lock held elsewhere or another process (the
    memory backend): the async twin then runs the calls on the event loop, since a hop to a
    worker thread would cost several times the call itself."""

    wire_is_document: ClassVar[bool] = False
    """``True`` when :meth:`_prepare_write` always returns a wire form, only encodes the ``body``
    it is given (never keeps or changes it), and the write hooks need nothing but that wire form.

    The core then spares such a backend the private copies other backends get: a document
    that is already plain JSON (:func:`~gofannon_db.validation.is_plain_document`) goes to
    :meth:`_prepare_write` as the caller's own mapping, possibly holding ``_id`` equal to the
    id; and ``save_many`` hands :meth:`_save_many` each wire form with an empty ``body``
    rather than keep thousands of validated copies alive through the call (which set off
    full garbage collections: a third of a 5,000-document CouchDB ``save_many``'s client time).
    """

    _closed: bool = False

    def __init__(self, *, collection_prefix: str = "") -> None:
        if not set(collection_prefix) <= _PREFIX_CHARS:
            raise InvalidName(
                f"Collection prefix {collection_prefix!r} may only hold lowercase letters, digits, '_' and '-'."
            )
        self.collection_prefix = collection_prefix

    def __repr__(self) -> str:
        prefix = f" prefix={self.collection_prefix!r}" if self.collection_prefix else ""
        return f"<{type(self).__name__} provider={self.provider_name!r}{prefix}>"

    # ------------------------------------------------------------------ public API

    def get(self, db_name: str, doc_id: str) -> Document:
        """Return the document with ``_id`` and ``_rev``; :class:`DocumentNotFound` when absent."""
        collection = self._physical(db_name)
        validate_doc_id(doc_id)
        return self._call(self._get, collection, doc_id)

    def save(self, db_name: str, doc_id: str, doc: Mapping[str, Any]) -> WriteResult:
        """Upsert ``doc``; with ``_rev`` in it, only if that is still the stored revision."""
        collection = self._physical(db_name)
        body, expected_rev, wire = self._prepare(collection, doc_id, doc)
        try:
            rev = self._call(self._save, collection, doc_id, body, expected_rev, *_wire_arg(wire))
        except RevisionConflict as conflict:
            _reword(conflict, revision_conflict(doc_id, expected_rev))
        return {"id": doc_id, "rev": rev}

    def create(self, db_name: str, doc_id: str, doc: Mapping[str, Any]) -> WriteResult:
        """Insert ``doc``; :class:`RevisionConflict` when ``doc_id`` already exists."""
        collection = self._physical(db_name)
        body, expected_rev, wire = self._prepare(collection, doc_id, doc)
        if expected_rev is not None:
            raise InvalidDocument("create() takes a new document; drop _rev or use save().", path="_rev")
        try:
            rev = self._call(self._create, collection, doc_id, body, *_wire_arg(wire))
        except RevisionConflict as conflict:
            _reword(conflict, already_exists(doc_id))
        return {"id": doc_id, "rev": rev}

    def delete(self, db_name: str, doc_id: str, rev: str | None = None) -> None:
        """Delete a document; with ``rev``, only if that is still its revision."""
        collection = self._physical(db_name)
        validate_doc_id(doc_id)
        if rev is not None:
            validate_revision(rev)
        try:
            self._call(self._delete, collection, doc_id, rev)
        except RevisionConflict as conflict:
            _reword(conflict, revision_conflict(doc_id, rev))

    def list_all(self, db_name: str) -> list[Document]:
        """Every document of the collection; ``[]`` when it does not exist."""
        return self._call(self._list_all, self._physical(db_name))

    def iter_all(self, db_name: str, page_size: int = DEFAULT_PAGE_SIZE) -> Iterator[Document]:
        """Stream every document, fetching ``page_size`` at a time."""
        return self._open_stream(self._iter_all_collection(db_name, page_size), page_size)

    def get_many(self, db_name: str, doc_ids: Iterable[str]) -> dict[str, Document | None]:
        """Fetch many documents at once; absent ones map to ``None``."""
        collection = self._physical(db_name)
        ids = list(dict.fromkeys(validate_doc_id(doc_id) for doc_id in _bulk_argument(doc_ids, "get_many", "ids")))
        if not ids:
            return {}
        return self._call(self._get_many, collection, ids)

    def save_many(self, db_name: str, docs: Iterable[Mapping[str, Any]]) -> list[BulkResult]:
        """Save documents that each carry ``_id``; one result per document, in input order.

        A bad or conflicting document fails alone; the others are still written.
        """
        collection = self._physical(db_name)
        results: list[BulkResult | None] = []
        writes: list[BulkWrite] = []
        positions: list[int] = []
        seen: set[str] = set()
        release_body = self.wire_is_document
        for doc in _bulk_argument(docs, "save_many", "documents"):
            mapping = type(doc) is dict or isinstance(doc, Mapping)  # the ABC check only for the unusual
            doc_id = doc.get("_id") if mapping else None
            try:
                if not mapping:
                    raise InvalidDocument(f"save_many takes dicts, got {type(doc).__name__}.")
                if doc_id is None:
                    raise InvalidDocument("Each document given to save_many needs an _id.", path="_id")
                body, expected_rev, wire = self._prepare(collection, doc_id, doc)
                if doc_id in seen:
                    raise InvalidDocument(f"Document id {doc_id!r} appears more than once in this batch.")
            except DatabaseError as error:
                results.append(bulk_error(doc_id if isinstance(doc_id, str) else None, error))
                continue
            seen.add(doc_id)
            positions.append(len(results))
            results.append(None)
            writes.append(
                BulkWrite(doc_id, _RELEASED if release_body and wire is not None else body, expected_rev, wire)
            )
        if writes:
            return self._bulk(
                self._save_many,
                collection,
                writes,
                [write.doc_id for write in writes],
                results=results,
                positions=positions,
                verb="written",
                conflict=lambda index: revision_conflict(writes[index].doc_id, writes[index].expected_rev).detail,
            )
        return [result for result in results if result is not None]

    def delete_many(self, db_name: str, doc_ids: Iterable[str]) -> list[BulkResult]:
        """Delete many documents; a missing one counts as deleted. Results in input order.

        A repeated id is deleted once and its result given to every copy, so a backend
        never sees the same id twice in one batch (DynamoDB refuses such a batch whole).
        """
        collection = self._physical(db_name)
        results: list[BulkResult | None] = []
        positions: dict[str, list[int]] = {}
        for doc_id in _bulk_argument(doc_ids, "delete_many", "ids"):
            try:
                validate_doc_id(doc_id)
            except DatabaseError as error:
                results.append(bulk_error(doc_id if isinstance(doc_id, str) else None, error))
                continue
            positions.setdefault(doc_id, []).append(len(results))
            results.append(None)
        if positions:
            unique = list(positions)
            return self._bulk(
                self._delete_many,
                collection,
                unique,
                unique,
                results=results,
                positions=list(positions.values()),
                verb="deleted",
                conflict=lambda index: revision_conflict(unique[index]).detail,
            )
        return [result for result in results if result is not None]

    def find(
        self,
        db_name: str,
        selector: Mapping[str, Any],
        fields: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[Document]:
        """Documents whose (dotted) fields equal the selector's values.

        ``fields`` projects the result (``_id`` is always kept); ``limit`` caps it.
        """
        collection = self._physical(db_name)
        checked = query.validate_selector(selector)
        projection = query.validate_fields(fields)
        cap = query.validate_limit(limit)
        if cap == 0:
            return []
        return self._call(self._find, collection, checked, projection, cap)

    def ensure_index(self, db_name: str, fields: Sequence[str], index_name: str | None = None) -> None:
        """Make ``find`` on these fields fast; idempotent, and a no-op where indexes are automatic."""
        collection = self._physical(db_name)
        checked = query.validate_fields(fields)
        if not checked:
            raise InvalidQuery("ensure_index needs at least one field.")
        if index_name is not None and not (isinstance(index_name, str) and index_name.strip()):
            raise InvalidQuery(f"index_name must be a non-empty string, got {index_name!r}.")
        self._call(self._ensure_index, collection, checked, index_name)

    def count(self, db_name: str) -> int:
        """Number of documents in the collection (0 when it does not exist)."""
        return self._call(self._count, self._physical(db_name))

    def list_collections(self) -> list[str]:
        """Logical names of the collections that exist under this service's prefix."""
        prefix = self.collection_prefix
        names = []
        for physical in self._call(self._list_collections):
            if physical.startswith(prefix):
                logical = physical[len(prefix) :]
                try:
                    names.append(validate_collection_name(logical))
                except InvalidName:
                    continue  # not ours: a system database or a foreign table
        return sorted(names)

    def drop_collection(self, db_name: str) -> None:
        """Delete a collection and all its documents; nothing happens if it does not exist."""
        self._call(self._drop_collection, self._physical(db_name))

    def ping(self) -> dict[str, Any]:
        """Reach the server and describe it; :class:`BackendUnavailable` when it cannot."""
        info = self._call(self._ping)
        return {"provider": self.provider_name, **info}

    def close(self) -> None:
        """Release connections. Calling it again does nothing; any other call afterwards raises
        :class:`~gofannon_db.errors.ServiceClosed`."""
        if self._closed:
            return
        try:
            self._call(self._close)
        finally:
            self._closed = True
            # Every public call goes through _call: replacing it on the instance costs the hot path nothing.
            setattr(self, "_call", self._refuse_closed)  # noqa: B010

    def __enter__(self: _T) -> _T:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def document_size(self, db_name: str, doc_id: str, doc: Mapping[str, Any]) -> int:
        """Size of ``doc`` as this backend counts it against :attr:`max_document_bytes`.

        ``save`` refuses a document over the limit with :class:`DocumentTooLarge`;
        this tells in advance (a migration's dry run, a test at the exact limit).
        """
        collection = self._physical(db_name)
        checked_id = validate_doc_id(doc_id)
        body = validate_document(doc, checked_id)
        body.pop("_rev", None)
        return self._document_size(collection, checked_id, body)

    # ----------------------------------------------------------- backend hooks

    @abc.abstractmethod
    def _get(self, collection: str, doc_id: str) -> Document:
        """Return the stored document with ``_id`` and ``_rev`` or raise :class:`DocumentNotFound`."""

    @abc.abstractmethod
    def _save(self, collection: str, doc_id: str, body: Document, expected_rev: str | None) -> str:
        """Write ``body`` and return its new revision.

        With ``expected_rev``, write only if the stored revision equals it (atomically);
        otherwise, and when the document is absent, raise :class:`RevisionConflict`.
        Creates the collection on demand.
        """

    @abc.abstractmethod
    def _delete(self, collection: str, doc_id: str, rev: str | None) -> None:
        """Delete, raising :class:`DocumentNotFound` when absent and :class:`RevisionConflict` on a stale ``rev``."""

    @abc.abstractmethod
    def _list_all(self, collection: str) -> list[Document]:
        """Every document, each with ``_id`` and ``_rev``; ``[]`` for a missing collection."""

    def _create(self, collection: str, doc_id: str, body: Document) -> str:
        """Insert only. The default checks then writes, which is not atomic: override it."""
        try:
            self._get(collection, doc_id)
        except DocumentNotFound:
            return self._save(collection, doc_id, body, None)
        raise already_exists(doc_id)

    def _iter_all(self, collection: str, page_size: int) -> Iterator[Document]:
        """Stream the collection. The default loads it whole: override it to page."""
        yield from self._list_all(collection)

    def _get_many(self, collection: str, doc_ids: list[str]) -> dict[str, Document | None]:
        """Every id (distinct, at least one) mapped to its document or ``None``. The default reads one at a time."""
        found: dict[str, Document | None] = {}
        for doc_id in doc_ids:
            try:
                found[doc_id] = self._get(collection, doc_id)
            except DocumentNotFound:
                found[doc_id] = None
        return found

    def _save_many(self, collection: str, writes: list[BulkWrite]) -> list[BulkResult]:
        """One result per write, in input order (``bulk_ok`` / ``bulk_error``). The default saves one at a time.

        No transaction is required: write each document on its own if you like, but never
        roll back the good ones because one failed. One transaction per batch is allowed when
        it still yields one result per document. Ids are distinct within a call.

        When the server stops answering midway, raise :class:`BackendUnavailable` with
        ``results`` aligned to ``writes``: the outcomes known so far, and a 503 entry for
        every write that may or may not have landed (:func:`~gofannon_db.types.unfinished`).
        Raising it without ``results`` reports every write as failed. Either way the core
        turns it into the caller's list, in input order (contract v2 §5).
        """
        results: list[BulkResult] = []
        for write in writes:
            try:
                rev = self._call(
                    self._save, collection, write.doc_id, write.body, write.expected_rev, *_wire_arg(write.wire)
                )
            except BackendUnavailable as error:
                # The server stopped answering: report what is known instead of waiting on every write.
                raise _stopped(error, results, [each.doc_id for each in writes]) from error
            except DatabaseError as error:
                results.append(bulk_error(write.doc_id, error))
            else:
                results.append(bulk_ok(write.doc_id, rev))
        return results

    def _delete_many(self, collection: str, doc_ids: list[str]) -> list[BulkResult]:
        """One result per id, in input order; a missing document is ``bulk_ok(doc_id, None)``.

        The ids are distinct: the core folds repeated ones before calling this.
        """
        results: list[BulkResult] = []
        for doc_id in doc_ids:
            try:
                self._call(self._delete, collection, doc_id, None)
            except DocumentNotFound:
                results.append(bulk_ok(doc_id, None))
            except BackendUnavailable as error:
                raise _stopped(error, results, doc_ids) from error
            except DatabaseError as error:
                results.append(bulk_error(doc_id, error))
            else:
                results.append(bulk_ok(doc_id, None))
        return results

    def _find(
        self,
        collection: str,
        selector: dict[str, query.Scalar],
        fields: list[str] | None,
        limit: int | None,
    ) -> list[Document]:
        """Filter on the client. Backends that can filter on the server override this.

        ``selector`` maps dotted paths (a dot always separates keys) to JSON scalars, compared
        with JSON equality (``True`` is not ``1``); ``fields`` is the projection or ``None``;
        ``limit`` is ``None`` or positive. :func:`query.matches` and :func:`query.project` are
        the reference semantics, and a server-side result may be re-checked with them.
        """
        found: list[Document] = []
        for doc in self._iter_all(collection, DEFAULT_PAGE_SIZE):
            if query.matches(doc, selector):
                found.append(query.project(doc, fields))
                if limit is not None and len(found) >= limit:
                    break
        return found

    def _ensure_index(self, collection: str, fields: list[str], index_name: str | None) -> None:
        """Indexes are an optimisation: the default does nothing."""

    def _count(self, collection: str) -> int:
        return sum(1 for _ in self._iter_all(collection, DEFAULT_PAGE_SIZE))

    def _list_collections(self) -> list[str]:
        """Required. Physical names of every collection the server holds (the core filters
        them by prefix and name rules, so foreign tables may be included)."""
        raise OperationNotSupported(self._missing_hook("_list_collections", "list_collections()"))

    def _drop_collection(self, collection: str) -> None:
        """Required. Delete the collection and its documents; do nothing when it does not exist."""
        raise OperationNotSupported(self._missing_hook("_drop_collection", "drop_collection()"))

    def _missing_hook(self, hook: str, needed_by: str) -> str:
        return (
            f"The {self.provider_name} backend ({type(self).__name__}) does not implement {hook}(), "
            f"which {needed_by} needs: write {hook} in {type(self).__name__}."
        )

    def _ping(self) -> dict[str, Any]:
        return {}

    def _close(self) -> None:
        return None

    def _document_size(self, collection: str, doc_id: str, body: Document) -> int:
        """Encoded size of a stored document, counted the way the server counts it.

        The default is compact UTF-8 JSON of the body with ``_id`` and a revision;
        backends whose server measures differently (DynamoDB, Firestore) override it.
        """
        # == json_size({"_id": doc_id, "_rev": "0" * 34, **body}), without building that dict:
        # '{"_id":' ID ',"_rev":"' 34 chars '"' and then ',' + the body's members, or '}'.
        return json_size(body) + json_size(doc_id) + (51 if body else 50)

    def _prepare_write(self, collection: str, doc_id: str, body: Document) -> tuple[int, Any]:
        """``(size, wire)`` of a validated body: its size as :meth:`_document_size` counts it, and
        the form the backend will send, computed in one pass.

        A backend whose size check encodes the document overrides this to return that
        encoding as ``wire``, so that nothing is encoded twice. The core hands a ``wire``
        that is not ``None`` back to the backend unchanged: as an extra last argument ``wire``
        of :meth:`_save` and :meth:`_create`, and as :attr:`BulkWrite.wire
        <gofannon_db.types.BulkWrite.wire>` in :meth:`_save_many`; a backend that returns one
        accepts that argument. The default sizes with :meth:`_document_size` and has no wire form.
        """
        return self._document_size(collection, doc_id, body), None

    def _translate_error(self, exc: Exception) -> DatabaseError:
        """Map an exception from the backend's SDK to a typed error.

        Backends override this with their error mapping. The SDK's message is left out
        of ``detail`` on purpose: it can contain URLs with credentials. It stays
        reachable as ``__cause__``.
        """
        return DatabaseError(f"The {self.provider_name} backend failed ({type(exc).__name__}).")

    # ---------------------------------------------------------------- plumbing

    def _physical(self, db_name: str) -> str:
        return self.collection_prefix + validate_collection_name(db_name)

    def _prepare(self, collection: str, doc_id: object, doc: object) -> tuple[Document, str | None, Any]:
        """Validate one document, check its size, and split off the revision it expects.

        Returns the body, the expected revision and the backend's wire form (see :meth:`_prepare_write`).
        """
        checked_id = validate_doc_id(doc_id)
        if self.wire_is_document and is_plain_document(doc, checked_id):
            # Valid as it is: encoded now, never kept, so the caller's own mapping will do.
            body = cast("Document", doc)
            expected_rev = None
        else:
            body = validate_document(doc, checked_id)
            expected_rev = body.pop("_rev", None)
        size, wire = self._prepare_write(collection, checked_id, body)
        if size > self.max_document_bytes:
            raise DocumentTooLarge(
                f"Document {doc_id!r} is {size} bytes; the {self.provider_name} backend accepts at most "
                f"{self.max_document_bytes}."
            )
        return body, expected_rev, wire

    def _bulk(
        self,
        hook: Callable[[str, list[_W]], list[BulkResult]],
        collection: str,
        items: list[_W],
        ids: list[str],
        *,
        results: list[BulkResult | None],
        positions: Sequence[int | list[int]],
        verb: str,
        conflict: Callable[[int], str],
    ) -> list[BulkResult]:
        """Run a bulk hook and put its results back at their input positions.

        ``positions[i]`` is where item ``i``'s result goes: an index, or a list of them for an
        id repeated in the input, which the hook sees once.

        When the server stopped answering midway -- the hook raised
        :class:`BackendUnavailable`, or reported 503 for some writes -- raise
        :class:`BackendUnavailable` whose ``results`` cover every input (contract v2 §5).
        A hook that raises without ``results`` vouches for nothing: every write it was
        given is reported as failed. A 409 gets the core's one wording (``conflict(index)``),
        never the server's.
        """
        failure: BackendUnavailable | None = None
        try:
            done = self._call(hook, collection, items)
        except BackendUnavailable as error:
            failure = error
            known = error.results if error.results is not None and len(error.results) == len(items) else None
            done = known if known is not None else unfinished([None] * len(items), ids, error)
        for index, (places, result) in enumerate(zip(positions, done, strict=True)):
            if result.get("status_code") == 409:  # one wording on every backend, never the server's
                result["error"] = conflict(index)
            if isinstance(places, int):
                results[places] = result
                continue
            for copy, position in enumerate(places):
                results[position] = result.copy() if copy else result
        final = [result for result in results if result is not None]
        if failure is None:
            unavailable = next((result for result in done if result.get("status_code") == 503), None)
            if unavailable is None:
                return final
            failure = BackendUnavailable(unavailable.get("error"))
        missed = sum(1 for result in final if result.get("status_code") == 503)
        stopped = BackendUnavailable(
            f"{failure.detail} {missed} of {len(final)} documents were not {verb} (see results); "
            "running the same call again completes it.",
            results=final,
        )
        raise scrub_exception(stopped) from (failure.__cause__ or failure)

    def _iter_all_collection(self, db_name: str, page_size: object) -> str:
        """The rules of :meth:`iter_all`, apart from its I/O (the async twin checks them before it pages)."""
        collection = self._physical(db_name)
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            raise InvalidQuery(f"page_size must be a positive integer, got {page_size!r}.")
        return collection

    def _open_stream(self, collection: str, page_size: int) -> Iterator[Document]:
        return self._stream(self._call(self._iter_all, collection, page_size))

    def _refuse_closed(self, hook: Callable[..., Any], *args: Any) -> Any:
        raise ServiceClosed(f"This {self.provider_name} service is closed; create a new one.")

    def _call(self, hook: Callable[..., _T], *args: Any) -> _T:
        try:
            return hook(*args)
        except DatabaseError as error:
            scrub_exception(error)
            raise
        except Exception as exc:
            raise scrub_exception(self._translate_error(exc)) from scrub_exception(exc)

    def _stream(self, documents: Iterator[Document]) -> Iterator[Document]:
        while True:
            try:
                doc = next(documents)
            except StopIteration:
                return
            except DatabaseError as error:
                scrub_exception(error)
                raise
            except Exception as exc:
                raise scrub_exception(self._translate_error(exc)) from scrub_exception(exc)
            yield doc


_RELEASED: Document = cast("Document", MappingProxyType({}))
"""The body ``save_many`` hands a :attr:`DatabaseService.wire_is_document` backend with its wire form.

One object shared by every write, so it is read-only: a backend that changes it fails at once
instead of changing what every later write is handed."""


def _wire_arg(wire: Any) -> tuple[Any, ...]:
    """The extra argument of ``_save``/``_create``: the wire form when the backend made one, else none."""
    return () if wire is None else (wire,)


def _stopped(error: BackendUnavailable, results: Sequence[BulkResult], ids: list[str]) -> BackendUnavailable:
    """The error of a per-document loop that stopped at ``len(results)``: the rest is unknown."""
    known: list[BulkResult | None] = [*results, *([None] * (len(ids) - len(results)))]
    return BackendUnavailable(error.detail, results=unfinished(known, ids, error))


def _reword(conflict: RevisionConflict, canonical: RevisionConflict) -> NoReturn:
    """Raise the core's one 409 wording for a conflict a backend raised, keeping the backend's cause."""
    raise canonical from conflict.__cause__ or conflict
