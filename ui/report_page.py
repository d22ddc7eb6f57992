"""Report page: a PDF summary for an orthopaedist and CSV exports of the history.

Calls :func:`coach.report.build_report_pdf` (PDF) and :func:`coach.report.export_csv_bytes`
(CSV through the history store) and offers the bytes as downloads.
"""

from __future__ import annotations

import re
import time
from datetime import date

import streamlit as st

from ui.engines import engine
from ui.state import format_age, open_page
from ui.widgets import guard, history_summary

CSV_TABLES = {"footprints": "Footprint measurements", "exercises": "Exercise checks",
              "sessions": "Routine sessions"}


def _file_stem(alias: str) -> str:
    """A safe file-name stem from the alias."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", alias).strip("-") or "child"
    return f"footcoach-{stem}-{date.today().isoformat()}"


def render() -> None:
    """Render the Report page."""
    store, child = open_page("Report", need_store=True)
    if child is None:
        return
    st.caption(f"For the selected child, {format_age(child.age_months)} old.")
    report = engine("coach.report", "build_report_pdf", "export_csv_bytes")
    if report is None:
        return
    stem = _file_stem(child.alias)
    st.subheader("PDF for the orthopaedist")
    st.write("Footprint photos with their overlays, every index per foot with the reference "
             "each reading uses, the arch-index trend, left/right asymmetry, exercise-check "
             "findings and logged routines. It measures and explains; it is not a diagnosis.")
    st.caption(f"In the history now: {history_summary(store, child)}.")
    key = f"rp_pdf_{child.id}"
    if st.button("Create the PDF report", type="primary", key="rp_make"):
        with st.spinner("Creating the report…"), guard("creating the PDF report"):
            t0 = time.perf_counter()
            st.session_state[key] = report.build_report_pdf(store, child.id)
            st.session_state["rp_seconds"] = time.perf_counter() - t0
    pdf = st.session_state.get(key)
    if pdf:
        st.download_button("Download the PDF report", pdf, file_name=f"{stem}.pdf",
                           mime="application/pdf", icon=":material/picture_as_pdf:", key="rp_pdf_dl")
        st.caption(f"{len(pdf) / 1024:.0f} KB, created in "
                   f"{st.session_state.get('rp_seconds', 0):.1f} s.")
    st.subheader("Spreadsheet export (CSV)")
    cols = st.columns(len(CSV_TABLES))
    for col, (table, label) in zip(cols, CSV_TABLES.items(), strict=True):
        with col, guard(f"exporting the {label.lower()}"):
            data = report.export_csv_bytes(store, child.id, table=table)
            col.download_button(label, data, file_name=f"{stem}-{table}.csv", mime="text/csv",
                                icon=":material/table_view:", key=f"rp_csv_{table}")
            rows = max(0, len(data.splitlines()) - 1)
            col.caption(f"{rows} row{'s' if rows != 1 else ''}")
