"""Speed and memory of measure_footprint on 12 MP JPEG photos, decode included.

Usage: python bench/bench_footprint.py [N] [--seed S] [--long-side PX] [--engine TREE]

Renders N photos (synth.footprint_render, 4000 x 3000 by default), writes them as
JPEG files, then times ``measure_footprint(path)`` on each, single-threaded
(``cv2.setNumThreads(1)``). Prints images/s, median and p90 wall and CPU milliseconds end to
end (the numbers; then with the overlay, which is drawn when ``result.overlay`` is first read),
median ms per stage, and peak memory (max RSS of the process; Python+NumPy allocations
via tracemalloc). CPU time is the fairer figure on a shared machine; to compare two code
trees on the same photos, run once with ``--engine`` naming the other tree (its ``vision``
package is measured; the photos, from the same seed, are the same).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synth.footprint_render import random_spec, render_photo  # noqa: E402


def _render(n: int, seed: int, long_side: int, folder: Path) -> list[Path]:
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(n):
        photo = render_photo(random_spec(rng, long_side_px=long_side))
        path = folder / f"photo_{i:02d}.jpg"
        cv2.imwrite(str(path), photo.image, [cv2.IMWRITE_JPEG_QUALITY, 92])
        paths.append(path)
    return paths


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=10)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--long-side", type=int, default=4000)
    ap.add_argument("--engine", type=Path, help="code tree whose vision package is timed")
    ap.add_argument("--render-to", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.render_to is not None:  # child process: rendering must not count in our memory
        _render(args.n, args.seed, args.long_side, args.render_to)
        return 0
    if args.engine is not None:
        sys.path.insert(0, str(args.engine.resolve()))
        for name in [m for m in sys.modules if m == "vision" or m.startswith("vision.")]:
            del sys.modules[name]
    import vision
    from vision.footprint import measure_footprint
    print(f"engine: {Path(vision.__file__).parent}")
    cv2.setNumThreads(1)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, __file__, str(args.n), "--seed", str(args.seed),
                        "--long-side", str(args.long_side), "--render-to", tmp], check=True)
        paths = sorted(Path(tmp).glob("photo_*.jpg"))
        mp = np.prod(cv2.imread(str(paths[0])).shape[:2]) / 1e6
        measure_footprint(paths[0], overlay=True)  # warm-up: imports, lazy modules
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        tracemalloc.start()
        wall, cpu, cpu_drawn, stages, ok = [], [], [], defaultdict(list), 0
        t_all = time.perf_counter()
        for path in paths:
            w0, c0 = time.perf_counter(), time.process_time()
            res = measure_footprint(path, overlay=True)
            wall.append((time.perf_counter() - w0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            _ = res.overlay   # drawn on first read (what the app and --overlay do)
            cpu_drawn.append((time.process_time() - c0) * 1000)
            ok += res.ok
            for k, v in res.timings_ms.items():
                stages[k].append(v)
        total = time.perf_counter() - t_all
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"photos: {len(paths)} x {mp:.1f} MP JPEG, {ok} analysed ok, 1 thread")
    print(f"images/s: {len(paths) / total:.2f}")
    print(f"end to end wall ms: median {np.median(wall):.0f}, p90 {np.percentile(wall, 90):.0f}")
    print(f"end to end CPU  ms: median {np.median(cpu):.0f}, p90 {np.percentile(cpu, 90):.0f}")
    print(f"  + overlay drawn:  median {np.median(cpu_drawn):.0f}, "
          f"p90 {np.percentile(cpu_drawn, 90):.0f} (CPU ms)")
    print("median ms per stage: " + ", ".join(f"{k} {np.median(v):.0f}"
                                              for k, v in stages.items()))
    print(f"peak memory: max RSS {rss:.0f} MB (before timing {rss_before:.0f} MB), "
          f"traced allocations peak {traced_peak / 2**20:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
