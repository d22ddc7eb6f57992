"""Landmark signals: gating, gap filling, smoothing, angles, view and body scale.

Every exercise analysis starts with :func:`prepare`, which does the cleaning once::

    sig = prepare(trace)                  # gate -> regular timeline -> fill gaps -> filtfilt
    knee = knee_angle_deg(sig.p(L_HIP), sig.p(L_KNEE), sig.p(L_ANKLE))
    view = posture.detect_view(sig)     # from vision.pose import posture
    feet = posture.choose_foot(sig)

Conventions
-----------
- Coordinates are *height-normalised* image coordinates (``Trace.xy``): x is multiplied by
  width / height so a distance of 1.0 is one image height in both directions; y grows
  downwards. Angles are computed in this plane (never in the anisotropic 0..1 x units).
- A landmark is *seen* in a frame when its visibility is >= ``min_visibility`` and it lies
  inside the picture (within ``FRAME_MARGIN``); unseen landmarks are NaN. Gaps up to
  ``max_gap_s`` are filled linearly; longer gaps stay NaN.
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

View detection, facing, the better-seen foot and the foot scale live in
:mod:`vision.pose.posture` (which imports this module, never the other way round).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from scipy.signal import butter, lfilter, lfilter_zi

from vision.pose.trace import N_POSE, SIDE_IDX, Trace

MIN_VISIBILITY = 0.5    # landmarks below this visibility (0..1) are not seen
MAX_GAP_S = 0.25        # seconds: longest gap filled by linear interpolation
FRAME_MARGIN = 0.02     # landmarks further outside the picture than this (fraction) are not seen
CUTOFF_HZ = 4.0         # Hz: zero-phase low-pass cut-off

__all__ = [
    "MIN_VISIBILITY", "MAX_GAP_S", "FRAME_MARGIN", "CUTOFF_HZ", "BODY_LANDMARKS", "Signals",
    "prepare", "gate_visibility", "interpolate_gaps", "smooth_zero_phase", "OneEuroFilter",
    "joint_angle_deg", "knee_angle_deg", "hip_flexion_deg", "ankle_angle_deg",
    "segment_angle_deg", "runs", "nanmedian",
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
    if n == 0:
        return x.copy()
    flat = x.reshape(n, -1).copy()
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
    """Butterworth coefficients and their ``lfilter_zi`` start-up state, computed once."""
    b, a = butter(order, wn)
    return b, a, lfilter_zi(b, a)


def smooth_zero_phase(x: np.ndarray, *, fps: float, cutoff_hz: float = CUTOFF_HZ,
                      order: int = 2) -> np.ndarray:
    """Zero-phase Butterworth low-pass (as ``scipy.signal.filtfilt``) along axis 0, NaN-safe.

    Each finite run of each column is filtered on its own, exactly as ``filtfilt`` with odd
    padding of ``3 * (order + 1)`` samples would; runs too short to filter are left as they
    are. For recorded files only: it uses future samples.

    Notes
    -----
    Columns are grouped by run, not by whole-column NaN pattern: every column finite over
    the same frames ``[s, e)`` is filtered in one call, even when the columns differ
    elsewhere (landmarks dropping out at different moments still share most runs). The
    filter coefficients and start-up state (``lfilter_zi``) are computed once per
    (order, cut-off) and cached.
    """
    x = np.asarray(x, dtype=float)
    n = len(x)
    flat = x.reshape(n, int(np.prod(x.shape[1:], dtype=int)))
    out = flat.copy()
    if n == 0 or flat.shape[1] == 0:
        return out.reshape(x.shape)
    b, a, zi = _butter(order, round(min(cutoff_hz / (fps / 2.0), 0.95), 6))
    pad = 3 * (order + 1)
    edge = np.zeros((flat.shape[1], n + 2), np.int8)
    edge[:, 1:-1] = np.isfinite(flat.T)
    d = np.diff(edge, axis=1)
    cols, starts = np.nonzero(d == 1)        # every run, in (column, row) order
    stops = np.nonzero(d == -1)[1]
    keep = stops - starts > pad              # long enough for filtfilt's padding
    cols, starts, stops = cols[keep], starts[keep], stops[keep]
    if not cols.size:
        return out.reshape(x.shape)
    runs_, which = np.unique(np.stack([starts, stops], 1), axis=0, return_inverse=True)
    which = which.ravel()
    order_ = np.argsort(which, kind="stable")
    bounds = np.searchsorted(which[order_], np.arange(len(runs_) + 1))
    for k, (s, e) in enumerate(runs_.tolist()):
        c = cols[order_[bounds[k]:bounds[k + 1]]]
        out[s:e, c] = _filtfilt(b, a, zi, flat[s:e, c], pad)
    return out.reshape(x.shape)


def _filtfilt(b, a, zi, x: np.ndarray, pad: int) -> np.ndarray:
    """``scipy.signal.filtfilt(b, a, x, axis=0, padlen=pad)`` (odd padding) with the
    start-up state ``zi = lfilter_zi(b, a)`` passed in instead of recomputed."""
    ext = np.concatenate([2 * x[:1] - x[pad:0:-1], x, 2 * x[-1:] - x[-2:-pad - 2:-1]])
    zi = zi[:, None]
    y, _ = lfilter(b, a, ext, axis=0, zi=zi * ext[:1])
    y, _ = lfilter(b, a, y[::-1], axis=0, zi=zi * y[-1:])
    return y[::-1][pad:-pad]


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

    Returns
    -------
    Signals
        An empty trace (no frames) gives empty ``Signals`` (``len(sig) == 0``, every array
        with 0 rows), which the exercise analyses report as ``insufficient_data``.
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


def nanmedian(x) -> float:
    """Median of the finite values of ``x`` (NaN when there are none)."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else float("nan")
