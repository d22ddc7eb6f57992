"""Supine leg raise analysis: reps, peak hip flexion and knee extension per leg.

Conventions
-----------
Hip flexion is the angle between the trunk line (mid-shoulder -> mid-hip; where one
shoulder or hip is unseen, one side's shoulder -> hip turned by its usual angle to the mid
line, see :func:`_trunk_vector`) and the thigh (hip -> knee), in the
image plane, degrees: 0 = leg on the floor in line with the
trunk, 90 = thigh at a right angle to the trunk (vertical when lying flat). The thigh, not
hip -> ankle, is used so a bent knee does not lower the reading; the knee is judged on its
own. Knee extension is the knee angle (hip-knee-ankle, 180 = straight).

Method
------
Per leg, reps by hysteresis on the smoothed hip flexion: a rep begins when the flexion
rises ``ENTER_DEG`` above the resting level (10th percentile) and ends when it comes back
within ``LEAVE_DEG``. Reps of the two legs that overlap in time are one rep with side
"both", measured on the better-seen leg (visibility, steady thigh length). A leg whose
thigh length changes a lot between frames (the tracker guessing an
occluded leg) is not used. Faults: ``low_lift`` when the peak is below ``LOW_LIFT_DEG``
(the routine's target is 90 deg; the peak is a high percentile of the frames near the
top, :func:`rep_peak`, not the noisiest frame), ``knee_bent`` when the knee angle while the leg is up
(lower quartile over frames above half the peak; the better-seen leg's knee when both
legs rise) is below ``KNEE_BENT_DEG``.

Plausibility: a hip angle needs the trunk. Frames where a shoulder or hip sits at the
picture edge (the trunk out of the picture in a close-up), where the trunk or a leg
segment changes length as no body can, or where the hip flexion exceeds
``MAX_HIP_FLEXION_DEG`` are dropped (:mod:`vision.exercises.plausibility`); a rep that
loses its top to dropped frames is not measured there. Lying on the back the trunk stays
still ("other parts still"): frames where the trunk line turns more than
``MAX_TRUNK_TURN_DEG`` from its usual direction are the tracker guessing the shoulders, and
their hip angle is dropped too. Reps are still found across such stretches, but a rep
whose hip angle is unmeasured on more than ``MAX_UNMEASURED_SHARE`` of its frames gets no
peak (an "unclear" entry says why) and no fault. A clip in which no raise was judged (no
peak measured, or every measured one cut by the start or end of the video, which skips the
low-lift check) and no fault found is "can't tell" with the reason and the raises kept
(:func:`vision.exercises.common.verdict_without_evidence`), never "good". Every fault carries its evidence
and a confidence; below :data:`vision.exercises.report.FAULT_CONFIDENCE_MIN` it is
reported as unclear.
"""

from __future__ import annotations

import numpy as np

from vision.exercises import common as C
from vision.exercises import leg_raise_view as V
from vision.exercises.plausibility import gate_values
from vision.exercises.report import Evidence, ExerciseReport, Fault, Rep, Unclear, split_confident
from vision.pose.signals import Signals, knee_angle_deg, runs, smooth_zero_phase
from vision.pose.trace import SIDE_IDX, Trace

ENTER_DEG = 25.0        # flexion above rest that starts a rep
LEAVE_DEG = 12.0        # back within this of rest ends it
MIN_REP_S = 0.5
TARGET_DEG = 90.0
LOW_LIFT_DEG = 70.0     # peak below this -> low_lift (target 90 with a 20 deg tolerance)
KNEE_BENT_DEG = 155.0   # knee angle below this while the leg is up -> knee_bent
# MediaPipe reads a straight knee at about 160-170 deg, so the bar sits 25 deg below straight
# and uses the lower quartile of the lifted phase: a single jittery frame is not a bent knee.
KNEE_PERCENTILE = 25
ANGLE_CUTOFF_HZ = 2.0   # low-pass on the hip angle before finding peaks
MAX_LENGTH_CV = 0.2     # thigh length variation above this -> the leg is not trusted
PEAK_TOP_DEG = 10.0     # the rep's peak is read from the frames this close to its maximum
PEAK_PERCENTILE = 80    # ... as their upper percentile (see rep_peak)
MAX_HIP_FLEXION_DEG = 150.0   # a hip angle above this (lying on the back) is a wrong pose
MAX_TRUNK_TURN_DEG = 25.0     # the trunk turning further than this from its usual line: a guess
MAX_UNMEASURED_SHARE = 0.2    # a rep whose hip angle is unmeasured this much has no peak
MAX_GAP_S = 0.8               # ... or unmeasured this long at a stretch (the top may be in it)
MAX_OFF_SIDE_DEG = 45.0       # a camera further than this off the side view: film from the side
LOW_LIFT_FULL_MARGIN = 0.15   # 10 degrees under the bar: a sure low lift
KNEE_FULL_MARGIN = 0.06       # 9 degrees under the bar: a sure bent knee
EXERCISE = "leg-raise"


