"""Foot massage timing from Pose + Hands: session time, active stroking time, strokes.

Method (lengths in foot lengths ``L`` of the child's foot, times in seconds):

1. **The foot**: heel - foot index segments of both feet from the pose (visibility gated,
   median over the session, so a wriggling child does not move the reference much).
   ``L`` is their median length. Without a visible foot the hand size stands in
   (wrist to middle-finger knuckle, about one baby foot length) and any moving hand counts.
2. **Hands** are followed frame to frame (nearest fingertip centre, up to two tracks). A
   hand touches the foot through its nearest fingertip (or middle knuckle); its motion is
   that of the five fingertips' centre.
3. **Active stroking**: a hand touching within ``REACH_FOOT`` of a foot segment *and* moving, i.e.
   its mean speed over ``SPEED_WINDOW_S`` is at least ``MIN_SPEED_FOOT_PER_S``. Gaps
   under ``FILL_S`` are closed and bursts under ``MIN_ACTIVE_S`` dropped.
4. **Strokes**: during active stroking, the contact point projected on the foot axis (or,
   without a foot, on its main direction of motion), while the fingertips are within
   ``ON_FOOT`` of the foot, swings back and forth; one stroke is one full cycle (two
   turning points), found by hysteresis (``STROKE_HYST_FOOT`` either side of the median).
   Strokes are counted per active period: frames off the foot are skipped, not a restart,
   so a hand that leaves the foot for a moment does not add a stroke.
5. **Session**: first to last active stroking frame. The target is ``target_minutes``, which the
   caller takes from the age band (:mod:`coach.massage_minutes`); "Children are recommended to do foot massage
   daily for 2-7 minutes, depending on the age" (seed text, shared/seed/baby_foot_massage.txt).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from vision.exercises.common import too_short
from vision.exercises.report import ExerciseReport, Rep
from vision.pose.signals import gate_visibility, interpolate_gaps, runs, smooth_zero_phase
from vision.pose.trace import SIDE_IDX, Trace

REACH_FOOT = 0.75
ON_FOOT = 0.4              # strokes are counted while the fingertips are over the foot
MIN_SPEED_FOOT_PER_S = 0.25
SPEED_WINDOW_S = 0.6
FILL_S = 0.5
MIN_ACTIVE_S = 0.5
STROKE_HYST_FOOT = 0.08
TIP_IDX = (4, 8, 12, 16, 20)
TOUCH_IDX = (4, 8, 12, 16, 20, 9)   # fingertips and the middle knuckle

__all__ = ["analyse", "hand_tracks", "count_strokes"]


def _foot_segments(trace: Trace) -> tuple[list[tuple[np.ndarray, np.ndarray]], float]:
    """Median heel and foot index (height-normalised) of each seen foot, and foot length."""
    pose = gate_visibility(trace.pose)
    segs, lengths = [], []
    for side in ("left", "right"):
        i = SIDE_IDX[side]
        h, t = pose[:, i["heel"], :2].copy(), pose[:, i["toe"], :2].copy()
        h[:, 0] *= trace.aspect
        t[:, 0] *= trace.aspect
        ok = np.isfinite(h).all(1) & np.isfinite(t).all(1)
        if ok.sum() >= max(5, 0.2 * len(trace)):
            hm, tm = np.median(h[ok], 0), np.median(t[ok], 0)
            segs.append((hm, tm))
            lengths.append(float(np.median(np.hypot(*(t[ok] - h[ok]).T))))
    return segs, float(np.median(lengths)) if lengths else float("nan")


def hand_tracks(trace: Trace, *, max_jump: float) -> np.ndarray:
    """(2, n, 21, 2) hand landmarks (height-normalised x, y) in up to two tracks, NaN when
    absent. Hands are matched to tracks by their fingertip centre, nearest first; a hand
    more than ``max_jump`` height units from a track starts the other (empty) one."""
    n = len(trace)
    raw = np.full((n, 2, 21, 2), np.nan)
    for i, hs in enumerate(trace.hands):
        for j, h in enumerate(hs[:2]):
            raw[i, j] = h.landmarks[:, :2]
    raw[..., 0] *= trace.aspect
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        cen = np.nanmean(raw[:, :, list(TIP_IDX)], axis=2)          # (n, 2, 2)
    out = np.full((2, n, 21, 2), np.nan)
    last: list = [None, None]
    cl = cen.tolist()
    for i in range(n):
        seen = [j for j in (0, 1) if cl[i][j][0] == cl[i][j][0]]     # not NaN
        for j, k in _assign([cl[i][j] for j in seen], last, max_jump):
            out[k, i] = raw[i, seen[j]]
            last[k] = cl[i][seen[j]]
    return out


def _assign(pts: list, last: list, max_jump: float) -> list[tuple[int, int]]:
    """[(point index, track), ...] minimising the distance to each track's last point."""
    def d(p, q):
        return max_jump if q is None else math.hypot(p[0] - q[0], p[1] - q[1])
    if len(pts) == 2:
        same = d(pts[0], last[0]) + d(pts[1], last[1])
        swap = d(pts[0], last[1]) + d(pts[1], last[0])
        return [(0, 1), (1, 0)] if swap < same else [(0, 0), (1, 1)]
    if len(pts) == 1:
        dist = [d(pts[0], last[0]), d(pts[0], last[1])]
        k = int(np.argmin(dist))
        if dist[k] > max_jump and last[1 - k] is None:
            k = 1 - k
        return [(0, k)]
    return []


