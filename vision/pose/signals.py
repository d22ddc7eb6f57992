"""Landmark signals: gating, gap filling, smoothing, angles, view and body scale.

Every exercise analysis starts with :func:`prepare`, which does the cleaning once::

    sig = prepare(trace)                  # gate -> regular timeline -> fill gaps -> filtfilt
    knee = knee_angle_deg(sig.p(L_HIP), sig.p(L_KNEE), sig.p(L_ANKLE))
    view = detect_view(sig)
    feet = choose_foot(sig)

Conventions
-----------
- Coordinates are *height-normalised* image coordinates (``Trace.xy``): x is multiplied by
  width / height so a distance of 1.0 is one image height in both directions; y grows
  downwards. Angles are computed in this plane (never in the anisotropic 0..1 x units).
- A landmark is *seen* in a frame when its visibility is >= ``min_visibility`` and it lies
  inside the picture (within ``FRAME_MARGIN``); unseen landmarks are NaN. Gaps up to ``max_gap_s`` are filled linearly; longer gaps stay NaN.
- Angles are degrees. Joint angles are unsigned, in [0, 180]:

  * knee angle (hip-knee-ankle): 180 = straight leg, 90 = right angle;
  * hip flexion: ``180 - angle(shoulder, hip, knee)``: 0 = thigh in line with the trunk,
    90 = thigh at a right angle to the trunk (unsigned: extension also reads positive);
  * ankle angle (knee-ankle-foot index): angle between shank and foot, about 90-120 when
    standing; it grows when the foot points down (plantar flexion).

  Segment orientation (:func:`segment_angle_deg`) is measured with y pointing *up*:
  0 = pointing right in the image, +90 = pointing up, in (-180, 180].
- Heel heights are fractions of the foot length (heel to foot index distance).

Live (webcam) code must not use :func:`smooth_zero_phase` (it looks ahead); use
:class:`OneEuroFilter` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from scipy.signal import butter, filtfilt

from vision.pose.trace import (
    L_ANKLE,
    L_HIP,
    L_KNEE,
    L_SHOULDER,
    N_POSE,
    R_ANKLE,
    R_HIP,
    R_KNEE,
    R_SHOULDER,
    SIDE_IDX,
    Trace,
)

MIN_VISIBILITY = 0.5
MAX_GAP_S = 0.25
FRAME_MARGIN = 0.02     # landmarks further outside the picture than this are not seen
CUTOFF_HZ = 4.0
# foot length / shank (knee-ankle) length: 0.62 for adults (Drillis & Contini 1966), about
# 0.7 for young children (relatively larger feet); used only when the foot is foreshortened
FOOT_TO_SHANK = 0.66

__all__ = [
    "MIN_VISIBILITY", "MAX_GAP_S", "CUTOFF_HZ", "BODY_LANDMARKS", "Signals", "prepare",
    "gate_visibility",
    "interpolate_gaps", "smooth_zero_phase", "OneEuroFilter", "joint_angle_deg",
    "knee_angle_deg", "hip_flexion_deg", "ankle_angle_deg", "segment_angle_deg",
    "ViewEstimate", "detect_view", "FootChoice", "choose_foot", "foot_length",
    "heel_above_toe_frac_foot", "runs",
]


# ----- cleaning ---------------------------------------------------------------------------
def gate_visibility(pose: np.ndarray, *, min_visibility: float = MIN_VISIBILITY,
                    frame_margin: float | None = FRAME_MARGIN) -> np.ndarray:
    """Copy of ``pose`` (n, 33, 4) with x, y, z set to NaN where a landmark is not seen.

    Not seen: visibility below ``min_visibility``, or the point lies outside the picture
    by more than ``frame_margin`` (fraction of the width/height; None = no check) -- a
    tracker only guesses those. A NaN visibility with finite coordinates (a source that
    does not estimate visibility) counts as seen (1.0).
    """
    out = np.array(pose, dtype=float, copy=True)
    vis = out[..., 3]
    unknown = np.isnan(vis) & np.isfinite(out[..., 0])
    vis[unknown] = 1.0
    bad = ~(vis >= min_visibility)
    if frame_margin is not None:
        with np.errstate(invalid="ignore"):
            xy = out[..., :2]
            bad |= ((xy < -frame_margin) | (xy > 1 + frame_margin)).any(axis=-1)
    out[..., :3][bad] = np.nan
    return out


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open ``(start, stop)`` index pairs of the True runs of a 1-D boolean array."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.flatnonzero(np.diff(m.astype(np.int8)))
    return list(zip(d[::2].tolist(), d[1::2].tolist(), strict=False))


def interpolate_gaps(x: np.ndarray, *, fps: float, max_gap_s: float = MAX_GAP_S) -> np.ndarray:
    """Fill NaN gaps of at most ``max_gap_s`` seconds linearly, along axis 0.

    Gaps touching either end, and longer gaps, stay NaN. ``x`` is (n, ...) on a regular
    timeline of ``fps`` frames per second.
    """
    x = np.asarray(x, dtype=float)
    n = len(x)
    flat = x.reshape(n, -1).copy()
    if n == 0:
        return flat.reshape(x.shape)
    max_gap = int(round(max_gap_s * fps))
    good = np.isfinite(flat)
    idx = np.arange(n)[:, None]
    prev = np.maximum.accumulate(np.where(good, idx, -1), axis=0)
    nxt = np.minimum.accumulate(np.where(good, idx, n)[::-1], axis=0)[::-1]
    fill = ~good & (prev >= 0) & (nxt < n) & (nxt - prev - 1 <= max_gap)
    if fill.any():
        p0, p1 = np.clip(prev, 0, n - 1), np.clip(nxt, 0, n - 1)
        v0 = np.take_along_axis(flat, p0, axis=0)
        v1 = np.take_along_axis(flat, p1, axis=0)
        w = (idx - p0) / np.maximum(p1 - p0, 1)
        flat[fill] = (v0 + (v1 - v0) * w)[fill]
    return flat.reshape(x.shape)


@lru_cache(maxsize=64)
def _butter(order: int, wn: float):
    return butter(order, wn)


def smooth_zero_phase(x: np.ndarray, *, fps: float, cutoff_hz: float = CUTOFF_HZ,
                      order: int = 2) -> np.ndarray:
    """Zero-phase Butterworth low-pass (``scipy.signal.filtfilt``) along axis 0, NaN-safe.

    Each finite run is filtered on its own (odd padding of its own length); runs too short
    to filter are left as they are. For recorded files only: it uses future samples.
    """
    x = np.asarray(x, dtype=float)
    flat = x.reshape(len(x), -1)
    out = flat.copy()
    b, a = _butter(order, round(min(cutoff_hz / (fps / 2.0), 0.95), 6))
    min_len = 3 * (order + 1) + 1
    finite = np.isfinite(flat)
    # columns sharing a NaN pattern are filtered together (landmark x, y, z share one)
    patterns: dict[bytes, list[int]] = {}
    for j in range(flat.shape[1]):
        patterns.setdefault(np.packbits(finite[:, j]).tobytes(), []).append(j)
    for cols in patterns.values():
        for s, e in runs(finite[:, cols[0]]):
            if e - s >= min_len:
                seg = flat[s:e][:, cols]
                out[s:e, cols] = filtfilt(b, a, seg, axis=0, padlen=min(3 * (order + 1), e - s - 1))
    return out.reshape(x.shape)


class OneEuroFilter:
    """Causal adaptive low-pass filter for live landmarks (Casiez et al., CHI 2012).

    Parameters
    ----------
    min_cutoff_hz : float
        Cut-off at rest, Hz: lower means steadier but laggier.
    beta : float
        Speed coefficient (1 / (units/s)): higher means less lag when moving fast.
    d_cutoff_hz : float
        Cut-off for the derivative estimate, Hz.
    reset_after_s : float
        After a NaN gap longer than this, the filter restarts from the next sample.

    Call it with ``(t_seconds, value)`` where ``value`` is any array (e.g. (33, 2)); NaN
    elements pass through as NaN and keep their previous state.
    """

    def __init__(self, *, min_cutoff_hz: float = 1.0, beta: float = 0.5,
                 d_cutoff_hz: float = 1.0, reset_after_s: float = 0.5) -> None:
        if min_cutoff_hz <= 0 or d_cutoff_hz <= 0:
            raise ValueError("cut-off frequencies must be positive")
        self.min_cutoff_hz, self.beta, self.d_cutoff_hz = min_cutoff_hz, beta, d_cutoff_hz
        self.reset_after_s = reset_after_s
        self._x = self._dx = self._t = None

    @staticmethod
    def _alpha(cutoff: np.ndarray | float, dt: np.ndarray | float):
        tau = 1.0 / (2 * np.pi * cutoff)
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, t: float, value) -> np.ndarray:
        v = np.asarray(value, dtype=float)
        if self._x is None or self._x.shape != v.shape:
            self._x, self._dx = v.copy(), np.zeros_like(v)
            self._t = np.full(v.shape, float(t))
            return v.copy()
        ok = np.isfinite(v)
        dt = np.maximum(t - self._t, 1e-6)
        fresh = ok & (~np.isfinite(self._x) | (dt > self.reset_after_s))
        upd = ok & ~fresh
        dx = np.where(upd, (v - self._x) / dt, 0.0)
        a_d = self._alpha(self.d_cutoff_hz, dt)
        dx_hat = a_d * dx + (1 - a_d) * self._dx
        a = self._alpha(self.min_cutoff_hz + self.beta * np.abs(dx_hat), dt)
        x_hat = a * v + (1 - a) * self._x
        self._x = np.where(upd, x_hat, np.where(fresh, v, self._x))
        self._dx = np.where(upd, dx_hat, np.where(fresh, 0.0, self._dx))
        self._t = np.where(ok, float(t), self._t)
        return np.where(ok, self._x, np.nan)


# ----- prepared trace ---------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Signals:
    """A trace cleaned once for analysis (see :func:`prepare`).

    Attributes
    ----------
    fps : float
        Frames per second of the regular timeline.
    t_s : ndarray (n,)
        Seconds; regular (dropped frames re-inserted as NaN rows before filling).
    frame_index : ndarray (n,) int
        Row of the source trace for each sample, -1 for re-inserted rows.
    xy : ndarray (n, 33, 2)
        Gated, gap-filled and zero-phase smoothed positions, height-normalised units.
    xy_raw : ndarray (n, 33, 2)
        Gated and gap-filled, not smoothed.
    visibility : ndarray (n, 33)
        Visibility as tracked (NaN where no person).
    z : ndarray (n, 33)
        MediaPipe z (smaller = nearer the camera), gated.
    aspect : float
        Source width / height.
    """

    fps: float
    t_s: np.ndarray
    frame_index: np.ndarray
    xy: np.ndarray
    xy_raw: np.ndarray
    visibility: np.ndarray
    z: np.ndarray
    aspect: float

    def __len__(self) -> int:
        return len(self.t_s)

    def p(self, idx: int, *, smoothed: bool = True) -> np.ndarray:
        """(n, 2) positions of landmark ``idx`` (NaN where unseen)."""
        return (self.xy if smoothed else self.xy_raw)[:, idx]

    def seen(self, idx: int) -> np.ndarray:
        """(n,) True where landmark ``idx`` has a position (after gap filling)."""
        return np.isfinite(self.xy[:, idx, 0])

    @cached_property
    def person(self) -> np.ndarray:
        """(n,) True where a person was tracked."""
        return np.isfinite(self.visibility).any(axis=1)

    def side(self, side: str, part: str) -> np.ndarray:
        """(n, 2) positions of ``part`` (shoulder, hip, knee, ankle, heel, toe, ...) on
        ``side`` ("left" or "right")."""
        return self.p(SIDE_IDX[side][part])


def _regular_rows(t: np.ndarray, fps: float) -> np.ndarray:
    """Row index on a regular ``fps`` grid for each time in ``t``."""
    if len(t) == 0:
        return np.zeros(0, int)
    k = np.round((t - t[0]) * fps).astype(int)
    k = np.maximum.accumulate(k)
    if np.any(np.diff(k) == 0):         # timestamps not on the grid: keep frame order
        return np.arange(len(t))
    return k


BODY_LANDMARKS = (0, *range(11, 17), *range(23, 33))   # nose, arms, legs and feet


def prepare(trace: Trace, *, min_visibility: float = MIN_VISIBILITY,
            max_gap_s: float = MAX_GAP_S, cutoff_hz: float | None = CUTOFF_HZ,
            landmarks: tuple[int, ...] | None = None) -> Signals:
    """Gate, regularise, gap-fill and (zero-phase) smooth a trace for analysis.

    Parameters
    ----------
    trace : Trace
    min_visibility : float
        Landmarks below this visibility (0..1) become NaN.
    max_gap_s : float
        Longest gap (seconds) filled by linear interpolation.
    cutoff_hz : float or None
        Butterworth low-pass cut-off in Hz; None disables smoothing.
    landmarks : tuple of int, optional
        Only clean these landmarks (the others stay NaN in ``xy``), to save time;
        :data:`BODY_LANDMARKS` covers the exercises. Default: all 33.
    """
    fps = float(trace.fps)
    rows = _regular_rows(trace.t, fps)
    n = int(rows[-1]) + 1 if len(rows) else 0
    pose = np.full((n, N_POSE, 4), np.nan)
    pose[rows] = trace.pose
    t_s = (trace.t[0] if len(trace.t) else 0.0) + np.arange(n) / fps
    frame_index = np.full(n, -1)
    frame_index[rows] = np.arange(len(rows))
    gated = gate_visibility(pose, min_visibility=min_visibility)
    sel = list(range(N_POSE)) if landmarks is None else sorted(set(landmarks))
    xy_raw = np.full((n, N_POSE, 2), np.nan)
    xy = gated[:, sel, :2].copy()
    xy[..., 0] *= trace.aspect
    xy_raw[:, sel] = interpolate_gaps(xy, fps=fps, max_gap_s=max_gap_s)
    xy_s = xy_raw.copy()
    if cutoff_hz is not None:
        xy_s[:, sel] = smooth_zero_phase(xy_raw[:, sel], fps=fps, cutoff_hz=cutoff_hz)
    return Signals(fps=fps, t_s=t_s, frame_index=frame_index, xy=xy_s, xy_raw=xy_raw,
                   visibility=gated[..., 3], z=gated[..., 2], aspect=trace.aspect)


# ----- angles -----------------------------------------------------------------------------
def joint_angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Unsigned angle at ``b`` between rays b->a and b->c, degrees in [0, 180].

    Inputs are (..., 2) points in height-normalised coordinates; NaN propagates.
    """
    u = np.asarray(a, float) - np.asarray(b, float)
    v = np.asarray(c, float) - np.asarray(b, float)
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = (u * v).sum(axis=-1)
    return np.degrees(np.abs(np.arctan2(cross, dot)))


