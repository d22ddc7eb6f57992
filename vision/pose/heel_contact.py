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
from dataclasses import dataclass

import numpy as np

from vision.pose.trace import Trace

SIDES = ("left", "right")
MIN_QUALITY = 0.3             # frames below this quality count as unmeasured
MAX_RISE_FRAC = 0.6           # foot lengths: a heel cannot rise more than this (full tiptoe)
GREY_MAX_SIDE_PX = 640        # long side of the grey copy the flow runs on


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

    @classmethod
    def from_trace(cls, trace: Trace) -> HeelPixels | None:
        """The pixel heel measures stored in ``trace`` (``trace.heel_px``), or None when the
        trace has none (synthetic traces, traces written before this existed)."""
        arr = getattr(trace, "heel_px", None)
        return None if arr is None else cls.from_array(trace.t, arr)


class HeelContactTracker:
    """Incremental pixel heel analysis, one frame at a time (call from the tracking loop).

    Parameters
    ----------
    width, height : int
        Source frame size in pixels (the size the trace records). Frames given to
        :meth:`update` may be a shrunk copy; only their aspect ratio must match.

    Notes
    -----
    Not thread-safe: one tracker per stream, ``update`` in time order.
    """

    def __init__(self, width: int, height: int):
        if not (int(width) > 0 and int(height) > 0):
            raise ValueError(f"width and height must be positive, got {width!r} x {height!r}")
        self.width, self.height = int(width), int(height)
        self._t: list[float] = []

    def update(self, frame: np.ndarray, t: float, pose_row: np.ndarray | None) -> None:
        """Add one frame.

        Parameters
        ----------
        frame : ndarray
            Grey (h, w) or RGB (h, w, 3) ``uint8`` image of this moment (not kept; only a
            small grey copy is).
        t : float
            Seconds (the trace's clock).
        pose_row : ndarray (33, 4) or None
            The frame's normalised landmarks (x, y, z, visibility); None or NaN when no
            person was found (the frame is then unmeasured and tracking restarts).
        """
        raise NotImplementedError

    def result(self) -> HeelPixels:
        """Measures for every frame given so far (floor lines and flat levels are fitted
        over the whole stream, so call this at the end)."""
        raise NotImplementedError


def heel_pixels_from_video(path: str | os.PathLike, trace: Trace, *,
                           max_frames: int | None = None) -> HeelPixels:
    """Second pass over a video a trace was tracked from (traces tracked earlier).

    Frames are matched to trace rows by time (nearest frame within half a frame interval;
    rows with no frame stay unmeasured). Raises :class:`vision.pose.video.VideoError` when
    the file cannot be read; a video whose size does not match the trace's aspect ratio
    raises ``ValueError`` (it is not the clip the trace came from).
    """
    raise NotImplementedError
