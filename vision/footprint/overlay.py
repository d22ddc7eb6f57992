"""Draw what was measured, readable on a phone screen, live or from the stored JSON.

Per foot: the outline, the removed toes shaded (live only), the foot axis (heel centre to
second toe), the toe line (where the toes were cut off), the two lines cutting the toe-less
print into thirds, the heel / midfoot / forefoot widths, Clarke's lines, and a label with the
side, the index that decides the reading (with the digits the label needs) and the label of
:func:`vision.footprint.reading.read_foot`. Sizes (line width, font) scale with the image.

- :func:`draw_overlay` draws on the analysis image right after measuring.
- :func:`stored_geometry` turns the same geometry into original-photo pixels for the JSON
  (``feet[i].geometry``); :func:`draw_stored` draws it back on the stored photo, so the PDF
  and the History page show exactly what was measured, without measuring again. Both paths
  share one drawing function.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from vision.footprint.reading import read_foot

__all__ = ["draw_overlay", "draw_stored", "has_geometry", "measured_geometry",
           "stored_geometry", "OverlayJob"]

LINE_PX_PER_WIDTH = 450      # line width = long side / this (px)
FONT_PX_PER_SCALE = 1100     # OpenCV font scale = long side / this
OUTLINE_EPS_PX = 1.0         # stored outline: Douglas-Peucker tolerance, analysis pixels
TOE_LINE_BAND_PX = 1.5       # toe line: parallel samplings this far apart (px)
TOE_LINE_STEP_PX = 0.5       # toe line: sampling step along the line (px)
_TOE_LINE = (120, 120, 120)
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


def _sizes(img) -> tuple[int, float]:
    side = max(img.shape[:2])
    return max(2, int(round(side / LINE_PX_PER_WIDTH))), max(0.6, side / FONT_PX_PER_SCALE)


def _toe_line(geom) -> tuple[np.ndarray, np.ndarray]:
    """The cut between toes and ball: perpendicular to the axis through the ball's front,
    from the first to the last print pixel met along it (three parallel samplings,
    TOE_LINE_BAND_PX apart, so a one-pixel gap does not cut it short)."""
    mask = geom.full_mask
    u = np.asarray(geom.axis_uv, float)
    p0 = np.asarray(geom.ball_front_xy, float)
    perp = np.array([-u[1], u[0]])
    reach = float(np.hypot(*mask.shape))
    t = np.arange(-reach, reach, TOE_LINE_STEP_PX)
    hits = np.zeros(len(t), bool)
    for off in (-TOE_LINE_BAND_PX, 0.0, TOE_LINE_BAND_PX):
        pts = p0 + off * u + t[:, None] * perp
        xi, yi = np.round(pts[:, 0]).astype(int), np.round(pts[:, 1]).astype(int)
        ok = (xi >= 0) & (yi >= 0) & (xi < mask.shape[1]) & (yi < mask.shape[0])
        hits[ok] |= mask[yi[ok], xi[ok]]
    if not hits.any():
        return p0, p0
    on = t[hits]
    return p0 + on.min() * perp, p0 + on.max() * perp


def _outline(mask: np.ndarray) -> np.ndarray:
    """The print's outer contour, simplified to within OUTLINE_EPS_PX, (n, 2) x, y."""
    m8 = _as_u8(mask)
    x, y, w, h = cv2.boundingRect(m8)
    cnts, _ = cv2.findContours(m8[y:y + h, x:x + w], cv2.RETR_EXTERNAL,
                               cv2.CHAIN_APPROX_SIMPLE, offset=(x, y))
    if not cnts:
        return np.zeros((0, 2))
    c = max(cnts, key=cv2.contourArea)
    return cv2.approxPolyDP(c, OUTLINE_EPS_PX, True).reshape(-1, 2).astype(float)


def measured_geometry(geom, ix) -> dict:
    """What the overlay draws for one foot, in the analysis image's (x, y) pixels.

    Keys: ``outline`` (n points), ``axis`` (heel centre, second-toe tip), ``third_lines``
    (two segments), ``toe_line`` (segment), ``widths`` (``heel``, ``midfoot``, ``forefoot``
    segments), ``clarke`` (heel tangent, ball tangent, deepest concavity points).
    """
    outline = _outline(geom.full_mask)
    return {"outline": outline, "axis": [geom.heel_xy, geom.toe_xy],
            "third_lines": [list(s) for s in ix.third_lines],
            "toe_line": list(_toe_line(geom)),
            "widths": {"heel": list(ix.heel_width_seg), "midfoot": list(ix.midfoot_width_seg),
                       "forefoot": list(ix.forefoot_width_seg)},
            "clarke": list(ix.clarke_points)}


def _map(g, fn) -> dict:
    """Apply ``fn`` ((n, 2) array -> (n, 2) array) to every point of a geometry dict, in one
    call, rounding to 0.1 px."""
    parts = [("outline", None), ("axis", None), ("third_lines", 0), ("third_lines", 1),
             ("toe_line", None), *((("widths", k)) for k in ("heel", "midfoot", "forefoot")),
             ("clarke", None)]
    arrays = [np.asarray(g[a] if b is None else g[a][b], float).reshape(-1, 2)
              for a, b in parts]
    mapped = np.round(fn(np.vstack(arrays)), 1) if arrays else np.zeros((0, 2))
    out: dict = {"third_lines": [None, None], "widths": {}}
    start = 0
    for (a, b), arr in zip(parts, arrays, strict=True):
        pts = mapped[start:start + len(arr)].tolist()
        start += len(arr)
        if b is None:
            out[a] = pts
        else:
            out[a][b] = pts
    return out


