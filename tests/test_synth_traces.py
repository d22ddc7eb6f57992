"""synth.traces: deterministic synthetic traces whose truth matches their landmarks."""

from __future__ import annotations

import numpy as np
import pytest

from synth.body import BodyModel, Camera, Segments
from synth.raise_traces import heel_raise_trace, leg_raise_trace
from synth.traces import idle_trace, phase_schedule, squat_trace
from vision.pose import signals as S
from vision.pose.trace import L_HIP, R_HIP, Trace


def test_deterministic_given_seed():
    a, ta = squat_trace(2, seed=11, noise_px=2.0, drop_frac=0.05, low_vis_frac=0.05)
    b, tb = squat_trace(2, seed=11, noise_px=2.0, drop_frac=0.05, low_vis_frac=0.05)
    c, _ = squat_trace(2, seed=12, noise_px=2.0)
    np.testing.assert_array_equal(a.pose, b.pose)
    assert ta["reps"] == tb["reps"]
    assert a.pose.shape != c.pose.shape or not np.array_equal(a.pose, c.pose, equal_nan=True)


@pytest.mark.parametrize("fps", [24.0, 60.0])
def test_trace_shape_units_and_timeline(fps):
    tr, truth = heel_raise_trace(2, fps=fps, seed=1, drop_frac=0.1)
    assert tr.pose.shape == (len(tr), 33, 4)
    assert tr.fps == fps and np.allclose(np.diff(tr.t), 1 / fps)
    seen = np.isfinite(tr.pose[..., 0])
    assert 0.0 < np.isnan(tr.pose[:, 0, 0]).mean() < 0.3            # dropped frames
    xy = tr.pose[..., :2][seen]
    assert xy.min() > -0.05 and xy.max() < 1.05                       # person in the picture
    assert truth["reps"][-1][1] < tr.t[-1]


def test_body_model_foot_geometry_and_heel_rise():
    body = BodyModel(height_m=1.2)
    seg = Segments.standing(2)
    seg.foot_deg["left"][1] = 30.0
    pts = body.landmarks(seg, pelvis_m=np.zeros((2, 3)))
    heel, toe = pts[:, 29], pts[:, 31]
    np.testing.assert_allclose(np.linalg.norm(toe - heel, axis=1), body.foot_m)
    rise = (heel[1, 1] - toe[1, 1]) - (heel[0, 1] - toe[0, 1])
    assert rise == pytest.approx(body.foot_m * np.sin(np.radians(30)))


def test_camera_side_view_preserves_angles_and_faces_the_right_way():
    body = BodyModel(height_m=1.0)
    seg = Segments.standing(1)
    seg.thigh_deg["left"][0] = 90.0                  # thigh straight forward
    pts = body.on_ground(body.landmarks(seg, pelvis_m=np.zeros((1, 3))))
    cam = Camera(yaw_deg=90, distance_m=3.0, height_m=0.5, target_m=(0, 0.5, 0))
    tr = Trace(fps=30, width=cam.width_px, height=cam.height_px, t=[0.0], pose=cam.project(pts))
    sig = S.prepare(tr, cutoff_hz=None)
    knee = S.knee_angle_deg(sig.side("left", "hip"), sig.side("left", "knee"), sig.side("left", "ankle"))
    assert knee[0] == pytest.approx(90.0, abs=0.5)
    assert sig.side("left", "toe")[0, 0] > sig.side("left", "heel")[0, 0]   # faces image right
    z = tr.pose[0, :, 2]
    assert z[25] < z[26]                        # near (left) knee has the smaller z


def test_squat_truth():
    tr, truth = squat_trace(3, depth_deg=[90, 60, 100], heel_lift={1: 0.25}, seed=4)
    assert len(truth["reps"]) == 3
    # the truth includes the small knee sway the body also carries
    np.testing.assert_allclose(truth["min_knee_angle_deg"], [90, 120, 80], atol=5)
    assert truth["heel_lift"] == [False, True, False]
    a, b = truth["rep_frames"][1]
    assert truth["heel_rise_frac_foot"][a:b + 1].max() == pytest.approx(0.25)
    assert truth["heel_rise_frac_foot"][:a].max() == 0


def test_leg_raise_truth_and_sides():
    tr, truth = leg_raise_trace(4, peak_hip_flexion_deg=80, legs="alternate", seed=3)
    assert truth["rep_side"] == ["left", "right", "left", "right"]
    np.testing.assert_allclose(truth["peak_hip_flexion_deg"], 80, atol=3)
    sig = S.prepare(tr)
    trunk = sig.p(L_HIP)[:, 0] - sig.p(R_HIP)[:, 0]
    assert np.nanmedian(np.abs(trunk)) < 0.05           # side view: hips overlap


def test_heel_raise_truth():
    tr, truth = heel_raise_trace(2, rise_frac_foot=[0.2, 0.3], hold_s=[0.5, 1.5], seed=2)
    np.testing.assert_allclose(truth["peak_rise_frac_foot"], [0.2, 0.3])
    assert truth["hold_s"][1] > truth["hold_s"][0] + 0.8


def test_idle_traces_have_no_reps():
    for act in ("standing", "ankle_circles", "shifting", "supine"):
        tr, truth = idle_trace(4.0, activity=act, seed=1)
        assert truth["reps"] == [] and len(tr) == 120


def test_phase_schedule_intervals():
    rng = np.random.default_rng(0)
    phase, reps, ids = phase_schedule(3, rng, 30.0)
    assert len(reps) == 3
    for k, (a, b) in enumerate(reps):
        assert (ids[a:b + 1] == k).all() and phase[a:b + 1].max() == pytest.approx(1.0)
        assert phase[a] < 0.05 and phase[b] < 0.05


