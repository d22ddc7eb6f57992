"""Held-out accuracy of ``measure_footprint`` on independently rendered phone photos.

Usage: python bench/accuracy_footprint_holdout.py [N] [--seed0 S] [--out DIR] [--long-side PX]
       [--rot-seeds 5,6,12,3] [--no-rot] [-v]

Renders N photos (``bench/holdout_footprints.py``, seeds S..S+N-1), writes each as a JPEG to
DIR (default: a fresh temp dir under /tmp), runs ``measure_footprint(path)`` on the file and
pairs measured feet with the truth:

- two truth feet: the pairing (of all injective pairings) whose heel/toe points fit the truth
  heel/toe points best under a similarity transform (the pipeline's coordinates are those of
  its rectified sheet, whose orientation is unknown), so a wrong side is scored as such and
  not hidden by pairing on side;
- one truth foot: the measured foot whose length is closest (or the only one).

Prints: feet found, found with the right side, arch-index MAE / median / p90 / max, Staheli
and Chippaux-Smirak MAE (feet with a continuous midfoot), length error in % (the sheet is
always visible), per-kind breakdown, time per photo, and a rotation test (the same photo
rotated by 90/180/270 degrees, and the scene re-shot with the camera rolled by +-20 degrees:
the largest change of each foot's arch index). Failure cases are listed with their image
paths; overlays of failures are written next to them. Writes ``results.json`` to DIR.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from holdout_footprints import render, rotate_photo, spec_from_seed  # noqa: E402


def get_measure():
    try:
        from vision.footprint import measure_footprint
    except Exception as exc:  # noqa: BLE001
        return None, f"{type(exc).__name__}: {exc}"
    return measure_footprint, None


def _centroid(m) -> np.ndarray:
    c = m.contour_px
    if c is not None and len(c) >= 3:
        c = np.asarray(c, np.float32).reshape(-1, 2)
        mo = cv2.moments(c)
        if abs(mo["m00"]) > 1e-6:
            return np.array([mo["m10"] / mo["m00"], mo["m01"] / mo["m00"]])
        return c.mean(0).astype(float)
    return 0.5 * (np.asarray(m.heel_px, float) + np.asarray(m.toe_px, float))


def _c(p) -> complex:
    return complex(float(p[0]), float(p[1]))


def pair(truth_feet, measured) -> list[tuple[int, int | None]]:
    """[(truth index, measured index or None)].

    Two truth feet: for each injective choice of two measured feet, the similarity that maps
    their print centroids onto the truth centroids is exact; it is scored by how many of the
    measured heel / second-toe points then land within a quarter foot length of the truth
    ones (ties: smaller distance). Wrongly oriented choices map heels onto toes and lose, and
    a badly measured foot does not decide the pairing of a good one."""
    n, m = len(truth_feet), len(measured)
    if m == 0:
        return [(i, None) for i in range(n)]
    if n == 1:
        t = truth_feet[0]
        if m == 1:
            return [(0, 0)]
        best = min(range(m), key=lambda j: abs((measured[j].length_mm or 0) - t.length_mm)
                   if measured[j].length_mm else 1e9)
        return [(0, best)]
    if m == 1:
        # one measured foot for two truth feet: the same side, else the first
        same = [i for i, t in enumerate(truth_feet) if t.side == measured[0].side]
        i0 = same[0] if same else 0
        return [(i, 0 if i == i0 else None) for i in range(n)]
    t1, t2 = (_c(t.centroid_mm) for t in truth_feet[:2])
    best, best_key = None, None
    for perm in itertools.permutations(range(m), 2):
        p1, p2 = (_c(_centroid(measured[j])) for j in perm)
        if abs(p2 - p1) < 1e-6:
            continue
        z = (t2 - t1) / (p2 - p1)
        hits, dist = 0, 0.0
        for ti, j in enumerate(perm):
            t = truth_feet[ti]
            for mp, tp in ((measured[j].heel_px, t.heel_mm), (measured[j].toe_px, t.toe_mm)):
                q = t1 + z * (_c(mp) - p1)
                d = abs(q - _c(tp))
                hits += d < 0.25 * t.length_mm
                dist += d
        key = (-hits, dist)
        if best_key is None or key < best_key:
            best, best_key = perm, key
    if best is None:
        best = tuple(range(2))
    return list(zip(range(n), best, strict=False))


def _paper_guess(warnings) -> str | None:
    for w in warnings or ():
        lw = w.lower()
        if "assumed a4" in lw:
            return "a4"
        if "assumed letter" in lw:
            return "letter"
    return None


def run_one(measure, holdout, path: Path, save_overlay_on_fail=True):
    with open(path, "wb") as fh:
        fh.write(holdout.jpeg_bytes())
    t0 = time.perf_counter()
    try:
        res = measure(str(path), overlay=save_overlay_on_fail)
        err = None
    except Exception as exc:  # noqa: BLE001 - measure_footprint must not raise
        res, err = None, f"raised {type(exc).__name__}: {exc}"
    dt = time.perf_counter() - t0
    feet = list(res.feet) if (res is not None and res.ok) else []
    rows = []
    for ti, mj in pair(holdout.feet, feet):
        t = holdout.feet[ti]
        m = feet[mj] if mj is not None else None
        rows.append({
            "seed": holdout.spec.seed,
            "image": str(path),
            "kind": holdout.spec.kind,
            "n_feet": holdout.spec.n_feet,
            "paper": holdout.spec.paper,
            "paper_colour": holdout.spec.paper_colour,
            "table": holdout.spec.table,
            "tilt_deg": round(holdout.spec.tilt_deg, 1),
            "roll_deg": round(holdout.spec.roll_deg, 1),
            "touching": t.toes_touching,
            "broken": t.broken,
            "side": t.side,
            "ai_true": t.arch_index,
            "sai_true": t.staheli_index,
            "csi_true": t.chippaux_smirak_index,
            "len_true": t.length_mm,
            "found": m is not None,
            "side_meas": m.side if m else None,
            "ai_meas": float(m.arch_index) if m else None,
            "sai_meas": float(m.staheli_index) if m else None,
            "csi_meas": float(m.chippaux_smirak_index) if m else None,
            "len_meas": (float(m.length_mm) if (m and m.length_mm is not None) else None),
            "issues": list(m.quality.issues) if m else [],
            "error": err or (None if (res is not None and res.ok) else
                             (res.error if res is not None else None)),
            "n_measured": len(feet),
            "scale_mm_per_px": None if res is None else res.scale_mm_per_px,
            "warnings": [] if res is None else list(res.warnings),
            "paper_guess": None if res is None else _paper_guess(res.warnings),
            "time_s": dt,
        })
    return res, rows, dt


def _stats(vals):
    v = np.abs(np.asarray([x for x in vals if x is not None], float))
    if len(v) == 0:
        return "n=0"
    return (f"n={len(v):3d}  MAE {v.mean():.4f}  median {np.median(v):.4f}  "
            f"p90 {np.percentile(v, 90):.4f}  max {v.max():.4f}")


def summarise(rows, times, label=""):
    n = len(rows)
    found = [r for r in rows if r["found"]]
    right = [r for r in found if r["side_meas"] == r["side"]]
    print(f"{label}feet {n}: found {len(found)}/{n} ({100 * len(found) / max(n, 1):.0f} %), "
          f"found with right side {len(right)}/{n} ({100 * len(right) / max(n, 1):.0f} %)")
    print(f"{label}  arch index |err|   {_stats([r['ai_meas'] - r['ai_true'] for r in found])}")
    cont = [r for r in found if not r["broken"] and r["sai_true"] > 0]
    print(f"{label}  Staheli |err|      {_stats([r['sai_meas'] - r['sai_true'] for r in cont])}")
    print(f"{label}  CSI |err| (%)      {_stats([r['csi_meas'] - r['csi_true'] for r in cont])}")
    le = [100 * (r["len_meas"] - r["len_true"]) / r["len_true"] for r in found
          if r["len_meas"] is not None]
    print(f"{label}  length |err| (%)   {_stats(le)}  (mm given for {len(le)}/{len(found)})")
    pg = [r for r in found if r.get("paper_guess")]
    if pg:
        okp = sum(r["paper_guess"] == r["paper"] for r in pg)
        print(f"{label}  paper size guessed right {okp}/{len(pg)}")
    if times:
        t = np.asarray(times)
        print(f"{label}  time/photo s       mean {t.mean():.2f}  p90 {np.percentile(t, 90):.2f}"
              f"  max {t.max():.2f}")


def rotation_test(measure, seeds, out: Path, long_side=None):
    """Max |AI change| per foot over rotations of the same photo / scene."""
    worst = []
    lines = []
    for sd in seeds:
        over = {"long_side_px": long_side} if long_side else {}
        base = render(spec_from_seed(sd, **over))
        variants = [("0", base.image)]
        for k in (90, 180, 270):
            variants.append((str(k), rotate_photo(base.image, k)))
        for d in (20, -20):
            h = render(replace(base.spec, roll_deg=(base.spec.roll_deg + d) % 360))
            variants.append((f"roll{d:+d}", h.image))
        ais = defaultdict(dict)
        for name, img in variants:
            hv = replace(base, image=img)
            p = out / f"rot_{sd}_{name}.jpg"
            _, rows, _ = run_one(measure, hv, p, save_overlay_on_fail=False)
            for i, r in enumerate(rows):
                ais[i][name] = (r["ai_meas"], r["side_meas"])
        for i, d in ais.items():
            vals = [v[0] for v in d.values() if v[0] is not None]
            sides = {v[1] for v in d.values() if v[1] is not None}
            missing = [k for k, v in d.items() if v[0] is None]
            ch = (max(vals) - min(vals)) if len(vals) >= 2 else float("nan")
            worst.append(ch)
            lines.append(f"  seed {sd} foot {i} ({base.feet[i].side}, AI true "
                         f"{base.feet[i].arch_index:.3f}): "
                         + " ".join(f"{k}={v[0]:.3f}" if v[0] is not None else f"{k}=miss"
                                    for k, v in d.items())
                         + f"  max change {ch:.4f}"
                         + (f"  sides {sorted(sides)}" if len(sides) > 1 else "")
                         + (f"  missing {missing}" if missing else ""))
    return worst, lines


def failures(rows, ai_tol=0.02, len_tol=5.0):
    out = []
    for r in rows:
        why = []
        if not r["found"]:
            why.append("missed foot" + (f" ({r['error']})" if r["error"] else "")
                       + f" [{r['n_measured']} measured]")
        else:
            if r["side_meas"] != r["side"]:
                why.append(f"wrong side (true {r['side']}, said {r['side_meas']})")
            e = r["ai_meas"] - r["ai_true"]
            if abs(e) > ai_tol:
                hint = ""
                if e < 0 and r["touching"]:
                    hint = " (toes touching the ball: toes not removed?)"
                elif e < 0:
                    hint = " (too low: toes kept / thirds too long?)"
                elif r["broken"]:
                    hint = " (broken midfoot band)"
                why.append(f"AI {r['ai_meas']:.3f} vs true {r['ai_true']:.3f} ({e:+.3f}){hint}")
            if r["len_meas"] is not None:
                le = 100 * (r["len_meas"] - r["len_true"]) / r["len_true"]
                if abs(le) > len_tol:
                    pg = r.get("paper_guess")
                    why.append(f"length {r['len_meas']:.0f} vs {r['len_true']:.0f} mm "
                               f"({le:+.1f} %)"
                               + (f" [paper {r['paper']}, assumed {pg}]" if pg else ""))
        if why:
            out.append((r, why))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=60)
    ap.add_argument("--seed0", type=int, default=1)
    ap.add_argument("--out", default=None)
    ap.add_argument("--long-side", type=int, default=0)
    ap.add_argument("--rot-seeds", default="5,6,12,3",
                    help="comma-separated seeds for the rotation test")
    ap.add_argument("--no-rot", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    measure, why = get_measure()
    if measure is None:
        print(f"vision.footprint.measure_footprint is not available yet ({why}); nothing to "
              "evaluate.")
        return 0
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="footprint_holdout_"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"images in {out}")
    rows, times, render_t = [], [], []
    for sd in range(args.seed0, args.seed0 + args.n):
        over = {"long_side_px": args.long_side} if args.long_side else {}
        t0 = time.perf_counter()
        h = render(spec_from_seed(sd, **over))
        render_t.append(time.perf_counter() - t0)
        p = out / f"holdout_{sd:03d}_{h.spec.kind}_{h.spec.n_feet}f.jpg"
        res, rs, dt = run_one(measure, h, p)
        times.append(dt)
        rows.extend(rs)
        bad = failures(rs)
        if bad and res is not None and res.overlay is not None:
            cv2.imwrite(str(out / f"overlay_{sd:03d}.jpg"), res.overlay)
        if args.verbose:
            for r in rs:
                print(f"  seed {sd:3d} {r['kind']:3s} {r['n_feet']}f {r['side']:5s} "
                      f"AI {r['ai_true']:.3f} -> "
                      + (f"{r['ai_meas']:.3f} {r['side_meas']}" if r["found"] else "MISSED")
                      + f"  {dt:.1f}s", flush=True)
    print(f"\n== {args.n} photos, seeds {args.seed0}..{args.seed0 + args.n - 1} "
          f"(render {np.mean(render_t):.1f} s/photo) ==")
    summarise(rows, times)
    groups = {
        "ink": lambda r: r["kind"] == "ink",
        "wet": lambda r: r["kind"] == "wet",
        "one foot": lambda r: r["n_feet"] == 1,
        "two feet": lambda r: r["n_feet"] == 2,
        "toes touching": lambda r: r["touching"],
        "toes apart": lambda r: not r["touching"],
        "broken midfoot": lambda r: r["broken"],
        "kraft/cardboard": lambda r: r["paper_colour"] in ("kraft", "cardboard"),
        "tilt > 15 deg": lambda r: r["tilt_deg"] > 15,
    }
    for g, f in groups.items():
        sub = [r for r in rows if f(r)]
        if sub:
            print(f"\n-- {g}")
            summarise(sub, [], label="   ")
    rot_seeds = [int(x) for x in str(args.rot_seeds).split(",") if x.strip()]
    if not args.no_rot and rot_seeds:
        worst, lines = rotation_test(measure, rot_seeds, out, args.long_side or None)
        w = [x for x in worst if x == x]
        print("\n-- rotation (90/180/270 exact, camera roll +-20): max |AI change| per foot: "
              + (f"max {max(w):.4f}, mean {np.mean(w):.4f}" if w else "n/a"))
        for ln in lines:
            print(ln)
    bad = failures(rows)
    print(f"\n-- failure cases ({len(bad)} feet): |AI err| > 0.02, missed, wrong side, "
          "length > 5 %")
    for r, why in bad:
        print(f"  seed {r['seed']} {r['kind']} {r['n_feet']}f {r['side']} "
              f"({r['paper_colour']} {r['paper']}, {r['table']}, tilt {r['tilt_deg']}): "
              + "; ".join(why) + f"  issues={r['issues']}"
              + (f" warnings={[w for w in r['warnings'] if 'Paper size not given' not in w]}"
                 if any("Paper size not given" not in w for w in r["warnings"]) else "")
              + f"\n    {r['image']}")
    with open(out / "results.json", "w") as fh:
        json.dump(rows, fh, indent=1, default=str)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
