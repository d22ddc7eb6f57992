"""Pixel heel contact on small rendered videos with a known heel rise (exact truth).

A textured foot stands on a textured floor; it pivots about the ball of the foot so the heel
rises by a known height (foot lengths). The landmarks given to the tracker follow the foot,
or (knee-travel case) a heel landmark that moves while the pixels stay still.
"""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from vision.pose.heel_contact import (
    MIN_QUALITY,
    HeelContactTracker,
    HeelPixels,
    SideHeel,
    heel_pixels_from_video,
)
from vision.pose.heel_floor import MAX_RISE_FRAC
from vision.pose.trace import SIDE_IDX, Trace

W, H = 320, 240
FOOT_PX = 80.0
BALL_AT = 0.75            # pivot (ball of the foot) at this fraction heel -> toe
HEEL = {"left": np.array([60.0, 190.0]), "right": np.array([200.0, 190.0])}


def _texture(rng, h, w, blur=1.2):
    img = rng.integers(0, 255, (h, w)).astype(np.uint8)
    return cv2.GaussianBlur(img, (0, 0), blur)


def _foot_points(heel0: np.ndarray, rise_frac: float) -> dict[str, np.ndarray]:
    """Heel, toe, ankle, knee (pixels) of a foot pivoting about its ball by ``rise_frac``."""
    ball = heel0 + [BALL_AT * FOOT_PX, 0.0]
    theta = np.arcsin(np.clip(rise_frac / BALL_AT, -1, 1))
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])

    def turn(p):                 # rotate about the ball, heel going up (image y down)
        return ball + rot @ (p - ball)

    heel = turn(heel0)
    ankle = turn(heel0 + [0.2 * FOOT_PX, -0.45 * FOOT_PX])
    return dict(heel=heel, toe=heel0 + [FOOT_PX, 0.0], ankle=ankle,
                knee=ankle + [5.0, -0.9 * FOOT_PX])


def _render(rises: dict[str, np.ndarray], *, seed=0, occlude_left=None, flat_foot=False):
    """Frames (grey) and pose rows for per-side rise curves (foot lengths)."""
    rng = np.random.default_rng(seed)
    floor = _texture(rng, H, W, 2.0)
    n = len(rises["left"])
    foot_tex = {s: _texture(rng, H, W) for s in rises}
    frames, rows = [], []
    for i in range(n):
        img = floor.copy()
        row = np.zeros((33, 4))
        row[:, 3] = 0.95
        for side, r in rises.items():
            p = _foot_points(HEEL[side], float(r[i]))
            poly = np.array([p["heel"] + [0, -2], p["heel"] + [0, -0.35 * FOOT_PX],
                             p["ankle"], p["toe"] + [0, -0.15 * FOOT_PX], p["toe"]], np.int32)
            mask = np.zeros_like(img)
            cv2.fillPoly(mask, [poly], 255)
            theta = np.degrees(np.arcsin(np.clip(r[i] / BALL_AT, -1, 1)))
            ball = tuple(HEEL[side] + [BALL_AT * FOOT_PX, 0.0])
            tex = cv2.warpAffine(foot_tex[side], cv2.getRotationMatrix2D(ball, -theta, 1.0),
                                 (W, H), borderMode=cv2.BORDER_REFLECT)
            img = np.where(mask > 0, 128 if flat_foot else tex, img).astype(np.uint8)
            for part in ("knee", "ankle", "heel", "toe"):
                row[SIDE_IDX[side][part], :2] = p[part] / (W, H)
            row[SIDE_IDX[side]["hip"], :2] = (p["knee"] + [0, -0.8 * FOOT_PX]) / (W, H)
        if occlude_left is not None and occlude_left[i]:
            # the other (near) leg passes in front of the left foot
            x = int(HEEL["left"][0] + 0.4 * FOOT_PX)
            cv2.rectangle(img, (x - 30, 60), (x + 30, H - 20), 40, -1)
            img[60:H - 20, x - 30:x + 30] = _texture(rng, H, W)[60:H - 20, x - 30:x + 30]
            r_idx = SIDE_IDX["right"]
            row[r_idx["knee"], :2] = (x / W, 80 / H)
            row[r_idx["ankle"], :2] = (x / W, (H - 40) / H)
            row[[SIDE_IDX["left"][k] for k in ("heel", "toe")], 2] = 0.3   # left is further
            row[SIDE_IDX["left"]["heel"], 3] = 0.6
        frames.append(img)
        rows.append(row)
    return frames, rows


