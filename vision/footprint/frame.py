"""The axis frame of a footprint: a mask resampled so the foot axis runs down the rows.

Conventions
-----------
- Points are (x, y) pixels of the mask's image, y down. ``axis_uv`` is the unit vector from the
  heel centre towards the second-toe tip (Cavanagh & Rodgers 1987).
- The *axis frame* has rows along the axis (row 0 at the rearmost point, growing towards the
  toes, 1 px steps) and columns perpendicular to it growing towards ``medial_uv``.

Shared by :mod:`vision.footprint.anatomy` (finding the axis) and
:mod:`vision.footprint.indices` (measuring along it), so neither imports the other's internals.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vision.footprint.result import FootprintError

__all__ = ["AxisFrame", "axis_frame", "medial_unit", "project", "upper_hull", "Point"]

Point = tuple[float, float]

_FRAME_PAD_PX = 2        # default frame margin around the print, pixels
_MASK_LEVEL_U8 = 128     # resampled mask (0..255) counts as print from this level


@dataclass(frozen=True)
class AxisFrame:
    """A mask resampled so the foot axis runs down the rows (see module conventions)."""

    image: np.ndarray        # bool (rows along the axis, heel first; columns medial-positive)
    origin_xy: Point         # image point of frame pixel (0, 0)
    axis_uv: Point
    medial_uv: Point

    def to_image(self, col, row) -> np.ndarray:
        """Image (x, y) of frame (col, row) coordinates (scalars or arrays)."""
        col, row = np.asarray(col, float), np.asarray(row, float)
        x = self.origin_xy[0] + row * self.axis_uv[0] + col * self.medial_uv[0]
        y = self.origin_xy[1] + row * self.axis_uv[1] + col * self.medial_uv[1]
        return np.stack([x, y], axis=-1)


def medial_unit(axis_uv, side: str) -> np.ndarray:
    """Unit vector towards the medial side in image coordinates (y down).

    A left foot printed toes-up has its hallux on the right of the image: medial is the axis
    turned by +90 degrees in image coordinates, ``(-a_y, a_x)``; a right foot is the mirror.
    """
    ax, ay = np.asarray(axis_uv, float) / np.hypot(*axis_uv)
    return np.array([-ay, ax]) if side == "left" else np.array([ay, -ax])


def project(mask: np.ndarray, origin_xy, axis_uv) -> np.ndarray:
    """Signed distance along ``axis_uv`` from ``origin_xy`` of every True pixel centre."""
    ys, xs = np.nonzero(mask)
    return (xs - origin_xy[0]) * axis_uv[0] + (ys - origin_xy[1]) * axis_uv[1]


def _row_ends(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ys, xs) of the first and the last True pixel of every row that has one.

    A linear function of (x, y) is monotone along a row, so over the whole mask it reaches
    its extremes at these pixels: the same minimum and maximum as over every pixel, exactly.
    """
    m = mask if mask.dtype == bool else mask != 0
    rows = np.flatnonzero(m.any(axis=1))
    if rows.size == 0:
        return rows, rows
    sub = m[rows]
    first = np.argmax(sub, axis=1)
    last = m.shape[1] - 1 - np.argmax(sub[:, ::-1], axis=1)
    return np.concatenate([rows, rows]), np.concatenate([first, last])


def axis_frame(mask: np.ndarray, origin_xy, axis_uv, medial_uv, *,
               pad_px: int = _FRAME_PAD_PX) -> AxisFrame:
    """Resample ``mask`` into the axis frame (bilinear, threshold 0.5) covering the print."""
    a = np.asarray(axis_uv, float)
    m = np.asarray(medial_uv, float)
    ys, xs = _row_ends(mask)   # the extreme projections lie at the ends of the rows
    if xs.size == 0:
        raise FootprintError("axis_frame needs a non-empty mask")
    t = (xs - origin_xy[0]) * a[0] + (ys - origin_xy[1]) * a[1]
    n = (xs - origin_xy[0]) * m[0] + (ys - origin_xy[1]) * m[1]
    t0, n0 = t.min() - pad_px, n.min() - pad_px
    h = int(np.ceil(t.max() - t0)) + pad_px + 1
    w = int(np.ceil(n.max() - n0)) + pad_px + 1
    ox = origin_xy[0] + t0 * a[0] + n0 * m[0]
    oy = origin_xy[1] + t0 * a[1] + n0 * m[1]
    # dst (col, row) -> src (x, y): x = ox + col*m_x + row*a_x
    M = np.array([[m[0], a[0], ox], [m[1], a[1], oy]], np.float64)
    src = mask.astype(np.uint8) * 255
    warped = cv2.warpAffine(src, M, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                            borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return AxisFrame(warped >= _MASK_LEVEL_U8, (float(ox), float(oy)), (float(a[0]), float(a[1])),
                     (float(m[0]), float(m[1])))


def upper_hull(r: np.ndarray, e: np.ndarray) -> list[int]:
    """Indices of the upper convex hull of points (r, e) sorted by r (monotone chain).

    Collinear points stay on the hull, so along a straight border the tangent points are the
    contact points nearest to a concavity."""
    e_arr = np.asarray(e, float)
    if e_arr.size == 0:
        return []
    # a point lower than some point before it and some point after it lies strictly below
    # their chord: never on the hull, so the chain below can skip it
    before = np.maximum.accumulate(np.concatenate([[-np.inf], e_arr[:-1]]))
    after = np.maximum.accumulate(np.concatenate([e_arr[:0:-1], [-np.inf]]))[::-1]
    cand = np.flatnonzero((e_arr >= before) | (e_arr >= after))
    r, e = np.asarray(r, float)[cand].tolist(), e_arr[cand].tolist()  # fast scalars
    hull: list[int] = []
    for i in range(len(r)):
        while len(hull) >= 2:
            i0, i1 = hull[-2], hull[-1]
            cross = (r[i1] - r[i0]) * (e[i] - e[i0]) - (e[i1] - e[i0]) * (r[i] - r[i0])
            if cross > 0:
                hull.pop()
            else:
                break
        hull.append(i)
    return cand[hull].tolist()