def _length_cv(sig: Signals, side: str, a: str, b: str) -> float:
    d = np.hypot(*(sig.side(side, a) - sig.side(side, b)).T)
    d = d[np.isfinite(d)]
    if d.size < 5:
        return float("inf")
    med = np.median(d)
    return float(1.4826 * np.median(np.abs(d - med)) / med) if med > 0 else float("inf")


def _trunk_vector(sig: Signals) -> np.ndarray:
    """(n, 2) trunk direction, mid-shoulder -> mid-hip (height-normalised image units).

    The midpoints lie in the body's mid-plane, so in a side view the line keeps its true
    direction under perspective (a same-side shoulder and hip are at different depths and
    tilt it). Where a shoulder or a hip is unseen (the far one, occluded, drops out), a
    midpoint of the other three would tilt the line by a few degrees; there one side's
    shoulder -> hip line is used, turned by its median angle to the mid line over the
    frames where both are seen (the side seen longer first). NaN where neither is seen.
    """
    sh = {s: sig.side(s, "shoulder") for s in ("left", "right")}
    hp = {s: sig.side(s, "hip") for s in ("left", "right")}
    full = (hp["left"] + hp["right"] - sh["left"] - sh["right"]) / 2
    out = full.copy()
    fz = full[:, 0] + 1j * full[:, 1]
    own = {s: hp[s] - sh[s] for s in ("left", "right")}
    for s in sorted(own, key=lambda k: -np.isfinite(own[k][:, 0]).sum()):
        oz = own[s][:, 0] + 1j * own[s][:, 1]
        both = np.isfinite(fz) & np.isfinite(oz)
        turn = np.exp(1j * np.median(np.angle(fz[both] / oz[both]))) if both.sum() >= 5 else 1.0
        fill = ~np.isfinite(out[:, 0]) & np.isfinite(oz)
        out[fill] = np.stack([(oz * turn).real, (oz * turn).imag], 1)[fill]
    return out


def swing_view_of(sig: Signals) -> V.SwingView:
    """The camera's view of the legs' swing plane (:mod:`vision.exercises.leg_raise_view`)."""
    trunk = _trunk_vector(sig)
    sides = ("left", "right")
    thighs = [sig.side(s, "knee") - sig.side(s, "hip") for s in sides]
    seen = [float(np.nan_to_num(np.nanmedian(sig.visibility[:, SIDE_IDX[s]["knee"]])))
            for s in sides]
    return V.swing_view(thighs, trunk, seen)


def leg_signals(sig: Signals, view: V.SwingView | None = None) -> dict:
    """Per usable leg: {"hip": hip flexion (n,), "knee": knee angle (n,), "knee_ok": bool,
    "seen": raw hip angle measured (n,) bool}. ``view`` corrects the hip angle for an
    oblique camera (default: none)."""
    out = {}
    view = view or V.IDENTITY
    trunk = _trunk_vector(sig)
    turned = trunk_turned(trunk)
    for s in ("left", "right"):
        own = sig.side(s, "hip") - sig.side(s, "shoulder")
        vec = np.where(np.isfinite(trunk), trunk, own)
        hip = V.corrected_flexion_deg(view, vec, sig.side(s, "knee") - sig.side(s, "hip"))
        seen = np.isfinite(hip)
        hip = np.where(turned, np.nan, hip)      # the trunk lies still: a turn is a guess
        # a raise takes a second or more: a lower cut-off keeps jitter out of the peak
        hip = smooth_zero_phase(hip, fps=sig.fps, cutoff_hz=ANGLE_CUTOFF_HZ)
        hip, _ = gate_values(hip, MAX_HIP_FLEXION_DEG)
        # reps are found across unmeasured stretches (bridged linearly); peaks are read on
        # measured frames only
        bridged = _bridge(hip)
        if np.isfinite(hip).mean() < 0.3 or _length_cv(sig, s, "hip", "knee") > MAX_LENGTH_CV:
            continue
        knee = knee_angle_deg(sig.side(s, "hip"), sig.side(s, "knee"), sig.side(s, "ankle"))
        knee_ok = np.isfinite(knee).mean() >= 0.3 and _length_cv(sig, s, "knee", "ankle") <= MAX_LENGTH_CV
        vis = sig.visibility[:, [SIDE_IDX[s]["hip"], SIDE_IDX[s]["knee"]]]
        quality = float(np.nanmedian(vis)) / (1 + 10 * _length_cv(sig, s, "hip", "knee"))
        out[s] = {"hip": hip, "hip_bridged": bridged, "knee": knee, "knee_ok": bool(knee_ok),
                  "quality": quality, "seen": seen}
    return out


