"""Speed of the exercise analyses on long synthetic traces (no camera, no model).

Usage: python bench/bench_exercises.py [--repeat R]

For each exercise, builds a trace of about one minute at 60 fps (synth/), then times the
offline analysis (``vision.exercises.<exercise>.analyse``) and, for the webcam, the live
coach's per-frame update. Prints wall and CPU milliseconds (median of R runs after one warm
up); the budget is 0.2 s of CPU per minute of video and under 1 ms per live frame. These
numbers used to be asserted in tests; speed belongs here, where a loaded machine cannot make
a test fail.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synth.gait_traces import walk_trace  # noqa: E402
from synth.massage_traces import MassageSpec, massage_trace  # noqa: E402
from synth.raise_traces import heel_raise_trace, leg_raise_trace  # noqa: E402
from synth.traces import squat_trace  # noqa: E402
from vision.exercises import heel_raise, leg_raise, massage, squat, walk  # noqa: E402
from vision.exercises.live import LiveCoach  # noqa: E402

FPS = 60.0                    # frames per second of the long traces


def _traces() -> dict:
    return {
        "squat": (squat.analyse, squat_trace(18, fps=FPS, seed=11, noise_px=1.5,
                                             drop_frac=0.05)[0]),
        "heel_raise": (heel_raise.analyse, heel_raise_trace(20, fps=FPS, seed=4, noise_px=1.5,
                                                            drop_frac=0.05)[0]),
        "leg_raise": (leg_raise.analyse, leg_raise_trace(14, fps=FPS, seed=12,
                                                         noise_px=1.5)[0]),
        "walk": (walk.analyse, walk_trace(pattern="mixed", seed=7, fps=FPS,
                                          out_and_back=True)[0]),
        "massage": (massage.analyse, massage_trace(MassageSpec(
            plan=(("idle", 5.0), ("stroke", 50.0), ("idle", 5.0)), fps=30.0, seed=8))[0]),
    }


def _timed(fn, repeat: int) -> tuple[float, float]:
    fn()                                          # warm up (imports, caches)
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    print(f"{'exercise':12s} {'trace s':>8s} {'frames':>7s} {'wall ms':>8s} {'CPU ms':>7s} "
          f"{'CPU ms/min':>10s}")
    for name, (analyse, trace) in _traces().items():
        wall, cpu = _timed(lambda a=analyse, tr=trace: a(tr), args.repeat)
        minutes = max(float(trace.t[-1] - trace.t[0]), 1e-9) / 60.0
        print(f"{name:12s} {trace.t[-1]:8.1f} {len(trace):7d} {1000 * wall:8.1f} "
              f"{1000 * cpu:7.1f} {1000 * cpu / minutes:10.1f}")
    traces = _traces()
    for name in ("squat", "walk", "heel_raise"):
        trace = traces[name][1]

        def replay(live_name=name.replace("_", "-"), trace=trace):  # noqa: B008
            coach = LiveCoach(live_name, aspect=trace.aspect)
            for i in range(len(trace)):
                coach.update(trace.t[i], trace.pose[i])

        wall, cpu = _timed(replay, max(1, args.repeat // 2))
        print(f"live {name:7s} per frame: {1000 * wall / len(trace):.3f} ms wall, "
              f"{1000 * cpu / len(trace):.3f} ms CPU ({len(trace)} frames)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
