"""vision.pose.signals: cleaning, smoothing, angle conventions, view and foot scale."""

from __future__ import annotations

import numpy as np
import pytest

from synth.raise_traces import leg_raise_trace
from synth.traces import idle_trace, squat_trace
from vision.pose import posture as P
from vision.pose import signals as S
from vision.pose.trace import L_HEEL, N_POSE, Trace


def test_gate_visibility_blanks_low_visibility_only():
    pose = np.random.default_rng(0).random((5, N_POSE, 4))
    pose[..., 3] = 0.9
    pose[2, 7, 3] = 0.3
    out = S.gate_visibility(pose, min_visibility=0.5)
    assert np.isnan(out[2, 7, :3]).all() and out[2, 7, 3] == pytest.approx(0.3)
    assert np.isfinite(np.delete(out.reshape(-1, 4), 2 * N_POSE + 7, axis=0)).all()
    assert np.isfinite(pose).all()          # input untouched


def test_interpolate_fills_short_gaps_only():
    x = np.arange(40, dtype=float)
    x[5:8] = np.nan          # 3 frames = 0.1 s at 30 fps: filled
    x[15:30] = np.nan        # 0.5 s: stays
    x[:2] = np.nan           # touches the start: stays
    out = S.interpolate_gaps(x, fps=30, max_gap_s=0.25)
    np.testing.assert_allclose(out[5:8], [5, 6, 7])
    assert np.isnan(out[15:30]).all() and np.isnan(out[:2]).all()


def test_zero_phase_smoothing_keeps_slow_motion_in_place_and_survives_nan():
    fps = 30.0
    t = np.arange(300) / fps
    slow = np.sin(2 * np.pi * 0.5 * t)
    noisy = slow + 0.2 * np.sin(2 * np.pi * 12 * t)
    noisy[100:140] = np.nan
    out = S.smooth_zero_phase(noisy, fps=fps, cutoff_hz=3.0)
    assert np.isnan(out[100:140]).all()
    # no lag: the error is small away from the segment ends (odd padding pins the end
    # samples); a causal filter would lag by ~0.1 s and miss by ~0.3 here
    inner = np.r_[10:90, 150:290]
    assert np.max(np.abs(out[inner] - slow[inner])) < 0.02


def test_one_euro_is_causal_smooths_and_passes_nan():
    rng = np.random.default_rng(1)
    f = S.OneEuroFilter(min_cutoff_hz=1.0, beta=0.0)
    xs = 1.0 + rng.normal(0, 0.05, 200)
    out = np.array([f(i / 30, np.array([x])) for i, x in enumerate(xs)])[:, 0]
    assert np.std(out[50:]) < 0.5 * np.std(xs[50:])
    assert np.isnan(f(200 / 30, np.array([np.nan])))[0]
    assert np.isfinite(f(201 / 30, np.array([1.0])))[0]
    f2 = S.OneEuroFilter()
    first = f2(0.0, np.array([[1.0, 2.0]]))
    np.testing.assert_allclose(first, [[1.0, 2.0]])


@pytest.mark.parametrize("a, b, c, expected", [
    ((0, 0), (0, 1), (0, 2), 180.0),     # straight
    ((0, 0), (0, 1), (1, 1), 90.0),
    ((1, 0), (0, 0), (1, 1), 45.0),
])
def test_joint_angle_deg(a, b, c, expected):
    assert S.joint_angle_deg(np.array(a, float), np.array(b, float), np.array(c, float)) == \
        pytest.approx(expected)


def test_angle_conventions_knee_hip_segment():
    hip, knee, ankle = np.array([0.0, 0.0]), np.array([0.0, 0.4]), np.array([0.0, 0.8])
    assert S.knee_angle_deg(hip, knee, ankle) == pytest.approx(180.0)          # straight
    shoulder = np.array([0.0, -0.5])
    assert S.hip_flexion_deg(shoulder, hip, knee) == pytest.approx(0.0)        # in line
    assert S.hip_flexion_deg(shoulder, hip, np.array([0.4, 0.0])) == pytest.approx(90.0)
    # image y grows downwards; segment angles are reported with y up
    assert S.segment_angle_deg(np.array([0.0, 0.0]), np.array([0.0, -1.0])) == pytest.approx(90.0)
    assert S.segment_angle_deg(np.array([0.0, 0.0]), np.array([1.0, 0.0])) == pytest.approx(0.0)


def test_angles_use_aspect_corrected_coordinates():
    # a 45 degree line in pixels of a 16:9 frame is not 45 degrees in normalised 0..1 units
    pose = np.full((1, N_POSE, 4), np.nan)
    pose[0, :, 3] = 1.0
    pose[0, 23, :2] = [0.5, 0.5]             # hip
    pose[0, 25, :2] = [0.5 + 90 / 1280, 0.5 + 90 / 720]   # knee, 90 px right and down
    tr = Trace(fps=30, width=1280, height=720, t=[0.0], pose=pose)
    sig = S.prepare(tr, cutoff_hz=None)
    assert S.segment_angle_deg(sig.p(23), sig.p(25))[0] == pytest.approx(-45.0)


