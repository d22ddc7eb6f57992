"""Plantar contact model of a child's foot, built from anatomical parameters in mm.

The foot lives in its own frame: ``s`` (mm) runs along the foot axis from the rearmost heel
point (s = 0) to the tip of the second toe (s = length), ``m`` (mm) is across it, positive
towards the medial side (the big toe). The heel centre (s = heel radius, m = 0) and the
second-toe tip both lie on m = 0, so the frame's axis is the Cavanagh-Rodgers axis.

The sole (toe-less contact) is the set of points between a lateral and a medial border
profile, closed by a round heel cap and an oblique elliptic ball front. The arch is a
raised-cosine dent in the medial border; its depth is set so that the narrowest contact
width across the midfoot is ``band_mm`` (the lateral band): 0 or less breaks the band (high
arch), a value above the ball width bulges the medial border (flat foot). Each of the five
toes is a separate elliptic pad in front of the ball. A smooth random displacement of the
frame (``wobble_mm``) makes the edges uneven, for the truth mask and the print alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["FootParams", "FootRaster", "random_params", "rasterise", "known_arch_index",
           "foot_to_sheet"]

LENGTH_MM = (90.0, 260.0)        # heel to second-toe tip, 1 to 12 years
BALL_W_FRAC = (0.36, 0.42)       # ball width / length
HEEL_W_FRAC = (0.62, 0.76)       # heel width / ball width
BAND_FRAC = (-0.08, 1.05)        # narrowest midfoot contact / ball width
BALL_FRONT_FRAC = (0.74, 0.78)   # front of the ball (middle) / length, before the cap
BALL_CAP_FRAC = 0.05             # depth of the elliptic ball front / length
BALL_OBLIQUE = 0.05              # ball front moves forward medially, mm per mm
ARCH_CENTRE_FRAC = (0.40, 0.46)  # narrowest midfoot point / length
ARCH_HALF_SPAN_FRAC = (0.17, 0.23)
LAT_BALL, MED_BALL = -0.47, 0.53  # ball borders, in ball widths from the axis
# toe pads: (tip offset from the 2nd-toe tip / length, m centre / ball width,
#            pad length / length, pad half-width / ball width)
TOES = ((0.0, 0.30, 0.070, 0.140), (0.0, 0.0, 0.045, 0.075), (-0.025, -0.15, 0.040, 0.065),
        (-0.060, -0.28, 0.036, 0.060), (-0.100, -0.40, 0.032, 0.055))
MEDIAL_SIGN = {"left": 1.0, "right": -1.0}   # medial towards image +x for a toes-up left foot


@dataclass(frozen=True)
class FootParams:
    """One foot's shape in mm."""

    length_mm: float
    ball_w_mm: float
    heel_w_mm: float
    band_mm: float                    # narrowest midfoot contact width; <= 0: broken band
    ball_front_frac: float = 0.76
    arch_centre_frac: float = 0.43
    arch_half_span_frac: float = 0.20
    hallux_mm: float = 0.0            # hallux tip ahead (+) or behind (-) the 2nd toe tip
    toes_present: tuple[bool, ...] = (True,) * 5
    toe_scale: float = 1.0
    wobble_mm: float = 0.3            # amplitude of the uneven edge

    @property
    def heel_r(self) -> float:
        return self.heel_w_mm / 2.0


@dataclass(frozen=True)
class FootRaster:
    """A foot drawn on the sheet raster: crops starting at (x0, y0) sheet px."""

    x0: int
    y0: int
    sole: np.ndarray          # bool: toe-less contact
    toes: np.ndarray          # bool: toe pads
    s_mm: np.ndarray          # float32: s coordinate of each crop pixel (for pressure)
    heel_xy: tuple[float, float]   # heel centre, sheet px
    toe_xy: tuple[float, float]    # second-toe tip, sheet px
    side: str
    params: FootParams

    @property
    def contact(self) -> np.ndarray:
        return self.sole | self.toes

    def box(self) -> tuple[int, int, int, int]:
        """Tight box of the contact (x0, y0, x1, y1) in sheet px, x1/y1 exclusive."""
        ys, xs = np.nonzero(self.contact)
        return (self.x0 + int(xs.min()), self.y0 + int(ys.min()),
                self.x0 + int(xs.max()) + 1, self.y0 + int(ys.max()) + 1)


