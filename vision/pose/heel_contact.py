"""Heel contact measured in the image: how high each heel is above the floor, from pixels.

Landmark geometry alone says a heel rises when the tracker's heel point moves, and the
tracker's heel point moves when the foot is partly hidden or the knee travels forward. This
module looks at the pixels instead: it follows small textured patches on the heel and on the
forefoot with pyramidal Lucas-Kanade optical flow (``cv2.calcOpticalFlowPyrLK``, with a
forward-backward check) and measures how far the heel patch rises above the floor line the
forefoot stands on.

Conventions
-----------
- ``rise_frac``: the heel's height above the floor line, in *foot lengths* (heel to foot
  index, the unit of every heel measure in :mod:`vision.pose.signals`); 0 = heel flat on
  the floor. NaN where nothing was measured (no person, foot out of frame, tracking lost).
  Physically a heel cannot rise more than about 0.6 foot lengths (full tiptoe); larger
  values are refused (NaN, quality 0), never reported.
- ``quality`` 0..1 per frame and side: how much the measurement can be trusted. It falls
  with the forward-backward flow error, with weak texture (the smallest eigenvalue of the
  patch's structure tensor), with low landmark visibility, when the foot is small in the
  picture, when the foot is covered by the other leg (the far foot in a side view), when a
  patch was lost and re-seeded without a flat reference, and when the patches move in a way
  a rigid foot cannot (heel and forefoot pulled apart). Below :data:`MIN_QUALITY` treat the
  frame as unmeasured.
- Time ``t`` is seconds, the same clock as the trace (``Trace.t``). Landmarks are the
  normalised (33, 4) BlazePose rows of the trace; a frame may be any size (a shrunk copy of
  the source frame is fine), since landmarks are normalised to the frame.
- The floor line: where the heel patch sits when the foot is flat, relative to the
  forefoot patch ("relative" measure) and, while the forefoot stays put, relative to its
  own lowest steady position ("absolute" measure). A real lift raises both; the smaller
  counts (as :func:`vision.exercises.common.heel_rise_frac_foot` does with landmarks).
  Each run of continuous tracking (a *segment*) needs its own flat frames: the flat level
  is a low percentile of the segment's heel heights, so a clip must show the feet flat at
  some point (every exercise starts and ends that way).

Storage in a trace
------------------
``Trace.heel_px`` (optional, see :mod:`vision.pose.trace`) is a float array (n, 2, 2):
``[frame, side (0 left, 1 right), (rise_frac, quality)]``. In ``footcoach-trace/1`` JSON it
is an optional per-frame key ``"heel_px": [[rise_left, q_left], [rise_right, q_right]]``
(null for NaN), which readers that do not know it ignore. :meth:`HeelPixels.from_trace`
and :meth:`HeelPixels.to_array` convert.

Cost
----
One grey conversion of a shrunk copy (long side :data:`GREY_MAX_SIDE_PX`) and LK on a few
dozen points a frame: well under 10 % of the pose model's time (``bench/bench_pose.py``
prints both).

Examples
--------
>>> tracker = HeelContactTracker(1280, 720)                 # doctest: +SKIP
>>> for t, rgb, row in frames_with_landmarks:               # doctest: +SKIP
...     tracker.update(rgb, t, row)
>>> px = tracker.result(); px.side("left").rise_frac         # doctest: +SKIP
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import cv2
import numpy as np

from vision.pose.posture import FOOT_TO_SHANK
from vision.pose.trace import SIDE_IDX, Trace

SIDES = ("left", "right")
MIN_QUALITY = 0.3             # frames below this quality count as unmeasured
MAX_RISE_FRAC = 0.6           # foot lengths: a heel cannot rise more than this (full tiptoe)
GREY_MAX_SIDE_PX = 960        # long side of the grey copy the flow runs on
LK_MARGIN_PX = 40             # flow runs on a crop this far around the points (+ half a foot)
# seeding: where the patches sit on the foot (fractions of landmark vectors)
HEEL_SEED_UP = 0.3            # heel patch: this far from the heel landmark towards the ankle
FORE_SEED_ALONG = 0.7         # forefoot patch: this far from heel to foot index ...
FORE_SEED_UP = 0.12           # ... and this far up towards the ankle (onto the foot)
PATCH_RADIUS_FOOT = 0.18      # feature search radius around a seed, foot lengths
MAX_POINTS = 10               # features per patch
MIN_POINTS = 3                # fewer good features: the patch is lost
MIN_EIG = 5e-5                # cornerMinEigenVal (block 5, 8-bit grey): below = no texture
GOOD_EIG = 4e-4               # ... at or above this the texture is fully trusted
# tracking checks
FB_MAX_FOOT = 0.04            # forward-backward error that rejects a point, foot lengths
FB_MIN_PX = 0.7               # ... never stricter than this many grey pixels
RIGID_TOL_FOOT = 0.15         # heel-forefoot distance may change this much (foot lengths)
DRIFT_MAX_FOOT = 0.6          # tracked heel this far from the landmark heel: re-seed
LK_WIN_PX = 15
LK_LEVELS = 2
# quality factors
VIS_ZERO, VIS_FULL = 0.3, 0.8      # landmark visibility mapped linearly to 0..1 quality
FOOT_PX_ZERO, FOOT_PX_FULL = 10.0, 28.0   # foot length in grey pixels mapped to 0..1
OCCLUDED_QUALITY = 0.1        # factor for a foot covered by the other leg
OCCLUDE_DZ = 0.05             # MediaPipe z: the foot this much further away is behind
# floor line
STILL_FOOT = 0.08             # forefoot within this of its segment median: standing still
FLAT_RISE = 0.03              # heel within this of its floor level: a flat frame
MIN_FLAT_FRAMES = 5           # a segment needs this many flat frames for a floor line
NO_FLOOR_QUALITY = 0.25       # factor for a segment without flat frames
BALL_FRAC = 0.72              # the foot pivots at the ball, this far from heel to toe
MAX_LEVER = 1.3               # heel patch -> ball lever may scale a rise by at most this
SPAN_ZERO, SPAN_FULL = 0.25, 0.5   # patch span / foot length: foreshortened foot, low quality
BELOW_FLOOR_FRAC = 0.1        # heel this far below the floor line: the measure is wrong
FORESHORTENED = 0.7           # foot shorter than this x FOOT_TO_SHANK x shank: foreshortened


@dataclass(frozen=True)
class SideHeel:
    """Pixel heel measure of one foot.

    Attributes
    ----------
    rise_frac : ndarray (n,)
        Heel height above the floor line, foot lengths (0 = flat); NaN where unmeasured.
    quality : ndarray (n,)
        0..1 trust in ``rise_frac`` (0 where unmeasured).
    """

    rise_frac: np.ndarray
    quality: np.ndarray

    def measured(self, *, min_quality: float = MIN_QUALITY) -> np.ndarray:
        """(n,) True where ``rise_frac`` is finite and ``quality >= min_quality``."""
        return np.isfinite(self.rise_frac) & (self.quality >= min_quality)


@dataclass(frozen=True)
class HeelPixels:
    """Pixel heel measures of both feet, one row per trace frame.

    Attributes
    ----------
    t : ndarray (n,)
        Seconds, the trace's clock.
    left, right : SideHeel
    """

    t: np.ndarray
    left: SideHeel
    right: SideHeel

    def side(self, side: str) -> SideHeel:
        """The :class:`SideHeel` of ``side`` ("left" or "right")."""
        if side not in SIDES:
            raise ValueError(f"side must be 'left' or 'right', got {side!r}")
        return self.left if side == "left" else self.right

    def __len__(self) -> int:
        return len(self.t)

    def to_array(self) -> np.ndarray:
        """(n, 2, 2) float array ``[frame, side, (rise_frac, quality)]`` (``Trace.heel_px``)."""
        return np.stack([np.stack([s.rise_frac, s.quality], axis=1)
                         for s in (self.left, self.right)], axis=1).astype(float)

    @classmethod
    def from_array(cls, t: np.ndarray, arr: np.ndarray) -> HeelPixels:
        """Inverse of :meth:`to_array`; ``arr`` must be (len(t), 2, 2)."""
        t = np.asarray(t, float)
        arr = np.asarray(arr, float)
        if arr.shape != (len(t), 2, 2):
            raise ValueError(f"heel_px must have shape ({len(t)}, 2, 2), got {arr.shape}")
        q = np.nan_to_num(arr[..., 1], nan=0.0)
        return cls(t=t, left=SideHeel(arr[:, 0, 0].copy(), q[:, 0].copy()),
                   right=SideHeel(arr[:, 1, 0].copy(), q[:, 1].copy()))

    def resample(self, t: np.ndarray) -> HeelPixels:
        """These measures at times ``t`` (seconds): the nearest row within half a median
        frame interval, else unmeasured (NaN, quality 0)."""
        t = np.asarray(t, float)
        rise, q = np.full((len(t), 2), np.nan), np.zeros((len(t), 2))
        if len(self.t) and len(t):
            dt = float(np.median(np.diff(self.t))) if len(self.t) > 1 else 1.0
            j = np.clip(np.searchsorted(self.t, t), 1, max(len(self.t) - 1, 1))
            j = np.where(np.abs(self.t[j - 1] - t) <= np.abs(self.t[np.minimum(j, len(self.t) - 1)] - t), j - 1, j)
            j = np.clip(j, 0, len(self.t) - 1)
            ok = np.abs(self.t[j] - t) <= 0.5 * dt + 1e-9
            for k, s in enumerate((self.left, self.right)):
                rise[ok, k], q[ok, k] = s.rise_frac[j[ok]], s.quality[j[ok]]
        return HeelPixels(t=t, left=SideHeel(rise[:, 0], q[:, 0]), right=SideHeel(rise[:, 1], q[:, 1]))

    @classmethod
    def from_trace(cls, trace: Trace) -> HeelPixels | None:
        """The pixel heel measures stored in ``trace`` (``trace.heel_px``), or None when the
        trace has none (synthetic traces, traces written before this existed)."""
        arr = getattr(trace, "heel_px", None)
        return None if arr is None else cls.from_array(trace.t, arr)


@dataclass
class _Foot:
    """Tracking state of one foot (grey-image pixels)."""

    heel_pts: np.ndarray | None = None     # (k, 1, 2) float32
    fore_pts: np.ndarray | None = None
    seg: int = -1                          # current segment id, -1 when not tracking
    span0: float = float("nan")           # heel-forefoot distance when the segment began
    occluded: float = 1.0                 # quality factor for being behind the other leg


@dataclass
class _Record:
    """What one foot gave in one frame (NaN / -1 when unmeasured)."""

    heel: np.ndarray = field(default_factory=lambda: np.full(2, np.nan))
    fore: np.ndarray = field(default_factory=lambda: np.full(2, np.nan))
    seg: int = -1
    foot_px: float = float("nan")
    quality: float = 0.0


class HeelContactTracker:
    """Incremental pixel heel analysis, one frame at a time (call from the tracking loop).

    Parameters
    ----------
    width, height : int
        Source frame size in pixels (the size the trace records). Frames given to
        :meth:`update` may be a shrunk copy; only their aspect ratio must match.

    Notes
    -----
    Not thread-safe: one tracker per stream, ``update`` in time order. Per frame and foot:
    features (``cv2.goodFeaturesToTrack``) are seeded in two small discs on the heel and
    the forefoot, placed from the landmarks, and followed with pyramidal LK; a point whose
    backward flow misses its start by more than ``FB_MAX_FOOT`` foot lengths is dropped.
    A foot whose patches are lost, slide apart (not rigid), wander from the landmarks or
    lie under the other leg ends its segment and is seeded afresh.
    """

    def __init__(self, width: int, height: int):
        if not (int(width) > 0 and int(height) > 0):
            raise ValueError(f"width and height must be positive, got {width!r} x {height!r}")
        self.width, self.height = int(width), int(height)
        self._t: list[float] = []
        self._rec: dict[str, list[_Record]] = {s: [] for s in SIDES}
        self._feet = {s: _Foot() for s in SIDES}
        self._prev: np.ndarray | None = None
        self._next_seg = 0

    def update(self, frame: np.ndarray, t: float, pose_row: np.ndarray | None) -> None:
        """Add one frame.

        Parameters
        ----------
        frame : ndarray
            Grey (h, w) or RGB/BGR (h, w, 3) ``uint8`` image of this moment (only
            brightness is used; the frame is not kept, only a small grey copy).
        t : float
            Seconds (the trace's clock).
        pose_row : ndarray (33, 4) or None
            The frame's normalised landmarks (x, y, z, visibility); None or NaN when no
            person was found (the frame is then unmeasured and tracking restarts).
        """
        self._t.append(float(t))
        grey = _grey(frame)
        if self._prev is not None and self._prev.shape != grey.shape:
            self._prev = None                       # the stream changed size: start afresh
        row = None if pose_row is None else np.asarray(pose_row, float)
        occluded = _occlusion(row, grey.shape) if row is not None else {}
        for side in SIDES:
            foot = self._feet[side]
            rec = _Record()
            geo = _foot_geometry(row, side, grey.shape) if row is not None else None
            if geo is None:
                foot.seg = -1
            else:
                foot.occluded = occluded.get(side, 1.0)
                rec = self._step(foot, grey, geo)
            self._rec[side].append(rec)
        self._prev = grey

    def _step(self, foot: _Foot, grey: np.ndarray, geo: dict) -> _Record:
        """Follow (or seed) one foot in this frame; the record of what it gave."""
        L = geo["foot_px"]
        if foot.seg >= 0 and self._prev is not None:
            ok = _follow(foot, self._prev, grey, L)
            if ok and np.hypot(*(_median(foot.heel_pts) - geo["heel_seed"])) > DRIFT_MAX_FOOT * L:
                ok = False
            if not ok:
                foot.seg = -1
        q_track = 1.0
        if foot.seg < 0:
            q_track = _seed(foot, grey, geo)
            if q_track <= 0:
                return _Record(foot_px=L)
            foot.seg, self._next_seg = self._next_seg, self._next_seg + 1
            foot.span0 = float(np.hypot(*(_median(foot.heel_pts) - _median(foot.fore_pts))))
        else:
            q_track = _texture_quality(grey, np.vstack([foot.heel_pts, foot.fore_pts]))
        q = (q_track * geo["q_vis"] * _ramp(L, FOOT_PX_ZERO, FOOT_PX_FULL)
             * foot.occluded)
        return _Record(heel=_median(foot.heel_pts), fore=_median(foot.fore_pts), seg=foot.seg,
                       foot_px=L, quality=float(q))

    def result(self) -> HeelPixels:
        """Measures for every frame given so far (floor lines and flat levels are fitted
        over the whole stream, so call this at the end)."""
        t = np.asarray(self._t, float)
        sides = {}
        for side in SIDES:
            rise, q = _measure(self._rec[side])
            sides[side] = SideHeel(rise_frac=rise, quality=q)
        return HeelPixels(t=t, left=sides["left"], right=sides["right"])


# ----- per-frame helpers ----------------------------------------------------------------
def _grey(frame: np.ndarray) -> np.ndarray:
    """Shrunk grey copy (long side at most GREY_MAX_SIDE_PX) of a grey or colour frame."""
    img = np.asarray(frame)
    if img.dtype != np.uint8 or img.ndim not in (2, 3) or min(img.shape[:2]) < 8:
        raise ValueError("the frame must be a grey (h, w) or colour (h, w, 3) uint8 image")
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)      # grey first: 1/3 of the pixels
    h, w = img.shape[:2]
    s = GREY_MAX_SIDE_PX / max(h, w)
    if s < 1:
        img = cv2.resize(img, (max(1, round(w * s)), max(1, round(h * s))),
                         interpolation=cv2.INTER_LINEAR)
    return img


def _ramp(x: float, zero: float, full: float) -> float:
    """0 at ``zero``, 1 at ``full``, linear between (clipped)."""
    if not np.isfinite(x):
        return 0.0
    return float(np.clip((x - zero) / (full - zero), 0.0, 1.0))


def _median(pts: np.ndarray) -> np.ndarray:
    return np.median(pts.reshape(-1, 2), axis=0)


def _foot_geometry(row: np.ndarray, side: str, shape) -> dict | None:
    """Seeds, foot length and visibility quality of one foot from its landmarks (grey
    pixels), or None when the foot is not in the picture."""
    idx = SIDE_IDX[side]
    h, w = shape[:2]
    pts = {p: row[idx[p], :2] * (w, h) for p in ("knee", "ankle", "heel", "toe")}
    if not all(np.isfinite(v).all() for v in pts.values()):
        return None
    heel, toe, ankle = pts["heel"], pts["toe"], pts["ankle"]
    margin = 2
    if any(not (margin <= p[0] < w - margin and margin <= p[1] < h - margin) for p in (heel, toe)):
        return None
    foot = float(np.hypot(*(toe - heel)))
    shank = float(np.hypot(*(pts["knee"] - ankle)))
    if np.isfinite(shank) and foot < FORESHORTENED * FOOT_TO_SHANK * shank:
        foot = FOOT_TO_SHANK * shank              # foot seen end-on: the shank is the ruler
    if not foot > 1:
        return None
    vis = float(np.nanmin(row[[idx["heel"], idx["toe"], idx["ankle"]], 3]))
    up = ankle - heel
    return dict(heel_seed=heel + HEEL_SEED_UP * up,
                fore_seed=heel + FORE_SEED_ALONG * (toe - heel) + FORE_SEED_UP * up,
                foot_px=foot, q_vis=_ramp(vis, VIS_ZERO, VIS_FULL))


def _occlusion(row: np.ndarray, shape) -> dict[str, float]:
    """Quality factor per foot for being covered by the other leg: 1 when its patches are
    clear of the other side's shank and foot, falling to OCCLUDED_QUALITY when a patch
    centre lies on them, and only for the further foot (MediaPipe z)."""
    h, w = shape[:2]
    out = {}
    for side, other in (("left", "right"), ("right", "left")):
        a, b = SIDE_IDX[side], SIDE_IDX[other]
        z_me = np.nanmean(row[[a["heel"], a["toe"]], 2])
        z_other = np.nanmean(row[[b["heel"], b["toe"]], 2])
        out[side] = 1.0
        if not (np.isfinite(z_me) and np.isfinite(z_other)) or z_me < z_other + OCCLUDE_DZ:
            continue
        p = {k: row[i, :2] * (w, h) for k, i in ((f"{s}{part}", SIDE_IDX[s][part])
                                                  for s in (side, other)
                                                  for part in ("knee", "ankle", "heel", "toe"))}
        heel, toe, ankle = p[f"{side}heel"], p[f"{side}toe"], p[f"{side}ankle"]
        foot = float(np.hypot(*(toe - heel)))
        mine = [heel + HEEL_SEED_UP * (ankle - heel),
                heel + FORE_SEED_ALONG * (toe - heel) + FORE_SEED_UP * (ankle - heel)]
        segs = [(p[f"{other}knee"], p[f"{other}ankle"]), (p[f"{other}heel"], p[f"{other}toe"]),
                (p[f"{other}ankle"], p[f"{other}heel"])]
        near = min(_seg_dist(q, s0, s1) for q in mine for s0, s1 in segs)
        r = PATCH_RADIUS_FOOT * foot
        out[side] = max(_ramp(near, 0.5 * r, 1.5 * r), OCCLUDED_QUALITY)
    return out


def _seg_dist(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Distance from point p to segment a-b (NaN-safe: inf when undefined)."""
    d = b - a
    n2 = float(d @ d)
    if not np.isfinite(n2):
        return float("inf")
    u = 0.0 if n2 == 0 else float(np.clip((p - a) @ d / n2, 0, 1))
    v = float(np.hypot(*(p - (a + u * d))))
    return v if np.isfinite(v) else float("inf")


def _features(grey: np.ndarray, centre: np.ndarray, radius: float) -> np.ndarray | None:
    """Up to MAX_POINTS textured corners within ``radius`` of ``centre``, (k, 1, 2) float32."""
    h, w = grey.shape
    r = max(int(round(radius)), 3)
    cx, cy = int(round(centre[0])), int(round(centre[1]))
    x0, y0, x1, y1 = max(cx - r, 0), max(cy - r, 0), min(cx + r + 1, w), min(cy + r + 1, h)
    if x1 - x0 < 5 or y1 - y0 < 5:
        return None
    crop = grey[y0:y1, x0:x1]
    mask = np.zeros_like(crop)
    cv2.circle(mask, (cx - x0, cy - y0), r, 255, -1)
    pts = cv2.goodFeaturesToTrack(crop, MAX_POINTS, 0.05, 2, mask=mask, blockSize=5)
    if pts is None:
        return None
    pts = pts.astype(np.float32) + np.float32([x0, y0])
    eig = _min_eig(grey, pts)
    pts = pts[eig >= MIN_EIG]
    return pts if len(pts) >= MIN_POINTS else None


def _min_eig(grey: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Smallest structure-tensor eigenvalue (block 5) at each point (a texture measure)."""
    h, w = grey.shape
    xy = np.round(pts.reshape(-1, 2)).astype(int)
    x0, y0 = np.maximum(xy.min(0) - 4, 0)
    x1, y1 = np.minimum(xy.max(0) + 5, (w, h))
    eig = cv2.cornerMinEigenVal(np.ascontiguousarray(grey[y0:y1, x0:x1]), 5)
    xs = np.clip(xy[:, 0] - x0, 0, eig.shape[1] - 1)
    ys = np.clip(xy[:, 1] - y0, 0, eig.shape[0] - 1)
    return eig[ys, xs]


def _texture_quality(grey: np.ndarray, pts: np.ndarray) -> float:
    return _ramp(float(np.median(_min_eig(grey, pts))), MIN_EIG, GOOD_EIG)


def _seed(foot: _Foot, grey: np.ndarray, geo: dict) -> float:
    """Start a segment: features on the heel and forefoot; texture quality (0 = failed)."""
    r = PATCH_RADIUS_FOOT * geo["foot_px"]
    heel = _features(grey, geo["heel_seed"], r)
    fore = _features(grey, geo["fore_seed"], r)
    if heel is None or fore is None:
        return 0.0
    foot.heel_pts, foot.fore_pts = heel, fore
    return _texture_quality(grey, np.vstack([heel, fore]))


def _follow(foot: _Foot, prev: np.ndarray, grey: np.ndarray, L: float) -> bool:
    """Move the foot's features from ``prev`` to ``grey`` (LK with a forward-backward check);
    False when a patch is lost or the two patches no longer move as one rigid foot."""
    k = len(foot.heel_pts)
    pts = np.vstack([foot.heel_pts, foot.fore_pts]).astype(np.float32)
    lk = dict(winSize=(LK_WIN_PX, LK_WIN_PX), maxLevel=LK_LEVELS,
              criteria=(cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 0.03))
    h, w = grey.shape
    m = LK_MARGIN_PX + 0.5 * L
    lo = np.maximum(np.floor(pts.reshape(-1, 2).min(0) - m), 0).astype(int)
    hi = np.minimum(np.ceil(pts.reshape(-1, 2).max(0) + m), (w, h)).astype(int)
    a, b = prev[lo[1]:hi[1], lo[0]:hi[0]], grey[lo[1]:hi[1], lo[0]:hi[0]]
    off = lo.astype(np.float32)
    local = pts - off
    nxt, st, _ = cv2.calcOpticalFlowPyrLK(a, b, local, None, **lk)
    back, st2, _ = cv2.calcOpticalFlowPyrLK(b, a, nxt, None, **lk)
    fb = np.linalg.norm((back - local).reshape(-1, 2), axis=1)
    nxt = nxt + off
    good = (st.ravel() == 1) & (st2.ravel() == 1) & (fb < max(FB_MAX_FOOT * L, FB_MIN_PX))
    gh, gf = good[:k], good[k:]
    if gh.sum() < MIN_POINTS or gf.sum() < MIN_POINTS:
        return False
    foot.heel_pts, foot.fore_pts = nxt[:k][gh], nxt[k:][gf]
    span = float(np.hypot(*(_median(foot.heel_pts) - _median(foot.fore_pts))))
    return abs(span - foot.span0) <= RIGID_TOL_FOOT * L


# ----- floor line and rise ----------------------------------------------------------------
def _measure(recs: list[_Record]) -> tuple[np.ndarray, np.ndarray]:
    """(rise_frac, quality) per frame from one foot's records, segment by segment."""
    n = len(recs)
    rise, q = np.full(n, np.nan), np.zeros(n)
    seg = np.array([r.seg for r in recs], int)
    for s in np.unique(seg[seg >= 0]):
        idx = np.flatnonzero(seg == s)
        r, qq = _segment_rise(np.array([recs[i].heel for i in idx]),
                              np.array([recs[i].fore for i in idx]),
                              np.array([recs[i].foot_px for i in idx]),
                              np.array([recs[i].quality for i in idx]))
        rise[idx], q[idx] = r, qq
    bad = ~np.isfinite(rise) | (rise > MAX_RISE_FRAC)
    rise[bad], q[bad] = np.nan, 0.0
    return rise, q


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
    rel = (fore[:, 1] - heel[:, 1]) / L
    low = rel - np.percentile(rel, 10) <= FLAT_RISE     # heel as low as it gets: flat
    run = _still_runs(fore, L)
    abs_rise = np.full(len(heel), np.nan)
    for k in np.unique(run[run >= 0]):
        sel = run == k
        if (sel & low).sum() >= MIN_FLAT_FRAMES:        # this run shows the foot flat
            abs_rise[sel] = (np.percentile(heel[sel & low, 1], 50) - heel[sel, 1]) / L
    flat = low & (np.abs(abs_rise) <= FLAT_RISE)
    has_floor = flat.sum() >= MIN_FLAT_FRAMES
    rel0 = np.median(rel[flat]) if has_floor else np.percentile(rel, 10)
    rel_rise = rel - rel0
    rise = np.where(np.isfinite(abs_rise), np.fmin(rel_rise, abs_rise), rel_rise)
    # the heel patch sits nearer the ball than the heel's back: scale by the lever
    span = float(np.median(np.hypot(*(heel - fore)[flat if has_floor else low].T)))
    rise = rise * float(np.clip(BALL_FRAC * L / max(span, 1e-9), 1.0, MAX_LEVER))
    q = quality * (1.0 if has_floor else NO_FLOOR_QUALITY) * _ramp(span / L, SPAN_ZERO, SPAN_FULL)
    q = np.where(rise < -BELOW_FLOOR_FRAC, 0.0, q)
    return np.maximum(rise, 0.0), q


def heel_pixels_from_video(path: str | os.PathLike, trace: Trace, *,
                           max_frames: int | None = None) -> HeelPixels:
    """Second pass over a video a trace was tracked from (traces tracked earlier).

    Frames are matched to trace rows by time (nearest frame within half a frame interval;
    rows with no frame stay unmeasured). Raises :class:`vision.pose.video.VideoError` when
    the file cannot be read; a video whose size does not match the trace's aspect ratio
    raises ``ValueError`` (it is not the clip the trace came from).
    """
    from vision.pose.video import open_video
    with open_video(path) as video:
        if video.height and trace.height and abs(video.width / video.height - trace.aspect) > 0.02:
            raise ValueError(f"{os.path.basename(os.fspath(path))} is {video.width}x{video.height}"
                             f", the trace was made from a {trace.width}x{trace.height} video")
        tracker = HeelContactTracker(trace.width, trace.height)
        half = 0.5 / trace.fps
        j, n = 0, len(trace)
        for i, (t, frame) in enumerate(video):
            if j >= n or (max_frames is not None and i >= max_frames):
                break
            while j < n - 1 and trace.t[j] < t - half:
                j += 1
            if abs(trace.t[j] - t) <= half:
                tracker.update(frame, float(trace.t[j]), trace.pose[j])
                j += 1
    return tracker.result().resample(trace.t)
