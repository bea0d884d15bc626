"""The ``couchdb`` backend: CouchDB's own HTTP API through CouchDB-Python's keep-alive session.

Written for Apache CouchDB's documented behaviour (and tested on pouchdb-server):

- revisions are CouchDB's ``_rev``; an unconditional save resolves the current revision
  itself and retries when another writer races it;
- bulk writes go through ``_bulk_docs``, bulk reads and listings through ``_all_docs``,
  ``find`` through Mango ``_find`` (explicit limit, paged), ``ensure_index`` through ``_index``;
- design documents (``_design/...``, e.g. Mango indexes) never reach the caller;
- a steady-state ``get`` or ``save`` is one request: writes assume the database exists
  and create it only when the server answers 404, reads of a missing database return
  empty results without creating it.
"""

from __future__ import annotations

import contextlib
import json
import random
import time
from collections.abc import Iterator, Sequence
from json.encoder import encode_basestring as _quote
from typing import Any

from couchdb import http  # type: ignore[import-untyped]
from couchdb.client import Server  # type: ignore[import-untyped]
from gofannon_db import query
from gofannon_db.codec import dumps_compact, loads_doubles
from gofannon_db.errors import (
    BackendUnavailable,
    ConfigurationError,
    DatabaseError,
    DocumentNotFound,
    already_exists,
    error_for_status,
    revision_conflict,
)
from gofannon_db.service import DatabaseService
from gofannon_db.types import BulkResult, BulkWrite, Document, bulk_error, bulk_ok, unfinished

from .config import CouchDBConfig, split_credentials
from .errors import STATUS_BY_ERROR_NAME, http_status_of, server_reason, translate
from .revisions import REVISION_FORMAT, RevisionHints

__all__ = ["CouchDBDatabaseService", "NoCache"]

_DESIGN_PREFIX = "_design/"
_JSON_HEADERS = {"Content-Type": "application/json"}
_KEYS_PER_REQUEST = 1000
"""Ids per ``_all_docs`` request: keeps each request and response a bounded size."""
_BULK_MAX_DOCS = 1000
_BULK_MAX_BYTES = 8_000_000
"""A ``_bulk_docs`` request is cut at this many documents or bytes (one document may exceed the latter)."""
_FIND_PAGE = 1000
_MAX_ATTEMPTS = 50
_MAX_DATABASE_NAME = 238
"""Apache CouchDB's longest database name; collection names are at most 63 characters."""
_PAST_EVERY_ID_IN_JS_ORDER = "\uffff" * 171
"""Greater, in JavaScript (UTF-16) string order, than any id of at most 512 UTF-8 bytes."""
"""Tries of an unconditional write racing other writers before giving up with 409."""


_encode_text = dumps_compact
_REV_FIELD_BYTES = len(',"_rev":"') + 34 + len('"')
"""What a ``_rev`` adds to an encoded document, counted at the 34 characters the core's default size assumes."""


def _encode(value: Any) -> bytes:
    """Compact UTF-8 JSON; values were validated by the core, so NaN never gets here."""
    return _encode_text(value).encode("utf-8")


def _encode_document(doc_id: str, body: Document) -> bytes:
    """``_encode({"_id": doc_id, **body})`` without building that dict: the id is put in front of the body's members.

    A body that holds ``_id`` already (the caller's own plain document, which the core hands
    over as it is: ``wire_is_document``) holds this id, and is encoded as it is.
    """
    if "_id" in body:
        return _encode(body)
    members = _encode(body)
    return b'{"_id":' + _encode_string(doc_id) + (b"," + members[1:] if body else b"}")


def _encode_string(value: str) -> bytes:
    """A JSON string, as :func:`_encode` writes it (non-ASCII kept), without the encoder's set-up."""
    return _quote(value).encode("utf-8")


def _with_rev(wire: bytes, rev: str | None) -> bytes:
    """An encoded ``{"_id": ..., ...}`` document with ``_rev`` put in front, without encoding it again."""
    return wire if rev is None else b'{"_rev":' + _encode_string(rev) + b"," + wire[1:]


