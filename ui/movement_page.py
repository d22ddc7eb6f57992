"""Movement page: an exercise checked on a bundled sample trace, an uploaded video, or live.

Calls :func:`vision.exercises.analyse` on a trace (sample) or :func:`vision.pose.tracking.
track_video` then ``analyse`` and :func:`vision.pose.annotate.annotate_video` (video), and
renders the :class:`~vision.exercises.report.ExerciseReport`: verdict, fault timeline, reps.
"""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from ui.engines import engine, load
from ui.state import current_child, get_store
from ui.widgets import fmt, guard, metric_label, verdict_box

ROOT = Path(__file__).resolve().parents[1]
TRACE_DIR = ROOT / "sample_media" / "traces"
EXERCISE_LABELS = {"squat": "Squat (heels down)", "walk": "Walking (no tiptoe)",
                   "leg-raise": "Straight-leg raise", "heel-raise": "Heel raises",
                   "massage": "Foot massage (strokes)"}
SOURCES = ["Bundled sample", "Upload a video", "Live webcam"]
VIDEO_TYPES = ["mp4", "mov", "m4v", "webm", "avi", "mkv"]


def trace_exercise(path: Path) -> str | None:
    """The exercise a sample trace shows, from its file name (``squat_*.json`` ...)."""
    stem = path.stem.lower().replace("_", "-")
    for ex in EXERCISE_LABELS:
        if stem.startswith(ex) or f"-{ex}" in stem or ex in stem:
            return ex
    return None


def sample_traces(exercise: str) -> list[Path]:
    """Bundled traces for ``exercise`` (all traces when none is named after it)."""
    if not TRACE_DIR.is_dir():
        return []
    files = sorted(TRACE_DIR.glob("*.json"))
    return [p for p in files if trace_exercise(p) == exercise]


@st.cache_data(show_spinner=False, max_entries=32)
def analyse_sample(path: str, mtime: float, exercise: str):
    """Cached :func:`vision.exercises.analyse` of a bundled trace file."""
    from vision.exercises import analyse
    from vision.pose.trace import Trace

    return analyse(Trace.load(path), exercise)


def render() -> None:
    """Render the Movement page."""
    st.title("Movement")
    store = get_store()
    child = current_child(store)
    exercise = st.selectbox("Exercise", list(EXERCISE_LABELS), format_func=EXERCISE_LABELS.get,
                            key="mv_exercise")
    source = st.radio("Check it on", SOURCES, horizontal=True, key="mv_source")
    if source == "Live webcam":
        from ui.live import render_live

        render_live(exercise)
        return
    if engine("vision.exercises", "analyse") is None:
        return
    report = _sample(exercise) if source == "Bundled sample" else _video(exercise)
    if report is None:
        return
    show_report(report)
    _save(store, child, report)


def _sample(exercise: str):
    files = sample_traces(exercise)
    if not files:
        st.info(f"No sample trace is bundled for {EXERCISE_LABELS[exercise].lower()} yet. "
                "Upload a video instead.")
        return None
    path = st.selectbox("Sample trace", files, format_func=lambda p: p.stem.replace("_", " "),
                        key=f"mv_trace_{exercise}")
    st.caption("Synthetic landmark traces rendered by footcoach itself: no real child is shown.")
    with st.spinner("Analysing the movement…"), guard("analysing the sample"):
        return analyse_sample(str(path), path.stat().st_mtime, exercise)
    return None


def _video(exercise: str):
    """Upload -> track (progress bar) -> analyse -> annotate; kept in the session."""
    mods = [engine("vision.pose.tracking", "track_video")]
    if mods[0] is None:
        return None
    upload = st.file_uploader("Video of the exercise (side view works best)", type=VIDEO_TYPES,
                              key="mv_video")
    if upload is None:
        st.caption("Film the whole body, feet included, from about 3 m away.")
        return None
    data = upload.getvalue()
    key = (hashlib.sha1(data).hexdigest(), exercise)
    done = st.session_state.get("mv_result")
    if done is None or done[0] != key:
        if not st.button("Analyse video", type="primary", key="mv_go"):
            return None
        result = _process_video(data, Path(upload.name).suffix or ".mp4", exercise)
        if result is None:
            return None
        st.session_state["mv_result"] = (key, *result)
        done = st.session_state["mv_result"]
    _, report, video_bytes = done
    if video_bytes:
        st.video(video_bytes)
    return report


