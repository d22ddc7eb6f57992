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
A grey crop around the feet (the whole frame is never converted) and one forward-backward
LK call on a few dozen points a frame: about 2 ms a frame, under 10 % of the pose model's
time (``bench/accuracy_real_clips.py`` prints both). The floor line and the rise are
fitted at the end (:mod:`vision.pose.heel_floor`).

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

from vision.pose.heel_floor import MAX_RISE_FRAC, measure_rise
from vision.pose.posture import FOOT_TO_SHANK
from vision.pose.trace import SIDE_IDX, Trace

SIDES = ("left", "right")
MIN_QUALITY = 0.3             # frames below this quality count as unmeasured
GREY_MAX_SIDE_PX = 960        # frames larger than this are shrunk (crop only) for the flow
CROP_MARGIN_PX = 40           # grey crop: this far around the feet (+ half a foot length)
# seeding: where the patches sit on the foot (fractions of landmark vectors)
HEEL_SEED_UP = 0.3            # heel patch: this far from the heel landmark towards the ankle
FORE_SEED_ALONG = 0.7         # forefoot patch: this far from heel to foot index ...
FORE_SEED_UP = 0.12           # ... and this far up towards the ankle (onto the foot)
PATCH_RADIUS_FOOT = 0.18      # feature search radius around a seed, foot lengths
MAX_POINTS = 10               # features per patch (LK cost grows with the count)
MIN_POINTS = 3                # fewer good features: the patch is lost
MIN_EIG = 5e-5                # cornerMinEigenVal (block 5, 8-bit grey): below = no texture
GOOD_EIG = 4e-4               # ... at or above this the texture is fully trusted
# tracking checks
FB_MAX_FOOT = 0.04            # forward-backward error that rejects a point, foot lengths
FB_MIN_PX = 0.7               # ... never stricter than this many grey pixels
RIGID_TOL_FOOT = 0.15         # heel-forefoot distance may change this much (foot lengths)
DRIFT_MAX_FOOT = 0.6          # tracked heel this far from the landmark heel: re-seed
CAMERA_MOVE_FOOT = 0.012      # all patches moving alike by this much a frame: camera moved
CAMERA_MOVE_SPREAD = 0.2      # ... each within this share of the mean motion (a heel that
                              # rises moves more than its forefoot: not a camera move)
LK_WIN_PX = 15
LK_LEVELS = 2
# quality factors
VIS_ZERO, VIS_FULL = 0.3, 0.8      # landmark visibility mapped linearly to 0..1 quality
FOOT_PX_ZERO, FOOT_PX_FULL = 10.0, 28.0   # foot length in grey pixels mapped to 0..1
OCCLUDED_QUALITY = 0.1        # factor for a foot covered by the other leg
OCCLUDE_DZ = 0.05             # MediaPipe z: the foot this much further away is behind
FORESHORTENED = 0.7           # foot shorter than this x FOOT_TO_SHANK x shank: foreshortened
FOOT_LANDMARKS = (27, 28, 29, 30, 31, 32)   # ankles, heels, foot indices (BlazePose)


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

    heel_pts: np.ndarray | None = None     # (k, 2) float32, full grey-image pixels
    fore_pts: np.ndarray | None = None
    seg: int = -1                          # current segment id, -1 when not tracking
    span0: float = float("nan")           # heel-forefoot distance when the segment began
    texture: float = 0.0                   # texture quality when seeded
    occluded: float = 1.0                  # quality factor for being behind the other leg


@dataclass
class _Record:
    """What one foot gave in one frame (NaN / -1 when unmeasured)."""

    heel: np.ndarray = field(default_factory=lambda: np.full(2, np.nan))
    fore: np.ndarray = field(default_factory=lambda: np.full(2, np.nan))
    seg: int = -1
    foot_px: float = float("nan")
    quality: float = 0.0


