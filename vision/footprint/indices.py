"""Footprint indices on one foot's toe-less print (see ``shared/DESIGN.md``, Footprint metrics).

Conventions
-----------
- Points are (x, y) pixels of the mask's image, y down. ``axis_uv`` is the unit vector from the
  heel centre towards the second-toe tip (Cavanagh & Rodgers 1987).
- The *axis frame* has rows along the axis (row 0 at the rearmost heel point, growing towards
  the toes, 1 px steps) and columns perpendicular to it growing towards the **medial** side.
  Widths are contact widths: the number of print pixels on a frame row, so a midfoot without
  contact has width 0 (high arch: Staheli = CSI = 0).
- Thirds: the toe-less print from its rearmost point to the front of the ball, cut by lines
  perpendicular to the axis into three equal lengths.
- Errors: a print that cannot be measured raises ``FootprintError`` (a ``ValueError``).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vision.footprint.anatomy import FootGeometry
from vision.footprint.frame import AxisFrame, Point, axis_frame, medial_unit, project, upper_hull
from vision.footprint.result import FootprintError

__all__ = ["FootIndices", "compute_indices", "arch_index", "thirds_widths", "staheli_index",
           "chippaux_smirak_index", "clarke_angle"]

_MIN_TOELESS_PX = 30      # fewer toe-less print pixels than this cannot be measured
_PERCENT = 100.0          # Chippaux-Smirak index is given in percent

Segment = tuple[Point, Point]


@dataclass(frozen=True)
class FootIndices:
    """Indices of one foot, plus the geometry to draw them (image (x, y) pixels).

    clarke_points : (heel tangent point, ball tangent point, deepest concavity point); the
        angle is measured at the ball tangent point.
    """

    arch_index: float
    staheli_index: float
    chippaux_smirak_index: float          # percent
    clarke_angle_deg: float
    length_px: float
    width_px: float
    third_lines: tuple[Segment, Segment]
    heel_width_seg: Segment
    midfoot_width_seg: Segment
    forefoot_width_seg: Segment
    clarke_points: tuple[Point, Point, Point]
    heel_width_px: float = 0.0
    midfoot_width_px: float = 0.0


def arch_index(t_along: np.ndarray) -> float:
    """Arch index (Cavanagh & Rodgers, J Biomech 1987).

    Parameters
    ----------
    t_along : positions along the foot axis of every pixel of the toe-less print.

    Returns
    -------
    float
        Area of the middle third / total area, the thirds being equal lengths of the print
        from its rearmost point to the front of the ball, cut perpendicular to the axis.

    Examples
    --------
    >>> round(arch_index(np.repeat([0.5, 1.5, 2.5], [10, 5, 10])), 3)
    0.2
    """
    t = np.asarray(t_along, float)
    if t.size == 0:
        raise FootprintError("arch_index needs a non-empty print")
    t0, t1 = t.min() - 0.5, t.max() + 0.5           # pixel centres -> print extent
    third = (t1 - t0) / 3.0
    mid = np.count_nonzero((t >= t0 + third) & (t < t0 + 2 * third))
    return float(mid / t.size)


def thirds_widths(frame: np.ndarray) -> dict:
    """Contact widths per third of an axis-frame print (rows heel -> ball front).

    Returns a dict with the row span of the print (``r0``, ``r1``), the third boundaries
    (``b1``, ``b2``), and ``(width, row)`` of the widest heel row (rear third), the narrowest
    midfoot row (middle third) and the widest forefoot row (front third).
    """
    counts = frame.sum(axis=1)
    rows = np.flatnonzero(counts)
    if rows.size < 3:
        raise FootprintError("the print is too short to cut into thirds")
    r0, r1 = rows[0], rows[-1] + 1
    b1, b2 = r0 + (r1 - r0) / 3.0, r0 + 2 * (r1 - r0) / 3.0
    idx = np.arange(frame.shape[0])
    rear = idx[(idx >= r0) & (idx + 0.5 < b1)]
    mid = idx[(idx + 0.5 >= b1) & (idx + 0.5 < b2)]
    front = idx[(idx + 0.5 >= b2) & (idx < r1)]
    hr = rear[np.argmax(counts[rear])]
    mr = mid[np.argmin(counts[mid])]
    fr = front[np.argmax(counts[front])]
    return {"r0": r0, "r1": r1, "b1": b1, "b2": b2, "counts": counts,
            "heel": (float(counts[hr]), int(hr)), "mid": (float(counts[mr]), int(mr)),
            "fore": (float(counts[fr]), int(fr))}


def staheli_index(midfoot_width: float, heel_width: float) -> float:
    """Staheli plantar arch index: narrowest midfoot contact width / widest heel width
    (Staheli et al., J Bone Joint Surg 1987; bands in Banwell et al. 2018)."""
    if heel_width <= 0:
        raise FootprintError(f"heel width must be > 0, got {heel_width}")
    return float(midfoot_width / heel_width)


def chippaux_smirak_index(midfoot_width: float, forefoot_width: float) -> float:
    """Chippaux-Smirak index in %: narrowest midfoot width / widest forefoot (ball) width
    x 100 (Forriol & Pascual, Foot Ankle 1990; Banwell et al. 2018)."""
    if forefoot_width <= 0:
        raise FootprintError(f"forefoot width must be > 0, got {forefoot_width}")
    return float(_PERCENT * midfoot_width / forefoot_width)


def clarke_angle(frame: np.ndarray, mid_row: float) -> tuple[float, np.ndarray]:
    """Clarke's angle on an axis-frame print (columns growing medially).

    The medial tangent is the medial convex-hull edge of the print spanning ``mid_row``
    (touching the heel and the ball); the second line joins the ball tangent point to the
    deepest point of the medial concavity (farthest from the tangent). Clarke's angle is the
    angle between them at the ball point (Clarke, 1933; DESIGN.md). Rows without contact
    (broken midfoot) take the lateral border as their medial edge.

    Returns
    -------
    angle_deg, points : float and (3, 2) frame (col, row) points: heel tangent, ball tangent,
        deepest point.
    """
    counts = frame.sum(axis=1)
    rows = np.flatnonzero(counts)
    w = frame.shape[1]
    med = np.where(counts > 0, w - 1 - np.argmax(frame[:, ::-1], axis=1), np.nan) + 0.5
    lat = np.where(counts > 0, np.argmax(frame, axis=1), np.nan) - 0.5
    rr = rows.astype(float)
    hull = upper_hull(rr, med[rows])
    hr = rr[hull]
    k = int(np.clip(np.searchsorted(hr, mid_row), 1, len(hull) - 1))
    i0, i1 = hull[k - 1], hull[k]
    p_heel = np.array([med[rows[i0]], rr[i0]])
    p_ball = np.array([med[rows[i1]], rr[i1]])
    span = np.arange(rows[i0], rows[i1] + 1)
    if span.size < 3:
        return 0.0, np.stack([p_heel, p_ball, p_ball])
    lat_s = np.interp(span, rows, lat[rows])
    e = np.where(np.isnan(med[span]), lat_s, med[span])
    line = p_heel[0] + (p_ball[0] - p_heel[0]) * (span - p_heel[1]) / max(p_ball[1] - p_heel[1], 1e-9)
    j = int(np.argmax(line - e))
    p_deep = np.array([e[j], float(span[j])])
    v1, v2 = p_heel - p_ball, p_deep - p_ball
    n1, n2 = np.hypot(*v1), np.hypot(*v2)
    if n1 == 0 or n2 == 0 or line[j] - e[j] <= 0:
        return 0.0, np.stack([p_heel, p_ball, p_ball])
    cosang = np.clip(np.dot(v1, v2) / (n1 * n2), -1.0, 1.0)
    return float(np.degrees(np.arccos(cosang))), np.stack([p_heel, p_ball, p_deep])


def _row_segment(fr: AxisFrame, row: int) -> Segment:
    cols = np.flatnonzero(fr.image[row])
    if cols.size == 0:
        c = np.array([0.0, 0.0])
    else:
        c = np.array([cols[0] - 0.5, cols[-1] + 0.5])
    pts = fr.to_image(c, np.array([row, row], float))
    return (tuple(map(float, pts[0])), tuple(map(float, pts[1])))


def compute_indices(geom: FootGeometry) -> FootIndices:
    """All indices of one foot from its :class:`~vision.footprint.anatomy.FootGeometry`.

    Arch index from exact pixel projections onto the axis (:func:`arch_index`); widths,
    Staheli, Chippaux-Smirak and Clarke's angle from the axis frame (:func:`axis_frame`).
    ``length_px`` is heel to the tip of the longest toe along the axis (toe-less print and
    toes; blobs ``analyse_foot`` dropped from both do not count);
    ``width_px`` the widest forefoot contact width perpendicular to the axis.
    """
    a = np.asarray(geom.axis_uv, float)
    a = a / np.hypot(*a)
    m = medial_unit(a, geom.side)
    # work on the bounding box of the print (masks may be a whole sheet)
    x, y, w, h = cv2.boundingRect(np.ascontiguousarray(geom.full_mask | geom.toeless_mask)
                                  .view(np.uint8))
    toeless = geom.toeless_mask[y:y + h, x:x + w]
    full = geom.full_mask[y:y + h, x:x + w]
    heel = (geom.heel_xy[0] - x, geom.heel_xy[1] - y)
    t = project(toeless, heel, a)
    if t.size < _MIN_TOELESS_PX:
        raise FootprintError("the print without its toes is too small to measure")
    ai = arch_index(t)
    fr = axis_frame(toeless, heel, a, m)
    fr = AxisFrame(fr.image, (fr.origin_xy[0] + x, fr.origin_xy[1] + y), fr.axis_uv,
                   fr.medial_uv)
    th = thirds_widths(fr.image)
    (hw, hr), (mw, mr), (fw, frow) = th["heel"], th["mid"], th["fore"]
    angle, cp = clarke_angle(fr.image, (th["b1"] + th["b2"]) / 2.0)
    parts = toeless | (geom.toes_mask[y:y + h, x:x + w] & full)   # the foot, specks dropped
    t_full = project(parts, heel, a)
    length = float(t_full.max() - min(t.min(), t_full.min()) + 1.0)
    lines = []
    cols = np.flatnonzero(fr.image.any(axis=0))
    for b in (th["b1"], th["b2"]):
        p = fr.to_image(np.array([cols[0] - 0.5, cols[-1] + 0.5]), np.array([b, b]) - 0.5)
        lines.append((tuple(map(float, p[0])), tuple(map(float, p[1]))))
    cpi = fr.to_image(cp[:, 0], cp[:, 1])
    return FootIndices(
        arch_index=ai, staheli_index=staheli_index(mw, hw),
        chippaux_smirak_index=chippaux_smirak_index(mw, fw), clarke_angle_deg=angle,
        length_px=length, width_px=fw, third_lines=(lines[0], lines[1]),
        heel_width_seg=_row_segment(fr, hr), midfoot_width_seg=_row_segment(fr, mr),
        forefoot_width_seg=_row_segment(fr, frow),
        clarke_points=tuple(tuple(map(float, p)) for p in cpi),
        heel_width_px=hw, midfoot_width_px=mw)
