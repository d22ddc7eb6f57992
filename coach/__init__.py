"""coach: age-banded foot routines, contraindication screening and plans.

Public API::

    from coach import screen, QUESTIONS, build_plan, Assessments
    outcome = screen({q.id: False for q in QUESTIONS})   # every question answered
    plan = build_plan(14, outcome)                         # Plan, see coach.plan
    store = HistoryStore()                                 # SQLite history, see coach.store

Knowledge lives in ``coach/data/*.toml`` (see :mod:`coach.knowledge`). The names below are
re-exported lazily, so ``import coach.store`` does not load or validate the routine data.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "coach.knowledge": ("AgeBand", "Knowledge", "MAX_AGE_MONTHS", "RepRange", "Technique",
                        "band_for_age", "load_knowledge"),
    "coach.assessments": ("Assessments", "ExerciseFinding", "FootReading"),
    "coach.plan": ("Adaptation", "Plan", "PlanStep", "build_plan"),
    "coach.screening": ("NOT_SCREENED", "QUESTION_IDS", "QUESTIONS", "ScreeningOutcome",
                        "ScreeningQuestion", "answers_from_items", "screen"),
    "coach.store": ("HistoryStore", "Child", "TrendPoint", "FootprintEntry", "ExerciseEntry",
                    "SessionEntry", "ScreeningEntry", "DeleteSummary", "UnknownChildError",
                    "AliasTakenError", "footcoach_home"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'coach' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
