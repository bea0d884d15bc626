"""The built-in ``sqlite`` backend: collections as tables in one SQLite file, documents as JSON text.

For development data that should survive a restart, and that the application and the
``gofannon-db`` command can open at the same time. Each collection is a table
``"col:<name>"`` of ``(id, rev, body)``; a revision is ``N-<32 hex>``, computed by the
same statement that writes, so a conditional write is one atomic statement and an
unconditional one never reads first. ``save_many`` reads a chunk's revisions in one
query and writes the chunk with one ``executemany``, inside one ``BEGIN IMMEDIATE``
transaction, so its checks and writes are atomic too.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Iterator
from typing import Any

from .. import query
from ..codec import dumps_compact, new_revision
from ..errors import (
    BackendUnavailable,
    DatabaseError,
    DocumentNotFound,
    PermissionDenied,
    already_exists,
    revision_conflict,
)
from ..service import DatabaseService
from ..types import BulkResult, BulkWrite, Document, bulk_error, bulk_ok, unfinished
from . import sqlite_sql as sql
from .sqlite_pool import MEMORY, ConnectionPool, write_transaction

__all__ = ["SqliteDatabaseService"]

_Row = tuple[str, str, str]

_encode = dumps_compact
_decode = json.JSONDecoder().decode

_CREATE_TABLE = (
    "CREATE TABLE IF NOT EXISTS {table} (id TEXT PRIMARY KEY NOT NULL, rev TEXT NOT NULL, body TEXT NOT NULL)"
)
_NEXT_REV = "(CAST(rev AS INTEGER) + 1) || '-' || ?"  # CAST reads the leading generation of 'N-hex'
_UPSERT = (  # the update reuses the new row's random part (excluded.rev is '1-' || it): plain ? placeholders only
    "INSERT INTO {table} (id, rev, body) VALUES (?, '1-' || ?, ?) ON CONFLICT (id) DO UPDATE SET "
    "rev = (CAST(rev AS INTEGER) + 1) || '-' || substr(excluded.rev, 3), body = excluded.body RETURNING rev"
)
_UPDATE_IF = "UPDATE {table} SET rev = " + _NEXT_REV + ", body = ? WHERE id = ? AND rev = ? RETURNING rev"
_INSERT_NEW = "INSERT INTO {table} (id, rev, body) VALUES (?, '1-' || ?, ?) ON CONFLICT (id) DO NOTHING RETURNING rev"
_UPSERT_MANY = (
    "INSERT INTO {table} (id, rev, body) VALUES (?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, body = excluded.body"
)
_REVS_OF = "SELECT id, rev FROM {table} WHERE id IN (SELECT value FROM json_each(?))"
_BULK_CHUNK = 1000
"""Documents per write transaction in save_many/delete_many: other writers get a turn between chunks."""


@functools.lru_cache(maxsize=1024)
def _statement(template: str, collection: str) -> str:
    """``template`` with the collection's quoted table in place of ``{table}``."""
    return template.format(table=sql.table_name(collection))


def _salt() -> str:
    return os.urandom(16).hex()


def _no_table(exc: sqlite3.OperationalError) -> bool:
    return str(exc).startswith("no such table")


def _document(row: _Row) -> Document:
    doc_id, rev, body = row
    return {"_id": doc_id, "_rev": rev, **_decode(body)}


