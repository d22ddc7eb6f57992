"""Guarded access to the analysis engines.

The pages import engines through :func:`engine` so that a missing or broken module shows a
friendly "not available yet" message instead of a traceback. Nothing here analyses anything.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import streamlit as st

#: Human names of the engines, used in the "not available yet" message.
ENGINE_NAMES = {
    "vision.footprint": "footprint measurement",
    "vision.pose.tracking": "video tracking",
    "vision.pose.estimator": "pose estimation",
    "vision.pose.annotate": "video annotation",
    "vision.exercises": "exercise analysis",
    "vision.exercises.live": "live coaching",
    "coach.knowledge": "routines knowledge",
    "coach.screening": "safety screening",
    "coach.plan": "routine planner",
    "coach.store": "history store",
    "coach.report": "orthopaedist report",
}


def load(module: str, *attrs: str) -> ModuleType | None:
    """Import ``module`` and check it has ``attrs``; None when it is missing or broken.

    A module being written by another engineer may be half-finished, so any exception on
    import counts as "not available"."""
    try:
        mod = importlib.import_module(module)
    except Exception:  # noqa: BLE001 - any import failure means "not available yet"
        return None
    if not all(hasattr(mod, a) for a in attrs):
        return None
    return mod


def engine(module: str, *attrs: str) -> ModuleType | None:
    """Like :func:`load`, but shows an info box on the page when the engine is missing."""
    mod = load(module, *attrs)
    if mod is None:
        name = ENGINE_NAMES.get(module, module)
        st.info(f"The {name} part of footcoach is not available yet in this build.", icon=":material/construction:")
    return mod
