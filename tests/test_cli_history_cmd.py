"""``footcoach child ...`` and ``footcoach history``: output, exit status, confirmation."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main
from coach.store import HistoryStore

ROOT = Path(__file__).resolve().parents[1]
FOOT = {"side": "left", "arch_index": 0.27, "staheli_index": 0.9,
        "chippaux_smirak_index": 55.0, "clarke_angle_deg": 30.0, "length_mm": 150.0,
        "width_mm": 60.0, "category": "flat", "age_reading": None,
        "quality": {"score": 0.9, "issues": []}}
RESULT = {"image": "p.jpg", "ok": True, "scale_mm_per_px": 0.3, "warnings": [],
          "feet": [FOOT, dict(FOOT, side="right", arch_index=0.25, category="normal")]}
REPORT = {"exercise": "squat", "frames": 60, "fps": 30.0, "view": "side",
          "verdict": "needs_attention", "reps": [{"start_s": 0, "end_s": 1, "ok": False,
                                                  "faults": ["heel_lift"]}],
          "faults": [{"code": "heel_lift", "side": "left", "start_s": 0.2, "end_s": 0.5,
                      "message": "heel rose"}], "metrics": {}, "warnings": []}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture
def home(tmp_home):
    """A history with Mia: two footprint photos (at 2 and at 4 years), a squat, a massage."""
    store = HistoryStore()
    mia = store.add_child("Mia", "2020-05-10")
    store.add_footprint(mia, RESULT, taken_on="2022-05-10", image_bytes=b"\xff\xd8\xffA")
    store.add_footprint(mia, RESULT, taken_on="2024-05-10", image_bytes=b"\xff\xd8\xffB")
    store.add_exercise(mia, REPORT, taken_on="2024-05-11")
    store.add_session(mia, "massage", started_at="2024-05-11T19:00:00", duration_s=420,
                      steps_done=["arch_stroke"])
    store.close()
    return tmp_home


def test_child_add_and_list(tmp_home, capsys):
    assert run(capsys, "child", "add", "Mia", "--birth-date", "2020-05-10")[0] == 0
    code, out, _ = run(capsys, "child", "add", "Noah", "--birth-date", "2019-01-02", "--json")
    assert code == 0 and json.loads(out)["alias"] == "Noah"
    code, out, _ = run(capsys, "child", "list")
    assert code == 0 and "Mia" in out and "Noah" in out and "2020-05-10" in out
    code, out, _ = run(capsys, "child", "list", "--json")
    assert [c["alias"] for c in json.loads(out)] == ["Mia", "Noah"]
    assert (tmp_home / "history.db").is_file()


@pytest.mark.parametrize("argv, code, message", [
    (["child", "add", "mia", "--birth-date", "2021-01-01"], 1, "already exists"),
    (["child", "add", "Zoe", "--birth-date", "2999-01-01"], 2, "future"),
    (["child", "add", "Zoe", "--birth-date", "10/01/2020"], 2, "YYYY-MM-DD"),
    (["child", "add", "1234", "--birth-date", "2020-01-01"], 2, "digits"),
    (["child", "add", "x" * 81, "--birth-date", "2020-01-01"], 2, "80"),
    (["history", "Bob"], 1, "no child with alias 'Bob'"),
    (["history", "42"], 1, "no child with id 42"),
    (["child", "delete", "Bob", "--yes"], 1, "no child"),
    (["child", "rename", "Mia", " "], 2, "empty"),
])
def test_errors_have_a_sentence_and_a_status(home, capsys, argv, code, message):
    got, _, err = run(capsys, *argv)
    assert got == code and message in err and err.startswith("footcoach: ")


def test_usage_errors_exit_2(home, capsys):
    assert run(capsys, "child")[0] == 2
    for argv in (["child", "add", "Zoe"], ["child", "bogus"], ["history"],
                 ["history", "Mia", "--json", "--csv"], ["history", "Mia", "--table", "x"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
    capsys.readouterr()


def test_history_text(home, capsys):
    code, out, _ = run(capsys, "history", "mia")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Mia (id 1), born 2020-05-10")
    row_2y = next(ln for ln in lines if ln.strip().startswith("2022-05-10"))
    row_4y = next(ln for ln in lines if ln.strip().startswith("2024-05-10"))
    assert "24.0" in row_2y and "0.27" in row_2y and "no label" in row_2y   # no label < 3 y
    assert "flat" not in row_2y
    # at 4 years the children's bands read the print (Staheli 0.9, C-S 55 %): normal, the
    # same label the other pages give, not the adult arch-index band
    from vision.footprint.reading import read_foot

    want = read_foot(FOOT, 48.0).short_text
    assert "48.0" in row_4y and want in row_4y and "flat" not in row_4y
    assert any("squat" in ln and "heel_lift" in ln for ln in lines)
    assert any("massage" in ln and "7.0 min" in ln for ln in lines)


def test_history_json(home, capsys):
    code, out, _ = run(capsys, "history", "1", "--json")
    data = json.loads(out)
    assert code == 0 and data["child"]["alias"] == "Mia"
    assert [p["age_months"] for p in data["arch_trend"]["left"]] == [24.0, 48.0]
    assert [p["arch_index"] for p in data["arch_trend"]["right"]] == [0.25, 0.25]
    assert data["exercises"][0]["faults"] == ["heel_lift"]
    assert data["sessions"][0]["duration_s"] == 420


def test_history_csv(home, capsys):
    code, out, _ = run(capsys, "history", "Mia", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 4 and rows[0]["side"] == "left"
    assert rows[0]["age_months"] == "24.0" and rows[0]["arch_index"] == "0.27"
    code, out, _ = run(capsys, "history", "Mia", "--csv", "--table", "exercises")
    (ex,) = csv.DictReader(io.StringIO(out))
    assert ex["verdict"] == "needs_attention" and ex["faults"] == "heel_lift"


def test_delete_needs_yes_when_not_interactive(home, capsys, monkeypatch):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    code, _, err = run(capsys, "child", "delete", "Mia")
    assert code == 2 and "--yes" in err
    assert HistoryStore().get_child("Mia")                 # still there
    code, out, _ = run(capsys, "child", "delete", "Mia", "--yes")
    assert code == 0 and "4 footprint" not in out and "2 photos" in out
    assert not (home / "images" / "1").exists()
    assert HistoryStore().list_children() == []


@pytest.mark.parametrize("answer, deleted", [("y", True), ("n", False), ("", False)])
def test_delete_asks_on_a_terminal(home, capsys, monkeypatch, answer, deleted):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or answer)
    code, out, _ = run(capsys, "child", "delete", "mia")
    assert code == 0 and "Delete Mia" in asked[0]
    assert (HistoryStore().list_children() == []) is deleted


def test_rename_export_import(home, capsys, tmp_path):
    backup = tmp_path / "mia.json"
    assert run(capsys, "child", "export", "Mia", "-o", str(backup), "--images")[0] == 0
    assert len(json.loads(backup.read_text())["images"]) == 2
    code, _, err = run(capsys, "child", "import", str(backup))
    assert code == 1 and "already exists" in err
    code, out, _ = run(capsys, "child", "import", str(backup), "--rename")
    assert code == 0 and "Mia (2)" in out
    assert run(capsys, "child", "rename", "Mia (2)", "Mila")[0] == 0
    assert [c.alias for c in HistoryStore().list_children()] == ["Mia", "Mila"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    code, _, err = run(capsys, "child", "import", str(bad))
    assert code == 1 and "not a footcoach history backup" in err
    assert run(capsys, "child", "import", str(tmp_path / "missing.json"))[0] == 1


def test_db_option_and_missing_database(tmp_path, capsys):
    db = tmp_path / "elsewhere" / "h.db"
    code, out, _ = run(capsys, "child", "list", "--db", str(db))
    assert code == 0 and "no children" in out
    code, _, err = run(capsys, "history", "Mia", "--db", str(db))
    assert code == 1 and "no history database" in err and not db.exists()
    assert run(capsys, "child", "add", "Mia", "--birth-date", "2020-05-10", "--db", str(db))[0] == 0
    assert run(capsys, "history", "Mia", "--db", str(db))[0] == 0
    not_db = tmp_path / "junk.db"
    not_db.write_bytes(b"this is not sqlite" * 100)
    code, _, err = run(capsys, "child", "list", "--db", str(not_db))
    assert code == 1 and "cannot use the history database" in err


def test_console_script_runs_without_traceback(tmp_path):
    env = {"FOOTCOACH_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "cli.main", "child", "delete", "Bob"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "no history database" in proc.stderr
