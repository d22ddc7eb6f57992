"""Cut writing and drawn strokes off a grouped print candidate before it is measured.

A name or a date written just under a print, or a pencil line touching it, may be grouped
with the foot (its letters are as big as toes, or a thick word is as big as a heel
fragment). A foot has nothing behind its heel: every piece of a candidate that lies
behind the heel end of the foot's core (its heel and forefoot pads, the pieces at least
``CORE_FRAC`` of the largest) and outside the core's outline, or that is a drawn stroke
(:func:`vision.footprint.marks.stroke_like`), is cut off and returned as a mark, so the
ignored list says what was left out.

Masks are bool arrays of the analysis image; ``scale`` is the foot length in pixels (the
area estimate of :mod:`vision.footprint.segment`).
"""

from __future__ import annotations

import cv2
import numpy as np

from vision.footprint.grouping import body_frame
from vision.footprint.marks import stroke_like
from vision.footprint.morphology import bounding_box

__all__ = ["cut_writing"]

CORE_FRAC = 0.3          # a piece this big (vs the largest piece) is a heel or forefoot pad
_BEHIND_FRAC = 0.01      # of the core's length: a piece whose centre is this far behind
#                          the core's rear end (or further) is behind the heel


def cut_writing(mask: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray | None]:
    """(candidate without writing, the pixels cut off or None). Worked out inside the
    candidate's bounding box (the same result as on the whole picture, less work)."""
    box = bounding_box(mask, 1)
    if box is None:
        return mask, None
    kept, gone = _cut_writing(mask[box], scale)
    if gone is None:
        return mask, None
    out, cut = mask.copy(), np.zeros(mask.shape, bool)
    out[box], cut[box] = kept, gone
    return out, cut


def _cut_writing(mask: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray | None]:
    n, lab, stats, cents = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    if n <= 2:
        return mask, None
    areas = stats[1:, cv2.CC_STAT_AREA]
    core_ids = 1 + np.flatnonzero(areas >= CORE_FRAC * areas.max())
    core = np.isin(lab, core_ids)
    frame = body_frame(core)
    length = frame.t1 - frame.t0
    cut = np.zeros(n, bool)
    for k in range(1, n):
        if k in core_ids:
            continue
        cx, cy = cents[k]
        if cv2.pointPolygonTest(frame.hull, (float(cx), float(cy)), False) >= 0:
            continue
        t, _ = frame.coords(np.array([cx]), np.array([cy]))
        x, y, w, h = stats[k, :4]
        piece = lab[y:y + h, x:x + w] == k
        cut[k] = bool(t[0] < frame.t0 - _BEHIND_FRAC * length) or stroke_like(piece, scale)
    if not cut.any():
        return mask, None
    gone = cut[lab]
    return mask & ~gone, gone
