"""vision.pose.tracking without real clips: decimation, prefetching, empty streams."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from vision.pose.tracking import prefetch, track_frames, track_video
from vision.pose.video import VideoError


def _clip(path, n, fps, size=(320, 240)):
    wr = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    for i in range(n):
        wr.write(np.full((size[1], size[0], 3), 5 * i % 250, np.uint8))
    wr.release()
    return path


def test_sixty_fps_clip_analysed_at_thirty(tmp_path):
    clip = _clip(tmp_path / "fast.avi", 20, 60.0)
    done = []
    tr = track_video(clip, max_fps=30, progress=lambda d, t: done.append((d, t)))
    assert len(tr) == 10 and tr.fps == pytest.approx(30.0)
    np.testing.assert_allclose(np.diff(tr.t), 1 / 30, atol=1e-3)
    assert done[-1] == (10, 10)
    assert np.isnan(tr.pose).all() and tr.stats.frames_with_person == 0
    assert (tr.width, tr.height) == (320, 240)


def test_max_frames_stops_early(tmp_path):
    tr = track_video(_clip(tmp_path / "c.avi", 12, 25.0), max_frames=4)
    assert len(tr) == 4


def test_track_frames_with_no_frames_is_an_error():
    with pytest.raises(VideoError, match="no frames"):
        track_frames(iter(()), 30.0, 640, 480)


def test_prefetch_keeps_order_and_reraises_errors():
    def frames():
        for i in range(5):
            yield i / 10, np.full((4, 4, 3), i, np.uint8)
        raise VideoError("broken at frame 5")

    got = []
    with pytest.raises(VideoError, match="broken"):
        for t, f in prefetch(frames(), depth=2):
            got.append((t, int(f[0, 0, 0])))
    assert got == [(i / 10, i) for i in range(5)]


def test_prefetch_stops_its_thread_when_left_early():
    import threading

    def endless():
        i = 0
        while True:
            yield i, np.zeros((2, 2, 3), np.uint8)
            i += 1

    gen = prefetch(endless(), depth=2)
    assert next(gen)[0] == 0
    gen.close()
    assert not any(t.name == "footcoach-decode" and t.is_alive()
                   for t in threading.enumerate())


def test_a_wrong_path_fails_before_the_model_loads(tmp_path, monkeypatch):
    import vision.pose.tracking as tracking

    def no_model(**kwargs):
        raise AssertionError("MediaPipe was loaded for a path that cannot be a video")

    monkeypatch.setattr(tracking, "PoseTracker", no_model)
    (tmp_path / "empty.mp4").write_bytes(b"")
    for bad in (tmp_path / "missing.mp4", tmp_path / "empty.mp4", tmp_path):
        with pytest.raises(VideoError):
            track_video(bad)


@pytest.mark.realdata
def test_one_core_and_decode_thread_paths_give_the_same_trace(shared_data, monkeypatch):
    """Decoding in a background thread (with one decoder thread per spare core) changes
    speed only, never the landmarks."""
    import vision.pose.tracking as tracking

    clip = shared_data / "videos" / "squat_two_people_av1.mp4"
    threaded = track_video(clip, max_frames=20)
    monkeypatch.setattr(tracking, "usable_cores", lambda: 1)
    serial = track_video(clip, max_frames=20)
    assert threaded.stats.frames_with_person == 20
    np.testing.assert_array_equal(threaded.t, serial.t)
    np.testing.assert_array_equal(threaded.pose, serial.pose)


def _pose_imports(path) -> set[str]:
    """Modules of vision.pose that the file at ``path`` imports (anywhere in it)."""
    import ast

    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("vision.pose."):
            out.add(node.module.split(".")[2] + ".py")
        elif isinstance(node, ast.Import):
            out |= {a.name.split(".")[2] + ".py" for a in node.names
                    if a.name.startswith("vision.pose.")}
    return out


def test_trace_caches_are_keyed_on_every_module_the_tracker_runs():
    """A real-clip trace cache keyed on only some of the tracker's code would hand back
    traces made by older code (the cause of a reverted merge): every vision.pose module
    that tracking.py reaches must be in the key."""
    from pathlib import Path

    from vision.pose import tracking

    here = Path(tracking.__file__).parent
    keyed = set(tracking.TRACKER_SOURCES) | set(tracking.HEEL_SOURCES)
    todo, seen = ["tracking.py"], set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_pose_imports(here / name))
    assert seen <= keyed, f"not in the trace cache key: {sorted(seen - keyed)}"
    stamp = tracking.source_stamp(tracking.TRACKER_SOURCES)
    assert stamp != tracking.source_stamp(tracking.TRACKER_SOURCES[1:])
    assert stamp == tracking.source_stamp(tracking.TRACKER_SOURCES)


class _CutTracker:
    """A stand-in for PoseTracker whose stream has a scene cut at frame ``cut``."""

    choice, retract_before, gaps, n_rejected, n_redetections = None, None, (), 0, 0

    def __init__(self, cut: int):
        self.cut, self.n_cuts, self.seen = cut, 0, 0

    def process_rgb(self, rgb, t, own=False):
        self.n_cuts += self.seen == self.cut
        self.seen += 1
        return None, []


def test_the_frame_observer_is_told_of_each_scene_cut():
    """The pixel heel analysis must hear of the tracker's scene cuts on the frame they
    happen (it then seeds its patches afresh), and on no other frame."""
    from vision.pose.tracking import _track
    told = []
    frames = [(i / 30, np.zeros((8, 8, 3), np.uint8)) for i in range(6)]
    _track(_CutTracker(cut=3), frames, fps=30.0, width=8, height=8, progress=None, total=6,
           max_frames=None, source="", prepared=True,
           observe=lambda f, t, row, new_shot: told.append(new_shot))
    assert told == [False, False, False, True, False, False]
