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

5. **Each step's class and confidence.** The initial contact reads heel-first, flat or
   toe-first (3); the step's confidence (0..1) is the heel's visibility quality over the
   judged stance times the margin of its stance heel height from ``TIPTOE_HEEL_FRAC``
   (:func:`vision.exercises.common.confidence`). Steps while turning (within
   ``TURN_GUARD_S`` of a turn), starting (the first contact after standing still in view),
   stopping (a stance longer than ``STOP_STANCE_S``), cut by the end of the trace or half out of the picture are counted
   but do not decide anything while at least ``MIN_DECIDING_STEPS`` confident steady
   steps exist (a short walk of two or three steps a pass is all starting and stopping:
   then those count, turning and cut steps never).

6. **The walk's verdict** rests on the *confident* steps (judged, heel seen at least at
   ``RELIABLE_HEEL_VIS``, confidence at least ``STEP_CONFIDENCE_MIN``). The far foot's heel
   is hidden behind the near leg in stance and wanders by up to half a foot length
   (DESIGN.md), so single readings are not enough: the walk is tiptoe only when at least
   ``MIN_TIPTOE_STEPS`` confident steps read tiptoe and they are more than
   ``TIPTOE_MAJORITY`` of the confident steps. Then every step read tiptoe (not turning,
   not cut) is a fault; otherwise the tiptoe readings go to ``unclear``.
   Every fault carries its evidence (stance heel height, threshold, frames) and confidence.

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
from vision.exercises.common import (
    QUALITY_VIS_LOW,
    check_data,
    confidence,
    insufficient,
    not_this,
    round_or_none,
    too_short,
)
from vision.exercises.heel_check import pixel_heel
from vision.exercises.report import Evidence, ExerciseReport, Fault, Rep, Unclear, split_confident
from vision.exercises.walk_steps import (
    CUTOFF_HZ,
    MIN_SIDE_FRAC,
    STANCE_CAP_S,
    STEP_VIEW_MAX_RATIO,
    TIPTOE_HEEL_FRAC,
    TURN_GUARD_S,
    Step,
    find_steps,
    side_view_frames,
)
from vision.exercises.walk_turns import front_steps, turn_times
from vision.pose.posture import choose_foot, detect_view
from vision.pose.signals import prepare, runs
from vision.pose.trace import L_HIP, L_SHOULDER, NOSE, R_FOOT_INDEX, R_HIP, R_SHOULDER, Trace

# the landmarks the walk reads (the others would only cost cleaning time)
WALK_LANDMARKS = (NOSE, L_SHOULDER, R_SHOULDER, *range(L_HIP, R_FOOT_INDEX + 1))

RELIABLE_HEEL_VIS = 0.6   # a step's heel is reliably seen at this median visibility
MIN_TIPTOE_STEPS = 2      # a tiptoe walk needs at least this many confident tiptoe steps
MIN_DECIDING_STEPS = 3    # fewer confident steady-walk steps: starting/stopping ones count

STOP_STANCE_S = 1.2       # a stance longer than this is standing still: the walker stopped
STEP_CONFIDENCE_MIN = 0.6 # steps below this confidence (0..1) do not decide the walk
TIPTOE_MAJORITY = 0.5     # the walk is tiptoe when more than this share of confident steps is
TIPTOE_FULL_MARGIN = 0.5  # stance heel this far (relative) from TIPTOE_HEEL_FRAC: sure
STEP_VIS_HIGH = 0.7       # heel visibility giving a step full quality (0.3 gives none)
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
                        "confidence": round(step_confidence(st), 3), "phase": phase})


def _evidence(st: Step) -> Evidence:
    return Evidence(100 * np.nan_to_num(st.stance_heel_frac_foot), 100 * TIPTOE_HEEL_FRAC,
                    (int(st.contact_i), int(st.off_i)), "% foot length heel above toe")


