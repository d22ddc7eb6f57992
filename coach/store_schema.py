"""SQLite plumbing for the history store: connections, write transactions, migrations.

Conventions
-----------
- :class:`Connections` keeps one open connection per thread and process, so a
  :class:`~coach.store.HistoryStore` is safe to use from several threads (Streamlit runs each
  session in its own thread) and several processes at once.
- Every connection sets, because these pragmas are per connection:

  ``journal_mode=WAL``
      readers never block the writer and the writer never blocks readers; a killed process
      leaves a WAL that the next connection replays (committed transactions) or ignores
      (uncommitted frames) atomically.
  ``foreign_keys=ON``
      off by default in SQLite; needed for ``ON DELETE CASCADE`` (full delete of a child).
  ``busy_timeout``
      a second writer waits for the lock instead of failing at once.
  ``synchronous=FULL``
      in WAL mode ``NORMAL`` survives a killed process but may lose the last commits on a
      power cut or OS crash; ``FULL`` syncs the WAL at every commit, so a row the store said
      it saved stays saved. Writes here are rare (a few per day), so one sync per commit is
      a cost nobody notices (about 1-3 ms per add on this machine).
  ``secure_delete=ON``
      deleted rows are overwritten with zeros, so a deleted child's data does not linger in
      free pages of the file (deletes are rare; the cost does not matter).
- Writes run in ``BEGIN IMMEDIATE`` transactions (:meth:`Connections.write`): the write lock
  is taken at the start, so two writers queue on ``busy_timeout`` instead of failing on a
  read-to-write lock upgrade. A transaction that still meets ``SQLITE_BUSY``/``SQLITE_LOCKED``
  is rolled back and run again from the start, with a growing pause, until a deadline.
- Migrations are the numbered files ``coach/migrations/NNNN_name.sql``, applied in order, each
  in its own transaction that also sets ``PRAGMA user_version`` to its number: a migration is
  applied completely or not at all, and two processes opening an old database at once apply it
  once.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5_000
WRITE_DEADLINE_S = 60.0
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
_NAME_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class SchemaError(RuntimeError):
    """The database schema cannot be used by this version of footcoach."""


@dataclass(frozen=True)
class Migration:
    """One numbered schema step: ``version`` (1, 2, ...), ``name`` and its SQL text."""

    version: int
    name: str
    sql: str


def load_migrations(directory: str | Path = MIGRATIONS_DIR) -> tuple[Migration, ...]:
    """Read ``NNNN_name.sql`` files, checking that the numbers run 1, 2, ... without gaps.

    Raises
    ------
    SchemaError
        When a number is missing or repeated.
    """
    found = []
    for p in sorted(Path(directory).glob("*.sql")):
        m = _NAME_RE.match(p.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), p.read_text(encoding="utf-8")))
    found.sort(key=lambda mig: mig.version)
    versions = [mig.version for mig in found]
    if versions != list(range(1, len(found) + 1)):
        raise SchemaError(f"migrations in {directory} must be numbered 1..N, found {versions}")
    return tuple(found)


def split_statements(sql: str) -> list[str]:
    """Split a script into complete SQL statements (triggers and quoted ';' stay whole).

    ``executescript`` cannot be used: it commits any open transaction first, and a migration
    must run inside one.
    """
    statements, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    rest = "\n".join(ln for ln in buf.splitlines() if not ln.strip().startswith("--")).strip()
    if rest:
        raise SchemaError(f"incomplete SQL statement at the end of a migration: {rest[:60]!r}")
    return statements


def is_busy(exc: BaseException) -> bool:
    """True for ``SQLITE_BUSY``/``SQLITE_LOCKED`` (another connection holds the lock)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def connect(path: str | Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """Open a connection in autocommit mode with the pragmas above (see module notes)."""
    # check_same_thread=False only so that Connections.close() may close every thread's
    # connection; each connection is still used by the one thread that opened it.
    conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        conn.execute("PRAGMA foreign_keys = ON")
        _retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA secure_delete = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def _retry_busy(fn: Callable[[], T], *, deadline_s: float = WRITE_DEADLINE_S) -> T:
    end = time.monotonic() + deadline_s
    pause = 0.002
    while True:
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() > end:
                raise
            time.sleep(pause * (0.5 + random.random()))
            pause = min(pause * 2, 0.25)


def _write_tx(conn: sqlite3.Connection, body: Callable[[sqlite3.Connection], T]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = body(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


def _read_tx(conn: sqlite3.Connection, body: Callable[[sqlite3.Connection], T]) -> T:
    conn.execute("BEGIN")
    try:
        return body(conn)
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


class Connections:
    """One open connection per thread (and per process) for one database file.

    Keeping the connection open matters: when the last connection to a WAL database closes,
    SQLite checkpoints and deletes the WAL, which costs several syncs (about 10 ms on this
    machine, more than the write itself). A process that forks gets fresh connections in
    the child (SQLite connections must not cross a ``fork``); the inherited ones are kept,
    unused, rather than closed, as closing them could release the parent's locks.
    """

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[tuple[int, sqlite3.Connection]] = []

    def get(self) -> sqlite3.Connection:
        conn, pid = getattr(self._local, "conn", None), os.getpid()
        if conn is None or self._local.pid != pid:
            conn = connect(self.path, busy_timeout_ms=self.busy_timeout_ms)
            self._local.conn, self._local.pid = conn, pid
            with self._lock:
                self._open.append((pid, conn))
        return conn

    def discard(self) -> None:
        """Close this thread's connection (after an error that may have left it unusable)."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None and self._local.pid == os.getpid():
            with self._lock:
                self._open = [(p, c) for p, c in self._open if c is not conn]
            conn.close()

    def close(self) -> None:
        """Close every connection this process opened (call when no thread uses the store)."""
        with self._lock:
            mine = [c for p, c in self._open if p == os.getpid()]
            self._open = [(p, c) for p, c in self._open if p != os.getpid()]
        for conn in mine:
            conn.close()
        self._local = threading.local()

    def write(self, body: Callable[[sqlite3.Connection], T], *,
              deadline_s: float = WRITE_DEADLINE_S) -> T:
        """Run ``body(conn)`` in one ``BEGIN IMMEDIATE`` transaction.

        The whole transaction is rolled back on any error, so a failed write leaves the
        database as it was. On ``SQLITE_BUSY`` the transaction is run again from the start,
        so ``body`` must only touch the database (no other side effects).
        """
        return _retry_busy(lambda: self._run(_write_tx, body), deadline_s=deadline_s)

    def read(self, body: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``body(conn)`` in one read transaction (a consistent snapshot)."""
        return _retry_busy(lambda: self._run(_read_tx, body))

    def _run(self, tx, body):
        try:
            return tx(self.get(), body)
        except sqlite3.DatabaseError as exc:
            if not is_busy(exc) and not isinstance(exc, sqlite3.IntegrityError):
                self.discard()      # e.g. disk I/O error: start the next call afresh
            raise


def schema_version(conn: sqlite3.Connection) -> int:
    """The database's ``PRAGMA user_version`` (0 for a new, empty file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(target: str | Path | Connections,
            migrations: tuple[Migration, ...] | None = None) -> int:
    """Bring the database to the latest of ``migrations``; return that version.

    ``target`` is a path (a connection is opened and closed here) or the store's
    :class:`Connections` (reused, so opening a store costs one query when up to date).

    Raises
    ------
    SchemaError
        When the database is newer than this code (written by a later footcoach); it is then
        left untouched.
    """
    migrations = load_migrations() if migrations is None else migrations
    latest = migrations[-1].version if migrations else 0
    db = target if isinstance(target, Connections) else Connections(target)
    try:
        current = db.read(schema_version)
        if current > latest:
            raise SchemaError(f"{db.path} has schema version {current}, newer than this "
                              f"footcoach understands ({latest}); update footcoach to open it")
        for mig in migrations:
            if mig.version > current:
                db.write(lambda conn, mig=mig: _apply(conn, mig))
    finally:
        if db is not target:
            db.close()
    return latest


def _apply(conn: sqlite3.Connection, mig: Migration) -> None:
    if schema_version(conn) >= mig.version:
        return  # another process applied it while we waited for the lock
    for statement in split_statements(mig.sql):
        conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {int(mig.version)}")
