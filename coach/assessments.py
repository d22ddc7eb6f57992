"""Measurements that adapt a plan, read from footprint and exercise JSON.

:class:`Assessments` gathers the feet of ``footcoach footprint --json`` results
(:class:`FootReading`: arch index, Staheli, Chippaux-Smirak in %, quality 0..1, age in months
when the print was taken) and the fault codes of ``footcoach exercise --json`` reports
(:class:`ExerciseFinding`). Bad JSON raises ``ValueError`` naming the item and field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coach.knowledge import check_age

__all__ = ["Assessments", "ExerciseFinding", "FootReading"]


@dataclass(frozen=True)
class FootReading:
    """One foot from a footprint result (``footcoach footprint --json``)."""

    side: str
    arch_index: float
    staheli_index: float
    chippaux_smirak_index: float      # %
    category: str                     # adult arch-index band, not used for children
    quality_score: float              # 0..1
    age_months: float | None = None   # age when the print was taken, if known


@dataclass(frozen=True)
class ExerciseFinding:
    """One exercise report (``footcoach exercise --json``), reduced to its fault codes."""

    exercise: str
    verdict: str
    fault_codes: tuple[str, ...]
    age_months: float | None = None


def _num(obj: Mapping, key: str, where: str) -> float:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}: '{key}' must be a number, got {value!r}")
    return float(value)


def _items(data: Any, what: str) -> list[Mapping]:
    items = data if isinstance(data, list) else [data]
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise ValueError(f"{what} {i}: expected a JSON object, got {type(item).__name__}")
    return items


@dataclass(frozen=True)
class Assessments:
    """Measurements that adapt a plan. Combine several with :meth:`merged`."""

    feet: tuple[FootReading, ...] = ()
    exercises: tuple[ExerciseFinding, ...] = ()

    @classmethod
    def from_footprint(cls, data: Any, *, age_months: float | None = None) -> Assessments:
        """From footprint JSON: one result object or the CLI's array of them. Images with
        ``ok: false`` are skipped. ``age_months`` is the age when the print was taken."""
        age = None if age_months is None else check_age(age_months)
        feet = []
        for i, item in enumerate(_items(data, "footprint result")):
            if not item.get("ok", False):
                continue
            for j, foot in enumerate(item.get("feet") or []):
                where = f"footprint result {i}, foot {j}"
                if not isinstance(foot, Mapping) or foot.get("side") not in ("left", "right"):
                    raise ValueError(f"{where}: needs 'side' left or right")
                quality = foot.get("quality") or {}
                feet.append(FootReading(
                    foot["side"], _num(foot, "arch_index", where),
                    _num(foot, "staheli_index", where),
                    _num(foot, "chippaux_smirak_index", where),
                    str(foot.get("category", "")),
                    _num(quality, "score", where + " quality") if quality else 1.0, age))
        return cls(feet=tuple(feet))

    @classmethod
    def from_exercise(cls, data: Any, *, age_months: float | None = None) -> Assessments:
        """From exercise report JSON (one report or a list of them)."""
        age = None if age_months is None else check_age(age_months)
        found = []
        for i, item in enumerate(_items(data, "exercise report")):
            if "exercise" not in item or "verdict" not in item:
                raise ValueError(f"exercise report {i}: needs 'exercise' and 'verdict'")
            codes = [f.get("code") for f in item.get("faults") or [] if isinstance(f, Mapping)]
            for rep in item.get("reps") or []:
                if isinstance(rep, Mapping):
                    codes.extend(rep.get("faults") or [])
            found.append(ExerciseFinding(str(item["exercise"]), str(item["verdict"]),
                                         tuple(dict.fromkeys(c for c in codes if c)), age))
        return cls(exercises=tuple(found))

    def merged(self, other: Assessments) -> Assessments:
        return Assessments(self.feet + other.feet, self.exercises + other.exercises)