def test_bad_options_raise():
    with pytest.raises(ValueError):
        squat_trace(1, view="top")
    with pytest.raises(ValueError):
        leg_raise_trace(1, legs="three")


def test_shipped_sample_traces_are_small_and_show_what_they_claim():
    from pathlib import Path

    from vision.exercises import analyse

    folder = Path(__file__).resolve().parents[1] / "sample_media" / "traces"
    expected = {"squat_good.json": ("squat", [(), (), ()]),
                "squat_heel_lift.json": ("squat", [(), ("heel_lift",), ("heel_lift",)]),
                "heel_raise.json": ("heel-raise", [(), (), ()]),
                "leg_raise.json": ("leg-raise", [(), ("low_lift",), ("knee_bent",)])}
    for name, (exercise, faults) in expected.items():
        path = folder / name
        assert path.stat().st_size < 300_000, name
        rep = analyse(Trace.load(path), exercise)
        assert [r.faults for r in rep.reps] == faults, name


def test_heel_raise_sag_truth():
    _, plain = heel_raise_trace(2, rise_frac_foot=0.3, hold_s=[3.0, 1.0], seed=5)
    _, truth = heel_raise_trace(2, rise_frac_foot=0.3, hold_s=[3.0, 1.0], seed=5,
                                sag={"rep": 0, "share": 0.35, "dur_s": 0.6})
    rise, fps = truth["heel_rise_frac_foot"], truth["fps"]
    ((a, b),) = truth["sags"]
    assert (rise[int(round(a * fps)):int(round(b * fps)) + 1] < 0.15 + 1e-9).all()
    assert b - a == pytest.approx(0.6 + 0.25, abs=0.15)    # under half: flat part + ramps
    assert rise.min() >= 0 and min(rise[int(a * fps):int(b * fps)]) == pytest.approx(0.105, abs=0.01)
    # the rest of the trace is the plain one; the second rep is untouched
    changed = np.flatnonzero(rise != plain["heel_rise_frac_foot"])
    assert truth["rep_frames"][0][0] < changed[0] and changed[-1] < truth["rep_frames"][0][1]
    with pytest.raises(ValueError, match="hold"):
        heel_raise_trace(1, hold_s=0.5, sag={"rep": 0})


def test_massage_lifts_keep_the_stroke_count_and_leave_the_foot():
    from synth.massage_traces import massage_trace
    plan = (("idle", 1.0), ("stroke", 3.3), ("lift", 0.5), ("stroke", 2.4), ("idle", 1.0))
    tr, truth = massage_trace(plan=plan, stroke_hz=1.0, seed=2)
    assert truth["strokes"] == 6 and [s["cycles"] for s in truth["segments"]] == [0, 0, 0, 6, 0]
    lift = truth["segments"][2]
    assert lift["end_s"] - lift["start_s"] == 0.5
    # the stroking hand's fingertips are far from the foot at mid-lift
    mid = int(round((lift["start_s"] + 0.25) * tr.fps))
    heel = tr.pose[mid, 30, :2]
    tips = [h.landmarks[8, :2] for h in tr.hands[mid]]
    assert tips and max(float(np.hypot(*((t - heel) * [tr.aspect, 1]))) for t in tips) > 0.09


def test_heel_raise_quick_re_raise_and_spike_truth():
    _, truth = heel_raise_trace(3, rise_frac_foot=0.3, hold_s=1.0, rest_s=0.0, seed=3)
    rise, frames = truth["heel_rise_frac_foot"], truth["rep_frames"]
    for (_, b), (a, _) in zip(frames[:-1], frames[1:], strict=True):
        assert a == b + 1 and rise[b] == pytest.approx(0.0, abs=1e-9)   # touch, no rest
        assert rise[a] == pytest.approx(0.0, abs=1e-9)
    _, rested = heel_raise_trace(3, rise_frac_foot=0.3, hold_s=1.0, rest_s=0.5, seed=3)
    fr = rested["rep_frames"]
    assert [a - b - 1 for (_, b), (a, _) in zip(fr[:-1], fr[1:], strict=True)] == [15, 15]
    plain, p_truth = heel_raise_trace(2, rise_frac_foot=0.3, hold_s=1.0, seed=7, noise_px=0.0,
                                      far_foot_wander=0.0)
    spiky, s_truth = heel_raise_trace(2, rise_frac_foot=0.3, hold_s=1.0, seed=7, noise_px=0.0,
                                      far_foot_wander=0.0,
                                      spikes={"frames": 2})
    np.testing.assert_array_equal(s_truth["heel_rise_frac_foot"], p_truth["heel_rise_frac_foot"])
    moved = np.flatnonzero(np.any(np.abs(spiky.pose[..., 1] - plain.pose[..., 1]) > 1e-9, axis=1))
    glitch = sorted(i for a, b in s_truth["spikes"] for i in range(round(a * 30), round(b * 30) + 1))
    assert moved.tolist() == glitch and len(s_truth["spikes"]) == 2
    changed = np.flatnonzero(np.any(np.abs(spiky.pose[..., 1] - plain.pose[..., 1]) > 1e-9, axis=0))
    assert changed.tolist() == [29, 30]           # only the heels jump ...
    i = moved[0]
    foot = np.hypot(*(plain.pose[i, 31, :2] - plain.pose[i, 29, :2]) * [plain.width, plain.height])
    drop = (spiky.pose[i, 29, 1] - plain.pose[i, 29, 1]) * plain.height
    assert 0.15 * foot < drop < 0.45 * foot       # ... down by about the rise (0.3 foot)
    with pytest.raises(ValueError, match="hold"):
        heel_raise_trace(1, hold_s=0.0, spikes={"frames": 2})
