"""Camera view, facing direction and foot scale from a prepared trace.

Built on :mod:`vision.pose.signals` (one way: signals never imports this module).
Conventions as there: height-normalised image coordinates,
degrees, heel heights in foot lengths (heel -> foot index distance).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.pose.signals import Signals
from vision.pose.signals import nanmedian as _nanmedian
from vision.pose.trace import (
    L_ANKLE,
    L_HIP,
    L_KNEE,
    L_SHOULDER,
    R_ANKLE,
    R_HIP,
    R_KNEE,
    R_SHOULDER,
    SIDE_IDX,
)

# foot length / shank (knee-ankle) length: 0.62 for adults (Drillis & Contini 1966), about
# 0.7 for young children (relatively larger feet); used only when the foot is foreshortened
FOOT_TO_SHANK = 0.66
SIDE_MAX_RATIO = 0.45   # width_ratio (trunk lengths) below this reads as a side view
FORESHORTENED_SHARE = 0.7   # a foot shorter than this x FOOT_TO_SHANK x shank is foreshortened
LENGTH_MAD_TO_STD = 1.4826  # MAD -> standard deviation for normal noise
MIN_SEEN_FRAMES = 5     # a length needs at least this many seen frames


# ----- view ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ViewEstimate:
    """Camera view of the body.

    Attributes
    ----------
    view : "side" | "front" | "unknown"
        ``front`` also covers rear and oblique views where left and right separate.
    width_ratio : float
        Median over frames of min(shoulder separation, 2 x hip separation), separations
        taken perpendicular to the trunk and divided by the trunk length (mid-shoulder to
        mid-hip). About 0-0.3 side on, 0.6-0.9 facing the camera.
    facing : "left" | "right" | None
        Image direction the toes point to (side views).
    near_side : "left" | "right" | None
        Body side nearer the camera (by visibility, then MediaPipe z).
    lying : bool
        The trunk is nearer horizontal than vertical in the image.
    """

    view: str
    width_ratio: float
    facing: str | None
    near_side: str | None
    lying: bool




def midpoint(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Midpoint of two (n, 2) tracks, or whichever one is seen (NaN when neither)."""
    return np.where(np.isfinite(a) & np.isfinite(b), (a + b) / 2, np.fmax(a, b))


