"""Squat, heel-raise and leg-raise analyses on the real clips in ../shared/data/videos.

Traces come from the shared ``real_trace`` fixture (tests/conftest.py): each clip is tracked
at most once per run and kept in pytest's cache directory (``--cache-clear`` re-tracks).

Facts checked (see MANIFEST.md; frame numbers there are approximate):
- squat_side_heels_down: the manifest says two squats, but the video shows three (bottoms
  near f68, f136, f204 with a weight plate held to the chest); heels flat.
- squat_side_heels_down_overlay: three squats, heels flat.
- squat_feet_not_visible: insufficient data, saying the feet are not visible.
- heel_raise_rear_oblique: two raises (f90-240 and f360-420 at 60 fps), long holds.
- leg_raise_supine_both_legs: both legs raised together, one full rep (f80-360) between a
  rep cut by the start and one cut by the end.
- ankle_circles_not_an_exercise_here: no squat or heel-raise reps.
"""

from __future__ import annotations

import pytest

from vision.exercises import heel_raise, leg_raise, squat

pytestmark = [pytest.mark.realdata, pytest.mark.slow]


def test_squat_side_heels_down(real_trace):
    rep = squat.analyse(real_trace("squat_side_heels_down"))
    assert rep.view == "side"
    assert len(rep.reps) == 3
    bottoms = [68, 136, 204]
    for r, f in zip(rep.reps, bottoms, strict=False):
        assert r.start_s < f / 30 < r.end_s
    assert not [f for f in rep.faults if f.code == "heel_lift"]
    assert rep.metrics["max_heel_lift_pct_foot"] < 100 * squat.HEEL_LIFT_FRAC_FOOT


def test_squat_side_heels_down_overlay(real_trace):
    rep = squat.analyse(real_trace("squat_side_heels_down_overlay"))
    assert len(rep.reps) == 3
    for r, f in zip(rep.reps, [48, 160, 256], strict=False):
        assert r.start_s - 0.5 < f / 30 < r.end_s + 0.5
    assert not [f for f in rep.faults if f.code == "heel_lift"]


def test_squat_feet_not_visible(real_trace):
    rep = squat.analyse(real_trace("squat_feet_not_visible"))
    assert rep.verdict == "insufficient_data"
    assert "feet" in rep.reason


def test_heel_raise_rear_oblique(real_trace):
    rep = heel_raise.analyse(real_trace("heel_raise_rear_oblique"))
    assert rep.metrics["reps"] == 2
    (a, b) = rep.reps
    assert a.start_s < 100 / 60 and a.end_s > 210 / 60     # frames are +-15
    assert b.start_s < 365 / 60 and b.end_s > 415 / 60
    assert a.metrics["hold_s"] > 0.8 and b.metrics["hold_s"] > 0.6     # long holds
    assert rep.metrics["peak_heel_rise_pct_foot"] > 20


def test_leg_raise_supine_both_legs(real_trace):
    rep = leg_raise.analyse(real_trace("leg_raise_supine_both_legs"))
    full = [r for r in rep.reps if r.metrics["complete"]]
    assert len(full) == 1 and full[0].metrics["side"] == "both"
    assert full[0].start_s < 90 / 30 and full[0].end_s > 330 / 30
    # legs go up to vertical: about 90 deg (the oblique camera adds some)
    assert 75 <= full[0].metrics["peak_hip_flexion_deg"] <= 130
    assert len(rep.metrics["peak_hip_flexion_deg"]) == len(rep.reps) >= 2


def test_ankle_circles_are_not_squats_or_heel_raises(real_trace):
    trace = real_trace("ankle_circles_not_an_exercise_here")
    assert squat.analyse(trace).reps == ()
    assert heel_raise.analyse(trace).reps == ()


def test_child_dancing_is_no_exercise_and_gets_no_fault(real_trace):
    # labels (bench/labels): a child dancing and jumping, front view; not one of our
    # exercises: no reps, no heel-lift or tiptoe fault, whatever it is analysed as
    trace = real_trace("child_dancing")
    for exercise in (squat, heel_raise):
        rep = exercise.analyse(trace)
        assert rep.reps == () and rep.faults == ()
        assert rep.verdict in ("insufficient_data", "not_this_exercise")
