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
   foot in a side view is often guessed by the tracker). The decision is made in
   :func:`vision.exercises.heel_check.heel_run` (landmarks with the pixel heel measure when
   the trace has it; disagreement is "unclear", never a fault). A rise above
   ``MAX_HEEL_RISE_FRAC_FOOT`` is not a heel in a squat but a wrong pose: dropped.
6. Is it a squat? (:mod:`vision.exercises.recognise`) A rep counts only when both feet
   stay put and the hips come down; a "rep" during which the feet travel (walking in,
   walking a bar out, racking it) is not counted, and when every candidate was one leg
   lifting the answer is ``not_this_exercise`` ("this looks like a leg raise").
7. Plausibility (:mod:`vision.exercises.plausibility`): frames whose segment lengths or
   knee angle no body can have are dropped first; too many dropped is "can't tell".
8. Views and gates (:mod:`vision.exercises.squat_gates`): the camera angle sorts side,
   oblique and front (or rear) views. Oblique: reps on the hip drop (standing height taken
   locally, ``STAND_WINDOW_S``), the knee angle with the sagittal plane's foreshortening
   undone, depth never a confident fault (``OBLIQUE_KNEE_QUALITY``). Front / rear: reps
   counted, heels not judged ("film from the side"). Knee bends while the feet and hips
   travel (walk-in, bar walk-out, racking) are not reps; at an oblique angle neither is a
   hip drop holding most of a knee bend (either leg's knee angle) that is one knee
   lifting (:func:`knee_rejects`, :func:`vision.exercises.squat_gates.knee_veto`). A landmark-only heel lift must
   stand ``heel_check.NOISE_K`` times above the heel point's resting jitter.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy.ndimage import percentile_filter

from vision.exercises import common as C
from vision.exercises import recognise as R
from vision.exercises import squat_gates as G
from vision.exercises.heel_check import HeelRun, heel_run, rest_noise_frac
from vision.exercises.report import Evidence, ExerciseReport, Fault, Rep, Unclear, split_confident
from vision.pose.posture import choose_foot
from vision.pose.signals import Signals, knee_angle_deg, smooth_zero_phase
from vision.pose.trace import SIDE_IDX, Trace

ENTER_DROP_DEG = 30.0       # knee angle this far below standing starts a rep
LEAVE_DROP_DEG = 12.0       # ... and back within this of standing ends it
MIN_REP_S = 0.5
SHALLOW_KNEE_DEG = 120.0    # the knee should bend past this (smaller angle) at the bottom
HEEL_LIFT_FRAC_FOOT = 0.09  # heel rise that counts as a lift, fraction of the foot length
HEEL_DOWN_FRAC_FOOT = 0.045  # heel rise at most this is down (fraction of the foot length)
MAX_HEEL_RISE_FRAC_FOOT = 0.4  # a heel cannot rise more than this in a squat: wrong pose
SHALLOW_FULL_MARGIN = 0.1   # 12 degrees above the bar: a sure shallow squat
FRONT_HEEL_QUALITY = 0.75   # from the front the landmark heel rise moves with the knee
                            # travelling forward: only a clear lift is a fault
FRONT_KNEE_QUALITY = 0.6    # from the front the knee angle is an estimate: a shallow squat
                            # is a fault only 12 degrees or more above the bar
OBLIQUE_KNEE_QUALITY = 0.5  # at an angle the knee is off by 20-30 degrees: a shallow squat
                            # is never a fault there (always "unclear": film from the side)
KNEE_QUALITY = {"side": 1.0, "oblique": OBLIQUE_KNEE_QUALITY, "front": FRONT_KNEE_QUALITY,
                "unknown": FRONT_KNEE_QUALITY}
MIN_HIP_DROP_FRAC = 0.03    # a rep lowers the hips by at least this share of their height
MIN_HIP_DROP_FRAC_FRONT = 0.12  # ... from the front, where the knee angle is only estimated
FRONT_CUTOFF_HZ = 1.5       # low-pass on front-view lengths
MIN_SIN_OBLIQUE = 0.5       # oblique knee stretch at most 2x (camera 30 degrees off front)
STAND_WINDOW_S = 4.0        # seconds: the standing hip height is taken this close by
EXERCISE = "squat"


def _leg_score(sig: Signals, side: str) -> float:
    idx = [SIDE_IDX[side][p] for p in ("hip", "knee", "ankle")]
    seen = np.mean([sig.seen(i).mean() for i in idx])
    vis = np.nanmedian(sig.visibility[:, idx]) if np.isfinite(sig.visibility[:, idx]).any() else 0
    return float(seen * vis)


def knee_angle_series(sig: Signals, view: str, camera_angle_deg: float = 90.0,
                      ) -> tuple[np.ndarray, str]:
    """(n,) knee angle in degrees (180 = straight) and the leg used ("left"/"right"/"both").

    ``camera_angle_deg`` (90 = side on) undoes the oblique foreshortening of a side view:
    the knee bends in the body's sagittal plane, whose forward axis shows in the picture
    shortened by ``sin(camera_angle)``, so the horizontal image components of thigh and
    shank are stretched back by ``1 / sin`` (not below ``MIN_SIN_OBLIQUE``)."""
    if view == "front":
        # a squat bends both knees: the straighter leg keeps a one-leg lift from counting
        est = np.stack([_front_knee(sig, s) for s in ("left", "right")])
        both = np.isfinite(est).all(axis=0)
        return np.where(both, np.max(est, axis=0), np.nan), "both"
    side = max(("left", "right"), key=lambda s: _leg_score(sig, s))
    stretch = np.array([1.0 / max(np.sin(np.radians(camera_angle_deg)), MIN_SIN_OBLIQUE), 1.0])
    k = knee_angle_deg(*(sig.side(side, p) * stretch for p in ("hip", "knee", "ankle")))
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


def knee_rejects(sig: Signals, camera_angle: float) -> list:
    """Oblique views: each leg's knee-angle candidates (:func:`find_reps`, foreshortening
    undone for ``camera_angle`` degrees) that :func:`vision.exercises.recognise.squat_reps`
    rejects (``[(candidate, kind)]``): one knee lifting or stepping, which the hip-drop reps
    never see (a dance's knee lift is no squat)."""
    stretch = np.array([1.0 / max(np.sin(np.radians(camera_angle)), MIN_SIN_OBLIQUE), 1.0])
    out = []
    for s in ("left", "right"):
        k = knee_angle_deg(*(sig.side(s, p) * stretch for p in ("hip", "knee", "ankle")))
        out += R.squat_reps(sig, find_reps(k, sig.fps)[0])[1]
    return out


def hip_drop_frac(sig: Signals, *, front: bool = False, local: bool = False) -> np.ndarray:
    """(n,) how far the mid-hip has come down towards the lower ankle, as a fraction of
    its standing height above it (its 90th percentile; with ``local``, over
    ``STAND_WINDOW_S`` around each frame, for oblique views where walking in changes the
    distance and no ruler holds). 0 = standing tall. From the front the height is measured
    in shoulder widths (zoom-proof)."""
    hip = (sig.side("left", "hip")[:, 1] + sig.side("right", "hip")[:, 1]) / 2
    hip = np.where(np.isfinite(hip), hip, np.fmax(sig.side("left", "hip")[:, 1], sig.side("right", "hip")[:, 1]))
    ankle = np.fmax(sig.side("left", "ankle")[:, 1], sig.side("right", "ankle")[:, 1])
    h = _calm(ankle - hip, sig.fps) / _shoulder_width(sig) if front else ankle - hip
    ok = np.isfinite(h)
    if not ok.any():
        return np.full(len(sig), np.nan)
    if not local:
        return 1.0 - h / np.nanpercentile(h, 90)
    # standing height near each moment (walking in at an angle changes the distance)
    filled = np.interp(np.arange(len(h)), np.flatnonzero(ok), h[ok])
    w = max(int(STAND_WINDOW_S * sig.fps), 3)
    return 1.0 - h / percentile_filter(filled, 90, size=w, mode="nearest")


def heel_lifts(sig: Signals, trace, reps, knee: np.ndarray, stand: float, *,
               front: bool = False):
    """Per rep: {side: HeelRun} on the feet used, the feet and the foot choice."""
    fc = choose_foot(sig)
    feet = [s for s in ("left", "right") if fc.reliable[s]] or ([fc.side] if fc.side else [])
    if len(feet) == 2 and min(fc.score.values()) < 0.6 * max(fc.score.values()):
        feet = [fc.side]
    in_rep = np.zeros(len(sig), bool)
    for r in reps:
        in_rep[r.start:r.end + 1] = True
    rest = ~in_rep & (knee > stand - LEAVE_DROP_DEG)
    rises = {s: C.heel_rise_frac_foot(sig, s, fc.foot_length[s], rest=rest) for s in feet}
    ankles = {s: C.part_rise_frac_foot(sig, s, "ankle", fc.foot_length[s], rest=rest)
              for s in feet}
    noise = {s: rest_noise_frac(sig, s, fc.foot_length[s], rest) for s in feet}
    per_rep = [{s: heel_run(sig, trace, s, rises[s], r.start, r.end,
                            lift_frac=HEEL_LIFT_FRAC_FOOT, down_frac=HEEL_DOWN_FRAC_FOOT,
                            max_rise_frac=MAX_HEEL_RISE_FRAC_FOOT,
                            landmark_quality=FRONT_HEEL_QUALITY if front else 1.0,
                            ankle_rise=ankles[s], noise_frac=noise[s])
                for s in feet} for r in reps]
    return per_rep, feet, fc


def _heel_message(side: str, value: float) -> str:
    return (f"The heel{'s' if side == 'both' else ''} lifted by about {100 * value:.0f}% of "
            "the foot length; keep the heels on the floor.")


def _far_only(runs_: dict[str, HeelRun], near: str | None) -> bool:
    """In a side view, only the far foot's heel read up while the near one read down: the
    far heel is hidden behind the near leg and its landmark wanders (DESIGN.md)."""
    if near is None or near not in runs_:
        return False
    far = "right" if near == "left" else "left"
    return (far in runs_ and runs_[far].state == "up" and runs_[near].state == "down")


def _rep_result(sig, r, knee, runs_: dict[str, HeelRun], knee_quality: float = 1.0,
                near: str | None = None):
    """The rep, its faults (confidence and evidence attached) and its unclear findings."""
    t0, t1 = C.frames_to_s(sig, r.start), C.frames_to_s(sig, r.end)
    seg = knee[r.start:r.end + 1]
    min_knee = float(np.nanmin(seg))
    k_min = r.start + int(np.nanargmin(seg))
    faults: list[Fault] = []
    unclear: list[Unclear] = []
    if min_knee > SHALLOW_KNEE_DEG:
        faults.append(Fault("shallow", "both", t0, t1,
                            f"The knees bent only to {min_knee:.0f} degrees; aim for a deeper "
                            f"squat (past {SHALLOW_KNEE_DEG:.0f}).",
                            C.confidence(min_knee, SHALLOW_KNEE_DEG, full_margin=SHALLOW_FULL_MARGIN,
                                         quality=knee_quality),
                            Evidence(min_knee, SHALLOW_KNEE_DEG, C.source_frames(sig, k_min, k_min),
                                     "deg knee angle")))
    up = {s: h for s, h in runs_.items() if h.state == "up"}
    if _far_only(runs_, near):
        h = next(iter(up.values()))
        unclear.append(Unclear("heel_lift", t0, t1, "Can't tell from this video: only the far "
                               "heel, hidden behind the near leg, seemed to rise; the near heel "
                               "stayed down.", 0.0,
                               Evidence(100 * h.value_frac, 100 * HEEL_LIFT_FRAC_FOOT,
                                        C.source_frames(sig, *h.frames), "% foot length")))
        up = {}
    elif up:
        side = "both" if len(up) == 2 else next(iter(up))
        best = max(up.values(), key=lambda h: h.confidence)
        faults.append(Fault("heel_lift", side, t0, t1, _heel_message(side, best.value_frac),
                            best.confidence,
                            Evidence(100 * best.value_frac, 100 * HEEL_LIFT_FRAC_FOOT,
                                     C.source_frames(sig, *best.frames), "% foot length")))
    elif any(h.state == "unclear" for h in runs_.values()):
        h = next(h for h in runs_.values() if h.state == "unclear")
        why = {"disagree": "the heel measures disagree",
               "noisy": "the heel points jitter about as much as they rose",
               "no_rest": "the heels were never seen standing still between reps, so their "
                          "jitter is unknown",
               "inconsistent": "the heel point rose but the ankle did not, as it does when a "
                               "heel really lifts"}.get(h.reason, "the heels were not seen well "
                                                                  "enough")
        unclear.append(Unclear("heel_lift", t0, t1, "Can't tell from this video whether the heels "
                               f"stayed down: {why} (film from the side, feet and floor in "
                               "view).", 0.0,
                               Evidence(100 * np.nan_to_num(h.value_frac), 100 * HEEL_LIFT_FRAC_FOOT,
                                        C.source_frames(sig, r.start, r.end), "% foot length")))
    faults, low = split_confident(faults)
    unclear += low
    vals = [h.value_frac for h in runs_.values() if np.isfinite(h.value_frac)]
    top = max(max(vals), 0.0) if vals else float("nan")
    metrics = {"min_knee_angle_deg": round(min_knee, 1),
               "max_heel_lift_pct_foot": C.round_or_none(100 * top if vals else np.nan)}
    rep = Rep(t0, t1, ok=not faults, faults=tuple(f.code for f in faults), metrics=metrics)
    return rep, list(faults), unclear


def _view_warning(sv: G.SquatView) -> str:
    """The warning for a squat not filmed side on (oblique, front / rear, or unknown)."""
    if not np.isfinite(sv.camera_angle_deg):
        return ("the camera angle is unknown (the shoulders were not seen): knee angles are "
                "estimates; film from the side, whole body in view")
    where = "from an angle" if sv.view == "oblique" else f"from the {sv.view_detail}"
    return (f"filmed {where} (about {sv.camera_angle_deg:.0f} degrees from facing the camera): "
            "knee angles are estimates; film from the side")


def _viewed(report: ExerciseReport, sv: G.SquatView) -> ExerciseReport:
    """``report`` with the squat's view (side / oblique / front, detail, camera angle)."""
    return replace(report, view=sv.view, view_detail=sv.view_detail,
                   camera_angle_deg=sv.camera_angle_deg)


def analyse(trace: Trace, **options) -> ExerciseReport:
    """Analyse a squat trace.

    Options: ``min_visibility`` (0..1), ``cutoff_hz`` passed to :func:`prepare`.
    Returns an :class:`ExerciseReport` with per-rep ``min_knee_angle_deg`` and
    ``max_heel_lift_pct_foot`` and overall metrics of the same names.
    """
    n, fps = len(trace), float(trace.fps)
    opened = C.prepare_checked(EXERCISE, trace, options, parts=("hip", "knee"), lying=False,
                               wrong_posture="this looks like an exercise lying down, not a "
                                             "squat (a squat is done standing)",
                               segments=("thigh", "shank", "foot"))
    if isinstance(opened, ExerciseReport):
        return opened
    sig, view, trace = opened.sig, opened.view, opened.trace
    sv = G.squat_view(sig, view)
    side_on = sv.view == "side"
    # oblique: the knee still bends mostly across the picture (2D angle); the hip height
    # needs no shoulder ruler (the shoulders turn as the trunk leans)
    knee, leg = knee_angle_series(sig, "front" if sv.view == "front" else "side",
                                  sv.camera_angle_deg if sv.view == "oblique" else 90.0)
    drop = hip_drop_frac(sig, front=sv.view == "front", local=sv.view == "oblique")
    if sv.view != "oblique":
        candidates, stand = find_reps(knee, fps)
    else:
        candidates = G.hip_drop_reps(drop, knee, fps)
        stand = float(np.nanpercentile(knee, 90)) if np.isfinite(knee).any() else float("nan")
    candidates, rejected = R.squat_reps(sig, candidates)
    if sv.view == "oblique":
        candidates, vetoed = G.knee_veto(candidates, knee_rejects(sig, sv.camera_angle_deg))
        rejected += vetoed
    candidates, stepping = G.travel_gate(candidates, G.feet_travel_mask(sig), drop, fps)
    rejected += stepping
    need = MIN_HIP_DROP_FRAC if side_on else MIN_HIP_DROP_FRAC_FRONT
    reps = [r for r in candidates
            if C.sustained_max(drop[r.start:r.end + 1], fps=fps, min_s=0.25) >= need]
    view_fields = {"view_detail": sv.view_detail, "camera_angle_deg": sv.camera_angle_deg}
    warnings = []
    if not side_on:
        warnings.append(_view_warning(sv))
    if rejected:
        warnings.append(R.rejected_text(rejected, "squat"))
    base_metrics = {"implausible_frames": opened.dropped, "not_counted": len(rejected)}
    other = R.not_this_reason(sig, rejected, len(reps), "squat")
    if other:
        return _viewed(C.not_this(EXERCISE, sig, fps, n, other, view=view, metrics=base_metrics,
                                  warnings=tuple(warnings)), sv)
    feet_reason = C.check_data(sig, parts=(), need_feet=True)
    if feet_reason or choose_foot(sig).side is None:
        feet_reason = (feet_reason or "the feet are not visible") + " (the heel check needs them)"
        rep_objs = tuple(Rep(C.frames_to_s(sig, r.start), C.frames_to_s(sig, r.end), ok=True,
                             metrics={"min_knee_angle_deg": round(r.extreme, 1)}) for r in reps)
        if C.part_coverage(sig, "ankle") < C.MIN_PART_FRAC:    # no shanks: no knee angle
            rep_objs = ()
            feet_reason += "; without the lower legs the squats cannot be counted either"
        return _viewed(C.insufficient(EXERCISE, sig, fps, n, feet_reason, view=view, reps=rep_objs,
                                      metrics={**base_metrics, "reps": len(rep_objs)},
                                      warnings=tuple(warnings)), sv)
    if not reps:
        return _viewed(C.insufficient(EXERCISE, sig, fps, n, "no squat was found: the knees did "
                                      f"not bend by {ENTER_DROP_DEG:.0f} degrees or more with "
                                      "both feet still", view=view, metrics=base_metrics,
                                      warnings=tuple(warnings)), sv)
    per_rep, feet, fc = heel_lifts(sig, trace, reps, knee, stand, front=not side_on)
    if not sv.heel_check:
        per_rep = [{} for _ in reps]
    out_reps, faults, unclear = [], [], []
    judged = 0      # reps whose heels were judged (a far heel unclear beside a near heel
                    # seen down is judged: the near heel is the evidence)
    near = (view.near_side or fc.side) if sv.view in ("side", "unknown") else None
    for r, runs_ in zip(reps, per_rep, strict=False):
        rep, f, u = _rep_result(sig, r, knee, runs_, KNEE_QUALITY[sv.view], near=near)
        out_reps.append(rep)
        faults += f
        unclear += u
        judged += bool(runs_) and (_far_only(runs_, near)
                                   or not any(x.code == "heel_lift" for x in u))
    heel_vals = [m for rp in out_reps if (m := rp.metrics["max_heel_lift_pct_foot"]) is not None]
    heel_dropped = sum(h.dropped for runs_ in per_rep for h in runs_.values())
    metrics = {**base_metrics, "reps": len(out_reps),
               "min_knee_angle_deg": round(min(rp.metrics["min_knee_angle_deg"] for rp in out_reps), 1),
               "max_heel_lift_pct_foot": max(heel_vals) if heel_vals else None,
               "standing_knee_angle_deg": round(stand, 1), "knee_side": leg,
               "heel_sides": feet, "heel_lift_threshold_pct_foot": 100 * HEEL_LIFT_FRAC_FOOT,
               "implausible_heel_frames": heel_dropped}
    if not sv.heel_check:
        metrics["heel_sides"] = []
        unclear.append(Unclear("heel_lift", out_reps[0].start_s, out_reps[-1].end_s,
                               f"Can't tell from the {sv.view_detail} whether the heels stay "
                               "down: film from the side, feet and floor in view.", 0.0))
        warnings.append(f"heels not checked: filmed from the {sv.view_detail}; film from the side")
    elif len(feet) == 1:
        warnings.append(f"heel checked on the {feet[0]} foot only (the other is not seen well)")
    untold = sum(any(u.code == "heel_lift" and u.start_s == rp.start_s for u in unclear)
                 for rp in out_reps) if sv.heel_check else len(out_reps)
    if untold and sv.heel_check:
        warnings.append(f"the heels could not be judged on {untold} of {len(out_reps)} reps "
                        "(see 'unclear'); film from the side, feet and floor in view")
    verdict = C.verdict_without_evidence(out_reps, faults, judged=judged)
    reason = None
    if verdict == "insufficient_data":
        where = f"filmed from the {sv.view_detail}" if not sv.heel_check else "on no rep"
        reason = (f"can't tell whether the heels stay down ({where}): film from the side, "
                  "feet and floor in view")
        warnings.append(reason)
    return ExerciseReport(exercise=EXERCISE, frames=n, fps=fps, view=sv.view,
                          verdict=verdict, reps=tuple(out_reps),
                          faults=C.merge_faults(faults), metrics=metrics,
                          warnings=tuple(warnings), unclear=tuple(unclear), reason=reason,
                          **view_fields)
