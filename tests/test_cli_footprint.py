"""``footcoach footprint``: JSON shape, exit codes, --csv and --overlay."""

from __future__ import annotations

import csv
import json

import cv2
import pytest

from cli.main import main
from synth.footprint_render import RenderSpec, render_photo


@pytest.fixture(scope="module")
def photo_path(tmp_path_factory):
    spec = RenderSpec(kind="ink", n_feet=2, long_side_px=1400, rotation_deg=5.0, seed=2)
    path = tmp_path_factory.mktemp("photos") / "print.jpg"
    cv2.imwrite(str(path), render_photo(spec).image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return path


@pytest.fixture(scope="module")
def junk_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("junk") / "notes.jpg"
    path.write_text("not a photo")
    return path


def test_json_ok_shape_and_exit_0(photo_path, capsys):
    code = main(["footprint", str(photo_path), "--json", "--age-months", "54"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert isinstance(out, list) and len(out) == 1
    item = out[0]
    assert item["image"] == str(photo_path) and item["ok"] is True
    assert isinstance(item["scale_mm_per_px"], float)
    assert isinstance(item["warnings"], list)
    assert sorted(f["side"] for f in item["feet"]) == ["left", "right"]
    foot = item["feet"][0]
    assert set(foot) >= {"side", "arch_index", "staheli_index", "chippaux_smirak_index",
                         "clarke_angle_deg", "length_mm", "width_mm", "category",
                         "reference", "age_reading", "quality", "geometry"}
    assert foot["category"] in ("high", "normal", "flat")
    assert isinstance(foot["age_reading"], str) and foot["age_reading"]
    assert set(foot["quality"]) == {"score", "issues"}


def test_exit_1_when_one_image_fails_and_others_reported(photo_path, junk_path, capsys):
    code = main(["footprint", str(photo_path), str(junk_path), "--json"])
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert code == 1
    assert [o["ok"] for o in out] == [True, False]
    assert set(out[1]) == {"image", "ok", "error"} and out[1]["error"]
    assert "2/2" in captured.err   # progress bar for a batch


@pytest.mark.parametrize("argv", [
    ["footprint"],
    ["footprint", "x.jpg", "--paper", "a5"],
    ["footprint", "x.jpg", "--age-months", "many"],
    ["footprint", "x.jpg", "--age-months", "-3"],
])
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "usage" in capsys.readouterr().err.lower()


def test_csv_and_overlay_written(photo_path, junk_path, tmp_path, capsys):
    table = tmp_path / "out.csv"
    overlays = tmp_path / "overlays"
    code = main(["footprint", str(photo_path), str(junk_path), "--csv", str(table),
                 "--overlay", str(overlays), "--paper", "a4"])
    text = capsys.readouterr().out
    assert code == 1
    assert "left" in text and "ERROR" in text   # human-readable table
    rows = list(csv.DictReader(table.open()))
    assert len(rows) == 3                       # two feet + one failed image
    assert {r["side"] for r in rows if r["ok"] == "True"} == {"left", "right"}
    assert all(0 <= float(r["arch_index"]) <= 1 for r in rows if r["ok"] == "True")
    assert rows[-1]["ok"] == "False" and rows[-1]["error"]
    png = overlays / "print_overlay.png"
    assert png.is_file()
    img = cv2.imread(str(png))
    assert img is not None and img.shape[0] > 500
