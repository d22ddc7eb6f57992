"""Gates before a squat is judged or counted: the view, feet travel, hip-drop reps.

- **View** (:func:`squat_view`): the camera angle from the body's left/right width
  (:attr:`vision.pose.posture.ViewEstimate.width_ratio`, shoulder and hip separations in
  trunk lengths). Facing the camera the shoulders are about ``FRONT_WIDTH_RATIO`` trunk
  lengths apart; turned by an angle ``a`` they project to ``FRONT_WIDTH_RATIO * cos(a)``,
  so ``camera_angle_deg = acos(ratio / FRONT_WIDTH_RATIO)`` (0 = facing the camera or
  turned away from it, 90 = side on). Side at ``SIDE_MIN_DEG`` or more (the same cut as
  :data:`vision.pose.posture.SIDE_MAX_RATIO`), front under ``OBLIQUE_MIN_DEG``, oblique in
  between. ``view_detail`` tells front from rear by the shoulder order (facing the camera,
  the left shoulder is on the image right).
  Without a width (both shoulders hidden) the angle is NaN: the view is the estimator's
  (:attr:`ViewEstimate.view`, else "unknown") and the heels are judged as from the side.
- **Feet travel** (:func:`feet_travel_mask`): frames where a well-seen ankle steps more
  than ``TRAVEL_SHANK`` shank lengths within ``TRAVEL_WINDOW_S``, the hips moving with it (walking in, walking a
  bar out of the rack or back into it, turning round). A squat keeps both feet put, so a
  knee bend overlapping such frames by ``MAX_TRAVEL_SHARE`` or more is not a rep.
- **Hip-drop reps** (:func:`hip_drop_reps`): away from the side view the knee angle is
  only an estimate, so reps are found on the hip coming down (a fraction of its standing
  height above the ankles) and kept only when the knee estimate agrees (it bends by
  ``KNEE_AGREE_DEG`` or more inside the rep); one holding most of a knee-angle candidate
  that is one leg lifting is vetoed (:func:`knee_veto`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import binary_dilation

from vision.exercises import common as C
from vision.pose.posture import SIDE_MAX_RATIO, ViewEstimate
from vision.pose.signals import Signals
from vision.pose.trace import SIDE_IDX

FRONT_WIDTH_RATIO = 0.85    # shoulder separation facing the camera, trunk lengths
SIDE_MIN_DEG = float(np.degrees(np.arccos(SIDE_MAX_RATIO / FRONT_WIDTH_RATIO)))  # about 58
OBLIQUE_MIN_DEG = 30.0      # degrees from facing the camera: below this is a front/rear view
RELIABLE_ANKLE_VIS = 0.7    # only ankles seen at this visibility (0..1) tell a step
TRAVEL_WINDOW_S = 0.5       # seconds: an ankle's displacement is measured across this
TRAVEL_SHANK = 0.5          # ... moving more than this (shank lengths) is stepping
HIP_TRAVEL_SHANK = 0.3      # ... while the hips move this much in the picture (stepping
                            # carries the body; a tracker glitch at the feet does not)
TRAVEL_DILATE_S = 0.3       # seconds: stepping frames widened by this either side
DEEP_DROP_FRAC = 0.25       # hips this far down (share of standing height): a squat, not a step
MAX_TRAVEL_SHARE = 0.3      # a knee bend this much inside stepping frames is not a rep
HIP_ENTER_FRAC = 0.12       # hip drop (share of standing hip height) that starts a rep
HIP_LEAVE_FRAC = 0.05       # ... and back within this ends it
HIP_MIN_REP_S = 0.5         # seconds: shorter hip dips are wobbles
VETO_OVERLAP_SHARE = 0.5    # a hip drop holding this share of a rejected knee bend is it
KNEE_AGREE_DEG = 20.0       # the knee estimate must bend this much inside a hip-drop rep


@dataclass(frozen=True)
class SquatView:
    """Camera view for the squat checks.

    ``view`` "side" | "oblique" | "front" (front also covers filmed from behind);
    ``view_detail`` "side" | "front_oblique" | "rear_oblique" | "front" | "rear";
    ``camera_angle_deg`` 0 = facing (or turned away from) the camera, 90 = side on;
    ``heel_check`` whether the heels can be judged from this view.
    """

    view: str
    view_detail: str
    camera_angle_deg: float
    heel_check: bool


def camera_angle_deg(width_ratio: float) -> float:
    """Degrees between the camera axis and the body's facing direction (0..90), from the
    width ratio (trunk lengths); NaN when unknown."""
    if not np.isfinite(width_ratio):
        return float("nan")
    return float(np.degrees(np.arccos(np.clip(width_ratio / FRONT_WIDTH_RATIO, 0.0, 1.0))))


def _facing_camera(sig: Signals) -> bool | None:
    """True when the left shoulder is on the image right (the person faces the camera),
    False when it is on the left (filmed from behind), None when unseen."""
    dx = sig.side("left", "shoulder")[:, 0] - sig.side("right", "shoulder")[:, 0]
    if not np.isfinite(dx).any():
        return None
    return bool(np.nanmedian(dx) > 0)


def squat_view(sig: Signals, est: ViewEstimate) -> SquatView:
    """The squat's view from :func:`vision.pose.posture.detect_view`'s estimate."""
    angle = camera_angle_deg(est.width_ratio)
    if not np.isfinite(angle):
        # no width (both shoulders hidden): the estimator's view, heels still judged as
        # from the side (dropping the heel check would turn real heel lifts into "good")
        v = est.view if est.view in ("side", "front") else "unknown"
        return SquatView(v, v, angle, v != "front")
    if est.view == "side" or angle >= SIDE_MIN_DEG:
        return SquatView("side", "side", round(angle, 1), True)
    facing = _facing_camera(sig)
    where = "rear" if facing is False else "front"
    if angle >= OBLIQUE_MIN_DEG:
        return SquatView("oblique", f"{where}_oblique", round(angle, 1), True)
    return SquatView("front", where, round(angle, 1), False)


def _shank(sig: Signals) -> float:
    """Median knee -> ankle length over both legs (height-normalised units)."""
    d = np.concatenate([np.hypot(*(sig.side(s, "knee") - sig.side(s, "ankle")).T)
                        for s in ("left", "right")])
    d = d[np.isfinite(d)]
    return float(np.median(d)) if d.size else float("nan")


def _well_seen_ankles(sig: Signals) -> dict[str, np.ndarray]:
    """{side: (n, 2) ankle, NaN where it is not seen at ``RELIABLE_ANKLE_VIS``}."""
    out = {}
    for s in ("left", "right"):
        with np.errstate(invalid="ignore"):
            good = sig.visibility[:, SIDE_IDX[s]["ankle"]] >= RELIABLE_ANKLE_VIS
        out[s] = np.where(good[:, None], sig.side(s, "ankle"), np.nan)
    return out


def feet_travel_mask(sig: Signals) -> np.ndarray:
    """(n,) True where a foot steps: some well-seen ankle is, ``TRAVEL_WINDOW_S`` later,
    more than ``TRAVEL_SHANK`` shank lengths from both ankles' earlier places (so a
    left/right swap of the tracker is no step) while the mid-hip moves more than
    ``HIP_TRAVEL_SHANK``; widened by ``TRAVEL_DILATE_S`` either side."""
    n = len(sig)
    shank = _shank(sig)
    out = np.zeros(n, bool)
    h = max(int(round(TRAVEL_WINDOW_S * sig.fps / 2)), 1)
    if not np.isfinite(shank) or shank <= 0 or n <= 2 * h:
        return out
    ank = _well_seen_ankles(sig)
    before = [a[:n - 2 * h] for a in ank.values()]
    step = np.zeros(n - 2 * h, bool)
    for a in ank.values():
        after = a[2 * h:]
        d = np.stack([np.hypot(*(after - b).T) for b in before])
        with np.errstate(invalid="ignore"):
            nearest = np.where(np.isfinite(d).any(axis=0),
                               np.nanmin(np.where(np.isfinite(d), d, np.inf), axis=0), np.nan)
            step |= nearest / shank > TRAVEL_SHANK
    hip = (sig.side("left", "hip") + sig.side("right", "hip")) / 2
    hd = np.hypot(*(hip[2 * h:] - hip[:n - 2 * h]).T) / shank
    with np.errstate(invalid="ignore"):
        out[h:n - h] = step & (hd > HIP_TRAVEL_SHANK)
    k = max(int(round(TRAVEL_DILATE_S * sig.fps)), 1)
    return binary_dilation(out, iterations=k) if out.any() else out


def travel_gate(candidates, travel: np.ndarray, drop: np.ndarray, fps: float,
                ) -> tuple[list, list]:
    """Candidates split into kept and ``[(candidate, "walking")]``: a candidate with
    ``MAX_TRAVEL_SHARE`` or more of its frames in ``travel`` is stepping, not a rep, unless
    its hips came down by ``DEEP_DROP_FRAC`` of their standing height (``drop``, for 0.25 s),
    which no step does (then the "travel" is the tracker slipping, not the feet)."""
    kept, rejected = [], []
    for r in candidates:
        share = float(travel[r.start:r.end + 1].mean()) if r.end >= r.start else 0.0
        deep = C.sustained_max(drop[r.start:r.end + 1], fps=fps, min_s=0.25) >= DEEP_DROP_FRAC
        (rejected.append((r, "walking")) if share >= MAX_TRAVEL_SHARE and not deep
         else kept.append(r))
    return kept, rejected


def hip_drop_reps(drop: np.ndarray, knee: np.ndarray, fps: float) -> list[C.RepInterval]:
    """Reps on the hip drop (fraction of standing hip height, 0 = standing): a dip past
    ``HIP_ENTER_FRAC`` back within ``HIP_LEAVE_FRAC``, at least ``HIP_MIN_REP_S`` long,
    in which the knee angle (degrees) bends ``KNEE_AGREE_DEG`` or more below its standing
    (90th percentile) value. Returned with ``extreme`` = the smallest knee angle, so they
    read like the knee-angle reps of :func:`vision.exercises.squat.find_reps`."""
    if not np.isfinite(drop).any() or not np.isfinite(knee).any():
        return []
    stand = float(np.nanpercentile(knee, 90))
    dips = C.hysteresis_reps(drop, enter=HIP_ENTER_FRAC, leave=HIP_LEAVE_FRAC, fps=fps,
                             direction="above", min_duration_s=HIP_MIN_REP_S,
                             min_amplitude=HIP_ENTER_FRAC, baseline=0.0)
    out = []
    for r in dips:
        seg = knee[r.start:r.end + 1]
        if not np.isfinite(seg).any():
            continue
        k = int(np.nanargmin(seg))
        if stand - seg[k] < KNEE_AGREE_DEG:
            continue
        out.append(C.RepInterval(r.start, r.end, r.start + k, float(seg[k]),
                                 float(stand - seg[k]), r.complete))
    return out


def knee_veto(candidates, knee_rejected: list) -> tuple[list, list]:
    """Hip-drop candidates split into kept and ``[(candidate, "leg_lift")]``: a candidate
    that holds ``VETO_OVERLAP_SHARE`` or more of the frames of a knee-angle candidate
    rejected as one leg lifting (``knee_rejected`` as from
    :func:`vision.exercises.recognise.squat_reps`) is that movement, not a squat. Knee
    candidates rejected as stepping veto nothing: the hip drop's own frames were already
    judged for stepping (``squat_reps``, :func:`travel_gate`)."""
    kept, rejected = [], []
    for r in candidates:
        kinds = [k for q, k in knee_rejected if k == "leg_lift"
                 and min(r.end, q.end) - max(r.start, q.start) + 1
                 >= VETO_OVERLAP_SHARE * (q.end - q.start + 1)]
        (rejected.append((r, kinds[0])) if kinds else kept.append(r))
    return kept, rejected