def _tiptoe_fault(st: Step, walk_confidence: float = 1.0) -> Fault:
    """A tiptoe step of a walk called tiptoe: its confidence is its own or, if higher, the
    walk's (the share of its confident steps read tiptoe)."""
    return Fault(code="tiptoe", side=st.side, start_s=st.contact_s, end_s=st.off_s,
                 message=f"{st.side.capitalize()} foot landed and stayed on the toes: the heel "
                         f"stayed {100 * st.stance_heel_frac_foot:.0f} % of the foot length up.",
                 confidence=max(step_confidence(st), walk_confidence), evidence=_evidence(st))


def _unclear_step(st: Step, *, disputed: bool = False) -> Unclear:
    why = ("the heel landmark says the heel stayed up, the picture says it was down"
           if disputed else "the clearly seen steps were mostly heel first")
    return Unclear("tiptoe", st.contact_s, st.off_s,
                   f"Can't tell from this video: one {st.side} step read as tiptoe, but {why}.",
                   0.0 if disputed else step_confidence(st), _evidence(st))


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
    if side_frac < MIN_SIDE_FRAC:
        steps = front_steps(sig, trace)
        return _front_report(trace, steps, side_frac, min_steps)
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
    steps, disputed = _pixel_check(steps, trace, sig)
    phases = step_phases(steps, sig.fps, float(sig.t_s[np.argmax(sig.person)]))
    steps, set_aside, walk_conf = _walk_tiptoe(steps, phases)
    unclear = tuple(_unclear_step(st) for st in set_aside) + tuple(
        _unclear_step(st, disputed=True) for st in disputed)
    if set_aside:
        warnings.append(f"{len(set_aside)} step(s) read as tiptoe, but most steps seen clearly "
                        "were not: not enough to call the walk tiptoe")
    return _report(trace, sig, steps, phases, side_frac, warnings, min_steps, unclear, dropped,
                   walk_conf)


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


def _front_report(trace: Trace, steps: list[Step], side_frac: float,
                  min_steps: int) -> ExerciseReport:
    """A walk not seen from the side: the steps are counted, tiptoe is not judged (from
    the front or behind, or a steep oblique, the picture cannot show the heel's height
    above the floor)."""
    n = len(steps)
    counted = (f"{n} steps counted ({sum(s.side == 'left' for s in steps)} left, "
               f"{sum(s.side == 'right' for s in steps)} right)" if n >= min_steps
               else "fewer than two steps were found")
    reason = (f"{counted}; to check tiptoe, film from the side: from the front or behind the "
              "video cannot show whether the heels reach the floor" + _FILM_WALK)
    return _insufficient(trace, reason, view=_view(side_frac),
                         reps=tuple(_step_rep(st, "walking") for st in steps),
                         metrics={"steps": n, "steps_left": sum(s.side == "left" for s in steps),
                                  "steps_right": sum(s.side == "right" for s in steps),
                                  "heel_strike_ratio": None, "tiptoe_stance_ratio": None,
                                  "tiptoe_checked": False},
                         warnings=("steps counted from the front are approximate (within "
                                   "about one step)",))


def _reliable(st: Step) -> bool:
    """The step's heel was seen well enough to judge it."""
    return not st.cut and bool(np.isfinite(st.heel_vis) and st.heel_vis >= RELIABLE_HEEL_VIS)


def step_confidence(st: Step) -> float:
    """0..1 confidence in the step's tiptoe / not-tiptoe reading (see the module notes, 5)."""
    q = float(np.clip((np.nan_to_num(st.heel_vis) - QUALITY_VIS_LOW)
                      / (STEP_VIS_HIGH - QUALITY_VIS_LOW), 0.0, 1.0))
    if not np.isfinite(st.stance_heel_frac_foot):
        return 0.0
    return confidence(st.stance_heel_frac_foot, TIPTOE_HEEL_FRAC, quality=q,
                      below=not st.tiptoe, full_margin=TIPTOE_FULL_MARGIN)


