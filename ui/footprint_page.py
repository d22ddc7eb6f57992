"""Footprint page: photo in, overlay + indices + age-aware reading + routine guidance out.

The page calls :func:`vision.footprint.measure_footprint` once per photo and
:func:`coach.plan.build_plan` for the routine that fits; it only formats their results.
On first run the bundled sample photo is analysed so the page is never empty.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import streamlit as st

from coach.store_types import DuplicateImageError
from ui.engines import engine, load
from ui.routine_page import todays_outcome
from ui.state import age_in_months, format_age, get_store, open_page
from ui.widgets import (
    fmt,
    guard,
    plain_message,
    plan_card,
    routine_age_ok,
    show_adaptations,
)
from vision.footprint.quality import RELIABLE_SCORE
from vision.footprint.reading import read_foot

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "sample_media" / "footprints"
IMAGE_TYPES = ["jpg", "jpeg", "png", "heic", "heif", "webp", "bmp", "tif", "tiff"]
PAPERS = {"Detect automatically": None, "A4 (210 × 297 mm)": "a4", "US Letter (216 × 279 mm)": "letter"}
DISPLAY_WIDTH = 1400          # px: the overlay is shown downscaled, never re-analysed


def sample_photos() -> list[Path]:
    """Bundled sample photos, the most typical first (a child's two feet in ink on A4)."""
    if not SAMPLE_DIR.is_dir():
        return []
    files = [p for p in SAMPLE_DIR.iterdir() if p.suffix.lower().lstrip(".") in IMAGE_TYPES]

    def typical(p: Path) -> tuple:
        words = p.stem.lower()
        return (-sum(w in words for w in ("demo", "two_feet", "child", "ink", "a4")), p.name)

    return sorted(files, key=typical)


@st.cache_data(show_spinner=False)
def sample_hashes() -> frozenset[str]:
    """SHA-256 of every bundled sample photo: an upload of one of them is still a sample."""
    return frozenset(hashlib.sha256(p.read_bytes()).hexdigest() for p in sample_photos())


@st.cache_data(show_spinner=False, max_entries=16)
def measure(data: bytes, age_months: int | None, paper: str | None, name: str):
    """Cached call of :func:`vision.footprint.measure_footprint` (same photo, same answer)."""
    from vision.footprint import measure_footprint

    result = measure_footprint(data, paper=paper, age_months=age_months, name=name)
    _ = result.overlay  # drawn lazily: draw it once here, so the cache keeps the image
    return result


def render() -> None:
    """Render the Footprint page."""
    store, child = open_page("Footprint")
    if child is None:
        return
    engine("vision.footprint", "measure_footprint")
    source = _choose_photo(child)
    if source is None:
        return
    name, data, is_sample = source
    taken = st.session_state.get("fp_taken_on") or date.today()
    age = age_in_months(child.birth_date, taken)
    st.caption(f"Measuring for the selected child, {format_age(age)} old on the day the "
               f"print was taken ({taken.isoformat()}).")
    result = None
    with st.spinner("Measuring the footprint…"), guard(f"measuring the footprint in {name}"):
        result = measure(data, age, st.session_state.get("fp_paper"), name)
    if result is None:
        return
    if not result.ok:
        st.error(f"**{name}**: no footprint could be measured. "
                 f"{plain_message(result.error, name)}", icon=":material/error:")
        st.info("What to do next: photograph the whole sheet from straight above, in even "
                "light, with the print dark on light paper, then upload the new photo.",
                icon=":material/photo_camera:")
        return
    st.session_state["fp_last_json"] = (str(child.id), result.to_json())
    left, right = st.columns([3, 2], gap="large")
    with left:
        _show_result(result, name, age)
        if is_sample:
            st.info("This is a bundled synthetic sample, so it is never saved into a child's "
                    "history. Upload a photo of your child's print to save it.",
                    icon=":material/science:")
        else:
            _save_button(store, child, result, data, name, taken)
    with right:
        _show_reading(result)
        _show_quality(result)
        _show_routine(child, result, age)


def _choose_photo(child) -> tuple[str, bytes, bool] | None:
    """The photo to analyse, as (name, bytes, is_sample): camera shot, else upload, else
    the bundled sample."""
    st.date_input("Day the print was taken", value=date.today(), min_value=child.birth_date,
                  max_value=date.today(), key="fp_taken_on", format="YYYY-MM-DD",
                  help="Ages and readings are worked out for this day. Change it when you "
                       "upload an older print.")
    tabs = st.tabs(["Upload a photo", "Take a photo", "Options"])
    with tabs[0]:
        upload = st.file_uploader("Photo of the footprint on its sheet of paper",
                                  type=IMAGE_TYPES, key="fp_upload")
    with tabs[1]:
        shot = None
        # camera_input asks for the camera as soon as it is drawn: only draw it on request
        if st.toggle("Turn on the camera", key="fp_camera_on"):
            shot = st.camera_input("Hold the camera straight above the whole sheet",
                                   key="fp_camera")
    with tabs[2]:
        label = st.radio("Paper size (gives lengths in mm)", list(PAPERS), key="fp_paper_label",
                         horizontal=True)
        st.session_state["fp_paper"] = PAPERS[label]
    if shot is not None:
        return "camera photo", shot.getvalue(), False
    if upload is not None:
        data = upload.getvalue()
        return upload.name, data, hashlib.sha256(data).hexdigest() in sample_hashes()
    samples = sample_photos()
    if not samples:
        st.info("Upload a photo of a footprint to start (no sample photo is bundled yet).")
        return None
    st.info("No photo yet, so footcoach shows one of its bundled synthetic sample photos. "
            "Upload your own photo above to measure your child's footprint.",
            icon=":material/footprint:")
    chosen = st.selectbox("Sample photo", samples, key="fp_sample",
                          format_func=lambda p: p.stem.replace("_", " "))
    return f"sample: {chosen.name}", chosen.read_bytes(), True


def _show_result(result, name: str, age_months: float) -> None:
    """Overlay and the indices table, one column per foot."""
    if result.overlay is not None:
        img = result.overlay
        h, w = img.shape[:2]
        if w > DISPLAY_WIDTH:
            import cv2

            img = cv2.resize(img, (DISPLAY_WIDTH, int(h * DISPLAY_WIDTH / w)),
                             interpolation=cv2.INTER_AREA)
        st.image(img[:, :, ::-1], caption=f"Analysed print: {name}", width="stretch",
                 output_format="JPEG")
    timings = getattr(result, "timings_ms", None) or {}
    if timings:
        st.caption(f"Measured in {sum(timings.values()) / 1000:.1f} s on this computer.")
    st.subheader("Indices")
    st.table(indices_table(result, age_months))
    if result.scale_mm_per_px is None:
        st.caption("No sheet of paper was found, so lengths in mm are missing; the ratios "
                   "above do not need a scale.")


def indices_table(result, age_months: float | None):
    """One row per index, one column per foot, as a DataFrame (formatting only): the
    indices a label rests on are printed with the digits that label needs, and the label
    is the footprint reading's for the age at the day taken."""
    import pandas as pd

    def cell(metric: str, unit: str = ""):
        return lambda f, r: f"{r.value_text(metric)}{unit}"

    rows = {
        "Arch index (Cavanagh & Rodgers)": cell("arch_index"),
        "Staheli index": cell("staheli_index"),
        "Chippaux-Smirak index": cell("chippaux_smirak_index", " %"),
        "Clarke's angle": lambda f, r: fmt(f.clarke_angle_deg, 1, "°"),
        "Length": lambda f, r: fmt(f.length_mm, 0, "mm"),
        "Width": lambda f, r: fmt(f.width_mm, 0, "mm"),
        "Reading for the age": lambda f, r: r.label,
        "Photo quality": lambda f, r: f"{f.quality.score:.0%}",
    }
    cols = {}
    for f in sorted(result.feet, key=lambda f: f.side):
        if f.quality.score < RELIABLE_SCORE:   # not shown: a retake, not a number
            cols[f"{f.side.capitalize()} foot"] = (
                ["—"] * (len(rows) - 2) + ["Retake the photo", f"{f.quality.score:.0%}"])
            continue
        reading = read_foot(f, age_months)
        cols[f"{f.side.capitalize()} foot"] = [get(f, reading) for get in rows.values()]
    return pd.DataFrame(cols, index=list(rows))


def _show_reading(result) -> None:
    st.subheader("Reading for this age")
    for foot in sorted(result.feet, key=lambda f: f.side):
        text = foot.age_reading or "No age-specific reading is available for this foot."
        if foot.quality.score < RELIABLE_SCORE:
            text = ("footcoach cannot measure this foot reliably from this photo, so it gives "
                    "no numbers or reading for it. The photo advice below says how to retake it.")
        st.markdown(f"**{foot.side.capitalize()} foot.** {text}")
    st.caption("A measurement, not a diagnosis: footprint indices disagree with each other and "
               "with X-rays. Ask a doctor if you are worried about pain, stiffness or a limp.")


def _show_quality(result) -> None:
    advice: list[str] = list(result.warnings)
    low = False
    for foot in result.feet:
        advice += [a for a in foot.quality.advice if a not in advice]
        low |= foot.quality.score < 0.5
    if low:
        st.warning("At least one foot could not be measured reliably from this photo, so its "
                   "numbers are not shown. Please retake it.", icon=":material/photo_camera:")
    ignored = getattr(result, "ignored", ())
    if ignored:
        with st.expander(f"Left out of the measurement ({len(ignored)})"):
            for blob in ignored:
                st.markdown(f"- {blob.message}")
    if advice:
        with st.expander("Photo advice", expanded=low):
            for a in advice:
                st.markdown(f"- {a}")
    elif not low:
        st.success("Photo quality is good.", icon=":material/check_circle:")


def _show_routine(child, result, age_at_print: int) -> None:
    """The plan for this age adapted to this print; today's steps once screening is done."""
    st.subheader("Routine that fits")
    if not routine_age_ok(child.age_months):
        return
    plan_mod = load("coach.plan", "build_plan", "Assessments")
    if plan_mod is None:
        st.info("The routine planner is not available yet in this build.", icon=":material/construction:")
        return
    with guard("building the routine"):
        assessments = plan_mod.Assessments.from_footprint(result.to_json(),
                                                          age_months=age_at_print)
        outcome = todays_outcome(get_store(), child)
        plan = plan_mod.build_plan(child.age_months, outcome, assessments)
        if plan.status == "ok":
            plan_card(plan, compact=True)
            return
        band = getattr(plan, "band", None)
        if band is not None:
            st.markdown(f"**{band.label}:** {band.summary}")
            titles = step_titles(band)
            if titles:
                st.markdown("It includes: " + ", ".join(titles) + ".")
        if outcome is None:
            show_adaptations(plan)
            st.info("Answer the safety questions on the Routine page to get today's steps, "
                    "adapted to this footprint.", icon=":material/checklist:")
        else:
            plan_card(plan, compact=True)


def step_titles(band) -> list[str]:
    """Titles of an age band's steps, from the routines knowledge (data, not analysis)."""
    knowledge = load("coach.knowledge", "load_knowledge")
    if knowledge is None:
        return []
    techniques = knowledge.load_knowledge().techniques
    return [techniques[s.technique].title for s in band.steps if s.technique in techniques]


def _save_button(store, child, result, data: bytes, name: str, taken: date) -> None:
    """Save the measurement with its day taken and notes; the same photo never twice."""
    if store is None:
        st.caption("Saving needs the history file, which could not be opened.")
        return
    sha = hashlib.sha256(data).hexdigest()
    flash = st.session_state.pop("fp_flash", None)
    earlier = store.find_image(child.id, sha)
    if flash and earlier is not None:
        st.success(flash, icon=":material/save:")
        return
    if earlier is not None:
        st.warning(f"**{name}** is already in {child.alias}'s history (the print taken on "
                   f"{earlier.taken_on.isoformat()}), so it is not saved twice. To change "
                   "its date or notes, open the History page.", icon=":material/content_copy:")
        return
    notes = st.text_input("Notes (optional)", max_chars=200, key="fp_notes",
                          placeholder="e.g. after a long walk, ink smudged at the heel")
    if st.button("Save to history", type="primary", key="fp_save"):
        with guard(f"saving {name}"):
            try:
                store.add_footprint(child.id, result.to_json(), taken_on=taken,
                                    image_bytes=data, notes=notes)
            except DuplicateImageError as exc:
                st.warning(f"**{name}**: {exc}.", icon=":material/content_copy:")
                return
            st.session_state["fp_flash"] = (f"Saved to {child.alias}'s history (print taken "
                                            f"on {taken.isoformat()}).")
            st.rerun()