def test_prepare_reinserts_dropped_frames_on_a_regular_timeline():
    tr, _ = squat_trace(2, seed=3, fps=30, noise_px=0.5)
    keep = np.ones(len(tr), bool)
    keep[50:53] = False                       # three frames removed from the file
    cut = Trace(fps=tr.fps, width=tr.width, height=tr.height, t=tr.t[keep], pose=tr.pose[keep])
    sig = S.prepare(cut)
    assert len(sig) == len(tr)
    assert (sig.frame_index[50:53] == -1).all() and sig.frame_index[53] == 50
    assert np.isfinite(sig.p(L_HEEL)[50:53] if sig.seen(L_HEEL)[49] else [0.0]).all()


@pytest.mark.parametrize("facing", ["left", "right"])
def test_detect_view_side_and_facing(facing):
    tr, truth = squat_trace(2, seed=5, facing=facing, noise_px=1.0)
    v = P.detect_view(S.prepare(tr))
    assert v.view == "side" and v.facing == facing and not v.lying
    assert v.near_side == truth["near_side"]


@pytest.mark.parametrize("view", ["front", "rear"])
def test_detect_view_front(view):
    tr, _ = squat_trace(2, seed=6, view=view, noise_px=1.0)
    assert P.detect_view(S.prepare(tr)).view == "front"


def test_detect_view_lying():
    tr, _ = leg_raise_trace(2, seed=2)
    v = P.detect_view(S.prepare(tr))
    assert v.lying and v.view == "side"


def test_foot_length_and_better_seen_foot_in_side_view():
    """The far foot wanders (as MediaPipe's does); the chosen foot must be the near one and
    its length must match the truth projected through the camera."""
    for seed in range(4):
        tr, truth = idle_trace(6.0, seed=seed, far_foot_wander=0.5, noise_px=1.0, fill=0.6)
        sig = S.prepare(tr)
        fc = P.choose_foot(sig)
        assert fc.side == truth["near_side"]
        assert fc.reliable[fc.side]
        # foot length in image heights: metres x (image px per metre at that distance) / H
        expected = truth["foot_m"] / truth["height_m"] * 0.6       # fill = body / image height
        assert fc.foot_length[fc.side] == pytest.approx(expected, rel=0.2)


def test_heel_above_toe_sign():
    tr, truth = squat_trace(1, heel_lift={0: 0.3}, seed=9, noise_px=0.0)
    sig = S.prepare(tr)
    fc = P.choose_foot(sig)
    h = P.heel_above_toe_frac_foot(sig, fc.side, fc.foot_length[fc.side])
    a, b = truth["rep_frames"][0]
    rise = np.nanmax(h[a:b]) - np.nanmedian(h[:a])
    assert rise == pytest.approx(0.3, abs=0.06)


def test_gate_blanks_points_outside_the_picture_and_trusts_unknown_visibility():
    pose = np.full((2, N_POSE, 4), 0.5)
    pose[..., 3] = np.nan               # a source without visibility estimates
    pose[1, 29, 1] = 1.2                # heel below the bottom edge
    out = S.gate_visibility(pose)
    assert np.isfinite(out[0, :, :3]).all()
    assert np.isnan(out[1, 29, :3]).all() and np.isfinite(out[1, 30, :3]).all()


def test_zero_phase_smoothing_equals_filtfilt_per_run():
    from scipy.signal import butter, filtfilt
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 6, 2)).cumsum(axis=0)
    x[rng.random(x.shape) < 0.02] = np.nan        # scattered dropouts, each column its own
    x[50:90, 2] = np.nan                          # one landmark (x and y) gone a while
    x[:, 4, 1] = np.nan                           # a column never seen
    x[200:205, 5] = np.nan
    x[205:214, 5, 0] = 0.0                        # a run too short to filter (9 < 10)
    x[214:220, 5] = np.nan
    out = S.smooth_zero_phase(x, fps=30.0, cutoff_hz=4.0)
    b, a = butter(2, round(4.0 / 15.0, 6))
    flat, ref = x.reshape(400, -1), x.reshape(400, -1).copy()
    for j in range(flat.shape[1]):
        for s, e in S.runs(np.isfinite(flat[:, j])):
            if e - s >= 10:
                ref[s:e, j] = filtfilt(b, a, flat[s:e, j], padlen=9)
    np.testing.assert_allclose(out.reshape(400, -1), ref, rtol=0, atol=1e-12)


def test_empty_inputs_give_empty_outputs():
    assert S.smooth_zero_phase(np.zeros((0, 33, 2)), fps=30.0).shape == (0, 33, 2)
    assert S.interpolate_gaps(np.zeros((0, 4)), fps=30.0).shape == (0, 4)
    empty = Trace(fps=30.0, width=640, height=480, t=np.zeros(0), pose=np.zeros((0, N_POSE, 4)))
    sig = S.prepare(empty)
    assert len(sig) == 0 and sig.xy.shape == (0, N_POSE, 2) and not sig.person.any()
    assert len(S.prepare(empty, landmarks=S.BODY_LANDMARKS, cutoff_hz=None)) == 0
