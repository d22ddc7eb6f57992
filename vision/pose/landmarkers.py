"""MediaPipe Tasks landmarkers for :mod:`vision.pose.estimator`: the bundled models, VIDEO
mode with a clock that never goes back, quiet loading, and hand labels with legacy meaning.

- Models: ``vision/pose/models/*.task`` (Apache-2.0, see ``models/NOTICE``), loaded from the
  package path, never from the network; ``tools/build_task_bundles.py`` rebuilds them.
- Hand labels: the legacy ``solutions.hands`` named handedness for a mirrored (selfie)
  image; on the 13 real clips the Tasks landmarker names the other hand for 9 in 10 matched
  hands, so its labels are swapped back (``HAND_LABELS_SWAPPED``) and traces keep their
  meaning: "Left" on an ordinary camera image is the person's right hand.
- One pose landmarker per role (BlazePose GHUM full, ``num_poses=1``) and at most one
  ``HandLandmarker`` (two hands) per stream, in VIDEO running mode and made once per
  tracker: never per frame. Frames must come in time order.
- Timestamps: the Tasks API needs strictly increasing integer milliseconds. ``t`` (seconds)
  is rounded to ms and pushed 1 ms past the previous call when it does not increase (a
  webcam's repeated or backward clock, the tracker's own re-detection frames), so any
  caller's clock works.
- Threads: a landmarker holds a MediaPipe graph with state; call a tracker from one thread
  at a time (for a webcam callback, one tracker per connection, guarded by a lock if the
  callback can run concurrently).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from vision.pose.trace import N_HAND, N_POSE, HandLandmarks

MODELS_DIR = Path(__file__).resolve().parent / "models"
POSE_BUNDLE = MODELS_DIR / "pose_landmarker_full.task"
HAND_BUNDLE = MODELS_DIR / "hand_landmarker_full.task"
MAX_HANDS = 2
HAND_LABELS_SWAPPED = True   # measured: Tasks names the other hand than the legacy API


BLANK = np.zeros((64, 64, 3), np.uint8)


class VideoTask:
    """A Tasks landmarker in VIDEO mode fed numpy RGB frames with its own monotonic clock.

    ``run(rgb)`` returns the landmarker's result for the next timestamp: the last one plus
    ``tick(t)`` (see :meth:`tick`), or 1 ms past the last one if no time was given.
    """

    def __init__(self, landmarker) -> None:
        self._lm = landmarker
        self._ms = -1
        self._fresh = False     # True: the last frame run was blank (nothing tracked)

    def tick(self, t: float) -> None:
        """Move the clock to ``t`` seconds (never backwards: at least 1 ms past the last
        frame, counted when the next frame is run)."""
        self._ms = max(self._ms, int(round(t * 1000.0)) - 1)

    def warm_up(self) -> None:
        """One blank frame at time 0 (the first inference logs a few notices)."""
        self.run(BLANK)

    def reset(self) -> None:
        """Make the landmarker detect afresh on its next frame: a blank frame makes the
        tracked body vanish (a model run, 14-25 ms of CPU). Skipped when the last frame run
        was already blank (the warm-up, or a reset with nothing run since): the landmarker
        then tracks nothing, and a second blank would cost a run and change nothing."""
        if not self._fresh:
            self.run(BLANK)
        else:
            self._ms += 1       # the clock moves as if it ran (the graph's filters use it)

    def run(self, rgb: np.ndarray):
        import mediapipe as mp

        self._ms += 1
        self._fresh = rgb is BLANK
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        return self._lm.detect_for_video(image, self._ms)

    def close(self) -> None:
        with _native_logs_muted():
            self._lm.close()


_STDERR_LOCK = threading.Lock()
LOADER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="footcoach-model-load")


_MUTE = {"depth": 0, "saved": -1}     # nested mutes (model loads in two threads) share one


@contextmanager
def _native_logs_muted():
    """Send what MediaPipe's C++ code writes to stderr (about 50 lines of LiteRT notices per
    model load and close) to /dev/null for the duration; Python exceptions still carry the
    error. ``FOOTCOACH_NATIVE_LOGS=1`` keeps them (for debugging)."""
    if os.environ.get("FOOTCOACH_NATIVE_LOGS") == "1":
        yield
        return
    with _STDERR_LOCK:
        if _MUTE["depth"] == 0:
            try:
                _MUTE["saved"] = os.dup(2)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 2)
                os.close(devnull)
            except OSError:       # no stderr at all: nothing to mute
                _MUTE["saved"] = -1
        _MUTE["depth"] += 1
    try:
        yield
    finally:
        with _STDERR_LOCK:
            _MUTE["depth"] -= 1
            if _MUTE["depth"] == 0 and _MUTE["saved"] >= 0:
                os.dup2(_MUTE["saved"], 2)
                os.close(_MUTE["saved"])
                _MUTE["saved"] = -1


def _bundle(path: Path) -> str:
    if not path.is_file():
        raise RuntimeError(f"The model file {path.name} is missing from the footcoach "
                           f"package (expected at {path}); reinstall footcoach.")
    return str(path)


def make_pose(det: float, trk: float, *, presence: float) -> VideoTask:
    from mediapipe.tasks.python.core.base_options import BaseOptions
    from mediapipe.tasks.python.vision import pose_landmarker as pl
    from mediapipe.tasks.python.vision.core.vision_task_running_mode import (
        VisionTaskRunningMode,
    )

    opts = pl.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=_bundle(POSE_BUNDLE)),
        running_mode=VisionTaskRunningMode.VIDEO, num_poses=1,
        min_pose_detection_confidence=det, min_pose_presence_confidence=presence,
        min_tracking_confidence=trk, output_segmentation_masks=False)
    with _native_logs_muted():
        task = VideoTask(pl.PoseLandmarker.create_from_options(opts))
        task.warm_up()
    return task


def make_hands(det: float, trk: float) -> VideoTask:
    from mediapipe.tasks.python.core.base_options import BaseOptions
    from mediapipe.tasks.python.vision import hand_landmarker as hl
    from mediapipe.tasks.python.vision.core.vision_task_running_mode import (
        VisionTaskRunningMode,
    )

    opts = hl.HandLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=_bundle(HAND_BUNDLE)),
        running_mode=VisionTaskRunningMode.VIDEO, num_hands=MAX_HANDS,
        min_hand_detection_confidence=det, min_hand_presence_confidence=trk,
        min_tracking_confidence=trk)
    with _native_logs_muted():
        task = VideoTask(hl.HandLandmarker.create_from_options(opts))
        task.warm_up()
    return task


def or_zero(v: float | None) -> float:
    return 0.0 if v is None else float(v)


def hand_label(name: str) -> str:
    """The legacy label for Tasks' handedness ``name``."""
    if HAND_LABELS_SWAPPED:
        return {"Left": "Right", "Right": "Left"}.get(name, name)
    return name


