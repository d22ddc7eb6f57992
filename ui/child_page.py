"""Child page: pick or create the child everything else follows.

Only an alias and a birth date are kept (no full name); the age in months drives every
age-aware reading and routine."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ui.state import (
    add_child,
    current_child,
    ensure_demo_child,
    format_age,
    get_store,
    list_children,
)
from ui.widgets import guard


def render() -> None:
    """Render the Child page."""
    st.title("Child")
    st.write("Pick the child you are measuring, or add a new one. Use a nickname or initials: "
             "footcoach never needs a full name.")
    with guard("loading the list of children"):
        store = get_store()
        if store is None:
            st.info("The history store is not available yet: children are kept for this "
                    "browser session only.", icon=":material/construction:")
        ensure_demo_child(store)
        _picker(store)
        st.divider()
        _new_child_form(store)


def _picker(store) -> None:
    children = list_children(store)
    selected = current_child(store)
    ids = [c.id for c in children]
    labels = {c.id: f"{c.alias} ({format_age(c.age_months)})" for c in children}
    choice = st.selectbox("Selected child", ids, index=ids.index(selected.id),
                          format_func=labels.get, key="child_picker")
    if choice != st.session_state.get("child_id"):
        st.session_state["child_id"] = choice
    child = next(c for c in children if c.id == choice)
    cols = st.columns(3)
    cols[0].metric("Age", format_age(child.age_months))
    cols[1].metric("Age in months", child.age_months)
    cols[2].metric("Born", child.birth_date.isoformat())


def _new_child_form(store) -> None:
    st.subheader("Add a child")
    with st.form("new_child", clear_on_submit=True):
        alias = st.text_input("Alias (nickname or initials)", max_chars=40)
        today = date.today()
        born = st.date_input("Birth date", value=date(today.year - 4, today.month, 1),
                             min_value=date(today.year - 18, 1, 1), max_value=today)
        submitted = st.form_submit_button("Add child", type="primary")
    if not submitted:
        return
    alias = alias.strip()
    if not alias:
        st.error("Please give the child an alias (a nickname or initials).")
        return
    if any(c.alias == alias for c in list_children(store)):
        st.error("There is already a child with that alias; choose another one.")
        return
    try:
        child = add_child(alias, born, store)
    except ValueError as exc:      # the store checks aliases and dates (AliasTakenError too)
        st.error(f"This child could not be added: {exc}.")
        return
    st.session_state["child_id"] = child.id
    st.session_state.pop("child_picker", None)
    st.toast("Child added and selected.", icon=":material/child_care:")
    st.rerun()
