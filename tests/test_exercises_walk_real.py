"""Walking analysis on the real side-view clips (../shared/data/videos, MANIFEST.md).

Traces come from the shared ``real_trace`` fixture (tests/conftest.py, tracked at most once
per run); the expectations are the manifest's: heel strikes present, no tiptoe fault, turning and standing are not steps, the
front-facing end of ``walk_side_barefoot_no_arm_swing`` is not used as a side view.
"""

from __future__ import annotations

import pytest

from vision.exercises.walk import analyse
from vision.exercises.walk_decide import STEP_CONFIDENCE_MIN
from vision.exercises.walk_steps import side_view_frames
from vision.pose.signals import prepare

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

CLIPS = ("walk_side_barefoot_01", "walk_side_barefoot_slouch",
         "walk_side_barefoot_circumduction", "walk_side_barefoot_no_arm_swing",
         "walk_side_shoes")


@pytest.mark.parametrize("clip", CLIPS)
def test_heel_strikes_and_no_tiptoe(real_trace, clip):
    rep = analyse(real_trace(clip))
    assert rep.view == "side"
    assert not [f for f in rep.faults if f.code == "tiptoe"]
    assert rep.verdict == "good"
    # the verdict rests on clearly judged steps, and says so
    assert rep.metrics["tiptoe_checked"] is True and rep.metrics["steps_judged"] >= 2
    steps = rep.metrics["steps"]
    assert steps >= 3
    heel = sum(r.metrics["initial_contact"] == "heel" for r in rep.reps)
    toe = sum(r.metrics["initial_contact"] == "toe"
              and r.metrics["confidence"] >= STEP_CONFIDENCE_MIN for r in rep.reps)
    # heel strikes are seen, and outnumber confident toe-first readings (the slouched
    # walker's contacts mostly read "flat" on the Tasks tracker: 1 heel-first of 6 steps)
    assert heel >= 1 and heel >= toe


def test_walk_out_and_back_counts_no_steps_while_turning(real_trace):
    # manifest: stands and turns near f85 and f255 (about +-15 frames)
    trace = real_trace("walk_side_barefoot_circumduction")
    rep = analyse(trace)
    fps = trace.fps
    for turn_f in (85, 255):
        near = [r for r in rep.reps if abs(r.start_s * fps - turn_f) < 10]
        assert len(near) <= 1
    assert rep.metrics["steps"] <= 20     # 426 frames, two passes: never one step a frame


def test_front_facing_end_is_not_a_side_view(real_trace):
    # manifest: faces the camera at the end (f340+); nothing there may count as side view
    trace = real_trace("walk_side_barefoot_no_arm_swing")
    sig = prepare(trace)
    side = side_view_frames(sig) & sig.person
    end = slice(int(345 * trace.fps / 30), None)
    assert side[end].sum() <= 0.5 * max(sig.person[end].sum(), 1)
    rep = analyse(trace)
    assert not [r for r in rep.reps if r.start_s * trace.fps > 340]
