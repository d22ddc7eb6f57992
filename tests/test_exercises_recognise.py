"""Is this the exercise? (vision.exercises.recognise, issue 13 item 3)

What matters to a parent: a clip of one exercise analysed as another is not counted as that
exercise (a heel raise filmed from the front is not "3 good squats"), and a real exercise is
not refused because of tracker noise (a heel raise's jittery ankles are not walking).
"""

from __future__ import annotations

import numpy as np
import pytest

from synth.traces_b import scenarios as S
from vision.exercises import analyse
from vision.exercises import recognise as R
from vision.pose.signals import Signals
from vision.pose.trace import SIDE_IDX

ACCEPTED = ("good", "needs_attention")
SEEDS = (0, 1, 2)
FPS = 30.0


def _signals(hip_y, ankle_x=None, *, hip_x=None, shank=0.25) -> Signals:
    """A standing body (height-normalised units): hips at ``hip_y`` (n,) and x ``hip_x``
    (n,, default over the ankles), knees one shank above the ankles, ankles at x
    ``ankle_x`` (n,) (default still), every point seen."""
    hip_y = np.asarray(hip_y, float)
    n = len(hip_y)
    ax = np.full(n, 0.5) if ankle_x is None else np.asarray(ankle_x, float)
    hx = ax if hip_x is None else np.asarray(hip_x, float)
    xy = np.full((n, 33, 2), np.nan)
    for k, s in enumerate(("left", "right")):
        dx = 0.05 * (1 if k else -1)
        i = SIDE_IDX[s]
        xy[:, i["hip"]] = np.c_[hx + dx, hip_y]
        xy[:, i["knee"]] = np.c_[ax + dx, np.full(n, 0.9 - shank)]
        xy[:, i["ankle"]] = np.c_[ax + dx, np.full(n, 0.9)]
    vis = np.where(np.isfinite(xy[..., 0]), 0.95, np.nan)
    return Signals(fps=FPS, t_s=np.arange(n) / FPS, frame_index=np.arange(n), xy=xy,
                   xy_raw=xy, visibility=vis, z=np.zeros((n, 33)), aspect=1.0)


def _bump(n: int, depth: float) -> np.ndarray:
    """0 -> depth -> 0 over n frames (a smooth rep)."""
    return depth * np.sin(np.linspace(0, np.pi, n)) ** 2


@pytest.mark.parametrize("depth_shank, is_squat", [(0.6, True), (0.15, False), (-0.15, False)])
def test_a_squat_rep_must_bring_the_hips_down(depth_shank, is_squat):
    shank = 0.25
    sig = _signals(0.4 + shank * _bump(60, depth_shank), shank=shank)
    assert R.hip_descent(sig, 0, 59, shank) == pytest.approx(max(depth_shank, 0.0), abs=0.05)
    assert (R.squat_kind(sig, 0, 59) is None) is is_squat
    if not is_squat:
        assert R.squat_kind(sig, 0, 59) == "hips_up"


def test_hips_not_seen_do_not_refuse_a_squat():
    sig = _signals(np.full(60, np.nan))
    assert R.squat_kind(sig, 0, 59) is None


def test_heel_raise_walking_needs_the_hips_to_travel():
    still = _signals(np.full(60, 0.4), ankle_x=0.5 + 0.2 * np.sin(np.linspace(0, 6, 60)),
                     hip_x=np.full(60, 0.5))
    assert R.feet_kind(still, 0, 59) == "walking"         # noisy ankles alone
    assert R.heel_raise_kind(still, 0, 59) is None        # ... are not a walk
    x = np.linspace(0.2, 0.8, 60)
    walking = _signals(np.full(60, 0.4), ankle_x=x)
    assert R.heel_raise_kind(walking, 0, 59) == "walking"


@pytest.mark.parametrize("view", ["front", "rear", "oblique"])
def test_heel_raises_from_any_view_are_not_squats_and_stay_heel_raises(view):
    for seed in SEEDS:
        trace, truth = S.make("heel_raise", seed, views={view: 1})
        assert analyse(trace, "squat").verdict not in ACCEPTED, (view, seed)
        rep = analyse(trace, "heel-raise")
        if rep.verdict in ACCEPTED:
            assert abs(len(rep.reps) - truth["n_reps"]) <= 1, (view, seed)


