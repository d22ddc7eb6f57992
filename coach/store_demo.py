"""The demo child's history: a believable multi-year record so that every page has
something to show on first run.

The numbers are invented but follow what the literature describes for children: the arch
index and the Staheli index fall, the Chippaux-Smirak index falls and Clarke's angle rises
between 3 and 6 years while the arch forms (Pfeiffer 2006; Staheli 1987), the foot grows
about 9 mm a year, and the two feet differ a little. No photo is stored: the demo is data only,
marked as such in every measurement's notes. The label each foot gets is the footprint
reading's for the age at the day taken (:func:`vision.footprint.reading.read_foot`), never
decided here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from coach.screening import QUESTIONS
from coach.store_types import DAYS_PER_MONTH

DEMO_NOTE = "Demo data (not a real child)."
#: Ages (months) of the demo prints, with the left foot's indices at that age.
#: (age, arch index, Staheli index, Chippaux-Smirak %, Clarke's angle deg, length mm)
DEMO_PRINTS = (
    (26, 0.318, 1.25, 64.0, 18.0, 139.0),
    (34, 0.304, 1.18, 60.5, 22.0, 146.0),
    (40, 0.291, 1.09, 56.0, 26.0, 151.0),
    (46, 0.279, 1.01, 52.5, 29.5, 155.0),
    (52, 0.266, 0.93, 48.0, 33.0, 160.0),
    (58, 0.254, 0.86, 44.5, 36.5, 164.0),
)
RIGHT_OFFSET = (0.007, 0.03, 1.5, -1.0, 1.0)   # right foot minus left: AI, SI, CSI, angle, mm
WIDTH_RATIO = 0.39                             # forefoot width / foot length
DEMO_QUALITY = 0.88
DEMO_SESSIONS_DAYS_AGO = (20, 13, 9, 6, 3)      # routine sessions, with a screening each
SESSION_SECONDS = 13 * 60


@dataclass(frozen=True)
class DemoFoot:
    side: str
    arch_index: float
    staheli_index: float
    chippaux_smirak_index: float
    clarke_angle_deg: float
    length_mm: float

    def to_json(self, age_months: float) -> dict:
        foot = {"side": self.side, "arch_index": round(self.arch_index, 3),
                "staheli_index": round(self.staheli_index, 2),
                "chippaux_smirak_index": round(self.chippaux_smirak_index, 1),
                "clarke_angle_deg": round(self.clarke_angle_deg, 1),
                "length_mm": round(self.length_mm, 1),
                "width_mm": round(self.length_mm * WIDTH_RATIO, 1),
                "quality": {"score": DEMO_QUALITY, "issues": []}}
        # Imported here: the vision package pulls in OpenCV, which the store alone does not need.
        from vision.footprint.reading import read_foot

        return {**foot, **read_foot(foot, age_months).to_json()}


def demo_feet(left: tuple[float, ...]) -> tuple[DemoFoot, DemoFoot]:
    right = tuple(v + d for v, d in zip(left, RIGHT_OFFSET, strict=True))
    return DemoFoot("left", *left), DemoFoot("right", *right)


def fill_demo_history(store, child_id: int, *, today: date | None = None) -> int:
    """Add the demo prints (those after the birth date and not in the future), routine
    sessions and their screenings to the child; return the number of measurements added."""
    today = today or date.today()
    kid = store.get_child(child_id)
    added = 0
    for age, *left in DEMO_PRINTS:
        day = kid.birth_date + timedelta(days=round(age * DAYS_PER_MONTH))
        if day > today:
            continue
        feet = [f.to_json(float(age)) for f in demo_feet(tuple(left))]
        result = {"image": "demo", "ok": True, "feet": feet, "warnings": []}
        store.add_footprint(kid.id, result, taken_on=day, notes=DEMO_NOTE)
        added += 1
    now = datetime.now(UTC)
    for days in DEMO_SESSIONS_DAYS_AGO:
        when = datetime.combine(today - timedelta(days=days), time(18, 0), tzinfo=UTC)
        if when > now or when.date() < kid.birth_date:
            continue
        store.add_screening(kid.id, {q.id: False for q in QUESTIONS}, "ok",
                            answered_at=when - timedelta(minutes=5))
        store.add_session(kid.id, "routine", started_at=when, duration_s=SESSION_SECONDS,
                          notes=f"{DEMO_NOTE} All steps done.")
    return added