def knee_angle_deg(hip, knee, ankle) -> np.ndarray:
    """Knee angle, degrees: 180 = straight leg, 90 = right angle."""
    return joint_angle_deg(hip, knee, ankle)


def hip_flexion_deg(shoulder, hip, knee) -> np.ndarray:
    """Hip flexion, degrees: 0 = thigh in line with the trunk, 90 = right angle to it.

    Pass the ankle instead of the knee to measure the whole leg (hip->ankle line), which
    equals the thigh line when the knee is straight.
    """
    return 180.0 - joint_angle_deg(shoulder, hip, knee)


def ankle_angle_deg(knee, ankle, toe) -> np.ndarray:
    """Angle between shank (ankle->knee) and foot (ankle->foot index), degrees."""
    return joint_angle_deg(knee, ankle, toe)


def segment_angle_deg(p_from, p_to) -> np.ndarray:
    """Orientation of the segment p_from->p_to with y up: 0 = right, +90 = up, degrees."""
    d = np.asarray(p_to, float) - np.asarray(p_from, float)
    return np.degrees(np.arctan2(-d[..., 1], d[..., 0]))


def _nanmedian(x) -> float:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else float("nan")


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


SIDE_MAX_RATIO = 0.45   # width_ratio below this reads as a side view


def detect_view(sig: Signals, *, frames: np.ndarray | None = None) -> ViewEstimate:
    """Side or front view from the left/right separation relative to the trunk length."""
    sel = slice(None) if frames is None else frames
    ls, rs = sig.p(L_SHOULDER)[sel], sig.p(R_SHOULDER)[sel]
    lh, rh = sig.p(L_HIP)[sel], sig.p(R_HIP)[sel]
    trunk = (ls + rs) / 2 - (lh + rh) / 2
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
    return _nanmedian(dist) if np.isfinite(dist).sum() >= 5 else float("nan")


