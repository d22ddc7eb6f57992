"""Finding people on one frame for :class:`~vision.pose.estimator.PoseTracker`.

The model (MediaPipe Pose, one person per run) is passed in as ``detect(img, fresh)``: run
it on ``img`` (RGB, the analysed frame size) and return a (33, 4) pose row or None;
``fresh=True`` first makes it forget the body it tracked, so it detects afresh. Here:

- :func:`census`: up to ``MAX_PEOPLE`` people, each one found masked grey before the next
  detection;
- :func:`find_at`: the person at a point or in a box the user picked;
- :func:`mask`: a frame with everything outside a window painted grey.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from vision.pose.target import BodyBox, Window, body_box, box_window, square_window

MAX_PEOPLE = 4               # people looked for when choosing whom to follow
CENSUS_MASK_MARGIN = 0.1     # a person found is masked with this margin (x box side)
MASK_GREY = 127              # value painted outside the region of interest
POINT_WINDOWS = (0.6, 1.0)   # a picked point: windows of these x the frame's shorter side
POINT_MARGIN = 0.1           # ... hit when inside the body box grown by this x its sides
BOX_WINDOW = 1.25            # a picked box: a window of this x its longer side

Detect = Callable[[np.ndarray, bool], "np.ndarray | None"]
Found = list[tuple[np.ndarray, BodyBox]]


def census(rgb: np.ndarray, t: float, detect: Detect, *, first_fresh: bool) -> Found:
    """Up to ``MAX_PEOPLE`` people on the whole frame ``rgb`` at time ``t`` (seconds), as
    (pose row, :class:`BodyBox`) pairs in the order found. ``first_fresh`` makes the first
    detection fresh too (False before anyone was tracked: nothing to forget)."""
    h, w = rgb.shape[:2]
    img = rgb.copy()
    found: Found = []
    for k in range(MAX_PEOPLE):
        row = detect(img, bool(k) or first_fresh)
        if row is None:
            break
        box = body_box(row, w, h, t)
        if any(b.contains(box.hip_x, box.hip_y) for _, b in found):
            break  # the same person again, through the mask
        found.append((row, box))
        x0, y0, x1, y1 = box_window(box, w, h, margin=CENSUS_MASK_MARGIN)
        img[y0:y1, x0:x1] = MASK_GREY
    return found


def find_at(rgb: np.ndarray, t: float, target: tuple, detect: Detect) -> np.ndarray | None:
    """Pose row of the person whose body contains the picked point ``(x, y)``, or whose hips
    lie in the picked box ``(x0, y0, x1, y1)`` (normalised), or None."""
    h, w = rgb.shape[:2]
    if len(target) == 2:
        px, py = target
        windows = [square_window(px * w, py * h, f * min(w, h), w, h) for f in POINT_WINDOWS]
    else:
        x0, y0, x1, y1 = target
        px, py = (x0 + x1) / 2, (y0 + y1) / 2
        side = BOX_WINDOW * max((x1 - x0) * w, (y1 - y0) * h)
        windows = [square_window(px * w, py * h, side, w, h)]
    for win in windows:
        row = detect(mask(rgb, win), True)
        if row is None:
            continue
        box = body_box(row, w, h, t)
        if len(target) == 2:
            hit = box.contains(px, py, margin=POINT_MARGIN)
        else:
            hit = target[0] <= box.hip_x <= target[2] and target[1] <= box.hip_y <= target[3]
        if hit:
            return row
    return None


def mask(rgb: np.ndarray, window: Window, *, inplace: bool = False) -> np.ndarray:
    """``rgb`` with everything outside ``window`` (pixels) painted grey (the frame itself if
    the window covers it); ``inplace`` paints ``rgb`` itself instead of a copy."""
    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = window
    if (x0, y0, x1, y1) == (0, 0, w, h):
        return rgb
    out = rgb if inplace else rgb.copy()
    out[:y0] = out[y1:] = MASK_GREY
    out[y0:y1, :x0] = out[y0:y1, x1:] = MASK_GREY
    return out
