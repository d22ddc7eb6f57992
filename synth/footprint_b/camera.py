"""Photo model of renderer B: a flat sheet photographed by a pinhole camera at an angle.

``plan_camera`` picks the photo size (2-12 MP), the camera's pitch / yaw / roll and the
distance (as a framing fraction), giving the homography sheet mm -> photo px and the sheet
raster resolution worth drawing at. ``photograph`` lays the sheet raster on a table or floor
background, lights it unevenly (gradient, vignetting, an optional cast shadow, a colour
cast), blurs it with a defocus disc convolved with a motion streak, adds signal-dependent
sensor noise and JPEG-compresses it.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["CameraPlan", "plan_camera", "photograph", "sheet_px_to_photo"]

MEGAPIXELS = ((2.0, 3.0, 5.0, 8.0, 12.0), (0.25, 0.25, 0.25, 0.15, 0.10))
ASPECTS = ((4 / 3, 3 / 2, 16 / 9), (0.6, 0.3, 0.1))
PITCH_DEG = (0.0, 30.0)      # camera tilt away from looking straight down
YAW_DEG = (-12.0, 12.0)
FOCAL_FRAC = (0.75, 1.25)    # focal length / photo long side (phone-like field of view)
MAX_SHEET_PPM = 11.0         # sheet raster resolution cap (px per mm)
BACKGROUNDS = ("wood", "dark_table", "grey_table", "tiles", "carpet", "cloth")


@dataclass(frozen=True)
class CameraPlan:
    width: int
    height: int
    mm_to_photo: np.ndarray      # 3x3 homography, sheet mm (origin top-left) -> photo px
    ppm: float                   # sheet raster px per mm to draw at
    background: str


def _rot(pitch, yaw, roll):
    a, b, c = np.radians([pitch, yaw, roll])
    Rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    Ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    Rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    return Rx @ Ry @ Rz


def _apply(Hm, pts):
    p = np.c_[np.asarray(pts, float), np.ones(len(pts))] @ Hm.T
    return p[:, :2] / p[:, 2:3]


def plan_camera(rng: np.random.Generator, sheet_mm, *, fill=(0.6, 0.92), long_side_px=None,
                background: str | None = None) -> CameraPlan:
    """Camera for a sheet of ``sheet_mm`` (w, h); ``fill`` bounds the sheet's share of the
    photo along its tighter dimension (> 1: the surface overfills the photo)."""
    mp = rng.choice(MEGAPIXELS[0], p=MEGAPIXELS[1])
    asp = rng.choice(ASPECTS[0], p=ASPECTS[1])
    long_px = long_side_px or int(np.sqrt(mp * 1e6 * asp))
    short_px = int(long_px / asp)
    sw, sh = sheet_mm
    portrait = (sh >= sw) == (rng.random() < 0.8)
    W, H = (short_px, long_px) if portrait else (long_px, short_px)
    roll = rng.normal(0, 6) + (0 if (sh >= sw) == (H >= W) else 90) + (180 if rng.random() < 0.15 else 0)
    R = _rot(rng.uniform(*PITCH_DEG) * (1 if rng.random() < 0.5 else -1), rng.uniform(*YAW_DEG), roll)
    f = max(W, H) * rng.uniform(*FOCAL_FRAC)
    D = 1.6 * max(sw, sh) * f / max(W, H)
    K = np.array([[f, 0, W / 2], [0, f, H / 2], [0, 0, 1]])
    T = np.array([[1, 0, -sw / 2], [0, 1, -sh / 2], [0, 0, 1]])
    Hm = K @ np.c_[R[:, 0], R[:, 1], R[:, 2] * 0 + np.array([0, 0, D])] @ T
    corners = _apply(Hm, [[0, 0], [sw, 0], [sw, sh], [0, sh]])
    lo, hi = corners.min(0), corners.max(0)
    k = rng.uniform(*fill) * min(W / (hi[0] - lo[0]), H / (hi[1] - lo[1]))
    cx, cy = (lo + hi) / 2
    slack = np.maximum(0.0, np.array([W, H]) - k * (hi - lo)) / 2
    tx = W / 2 + rng.uniform(-1, 1) * slack[0] * 0.8 - k * cx
    ty = H / 2 + rng.uniform(-1, 1) * slack[1] * 0.8 - k * cy
    S = np.array([[k, 0, tx], [0, k, ty], [0, 0, 1]])
    Hm = S @ Hm
    c2 = _apply(Hm, [[0, 0], [sw, 0], [sw, sh], [0, sh]])
    photo_ppm = max(np.hypot(*(c2[1] - c2[0])) / sw, np.hypot(*(c2[3] - c2[0])) / sh)
    bg = background or BACKGROUNDS[int(rng.integers(len(BACKGROUNDS)))]
    return CameraPlan(W, H, Hm / Hm[2, 2], float(min(MAX_SHEET_PPM, 1.15 * photo_ppm)), bg)


def sheet_px_to_photo(plan: CameraPlan) -> np.ndarray:
    """Homography sheet raster px -> photo px."""
    return plan.mm_to_photo @ np.diag([1 / plan.ppm, 1 / plan.ppm, 1.0])


def _background(rng, kind, W, H) -> np.ndarray:
    w, h = W // 4 + 1, H // 4 + 1
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    n = cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), 2)
    if kind == "wood":
        a = rng.uniform(0, np.pi)
        u = xx * np.cos(a) + yy * np.sin(a)
        g = 0.5 + 0.5 * np.sin(u / rng.uniform(3, 9) + 3 * n)
        base = np.array(rng.choice([(0.25, 0.40, 0.60), (0.15, 0.25, 0.40), (0.40, 0.55, 0.70)]), np.float32)
        img = base * (0.75 + 0.35 * g)[..., None]
    elif kind == "tiles":
        step = rng.uniform(40, 120)
        grout = ((xx % step) < 2.5) | ((yy % step) < 2.5)
        base = np.array(rng.choice([(0.75, 0.75, 0.72), (0.45, 0.50, 0.55), (0.60, 0.65, 0.55)]), np.float32)
        img = base * (1 + 0.05 * n)[..., None]
        img[grout] *= 0.6
    else:
        base = {"dark_table": (0.12, 0.12, 0.13), "grey_table": (0.55, 0.55, 0.55),
                "carpet": (0.35, 0.30, 0.45), "cloth": (0.60, 0.45, 0.35)}[kind]
        amp = 0.25 if kind == "carpet" else 0.08
        fine = rng.standard_normal((h, w)).astype(np.float32)
        img = np.array(base, np.float32) * (1 + amp * n + amp * 0.5 * fine)[..., None]
    return cv2.resize(np.clip(img, 0, 1).astype(np.float32), (W, H), interpolation=cv2.INTER_LINEAR)


def _light(rng, W, H) -> np.ndarray:
    w, h = W // 8 + 1, H // 8 + 1
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    xx, yy = xx / w - 0.5, yy / h - 0.5
    g = 1 + rng.uniform(-0.35, 0.35) * xx + rng.uniform(-0.35, 0.35) * yy
    v = 1 - rng.uniform(0.0, 0.35) * (xx ** 2 + yy ** 2) * 2
    L = g * v
    if rng.random() < 0.6:                             # a cast shadow (phone, arm, person)
        sh = np.zeros((h, w), np.uint8)
        c = np.array([rng.uniform(0, w), rng.uniform(0, h)])
        pts = c + rng.normal(0, 0.35, (5, 2)) * [w, h]
        cv2.fillPoly(sh, [cv2.convexHull(pts.astype(np.int32))], 255)
        sh = cv2.GaussianBlur(sh.astype(np.float32) / 255, (0, 0), rng.uniform(1, 6))
        L = L * (1 - rng.uniform(0.15, 0.45) * sh)
    return cv2.resize(L.astype(np.float32), (W, H), interpolation=cv2.INTER_LINEAR)


def _psf(rng, scale) -> np.ndarray:
    r = rng.uniform(0.3, 2.2) * scale
    m = rng.uniform(0, 4.0) * scale if rng.random() < 0.5 else 0.0
    n = int(np.ceil(r + m)) * 2 + 3
    yy, xx = np.mgrid[0:n, 0:n] - n // 2
    disc = np.clip(r + 0.5 - np.hypot(xx, yy), 0, 1).astype(np.float32)
    k = disc / disc.sum()
    if m > 0.5:
        line = np.zeros((n, n), np.float32)
        a = rng.uniform(0, np.pi)
        d = np.array([np.cos(a), np.sin(a)]) * m / 2
        cv2.line(line, tuple(int(round(n // 2 - v)) for v in d), tuple(int(round(n // 2 + v)) for v in d), 1.0, 1)
        k = cv2.filter2D(k, -1, line / line.sum())
    return k / k.sum()


def _noise_tile(rng, W, H) -> np.ndarray:
    """Unit sensor noise for a W x H x 3 photo: a random 1024 px tile, repeated with a random
    offset (independent per pixel inside a tile, cheap on 12 MP)."""
    t = 1024
    tile = rng.standard_normal((t, t, 3), dtype=np.float32)
    reps = (H // t + 2, W // t + 2, 1)
    oy, ox = int(rng.integers(t)), int(rng.integers(t))
    return np.tile(tile, reps)[oy:oy + H, ox:ox + W]


def photograph(canvas: np.ndarray, plan: CameraPlan, rng: np.random.Generator, *,
               surface: bool = False) -> np.ndarray:
    """The photo (uint8 BGR) of the sheet raster ``canvas`` (float32 BGR reflectance)."""
    W, H = plan.width, plan.height
    Hs = sheet_px_to_photo(plan)
    img = cv2.warpPerspective(canvas, Hs, (W, H), flags=cv2.INTER_LINEAR)
    if not surface:
        q = 4                                            # alpha and shadow at 1/4 scale
        Hq = np.diag([1 / q, 1 / q, 1.0]) @ Hs
        ones = np.ones(canvas.shape[:2], np.float32)
        aq = cv2.warpPerspective(ones, Hq, (W // q + 1, H // q + 1), flags=cv2.INTER_LINEAR)
        off = int(max(W, H) * 0.004 / q) + 1
        shq = cv2.GaussianBlur(np.roll(aq, (off, off), (0, 1)), (0, 0), off * 1.5)
        a = cv2.warpPerspective(ones, Hs, (W, H), flags=cv2.INTER_LINEAR)
        bg = _background(rng, plan.background, W, H)
        sh = cv2.resize(1 - 0.4 * shq, (W, H), interpolation=cv2.INTER_LINEAR)
        bg = cv2.multiply(bg, cv2.merge([sh * (1 - a)] * 3))
        img = cv2.add(cv2.multiply(img, cv2.merge([a] * 3)), bg)
        del bg, a, sh
    light = _light(rng, W, H) * rng.uniform(0.85, 1.05)
    tint = (rng.uniform(0.85, 1.1), 1.0, rng.uniform(0.9, 1.15))
    img = cv2.multiply(img, cv2.merge([light * tint[0], light, light * tint[2]]))
    del light
    img = cv2.filter2D(img, -1, _psf(rng, max(W, H) / 3000.0))
    gain = rng.uniform(0.003, 0.02)
    sd = cv2.sqrt(cv2.max(img, 0.0) * gain + 1e-5)
    img = cv2.add(img, cv2.multiply(_noise_tile(rng, W, H), sd))
    del sd
    out = cv2.convertScaleAbs(img, alpha=255.0)
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(55, 96))])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)
