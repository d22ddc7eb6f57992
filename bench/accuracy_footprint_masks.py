"""Accuracy of analyse_foot + compute_indices on clean rendered foot masks (no photo step).

Usage: python bench/accuracy_footprint_masks.py [N] [--degrade] [--seed S] [--ppm P]

Prints arch-index MAE / max error, Staheli and Chippaux-Smirak MAE, Clarke MAE, side
accuracy, and time per foot, against the exact truth of the shape model
(:func:`synth.footprint_render.foot_truth`). ``--degrade`` first roughens each mask the
way a segmentation would (ragged edges, pin holes, specks, one-pixel growth or shrink), to see
how sensitive the geometry is to segmentation noise.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synth.foot_shape import random_shape, rasterise_foot  # noqa: E402
from synth.footprint_render import foot_truth  # noqa: E402
from vision.footprint.anatomy import analyse_foot  # noqa: E402
from vision.footprint.indices import compute_indices  # noqa: E402


def degrade(mask: np.ndarray, rng: np.random.Generator, ppm: float) -> np.ndarray:
    """Segmentation-like noise: ragged border, pin holes, a few specks, grow/shrink 1 px."""
    f = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 0.6 * ppm)
    noise = cv2.GaussianBlur(rng.standard_normal(mask.shape).astype(np.float32), (0, 0), 0.5 * ppm)
    out = (f + 0.6 * noise / (noise.std() + 1e-9) * 0.25) > 0.5
    holes = rng.random(mask.shape) < 0.002
    out &= ~cv2.dilate(holes.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    for _ in range(int(rng.integers(0, 4))):
        y, x = rng.integers(0, mask.shape[0]), rng.integers(0, mask.shape[1])
        cv2.circle(out.view(np.uint8), (int(x), int(y)), int(rng.integers(1, 4)), 1, -1)
    k = int(rng.integers(-1, 2))
    if k:
        op = cv2.dilate if k > 0 else cv2.erode
        out = op(out.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=100)
    ap.add_argument("--degrade", action="store_true")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--ppm", type=float, default=4.0, help="mask pixels per mm")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    rows, times = [], []
    for _ in range(args.n):
        shape = random_shape(rng)
        truth, _ = foot_truth(shape)
        mask = rasterise_foot(shape, px_per_mm=args.ppm).full
        if args.degrade:
            mask = degrade(mask, rng, args.ppm)
        t0 = time.perf_counter()
        geom = analyse_foot(mask)
        ind = compute_indices(geom)
        times.append(time.perf_counter() - t0)
        rows.append((ind.arch_index - truth.arch_index, ind.staheli_index - truth.staheli_index,
                     ind.chippaux_smirak_index - truth.chippaux_smirak_index,
                     ind.clarke_angle_deg - truth.clarke_angle_deg, geom.side == truth.side,
                     min(shape.toe_gaps_mm) < 0))
    e = np.array(rows, float)
    touch = e[:, 5] > 0
    ai = np.abs(e[:, 0])
    print(f"feet: {args.n}  (ppm {args.ppm}, degrade={args.degrade}, seed {args.seed})")
    print(f"arch index  MAE {ai.mean():.4f}  max {ai.max():.4f}  "
          f"(toes touching: {ai[touch].mean() if touch.any() else float('nan'):.4f} over "
          f"{int(touch.sum())})  share <= 0.01: {np.mean(ai <= 0.01):.3f}")
    print(f"Staheli     MAE {np.abs(e[:, 1]).mean():.4f}")
    print(f"CSI         MAE {np.abs(e[:, 2]).mean():.2f} %")
    print(f"Clarke      MAE {np.abs(e[:, 3]).mean():.2f} deg")
    print(f"side accuracy {e[:, 4].mean():.3f}")
    print(f"time per foot {1000 * np.mean(times):.1f} ms (median {1000 * np.median(times):.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
