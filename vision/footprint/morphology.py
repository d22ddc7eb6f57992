"""Binary morphology for print masks: Euclidean-disk dilation and erosion in linear time
(distance transform, inside the mask's bounding box) and small-hole filling. Radii and
areas are in pixels; the callers scale them to the print.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["bounding_box", "depth", "disk", "dilate", "erode", "fill_small_holes"]


def disk(radius: float) -> np.ndarray:
    r = max(1, int(round(radius)))
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))


def bounding_box(mask: np.ndarray, margin: int) -> tuple[slice, slice] | None:
    """Bounding box of ``mask`` grown by ``margin`` px (clipped), as slices; None when empty.
    Labelling and morphology work inside it only: same result, less work on a mostly blank
    sheet."""
    x, y, w, h = cv2.boundingRect(np.ascontiguousarray(mask, dtype=bool).view(np.uint8))
    if w == 0:
        return None
    return (slice(max(y - margin, 0), min(y + h + margin, mask.shape[0])),
            slice(max(x - margin, 0), min(x + w + margin, mask.shape[1])))


def dilate(mask: np.ndarray, radius: float) -> np.ndarray:
    """Binary dilation by a Euclidean disk, in linear time (distance transform)."""
    out = np.zeros(mask.shape, bool)
    box = bounding_box(mask, int(np.ceil(radius)) + 2)
    if box is not None:
        out[box] = cv2.distanceTransform((~mask[box]).astype(np.uint8), cv2.DIST_L2, 5) <= radius
    return out


def depth(mask: np.ndarray) -> np.ndarray:
    """Distance (px, float32) of every mask pixel to the nearest pixel outside the mask (0
    off the mask). ``depth(mask) > r`` is ``erode(mask, r)``: one map serves every radius."""
    out = np.zeros(mask.shape, np.float32)
    inner = bounding_box(mask, 0)
    if inner is None:
        return out
    (r0, r1), (c0, c1) = (inner[0].start, inner[0].stop), (inner[1].start, inner[1].stop)
    if 0 < r0 and r1 < mask.shape[0] and 0 < c0 and c1 < mask.shape[1] and mask[inner].all():
        np.minimum(*_rectangle_depth(inner[0], inner[1]), out=out[inner])
        return out
    # a blank ring around the mask holds its nearest background
    box = (slice(max(r0 - 3, 0), min(r1 + 3, mask.shape[0])),
           slice(max(c0 - 3, 0), min(c1 + 3, mask.shape[1])))
    out[box] = cv2.distanceTransform(mask[box].astype(np.uint8), cv2.DIST_L2, 5)
    return out


def _rectangle_depth(rows: slice, cols: slice) -> tuple[np.ndarray, np.ndarray]:
    """:func:`depth` of a filled rectangle clear of the picture's border (the rectified
    sheet's usable part), without a transform: the nearest background pixel is straight
    across the nearest side (every step of the transform's path covers a row or column
    for at least its length), so the depth is that many whole pixels, as the transform
    gives it. Returns (rows' depth as a column, columns' depth as a row): the depth is
    their elementwise minimum."""
    r = np.arange(rows.start, rows.stop)
    c = np.arange(cols.start, cols.stop)
    dr = np.minimum(r - rows.start + 1, rows.stop - r).astype(np.float32)
    dc = np.minimum(c - cols.start + 1, cols.stop - c).astype(np.float32)
    return dr[:, None], dc[None, :]


def erode(mask: np.ndarray, radius: float) -> np.ndarray:
    """Binary erosion by a Euclidean disk, in linear time (distance transform)."""
    out = np.zeros(mask.shape, bool)
    box = bounding_box(mask, 3)    # a blank ring around the mask holds its nearest background
    if box is not None:
        out[box] = cv2.distanceTransform(mask[box].astype(np.uint8), cv2.DIST_L2, 5) > radius
    return out


def fill_small_holes(mask: np.ndarray, max_area: float) -> np.ndarray:
    """Fill holes up to ``max_area`` px (crosshatch gaps, unprinted specks). A large hole is
    paper enclosed by pen lines or printed rules around a print, not part of the print."""
    box = bounding_box(mask, 1)    # holes lie inside the mask's bounding box; a blank ring or the
    if box is None:        # picture's border surrounds it
        return mask.copy()
    n, labels, stats, _ = cv2.connectedComponentsWithStats((~mask[box]).astype(np.uint8), 4)
    rows, cols = labels.shape
    x, y, w, h, area = (stats[:, k] for k in range(5))
    inner = (x > 0) & (y > 0) & (x + w < cols) & (y + h < rows) & (area <= max_area)
    inner[0] = False
    out = mask.copy()
    out[box] |= inner[labels]
    return out
