"""Floor line and heel rise from tracked heel and forefoot patches (one foot).

:mod:`vision.pose.heel_contact` follows two small patches per foot through the video; this
module turns their positions into the heel's height above the floor, in foot lengths, per
continuously tracked *segment* (a run of frames between re-seeds):

- ``rel``: the heel patch's height relative to the forefoot patch, above its level in the
  flat frames (heel as low relative to the forefoot as it gets, and at its floor level);
- ``abs``: the heel patch's height above its own flat level, within a run of frames in
  which the forefoot stands still (a camera that shakes moves both patches: ``rel`` is
  unchanged, ``abs`` would not be, so the smaller of the two counts);
- the heel patch sits nearer the ball of the foot than the heel's back, so its rise is
  scaled by the lever ``BALL_FRAC * L / span`` (at most ``MAX_LEVER``);
- foot lengths follow the landmark foot length frame by frame (running median), so a
  zooming camera does not read as a rise;
- quality falls for a segment without flat frames (no floor line), a foot seen end-on
  (patches close together), a heel below the floor line, and a whole segment goes when its
  forefoot patch changes level (it is not on the ball of a grounded foot).
Rises above ``MAX_RISE_FRAC`` (more than a full tiptoe) are refused (NaN, quality 0).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.ndimage import median_filter

MAX_RISE_FRAC = 0.6           # foot lengths: a heel cannot rise more than this (full tiptoe)
STILL_FOOT = 0.08             # forefoot within this (foot lengths) of a run's start: still
FLAT_RISE = 0.03              # heel within this (foot lengths) of its floor level: flat
SCALE_WINDOW = 15             # frames: running median of the landmark foot length (zoom)
MIN_FLAT_FRAMES = 5           # a segment needs this many flat frames for a floor line
NO_FLOOR_QUALITY = 0.25       # quality factor for a segment without flat frames
BALL_FRAC = 0.72              # the foot pivots at the ball, this far from heel to toe
MAX_LEVER = 1.3               # heel patch -> ball lever may scale a rise by at most this
SPAN_ZERO, SPAN_FULL = 0.25, 0.5   # patch span / foot length: foreshortened foot, low quality
BELOW_FLOOR_FRAC = 0.1        # heel this far (foot lengths) below the floor: measure wrong
MIN_FLOOR_FRAMES = 30        # a floor-frame measure needs this many frames of one heel
FLOOR_QUALITY = 0.55         # quality cap of the floor-frame measure: below the fault
                             # threshold (report.FAULT_CONFIDENCE_MIN), so it never makes a
                             # fault on its own
FLOOR_STAY_FOOT = 0.6       # ... and only for a foot that stays put (heel x range, foot lengths)
REL_SHARE = 0.3              # ... and a rise must lift the heel this share against the forefoot
FOOT_LONG_PCT = 90           # ... whose foot length is this percentile of the stretch's
FORE_MOVE_MAX = 0.1           # forefoot changing level by this much (foot lengths): not grounded


class FloorTrack(NamedTuple):
    """The heel patch in the *floor frame* (the picture as it was when the floor was first
    followed, so camera pans and zooms are undone; :class:`vision.pose.heel_patches.Floor`):
    ``heel`` (n, 2) pixels, ``seg`` (n,) floor-frame id (-1 unknown), ``scale`` (n,) zoom of
    each frame against its floor frame."""

    heel: np.ndarray
    seg: np.ndarray
    scale: np.ndarray


def ramp(x: float, zero: float, full: float) -> float:
    """0 at ``zero``, 1 at ``full``, linear between (clipped; 0 for NaN)."""
    if not np.isfinite(x):
        return 0.0
    return float(np.clip((x - zero) / (full - zero), 0.0, 1.0))


def measure_rise(heel: np.ndarray, fore: np.ndarray, foot_px: np.ndarray, quality: np.ndarray,
                 seg: np.ndarray, floor: FloorTrack | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(rise_frac, quality) per frame of one foot, segment by segment.

    Parameters
    ----------
    heel, fore : ndarray (n, 2)
        Tracked heel and forefoot patch centres, pixels (NaN where not tracked).
    foot_px : ndarray (n,)
        Foot length in the same pixels (landmarks; the shank where foreshortened).
    quality : ndarray (n,)
        Per-frame tracking quality 0..1.
    seg : ndarray (n,) int
        Segment id of continuous tracking, -1 where not tracked.
    floor : FloorTrack, optional
        The heel in the floor frame. A segment whose forefoot patch is not grounded (it
        changes level: seen from behind it sits on the ankle, which rises with the heel)
        is then measured against the floor instead (:func:`_floor_rise`).
    """
    n = len(seg)
    rise, q = np.full(n, np.nan), np.zeros(n)
    for s in np.unique(seg[seg >= 0]):
        idx = np.flatnonzero(seg == s)
        rise[idx], q[idx] = _segment_rise(heel[idx], fore[idx], foot_px[idx], quality[idx])
        if floor is not None and not q[idx].any():
            for fs in np.unique(floor.seg[idx][floor.seg[idx] >= 0]):
                sub = idx[floor.seg[idx] == fs]
                rise[sub], q[sub] = _floor_rise(floor.heel[sub], foot_px[sub] / floor.scale[sub],
                                                quality[sub],
                                                (fore[sub, 1] - heel[sub, 1]) / foot_px[sub])
    bad = ~np.isfinite(rise) | (rise > MAX_RISE_FRAC)
    rise[bad], q[bad] = np.nan, 0.0
    return rise, q