def _draw_geometry(img, g: dict, side: str, label: str, width: int, font: float) -> None:
    """Draw one foot's geometry dict (points already in ``img``'s pixels)."""
    colour = _SIDE_COLOUR.get(side, (0, 0, 0))
    outline = np.asarray(g["outline"], float).reshape(-1, 2)
    if len(outline) >= 3:
        cv2.polylines(img, [np.round(outline).astype(np.int32)], True, colour, width,
                      cv2.LINE_AA)
    _line(img, g["axis"], _AXIS, width)
    _line(img, g["toe_line"], _TOE_LINE, width)
    for seg in g["third_lines"]:
        _line(img, seg, _THIRDS, width)
    for key in ("heel", "midfoot", "forefoot"):
        _line(img, g["widths"][key], _WIDTHS, width + 1)
    heel_t, ball_t, deep = g["clarke"]
    _line(img, (ball_t, heel_t), _CLARKE, width)
    _line(img, (ball_t, deep), _CLARKE, width)
    if len(outline):
        anchor = (int(outline[:, 0].mean()), int(max(outline[:, 1].min() - 10, 0)))
        _label(img, f"{'L' if side == 'left' else 'R'}  {label}", anchor, font, colour)


def _shade_toes(img, toes_mask) -> None:
    toes8 = _as_u8(toes_mask)
    x, y, w, h = cv2.boundingRect(toes8)
    if w:  # shade the removed toes (within their bounding box)
        sub, toes = img[y:y + h, x:x + w], toes8[y:y + h, x:x + w].astype(bool)
        sub[toes] = (0.5 * sub[toes] + 0.5 * np.array([150, 150, 150])).astype(np.uint8)


def draw_overlay(image: np.ndarray, feet, *, age_months: float | None = None) -> np.ndarray:
    """Return a copy of ``image`` with each foot's measurements drawn.

    Parameters
    ----------
    image : ndarray, (rows, cols, 3) uint8
        The analysis image (rectified sheet or shrunk photo), BGR.
    feet : sequence of (FootGeometry, FootIndices, FootMeasurement)
    age_months : float, optional
        Age at the date the print was taken; the label is :func:`read_foot`'s.

    Returns
    -------
    overlay : ndarray, same shape, BGR uint8
    """
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must be BGR (rows, cols, 3), got shape {image.shape}")
    out = image.copy()
    width, font = _sizes(out)
    for geom, ix, foot in feet:
        _shade_toes(out, geom.toes_mask)
        label = read_foot(ix, age_months).short_text
        _draw_geometry(out, measured_geometry(geom, ix), foot.side, label, width, font)
    return out


def stored_geometry(geom, ix, frame) -> dict:
    """One foot's drawing geometry in original-photo pixels, for the result JSON
    (``feet[i].geometry``): :func:`measured_geometry`'s keys plus ``photo_size_px``.

    ``frame`` maps analysis pixels to the photo: the pipeline's
    :class:`vision.footprint.coords.PhotoMap` (``to_photo(points)``, ``photo_wh``), the one
    mapping ``box_px``, ``heel_px`` and ``toe_px`` use too."""
    return {"photo_size_px": [int(frame.photo_wh[0]), int(frame.photo_wh[1])],
            **_map(measured_geometry(geom, ix), frame.to_photo)}


def draw_stored(image: np.ndarray, feet_json, *, age_months: float | None) -> np.ndarray:
    """Draw stored feet on the stored photo, exactly as measured (nothing is re-measured).

    Parameters
    ----------
    image : ndarray, (rows, cols, 3) uint8
        The stored photo, BGR, EXIF orientation applied (``load_image``), at any size: the
        geometry is scaled from ``geometry.photo_size_px`` to it.
    feet_json : sequence of dict
        The feet of the footprint JSON (or stored rows) with ``geometry``; feet without it
        (saved before geometry was stored) are skipped.
    age_months : float or None
        Age at the date the print was taken; the label is :func:`read_foot`'s.

    Returns
    -------
    ndarray, same shape, BGR uint8
    """
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must be BGR (rows, cols, 3), got shape {image.shape}")
    out = image.copy()
    width, font = _sizes(out)
    for foot in feet_json:
        g = foot.get("geometry")
        if not g:
            continue
        pw, ph = g["photo_size_px"]
        f = np.array([out.shape[1] / pw, out.shape[0] / ph])
        local = _map(g, lambda p, f=f: (p + 0.5) * f - 0.5)
        _draw_geometry(out, local, foot.get("side", ""),
                       read_foot(foot, age_months).short_text, width, font)
    return out


def has_geometry(feet_json) -> bool:
    """True when every foot carries stored geometry (so :func:`draw_stored` draws all)."""
    feet = list(feet_json)
    return bool(feet) and all(bool(f.get("geometry")) for f in feet)


@dataclass(frozen=True)
class OverlayJob:
    """What :func:`draw_overlay` needs, kept until the overlay is wanted (picklable).

    Calling the job draws the overlay and adds its milliseconds to ``timings_ms["overlay"]``
    (the result's stage timings) when that dict is given.
    """

    image: np.ndarray = field(repr=False)
    feet: tuple = field(repr=False)
    timings_ms: dict | None = field(default=None, repr=False, compare=False)
    age_months: float | None = None

    def __call__(self) -> np.ndarray:
        t0 = time.perf_counter()
        out = draw_overlay(self.image, self.feet, age_months=self.age_months)
        if self.timings_ms is not None:
            ms = (time.perf_counter() - t0) * 1000.0
            self.timings_ms["overlay"] = self.timings_ms.get("overlay", 0.0) + ms
        return out
