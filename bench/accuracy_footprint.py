"""Accuracy of measure_footprint: rendered photos with exact truth, and the real photos.

Usage: python bench/accuracy_footprint.py [N] [--seed S] [--no-real]

1. N random rendered photos (synth.footprint_render.random_spec, all print kinds):
   arch-index MAE, share of feet found with the right side, length error when a sheet gave
   a scale, per print kind.
2. ../shared/data/footprints per folder: images analysed / refused, feet found, both feet on
   grid_mat, left-right arch-index difference, not-paper-print flags and categories.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth.footprint_render import random_spec, render_photo  # noqa: E402
from vision.footprint import measure_footprint  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "footprints"


def _pair(truth, measured):
    """Truth foot -> measured foot of the same side (or any left-over foot, side wrong)."""
    left, out = list(measured), []
    for t in truth:
        same = [m for m in left if m.side == t.side]
        if same:
            left.remove(same[0])
            out.append((t, same[0], True))
        else:
            out.append((t, None, False))
    return [(t, m if m is not None else (left.pop(0) if left else None), ok)
            for t, m, ok in out]


def rendered(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows = defaultdict(list)
    failed = Counter()
    for _ in range(n):
        spec = random_spec(rng)
        photo = render_photo(spec)
        res = measure_footprint(photo.image, overlay=False)
        if not res.ok:
            failed[spec.kind] += 1
        for t, m, side_ok in _pair(photo.feet, res.feet if res.ok else ()):
            rows[spec.kind].append(dict(
                found=m is not None, side_ok=side_ok,
                ai=np.nan if m is None else abs(m.arch_index - t.arch_index),
                length=np.nan if m is None or m.length_mm is None
                else abs(m.length_mm / t.length_mm - 1)))
    print(f"rendered photos: {n} (seed {seed})")
    print(f"{'kind':10s} {'feet':>5s} {'found':>6s} {'side ok':>8s} {'AI MAE':>7s} "
          f"{'AI p90':>7s} {'len err':>8s} {'failed':>6s}")
    every = [r for v in rows.values() for r in v]
    for kind, rs in sorted(rows.items()) + [("all", every)]:
        ai = np.array([r["ai"] for r in rs], float)
        ln = np.array([r["length"] for r in rs], float)
        fails = sum(failed.values()) if kind == "all" else failed[kind]
        print(f"{kind:10s} {len(rs):5d} {np.mean([r['found'] for r in rs]):6.0%} "
              f"{np.mean([r['side_ok'] for r in rs]):8.0%} {np.nanmean(ai):7.3f} "
              f"{np.nanpercentile(ai, 90) if np.isfinite(ai).any() else np.nan:7.3f} "
              f"{np.nanmedian(ln) if np.isfinite(ln).any() else np.nan:8.1%} {fails:6d}")


def real() -> None:
    if not SHARED.is_dir():
        print(f"real photos: {SHARED} absent, skipped")
        return
    print(f"\nreal photos ({SHARED})")
    for folder in sorted(p for p in SHARED.iterdir() if p.is_dir()):
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".png"))
        results = [measure_footprint(p, overlay=False) for p in files]
        ok = [r for r in results if r.ok]
        feet = [f for r in ok for f in r.feet]
        both = sum(sorted(f.side for f in r.feet) == ["left", "right"] for r in ok)
        diffs = [abs(r.feet[0].arch_index - r.feet[1].arch_index) for r in ok
                 if sorted(f.side for f in r.feet) == ["left", "right"]]
        flagged = sum(all("not_paper_print" in f.quality.issues for f in r.feet) for r in ok)
        cats = Counter(f.category for f in feet)
        line = (f"{folder.name:24s} images {len(files):3d}  analysed {len(ok):3d}  "
                f"refused {len(files) - len(ok):3d}  feet {len(feet):3d}  both feet {both:3d}"
                f"  not_paper_print {flagged:3d}  categories {dict(cats)}")
        if diffs:
            line += (f"  L-R AI diff median {np.median(diffs):.3f}, "
                     f"<=0.05 on {np.mean(np.array(diffs) <= 0.05):.0%}")
        print(line)
        if folder.name in ("grid_mat", "contact_prints_inverted"):
            for p, r in zip(files, results, strict=True):
                desc = (", ".join(f"{f.side} {f.arch_index:.3f} q{f.quality.score:.2f}"
                                  for f in r.feet) if r.ok else f"refused: {r.error[:60]}")
                print(f"    {p.name:22s} {desc}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-real", action="store_true")
    args = ap.parse_args(argv)
    cv2.setNumThreads(1)
    rendered(args.n, args.seed)
    if not args.no_real:
        real()
    return 0


if __name__ == "__main__":
    sys.exit(main())
