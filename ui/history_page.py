"""History page: each footprint index against age over the bands that apply at each age,
left/right asymmetry, the measurements (edit, delete, compare two days) and the log of
sessions, exercise checks and screenings.

Reads :meth:`coach.store.HistoryStore.footprint_history` and friends; the bands come from
:func:`vision.footprint.bands.chart_bands` / ``bands_for_age`` and every label from
:func:`vision.footprint.reading.read_foot` at the age the print was taken. No numbers are
computed here beyond the left-minus-right difference.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from coach.plan import ASYMMETRY_MAX
from ui import measurements
from ui.state import format_age, open_page
from ui.widgets import guard
from vision.footprint.bands import METRIC_NAMES, bands_for_age, chart_bands, load_bands
from vision.footprint.reading import read_foot

CATEGORY_COLOURS = {"high": "#9ecae1", "normal": "#a1d99b", "flat": "#fdae6b"}
NO_BAND_COLOUR = "#e6e6e6"
SIDE_COLOURS = {"left": "#1f5fa8", "right": "#d6452b"}
MIN_SPAN_MONTHS = 72.0        # the age axis shows at least six years
Y_HEADROOM = 1.25             # top of the index axis: this much above the highest value shown


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


DISPLAY_WIDTH = 900          # px: stored photos are shown downscaled


def picture(store, m):
    """The stored photo of a measurement with exactly the geometry that was measured drawn
    on it (RGB array; nothing is measured again), the bare photo when no geometry was
    stored, or None without a photo."""
    path = store.image_file(m.feet[0]) if m.feet else None
    if path is None or not path.is_file():
        return None
    from vision.footprint.load import load_image
    from vision.footprint.overlay import draw_stored

    image = load_image(path)
    feet = [{"side": f.side, "arch_index": f.arch_index, "staheli_index": f.staheli_index,
             "chippaux_smirak_index": f.chippaux_smirak_index, "geometry": f.geometry}
            for f in m.feet]
    if any(f["geometry"] for f in feet):
        image = draw_stored(image, feet, age_months=m.age_months)
    h, w = image.shape[:2]
    if w > DISPLAY_WIDTH:
        import cv2

        image = cv2.resize(image, (DISPLAY_WIDTH, round(h * DISPLAY_WIDTH / w)),
                           interpolation=cv2.INTER_AREA)
    return image[:, :, ::-1]


def trend_frame(entries, metric: str = "arch_index") -> pd.DataFrame:
    """Stored feet as rows (age_months, side, value of ``metric``, arch_index, taken_on,
    label): the label is the footprint reading at the age the print was taken."""
    rows = []
    for e in entries:
        value = field(e, metric)
        if value is None:
            continue
        reading = read_foot(e, field(e, "age_months"))
        rows.append({"age_months": float(field(e, "age_months")), "side": field(e, "side"),
                     "value": float(value), "arch_index": float(field(e, "arch_index")),
                     "taken_on": str(field(e, "taken_on"))[:10], "label": reading.label,
                     "shown": reading.value_text(metric)})
    return pd.DataFrame(rows, columns=["age_months", "side", "value", "arch_index",
                                       "taken_on", "label", "shown"])


def no_band_spans(metric: str, x_min: float, x_max: float) -> list[tuple[float, float, str]]:
    """Age spans (months) where no band of ``metric`` applies, with why, month by month."""
    spans: list[list] = []
    for m in range(int(x_min), int(x_max) + 1):
        applying = bands_for_age(float(m))
        if applying is None:
            why = "no label at this age (trend only)"
        elif metric not in applying.metrics:
            why = f"no {METRIC_NAMES[metric]} band at this age"
        else:
            continue
        if spans and spans[-1][1] == m and spans[-1][2] == why:
            spans[-1][1] = m + 1
        else:
            spans.append([m, m + 1, why])
    return [(max(a, x_min), min(b, x_max), w) for a, b, w in spans if min(b, x_max) > a]


def arch_chart(df: pd.DataFrame, metric: str = "arch_index") -> alt.LayerChart:
    """``metric`` per foot against age, over the bands that apply at each age (from the one
    band file), greyed where none applies."""
    x_max = max(float(df["age_months"].max()) + 6, MIN_SPAN_MONTHS) if len(df) else MIN_SPAN_MONTHS
    x_min = max(0.0, float(df["age_months"].min()) - 12) if len(df) else 0.0
    rects = chart_bands(metric, x_min, x_max)
    top_cut = max((r.lo for r in rects if r.lo > 0), default=0.0)
    y_max = Y_HEADROOM * max([top_cut, *(df["value"].tolist() if len(df) else [])] or [1.0])
    x_scale = alt.Scale(domain=[x_min, x_max], nice=False)
    y_scale = alt.Scale(domain=[0.0, y_max], nice=False)
    step = 6 if x_max - x_min <= MIN_SPAN_MONTHS else 12
    x_ticks = list(range(int(-(-x_min // step) * step), int(x_max) + 1, step))
    bands = pd.DataFrame([{"band": r.category, "x0": r.from_months, "x1": r.to_months,
                           "lo": r.lo, "hi": min(r.hi, y_max), "source": r.reference}
                          for r in rects], columns=["band", "x0", "x1", "lo", "hi", "source"])
    cats = [c for c in CATEGORY_COLOURS if c in set(bands["band"])]
    layers = [alt.Chart(bands).mark_rect(opacity=0.45).encode(
        x=alt.X("x0:Q", scale=x_scale, title="age (months)", axis=alt.Axis(values=x_ticks)),
        x2="x1:Q", y=alt.Y("lo:Q", scale=y_scale, title=METRIC_NAMES[metric]), y2="hi:Q",
        color=alt.Color("band:N", scale=alt.Scale(domain=cats,
                                                  range=[CATEGORY_COLOURS[c] for c in cats]),
                        legend=alt.Legend(title="bands for the age", orient="bottom")),
        tooltip=["band", "source"])]
    grey = pd.DataFrame([{"x0": a, "x1": b, "lo": 0.0, "hi": y_max, "mid": (a + b) / 2,
                          "note": why} for a, b, why in no_band_spans(metric, x_min, x_max)],
                        columns=["x0", "x1", "lo", "hi", "mid", "note"])
    if len(grey):
        base = alt.Chart(grey)
        layers.append(base.mark_rect(opacity=0.75, color=NO_BAND_COLOUR).encode(
            x=alt.X("x0:Q", scale=x_scale), x2="x1:Q", y=alt.Y("lo:Q", scale=y_scale),
            y2="hi:Q", tooltip=["note"]))
    if len(df):
        layers.append(alt.Chart(df).mark_line(point=alt.OverlayMarkDef(size=80),
                                              strokeWidth=2.5).encode(
            x=alt.X("age_months:Q", scale=x_scale), y=alt.Y("value:Q", scale=y_scale),
            color=alt.Color("side:N", scale=alt.Scale(domain=list(SIDE_COLOURS),
                                                      range=list(SIDE_COLOURS.values())),
                            legend=alt.Legend(title="foot", orient="bottom")),
            tooltip=["taken_on", "side", "age_months", alt.Tooltip("shown", title="value"),
                     "label"]))
    return alt.layer(*layers).resolve_scale(color="independent").properties(height=380)


def asymmetry_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Left and right arch index side by side per photo date, with their difference."""
    if df.empty:
        return pd.DataFrame()
    wide = df.pivot_table(index="taken_on", columns="side", values="value", aggfunc="mean")
    if not {"left", "right"} <= set(wide.columns):
        return pd.DataFrame()
    wide = wide[["left", "right"]].dropna()
    wide["left − right"] = wide["left"] - wide["right"]
    return wide.round(3).reset_index().rename(columns={"taken_on": "date"})


