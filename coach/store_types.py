"""Typed records returned by :class:`coach.store.HistoryStore`, and its errors.

Conventions: dates are :class:`datetime.date`; timestamps ISO-8601 strings as stored;
``age_months`` is a float, whole months plus the fraction of the current month
(days / 30.4375), rounded to 0.1, so a trend can be plotted against age.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from typing import Any

DAYS_PER_MONTH = 365.25 / 12


class UnknownChildError(LookupError):
    """No child with the given id or alias."""

    def __str__(self) -> str:  # LookupError would quote the message like a KeyError
        return str(self.args[0]) if self.args else "unknown child"


class AliasTakenError(ValueError):
    """Another child already uses this alias (aliases are unique, case-insensitively)."""


class DuplicateImageError(ValueError):
    """This photo (same SHA-256) is already in the child's history; ``earlier`` is that
    :class:`Measurement`."""

    def __init__(self, message: str, earlier: Measurement) -> None:
        super().__init__(message)
        self.earlier = earlier


def age_in_months(birth: date, day: date) -> float:
    """Age at ``day`` in months (days / 30.4375), rounded to 0.1."""
    return round((day - birth).days / DAYS_PER_MONTH, 1)


def loads(text: str | None, default: Any) -> Any:
    """Parse a JSON column, falling back to ``default`` for NULL."""
    return default if text is None else json.loads(text)


@dataclass(frozen=True)
class Child:
    """One child: ``alias`` is a first name or nickname, unique in the store."""

    id: int
    alias: str
    birth_date: date
    created_at: str

    def age_months(self, on: date | None = None) -> float:
        return age_in_months(self.birth_date, on or date.today())

    def to_json(self) -> dict:
        return {"id": self.id, "alias": self.alias, "birth_date": self.birth_date.isoformat(),
                "created_at": self.created_at}

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Child:
        return cls(row["id"], row["alias"], date.fromisoformat(row["birth_date"]),
                   row["created_at"])


ChildKey = int | str | Child


@dataclass(frozen=True)
class TrendPoint:
    """One foot's arch index at one age: a point of the arch trend."""

    age_months: float
    side: str
    arch_index: float
    taken_on: date
    category: str | None = None

    def to_json(self) -> dict:
        return {"age_months": self.age_months, "side": self.side, "arch_index": self.arch_index,
                "taken_on": self.taken_on.isoformat(), "category": self.category}


FOOTPRINT_FIELDS = ("side", "arch_index", "staheli_index", "chippaux_smirak_index",
                    "clarke_angle_deg", "length_mm", "width_mm", "category", "age_reading",
                    "quality_score")


@dataclass(frozen=True)
class FootprintEntry:
    """One stored foot (a footprint photo gives one entry per foot)."""

    id: int
    taken_on: date
    age_months: float
    side: str
    arch_index: float
    staheli_index: float | None
    chippaux_smirak_index: float | None
    clarke_angle_deg: float | None
    length_mm: float | None
    width_mm: float | None
    category: str | None
    age_reading: str | None
    quality_score: float | None
    quality_issues: tuple[str, ...]
    source: str
    image_sha256: str | None
    image_path: str | None   # relative to the store's images folder
    measurement_id: int = 0  # shared by the feet of one photo (id of its first foot row)
    saved_at: str | None = None   # when it was saved (UTC); None before schema 3
    notes: str = ""
    geometry: dict | None = field(default=None, compare=False, hash=False)
    reference: str | None = None   # source of the category's band (the footprint reading)

    @classmethod
    def from_row(cls, row: sqlite3.Row, birth: date) -> FootprintEntry:
        day = date.fromisoformat(row["taken_on"])
        return cls(row["id"], day, age_in_months(birth, day),
                   *(row[k] for k in FOOTPRINT_FIELDS),
                   tuple(loads(row["quality_issues"], [])), row["source"],
                   row["image_sha256"], row["image_path"],
                   row["measurement_id"] or row["id"], row["saved_at"], row["notes"] or "",
                   loads(row["geometry"], None), row["reference"])


@dataclass(frozen=True)
class Measurement:
    """One footprint photo as saved: its feet (one :class:`FootprintEntry` each, left
    first), the day the print was taken (``taken_on``, which sets ``age_months``) and when
    it was saved (``saved_at``, UTC text, None for measurements saved before schema 3)."""

    id: int
    taken_on: date
    age_months: float
    saved_at: str | None
    notes: str
    source: str
    image_sha256: str | None
    image_path: str | None
    feet: tuple[FootprintEntry, ...]

    def foot(self, side: str) -> FootprintEntry | None:
        return next((f for f in self.feet if f.side == side), None)

    @classmethod
    def group(cls, entries: list[FootprintEntry]) -> list[Measurement]:
        """Footprint entries grouped by measurement, oldest ``taken_on`` first."""
        by_id: dict[int, list[FootprintEntry]] = {}
        for e in entries:
            by_id.setdefault(e.measurement_id, []).append(e)
        out = []
        for mid, feet in by_id.items():
            feet.sort(key=lambda f: (f.side != "left", f.id))
            first = feet[0]
            out.append(cls(mid, first.taken_on, first.age_months, first.saved_at, first.notes,
                           first.source, first.image_sha256, first.image_path, tuple(feet)))
        out.sort(key=lambda m: (m.taken_on, m.id))
        return out


@dataclass(frozen=True)
class ExerciseEntry:
    """One stored exercise report; ``report`` is the full ``ExerciseReport`` JSON."""

    id: int
    taken_on: date
    age_months: float
    exercise: str
    verdict: str
    faults: tuple[str, ...]
    report: dict = field(compare=False, hash=False)

    @classmethod
    def from_row(cls, row: sqlite3.Row, birth: date) -> ExerciseEntry:
        day = date.fromisoformat(row["taken_on"])
        faults = tuple(f for f in row["faults"].split(",") if f)
        return cls(row["id"], day, age_in_months(birth, day), row["exercise"], row["verdict"],
                   faults, json.loads(row["report"]))


@dataclass(frozen=True)
class SessionEntry:
    """One massage or routine session."""

    id: int
    kind: str
    started_at: str
    duration_s: float
    steps_done: tuple[str, ...]
    notes: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> SessionEntry:
        return cls(row["id"], row["kind"], row["started_at"], row["duration_s"],
                   tuple(loads(row["steps_done"], [])), row["notes"])


@dataclass(frozen=True)
class ScreeningEntry:
    """One screening questionnaire: the answers and the outcome status."""

    id: int
    answered_at: str
    answers: dict = field(compare=False, hash=False)
    status: str = "ok"
    reasons: tuple[str, ...] = ()

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> ScreeningEntry:
        return cls(row["id"], row["answered_at"], json.loads(row["answers"]), row["status"],
                   tuple(loads(row["reasons"], [])))


@dataclass(frozen=True)
class DeleteSummary:
    """What :meth:`HistoryStore.delete_child` removed: rows per table and image files."""

    child: Child
    rows: dict = field(compare=False, hash=False)
    images_removed: int = 0
