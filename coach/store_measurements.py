"""Footprint measurements of the history store: one photo = one measurement.

The feet of one photo are stored as rows sharing ``measurement_id`` (schema 3). A family
edits the day the print was taken and the notes of a measurement, or deletes it as a whole;
the same photo is never saved twice for one child (:class:`DuplicateImageError`).
:class:`MeasurementsMixin` holds these methods of :class:`coach.store.HistoryStore`.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from coach import store_sql as sql
from coach import store_validate as check
from coach.store_types import (
    Child,
    ChildKey,
    DuplicateImageError,
    FootprintEntry,
    Measurement,
)


def child_key(child: ChildKey) -> int | str:
    """The id or alias that names ``child`` (a :class:`Child` gives its id)."""
    return child.id if isinstance(child, Child) else child


def measurement_in(conn: sqlite3.Connection, kid: Child, measurement_id: int) -> Measurement:
    """The measurement ``measurement_id`` of ``kid`` read on ``conn``; ``LookupError``."""
    rows = sql.measurement_rows(conn, kid.id, int(measurement_id))
    if not rows:
        raise LookupError(f"{kid.alias} has no footprint measurement {measurement_id}")
    return Measurement.group([FootprintEntry.from_row(r, kid.birth_date) for r in rows])[0]


def reading_columns(foot: FootprintEntry, age_months: float) -> dict:
    """``category``, ``reference`` and ``age_reading`` of the footprint reading of ``foot``
    at ``age_months`` (the age on the day the print was taken)."""
    # Imported here: the vision package pulls in OpenCV, which most store users never need.
    from vision.footprint.reading import read_foot

    return read_foot(foot, age_months).to_json()


def duplicate_error(kid: Child, earlier: Measurement) -> DuplicateImageError:
    """The error for a photo already saved for ``kid`` (names the earlier day)."""
    return DuplicateImageError(
        f"this photo is already in {kid.alias}'s history (the print taken on "
        f"{earlier.taken_on.isoformat()}), so it was not saved again", earlier)


class MeasurementsMixin:
    """Measurement methods of the history store (needs ``_db``, ``images_dir`` and
    ``footprint_history``)."""

    def measurements(self, child: ChildKey) -> list[Measurement]:
        """Every footprint measurement of the child, by the day taken, oldest first."""
        return Measurement.group(self.footprint_history(child))

    def get_measurement(self, child: ChildKey, measurement_id: int) -> Measurement:
        """One measurement; ``LookupError`` when the child has no such measurement."""
        return self._db.read(lambda conn: measurement_in(
            conn, sql.find_child(conn, child_key(child)), measurement_id))

    def find_image(self, child: ChildKey, sha256: str) -> Measurement | None:
        """The child's measurement made from the photo with this SHA-256, if any."""
        def body(conn):
            kid = sql.find_child(conn, child_key(child))
            mid = sql.measurement_of_image(conn, kid.id, sha256)
            return None if mid is None else measurement_in(conn, kid, mid)

        return self._db.read(body)

    def update_measurement(self, child: ChildKey, measurement_id: int, *,
                           taken_on: Any = None, notes: str | None = None) -> Measurement:
        """Change the day a print was taken and/or its notes; return the measurement.

        A new day is a new age: each foot's ``category``, ``reference`` and ``age_reading``
        are then those of the footprint reading for the age at the new day
        (:func:`vision.footprint.reading.read_foot`), so every page agrees with the date.
        """
        notes = None if notes is None else check.check_notes(notes)

        def body(conn):
            kid = sql.find_child(conn, child_key(child))
            old = measurement_in(conn, kid, measurement_id)
            values: dict[str, Any] = {}
            if taken_on is not None:
                day = check.check_taken_on(taken_on, kid.birth_date)
                values["taken_on"] = day.isoformat()
            if notes is not None:
                values["notes"] = notes
            sql.update_measurement(conn, kid.id, old.id, values)
            new = measurement_in(conn, kid, old.id)
            if taken_on is not None:
                for foot in new.feet:
                    sql.update_foot(conn, kid.id, old.id, foot.side,
                                    reading_columns(foot, new.age_months))
            return measurement_in(conn, kid, old.id)

        return self._db.write(body)

    def delete_measurement(self, child: ChildKey, measurement_id: int) -> Measurement:
        """Remove one measurement (every foot of the photo, and the photo itself when no
        other measurement uses it); return what was removed, e.g. to offer an undo."""
        def body(conn):
            kid = sql.find_child(conn, child_key(child))
            gone = measurement_in(conn, kid, measurement_id)
            conn.execute("DELETE FROM footprints WHERE child_id = ? AND measurement_id = ?",
                         (kid.id, gone.id))
            unused = (gone.image_path if gone.image_sha256 and not sql.image_in_use(
                conn, kid.id, gone.image_sha256) else None)
            return gone, unused

        gone, unused = self._db.write(body)
        if unused:
            (self.images_dir / unused).unlink(missing_ok=True)
        return gone