def step_phases(steps: list[Step], fps: float, t0: float = 0.0) -> list[str]:
    """Per step (sorted by contact): "walking", or why it does not decide the walk:
    "turning", "cut", "starting" (the first contact after standing in view: the same
    foot's previous stance, or the time since the trace began ``t0`` with no step, longer
    than ``STOP_STANCE_S``), "stopping" (its own stance longer than ``STOP_STANCE_S``)."""
    out = []
    last_stance: dict[str, float] = {}
    for k, st in enumerate(steps):
        before = last_stance.get(st.side)
        standing_before = (before is not None and before > STOP_STANCE_S) or (
            k == 0 and st.contact_s - t0 > STOP_STANCE_S)
        stance = st.off_s - st.contact_s
        last_stance[st.side] = stance
        if st.initial_contact == "turning":
            out.append("turning")
        elif st.cut:
            out.append("cut")
        elif standing_before:
            out.append("starting")
        elif stance > STOP_STANCE_S:
            out.append("stopping")
        else:
            out.append("walking")
    return out


def _walk_tiptoe(steps: list[Step], phases: list[str] | None = None
                 ) -> tuple[list[Step], list[Step], bool]:
    """(steps with tiptoe flags kept only in a tiptoe walk, the tiptoe readings set aside,
    the walk's tiptoe confidence: the share of confident steps read tiptoe, 0 when the
    walk is not tiptoe) -- see the module notes, 6."""
    phases = phases or ["walking"] * len(steps)
    sure = [(s, ph) for s, ph in zip(steps, phases, strict=True)
            if ph not in ("turning", "cut") and _reliable(s)
            and step_confidence(s) >= STEP_CONFIDENCE_MIN]
    confident = [s for s, ph in sure if ph == "walking"]
    if len(confident) < MIN_DECIDING_STEPS:     # a short walk: starts and stops count too
        confident = [s for s, _ in sure]
    tip = [s for s in confident if s.tiptoe]
    walk_tip = len(tip) >= MIN_TIPTOE_STEPS and len(tip) > TIPTOE_MAJORITY * len(confident)
    out = [s if walk_tip or not s.tiptoe else replace(s, tiptoe=False) for s in steps]
    aside = [] if walk_tip else [s for s in steps if s.tiptoe]
    return out, aside, len(tip) / len(confident) if walk_tip else 0.0


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


def _report(trace: Trace, sig, steps: list[Step], phases: list[str], side_frac: float,
            warnings: list[str], min_steps: int, unclear=(), dropped: int = 0,
            walk_conf: float = 1.0) -> ExerciseReport:
    faults, low = split_confident([_tiptoe_fault(s, walk_conf) for s in steps if s.tiptoe])
    unsure = {(u.start_s, u.end_s) for u in low}
    steps = [replace(s, tiptoe=False) if (s.contact_s, s.off_s) in unsure else s for s in steps]
    unclear = (*unclear, *low)
    n_steps = len(steps)
    metrics = {"steps": n_steps,
               "steps_left": sum(s.side == "left" for s in steps),
               "steps_right": sum(s.side == "right" for s in steps),
               "heel_strike_ratio": round(sum(s.initial_contact == "heel" for s in steps) / n_steps, 3)
               if n_steps else None,
               "tiptoe_stance_ratio": round(sum(s.tiptoe for s in steps) / n_steps, 3)
               if n_steps else None,
               "steps_deciding": sum(p == "walking" for p in phases),
               "implausible_frames": dropped}
    reps = tuple(_step_rep(s, p) for s, p in zip(steps, phases, strict=True))
    other = R.clip_kind(sig) if n_steps < min_steps else None
    if other and other != "walking":
        return not_this("walk", sig, trace.fps, len(trace), "this does not look like a walk: it "
                        f"looks more like {R.KINDS[other]}", metrics=metrics,
                        warnings=tuple(warnings))
    if n_steps < min_steps:
        return _insufficient(trace, "fewer than two steps were seen from the side: walk "
                             "across the picture, a few steps each way", view=_view(side_frac),
                             reps=reps, metrics=metrics, warnings=tuple(warnings))
    return ExerciseReport(exercise="walk", frames=len(trace), fps=trace.fps,
                          view=_view(side_frac), verdict="needs_attention" if faults else "good",
                          reps=reps, faults=faults, metrics=metrics, warnings=tuple(warnings),
                          unclear=tuple(unclear))