def _chunk_end(docs: list[bytes], start: int) -> int:
    """Where the ``_bulk_docs`` request starting at ``start`` ends: at most :data:`_BULK_MAX_DOCS`
    documents and, past its first, :data:`_BULK_MAX_BYTES` bytes."""
    end = min(len(docs), start + _BULK_MAX_DOCS)
    if sum(map(len, docs[start:end])) + (end - start) < _BULK_MAX_BYTES:
        return end  # the usual case, settled in C
    end, size = start, 0
    while (
        end < len(docs) and end - start < _BULK_MAX_DOCS and (end == start or size + len(docs[end]) < _BULK_MAX_BYTES)
    ):
        size += len(docs[end]) + 1
        end += 1
    return end


def _backoff(attempt: int) -> None:
    """Spread racing writers apart after the first few collisions."""
    if attempt >= 2:
        time.sleep(random.uniform(0, min(0.002 * attempt, 0.05)))


def _discard(body: Any) -> None:
    """Close a response whose body could not be read (the server went silent) and its connection.

    CouchDB-Python would otherwise, when the body is garbage-collected, read the rest from
    the timed-out socket (an error in ``__del__``) and hand the connection back to its pool.
    """
    body.resp.close()
    if body.conn is not None:
        body.conn.close()
        body.conn = None


class NoCache(http.Cache):  # type: ignore[misc]
    """CouchDB-Python caches GET bodies by URL (up to 75, any size); documents must not be."""

    def get(self, url: str) -> None:
        return None

    def put(self, url: str, response: Any) -> None:
        return None

    def remove(self, url: str) -> None:
        return None