def _run(frames, rows, fps=30.0) -> HeelPixels:
    tracker = HeelContactTracker(W, H)
    for i, (f, r) in enumerate(zip(frames, rows, strict=True)):
        tracker.update(f, i / fps, r)
    return tracker.result()


def _raise_curve(n=90, peak=0.25):
    """Flat, up to ``peak`` (foot lengths) and held, then down and flat."""
    x = np.zeros(n)
    up = np.arange(25, 40)
    x[up] = peak * (1 - np.cos(np.pi * (up - 25) / 15)) / 2
    x[40:55] = peak
    down = np.arange(55, 70)
    x[down] = peak * (1 + np.cos(np.pi * (down - 55) / 15)) / 2
    return x


def test_heel_rise_measured_in_foot_lengths():
    truth = _raise_curve(peak=0.25)
    frames, rows = _render({"left": truth, "right": np.zeros_like(truth)})
    px = _run(frames, rows)
    left = px.side("left")
    ok = left.measured()
    assert ok.mean() > 0.8
    held = np.arange(42, 54)
    assert np.nanmedian(left.rise_frac[held]) == pytest.approx(0.25, abs=0.05)
    flat = np.r_[5:20, 75:88]
    assert np.nanmax(left.rise_frac[flat]) < 0.04
    right = px.side("right")             # the other foot stays flat
    assert np.nanmax(right.rise_frac[right.measured()]) < 0.04


def test_still_pixels_beat_a_moving_heel_landmark():
    """Knee travel: the heel landmark creeps up and forward, the foot in the image does not."""
    flat = np.zeros(90)
    frames, rows = _render({"left": flat, "right": flat})
    idx = SIDE_IDX["left"]["heel"]
    for i, row in enumerate(rows):
        drift = 0.2 * FOOT_PX * np.sin(np.pi * i / 90)
        row[idx, :2] += np.array([drift * 0.5, -drift]) / (W, H)
    px = _run(frames, rows)
    left = px.side("left")
    assert left.measured().mean() > 0.7
    assert np.nanmax(left.rise_frac[left.measured()]) < 0.05


def test_occluded_foot_gives_low_quality_not_a_lift():
    flat = np.zeros(90)
    cover = np.zeros(90, bool)
    cover[30:70] = True
    frames, rows = _render({"left": flat, "right": flat}, occlude_left=cover)
    left = _run(frames, rows).side("left")
    covered = left.quality[35:65]
    assert np.all(covered < MIN_QUALITY)
    lifted = left.measured() & (left.rise_frac > 0.09)
    assert not lifted.any()


def test_textureless_foot_is_not_measured():
    truth = _raise_curve(peak=0.25)
    frames, rows = _render({"left": truth, "right": truth}, flat_foot=True)
    px = _run(frames, rows)
    for side in ("left", "right"):
        lifted = px.side(side).measured() & (px.side(side).rise_frac > 0.09)
        assert lifted.mean() < 0.1


def test_no_person_frames_are_unmeasured_and_results_are_bounded():
    truth = _raise_curve(peak=0.25)
    frames, rows = _render({"left": truth, "right": np.zeros_like(truth)})
    rows = [None if 45 <= i < 50 else r for i, r in enumerate(rows)]
    px = _run(frames, rows)
    for side in ("left", "right"):
        s = px.side(side)
        assert np.all(np.isnan(s.rise_frac[45:50])) and np.all(s.quality[45:50] == 0)
        fin = np.isfinite(s.rise_frac)
        assert np.all((s.rise_frac[fin] >= 0) & (s.rise_frac[fin] <= MAX_RISE_FRAC))
        assert np.all((s.quality >= 0) & (s.quality <= 1))


