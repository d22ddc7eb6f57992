"""Movement page: an exercise checked on a bundled sample trace, an uploaded video, or live.

Calls :func:`vision.exercises.analyse` on a trace (sample), or
:func:`vision.pose.tracking.track_video` then ``analyse`` and
:func:`vision.pose.annotate.annotate_video` (video), and renders the report with
:mod:`ui.movement_report`. The webcam panel lives in :mod:`ui.live`.
"""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date
from pathlib import Path

import streamlit as st

from ui.engines import engine, load
from ui.state import current_child, get_store
from ui.widgets import guard, partial_video_note, people_note

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
    for ex in sorted(EXERCISE_LABELS, key=len, reverse=True):
        if ex in stem:
            return ex
    return None


def sample_traces(exercise: str) -> list[Path]:
    """Bundled traces for ``exercise``."""
    if not TRACE_DIR.is_dir():
        return []
    return [p for p in sorted(TRACE_DIR.glob("*.json")) if trace_exercise(p) == exercise]


@st.cache_data(show_spinner=False, max_entries=8)
def load_trace(path: str, mtime: float):
    """Cached :meth:`vision.pose.trace.Trace.load` (``mtime`` invalidates the cache)."""
    from vision.pose.trace import Trace

    return Trace.load(path)


def exercise_options(exercise: str, child) -> dict:
    """Options the analysis needs from outside vision: for a massage, the recommended
    minutes for the child's age (:mod:`coach.massage_minutes`)."""
    if exercise != "massage" or child is None:
        return {}
    mod = load("coach.massage_minutes", "target_minutes_for_age")
    return {"target_minutes": mod.target_minutes_for_age(child.age_months)} if mod else {}


@st.cache_data(show_spinner=False, max_entries=32)
def analyse_sample(path: str, mtime: float, exercise: str, target_minutes: float | None = None):
    """Cached :func:`vision.exercises.analyse` of a bundled trace file."""
    from vision.exercises import analyse

    options = {"target_minutes": target_minutes} if exercise == "massage" else {}
    return analyse(load_trace(path, mtime), exercise, **options)


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
    options = exercise_options(exercise, child)
    result = (_sample(exercise, options) if source == "Bundled sample"
              else _video(exercise, options))
    if result is None:
        return
    from ui import movement_report as view

    report, media, stills = result
    left, right = st.columns([5, 4], gap="large")
    with left, guard("drawing the movement"):
        media()
    with right:
        view.summary(report)
        _save(store, child, report)
    view.details(report, stills)


def _sample(exercise: str, options: dict):
    """(report, draw-the-skeleton callable) for a bundled trace, or None."""
    files = sample_traces(exercise)
    if not files:
        st.info(f"No sample trace is bundled for {EXERCISE_LABELS[exercise].lower()} yet. "
                "Upload a video instead.")
        return None
    path = st.selectbox("Sample trace", files, format_func=lambda p: p.stem.replace("_", " "),
                        key=f"mv_trace_{exercise}")
    st.caption("Synthetic landmark traces rendered by footcoach itself: no real child is shown.")
    with st.spinner("Analysing the movement…"), guard("analysing the sample"):
        mtime = path.stat().st_mtime
        report = analyse_sample(str(path), mtime, exercise, options.get("target_minutes"))
        trace = load_trace(str(path), mtime)
        from ui.movement_report import trace_viewer

        return report, lambda: trace_viewer(trace, report), {}
    return None


def _video(exercise: str, options: dict):
    """Upload -> track (progress bar) -> analyse -> annotate; kept in the session."""
    if engine("vision.pose.tracking", "track_video") is None:
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
        result = _process_video(data, Path(upload.name).suffix or ".mp4", exercise, options,
                                upload.name)
        if result is None:
            return None
        st.session_state["mv_result"] = (key, *result)
        st.rerun()                 # show the result without the "Analyse" button
    _, report, video, playable, stills, (partial, people) = done
    if partial:
        st.warning(partial, icon=":material/content_cut:")
    if people:
        st.info(people, icon=":material/group:")
    return report, lambda: _playback(video, playable, data), stills


def _playback(video: bytes, playable: bool, original: bytes) -> None:
    if video and playable:
        st.video(video)
        st.caption("Annotated: skeleton, knee and hip angles, and the faults as red banners.")
    elif video:
        st.video(original)
        st.download_button("Download the annotated video", video, "annotated.mp4",
                           mime="video/mp4", key="mv_dl")
        st.caption("This computer could not encode the annotated video for the browser; "
                   "download it to watch it in a video player.")
    else:
        st.video(original)


def _process_video(data: bytes, suffix: str, exercise: str, options: dict, file_name: str):
    """Run the engines on the uploaded video: (report, annotated mp4, playable, stills of
    each finding's moment, notes (only part of the file could be read; who was followed when
    several people were in view)) or None."""
    from vision.exercises import analyse
    from vision.pose.tracking import track_video

    bar = st.progress(0.0, text="Finding the body in each frame…")

    def progress(label: str):
        return lambda done, total: bar.progress(
            min(1.0, done / total) if total else 0.0, text=f"{label} {done}/{total or '?'}")

    with tempfile.TemporaryDirectory(prefix="footcoach-") as tmp, guard("analysing the video"):
        src = Path(tmp) / f"upload{suffix}"
        src.write_bytes(data)
        trace = track_video(src, hands=exercise == "massage",
                            progress=progress("Finding the body in each frame…"))
        report = analyse(trace, exercise, **options)
        note = (partial_video_note(trace, file_name), people_note(trace))
        from ui.movement_report import stills_from_video

        stills = stills_from_video(src, trace, report)
        video, playable = b"", False
        annotate = load("vision.pose.annotate", "annotate_video")
        if annotate is not None:
            out = Path(tmp) / "annotated.mp4"
            info = annotate.annotate_video(src, trace, report, out,
                                           progress=progress("Drawing the skeleton…"))
            video = out.read_bytes() if out.exists() else b""
            playable = bool(getattr(info, "browser_playable", True))
        bar.empty()
        return report, video, playable, stills, note
    bar.empty()
    return None


def _save(store, child, report) -> None:
    if store is None or child is None:
        return
    if report.verdict == "not_this_exercise":     # nothing of this exercise was measured
        st.caption("Nothing to save: the video shows another movement.")
        return
    key = ("ex", str(child.id), report.exercise, report.frames, len(report.faults))
    saved = st.session_state.setdefault("mv_saved", set())
    if key in saved:
        st.success("Saved to this child's history.", icon=":material/save:")
    elif st.button("Save to history", key="mv_save"):
        with guard("saving the exercise check"):
            store.add_exercise(child.id, report.to_json(), taken_on=date.today())
            saved.add(key)
        if key in saved:          # on failure the error stays on the page
            st.rerun()
