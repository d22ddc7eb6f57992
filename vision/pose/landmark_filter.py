"""Temporal smoothing of pose landmarks, as the legacy MediaPipe Pose graph did it.

The legacy ``solutions.pose`` graph smoothed its output (``smooth_landmarks=True``); the Tasks
``PoseLandmarker`` returns each frame's raw landmarks. To keep traces, thresholds and
verdicts meaning what they meant, :class:`LandmarkSmoother` applies the same two filters:

- visibility: a low-pass filter, ``v <- VIS_ALPHA * v_new + (1 - VIS_ALPHA) * v``;
- x, y, z in pixels (z scaled like x): a One Euro filter (Casiez, Roussel and Vogel 2012)
  per coordinate, with the speed measured in object sizes per second (object size: the mean
  of the landmarks' bounding-box width and height, pixels), cutoff ``MIN_CUTOFF_HZ +
  BETA * |speed|``.

Frames without a person reset the filters, as in the legacy graph. Times are in seconds and
must increase; a repeated time returns the frame unfiltered.
"""

from __future__ import annotations

import math

import numpy as np

VIS_ALPHA = 0.1          # legacy VisibilitySmoothingCalculator low_pass_filter alpha
MIN_CUTOFF_HZ = 0.1      # legacy one_euro_filter min_cutoff (Hz)
BETA = 40.0              # legacy one_euro_filter beta (Hz per object size per second)
D_CUTOFF_HZ = 1.0        # legacy one_euro_filter derivate_cutoff (Hz)
MIN_OBJECT_PX = 1e-6     # below this object size the frame passes unfiltered


def _alpha(cutoff_hz: np.ndarray | float, dt_s: float) -> np.ndarray | float:
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)


class LandmarkSmoother:
    """One Euro + visibility low-pass filter over rows of (n, 4) normalised landmarks."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._t: float | None = None
        self._x: np.ndarray | None = None       # last filtered pixel coordinates (n, 3)
        self._raw: np.ndarray | None = None     # last raw pixel coordinates (n, 3)
        self._dx: np.ndarray | None = None      # filtered speed (object sizes / s)
        self._vis: np.ndarray | None = None

    def __call__(self, row: np.ndarray | None, t: float, width: int, height: int
                 ) -> np.ndarray | None:
        """Smoothed copy of ``row`` (x, y, z, visibility normalised to a ``width`` x
        ``height`` frame) at time ``t`` seconds; None (no person) resets and returns None."""
        if row is None:
            self.reset()
            return None
        scale = np.array([width, height, width], float)
        px = row[:, :3] * scale
        vis = row[:, 3].astype(float)
        if self._t is None or self._vis is None or len(self._vis) != len(vis):
            self._start(px, vis, t)
            return row.copy()
        dt = t - self._t
        if not dt > 0:
            return row.copy()
        vis = VIS_ALPHA * vis + (1.0 - VIS_ALPHA) * self._vis
        span = px[:, :2].max(axis=0) - px[:, :2].min(axis=0)
        obj = float(span.mean())
        out = row.copy()
        out[:, 3] = vis
        self._vis, self._t = vis, t
        if obj < MIN_OBJECT_PX:
            self._x, self._raw = px, px
            return out
        speed = (px - self._raw) / obj / dt
        self._dx = self._dx + _alpha(D_CUTOFF_HZ, dt) * (speed - self._dx)
        a = _alpha(MIN_CUTOFF_HZ + BETA * np.abs(self._dx), dt)
        self._x = self._x + a * (px - self._x)
        self._raw = px
        out[:, :3] = self._x / scale
        return out

    def _start(self, px: np.ndarray, vis: np.ndarray, t: float) -> None:
        self._t, self._x, self._raw = t, px, px
        self._dx = np.zeros_like(px)
        self._vis = vis
