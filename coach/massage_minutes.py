"""Recommended daily foot-massage minutes for a child's age, from the routines knowledge.

The massage analysis (:mod:`vision.exercises.massage`) takes these minutes as an argument
(``target_minutes``): vision never reads coach data itself; the CLI and the app look the
minutes up here and pass them in.
"""

from __future__ import annotations

from coach.knowledge import band_for_age, load_knowledge

MASSAGE_KINDS = ("stroking", "rubbing", "kneading", "tapping", "massage")
MASSAGE_ONLY_ABOVE_MIN = 10     # minutes: longer sessions also hold gymnastics


def target_minutes_for_age(age_months: float | None) -> float | None:
    """Recommended daily foot-massage minutes for the age band (None if unknown).

    Infant bands give their whole routine (2-7 minutes); for bands whose session also holds
    gymnastics (over ``MASSAGE_ONLY_ABOVE_MIN`` minutes) only the massage techniques' time
    counts.
    """
    if age_months is None:
        return None
    try:
        band = band_for_age(age_months)
        if band.minutes <= MASSAGE_ONLY_ABOVE_MIN:
            return float(band.minutes)
        tech = load_knowledge().techniques
        secs = sum(s.seconds for s in band.steps if tech[s.technique].kind in MASSAGE_KINDS)
        return secs / 60.0 if secs else float(band.minutes)
    except (KeyError, ValueError):  # an age outside every band
        return None
