"""Session state: the selected child and the history store.

Everything on the pages follows the child selected on the Child page
(``st.session_state["child_id"]``). The history store is :class:`coach.store.HistoryStore`
(its database lives under ``$FOOTCOACH_HOME``); while that engine is missing, children live in
the browser session only, so the other pages still work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from ui.engines import load

DEMO_ALIAS = "Demo child"
DEMO_AGE_MONTHS = 62          # a 5-year-old: inside every reference band the app shows


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
    """A :class:`coach.store.HistoryStore` for this script run, or None while it is missing.

    A fresh store per run: SQLite connections must not cross the threads Streamlit runs
    scripts on."""
    mod = load("coach.store", "HistoryStore")
    if mod is None:
        return None
    try:
        return mod.HistoryStore()
    except Exception:  # noqa: BLE001 - an unusable database must not break every page
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
    """On first run (no child at all) create the demo child and select it."""
    if list_children(store):
        return
    child = add_child(DEMO_ALIAS, birth_date_for_age(DEMO_AGE_MONTHS), store)
    st.session_state["child_id"] = child.id


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
        st.info("The history store is not available in this build.",
                icon=":material/construction:")
        return None, None
    return store, child
