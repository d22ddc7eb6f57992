"""Textures for synthetic footprint photos: paper, table, and the four print kinds.

All images are float32 BGR in 0..255 (H, W, 3) or float32 maps in 0..1 (H, W); every
function takes a ``numpy.random.Generator`` so a seed fixes the output. Lengths given in mm
are converted with ``ppm`` (pixels per millimetre of the sheet plane).
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["smooth_noise", "paper_image", "table_image", "print_alpha", "compose_print",
           "draw_form", "PAPER_COLOURS"]

# BGR base colours
PAPER_COLOURS = {
    "white": (242, 244, 245),
    "kraft": (118, 160, 196),
    "cardboard": (140, 165, 182),
    "black": (28, 28, 30),
}
_PASTELS = [(235, 215, 190), (190, 235, 245), (215, 200, 240), (200, 240, 210), (185, 215, 250)]


def smooth_noise(rng: np.random.Generator, shape, scale_px: float) -> np.ndarray:
    """Smooth random field in about -1..1 with features of ``scale_px`` pixels."""
    h, w = shape
    gh, gw = max(int(h / max(scale_px, 1)) + 2, 2), max(int(w / max(scale_px, 1)) + 2, 2)
    small = rng.standard_normal((gh, gw)).astype(np.float32)
    big = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(big / 1.5, -1.5, 1.5)


def paper_image(rng, shape, paper: str, ppm: float) -> np.ndarray:
    """Paper of kind white/coloured/kraft/cardboard/black with fibres and grain."""
    if paper == "coloured":
        base = np.array(_PASTELS[int(rng.integers(len(_PASTELS)))], np.float32)
    else:
        base = np.array(PAPER_COLOURS[paper], np.float32)
    base = base * rng.uniform(0.96, 1.03)
    h, w = shape
    img = np.empty((h, w, 3), np.float32)
    img[:] = base
    rough = {"white": 3.0, "coloured": 3.0, "kraft": 9.0, "cardboard": 12.0, "black": 4.0}[paper]
    tex = smooth_noise(rng, shape, 20 * ppm) * rough * 0.6 + smooth_noise(rng, shape, 1.5 * ppm) * rough * 0.5
    if paper in ("kraft", "cardboard"):
        fib = smooth_noise(rng, (h, max(w // 8, 2)), ppm)
        tex += cv2.resize(fib, (w, h), interpolation=cv2.INTER_LINEAR) * rough * 0.4
    img += tex[..., None]
    return img


def table_image(rng, shape) -> np.ndarray:
    """A table top: wood grain, plain laminate or fabric, usually darker than paper."""
    h, w = shape
    kind = rng.choice(["wood", "plain", "fabric"])
    img = np.empty((h, w, 3), np.float32)
    if kind == "wood":
        base = np.array([60, 100, 150], np.float32) * rng.uniform(0.6, 1.2)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        ang = rng.uniform(0, np.pi)
        u = xx * np.cos(ang) + yy * np.sin(ang)
        warp = smooth_noise(rng, shape, w / 6) * 40
        grain = 0.5 + 0.5 * np.sin((u + warp) / rng.uniform(6, 14))
        img[:] = base
        img *= (0.8 + 0.3 * grain)[..., None]
    else:
        base = rng.uniform(40, 200, 3).astype(np.float32)
        img[:] = base
        if kind == "fabric":
            img += (smooth_noise(rng, shape, 3) * 12)[..., None]
    img += (smooth_noise(rng, shape, max(h, w) / 5) * 15)[..., None]
    return img


def print_alpha(rng, cover: np.ndarray, region: np.ndarray, kind: str, ppm: float) -> np.ndarray:
    """Ink/water coverage 0..1 of a print from its clean coverage and a pressure weight.

    cover : antialiased clean print coverage (0..1). region : 0..1 pressure weight by foot
    region (heel and ball pressed hardest, arch lightest), already in the sheet plane.
    """
    shape = cover.shape
    inner = cv2.distanceTransform((cover > 0.5).astype(np.uint8), cv2.DIST_L2, 3) / (6 * ppm)
    press = np.clip(0.35 + 0.65 * np.minimum(inner, 1.0), 0, 1) * (0.45 + 0.55 * region)
    if kind == "ink":
        soft = cv2.GaussianBlur(cover, (0, 0), 0.15 * ppm + 0.3)
        grain = smooth_noise(rng, shape, 0.5 * ppm)
        blotch = smooth_noise(rng, shape, 8 * ppm)
        a = soft * np.clip(press * (0.8 + 0.25 * blotch) + 0.25 * grain, 0, 1)
        gaps = grain < rng.uniform(-1.2, -0.8)                  # dry spots in the ink
        a[gaps] *= 0.3
        return np.clip(a * rng.uniform(0.85, 1.0), 0, 1)
    if kind == "wet":
        soft = cv2.GaussianBlur(cover, (0, 0), rng.uniform(0.6, 1.6) * ppm)
        uneven = 0.7 + 0.3 * smooth_noise(rng, shape, 10 * ppm)
        a = soft * np.clip(press * uneven, 0, 1)
        ring = np.clip(soft - cv2.GaussianBlur(soft, (0, 0), 1.5 * ppm), 0, 1)  # drying rim
        return np.clip(a + 0.8 * ring, 0, 1)
    if kind == "inverted":
        soft = cv2.GaussianBlur(cover, (0, 0), 0.3 * ppm + 0.3)
        yy, xx = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
        wobble = smooth_noise(rng, shape, 6 * ppm) * 2 * ppm
        ridges = 0.5 + 0.5 * np.sin((xx + wobble) / (0.22 * ppm))   # skin ridges
        a = soft * np.clip(press * (0.55 + 0.45 * ridges), 0, 1)
        return np.clip(a, 0, 1)
    if kind == "grid_mat":
        return _crosshatch(rng, cover, press, ppm)
    raise ValueError(f"unknown print kind {kind!r}")


def _crosshatch(rng, cover, press, ppm) -> np.ndarray:
    """Grid-mat print: crosshatch lines whose thickness follows the pressure."""
    h, w = cover.shape
    pitch = rng.uniform(1.8, 2.6) * ppm
    ang = np.deg2rad(rng.uniform(-3, 3))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    u = xx * np.cos(ang) + yy * np.sin(ang)
    v = -xx * np.sin(ang) + yy * np.cos(ang)
    du = np.abs((u / pitch) % 1.0 - 0.5) * pitch                 # distance to nearest line
    dv = np.abs((v / pitch) % 1.0 - 0.5) * pitch
    half = (0.08 + 0.32 * press) * pitch / 2 + 0.3
    lines = np.maximum(np.clip(half - du + 0.5, 0, 1), np.clip(half - dv + 0.5, 0, 1))
    soft = cv2.GaussianBlur(cover, (0, 0), 0.2 * ppm + 0.3)
    fill = 0.15 * press                                          # faint smudge between lines
    return np.clip(soft * np.maximum(lines * (0.6 + 0.4 * press), fill), 0, 1)


def compose_print(paper: np.ndarray, alpha: np.ndarray, kind: str, rng) -> np.ndarray:
    """Lay the print (coverage ``alpha``) on the paper image."""
    if kind == "wet":
        dark = rng.uniform(0.12, 0.3)
        tint = np.array(rng.uniform(0.9, 1.0, 3), np.float32)
        return paper * (1 - alpha[..., None] * dark * tint)
    if kind == "inverted":
        light = np.array(rng.uniform(200, 245, 3), np.float32)
        return paper * (1 - alpha[..., None]) + light * alpha[..., None]
    inks = [(30, 30, 35), (90, 40, 25), (70, 30, 60), (35, 35, 110)]
    ink = np.array(inks[int(rng.integers(len(inks)))] if kind == "ink" else (45, 45, 50),
                   np.float32)
    return paper * (1 - alpha[..., None]) + ink * alpha[..., None]


def put_text(img: np.ndarray, text: str, org, scale: float, colour, thick: int,
             font: int = cv2.FONT_HERSHEY_SIMPLEX) -> None:
    """``cv2.putText`` (anti-aliased) on a float or 8-bit image: OpenCV 5 draws text on 8-bit
    images only, so the text's coverage is drawn on an 8-bit mask and blended in."""
    mask = np.zeros(img.shape[:2], np.uint8)
    cv2.putText(mask, text, org, font, scale, 255, thick, cv2.LINE_AA)
    a = (mask.astype(np.float32) / 255.0)[..., None]
    img[...] = img * (1 - a) + np.asarray(colour, np.float32) * a


