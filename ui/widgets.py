"""Small rendering helpers shared by the pages: the error guard, tables and cards.

No analysis happens here: helpers only format results the engines returned.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

log = logging.getLogger("footcoach.ui")


@contextmanager
def guard(doing: str):
    """Run a block that calls an engine; any failure becomes a plain ``st.error``.

    ``doing`` completes the sentence "Something went wrong while ...". Streamlit's own
    control-flow exceptions (rerun, stop) pass through untouched. The traceback goes to the
    server log, never to the page."""
    try:
        yield
    except ScriptControlException:
        raise
    except Exception as exc:  # noqa: BLE001 - the page must never show a traceback
        log.exception("error while %s", doing)
        # Engines raise ValueError / LookupError / OSError with sentences meant for people;
        # anything else is a bug whose text would mean nothing to a parent.
        plain = isinstance(exc, (ValueError, LookupError, OSError)) and not isinstance(
            exc, (KeyError, IndexError))
        detail = str(exc).strip().splitlines()[0] if plain and str(exc).strip() else ""
        msg = f"Something went wrong while {doing}."
        if detail and len(detail) < 200:
            msg += f" ({detail})"
        st.error(msg, icon=":material/error:")


# "(ValueError: ...)" or "(cv2.error: ...)" tails: internal names that mean nothing to a parent
_INTERNAL_TAIL = re.compile(r"\s*\((?:[A-Za-z_][\w.]*(?:Error|Exception|error)|Traceback)\b[^)]*\)")
_PLACEHOLDERS = ("'<bytes>'", "<bytes>", "'<image>'", "<image>")


def plain_message(text, file_name: str | None = None) -> str:
    """An engine's message for a person: the file's own name instead of a placeholder such
    as ``<bytes>``, and no exception class names."""
    text = str(text or "").strip()
    for placeholder in _PLACEHOLDERS:
        text = text.replace(placeholder, f"“{file_name}”" if file_name else "this file")
    return _INTERNAL_TAIL.sub("", text).strip()


#: A video read to less than this share of the frames its container announces is partial.
PARTIAL_READ_SHARE = 0.9


def partial_video_note(trace, file_name: str) -> str | None:
    """"Only the first N s could be read" when tracking stopped well before the end the
    file announces (a cut or damaged file), else None. Reads ``trace.stats`` of
    :func:`vision.pose.tracking.track_video`."""
    stats = getattr(trace, "stats", None)
    expected = getattr(stats, "expected_frames", 0) or 0
    if not expected or stats.frames >= PARTIAL_READ_SHARE * expected or not len(trace.t):
        return None
    fps = float(trace.fps) or 1.0
    read_s = float(trace.t[-1] - trace.t[0]) + 1.0 / fps
    return (f"Only the first {read_s:.0f} s of “{file_name}” could be read (the file says "
            f"it lasts about {expected / fps:.0f} s): it may be cut short or damaged. The "
            "check uses that part only; to check the whole clip, save or export it again "
            "from the phone and upload the new file.")


def people_note(trace) -> str | None:
    """Who was followed, in plain words, when more than one person was in view (else None).
    Reads ``trace.stats`` (``people_in_view``, ``target_rule``) of
    :func:`vision.pose.tracking.track_video`. The app has no picker, so the advice is to film
    the child alone (the CLI's ``--target`` picks a person by hand)."""
    stats = getattr(trace, "stats", None)
    people = int(getattr(stats, "people_in_view", 0) or 0)
    if people <= 1:
        return None
    from vision.pose.target import RULE_TEXT

    rule = getattr(stats, "target_rule", "") or "in_view"
    who = RULE_TEXT.get(rule, RULE_TEXT["in_view"])
    return (f"{people} people were in view; the check follows {who}. If that is not the "
            "child, film again with only the child in the picture.")


def fmt(value, digits: int = 2, unit: str = "") -> str:
    """A number for a table cell; an en dash for a missing value."""
    if value is None:
        return "–"
    try:
        text = f"{float(value):.{digits}f}"
    except (TypeError, ValueError):
        return str(value)
    return f"{text} {unit}".rstrip()


VERDICT_WORDS = {
    "good": ("Good form", "success"),
    "needs_attention": ("Needs attention", "warning"),
    "insufficient_data": ("Not enough data to judge", "info"),
    "not_this_exercise": ("This clip shows a different movement", "info"),
}


def verdict_box(verdict: str, detail: str = "") -> None:
    """Show an exercise verdict as a coloured box with plain words."""
    words, kind = VERDICT_WORDS.get(verdict, (verdict, "info"))
    text = f"**Verdict: {words}**" + (f" — {detail}" if detail else "")
    getattr(st, kind)(text)


def routine_age_ok(age_months: float) -> bool:
    """True when footcoach has routines for this age; else says so on the page."""
    from ui.engines import load

    knowledge = load("coach.knowledge", "MAX_AGE_MONTHS")
    top = getattr(knowledge, "MAX_AGE_MONTHS", 96)
    if age_months > top:
        st.info(f"footcoach's routines cover birth to {top / 12:g} years; this child is "
                "older, so no routine is suggested. Measurements and history still work.",
                icon=":material/info:")
        return False
    return True


def reps_text(reps) -> str:
    return getattr(reps, "text", None) or str(reps)


def plan_card(plan, *, compact: bool = False) -> None:
    """Render a :class:`coach.plan.Plan`: why it is blocked, or its steps and adaptations."""
    status = getattr(plan, "status", "ok")
    message = getattr(plan, "message", "") or ""
    if status == "refused":
        st.error(f"**Routine not advised today.** {message}", icon=":material/block:")
    elif status == "postponed":
        st.warning(f"**Routine postponed.** {message}", icon=":material/pause_circle:")
    else:
        _plan_steps(plan, message, compact)
    show_adaptations(plan)
    conditions = list(getattr(plan, "conditions", ()) or ())
    if conditions and not compact:
        with st.expander("Good to know at this age"):
            for c in conditions:
                st.markdown(f"- {c.text}")


def show_adaptations(plan) -> None:
    """The plan's adaptations to the measurements, each with its reference."""
    adaptations = list(getattr(plan, "adaptations", ()) or ())
    if adaptations:
        st.markdown("**Adapted to the measurements**")
        for a in adaptations:
            ref = getattr(a, "reference", "")
            st.markdown(f"- {a.text}" + (f" _({ref})_" if ref else ""))


def _plan_steps(plan, message: str, compact: bool) -> None:
    steps = list(getattr(plan, "steps", ()) or ())
    total = getattr(plan, "total_minutes", None)
    head = f"**Today's routine** · {len(steps)} steps"
    if total:
        head += f" · about {total:.0f} min" if total >= 1 else f" · {total * 60:.0f} s"
    st.markdown(head)
    if message:
        st.caption(message)
    for i, step in enumerate(steps, 1):
        extra = []
        if getattr(step, "seconds", None):
            extra.append(duration_text(step.seconds))
        if getattr(step, "reps", None):
            extra.append(reps_text(step.reps))
        st.markdown(f"{i}. **{step.title}**" + (" — " + ", ".join(extra) if extra else ""))
        if not compact:
            st.caption(" ".join(instruction_lines(step)))


def duration_text(seconds: float) -> str:
    """'40 s', '2 min', '1 min 50 s'."""
    m, s = divmod(int(round(seconds)), 60)
    if not m:
        return f"{s} s"
    return f"{m} min" + (f" {s} s" if s else "")


def instruction_lines(step) -> list[str]:
    """A step's instructions as a list of sentences (tuple or one string)."""
    ins = getattr(step, "instructions", ()) or ()
    return [ins] if isinstance(ins, str) else [str(x) for x in ins]


_UNITS = (("_pct_foot", " (% of foot)"), ("_frac_foot", " (× foot)"), ("_deg", " (°)"),
          ("_mm", " (mm)"), ("_s", " (s)"), ("_pct", " (%)"))


def metric_label(key: str) -> str:
    """'min_knee_angle_deg' -> 'min knee angle (°)': units from the key's suffix."""
    unit = ""
    for suffix, text in _UNITS:
        if key.endswith(suffix):
            key, unit = key[: -len(suffix)], text
            break
    return key.replace("_", " ") + unit


_MD_SPECIAL = "\\`*_{}[]()<>#+-.!|~$"


def md_escape(text: str) -> str:
    """Escape user text (a child's alias) so Markdown shows it literally."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def history_summary(store, child) -> str:
    """'2 footprint photos, 1 exercise check, 3 routine sessions' for the child."""
    feet = store.footprint_history(child.id)
    photos = len({(e.taken_on, e.image_sha256 or e.source) for e in feet})
    return ", ".join([_plural(photos, "footprint photo"),
                      _plural(len(store.exercise_history(child.id)), "exercise check"),
                      _plural(len(store.session_history(child.id)), "routine session")])


def app_icon():
    """The page icon, drawn locally (a Material icon name would make the browser fetch the
    favicon from Google's servers)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    colour = (31, 95, 168, 255)
    d.ellipse((18, 20, 44, 60), fill=colour)                 # sole and heel
    for x, y, r in ((17, 12, 5), (27, 7, 4), (35, 7, 3.5), (42, 10, 3), (47, 15, 2.5)):
        d.ellipse((x - r, y - r, x + r, y + r), fill=colour)  # toes
    return img