def test_bad_frames_and_sizes_raise_clear_errors():
    with pytest.raises(ValueError):
        HeelContactTracker(0, 10)
    tr = HeelContactTracker(W, H)
    with pytest.raises(ValueError, match="uint8"):
        tr.update(np.zeros((10, 10), float), 0.0, None)


def test_trace_round_trip_keeps_heel_px_and_old_readers_ignore_it(tmp_path):
    truth = _raise_curve(peak=0.2)
    frames, rows = _render({"left": truth, "right": truth})
    px = _run(frames, rows)
    trace = Trace(fps=30.0, width=W, height=H, t=px.t, pose=np.stack(rows),
                  heel_px=px.to_array())
    path = tmp_path / "t.json"
    trace.save(path)
    back = HeelPixels.from_trace(Trace.load(path))
    np.testing.assert_allclose(back.left.rise_frac, px.left.rise_frac, atol=1e-4, equal_nan=True)
    np.testing.assert_allclose(back.right.quality, px.right.quality, atol=1e-4)
    d = json.loads(path.read_text())
    for fr in d["frames"]:
        fr.pop("heel_px")
    assert HeelPixels.from_trace(Trace.from_json(d)) is None


def test_second_pass_over_a_video_file(tmp_path):
    truth = _raise_curve(peak=0.25)
    frames, rows = _render({"left": truth, "right": np.zeros_like(truth)})
    path = str(tmp_path / "foot.avi")
    out = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (W, H))
    if not out.isOpened():
        pytest.skip("no MJPG writer in this OpenCV build")
    for f in frames:
        out.write(cv2.cvtColor(f, cv2.COLOR_GRAY2BGR))
    out.release()
    trace = Trace(fps=30.0, width=W, height=H, t=np.arange(len(rows)) / 30.0,
                  pose=np.stack(rows))
    px = heel_pixels_from_video(path, trace)
    assert len(px) == len(trace)
    assert np.nanmedian(px.left.rise_frac[42:54]) == pytest.approx(0.25, abs=0.06)
    wrong = Trace(fps=30.0, width=H, height=W, t=trace.t, pose=trace.pose)
    with pytest.raises(ValueError, match="trace was made"):
        heel_pixels_from_video(path, wrong)


def test_side_heel_measured_mask():
    s = SideHeel(np.array([0.1, np.nan, 0.2]), np.array([0.9, 0.9, 0.1]))
    assert s.measured().tolist() == [True, False, False]


def test_track_video_stores_pixel_heels_and_can_skip_them(tmp_path):
    from vision.pose.tracking import track_video
    path = str(tmp_path / "empty.avi")
    out = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), 25.0, (W, H))
    if not out.isOpened():
        pytest.skip("no MJPG writer in this OpenCV build")
    rng = np.random.default_rng(0)
    for _ in range(6):
        out.write(cv2.cvtColor(_texture(rng, H, W), cv2.COLOR_GRAY2BGR))
    out.release()
    trace = track_video(path)
    assert trace.heel_px.shape == (len(trace), 2, 2)
    assert np.isnan(trace.heel_px[..., 0]).all()        # nobody there: nothing measured
    assert track_video(path, heel_pixels=False).heel_px is None


def _tilt(frames, rows, shift_px):
    """The frames and landmarks moved down by ``shift_px[i]`` pixels (a hand-held camera
    tilting slowly: the floor line moves in the picture)."""
    out_f, out_r = [], []
    for f, r, dy in zip(frames, rows, shift_px, strict=True):
        m = np.float32([[1, 0, 0], [0, 1, dy]])
        out_f.append(cv2.warpAffine(f, m, (W, H), borderMode=cv2.BORDER_REFLECT))
        r = r.copy()
        r[:, 1] += dy / H
        out_r.append(r)
    return out_f, out_r


