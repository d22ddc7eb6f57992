"""Rendering of an :class:`~vision.exercises.report.ExerciseReport` for the Movement page:
verdict and key numbers, the fault timeline (Altair), the reps table, and a scrubber that
draws a trace's skeleton (:func:`vision.pose.annotate.draw_pose`) at a chosen moment.
Formatting only: every number comes from the report or the trace.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from ui.engines import load
from ui.widgets import fmt, metric_label, verdict_box

VIEW_WIDTH_PX = 820


NOT_THIS_WORDS = "Not this exercise"
STILL_WIDTH_PX = 360


def summary(report) -> None:
    """Verdict box and four key numbers."""
    if report.verdict == "not_this_exercise":
        st.warning(f"**Verdict: {NOT_THIS_WORDS}** — {report.reason or ''}")
    else:
        verdict_box(report.verdict, report.reason or "")
    top, bottom = st.columns(2), st.columns(2)
    top[0].metric("Reps / steps", len(report.reps) or report.metrics.get("steps", 0))
    top[1].metric("Faults", len(report.faults))
    bottom[0].metric("Camera view", report.view)
    duration = report.frames / report.fps if report.fps else 0
    bottom[1].metric("Length", f"{duration:.1f} s")
    for msg in dict.fromkeys(f.message for f in report.faults):
        st.markdown(f"- {msg}")


def details(report, stills: dict | None = None) -> None:
    """Fault timeline, the evidence of each fault (and of what could not be told) with a
    still of the moment when ``stills`` ({source frame: JPEG bytes}) has one, reps table,
    all measurements and the analysis notes."""
    if report.faults:
        st.subheader("When the faults happen")
        st.altair_chart(fault_timeline(report), width="stretch")
    findings = [*report.faults, *getattr(report, "unclear", ())]
    if findings:
        st.subheader("What each finding rests on")
        for item in findings:
            evidence_card(item, report.fps, stills or {})
    if report.reps:
        st.subheader("Reps")
        st.dataframe(reps_table(report), hide_index=True, width="stretch")
    if report.metrics:
        with st.expander("All measurements"):
            st.table(pd.DataFrame({"value": [_value(v) for v in report.metrics.values()]},
                                  index=[metric_label(k) for k in report.metrics]))
    for w in report.warnings:
        st.caption(f"Note: {w}")


def evidence_rows(item, fps: float) -> list[tuple[str, str]]:
    """(label, value) lines for one fault or unclear finding: when, measured value against
    the threshold with its unit, frames, confidence."""
    rows = [("when", f"{item.start_s:.1f}-{item.end_s:.1f} s")]
    ev = getattr(item, "evidence", None)
    if ev is not None:
        unit = f" {ev.unit}" if ev.unit else ""
        rows += [("measured", f"{ev.value:.1f}{unit}"), ("threshold", f"{ev.threshold:.1f}{unit}"),
                 ("frames", f"{ev.frames[0]}-{ev.frames[1]}")]
    rows.append(("confidence", f"{100 * float(getattr(item, 'confidence', 0.0)):.0f} %"))
    return rows


def still_frame_for(item) -> int | None:
    """The source frame a finding's still shows: the middle of its evidence frames."""
    ev = getattr(item, "evidence", None)
    return None if ev is None else int((ev.frames[0] + ev.frames[1]) // 2)


def evidence_card(item, fps: float, stills: dict) -> None:
    """One finding: its message, its evidence lines, and the still of the moment."""
    is_fault = hasattr(item, "side")
    title = item.code.replace("_", " ") + ("" if is_fault else " (can't tell)")
    with st.container(border=True):
        text, pic = st.columns([3, 2])
        with text:
            st.markdown(f"**{title}**" + (f" · {item.side}" if is_fault else ""))
            st.caption(item.message)
            st.markdown("  \n".join(f"{k}: {v}" for k, v in evidence_rows(item, fps)))
        frame = still_frame_for(item)
        if frame is not None and frame in stills:
            with pic:
                st.image(stills[frame], width=STILL_WIDTH_PX,
                         caption=f"frame {frame} ({frame / fps:.1f} s)" if fps else None)


def stills_from_video(path, trace, report, *, max_side: int = STILL_WIDTH_PX * 2) -> dict:
    """{source frame: JPEG bytes} of the moment of every fault and unclear finding, with the
    skeleton drawn; read from the video at ``path`` (seeks by frame index)."""
    import cv2

    annotate = load("vision.pose.annotate", "draw_pose")
    wanted = sorted({f for item in (*report.faults, *getattr(report, "unclear", ()))
                     if (f := still_frame_for(item)) is not None})
    out: dict[int, bytes] = {}
    if not wanted:
        return out
    cap = cv2.VideoCapture(str(path))
    try:
        for f in wanted:
            cap.set(cv2.CAP_PROP_POS_FRAMES, f)
            ok, img = cap.read()
            if not ok or img is None:
                continue
            if annotate is not None and f < len(trace):
                row = trace.pose[f]
                img = annotate.draw_pose(img, None if np.isnan(row[:, :2]).all() else row)
            scale = max_side / max(img.shape[:2])
            if scale < 1:
                img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 85])
            if ok:
                out[f] = buf.tobytes()
    finally:
        cap.release()
    return out


