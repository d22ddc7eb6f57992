"""Landmark traces from videos and frame streams: the one call the CLI and the app use.

``track_video(path)`` opens the file (see :mod:`vision.pose.video`), runs one
:class:`~vision.pose.estimator.PoseTracker` over every frame and returns a
:class:`~vision.pose.trace.Trace` (normalised landmarks, NaN rows where nobody was found).
``track_frames`` does the same for frames the caller already has (image sequences, the app).

Speed: the model (one MediaPipe Pose graph, about 20 ms of CPU a 720p frame, nearly all of
it the landmark network) is the critical path and cannot be split across frames, because
each frame's region comes from the previous one. Everything else moves off that path: a
decode thread decodes, shrinks and colour-converts the next frames (its decoder limited to
the cores the model leaves free) while MediaPipe, which releases the GIL, works on this one.
Each frame is resized once and colour-converted once (PyAV does both in one pass from the
decoded picture); the model thread only paints the mask in place and runs the model.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from vision.pose.estimator import PoseTracker
from vision.pose.trace import N_POSE, HandLandmarks, Trace
from vision.pose.video import ANALYSIS_MAX_SIDE_PX, VideoError, check_source, open_video

Progress = Callable[[int, int], None]

# Files of this package whose code decides a trace's landmarks (TRACKER_SOURCES) and its
# pixel heel measure (HEEL_SOURCES): caches of real-clip traces (tests, bench) are keyed on
# their contents by :func:`source_stamp`, so a trace made by older tracking code is never
# reused. Add a module here when the tracker starts to depend on it.
TRACKER_SOURCES = ("tracking.py", "estimator.py", "target.py", "video.py", "landmarkers.py",
                   "landmark_filter.py", "trace.py", "finder.py", "opening.py", "shots.py")
HEEL_SOURCES = ("heel_contact.py", "heel_patches.py", "heel_floor.py")


@dataclass(frozen=True)
class TrackStats:
    """What happened while tracking: frames seen, frames with a person, rejected jumps
    (detections refused as another person) and forced re-detections.

    ``target_rule`` names how the person was chosen (a key of
    :data:`vision.pose.target.RULE_TEXT`; "" when nobody was found), ``target_note`` says it
    in plain words, ``people_in_view`` is how many people were found then.
    ``opening_dropped`` counts the first frames left empty because they showed someone
    the opening's rule did not choose in the end. ``reacquired`` lists the whole-frame restarts as (first frame missing or barely seen,
    frame a person was taken up again), frame indices: the movement before and after such
    a gap must not be joined, as the person may have changed. ``handovers_refused`` counts
    the times the lenient follower, shown the body just taken up, found another body there
    and was not handed over (it detected afresh in a tight window instead); ``scene_cuts``
    the scene cuts met while following (:mod:`vision.pose.shots`), each one a fresh choice
    listed in ``reacquired``.
    """

    frames: int
    frames_with_person: int
    rejected_jumps: int
    redetections: int
    expected_frames: int = 0   # frames the container announced (after max_frames); 0: unknown
    target_rule: str = ""
    target_note: str = ""
    people_in_view: int = 0
    reacquired: tuple[tuple[int, int], ...] = ()
    opening_dropped: int = 0   # first frames left empty: they showed a person not chosen
    handovers_refused: int = 0  # the follower found another body than the one taken up
    scene_cuts: int = 0        # cuts met while following (each a fresh choice and a gap)


def track_video(path: str | os.PathLike, *, hands: bool = False, target=None,
                progress: Progress | None = None, max_frames: int | None = None,
                fps: float | None = None, max_fps: float | None = None,
                heel_pixels: bool = True) -> Trace:
    """Track one person through a video file or image sequence.

    Parameters
    ----------
    path : str or PathLike
        Video file, folder of images or glob (see :func:`vision.pose.video.open_video`).
    hands : bool
        Also record hand landmarks.
    target : None, "in_view", "largest", "central", (x, y) or (x0, y0, x1, y1)
        Who to follow (see :class:`~vision.pose.estimator.PoseTracker`); None: the person
        most fully and largely in view. ``trace.stats`` says which rule was used.
    progress : callable, optional
        Called as ``progress(done_frames, total_frames)`` after each frame; ``total`` is the
        container's frame count (an estimate; 0 when unknown).
    max_frames : int, optional
        Stop after this many frames.
    fps : float, optional
        Frame rate of an image sequence (default 30).
    max_fps : float, optional
        Analyse every k-th frame, k = round(source fps / max_fps), when the source is faster
        (a 60 fps phone clip with ``max_fps=30`` costs half). Exercise analysis needs no
        more than about 30 frames/s; the trace's ``fps`` is the analysed rate.
    heel_pixels : bool
        Also measure heel contact in the image (:mod:`vision.pose.heel_contact`) into
        ``trace.heel_px`` (a few ms a frame).

    Returns
    -------
    Trace
        ``source`` is the file name; ``width`` and ``height`` are the upright frame size.
        ``trace.stats`` (a :class:`TrackStats`) is attached as an attribute.

    Raises
    ------
    VideoError
        The file cannot be read as a video (see :func:`~vision.pose.video.open_video`).
    """
    if max_fps is not None and not max_fps > 0:
        raise ValueError(f"max_fps must be positive, got {max_fps!r}")
    check_source(path)        # a wrong path fails at once, before MediaPipe loads
    cores = usable_cores()
    # MediaPipe opens its models (about 0.1 s of CPU) in its own threads once the tracker
    # exists: make it first so that this overlaps probing and opening the video (~0.05 s).
    with PoseTracker(hands=hands, target=target) as tracker, \
            open_video(path, fps=fps, threads=max(1, cores - 1),
                       rgb_max_side=ANALYSIS_MAX_SIDE_PX) as video:
        step = max(1, round(video.fps / max_fps)) if max_fps else 1
        frames = itertools.islice(video, 0, None, step)   # decoded, shrunk, RGB
        frames = prefetch(frames) if cores > 1 else (item for item in frames)
        heel = _heel_tracker(video.width, video.height) if heel_pixels else None
        try:
            trace = _track(tracker, frames, fps=video.fps / step, width=video.width,
                           height=video.height, progress=progress,
                           total=-(-video.frame_count // step), max_frames=max_frames,
                           source=os.path.basename(os.fspath(path)), prepared=True,
                           observe=heel.update if heel is not None else None)
            if heel is not None:
                trace.heel_px = heel.result().to_array()
                trace.heel_px[:trace.stats.opening_dropped] = np.nan
            return trace
        finally:
            frames.close()    # stop the decode thread before the video is closed


def track_frames(frames: Iterable[tuple[float, np.ndarray]], fps: float, width: int,
                 height: int, *, hands: bool = False, target=None,
                 progress: Progress | None = None, total: int = 0,
                 max_frames: int | None = None, source: str = "",
                 prepared: bool = False) -> Trace:
    """Track one person through ``(t_seconds, frame_bgr)`` pairs in time order.

    ``width`` and ``height`` (pixels) describe the frames; ``fps`` is recorded in the trace.
    ``prepared=True``: the frames are RGB from :func:`~vision.pose.video.rgb_for_analysis`
    and handed over (the tracker paints its mask on them). Other parameters as for
    :func:`track_video`. Raises VideoError when no frame arrives.
    """
    with PoseTracker(hands=hands, target=target) as tracker:
        return _track(tracker, frames, fps=fps, width=width, height=height, progress=progress,
                      total=total, max_frames=max_frames, source=source, prepared=prepared)


def _track(tracker: PoseTracker, frames: Iterable[tuple[float, np.ndarray]], *, fps: float,
           width: int, height: int, progress: Progress | None, total: int,
           max_frames: int | None, source: str, prepared: bool, observe=None) -> Trace:
    """The loop of :func:`track_frames` with a tracker the caller made; ``observe(frame,
    t, pose_row_or_None, new_shot=bool)`` (optional) sees each frame after the model,
    ``new_shot`` True on the frame where the tracker met a scene cut."""
    ts: list[float] = []
    rows: list[np.ndarray] = []
    hand_rows: list[list[HandLandmarks]] = []
    missing = np.full((N_POSE, 4), np.nan)
    if max_frames is not None and total:
        total = min(total, max_frames)
    for i, (t, frame) in enumerate(frames):
        if max_frames is not None and i >= max_frames:
            break
        cuts = tracker.n_cuts
        row, hs = (tracker.process_rgb(frame, t, own=True) if prepared else
                   tracker.process(frame, t))
        if observe is not None:
            observe(frame, t, row, new_shot=tracker.n_cuts != cuts)
        ts.append(float(t))
        rows.append(missing if row is None else row)
        hand_rows.append(hs)
        if progress is not None:
            progress(i + 1, max(total, i + 1))
    if not ts:
        raise VideoError(f"{source or 'the stream'} gave no frames to track.")
    choice = tracker.choice
    times = np.array(ts)
    dropped = 0
    if tracker.retract_before is not None:   # the opening showed someone else first
        dropped = int(np.searchsorted(times, tracker.retract_before - 1e-6))
        rows[:dropped] = [missing] * dropped
    gaps = tuple((int(np.searchsorted(times, a - 1e-6)), int(np.searchsorted(times, b - 1e-6)))
                 for a, b in tracker.gaps)
    stats = TrackStats(frames=len(ts),
                       frames_with_person=sum(not np.isnan(r[0, 0]) for r in rows),
                       rejected_jumps=tracker.n_rejected, redetections=tracker.n_redetections,
                       expected_frames=max(0, int(total)),
                       target_rule=choice.rule if choice else "",
                       target_note=choice.sentence() if choice else "",
                       people_in_view=choice.people if choice else 0, reacquired=gaps,
                       opening_dropped=dropped,
                       handovers_refused=getattr(tracker, "n_handover_refused", 0),
                       scene_cuts=getattr(tracker, "n_cuts", 0))
    trace = Trace(fps=float(fps), width=int(width), height=int(height), t=times,
                  pose=np.stack(rows), hands=hand_rows, source=source)
    trace.stats = stats
    return trace


_END = object()


def _heel_tracker(width: int, height: int):
    """The pixel heel analyser for :func:`track_video` (imported here: optional stage)."""
    from vision.pose.heel_contact import HeelContactTracker
    return HeelContactTracker(width, height)


def source_stamp(names: Iterable[str], salt: str = "") -> str:
    """12 hex digits of SHA-256 over ``salt`` and the bytes of the files ``names`` of this
    package (``vision/pose``), in order; a missing file counts as empty."""
    here = os.path.dirname(os.path.abspath(__file__))
    h = hashlib.sha256(salt.encode())
    for name in names:
        h.update(name.encode())
        try:
            with open(os.path.join(here, name), "rb") as f:
                h.update(f.read())
        except FileNotFoundError:
            pass
    return h.hexdigest()[:12]


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the OS reports one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def prefetch(frames: Iterable[tuple[float, np.ndarray]], *, depth: int = 4,
             transform: Callable[[np.ndarray], np.ndarray] | None = None
             ) -> Iterator[tuple[float, np.ndarray]]:
    """Decode (and ``transform``) frames in a background thread, ``depth`` frames ahead.

    Decoding (OpenCV, PyAV) and ``cv2.resize`` release the GIL, so on two cores the next
    frame is decoded while MediaPipe works on this one. Errors raised by the source are
    re-raised in the caller's thread; leaving the loop early stops the thread.
    """
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for t, frame in frames:
                if not put((t, transform(frame) if transform else frame)):
                    return
        except BaseException as exc:      # handed to the consumer, raised there
            put(exc)
            return
        put(_END)

    thread = threading.Thread(target=work, name="footcoach-decode", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)
