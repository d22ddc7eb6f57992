"""End-to-end accuracy of measure_footprint on rendered photos (synth.footprint_render).

Usage: python bench/accuracy_footprint_photos.py [N] [--seed S] [--long-side PX] [--kind K]

Each truth foot is paired with the measured foot of the same side (a foot without a
same-side partner counts as not found with the right side, and is paired with what is left to
still score its arch index). Prints arch-index MAE, Staheli / CSI / length MAE, the share of
feet found with the right side, and the time per photo, overall and per print kind.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synth.footprint_render import random_spec, render_photo  # noqa: E402
from vision.footprint import measure_footprint  # noqa: E402


def pair_feet(truth, measured):
    """[(truth foot, measured foot or None, side right?)] pairing by side."""
    left = list(measured)
    out = []
    for t in truth:
        same = [m for m in left if m.side == t.side]
        if same:
            m = same[0]
            left.remove(m)
            out.append((t, m, True))
        else:
            out.append((t, None, False))
    for i, (t, m, _ok) in enumerate(out):
        if m is None and left:
            out[i] = (t, left.pop(0), False)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--long-side", type=int, default=0, help="photo long side (0: random)")
    ap.add_argument("--kind", default=None, help="only this print kind")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    per_kind = defaultdict(list)
    times = []
    for i in range(args.n):
        over = {}
        if args.long_side:
            over["long_side_px"] = args.long_side
        if args.kind:
            over["kind"] = args.kind
        spec = random_spec(rng, **over)
        photo = render_photo(spec)
        t0 = time.perf_counter()
        res = measure_footprint(photo.image, paper=spec.paper, overlay=False, name=f"#{i}")
        times.append(time.perf_counter() - t0)
        feet = res.feet if res.ok else ()
        for t, m, ok in pair_feet(photo.feet, feet):
            row = dict(found=m is not None, side_ok=ok, ai=np.nan, si=np.nan, csi=np.nan,
                       length=np.nan)
            if m is not None:
                row.update(ai=m.arch_index - t.arch_index, si=m.staheli_index - t.staheli_index,
                           csi=m.chippaux_smirak_index - t.chippaux_smirak_index,
                           length=np.nan if m.length_mm is None else m.length_mm - t.length_mm)
            per_kind[spec.kind].append(row)
            if args.verbose:
                print(f"#{i:3d} {spec.kind:9s} {spec.paper_colour:9s} rot {spec.rotation_deg:7.1f} "
                      f"{t.side:5s} AI {t.arch_index:.3f} -> "
                      f"{'-' if m is None else f'{m.arch_index:.3f} {m.side}'}"
                      f"{'' if res.ok else '  ' + str(res.error)}")
    _report(per_kind, times)
    return 0


def _report(per_kind, times):
    def line(name, rows):
        ai = np.array([r["ai"] for r in rows], float)
        found = np.mean([r["found"] for r in rows])
        side = np.mean([r["side_ok"] for r in rows])
        f = np.isfinite(ai)
        lengths = np.array([r["length"] for r in rows], float)
        print(f"{name:9s} feet {len(rows):3d}  found {found:.3f}  right side {side:.3f}  "
              f"AI MAE {np.abs(ai[f]).mean() if f.any() else float('nan'):.4f}  "
              f"AI<=0.015 {np.mean(np.abs(ai[f]) <= 0.015) if f.any() else float('nan'):.3f}  "
              f"SI MAE {np.nanmean(np.abs([r['si'] for r in rows])):.3f}  "
              f"CSI MAE {np.nanmean(np.abs([r['csi'] for r in rows])):.1f}  "
              f"length MAE {np.nanmean(np.abs(lengths)) if np.isfinite(lengths).any() else float('nan'):.1f} mm")

    for kind, rows in sorted(per_kind.items()):
        line(kind, rows)
    line("all", [r for rows in per_kind.values() for r in rows])
    print(f"measure_footprint time per photo: mean {1000 * np.mean(times):.0f} ms, "
          f"median {1000 * np.median(times):.0f} ms")


if __name__ == "__main__":
    sys.exit(main())
