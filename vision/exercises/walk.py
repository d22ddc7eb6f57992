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
   0); a toe walker lands toe first and keeps the heel up. Tiptoe when the contact read
   toe-first (3) and the stance heel exceeds ``TIPTOE_HEEL_FRAC`` (0.15 L), or
   ``TIPTOE_HEEL_FRAC_TOE_FIRST`` (0.08 L) after a clearly toe-first contact
   (``TOE_FIRST_FRAC``, 0.12 L). A flat contact followed by a "raised" heel is not a toe
   walker's step (the heel would have to rise in mid-stance): it is a guessed heel.

5. **Each step's class, confidence and phase** (turning, starting, stopping, cut, walking)
   and 6. **the walk's verdict** from the clearly judged steps: :mod:`vision.exercises.walk_decide`.
   Fewer than two clearly judged steps, or tiptoe readings too many to ignore but not a
   majority, is "can't tell" (``insufficient_data`` with the reason and what to film).
   Every fault carries its evidence (stance heel height, threshold, source frames) and
   confidence.

7. **Plausibility** (:mod:`vision.exercises.plausibility`): leg and foot landmarks whose
   segment lengths change as no body's can are dropped before steps are found.

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

from vision.exercises import plausibility as P
from vision.exercises import recognise as R
from vision.exercises import walk_decide as D
from vision.exercises.common import (
    check_data,
    insufficient,
    not_this,
    round_or_none,
    too_short,
)
from vision.exercises.heel_check import pixel_heel
from vision.exercises.report import ExerciseReport, Rep, split_confident
from vision.exercises.squat_gates import OBLIQUE_MIN_DEG, camera_angle_deg
from vision.exercises.walk_steps import (
    CUTOFF_HZ,
    MIN_SIDE_FRAC,
    OBLIQUE_WALK_MAX_RATIO,
    OBLIQUE_WALK_MIN_DEG,
    STANCE_CAP_S,
    STEP_VIEW_MAX_RATIO,
    TIPTOE_HEEL_FRAC,
    TURN_GUARD_S,
    Step,
    find_steps,
    side_view_frames,
    width_ratio,
)
from vision.exercises.walk_turns import front_steps, turn_times
from vision.pose.posture import choose_foot, detect_view
from vision.pose.signals import prepare, runs
from vision.pose.trace import L_HIP, L_SHOULDER, NOSE, R_FOOT_INDEX, R_HIP, R_SHOULDER, Trace

# the landmarks the walk reads (the others would only cost cleaning time)
WALK_LANDMARKS = (NOSE, L_SHOULDER, R_SHOULDER, *range(L_HIP, R_FOOT_INDEX + 1))

PIXEL_MIN_MEASURED = 0.5  # the pixel witness must have measured this share of the stance ...
PIXEL_DOWN_SHARE = 0.5    # ... and seen the heel below this share of TIPTOE_HEEL_FRAC

_FILM_WALK = (" (film the whole body, feet included, from the side of the walkway, a few "
              "steps each way)")


def _unjudged(st: Step) -> Step:
    """A step next to a turn: counted, but its heel height is not judged (the foot is
    pivoting and seen obliquely)."""
    return replace(st, tiptoe=False, initial_contact="turning")


def _step_rep(st: Step, phase: str = "walking") -> Rep:
    return Rep(start_s=st.contact_s, end_s=st.off_s, ok=not st.tiptoe,
               faults=("tiptoe",) if st.tiptoe else (),
               metrics={"side": st.side, "initial_contact": st.initial_contact,
                        "contact_heel_pct_foot": round_or_none(100 * st.contact_heel_frac_foot),
                        "stance_heel_pct_foot": round_or_none(100 * st.stance_heel_frac_foot),
                        "confidence": round(D.step_confidence(st), 3), "phase": phase})


