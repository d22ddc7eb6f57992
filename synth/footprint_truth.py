"""Footprint truth computed from the renderer's own knowledge, independent of the pipeline.

Nothing here imports ``vision.footprint``: the toe-less mask comes from the shape model
(which knows where the toe pads are), the axis from the shape model's heel centre and
second-toe tip, and every index is implemented here from the definitions in
``shared/DESIGN.md``:

- axis: heel centre -> second-toe tip (Cavanagh & Rodgers 1987);
- arch index: the toe-less print between its rearmost and its frontmost point along the
  axis is cut into three equal lengths by lines perpendicular to the axis; AI = middle-third
  area / toe-less area;
- Staheli index: narrowest midfoot contact width / widest heel contact width;
- Chippaux-Smirak index: narrowest midfoot width / widest forefoot width, in %;
- Clarke's angle: between the medial tangent line (ball and heel) and the line from the
  ball's medial tangent point to the deepest point of the medial concavity.

Widths are *contact* widths along lines perpendicular to the axis (samples inside the print
times the sampling step), one line per pixel of axis length, so a broken midfoot has width 0.
"Midfoot" is the middle third, "heel" the rear third and "forefoot" the front third of the toe-less print.
All lengths returned are in pixels of the input mask; the caller divides by its px/mm.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PrintIndices", "indices_from_mask", "MEDIAL_SIGN"]

# +1: the medial side is at +x (image columns) for a toes-up left foot; mirrored for a right
MEDIAL_SIGN = {"left": 1.0, "right": -1.0}
LINE_STEP_PX = 1.0      # spacing of the width lines along the axis (pixels)
SAMPLE_STEP_PX = 0.25   # sampling step along one width line (pixels)


@dataclass(frozen=True)
class PrintIndices:
    """Indices of one toe-less print. Lengths in pixels of the mask they came from."""

    arch_index: float
    staheli_index: float
    chippaux_smirak_index: float        # percent
    clarke_angle_deg: float
    toeless_length_px: float            # rearmost -> frontmost toe-less point along the axis
    area_px: float                      # toe-less area (pixels)
    thirds_area_px: tuple[float, float, float]   # rear (heel), middle, front (ball)
    heel_width_px: float
    midfoot_min_width_px: float
    forefoot_width_px: float


def _frame(mask: np.ndarray, heel_xy, toe_xy):
    """(s, t) axis coordinates of the mask's pixel centres: s along heel -> toe, t to the
    image-right of the axis when looking from the heel to the toe."""
    ys, xs = np.nonzero(mask)
    u = np.subtract(toe_xy, heel_xy).astype(np.float64)
    norm = float(np.hypot(*u))
    if norm <= 0:
        raise ValueError("heel and toe points coincide")
    u /= norm
    n = np.array([-u[1], u[0]])
    px = np.stack([xs - heel_xy[0], ys - heel_xy[1]], axis=1).astype(np.float64)
    return px @ u, px @ n, n


def _line_widths(mask, heel_xy, u, n, s_lo, s_hi, t_lo, t_hi) -> np.ndarray:
    """Contact width (pixels) along lines perpendicular to the axis, one every
    LINE_STEP_PX of s in [s_lo, s_hi): the mask is sampled (nearest pixel) every
    SAMPLE_STEP_PX along each line and the inside samples are counted."""
    ss = np.arange(s_lo + LINE_STEP_PX / 2, s_hi, LINE_STEP_PX)
    if len(ss) == 0:
        ss = np.array([(s_lo + s_hi) / 2])
    ts = np.arange(t_lo - 1.0, t_hi + 1.0, SAMPLE_STEP_PX)
    h, w = mask.shape
    out = np.empty(len(ss))
    for k0 in range(0, len(ss), 256):                   # chunks bound the memory
        sc = ss[k0:k0 + 256, None]
        x = heel_xy[0] + sc * u[0] + ts[None] * n[0]
        y = heel_xy[1] + sc * u[1] + ts[None] * n[1]
        xi, yi = np.rint(x).astype(int), np.rint(y).astype(int)
        ok = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
        hit = np.zeros(x.shape, bool)
        hit[ok] = mask[yi[ok], xi[ok]]
        out[k0:k0 + 256] = hit.sum(axis=1) * SAMPLE_STEP_PX
    return out


def _clarke(s: np.ndarray, t_med: np.ndarray, lo: float, hi: float) -> float:
    """Clarke's angle (degrees) from the medial border profile in axis coordinates."""
    nb = max(int(np.ceil(hi - lo)), 2)
    idx = np.clip((s - lo).astype(int), 0, nb - 1)
    prof = np.full(nb, -np.inf)
    np.maximum.at(prof, idx, t_med)
    ok = np.isfinite(prof)
    xs, ys = np.nonzero(ok)[0].astype(np.float64), prof[ok]
    if len(xs) < 3:
        return 0.0
    hull = _upper_hull(xs, ys)
    mid = (hi - lo) * 0.5               # profile index of the middle of the print
    seg = next(((a, b) for a, b in zip(hull[:-1], hull[1:], strict=True) if a[0] <= mid <= b[0]), None)
    if seg is None:
        return 0.0
    (x0, y0), (x1, y1) = seg           # heel tangent point, ball tangent point
    sel = (xs > x0) & (xs < x1)
    if not sel.any():
        return 0.0
    line = y0 + (y1 - y0) * (xs[sel] - x0) / max(x1 - x0, 1e-9)
    k = int(np.argmax(line - ys[sel]))
    deep = np.array([xs[sel][k], ys[sel][k]])
    ball = np.array([x1, y1])
    v1, v2 = np.array([x0, y0]) - ball, deep - ball
    cosang = float(v1 @ v2 / max(np.hypot(*v1) * np.hypot(*v2), 1e-9))
    return float(np.degrees(np.arccos(np.clip(cosang, -1.0, 1.0))))


