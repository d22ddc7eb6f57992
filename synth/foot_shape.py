"""Parametric plantar footprint shape (the contact area of one bare foot on paper).

Conventions
-----------
The shape is built in a *foot frame* in millimetres: ``y`` runs along the foot axis from the
rearmost heel point (``y = 0``) forwards, ``x`` is perpendicular to it with the **medial** side
positive. The axis is the line from the heel centre to the tip of the second toe
(Cavanagh & Rodgers 1987), so both points have ``x = 0`` by construction.

A left foot seen from above with the toes up has its medial side on the right of the image, so
:func:`rasterise_foot` maps ``x`` to image columns directly for a left foot and mirrors it for a
right foot. Image rows grow towards the heel (toes up).

Parts: heel ellipse, ball (metatarsal heads) ellipse tilted so its medial end is further
forward, a midfoot band between a lateral border and a medial border that carries the arch
concavity, and five toe pads (hallux biggest) set a given gap in front of the ball (a negative
gap makes them touch / overlap it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FootShape", "RasterFoot", "random_shape", "rasterise_foot"]


@dataclass(frozen=True)
class FootShape:
    """Parameters of one plantar print.

    length_mm : heel to the tip of the longest toe along the axis.
    arch_level : 0 (high arch, midfoot contact broken) .. 1 (flat, midfoot as wide as the ball).
    ball_width_frac_length : ball width / length (adults ~0.36-0.40, toddlers up to ~0.45).
    heel_width_frac_ball : heel contact width / ball width.
    toe_gaps_mm : gap between the ball front and each toe pad, hallux first (< 0 touches).
    ball_tilt_deg : obliquity of the metatarsal line (medial end forward).
    toe_size_scale : toe pad size multiplier.
    side : "left" or "right".
    """

    length_mm: float = 240.0
    arch_level: float = 0.5
    ball_width_frac_length: float = 0.38
    heel_width_frac_ball: float = 0.66
    toe_gaps_mm: tuple[float, float, float, float, float] = (3.0, 3.0, 3.0, 3.0, 3.0)
    ball_tilt_deg: float = 10.0
    toe_size_scale: float = 1.0
    lateral_bulge_frac: float = 0.03
    second_toe_extra_frac: float = 0.0     # Morton's toe: 2nd toe longer, in foot lengths
    side: str = "left"


@dataclass(frozen=True)
class RasterFoot:
    """A rasterised clean print, toes up, plus its true geometry in pixel (x, y) coordinates."""

    full: np.ndarray          # bool, whole print
    toeless: np.ndarray       # bool, print without the toe pads
    toes: np.ndarray          # bool, toe pads only (pixels not in the toe-less print)
    heel_xy: tuple[float, float]
    toe_xy: tuple[float, float]
    px_per_mm: float
    side: str


def _smoothstep(s):
    s = np.clip(s, 0.0, 1.0)
    return s * s * (3.0 - 2.0 * s)


def _layout(shape: FootShape) -> dict:
    """All part positions in units of the length of a unit foot (rescaled later)."""
    wb = shape.ball_width_frac_length
    wh = wb * shape.heel_width_frac_ball
    hx, hy = wh / 2.0, wh / 2.0 * 1.12                       # heel semi-axes
    heel_c = (0.0, hy)
    ball_c = (-0.10 * wb, 0.69)                              # 2nd metatarsal on the axis
    ball_ax = (wb / 2.0, 0.085)
    tilt = np.deg2rad(shape.ball_tilt_deg)
    ts = shape.toe_size_scale
    # toe pads: x centre (frac of ball width), semi-axes (frac of ball width)
    toe_x = np.array([0.27, 0.0, -0.19, -0.34, -0.47]) * wb
    toe_sx = np.array([0.15, 0.085, 0.078, 0.07, 0.062]) * wb * ts
    toe_sy = np.array([0.19, 0.10, 0.092, 0.084, 0.075]) * wb * ts
    toe_sy[1] += shape.second_toe_extra_frac / 2.0          # rear stays, tip moves forward
    return dict(wb=wb, wh=wh, heel_c=heel_c, heel_ax=(hx, hy), ball_c=ball_c, ball_ax=ball_ax,
                tilt=tilt, toe_x=toe_x, toe_sx=toe_sx, toe_sy=toe_sy)


def _ball_front_y(lay: dict, x: np.ndarray) -> np.ndarray:
    """Front edge (largest y) of the tilted ball ellipse at columns ``x`` (unit foot)."""
    cx, cy = lay["ball_c"]
    a, b = lay["ball_ax"]
    t = lay["tilt"]
    # sample the ellipse boundary densely and take, per x, the max y
    th = np.linspace(0, 2 * np.pi, 2000)
    ex = cx + a * np.cos(th) * np.cos(t) - b * np.sin(th) * np.sin(t)
    ey = cy + a * np.cos(th) * np.sin(t) + b * np.sin(th) * np.cos(t)
    out = np.empty_like(x)
    for i, xi in enumerate(x):
        near = np.abs(ex - xi) < 0.01 * a + 1e-4
        out[i] = ey[near].max() if near.any() else cy
    return out


def _toe_centres(shape: FootShape, lay: dict, unit_mm: float) -> np.ndarray:
    rear = _ball_front_y(lay, lay["toe_x"])
    gaps = np.asarray(shape.toe_gaps_mm, float) / unit_mm
    cy = rear + gaps + lay["toe_sy"]
    return np.stack([lay["toe_x"], cy], axis=1)


def _parts_fields(shape: FootShape, lay: dict, toe_c: np.ndarray, X, Y):
    """Boolean body and toes on grids X, Y (unit foot coordinates)."""
    (hcx, hcy), (hx, hy) = lay["heel_c"], lay["heel_ax"]
    heel = ((X - hcx) / hx) ** 2 + ((Y - hcy) / hy) ** 2 <= 1.0
    (bcx, bcy), (ba, bb), t = lay["ball_c"], lay["ball_ax"], lay["tilt"]
    u = (X - bcx) * np.cos(t) + (Y - bcy) * np.sin(t)
    v = -(X - bcx) * np.sin(t) + (Y - bcy) * np.cos(t)
    ball = (u / ba) ** 2 + (v / bb) ** 2 <= 1.0
    # midfoot band: lateral border from the heel's lateral extreme to the ball's lateral
    # extreme, medial border (with the arch concavity) from heel to ball medial extremes
    th = np.arctan2(-bb * np.sin(t), ba * np.cos(t))          # ellipse x-extreme parameter
    ext = [(bcx + s_ * (ba * np.cos(th) * np.cos(t) - bb * np.sin(th) * np.sin(t)),
            bcy + s_ * (ba * np.cos(th) * np.sin(t) + bb * np.sin(th) * np.cos(t)))
           for s_ in (-1.0, 1.0)]
    (lat1, ylat1), (med1, ymed1) = sorted(ext)
    lat0, med0 = hcx - hx, hcx + hx
    wb = lay["wb"]
    sl = (Y - hcy) / (ylat1 - hcy)
    sm = (Y - hcy) / (ymed1 - hcy)
    x_lat = lat0 + (lat1 - lat0) * _smoothstep(sl) \
        - shape.lateral_bulge_frac * wb * np.sin(np.pi * np.clip(sl, 0, 1))
    x_lat = np.where(sl > 1, bcx, x_lat)
    # arch concavity: contact width at the apex = csi * ball width (negative: broken midfoot)
    csi = -0.12 + 1.02 * float(shape.arch_level)
    s_pk = 0.5
    y_pk = hcy + s_pk * (ymed1 - hcy)
    sl_pk = (y_pk - hcy) / (ylat1 - hcy)
    lat_pk = lat0 + (lat1 - lat0) * _smoothstep(sl_pk) \
        - shape.lateral_bulge_frac * wb * np.sin(np.pi * min(sl_pk, 1.0))
    med_pk = med0 + (med1 - med0) * _smoothstep(s_pk)
    depth = max(med_pk - lat_pk - csi * 2 * ba, 0.0)
    bump = np.sin(np.pi * np.clip(sm, 0, 1)) ** 1.6
    x_med = med0 + (med1 - med0) * _smoothstep(sm) - depth * bump
    x_med = np.where(sm > 1, bcx, x_med)
    band = (Y >= hcy) & (Y <= max(ylat1, ymed1)) & (X >= x_lat) & (X <= x_med)
    body = heel | ball | band
    toes = np.zeros_like(body)
    for (cx, cy), sx, sy in zip(toe_c, lay["toe_sx"], lay["toe_sy"], strict=True):
        toes |= ((X - cx) / sx) ** 2 + ((Y - cy) / sy) ** 2 <= 1.0
    return body, toes


def rasterise_foot(shape: FootShape, *, px_per_mm: float = 8.0, margin_mm: float = 4.0) -> RasterFoot:
    """Rasterise a :class:`FootShape` toes-up at ``px_per_mm`` (pixel centres sampled).

    Returns masks and the true heel centre / second-toe tip in pixel (x, y) coordinates.
    """
    if shape.length_mm <= 0 or px_per_mm <= 0:
        raise ValueError(f"length_mm and px_per_mm must be > 0, got {shape.length_mm}, {px_per_mm}")
    if shape.side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', got {shape.side!r}")
    lay = _layout(shape)
    # first pass in unit coordinates to find the longest toe tip, then rescale to length_mm
    toe_c = _toe_centres(shape, lay, unit_mm=shape.length_mm)
    tip = float(np.max(toe_c[:, 1] + lay["toe_sy"]))
    unit_mm = shape.length_mm / tip
    toe_c = _toe_centres(shape, lay, unit_mm=unit_mm)
    tip = float(np.max(toe_c[:, 1] + lay["toe_sy"]))
    unit_mm = shape.length_mm / tip                       # gaps shift tips slightly: refine
    toe_c = _toe_centres(shape, lay, unit_mm=unit_mm)

    xs_min = min(-0.62 * lay["wb"], float(np.min(toe_c[:, 0] - lay["toe_sx"]))) * unit_mm
    xs_max = max(0.5 * lay["wb"], float(np.max(toe_c[:, 0] + lay["toe_sx"]))) * unit_mm
    y_max = float(np.max(toe_c[:, 1] + lay["toe_sy"])) * unit_mm
    m = margin_mm
    w = int(np.ceil((xs_max - xs_min + 2 * m) * px_per_mm))
    h = int(np.ceil((y_max + 2 * m) * px_per_mm))
    cols = (np.arange(w) + 0.5) / px_per_mm + xs_min - m           # x (mm) of pixel centres
    rows = y_max + m - (np.arange(h) + 0.5) / px_per_mm            # y (mm), toes up
    if shape.side == "right":
        cols = cols[::-1]                                          # medial side on the left
    X, Y = np.meshgrid(cols / unit_mm, rows / unit_mm)
    body, toes = _parts_fields(shape, lay, toe_c, X, Y)
    full = body | toes
    heel_xy = _mm_to_px(0.0, lay["heel_c"][1] * unit_mm, cols, rows, px_per_mm)
    toe_xy = _mm_to_px(0.0, (toe_c[1, 1] + lay["toe_sy"][1]) * unit_mm, cols, rows, px_per_mm)
    return RasterFoot(full=full, toeless=body, toes=toes & ~body, heel_xy=heel_xy, toe_xy=toe_xy,
                      px_per_mm=px_per_mm, side=shape.side)


def _mm_to_px(x_mm: float, y_mm: float, cols: np.ndarray, rows: np.ndarray, ppm: float):
    """Pixel (x, y) of a foot-frame point given the sampled column / row coordinates.

    Pixel centre ``j`` holds ``cols[j]`` (x in mm, already mirrored for a right foot), which
    is affine in ``j`` with slope +-1/ppm; same for rows.
    """
    sx = (cols[-1] - cols[0]) / max(len(cols) - 1, 1)
    sy = (rows[-1] - rows[0]) / max(len(rows) - 1, 1)
    return (float((x_mm - cols[0]) / sx), float((y_mm - rows[0]) / sy))


def random_shape(rng: np.random.Generator, *, length_mm: float | None = None,
                 arch_level: float | None = None, side: str | None = None,
                 toes_touching: bool | None = None) -> FootShape:
    """Sample a plausible foot: children's (110-200 mm) or adults' (220-300 mm) sizes."""
    if length_mm is None:
        length_mm = float(rng.uniform(110, 200) if rng.random() < 0.6 else rng.uniform(220, 300))
    child = length_mm < 210
    if arch_level is None:
        arch_level = float(rng.uniform(0.0, 1.0))
    if side is None:
        side = "left" if rng.random() < 0.5 else "right"
    if toes_touching is None:
        toes_touching = bool(rng.random() < 0.35)
    if toes_touching:
        gaps = rng.uniform(-2.5, 0.3, 5) * length_mm / 240
        gaps[rng.random(5) < 0.3] = rng.uniform(0.5, 3.0)     # some toes still apart
    else:
        gaps = rng.uniform(1.0, 6.0, 5) * length_mm / 240
    wb = rng.uniform(0.39, 0.45) if child else rng.uniform(0.35, 0.40)
    return FootShape(length_mm=float(length_mm), arch_level=float(np.clip(arch_level, 0, 1)),
                     ball_width_frac_length=float(wb),
                     heel_width_frac_ball=float(rng.uniform(0.60, 0.72)),
                     toe_gaps_mm=tuple(float(g) for g in gaps),
                     ball_tilt_deg=float(rng.uniform(5, 15)),
                     toe_size_scale=float(rng.uniform(0.85, 1.15) * (1.08 if child else 1.0)),
                     lateral_bulge_frac=float(rng.uniform(0.0, 0.05)),
                     second_toe_extra_frac=float(rng.uniform(0.02, 0.05)) if rng.random() < 0.15
                     else 0.0, side=side)