def test_a_tilting_camera_is_undone_with_the_floor():
    """The camera tilts by 0.3 foot lengths during the raise, so no patch keeps its level:
    the heel is measured against the floor texture around the feet (the floor frame), and
    the foot that stays flat still reads flat."""
    truth = _raise_curve(peak=0.25)
    frames, rows = _render({"left": truth, "right": np.zeros_like(truth)}, seed=3)
    shift = 0.3 * FOOT_PX * np.clip((np.arange(len(truth)) - 20) / 60, 0, 1)
    px = _run(*_tilt(frames, rows, shift))
    left, right = px.side("left"), px.side("right")
    held = np.arange(42, 54)
    assert left.measured()[held].mean() > 0.8
    assert np.nanmedian(left.rise_frac[held]) == pytest.approx(0.25, abs=0.06)
    flat = np.r_[5:20, 75:88]
    assert np.nanmax(np.where(left.measured(), left.rise_frac, 0)[flat]) < 0.05
    assert np.nanmax(np.where(right.measured(), right.rise_frac, 0)) < 0.05


def test_floor_frame_measures_a_foot_that_stays_put_never_a_walking_one():
    """The floor frame gives a floor line only to a foot that stays in place (a heel
    raise): a walking foot's lowest heel is no floor (a toe walker's heel never comes
    down), so its segment stays unmeasured rather than reading every stance "down"."""
    from vision.pose.heel_floor import FloorTrack, measure_rise
    n, L = 90, 80.0
    lift = _raise_curve(n, peak=0.3) * L
    fore = np.tile([100.0, 150.0], (n, 1))
    fore[:, 1] -= 0.5 * lift                      # forefoot patch not grounded (rear view)
    heel = np.stack([np.full(n, 40.0), 150.0 - lift], axis=1)
    args = dict(foot_px=np.full(n, L), quality=np.ones(n), seg=np.zeros(n, int))
    still = FloorTrack(heel.copy(), np.zeros(n, int), np.ones(n))
    rise, q = measure_rise(heel, fore, floor=still, **args)
    assert (q[42:54] > 0).all() and np.median(rise[42:54]) == pytest.approx(0.3, abs=0.02)
    assert np.max(rise[:20]) < 0.02
    walking = heel.copy()
    walking[:, 0] += np.linspace(0, 3 * L, n)     # the foot travels three foot lengths
    rise, q = measure_rise(walking, fore, floor=FloorTrack(walking, np.zeros(n, int), np.ones(n)),
                           **args)
    assert not q.any()
    rise, q = measure_rise(heel, fore, **args)    # no floor frame: nothing measured
    assert not q.any()


def test_a_scene_cut_seeds_the_patches_afresh():
    """At a scene cut the heel, forefoot and floor patches are seeded again on the new shot,
    never followed across it: what the second shot reads is what it reads alone (its own
    flat frames, its own floor), whatever the first shot showed. Carried over, the patches
    of a first shot with the heel held up lean the second shot's floor line by 0.01-0.05
    foot lengths on these frames."""
    truth = _raise_curve(peak=0.25)
    second, rows2 = _render({"left": truth, "right": np.zeros_like(truth)}, seed=0)
    alone = _run(second, rows2)
    for seed, held in ((0, 0.2), (0, 0.1), (1, 0.0)):
        first, rows1 = _render({"left": np.full(40, held), "right": np.zeros(40)}, seed=seed)
        tracker = HeelContactTracker(W, H)
        for i, (f, r) in enumerate(zip(first + second, rows1 + rows2, strict=True)):
            tracker.update(f, i / 30.0, r, new_shot=i == len(first))
        after = tracker.result()
        for side in ("left", "right"):
            a, b = alone.side(side), after.side(side)
            np.testing.assert_array_equal(b.rise_frac[len(first):], a.rise_frac)
            np.testing.assert_array_equal(b.quality[len(first):], a.quality)
