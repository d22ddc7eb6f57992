"""Squat analysis: repetitions, depth and heel lift from a landmark trace.

Method
------
1. :func:`vision.pose.signals.prepare` gates landmarks below visibility 0.5, fills gaps up
   to 0.25 s and smooths (zero-phase Butterworth, 4 Hz).
2. Knee angle (hip-knee-ankle, 180 = straight) of the better-seen leg in a side view; in a
   front view the knee flexion is estimated from how much the thigh and shank shorten
   (``acos(projected / longest length)`` each), which is rougher.
3. Reps by hysteresis on the knee angle: a rep starts when the angle falls
   ``ENTER_DROP_DEG`` below the standing angle (its 90th percentile) and ends when it comes
   back within ``LEAVE_DROP_DEG``; shorter than ``MIN_REP_S`` or shallower than the entry
   drop is a wobble, not a rep; so is a "rep" in which the hips do not come down by
   ``MIN_HIP_DROP_FRAC`` of their height above the lower ankle (a one-leg lift); from
   the front, where the knee angle is a rough estimate, the hips must come down by
   ``MIN_HIP_DROP_FRAC_FRONT`` (about a 125 degree knee), for 0.25 s at least.
4. Depth: ``shallow`` when the knee never bends past ``SHALLOW_KNEE_DEG``.
5. Heel lift: the heel's rise above its standing position, as a fraction of the foot length
   (heel -> foot index), both relative to the foot index and on its own (the smaller
   counts), sustained for 0.2 s; ``heel_lift`` when it exceeds ``HEEL_LIFT_FRAC_FOOT``
   during a rep. Only the better-seen foot is used when the other is unreliable (the far
   foot in a side view is often guessed by the tracker).
"""

from __future__ import annotations

import numpy as np

from vision.exercises import common as C
from vision.exercises.report import ExerciseReport, Fault, Rep
from vision.pose.posture import choose_foot
from vision.pose.signals import Signals, knee_angle_deg, smooth_zero_phase
from vision.pose.trace import SIDE_IDX, Trace

ENTER_DROP_DEG = 30.0       # knee angle this far below standing starts a rep
LEAVE_DROP_DEG = 12.0       # ... and back within this of standing ends it
MIN_REP_S = 0.5
SHALLOW_KNEE_DEG = 120.0    # the knee should bend past this (smaller angle) at the bottom
HEEL_LIFT_FRAC_FOOT = 0.09  # heel rise that counts as a lift, fraction of the foot length
HEEL_MIN_S = 0.20           # ... held at least this long
MIN_HIP_DROP_FRAC = 0.03    # a rep lowers the hips by at least this share of their height
MIN_HIP_DROP_FRAC_FRONT = 0.12  # ... from the front, where the knee angle is only estimated
FRONT_CUTOFF_HZ = 1.5       # low-pass on front-view lengths
EXERCISE = "squat"


def _leg_score(sig: Signals, side: str) -> float:
    idx = [SIDE_IDX[side][p] for p in ("hip", "knee", "ankle")]
    seen = np.mean([sig.seen(i).mean() for i in idx])
    vis = np.nanmedian(sig.visibility[:, idx]) if np.isfinite(sig.visibility[:, idx]).any() else 0
    return float(seen * vis)


def knee_angle_series(sig: Signals, view: str) -> tuple[np.ndarray, str]:
    """(n,) knee angle in degrees (180 = straight) and the leg used ("left"/"right"/"both")."""
    if view == "front":
        # a squat bends both knees: the straighter leg keeps a one-leg lift from counting
        est = np.stack([_front_knee(sig, s) for s in ("left", "right")])
        both = np.isfinite(est).all(axis=0)
        return np.where(both, np.max(est, axis=0), np.nan), "both"
    side = max(("left", "right"), key=lambda s: _leg_score(sig, s))
    k = knee_angle_deg(sig.side(side, "hip"), sig.side(side, "knee"), sig.side(side, "ankle"))
    return k, side


def _calm(x: np.ndarray, fps: float) -> np.ndarray:
    """Extra low-pass (FRONT_CUTOFF_HZ) for front-view lengths: acos near 1 and length
    ratios amplify landmark jitter."""
    return smooth_zero_phase(x, fps=fps, cutoff_hz=FRONT_CUTOFF_HZ)


