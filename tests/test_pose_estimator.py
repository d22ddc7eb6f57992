"""vision.pose.estimator: the one-person guards (pure geometry) and the MediaPipe wrapper."""

from __future__ import annotations

import numpy as np
import pytest

from vision.pose.estimator import PoseTracker
from vision.pose.target import BodyBox, body_box, pick_person, plausible_move

W, H = 960, 540


def _box(hip_x, hip_y, *, torso_px=60.0, t=0.0, half_w=0.05, half_h=0.2):
    return BodyBox(hip_x - half_w, hip_y - half_h, hip_x + half_w, hip_y + half_h,
                   hip_x, hip_y, torso_px, t)


def _standing_row(cx=0.5, hip_y=0.55, torso=0.2):
    """A crude upright body: shoulders one torso above the hips, feet below."""
    row = np.zeros((33, 4))
    row[:, 0], row[:, 1], row[:, 3] = cx, hip_y, 0.9
    row[[11, 12], 1] = hip_y - torso
    row[[0], 1] = hip_y - 1.3 * torso
    row[[25, 26], 1] = hip_y + torso
    row[27:33, 1] = hip_y + 2 * torso
    row[[11, 23, 25, 27, 29, 31], 0] = cx - 0.02
    row[[12, 24, 26, 28, 30, 32], 0] = cx + 0.02
    return row


def test_body_box_hip_centre_and_torso_length():
    box = body_box(_standing_row(), W, H, 1.5)
    assert (box.hip_x, box.hip_y) == pytest.approx((0.5, 0.55))
    assert box.torso_px == pytest.approx(0.2 * H)        # shoulders straight above hips
    assert box.y0 == pytest.approx(0.55 - 0.26) and box.y1 == pytest.approx(0.95)
    assert box.t == 1.5


def test_body_box_ignores_hidden_landmarks():
    row = _standing_row()
    row[0, :2], row[0, 3] = (0.0, 0.0), 0.05             # a wild, invisible nose
    box = body_box(row, W, H, 0.0)
    assert box.x0 > 0.4 and box.y0 > 0.25


def test_small_step_between_frames_is_the_same_person():
    prev = _box(0.5, 0.5, t=0.0)
    assert plausible_move(prev, _box(0.52, 0.5, t=1 / 30), width=W, height=H)


def test_jump_across_the_frame_in_one_frame_is_rejected():
    prev = _box(0.3, 0.5, t=0.0)          # torso 60 px; 0.4 * 960 = 384 px = 6.4 torsos
    assert not plausible_move(prev, _box(0.7, 0.5, t=1 / 30), width=W, height=H)


def test_same_distance_after_a_long_gap_is_allowed():
    prev = _box(0.3, 0.5, t=0.0)
    assert plausible_move(prev, _box(0.7, 0.5, t=2.0), width=W, height=H)


def test_a_much_smaller_body_nearby_is_rejected():
    prev = _box(0.3, 0.5, torso_px=80.0, t=0.0)
    reflection = _box(0.36, 0.35, torso_px=30.0, t=1 / 30, half_w=0.02, half_h=0.08)
    assert not plausible_move(prev, reflection, width=W, height=H)


def test_model_correcting_its_own_estimate_in_place_is_accepted():
    """MediaPipe sometimes starts with a half-size skeleton inside the body and grows it:
    the boxes overlap, so this is the same person even though hips and scale jump."""
    prev = _box(0.5, 0.35, torso_px=70.0, t=0.0, half_w=0.05, half_h=0.15)
    grown = _box(0.5, 0.47, torso_px=125.0, t=1 / 30, half_w=0.08, half_h=0.4)
    assert plausible_move(prev, grown, width=W, height=H)


def test_pick_person_largest_and_central():
    near_edge = _box(0.85, 0.5, torso_px=120.0)
    centre = _box(0.52, 0.48, torso_px=70.0)
    far = _box(0.2, 0.3, torso_px=30.0)
    boxes = [far, centre, near_edge]
    assert pick_person(boxes, how="largest") == 2
    assert pick_person(boxes, how="central") == 1
    with pytest.raises(ValueError):
        pick_person(boxes, how="tallest")