@pytest.mark.parametrize("view", ["side", "front", "oblique"])
def test_squats_keep_their_reps(view):
    for seed in SEEDS:
        trace, truth = S.make("squat", seed, views={view: 1})
        rep = analyse(trace, "squat")
        # from the front the heels are not judged ("can't tell", film from the side), but the
        # squat is recognised: it is never refused as another movement and its reps are counted
        allowed = ACCEPTED + (("insufficient_data",) if view == "front" else ())
        assert rep.verdict in allowed, (view, seed, rep.reason)
        assert abs(len(rep.reps) - truth["n_reps"]) <= 1, (view, seed)


def _with_trunk(sig: Signals, shoulder_above_hip) -> Signals:
    """``sig`` with both shoulders ``shoulder_above_hip`` (n,) above the hips (image up)."""
    xy = sig.xy.copy()
    for s in ("left", "right"):
        i = SIDE_IDX[s]
        xy[:, i["shoulder"]] = xy[:, i["hip"]] - np.c_[np.zeros(len(xy)), shoulder_above_hip]
    vis = np.where(np.isfinite(xy[..., 0]), 0.95, np.nan)
    return Signals(fps=sig.fps, t_s=sig.t_s, frame_index=sig.frame_index, xy=xy, xy_raw=xy,
                   visibility=vis, z=sig.z, aspect=sig.aspect)


@pytest.mark.parametrize("lean_deg, hips_down_shank, is_stoop", [
    (70, 0.2, True),      # bending forward: the trunk nearly horizontal, the hips barely down
    (45, 0.8, False),     # a squat leaning well forward: the hips come down a lot
    (15, 0.7, False),     # an upright squat
    (60, 0.6, False),     # hips down by more than half a shank: the knees bend, a squat
])
def test_bending_forward_is_told_from_a_squat_by_trunk_tilt_and_hip_drop(
        lean_deg, hips_down_shank, is_stoop):
    shank, trunk = 0.25, 1.4 * 0.25
    bump = _bump(60, 1.0)
    sig = _signals(0.4 + shank * hips_down_shank * bump, shank=shank)
    lean = np.radians(lean_deg) * bump
    sig = _with_trunk(sig, trunk * np.cos(lean))
    tilt, _share = R.stoop_shares(sig, 0, 59)
    assert tilt == pytest.approx(1 - np.cos(np.radians(lean_deg)), abs=0.05)
    # in every view, the side included (where the hips-down rule is not applied)
    want = "stoop" if is_stoop else None
    assert R.squat_kind(sig, 0, 59, hips=False) == want


def test_a_left_right_swap_of_the_ankles_is_no_step():
    """From the front the tracker swaps the left and right ankles: the feet did not move.
    A foot that really steps a shank length away still does."""
    n = 60
    sig = _signals(np.full(n, 0.4))
    xy = sig.xy.copy()
    li, ri = SIDE_IDX["left"]["ankle"], SIDE_IDX["right"]["ankle"]
    xy[:, li, 0], xy[:, ri, 0] = 0.4, 0.6           # feet 0.8 shank lengths apart
    xy[30:, [li, ri]] = xy[30:, [ri, li]]           # swapped for the second half
    swapped = Signals(fps=sig.fps, t_s=sig.t_s, frame_index=sig.frame_index, xy=xy,
                      xy_raw=xy, visibility=sig.visibility, z=sig.z, aspect=sig.aspect)
    assert R.feet_kind(swapped, 0, n - 1, swaps=True) is None
    assert R.squat_kind(swapped, 0, n - 1, hips=False) is None
    stepped = xy.copy()
    stepped[:, ri] = xy[0, ri]
    stepped[:, li] = xy[0, li]
    stepped[30:, li] -= np.array([0.25, 0.0])       # a shank length out to the side
    step = Signals(fps=sig.fps, t_s=sig.t_s, frame_index=sig.frame_index, xy=stepped,
                   xy_raw=stepped, visibility=sig.visibility, z=sig.z, aspect=sig.aspect)
    assert R.feet_kind(step, 0, n - 1, swaps=True) == "walking"


# trace generator B "other" seeds that are stoops (bending forward, knees nearly straight):
# side views 8, 16, 34 were counted as three good squats before the trunk-tilt check; 18 is
# filmed from the front, 19 at an angle
STOOP_SEEDS = (8, 16, 34, 18, 19)


@pytest.mark.parametrize("seed", STOOP_SEEDS)
def test_bending_forward_is_answered_not_a_squat(seed):
    trace, truth = S.make("other", seed)
    assert truth["what"] == "stoop"
    rep = analyse(trace, "squat")
    assert rep.verdict == "not_this_exercise", (seed, truth["view"], rep.reason)
    assert "bending forward" in rep.reason
    assert not rep.reps and not rep.faults        # no reps counted, no heel faults
