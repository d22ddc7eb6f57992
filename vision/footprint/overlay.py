"""Draw what was measured on the analysis image, readable on a phone screen.

Per foot: the outline, the removed toes shaded, the foot axis (heel centre to second toe),
the two lines cutting the toe-less print into thirds, the heel / midfoot / forefoot widths,
Clarke's lines, and a label with the side and the arch index next to the foot. Sizes (line
width, font) scale with the image so the drawing reads the same at any resolution.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np

__all__ = ["draw_overlay", "OverlayJob"]

_SIDE_COLOUR = {"left": (200, 110, 20), "right": (20, 120, 230)}    # BGR: blue, orange
_AXIS = (40, 40, 220)
_THIRDS = (60, 170, 60)
_WIDTHS = (170, 40, 170)
_CLARKE = (0, 190, 220)


def _pt(p) -> tuple[int, int]:
    return int(round(float(p[0]))), int(round(float(p[1])))


def _line(img, seg, colour, width) -> None:
    (a, b) = seg
    if np.all(np.isfinite(np.asarray(a, float))) and np.all(np.isfinite(np.asarray(b, float))):
        cv2.line(img, _pt(a), _pt(b), colour, width, cv2.LINE_AA)


def _label(img, text: str, anchor: tuple[int, int], scale: float, colour) -> None:
    """White-boxed text, kept inside the picture."""
    font = cv2.FONT_HERSHEY_SIMPLEX
    thick = max(1, int(round(scale * 2)))
    (w, h), base = cv2.getTextSize(text, font, scale, thick)
    x = int(np.clip(anchor[0] - w // 2, 2, max(2, img.shape[1] - w - 2)))
    y = int(np.clip(anchor[1], h + 4, img.shape[0] - base - 2))
    cv2.rectangle(img, (x - 4, y - h - 4), (x + w + 4, y + base + 2), (255, 255, 255), -1)
    cv2.rectangle(img, (x - 4, y - h - 4), (x + w + 4, y + base + 2), colour, thick)
    cv2.putText(img, text, (x, y), font, scale, colour, thick, cv2.LINE_AA)


def _as_u8(mask: np.ndarray) -> np.ndarray:
    """0/1 uint8 view (or copy) of a mask, for OpenCV."""
    return np.ascontiguousarray(mask, dtype=bool).view(np.uint8)


def _draw_foot(img, geom, ix, foot, width: int, font: float) -> None:
    colour = _SIDE_COLOUR.get(geom.side, (0, 0, 0))
    toes8 = _as_u8(geom.toes_mask)
    x, y, w, h = cv2.boundingRect(toes8)
    if w:  # shade the removed toes (within their bounding box)
        sub, toes = img[y:y + h, x:x + w], toes8[y:y + h, x:x + w].astype(bool)
        sub[toes] = (0.5 * sub[toes] + 0.5 * np.array([150, 150, 150])).astype(np.uint8)
    full8 = _as_u8(geom.full_mask)
    x, y, w, h = cv2.boundingRect(full8)
    cnts, _ = cv2.findContours(full8[y:y + h, x:x + w], cv2.RETR_EXTERNAL,
                               cv2.CHAIN_APPROX_SIMPLE, offset=(x, y))
    cv2.drawContours(img, cnts, -1, colour, width, cv2.LINE_AA)
    _line(img, (geom.heel_xy, geom.toe_xy), _AXIS, width)
    for seg in ix.third_lines:
        _line(img, seg, _THIRDS, width)
    for seg in (ix.heel_width_seg, ix.midfoot_width_seg, ix.forefoot_width_seg):
        _line(img, seg, _WIDTHS, width + 1)
    heel_t, ball_t, deep = ix.clarke_points
    _line(img, (ball_t, heel_t), _CLARKE, width)
    _line(img, (ball_t, deep), _CLARKE, width)
    ys, xs = np.nonzero(full8[y:y + h, x:x + w])
    ys, xs = ys + y, xs + x
    if len(xs):
        anchor = (int(xs.mean()), int(max(ys.min() - 10, 0)))
        side = "L" if geom.side == "left" else "R"
        _label(img, f"{side}  AI {foot.arch_index:.2f}  {foot.category}", anchor, font, colour)


def draw_overlay(image: np.ndarray, feet) -> np.ndarray:
    """Return a copy of ``image`` with each foot's measurements drawn.

    Parameters
    ----------
    image : ndarray, (rows, cols, 3) uint8
        The analysis image (rectified sheet or shrunk photo), BGR.
    feet : sequence of (FootGeometry, FootIndices, FootMeasurement)

    Returns
    -------
    overlay : ndarray, same shape, BGR uint8
    """
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must be BGR (rows, cols, 3), got shape {image.shape}")
    out = image.copy()
    side = max(out.shape[:2])
    width = max(2, int(round(side / 450)))
    font = max(0.6, side / 1100)
    for geom, ix, foot in feet:
        _draw_foot(out, geom, ix, foot, width, font)
    return out


@dataclass(frozen=True)
class OverlayJob:
    """What :func:`draw_overlay` needs, kept until the overlay is wanted (picklable).

    Calling the job draws the overlay and adds its milliseconds to ``timings_ms["overlay"]``
    (the result's stage timings) when that dict is given.
    """

    image: np.ndarray = field(repr=False)
    feet: tuple = field(repr=False)
    timings_ms: dict | None = field(default=None, repr=False, compare=False)

    def __call__(self) -> np.ndarray:
        t0 = time.perf_counter()
        out = draw_overlay(self.image, self.feet)
        if self.timings_ms is not None:
            ms = (time.perf_counter() - t0) * 1000.0
            self.timings_ms["overlay"] = self.timings_ms.get("overlay", 0.0) + ms
        return out