@pytest.mark.parametrize("bad", ["tallest", (0.5,), (1.5, 0.5), (0.6, 0.1, 0.4, 0.9)])
def test_bad_target_is_refused(bad):
    with pytest.raises(ValueError, match="target"):
        PoseTracker(target=bad)


def test_tracker_on_frames_without_anybody():
    rng = np.random.default_rng(0)
    with PoseTracker(hands=True, target="central") as tracker:
        for i in range(3):
            frame = rng.integers(0, 40, (360, 640, 3), dtype=np.uint8)
            row, hands = tracker.process(frame, i / 30)
            assert row is None and hands == []
        with pytest.raises(ValueError, match="BGR"):
            tracker.process(np.zeros((10, 10), np.uint8), 1.0)


@pytest.mark.realdata
def test_prepared_rgb_frames_give_the_same_landmarks_and_are_not_painted_unless_owned(
        shared_data):
    """``process_rgb`` on frames from ``rgb_for_analysis`` is ``process``, minus the work;
    a frame that is not handed over (``own=False``) comes back untouched."""
    from vision.pose.video import open_video, rgb_for_analysis

    with open_video(shared_data / "videos" / "walk_side_barefoot_01.mp4") as video:
        frames = [(t, f) for (t, f), i in zip(video, range(60), strict=False) if i >= 40]
    with PoseTracker() as a, PoseTracker() as b:
        for t, frame in frames:
            rgb = rgb_for_analysis(frame)
            before = rgb.copy()
            row_a, _ = a.process(frame, t)
            row_b, _ = b.process_rgb(rgb, t, own=False)
            assert np.array_equal(rgb, before)
            assert row_a is not None and np.array_equal(row_a, row_b)
        assert a.box is not None and b.box == a.box


def test_any_caller_clock_is_accepted():
    """A webcam clock may repeat or step back; the Tasks API needs strictly increasing ms."""
    with PoseTracker(hands=True) as tracker:
        blank = np.zeros((120, 160, 3), np.uint8)
        for t in (0.0, 0.0, 0.5, 0.2, 0.2004, 1.0):
            assert tracker.process(blank, t) == (None, [])


def test_hand_labels_keep_the_legacy_meaning():
    from vision.pose import landmarkers

    expect = {"Left": "Right", "Right": "Left"} if landmarkers.HAND_LABELS_SWAPPED else {}
    for name in ("Left", "Right"):
        assert landmarkers.hand_label(name) == expect.get(name, name)
    assert landmarkers.hand_label("") == ""


def test_models_load_from_the_package():
    import zipfile

    from vision.pose import landmarkers as estimator

    for bundle, members in ((estimator.POSE_BUNDLE, {"pose_detector.tflite",
                                                     "pose_landmarks_detector.tflite"}),
                            (estimator.HAND_BUNDLE, {"hand_detector.tflite",
                                                     "hand_landmarks_detector.tflite"})):
        with zipfile.ZipFile(bundle) as zf:
            assert set(zf.namelist()) == members
            assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
    assert (estimator.MODELS_DIR / "LICENSE").is_file()
    assert (estimator.MODELS_DIR / "NOTICE").is_file()


def test_default_rule_prefers_the_body_seen_whole_over_a_cut_off_one():
    from vision.pose.target import choice_for

    whole = body_box(_standing_row(cx=0.3, torso=0.18), W, H, 0.0)
    cut = _standing_row(cx=0.7, hip_y=0.75, torso=0.22)   # feet below the frame
    cut_box = body_box(cut, W, H, 0.0)
    assert cut_box.in_view < whole.in_view == 1.0
    assert pick_person([cut_box, whole], how="in_view") == 1
    i, choice = choice_for([cut_box, whole], "in_view", 0.0)
    assert i == 1 and choice.people == 2 and "2 people" in choice.sentence()
    alone = choice_for([whole], "in_view", 0.0)[1]
    assert "people" not in alone.sentence()


def test_people_are_matched_by_position_between_looks():
    from vision.pose.opening import match as _match

    a, b = _box(0.25, 0.5), _box(0.75, 0.5)
    later = [_box(0.77, 0.5, t=0.3), _box(0.26, 0.5, t=0.3)]
    assert _match([[a, 1.0], [b, 1.0]], later, W, H) == {0: 1, 1: 0}
