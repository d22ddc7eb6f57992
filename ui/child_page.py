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
    select_child,
)
from ui.widgets import guard, history_summary, md_escape


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
        flash = st.session_state.pop("_child_flash", None)
        if flash:
            st.success(flash, icon=":material/check_circle:")
        child = _picker(store)
        _counts(store, child)
        st.divider()
        _new_child_form(store)
        if store is not None:
            _delete(store, child)


def _picker(store) -> None:
    children = list_children(store)
    selected = current_child(store)
    ids = [c.id for c in children]
    labels = {c.id: f"{c.alias} ({format_age(c.age_months)})" for c in children}
    choice = st.selectbox("Selected child", ids, index=ids.index(selected.id),
                          format_func=labels.get, key="child_picker")
    if choice != st.session_state.get("child_id"):
        select_child(choice)
    child = next(c for c in children if c.id == choice)
    cols = st.columns(3)
    cols[0].metric("Age", format_age(child.age_months))
    cols[1].metric("Age in months", child.age_months)
    cols[2].metric("Born", child.birth_date.isoformat())
    return child


def _counts(store, child) -> None:
    """How much is stored for the child (read from the history store)."""
    if store is not None:
        st.caption(f"Saved so far: {history_summary(store, child)}.")


def _delete(store, child) -> None:
    """Remove a child and everything stored about them (rows and photos)."""
    with st.expander("Delete this child and all their data"):
        st.write("This removes every footprint, photo, exercise check and session saved for "
                 "the selected child from this computer. It cannot be undone.")
        sure = st.checkbox("Yes, delete everything about this child", key="child_del_sure")
        if st.button("Delete", disabled=not sure, key="child_del"):
            store.delete_child(child.id)
            st.session_state.pop("child_id", None)
            st.session_state.pop("child_picker", None)
            st.session_state.pop("child_del_sure", None)
            st.session_state["_child_flash"] = "The child and all their data were deleted."
            st.rerun()


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
        st.error(f"This child could not be added: {md_escape(str(exc))}.")
        return
    select_child(child.id)
    st.session_state.pop("child_picker", None)
    st.session_state["_child_flash"] = "Child added and selected."
    st.rerun()
