"""Not a print on paper (renderer B): prints on a wooden deck, on bathroom tiles, in sand and
on skin. The surface fills the whole photo; the feet are still given as truth, but the
engine should refuse the photo (``Scene.expect_refusal``)."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from synth.footprint_b import ink
from synth.footprint_b.anatomy import random_params, rasterise
from synth.footprint_b.camera import photograph, plan_camera, sheet_px_to_photo
from synth.footprint_b.truth import PhotoB, foot_truth

__all__ = ["SURFACES", "render_surface"]

SURFACES = ("deck", "tiles", "sand", "skin")
SURFACE_MM = (560.0, 420.0)
SURFACE_FILL = (1.5, 1.9)        # the surface overfills the photo
SURFACE_MAX_PPM = 5.0


def _noise(rng, shape, cell):
    h, w = shape
    g = rng.standard_normal((max(2, int(h / cell) + 2), max(2, int(w / cell) + 2))).astype(np.float32)
    return cv2.resize(g, (w, h), interpolation=cv2.INTER_CUBIC)


def _texture(kind, rng, shape, ppm) -> np.ndarray:
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    out = np.empty((h, w, 3), np.float32)
    if kind == "deck":
        pw = rng.uniform(90, 140) * ppm
        plank = (xx // pw).astype(np.int32)
        grain = np.sin(yy / (rng.uniform(4, 9) * ppm) + 4 * _noise(rng, shape, 30 * ppm) + plank * 1.7)
        base = np.array(rng.choice([(0.30, 0.45, 0.62), (0.22, 0.32, 0.45), (0.45, 0.50, 0.55)]), np.float32)
        out[:] = base
        out *= (0.8 + 0.12 * grain + 0.05 * (plank % 3))[..., None]
        out[(xx % pw) < 3 * ppm] *= 0.35
    elif kind == "tiles":
        tw = rng.uniform(100, 250) * ppm
        out[:] = rng.choice([(0.85, 0.85, 0.83), (0.70, 0.72, 0.66), (0.80, 0.75, 0.70)])
        out *= (1 + 0.03 * _noise(rng, shape, 20 * ppm))[..., None]
        grout = ((xx % tw) < 2.5 * ppm) | ((yy % tw) < 2.5 * ppm)
        out[grout] *= 0.7
    elif kind == "sand":
        out[:] = rng.choice([(0.55, 0.72, 0.82), (0.50, 0.62, 0.70)])
        out *= (1 + 0.12 * rng.standard_normal(shape).astype(np.float32)
                + 0.06 * _noise(rng, shape, 25 * ppm))[..., None]
    else:
        out[:] = rng.choice([(0.55, 0.66, 0.86), (0.40, 0.52, 0.72), (0.25, 0.33, 0.48)])
        out *= (1 + 0.05 * _noise(rng, shape, 3 * ppm) + 0.04 * _noise(rng, shape, 40 * ppm))[..., None]
        for _ in range(int(rng.integers(3, 8))):                         # skin creases
            y = rng.uniform(0, h)
            cv2.line(out, (0, int(y)), (w, int(y + rng.normal(0, h * 0.1))), (0.8 * out[0, 0]).tolist(),
                     max(1, int(0.6 * ppm)))
    return out


def _sand_prints(canvas, rasters, ppm, rng):
    depth = np.zeros(canvas.shape[:2], np.float32)
    for r in rasters:
        sub = depth[r.y0:r.y0 + r.contact.shape[0], r.x0:r.x0 + r.contact.shape[1]]
        c = r.contact[:sub.shape[0], :sub.shape[1]]
        sub[c] = 1.0
    depth = cv2.GaussianBlur(depth, (0, 0), 2.5 * ppm)
    gx, gy = cv2.Sobel(depth, cv2.CV_32F, 1, 0), cv2.Sobel(depth, cv2.CV_32F, 0, 1)
    a = rng.uniform(0, 2 * np.pi)
    shade = 1 + 3.0 * (gx * np.cos(a) + gy * np.sin(a)) / ppm - 0.1 * depth
    canvas *= np.clip(shade, 0.4, 1.6)[..., None]


def render_surface(kind: str, rng: np.random.Generator, long_side_px=None) -> PhotoB:
    mm = SURFACE_MM if rng.random() < 0.5 else SURFACE_MM[::-1]
    plan = plan_camera(rng, mm, fill=SURFACE_FILL, long_side_px=long_side_px)
    plan = replace(plan, ppm=min(plan.ppm, SURFACE_MAX_PPM))
    ppm = plan.ppm
    shape = (int(mm[1] * ppm), int(mm[0] * ppm))
    canvas = _texture(kind, rng, shape, ppm)
    L = rng.uniform(100, 240)
    ang = rng.normal(0, 15)
    rasters = []
    for k, side in enumerate(("left", "right")):
        p = random_params(rng, length_mm=L)
        hx = mm[0] / 2 + (k - 0.5) * (p.ball_w_mm + rng.uniform(15, 60))
        hy = mm[1] / 2 + 0.4 * L + rng.normal(0, 10)
        rasters.append(rasterise(p, side, (hx * ppm, hy * ppm), ang + rng.normal(0, 6), ppm, rng))
    if kind == "sand":
        _sand_prints(canvas, rasters, ppm, rng)
        style_name = "sand"
    else:
        st = ink.random_style(rng, "ink" if kind == "skin" else "wet")
        if kind == "deck":
            st = replace(st, density=rng.uniform(0.35, 0.7))
        for r in rasters:
            ink.stamp(canvas, r.contact, r.x0, r.y0, st, ppm, rng)
        style_name = st.kind
    np.clip(canvas, 0, 1, out=canvas)
    image = photograph(canvas, plan, rng, surface=True)
    Hs = sheet_px_to_photo(plan)
    wh = (plan.width, plan.height)
    prints = [(r.x0, r.y0, r.contact) for r in rasters]
    feet = tuple(foot_truth(r, Hs, wh, prints[:i] + prints[i + 1:]) for i, r in enumerate(rasters))
    return PhotoB(image=image, feet=feet, blobs=(), style=style_name, sheet_to_photo=Hs,
                  sheet_ppm=ppm, rasters=tuple(rasters))