@dataclass(frozen=True)
class _View:
    """A grey crop of one frame: ``img`` holds full-grey-image pixels from (x0, y0)."""

    img: np.ndarray
    x0: int
    y0: int
    shape: tuple[int, int]                 # (h, w) of the full grey image

    def rect(self) -> tuple[int, int, int, int]:
        return self.x0, self.y0, self.x0 + self.img.shape[1], self.y0 + self.img.shape[0]

    def sub(self, r: tuple[int, int, int, int]) -> np.ndarray:
        """The part of ``img`` inside rectangle ``r`` (full-image pixels, within the crop)."""
        return self.img[r[1] - self.y0:r[3] - self.y0, r[0] - self.x0:r[2] - self.x0]


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
    A foot whose patches are lost, slide apart (not rigid) or wander from the landmarks
    ends its segment and is seeded afresh; so do both feet when the camera moves.
    """

    def __init__(self, width: int, height: int):
        if not (int(width) > 0 and int(height) > 0):
            raise ValueError(f"width and height must be positive, got {width!r} x {height!r}")
        self.width, self.height = int(width), int(height)
        self._t: list[float] = []
        self._rec: dict[str, list[_Record]] = {s: [] for s in SIDES}
        self._feet = {s: _Foot() for s in SIDES}
        self._prev: _View | None = None
        self._next_seg = 0

    def update(self, frame: np.ndarray, t: float, pose_row: np.ndarray | None) -> None:
        """Add one frame.

        Parameters
        ----------
        frame : ndarray
            Grey (h, w) or RGB/BGR (h, w, 3) ``uint8`` image of this moment (only
            brightness is used; the frame is not kept, only a small grey crop).
        t : float
            Seconds (the trace's clock).
        pose_row : ndarray (33, 4) or None
            The frame's normalised landmarks (x, y, z, visibility); None or NaN when no
            person was found (the frame is then unmeasured and tracking restarts).
        """
        _check_frame(frame)
        self._t.append(float(t))
        row = None if pose_row is None else np.asarray(pose_row, float)
        active = [f for f in self._feet.values() if f.seg >= 0]
        view = (_grey_view(frame, row, [f.heel_pts for f in active] + [f.fore_pts for f in active],
                           self._prev) if row is not None else None)
        if view is None or (self._prev is not None and self._prev.shape != view.shape):
            self._prev = None                       # nobody, or the stream changed size
        geos = {s: _foot_geometry(row, s, view.shape) if view is not None else None for s in SIDES}
        occluded = _occlusion(row, view.shape) if view is not None else {}
        follow = [s for s in SIDES if geos[s] is not None and self._feet[s].seg >= 0]
        moved = (_follow([self._feet[s] for s in follow], [geos[s]["foot_px"] for s in follow],
                         self._prev, view) if follow and self._prev is not None else [])
        ok = dict(zip(follow, moved, strict=False))
        for side in SIDES:
            foot = self._feet[side]
            if geos[side] is None:
                foot.seg = -1
                self._rec[side].append(_Record())
                continue
            if foot.seg >= 0 and not ok.get(side, False):
                foot.seg = -1
            foot.occluded = occluded.get(side, 1.0)
            self._rec[side].append(self._step(foot, view, geos[side]))
        if self._camera_moved():
            for side in SIDES:                      # the floor line moved: start afresh
                self._feet[side].seg = -1
                self._rec[side][-1] = _Record(foot_px=self._rec[side][-1].foot_px)
        self._prev = view

    def _camera_moved(self) -> bool:
        """True when all four patches (both feet) moved since the last frame by more than
        CAMERA_MOVE_FOOT foot lengths and by nearly the same vector (CAMERA_MOVE_SPREAD):
        the camera panned or zoomed; the feet did not move."""
        if len(self._rec["left"]) < 2:
            return False
        now = [self._rec[s][-1] for s in SIDES]
        before = [self._rec[s][-2] for s in SIDES]
        if any(r.seg < 0 or b.seg != r.seg for b, r in zip(before, now, strict=True)):
            return False
        d = np.array([r.heel - b.heel for b, r in zip(before, now, strict=True)]
                     + [r.fore - b.fore for b, r in zip(before, now, strict=True)])
        mag = np.hypot(d[:, 0], d[:, 1])
        if not np.all(mag > CAMERA_MOVE_FOOT * min(r.foot_px for r in now)):
            return False
        mean = d.mean(axis=0)
        return bool(np.all(np.hypot(*(d - mean).T) <= CAMERA_MOVE_SPREAD * np.hypot(*mean)))

    def _step(self, foot: _Foot, view: _View, geo: dict) -> _Record:
        """Check (or seed) one foot after the flow; the record of what it gave."""
        L = geo["foot_px"]
        if foot.seg >= 0 and np.hypot(*(_centre(foot.heel_pts) - geo["heel_seed"])) > DRIFT_MAX_FOOT * L:
            foot.seg = -1                           # slid off the heel: start afresh
        if foot.seg < 0:
            if not _seed(foot, view, geo):
                return _Record(foot_px=L)
            foot.seg, self._next_seg = self._next_seg, self._next_seg + 1
            foot.span0 = float(np.hypot(*(_centre(foot.heel_pts) - _centre(foot.fore_pts))))
        q = foot.texture * geo["q_vis"] * _ramp(L, FOOT_PX_ZERO, FOOT_PX_FULL) * foot.occluded
        return _Record(heel=_centre(foot.heel_pts), fore=_centre(foot.fore_pts), seg=foot.seg,
                       foot_px=L, quality=float(q))

    def result(self) -> HeelPixels:
        """Measures for every frame given so far (floor lines and flat levels are fitted
        over the whole stream, so call this at the end)."""
        t = np.asarray(self._t, float)
        sides = {}
        for side in SIDES:
            recs = self._rec[side]
            n = len(recs)
            rise, q = measure_rise(np.array([r.heel for r in recs]).reshape(n, 2),
                                   np.array([r.fore for r in recs]).reshape(n, 2),
                                   np.array([r.foot_px for r in recs], float),
                                   np.array([r.quality for r in recs], float),
                                   np.array([r.seg for r in recs], int))
            sides[side] = SideHeel(rise_frac=rise, quality=q)
        return HeelPixels(t=t, left=sides["left"], right=sides["right"])


# ----- per-frame helpers ----------------------------------------------------------------
def _check_frame(frame) -> None:
    img = np.asarray(frame)
    if img.dtype != np.uint8 or img.ndim not in (2, 3) or min(img.shape[:2]) < 8 \
            or (img.ndim == 3 and img.shape[2] != 3):
        raise ValueError("the frame must be a grey (h, w) or colour (h, w, 3) uint8 image")


def _grey_view(frame: np.ndarray, row: np.ndarray, tracked: list[np.ndarray],
               prev: _View | None) -> _View | None:
    """Grey crop around the feet (and the points being tracked), in the pixels of the frame
    shrunk to GREY_MAX_SIDE_PX; None when no foot landmark is known. The previous crop's
    rectangle is kept while the feet stay well inside it (the flow then needs no copies)."""
    h, w = frame.shape[:2]
    s = min(1.0, GREY_MAX_SIDE_PX / max(h, w))
    gh, gw = max(1, round(h * s)), max(1, round(w * s))
    feet = row[list(FOOT_LANDMARKS), :2] * (gw, gh)
    foot = np.nanmax(np.hypot(*(feet[4:6] - feet[2:4]).T)) if np.isfinite(feet[2:]).any() else 0.0
    pts = feet[np.isfinite(feet).all(axis=1)]
    if not len(pts):
        return None
    pts = np.vstack([pts] + [p.reshape(-1, 2) for p in tracked])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    m = CROP_MARGIN_PX + 0.5 * min(float(foot) if np.isfinite(foot) else 0.0, max(gh, gw) / 4)
    need = (max(int(lo[0] - m), 0), max(int(lo[1] - m), 0),
            int(min(np.ceil(hi[0] + m), gw)), int(min(np.ceil(hi[1] + m), gh)))
    if need[2] - need[0] < 2 * LK_WIN_PX or need[3] - need[1] < 2 * LK_WIN_PX:
        return None
    if prev is not None and prev.shape == (gh, gw):
        r, k = prev.rect(), CROP_MARGIN_PX // 2
        if r[0] <= need[0] + k and r[1] <= need[1] + k and r[2] >= need[2] - k and r[3] >= need[3] - k:
            need = r                                # feet still inside: same rectangle
    x0, y0, x1, y1 = need
    crop = frame[int(y0 / s):int(np.ceil(y1 / s)), int(x0 / s):int(np.ceil(x1 / s))]
    if crop.ndim == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    if s < 1:
        crop = cv2.resize(crop, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)
    return _View(np.ascontiguousarray(crop[:y1 - y0, :x1 - x0]), x0, y0, (gh, gw))


def _ramp(x: float, zero: float, full: float) -> float:
    """0 at ``zero``, 1 at ``full``, linear between (clipped; 0 for NaN)."""
    if not np.isfinite(x):
        return 0.0
    return float(np.clip((x - zero) / (full - zero), 0.0, 1.0))


def _centre(pts: np.ndarray) -> np.ndarray:
    """Median of (k, 2) points (robust to a stray feature)."""
    return np.median(pts, axis=0)


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


def _features(view: _View, centre: np.ndarray, radius: float) -> tuple[np.ndarray, float] | None:
    """Up to MAX_POINTS textured corners within ``radius`` of ``centre`` (full-image
    pixels) as (k, 2) float32, and their texture quality 0..1; None when fewer than
    MIN_POINTS are textured."""
    r = max(int(round(radius)), 3)
    cx, cy = int(round(centre[0])), int(round(centre[1]))
    X0, Y0, X1, Y1 = view.rect()
    rect = (max(cx - r, X0), max(cy - r, Y0), min(cx + r + 1, X1), min(cy + r + 1, Y1))
    if rect[2] - rect[0] < 5 or rect[3] - rect[1] < 5:
        return None
    crop = view.sub(rect)
    mask = np.zeros_like(crop)
    cv2.circle(mask, (cx - rect[0], cy - rect[1]), r, 255, -1)
    pts = cv2.goodFeaturesToTrack(crop, MAX_POINTS, 0.05, 2, mask=mask, blockSize=5)
    if pts is None:
        return None
    pts = pts.reshape(-1, 2).astype(np.float32)
    eig = cv2.cornerMinEigenVal(np.ascontiguousarray(crop), 5)
    xy = np.clip(np.round(pts).astype(int), 0, (crop.shape[1] - 1, crop.shape[0] - 1))
    keep = eig[xy[:, 1], xy[:, 0]] >= MIN_EIG
    if keep.sum() < MIN_POINTS:
        return None
    texture = _ramp(float(np.median(eig[xy[keep, 1], xy[keep, 0]])), MIN_EIG, GOOD_EIG)
    return pts[keep] + np.float32([rect[0], rect[1]]), texture


def _seed(foot: _Foot, view: _View, geo: dict) -> bool:
    """Start a segment: features on the heel and the forefoot (False when either patch
    has too little texture)."""
    r = PATCH_RADIUS_FOOT * geo["foot_px"]
    heel = _features(view, geo["heel_seed"], r)
    fore = _features(view, geo["fore_seed"], r)
    if heel is None or fore is None:
        return False
    (foot.heel_pts, tex_heel), (foot.fore_pts, tex_fore) = heel, fore
    foot.texture = min(tex_heel, tex_fore)
    return True


def _follow(feet: list[_Foot], foot_px: list[float], prev: _View, view: _View) -> list[bool]:
    """Move every foot's features from ``prev`` to ``view`` in one LK call with a
    forward-backward check; per foot False when a patch is lost or the two patches no
    longer move as one rigid foot."""
    sizes = [(len(f.heel_pts), len(f.fore_pts)) for f in feet]
    pts = np.vstack([p for f in feet for p in (f.heel_pts, f.fore_pts)]).astype(np.float32)
    a, b = prev.rect(), view.rect()
    if a == b:                                      # same crop: no copies
        off, p0, p1 = np.float32(a[:2]), prev.img, view.img
    else:
        r = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
        if r[2] - r[0] < 2 * LK_WIN_PX or r[3] - r[1] < 2 * LK_WIN_PX:
            return [False] * len(feet)
        off = np.float32(r[:2])
        p0, p1 = np.ascontiguousarray(prev.sub(r)), np.ascontiguousarray(view.sub(r))
    local = (pts - off).reshape(-1, 1, 2)
    lk = dict(winSize=(LK_WIN_PX, LK_WIN_PX), maxLevel=LK_LEVELS,
              criteria=(cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 0.03))
    nxt, st, _ = cv2.calcOpticalFlowPyrLK(p0, p1, local, None, **lk)
    back, st2, _ = cv2.calcOpticalFlowPyrLK(p1, p0, nxt, None, **lk)
    fb = np.hypot(*(back - local).reshape(-1, 2).T)
    nxt = nxt.reshape(-1, 2) + off
    ok, i = [], 0
    for foot, (kh, kf), L in zip(feet, sizes, foot_px, strict=True):
        sl = slice(i, i + kh + kf)
        i += kh + kf
        good = (st.ravel()[sl] == 1) & (st2.ravel()[sl] == 1) & (fb[sl] < max(FB_MAX_FOOT * L, FB_MIN_PX))
        gh, gf = good[:kh], good[kh:]
        if gh.sum() < MIN_POINTS or gf.sum() < MIN_POINTS:
            ok.append(False)
            continue
        foot.heel_pts, foot.fore_pts = nxt[sl][:kh][gh], nxt[sl][kh:][gf]
        span = float(np.hypot(*(_centre(foot.heel_pts) - _centre(foot.fore_pts))))
        ok.append(abs(span - foot.span0) <= RIGID_TOL_FOOT * L)
    return ok


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
