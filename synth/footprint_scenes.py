"""Hard footprint scenes for calibration benches: keepsake sheets and not-paper photos.

``render_scene(kind, seed)`` draws one photo of a scene kind from :data:`SCENE_KINDS`, built on
:func:`synth.footprint_render.render_photo` with :class:`~synth.footprint_scenes_hooks.SceneHooks`,
and returns the photo, the true feet (side, indices, photo-pixel heel / toe / box, whole flag)
and the true non-foot blobs (hands, drawings, text, stickers, marks).

Scene kinds
-----------
plain          random_spec: ink, wet, grid-mat or inverted prints, one or two feet.
hands          one or two child's handprints (palm + five digits) beside the feet.
hand_touching  a handprint touching or just overlapping a foot (merged blob).
outline        a pencil or crayon line traced around one or both feet.
doodles        crayon hearts, stars, spirals, suns, flowers around the feet.
stickers       glossy stickers, some just in front of the toes (toe-like blobs).
text           a name and / or a date written under the heels (ink colour or crayon).
marks          keepsake title and logo, hatched length bars, registration crosses.
crossed        two feet crossed / overlapping (neither is a whole print).
siblings       three or four feet of two sizes on one sheet (two children).
broken_band    high arch: the midfoot band is broken (heel and forefoot apart).
faint_band     high arch with a faint lateral band (light pressure in the midfoot).
faint_grid     faint grid-mat print with the clinic form, logo and hatch marks.
deck, tiles, sand, skin   not a print on paper: must be refused (``expect_refusal``).

Deterministic by ``(kind, seed)``; different kinds with one seed are unrelated draws.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from synth import footprint_scenes_marks as mk
from synth.foot_shape import random_shape
from synth.footprint_render import PAPER_MM, RenderedPhoto, random_spec, render_photo
from synth.footprint_scenes_hooks import ExtraPrint, SceneHooks

__all__ = ["SCENE_KINDS", "NOT_PAPER", "Scene", "render_scene", "scene_spec"]

SCENE_KINDS = ("plain", "hands", "hand_touching", "outline", "doodles", "stickers", "text",
               "marks", "crossed", "siblings", "broken_band", "faint_band", "faint_grid",
               "deck", "tiles", "sand", "skin")
NOT_PAPER = frozenset(mk.SURFACES)
LONG_SIDES_PX = (1600, 2000, 2400)
MARGIN_MM = 8.0                # feet and hands keep this far from the sheet's edge
FEET_GAP_MM = (12.0, 35.0)     # gap between neighbouring feet
KEEPSAKE_STYLES = (("ink", "wet", "inverted"), (0.62, 0.23, 0.15))   # no clinic mats
ANY_STYLES = (("ink", "wet", "inverted", "grid_mat"), (0.35, 0.3, 0.15, 0.2))
HAND_TO_FOOT = (0.72, 0.9)     # child's hand length / foot length
TOUCH_TARGET_MM = (-0.6, 0.6)  # hand-to-foot distance in hand_touching (negative: overlap)
FAINT_BAND_GAIN = (0.2, 0.45)  # pressure multiplier of the midfoot in faint_band
FAINT_GRID_GAIN = (0.4, 0.65)  # ink coverage multiplier in faint_grid
SURFACE_FILL = (1.15, 1.3)
BROKEN_ARCH = (0.0, 0.08)      # arch_level of broken_band feet (midfoot contact broken)
FAINT_ARCH = (0.1, 0.32)       # arch_level of faint_band feet (thin lateral band)     # floors fill the whole photo (the "sheet" is larger than it)


@dataclass(frozen=True)
class Scene:
    """One rendered scene: ``photo.feet`` / ``photo.blobs`` are the truth."""

    kind: str
    seed: int
    photo: RenderedPhoto
    expect_refusal: bool        # not a print on paper: no foot should be measured


def _place(r, cx, cy, ang_deg):
    """Affine raster -> sheet plane putting the raster centre at (cx, cy), rotated."""
    h, w = r.full.shape if hasattr(r, "full") else r.shape
    M = cv2.getRotationMatrix2D((w / 2, h / 2), float(ang_deg), 1.0)
    M[:, 2] += (cx - w / 2, cy - h / 2)
    return M


def _row(rasters, sheet_px, ppm, rng, y_bottom_px, angles):
    """Feet side by side, centred, heels near ``y_bottom_px``; raster centre positions."""
    widths = [r.full.shape[1] * 0.8 for r in rasters]
    gap = rng.uniform(*FEET_GAP_MM) * ppm
    total = sum(widths) + gap * (len(rasters) - 1)
    x = sheet_px[0] / 2 - total / 2 + rng.normal(0, 4) * ppm
    mats = []
    for r, wd, ang in zip(rasters, widths, angles, strict=True):
        h = r.full.shape[0]
        mats.append(_place(r, x + wd / 2, y_bottom_px - h / 2, ang))
        x += wd + gap
    return mats


def _covers(placed, sheet_px) -> list[np.ndarray]:
    return [cv2.warpAffine(r.full.astype(np.float32), M, sheet_px) for M, r in placed]


def _sheet_points(placed):
    """Per foot (heel x, rear y, toe x, toe y, axis ux, uy) in the sheet plane."""
    out = []
    for M, r in placed:
        ys, _ = np.nonzero(r.full)
        rear = (r.heel_xy[0], float(ys.max()))
        pts = np.array([r.heel_xy, r.toe_xy, rear], np.float64) @ M[:, :2].T + M[:, 2]
        u = pts[1] - pts[0]
        u /= np.hypot(*u)
        out.append((pts[0], pts[1], pts[2], u))
    return out


# ----------------------------------------------------------------------------- hooks ---

def _hands_hooks(rng, n_hands: int, hand_mm: float, touching: bool) -> SceneHooks:
    def place(spec, rng_, rasters, sheet_px, ppm):
        bottom = sheet_px[1] - MARGIN_MM * ppm - rng_.uniform(0, 10) * ppm
        return _row(rasters, sheet_px, ppm, rng_, bottom, rng_.normal(0, 5, len(rasters)))

    def extra(rng_, sheet_px, ppm, placed):
        feet = np.maximum.reduce(_covers(placed, sheet_px)) > 0.5
        top_feet = np.nonzero(feet.any(axis=1))[0].min()
        out = []
        sides = ["left", "right"][:n_hands] if rng_.random() < 0.5 else ["right", "left"][:n_hands]
        hands = [mk.hand_raster(rng_, hand_mm * rng_.uniform(0.97, 1.03), ppm, s) for s in sides]
        gap = rng_.uniform(8, 30) * ppm
        total = sum(h.mask.shape[1] for h in hands) + gap * (len(hands) - 1)
        x = sheet_px[0] / 2 - total / 2
        for k, h in enumerate(hands):
            hh, hw = h.mask.shape
            cy = top_feet - hh / 2 - rng_.uniform(3, 15) * ppm
            cy = max(cy, MARGIN_MM * ppm + hh / 2)
            M = _place(h.mask, x + hw / 2, cy, rng_.normal(0, 12))
            x += hw + gap
            cover = cv2.warpAffine(h.mask.astype(np.float32), M, sheet_px)
            if touching and k == 0:
                cover, M = _pull_to(cover, h.mask, M, feet, sheet_px,
                                    rng_.uniform(*TOUCH_TARGET_MM) * ppm)
            region = cv2.warpAffine(mk.hand_weight(h), M, sheet_px)
            ys, xs = np.nonzero(cover > 0.5)
            if len(xs) == 0:
                continue
            out.append(ExtraPrint(cover=cover, region=region, kind="hand",
                                  box_sheet=(xs.min(), ys.min(), xs.max(), ys.max()),
                                  detail="touching a foot" if touching and k == 0 else ""))
            feet |= cover > 0.5
        return out

    return SceneHooks(place=place, extra_prints=extra)


def _pull_to(cover, mask, M, feet, sheet_px, target_px):
    """Shift a placed hand towards the feet until their nearest distance is ``target_px``."""
    dist = cv2.distanceTransform((~feet).astype(np.uint8), cv2.DIST_L2, 5)
    M = M.copy()
    fy, fx = np.nonzero(feet)
    centre = np.array([fx.mean(), fy.mean()])
    for _ in range(4):
        on = cover > 0.5
        if not on.any():
            break
        d = float(dist[on].min())
        hy, hx = np.nonzero(on)
        v = centre - np.array([hx.mean(), hy.mean()])
        v /= np.hypot(*v) + 1e-9
        step = d - max(target_px, 0.0) + (-target_px if target_px < 0 else 0.0)
        if abs(step) < 0.5:
            break
        M[:, 2] += v * step
        cover = cv2.warpAffine(mask.astype(np.float32), M, sheet_px)
    return cover, M


def _draw_hooks(rng, kind: str, ink_bgr) -> SceneHooks:
    """outline / doodles / stickers / text / marks."""
    def place(spec, rng_, rasters, sheet_px, ppm):
        bottom = sheet_px[1] - (MARGIN_MM + (26 if kind == "text" else 6)) * ppm
        return _row(rasters, sheet_px, ppm, rng_, bottom - rng_.uniform(0, 20) * ppm,
                    rng_.normal(0, 5, len(rasters)))

    def under(img, rng_, ppm, placed):
        if kind != "outline":
            return []
        sheet_px = img.shape[1], img.shape[0]
        covers = _covers(placed, sheet_px)
        pick = [i for i in range(len(covers)) if rng_.random() < 0.7] or [0]
        return [mk.outline_around(img, rng_, ppm, covers[i]) for i in pick]

    def over(img, rng_, ppm, placed):
        sheet_px = img.shape[1], img.shape[0]
        taken = cv2.dilate((np.maximum.reduce(_covers(placed, sheet_px)) > 0.2).astype(np.uint8),
                           np.ones((int(6 * ppm) | 1,) * 2, np.uint8)) > 0
        pts = _sheet_points(placed)
        if kind == "doodles":
            return mk.draw_doodles(img, rng_, ppm, taken, int(rng_.integers(2, 6)))
        if kind == "stickers":
            near = [(p[1][0], p[1][1], p[3][0], p[3][1]) for p in pts]
            return mk.draw_stickers(img, rng_, ppm, taken, int(rng_.integers(2, 6)), near)
        if kind == "text":
            out = []
            for p in pts:
                if rng_.random() < 0.8 or not out:
                    out += mk.draw_text_under(img, rng_, ppm, p[2], ink_bgr)
            return out
        if kind == "marks":
            return mk.draw_marks(img, rng_, ppm, [(p[2][0], p[2][1], p[1][0], p[1][1]) for p in pts],
                                 grid=False)
        return []

    return SceneHooks(place=place, draw_under=under, draw_over=over)


def _faint_band_hooks(gain: float) -> SceneHooks:
    def region(reg, placed, ppm):
        sheet_px = reg.shape[1], reg.shape[0]
        for M, r in placed:
            h = r.full.shape[0]
            s = (r.heel_xy[1] - np.arange(h)) / max(r.heel_xy[1] - r.toe_xy[1], 1.0)
            f = np.interp(s, [0.2, 0.3, 0.55, 0.65], [1.0, gain, gain, 1.0]).astype(np.float32)
            fmap = np.repeat(f[:, None], r.full.shape[1], axis=1)
            warped = cv2.warpAffine(fmap, M, sheet_px, borderValue=1.0)
            reg = reg * warped
        return reg

    return SceneHooks(region=region)


def _grid_marks_hooks(gain: float) -> SceneHooks:
    def over(img, rng_, ppm, placed):
        pts = _sheet_points(placed)
        return mk.draw_marks(img, rng_, ppm, [(p[2][0], p[2][1], p[1][0], p[1][1]) for p in pts],
                             grid=True)

    return SceneHooks(draw_over=over, alpha_gain=gain)


def _surface_hooks(surface: str) -> SceneHooks:
    def paper(rng_, shape, ppm):
        return mk.surface_image(rng_, shape, ppm, surface)

    def over(img, rng_, ppm, placed):
        if surface == "skin":                    # the sole itself: warm skin tones
            grey = img.mean(axis=2)
            bright = np.clip((grey - np.percentile(grey, 30) - 20) / 120, 0, 1)[..., None]
            skin = np.array([120, 150, 205], np.float32) * rng_.uniform(0.8, 1.1)
            img[:] = img * (1 - bright) + skin * (0.7 + 0.3 * bright) * bright
        return []

    return SceneHooks(paper=paper, draw_over=over, alpha_gain=1.6 if surface != "skin" else 1.0)


# ------------------------------------------------------------------------- layouts ---

def _crossed_place(rng):
    def place(spec, rng_, rasters, sheet_px, ppm):
        r0, r1 = rasters
        cy = sheet_px[1] / 2 + rng_.normal(0, 10) * ppm
        cx = sheet_px[0] / 2
        w = r0.full.shape[1] * 0.8
        dx = rng_.uniform(0.3, 0.6) * w
        ang = rng_.uniform(12, 35)
        return [_place(r0, cx - dx / 2, cy, rng_.normal(0, 4)),
                _place(r1, cx + dx / 2, cy + rng_.normal(0, 0.1) * r1.full.shape[0], ang)]

    return place


def _siblings_place(n_big: int):
    def place(spec, rng_, rasters, sheet_px, ppm):
        big, small = rasters[:n_big], rasters[n_big:]
        bottom = sheet_px[1] - MARGIN_MM * ppm
        mats = _row(big, sheet_px, ppm, rng_, bottom, rng_.normal(0, 4, len(big)))
        top_big = bottom - max(r.full.shape[0] for r in big)
        mats += _row(small, sheet_px, ppm, rng_, top_big - rng_.uniform(3, 12) * ppm,
                     rng_.normal(0, 4, len(small)))
        return mats

    return place


# --------------------------------------------------------------------------- specs ---

def _style(rng, table) -> str:
    names, p = table
    return str(rng.choice(names, p=p))


def scene_spec(kind: str, seed: int, *, long_side_px: int | None = None):
    """(RenderSpec, SceneHooks, expect_refusal) of scene ``kind`` number ``seed``."""
    if kind not in SCENE_KINDS:
        raise ValueError(f"kind must be one of {SCENE_KINDS}, got {kind!r}")
    rng = np.random.default_rng([int(seed), SCENE_KINDS.index(kind)])
    size = int(long_side_px or rng.choice(LONG_SIDES_PX))
    base = dict(long_side_px=size, rotation_deg=float(rng.choice([0, 90, 180, 270]) + rng.normal(0, 6)))
    if kind == "plain":
        return random_spec(rng, long_side_px=size), SceneHooks(), False
    if kind in NOT_PAPER:
        style = "inverted" if kind == "skin" else "wet"
        base["rotation_deg"] = float(rng.choice([0, 180]) + rng.normal(0, 3))
        spec = random_spec(rng, kind=style, paper_colour="white", landscape=False,
                           sheet_fill=float(rng.uniform(*SURFACE_FILL)),
                           foot_length_mm=float(rng.uniform(100, 150)), **base)
        return spec, _surface_hooks(kind), True
    if kind in ("hands", "hand_touching"):
        style = _style(rng, KEEPSAKE_STYLES)
        foot = float(rng.uniform(95, 135))
        hand = float(min(foot * rng.uniform(*HAND_TO_FOOT), PAPER_MM["letter"][1] - foot - 45))
        spec = random_spec(rng, kind=style, n_feet=int(rng.choice([1, 2], p=[0.3, 0.7])),
                           foot_length_mm=foot, perspective=float(rng.uniform(0, 0.6)), **base)
        return spec, _hands_hooks(rng, int(rng.choice([1, 2])), hand, kind == "hand_touching"), False
    if kind in ("outline", "doodles", "stickers", "text", "marks"):
        style = _style(rng, KEEPSAKE_STYLES)
        spec = random_spec(rng, kind=style, foot_length_mm=float(rng.uniform(100, 170)),
                           perspective=float(rng.uniform(0, 0.6)), **base)
        ink = (35, 35, 40) if style != "inverted" else (235, 235, 235)
        return spec, _draw_hooks(rng, kind, ink), False
    if kind == "crossed":
        spec = random_spec(rng, kind=_style(rng, ANY_STYLES), n_feet=2,
                           foot_length_mm=float(rng.uniform(110, 180)), **base)
        return spec, SceneHooks(place=_crossed_place(rng)), False
    if kind == "siblings":
        big_mm, small_mm = float(rng.uniform(122, 142)), float(rng.uniform(88, 106))
        n_big, n_small = (2, 2) if rng.random() < 0.6 else ((2, 1) if rng.random() < 0.5 else (1, 2))
        shapes = []
        for n, mm in ((n_big, big_mm), (n_small, small_mm)):
            sh = random_shape(rng, length_mm=mm, side="left")
            sides = ["left", "right"][:n] if n == 2 else [str(rng.choice(["left", "right"]))]
            shapes += [replace(sh, side=s, arch_level=float(np.clip(sh.arch_level + rng.normal(0, 0.04), 0, 1)))
                       for s in sides]
        spec = random_spec(rng, kind=_style(rng, KEEPSAKE_STYLES), feet=tuple(shapes),
                           perspective=float(rng.uniform(0, 0.6)), **base)
        return spec, SceneHooks(place=_siblings_place(n_big)), False
    if kind in ("broken_band", "faint_band"):
        n = int(rng.choice([1, 2], p=[0.3, 0.7]))
        sh = random_shape(rng, length_mm=float(rng.uniform(120, 185)), side="left")
        sides = ["left", "right"][:n] if n == 2 else [str(rng.choice(["left", "right"]))]
        lo, hi = BROKEN_ARCH if kind == "broken_band" else FAINT_ARCH
        shapes = tuple(replace(sh, side=s_, arch_level=float(rng.uniform(lo, hi))) for s_ in sides)
        spec = random_spec(rng, kind=_style(rng, ANY_STYLES), feet=shapes, **base)
        hooks = _faint_band_hooks(float(rng.uniform(*FAINT_BAND_GAIN))) if kind == "faint_band" \
            else SceneHooks()
        return spec, hooks, False
    # faint_grid
    spec = random_spec(rng, kind="grid_mat", n_feet=2, foot_length_mm=float(rng.uniform(150, 190)),
                       paper_colour="white", **base)
    return spec, _grid_marks_hooks(float(rng.uniform(*FAINT_GRID_GAIN))), False


def render_scene(kind: str, seed: int, *, long_side_px: int | None = None) -> Scene:
    """Render scene ``kind`` number ``seed`` (see the module docstring)."""
    spec, hooks, refuse = scene_spec(kind, seed, long_side_px=long_side_px)
    return Scene(kind=kind, seed=int(seed), photo=render_photo(spec, hooks), expect_refusal=refuse)