def trunk_turned(trunk: np.ndarray) -> np.ndarray:
    """(n,) frames where the trunk line points more than ``MAX_TRUNK_TURN_DEG`` away from
    its median direction: lying on the back the trunk stays still, so such a trunk is the
    tracker guessing shoulders out of the picture."""
    ang = np.arctan2(trunk[:, 1], trunk[:, 0])
    ok = np.isfinite(ang)
    if ok.sum() < 3:
        return np.zeros(len(trunk), bool)
    ref = np.angle(np.median(np.cos(ang[ok])) + 1j * np.median(np.sin(ang[ok])))
    dev = np.degrees(np.abs(np.angle(np.exp(1j * (ang - ref)))))
    with np.errstate(invalid="ignore"):
        return ok & (dev > MAX_TRUNK_TURN_DEG)


def longest_gap_s(seen: np.ndarray, fps: float) -> float:
    """Longest run of frames (seconds) where ``seen`` is False."""
    gaps = [b - a for a, b in runs(~seen)]
    return max(gaps, default=0) / fps


def _bridge(x: np.ndarray) -> np.ndarray:
    """``x`` with interior NaN runs filled linearly (runs touching an end stay NaN)."""
    ok = np.flatnonzero(np.isfinite(x))
    if ok.size < 2:
        return x.copy()
    out = x.copy()
    inner = np.arange(ok[0], ok[-1] + 1)
    out[inner] = np.interp(inner, ok, x[ok])
    return out


def _leg_reps(hip: np.ndarray, fps: float):
    rest = float(np.nanpercentile(hip, 10))
    reps = C.hysteresis_reps(hip, enter=rest + ENTER_DEG, leave=rest + LEAVE_DEG, fps=fps,
                             direction="above", min_duration_s=MIN_REP_S,
                             min_amplitude=ENTER_DEG, baseline=rest, edges=True)
    return reps


def rep_peak(h: np.ndarray, fps: float) -> float:
    """Peak hip flexion of one rep's (smoothed) angle ``h``: the ``PEAK_PERCENTILE``
    percentile of the frames within ``PEAK_TOP_DEG`` of its maximum.

    The plain maximum of a noisy angle reads high (it picks the largest excursion of the
    jitter that survives the low-pass, and the low-pass itself overshoots after a quick
    rise): +1 deg on average under tracker-like noise. The frames near the top are
    mostly the hold (or, for a raise without a hold, crowd close to the maximum: about
    0.4 deg below it for a rounded top), so their upper percentile is the level the leg
    reached rather than the luckiest frame."""
    x = h[np.isfinite(h)]
    if not x.size:
        return float("nan")
    top = x[x >= x.max() - PEAK_TOP_DEG]
    return float(np.percentile(top, PEAK_PERCENTILE))


def merge_legs(per_leg: dict[str, list]) -> list[tuple[int, int, dict]]:
    """Merge per-leg reps overlapping in time: [(start, end, {side: RepInterval})]."""
    items = sorted(((r.start, r.end, s, r) for s, rs in per_leg.items() for r in rs))
    merged: list[tuple[int, int, dict]] = []
    for a, b, s, r in items:
        if merged and a <= merged[-1][1] and s not in merged[-1][2]:
            a0, b0, d = merged[-1]
            merged[-1] = (a0, max(b0, b), {**d, s: r})
        else:
            merged.append((a, b, {s: r}))
    return merged


