"""ui.movement_report: each finding's evidence lines and the still of its moment."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from vision.exercises.report import Evidence, ExerciseReport, Fault, Unclear
from vision.pose.trace import Trace

pytest.importorskip("streamlit")
from ui import movement_report as view  # noqa: E402


def _report(frames=(5, 9)):
    ev = Evidence(23.0, 9.0, frames, "% foot length")
    return ExerciseReport(exercise="squat", frames=20, fps=10.0, view="side",
                          verdict="needs_attention",
                          faults=(Fault("heel_lift", "left", 0.5, 0.9, "Heel up.", 0.8, ev),),
                          unclear=(Unclear("heel_lift", 1.2, 1.5, "Can't tell.", 0.2,
                                           Evidence(5.0, 9.0, (12, 14), "% foot length")),))


def test_evidence_lines_name_value_threshold_frames_and_confidence():
    rows = dict(view.evidence_rows(_report().faults[0], 10.0))
    assert rows["measured"] == "23.0 % foot length" and rows["threshold"] == "9.0 % foot length"
    assert rows["frames"] == "5-9" and rows["confidence"] == "80 %"
    assert view.still_frame_for(_report().faults[0]) == 7


def test_stills_come_from_the_video_at_each_findings_frame(tmp_path):
    path = tmp_path / "clip.avi"
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (160, 120))
    for i in range(20):
        frame = np.full((120, 160, 3), 12 * i, np.uint8)
        out.write(frame)
    out.release()
    trace = Trace(fps=10.0, width=160, height=120, t=np.arange(20) / 10,
                  pose=np.full((20, 33, 4), np.nan))
    stills = view.stills_from_video(path, trace, _report())
    assert set(stills) == {7, 13}
    img = cv2.imdecode(np.frombuffer(stills[7], np.uint8), cv2.IMREAD_COLOR)
    assert abs(float(img.mean()) - 12 * 7) < 8          # the frame of that moment