def _dist_to_segments(p: np.ndarray, segs) -> np.ndarray:
    best = np.full(len(p), np.inf)
    for a, b in segs:
        ab = b - a
        u = np.clip(((p - a) @ ab) / max(float(ab @ ab), 1e-12), 0, 1)
        d = np.hypot(*(p - (a + u[:, None] * ab)).T)
        best = np.fmin(best, d)
    return best


def _moving_mean(x: np.ndarray, w: int) -> np.ndarray:
    w = min(w, len(x))
    if w <= 1:
        return x
    ok = np.isfinite(x)
    k = np.ones(w)
    num = np.convolve(np.where(ok, x, 0.0), k, mode="same")
    den = np.convolve(ok.astype(float), k, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _clean(mask: np.ndarray, fps: float) -> np.ndarray:
    m = mask.copy()
    for a, b in runs(~m):
        if a > 0 and b < len(m) and (b - a) < FILL_S * fps:
            m[a:b] = True
    for a, b in runs(m):
        if (b - a) < MIN_ACTIVE_S * fps:
            m[a:b] = False
    return m


def count_strokes(p: np.ndarray, active: np.ndarray, fps: float, foot_len: float, *,
                  axis: np.ndarray | None = None, on_foot: np.ndarray | None = None) -> int:
    """Full back-and-forth cycles of the point ``p`` (n, 2), counted per ``active`` period,
    along ``axis`` (unit (x, y); the foot's heel -> toe direction) or, without one, the main
    direction of motion of each period.

    Only frames where ``on_foot`` (default: all) count, but one period is one count: a hand
    that leaves the foot and comes back carries on the stroke it was in, so leaving does not
    add a stroke (a half stroke either side of the gap would otherwise round up twice).
    """
    total = 0
    use = np.ones(len(p), bool) if on_foot is None else np.asarray(on_foot, bool)
    for a, b in runs(active):
        seg = p[a:b][use[a:b]]
        ok = np.isfinite(seg).all(1)
        if ok.sum() < 3:
            continue
        if axis is None:
            c = seg[ok] - seg[ok].mean(0)
            ax = np.linalg.svd(c, full_matrices=False)[2][0]
        else:
            ax = axis
        s = (seg[ok] - seg[ok].mean(0)) @ ax / foot_len
        s = s - np.median(s)
        state, changes = 0, 0
        for v in s:
            new = 1 if v > STROKE_HYST_FOOT else (-1 if v < -STROKE_HYST_FOOT else state)
            changes += int(state != 0 and new != state)
            state = new
        total += (changes + 1) // 2 if state else 0   # two turning points per stroke
    return total


def analyse(trace: Trace, *, target_minutes: float | None = None) -> ExerciseReport:
    """Time a foot massage (see the module notes).

    Parameters
    ----------
    trace : Trace
        Pose and Hands landmarks (track with ``hands=True``).
    target_minutes : float, optional
        Recommended minutes (the caller looks them up for the child's age with
        :func:`coach.massage_minutes.target_minutes_for_age`).

    Returns
    -------
    ExerciseReport
        exercise "massage"; metrics ``session_s``, ``active_s``, ``strokes``,
        ``strokes_per_min`` (per active minute), ``target_min``, ``met_target``
        (active minutes >= target, None without a target). ``reps`` are the active
        stroking periods with their stroke counts.
    """
    fps, n = float(trace.fps), len(trace)
    short = too_short(n)
    if short:
        return _insufficient(trace, short, [])
    segs, L = _foot_segments(trace)
    warnings = []
    tracks = hand_tracks(trace, max_jump=(L if np.isfinite(L) else 0.1) * 1.5)
    if not np.isfinite(L):
        size = np.hypot(*(tracks[:, :, 9] - tracks[:, :, 0]).transpose(2, 0, 1))
        L = float(np.nanmedian(size)) * 1.1 if np.isfinite(size).any() else float("nan")
        warnings.append("the child's foot is not visible: every moving hand counts as "
                        "stroking")
    if not np.isfinite(tracks[..., 0]).any() or not np.isfinite(L):
        return _insufficient(trace, "no hands are visible: film the parent's hands and the "
                             "child's foot (track with hands)", warnings)
    active_any = np.zeros(n, bool)
    strokes, reps = 0, []
    for k in range(2):
        act, p, dist = _active(tracks[k], segs, L, fps)
        on_foot = dist <= ON_FOOT * L if segs else None
        strokes += count_strokes(p, act, fps, L, axis=_foot_axis(p, act, segs), on_foot=on_foot)
        active_any |= act
    for a, b in runs(active_any):
        reps.append(_period_rep(trace, a, b))
    return _report(trace, active_any, strokes, reps, target_minutes, warnings)


def _foot_axis(p: np.ndarray, active: np.ndarray, segs) -> np.ndarray | None:
    """Heel -> toe unit vector of the foot nearest the active hand (None without feet)."""
    if not segs or not active.any():
        return None
    q = np.nanmedian(p[active], axis=0)
    a, b = min(segs, key=lambda ab: float(_dist_to_segments(q[None], [ab])[0]))
    d = b - a
    return d / max(float(np.hypot(*d)), 1e-12)


def _active(lm: np.ndarray, segs, L: float, fps: float):
    """Active mask, smoothed fingertip centre (n, 2) and nearest-touch distance (n,) of one
    hand track ``lm`` (n, 21, 2)."""
    n = len(lm)
    pts = lm[:, list(TOUCH_IDX)].reshape(n, -1)
    pts = smooth_zero_phase(interpolate_gaps(pts, fps=fps, max_gap_s=0.25), fps=fps,
                            cutoff_hz=4.0).reshape(n, len(TOUCH_IDX), 2)
    p = pts[:, :len(TIP_IDX)].mean(axis=1)
    if segs:
        dist = np.min([_dist_to_segments(pts[:, j], segs) for j in range(len(TOUCH_IDX))], axis=0)
    else:
        dist = np.where(np.isfinite(p[:, 0]), 0.0, np.inf)
    v = np.hypot(*np.gradient(p, axis=0).T) * fps / L if n > 1 else np.zeros(n)
    speed = _moving_mean(v, max(int(SPEED_WINDOW_S * fps), 1))
    with np.errstate(invalid="ignore"):
        act = (dist <= REACH_FOOT * L) & (speed >= MIN_SPEED_FOOT_PER_S)
    return _clean(act, fps), p, dist


def _period_rep(trace: Trace, a: int, b: int) -> Rep:
    return Rep(start_s=float(trace.t[a]), end_s=float(trace.t[b - 1]), ok=True,
               metrics={"active_s": round(float((b - a) / trace.fps), 1)})


def _insufficient(trace: Trace, reason: str, warnings) -> ExerciseReport:
    return ExerciseReport(exercise="massage", frames=len(trace), fps=trace.fps, view="unknown",
                          verdict="insufficient_data", warnings=(*warnings, reason),
                          reason=reason, metrics={"session_s": 0.0, "active_s": 0.0,
                                                  "strokes": 0, "strokes_per_min": None,
                                                  "target_min": None, "met_target": None})


def _report(trace, active, strokes, reps, target, warnings) -> ExerciseReport:
    fps = float(trace.fps)
    idx = np.flatnonzero(active)
    active_s = float(active.sum() / fps)
    session_s = float((idx[-1] - idx[0] + 1) / fps) if idx.size else 0.0
    if not idx.size:
        return _insufficient(trace, "no stroking was seen: the hands did not move on the "
                             "child's foot", warnings)
    met = None if target is None else bool(active_s >= 60 * target)
    metrics = {"session_s": round(session_s, 1), "active_s": round(active_s, 1),
               "strokes": int(strokes),
               "strokes_per_min": round(60 * strokes / active_s, 1) if active_s else None,
               "target_min": None if target is None else round(float(target), 2),
               "met_target": met}
    if met is False:
        warnings.append(f"{active_s / 60:.1f} min of stroking; {target:g} min is recommended "
                        "for this age")
    return ExerciseReport(exercise="massage", frames=len(trace), fps=fps, view="unknown",
                          verdict="needs_attention" if met is False else "good",
                          reps=tuple(reps), metrics=metrics, warnings=tuple(warnings))
