"""Connections of the ``sqlite`` backend: one per concurrent caller, each configured the same way.

A ``sqlite3.Connection`` must not be used by two threads at once, and a service is.
Callers borrow an idle connection (or a new one) for the length of one call and give
it back, so a service holds as many connections as it has ever had concurrent callers.
``:memory:`` is the exception: every connection to it would be a separate empty
database, so its single connection is shared under a lock.

Every file connection uses WAL (readers never wait for a writer, and a crash leaves
the file intact) and ``synchronous=FULL`` (a commit that returned is on disk, not only
in the operating system's cache); the busy timeout makes a write wait up to
``timeout`` seconds for another process's write lock instead of failing at once.

Writers of one process queue on a lock of their own before they ask SQLite: SQLite's
busy handler sleeps in growing steps (up to 100 ms), so threads left to it spend most
of a contended run asleep while the file is free. The time spent waiting for that lock
counts against the same timeout.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator

from ..errors import ConfigurationError, DatabaseError

__all__ = ["MEMORY", "ConnectionPool", "write_transaction"]

MEMORY = ":memory:"
MINIMUM_SQLITE = (3, 35, 0)
"""``RETURNING`` (and the JSON functions, built in by then in every common build)."""


class ConnectionPool:
    """Connections to one database file, lent out one caller at a time.

    :meth:`borrow` / :meth:`give_back` (and :meth:`lock_writes` / :meth:`unlock_writes`)
    are the hot path, kept free of generator-based context managers; :meth:`connection`
    and :meth:`writer` wrap them for everything else.
    """

    def __init__(self, path: str, timeout: float) -> None:
        if sqlite3.sqlite_version_info < MINIMUM_SQLITE:
            raise ConfigurationError(
                f"The sqlite provider needs SQLite {'.'.join(map(str, MINIMUM_SQLITE))} or newer; this Python "
                f"links SQLite {sqlite3.sqlite_version}."
            )
        self.path = path
        self.timeout = timeout
        self._idle: list[sqlite3.Connection] = []  # list.pop/append are atomic: no lock needed
        self._closed = False
        self._write_lock = threading.Lock()
        self._shared: threading.RLock | None = threading.RLock() if path == MEMORY else None
        try:
            first = self._open()
        except sqlite3.Error as exc:
            raise ConfigurationError(
                f"SQLITE_PATH {path!r} cannot be opened as a SQLite database ({exc}); check that its directory "
                "exists and is writable and that the file, if any, is a SQLite database."
            ) from exc
        self._single = first
        self._idle.append(first)
        self.journal_mode: str = first.execute("PRAGMA journal_mode").fetchone()[0]

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False, cached_statements=256
        )
        try:
            if self.path != MEMORY:
                conn.execute("PRAGMA journal_mode=WAL").fetchall()
                conn.execute("PRAGMA synchronous=FULL")
            conn.execute(
                "SELECT count(*), json('{}') FROM sqlite_master"
            ).fetchall()  # not SQLite, or no JSON: fail now
        except BaseException:
            conn.close()
            raise
        return conn

    def borrow(self) -> sqlite3.Connection:
        """A connection for this thread alone, until :meth:`give_back`."""
        if self._shared is not None:
            self._shared.acquire()
            if self._closed:
                self._shared.release()
                self._check_open()
            return self._single
        self._check_open()
        try:
            return self._idle.pop()
        except IndexError:
            return self._open()

    def give_back(self, conn: sqlite3.Connection) -> None:
        if conn.in_transaction:  # only after a failure that write_transaction could not roll back
            conn.rollback()
        if self._shared is not None:
            self._shared.release()
            return
        self._idle.append(conn)
        if self._closed:
            self._close_idle()

    def lock_writes(self, conn: sqlite3.Connection) -> bool:
        """Wait for this process's other writers, within the timeout; True if the busy timeout was shortened."""
        if self._shared is not None:
            return False  # already serialised
        if self._write_lock.acquire(blocking=False):
            return False  # nobody else was writing
        started = time.monotonic()
        if not self._write_lock.acquire(timeout=self.timeout):
            raise sqlite3.OperationalError("database is locked (by another writer of this process)")
        waited = time.monotonic() - started
        if waited < 0.001:
            return False
        try:  # what is left of the timeout is all SQLite may wait for another process
            conn.execute(f"PRAGMA busy_timeout = {max(1, round((self.timeout - waited) * 1000))}")
        except BaseException:
            self._write_lock.release()
            raise
        return True

    def unlock_writes(self, conn: sqlite3.Connection, shortened: bool) -> None:
        if self._shared is not None:
            return
        try:
            if shortened:
                conn.execute(f"PRAGMA busy_timeout = {round(self.timeout * 1000)}")
        finally:
            self._write_lock.release()

    @contextlib.contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """Lend a connection to this thread until the block ends."""
        conn = self.borrow()
        try:
            yield conn
        finally:
            self.give_back(conn)

    @contextlib.contextmanager
    def writer(self) -> Iterator[sqlite3.Connection]:
        """Lend a connection for a write, once this process's other writers are done."""
        with self.connection() as conn:
            shortened = self.lock_writes(conn)
            try:
                yield conn
            finally:
                self.unlock_writes(conn, shortened)

    def _check_open(self) -> None:
        if self._closed:
            raise DatabaseError(f"This sqlite service ({os.path.basename(self.path)}) is closed.")

    def _close_idle(self) -> None:
        while True:
            try:
                conn = self._idle.pop()
            except IndexError:
                return
            conn.close()

    def close(self) -> None:
        """Close every idle connection now and each lent one when it comes back."""
        self._closed = True
        if self._shared is not None:
            with self._shared:
                self._single.close()
            return
        self._close_idle()


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``: the write lock is taken first, so read-then-write is atomic."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
