"""Does a measured print have the proportions of one whole foot? (assembly fit checks)

Every check is a dimensionless measurement of one foot's geometry
(:class:`vision.footprint.anatomy.FootGeometry`) and indices
(:class:`vision.footprint.indices.FootIndices`), in the foot's own axis frame (``t`` along
the axis from the heel, ``s`` across it). :mod:`vision.footprint.quality` turns them into
issues and the score.

- ``length_width``: heel-to-toe length / widest forefoot width. A child's or adult's
  footprint is about 1.8-3.3 times as long as its ball is wide (dev whole feet); a forefoot
  or heel measured alone is shorter, two prints joined end to end longer.
- ``heel_ball``: widest heel width / widest forefoot width (about 0.5-0.85 on a foot).
- ``toe_share``: toe area / whole print area.
- ``gap_at``, ``gap_frac``: where the longest stretch without contact lies along the
  toe-less print (0 heel .. 1 ball front) and how long it is (share of that length). A
  broken arch band leaves its gap in the midfoot; anywhere else it is two things joined.
- ``rear_share``: share of the toe-less print behind the gap (0 when there is no gap): the
  heel pad of a broken band holds about 0.3-0.6 of the contact (dev whole feet).
- ``offset``: sideways distance between the centres of the rear and the front 30 % of the
  toe-less print, over the forefoot width: the heel sits almost behind the ball.
- ``fill``: toe-less area / (toe-less length x forefoot width).

:func:`gap_ink` looks at the picture itself: how much faint ink lies in that gap (a band
printed too faint to be segmented rather than a band that is not there).
"""

from __future__ import annotations

import cv2
import numpy as np

from vision.footprint.morphology import bounding_box

__all__ = ["fit_checks", "gap_ink", "FIT_KEYS", "MIN_GAP_FRAC"]

FIT_KEYS = ("length_width", "heel_ball", "toe_share", "gap_at", "gap_frac", "rear_share",
            "offset", "fill")

_END_SHARE = 0.3            # rear / front share of the toe-less length for ``offset``
_PROFILE_BIN_PX = 1.0       # contact profile bins along the axis (px)
MIN_GAP_FRAC = 0.03         # a gap shorter than this share of the toe-less length: no gap
_INK_STEP = 0.25            # a pixel this share of the way from the paper to the print
#                             level counts as ink (faint ink: a band too pale to segment)
_LEVEL_PX = 5               # the print level: this far inside; the paper: this far outside
_MIN_LEVEL_PX = 20          # fewer pixels than this: the levels are not measured


def _box(mask: np.ndarray, pad: int = 0) -> tuple[slice, slice]:
    """(rows, cols) of the mask's bounding box grown by ``pad`` px (clipped); empty slices
    for an empty mask."""
    return bounding_box(mask, pad) or (slice(0, 0), slice(0, 0))


def _gap_span(t: np.ndarray) -> tuple[float, float] | None:
    """(start, end) along the axis (px, same origin as ``t``) of the longest empty stretch
    of positions ``t``, or None without one."""
    lo = float(t.min())
    counts = np.bincount(((t - lo) / _PROFILE_BIN_PX).astype(np.int64))
    empty = np.concatenate([[False], counts == 0, [False]])
    d = np.diff(empty.astype(np.int8))
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    if starts.size == 0:
        return None
    k = int(np.argmax(ends - starts))
    return lo + starts[k] * _PROFILE_BIN_PX, lo + ends[k] * _PROFILE_BIN_PX


def _longest_gap(t: np.ndarray) -> tuple[float, float, float]:
    """(centre of the longest empty stretch, its length, rear share of the pixels) of
    positions ``t`` along the axis, as shares of their span; (0, 0, 0) without a gap."""
    lo, hi = float(t.min()), float(t.max())
    span = max(hi - lo, 1.0)
    gap = _gap_span(t)
    if gap is None:
        return 0.0, 0.0, 0.0
    a, b = gap[0] - lo, gap[1] - lo
    rear = float(np.count_nonzero(t - lo < a)) / t.size
    return float((a + b) / 2 / span), float((b - a) / span), rear


