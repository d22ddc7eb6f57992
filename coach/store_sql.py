"""Row-level SQL of the history store, on a connection the caller holds in a transaction.

Values arrive already validated (:mod:`coach.store_validate`). Tables that belong to a child
are listed in :data:`CHILD_TABLES`, the one place the full delete and the export read.
"""

from __future__ import annotations

import sqlite3
import unicodedata

from coach.store_types import Child, UnknownChildError

CHILD_TABLES = ("footprints", "exercise_reports", "sessions", "screenings")
ORDER = {"footprints": "taken_on, id", "exercise_reports": "taken_on, id",
         "sessions": "started_at, id", "screenings": "answered_at, id"}


def insert(conn: sqlite3.Connection, table: str, values: dict) -> int:
    """Insert one row; the table name comes from this module, never from a user."""
    cols = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    try:
        cur = conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})",
                           tuple(values.values()))
    except sqlite3.IntegrityError as exc:
        if "FOREIGN KEY" in str(exc) and "child_id" in values:
            raise UnknownChildError(f"no child with id {values['child_id']}") from None
        raise
    return int(cur.lastrowid)


def find_child(conn: sqlite3.Connection, key: int | str) -> Child:
    """Look a child up by id (int or digits) or alias (case-insensitive)."""
    if isinstance(key, bool):
        raise UnknownChildError(f"no child {key!r}")
    if isinstance(key, int) or (isinstance(key, str) and key.strip().isdigit()):
        row = conn.execute("SELECT * FROM children WHERE id = ?", (int(key),)).fetchone()
        what = f"id {int(key)}"
    elif isinstance(key, str):
        alias = unicodedata.normalize("NFC", key).strip()
        row = conn.execute("SELECT * FROM children WHERE alias = ?", (alias,)).fetchone()
        what = f"alias {alias!r}"
    else:
        raise UnknownChildError(f"a child is named by its id or alias, got {key!r}")
    if row is None:
        raise UnknownChildError(f"no child with {what}")
    return Child.from_row(row)


def alias_taken(conn: sqlite3.Connection, alias: str, *, except_id: int | None = None) -> bool:
    row = conn.execute("SELECT id FROM children WHERE alias = ? AND id IS NOT ?",
                       (alias, except_id)).fetchone()
    return row is not None


def child_rows(conn: sqlite3.Connection, table: str, child_id: int) -> list[sqlite3.Row]:
    return conn.execute(f"SELECT * FROM {table} WHERE child_id = ? ORDER BY {ORDER[table]}",
                        (child_id,)).fetchall()


def tables_with_child_id(conn: sqlite3.Connection) -> list[str]:
    """Every table that has a ``child_id`` column, read from the schema itself, so a table a
    later migration adds is checked by the full delete even if someone forgets this module."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return [n for n in names
            if any(c[1] == "child_id" for c in conn.execute(f"PRAGMA table_info({n})"))]


def count_child_rows(conn: sqlite3.Connection, child_id: int) -> dict[str, int]:
    return {t: conn.execute(f"SELECT COUNT(*) FROM {t} WHERE child_id = ?",
                            (child_id,)).fetchone()[0]
            for t in tables_with_child_id(conn)}


def image_in_use(conn: sqlite3.Connection, child_id: int, sha256: str) -> bool:
    row = conn.execute("SELECT 1 FROM footprints WHERE child_id = ? AND image_sha256 = ?",
                       (child_id, sha256)).fetchone()
    return row is not None


def measurement_of_image(conn: sqlite3.Connection, child_id: int, sha256: str) -> int | None:
    row = conn.execute("SELECT measurement_id, id FROM footprints WHERE child_id = ? AND "
                       "image_sha256 = ? ORDER BY id LIMIT 1", (child_id, sha256)).fetchone()
    return None if row is None else int(row[0] or row[1])


def measurement_rows(conn: sqlite3.Connection, child_id: int,
                     measurement_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM footprints WHERE child_id = ? AND measurement_id = ? "
                        "ORDER BY id", (child_id, measurement_id)).fetchall()


_MEASUREMENT_COLUMNS = ("taken_on", "notes")
_FOOT_COLUMNS = ("category", "reference", "age_reading")


def update_measurement(conn: sqlite3.Connection, child_id: int, measurement_id: int,
                       values: dict) -> None:
    """Set ``taken_on``/``notes`` on every foot row of one measurement."""
    cols = [c for c in _MEASUREMENT_COLUMNS if c in values]
    if cols:
        conn.execute(f"UPDATE footprints SET {', '.join(f'{c} = ?' for c in cols)} "
                     "WHERE child_id = ? AND measurement_id = ?",
                     (*(values[c] for c in cols), child_id, measurement_id))


def update_foot(conn: sqlite3.Connection, child_id: int, measurement_id: int, side: str,
                values: dict) -> None:
    """Set the reading columns of one foot of a measurement."""
    cols = [c for c in _FOOT_COLUMNS if c in values]
    conn.execute(f"UPDATE footprints SET {', '.join(f'{c} = ?' for c in cols)} "
                 "WHERE child_id = ? AND measurement_id = ? AND side = ?",
                 (*(values[c] for c in cols), child_id, measurement_id, side))
