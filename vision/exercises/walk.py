"""Walking: foot contacts, heel-first versus tiptoe steps, from a side view.

Method (per foot, lengths in foot lengths ``L`` of that foot, times in seconds):

1. **Swing and stance.** The foot's horizontal speed (mean of heel, ankle and foot index,
   6 Hz zero-phase low-pass, short dropouts bridged) enters a swing above
   ``SWING_ENTER_FOOT_PER_S`` and leaves it below ``SWING_LEAVE_FOOT_PER_S``; pauses under
   ``MIN_STANCE_S`` inside a swing are jitter. The frame a swing ends is the foot's
   initial contact; the stance lasts until the next swing starts. The visibility gate
   adapts to each foot, so a far foot the tracker always rates low still gives contacts.
2. **A step** is a contact after a swing that carried the foot at least ``MIN_STEP_FOOT``
   the way the foot points and the body travels (the hip moves at least
   ``MIN_BODY_FOOT`` the same way). The foot must be side-on (projected length at least
   ``MIN_SIDE_ON`` of its median) in a side or mildly oblique view. Standing still (no
   swing), turning (the feet point the other way or across the view) and shuffles are not
   steps; steps within ``TURN_GUARD_S`` of a turn are counted but not judged.
3. **Initial contact**: heel height above the foot index at contact (median over
   +-``CONTACT_WINDOW_S``), negative = heel lower = heel first; ``CONTACT_FRAC`` decides
   heel / toe / flat.
4. **Tiptoe stance**: median heel height above the foot index over ``MID_STANCE`` (10-60 %)
   of the stance, on well-seen frames. A heel-first walker has the foot flat there (about
   0); a toe walker keeps the heel up. Tiptoe when it exceeds ``TIPTOE_HEEL_FRAC``
   (0.15 L), or ``TIPTOE_HEEL_FRAC_TOE_FIRST`` (0.08 L) after a clearly toe-first contact
   (``TOE_FIRST_FRAC``, 0.12 L).

5. **The walk's verdict** rests on steps whose heel is reliably seen: median heel
   visibility over the judged stance at least ``RELIABLE_HEEL_VIS``, and a stance not cut
   by the end of the trace (or the walker leaving) before ``STANCE_CAP_S``. The far foot's
   heel is hidden behind the near leg in stance and its landmark wanders by up to half a
   foot length (DESIGN.md), so one far-foot reading is not enough: the walk is tiptoe when
   a near-foot step (heel at least as well seen as the other heel, within
   ``NEAR_VIS_MARGIN``) reads tiptoe, or a far-foot step on which both readings agree (a
   clearly toe-first contact and the heel above ``TIPTOE_HEEL_FRAC`` in stance), or at
   least ``MIN_TIPTOE_STEPS`` reliable steps read tiptoe.
   Otherwise no step is flagged and a warning says the readings were set aside; in a
   tiptoe walk every step read tiptoe (cut steps never are) is flagged.

The view comes from the shoulder separation against the trunk length (as
:func:`vision.pose.signals.detect_view`), on upright frames only; a front view cannot show
heel height, so a walk without a side view is ``insufficient_data``.

Step finding (1-4) lives in :mod:`vision.exercises.walk_steps`; its names stay importable
from here.

References: initial contact and foot-flat timing of normal gait, Perry & Burnfield, *Gait
Analysis* (2010); toe walking, Engstrom & Tedroff, Pediatrics 2012.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from vision.exercises.common import check_data, insufficient, round_or_none, too_short
from vision.exercises.report import ExerciseReport, Fault, Rep
from vision.exercises.walk_steps import (  # noqa: F401  (re-exported: the public API)
    BRIDGE_GAP_S,
    CHECK_S,
    CONTACT_FRAC,
    CONTACT_WINDOW_S,
    CUTOFF_HZ,
    EDGE_MARGIN,
    MID_STANCE,
    MIN_BODY_FOOT,
    MIN_SIDE_FRAC,
    MIN_SIDE_ON,
    MIN_STANCE_S,
    MIN_STEP_FOOT,
    MIN_STEP_FOOT_FRONT,
    MIN_UPRIGHT,
    MIN_VISIBILITY,
    MIN_VISIBILITY_FEET,
    STANCE_CAP_S,
    STEP_VIEW_MAX_RATIO,
    SWING_ENTER_FOOT_PER_S,
    SWING_LEAVE_FOOT_PER_S,
    TIPTOE_HEEL_FRAC,
    TIPTOE_HEEL_FRAC_TOE_FIRST,
    TOE_FIRST_FRAC,
    TURN_GUARD_S,
    Step,
    find_steps,
    front_steps,
    side_view_frames,
    turn_times,
)
from vision.pose.posture import choose_foot
from vision.pose.signals import prepare, runs
from vision.pose.trace import L_HIP, L_SHOULDER, NOSE, R_FOOT_INDEX, R_HIP, R_SHOULDER, Trace

# the landmarks the walk reads (the others would only cost cleaning time)
WALK_LANDMARKS = (NOSE, L_SHOULDER, R_SHOULDER, *range(L_HIP, R_FOOT_INDEX + 1))

RELIABLE_HEEL_VIS = 0.6   # a step's heel is reliably seen at this median visibility
NEAR_VIS_MARGIN = 0.05    # near foot: heel visibility at least the other's minus this
MIN_TIPTOE_STEPS = 2      # without a near-foot tiptoe step, this many reliable ones

__all__ = ["Step", "analyse", "find_steps", "front_steps", "side_view_frames", "turn_times",
           "TIPTOE_HEEL_FRAC"]

def _unjudged(st: Step) -> Step:
    """A step next to a turn: counted, but its heel height is not judged (the foot is
    pivoting and seen obliquely)."""
    return replace(st, tiptoe=False, initial_contact="turning")


def _step_rep(st: Step) -> Rep:
    return Rep(start_s=st.contact_s, end_s=st.off_s, ok=not st.tiptoe,
               faults=("tiptoe",) if st.tiptoe else (),
               metrics={"side": st.side, "initial_contact": st.initial_contact,
                        "contact_heel_pct_foot": round_or_none(100 * st.contact_heel_frac_foot),
                        "stance_heel_pct_foot": round_or_none(100 * st.stance_heel_frac_foot)})


def _tiptoe_fault(st: Step) -> Fault:
    return Fault(code="tiptoe", side=st.side, start_s=st.contact_s, end_s=st.off_s,
                 message=f"{st.side.capitalize()} foot landed and stayed on the toes: the heel "
                         f"stayed {100 * st.stance_heel_frac_foot:.0f} % of the foot length up.")


def analyse(trace: Trace, *, min_steps: int = 2) -> ExerciseReport:
    """Analyse a walking trace (side view) for heel-first and tiptoe steps.

    Parameters
    ----------
    trace : Trace
    min_steps : int
        Fewer side-view steps than this gives ``insufficient_data``.

    Returns
    -------
    ExerciseReport
        ``reps`` are the steps (side, initial_contact, heel heights in % of the foot length);
        metrics ``steps``, ``heel_strike_ratio`` (heel-first contacts / steps),
        ``tiptoe_stance_ratio`` (steps on tiptoe / steps), ``steps_left``/``steps_right``,
        ``side_view_s``.
    """
    n = len(trace)
    short = too_short(n)
    if short:
        return _insufficient(trace, short)
    sig = prepare(_walk_landmarks(trace), cutoff_hz=CUTOFF_HZ, landmarks=WALK_LANDMARKS)
    reason = check_data(sig, need_feet=True)
    if reason:
        return insufficient("walk", sig, trace.fps, n, reason)
    side_view = side_view_frames(sig)
    warnings = []
    person_n = max(int(sig.person.sum()), 1)
    side_frac = float((side_view & sig.person).sum() / person_n)
    if side_frac < MIN_SIDE_FRAC:
        steps = front_steps(sig, trace)
        return _insufficient(trace, "the walk is not filmed from the side: heel-first or "
                             "tiptoe steps can only be judged with the camera at the side of "
                             "the walkway", view=_view(side_frac),
                             reps=tuple(_step_rep(st) for st in steps),
                             metrics={"steps": len(steps), "heel_strike_ratio": None,
                                      "tiptoe_stance_ratio": None},
                             warnings=("steps counted from the front are approximate",))
    front = [(a, b) for a, b in runs(sig.person & ~side_view) if (b - a) >= 0.5 * sig.fps]
    if front:
        spans = ", ".join(f"{sig.t_s[a]:.1f}-{sig.t_s[b - 1]:.1f} s" for a, b in front)
        warnings.append(f"parts not seen from the side were not used ({spans})")
    # near the picture edges a wide-angle camera sees the walker a little obliquely: the
    # feet still show their steps (each foot's projected length is checked in find_steps)
    oblique_ok = side_view_frames(sig, max_ratio=STEP_VIEW_MAX_RATIO)
    choice = choose_foot(sig)
    body_x = (sig.p(L_HIP)[:, 0] + sig.p(R_HIP)[:, 0]) / 2
    steps: list[Step] = []
    for side in ("left", "right"):
        L = choice.foot_length.get(side, np.nan)
        if not np.isfinite(L) or L <= 0:
            L = np.nanmax([v for v in choice.foot_length.values()] + [np.nan])
        if np.isfinite(L) and L > 0:
            steps += find_steps(sig, trace, side, L, oblique_ok, body_x)
    turns = turn_times(sig)
    steps = sorted((_unjudged(s) if any(abs(s.contact_s - t) < TURN_GUARD_S for t in turns)
                    else s for s in steps), key=lambda s: s.contact_s)
    steps, set_aside = _walk_tiptoe(steps)
    if set_aside:
        warnings.append(f"{set_aside} step(s) read as tiptoe on a foot whose heel was not "
                        "reliably seen (far foot or cut by the end); not enough to call the "
                        "walk tiptoe")
    return _report(trace, steps, side_frac, warnings, min_steps)


def _reliable(st: Step) -> bool:
    """The step's heel was seen well enough to judge it (see the module notes, 5)."""
    return not st.cut and bool(np.isfinite(st.heel_vis) and st.heel_vis >= RELIABLE_HEEL_VIS)


