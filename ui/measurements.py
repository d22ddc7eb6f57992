"""History page parts for single measurements: the list, editing the day taken and the
notes, deleting one (with a confirmation), and comparing two days side by side.

Reads and writes through :class:`coach.store.HistoryStore` (``measurements``,
``update_measurement``, ``delete_measurement``); labels are the stored reading of each foot,
never decided here.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from ui.state import format_age
from ui.widgets import fmt, guard
from vision.footprint.bands import METRIC_NAMES
from vision.footprint.reading import read_foot, value_text

#: Numbers compared between two measurements: (field, label, digits, unit).
COMPARED = (
    ("arch_index", "Arch index", 3, ""),
    ("staheli_index", "Staheli index", 2, ""),
    ("chippaux_smirak_index", "Chippaux-Smirak index", 1, "%"),
    ("clarke_angle_deg", "Clarke's angle", 1, "°"),
    ("length_mm", "Length", 0, "mm"),
    ("width_mm", "Width", 0, "mm"),
)


def day_text(day: date) -> str:
    return day.isoformat()


def option_key(m) -> str:
    """A picker value that changes when the day taken changes, so a picker never keeps
    showing a day that was just edited."""
    return f"{m.id}@{m.taken_on.isoformat()}"


def option_text(m) -> str:
    """'2024-03-01 · 4 years 1 month' for a measurement."""
    return f"{day_text(m.taken_on)} · {format_age(m.age_months)}"


def label_of(foot, age_months: float) -> str:
    """The footprint reading's label of one foot at the age the print was taken."""
    return "–" if foot is None else read_foot(foot, age_months).label


def number(value, key: str, digits: int, unit: str) -> str:
    """A value for the compare table; the band indices with the digits their labels need."""
    if value is None or key not in METRIC_NAMES:
        return fmt(value, digits, unit)
    return f"{value_text(value, key)} {unit}".rstrip()


def measurements_frame(measurements) -> pd.DataFrame:
    """One row per measurement: day taken, age, each foot's reading (the index that decides
    its label, with the digits it needs, and the label), notes, when saved."""
    rows = []
    for m in reversed(measurements):
        row = {"taken on": day_text(m.taken_on), "age": format_age(m.age_months)}
        for side in ("left", "right"):
            foot = m.foot(side)
            row[f"{side} foot"] = (read_foot(foot, m.age_months).short_text
                                   if foot else "–")
        row["notes"] = m.notes
        row["saved"] = (m.saved_at or "")[:16].replace("T", " ") or "–"
        rows.append(row)
    return pd.DataFrame(rows)


def render_list(store, child) -> None:
    """The measurements table with edit and delete for the one picked."""
    measurements = store.measurements(child.id)
    st.subheader("Measurements")
    flash = st.session_state.pop("hp_flash", None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    if not measurements:
        return
    st.dataframe(measurements_frame(measurements), hide_index=True, width="stretch")
    by_key = {option_key(m): m for m in measurements}
    pick = st.selectbox("Edit or delete a measurement", list(reversed(by_key)),
                        format_func=lambda k: option_text(by_key[k]), key="hp_pick")
    m = by_key[pick]
    with st.expander(f"Edit the measurement of {day_text(m.taken_on)}"):
        _edit(store, child, m)
    with st.expander(f"Delete the measurement of {day_text(m.taken_on)}"):
        _delete(store, child, m)


def _edit(store, child, m) -> None:
    with st.form(f"hp_edit_{m.id}"):
        day = st.date_input("Day the print was taken", value=m.taken_on,
                            min_value=child.birth_date, max_value=date.today(),
                            key=f"hp_day_{m.id}", format="YYYY-MM-DD")
        notes = st.text_input("Notes", value=m.notes, max_chars=200, key=f"hp_notes_{m.id}")
        sent = st.form_submit_button("Save changes")
    if sent:
        with guard("saving the changes"):
            store.update_measurement(child.id, m.id, taken_on=day, notes=notes)
            st.session_state["hp_flash"] = (f"Saved: the print is now dated "
                                            f"{day_text(day)}.")
            st.rerun()


def _delete(store, child, m) -> None:
    st.write(f"This removes both feet of the print taken on {day_text(m.taken_on)}"
             + (" and its photo" if m.image_path else "") + " from the history.")
    sure = st.checkbox("Yes, delete this measurement", key=f"hp_del_sure_{m.id}")
    if st.button("Delete this measurement", disabled=not sure, key="hp_delete"):
        with guard("deleting the measurement"):
            gone = store.delete_measurement(child.id, m.id)
            st.session_state.pop("hp_pick", None)
            st.session_state["hp_flash"] = (f"The measurement of {day_text(gone.taken_on)} "
                                            "was deleted.")
            st.rerun()


def change_frame(older, newer) -> pd.DataFrame:
    """Per foot and number: the older value, the newer one and the change."""
    rows = []
    for side in ("left", "right"):
        a, b = older.foot(side), newer.foot(side)
        for key, label, digits, unit in COMPARED:
            va = getattr(a, key, None) if a else None
            vb = getattr(b, key, None) if b else None
            change = None if va is None or vb is None else vb - va
            rows.append({"foot": side, "measure": label,
                         day_text(older.taken_on): number(va, key, digits, unit),
                         day_text(newer.taken_on): number(vb, key, digits, unit),
                         "change": "–" if change is None else f"{change:+.{digits}f} {unit}".strip()})
        rows.append({"foot": side, "measure": "Label",
                     day_text(older.taken_on): label_of(a, older.age_months),
                     day_text(newer.taken_on): label_of(b, newer.age_months), "change": ""})
    return pd.DataFrame(rows)


def render_compare(store, child, picture) -> None:
    """Two days side by side: the picture of each (``picture(store, measurement)`` draws
    it or returns None), then every number per foot with its change."""
    measurements = store.measurements(child.id)
    if len(measurements) < 2:
        return
    st.subheader("Compare two days")
    by_key = {option_key(m): m for m in measurements}
    keys = list(by_key)
    cols = st.columns(2)
    a = cols[0].selectbox("Earlier print", keys, index=0, key="hp_cmp_a",
                          format_func=lambda k: option_text(by_key[k]))
    b = cols[1].selectbox("Later print", keys, index=len(keys) - 1, key="hp_cmp_b",
                          format_func=lambda k: option_text(by_key[k]))
    older, newer = sorted((by_key[a], by_key[b]), key=lambda m: (m.taken_on, m.id))
    if older.id == newer.id:
        st.info("Pick two different prints to compare.", icon=":material/compare:")
        return
    for col, m in zip(st.columns(2), (older, newer), strict=True):
        with col:
            image = picture(store, m)
            if image is not None:
                st.image(image, caption=f"Print taken on {option_text(m)}", width="stretch")
            else:
                st.caption(f"{option_text(m)}: no photo or drawing was stored with this print.")
    months = newer.age_months - older.age_months
    st.caption(f"{months:.0f} months apart. Change = later minus earlier.")
    st.dataframe(change_frame(older, newer), hide_index=True, width="stretch")
