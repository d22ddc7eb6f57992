"""Does a measured print have the proportions of one whole foot? (assembly fit checks)

Every check is a dimensionless measurement of one foot's geometry
(:class:`vision.footprint.anatomy.FootGeometry`) and indices
(:class:`vision.footprint.indices.FootIndices`), in the foot's own axis frame (``t`` along
the axis from the heel, ``s`` across it). :mod:`vision.footprint.quality` turns them into
issues and the score.

- ``length_width``: heel-to-toe length / widest forefoot width. A child's or adult's
  footprint is 2.2-3.3 times as long as its ball is wide; a forefoot or heel measured alone is
  shorter, two prints joined end to end longer.
- ``heel_ball``: widest heel width / widest forefoot width (about 0.5-0.85 on a foot).
- ``toe_share``: toe area / whole print area.
- ``gap_at``, ``gap_frac``: where the longest stretch without contact lies along the
  toe-less print (0 heel .. 1 ball front) and how long it is (share of that length). A
  broken arch band leaves its gap in the midfoot; anywhere else it is two things joined.
- ``rear_share``: share of the toe-less print behind the gap (0 when there is no gap): the
  heel pad of a broken band holds about a fifth to two fifths of the contact.
- ``offset``: sideways distance between the centres of the rear and the front 30 % of the
  toe-less print, over the forefoot width: the heel sits almost behind the ball.
- ``fill``: toe-less area / (toe-less length x forefoot width).
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["fit_checks", "FIT_KEYS"]

FIT_KEYS = ("length_width", "heel_ball", "toe_share", "gap_at", "gap_frac", "rear_share",
            "offset", "fill")

_END_SHARE = 0.3            # rear / front share of the toe-less length for ``offset``
_PROFILE_BIN_PX = 1.0       # contact profile bins along the axis (px)


def _box(mask: np.ndarray) -> tuple[slice, slice]:
    x, y, w, h = cv2.boundingRect(np.ascontiguousarray(mask, dtype=bool).view(np.uint8))
    return slice(y, y + h), slice(x, x + w)


def _longest_gap(t: np.ndarray) -> tuple[float, float, float]:
    """(centre of the longest empty stretch, its length, rear share of the pixels) of
    positions ``t`` along the axis, as shares of their span; (0, 0, 0) without a gap."""
    lo, hi = float(t.min()), float(t.max())
    span = max(hi - lo, 1.0)
    counts = np.bincount(((t - lo) / _PROFILE_BIN_PX).astype(np.int64))
    empty = np.concatenate([[False], counts == 0, [False]])
    d = np.diff(empty.astype(np.int8))
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    if starts.size == 0:
        return 0.0, 0.0, 0.0
    k = int(np.argmax(ends - starts))
    a, b = starts[k] * _PROFILE_BIN_PX, ends[k] * _PROFILE_BIN_PX
    rear = float(np.count_nonzero(t - lo < a)) / t.size
    return float((a + b) / 2 / span), float((b - a) / span), rear


def fit_checks(geom, ix) -> dict[str, float]:
    """The assembly fit checks of one measured foot (see the module docstring)."""
    a = np.asarray(geom.axis_uv, float)
    a = a / max(float(np.hypot(*a)), 1e-9)
    n = np.array([-a[1], a[0]])
    rows, cols = _box(geom.full_mask)
    toeless = geom.toeless_mask[rows, cols]
    ys, xs = np.nonzero(toeless)
    x = xs + cols.start - geom.heel_xy[0]
    y = ys + rows.start - geom.heel_xy[1]
    t, s = x * a[0] + y * a[1], x * n[0] + y * n[1]
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
