"""``footcoach exercise`` on traces: JSON per DESIGN.md, summaries, exit codes."""

from __future__ import annotations

import json

import pytest

from cli.main import main
from synth.gait_traces import walk_trace
from synth.massage_traces import massage_trace

CLEAN = dict(noise_frac_foot=0.0, far_wander_frac_foot=0.0)


@pytest.fixture(scope="module")
def traces(tmp_path_factory):
    d = tmp_path_factory.mktemp("traces")
    paths = {}
    for name, (tr, _) in {
        "tiptoe": walk_trace(pattern="tiptoe", seed=1, **CLEAN),
        "heel": walk_trace(pattern="heel", seed=2, **CLEAN),
        "front": walk_trace(pattern="heel", view="front", seed=3, **CLEAN),
        "massage": massage_trace(plan=(("idle", 2.0), ("stroke", 10.0), ("idle", 2.0)), seed=4),
    }.items():
        paths[name] = d / f"{name}.json"
        tr.save(paths[name])
    return paths


def _run(capsys, *argv):
    code = main(["exercise", *map(str, argv)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_walk_json_matches_design(capsys, traces):
    code, out, _ = _run(capsys, traces["tiptoe"], "--exercise", "walk", "--json")
    assert code == 0
    d = json.loads(out)
    assert set(d) >= {"exercise", "frames", "fps", "view", "verdict", "reps", "faults",
                      "metrics", "warnings"}
    assert d["exercise"] == "walk" and d["view"] == "side"
    assert d["verdict"] == "needs_attention"
    assert isinstance(d["frames"], int) and d["fps"] == 30.0
    assert {"steps", "heel_strike_ratio", "tiptoe_stance_ratio"} <= set(d["metrics"])
    assert d["faults"] and all(set(f) == {"code", "side", "start_s", "end_s", "message",
                                                 "confidence", "evidence"}
                               for f in d["faults"])
    assert all(f["code"] == "tiptoe" and f["side"] in ("left", "right") for f in d["faults"])
    for r in d["reps"]:
        assert {"start_s", "end_s", "ok", "faults"} <= set(r)


def test_readable_summary(capsys, traces):
    code, out, _ = _run(capsys, traces["heel"], "--exercise", "walk")
    assert code == 0
    assert out.startswith("walk") and "good" in out and "steps" in out


def test_insufficient_data_exits_zero_with_the_reason(capsys, traces):
    code, out, _ = _run(capsys, traces["front"], "-e", "walk", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["verdict"] == "insufficient_data" and d["reason"]
    code, out, _ = _run(capsys, traces["front"], "-e", "walk")
    assert code == 0 and "not enough data" in out and "why:" in out


def test_massage_with_age(capsys, traces):
    code, out, _ = _run(capsys, traces["massage"], "-e", "massage", "--age-months", "6",
                        "--json")
    assert code == 0
    m = json.loads(out)["metrics"]
    assert m["strokes"] >= 7 and m["active_s"] > 8
    assert "target_min" in m and "met_target" in m


def test_missing_file_exits_one(capsys, tmp_path):
    code, _, err = _run(capsys, tmp_path / "nope.json", "-e", "walk")
    assert code == 1 and "no such file" in err


@pytest.mark.parametrize("content", ['{"format": "something-else/1", "frames": []}',
                                     '{"format": "footcoach-trace/1", "fps": 30}',
                                     '{"format": "footcoach-trace/1", "fps": 30, "width": 4, '
                                     '"height": 3, "frames": [{"t": 0, "pose": [[1, 2]]}]}',
                                     "{not json"])
def test_bad_trace_file_exits_one(capsys, tmp_path, content):
    p = tmp_path / "bad.json"
    p.write_text(content)
    code, _, err = _run(capsys, p, "-e", "walk")
    assert code == 1 and err.startswith("footcoach exercise: error:")


def test_not_a_video_exits_one(capsys, tmp_path):
    p = tmp_path / "clip.mp4"
    p.write_bytes(b"this is not a video at all" * 10)
    code, _, err = _run(capsys, p, "-e", "squat")
    assert code == 1 and "error" in err


def test_usage_errors_exit_two(capsys, traces):
    code, _, err = _run(capsys, traces["heel"], "-e", "walk", "--annotate", "out.mp4")
    assert code == 2 and "video" in err
    with pytest.raises(SystemExit) as exc:
        main(["exercise", str(traces["heel"]), "--exercise", "jumping"])
    assert exc.value.code == 2


@pytest.mark.parametrize("name,exercise,verdict", [
    ("walk_heel_side.json", "walk", "good"),
    ("walk_tiptoe_side.json", "walk", "needs_attention"),
    ("massage_session.json", "massage", "good"),
])
def test_sample_traces_for_first_run(capsys, name, exercise, verdict):
    from pathlib import Path
    path = Path(__file__).resolve().parents[1] / "sample_media" / "traces" / name
    assert path.stat().st_size < 300_000
    code, out, _ = _run(capsys, path, "-e", exercise, "--json")
    assert code == 0
    d = json.loads(out)
    assert d["verdict"] == verdict
    if exercise == "massage":
        assert 9 <= d["metrics"]["strokes"] <= 12


@pytest.mark.parametrize("exercise", ["squat", "walk", "leg-raise", "heel-raise", "massage"])
def test_empty_trace_is_insufficient_data_not_a_crash(capsys, tmp_path, exercise):
    path = tmp_path / "empty.json"
    path.write_text(json.dumps({"format": "footcoach-trace/1", "fps": 30.0, "width": 640,
                                "height": 480, "source": "empty", "frames": []}))
    code, out, _ = _run(capsys, path, "--exercise", exercise, "--json")
    d = json.loads(out)
    assert code == 0 and d["frames"] == 0 and d["verdict"] == "insufficient_data"
    assert "empty" in d["warnings"][-1]
