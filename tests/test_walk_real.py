"""Walking analysis on the real side-view clips (../shared/data/videos, MANIFEST.md).

Each clip is tracked once per session (P1's ``track_video``); the expectations are the
manifest's: heel strikes present, no tiptoe fault, turning and standing are not steps, the
front-facing end of ``walk_side_barefoot_no_arm_swing`` is not used as a side view.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vision.exercises.walk import analyse, side_view_frames
from vision.pose.signals import prepare

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

CLIPS = ("walk_side_barefoot_01", "walk_side_barefoot_slouch",
         "walk_side_barefoot_circumduction", "walk_side_barefoot_no_arm_swing",
         "walk_side_shoes")
_CACHE: dict = {}


@pytest.fixture(scope="session")
def walk_trace_of(shared_data):
    """Tracked trace of a clip, once per session. Set FOOTCOACH_TRACE_CACHE to a folder
    (outside the repository) to keep the traces between runs as well."""
    tracking = pytest.importorskip("vision.pose.tracking")
    from vision.pose.trace import Trace
    disk = os.environ.get("FOOTCOACH_TRACE_CACHE")

    def get(name):
        if name not in _CACHE:
            video = shared_data / "videos" / f"{name}.mp4"
            cached = Path(disk) / f"{name}-{video.stat().st_size}.json" if disk else None
            if cached is not None and cached.exists():
                _CACHE[name] = Trace.load(cached)
            else:
                _CACHE[name] = tracking.track_video(video)
                if cached is not None:
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    _CACHE[name].save(cached)
        return _CACHE[name]
    return get


@pytest.mark.parametrize("clip", CLIPS)
def test_heel_strikes_and_no_tiptoe(walk_trace_of, clip):
    rep = analyse(walk_trace_of(clip))
    assert rep.view == "side"
    assert not [f for f in rep.faults if f.code == "tiptoe"]
    assert rep.verdict == "good"
    steps = rep.metrics["steps"]
    assert steps >= 3
    heel = sum(r.metrics["initial_contact"] == "heel" for r in rep.reps)
    assert heel >= 2 and rep.metrics["heel_strike_ratio"] >= 0.4


def test_walk_out_and_back_counts_no_steps_while_turning(walk_trace_of):
    # manifest: stands and turns near f85 and f255 (about +-15 frames)
    trace = walk_trace_of("walk_side_barefoot_circumduction")
    rep = analyse(trace)
    fps = trace.fps
    for turn_f in (85, 255):
        near = [r for r in rep.reps if abs(r.start_s * fps - turn_f) < 10]
        assert len(near) <= 1
    assert rep.metrics["steps"] <= 20     # 426 frames, two passes: never one step a frame


def test_front_facing_end_is_not_a_side_view(walk_trace_of):
    # manifest: faces the camera at the end (f340+); nothing there may count as side view
    trace = walk_trace_of("walk_side_barefoot_no_arm_swing")
    sig = prepare(trace)
    side = side_view_frames(sig) & sig.person
    end = slice(int(345 * trace.fps / 30), None)
    assert side[end].sum() <= 0.5 * max(sig.person[end].sum(), 1)
    rep = analyse(trace)
    assert not [r for r in rep.reps if r.start_s * trace.fps > 340]
