"""History page: arch index against age with reference bands, left/right asymmetry, and
exercise and massage sessions over time.

Reads :meth:`coach.store.HistoryStore.arch_trend`, ``exercise_history`` and
``session_history``; draws them with Altair. No numbers are computed here beyond the
left-minus-right difference shown next to the chart.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from ui import measurements
from ui.state import format_age, open_page
from ui.widgets import guard

# Adult arch-index bands (Cavanagh & Rodgers, J Biomech 1987). Under 36 months the fat pad
# makes every print read flat, so no label applies there (see DESIGN.md).
BANDS = [
    {"band": "high arch (≤ 0.21)", "lo": 0.0, "hi": 0.21, "colour": "#9ecae1"},
    {"band": "normal (0.21–0.26)", "lo": 0.21, "hi": 0.26, "colour": "#a1d99b"},
    {"band": "flat (≥ 0.26)", "lo": 0.26, "hi": 0.45, "colour": "#fdae6b"},
]
FAT_PAD_MONTHS = 36


def field(obj, name, default=None):
    """Read ``name`` from a store row, whether it is a dataclass, a Row or a dict."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def render() -> None:
    """Render the History page."""
    store, child = open_page("History", need_store=True)
    if child is None:
        return
    st.caption(f"For the selected child, now {format_age(child.age_months)} old.")
    with guard("reading the arch history"):
        _arch(store, child)
    with guard("reading the measurements"):
        measurements.render_list(store, child)
    with guard("comparing two prints"):
        measurements.render_compare(store, child, picture)
    with guard("reading the sessions"):
        _sessions(store, child)


def picture(store, m):
    """The stored photo of a measurement (bytes), or None when none was kept."""
    path = store.image_file(m.feet[0]) if m.feet else None
    if path is not None and path.is_file():
        return path.read_bytes()
    return None


def trend_frame(points) -> pd.DataFrame:
    """TrendPoints as a DataFrame (age_months, side, arch_index, taken_on)."""
    return pd.DataFrame([{"age_months": float(field(p, "age_months")), "side": field(p, "side"),
                          "arch_index": float(field(p, "arch_index")),
                          "taken_on": str(field(p, "taken_on"))[:10]} for p in points],
                        columns=["age_months", "side", "arch_index", "taken_on"])