def random_params(rng: np.random.Generator, *, length_mm: float | None = None,
                  band_frac: tuple[float, float] | None = None, wobble_mm=(0.15, 0.5)) -> FootParams:
    """Random anatomical parameters; ``band_frac`` bounds band width / ball width."""
    L = float(length_mm if length_mm is not None else rng.uniform(*LENGTH_MM))
    bw = L * rng.uniform(*BALL_W_FRAC)
    hw = bw * rng.uniform(*HEEL_W_FRAC)
    band = bw * rng.uniform(*(band_frac or BAND_FRAC))
    present = tuple(bool(v) for v in (True, True, rng.random() > 0.05, rng.random() > 0.1,
                                      rng.random() > 0.2))
    return FootParams(length_mm=L, ball_w_mm=bw, heel_w_mm=hw, band_mm=band,
                      ball_front_frac=rng.uniform(*BALL_FRONT_FRAC),
                      arch_centre_frac=rng.uniform(*ARCH_CENTRE_FRAC),
                      arch_half_span_frac=rng.uniform(*ARCH_HALF_SPAN_FRAC),
                      hallux_mm=L * rng.uniform(-0.03, 0.02), toes_present=present,
                      toe_scale=rng.uniform(0.85, 1.15), wobble_mm=rng.uniform(*wobble_mm))


def _ease(f, f0, f1, v0, v1):
    """Cosine ease from v0 (f <= f0) to v1 (f >= f1)."""
    t = np.clip((f - f0) / (f1 - f0), 0.0, 1.0)
    return v0 + (v1 - v0) * (0.5 - 0.5 * np.cos(np.pi * t))


def _borders(p: FootParams, s):
    """Lateral and medial border (m, mm) of the sole at s (mm)."""
    L, bw, hr = p.length_mm, p.ball_w_mm, p.heel_r
    f = s / L
    lat = _ease(f, 0.28, 0.62, -hr * 1.03, LAT_BALL * bw)
    full_med = _ease(f, 0.28, 0.62, hr, MED_BALL * bw)
    fc, hs = p.arch_centre_frac, p.arch_half_span_frac
    sc = fc * L
    width_c = float(_ease(fc, 0.28, 0.62, hr, MED_BALL * bw) - _ease(fc, 0.28, 0.62, -hr * 1.03, LAT_BALL * bw))
    depth = width_c - p.band_mm
    bump = np.where(np.abs(f - fc) < hs, 0.5 * (1 + np.cos(np.pi * (s - sc) / (hs * L))), 0.0)
    return lat, full_med - depth * bump


def _sole(p: FootParams, s, m):
    lat, med = _borders(p, s)
    hr = p.heel_r
    heel_cap = (s >= hr) | ((m * m + (s - hr) ** 2) <= hr * hr * 1.0609)
    bw = p.ball_w_mm
    mc, b = (LAT_BALL + MED_BALL) / 2 * bw, bw / 2
    q = np.clip(1.0 - ((m - mc) / b) ** 2, 0.0, 1.0)
    front = p.ball_front_frac * p.length_mm + BALL_CAP_FRAC * p.length_mm * np.sqrt(q) \
        + BALL_OBLIQUE * (m - mc)
    return (s >= 0) & (s <= front) & (m >= lat) & (m <= med) & heel_cap


def _toes(p: FootParams, s, m):
    L, bw = p.length_mm, p.ball_w_mm
    out = np.zeros(np.shape(s), bool)
    for i, (tip, mc, ls, hw) in enumerate(TOES):
        if not p.toes_present[i]:
            continue
        a_s, a_m = ls * L * p.toe_scale, hw * bw * p.toe_scale
        tip_s = L + tip * L + (p.hallux_mm if i == 0 else 0.0)
        if i == 1:
            a_s = ls * L          # the second toe's tip stays on the axis end
        cs = tip_s - a_s
        out |= ((s - cs) / a_s) ** 2 + ((m - mc * bw) / a_m) ** 2 <= 1.0
    return out


