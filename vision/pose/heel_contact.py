"""Heel contact measured in the image: how high each heel is above the floor, from pixels.

Landmark geometry alone says a heel rises when the tracker's heel point moves, and the
tracker's heel point moves when the foot is partly hidden or the knee travels forward. This
module looks at the pixels instead: it follows small textured patches on the heel and on the
forefoot with pyramidal Lucas-Kanade optical flow (``cv2.calcOpticalFlowPyrLK``, with a
forward-backward check; :mod:`vision.pose.heel_patches`) and measures how far the heel patch
rises above the floor line the forefoot stands on (:mod:`vision.pose.heel_floor`).

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
- Views: from the side and front-oblique the forefoot patch sits on the ball of the foot.
  From behind (or wherever the forefoot is hidden) the "forefoot" patch lands on the ankle
  and rises with the heel; such segments measure nothing (quality 0) and the landmarks
  decide alone, with the capped confidence of :mod:`vision.exercises.heel_evidence`.
  Walking feet are rarely measured: a stance is too short for a floor line of its own.

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

import numpy as np

from vision.pose import heel_patches as P
from vision.pose.heel_floor import FloorTrack, measure_rise, ramp
from vision.pose.trace import Trace

SIDES = ("left", "right")
MIN_QUALITY = 0.3             # frames below this quality count as unmeasured
CAMERA_MOVE_FOOT = 0.012      # all patches moving alike by this much a frame: camera moved
CAMERA_MOVE_SPREAD = 0.2      # ... each within this share of the mean motion (a heel that
                              # rises moves more than its forefoot: not a camera move)
DRIFT_MAX_FOOT = 0.6          # tracked heel this far from the landmark heel: re-seed
FOOT_PX_ZERO, FOOT_PX_FULL = 10.0, 28.0   # foot length in grey pixels mapped to 0..1 quality


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
class _Record:
    """What one foot gave in one frame (NaN / -1 when unmeasured)."""

    heel: np.ndarray = field(default_factory=lambda: np.full(2, np.nan))
    fore: np.ndarray = field(default_factory=lambda: np.full(2, np.nan))
    seg: int = -1
    foot_px: float = float("nan")
    quality: float = 0.0
    heel_floor: np.ndarray = field(default_factory=lambda: np.full(2, np.nan))  # floor frame
    floor_seg: int = -1
    floor_scale: float = float("nan")


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
        self._feet = {s: P.Foot() for s in SIDES}
        self._prev: P.View | None = None
        self._next_seg = 0
        self._floor = P.Floor()
        self._next_floor = 0

    def update(self, frame: np.ndarray, t: float, pose_row: np.ndarray | None, *,
               new_shot: bool = False) -> None:
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
        new_shot : bool
            The frame starts a new shot (a scene cut, :mod:`vision.pose.shots`): the heel,
            forefoot and floor patches are seeded afresh on it, never followed across the
            cut, so no measure of this shot leans on the floor line of another.
        """
        _check_frame(frame)
        if new_shot:
            self.restart()
        self._t.append(float(t))
        row = None if pose_row is None else np.asarray(pose_row, float)
        active = [f for f in self._feet.values() if f.seg >= 0]
        view = (P.grey_view(frame, row, [f.heel_pts for f in active] + [f.fore_pts for f in active],
                           self._prev) if row is not None else None)
        if view is None or (self._prev is not None and self._prev.shape != view.shape):
            self._prev = None                       # nobody, or the stream changed size
        geos = {s: P.foot_geometry(row, s, view.shape) if view is not None else None for s in SIDES}
        occluded = P.occlusion(row, view.shape) if view is not None else {}
        follow = [s for s in SIDES if geos[s] is not None and self._feet[s].seg >= 0]
        moved, floor_ok = (P.follow([self._feet[s] for s in follow],
                                    [geos[s]["foot_px"] for s in follow], self._prev, view,
                                    self._floor)
                           if follow and self._prev is not None else ([], None))
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
        self._track_floor(view, row, geos, floor_ok)
        self._prev = view

    def restart(self) -> None:
        """Forget the patches being followed (feet and floor): the next frame seeds afresh
        and starts new segments (the frames given so far keep their records)."""
        for foot in self._feet.values():
            foot.seg = -1
        self._floor.seg = -1
        self._prev = None

    def _track_floor(self, view, row, geos, followed: bool | None) -> None:
        """Follow the floor around the feet (camera motion; ``followed`` is the result when
        the feet's LK call already moved the floor points, None when it did not run) and
        note each tracked heel in the floor frame (:func:`vision.pose.heel_floor.measure_rise`)."""
        fl = self._floor
        if view is None:
            fl.seg = -1
            return
        if followed is None and fl.seg >= 0:
            followed = self._prev is not None and P.floor_follow(fl, self._prev, view)
        if fl.seg >= 0 and not followed:
            fl.seg = -1
        feet_px = [g["foot_px"] for g in geos.values() if g is not None]
        if (fl.seg < 0 or fl.pts is None or len(fl.pts) < P.FLOOR_MIN_POINTS) and feet_px:
            new = P.floor_seed(view, row, max(feet_px))
            if new is not None:
                if fl.seg < 0:
                    fl.seg, self._next_floor = self._next_floor, self._next_floor + 1
                    fl.M = np.float64([[1, 0, 0], [0, 1, 0]])
                    fl.pts = new
                else:
                    fl.pts = np.vstack([fl.pts, new])[:2 * P.FLOOR_MAX_POINTS]
        if fl.seg < 0:
            return
        for side in SIDES:
            rec = self._rec[side][-1]
            if rec.seg >= 0:
                rec.heel_floor = fl.to_floor(rec.heel)
                rec.floor_seg, rec.floor_scale = fl.seg, fl.scale

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

    def _step(self, foot: P.Foot, view: P.View, geo: dict) -> _Record:
        """Check (or seed) one foot after the flow; the record of what it gave."""
        L = geo["foot_px"]
        if foot.seg >= 0 and np.hypot(*(P.centre(foot.heel_pts) - geo["heel_seed"])) > DRIFT_MAX_FOOT * L:
            foot.seg = -1                           # slid off the heel: start afresh
        if foot.seg < 0:
            if not P.seed(foot, view, geo):
                return _Record(foot_px=L)
            foot.seg, self._next_seg = self._next_seg, self._next_seg + 1
            foot.span0 = float(np.hypot(*(P.centre(foot.heel_pts) - P.centre(foot.fore_pts))))
        q = foot.texture * geo["q_vis"] * ramp(L, FOOT_PX_ZERO, FOOT_PX_FULL) * foot.occluded
        return _Record(heel=P.centre(foot.heel_pts), fore=P.centre(foot.fore_pts), seg=foot.seg,
                       foot_px=L, quality=float(q))

    def result(self) -> HeelPixels:
        """Measures for every frame given so far (floor lines and flat levels are fitted
        over the whole stream, so call this at the end)."""
        t = np.asarray(self._t, float)
        sides = {}
        for side in SIDES:
            recs = self._rec[side]
            n = len(recs)
            floor = FloorTrack(np.array([r.heel_floor for r in recs]).reshape(n, 2),
                               np.array([r.floor_seg for r in recs], int),
                               np.array([r.floor_scale for r in recs], float))
            rise, q = measure_rise(np.array([r.heel for r in recs]).reshape(n, 2),
                                   np.array([r.fore for r in recs]).reshape(n, 2),
                                   np.array([r.foot_px for r in recs], float),
                                   np.array([r.quality for r in recs], float),
                                   np.array([r.seg for r in recs], int), floor=floor)
            sides[side] = SideHeel(rise_frac=rise, quality=q)
        return HeelPixels(t=t, left=sides["left"], right=sides["right"])