def _floor_rise(heel: np.ndarray, foot_px: np.ndarray, quality: np.ndarray,
                rel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Heel rise (foot lengths) and quality over one stretch of a segment whose heel is
    known in one floor frame (``heel`` and ``foot_px`` in floor-frame pixels): the heel
    patch's height above its floor level, the level of its flat frames (within
    ``FLAT_RISE`` of its lowest, 90th-percentile image y). Needs ``MIN_FLAT_FRAMES`` flat
    frames and ``MIN_FLOOR_FRAMES`` in all, and a foot that stays put (its heel within
    ``FLOOR_STAY_FOOT`` foot lengths across): a walking foot's lowest heel is no floor
    line (a toe walker's heel is never flat), so walks stay unmeasured. A frame read
    raised must show the heel raised against the forefoot patch too (``rel``, at least
    ``REL_SHARE`` of the rise), else it is unmeasured. The foot length is the
    ``FOOT_LONG_PCT`` percentile of the stretch's (foreshortening only shortens). The heel
    patch sits over the
    heel's back, so no lever is applied; quality is capped at ``FLOOR_QUALITY`` (one
    witness of the floor, not two)."""
    n = len(heel)
    if n < MIN_FLOOR_FRAMES or not np.isfinite(heel).all():
        return np.full(n, np.nan), np.zeros(n)
    # a foot can look shorter than it is (pointing at the camera), never longer: the
    # stretch's long end is its length (floor-frame pixels, so zoom is already undone)
    Lt = float(np.nanpercentile(foot_px, FOOT_LONG_PCT))
    x = heel[:, 0]
    if np.percentile(x, 95) - np.percentile(x, 5) > FLOOR_STAY_FOOT * Lt:
        # the foot travels (a walk): its lowest heel need not be flat (a toe walker's never
        # is), so the floor frame gives no floor line here
        return np.full(n, np.nan), np.zeros(n)
    y = heel[:, 1]
    low = np.percentile(y, 90)
    flat = (low - y) / Lt <= FLAT_RISE
    if flat.sum() < MIN_FLAT_FRAMES:
        return np.full(n, np.nan), np.zeros(n)
    rise = (np.median(y[flat]) - y) / Lt
    # a heel that rises turns the foot about the ball: it rises against the forefoot
    # patch too (``rel``, heel over forefoot in foot lengths, above its flat level). A heel
    # patch carried up with the forefoot patch (the shank leaning, the picture shaking)
    # is no lift: unmeasured
    rel_rise = rel - np.median(rel[flat])
    turned = (rise < FLAT_RISE) | (rel_rise >= REL_SHARE * rise)
    q = np.minimum(quality, FLOOR_QUALITY) * (rise >= -BELOW_FLOOR_FRAC) * turned
    return np.maximum(rise, 0.0), q


def _running_median(x: np.ndarray, window: int) -> np.ndarray:
    """Centred running median of ``x`` over ``window`` frames (NaN-aware)."""
    x = np.asarray(x, float)
    fill = np.where(np.isfinite(x), x, np.nanmedian(x))
    return median_filter(fill, size=min(window, len(x)) or 1, mode="nearest")


def _still_runs(fore: np.ndarray, L: float) -> np.ndarray:
    """(n,) run id (>= 0) where the forefoot stands still, -1 where it moves: runs of
    frames whose forefoot stays within STILL_FOOT foot lengths of the run's first frame
    (a camera that re-frames or a step starts a new run)."""
    run = np.full(len(fore), -1)
    k, start = 0, None
    for i in range(len(fore)):
        if start is not None and np.hypot(*(fore[i] - fore[start])) <= STILL_FOOT * L:
            run[i] = k
            continue
        if start is not None and (run == k).sum() >= MIN_FLAT_FRAMES:
            k += 1
        else:
            run[run == k] = -1
        start = i
        run[i] = k
    if (run == k).sum() < MIN_FLAT_FRAMES:
        run[run == k] = -1
    return run


def _segment_rise(heel: np.ndarray, fore: np.ndarray, foot_px: np.ndarray,
                  quality: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Heel rise (foot lengths) and quality over one continuously tracked segment.

    ``rel``: the heel's height relative to the forefoot above its level in the flat frames
    (heel as low relative to the forefoot as it gets, and at its floor level); ``abs``: the
    heel's height above its own level in the flat frames of a run in which the forefoot
    stands still (runs without flat frames have no ``abs``). A real lift raises
    both; the smaller counts; where the forefoot moves only ``rel`` is known.
    """
    L = float(np.nanmedian(foot_px))
    Lt = _running_median(foot_px, SCALE_WINDOW)      # follows a zooming camera
    rel = (fore[:, 1] - heel[:, 1]) / Lt
    low = rel - np.percentile(rel, 10) <= FLAT_RISE     # heel as low as it gets: flat
    run = _still_runs(fore, L)
    abs_rise = np.full(len(heel), np.nan)
    for k in np.unique(run[run >= 0]):
        sel = run == k
        if (sel & low).sum() >= MIN_FLAT_FRAMES:        # this run shows the foot flat
            abs_rise[sel] = (np.percentile(heel[sel & low, 1], 50) - heel[sel, 1]) / Lt[sel]
    flat = low & (np.abs(abs_rise) <= FLAT_RISE)
    has_floor = flat.sum() >= MIN_FLAT_FRAMES
    rel0 = np.median(rel[flat]) if has_floor else np.percentile(rel, 10)
    rel_rise = rel - rel0
    rise = np.where(np.isfinite(abs_rise), np.fmin(rel_rise, abs_rise), rel_rise)
    # the heel patch sits nearer the ball than the heel's back: scale by the lever
    span = float(np.median(np.hypot(*(heel - fore)[flat if has_floor else low].T)))
    rise = rise * float(np.clip(BALL_FRAC * L / max(span, 1e-9), 1.0, MAX_LEVER))
    q = quality * (1.0 if has_floor else NO_FLOOR_QUALITY) * ramp(span / L, SPAN_ZERO, SPAN_FULL)
    q = np.where(rise < -BELOW_FLOOR_FRAC, 0.0, q)
    # a standing forefoot keeps its height: a forefoot patch that changes level within the
    # segment is not on the ball of a grounded foot (it sits on the ankle, or the foot
    # steps), so nothing in the segment is a heel height above the floor
    fore_y = (fore[:, 1] - np.median(fore[:, 1])) / Lt
    if np.percentile(fore_y, 95) - np.percentile(fore_y, 5) > FORE_MOVE_MAX:
        q = np.zeros_like(q)
    return np.maximum(rise, 0.0), q