def foot_to_sheet(s, m, side, heel_xy, angle_deg, ppm, heel_r):
    """Foot frame (mm) -> sheet px; toes point up (-y) at angle 0, clockwise for > 0."""
    th = np.radians(angle_deg)
    u = np.array([np.sin(th), -np.cos(th)])
    r = np.array([np.cos(th), np.sin(th)])
    ms = MEDIAL_SIGN[side]
    s, m = np.asarray(s, float), np.asarray(m, float)
    x = heel_xy[0] + ppm * ((s - heel_r) * u[0] + ms * m * r[0])
    y = heel_xy[1] + ppm * ((s - heel_r) * u[1] + ms * m * r[1])
    return x, y


def _smooth_field(rng, shape, cell_px):
    h, w = shape
    gh, gw = max(2, int(h / cell_px) + 2), max(2, int(w / cell_px) + 2)
    g = rng.standard_normal((gh, gw)).astype(np.float32)
    return cv2.resize(g, (w, h), interpolation=cv2.INTER_CUBIC)


def rasterise(p: FootParams, side: str, heel_xy, angle_deg: float, ppm: float,
              rng: np.random.Generator) -> FootRaster:
    """Draw the foot (heel centre at ``heel_xy`` sheet px) on a crop of the sheet raster."""
    L, bw = p.length_mm, p.ball_w_mm
    cs = np.array([-2.0, L * 1.05 + 2, L * 1.05 + 2, -2.0])
    cm = np.array([-0.7 * bw, -0.7 * bw, 0.7 * bw, 0.7 * bw])
    xs, ys = foot_to_sheet(cs, cm, side, heel_xy, angle_deg, ppm, p.heel_r)
    x0, y0 = int(np.floor(xs.min())), int(np.floor(ys.min()))
    x1, y1 = int(np.ceil(xs.max())) + 1, int(np.ceil(ys.max())) + 1
    gy, gx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    th = np.radians(angle_deg)
    dx, dy = (gx - heel_xy[0]) / ppm, (gy - heel_xy[1]) / ppm
    ms = MEDIAL_SIGN[side]
    s = dx * np.sin(th) - dy * np.cos(th) + p.heel_r
    m = ms * (dx * np.cos(th) + dy * np.sin(th))
    cell = max(4.0, 6.0 * ppm)                      # wobble correlation length ~6 mm
    ws = s + p.wobble_mm * _smooth_field(rng, s.shape, cell)
    wm = m + p.wobble_mm * _smooth_field(rng, s.shape, cell)
    sole = _sole(p, ws, wm)
    toes = _toes(p, ws, wm) & ~sole
    hx, hy = heel_xy
    tx, ty = foot_to_sheet(L, 0.0, side, heel_xy, angle_deg, ppm, p.heel_r)
    return FootRaster(x0=x0, y0=y0, sole=sole, toes=toes, s_mm=s.astype(np.float32),
                      heel_xy=(float(hx), float(hy)), toe_xy=(float(tx), float(ty)),
                      side=side, params=p)


def known_arch_index(p: FootParams, step_mm: float = 0.1) -> float:
    """Arch index of the model sole without wobble, on a fine grid in the foot frame
    (the axis is the frame's s axis): middle-third area / toe-less area."""
    L, bw = p.length_mm, p.ball_w_mm
    s = np.arange(-1.0, L * 0.9, step_mm)
    m = np.arange(-0.7 * bw, 0.7 * bw, step_mm)
    S, M = np.meshgrid(s, m, indexing="ij")
    inside = _sole(p, S, M)
    rows = inside.sum(axis=1).astype(np.float64)
    nz = np.nonzero(rows)[0]
    lo, hi = s[nz[0]] - step_mm / 2, s[nz[-1]] + step_mm / 2
    b1, b2 = lo + (hi - lo) / 3, lo + 2 * (hi - lo) / 3
    mid = rows[(s >= b1) & (s < b2)].sum()
    return float(mid / rows.sum())
