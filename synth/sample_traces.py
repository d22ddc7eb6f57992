"""Write the small synthetic landmark traces shipped in ``sample_media/traces/``.

Run ``python -m synth.sample_traces [OUT_DIR]`` to regenerate them. Each file is a
``footcoach-trace/1`` JSON under 300 KB (x, y rounded to 4 decimals, z to 3, visibility to
2), made by :mod:`synth.traces` with a fixed seed, so the app has something to show
on its first run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from synth.raise_traces import heel_raise_trace, leg_raise_trace
from synth.traces import squat_trace
from vision.pose.trace import Trace

SAMPLES = {
    "squat_good.json": lambda: squat_trace(3, depth_deg=[95, 100, 90], fps=24.0, seed=101,
                                           facing="right", child=True, height_m=1.15,
                                           noise_px=1.0, far_foot_wander=0.3),
    "squat_heel_lift.json": lambda: squat_trace(3, depth_deg=100, heel_lift={1: 0.3, 2: 0.25},
                                                fps=24.0, seed=102, facing="left", child=True,
                                                height_m=1.1, noise_px=1.0),
    "heel_raise.json": lambda: heel_raise_trace(3, rise_frac_foot=0.3, hold_s=[1.0, 1.5, 1.0],
                                                fps=24.0, seed=103, facing="right", child=True,
                                                height_m=1.2, noise_px=1.0),
    "leg_raise.json": lambda: leg_raise_trace(3, peak_hip_flexion_deg=[85, 60, 90],
                                              knee_bend_deg=[3, 3, 30], legs="alternate",
                                              fps=20.0, seed=104, facing="right", child=True,
                                              height_m=1.1, noise_px=1.0),
}


def compact(trace: Trace) -> Trace:
    """Copy of ``trace`` with x, y rounded to 4 decimals, z to 3, visibility to 2."""
    pose = trace.pose.copy()
    pose[..., :2] = np.round(pose[..., :2], 4)
    pose[..., 2] = np.round(pose[..., 2], 3)
    pose[..., 3] = np.round(pose[..., 3], 2)
    return Trace(fps=trace.fps, width=trace.width, height=trace.height, t=trace.t, pose=pose,
                 source=trace.source)


def write_sample_traces(out_dir: str | Path) -> list[Path]:
    """Write every trace in :data:`SAMPLES` to ``out_dir``; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, make in SAMPLES.items():
        trace, _ = make()
        path = out / name
        compact(trace).save(path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "sample_media/traces"
    for p in write_sample_traces(target):
        print(p, p.stat().st_size // 1024, "KB")