# ----- helpers ----------------------------------------------------------------------------
def _check_frame(frame) -> None:
    img = np.asarray(frame)
    if img.dtype != np.uint8 or img.ndim not in (2, 3) or min(img.shape[:2]) < 8 \
            or (img.ndim == 3 and img.shape[2] != 3):
        raise ValueError("the frame must be a grey (h, w) or colour (h, w, 3) uint8 image")


def heel_pixels_from_video(path: str | os.PathLike, trace: Trace, *,
                           max_frames: int | None = None) -> HeelPixels:
    """Second pass over a video a trace was tracked from (traces tracked earlier).

    Frames are matched to trace rows by time (nearest frame within half a frame interval;
    rows with no frame stay unmeasured). Scene cuts are found again on the frames
    (:class:`vision.pose.shots.ShotDetector`) and start the patches afresh, as in
    ``footcoach track``. Raises :class:`vision.pose.video.VideoError` when
    the file cannot be read; a video whose size does not match the trace's aspect ratio
    raises ``ValueError`` (it is not the clip the trace came from).
    """
    from vision.pose.shots import ShotDetector
    from vision.pose.video import open_video
    shots = ShotDetector()
    with open_video(path) as video:
        if video.height and trace.height and abs(video.width / video.height - trace.aspect) > 0.02:
            raise ValueError(f"{os.path.basename(os.fspath(path))} is {video.width}x{video.height}"
                             f", the trace was made from a {trace.width}x{trace.height} video")
        tracker = HeelContactTracker(trace.width, trace.height)
        half = 0.5 / trace.fps
        j, n = 0, len(trace)
        cut = False
        for i, (t, frame) in enumerate(video):
            if j >= n or (max_frames is not None and i >= max_frames):
                break
            cut |= shots.update(frame)      # BGR frames serve as well (ShotDetector.change)
            while j < n - 1 and trace.t[j] < t - half:
                j += 1
            if abs(trace.t[j] - t) <= half:
                tracker.update(frame, float(trace.t[j]), trace.pose[j], new_shot=cut)
                cut = False
                j += 1
    return tracker.result().resample(trace.t)
