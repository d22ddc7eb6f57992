"""History store: children, their footprints, exercise reports, sessions and screenings.

One SQLite file (standard library ``sqlite3``), by default ``$FOOTCOACH_HOME/history.db``
with ``FOOTCOACH_HOME`` defaulting to ``~/.footcoach``; footprint photos are kept beside it in
``images/<child_id>/<sha256>.<ext>``. Nothing leaves the machine.

Guarantees
----------
- Every input is checked before anything is written (clear ``ValueError``), and every write
  is one transaction: a failed add leaves everything stored before it intact.
- A committed row survives a killed process and a power cut (WAL, ``synchronous=FULL``);
  two processes or threads may write at once (see :mod:`coach.store_schema`).
- :meth:`HistoryStore.delete_child` removes every row about the child (checked table by
  table, including tables later migrations add), its photos and its photo folder.

Threads and processes
---------------------
A store keeps one connection per thread, opened on first use; share one store between
threads freely, or make one per script run (opening costs about a millisecond). Do not carry
a store's connections across ``fork`` (a forked child opens its own automatically). Call
:meth:`HistoryStore.close` (or use ``with``) to release them early.

Choices
-------
- Aliases are unique ignoring ASCII case (``Mia`` = ``mia``); an alias of digits only is
  refused, so ``"12"`` always means the child with id 12.
- :meth:`~HistoryStore.add_footprint` returns one row id per foot.
- :meth:`~HistoryStore.import_json` refuses an alias already in use unless
  ``on_conflict="suffix"`` (then ``"Mia (2)"``); :meth:`~HistoryStore.export_csv` writes one
  table per file (``table="footprints"|"exercises"|"sessions"``). See :mod:`coach.store_io`.

Examples
--------
>>> import tempfile, pathlib
>>> store = HistoryStore(pathlib.Path(tempfile.mkdtemp()) / "history.db")
>>> mia = store.add_child("Mia", "2021-03-04")
>>> store.get_child("mia").id == mia.id
True
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coach import store_io
from coach import store_sql as sql
from coach import store_validate as check
from coach.store_images import check_image, orphan_folders, remove_child_images, save_image
from coach.store_measurements import MeasurementsMixin, duplicate_error, measurement_in
from coach.store_measurements import child_key as _key
from coach.store_schema import Connections, migrate
from coach.store_types import (
    AliasTakenError,
    Child,
    ChildKey,
    DeleteSummary,
    ExerciseEntry,
    FootprintEntry,
    ScreeningEntry,
    SessionEntry,
    TrendPoint,
)

__all__ = ["HistoryStore", "footcoach_home"]

_ENTRY_TABLES = {"footprint": "footprints", "exercise": "exercise_reports",
                 "session": "sessions", "screening": "screenings"}


def footcoach_home() -> Path:
    """``$FOOTCOACH_HOME``, or ``~/.footcoach`` when unset."""
    return Path(os.environ.get("FOOTCOACH_HOME") or Path.home() / ".footcoach").expanduser()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")




class HistoryStore(MeasurementsMixin):
    """The history database of one household.

    Parameters
    ----------
    path : str or Path, optional
        SQLite file; default ``$FOOTCOACH_HOME/history.db``. Created (owner-only) and
        migrated to the latest schema on first use.
    images_dir : str or Path, optional
        Folder for saved photos; default ``images`` beside the database.
    create : bool
        With False, a missing database file raises ``FileNotFoundError`` instead of being
        created (for read-only commands, so a mistyped path is not silently made).

    Notes
    -----
    Children are named by id (``int`` or digits) or alias (case-insensitive); every method
    taking ``child`` also accepts a :class:`Child`. Unknown children raise
    :class:`UnknownChildError` (a ``LookupError``).
    """

    def __init__(self, path: str | Path | None = None, *,
                 images_dir: str | Path | None = None, create: bool = True) -> None:
        self.path = Path(path).expanduser() if path is not None else footcoach_home() / "history.db"
        self.images_dir = (Path(images_dir).expanduser() if images_dir is not None
                           else self.path.parent / "images")
        if not create and not self.path.is_file():
            raise FileNotFoundError(f"no history database at {self.path}")
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        created = not self.path.exists()
        self._db = Connections(self.path)
        try:
            self.schema_version = migrate(self._db)
        except BaseException:
            self._db.close()
            raise
        if created:
            os.chmod(self.path, 0o600)

    def close(self) -> None:
        """Close the open connections (the store reopens them if used again)."""
        self._db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- children -------------------------------------------------------------------------
    def add_child(self, alias: str, birth_date: Any) -> Child:
        """Add a child; ``birth_date`` is a ``date`` or ``YYYY-MM-DD`` (not in the future).

        Raises ``ValueError`` for a bad alias or date, :class:`AliasTakenError` when the alias
        is used (case-insensitively).
        """
        alias = check.check_alias(alias)
        birth = check.check_birth_date(birth_date)
        return self._db.write(lambda conn: self._insert_child(
            conn, alias, birth.isoformat(), _now()))

    @staticmethod
    def _insert_child(conn: sqlite3.Connection, alias: str, birth: str, created: str) -> Child:
        if sql.alias_taken(conn, alias):
            raise AliasTakenError(f"a child called {alias!r} already exists "
                                  "(aliases ignore upper/lower case)")
        cid = sql.insert(conn, "children",
                         {"alias": alias, "birth_date": birth, "created_at": created})
        return sql.find_child(conn, cid)

    def rename_child(self, child: ChildKey, new_alias: str) -> Child:
        """Give a child a new alias (same rules as :meth:`add_child`)."""
        alias = check.check_alias(new_alias)

        def body(conn):
            kid = sql.find_child(conn, _key(child))
            if sql.alias_taken(conn, alias, except_id=kid.id):
                raise AliasTakenError(f"a child called {alias!r} already exists")
            conn.execute("UPDATE children SET alias = ? WHERE id = ?", (alias, kid.id))
            return sql.find_child(conn, kid.id)

        return self._db.write(body)

    def list_children(self) -> list[Child]:
        """All children, by alias."""
        rows = self._db.read(lambda conn: conn.execute(
            "SELECT * FROM children ORDER BY alias COLLATE NOCASE, id").fetchall())
        return [Child.from_row(r) for r in rows]

    def get_child(self, child: ChildKey) -> Child:
        """The child with this id (``int`` or digits) or alias; :class:`UnknownChildError`."""
        return self._db.read(lambda conn: sql.find_child(conn, _key(child)))

    def delete_child(self, child: ChildKey) -> DeleteSummary:
        """Delete the child and everything about it: rows, photos and the photo folder.

        The rows go in one transaction with ``secure_delete`` (freed pages are zeroed) that
        checks, before committing, that no table with a ``child_id`` column still holds a row
        for the child. The WAL is then checkpointed so deleted content does not linger in it.
        Photo folders left by an earlier interrupted delete are removed too.
        """

        def body(conn):
            kid = sql.find_child(conn, _key(child))
            counts = sql.count_child_rows(conn, kid.id)
            conn.execute("DELETE FROM children WHERE id = ?", (kid.id,))
            left = {t: n for t, n in sql.count_child_rows(conn, kid.id).items() if n}
            if left or conn.execute("SELECT 1 FROM children WHERE id = ?", (kid.id,)).fetchone():
                raise RuntimeError(f"delete of child {kid.id} left rows behind: {left}")
            return kid, counts

        kid, counts = self._db.write(body)
        removed = remove_child_images(self.images_dir, kid.id)
        if (self.images_dir / str(kid.id)).exists():
            raise RuntimeError(f"could not remove {self.images_dir / str(kid.id)}")
        self._sweep_orphan_images()
        self._checkpoint()
        return DeleteSummary(kid, counts, removed)

    def _sweep_orphan_images(self) -> None:
        def ids(conn):
            seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'children'")
            row = seq.fetchone()
            return {r[0] for r in conn.execute("SELECT id FROM children")}, row[0] if row else 0

        known, highest = self._db.read(ids)
        for folder in orphan_folders(self.images_dir, known, highest):
            remove_child_images(self.images_dir, int(folder.name))

    def _checkpoint(self) -> None:
        try:
            self._db.get().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError:
            pass  # a reader is busy; the next checkpoint will copy and reset the WAL

    # -- adding records -------------------------------------------------------------------
    def add_footprint(self, child: ChildKey, result_json: Any, *, taken_on: Any,
                      image_bytes: bytes | None = None, notes: str = "") -> tuple[int, ...]:
        """Store a footprint photo as one measurement, one row per foot; return the row ids.

        Parameters
        ----------
        result_json : FootprintResult, dict or str
            The ``footcoach footprint --json`` object for one image (``ok`` must be true).
        taken_on : date or str
            Day the print was taken (ages are computed at this day): not before the birth
            date, not in the future. The time of saving is kept apart (``saved_at``).
        image_bytes : bytes, optional
            The photo, saved once per child and content (SHA-256) and linked from each foot.
        notes : str
            The family's notes on this measurement.

        Raises
        ------
        DuplicateImageError
            The same photo (SHA-256) is already in this child's history; nothing is stored.
        """
        rows = check.footprint_rows(result_json)
        check.parse_day(taken_on, "taken_on")
        notes = check.check_notes(notes)
        image = None
        if image_bytes is not None:
            data = check_image(image_bytes)
            kid = self.get_child(_key(child))
            check.check_taken_on(taken_on, kid.birth_date)
            earlier = self.find_image(kid, hashlib.sha256(data).hexdigest())
            if earlier is not None:
                raise duplicate_error(kid, earlier)
            image = save_image(self.images_dir, kid.id, data)

        def body(conn):
            kid = sql.find_child(conn, _key(child))
            day = check.check_taken_on(taken_on, kid.birth_date).isoformat()
            extra = {"image_sha256": image.sha256, "image_path": image.rel_path} if image else {}
            if image is not None and sql.image_in_use(conn, kid.id, image.sha256):
                raise duplicate_error(kid, measurement_in(conn, kid, sql.measurement_of_image(
                    conn, kid.id, image.sha256)))
            common = {"child_id": kid.id, "taken_on": day, "saved_at": _now(),
                      "notes": notes, **extra}
            ids = tuple(sql.insert(conn, "footprints", {**common, **row}) for row in rows)
            conn.execute("UPDATE footprints SET measurement_id = ? WHERE id IN "
                         f"({', '.join('?' for _ in ids)})", (ids[0], *ids))
            return ids

        try:
            return self._db.write(body)
        except BaseException:
            if image is not None and image.created:
                self._drop_unused_image(image)
            raise

    def _drop_unused_image(self, image) -> None:
        child_id = int(image.rel_path.split("/")[0])
        try:
            used = self._db.read(lambda c: sql.image_in_use(c, child_id, image.sha256))
        except sqlite3.Error:
            return
        if not used:
            (self.images_dir / image.rel_path).unlink(missing_ok=True)

    def add_exercise(self, child: ChildKey, report_json: Any, *, taken_on: Any) -> int:
        """Store an ``ExerciseReport`` (object, dict or JSON text); return the row id."""
        row = check.exercise_row(report_json)

        def body(conn):
            kid = sql.find_child(conn, _key(child))
            day = check.check_taken_on(taken_on, kid.birth_date).isoformat()
            return sql.insert(conn, "exercise_reports",
                              {"child_id": kid.id, "taken_on": day, **row})

        return self._db.write(body)

    def add_session(self, child: ChildKey, kind: str, *, started_at: Any, duration_s: float,
                    steps_done: Any = (), notes: str = "") -> int:
        """Record a ``"massage"`` or ``"routine"`` session; return the row id.

        ``started_at`` is a ``datetime`` or ISO-8601 text; ``steps_done`` the plan step ids
        completed; ``duration_s`` 0 to 24 h.
        """
        values = check.session_values(kind, duration_s, steps_done, notes)

        def body(conn):
            kid = sql.find_child(conn, _key(child))
            start = check.check_timestamp(started_at, kid.birth_date, what="started_at")
            return sql.insert(conn, "sessions",
                              {"child_id": kid.id, "started_at": start, **values})

        return self._db.write(body)

    def add_screening(self, child: ChildKey, answers: dict[str, bool], outcome: Any, *,
                      answered_at: Any = None) -> int:
        """Record screening answers and their outcome (``ScreeningOutcome``, dict or status)."""
        values = check.screening_values(answers, outcome)

        def body(conn):
            kid = sql.find_child(conn, _key(child))
            when = check.check_timestamp(answered_at or datetime.now(UTC), kid.birth_date,
                                         what="answered_at")
            return sql.insert(conn, "screenings",
                              {"child_id": kid.id, "answered_at": when, **values})

        return self._db.write(body)

    def delete_entry(self, child: ChildKey, kind: str, entry_id: int) -> None:
        """Remove one record of the child (a wrong measurement, a session logged twice).

        ``kind`` is ``"footprint"`` (one foot's row), ``"exercise"``, ``"session"`` or
        ``"screening"``. A footprint photo no other row of the child uses is deleted too.
        Raises :class:`UnknownChildError` or ``LookupError`` when there is no such record.
        """
        table = _ENTRY_TABLES.get(kind)
        if table is None:
            raise ValueError(f"kind must be one of {tuple(_ENTRY_TABLES)}, got {kind!r}")

        def body(conn):
            kid = sql.find_child(conn, _key(child))
            row = conn.execute(f"SELECT * FROM {table} WHERE id = ? AND child_id = ?",
                               (int(entry_id), kid.id)).fetchone()
            if row is None:
                raise LookupError(f"{kid.alias} has no {kind} with id {entry_id}")
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (row["id"],))
            if table == "footprints" and row["image_path"] and not sql.image_in_use(
                    conn, kid.id, row["image_sha256"]):
                return row["image_path"]
            return None

        unused = self._db.write(body)
        if unused:
            (self.images_dir / unused).unlink(missing_ok=True)

    # -- reading --------------------------------------------------------------------------
    def _history(self, child: ChildKey, table: str) -> tuple[Child, list[sqlite3.Row]]:
        def body(conn):
            kid = sql.find_child(conn, _key(child))
            return kid, sql.child_rows(conn, table, kid.id)

        return self._db.read(body)

    def footprint_history(self, child: ChildKey) -> list[FootprintEntry]:
        """Every stored foot, oldest first."""
        kid, rows = self._history(child, "footprints")
        return [FootprintEntry.from_row(r, kid.birth_date) for r in rows]

    def arch_trend(self, child: ChildKey, *, side: str | None = None) -> list[TrendPoint]:
        """Arch index against age, one point per stored foot, oldest first."""
        return [TrendPoint(e.age_months, e.side, e.arch_index, e.taken_on, e.category)
                for e in self.footprint_history(child) if side in (None, e.side)]

    def exercise_history(self, child: ChildKey, *,
                         exercise: str | None = None) -> list[ExerciseEntry]:
        kid, rows = self._history(child, "exercise_reports")
        return [ExerciseEntry.from_row(r, kid.birth_date) for r in rows
                if exercise in (None, r["exercise"])]

    def session_history(self, child: ChildKey) -> list[SessionEntry]:
        return [SessionEntry.from_row(r) for r in self._history(child, "sessions")[1]]

    def screening_history(self, child: ChildKey) -> list[ScreeningEntry]:
        return [ScreeningEntry.from_row(r) for r in self._history(child, "screenings")[1]]

    def image_file(self, entry: FootprintEntry) -> Path | None:
        """Absolute path of a footprint's saved photo, or None when none was kept."""
        return None if entry.image_path is None else self.images_dir / entry.image_path

    # -- export / import ------------------------------------------------------------------
    def export_json(self, child: ChildKey, *, include_images: bool = False) -> dict:
        """Everything stored about the child (see :func:`coach.store_io.export_child`)."""
        return store_io.export_child(self, child, include_images=include_images)

    def import_json(self, data: dict | str, *, on_conflict: str = "error") -> Child:
        """Add a child from :meth:`export_json` output (see :func:`coach.store_io.import_child`)."""
        return store_io.import_child(self, data, on_conflict=on_conflict)

    def export_csv(self, child: ChildKey, dest: Any, *, table: str = "footprints") -> int:
        """Write one table of the child as CSV (see :func:`coach.store_io.write_csv`)."""
        return store_io.write_csv(self, child, dest, table=table)
