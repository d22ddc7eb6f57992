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

from ui.state import (  # noqa: E402
    current_child,
    ensure_demo_child,
    format_age,
    get_store,
    sync_child_param,
)
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
            url_path="footprint"),
    st.Page(lazy("movement_page"), title="Movement", icon=":material/directions_run:",
            url_path="movement"),
    st.Page(lazy("routine_page"), title="Routine", icon=":material/event_note:",
            url_path="routine"),
    st.Page(lazy("history_page"), title="History", icon=":material/monitoring:",
            url_path="history"),
    st.Page(lazy("report_page"), title="Report", icon=":material/picture_as_pdf:",
            url_path="report"),
]
HOME = PAGES[1]         # what the bare address opens


def start() -> None:
    """The bare address: open the Footprint page under its own address. (Streamlit gives
    the default page no path of its own, so a visible default page would make /footprint
    "Page not found"; this hidden one keeps every page's link working.)"""
    st.switch_page(HOME, query_params=dict(st.query_params))


START = st.Page(start, title="footcoach", url_path="start", default=True,
                visibility="hidden")


def show_child(main, side, store) -> None:
    """The selected child in the main area (every width, phones too) and in the sidebar.
    The alias goes through ``st.text``: shown exactly as typed, never as markup."""
    child = current_child(store)
    with main.container():
        if child is not None:
            st.text(f"Child: {child.alias} · {format_age(child.age_months)}")
    with side.container():
        if child is not None:
            st.caption("Selected child")
            st.text(f"{child.alias} · {format_age(child.age_months)}")
        st.caption("Everything stays on this computer.")


st.set_page_config(page_title="footcoach", page_icon=app_icon(), layout="wide")
page = st.navigation([START, *PAGES])
with st.sidebar:
    side_slot = st.empty()
main_slot = st.empty()
with guard("loading the selected child"):
    store = get_store()
    ensure_demo_child(store)
    sync_child_param(store)
    show_child(main_slot, side_slot, store)
with guard("showing this page"):      # last safety net: never a traceback on the page
    page.run()
with guard("loading the selected child"):
    show_child(main_slot, side_slot, store)   # a switch on this page shows at once
