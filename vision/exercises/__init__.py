"""Exercise analysis: landmark trace in, :class:`~vision.exercises.report.ExerciseReport` out.

One module per exercise, each exposing ``analyse(trace: Trace, **options) -> ExerciseReport``.
Analysis reads traces only (never a camera or a model), so it is testable with synthetic
traces from :mod:`synth`.
"""

from __future__ import annotations

import importlib

from vision.exercises.report import ExerciseReport
from vision.pose.trace import Trace

EXERCISES = {
    "squat": "vision.exercises.squat",
    "walk": "vision.exercises.walk",
    "leg-raise": "vision.exercises.leg_raise",
    "heel-raise": "vision.exercises.heel_raise",
    "massage": "vision.exercises.massage",
}


def analyse(trace: Trace, exercise: str, **options) -> ExerciseReport:
    """Analyse ``trace`` as ``exercise`` (one of :data:`EXERCISES`)."""
    if exercise not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise!r}; choose one of {', '.join(EXERCISES)}")
    module = importlib.import_module(EXERCISES[exercise])
    return module.analyse(trace, **options)