def shank_length(sig: Signals, side: str) -> float:
    """Median knee -> ankle distance (height-normalised units), NaN if unseen."""
    d = sig.side(side, "knee") - sig.side(side, "ankle")
    dist = np.hypot(d[:, 0], d[:, 1])
    return _nanmedian(dist) if np.isfinite(dist).sum() >= 5 else float("nan")


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
        cv = (float(1.4826 * _nanmedian(np.abs(dist - med)) / flen[s])
              if ok.sum() >= 5 and flen[s] > 0 else np.inf)
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
    if np.isfinite(shank) and projected < 0.7 * FOOT_TO_SHANK * shank:
        return float(FOOT_TO_SHANK * shank)
    return float(projected)


def heel_above_toe_frac_foot(sig: Signals, side: str, foot_len: float, *,
                             smoothed: bool = True) -> np.ndarray:
    """(n,) height of the heel above the foot index along the image vertical, in foot
    lengths (positive = heel higher). Subtract a standing baseline to get a heel lift."""
    heel = sig.side(side, "heel") if smoothed else sig.p(SIDE_IDX[side]["heel"], smoothed=False)
    toe = sig.side(side, "toe") if smoothed else sig.p(SIDE_IDX[side]["toe"], smoothed=False)
    return (toe[:, 1] - heel[:, 1]) / foot_len