def _pixel_check(steps: list[Step], trace: Trace, sig) -> tuple[list[Step], list[Step]]:
    """Steps read tiptoe whose heel the pixel measure (when the trace has one) saw down
    over the judged stance -- below ``PIXEL_DOWN_SHARE`` of ``TIPTOE_HEEL_FRAC`` on at least
    ``PIXEL_MIN_MEASURED`` of its frames -- lose the reading: the two witnesses disagree,
    which is "can't tell", never a fault. Returns (steps, the disputed ones as read)."""
    out, disputed = [], []
    for st in steps:
        if st.tiptoe:
            n_use = min(st.off_i - st.contact_i, int(STANCE_CAP_S * sig.fps))
            rise, measured = pixel_heel(trace, sig.t_s, st.side, st.contact_i,
                                        st.contact_i + max(n_use, 1))
            if measured >= PIXEL_MIN_MEASURED and rise < PIXEL_DOWN_SHARE * TIPTOE_HEEL_FRAC:
                disputed.append(st)
                st = replace(st, tiptoe=False)
        out.append(st)
    return out, disputed


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
    plaus, dropped, too_many = _plausible(trace, "side")
    if too_many and not _seen_from_side(trace):
        # seen from the front a foot pointing at the camera is short for real
        plaus, dropped, too_many = _plausible(trace, "front")
    if too_many:
        return _insufficient(trace, too_many, metrics={"implausible_frames": dropped})
    trace = P.clean_trace(trace, plaus)
    sig = prepare(_walk_landmarks(trace), cutoff_hz=CUTOFF_HZ, landmarks=WALK_LANDMARKS)
    reason = check_data(sig, need_feet=True)
    if reason:
        return insufficient("walk", sig, trace.fps, n, reason + _FILM_WALK)
    if detect_view(sig).lying:
        return not_this("walk", sig, trace.fps, n, "this looks like an exercise lying down, "
                        "not a walk")
    side_view = side_view_frames(sig)
    warnings = []
    person_n = max(int(sig.person.sum()), 1)
    side_frac = float((side_view & sig.person).sum() / person_n)
    angle = walk_camera_angle(sig)
    view = _view(side_frac, angle)
    # near the picture edges a wide-angle camera sees the walker a little obliquely: the
    # feet still show their steps (each foot's projected length is checked in find_steps)
    oblique_ok = side_view_frames(sig, max_ratio=STEP_VIEW_MAX_RATIO)
    if side_frac < MIN_SIDE_FRAC:
        at_angle = side_view_frames(sig, max_ratio=OBLIQUE_WALK_MAX_RATIO)
        if not angle >= OBLIQUE_WALK_MIN_DEG or float((at_angle & sig.person).sum()
                                                        / person_n) < MIN_SIDE_FRAC:
            steps = front_steps(sig, trace)
            return _front_report(trace, steps, view, min_steps, angle)
        # filmed at an angle: the steps whose foot is seen side-on enough are judged
        side_view = oblique_ok = at_angle
        view = "oblique"
        warnings.append(f"filmed from an angle (about {angle:.0f} degrees from facing the "
                        "camera): heels judged only on steps whose foot was seen side-on "
                        "enough; film from the side")
    front = [(a, b) for a, b in runs(sig.person & ~side_view) if (b - a) >= 0.5 * sig.fps]
    if front:
        spans = ", ".join(f"{sig.t_s[a]:.1f}-{sig.t_s[b - 1]:.1f} s" for a, b in front)
        warnings.append(f"parts not seen from the side were not used ({spans})")
    choice = choose_foot(sig)
    body_x = (sig.p(L_HIP)[:, 0] + sig.p(R_HIP)[:, 0]) / 2
    steps: list[Step] = []
    for side in ("left", "right"):
        L = choice.foot_length.get(side, np.nan)
        if not np.isfinite(L) or L <= 0:
            L = np.nanmax([v for v in choice.foot_length.values()] + [np.nan])
        if np.isfinite(L) and L > 0:
            steps += find_steps(sig, trace, side, L, oblique_ok, body_x,
                                need_floor=view == "oblique")
    turns = turn_times(sig)
    steps = sorted((_unjudged(s) if any(abs(s.contact_s - t) < TURN_GUARD_S for t in turns)
                    else s for s in steps), key=lambda s: s.contact_s)
    steps, disputed = _pixel_check(steps, trace, sig)
    phases = D.step_phases(steps, float(sig.t_s[np.argmax(sig.person)]))
    decision = D.decide(steps, phases)
    unclear = tuple(D.unclear_step(st, sig) for st in decision.set_aside) + tuple(
        D.unclear_step(st, sig, disputed=True) for st in disputed)
    if decision.set_aside:
        warnings.append(f"{len(decision.set_aside)} step(s) read as tiptoe, but most steps "
                        "seen clearly were not: not enough to call the walk tiptoe")
    if decision.unseen:
        warnings.append(f"{len(decision.unseen)} step(s) whose heel was hardly seen (hidden "
                        "or out of the picture) were not judged")
    return _report(trace, sig, decision, phases, view, warnings, min_steps, unclear,
                   dropped)


def _plausible(trace: Trace, view: str):
    """(plausibility, frames dropped, the too-many-dropped reason or None) for ``view``."""
    plaus = P.check(trace, view=view, segments=("thigh", "shank", "foot"))
    dropped = int(plaus.dropped((("ankle", "heel", "toe"),)).sum())
    return plaus, dropped, P.too_many_dropped(plaus.dropped_frac((("ankle", "heel", "toe"),)),
                                              plaus.reason_text())


def _seen_from_side(trace: Trace) -> bool:
    """The walker is seen from the side (or a mild oblique) in at least ``MIN_SIDE_FRAC``
    of the frames with a person (before any cleaning)."""
    sig = prepare(_walk_landmarks(trace), cutoff_hz=CUTOFF_HZ, landmarks=WALK_LANDMARKS)
    person = max(int(sig.person.sum()), 1)
    return float((side_view_frames(sig) & sig.person).sum() / person) >= MIN_SIDE_FRAC


def walk_camera_angle(sig) -> float:
    """Degrees between the camera axis and the walker's facing direction (0 facing the
    camera or walking away from it, 90 side-on) from the median width ratio of the upright
    frames (:func:`vision.exercises.walk_steps.width_ratio`); NaN when never seen upright."""
    r = width_ratio(sig)
    r = r[np.isfinite(r) & sig.person]
    return camera_angle_deg(float(np.median(r))) if r.size else float("nan")