def _arch(store, child) -> None:
    st.subheader("Footprint indices by age")
    entries = store.footprint_history(child.id)
    if not entries:
        st.info("No footprint saved yet. Measure one on the Footprint page and press "
                "“Save to history”.", icon=":material/footprint:")
        return
    adult = bands_for_age(None)
    default = "arch_index" if child.age_months >= load_bands().adult_months else "staheli_index"
    metric = st.segmented_control("Index", list(METRIC_NAMES), default=default,
                                  format_func=lambda m: METRIC_NAMES[m].capitalize(),
                                  key="hp_metric") or default
    df = trend_frame(entries, metric)
    st.altair_chart(arch_chart(df, metric), width="stretch")
    st.caption("Shaded: the bands that apply at each age, from the one band file "
               "(hover for the source). Grey: no band for this index at that age (under 3 "
               "years no label applies: the trend is what counts). Children's bands use the "
               f"Staheli and Chippaux-Smirak indices; the arch index has adult bands only "
               f"({adult.reference if adult else 'none'}).")
    asym = asymmetry_frame(trend_frame(entries, "arch_index"))
    if not asym.empty:
        st.subheader("Left / right")
        st.dataframe(asym, hide_index=True, width="stretch")
        if asym["left − right"].abs().max() > ASYMMETRY_MAX:
            st.warning("The two feet differ noticeably on at least one print; retake the "
                       "print, and mention it to the doctor if it persists.")


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