def arch_chart(df: pd.DataFrame) -> alt.LayerChart:
    """Arch index per foot against age, over the shaded reference bands."""
    x_max = max(72.0, float(df["age_months"].max()) + 6) if len(df) else 72.0
    x_min = max(0.0, float(df["age_months"].min()) - 12) if len(df) else 0.0
    x_scale = alt.Scale(domain=[x_min, x_max], nice=False)
    step = 6 if x_max - x_min <= 72 else 12
    x_ticks = list(range(int(-(-x_min // step) * step), int(x_max) + 1, step))
    y_scale = alt.Scale(domain=[0.0, 0.45], nice=False)
    bands = pd.DataFrame([dict(b, x0=x_min, x1=x_max) for b in BANDS])
    layers = [alt.Chart(bands).mark_rect(opacity=0.45).encode(
        x=alt.X("x0:Q", scale=x_scale, title="age (months)", axis=alt.Axis(values=x_ticks)),
        x2="x1:Q",
        y=alt.Y("lo:Q", scale=y_scale, title="arch index"), y2="hi:Q",
        color=alt.Color("band:N", scale=alt.Scale(domain=[b["band"] for b in BANDS],
                                                  range=[b["colour"] for b in BANDS]),
                        legend=alt.Legend(title="adult bands (Cavanagh & Rodgers)",
                                          orient="bottom", labelLimit=200, titleLimit=300)))]
    if x_min < FAT_PAD_MONTHS:
        pad = pd.DataFrame([{"x0": x_min, "x1": min(FAT_PAD_MONTHS, x_max), "lo": 0.0,
                             "hi": 0.45, "mid": (x_min + min(FAT_PAD_MONTHS, x_max)) / 2,
                             "note": "under 3 years: no label"}])
        base = alt.Chart(pad)
        layers.append(base.mark_rect(opacity=0.75, color="#e6e6e6").encode(
            x=alt.X("x0:Q", scale=x_scale), x2="x1:Q", y=alt.Y("lo:Q", scale=y_scale),
            y2="hi:Q", tooltip=["note"]))
        layers.append(base.mark_text(dy=-8, color="#666666", fontSize=12).encode(
            x=alt.X("mid:Q", scale=x_scale), y=alt.Y("hi:Q", scale=y_scale), text="note"))
    if len(df):
        layers.append(alt.Chart(df).mark_line(point=alt.OverlayMarkDef(size=80),
                                              strokeWidth=2.5).encode(
            x=alt.X("age_months:Q", scale=x_scale), y=alt.Y("arch_index:Q", scale=y_scale),
            color=alt.Color("side:N", scale=alt.Scale(domain=["left", "right"],
                                                      range=["#1f5fa8", "#d6452b"]),
                            legend=alt.Legend(title="foot", orient="bottom")),
            tooltip=["taken_on", "side", "age_months",
                     alt.Tooltip("arch_index", format=".3f")]))
    return alt.layer(*layers).resolve_scale(color="independent").properties(height=380)


def asymmetry_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Left and right arch index side by side per photo date, with their difference."""
    if df.empty:
        return pd.DataFrame()
    wide = df.pivot_table(index="taken_on", columns="side", values="arch_index", aggfunc="mean")
    if not {"left", "right"} <= set(wide.columns):
        return pd.DataFrame()
    wide = wide[["left", "right"]].dropna()
    wide["left − right"] = wide["left"] - wide["right"]
    return wide.round(3).reset_index().rename(columns={"taken_on": "date"})


def _arch(store, child) -> None:
    st.subheader("Arch index by age")
    df = trend_frame(store.arch_trend(child.id))
    if df.empty:
        st.info("No footprint saved yet. Measure one on the Footprint page and press "
                "“Save to history”.", icon=":material/footprint:")
        return
    st.altair_chart(arch_chart(df), width="stretch")
    young = df["age_months"].min() - 12 < FAT_PAD_MONTHS
    st.caption("Shaded: adult arch-index bands (Cavanagh & Rodgers 1987). Children's prints "
               "read flatter: the arch forms mostly between 3 and 6 years"
               + (", and under 3 years (grey) no label applies" if young else "")
               + ". The trend matters more than one photo.")
    asym = asymmetry_frame(df)
    if not asym.empty:
        st.subheader("Left / right")
        st.dataframe(asym, hide_index=True, width="stretch")
        big = asym["left − right"].abs().max()
        if big >= 0.05:
            st.warning("The two feet differ noticeably on at least one photo; retake the print, "
                       "and mention it to the doctor if it persists.")


SCREENING_WORDS = {"ok": "nothing stood in the way", "postpone": "routine postponed",
                   "refuse": "routine not advised"}


def sessions_frame(store, child) -> pd.DataFrame:
    """Exercise checks, routine sessions and every screening answered, as rows (date, kind,
    minutes, detail): identical screenings stay separate rows."""
    rows = []
    for s in store.screening_history(child.id):
        yes = [k.replace("_", " ") for k, v in s.answers.items() if v]
        rows.append({"date": str(s.answered_at)[:16].replace("T", " "), "kind": "screening",
                     "minutes": None,
                     "detail": SCREENING_WORDS.get(s.status, s.status)
                     + (f" ({', '.join(yes)})" if yes else " (all answers no)")})
    for s in store.session_history(child.id):
        rows.append({"date": str(field(s, "started_at"))[:16].replace("T", " "),
                     "kind": field(s, "kind"),
                     "minutes": round(float(field(s, "duration_s", 0) or 0) / 60, 1),
                     "detail": field(s, "notes", "") or ""})
    for e in store.exercise_history(child.id):
        report = field(e, "report", None) or field(e, "report_json", None) or {}
        ex = field(e, "exercise", None) or report.get("exercise", "exercise")
        verdict = field(e, "verdict", None) or report.get("verdict", "")
        rows.append({"date": str(field(e, "taken_on"))[:10], "kind": f"check: {ex}",
                     "minutes": None, "detail": str(verdict).replace("_", " ")})
    return pd.DataFrame(rows, columns=["date", "kind", "minutes", "detail"])


def _sessions(store, child) -> None:
    st.subheader("Sessions and exercise checks")
    df = sessions_frame(store, child)
    if df.empty:
        st.info("No sessions yet: finish a routine on the Routine page, or save an exercise "
                "check on the Movement page.", icon=":material/event_note:")
        return
    counts = (df.assign(date=df["date"].str[:10]).groupby(["date", "kind"]).size()
              .reset_index(name="count"))
    chart = alt.Chart(counts).mark_bar(size=22).encode(
        x=alt.X("date:O", title="date", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title="sessions", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("kind:N", title="kind"), tooltip=["date", "kind", "count"],
    ).properties(height=220)
    st.altair_chart(chart, width="stretch")
    st.dataframe(df.sort_values("date", ascending=False), hide_index=True, width="stretch")