def _front_report(trace: Trace, steps: list[Step], view: str, min_steps: int,
                  angle: float = float("nan")) -> ExerciseReport:
    """A walk not seen from the side: the steps are counted, tiptoe is not judged (from
    the front or behind, or a steep oblique, the picture cannot show the heel's height
    above the floor). ``angle`` (degrees from facing the camera) names an oblique view
    (``OBLIQUE_WALK_MIN_DEG`` or more) whose feet were too rarely seen side-on."""
    n = len(steps)
    counted = (f"{n} steps counted ({sum(s.side == 'left' for s in steps)} left, "
               f"{sum(s.side == 'right' for s in steps)} right)" if n >= min_steps
               else "fewer than two steps were found")
    if np.isfinite(angle) and angle >= OBLIQUE_WALK_MIN_DEG:
        # named only well clear of facing: the width ratio facing the camera varies with
        # the build (0.7-0.85 trunk lengths), so 30-40 degrees may still be a front view
        view = "oblique"
        where = (f"filmed from an angle (about {angle:.0f} degrees from facing the camera) the "
                 "feet were too rarely seen side-on to show the heels' height")
    else:
        view = "front" if view == "oblique" else view
        where = "from the front or behind the video cannot show whether the heels reach the floor"
    reason = f"{counted}; to check tiptoe, film from the side: {where}" + _FILM_WALK
    return _insufficient(trace, reason, view=view,
                         reps=tuple(_step_rep(st, "walking") for st in steps),
                         metrics={"steps": n, "steps_left": sum(s.side == "left" for s in steps),
                                  "steps_right": sum(s.side == "right" for s in steps),
                                  "heel_strike_ratio": None, "tiptoe_stance_ratio": None,
                                  "tiptoe_checked": False},
                         warnings=("steps counted from the front are approximate (within "
                                   "about one step)",))


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


def _view(side_frac: float, angle: float = float("nan")) -> str:
    """"side" when most frames are side-on, else "oblique" for a walk filmed at least
    ``OBLIQUE_MIN_DEG`` from facing the camera (``angle``, degrees), else "front"."""
    if side_frac >= 0.5:
        return "side"
    return "oblique" if np.isfinite(angle) and angle >= OBLIQUE_MIN_DEG else "front"


def _report(trace: Trace, sig, decision: D.WalkDecision, phases: list[str], view: str,
            warnings: list[str], min_steps: int, unclear=(), dropped: int = 0) -> ExerciseReport:
    steps = list(decision.steps)
    faults, low = split_confident([D.tiptoe_fault(s, sig, decision.confidence)
                                   for s in steps if s.tiptoe])
    unsure = {(u.start_s, u.end_s) for u in low}
    steps = [replace(s, tiptoe=False) if (s.contact_s, s.off_s) in unsure else s for s in steps]
    unclear = (*unclear, *low)
    n_steps = len(steps)
    checked = not decision.cant_tell
    metrics = {"steps": n_steps,
               "steps_left": sum(s.side == "left" for s in steps),
               "steps_right": sum(s.side == "right" for s in steps),
               "heel_strike_ratio": round(sum(s.initial_contact == "heel" for s in steps) / n_steps, 3)
               if n_steps else None,
               "tiptoe_stance_ratio": round(sum(s.tiptoe for s in steps) / n_steps, 3)
               if n_steps and checked else None,
               "steps_deciding": sum(p == "walking" for p in phases),
               "steps_judged": decision.judged,
               "tiptoe_checked": checked and n_steps >= min_steps,
               "implausible_frames": dropped}
    reps = tuple(_step_rep(s, p) for s, p in zip(steps, phases, strict=True))
    other = R.clip_kind(sig) if n_steps < min_steps else None
    if other and other != "walking":
        return not_this("walk", sig, trace.fps, len(trace), "this does not look like a walk: it "
                        f"looks more like {R.KINDS[other]}", metrics=metrics,
                        warnings=tuple(warnings))
    if n_steps < min_steps:
        return _insufficient(trace, "fewer than two steps were seen from the side: walk "
                             "across the picture, a few steps each way", view=view,
                             reps=reps, metrics=metrics, warnings=tuple(warnings))
    if not checked:    # never "good" nor tiptoe on too few clearly judged steps
        return ExerciseReport(exercise="walk", frames=len(trace), fps=trace.fps,
                              view=view, verdict="insufficient_data", reps=reps,
                              metrics=metrics, unclear=tuple(unclear),
                              reason=(reason := D.cant_tell_reason(decision, n_steps)),
                              warnings=(*warnings, reason))
    return ExerciseReport(exercise="walk", frames=len(trace), fps=trace.fps,
                          view=view, verdict="needs_attention" if faults else "good",
                          reps=reps, faults=faults, metrics=metrics, warnings=tuple(warnings),
                          unclear=tuple(unclear))
