"""`footcoach plan`: exit codes, screening flags, JSON shape, measurement inputs."""

from __future__ import annotations

import json

import pytest

from cli.main import main
from coach.screening import QUESTIONS


def run(capsys, *argv):
    code = main(["plan", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, _ = run(capsys, *argv, "--json")
    return code, json.loads(out)


def test_plan_with_confirmed_screening(capsys):
    code, data = run_json(capsys, "--age-months", "14", "--screened")
    assert code == 0 and data["status"] == "ok"
    assert data["age_band"]["id"] == "toddler" and data["total_minutes"] == 40
    assert data["steps"][0]["id"] == "stroke_open"
    assert set(data["steps"][0]) >= {"id", "title", "minutes", "reps", "instructions", "why"}
    assert sum(s["seconds"] for s in data["steps"]) == 40 * 60


def test_text_output(capsys):
    code, out, _ = run(capsys, "--age-months", "2", "--screened")
    assert code == 0
    assert "Figure-of-eight on the sole - 30 s, 8-10 times on each foot" in out
    assert "Total: about 2 minutes" in out and "22 °C" in out


def test_without_screening_confirmation_there_is_no_plan(capsys):
    code, out, _ = run(capsys, "--age-months", "14")
    assert code == 1 and "--list-screening" in out
    code, data = run_json(capsys, "--age-months", "14")
    assert code == 1 and data["status"] == "postponed" and data["steps"] == []
    assert data["reasons"] == ["not_screened"]


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_every_contraindication_blocks_through_the_cli(capsys, q):
    code, data = run_json(capsys, "--age-months", "30", "--screen", q.id, "--screened")
    assert code == 1 and data["steps"] == [] and data["reasons"] == [q.id]
    assert data["status"] == ("refused" if q.kind == "absolute" else "postponed")
    assert q.name in data["message"]


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.kind == "absolute"],
                         ids=lambda q: q.id)
def test_absolute_refuses_even_without_screened(capsys, q):
    code, data = run_json(capsys, "--age-months", "50", "--screen", q.id)
    assert code == 1 and data["status"] == "refused"


def test_refusal_text_names_the_contraindication(capsys):
    code, out, _ = run(capsys, "--age-months", "50", "--screen", "fracture", "--screened")
    assert code == 1 and "No routine today" in out and "a broken bone" in out
    assert "doctor" in out


def test_comma_separated_items(capsys):
    code, data = run_json(capsys, "--age-months", "5", "--screen", "fever,unwilling",
                          "--screened")
    assert code == 1 and data["reasons"] == ["fever", "unwilling"]


@pytest.mark.parametrize("argv", [
    ["--age-months", "14", "--screen", "headache", "--screened"],
    ["--age-months", "97", "--screened"],
    ["--age-months", "-1", "--screened"],
    ["--screened"],
])
def test_usage_errors_exit_2(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2 and "footcoach plan: error" in err


def test_non_numeric_age_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["plan", "--age-months", "ten"])
    assert exc.value.code == 2


def test_list_screening(capsys):
    code, out, _ = run(capsys, "--list-screening")
    assert code == 0 and all(q.id in out for q in QUESTIONS)
    code, data = run_json(capsys, "--list-screening")
    assert code == 0 and [d["id"] for d in data] == [q.id for q in QUESTIONS]


def _footprint_file(tmp_path, ai_left, ai_right, sai, csi):
    feet = [{"side": s, "arch_index": ai, "staheli_index": sai, "chippaux_smirak_index": csi,
             "clarke_angle_deg": 30.0, "length_mm": 160.0, "width_mm": 60.0,
             "category": "flat", "age_reading": None, "quality": {"score": 0.9, "issues": []}}
            for s, ai in (("left", ai_left), ("right", ai_right))]
    path = tmp_path / "print.json"
    path.write_text(json.dumps([{"image": "a.jpg", "ok": True, "scale_mm_per_px": 0.2,
                                 "warnings": [], "feet": feet}]))
    return str(path)


def test_footprint_flat_after_three_adds_arch_exercises(capsys, tmp_path):
    path = _footprint_file(tmp_path, 0.30, 0.30, 1.2, 70.0)
    code, data = run_json(capsys, "--age-months", "50", "--screened", "--footprint", path)
    assert code == 0
    assert "caterpillar" in [s["id"] for s in data["steps"]]
    assert data["adaptations"][0]["rule"] == "flat_after_3"
    assert "Banwell" in data["adaptations"][0]["reference"]


def test_footprint_flat_at_two_adds_nothing(capsys, tmp_path):
    path = _footprint_file(tmp_path, 0.30, 0.30, 1.2, 70.0)
    code, data = run_json(capsys, "--age-months", "24", "--screened", "--footprint", path)
    assert code == 0 and data["total_minutes"] == 40
    assert [a["rule"] for a in data["adaptations"]] == ["flat_expected_under_3"]


def test_exercise_report_tiptoe(capsys, tmp_path):
    path = tmp_path / "walk.json"
    path.write_text(json.dumps({"exercise": "walk", "frames": 60, "fps": 30.0,
                                "view": "side", "verdict": "needs_attention", "reps": [],
                                "faults": [{"code": "tiptoe", "side": "both", "start_s": 0,
                                            "end_s": 2, "message": "toes"}],
                                "metrics": {}, "warnings": []}))
    code, data = run_json(capsys, "--age-months", "45", "--screened", "--exercise", str(path))
    assert code == 0 and data["adaptations"][0]["rule"] == "tiptoe_after_3"


@pytest.mark.parametrize("content", [None, "{not json", '{"image": "x", "ok": true, '
                                                       '"feet": [{"side": "up"}]}'])
def test_bad_footprint_file_is_a_usage_error(capsys, tmp_path, content):
    path = tmp_path / "p.json"
    if content is not None:
        path.write_text(content)
    code, _, err = run(capsys, "--age-months", "50", "--screened", "--footprint", str(path))
    assert code == 2 and "--footprint" in err
