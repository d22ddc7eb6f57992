"""vision.pose.annotate: skeleton drawing and annotated video files."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from vision.exercises.report import ExerciseReport, Fault, Rep
from vision.pose.annotate import annotate_video, draw_pose, joint_angle_deg
from vision.pose.trace import Trace
from vision.pose.video import open_video


def _row(vis=0.9):
    row = np.zeros((33, 4))
    row[:, 0], row[:, 1], row[:, 3] = 0.5, 0.5, vis
    row[[11, 12], :2] = (0.5, 0.25)      # shoulders
    row[[23, 24], :2] = (0.5, 0.5)       # hips
    row[[25, 26], :2] = (0.6, 0.7)       # knees forward
    row[[27, 28], :2] = (0.5, 0.9)       # ankles
    row[[29, 30], :2] = (0.47, 0.92)
    row[[31, 32], :2] = (0.58, 0.92)
    return row


def test_joint_angle():
    assert joint_angle_deg((0, 0), (1, 0), (2, 0)) == pytest.approx(180)
    assert joint_angle_deg((0, 1), (0, 0), (1, 0)) == pytest.approx(90)
    assert np.isnan(joint_angle_deg((0, 0), (0, 0), (1, 0)))


def test_draw_pose_draws_on_a_copy():
    frame = np.zeros((360, 480, 3), np.uint8)
    out = draw_pose(frame, _row())
    assert frame.sum() == 0 and out.shape == frame.shape
    assert (out.sum(axis=2) > 0).mean() > 0.005                 # a skeleton was drawn
    ys, xs = np.nonzero(out.sum(axis=2))
    assert 0.2 * 360 < ys.min() and ys.max() < 0.97 * 360       # where the body is


def test_hidden_landmarks_and_missing_rows_draw_no_skeleton():
    frame = np.zeros((200, 300, 3), np.uint8)
    assert draw_pose(frame, _row(vis=0.05)).sum() == 0
    assert draw_pose(frame, None).sum() == 0
    assert draw_pose(frame, np.full((33, 4), np.nan)).sum() == 0


def test_cue_banner_is_drawn_at_the_top():
    frame = np.zeros((300, 400, 3), np.uint8)
    out = draw_pose(frame, None, cues=["Keep your heels down"])
    assert out[:20].sum() > 0 and out[150:].sum() == 0
    assert out[5, 2, 2] > 150                                  # red (warn) banner


@pytest.mark.parametrize("codec", ["auto", "mp4v"])
def test_annotate_video_writes_every_frame(tmp_path, codec):
    src = tmp_path / "src.avi"
    wr = cv2.VideoWriter(str(src), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (320, 240))
    for _ in range(12):
        wr.write(np.full((240, 320, 3), 60, np.uint8))
    wr.release()
    n = 12
    trace = Trace(fps=10.0, width=320, height=240, t=np.arange(n) / 10,
                  pose=np.stack([_row()] * n))
    report = ExerciseReport("squat", n, 10.0, "side", "needs_attention",
                            reps=(Rep(0.0, 0.5, False, ("heel_lift",)),),
                            faults=(Fault("heel_lift", "left", 0.3, 0.6, "Heels down"),))
    calls = []
    res = annotate_video(src, trace, report, tmp_path / "out.mp4",
                         progress=lambda d, t: calls.append(d), codec=codec)
    assert res.frames == n and calls[-1] == n
    assert res.codec in ("h264", "mp4v") and res.browser_playable == (res.codec == "h264")
    if codec == "auto":
        av = pytest.importorskip("av")
        if "libx264" in av.codecs_available:
            assert res.codec == "h264"        # browsers can play it
    with open_video(res.path) as video:
        frames = [f for _, f in video]
    assert len(frames) == n
    assert np.abs(frames[4].astype(int) - 60).max() > 100      # fault time: banner + skeleton


def test_knee_angle_labels_do_not_overlap_in_a_side_view():
    """Side view: both knees at one point. Each angle label gets its own place (boxes of
    the label text drawn in the two side colours do not overlap)."""
    from vision.pose import annotate as A
    row = _row()
    row[26, :2] = row[25, :2] + (0.004, 0.002)      # right knee just beside the left
    row[28, :2] = row[27, :2] + (0.003, 0.0)
    frame = np.zeros((720, 960, 3), np.uint8)
    placed: list = []
    real = A._place_label

    def spy(img, text, anchor, scale, thick, colour, boxes):
        real(img, text, anchor, scale, thick, colour, boxes)
        placed[:] = boxes
    A._place_label = spy
    try:
        draw_pose(frame, row)
    finally:
        A._place_label = real
    assert len(placed) >= 2
    for i, a in enumerate(placed):
        for b in placed[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
