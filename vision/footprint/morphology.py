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
    box = bounding_box(mask, 3)    # a blank ring around the mask holds its nearest background
    if box is None:
        return out
    inner = bounding_box(mask, 0)
    rows, cols = inner
    if 0 < rows.start and rows.stop < mask.shape[0] and 0 < cols.start \
            and cols.stop < mask.shape[1] and mask[inner].all():
        out[inner] = _rectangle_depth(rows, cols)
    else:
        out[box] = cv2.distanceTransform(mask[box].astype(np.uint8), cv2.DIST_L2, 5)
    return out


def _rectangle_depth(rows: slice, cols: slice) -> np.ndarray:
    """:func:`depth` of a filled rectangle clear of the picture's border (the rectified
    sheet's usable part), without a transform: the nearest background pixel is straight
    across the nearest side (every step of the transform's path covers a row or column
    for at least its length), so the depth is that many whole pixels, as the transform
    gives it."""
    r = np.arange(rows.start, rows.stop)
    c = np.arange(cols.start, cols.stop)
    dr = np.minimum(r - rows.start + 1, rows.stop - r)
    dc = np.minimum(c - cols.start + 1, cols.stop - c)
    return np.minimum(dr[:, None], dc[None, :]).astype(np.float32)


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
