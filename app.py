"""footcoach Streamlit app: UI only. Each page calls one function from ``vision`` or ``coach``
and renders its result; the pages live in :mod:`ui`.

Run: ``streamlit run app.py`` (listens on 127.0.0.1, see ``.streamlit/config.toml``).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:          # `ui` is not an installed package
    sys.path.insert(0, str(ROOT))

from ui.state import current_child, ensure_demo_child, format_age, get_store  # noqa: E402
from ui.widgets import app_icon, guard  # noqa: E402


def lazy(module: str):
    """The ``render`` of ``ui.<module>``, imported on first visit: the first page shows
    without waiting for the libraries only other pages need (Altair, pandas, OpenCV...)."""
    def render() -> None:
        importlib.import_module(f"ui.{module}").render()

    render.__name__ = module
    return render


PAGES = [
    st.Page(lazy("child_page"), title="Child", icon=":material/child_care:", url_path="child"),
    st.Page(lazy("footprint_page"), title="Footprint", icon=":material/footprint:",
            url_path="footprint", default=True),
    st.Page(lazy("movement_page"), title="Movement", icon=":material/directions_run:",
            url_path="movement"),
    st.Page(lazy("routine_page"), title="Routine", icon=":material/event_note:",
            url_path="routine"),
    st.Page(lazy("history_page"), title="History", icon=":material/monitoring:",
            url_path="history"),
    st.Page(lazy("report_page"), title="Report", icon=":material/picture_as_pdf:",
            url_path="report"),
]


def sidebar() -> None:
    """The selected child, shown on every page."""
    with st.sidebar, guard("loading the selected child"):
        store = get_store()
        ensure_demo_child(store)
        child = current_child(store)
        if child is not None:
            st.caption("Selected child")
            st.text(f"{child.alias} · {format_age(child.age_months)}")
        st.caption("Everything stays on this computer.")


st.set_page_config(page_title="footcoach", page_icon=app_icon(), layout="wide")
page = st.navigation(PAGES)
sidebar()
with guard("showing this page"):      # last safety net: never a traceback on the page
    page.run()
