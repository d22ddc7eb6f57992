"""Shared contracts: trace format round trip and report JSON shapes."""

import json

import numpy as np
import pytest

from vision.exercises.report import ExerciseReport, Fault, Rep
from vision.footprint.result import FootMeasurement, FootprintResult, Quality
from vision.pose.trace import Trace, TraceError


def _trace(n=5):
    pose = np.random.default_rng(0).random((n, 33, 4))
    pose[2] = np.nan
    return Trace(fps=30.0, width=1280, height=720, t=np.arange(n) / 30.0, pose=pose)


def test_trace_round_trip(tmp_path):
    tr = _trace()
    p = tmp_path / "t.json"
    tr.save(p)
    back = Trace.load(p)
    assert json.loads(p.read_text())["format"] == "footcoach-trace/1"
    assert json.loads(p.read_text())["frames"][2]["pose"] is None
    assert np.isnan(back.pose[2]).all()
    np.testing.assert_allclose(back.pose[0], tr.pose[0], atol=1e-5)
    assert back.width == 1280 and back.fps == 30.0


@pytest.mark.parametrize("text", ["", "{}", '{"format": "other"}', "[1,2]",
                                  '{"format": "footcoach-trace/1", "fps": 30, "width": 1,'
                                  ' "height": 1, "frames": [{"t": 0, "pose": [[1,2]]}]}'])
def test_trace_rejects_bad_files(tmp_path, text):
    p = tmp_path / "bad.json"
    p.write_text(text)
    with pytest.raises(TraceError):
        Trace.load(p)


def test_footprint_json_shape():
    foot = FootMeasurement(side="left", arch_index=0.2345, staheli_index=0.7,
                           chippaux_smirak_index=35.0, clarke_angle_deg=44.0, length_mm=None,
                           width_mm=None, category="normal", age_reading=None,
                           quality=Quality(0.9, ("no_scale",)))
    d = FootprintResult(image="a.jpg", ok=True, feet=(foot,)).to_json()
    assert set(d) == {"image", "ok", "scale_mm_per_px", "warnings", "feet", "ignored"}
    assert set(d["feet"][0]) == {"side", "arch_index", "staheli_index", "chippaux_smirak_index",
                                 "clarke_angle_deg", "length_mm", "width_mm", "category",
                                 "reference", "age_reading", "quality", "box_px", "heel_px",
                                 "toe_px"}
    bad = FootprintResult(image="b.jpg", ok=False, error="no footprint found").to_json()
    assert bad == {"image": "b.jpg", "ok": False, "error": "no footprint found"}


def test_exercise_json_shape():
    r = ExerciseReport(exercise="squat", frames=10, fps=30.0, view="side", verdict="good",
                       reps=(Rep(0.0, 1.0, True, (), {"min_knee_angle_deg": 80.0}),),
                       faults=(Fault("heel_lift", "left", 0.2, 0.4, "heel rose"),))
    d = r.to_json()
    assert d["reps"][0]["min_knee_angle_deg"] == 80.0
    assert d["faults"][0]["code"] == "heel_lift"
    json.dumps(d)