def _rep(sig, legs, a, b, by_side) -> tuple[Rep, list[Fault]]:
    t0, t1 = C.frames_to_s(sig, a), C.frames_to_s(sig, b)
    peaks, knees = {}, {}
    for s, r in by_side.items():
        h = legs[s]["hip"][r.start:r.end + 1]
        peaks[s] = rep_peak(h, sig.fps)
        h = np.nan_to_num(h, nan=-np.inf)
        if legs[s]["knee_ok"]:
            k = legs[s]["knee"][r.start:r.end + 1][h >= peaks[s] / 2]
            k = k[np.isfinite(k)]
            if k.size:
                knees[s] = float(np.percentile(k, KNEE_PERCENTILE))
    side = "both" if len(by_side) == 2 else next(iter(by_side))
    best = max(peaks, key=lambda s: legs[s]["quality"])     # better-seen leg speaks for both
    r_best = by_side[best]
    unmeasured = float(np.mean(~np.isfinite(legs[best]["hip"][r_best.start:r_best.end + 1])))
    gap = longest_gap_s(legs[best]["seen"][r_best.start:r_best.end + 1], sig.fps)
    if (unmeasured > MAX_UNMEASURED_SHARE or gap >= MAX_GAP_S or not np.isfinite(peaks[best])
            or not r_best.complete):
        m = {"side": side, "peak_hip_flexion_deg": None, "min_knee_extension_deg": None,
             "complete": all(r.complete for r in by_side.values())}
        why = ("the video starts or ends during it, so its top may not be in the video"
               if not r_best.complete else "the trunk was out of the picture (or not seen) at "
               "the top; keep the whole body in view")
        u = Unclear("leg_raise", t0, t1, f"Can't tell the height of this raise: {why}.", 0.0)
        return Rep(t0, t1, ok=True, metrics=m), [], [u]
    peak = peaks[best]
    faults: list[Fault] = []
    complete = all(r.complete for r in by_side.values())
    cols = [SIDE_IDX[best][p] for p in ("hip", "knee")]
    # how far the leg can be trusted: well seen, or a thigh that keeps its length (a far
    # leg the tracker rates low but follows steadily is measured well)
    steady = float(np.clip(1 - _length_cv(sig, best, "hip", "knee") / MAX_LENGTH_CV, 0, 1))
    quality = max(C.visibility_quality(sig, cols, a, b), steady)
    h_best = legs[best]["hip"]
    top_i = by_side[best].start + int(np.nanargmax(h_best[by_side[best].start:by_side[best].end + 1]))
    if peak < LOW_LIFT_DEG and complete:      # a rep cut by the recording may not have peaked
        faults.append(Fault("low_lift", side, t0, t1,
                            f"The leg rose to {peak:.0f} degrees; aim for about {TARGET_DEG:.0f} "
                            "(straight up).",
                            C.confidence(peak, LOW_LIFT_DEG, below=True, quality=quality,
                                         full_margin=LOW_LIFT_FULL_MARGIN),
                            Evidence(peak, LOW_LIFT_DEG, C.source_frames(sig, top_i, top_i),
                                     "deg hip flexion")))
    if best in knees:           # the far leg's knee is often a tracker guess
        knees = {best: knees[best]}
    if knees and min(knees.values()) < KNEE_BENT_DEG:
        bent = [s for s, v in knees.items() if v < KNEE_BENT_DEG]
        kv = min(knees.values())
        faults.append(Fault("knee_bent", "both" if len(bent) == 2 else bent[0], t0, t1,
                            f"The knee bent to {kv:.0f} degrees while lifting; "
                            "keep the leg straight.",
                            C.confidence(kv, KNEE_BENT_DEG, below=True, quality=quality,
                                         full_margin=KNEE_FULL_MARGIN),
                            Evidence(kv, KNEE_BENT_DEG, C.source_frames(sig, a, b),
                                     "deg knee angle")))
    faults, unclear = split_confident(faults)
    m = {"side": side, "peak_hip_flexion_deg": round(peak, 1),
         "min_knee_extension_deg": C.round_or_none(min(knees.values())) if knees else None,
         "complete": complete}
    if len(peaks) == 2:
        m.update({f"peak_hip_flexion_deg_{s}": C.round_or_none(v, 1) for s, v in peaks.items()})
    return (Rep(t0, t1, ok=not faults, faults=tuple(f.code for f in faults), metrics=m),
            list(faults), list(unclear))


