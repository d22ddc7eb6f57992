"""Scene cuts: where an edited clip changes shot (a title card, a close-up, a wide shot).

At a cut the person on screen may be somebody else, or the same person somewhere else and
at another size: following the nearest skeleton across it hands the trace to whoever stands
there. :class:`ShotDetector` says, frame by frame, whether a frame starts a new shot, so the
tracker chooses again (:class:`~vision.pose.estimator.PoseTracker`) and the movement before
and after is never joined.

A cut is a frame whose picture differs from the previous frame's far more than frames of
one shot do, measured on ``THUMB_PX`` x ``THUMB_PX`` thumbnails:

- layout: the mean absolute grey difference (0..255) is at least ``CUT_PIXEL`` and at least
  ``CUT_RATIO`` times its median over the last ``RECENT_FRAMES`` frames (a shaky or panning
  camera, or a person close to it, raises that median; a fade changes little per frame);
- or colours: the Bhattacharyya distance (0 alike .. 1 disjoint) between the frames'
  per-channel histograms (``HIST_BINS`` bins a channel) is at least ``CUT_HIST`` (a title
  card after the video).

On the 13 real clips, frames within one shot differ by at most 14 grey levels (99th
percentile; 31 during a fade) and 0.33 in histogram distance; the two cuts of the overlay
clip (a wide shot and back) differ by 47 and 52 grey levels. The cost is one small resize
and three small histograms a frame (well under 1 ms).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import cv2
import numpy as np

THUMB_PX = 48            # grey thumbnail side (pixels) for the layout difference
HIST_BINS = 16           # histogram bins per colour channel
CUT_PIXEL = 25.0         # mean absolute thumbnail difference (grey levels) at a cut...
CUT_RATIO = 4.0          # ... and this many times its recent median
RECENT_FRAMES = 15       # frames the median is taken over
CUT_HIST = 0.5           # Bhattacharyya distance between colour histograms: a cut anyway


@dataclass(frozen=True)
class FrameChange:
    """How much a frame differs from the previous one: ``hist`` (Bhattacharyya distance,
    0..1) and ``pixel`` (mean absolute grey difference of thumbnails, 0..255)."""

    hist: float
    pixel: float


class ShotDetector:
    """Feed frames in order with :meth:`update`; it says whether each starts a new shot."""

    def __init__(self) -> None:
        self._prev: tuple[np.ndarray, np.ndarray] | None = None
        self._recent: deque[float] = deque(maxlen=RECENT_FRAMES)
        self.cuts = 0

    def change(self, rgb: np.ndarray) -> FrameChange | None:
        """The :class:`FrameChange` from the previous frame to ``rgb`` (an RGB or BGR
        uint8 image; None for the first frame), remembering ``rgb`` as the previous one."""
        step = max(1, min(rgb.shape[:2]) // (2 * THUMB_PX))   # every k-th pixel first:
        thumb = cv2.resize(rgb[::step, ::step], (THUMB_PX, THUMB_PX),  # a 960 px frame
                           interpolation=cv2.INTER_AREA)           # costs ~0.1 ms
        grey = cv2.cvtColor(thumb, cv2.COLOR_RGB2GRAY).astype(np.float32)
        hist = np.concatenate([cv2.calcHist([thumb], [c], None, [HIST_BINS], [0, 256])
                               for c in range(3)]).astype(np.float32)
        prev, self._prev = self._prev, (grey, hist)
        if prev is None:
            return None
        d = cv2.compareHist(prev[1], hist, cv2.HISTCMP_BHATTACHARYYA)
        return FrameChange(float(d), float(np.abs(grey - prev[0]).mean()))

    def update(self, rgb: np.ndarray) -> bool:
        """True when ``rgb`` starts a new shot (never for the first frame)."""
        ch = self.change(rgb)
        if ch is None:
            return False
        usual = float(np.median(self._recent)) if self._recent else 0.0
        cut = (ch.pixel >= CUT_PIXEL and ch.pixel >= CUT_RATIO * usual) or ch.hist >= CUT_HIST
        if cut:
            self._recent.clear()          # the new shot sets its own level
            self.cuts += 1
        else:
            self._recent.append(ch.pixel)
        return cut