def _process_video(data: bytes, suffix: str, exercise: str):
    """Run the engines on the uploaded video; (report, annotated mp4 bytes) or None."""
    from vision.exercises import analyse
    from vision.pose.tracking import track_video

    bar = st.progress(0.0, text="Finding the body in each frame…")

    def progress(done: int, total: int) -> None:
        bar.progress(min(1.0, done / total) if total else 0.0,
                     text=f"Finding the body in each frame… {done}/{total or '?'}")

    with tempfile.TemporaryDirectory(prefix="footcoach-") as tmp, guard("analysing the video"):
        src = Path(tmp) / f"upload{suffix}"
        src.write_bytes(data)
        trace = track_video(src, hands=exercise == "massage", progress=progress)
        report = analyse(trace, exercise)
        video_bytes = b""
        annotate = load("vision.pose.annotate", "annotate_video")
        if annotate is not None:
            out = Path(tmp) / "annotated.mp4"
            bar.progress(0.0, text="Drawing the skeleton and cues…")
            annotate.annotate_video(src, trace, report, out,
                                    progress=lambda d, t: bar.progress(
                                        min(1.0, d / t) if t else 0.0,
                                        text="Drawing the skeleton and cues…"))
            video_bytes = out.read_bytes() if out.exists() else b""
        bar.empty()
        return report, video_bytes
    bar.empty()
    return None


def show_report(report) -> None:
    """Verdict, key numbers, fault timeline and reps table of an ExerciseReport."""
    verdict_box(report.verdict, report.reason or "")
    cols = st.columns(4)
    cols[0].metric("Reps / steps", len(report.reps) or report.metrics.get("steps", 0))
    cols[1].metric("Faults", len(report.faults))
    cols[2].metric("Camera view", report.view)
    duration = report.frames / report.fps if report.fps else 0
    cols[3].metric("Length", f"{duration:.1f} s")
    if report.faults:
        st.subheader("When the faults happen")
        st.altair_chart(fault_timeline(report), width="stretch")
        for msg in dict.fromkeys(f.message for f in report.faults):
            st.markdown(f"- {msg}")
    if report.reps:
        st.subheader("Reps")
        st.dataframe(reps_table(report), hide_index=True, width="stretch")
    if report.metrics:
        with st.expander("All measurements"):
            st.table(pd.DataFrame({"value": [_value(v) for v in report.metrics.values()]},
                                  index=[metric_label(k) for k in report.metrics]))
    for w in report.warnings:
        st.caption(f"Note: {w}")


def _value(v) -> str:
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
                        range=["#1f77b4", "#ff7f0e", "#d62728"])),
                    tooltip=["fault", "side", "start", "end", "message"])
            .properties(height=60 + 30 * df["fault"].nunique()))


def reps_table(report) -> pd.DataFrame:
    """One row per rep: times, ok, faults and the per-rep numbers."""
    rows = []
    for i, r in enumerate(report.reps, 1):
        row = {"rep": i, "from (s)": round(r.start_s, 1), "to (s)": round(r.end_s, 1),
               "ok": "yes" if r.ok else "no", "faults": ", ".join(r.faults) or "–"}
        row.update({metric_label(k): (round(v, 1) if isinstance(v, float) else v)
                    for k, v in r.metrics.items()})
        rows.append(row)
    return pd.DataFrame(rows)


def _save(store, child, report) -> None:
    if store is None or child is None:
        return
    key = ("ex", str(child.id), report.exercise, report.frames, len(report.faults))
    saved = st.session_state.setdefault("mv_saved", set())
    if key in saved:
        st.success("Saved to this child's history.", icon=":material/save:")
    elif st.button("Save to history", key="mv_save"):
        with guard("saving the exercise check"):
            store.add_exercise(child.id, report.to_json(), taken_on=date.today())
            saved.add(key)
            st.success("Saved to this child's history.", icon=":material/save:")