class SqliteDatabaseService(DatabaseService):
    """Documents in a SQLite file, safe to share between threads and between processes."""

    provider_name = "sqlite"

    def __init__(
        self,
        path: str | os.PathLike[str] = "gofannon-db.sqlite3",
        *,
        timeout: float = 10.0,
        collection_prefix: str = "",
        max_document_bytes: int = 1_048_576,
    ) -> None:
        super().__init__(collection_prefix=collection_prefix)
        self.max_document_bytes = max_document_bytes
        given = os.fspath(path)
        self.path = given if given == MEMORY else os.path.abspath(given)  # later connections ignore a chdir
        self.timeout = timeout
        self._pool = ConnectionPool(self.path, timeout)

    def __repr__(self) -> str:
        return f"{super().__repr__()[:-1]} path={self.path!r}>"

    # ------------------------------------------------------------------ plumbing

    def _rows(self, collection: str, statement: str, params: tuple[Any, ...]) -> list[Any]:
        """All rows of a read; none when the collection's table does not exist (reads create nothing)."""
        conn = self._pool.borrow()
        try:
            return conn.execute(_statement(statement, collection), params).fetchall()
        except sqlite3.OperationalError as exc:
            if _no_table(exc):
                return []
            raise
        finally:
            self._pool.give_back(conn)

    def _write(
        self, conn: sqlite3.Connection, collection: str, statement: str, params: tuple[Any, ...], *, create: bool
    ) -> list[Any]:
        """Execute a write on the collection's table; all rows it returns.

        With ``create``, a missing table is created and the write retried; without, a
        missing table means the write found nothing (a conditional write creates nothing).
        """
        table = sql.table_name(collection)
        for _ in range(3):  # a concurrent drop_collection can remove the table between create and write
            try:
                return conn.execute(_statement(statement, collection), params).fetchall()
            except sqlite3.OperationalError as exc:
                if not _no_table(exc):
                    raise
                if not create:
                    return []
                conn.execute(_CREATE_TABLE.format(table=table))
        return conn.execute(_statement(statement, collection), params).fetchall()

    def _writing(self, collection: str, statement: str, params: tuple[Any, ...], *, create: bool = True) -> list[Any]:
        """One write statement on a borrowed connection, after this process's other writers."""
        conn = self._pool.borrow()
        try:
            shortened = self._pool.lock_writes(conn)
            try:
                return self._write(conn, collection, statement, params, create=create)
            finally:
                self._pool.unlock_writes(conn, shortened)
        finally:
            self._pool.give_back(conn)

    def _current_rev(self, conn: sqlite3.Connection, collection: str, doc_id: str) -> str | None:
        try:
            rows = conn.execute(f"SELECT rev FROM {sql.table_name(collection)} WHERE id = ?", (doc_id,)).fetchall()
        except sqlite3.OperationalError as exc:
            if _no_table(exc):
                return None
            raise
        return rows[0][0] if rows else None

    # ------------------------------------------------------------------ documents

    def _get(self, collection: str, doc_id: str) -> Document:
        rows = self._rows(collection, "SELECT id, rev, body FROM {table} WHERE id = ?", (doc_id,))
        if not rows:
            raise DocumentNotFound(f"Document {doc_id!r} not found in collection {collection!r}.")
        return _document(rows[0])

    def _save(self, collection: str, doc_id: str, body: Document, expected_rev: str | None) -> str:
        encoded = _encode(body)
        if expected_rev is None:
            return str(self._writing(collection, _UPSERT, (doc_id, _salt(), encoded))[0][0])
        rows = self._writing(collection, _UPDATE_IF, (_salt(), encoded, doc_id, expected_rev), create=False)
        if not rows:  # absent, deleted or at another revision: one statement decided it atomically
            raise revision_conflict(doc_id, expected_rev)
        return str(rows[0][0])

    def _create(self, collection: str, doc_id: str, body: Document) -> str:
        rows = self._writing(collection, _INSERT_NEW, (doc_id, _salt(), _encode(body)))
        if not rows:
            raise already_exists(doc_id)
        return str(rows[0][0])

    def _delete(self, collection: str, doc_id: str, rev: str | None) -> None:
        table = sql.table_name(collection)
        with self._pool.writer() as conn:
            try:
                if rev is None:
                    deleted = conn.execute(f"DELETE FROM {table} WHERE id = ?", (doc_id,)).rowcount
                else:
                    deleted = conn.execute(f"DELETE FROM {table} WHERE id = ? AND rev = ?", (doc_id, rev)).rowcount
            except sqlite3.OperationalError as exc:
                if not _no_table(exc):
                    raise
                deleted = 0
            if deleted:
                return
            exists = rev is not None and self._current_rev(conn, collection, doc_id) is not None
        if rev is not None and exists:
            raise revision_conflict(doc_id, rev)
        raise DocumentNotFound(f"Document {doc_id!r} not found in collection {collection!r}.")

    def _list_all(self, collection: str) -> list[Document]:
        return [_document(row) for row in self._rows(collection, "SELECT id, rev, body FROM {table}", ())]

    def _iter_all(self, collection: str, page_size: int) -> Iterator[Document]:
        after = ""
        while True:
            statement = "SELECT id, rev, body FROM {table} WHERE id > ? ORDER BY id LIMIT ?"
            page = self._rows(collection, statement, (after, page_size))
            yield from map(_document, page)
            if len(page) < page_size:
                return
            after = page[-1][0]

    def _get_many(self, collection: str, doc_ids: list[str]) -> dict[str, Document | None]:
        statement = "SELECT id, rev, body FROM {table} WHERE id IN (SELECT value FROM json_each(?))"
        found: dict[str, Document | None] = dict.fromkeys(doc_ids)
        for row in self._rows(collection, statement, (_encode(doc_ids),)):
            found[row[0]] = _document(row)
        return found

    def _save_many(self, collection: str, writes: list[BulkWrite]) -> list[BulkResult]:
        """Per chunk, in one transaction: read the current revisions, check, then write every row at once."""
        results: list[BulkResult] = []
        table = sql.table_name(collection)
        try:
            for start in range(0, len(writes), _BULK_CHUNK):
                chunk = writes[start : start + _BULK_CHUNK]
                outcome: list[BulkResult] = []
                rows: list[tuple[str, str, str]] = []
                with self._pool.writer() as conn, write_transaction(conn):
                    current = self._revisions(conn, collection, [write.doc_id for write in chunk])
                    for write in chunk:
                        stored = current.get(write.doc_id)
                        if write.expected_rev is not None and stored != write.expected_rev:
                            outcome.append(
                                bulk_error(write.doc_id, revision_conflict(write.doc_id, write.expected_rev))
                            )
                            continue
                        rev = new_revision(stored)
                        rows.append((write.doc_id, rev, _encode(write.body)))
                        outcome.append(bulk_ok(write.doc_id, rev))
                    if rows:  # a chunk of conflicts alone creates no collection
                        conn.execute(_CREATE_TABLE.format(table=table))
                        conn.executemany(_UPSERT_MANY.format(table=table), rows)
                results.extend(outcome)  # only once its transaction has committed
        except (sqlite3.Error, DatabaseError) as exc:
            raise self._unfinished(exc, results, [write.doc_id for write in writes]) from exc
        return results

    def _revisions(self, conn: sqlite3.Connection, collection: str, doc_ids: list[str]) -> dict[str, str]:
        """The stored revision of each of ``doc_ids`` that exists."""
        try:
            rows = conn.execute(_statement(_REVS_OF, collection), (_encode(doc_ids),)).fetchall()
        except sqlite3.OperationalError as exc:
            if not _no_table(exc):
                raise
            return {}
        return dict(rows)

    def _delete_many(self, collection: str, doc_ids: list[str]) -> list[BulkResult]:
        results: list[BulkResult] = []
        table = sql.table_name(collection)
        try:
            for start in range(0, len(doc_ids), _BULK_CHUNK):
                chunk = doc_ids[start : start + _BULK_CHUNK]
                with self._pool.writer() as conn, write_transaction(conn):
                    try:
                        conn.executemany(f"DELETE FROM {table} WHERE id = ?", [(doc_id,) for doc_id in chunk])
                    except sqlite3.OperationalError as exc:
                        if not _no_table(exc):
                            raise
                results.extend(bulk_ok(doc_id, None) for doc_id in chunk)
        except (sqlite3.Error, DatabaseError) as exc:
            raise self._unfinished(exc, results, doc_ids) from exc
        return results

    def _unfinished(self, exc: Exception, done: list[BulkResult], doc_ids: list[str]) -> BackendUnavailable:
        """The error of a bulk call cut short: the committed chunks' results, then a 503 for every other document."""
        error = exc if isinstance(exc, DatabaseError) else self._translate_error(exc)
        if not isinstance(error, BackendUnavailable):
            error = BackendUnavailable(error.detail)
        known: list[BulkResult | None] = [*done, *([None] * (len(doc_ids) - len(done)))]
        return BackendUnavailable(error.detail, results=unfinished(known, doc_ids, error))

    # ------------------------------------------------------------------ queries

    def _find(
        self,
        collection: str,
        selector: dict[str, query.Scalar],
        fields: list[str] | None,
        limit: int | None,
    ) -> list[Document]:
        where, params, exact = sql.selector_clause(selector)
        escaped = where.replace("{", "{{").replace("}", "}}")  # a key may hold braces; {table} is filled in later
        statement = f"SELECT id, rev, body FROM {{table}} WHERE {escaped}"
        if exact:  # SQL keeps exactly the matches: let it apply the limit too
            if limit is not None:
                statement += f" LIMIT {int(limit)}"
            docs = [_document(row) for row in self._rows(collection, statement, tuple(params))]
        else:
            docs = self._confirmed(collection, statement, params, selector, limit)
        return docs if fields is None else [query.project(doc, fields) for doc in docs]

    def _confirmed(
        self, collection: str, statement: str, params: list[Any], selector: dict[str, query.Scalar], limit: int | None
    ) -> list[Document]:
        """Rows of a superset filter that match by the contract's rules, read only as far as ``limit`` needs."""
        found: list[Document] = []
        conn = self._pool.borrow()
        try:
            cursor = conn.execute(_statement(statement, collection), params)
            try:
                for row in cursor:
                    doc = _document(row)
                    if query.matches(doc, selector):
                        found.append(doc)
                        if limit is not None and len(found) >= limit:
                            break
            finally:
                cursor.close()  # ends the read at once, even after an early break
        except sqlite3.OperationalError as exc:
            if not _no_table(exc):
                raise
        finally:
            self._pool.give_back(conn)
        return found

    def _ensure_index(self, collection: str, fields: list[str], index_name: str | None) -> None:
        statement = sql.index_sql(collection, fields, index_name)
        if statement is None:
            return  # no field SQLite's paths can spell: find filters those in Python anyway
        with self._pool.writer() as conn:
            conn.execute(_CREATE_TABLE.format(table=sql.table_name(collection)))
            conn.execute(statement)

    def _count(self, collection: str) -> int:
        rows = self._rows(collection, "SELECT count(*) FROM {table}", ())
        return int(rows[0][0]) if rows else 0

    # ------------------------------------------------------------------ collections and file

    def _list_collections(self) -> list[str]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ?",
                (len(sql.TABLE_PREFIX), sql.TABLE_PREFIX),
            ).fetchall()
        return [name[len(sql.TABLE_PREFIX) :] for (name,) in rows]

    def _drop_collection(self, collection: str) -> None:
        with self._pool.writer() as conn:
            conn.execute(f"DROP TABLE IF EXISTS {sql.table_name(collection)}")

    def _ping(self) -> dict[str, Any]:
        with self._pool.connection() as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
        return {"version": sqlite3.sqlite_version, "path": self.path, "journal_mode": self._pool.journal_mode}

    def _close(self) -> None:
        self._pool.close()

    def _translate_error(self, exc: Exception) -> DatabaseError:
        if isinstance(exc, sqlite3.OperationalError):
            text = str(exc)
            if "locked" in text or "busy" in text:
                return BackendUnavailable(
                    f"The SQLite database {self.path!r} stayed locked by another writer for {self.timeout:g} s "
                    "(SQLITE_TIMEOUT)."
                )
            if "readonly" in text:
                return PermissionDenied(f"The SQLite database {self.path!r} is read-only for this process.")
            return BackendUnavailable(f"The SQLite database {self.path!r} cannot be used: {text}.")
        if isinstance(exc, sqlite3.Error):
            return DatabaseError(f"The SQLite database {self.path!r} failed: {exc}.")
        return super()._translate_error(exc)
