"""``footcoach footprint``: JSON shape, exit codes, --csv and --overlay; batches on worker
processes (``cli.batch``): folders, input order, a corrupt file, a worker that dies hard."""

from __future__ import annotations

import csv
import json
import os
import signal
from pathlib import Path

import cv2
import pytest

from cli.batch import LOST_MESSAGE, PhotoDone, PhotoTask, measure_tasks
from cli.footprint_cmd import expand_inputs
from cli.main import main
from synth.footprint_render import RenderSpec, render_photo
from vision.footprint.result import FootprintResult


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
    ["footprint", "x.jpg", "--jobs", "0"],
    ["footprint", "x.jpg", "--jobs", "two"],
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


# --- batch: folders, --jobs, input order, crashes (issue 12) -------------------------------

@pytest.fixture(scope="module")
def photo_folder(tmp_path_factory, photo_path):
    """p1, p2, p10 (numeric order), a corrupt p5 in the middle, and files to ignore."""
    folder = tmp_path_factory.mktemp("folder")
    for k, seed in ((1, 3), (2, 4), (10, 6)):
        spec = RenderSpec(kind="ink", n_feet=1 if k == 2 else 2, long_side_px=1200, seed=seed)
        cv2.imwrite(str(folder / f"p{k}.jpg"), render_photo(spec).image)
    (folder / "p5.JPG").write_bytes(b"\xff\xd8\xff\xe0 truncated jpeg")
    (folder / "notes.txt").write_text("not a photo")
    (folder / ".hidden.jpg").write_bytes(b"junk")
    (folder / "sub").mkdir()
    (folder / "sub" / "p0.jpg").write_bytes(photo_path.read_bytes())
    return folder


def test_folder_expands_to_photos_in_natural_order(photo_folder):
    paths, notes = expand_inputs([str(photo_folder)])
    assert [Path(p).name for p in paths] == ["p1.jpg", "p2.jpg", "p5.JPG", "p10.jpg"]
    assert notes == []


def test_jobs_keep_input_order_and_survive_a_corrupt_file(photo_folder, photo_path, capsys):
    code = main(["footprint", "--jobs", "2", str(photo_folder), str(photo_path), "--json"])
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert code == 1
    assert [Path(o["image"]).name for o in out] == ["p1.jpg", "p2.jpg", "p5.JPG", "p10.jpg",
                                                   "print.jpg"]
    assert [o["ok"] for o in out] == [True, True, False, True, True]
    assert out[2]["error"]
    assert [len(o["feet"]) for o in out if o["ok"]] == [2, 1, 2, 2]
    assert "5/5" in captured.err


def test_parallel_results_equal_serial_ones(photo_folder, capsys):
    main(["footprint", "--jobs", "1", str(photo_folder), "--json"])
    serial = json.loads(capsys.readouterr().out)
    main(["footprint", "--jobs", "2", str(photo_folder), "--json"])
    assert json.loads(capsys.readouterr().out) == serial


def test_empty_folder_is_a_usage_error(tmp_path, capsys):
    code = main(["footprint", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "no photos in folder" in err and "nothing to measure" in err


def test_overlays_of_same_named_photos_do_not_overwrite(photo_path, tmp_path, capsys):
    other = tmp_path / "b"
    other.mkdir()
    (other / "print.jpg").write_bytes(photo_path.read_bytes())
    code = main(["footprint", str(photo_path), str(other / "print.jpg"),
                 "--overlay", str(tmp_path / "ov")])
    capsys.readouterr()
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "ov").iterdir()) == ["print_2_overlay.png",
                                                                   "print_overlay.png"]


def crashing_worker(task: PhotoTask) -> PhotoDone:
    """Worker for the crash tests (runs in a spawned process): ``crash_always`` segfaults
    every time, ``crash_once`` exits hard only the first time (a marker file remembers); the
    others get a stand-in result (what is tested is the pool, not the measuring)."""
    name = Path(task.path).name
    marker = Path(task.path + ".crashed")
    if name.startswith("crash_always"):
        marker.touch()
        os.kill(os.getpid(), getattr(signal, "SIGSEGV", signal.SIGTERM))   # a segfault
    if name.startswith("crash_once") and not marker.exists():
        marker.touch()
        os._exit(70)       # a hard death: no exception, no result, the pool breaks
    return PhotoDone(task.index, task.path, FootprintResult(image=task.path, ok=True))


def thread_report_worker(task: PhotoTask) -> PhotoDone:
    """Worker that reports its own thread limits instead of measuring."""
    return PhotoDone(task.index, task.path, {"cv2": cv2.getNumThreads(),
                                             "omp": os.environ.get("OMP_NUM_THREADS"),
                                             "blas": os.environ.get("OPENBLAS_NUM_THREADS")})


@pytest.fixture
def crash_folder(tmp_path, photo_path):
    names = ["a.jpg", "crash_always.jpg", "b.jpg", "crash_once.jpg", "c.jpg", "d.jpg"]
    for name in names:
        (tmp_path / name).write_bytes(photo_path.read_bytes())
    return [str(tmp_path / n) for n in names]


def test_a_hard_crashing_worker_loses_only_its_own_photo(crash_folder):
    tasks = [PhotoTask(index=k, path=p) for k, p in enumerate(crash_folder)]
    seen = []
    done = measure_tasks(tasks, jobs=2, worker=crashing_worker,
                         on_done=lambda n, path: seen.append(n))
    assert [d.path for d in done] == crash_folder                 # input order
    assert [d.result.ok for d in done] == [True, False, True, True, True, True]
    assert done[1].result.error == LOST_MESSAGE
    assert Path(crash_folder[1] + ".crashed").exists()            # both did crash
    assert Path(crash_folder[3] + ".crashed").exists()
    assert seen == list(range(1, len(tasks) + 1))                 # progress saw every photo


def test_workers_limit_their_threads(crash_folder):
    tasks = [PhotoTask(index=k, path=p) for k, p in enumerate(crash_folder[:3])]
    done = measure_tasks(tasks, jobs=2, worker=thread_report_worker)
    assert [d.result for d in done] == [{"cv2": 1, "omp": "1", "blas": "1"}] * 3