class CouchDBDatabaseService(DatabaseService):
    """Documents in CouchDB databases, one database per collection."""

    provider_name = "couchdb"
    max_document_bytes = 8_000_000
    """Apache CouchDB's default ``max_document_size`` (3.x). pouchdb-server accepts more
    (its request body limit defaults to 4 GiB), so this is the limit both accept."""

    def __init__(
        self,
        url: str,
        *,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        collection_prefix: str = "",
        revision_hints: int = 10_000,
    ) -> None:
        super().__init__(collection_prefix=collection_prefix)
        if collection_prefix and not ("a" <= collection_prefix[0] <= "z"):
            # CouchDB database names must start with a letter; the core allows any prefix character.
            raise ConfigurationError(
                f"DATABASE_COLLECTION_PREFIX must start with a lowercase letter for CouchDB, got {collection_prefix!r}."
            )
        if len(collection_prefix) > _MAX_DATABASE_NAME - 63:
            raise ConfigurationError(
                f"DATABASE_COLLECTION_PREFIX is too long for CouchDB: at most {_MAX_DATABASE_NAME - 63} characters."
            )

        bare_url, url_user, url_password = split_credentials(url)
        config = CouchDBConfig(
            url=bare_url,
            user=user if user is not None else url_user,
            password=password if password is not None else url_password,
            timeout=timeout,
        )
        self._config = config
        self._session = http.Session(timeout=config.timeout, retry_delays=[0])
        self._session.cache = NoCache()
        self._server = Server(config.url, session=self._session)
        self._server.resource.credentials = config.credentials
        self._revs = RevisionHints(revision_hints)
        self._pouchdb: bool | None = None

    @classmethod
    def from_config(cls, config: CouchDBConfig, *, collection_prefix: str = "") -> CouchDBDatabaseService:
        return cls(
            config.url,
            user=config.user,
            password=config.password,
            timeout=config.timeout,
            collection_prefix=collection_prefix,
        )

    @property
    def url(self) -> str:
        """The server URL, without credentials."""
        return self._config.url

    def __repr__(self) -> str:
        prefix = f" prefix={self.collection_prefix!r}" if self.collection_prefix else ""
        user = f" user={self._config.user!r}" if self._config.user else ""
        return f"<{type(self).__name__} url={self._config.url!r}{user}{prefix}>"

    # ------------------------------------------------------------------ HTTP

    def _request(self, method: str, path: Sequence[str], body: Any = None, **params: Any) -> Any:
        """One HTTP request through the keep-alive session; returns the decoded JSON body.

        CouchDB-Python raises its typed HTTP errors for statuses >= 400.
        """
        resource = self._server.resource
        payload = body if body is None or isinstance(body, bytes) else _encode(body)
        headers = None if payload is None else dict(_JSON_HEADERS)
        if method == "GET":
            _, _, data = resource.get(list(path), headers=headers, **params)
        elif method == "PUT":
            _, _, data = resource.put(list(path), body=payload, headers=headers, **params)
        elif method == "POST":
            _, _, data = resource.post(list(path), body=payload, headers=headers, **params)
        elif method == "DELETE":
            _, _, data = resource.delete(list(path), headers=headers, **params)
        else:  # pragma: no cover - programming error
            raise ValueError(method)
        try:
            raw = data.read() if data is not None else b""
        except BaseException:
            _discard(data)
            raise
        return loads_doubles(raw) if raw else None

    def _write(self, method: str, path: Sequence[str], body: Any = None, **params: Any) -> Any:
        """A write to ``path[0]``: if the database does not exist (404), create it and retry once."""
        try:
            return self._request(method, path, body, **params)
        except http.ResourceNotFound:
            self._create_database(path[0])
        return self._request(method, path, body, **params)

    def _create_database(self, collection: str) -> None:
        """Create on first write, always with the configured credentials (412: someone else did)."""
        with contextlib.suppress(http.PreconditionFailed):
            self._request("PUT", [collection])

    def _unbounded_ranges_are_cut(self) -> bool:
        """True on PouchDB-based servers (pouchdb-server, express-pouchdb).

        Their LevelDB store ends an ``_all_docs`` range without ``endkey`` at U+00FF, so
        ids starting with, say, a CJK letter are silently missing from ``_all_docs`` and
        from Mango queries that scan it (an upstream bug). Apache CouchDB returns the
        full range, and there an explicit ``endkey`` in this order would be wrong (it
        sorts ids by code point), so the bound is only sent to PouchDB. Asked once.
        """
        if self._pouchdb is None:
            info = self._request("GET", [])
            vendor = info.get("vendor") if isinstance(info, dict) else None
            name = str(vendor.get("name", "")) if isinstance(vendor, dict) else ""
            self._pouchdb = "pouchdb" in name.lower() or (isinstance(info, dict) and "express-pouchdb" in info)
        return self._pouchdb

    def _revisions_of(self, collection: str, doc_ids: Sequence[str]) -> dict[str, str | None]:
        """Current revision of each id (``None`` when absent or deleted), through ``_all_docs``."""
        found: dict[str, str | None] = dict.fromkeys(doc_ids)
        for start in range(0, len(doc_ids), _KEYS_PER_REQUEST):
            chunk = list(doc_ids[start : start + _KEYS_PER_REQUEST])
            try:
                data = self._request("POST", [collection, "_all_docs"], {"keys": chunk})
            except http.ResourceNotFound:
                return found
            for row in data.get("rows", []):
                value = row.get("value") or {}
                if "error" not in row and not value.get("deleted") and row.get("key") in found:
                    found[row["key"]] = value.get("rev")
        return found

    # ------------------------------------------------------------------ documents

    def _get(self, collection: str, doc_id: str) -> Document:
        try:
            doc: Document = self._request("GET", [collection, doc_id])
        except http.ResourceNotFound as exc:
            raise DocumentNotFound(f"Document {doc_id!r} not found in collection {collection!r}.") from exc
        self._revs.put(collection, doc_id, doc.get("_rev"))
        return doc

    wire_is_document = True  # _save_many sends the encoded bytes and never reads the body

    def _prepare_write(self, collection: str, doc_id: str, body: Document) -> tuple[int, bytes]:
        """Encode ``{"_id": doc_id, **body}`` once: its length plus a revision's is the size the core
        checks (the same figure as the default :meth:`_document_size`), and the bytes are what is sent."""
        wire = _encode_document(doc_id, body)
        return len(wire) + _REV_FIELD_BYTES, wire

    def _put(self, collection: str, doc_id: str, body: Document, rev: str | None, wire: bytes | None = None) -> str:
        if wire is None:
            wire = _encode_document(doc_id, body)
        result = self._write("PUT", [collection, doc_id], _with_rev(wire, rev))
        new_rev: str = result["rev"]
        self._revs.put(collection, doc_id, new_rev)
        return new_rev

    def _save(
        self, collection: str, doc_id: str, body: Document, expected_rev: str | None, wire: bytes | None = None
    ) -> str:
        if expected_rev is not None:
            return self._save_conditional(collection, doc_id, body, expected_rev, wire)
        rev = self._revs.get(collection, doc_id)
        for attempt in range(_MAX_ATTEMPTS):
            try:
                return self._put(collection, doc_id, body, rev, wire)
            except http.ResourceConflict:
                # Someone else wrote since we last saw it (or we never did): ask for the
                # current revision and write over it; the caller's body is never dropped.
                rev = self._revisions_of(collection, [doc_id])[doc_id]
                _backoff(attempt)
        raise revision_conflict(doc_id)

    def _save_conditional(
        self, collection: str, doc_id: str, body: Document, expected_rev: str, wire: bytes | None
    ) -> str:
        """Write over ``expected_rev`` only if it is the revision of a live document.

        CouchDB keeps a deleted document as a tombstone and lets a write on top of the
        tombstone's revision bring it back; pouchdb-server also accepts a made-up
        revision for a deleted document. The contract has no revision to match for a
        deleted document, so a revision this process has not seen on a live document
        is checked first (one ``_all_docs`` request, which reports tombstones as
        deleted). One it has seen (the usual read-modify-write) needs no check: if the
        document was changed or deleted since, that revision is no longer a leaf of its
        revision tree and CouchDB refuses the write with 409. The same holds between
        the check and the write, so the write stays atomic.
        """
        if not self._may_be_live(collection, doc_id, expected_rev):
            raise revision_conflict(doc_id, expected_rev)
        try:
            return self._put(collection, doc_id, body, expected_rev, wire)
        except http.ResourceConflict as exc:
            raise revision_conflict(doc_id, expected_rev) from exc
        except http.ServerError as exc:
            if http_status_of(exc) == 400 and "rev" in server_reason(exc):
                raise revision_conflict(doc_id, expected_rev) from exc
            raise

    def _create(self, collection: str, doc_id: str, body: Document, wire: bytes | None = None) -> str:
        try:
            return self._put(collection, doc_id, body, None, wire)
        except http.ResourceConflict as exc:
            raise already_exists(doc_id) from exc

    def _delete(self, collection: str, doc_id: str, rev: str | None) -> None:
        if rev is not None:
            self._delete_conditional(collection, doc_id, rev)
            return
        current = self._revs.get(collection, doc_id)
        for attempt in range(_MAX_ATTEMPTS):
            if current is not None:
                try:
                    self._request("DELETE", [collection, doc_id], rev=current)
                except (http.ResourceConflict, http.ResourceNotFound):
                    _backoff(attempt)
                else:
                    self._revs.put(collection, doc_id, None)
                    return
            current = self._revisions_of(collection, [doc_id])[doc_id]
            if current is None:
                self._revs.put(collection, doc_id, None)
                raise DocumentNotFound(f"Document {doc_id!r} not found in collection {collection!r}.")
        raise revision_conflict(doc_id)

    def _live_revision(self, collection: str, doc_id: str) -> str | None:
        """The current revision of a live document; ``None`` when absent or deleted (a tombstone)."""
        return self._revisions_of(collection, [doc_id])[doc_id]

    def _may_be_live(self, collection: str, doc_id: str, rev: str) -> bool:
        """False when ``rev`` is surely not a live document's revision; True when a write may try it.

        A revision this process last saw on the live document cannot be a tombstone's
        (see :meth:`_save_conditional`); any other is looked up.
        """
        if not REVISION_FORMAT.fullmatch(rev):
            return False
        return self._revs.get(collection, doc_id) == rev or self._live_revision(collection, doc_id) == rev

    def _delete_conditional(self, collection: str, doc_id: str, rev: str) -> None:
        # Checked as in _save_conditional: a tombstone's revision is a leaf, and a delete "on top
        # of it" would succeed for a document that does not exist.
        seen = REVISION_FORMAT.fullmatch(rev) is not None and self._revs.get(collection, doc_id) == rev
        current = rev if seen else self._live_revision(collection, doc_id)
        if current == rev:
            try:
                self._request("DELETE", [collection, doc_id], rev=rev)
            except (http.ResourceConflict, http.ResourceNotFound):
                current = self._live_revision(collection, doc_id)  # changed or deleted meanwhile
            else:
                self._revs.put(collection, doc_id, None)
                return
        if current is None:
            raise DocumentNotFound(f"Document {doc_id!r} not found in collection {collection!r}.")
        raise revision_conflict(doc_id, rev)

    # ------------------------------------------------------------------ listing

    def _list_all(self, collection: str) -> list[Document]:
        return list(self._all_docs(collection, _KEYS_PER_REQUEST, lookahead=True))

    def _iter_all(self, collection: str, page_size: int) -> Iterator[Document]:
        return self._all_docs(collection, page_size, lookahead=False)

    def _all_docs(self, collection: str, page_size: int, *, lookahead: bool) -> Iterator[Document]:
        """Page through ``_all_docs`` by key, ``page_size`` rows a page.

        With ``lookahead`` each request asks for one row more than a page: that row says
        whether another page exists, so a collection ending on a page boundary costs no
        trailing empty request (``list_all`` of up to 1,000 documents is one request), and
        its id is the next ``startkey`` (it is read again, with its document, as the first
        row of that page). Without it (``iter_all``, whose callers choose the page size
        and get requests of exactly that many rows) the next page starts after the last
        id seen (``skip=1``) and a short page ends the listing.
        """
        limit = page_size + 1 if lookahead else page_size
        params: dict[str, Any] = {"include_docs": True, "limit": limit}
        if self._unbounded_ranges_are_cut():
            params["endkey"] = json.dumps(_PAST_EVERY_ID_IN_JS_ORDER)
        while True:
            try:
                data = self._request("GET", [collection, "_all_docs"], **params)
            except http.ResourceNotFound:
                return
            rows = data.get("rows", [])
            for row in rows[:page_size]:
                doc = row.get("doc")
                if doc is not None and not row["id"].startswith(_DESIGN_PREFIX):
                    yield doc
            if len(rows) < limit:
                return
            if lookahead:
                params = {**params, "startkey": json.dumps(rows[page_size]["id"])}
            else:
                params = {**params, "startkey": json.dumps(rows[-1]["id"]), "skip": 1}

    def _get_many(self, collection: str, doc_ids: list[str]) -> dict[str, Document | None]:
        found: dict[str, Document | None] = dict.fromkeys(doc_ids)
        for start in range(0, len(doc_ids), _KEYS_PER_REQUEST):
            chunk = doc_ids[start : start + _KEYS_PER_REQUEST]
            try:
                data = self._request("POST", [collection, "_all_docs"], {"keys": chunk}, include_docs=True)
            except http.ResourceNotFound:
                return found
            for row in data.get("rows", []):
                doc = row.get("doc")
                if doc is not None and row.get("key") in found:
                    found[row["key"]] = doc
        return found

    def _count(self, collection: str) -> int:
        """``doc_count`` counts design documents too: subtract those (an ``_all_docs`` range)."""
        try:
            info = self._request("GET", [collection])
            design = self._request(
                "GET",
                [collection, "_all_docs"],
                startkey=json.dumps(_DESIGN_PREFIX),
                endkey=json.dumps("_design0"),
            )
        except http.ResourceNotFound:
            return 0
        return int(info["doc_count"]) - len(design.get("rows", []))

    # ------------------------------------------------------------------ bulk writes

    def _bulk_docs(self, collection: str, docs: list[bytes]) -> Iterator[dict[str, Any]]:
        """POST encoded documents to ``_bulk_docs`` in bounded requests; yield one answer each, in order.

        Answers come request by request, so a caller that the server stops answering
        midway has already recorded every document of the requests that went through.
        """
        start = 0
        while start < len(docs):
            end = _chunk_end(docs, start)
            body = b'{"docs":[' + b",".join(docs[start:end]) + b"]}"
            answer = self._write("POST", [collection, "_bulk_docs"], body)
            if not isinstance(answer, list) or len(answer) != end - start:
                raise DatabaseError(f"CouchDB answered _bulk_docs for {end - start} documents unexpectedly.")
            yield from answer
            start = end

    @staticmethod
    def _bulk_failure(doc_id: str, answer: dict[str, Any], expected_rev: str | None = None) -> BulkResult:
        name = str(answer.get("error", "unknown_error"))
        reason = str(answer.get("reason", ""))
        status = STATUS_BY_ERROR_NAME.get(name, 500)
        if status in (409, 412):  # one wording on every backend, never the server's
            return bulk_error(doc_id, revision_conflict(doc_id, expected_rev))
        error = error_for_status(status, f"Document {doc_id!r}: {name}{': ' + reason if reason else ''}.")
        return bulk_error(doc_id, error)

    def _save_many(self, collection: str, writes: list[BulkWrite]) -> list[BulkResult]:
        results: list[BulkResult | None] = [None] * len(writes)
        try:
            self._save_all(collection, writes, results)
        except Exception as exc:
            self._raise_partial(exc, results, [write.doc_id for write in writes])
        return [result for result in results if result is not None]

    def _raise_partial(self, exc: Exception, results: list[BulkResult | None], ids: list[str]) -> None:
        """Re-raise; an unreachable server's error carries the results recorded so far."""
        error = exc if isinstance(exc, DatabaseError) else self._translate_error(exc)
        if isinstance(error, BackendUnavailable):
            raise BackendUnavailable(error.detail, results=unfinished(results, ids, error)) from exc
        raise exc

    def _save_all(self, collection: str, writes: list[BulkWrite], results: list[BulkResult | None]) -> None:
        """Fill ``results`` as ``_bulk_docs`` answers, retrying unconditional writes that raced another writer."""
        # Unconditional writes start from the remembered revision and are retried on conflict.
        # The hints are read and written once per request, not once per document.
        ids = [write.doc_id for write in writes]
        hints = self._revs.get_many(collection, ids)
        revs: list[str | None] = [None] * len(writes)
        wires: list[bytes] = [b""] * len(writes)
        pending: list[int] = []
        # Conditional writes must match a live document's revision, never a tombstone's (see
        # _save_conditional): one _all_docs request for those whose revision this process has not seen.
        unseen = [
            write.doc_id
            for write, hint in zip(writes, hints, strict=True)
            if write.expected_rev is not None and hint != write.expected_rev
        ]
        live = self._revisions_of(collection, unseen) if unseen else {}
        for index, write in enumerate(writes):
            expected = write.expected_rev
            if expected is not None and (
                not REVISION_FORMAT.fullmatch(expected) or live.get(write.doc_id, expected) != expected
            ):
                results[index] = bulk_error(write.doc_id, revision_conflict(write.doc_id, expected))
                continue
            revs[index] = expected or hints[index]
            wire = write.wire
            wires[index] = wire if wire is not None else _encode_document(write.doc_id, write.body)
            pending.append(index)
        for attempt in range(_MAX_ATTEMPTS):
            if not pending:
                break
            encoded = [_with_rev(wires[index], revs[index]) for index in pending]
            retry: list[int] = []
            written: list[tuple[str, str]] = []
            try:
                for index, answer in zip(pending, self._bulk_docs(collection, encoded), strict=True):
                    rev = answer.get("rev")
                    if rev and not answer.get("error"):
                        written.append((ids[index], rev))
                        results[index] = bulk_ok(ids[index], rev)
                    elif answer.get("error") == "conflict" and writes[index].expected_rev is None:
                        retry.append(index)
                    else:
                        results[index] = self._bulk_failure(ids[index], answer, writes[index].expected_rev)
            finally:  # also when the server stops answering midway: what was written is remembered
                self._revs.put_many(collection, written)
            if retry:
                current = self._revisions_of(collection, [ids[index] for index in retry])
                for index in retry:
                    revs[index] = current[ids[index]]
                _backoff(attempt)
            pending = retry
        for index in pending:
            error = revision_conflict(writes[index].doc_id)
            results[index] = bulk_error(writes[index].doc_id, error)

    def _delete_many(self, collection: str, doc_ids: list[str]) -> list[BulkResult]:
        results: dict[str, BulkResult] = {}
        try:
            self._delete_all(collection, doc_ids, results)
        except Exception as exc:
            self._raise_partial(exc, [results.get(doc_id) for doc_id in doc_ids], doc_ids)
        return [results[doc_id] for doc_id in doc_ids]

    def _delete_all(self, collection: str, doc_ids: list[str], results: dict[str, BulkResult]) -> None:
        """Fill ``results`` by id as ``_bulk_docs`` answers, reading revisions again after a conflict."""
        pending = list(doc_ids)
        for attempt in range(_MAX_ATTEMPTS):
            if not pending:
                break
            current = self._revisions_of(collection, pending)
            present = [doc_id for doc_id in pending if current[doc_id] is not None]
            for doc_id in pending:
                if current[doc_id] is None:  # absent counts as deleted
                    self._revs.put(collection, doc_id, None)
                    results[doc_id] = bulk_ok(doc_id, None)
            if not present:
                break
            tombstones = [_encode({"_id": doc_id, "_rev": current[doc_id], "_deleted": True}) for doc_id in present]
            retry = []
            for doc_id, answer in zip(present, self._bulk_docs(collection, tombstones), strict=True):
                if answer.get("rev") and not answer.get("error"):
                    self._revs.put(collection, doc_id, None)
                    results[doc_id] = bulk_ok(doc_id, None)
                elif answer.get("error") == "conflict":
                    retry.append(doc_id)
                else:
                    results[doc_id] = self._bulk_failure(doc_id, answer)
            pending = retry
            _backoff(attempt)
        for doc_id in pending:
            if doc_id not in results:
                results[doc_id] = bulk_error(doc_id, revision_conflict(doc_id))

    # ------------------------------------------------------------------ queries

    def _find(
        self,
        collection: str,
        selector: dict[str, query.Scalar],
        fields: list[str] | None,
        limit: int | None,
    ) -> list[Document]:
        """Mango ``_find`` with an explicit limit, paged (bookmark, else skip) until exhausted.

        The server filters; the result is checked again here with the core's equality
        rules and projected by the core, so the semantics are exactly the contract's
        whatever the server's Mango dialect does with edge cases.
        """
        # A path Mango cannot spell is left to the check below (the server returns more, never less).
        mango: dict[str, Any] = {path: {"$eq": value} for path, value in selector.items() if _mango_can_name(path)}
        if self._unbounded_ranges_are_cut():
            mango["_id"] = {**mango.get("_id", {}), "$lte": _PAST_EVERY_ID_IN_JS_ORDER}
        elif not mango:
            mango = {"_id": {"$gt": None}}  # every document, the documented idiom
        request: dict[str, Any] = {"selector": mango}
        if fields is not None:
            roots = {"_id", *(path.split(".")[0] for path in [*fields, *selector])}
            if all(_mango_can_name(root) for root in roots):
                request["fields"] = sorted(roots)
        found: list[Document] = []
        skip = 0
        bookmark: str | None = None
        while limit is None or len(found) < limit:
            # Ask for one more than needed: never a page of 1, which some servers shorten.
            batch = _FIND_PAGE if limit is None else min(_FIND_PAGE, limit - len(found) + 1)
            page = {**request, "limit": batch}
            if bookmark is not None:
                page["bookmark"] = bookmark
            elif skip:
                page["skip"] = skip
            try:
                data = self._request("POST", [collection, "_find"], page)
            except http.ResourceNotFound:
                return []
            docs = data.get("docs", [])
            if not docs:
                break
            # A page short by more than one row is the last: Apache CouchDB ends with a short
            # page, and pouchdb-server may return one row fewer than asked for mid-way (see
            # servers.md), so only a page of batch - 1 or batch rows needs another request.
            last_page = len(docs) < batch - 1
            skip += len(docs)
            bookmark = data.get("bookmark") or None
            for doc in docs:
                if str(doc.get("_id", "")).startswith(_DESIGN_PREFIX) or not query.matches(doc, selector):
                    continue
                found.append(query.project(doc, fields))
                if limit is not None and len(found) >= limit:
                    break
            if last_page:
                break
        return found

    def _ensure_index(self, collection: str, fields: list[str], index_name: str | None) -> None:
        fields = [field for field in fields if _mango_can_name(field)]
        if not fields:
            return  # an index is an optimisation; find still answers through the check on the client
        body: dict[str, Any] = {"index": {"fields": fields}, "type": "json"}
        if index_name is not None:
            body["name"] = index_name
        self._write("POST", [collection, "_index"], body)

    # ------------------------------------------------------------------ collections and server

    def _list_collections(self) -> list[str]:
        names: list[str] = self._request("GET", ["_all_dbs"])
        return names

    def _drop_collection(self, collection: str) -> None:
        with contextlib.suppress(http.ResourceNotFound):
            self._request("DELETE", [collection])
        self._revs.forget_collection(collection)

    def _ping(self) -> dict[str, Any]:
        info = self._request("GET", [])
        vendor = info.get("vendor") if isinstance(info, dict) else None
        return {
            "url": self._config.url,
            "version": info.get("version") if isinstance(info, dict) else None,
            "vendor": vendor.get("name") if isinstance(vendor, dict) else None,
        }

    def _close(self) -> None:
        pool = self._session.connection_pool
        with pool.lock:
            connections = [conn for conns in pool.conns.values() for conn in conns]
            pool.conns.clear()
        for conn in connections:
            conn.close()

    def _translate_error(self, exc: Exception) -> DatabaseError:
        return translate(exc, url=self._config.url, timeout=self._config.timeout, user=self._config.user)


def _mango_can_name(path: str) -> bool:
    """Whether Mango reads this dotted path as we mean it.

    Mango treats a backslash before ``.`` or ``$`` as an escape, so a key ending in a
    backslash cannot be written in its field syntax the same way on every server
    (pouchdb-server has no escape for the backslash itself). Such paths are filtered on
    the client instead.
    """
    return "\\" not in path