def _shoulder_width(sig: Signals) -> np.ndarray:
    """(n,) shoulder width: a front-view ruler that a squat does not shorten (zoom-proof)."""
    return _calm(np.hypot(*(sig.side("left", "shoulder") - sig.side("right", "shoulder")).T), sig.fps)


def _front_knee(sig: Signals, side: str) -> np.ndarray:
    """Knee angle from the shortening of thigh and shank when they tilt towards the camera
    (lengths in shoulder widths, so a zooming camera does not read as a bend; the full
    length is the 80th percentile, so jitter does not inflate it)."""
    out = []
    ruler = _shoulder_width(sig)
    for a, b in (("hip", "knee"), ("knee", "ankle")):
        d = _calm(np.hypot(*(sig.side(side, a) - sig.side(side, b)).T), sig.fps) / ruler
        full = np.nanpercentile(d, 80) if np.isfinite(d).any() else np.nan
        out.append(np.degrees(np.arccos(np.clip(d / full, 0, 1))))
    return 180.0 - (out[0] + out[1])


def find_reps(knee: np.ndarray, fps: float) -> tuple[list[C.RepInterval], float]:
    """Squat reps on the knee angle and the standing knee angle (degrees)."""
    if not np.isfinite(knee).any():
        return [], float("nan")
    stand = float(np.nanpercentile(knee, 90))
    reps = C.hysteresis_reps(knee, enter=stand - ENTER_DROP_DEG, leave=stand - LEAVE_DROP_DEG,
                             fps=fps, direction="below", min_duration_s=MIN_REP_S,
                             min_amplitude=ENTER_DROP_DEG, baseline=stand)
    return reps, stand


def hip_drop_frac(sig: Signals, *, front: bool = False) -> np.ndarray:
    """(n,) how far the mid-hip has come down towards the lower ankle, as a fraction of
    its standing (90th percentile) height above it. 0 = standing tall. From the front the
    height is measured in shoulder widths (zoom-proof)."""
    hip = (sig.side("left", "hip")[:, 1] + sig.side("right", "hip")[:, 1]) / 2
    hip = np.where(np.isfinite(hip), hip, np.fmax(sig.side("left", "hip")[:, 1], sig.side("right", "hip")[:, 1]))
    ankle = np.fmax(sig.side("left", "ankle")[:, 1], sig.side("right", "ankle")[:, 1])
    h = _calm(ankle - hip, sig.fps) / _shoulder_width(sig) if front else ankle - hip
    if not np.isfinite(h).any():
        return np.full(len(sig), np.nan)
    return 1.0 - h / np.nanpercentile(h, 90)


def heel_lifts(sig: Signals, reps, knee: np.ndarray, stand: float):
    """Per rep: {side: sustained max heel rise (foot lengths)} and the feet used."""
    fc = choose_foot(sig)
    feet = [s for s in ("left", "right") if fc.reliable[s]] or ([fc.side] if fc.side else [])
    if len(feet) == 2 and min(fc.score.values()) < 0.6 * max(fc.score.values()):
        feet = [fc.side]
    in_rep = np.zeros(len(sig), bool)
    for r in reps:
        in_rep[r.start:r.end + 1] = True
    rest = ~in_rep & (knee > stand - LEAVE_DROP_DEG)
    rises = {s: C.heel_rise_frac_foot(sig, s, fc.foot_length[s], rest=rest) for s in feet}
    per_rep = [{s: C.sustained_max(rises[s][r.start:r.end + 1], fps=sig.fps, min_s=HEEL_MIN_S)
                for s in feet} for r in reps]
    return per_rep, feet, fc


