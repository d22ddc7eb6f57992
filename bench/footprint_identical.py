"""Check that a speed change leaves footprint results identical: run on one code tree, then
on another, and compare the two dumps.

Usage:
  python bench/footprint_identical.py dump OUT.jsonl --root TREE [--photos DIR]
  python bench/footprint_identical.py compare A.jsonl B.jsonl

``dump`` renders (once, cached in ``DIR``) two photos of every scene kind of
:mod:`synth.footprint_scenes` at 2000 px long side, plus a few 12 MP photos of
:mod:`synth.footprint_render`, measures each with the engine of code tree ``TREE`` (its
``vision`` package is imported first) and writes one line per photo: the result's JSON and
an MD5 of the overlay (which draws every foot's outline, so a changed mask changes it) and
the CPU milliseconds of the engine call. ``compare`` reports every photo whose JSON differs
(numbers compared to 1e-9) or whose overlay differs, and the total CPU time of each dump.
Dump a tree that cannot change while it runs (modules load lazily): for main, export a
commit first (``git archive COMMIT vision synth | tar -x -C DIR``, then ``--root DIR``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from pathlib import Path

TOL = 1e-9            # numbers in the JSON may differ by this much (absolute)
SCENE_SEEDS = (0, 1)
SCENE_SIDE_PX = 2000
N_PHOTOS = 4          # 12 MP plain renders
PHOTO_SIDE_PX = 4000


def _render(folder: Path) -> list[Path]:
    import cv2
    import numpy as np

    from synth.footprint_render import random_spec, render_photo
    from synth.footprint_scenes import SCENE_KINDS, render_scene
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in SCENE_KINDS:
        for seed in SCENE_SEEDS:
            path = folder / f"scene_{kind}_{seed}.png"
            if not path.exists():
                cv2.imwrite(str(path), render_scene(kind, seed, long_side_px=SCENE_SIDE_PX).photo.image)
            paths.append(path)
    rng = np.random.default_rng(5)
    for i in range(N_PHOTOS):
        path = folder / f"photo_{i:02d}.jpg"
        spec = random_spec(rng, long_side_px=PHOTO_SIDE_PX)
        if not path.exists():
            cv2.imwrite(str(path), render_photo(spec).image, [cv2.IMWRITE_JPEG_QUALITY, 92])
        paths.append(path)
    return paths


def _dump(out: Path, root: Path, folder: Path) -> None:
    sys.path.insert(0, str(root.resolve()))
    import cv2

    import vision
    from vision.footprint import measure_footprint
    print(f"engine: {Path(vision.__file__).parent}", file=sys.stderr)
    cv2.setNumThreads(1)
    paths = _render(folder)
    with out.open("w") as fh:
        for path in paths:
            c0 = time.process_time()
            res = measure_footprint(path, overlay=True, name=path.name)
            cpu = (time.process_time() - c0) * 1000
            ov = res.overlay
            md5 = hashlib.md5(ov.tobytes()).hexdigest() if ov is not None else None
            fh.write(json.dumps({"photo": path.name, "json": res.to_json(), "overlay": md5,
                                 "cpu_ms": cpu}) + "\n")


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None or isinstance(a, (str, list, dict)) \
                or isinstance(b, (str, list, dict)):
            return a == b
        return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= TOL
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _compare(a: Path, b: Path) -> int:
    rows_a = [json.loads(line) for line in a.open()]
    rows_b = [json.loads(line) for line in b.open()]
    bad = 0
    for ra, rb in zip(rows_a, rows_b, strict=True):
        if ra["photo"] != rb["photo"] or not _same(ra["json"], rb["json"]) \
                or ra["overlay"] != rb["overlay"]:
            bad += 1
            print(f"DIFFERS: {ra['photo']}")
    for name, rows in ((a, rows_a), (b, rows_b)):
        big = [r["cpu_ms"] for r in rows if r["photo"].startswith("photo_")]
        print(f"{name}: CPU ms total {sum(r['cpu_ms'] for r in rows):.0f} over {len(rows)} "
              f"photos; 12 MP photos mean {sum(big) / max(1, len(big)):.0f}")
    print(f"{len(rows_a) - bad} of {len(rows_a)} results identical")
    return 1 if bad else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--root", type=Path, required=True)
    d.add_argument("--photos", type=Path, default=Path("/tmp/footprint_identical"))
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "dump":
        _dump(args.out, args.root, args.photos)
        return 0
    return _compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
