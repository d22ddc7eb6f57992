"""Speed of the pose pipeline: decode, model (Pose; Pose + Hands), ``footcoach track``, analysis.

The headline (issue 13): ``footcoach track`` against the bare loop a user would write on the
same clip and frames (decode, BGR -> RGB, ``PoseLandmarker.detect_for_video``; model load
included in both), side by side with their ratio (target >= 0.9), and the share of the
pixel heel analysis (track with and without it; target under 10 %), in one run.

Prints frames/s and ms per frame for each stage on a 720p clip: the real AV1 clip
``squat_two_people_av1.mp4`` (720x1280, decoded by PyAV) and an H.264 1280x720 copy of a
real walking clip (decoded by OpenCV), both from ../shared/data/videos when present; else a
synthetic 1280x720 clip drawn with OpenCV (no person in it, so the detector runs every frame).

Target (DESIGN.md): ``footcoach track`` >= 40 frames/s on a 720p clip on 2 cores.

Usage: ``python bench/bench_pose.py [--frames N] [--clip PATH] [--headline [--repeats K]]``
(``--headline``: only the track / bare-loop ratio and the pixel heel share, the bare loop,
track and track without the pixel heel run in turn K times, medians compared; wall and CPU
per frame both printed, with the wall spread and the load average, since a shared machine
makes wall times noisy)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
VIDEOS = Path(os.environ.get("FOOTCOACH_SHARED_DATA", ROOT.parent / "shared" / "data")) / "videos"

from vision.pose.estimator import PoseTracker  # noqa: E402
from vision.pose.landmarkers import POSE_BUNDLE  # noqa: E402
from vision.pose.tracking import track_frames, track_video, usable_cores  # noqa: E402
from vision.pose.video import open_video, rgb_for_analysis  # noqa: E402


class _Timer:
    """Wall, CPU (all threads of this process) and calling-thread CPU seconds of a block.

    MediaPipe runs its graph in its own threads and the decoder in another, so the calling
    thread's CPU is the Python work done while the model waits: on a machine with a free
    core, the model's time plus this is the critical path of ``footcoach track``.
    """

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        self.main = time.thread_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.main = time.thread_time() - self.main


def _line(name: str, frames: int, timer: _Timer) -> None:
    n = max(frames, 1)
    print(f"  {name:40s} {frames / timer.wall:7.1f} frames/s  {1000 * timer.wall / n:7.2f} "
          f"ms/frame  (cpu {1000 * timer.cpu / n:6.2f}, calling thread "
          f"{1000 * timer.main / n:5.2f} ms/frame, {frames} frames)", flush=True)


def _make_720p_h264(src: Path, out: Path, n: int) -> Path:
    """Upscale a real clip to 1280x720 H.264 (libx264 through PyAV; 'mp4v' otherwise)."""
    import av

    with open_video(src) as video, av.open(str(out), "w") as box:
        st = box.add_stream("libx264", rate=round(video.fps))
        st.width, st.height, st.pix_fmt = 1280, 720, "yuv420p"
        for (_, f), _i in zip(video, range(n), strict=False):
            img = cv2.resize(f, (1280, 720), interpolation=cv2.INTER_LINEAR)
            for p in st.encode(av.VideoFrame.from_ndarray(img, format="bgr24")):
                box.mux(p)
        for p in st.encode():
            box.mux(p)
    return out


def _make_synthetic(out: Path, n: int) -> Path:
    wr = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (1280, 720))
    for i in range(n):
        img = np.full((720, 1280, 3), 200, np.uint8)
        cv2.circle(img, (200 + 5 * i, 300), 60, (40, 40, 160), -1)
        cv2.rectangle(img, (600, 200 + i % 50), (700, 500), (90, 60, 30), -1)
        wr.write(img)
    wr.release()
    return out


def bare_loop(path: Path, n: int) -> int:
    """Decode, convert and run the Tasks pose landmarker on each frame: nothing else.
    Returns the frames processed (the model is made inside, as ``track_video`` does)."""
    import mediapipe as mp
    from mediapipe.tasks.python.core.base_options import BaseOptions
    from mediapipe.tasks.python.vision import pose_landmarker as pl
    from mediapipe.tasks.python.vision.core.vision_task_running_mode import (
        VisionTaskRunningMode,
    )

    opts = pl.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(POSE_BUNDLE)),
        running_mode=VisionTaskRunningMode.VIDEO, num_poses=1)
    done = 0
    with pl.PoseLandmarker.create_from_options(opts) as lm, \
            open_video(path, threads=max(1, usable_cores() - 1)) as video:
        for (t, frame), _i in zip(video, range(n), strict=False):
            rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
            lm.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb),
                                int(round(t * 1000)))
            done += 1
    return done


def _median(xs: list[float]) -> float:
    return float(np.median(xs))


def bench_headline(path: Path, n: int, repeats: int = 3) -> None:
    """``footcoach track`` against the bare loop on the same frames, and the share of the
    pixel heel analysis (track with and without it), in one run: the three are run in turn
    ``repeats`` times (interleaved, so a change in the machine's load hits them alike) and
    the medians compared. Wall and CPU (all threads) per frame are both printed, with the
    spread of the wall times: on a machine shared with other work, wall times follow the
    load and the CPU times are the steadier measure (though they too grow when the cores'
    caches are shared)."""
    runs = {"bare": [], "track": [], "noheel": []}
    frames = {}
    for _ in range(repeats):
        with _Timer() as tm:
            frames["bare"] = bare_loop(path, n)
        runs["bare"].append(tm)
        for key, heel in (("track", True), ("noheel", False)):
            with _Timer() as tm:
                trace = track_video(path, max_frames=n, heel_pixels=heel)
            frames[key] = len(trace)
            runs[key].append(tm)
    names = {"bare": "bare decode + model loop (incl. load)",
             "track": "footcoach track (incl. load)",
             "noheel": "footcoach track, no pixel heel"}
    wall = {k: _median([t.wall for t in v]) / max(frames[k], 1) for k, v in runs.items()}
    cpu = {k: _median([t.cpu for t in v]) / max(frames[k], 1) for k, v in runs.items()}
    for k, name in names.items():
        spread = [1000 * t.wall / max(frames[k], 1) for t in runs[k]]
        print(f"  {name:40s} {1 / wall[k]:7.1f} frames/s  {1000 * wall[k]:7.2f} ms/frame  "
              f"(cpu {1000 * cpu[k]:6.2f} ms/frame; wall {min(spread):.1f}-{max(spread):.1f} "
              f"over {repeats} runs, {frames[k]} frames)", flush=True)
    print(f"  {'track / bare loop':40s} {wall['bare'] / wall['track']:7.2f}      "
          f"(frames/s ratio, target >= 0.9; by CPU {cpu['bare'] / cpu['track']:.2f}; person "
          f"in {trace.stats.frames_with_person}/{trace.stats.frames} frames)", flush=True)
    print(f"  {'pixel heel share of track':40s} {100 * (wall['track'] / wall['noheel'] - 1):+6.1f} %"
          f"     (wall; target < 10 %; by CPU {100 * (cpu['track'] / cpu['noheel'] - 1):+.1f} %)",
          flush=True)


def bench_clip(path: Path, n: int, *, analyse: bool) -> None:
    with open_video(path) as video:
        print(f"\n{path.name}: {video.width}x{video.height}, codec {video.codec} via "
              f"{video.backend}, {video.fps:.1f} fps", flush=True)
    threads = max(1, usable_cores() - 1)          # as track_video asks for
    with _Timer() as tm, open_video(path, threads=threads) as video:
        small = [rgb_for_analysis(f) for (_, f), _i in zip(video, range(n), strict=False)]
    _line(f"decode (threads={threads}) + shrink + RGB", len(small), tm)
    for hands in (False, True):
        with PoseTracker(hands=hands) as tracker:
            tracker.process_rgb(small[0], 0.0)         # model load is not per frame
            with _Timer() as tm:
                for i, f in enumerate(small[1:], start=1):
                    tracker.process_rgb(f, i / 30)    # not owned: the mask is a copy
            _line("model: Pose + Hands" if hands else "model: Pose", len(small) - 1, tm)
    with _Timer() as tm:
        PoseTracker().close()
    print(f"  {'model load (once per video)':40s} {1000 * tm.wall:7.0f} ms", flush=True)
    with _Timer() as tm, open_video(path) as video:
        trace = track_frames(video, video.fps, video.width, video.height, max_frames=n)
    _line("track, serial decode (incl. load)", len(trace), tm)
    bench_headline(path, n, repeats=1)
    if analyse:
        _bench_analysis(track_video(path, max_frames=n))


def _bench_analysis(trace) -> None:
    try:
        from vision.exercises import analyse
    except ImportError:
        return
    for exercise in ("squat", "walk"):
        try:
            with _Timer() as tm:
                analyse(trace, exercise)
            _line(f"analysis: {exercise}", len(trace), tm)
        except Exception as exc:     # another engineer's module may not exist yet
            print(f"  analysis: {exercise:24s} unavailable ({type(exc).__name__})")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=150)
    ap.add_argument("--clip", type=Path, default=None)
    ap.add_argument("--headline", action="store_true",
                    help="only footcoach track against the bare decode + model loop and the "
                         "pixel heel share")
    ap.add_argument("--repeats", type=int, default=3,
                    help="interleaved runs of each in --headline (medians are compared)")
    args = ap.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"pose pipeline speed on {os.cpu_count()} cores, load average {load:.1f} (target: "
          f"footcoach track >= 40 frames/s at 720p)")
    with tempfile.TemporaryDirectory() as tmp:
        clips = [args.clip] if args.clip else []
        if not clips and VIDEOS.is_dir():
            clips = [VIDEOS / "squat_two_people_av1.mp4",
                     _make_720p_h264(VIDEOS / "walk_side_barefoot_no_arm_swing.mp4",
                                     Path(tmp) / "walk_1280x720_h264.mp4", args.frames)]
        if not clips:
            clips = [_make_synthetic(Path(tmp) / "synthetic_1280x720.mp4", args.frames)]
        for clip in clips:
            if args.headline:
                print(f"\n{clip.name}", flush=True)
                bench_headline(clip, args.frames, repeats=args.repeats)
            else:
                bench_clip(clip, args.frames, analyse=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
