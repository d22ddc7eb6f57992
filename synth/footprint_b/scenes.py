"""Scenes of renderer B: ``render_scene(kind, seed)`` -> :class:`Scene` with its own truth.

Paper scenes (one print style per sheet, A4 or US Letter, sometimes a ruler on the sheet):

clean          a pair (sometimes one foot) in any style: ink, wet, grid mat or inverted.
hands          one or two handprints beside the feet.
hand_touching  a handprint touching or overlapping a foot.
outline        a pencil or crayon line traced around one or both feet.
text           a name and / or a date written under the heels or above the toes.
stickers       stars, hearts, dots, smileys, labels; some just in front of the toes.
doodles        crayon spirals, suns, flowers, zigzags, scribbles, clouds.
crossed        two feet printed over each other (neither is whole).
siblings       three or four feet of two sizes.
broken_band    high arch: no midfoot contact (heel and ball apart).
faint_band     thin lateral band printed with little pressure.
faint          faint ink or grid-mat prints (little ink).
grid           grid-mat prints.
Not paper (``expect_refusal``): deck, tiles, sand, skin (see ``surfaces``).

Deterministic by (kind, seed); the seed and the kind together seed the generator.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from synth.footprint_b import ink, marks
from synth.footprint_b.anatomy import random_params, rasterise
from synth.footprint_b.camera import photograph, plan_camera, sheet_px_to_photo
from synth.footprint_b.layout import OCC_PPM, Occupancy, box_mask, foot_mask
from synth.footprint_b.surfaces import SURFACES, render_surface
from synth.footprint_b.truth import BlobTruthB, PhotoB, box_to_photo, foot_truth

__all__ = ["SCENE_KINDS", "NOT_PAPER", "Scene", "render_scene"]

SCENE_KINDS = ("clean", "hands", "hand_touching", "outline", "text", "stickers", "doodles",
               "crossed", "siblings", "broken_band", "faint_band", "faint", "grid") + SURFACES
NOT_PAPER = frozenset(SURFACES)
PAPER_MM = ((210.0, 297.0), (215.9, 279.4))
MARGIN_MM = 8.0
FOOT_GAP_MM = (10.0, 40.0)
KEEPSAKE = (("ink", "wet", "inverted"), (0.6, 0.22, 0.18))
ANY = (("ink", "wet", "grid_mat", "inverted"), (0.35, 0.25, 0.2, 0.2))
HAND_TO_FOOT = (0.7, 0.85)
RULER_P = 0.25
PRESSURE_F = (0.0, 0.22, 0.34, 0.56, 0.66, 0.80, 0.84, 1.1)    # s / length
PRESSURE_V = (1.0, 1.0, 0.75, 0.75, 0.95, 0.95, 0.7, 0.7)       # relative pressure
BAND_F = (0.30, 0.62)
FAINT_BAND_GAIN = (0.25, 0.5)


@dataclass(frozen=True)
class Scene:
    kind: str
    seed: int
    photo: PhotoB
    expect_refusal: bool


def _style_kind(kind, rng):
    if kind == "grid":
        return "grid_mat"
    if kind == "faint":
        return "ink" if rng.random() < 0.6 else "grid_mat"
    names, p = ANY if kind in ("clean", "siblings", "broken_band", "faint_band") else KEEPSAKE
    return str(rng.choice(names, p=p))


def _feet_params(kind, rng, sheet_mm):
    """[(params, side)] of the feet to print (a pair but sometimes one; siblings two sizes)."""
    room = min(sheet_mm[1] - 2 * MARGIN_MM - 15, 255.0)
    lo = 90.0
    band = {"broken_band": (-0.35, -0.03), "faint_band": (0.04, 0.25)}.get(kind)
    hi = {"hands": 130.0, "hand_touching": 150.0, "text": 215.0, "stickers": 230.0}.get(kind, room)
    if kind == "siblings":
        big, small = rng.uniform(140, min(185.0, room)), rng.uniform(95, 130)
        sizes = [(big, "left"), (big, "right"), (small, "left"), (small, "right")]
        if rng.random() < 0.4:
            sizes.pop(int(rng.integers(4)))
        out = []
        for L, side in sizes:
            out.append((random_params(rng, length_mm=L * rng.uniform(0.98, 1.02)), side))
        return out
    L = rng.uniform(lo, min(hi, room))
    span = (0.22, 0.26) if kind == "broken_band" else None
    feet = []
    for side in ("left", "right"):
        p = random_params(rng, length_mm=L * rng.uniform(0.98, 1.02), band_frac=band)
        if span:
            p = replace(p, arch_half_span_frac=rng.uniform(*span))
        feet.append((p, side))
    if kind != "crossed" and rng.random() < 0.1:
        feet.pop(int(rng.integers(2)))
    return feet


def _place_feet(kind, feet, occ, rng):
    """Heel centre (mm) and angle of each foot; None when a foot found no room."""
    base = rng.uniform(0, 360) if rng.random() < 0.15 else rng.normal(0, 10)
    placed, ids = [], []
    for i, (p, side) in enumerate(feet):
        def make(r, p=p, side=side, i=i):
            ang = base + r.normal(0, 8)
            if i == 0 or kind == "siblings":
                hx, hy = r.uniform(0, occ.w_mm), r.uniform(0, occ.h_mm)
            else:
                (px, py), pang = placed[i - 1]
                d = (p.ball_w_mm + feet[i - 1][0].ball_w_mm) / 2 + r.uniform(*FOOT_GAP_MM)
                if kind == "crossed":
                    d = r.uniform(0.0, 0.5) * p.ball_w_mm
                    ang = pang + r.choice([-1, 1]) * r.uniform(15, 40)
                t = np.radians(base)
                hx, hy = px + d * np.cos(t) + r.normal(0, 10) * np.sin(t), \
                    py + d * np.sin(t) - r.normal(0, 10) * np.cos(t)
            x0, y0, m = foot_mask(p, side, (hx, hy), ang, r)
            return x0, y0, m, ((hx, hy), ang)
        got = occ.try_place(make, rng, 8.0 if kind != "crossed" else 0.0,
                            touch=ids[0] if (kind == "crossed" and i == 1) else None)
        if got is None:
            return None, ids
        placed.append(got[0])
        ids.append(got[1])
    return placed, ids


def _pressure(r, gain):
    f = r.s_mm / r.params.length_mm
    b = np.interp(f, PRESSURE_F, PRESSURE_V).astype(np.float32)
    if gain < 1.0:
        band = (f > BAND_F[0]) & (f < BAND_F[1])
        b = np.where(band, b * gain, b)
    return b


def _hands(kind, rng, occ, feet_placed, foot_ids, L):
    n = 1 if kind == "hand_touching" else int(rng.integers(1, 3))
    out = []
    for k in range(n):
        hand = "left" if rng.random() < 0.5 else "right"
        length = L * rng.uniform(*HAND_TO_FOOT)
        hseed = int(rng.integers(1 << 30))
        tgt = int(rng.integers(len(foot_ids))) if kind == "hand_touching" else None

        def make(r, hand=hand, length=length, hseed=hseed, tgt=tgt):
            ang = r.uniform(-40, 40) if r.random() < 0.8 else r.uniform(0, 360)
            if tgt is None:
                c = (r.uniform(0, occ.w_mm), r.uniform(0, occ.h_mm))
            else:
                (hx, hy), fa = feet_placed[tgt]
                t = np.radians(fa)
                fx, fy = hx + 0.45 * L * np.sin(t), hy - 0.45 * L * np.cos(t)   # foot centre
                a = r.uniform(0, 2 * np.pi)
                d = r.uniform(0.3, 0.75) * L
                c = (fx + d * np.cos(a), fy + d * np.sin(a))
            x0, y0, m = marks.hand_contact(np.random.default_rng(hseed), length, OCC_PPM,
                                           (c[0] * OCC_PPM, c[1] * OCC_PPM), ang, hand)
            return x0, y0, m, (c, ang, hand, length, hseed)
        got = occ.try_place(make, rng, 1.5 if tgt is not None else 6.0,
                            touch=None if tgt is None else foot_ids[tgt], tries=300)
        if got is not None:
            out.append(got[0])
    return out


def _free_spot(occ, rng, w_mm, h_mm, near=None, gap=5.0):
    def make(r):
        if near is not None:
            c = (near[0] + r.normal(0, near[2]), near[1] + r.normal(0, near[2]))
        else:
            c = (r.uniform(0, occ.w_mm), r.uniform(0, occ.h_mm))
        x0, y0, m = box_mask(c[0], c[1], w_mm, h_mm)
        return x0, y0, m, c
    got = occ.try_place(make, rng, gap)
    return None if got is None else got[0]


def _extras(kind, rng, occ, canvas, ppm, rasters, blobs):
    """Drawings, text and stickers over the prints; appends (kind, sheet box, detail)."""
    if kind == "outline":
        for r in rasters if rng.random() < 0.5 else rasters[:1]:
            p = replace(r.params, band_mm=r.params.heel_w_mm * 1.15, wobble_mm=0.1)
            sil = rasterise(p, r.side, r.heel_xy, _angle(r), ppm, rng)
            got = marks.outline(canvas, rng, sil.contact, sil.x0, sil.y0, ppm)
            if got and got[0]:
                blobs.append(("drawing", got[0], got[1]))
    elif kind == "text":
        for _ in range(int(rng.integers(1, 3))):
            hmm = rng.uniform(6, 14)
            r = rasters[int(rng.integers(len(rasters)))]
            near = (r.heel_xy[0] / ppm, r.heel_xy[1] / ppm + rng.uniform(25, 45), 12.0)
            c = _free_spot(occ, rng, hmm * 6, hmm * 1.6, near=near if rng.random() < 0.7 else None)
            if c is not None:
                got = marks.write_text(canvas, rng, (c[0] * ppm, c[1] * ppm), hmm, ppm)
                if got[0]:
                    blobs.append(("text", got[0], got[1]))
    elif kind in ("stickers", "doodles"):
        for j in range(int(rng.integers(2, 6))):
            size = rng.uniform(8, 24) if kind == "stickers" else rng.uniform(15, 40)
            near = None
            if kind == "stickers" and j < 2:
                r = rasters[j % len(rasters)]
                near = (r.toe_xy[0] / ppm, r.toe_xy[1] / ppm, 10.0)
            c = _free_spot(occ, rng, size, size, near=near, gap=2.0 if near else 5.0)
            if c is None:
                continue
            if kind == "stickers":
                what = marks.STICKERS[int(rng.integers(len(marks.STICKERS)))]
                box = marks.sticker(canvas, rng, (c[0] * ppm, c[1] * ppm), size, ppm, what)
                blobs.append(("sticker", box, what)) if box else None
            else:
                what = marks.DOODLES[int(rng.integers(len(marks.DOODLES)))]
                box = marks.doodle(canvas, rng, (c[0] * ppm, c[1] * ppm), size, ppm, what)
                blobs.append(("drawing", box, what)) if box else None


def _angle(r) -> float:
    v = np.subtract(r.toe_xy, r.heel_xy)
    return float(np.degrees(np.arctan2(v[0], -v[1])))


def _ruler(rng, occ, canvas, ppm, sheet_mm, blobs):
    sw, sh = sheet_mm
    vertical = rng.random() < 0.5
    length = rng.uniform(0.5, 0.9) * (sh if vertical else sw)
    if vertical:
        x0, y0 = (3.0 if rng.random() < 0.5 else sw - 29.0), rng.uniform(3, sh - length - 3)
        w, h = 26.0, length
    else:
        x0, y0 = rng.uniform(3, sw - length - 3), (3.0 if rng.random() < 0.5 else sh - 29.0)
        w, h = length, 26.0
    box = marks.ruler(canvas, rng, int(x0 * ppm), int(y0 * ppm), length, ppm, vertical)
    if not box:
        return None
    item = (int(x0 * OCC_PPM), int(y0 * OCC_PPM), np.ones((int(h * OCC_PPM), int(w * OCC_PPM)), bool))
    occ.add(*item)
    blobs.append(("mark", box, "ruler"))
    return item


def _paper_scene(kind, rng, long_side_px) -> PhotoB:
    sheet = PAPER_MM[0] if rng.random() < 0.7 else PAPER_MM[1]
    if kind == "siblings" or rng.random() < 0.1:
        sheet = sheet[::-1]
    style = ink.random_style(rng, _style_kind(kind, rng), faint=kind == "faint")
    plan = plan_camera(rng, sheet, long_side_px=long_side_px)
    ppm = plan.ppm
    canvas = ink.paper_canvas(rng, style, (int(sheet[1] * ppm), int(sheet[0] * ppm)), ppm)
    occ = Occupancy(sheet, MARGIN_MM)
    blobs = []
    ruler_first = rng.random() < RULER_P
    feet = _feet_params(kind, rng, sheet)
    fixed = _ruler(rng, occ, canvas, ppm, sheet, blobs) if ruler_first else None
    L = float(np.mean([p.length_mm for p, _ in feet]))
    hands = _hands(kind, rng, occ, [], [], L) if kind == "hands" else []   # feet fit around
    placed, ids = _place_feet(kind, feet, occ, rng)
    while placed is None and feet:                 # no room: fewer, smaller feet
        feet = [(replace(p, length_mm=p.length_mm * 0.9, ball_w_mm=p.ball_w_mm * 0.9,
                         heel_w_mm=p.heel_w_mm * 0.9, band_mm=p.band_mm * 0.9), s) for p, s in feet]
        occ = Occupancy(sheet, MARGIN_MM)
        if fixed is not None:
            occ.add(*fixed)
        L *= 0.9
        hands = _hands(kind, rng, occ, [], [], L) if kind == "hands" else []
        placed, ids = _place_feet(kind, feet, occ, rng)
    rasters = [rasterise(p, side, (h[0] * ppm, h[1] * ppm), a, ppm, rng)
               for (p, side), (h, a) in zip(feet, placed, strict=True)]
    if kind == "hand_touching":
        hands = _hands(kind, rng, occ, placed, ids, L)
    gain = rng.uniform(*FAINT_BAND_GAIN) if kind == "faint_band" else 1.0
    prints = []
    for r in rasters:
        ink.stamp(canvas, r.contact, r.x0, r.y0, style, ppm, rng, base=_pressure(r, gain))
        prints.append((r.x0, r.y0, r.contact))
    for c, ang, hand, length, hseed in hands:
        x0, y0, m = marks.hand_contact(np.random.default_rng(hseed), length, ppm,
                                       (c[0] * ppm, c[1] * ppm), ang, hand)
        ink.stamp(canvas, m, x0, y0, style, ppm, rng)
        prints.append((x0, y0, m))
        ys, xs = np.nonzero(m)
        blobs.append(("hand", (x0 + xs.min(), y0 + ys.min(), x0 + xs.max() + 1, y0 + ys.max() + 1),
                      f"{hand} hand"))
    _extras(kind, rng, occ, canvas, ppm, rasters, blobs)
    if not ruler_first and rng.random() < RULER_P / 2:
        _ruler(rng, occ, canvas, ppm, sheet, blobs)
    np.clip(canvas, 0, 1, out=canvas)
    image = photograph(canvas, plan, rng)
    Hs = sheet_px_to_photo(plan)
    wh = (plan.width, plan.height)
    truth = tuple(foot_truth(r, Hs, wh, prints[:i] + prints[i + 1:], faint_band=kind == "faint_band")
                  for i, r in enumerate(rasters))
    bl = tuple(BlobTruthB(k, box_to_photo(Hs, b), d) for k, b, d in blobs)
    return PhotoB(image=image, feet=truth, blobs=bl, style=style.kind, sheet_to_photo=Hs,
                  sheet_ppm=ppm, rasters=tuple(rasters), faint=kind == "faint")


def render_scene(kind: str, seed: int, *, long_side_px: int | None = None) -> Scene:
    """One photo of scene ``kind`` (see the module docstring) with its truth."""
    if kind not in SCENE_KINDS:
        raise ValueError(f"unknown scene kind {kind!r}; choose from {SCENE_KINDS}")
    rng = np.random.default_rng([int(seed), SCENE_KINDS.index(kind), 0xB0B])
    if kind in NOT_PAPER:
        return Scene(kind, int(seed), render_surface(kind, rng, long_side_px), True)
    return Scene(kind, int(seed), _paper_scene(kind, rng, long_side_px), False)

