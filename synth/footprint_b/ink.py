"""Print physics of renderer B: how a foot (or hand) in contact marks the sheet.

Every print is a bool contact mask on a crop of the sheet raster (the truth) plus a pressure
map. The mark is put down in terms of the signed distance ``d`` (mm) to the contact border
(positive inside): the local print level rises with pressure, and the border itself is at
half the local level (a logistic edge of width ``edge_mm``), so the true edge is the
half-contrast line of the unblurred print.

Styles:
- ``ink``: coloured ink multiplies the paper; coverage grows with pressure, and dry-brush
  gaps (streaks along a brush direction) open where the pressure is low.
- ``wet``: water darkens the paper (no colour), the edge is soft and uneven, and a faint
  halo spreads a few mm out of the contact.
- ``grid_mat``: ink as above on a paper that carries printed grid lines.
- ``inverted``: light paint on dark paper (white print on black).
A print's ``density`` below about 0.35 makes it faint.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["PrintStyle", "random_style", "stamp", "paper_canvas", "STYLES"]

STYLES = ("ink", "wet", "grid_mat", "inverted")
PAD_MM = 5.0                 # margin around a contact crop for the edge and the halo
PRESSURE_DEPTH_MM = 2.5      # pressure rises over this distance from the contact border
INK_COLOURS = ((0.12, 0.10, 0.10), (0.55, 0.25, 0.12), (0.75, 0.45, 0.20), (0.20, 0.20, 0.75),
               (0.25, 0.55, 0.20), (0.55, 0.20, 0.45), (0.15, 0.30, 0.45))   # BGR reflectance
PAPERS = ((0.93, 0.94, 0.95), (0.82, 0.90, 0.94), (0.90, 0.92, 0.90), (0.88, 0.90, 0.93))
DARK_PAPERS = ((0.10, 0.09, 0.09), (0.30, 0.12, 0.08), (0.12, 0.22, 0.10), (0.16, 0.10, 0.22))
PAINTS = ((0.95, 0.95, 0.95), (0.85, 0.90, 0.95), (0.60, 0.85, 0.95), (0.90, 0.80, 0.95))
GRID_COLOURS = ((0.85, 0.70, 0.55), (0.70, 0.70, 0.72), (0.70, 0.85, 0.70), (0.60, 0.65, 0.90))


@dataclass(frozen=True)
class PrintStyle:
    kind: str                                 # one of STYLES
    paper: tuple[float, float, float]         # BGR reflectance of the sheet
    colour: tuple[float, float, float]        # ink / paint BGR reflectance (wet: unused)
    density: float                            # 0..1, level at full pressure
    dry: float                                # 0..1 dry-brush gaps (ink, grid)
    edge_mm: float                            # logistic width of the border
    halo: float = 0.0                         # wet: halo level / print level
    halo_mm: float = 2.0
    brush_deg: float = 0.0
    grid_mm: float = 0.0                      # grid_mat line spacing
    grid_colour: tuple[float, float, float] = (0.7, 0.7, 0.7)


def random_style(rng: np.random.Generator, kind: str, *, faint: bool = False) -> PrintStyle:
    pick = lambda opts: tuple(float(v) for v in opts[int(rng.integers(len(opts)))])  # noqa: E731
    dens = rng.uniform(0.15, 0.35) if faint else rng.uniform(0.6, 0.95)
    common = dict(density=dens, brush_deg=rng.uniform(0, 180))
    if kind == "ink":
        return PrintStyle("ink", pick(PAPERS), pick(INK_COLOURS), dry=rng.uniform(0, 0.9),
                          edge_mm=rng.uniform(0.12, 0.35), **common)
    if kind == "grid_mat":
        return PrintStyle("grid_mat", pick(PAPERS[:1] + PAPERS[2:]), pick(INK_COLOURS[:4]),
                          dry=rng.uniform(0.2, 1.0), edge_mm=rng.uniform(0.15, 0.4),
                          grid_mm=float(rng.choice([5.0, 10.0])), grid_colour=pick(GRID_COLOURS),
                          **common)
    if kind == "wet":
        d = dict(common, density=dens * rng.uniform(0.35, 0.6))
        return PrintStyle("wet", pick(PAPERS), (0.5, 0.5, 0.5), dry=0.0,
                          edge_mm=rng.uniform(0.35, 0.9), halo=rng.uniform(0.05, 0.2),
                          halo_mm=rng.uniform(1.0, 3.5), **d)
    if kind == "inverted":
        return PrintStyle("inverted", pick(DARK_PAPERS), pick(PAINTS), dry=rng.uniform(0, 0.6),
                          edge_mm=rng.uniform(0.12, 0.35), **common)
    raise ValueError(f"unknown print style {kind!r}")


def paper_canvas(rng, style: PrintStyle, shape, ppm: float) -> np.ndarray:
    """Sheet reflectance (float32 BGR) with fibre texture and, for grid mats, the grid."""
    h, w = shape
    fib = cv2.resize(rng.standard_normal((h // 4 + 1, w // 4 + 1)).astype(np.float32), (w, h))
    canvas = np.empty((h, w, 3), np.float32)
    canvas[:] = style.paper
    canvas *= (1.0 + 0.012 * fib)[..., None]
    if style.grid_mm > 0:
        line = np.zeros((h, w), np.uint8)
        step = style.grid_mm * ppm
        th = max(1, int(round(0.25 * ppm)))
        for k, x in enumerate(np.arange(step / 2, w, step)):
            cv2.line(line, (int(x), 0), (int(x), h), 255 if k % 2 == 0 else 160, th)
        for k, y in enumerate(np.arange(step / 2, h, step)):
            cv2.line(line, (0, int(y)), (w, int(y)), 255 if k % 2 == 0 else 160, th)
        a = cv2.GaussianBlur(line, (0, 0), 0.4 * ppm / 2 + 0.3).astype(np.float32) / 255.0
        g = np.array(style.grid_colour, np.float32)
        canvas *= 1.0 - a[..., None] * (1.0 - g)
    return canvas


def _streaks(rng, shape, ppm, angle_deg):
    """Anisotropic unit-variance noise: streaks ~0.6 mm across, ~5 mm along the brush."""
    h, w = shape
    side = int(np.hypot(h, w)) + 2
    g = rng.standard_normal((max(2, int(side / (5 * ppm)) + 1), max(2, int(side / (0.6 * ppm)) + 1)))
    big = cv2.resize(g.astype(np.float32), (side, side), interpolation=cv2.INTER_LINEAR)
    M = cv2.getRotationMatrix2D((side / 2, side / 2), angle_deg, 1.0)
    M[:, 2] -= ((side - w) / 2, (side - h) / 2)
    out = cv2.warpAffine(big, M, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    return out / max(float(out.std()), 1e-6)


def _signed_distance_mm(contact: np.ndarray, ppm: float) -> np.ndarray:
    c = contact.astype(np.uint8)
    din = cv2.distanceTransform(c, cv2.DIST_L2, 5)
    dout = cv2.distanceTransform(1 - c, cv2.DIST_L2, 5)
    return (np.where(contact, din - 0.5, -(dout - 0.5)) / ppm).astype(np.float32)


def stamp(canvas: np.ndarray, contact: np.ndarray, x0: int, y0: int, style: PrintStyle,
          ppm: float, rng: np.random.Generator, base: np.ndarray | None = None) -> None:
    """Put one print down on ``canvas`` (in place). ``contact`` is the bool crop at (x0, y0);
    ``base`` an optional relative pressure map of the same shape (1 = full)."""
    pad = int(np.ceil(PAD_MM * ppm))
    H, W = canvas.shape[:2]
    cx0, cy0 = max(0, x0 - pad), max(0, y0 - pad)
    cx1, cy1 = min(W, x0 + contact.shape[1] + pad), min(H, y0 + contact.shape[0] + pad)
    if cx1 <= cx0 or cy1 <= cy0:
        return
    c = np.zeros((cy1 - cy0, cx1 - cx0), bool)
    b = np.ones(c.shape, np.float32)
    sy, sx = y0 - cy0, x0 - cx0
    ys, xs = slice(max(0, sy), min(c.shape[0], sy + contact.shape[0])), \
        slice(max(0, sx), min(c.shape[1], sx + contact.shape[1]))
    src = (slice(ys.start - sy, ys.stop - sy), slice(xs.start - sx, xs.stop - sx))
    c[ys, xs] = contact[src]
    if base is not None:
        b[ys, xs] = base[src]
    sd = _signed_distance_mm(c, ppm)
    p = b * (0.55 + 0.45 * (1.0 - np.exp(-np.maximum(sd, 0) / PRESSURE_DEPTH_MM)))
    level = style.density * (1.0 - np.exp(-2.2 * p)) / (1.0 - np.exp(-2.2))
    edge = 1.0 / (1.0 + np.exp(np.clip(-sd / style.edge_mm, -50, 50)))
    cov = level * edge
    if style.dry > 0:
        n = _streaks(rng, c.shape, ppm, style.brush_deg)
        thr = -3.0 + style.dry * (3.5 - 2.0 * p)
        cov *= np.clip((n - thr) / 0.4 + 0.5, 0.0, 1.0)
    fine = rng.standard_normal(c.shape).astype(np.float32)
    cov *= np.clip(1.0 + 0.08 * cv2.GaussianBlur(fine, (0, 0), 0.6), 0, 1.2)
    roi = canvas[cy0:cy1, cx0:cx1]
    col = np.array(style.colour, np.float32)
    if style.kind == "wet":
        halo = style.halo * style.density * np.exp(-np.maximum(-sd, 0) / style.halo_mm) * (sd < 0)
        blot = cv2.resize(rng.uniform(0.4, 1.0, (c.shape[0] // 20 + 2, c.shape[1] // 20 + 2))
                          .astype(np.float32), c.shape[::-1])
        dark = np.clip(cov + halo * blot, 0, 1)
        roi *= 1.0 - 0.9 * dark[..., None] * np.array([0.95, 1.0, 1.05], np.float32)
    elif style.kind == "inverted":
        roi[:] = roi * (1.0 - cov[..., None]) + col * cov[..., None]
    else:
        roi *= 1.0 - cov[..., None] * (1.0 - col)