def _upper_hull(xs: np.ndarray, ys: np.ndarray) -> list[tuple[float, float]]:
    """Upper convex hull (monotone chain) of points sorted by x."""
    out: list[tuple[float, float]] = []
    for p in zip(xs.tolist(), ys.tolist(), strict=True):
        while len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax) >= 0:
                out.pop()
            else:
                break
        out.append(p)
    return out


def indices_from_mask(toeless: np.ndarray, heel_xy, toe_xy, side: str) -> PrintIndices:
    """All indices of a toe-less print mask (bool) with the true axis heel -> toe (x, y px)."""
    if side not in MEDIAL_SIGN:
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")
    if not np.any(toeless):
        raise ValueError("empty toe-less mask")
    s, t, n = _frame(toeless, heel_xy, toe_xy)
    u = np.array([n[1], -n[0]])
    # t grows to the right of the foot seen toes up: medial for a left foot
    sign = MEDIAL_SIGN[side]
    lo, hi = float(s.min()) - 0.5, float(s.max()) + 0.5     # pixel extents, not centres
    third = (hi - lo) / 3.0
    b1, b2 = lo + third, lo + 2 * third
    areas = (float(np.sum(s < b1)), float(np.sum((s >= b1) & (s < b2))), float(np.sum(s >= b2)))
    total = float(len(s))
    tl, th = float(t.min()), float(t.max())
    m = np.asarray(toeless, bool)
    heel_w = float(_line_widths(m, heel_xy, u, n, lo, b1, tl, th).max())
    mid_w = float(_line_widths(m, heel_xy, u, n, b1, b2, tl, th).min())
    fore_w = float(_line_widths(m, heel_xy, u, n, b2, hi, tl, th).max())
    return PrintIndices(
        arch_index=areas[1] / total,
        staheli_index=mid_w / heel_w if heel_w > 0 else 0.0,
        chippaux_smirak_index=100.0 * mid_w / fore_w if fore_w > 0 else 0.0,
        clarke_angle_deg=_clarke(s, sign * t, lo, hi),
        toeless_length_px=hi - lo, area_px=total, thirds_area_px=areas,
        heel_width_px=heel_w, midfoot_min_width_px=mid_w, forefoot_width_px=fore_w)