def analyse(trace: Trace, **options) -> ExerciseReport:
    """Analyse a supine leg-raise trace (lying on the back, filmed from the side).

    Options: ``min_visibility``, ``cutoff_hz`` (see :func:`prepare`). Rep metrics:
    ``side``, ``peak_hip_flexion_deg``, ``min_knee_extension_deg``, ``complete`` (False
    for a rep cut by the start or end of the recording). Overall metrics:
    ``peak_hip_flexion_deg`` (list per rep), ``min_knee_extension_deg``, ``reps``.
    """
    n, fps = len(trace), float(trace.fps)
    opened = C.prepare_checked(EXERCISE, trace, options,
                               parts=("shoulder", "hip", "knee"), lying=True,
                               wrong_posture="this looks like a standing exercise, not a leg "
                                             "raise: lie on your back and film from the side",
                               segments=("thigh", "shank", "trunk"),
                               needed=(("shoulder", "hip", "knee"),), trunk_edge=True)
    if isinstance(opened, ExerciseReport):
        return opened
    sig, view = opened.sig, opened.view
    swing = swing_view_of(sig)
    if swing.fitted and swing.off_side_deg > MAX_OFF_SIDE_DEG:
        return C.insufficient(EXERCISE, sig, fps, n, "can't tell the hip angle from this video: "
                              f"the camera is about {swing.off_side_deg:.0f} degrees off the "
                              "side view; film from the side, level with the body",
                              view=view, metrics={"off_side_deg": round(swing.off_side_deg, 1)})
    legs = leg_signals(sig, swing)
    if not legs:
        return C.insufficient(EXERCISE, sig, fps, n, "the legs are not seen well enough", view=view)
    per_leg = {s: _leg_reps(d["hip_bridged"], sig.fps) for s, d in legs.items()}
    merged = merge_legs(per_leg)
    warnings = [f"the {s} leg is not seen well and was not analysed"
                for s in ("left", "right") if s not in legs]
    if view.view == "front":
        warnings.append("filmed from the head or feet end: hip angles are unreliable; film from the side")
    if not merged:
        return C.insufficient(EXERCISE, sig, fps, n, "no leg raise was found: the legs did not "
                              f"rise {ENTER_DEG:.0f} degrees", view=view, warnings=tuple(warnings))
    reps, faults, unclear = [], [], []
    for a, b, by_side in merged:
        rep, f, u = _rep(sig, legs, a, b, by_side)
        reps.append(rep)
        faults += f
        unclear += u
    knees = [r.metrics["min_knee_extension_deg"] for r in reps if r.metrics["min_knee_extension_deg"] is not None]
    metrics = {"reps": sum(r.metrics["complete"] for r in reps), "reps_including_partial": len(reps),
               "peak_hip_flexion_deg": [r.metrics["peak_hip_flexion_deg"] for r in reps],
               "min_knee_extension_deg": min(knees) if knees else None,
               "target_hip_flexion_deg": TARGET_DEG, "legs_analysed": sorted(legs),
               "implausible_frames": opened.dropped,
               "off_side_deg": C.round_or_none(swing.off_side_deg)}
    # the height is the evidence: a rep counts as judged when its peak was measured and
    # checked against the bar (a rep cut by the recording has no low-lift check)
    judged = sum(r.metrics["peak_hip_flexion_deg"] is not None and r.metrics["complete"]
                 for r in reps)
    verdict = C.verdict_without_evidence(reps, faults, judged=judged)
    reason = None
    if verdict == "insufficient_data":
        reason = _no_height_reason(reps)
        warnings.append(reason)
    return ExerciseReport(exercise=EXERCISE, frames=n, fps=fps, view=view.view,
                          verdict=verdict, reps=tuple(reps), faults=C.merge_faults(faults),
                          metrics=metrics, warnings=tuple(warnings), unclear=tuple(unclear),
                          reason=reason)


def _no_height_reason(reps: list[Rep]) -> str:
    """Why no raise of ``reps`` could be judged (each has no peak, or was cut by the start
    or end of the video), with filming advice."""
    cut = sum(not r.metrics["complete"] for r in reps)
    hidden = ("the trunk out of the picture or not seen; film from the side, level with the "
              "body, with the whole body from head to feet in view")
    whole = "start recording with the legs down and stop after the last one is down"
    if cut == len(reps):
        why = f"the video starts or ends during every raise, so none was seen whole; {whole}"
    elif cut:
        why = (f"each raise was cut by the start or end of the video or its top was hidden "
               f"({hidden}; {whole})")
    else:
        why = f"the top of every raise was hidden ({hidden})"
    return f"can't tell whether the legs rose high enough: {why}"