def _value(v) -> str:
    """A metric as text: lists joined, floats rounded, an unmeasured value (None) as "-"."""
    if v is None:
        return "-"
    if isinstance(v, (list, tuple)):
        return ", ".join(_value(x) for x in v)
    if isinstance(v, float):
        return fmt(v, 1)
    return str(v)


def fault_timeline(report) -> alt.Chart:
    """Altair bars: one row per fault code, spanning the seconds it lasts."""
    end = report.frames / report.fps if report.fps else max(f.end_s for f in report.faults)
    df = pd.DataFrame([{"fault": f.code.replace("_", " "), "side": f.side, "start": f.start_s,
                        "end": max(f.end_s, f.start_s + 0.1), "message": f.message}
                       for f in report.faults])
    return (alt.Chart(df).mark_bar(cornerRadius=3, height=18)
            .encode(x=alt.X("start:Q", title="seconds", scale=alt.Scale(domain=[0, end])),
                    x2="end:Q", y=alt.Y("fault:N", title=None),
                    color=alt.Color("side:N", scale=alt.Scale(
                        domain=["left", "right", "both"],
                        range=["#e8870e", "#1f5fa8", "#d6452b"])),
                    tooltip=["fault", "side", "start", "end", "message"])
            .properties(height=60 + 30 * df["fault"].nunique()))


def reps_table(report) -> pd.DataFrame:
    """One row per rep: times, ok, faults and the per-rep numbers."""
    rows = []
    for i, r in enumerate(report.reps, 1):
        row = {"rep": i, "from (s)": round(r.start_s, 1), "to (s)": round(r.end_s, 1),
               "ok": "yes" if r.ok else "no", "faults": ", ".join(r.faults) or "–"}
        row.update({metric_label(k): ("-" if v is None else round(v, 1) if isinstance(v, float)
                                      else v)
                    for k, v in r.metrics.items()})
        rows.append(row)
    return pd.DataFrame(rows)


def key_moment(report, duration: float) -> float:
    """Where the scrubber starts: the first fault, else the middle of the first rep."""
    if report.faults:
        f = report.faults[0]
        return (f.start_s + f.end_s) / 2
    if report.reps:
        return (report.reps[0].start_s + report.reps[0].end_s) / 2
    return duration / 2


def _body_box(trace) -> tuple[float, float, float, float]:
    """Normalised (x0, y0, x1, y1) around every landmark of the trace, with a margin."""
    xy = trace.pose[:, :, :2].reshape(-1, 2)
    xy = xy[np.isfinite(xy).all(axis=1)]
    if len(xy) == 0:
        return 0.0, 0.0, 1.0, 1.0
    (x0, y0), (x1, y1) = np.percentile(xy, 0.5, axis=0), np.percentile(xy, 99.5, axis=0)
    mx, my = 0.15 * (x1 - x0) + 0.02, 0.12 * (y1 - y0) + 0.02
    return x0 - mx, y0 - my, x1 + mx, y1 + my


def _draw_hands(img, hands, box) -> None:
    """Hand landmarks (massage) as small dots: draw_pose draws the body only."""
    import cv2

    x0, y0, x1, y1 = box
    h, w = img.shape[:2]
    for hand in hands:
        colour = (60, 60, 200) if str(hand.handedness).lower().startswith("l") else (200, 90, 60)
        for x, y, _z in np.asarray(hand.landmarks, float):
            if np.isfinite(x) and np.isfinite(y):
                centre = (int((x - x0) / (x1 - x0) * w), int((y - y0) / (y1 - y0) * h))
                cv2.circle(img, centre, 3, colour, -1, lineType=cv2.LINE_AA)


def trace_viewer(trace, report) -> None:
    """Scrub through a trace: the skeleton, zoomed on the body, and the faults active then."""
    annotate = load("vision.pose.annotate", "draw_pose")
    if annotate is None or len(trace) == 0:
        return
    t_end = float(trace.t[-1])
    t = st.slider("Moment (s)", 0.0, t_end, round(min(key_moment(report, t_end), t_end), 2),
                  step=round(1 / trace.fps, 3), key=f"mv_scrub_{trace.source}_{len(trace)}")
    i = int(np.argmin(np.abs(trace.t - t)))
    active = [f for f in report.faults if f.start_s <= trace.t[i] <= f.end_s]
    joints = getattr(annotate, "FAULT_JOINTS", {})
    marks = [(f.side, j) for f in active for j in joints.get(f.code, ())]
    x0, y0, x1, y1 = _body_box(trace)
    aspect = ((y1 - y0) * trace.height) / max((x1 - x0) * trace.width, 1e-6)
    height = int(np.clip(VIEW_WIDTH_PX * aspect, 240, 720))
    row = trace.pose[i].copy()
    row[:, 0] = (row[:, 0] - x0) / (x1 - x0)       # zoom: a view transform, not analysis
    row[:, 1] = (row[:, 1] - y0) / (y1 - y0)
    canvas = np.full((height, VIEW_WIDTH_PX, 3), 246, np.uint8)
    img = annotate.draw_pose(canvas, None if np.isnan(row[:, :2]).all() else row,
                             cues=[f.message for f in active], highlight=marks)
    _draw_hands(img, trace.hands[i] if i < len(trace.hands) else [], (x0, y0, x1, y1))
    st.image(img[:, :, ::-1], width="stretch",
             caption=f"Skeleton at {trace.t[i]:.2f} s" + (" — fault ringed in red" if active
                                                          else ""))