def pose_row(res) -> np.ndarray | None:
    """The (33, 4) pose row (normalised x, y, z, visibility) of a pose landmarker result,
    or None when it found nobody."""
    if not res.pose_landmarks:
        return None
    arr = np.array([[p.x, p.y, p.z, or_zero(p.visibility)] for p in res.pose_landmarks[0]],
                   dtype=float)
    if arr.shape != (N_POSE, 4):
        raise RuntimeError(f"MediaPipe returned {arr.shape} pose landmarks")
    return arr


def hand_rows(res) -> list[HandLandmarks]:
    """The hands (legacy labels, normalised x, y, z) of a hand landmarker result."""
    out = []
    for i, lms in enumerate(res.hand_landmarks or []):
        cats = res.handedness[i] if i < len(res.handedness or []) else []
        arr = np.array([[p.x, p.y, p.z] for p in lms], dtype=float)
        if arr.shape == (N_HAND, 3):
            out.append(HandLandmarks(hand_label(cats[0].category_name if cats else ""), arr))
    return out


class PosePair:
    """Two pose landmarkers on one stream: ``strict`` (presence score ``acquire``, 0..1)
    takes a body up; ``keep`` (presence ``keep``, lower) follows it, loaded in the
    background (about 0.6 s of CPU, on the core the model leaves free, while the first
    frames are decoded and the person is found): None until :meth:`ready`.

    ``last`` is the landmarker that saw the last frame; the other one's region is from an
    older frame, so :meth:`run` makes it detect afresh first. ``forgets`` counts the forced
    re-detections (:meth:`forget`).
    """

    def __init__(self, det: float, trk: float, *, acquire: float, keep: float) -> None:
        self.strict: VideoTask | None = make_pose(det, trk, presence=acquire)
        self.keep: VideoTask | None = None
        self._loading: Future | None = LOADER.submit(make_pose, det, trk, presence=keep)
        self.last: VideoTask | None = None
        self.forgets = 0

    def ready(self) -> VideoTask | None:
        """Wait for the follower's background load (once); the follower."""
        if self._loading is not None:
            self.keep, self._loading = self._loading.result(), None
        return self.keep

    def tick(self, t: float) -> None:
        for task in (self.strict, self.keep):
            if task is not None:
                task.tick(t)

    def forget(self, only: VideoTask | None = None) -> None:
        """Make both landmarkers (or ``only``) detect afresh on the next frame: a blank
        frame makes the tracked body vanish (a few ms), far cheaper than a new one."""
        for task in (self.strict, self.keep) if only is None else (only,):
            if task is not None:
                task.reset()
        self.forgets += 1

    def run(self, rgb: np.ndarray, task: VideoTask | None = None) -> np.ndarray | None:
        """Pose row of ``task`` (default ``strict``) on ``rgb``, or None."""
        task = self.strict if task is None else task
        if task is not self.last:
            task.reset()          # its own region is from an older frame: detect afresh
            self.last = task
        return pose_row(task.run(rgb))

    def hand_over(self, rgb: np.ndarray, same: Callable[[np.ndarray], bool]) -> bool:
        """Let the follower detect, on ``rgb``, the body ``strict`` just took up, so it
        tracks from the next frame; ``same(row)`` says whether what it found is that body.
        False (``last`` None: the follower detects afresh next time) when it found another
        body or none; True when handed over, or when there is no follower."""
        keep = self.ready()
        if keep is None:
            return True
        keep.reset()
        got = pose_row(keep.run(rgb))
        ok = got is not None and same(got)
        self.last = keep if ok else None
        return ok

    def close(self) -> None:
        if self._loading is not None:
            try:
                self.keep = self._loading.result()
            except Exception:  # noqa: BLE001 - a failed load has nothing to close
                self.keep = None
            self._loading = None
        for task in (self.strict, self.keep):
            if task is not None:
                task.close()
        self.strict = self.keep = None