def draw_form(img: np.ndarray, rng, ppm: float, n_feet: int) -> None:
    """Printed clinic form for grid-mat sheets: header bars, labels, a logo, remark lines."""
    h, w = img.shape[:2]
    blue = tuple(float(c) for c in (rng.uniform(180, 230), rng.uniform(120, 160), rng.uniform(40, 90)))
    m = int(6 * ppm)
    put_text(img, "PODOGRAPH", (m, int(12 * ppm)), 0.14 * ppm, blue, max(int(0.5 * ppm), 1))
    cv2.circle(img, (w - int(14 * ppm), int(10 * ppm)), int(6 * ppm), blue, max(int(0.6 * ppm), 1),
               cv2.LINE_AA)
    cols = [(m, w - m)] if n_feet == 1 else [(m, w // 2 - m // 2), (w // 2 + m // 2, w - m)]
    for i, (x0, x1) in enumerate(cols):
        cv2.rectangle(img, (x0, int(16 * ppm)), (x1, int(20 * ppm)), blue, -1)
        label = ("Left foot" if i == 0 else "Right foot") if n_feet == 2 else "Foot"
        put_text(img, label, (x0 + int(2 * ppm), int(19.3 * ppm)), 0.08 * ppm, (250, 250, 250),
                  max(int(0.25 * ppm), 1))
        cv2.line(img, (x0, int(20 * ppm)), (x0, h - int(14 * ppm)), blue, max(int(0.3 * ppm), 1))
    y = h - int(8 * ppm)
    put_text(img, "Remarks", (m, y), 0.07 * ppm, (40, 40, 40), max(int(0.2 * ppm), 1))
    cv2.line(img, (m + int(20 * ppm), y), (w - m, y), (120, 120, 120), 1, cv2.LINE_AA)
