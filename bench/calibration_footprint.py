"""Calibration of the footprint engine: is a foot scored >= 0.5 really right?

Usage (from the worktree whose engine you want to measure; ``vision`` is imported from the
current directory, the scenes from this script's own checkout):

    nice -n 10 python bench/calibration_footprint.py [--n 6] [--jobs 2] [--kinds a,b]
        [--long-side PX] [--no-real] [--real-only] [--json] [--records FILE] [--sealed]
        [--engine WORKTREE] [--renderer a|b] [--seed-base N] [--worst K]

Renders ``--n`` scenes per kind of :data:`synth.footprint_scenes.SCENE_KINDS` (renderer a,
the default) or of :data:`synth.footprint_b.scenes.SCENE_KINDS` (``--renderer b``: a second
renderer written apart from the first, never tuned on) with seeds of the DEV split or, with
``--sealed``, the SEALED split (run it once, at the end, when the lead says so):

- renderer a: dev seeds from ``--seed-base`` (default 0) up to 10,999,999. Seeds 7,000,000+
  and 9,000,000+ were the sealed splits of sessions 3 and 4 and have been seen: they are extra
  dev data now, as are 11,000,000+ (session 6's sealed split). Sealed: ``SEALED_SEED_BASE``
  = 13,000,000+ (session 7).
- renderer b: dev seeds 0..5,999,999 (``DEV_SEEDS_B``, from ``--seed-base``; 5,000,000+ was
  session 6's sealed split, seen); sealed: ``SEALED_SEED_BASE_B`` = 6,000,000+.

It runs ``vision.footprint.measure_footprint``
and matches the measured feet to the true feet by position in the photo (heel and toe
within ``MATCH_MAX_FRAC`` of the foot's length). Engines whose feet carry ``box_px`` give
photo pixels (DESIGN.md); older ones give analysis-image pixels, mapped back to the photo
through the sheet found by ``vision.footprint.paper.find_sheet`` (said in the output).

A measured foot is RIGHT when it matches a true whole foot on a paper scene, has its side
and |AI error| <= ``AI_TOL``; anything else is WRONG (a hand, drawing, merged or crossed
feet, a part, a foot on a floor...). Printed per scene kind and overall: feet found / missed,
wrong feet at quality >= 0.5 and the precision there, a reliability table by quality bins,
AI MAE and mean bias per print style, ignored-blob kinds vs truth, not-paper scenes refused;
then the real photos in ../shared/data/footprints (grid-mat both feet and L/R agreement,
podoscope / pressure / scan images refused or scored < 0.5).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from calibration_footprint_report import report, summarise, worst_cases  # noqa: E402  (bench/ is on the path)

from synth.footprint_b import scenes as scenes_b  # noqa: E402
from synth.footprint_scenes import NOT_PAPER, SCENE_KINDS, render_scene  # noqa: E402

sys.path.insert(0, os.getcwd())           # the engine under test: the current worktree

import numpy as np  # noqa: E402

DEV_SEEDS = range(0, 13_000_000)         # renderer a (7M+, 9M+, 11M+: earlier sealed splits, seen)
SEALED_SEED_BASE = 13_000_000            # renderer a, session 7's sealed split
DEV_SEEDS_B = range(0, 6_000_000)        # renderer b (5M+: session 6's sealed split, seen)
SEALED_SEED_BASE_B = 6_000_000           # renderer b, session 7's sealed split
AI_TOL = 0.05                 # |AI error| above this is a wrong reading
MATCH_MAX_FRAC = 0.25         # mean heel/toe distance / true foot length to match
CONFIDENT = 0.5               # quality at and above which the app shows a reading
SHARED = ROOT.parent.parent / "shared" / "data" / "footprints" \
    if (ROOT.parent.parent / "shared").exists() else ROOT.parent / "shared" / "data" / "footprints"
REAL_REFUSE = ("podoscope_scans", "pressure_maps", "podoscope_photos")


def _engine():
    import vision.footprint as vf
    return vf


def _photo_points(foot, image, cache):
    """(heel, toe, box or None) of a measured foot in photo pixels, and the method used."""
    box = getattr(foot, "box_px", None)
    if box is not None and any(float(v) for v in box):
        return np.array(foot.heel_px, float), np.array(foot.toe_px, float), \
            np.array(box, float), "photo"
    if "map" not in cache:
        cache["map"] = _analysis_to_photo(image)
    fn = cache["map"]
    pts = fn(np.array([foot.heel_px, foot.toe_px], float))
    return pts[0], pts[1], None, "sheet-mapped"


def _analysis_to_photo(image):
    """Map analysis-image pixels back to the photo as the engine built its analysis view
    (decode to DECODE_SIDE_PX, then the rectified sheet or a shrink to ANALYSIS_SIDE_PX)."""
    import cv2
    vf = _engine()
    from vision.footprint.paper import find_sheet
    f = min(1.0, vf.DECODE_SIDE_PX / max(image.shape[:2]))
    dec = image if f == 1.0 else cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    sheet = find_sheet(dec)
    if sheet is not None and sheet.homography is not None:
        Hinv = np.linalg.inv(sheet.homography)
        return lambda p: cv2.perspectiveTransform(p[None].astype(np.float64), Hinv)[0] / f
    f2 = min(1.0, vf.ANALYSIS_SIDE_PX / max(dec.shape[:2]))
    return lambda p: p / (f * f2)


def _inside(pt, box, pad=0.0) -> bool:
    return box[0] - pad <= pt[0] <= box[2] + pad and box[1] - pad <= pt[1] <= box[3] + pad


def _match(truth, meas):
    """Greedy match by mean heel/toe distance over the true length: {meas i: truth j}."""
    pairs = []
    for i, (h, t) in enumerate(meas):
        for j, f in enumerate(truth):
            L = float(np.hypot(*np.subtract(f.toe_xy, f.heel_xy)))
            d = (np.hypot(*(h - f.heel_xy)) + np.hypot(*(t - f.toe_xy))) / 2 / max(L, 1.0)
            if d < MATCH_MAX_FRAC:
                pairs.append((d, i, j))
    out, used = {}, set()
    for _d, i, j in sorted(pairs):
        if i not in out and j not in used:
            out[i] = j
            used.add(j)
    return out


def _wrong_reason(foot, t, refuse) -> str:
    if refuse:
        return "not_paper"
    if t is None:
        return "no_true_foot"
    if not t.whole:
        return "not_whole"
    if foot.side != t.side:
        return "side"
    if abs(foot.arch_index - t.arch_index) > AI_TOL:
        return "ai"
    return ""


def _unmatched_kind(h, t, truth, blobs) -> str:
    mid = (h + t) / 2
    for b in blobs:
        if _inside(mid, b.box_xy):
            return f"blob:{b.kind}"
    for f in truth:
        if _inside(mid, f.box_xy):
            return "part_or_merged"
    return "phantom"


def _ignored_vs_truth(res, blobs, feet_rows):
    """Per true blob: how the engine reported it (ignored kind / measured / not reported)."""
    ignored = list(getattr(res, "ignored", ()) or ())
    out = []
    for b in blobs:
        got = "not_reported"
        for ig in ignored:
            box = getattr(ig, "box_px", None)
            if box is None and isinstance(ig, dict):
                box = ig.get("box_px")
            kind = getattr(ig, "kind", None) or (ig.get("kind") if isinstance(ig, dict) else "?")
            if box is not None and _inside(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), b.box_xy, 5):
                got = f"ignored:{kind}"
                break
        if got == "not_reported":
            for r in feet_rows:
                if r["wrong"] == f"blob:{b.kind}":
                    got = "measured_q>=0.5" if r["quality"] >= CONFIDENT else "measured_q<0.5"
        out.append({"kind": b.kind, "detail": b.detail, "got": got})
    return out


def run_scene(task):
    """One scene -> record dict (picklable; no images)."""
    renderer, kind, seed, long_side = task
    vf = _engine()
    render = scenes_b.render_scene if renderer == "b" else render_scene
    sc = render(kind, seed, long_side_px=long_side)
    ph = sc.photo
    res = vf.measure_footprint(ph.image, overlay=False)
    feet = list(res.feet) if res.ok else []
    cache = {}
    pts = [_photo_points(f, ph.image, cache) for f in feet]
    m = _match(ph.feet, [(p[0], p[1]) for p in pts])
    rows = []
    for i, f in enumerate(feet):
        t = ph.feet[m[i]] if i in m else None
        wrong = _wrong_reason(f, t, sc.expect_refusal)
        if wrong == "no_true_foot":
            wrong = _unmatched_kind(pts[i][0], pts[i][1], ph.feet, ph.blobs)
        rows.append(dict(quality=float(f.quality.score), side=f.side, ai=float(f.arch_index),
                         true_ai=None if t is None else float(t.arch_index),
                         true_whole=None if t is None else bool(t.whole), wrong=wrong,
                         issues=list(f.quality.issues), side_true=None if t is None else t.side))
    truth = [dict(side=t.side, ai=float(t.arch_index), whole=bool(t.whole),
                  found=j in m.values(),
                  quality=max([float(feet[i].quality.score) for i, jj in m.items() if jj == j],
                              default=None))
             for j, t in enumerate(ph.feet)]
    style = ph.style if renderer == "b" else ph.spec.kind
    return dict(kind=kind, seed=int(seed), style=style, refuse=sc.expect_refusal,
                ok=bool(res.ok), error=res.error, mapping=pts[0][3] if pts else None,
                feet=rows, truth=truth, blobs=_ignored_vs_truth(res, ph.blobs, rows))


def run_real(shared: Path) -> dict:
    """Real photos: grid-mat both feet + L/R agreement; not-paper images refused or < 0.5."""
    vf = _engine()
    out = {"grid_mat": [], "refuse": {}, "inverted": []}
    if not shared.exists():
        return out
    for p in sorted((shared / "grid_mat").glob("*.*")):
        res = vf.measure_footprint(str(p), overlay=False)
        feet = list(res.feet) if res.ok else []
        by = {s: [f for f in feet if f.side == s] for s in ("left", "right")}
        both = bool(by["left"] and by["right"])
        conf = {s: [f for f in v if f.quality.score >= CONFIDENT] for s, v in by.items()}
        diff = abs(by["left"][0].arch_index - by["right"][0].arch_index) if both else None
        out["grid_mat"].append(dict(image=p.name, n_feet=len(feet), both=both,
                                    both_confident=bool(conf["left"] and conf["right"]),
                                    lr_diff=diff, qualities=[round(f.quality.score, 2) for f in feet]))
    for folder in REAL_REFUSE:
        rows = []
        for p in sorted((shared / folder).glob("*.*")):
            if p.suffix.lower() not in (".jpg", ".jpeg", ".png"):
                continue
            res = vf.measure_footprint(str(p), overlay=False)
            qmax = max((f.quality.score for f in res.feet), default=0.0) if res.ok else 0.0
            rows.append(dict(image=p.name, ok=bool(res.ok), max_quality=float(qmax),
                             refused_or_low=(not res.ok) or qmax < CONFIDENT))
        out["refuse"][folder] = rows
    for p in sorted((shared / "contact_prints_inverted").glob("*.jpg")):
        res = vf.measure_footprint(str(p), overlay=False)
        out["inverted"].append(dict(image=p.name, ok=bool(res.ok),
                                    feet=[(f.side, round(f.arch_index, 3), round(f.quality.score, 2))
                                          for f in (res.feet if res.ok else ())]))
    return out


def _tasks(kinds, n, sealed, long_side, renderer="a", seed_base=0):
    if renderer == "b":
        dev, sealed_base = DEV_SEEDS_B, SEALED_SEED_BASE_B
    else:
        dev, sealed_base = DEV_SEEDS, SEALED_SEED_BASE
    if sealed:
        base = sealed_base
    else:
        base = seed_base
        if base < dev.start or base + n > dev.stop:
            raise SystemExit(f"dev seeds of renderer {renderer} are {dev.start}..{dev.stop - 1}: "
                             f"--seed-base {base} with --n {n} leaves them")
    return [(renderer, k, base + i, long_side) for k in kinds for i in range(n)]


def _progress(it, n) -> list:
    out = []
    for r in it:
        out.append(r)
        if len(out) % 10 == 0 or len(out) == n:
            print(f"  {len(out)}/{n} scenes", file=sys.stderr, flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=6, help="scenes per kind (default 6)")
    ap.add_argument("--kinds", default="", help=f"comma list of {','.join(SCENE_KINDS)}")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--long-side", type=int, default=None, help="photo long side px (default: mixed)")
    ap.add_argument("--sealed", action="store_true", help="SEALED split: once, at the end")
    ap.add_argument("--no-real", action="store_true")
    ap.add_argument("--real-only", action="store_true")
    ap.add_argument("--engine", default="", help="worktree whose vision/ to measure (default: cwd)")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    ap.add_argument("--records", default="", help="write per-scene records (JSON) here")
    ap.add_argument("--renderer", choices=("a", "b"), default="a",
                    help="a: synth.footprint_scenes (default); b: synth.footprint_b (independent)")
    ap.add_argument("--seed-base", type=int, default=0, help="first dev seed (dev split only)")
    ap.add_argument("--worst", type=int, default=0, help="also list up to K wrong feet at q >= 0.5")
    a = ap.parse_args(argv)
    if a.engine:
        sys.path.insert(0, str(Path(a.engine).resolve()))
    if a.sealed:
        print("SEALED split: run it once, at the end, and report it as is.", file=sys.stderr)
    all_kinds = scenes_b.SCENE_KINDS if a.renderer == "b" else SCENE_KINDS
    not_paper = scenes_b.NOT_PAPER if a.renderer == "b" else NOT_PAPER
    kinds = [k for k in a.kinds.split(",") if k] or list(all_kinds)
    bad = [k for k in kinds if k not in all_kinds]
    if bad:
        ap.error(f"unknown kinds {bad}; choose from {all_kinds}")
    if a.sealed and a.seed_base:
        ap.error("--seed-base is for the dev split only")
    records = []
    if not a.real_only:
        tasks = _tasks(kinds, a.n, a.sealed, a.long_side, a.renderer, a.seed_base)
        if a.jobs > 1:
            import multiprocessing as mp
            with mp.get_context("fork").Pool(a.jobs) as pool:
                records = _progress(pool.imap(run_scene, tasks, chunksize=1), len(tasks))
        else:
            records = _progress(map(run_scene, tasks), len(tasks))
    real = None if a.no_real else run_real(SHARED)
    summary = summarise(records, real, split="sealed" if a.sealed else "dev",
                        engine=str(Path(_engine().__file__).resolve().parents[2]), n_per_kind=a.n, not_paper=sorted(not_paper),
                        **({"renderer": "b"} if a.renderer == "b" else {}))
    if a.records:
        Path(a.records).write_text(json.dumps(dict(records=records, real=real), indent=1))
    if a.json:
        print(json.dumps(summary, indent=1))
    else:
        print(report(summary))
        if a.worst:
            print(worst_cases(records, a.worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
