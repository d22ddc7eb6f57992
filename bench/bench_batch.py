"""Batch throughput of ``footcoach footprint --jobs``: photos/s on 1 core and on all cores.

Usage: python bench/bench_batch.py [N] [--seed S] [--long-side PX] [--jobs J] [--repeat R]
                                   [--photos DIR]

Renders N synthetic photos (``synth.footprint_render.random_spec`` / ``render_photo``,
4000 x 3000 = 12 MP by default) as JPEG files into a temporary folder (or DIR, kept and
reused when it already holds them), then measures the folder R times with the batch runner
the CLI uses (``cli.batch.measure_tasks``: spawned workers, one thread each, input order),
once with 1 worker and once with J workers (default: every usable core). Each figure is wall
time end to end, worker start-up included. Prints photos/s, the scaling factor
(rate with J workers / rate with 1) against the goal of 0.8 x J, and the load average
before each run: on a shared machine other processes take cores too, so the best of R
runs is the fairer number and the load says how much to trust it. Worker CPU seconds per
photo (start-up included) and the cores the workers actually got (their CPU time / wall
time) are printed too: when CPU per photo is the same on 1 and J workers, the workers do not
slow each other down, and fewer than J cores used means other processes had the rest.

Nothing is asserted: speed numbers belong here, not in tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

# Only the standard library at module level: the spawned workers re-import this script, and
# NumPy must not load in them before their thread limits are set.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SCALING_GOAL = 0.8          # photos/s on J cores >= SCALING_GOAL * J * photos/s on 1 core
JPEG_QUALITY = 92


def _render_one(job: tuple[int, int, int, str]) -> str:
    """Render photo ``k`` of the set (worker function: seed and size fixed per photo)."""
    import cv2
    import numpy as np

    from synth.footprint_render import random_spec, render_photo

    k, seed, long_side, folder = job
    rng = np.random.default_rng([seed, k])
    photo = render_photo(random_spec(rng, long_side_px=long_side))
    path = Path(folder) / f"photo_{k:03d}.jpg"
    cv2.imwrite(str(path), photo.image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    return str(path)


def render_set(n: int, seed: int, long_side: int, folder: Path, jobs: int) -> list[Path]:
    """The N photos in ``folder`` (rendered on ``jobs`` processes when missing)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    paths = [folder / f"photo_{k:03d}.jpg" for k in range(n)]
    todo = [(k, seed, long_side, str(folder)) for k, p in enumerate(paths) if not p.is_file()]
    if todo:
        t0 = time.perf_counter()
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            list(pool.map(_render_one, todo))
        print(f"rendered {len(todo)} photos in {time.perf_counter() - t0:.0f} s -> {folder}")
    return paths


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(paths: list[Path], jobs: int) -> tuple[float, float, int]:
    """(wall seconds, worker CPU seconds, photos that gave feet) for one batch on ``jobs``
    workers (the pool's workers are joined on return, so their CPU time is counted)."""
    from cli.batch import PhotoTask, measure_tasks

    tasks = [PhotoTask(index=k, path=str(p)) for k, p in enumerate(paths)]
    cpu0, t0 = _children_cpu_s(), time.perf_counter()
    done = measure_tasks(tasks, jobs=jobs)
    wall = time.perf_counter() - t0
    return wall, _children_cpu_s() - cpu0, sum(d.result.ok for d in done)


def _load() -> str:
    try:
        return "load avg {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "load avg unknown"


def _autogroup_note() -> str | None:
    """A warning when Linux autogroup scheduling is on (every process of this session shares
    one CPU share, so on a busy machine J workers get no more CPU than one)."""
    try:
        enabled = Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
        group = Path("/proc/self/autogroup").read_text().strip()
    except OSError:
        return None
    if not enabled:
        return None
    return (f"note: kernel autogroup scheduling is on ({group}): this session's processes "
            "share one CPU share, so while other sessions keep the cores busy the scaling "
            "measured here is capped by the share, not by footcoach; compare 'cores used'.")


def main(argv=None) -> int:
    from cli.batch import usable_cores

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=50)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--long-side", type=int, default=4000)
    ap.add_argument("--jobs", type=int, default=usable_cores())
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--photos", type=Path, help="keep the rendered photos here (reused)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.photos or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        paths = render_set(args.n, args.seed, args.long_side, folder, args.jobs)
        print(f"{len(paths)} photos, {args.long_side} px long side; {usable_cores()} usable "
              f"cores; {args.repeat} run(s) each; nice {os.nice(0)}")
        best = {}
        if args.repeat < 1:
            return 0
        for r in range(args.repeat):
            for jobs in (1, args.jobs):
                load = _load()
                wall, cpu, ok = _run(paths, jobs)
                rate = len(paths) / wall
                best[jobs] = max(best.get(jobs, 0.0), rate)
                print(f"run {r + 1}: {jobs} worker(s): {wall:6.1f} s, {rate:5.2f} photos/s, "
                      f"worker CPU {cpu / len(paths):.2f} s/photo, cores used "
                      f"{cpu / wall:.2f}, {ok}/{len(paths)} gave feet ({load} before)")
    one, many = best[1], best[args.jobs]
    factor = many / one
    goal = SCALING_GOAL * args.jobs
    print(f"best: 1 worker {one:.2f} photos/s, {args.jobs} workers {many:.2f} photos/s; "
          f"scaling x{factor:.2f} (goal >= x{goal:.2f}: {'met' if factor >= goal else 'not met'})")
    print(f"after: {_load()}")
    note = _autogroup_note()
    if note:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
