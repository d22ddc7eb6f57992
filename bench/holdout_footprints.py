"""Held-out phone photos of children's footprints on paper, with exact truth.

An independent check of ``vision.footprint.measure_footprint``: built without looking at the
project's own renderer (``synth``) or the pipeline internals, so that the numbers say
how the pipeline does on prints it was not tuned on.

How a photo is made
-------------------
- Foot outline (toes removed): a closed polygon through anatomical landmarks in a foot frame
  (u along the foot from the rearmost heel point, v towards the lateral side, in units of
  the foot length L): rear heel, lateral heel, lateral midfoot, 5th metatarsal head, the
  front of the ball, 1st metatarsal head, the medial arch and the medial heel. The arch level
  s (0 high .. 1 flat) pushes the medial border of the midfoot laterally by a sine bump, from
  a filled (slightly convex) midfoot to a narrow lateral contact band; the highest arches
  sometimes have the band broken. The polygon is smoothed by Chaikin corner cutting (no
  overshoot, so a narrow band stays simple).
- Toes: five separate elliptic pads (hallux large, four smaller on an arc), a gap in front
  of the ball or touching it. The second toe is sometimes the longest (Morton's toe).
- Left foot = right foot mirrored (v -> -v).
- Truth is computed on a clean 0.2 mm raster of the toe-less body from the DESIGN.md
  definitions (see :func:`foot_truth`), never from the construction parameters.
- The feet lie on a sheet (A4 or US Letter: white, cream, kraft, light coloured, or a
  cardboard sheet of A4 size), one foot or two a few cm apart (left foot on the left, toes
  slightly out), everything inside the sheet with a margin.
- Print kinds: ``ink`` (dark blue or black, mottled coverage, fainter edges, speckle gaps)
  and ``wet`` (faint grey, soft edges, 10-25 grey levels of contrast).
- Camera: pinhole, tilt up to 25 deg in a random direction, in-plane rotation 0-360 deg,
  sheet 55-88 % of the frame, whole sheet visible. Table: wood-like grain (light or dark) or a
  light laminate. Then uneven lighting (linear + radial gradient, colour cast), a soft
  shadow (phone / person), sensor noise, mild blur; JPEG quality 70-95 when saved.

API
---
``spec_from_seed(seed, **overrides) -> HoldoutSpec`` and ``render(spec) -> Holdout`` with
``Holdout.image`` (BGR uint8), ``Holdout.feet`` (list of :class:`FootTruth`),
``Holdout.sheet_corners_px`` (4x2, photo pixels, order TL TR BR BL of the sheet),
``Holdout.jpeg_bytes()``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

PAPERS = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}

# paper colours, BGR
PAPER_COLOURS = {
    "white": (243, 244, 245),
    "cream": (214, 232, 243),
    "kraft": (112, 154, 192),
    "light_blue": (238, 222, 200),
    "light_pink": (222, 214, 246),
    "light_yellow": (188, 238, 246),
    "light_green": (206, 236, 212),
    "cardboard": (96, 140, 178),
}


# ----------------------------------------------------------------------------- foot model
@dataclass(frozen=True)
class FootShape:
    length_mm: float          # nominal (hallux tip) length
    side: str                 # "left" | "right"
    arch: float               # 0 high .. 1 flat
    ball_w: float             # ball width / L
    heel_w: float             # heel width / L
    toe_gap: float            # gap between ball and toe pads / L (<= 0: touching)
    broken: bool = False      # midfoot contact band broken (very high arch)
    morton: float = 0.0       # second toe extra length / L
    heel_skew: float = 0.0    # small lateral shift of the rear heel / L
    toe_spread: float = 1.0   # lateral spread of the toes


def _chaikin(pts: np.ndarray, iters: int = 4) -> np.ndarray:
    for _ in range(iters):
        nxt = np.roll(pts, -1, axis=0)
        q = 0.75 * pts + 0.25 * nxt
        r = 0.25 * pts + 0.75 * nxt
        pts = np.empty((2 * len(q), 2))
        pts[0::2] = q
        pts[1::2] = r
    return pts


def body_outline(fs: FootShape) -> np.ndarray:
    """Closed outline of the toe-less print, (N, 2) in mm of the foot frame (u, v), v>0 lateral
    for a right foot (mirrored for a left foot)."""
    B = fs.ball_w / 2.0
    H = fs.heel_w / 2.0
    sk = fs.heel_skew
    lat = [
        (0.000, 0.00 + sk),
        (0.006, 0.40 * H + sk),
        (0.022, 0.72 * H + sk * 0.7),
        (0.055, 0.92 * H + sk * 0.4),
        (0.105, 1.00 * H),
        (0.190, 0.99 * H),
        (0.300, H + 0.004),
        (0.420, H + 0.016),
        (0.520, 0.5 * (H + 0.95 * B) + 0.012),
        (0.610, 0.95 * B),
        (0.660, 0.93 * B),
        (0.695, 0.84 * B),
        (0.735, 0.56 * B),
        (0.762, 0.15 * B),
        (0.776, -0.30 * B),
        (0.775, -0.70 * B),
        (0.755, -0.95 * B),
        (0.715, -1.06 * B),
        (0.670, -1.06 * B),
    ]
    # medial border of the midfoot: baseline from the 1st metatarsal to the medial heel,
    # pushed laterally by the arch.
    u0, v0 = 0.640, -1.03 * B
    u1, v1 = 0.215, -0.97 * H
    band_min = 0.028
    u_peak = 0.43
    base_peak = v0 + (v1 - v0) * (u_peak - u0) / (u1 - u0)
    lateral_at_peak = H + 0.012
    d_max = lateral_at_peak - band_min - base_peak
    d = (1.0 - fs.arch) * d_max - fs.arch * 0.012
    med = []
    for u in (0.60, 0.56, 0.52, 0.48, 0.44, 0.40, 0.36, 0.32, 0.28, 0.245):
        base = v0 + (v1 - v0) * (u - u0) / (u1 - u0)
        bump = max(0.0, math.sin(math.pi * (u - 0.215) / (0.640 - 0.215))) ** 0.8
        med.append((u, base + d * bump))
    heel_med = [
        (0.215, -0.97 * H),
        (0.120, -1.00 * H),
        (0.055, -0.92 * H + sk * 0.4),
        (0.022, -0.72 * H + sk * 0.7),
        (0.006, -0.40 * H + sk),
    ]
    pts = np.array(lat + med + heel_med, float)
    k = body_stretch(fs)
    pts[:, 0] *= k
    pts = _chaikin(pts, 4)
    pts *= fs.length_mm
    if fs.side == "left":
        pts[:, 1] = -pts[:, 1]
    return pts


TOES = (
    # tip u, v, semi-axis along u, semi-axis along v, tilt deg (towards lateral)
    (1.000, -0.118, 0.068, 0.052, 3.0),
    (0.972, -0.030, 0.036, 0.028, 8.0),
    (0.940, 0.042, 0.033, 0.026, 12.0),
    (0.902, 0.105, 0.030, 0.024, 16.0),
    (0.852, 0.160, 0.028, 0.023, 22.0),
)


def body_stretch(fs: FootShape) -> float:
    hallux_back = TOES[0][0] - 2 * TOES[0][2]
    return (hallux_back - fs.toe_gap) / 0.7765


def toe_pads(fs: FootShape) -> list[np.ndarray]:
    """Five toe-pad outlines (hallux first), each (N, 2) mm of the foot frame."""
    out = []
    t = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    for i, (tip, v, a, b, tilt) in enumerate(TOES):
        if i == 1:
            tip = tip + fs.morton
        v = v * fs.toe_spread * (fs.ball_w / 0.39)
        th = math.radians(tilt)
        # ellipse with its tip at (tip, v) along its tilted long axis
        du, dv = math.cos(th), math.sin(th)
        cu, cv = tip - a * du, v - a * dv * 0.6
        x = a * np.cos(t)
        y = b * np.sin(t)
        pu = cu + x * du - y * dv
        pv = cv + x * dv + y * du
        pts = np.stack([pu, pv], 1) * fs.length_mm
        if fs.side == "left":
            pts[:, 1] = -pts[:, 1]
        out.append(pts)
    return out


def broken_band(fs: FootShape) -> np.ndarray | None:
    """Polygon (foot frame, mm) erased from the body when the midfoot contact is broken."""
    if not fs.broken:
        return None
    k = body_stretch(fs)
    L = fs.length_mm
    return np.array([(0.40 * k, -0.5), (0.47 * k, -0.5), (0.47 * k, 0.5), (0.40 * k, 0.5)]) * L


def _fill(mask: np.ndarray, polys, value: int, shift: int = 4) -> None:
    sc = float(1 << shift)
    cv2.fillPoly(mask, [np.round(p * sc).astype(np.int32) for p in polys], value,
                 lineType=cv2.LINE_8, shift=shift)


def raster_foot(fs: FootShape, to_px, shape, aa: bool = False):
    """Rasterise (body, toes list) with ``to_px`` mapping foot-frame mm (N,2) -> pixel (N,2)."""
    body = np.zeros(shape, np.uint8)
    _fill(body, [to_px(body_outline(fs))], 255)
    bb = broken_band(fs)
    if bb is not None:
        _fill(body, [to_px(bb)], 0)
    toes = []
    for p in toe_pads(fs):
        m = np.zeros(shape, np.uint8)
        _fill(m, [to_px(p)], 255)
        toes.append(m)
    return body, toes


# ----------------------------------------------------------------------------- truth
@dataclass
class FootTruth:
    side: str
    arch_index: float
    staheli_index: float
    chippaux_smirak_index: float
    length_mm: float
    width_mm: float
    toeless_length_mm: float
    heel_mm: tuple[float, float] = (0.0, 0.0)     # heel centre, sheet mm (x right, y down)
    toe_mm: tuple[float, float] = (0.0, 0.0)      # second-toe tip, sheet mm
    centroid_mm: tuple[float, float] = (0.0, 0.0)  # centroid of the toe-less print, sheet mm
    heel_px: tuple[float, float] = (0.0, 0.0)     # in the photo
    toe_px: tuple[float, float] = (0.0, 0.0)
    arch_level: float = 0.0
    broken: bool = False
    toes_touching: bool = False
    shape: FootShape | None = None


def foot_truth(fs: FootShape, q: float = 5.0) -> dict:
    """Indices on a clean raster (q px per mm) of the foot frame, from DESIGN.md:

    - heel centre: centroid of the toe-less print within the rear 15 % of its length along
      the axis; second-toe tip: the second toe pad's furthest point along the axis; the axis
      joins them (3 fixed-point iterations starting from the construction axis);
    - thirds: from the rearmost heel point to the front of the ball (the toe-less print's
      extent along the axis), cut perpendicular to the axis; AI = middle / total area;
    - widths perpendicular to the axis, as contact width (area of a 1 mm slice / 1 mm):
      Staheli = narrowest midfoot (middle third) / widest heel (rear third);
      CSI = narrowest midfoot / widest forefoot (front third) x 100;
    - length: rearmost point to the furthest toe point along the axis (full print).
    """
    L = fs.length_mm
    m = 6.0
    u_lo, u_hi = -m, L * 1.06 + m
    v_lo, v_hi = -0.32 * L - m, 0.32 * L + m
    W = int(math.ceil((u_hi - u_lo) * q))
    Hh = int(math.ceil((v_hi - v_lo) * q))

    def to_px(p):
        return np.stack([(p[:, 0] - u_lo) * q, (p[:, 1] - v_lo) * q], 1)

    body, toes = raster_foot(fs, to_px, (Hh, W))
    ys, xs = np.nonzero(body)
    pts = np.stack([(xs + 0.5) / q + u_lo, (ys + 0.5) / q + v_lo], 1)
    ty, tx = np.nonzero(toes[1])
    t2 = np.stack([(tx + 0.5) / q + u_lo, (ty + 0.5) / q + v_lo], 1)
    full = np.maximum.reduce([body] + toes)
    fy, fx = np.nonzero(full)
    fpts = np.stack([(fx + 0.5) / q + u_lo, (fy + 0.5) / q + v_lo], 1)

    a = np.array([1.0, 0.0])
    for _ in range(4):
        pr = pts @ a
        pmin, pmax = pr.min(), pr.max()
        heel = pts[pr <= pmin + 0.15 * (pmax - pmin)].mean(0)
        tip = t2[np.argmax(t2 @ a)]
        a_new = (tip - heel) / np.linalg.norm(tip - heel)
        if np.allclose(a_new, a, atol=1e-9):
            break
        a = a_new
    n = np.array([-a[1], a[0]])
    pr = pts @ a
    pmin, pmax = pr.min(), pr.max()
    Lt = pmax - pmin
    c1, c2 = pmin + Lt / 3, pmin + 2 * Lt / 3
    ai = float(np.count_nonzero((pr >= c1) & (pr < c2)) / len(pr))
    # contact widths in 1 mm slices
    edges = np.arange(pmin, pmax + 1.0, 1.0)
    cnt, _ = np.histogram(pr, edges)
    width = cnt / (q * q) / 1.0
    centres = 0.5 * (edges[:-1] + edges[1:])
    inner = (centres > pmin + 1.5) & (centres < pmax - 1.5)
    heel_w = width[(centres < c1) & inner].max()
    mid_w = width[(centres >= c1) & (centres < c2)].min()
    fore_w = width[(centres >= c2) & inner].max()
    fpr = fpts @ a
    length = float(fpr.max() - min(fpr.min(), pmin))
    return {
        "arch_index": ai,
        "staheli_index": float(mid_w / heel_w),
        "chippaux_smirak_index": float(100.0 * mid_w / fore_w),
        "length_mm": length,
        "width_mm": float(fore_w),
        "toeless_length_mm": float(Lt),
        "heel_uv": heel,
        "centroid_uv": pts.mean(0),
        "toe_uv": tip,
        "axis_uv": a,
        "normal_uv": n,
    }


# ----------------------------------------------------------------------------- scene spec
@dataclass(frozen=True)
class HoldoutSpec:
    seed: int
    kind: str = "ink"                 # ink | wet
    n_feet: int = 1
    paper: str = "a4"                 # a4 | letter
    paper_colour: str = "white"
    foot_length_mm: float = 180.0
    arch: tuple[float, ...] = (0.5, 0.5)
    broken: tuple[bool, ...] = (False, False)
    toe_gap: float = 0.05
    single_side: str = "right"
    foot_angle_deg: float = 0.0       # foot axis vs sheet long axis (single foot)
    toe_out_deg: float = 5.0          # two feet: each turned out by this
    gap_mm: float = 30.0              # two feet: gap between them
    roll_deg: float = 0.0             # in-plane rotation of the photo
    tilt_deg: float = 10.0
    tilt_dir_deg: float = 0.0
    sheet_frac: float = 0.75
    long_side_px: int = 3000
    aspect: float = 4 / 3
    portrait: bool = True
    table: str = "light_wood"         # light_wood | dark_wood | laminate
    light_grad: float = 0.25
    shadow: float = 0.2
    noise: float = 3.0
    blur: float = 0.8
    jpeg_quality: int = 88
    wet_contrast: float = 18.0        # grey levels
    ink_colour: str = "blue"
    extras: dict = field(default_factory=dict)


def spec_from_seed(seed: int, **over) -> HoldoutSpec:
    r = np.random.default_rng(10_000 + seed)
    kind = "ink" if r.random() < 0.55 else "wet"
    n_feet = 2 if r.random() < 0.45 else 1
    paper = "a4" if r.random() < 0.65 else "letter"
    cols = list(PAPER_COLOURS)
    pw = [0.34, 0.14, 0.1, 0.08, 0.06, 0.06, 0.06, 0.16]
    paper_colour = cols[int(r.choice(len(cols), p=np.array(pw) / sum(pw)))]
    if paper_colour == "cardboard":
        paper = "a4"
    if n_feet == 2:
        L = float(r.uniform(125, 185))
    else:
        L = float(r.uniform(125, 235))
    arch = []
    broken = []
    for _ in range(2):
        s = float(r.uniform(0.0, 1.0)) if r.random() < 0.85 else float(r.uniform(0.0, 0.08))
        arch.append(s)
        broken.append(bool(s < 0.06 and r.random() < 0.5))
    touching = r.random() < 0.3
    toe_gap = float(r.uniform(-0.012, 0.0)) if touching else float(r.uniform(0.025, 0.085))
    spec = HoldoutSpec(
        seed=seed,
        kind=kind,
        n_feet=n_feet,
        paper=paper,
        paper_colour=paper_colour,
        foot_length_mm=L,
        arch=tuple(arch),
        broken=tuple(broken),
        toe_gap=toe_gap,
        single_side="right" if r.random() < 0.5 else "left",
        foot_angle_deg=float(r.uniform(-15, 15)),
        toe_out_deg=float(r.uniform(0, 10)),
        gap_mm=float(r.uniform(20, 45)),
        roll_deg=float(r.uniform(0, 360)),
        tilt_deg=float(min(25.0, abs(r.normal(0, 11)))),
        tilt_dir_deg=float(r.uniform(0, 360)),
        sheet_frac=float(r.uniform(0.55, 0.88)),
        long_side_px=int(r.integers(2000, 4001)),
        aspect=float(r.choice([4 / 3, 16 / 9, 3 / 2])),
        portrait=bool(r.random() < 0.6),
        table=str(r.choice(["light_wood", "dark_wood", "laminate"], p=[0.45, 0.4, 0.15])),
        light_grad=float(r.uniform(0.05, 0.35)),
        shadow=float(r.uniform(0.0, 0.3)) if r.random() < 0.6 else 0.0,
        noise=float(r.uniform(1.5, 5.0)),
        blur=float(r.uniform(0.3, 1.3)),
        jpeg_quality=int(r.integers(70, 96)),
        wet_contrast=float(r.uniform(10, 25)),
        ink_colour=str(r.choice(["blue", "black", "navy"])),
        extras={"rs": int(r.integers(0, 2**31 - 1)), "morton": [float(r.uniform(0, 0.03)) if r.random() < 0.25 else 0.0 for _ in range(2)],
                "ball_w": [float(r.uniform(0.36, 0.42))] * 2,
                "heel_w": [float(r.uniform(0.23, 0.28))] * 2,
                "skew": [float(r.uniform(-0.012, 0.012)) for _ in range(2)],
                "spread": float(r.uniform(0.9, 1.1))},
    )
    return replace(spec, **over)


# ----------------------------------------------------------------------------- rendering
@dataclass
class Holdout:
    spec: HoldoutSpec
    image: np.ndarray
    feet: list[FootTruth]
    sheet_corners_px: np.ndarray
    px_per_mm_photo: float

    def jpeg_bytes(self) -> bytes:
        ok, buf = cv2.imencode(".jpg", self.image,
                               [cv2.IMWRITE_JPEG_QUALITY, int(self.spec.jpeg_quality)])
        assert ok
        return buf.tobytes()


def _smooth_noise(rng, shape, cells: float, lo=-1.0, hi=1.0) -> np.ndarray:
    h, w = shape
    gh = max(2, int(round(h / cells)))
    gw = max(2, int(round(w / cells)))
    g = rng.uniform(lo, hi, (gh + 1, gw + 1)).astype(np.float32)
    return cv2.resize(g, (w, h), interpolation=cv2.INTER_CUBIC)


def _rot(axis: str, ang: float) -> np.ndarray:
    c, s = math.cos(ang), math.sin(ang)
    if axis == "x":
        return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])
    if axis == "y":
        return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def _table(rng, spec: HoldoutSpec, W: int, H: int) -> np.ndarray:
    """Wood-like table (grain lines warped by smooth noise, planks) or a light laminate."""
    h, w = max(8, H // 2), max(8, W // 2)
    small = (h, w)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ang = rng.uniform(0, np.pi)
    along = xx * math.cos(ang) + yy * math.sin(ang)
    across = -xx * math.sin(ang) + yy * math.cos(ang)
    warp = _smooth_noise(rng, small, max(h, w) / 5) * rng.uniform(10, 30)
    warp += _smooth_noise(rng, small, max(h, w) / 25) * rng.uniform(2, 5)
    period = rng.uniform(5, 14)
    grain = np.sin((across + warp + 0.01 * along) * 2 * np.pi / period) * 0.5 + 0.5
    grain = grain ** rng.uniform(2.0, 5.0)
    contrast = 0.5 + 0.5 * (_smooth_noise(rng, small, max(h, w) / 8) * 0.5 + 0.5)
    grain = grain * contrast
    streak = _smooth_noise(rng, small, 4.0) * 0.5 + _smooth_noise(rng, small, 40.0) * 0.5
    plank_w = rng.uniform(h * 0.2, h * 0.5)
    plank = np.floor((across - across.min()) / plank_w)
    plank_tone = ((plank * 0.37) % 1.0 - 0.5) * 0.14
    seam = (np.abs((across - across.min()) % plank_w) < 1.0).astype(np.float32)
    if spec.table == "light_wood":
        base = np.array([112, 160, 205], np.float32) * rng.uniform(0.85, 1.05)
        depth = rng.uniform(0.1, 0.2)
    elif spec.table == "dark_wood":
        base = np.array([48, 74, 108], np.float32) * rng.uniform(0.7, 1.2)
        depth = rng.uniform(0.15, 0.3)
    else:
        base = np.array([188, 194, 198], np.float32) * rng.uniform(0.8, 1.0)
        depth = 0.02
    wood = spec.table != "laminate"
    tone = 1.0 - depth * grain + 0.04 * streak * wood + 0.01 * streak
    if wood:
        tone = tone + plank_tone - 0.3 * seam
    img = tone[..., None] * base[None, None, :]
    return cv2.resize(img, (W, H), interpolation=cv2.INTER_LINEAR)


def _print_layer(rng, spec: HoldoutSpec, alpha_mask: np.ndarray, r: float) -> np.ndarray:
    """Per-pixel darkening weight 0..1 of the print on the sheet canvas."""
    shape = alpha_mask.shape
    m = alpha_mask.astype(np.float32) / 255.0
    if spec.kind == "ink":
        soft = cv2.GaussianBlur(m, (0, 0), max(0.6, 0.25 * r))
        # fainter towards the edges (less pressure), mottled coverage, small gaps
        dist = cv2.distanceTransform((alpha_mask > 127).astype(np.uint8), cv2.DIST_L2, 5) / r
        edge = np.clip(0.55 + dist / 5.0, 0, 1)
        mott = 0.86 + 0.12 * _smooth_noise(rng, shape, 6 * r)
        mott += 0.06 * _smooth_noise(rng, shape, 1.5 * r)
        gaps = _smooth_noise(rng, shape, 1.2 * r, 0, 1) > rng.uniform(0.9, 0.98)
        gaps = cv2.GaussianBlur(gaps.astype(np.float32), (0, 0), 0.5 * r)
        w = soft * np.clip(edge * mott, 0.25, 1.0) * (1 - 0.45 * gaps)
        return np.clip(w, 0, 1)
    soft = cv2.GaussianBlur(m, (0, 0), rng.uniform(1.0, 2.2) * r)
    mott = 0.82 + 0.22 * _smooth_noise(rng, shape, 10 * r)
    return np.clip(soft * mott, 0, 1)


def render(spec: HoldoutSpec) -> Holdout:
    rng = np.random.default_rng(spec.extras.get("rs", spec.seed))
    ex = spec.extras
    sw, sh = PAPERS[spec.paper]

    # --- feet on the sheet (sheet mm, x right, y down; toes towards y=0)
    shapes: list[FootShape] = []
    L = spec.foot_length_mm
    sides = ["left", "right"] if spec.n_feet == 2 else [spec.single_side]
    for i, side in enumerate(sides):
        shapes.append(FootShape(
            length_mm=L * (1.0 + 0.01 * i),
            side=side,
            arch=spec.arch[i],
            ball_w=ex.get("ball_w", [0.39, 0.39])[i],
            heel_w=ex.get("heel_w", [0.25, 0.25])[i],
            toe_gap=spec.toe_gap,
            broken=spec.broken[i],
            morton=ex.get("morton", [0, 0])[i],
            heel_skew=ex.get("skew", [0, 0])[i],
            toe_spread=ex.get("spread", 1.0),
        ))
    truths = [foot_truth(fs) for fs in shapes]

    def place(fs, origin, ang_deg):
        th = math.radians(ang_deg)
        a = np.array([math.sin(th), -math.cos(th)])       # toes up, turned clockwise by ang
        # body_outline / toe_pads already mirror a left foot (v -> -v), so the frame is
        # the same for both sides: v = +90 deg from the axis (to the right, toes up).
        lat = np.array([-a[1], a[0]])
        return origin, a, lat

    def to_sheet(p, pl):
        o, a, lat = pl
        return o[None, :] + p[:, :1] * a[None, :] + p[:, 1:2] * lat[None, :]

    # bounding boxes to keep everything on the sheet with a margin
    margin = 12.0
    for _attempt in range(50):
        pls = []
        if spec.n_feet == 1:
            ang = spec.foot_angle_deg
            pls.append(place(shapes[0], np.zeros(2), ang))
        else:
            lw = shapes[0].ball_w * L
            off = (lw + spec.gap_mm) / 2.0
            pls.append(place(shapes[0], np.array([-off, 0.0]), -spec.toe_out_deg))
            pls.append(place(shapes[1], np.array([off, 0.0]), spec.toe_out_deg))
        allp = []
        for fs, pl in zip(shapes, pls, strict=False):
            allp.append(to_sheet(body_outline(fs), pl))
            for tp in toe_pads(fs):
                allp.append(to_sheet(tp, pl))
        allp = np.concatenate(allp)
        lo, hi = allp.min(0), allp.max(0)
        span = hi - lo
        room = np.array([sw, sh]) - 2 * margin - span
        if (room >= 0).all():
            break
        # shrink the feet a little and retry (keeps physical plausibility)
        L *= 0.96
        shapes = [replace(fs, length_mm=fs.length_mm * 0.96) for fs in shapes]
        truths = [foot_truth(fs) for fs in shapes]
    shift = np.array([margin, margin]) - lo + room * rng.uniform(0.25, 0.75, 2)
    pls = [(o + shift, a, lat) for (o, a, lat) in pls]

    # --- camera: homography sheet-mm -> photo px
    if spec.portrait:
        Hpx = spec.long_side_px
        Wpx = int(round(spec.long_side_px / spec.aspect))
    else:
        Wpx = spec.long_side_px
        Hpx = int(round(spec.long_side_px / spec.aspect))
    D = rng.uniform(420, 650)
    td = math.radians(spec.tilt_dir_deg)
    tilt = math.radians(spec.tilt_deg)
    R = _rot("x", tilt * math.cos(td)) @ _rot("y", tilt * math.sin(td)) @ _rot(
        "z", math.radians(spec.roll_deg))
    A = np.array([[1, 0, -sw / 2], [0, 1, -sh / 2], [0, 0, 1.0]])        # sheet mm -> world
    P = np.column_stack([R[:, 0], R[:, 1], np.array([0, 0, D])])            # world -> cam (norm)
    Hn = P @ A
    corners_mm = np.array([[0, 0], [sw, 0], [sw, sh], [0, sh]], float)

    def proj(H, pts):
        ph = np.column_stack([pts, np.ones(len(pts))]) @ H.T
        return ph[:, :2] / ph[:, 2:3]

    cn = proj(Hn, corners_mm)
    lo_c, hi_c = cn.min(0), cn.max(0)
    span = hi_c - lo_c
    f = spec.sheet_frac * min(Wpx / span[0], Hpx / span[1])
    free = np.array([Wpx, Hpx]) - f * span
    off = -f * lo_c + free * rng.uniform(0.2, 0.8, 2)
    S = np.array([[f, 0, off[0]], [0, f, off[1]], [0, 0, 1.0]])
    Hs = S @ Hn                                                           # sheet mm -> photo px
    corners_px = proj(Hs, corners_mm)
    px_per_mm = f / D

    # --- sheet canvas
    r = float(np.clip(px_per_mm * 1.1, 3.0, 14.0))
    cw, ch = int(round(sw * r)), int(round(sh * r))
    pc = np.array(PAPER_COLOURS[spec.paper_colour], np.float32) * rng.uniform(0.97, 1.02)
    canvas = np.empty((ch, cw, 3), np.float32)
    canvas[:] = pc
    fib = _smooth_noise(rng, (ch, cw), 0.7 * r) * (2.0 if spec.paper_colour not in (
        "kraft", "cardboard") else 6.0)
    fib += _smooth_noise(rng, (ch, cw), 25 * r) * 3.0
    canvas += fib[..., None]
    if spec.paper_colour == "cardboard":
        # corrugation stripes faintly visible
        yy = np.arange(ch, dtype=np.float32)[:, None]
        canvas += (np.sin(yy / (4.0 * r) * 2 * np.pi) * 3.0)[..., None]
    print_mask = np.zeros((ch, cw), np.uint8)
    for fs, pl in zip(shapes, pls, strict=False):
        body, toes = raster_foot(fs, lambda p, pl=pl: to_sheet(p, pl) * r, (ch, cw))
        print_mask = np.maximum.reduce([print_mask, body] + toes)
    w = _print_layer(rng, spec, print_mask, r)
    if spec.kind == "ink":
        ink = {"blue": (110, 45, 25), "black": (28, 28, 32), "navy": (80, 40, 35)}[
            spec.ink_colour]
        ink = np.array(ink, np.float32) * rng.uniform(0.8, 1.2)
        strength = rng.uniform(0.8, 0.95)
        canvas = canvas * (1 - strength * w[..., None]) + ink * (strength * w[..., None])
    else:
        lum = float(pc.mean())
        k = spec.wet_contrast / max(lum, 1.0)
        canvas = canvas * (1 - k * w[..., None] / max(w.max(), 1e-6))

    # --- compose on the table
    img = _table(rng, spec, Wpx, Hpx)
    Hc = Hs @ np.array([[1 / r, 0, 0], [0, 1 / r, 0], [0, 0, 1.0]])          # canvas px -> photo
    warped = cv2.warpPerspective(canvas, Hc, (Wpx, Hpx), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_REPLICATE)
    smask = np.zeros((Hpx, Wpx), np.uint8)
    cv2.fillPoly(smask, [np.round(corners_px * 16).astype(np.int32)], 255, cv2.LINE_AA, 4)
    # contact shadow of the sheet on the table (computed at 1/4 resolution)
    sw4, sh4 = max(8, Wpx // 4), max(8, Hpx // 4)
    sm4 = cv2.resize(smask, (sw4, sh4), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
    cs = cv2.GaussianBlur(sm4, (0, 0), max(1.0, px_per_mm * 0.25))
    cs = np.clip(cs - sm4, 0, 1) * 0.5

    # --- lighting: linear + radial gradient, colour cast, soft shadow (low resolution)
    yy, xx = np.mgrid[0:sh4, 0:sw4].astype(np.float32)
    xx *= Wpx / sw4
    yy *= Hpx / sh4
    ga = rng.uniform(0, 2 * np.pi)
    lin = ((xx / Wpx - 0.5) * math.cos(ga) + (yy / Hpx - 0.5) * math.sin(ga))
    light = 1.0 + spec.light_grad * lin
    cx, cy = rng.uniform(0.2, 0.8) * Wpx, rng.uniform(0.2, 0.8) * Hpx
    rad = ((xx - cx) ** 2 + (yy - cy) ** 2) / float(max(Wpx, Hpx)) ** 2
    light *= 1.0 - rng.uniform(0.05, 0.2) * rad
    if spec.shadow > 0:
        sm_small = np.zeros((Hpx // 8, Wpx // 8), np.float32)
        c = (int(rng.uniform(0, Wpx // 8)), int(rng.uniform(0, Hpx // 8)))
        axes = (int(rng.uniform(0.15, 0.45) * Wpx // 8), int(rng.uniform(0.15, 0.45) * Hpx // 8))
        cv2.ellipse(sm_small, c, axes, rng.uniform(0, 180), 0, 360, 1.0, -1)
        sm_small = cv2.GaussianBlur(sm_small, (0, 0), max(axes) * 0.35 + 2)
        shade = cv2.resize(sm_small, (sw4, sh4), interpolation=cv2.INTER_LINEAR)
        light *= 1.0 - spec.shadow * shade
    cast = np.array([rng.uniform(0.93, 1.05), 1.0, rng.uniform(0.95, 1.07)], np.float32)
    table_light = cv2.resize(light * (1 - cs), (Wpx, Hpx), interpolation=cv2.INTER_LINEAR)
    sheet_light = cv2.resize(light, (Wpx, Hpx), interpolation=cv2.INTER_LINEAR)
    # blend: table where the sheet is not (sm), sheet where it is
    sm = smask.astype(np.float32) / 255.0
    lt = table_light + (sheet_light - table_light) * sm
    img = img + (warped - img) * sm[..., None]
    img *= lt[..., None]
    img *= cast
    # --- optics and sensor
    img = cv2.GaussianBlur(img, (0, 0), spec.blur)
    cv2.setRNGSeed(int(rng.integers(0, 2**31 - 1)))
    lum = np.empty((Hpx, Wpx), np.float32)
    cv2.randn(lum, 0.0, float(spec.noise))
    chroma = np.empty((Hpx, Wpx, 3), np.float32)
    cv2.randn(chroma, (0.0, 0.0, 0.0), (spec.noise * 0.4,) * 3)
    img += chroma
    img += lum[..., None]
    img = np.clip(img, 0, 255).astype(np.uint8)

    feet = []
    for fs, pl, t in zip(shapes, pls, truths, strict=False):
        heel_mm = to_sheet(t["heel_uv"][None, :], pl)[0]
        toe_mm = to_sheet(t["toe_uv"][None, :], pl)[0]
        cen_mm = to_sheet(t["centroid_uv"][None, :], pl)[0]
        hp, tp = proj(Hs, np.stack([heel_mm, toe_mm]))
        feet.append(FootTruth(
            side=fs.side,
            arch_index=t["arch_index"],
            staheli_index=t["staheli_index"],
            chippaux_smirak_index=t["chippaux_smirak_index"],
            length_mm=t["length_mm"],
            width_mm=t["width_mm"],
            toeless_length_mm=t["toeless_length_mm"],
            heel_mm=(float(heel_mm[0]), float(heel_mm[1])),
            toe_mm=(float(toe_mm[0]), float(toe_mm[1])),
            centroid_mm=(float(cen_mm[0]), float(cen_mm[1])),
            heel_px=(float(hp[0]), float(hp[1])),
            toe_px=(float(tp[0]), float(tp[1])),
            arch_level=fs.arch,
            broken=fs.broken,
            toes_touching=fs.toe_gap <= 0,
            shape=fs,
        ))
    return Holdout(spec=spec, image=img, feet=feet, sheet_corners_px=corners_px,
                   px_per_mm_photo=px_per_mm)


def rotate_photo(img: np.ndarray, deg: float, fill=None) -> np.ndarray:
    """Rotate a photo by ``deg`` (counter-clockwise); multiples of 90 are exact, other angles
    expand the canvas and fill the corners by replicating the border (table)."""
    k = int(round(deg / 90.0))
    if abs(deg - 90 * k) < 1e-9:
        return np.ascontiguousarray(np.rot90(img, k % 4))
    h, w = img.shape[:2]
    M = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    c, s = abs(M[0, 0]), abs(M[0, 1])
    nw, nh = int(w * c + h * s), int(w * s + h * c)
    M[0, 2] += nw / 2 - w / 2
    M[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(img, M, (nw, nh), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REFLECT_101)


if __name__ == "__main__":  # quick look: python bench/holdout_footprints.py SEED OUT.jpg
    import sys

    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    out = sys.argv[2] if len(sys.argv) > 2 else f"/tmp/holdout_{seed}.jpg"
    h = render(spec_from_seed(seed))
    with open(out, "wb") as fh:
        fh.write(h.jpeg_bytes())
    print(out, h.spec)
    for ft in h.feet:
        print(ft.side, round(ft.arch_index, 4), round(ft.staheli_index, 3),
              round(ft.chippaux_smirak_index, 1), round(ft.length_mm, 1), ft.broken,
              ft.toes_touching)