def _rep_result(sig, r, knee, lifts: dict, feet) -> tuple[Rep, list[Fault]]:
    t0, t1 = C.frames_to_s(sig, r.start), C.frames_to_s(sig, r.end)
    min_knee = float(np.nanmin(knee[r.start:r.end + 1]))
    faults: list[Fault] = []
    if min_knee > SHALLOW_KNEE_DEG:
        faults.append(Fault("shallow", "both", t0, t1,
                            f"The knees bent only to {min_knee:.0f} degrees; aim for a deeper "
                            f"squat (past {SHALLOW_KNEE_DEG:.0f})."))
    lifted = [s for s, v in lifts.items() if np.isfinite(v) and v > HEEL_LIFT_FRAC_FOOT]
    finite = [v for v in lifts.values() if np.isfinite(v)]
    top = max(max(finite), 0.0) if finite else float("nan")
    if lifted:
        side = "both" if len(lifted) == 2 else lifted[0]
        faults.append(Fault("heel_lift", side, t0, t1,
                            f"The heel{'s' if side == 'both' else ''} lifted by about "
                            f"{100 * top:.0f}% of the foot length; keep the heels on the floor."))
    metrics = {"min_knee_angle_deg": round(min_knee, 1),
               "max_heel_lift_pct_foot": C.round_or_none(100 * top if finite else np.nan)}
    return Rep(t0, t1, ok=not faults, faults=tuple(f.code for f in faults), metrics=metrics), faults


def analyse(trace: Trace, **options) -> ExerciseReport:
    """Analyse a squat trace.

    Options: ``min_visibility`` (0..1), ``cutoff_hz`` passed to :func:`prepare`.
    Returns an :class:`ExerciseReport` with per-rep ``min_knee_angle_deg`` and
    ``max_heel_lift_pct_foot`` and overall metrics of the same names.
    """
    n, fps = len(trace), float(trace.fps)
    opened = C.prepare_checked(EXERCISE, trace, options, parts=("hip", "knee"), lying=False,
                               wrong_posture="the person is lying down; a squat is done "
                                             "standing")
    if isinstance(opened, ExerciseReport):
        return opened
    sig, view = opened
    knee, leg = knee_angle_series(sig, view.view)
    reps, stand = find_reps(knee, fps)
    drop = hip_drop_frac(sig, front=view.view == "front")
    need = MIN_HIP_DROP_FRAC if view.view == "side" else MIN_HIP_DROP_FRAC_FRONT
    reps = [r for r in reps if C.sustained_max(drop[r.start:r.end + 1], fps=fps, min_s=0.25) >= need]
    warnings = []
    if view.view == "front":
        warnings.append("filmed from the front: knee angles are estimates; film from the side")
    feet_reason = C.check_data(sig, parts=(), need_feet=True)
    if feet_reason or choose_foot(sig).side is None:
        feet_reason = feet_reason or "the feet are not visible"
        rep_objs = tuple(Rep(C.frames_to_s(sig, r.start), C.frames_to_s(sig, r.end), ok=True,
                             metrics={"min_knee_angle_deg": round(r.extreme, 1)}) for r in reps)
        return C.insufficient(EXERCISE, sig, fps, n, feet_reason, view=view, reps=rep_objs,
                              warnings=tuple(warnings))
    if not reps:
        return C.insufficient(EXERCISE, sig, fps, n, "no squat was found: the knees did not "
                              f"bend by {ENTER_DROP_DEG:.0f} degrees or more", view=view,
                              warnings=tuple(warnings))
    per_rep, feet, fc = heel_lifts(sig, reps, knee, stand)
    out_reps, faults = [], []
    for r, lifts in zip(reps, per_rep, strict=False):
        rep, f = _rep_result(sig, r, knee, lifts, feet)
        out_reps.append(rep)
        faults += f
    heel_vals = [m for rp in out_reps if (m := rp.metrics["max_heel_lift_pct_foot"]) is not None]
    metrics = {"reps": len(out_reps),
               "min_knee_angle_deg": round(min(rp.metrics["min_knee_angle_deg"] for rp in out_reps), 1),
               "max_heel_lift_pct_foot": max(heel_vals) if heel_vals else None,
               "standing_knee_angle_deg": round(stand, 1), "knee_side": leg,
               "heel_sides": feet, "heel_lift_threshold_pct_foot": 100 * HEEL_LIFT_FRAC_FOOT}
    if len(feet) == 1:
        warnings.append(f"heel checked on the {feet[0]} foot only (the other is not seen well)")
    return ExerciseReport(exercise=EXERCISE, frames=n, fps=fps, view=view.view,
                          verdict=C.verdict_for(out_reps, faults), reps=tuple(out_reps),
                          faults=C.merge_faults(faults), metrics=metrics, warnings=tuple(warnings))
