"""synth.move_failures: each failure mode carries the landmark error it names, with exact truth."""

from __future__ import annotations

import numpy as np
import pytest

from synth import move_failures as M
from synth.traces import squat_trace
from vision.pose.trace import SIDE_IDX


def _heel_above_toe_px(trace, side):
    i = SIDE_IDX[side]
    return (trace.pose[:, i["toe"], 1] - trace.pose[:, i["heel"], 1]) * trace.height


def _foot_px(trace, side):
    i = SIDE_IDX[side]
    d = (trace.pose[:, i["toe"], :2] - trace.pose[:, i["heel"], :2]) * (trace.width, trace.height)
    return float(np.nanmedian(np.hypot(*d.T)))


@pytest.mark.parametrize("seed", [0, 1])
def test_occluded_far_foot_heel_rises_in_landmarks_only(seed):
    trace, truth = M.occluded_far_foot_squat(seed=seed, false_rise_frac=0.25)
    far = truth["far_side"]
    assert far != truth["near_side"]
    assert truth["heel_lift"] == [False] * 3 and not truth["heel_rise_frac_foot"].any()
    rel = _heel_above_toe_px(trace, far) / _foot_px(trace, far)
    a, b = truth["rep_frames"][0]
    mid = (a + b) // 2
    assert rel[mid] - rel[:a].mean() == pytest.approx(0.25, abs=0.06)   # the landmark "lifts"
    vis = trace.pose[:, SIDE_IDX[far]["heel"], 3]
    assert vis.min() >= 0.7                             # ... and the tracker is sure of it
    near = truth["near_side"]
    rel_near = _heel_above_toe_px(trace, near) / _foot_px(trace, near)
    assert abs(rel_near[mid] - rel_near[:a].mean()) < 0.05


def test_knee_travel_pulls_the_heel_landmark_with_the_knee():
    trace, truth = M.knee_travel_squat(seed=3, pull_frac=0.2)
    clean, _ = squat_trace(3, seed=3)
    assert truth["expected"]["absent_faults"] == ["heel_lift"]
    side = truth["near_side"]
    i = SIDE_IDX[side]["heel"]
    shift = np.hypot(*((trace.pose[:, i, :2] - clean.pose[:, i, :2]) * (trace.width, trace.height)).T)
    a, b = truth["rep_frames"][1]
    assert shift[(a + b) // 2] == pytest.approx(0.2 * _foot_px(clean, side), rel=0.25)
    assert shift[:truth["rep_frames"][0][0]].max() < 1e-6   # standing: no pull


def test_walk_out_squat_reps_only_inside_the_exercise_segment():
    trace, truth = M.walk_out_squat(reps=2, walk_in_s=2.0, walk_out_s=1.5, seed=4)
    e0, e1 = truth["exercise_frames"]
    assert all(e0 <= a and b <= e1 for a, b in truth["rep_frames"])
    assert len(truth["rep_frames"]) == 2 == truth["expected"]["reps"]
    hip_x = trace.pose[:, 23, 0]
    assert abs(hip_x[e0 - 1] - hip_x[0]) > 0.05        # really walks in ...
    assert np.ptp(hip_x[e0:e1 + 1]) < 0.05              # ... and stays put while squatting
    assert abs(hip_x[-1] - hip_x[e1]) > 0.05            # ... then walks out


def test_turning_walk_is_heel_strike_with_a_turn():
    trace, truth = M.turning_walk(seed=2)
    assert truth["steps"] and not any(s["tiptoe"] for s in truth["steps"])
    turns = [s for s in truth["segments"] if s["kind"] == "turn"]
    assert len(turns) == 1 and truth["expected"]["steps"] == len(truth["steps"])
    fps = trace.fps
    in_turn = [s for s in truth["steps"] if turns[0]["start_s"] < s["contact_s"] < turns[0]["end_s"]]
    assert not in_turn and len(trace) >= turns[0]["end_s"] * fps


def test_supine_close_up_guesses_a_140_degree_hip():
    from vision.pose.signals import hip_flexion_deg
    trace, truth = M.supine_trunk_out_of_frame(seed=5)
    lo, hi = truth["trunk_out_frames"]
    assert not truth["hip_angle_measurable"][lo:hi + 1].any()
    assert truth["hip_angle_measurable"][:lo].all()
    side = "left"
    xy = [trace.xy(SIDE_IDX[side][p]) for p in ("shoulder", "hip", "knee")]
    flex = hip_flexion_deg(*xy)
    assert np.nanmedian(flex[lo:hi + 1]) == pytest.approx(M.GUESSED_HIP_DEG, abs=3)
    assert np.nanmax(flex[:lo]) <= truth["expected"]["max_hip_flexion_deg"] + 5
    assert max(truth["peak_hip_flexion_deg"]) < M.GUESSED_HIP_DEG - 20


def test_standing_leg_raise_keeps_the_standing_leg_straight():
    from vision.pose.signals import knee_angle_deg
    trace, truth = M.standing_leg_raise(reps=3, peak_deg=70, knee_bend_deg=60, side="right", seed=6)
    assert truth["expected"]["as_squat"]["reps"] == 0
    stand = "left"
    k = knee_angle_deg(*[trace.xy(SIDE_IDX[stand][p]) for p in ("hip", "knee", "ankle")])
    assert np.nanmin(k) > 165                           # not a squat
    raised = knee_angle_deg(*[trace.xy(SIDE_IDX["right"][p]) for p in ("hip", "knee", "ankle")])
    a, b = truth["rep_frames"][0]
    assert np.nanmin(raised[a:b + 1]) < 140             # the raised knee bends
    with pytest.raises(ValueError):
        M.standing_leg_raise(side="middle")


def test_generators_are_deterministic():
    for make in M.ALL.values():
        t1, _ = make(seed=11)
        t2, _ = make(seed=11)
        np.testing.assert_array_equal(t1.pose, t2.pose)


def test_oblique_walk_slopes_the_floor_line_in_the_picture():
    """The toes of a walker filmed obliquely rest on a sloping line in the picture, and a
    flat foot's heel shows above its toe there; a side view keeps the line level."""
    from vision.pose.trace import SIDE_IDX as IDX

    def toe_line_slope(trace):
        i = IDX["left"]["toe"]
        x, y = trace.pose[:, i, 0] * trace.aspect, trace.pose[:, i, 1]
        ok = np.isfinite(x) & np.isfinite(y)
        return np.polyfit(x[ok], y[ok], 1)[0]
    side, _ = M.oblique_walk(0.0, seed=3, noise_frac_foot=0.0, far_wander_frac_foot=0.0)
    obl, truth = M.oblique_walk(40.0, seed=3, noise_frac_foot=0.0, far_wander_frac_foot=0.0)
    assert truth["view"] == "oblique" and truth["yaw_deg"] == 40.0
    assert abs(toe_line_slope(side)) < 0.02 < 0.1 < abs(toe_line_slope(obl))
    assert truth["expected"]["tiptoe_judged"] and truth["expected"]["steps"] == truth["n_steps"]
    _, steep = M.oblique_walk(75.0, pattern="tiptoe", seed=3)
    assert not steep["expected"]["tiptoe_judged"] and steep["expected"]["absent_faults"] == ["tiptoe"]
    _, front = M.front_walk(seed=3)
    assert front["view"] == "front" and not front["expected"]["tiptoe_judged"]