def _axis_coords(geom, rows: slice, cols: slice, ys: np.ndarray, xs: np.ndarray):
    """(t, s) in px of box pixels (``ys``, ``xs``): ``t`` along the axis from the heel,
    ``s`` across it."""
    a = np.asarray(geom.axis_uv, float)
    a = a / max(float(np.hypot(*a)), 1e-9)
    x = xs + cols.start - geom.heel_xy[0]
    y = ys + rows.start - geom.heel_xy[1]
    return x * a[0] + y * a[1], x * -a[1] + y * a[0]


def fit_checks(geom, ix) -> dict[str, float]:
    """The assembly fit checks of one measured foot (see the module docstring)."""
    rows, cols = _box(geom.full_mask)
    ys, xs = np.nonzero(geom.toeless_mask[rows, cols])
    t, s = _axis_coords(geom, rows, cols, ys, xs)
    width = max(float(ix.width_px), 1.0)
    length = max(float(ix.length_px), 1.0)
    gap_at, gap_frac, rear_share = _longest_gap(t) if t.size else (0.0, 0.0, 0.0)
    lo, hi = (float(t.min()), float(t.max())) if t.size else (0.0, 1.0)
    rear = t <= lo + _END_SHARE * (hi - lo)
    front = t >= hi - _END_SHARE * (hi - lo)
    offset = abs(float(s[rear].mean() - s[front].mean())) / width \
        if rear.any() and front.any() else 0.0
    full_area = max(int(np.count_nonzero(geom.full_mask[rows, cols])), 1)
    toes_area = int(np.count_nonzero(geom.toes_mask[rows, cols]))
    return {
        "length_width": length / width,
        "heel_ball": float(ix.heel_width_px) / width,
        "toe_share": toes_area / full_area,
        "gap_at": gap_at, "gap_frac": gap_frac, "rear_share": rear_share,
        "offset": offset,
        "fill": t.size / max((hi - lo + 1.0) * width, 1.0),
    }


def gap_ink(geom, image: np.ndarray) -> float:
    """Share (0..1) of the toe-less print's convex hull, across its longest gap along the
    axis, that holds faint ink: pixels at least ``_INK_STEP`` of the way from the paper
    level to the print level (either polarity). 0 when the print has no gap longer than
    ``MIN_GAP_FRAC`` of its length; NaN when it cannot be measured (empty print, too few
    pixels in the gap or beside the print, no contrast between print and paper). A
    high-arch print whose band is truly broken shows bare paper there; a band printed too faint to be
    segmented shows ink (the arch index measured without it reads too low).

    ``image`` is the BGR uint8 picture the mask was cut from (same pixel grid)."""
    rows, cols = _box(geom.toeless_mask, pad=4 * _LEVEL_PX)
    m8 = np.ascontiguousarray(geom.toeless_mask[rows, cols], dtype=np.uint8)
    ys, xs = np.nonzero(m8)
    if xs.size == 0:
        return float("nan")
    t, _ = _axis_coords(geom, rows, cols, ys, xs)
    gap = _gap_span(t)
    if gap is None or gap[1] - gap[0] < MIN_GAP_FRAC * max(float(t.max() - t.min()), 1.0):
        return 0.0
    hull = np.zeros_like(m8)
    cv2.fillConvexPoly(hull, cv2.convexHull(np.column_stack([xs, ys]).astype(np.int32)), 1)
    hy, hx = np.nonzero(hull)
    ht, _ = _axis_coords(geom, rows, cols, hy, hx)
    inside = (ht > gap[0]) & (ht < gap[1])
    if np.count_nonzero(inside) < _MIN_LEVEL_PX:
        return float("nan")
    grey = cv2.cvtColor(image[rows, cols], cv2.COLOR_BGR2GRAY).astype(np.float32)
    k = np.ones((2 * _LEVEL_PX + 1,) * 2, np.uint8)
    inner = cv2.erode(m8, k) > 0
    full = np.ascontiguousarray(geom.full_mask[rows, cols], dtype=np.uint8)
    outer = cv2.dilate(hull | full, k) == 0
    if np.count_nonzero(inner) < _MIN_LEVEL_PX or np.count_nonzero(outer) < _MIN_LEVEL_PX:
        return float("nan")
    ink, paper = float(np.median(grey[inner])), float(np.median(grey[outer]))
    if abs(ink - paper) < 1.0:
        return float("nan")
    step = (grey[hy[inside], hx[inside]] - paper) / (ink - paper)
    return float(np.count_nonzero(step >= _INK_STEP) / step.size)