def _near(st: Step) -> bool:
    """The step's foot is the near (better seen) one over its stance."""
    return not np.isfinite(st.other_heel_vis) or st.heel_vis >= st.other_heel_vis - NEAR_VIS_MARGIN


def _both_agree(st: Step) -> bool:
    """Contact and stance both say tiptoe, clearly: a toe-first contact and the heel up in
    stance (one wandering heel landmark rarely fakes both)."""
    return bool(st.contact_heel_frac_foot > TOE_FIRST_FRAC
                and st.stance_heel_frac_foot > TIPTOE_HEEL_FRAC)


def _walk_tiptoe(steps: list[Step]) -> tuple[list[Step], int]:
    """The steps, with every tiptoe reading dropped unless the walk is tiptoe (a reliable
    tiptoe step on the near foot or on which contact and stance clearly agree, or
    ``MIN_TIPTOE_STEPS`` reliable ones; in a tiptoe walk the other steps read tiptoe keep
    their flag); and how many readings were set aside."""
    tip = [s for s in steps if s.tiptoe and _reliable(s)]
    walk_tip = (any(_near(s) or _both_agree(s) for s in tip)
                or len(tip) >= MIN_TIPTOE_STEPS)
    out = [s if walk_tip or not s.tiptoe else replace(s, tiptoe=False) for s in steps]
    return out, sum(s.tiptoe for s in steps) - sum(s.tiptoe for s in out)


