"""Access to the analysis engines from the pages.

Every engine is part of footcoach: a module that fails to import is a bug, so :func:`load`
and :func:`engine` let the error through (the suite fails on it; on a page the guard shows a
plain sentence and the server log keeps the traceback). Only the optional extras in
:data:`OPTIONAL` (packages a household may not have installed) may be missing, and
:func:`optional` says so in plain words.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import streamlit as st

#: Optional third-party packages and what they enable (install hint shown when missing).
OPTIONAL = {
    "streamlit_webrtc": "live checking with the webcam",
    "av": "live checking with the webcam",
}


def load(module: str, *attrs: str) -> ModuleType:
    """Import ``module`` and check it has ``attrs``.

    Raises
    ------
    ImportError
        When the module cannot be imported (the original error is chained) or lacks one of
        ``attrs``: both mean this copy of footcoach is broken, never "not available yet".
    """
    mod = importlib.import_module(module)
    missing = [a for a in attrs if not hasattr(mod, a)]
    if missing:
        raise ImportError(f"{module} has no {', '.join(missing)}")
    return mod


def engine(module: str, *attrs: str) -> ModuleType:
    """Same as :func:`load` (kept for the pages that call it by this name)."""
    return load(module, *attrs)


def optional(package: str) -> ModuleType | None:
    """An optional package from :data:`OPTIONAL`, or None after telling the user it is not
    installed (only a missing package counts; a package that is installed but broken
    raises)."""
    if package not in OPTIONAL:
        raise ValueError(f"{package!r} is not an optional extra of footcoach")
    try:
        return importlib.import_module(package)
    except ModuleNotFoundError as exc:
        if exc.name != package:
            raise
        st.info(f"{OPTIONAL[package].capitalize()} needs the {package.replace('_', '-')} "
                "package, which is not installed on this computer.",
                icon=":material/extension:")
        return None