def detect_view(sig: Signals, *, frames: np.ndarray | None = None) -> ViewEstimate:
    """Side or front view from the left/right separation relative to the trunk length."""
    sel = slice(None) if frames is None else frames
    ls, rs = sig.p(L_SHOULDER)[sel], sig.p(R_SHOULDER)[sel]
    lh, rh = sig.p(L_HIP)[sel], sig.p(R_HIP)[sel]
    trunk = midpoint(ls, rs) - midpoint(lh, rh)     # one side alone when the other is unseen
    tlen = np.hypot(trunk[:, 0], trunk[:, 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = trunk / tlen[:, None]
        perp = np.stack([-unit[:, 1], unit[:, 0]], axis=1)
        sh = np.abs(((ls - rs) * perp).sum(axis=1)) / tlen
        hp = np.abs(((lh - rh) * perp).sum(axis=1)) / tlen * 2.0   # hips are narrower
    # the tracker often guesses a hidden far shoulder (or hip) wide: trust the narrower
    ratio = _nanmedian(np.fmin(sh, hp))
    lying = bool(_nanmedian(np.abs(trunk[:, 0]) - np.abs(trunk[:, 1])) > 0)
    view = "unknown" if not np.isfinite(ratio) else ("side" if ratio < SIDE_MAX_RATIO else "front")
    facing = None
    dx = [_nanmedian(sig.side(s, "toe")[sel][:, 0] - sig.side(s, "heel")[sel][:, 0])
          for s in ("left", "right")]
    dxm = np.nanmean(dx) if np.isfinite(dx).any() else np.nan
    if np.isfinite(dxm) and dxm != 0:
        facing = "right" if dxm > 0 else "left"
    return ViewEstimate(view=view, width_ratio=ratio, facing=facing,
                        near_side=_near_side(sig, sel), lying=lying)


def _near_side(sig: Signals, sel) -> str | None:
    idx = {"left": [L_SHOULDER, L_HIP, L_KNEE, L_ANKLE], "right": [R_SHOULDER, R_HIP, R_KNEE, R_ANKLE]}
    vis = {s: _nanmedian(sig.visibility[sel][:, i].mean(axis=1)) for s, i in idx.items()}
    if np.isfinite(list(vis.values())).all() and abs(vis["left"] - vis["right"]) > 0.05:
        return max(vis, key=vis.get)
    z = {s: _nanmedian(sig.z[sel][:, i].mean(axis=1)) for s, i in idx.items()}
    if np.isfinite(list(z.values())).all():
        return min(z, key=z.get)
    return None


# ----- body scale and feet -----------------------------------------------------------------
def foot_length(sig: Signals, side: str, *, frames: np.ndarray | None = None) -> float:
    """Median heel -> foot index distance (height-normalised units) over seen frames.

    NaN when the foot is seen in fewer than 5 frames.
    """
    d = sig.side(side, "toe") - sig.side(side, "heel")
    dist = np.hypot(d[:, 0], d[:, 1])
    if frames is not None:
        dist = dist[frames]
    return _nanmedian(dist) if np.isfinite(dist).sum() >= MIN_SEEN_FRAMES else float("nan")


def shank_length(sig: Signals, side: str) -> float:
    """Median knee -> ankle distance (height-normalised units), NaN if unseen."""
    d = sig.side(side, "knee") - sig.side(side, "ankle")
    dist = np.hypot(d[:, 0], d[:, 1])
    return _nanmedian(dist) if np.isfinite(dist).sum() >= MIN_SEEN_FRAMES else float("nan")


@dataclass(frozen=True)
class FootChoice:
    """Which foot to trust for heel checks.

    Attributes
    ----------
    side : "left" | "right" | None
        The better-seen foot; None when neither foot is usable.
    reliable : dict side -> bool
        Foot seen in enough frames, with a steady length.
    score : dict side -> float
        Coverage x mean visibility / (1 + 10 x length variation); higher is better.
    foot_length : dict side -> float
        Scale used for heel heights, height-normalised units: the median heel -> toe
        distance, or FOOT_TO_SHANK x shank length when the foot looks foreshortened
        (shorter than 0.7 x that).
    coverage : dict side -> float
        Fraction of person frames where heel and foot index are both seen.
    """

    side: str | None
    reliable: dict
    score: dict
    foot_length: dict
    coverage: dict


def choose_foot(sig: Signals, *, min_coverage: float = 0.5, max_length_cv: float = 0.25) -> FootChoice:
    """Pick the better-seen foot (visibility, coverage, and steadiness of its length).

    The far foot in a side view is often guessed by the tracker: its length changes from
    frame to frame while a real foot is rigid, so the variation of its length (robust:
    1.4826 MAD, divided by the foot scale) penalises it.
    """
    person = sig.person
    npers = max(int(person.sum()), 1)
    rel, score, flen, cov = {}, {}, {}, {}
    for s in ("left", "right"):
        d = sig.side(s, "toe") - sig.side(s, "heel")
        dist = np.hypot(d[:, 0], d[:, 1])
        ok = np.isfinite(dist)
        cov[s] = min(float(ok.sum() / npers), 1.0)
        med = _nanmedian(dist)
        flen[s] = _foot_scale(med, shank_length(sig, s))
        # variation relative to the foot scale: a foreshortened (front view) foot is short
        # but steady, and must not read as unstable
        cv = (float(LENGTH_MAD_TO_STD * _nanmedian(np.abs(dist - med)) / flen[s])
              if ok.sum() >= MIN_SEEN_FRAMES and flen[s] > 0 else np.inf)
        vis = sig.visibility[:, [SIDE_IDX[s]["heel"], SIDE_IDX[s]["toe"]]]
        mvis = _nanmedian(vis.mean(axis=1))
        score[s] = float(cov[s] * (mvis if np.isfinite(mvis) else 0) / (1 + 10 * cv)) if np.isfinite(cv) else 0.0
        rel[s] = bool(cov[s] >= min_coverage and cv <= max_length_cv)
    usable = [s for s in score if cov[s] > 0 and np.isfinite(flen[s])]
    side = max(usable, key=lambda s: (rel[s], score[s])) if usable else None
    return FootChoice(side=side, reliable=rel, score=score, foot_length=flen, coverage=cov)


def _foot_scale(projected: float, shank: float) -> float:
    """The projected foot length, unless it is foreshortened (facing the camera): then the
    anthropometric FOOT_TO_SHANK x shank length."""
    if not np.isfinite(projected):
        return float("nan")
    if np.isfinite(shank) and projected < FORESHORTENED_SHARE * FOOT_TO_SHANK * shank:
        return float(FOOT_TO_SHANK * shank)
    return float(projected)


def heel_above_toe_frac_foot(sig: Signals, side: str, foot_len: float, *,
                             smoothed: bool = True) -> np.ndarray:
    """(n,) height of the heel above the foot index along the image vertical, in foot
    lengths (positive = heel higher). Subtract a standing baseline to get a heel lift."""
    heel = sig.side(side, "heel") if smoothed else sig.p(SIDE_IDX[side]["heel"], smoothed=False)
    toe = sig.side(side, "toe") if smoothed else sig.p(SIDE_IDX[side]["toe"], smoothed=False)
    return (toe[:, 1] - heel[:, 1]) / foot_len
