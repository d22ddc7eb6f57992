"""Where the engine puts a print's edge, per print style: arch-index bias and edge offset.

Usage (from the worktree whose engine you want to measure):

    nice -n 10 python bench/edge_bias_footprint.py [--n 12] [--jobs 2] [--seed-base 300000]
        [--styles ink,wet,grid_mat,inverted] [--records FILE] [--renderer a|b]

Renders ``--n`` plain photos per print style, seeds ``seed-base + i`` of the DEV range
(renderer a: :func:`synth.footprint_render.random_spec` with the style forced, seeds below
13,000,000; renderer b: :mod:`synth.footprint_b.scenes` "clean" scenes with the style
forced (the style draw is still made, so the rest of the scene follows the seed), seeds
below 6,000,000) and, per true whole foot:

- the arch-index error of the matched measured foot (``measure_footprint``);
- the edge offset in mm: (area of the engine's segmented print - area of the true contact
  mask) / perimeter of the true mask, both in the rectified sheet. The truth is the contact
  mask before any blur (``RenderedPhoto.foot_masks``); for a symmetric blur the contact
  boundary is where the intensity crosses half-way between paper and ink, so an engine
  with its edge there has offset ~0 (negative: edge inside the print, positive: outside);
- the geometry bias: the engine's toe removal, axis and arch index
  (``analyse_foot`` + ``compute_indices``) on the true contact mask itself, minus the true
  arch index: what the toe line and the heel / second-toe axis add without any edge error.

Prints per style: n, AI MAE, AI bias, confident MAE, edge offset median / mean (mm),
geometry bias.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, os.getcwd())           # the engine under test: the current worktree

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from synth.footprint_render import random_spec, render_photo  # noqa: E402

SEALED_FROM = 13_000_000      # seeds at and above this are the sealed split (session 7): never run here
SEALED_FROM_B = 6_000_000     # renderer b's sealed split (session 7)
MATCH_MAX_FRAC = 0.25         # mean heel/toe distance / true foot length to match


def _match(truth, feet) -> dict:
    out, used = {}, set()
    pairs = []
    for i, f in enumerate(feet):
        for j, t in enumerate(truth):
            L = float(np.hypot(*np.subtract(t.toe_xy, t.heel_xy)))
            d = (np.hypot(*np.subtract(f.heel_px, t.heel_xy))
                 + np.hypot(*np.subtract(f.toe_px, t.toe_xy))) / 2 / max(L, 1.0)
            if d < MATCH_MAX_FRAC:
                pairs.append((d, i, j))
    for _d, i, j in sorted(pairs):
        if i not in out and j not in used:
            out[i] = j
            used.add(j)
    return out


def _true_masks(ph, Hm, size) -> list[np.ndarray]:
    """True contact masks (toes included, before any blur) in the analysis view."""
    if hasattr(ph, "rasters"):                     # renderer b: sheet-raster crops
        out = []
        for r in ph.rasters:
            T = np.array([[1.0, 0, r.x0], [0, 1.0, r.y0], [0, 0, 1.0]])
            out.append(cv2.warpPerspective(r.contact.astype(np.uint8) * 255,
                                           Hm @ ph.sheet_to_photo @ T, size,
                                           flags=cv2.INTER_LINEAR) >= 128)
        return out
    return [cv2.warpPerspective(tm.astype(np.uint8) * 255, Hm, size,
                                flags=cv2.INTER_LINEAR) >= 128 for tm in ph.foot_masks()]


def _geometry_ai(t) -> float | None:
    """The engine's arch index on a true contact mask (no segmentation involved)."""
    from vision.footprint.anatomy import analyse_foot
    from vision.footprint.indices import compute_indices
    from vision.footprint.result import FootprintError
    try:
        return float(compute_indices(analyse_foot(t)).arch_index)
    except FootprintError:
        return None


def _edge_offsets(ph, image) -> list[tuple[float | None, float | None]]:
    """Per true foot: (signed edge offset (mm) of the engine's segmented print, the
    engine's arch index on the true contact mask)."""
    import vision.footprint as vf
    from vision.footprint.segment import segment_prints

    f = min(1.0, vf.DECODE_SIDE_PX / max(image.shape[:2]))
    dec = image if f == 1.0 else cv2.resize(image, None, fx=f, fy=f,
                                            interpolation=cv2.INTER_AREA)
    view, valid, sheet = vf._analysis_view(dec, None)
    if sheet is None:
        return [(None, None)] * len(ph.feet)
    S = np.diag([f, f, 1.0])
    Hm = sheet.homography @ S
    truth = _true_masks(ph, Hm, view.shape[1::-1])
    geo = [_geometry_ai(t) if t.sum() >= 200 else None for t in truth]
    try:
        seg = segment_prints(view, valid=valid)
    except Exception:  # noqa: BLE001 - a failed scene has no offset
        return [(None, g) for g in geo]
    out = []
    for t, g in zip(truth, geo, strict=True):
        if t.sum() < 100:
            out.append((None, g))
            continue
        best = max(seg.feet, key=lambda m: int((m & t).sum()), default=None)
        if best is None or (best & t).sum() < 0.5 * t.sum():
            out.append((None, g))
            continue
        cnts, _ = cv2.findContours(t.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_NONE)
        perim = sum(cv2.arcLength(c, True) for c in cnts)
        near = cv2.dilate(t.astype(np.uint8), np.ones((15, 15), np.uint8)) > 0
        diff = float((best & near).sum()) - float(t.sum())
        out.append((diff / max(perim, 1.0) * sheet.mm_per_px, g))
    return out