def _walk_landmarks(trace: Trace) -> Trace:
    """The trace with only the landmarks the walk analysis reads (nose, shoulders, hips,
    legs, feet): cleaning the others would only cost time."""
    keep = list(WALK_LANDMARKS)
    pose = np.full_like(trace.pose, np.nan)
    pose[:, keep] = trace.pose[:, keep]
    return Trace(fps=trace.fps, width=trace.width, height=trace.height, t=trace.t, pose=pose,
                 hands=trace.hands, source=trace.source)


def _insufficient(trace: Trace, reason: str, *, view: str = "unknown", reps=(),
                  metrics=None, warnings=()) -> ExerciseReport:
    return ExerciseReport(exercise="walk", frames=len(trace), fps=trace.fps, view=view,
                          verdict="insufficient_data", reps=reps, metrics=metrics or {},
                          warnings=(*warnings, reason), reason=reason)


def _view(side_frac: float) -> str:
    return "side" if side_frac >= 0.5 else "front"


def _report(trace: Trace, steps: list[Step], side_frac: float, warnings: list[str],
            min_steps: int) -> ExerciseReport:
    n_steps = len(steps)
    metrics = {"steps": n_steps,
               "steps_left": sum(s.side == "left" for s in steps),
               "steps_right": sum(s.side == "right" for s in steps),
               "heel_strike_ratio": round(sum(s.initial_contact == "heel" for s in steps) / n_steps, 3)
               if n_steps else None,
               "tiptoe_stance_ratio": round(sum(s.tiptoe for s in steps) / n_steps, 3)
               if n_steps else None}
    reps = tuple(_step_rep(s) for s in steps)
    if n_steps < min_steps:
        return _insufficient(trace, "fewer than two steps were seen from the side: walk "
                             "across the picture, a few steps each way", view=_view(side_frac),
                             reps=reps, metrics=metrics, warnings=tuple(warnings))
    faults = tuple(_tiptoe_fault(s) for s in steps if s.tiptoe)
    return ExerciseReport(exercise="walk", frames=len(trace), fps=trace.fps,
                          view=_view(side_frac), verdict="needs_attention" if faults else "good",
                          reps=reps, faults=faults, metrics=metrics, warnings=tuple(warnings))
