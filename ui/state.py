"""Session state: the selected child and the history store.

Everything on the pages follows the child selected on the Child page
(``st.session_state["child_id"]``), mirrored in the address as ``?child=<id>`` so that a
reload or a bookmark keeps the same child (:func:`sync_child_param`). The history store is
:class:`coach.store.HistoryStore` (its database lives under ``$FOOTCOACH_HOME``); when its
file cannot be opened the page says so and children live in the browser session only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from coach.store import HistoryStore
from coach.store_demo import fill_demo_history

DEMO_ALIAS = "Demo child"
DEMO_AGE_MONTHS = 62          # a 5-year-old: inside every reference band the app shows
CHILD_PARAM = "child"         # query parameter holding the selected child's id


@dataclass(frozen=True)
class ChildInfo:
    """What the pages need to know about a child (alias, never a full name)."""

    id: object
    alias: str
    birth_date: date

    @property
    def age_months(self) -> int:
        return age_in_months(self.birth_date)


def age_in_months(birth: date, on: date | None = None) -> int:
    """Whole months from ``birth`` to ``on`` (today by default); never negative."""
    on = on or date.today()
    months = (on.year - birth.year) * 12 + (on.month - birth.month) - (on.day < birth.day)
    return max(0, months)


def birth_date_for_age(months: int, on: date | None = None) -> date:
    """The birth date of a child who is ``months`` old on ``on`` (today by default)."""
    on = on or date.today()
    y, m = divmod(on.year * 12 + (on.month - 1) - months, 12)
    return date(y, m + 1, min(on.day, 28))


def format_age(months: int) -> str:
    """'4 years 2 months' style."""
    y, m = divmod(int(months), 12)
    parts = []
    if y:
        parts.append(f"{y} year{'s' if y != 1 else ''}")
    if m or not y:
        parts.append(f"{m} month{'s' if m != 1 else ''}")
    return " ".join(parts)


def get_store():
    """A :class:`coach.store.HistoryStore` for this script run, or None (after a plain
    message) when its file cannot be opened.

    A fresh store per run: SQLite connections must not cross the threads Streamlit runs
    scripts on."""
    try:
        return HistoryStore()
    except Exception as exc:  # noqa: BLE001 - an unusable database must not break every page
        if not st.session_state.get("_store_warned"):
            st.session_state["_store_warned"] = True
            st.error(f"The history file could not be opened ({exc}). Nothing was changed. "
                     "Close any other footcoach window and reload; if it keeps happening, "
                     "move the file away to start a new history. Until then children are "
                     "kept for this browser session only.", icon=":material/error:")
        return None


def _to_date(value) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _child_info(child) -> ChildInfo:
    if isinstance(child, dict):
        return ChildInfo(child["id"], str(child["alias"]), _to_date(child["birth_date"]))
    return ChildInfo(child.id, str(child.alias), _to_date(child.birth_date))


def list_children(store=None) -> list[ChildInfo]:
    """All children, from the store or (without one) from this browser session."""
    if store is not None:
        return [_child_info(c) for c in store.list_children()]
    return list(st.session_state.setdefault("_local_children", []))


def add_child(alias: str, birth_date: date, store=None) -> ChildInfo:
    """Create a child and return it."""
    if store is not None:
        return _child_info(store.add_child(alias, birth_date))
    local = st.session_state.setdefault("_local_children", [])
    child = ChildInfo(f"local-{len(local) + 1}", alias, birth_date)
    local.append(child)
    return child


def ensure_demo_child(store=None) -> None:
    """On first run (no child at all) create the demo child, with a history of several
    years when the store is there, and select it."""
    if list_children(store):
        return
    child = add_child(DEMO_ALIAS, birth_date_for_age(DEMO_AGE_MONTHS), store)
    if store is not None:
        fill_demo_history(store, child.id)
    st.session_state["child_id"] = child.id


def sync_child_param(store=None) -> None:
    """Keep ``?child=<id>`` and the session's selected child in step.

    A new browser session (a reload, a bookmark) takes the child from the address; after
    that the session's choice wins and is written back to the address on every run (page
    changes drop query parameters)."""
    wanted = st.query_params.get(CHILD_PARAM)
    if "child_id" not in st.session_state and wanted:
        ids = {str(c.id): c.id for c in list_children(store)}
        if wanted in ids:
            st.session_state["child_id"] = ids[wanted]
    child = current_child(store)
    if child is not None and st.query_params.get(CHILD_PARAM) != str(child.id):
        st.query_params[CHILD_PARAM] = str(child.id)


def select_child(child_id) -> None:
    """Make ``child_id`` the selected child (session and address)."""
    st.session_state["child_id"] = child_id
    st.query_params[CHILD_PARAM] = str(child_id)


def current_child(store=None) -> ChildInfo | None:
    """The selected child (the first one when none is selected yet)."""
    children = list_children(store)
    if not children:
        return None
    wanted = st.session_state.get("child_id")
    for c in children:
        if c.id == wanted:
            return c
    st.session_state["child_id"] = children[0].id
    return children[0]


def open_page(title: str, *, need_store: bool = False):
    """Start a page: its title, then ``(store, child)`` for the selected child.

    Returns ``(None, None)`` after telling the user what is missing (no child yet, or no
    history store when the page needs one), so the caller simply returns.
    """
    st.title(title)
    store = get_store()
    child = current_child(store)
    if child is None:
        st.warning("Add a child on the Child page first.")
        return None, None
    if need_store and store is None:
        st.info("This page needs the history file, which could not be opened (see the "
                "message above).", icon=":material/info:")
        return None, None
    return store, child