def _render_b(style: str, seed: int):
    """Renderer b's "clean" scene with the print style forced."""
    from synth.footprint_b import scenes as sb
    draw = sb._style_kind

    def forced(kind, rng):
        draw(kind, rng)                 # the draw is made: the rest follows the seed
        return style
    sb._style_kind = forced
    try:
        return sb.render_scene("clean", seed).photo
    finally:
        sb._style_kind = draw


def run_one(task):
    style, seed, renderer = task
    import vision.footprint as vf
    if renderer == "b":
        ph, blur, colour = _render_b(style, seed), None, None
    else:
        spec = random_spec(np.random.default_rng(seed), kind=style)
        ph, blur, colour = render_photo(spec), float(spec.blur_px), spec.paper_colour
    res = vf.measure_footprint(ph.image, overlay=False)
    feet = list(res.feet) if res.ok else []
    m = _match(ph.feet, feet)
    offs = _edge_offsets(ph, ph.image)
    rows = []
    for j, t in enumerate(ph.feet):
        if not t.whole:
            continue
        i = next((i for i, jj in m.items() if jj == j), None)
        f = feet[i] if i is not None else None
        ok = f is not None and f.side == t.side
        rows.append(dict(style=style, seed=seed, true_ai=float(t.arch_index),
                         ai=float(f.arch_index) if ok else None,
                         quality=float(f.quality.score) if ok else None,
                         offset_mm=offs[j][0], geometry_ai=offs[j][1], blur=blur,
                         colour=colour))
    return rows


def _fmt(v: float) -> str:
    return f"{v:7.4f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=12)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--seed-base", type=int, default=300_000)
    ap.add_argument("--styles", default="ink,wet,grid_mat,inverted")
    ap.add_argument("--records", default="")
    ap.add_argument("--renderer", choices=("a", "b"), default="a")
    a = ap.parse_args(argv)
    sealed = SEALED_FROM_B if a.renderer == "b" else SEALED_FROM
    if a.seed_base + a.n > sealed:
        ap.error(f"seeds from {sealed} are sealed splits: use a lower --seed-base")
    styles = [s for s in a.styles.split(",") if s]
    tasks = [(s, a.seed_base + i, a.renderer) for s in styles for i in range(a.n)]
    if a.jobs > 1:
        import multiprocessing as mp
        with mp.get_context("fork").Pool(a.jobs) as pool:
            rows = [r for rs in pool.imap(run_one, tasks, chunksize=1) for r in rs]
    else:
        rows = [r for t in tasks for r in run_one(t)]
    if a.records:
        Path(a.records).write_text(json.dumps(rows, indent=1))
    print(f"edge bias: renderer {a.renderer}, seeds {a.seed_base}..{a.seed_base + a.n - 1} "
          "per style")
    print(f"{'style':10s} {'feet':>4s} {'meas':>4s} {'AI MAE':>7s} {'bias':>7s} "
          f"{'conf MAE':>8s} {'off med':>7s} {'off mean':>8s} (mm) {'geo bias':>8s}")
    for s in styles:
        rs = [r for r in rows if r["style"] == s]
        e = np.array([r["ai"] - r["true_ai"] for r in rs if r["ai"] is not None])
        ec = np.array([r["ai"] - r["true_ai"] for r in rs
                       if r["ai"] is not None and r["quality"] >= 0.5])
        o = np.array([r["offset_mm"] for r in rs if r["offset_mm"] is not None])
        g = np.array([r["geometry_ai"] - r["true_ai"] for r in rs
                      if r["geometry_ai"] is not None])
        print(f"{s:10s} {len(rs):4d} {len(e):4d} "
              f"{_fmt(np.abs(e).mean()) if e.size else '      -'} "
              f"{_fmt(e.mean()) if e.size else '      -'} "
              f"{np.abs(ec).mean() if ec.size else float('nan'):8.4f} "
              f"{np.median(o) if o.size else float('nan'):7.3f} "
              f"{o.mean() if o.size else float('nan'):8.3f}      "
              f"{g.mean() if g.size else float('nan'):+8.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
