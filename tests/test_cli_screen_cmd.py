"""``footcoach screen`` (cli/screen_cmd.py) and the group report (coach/group_report.py):
names-file validation, retakes first in the CSV and the PDFs, no label under 3 years, no
reading for a low-quality foot."""

from __future__ import annotations

import csv
import re
import zlib
from dataclasses import replace
from datetime import date

import cv2
import pytest

from cli.main import main
from cli.screen_cmd import NamesError, read_names
from coach import group_report
from coach.group_report import GroupPhoto, child_pdf, group_rows
from synth.footprint_render import RenderSpec, render_photo
from vision.footprint import measure_footprint
from vision.footprint.result import FootprintResult, Quality


def pdf_text(data: bytes) -> str:
    """The text drawn on a PDF written with a core font (content streams, in order)."""
    shown = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            content = zlib.decompress(m.group(1))
        except zlib.error:
            continue          # an image
        shown += re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", content)
    return " ".join(s.decode("latin-1").replace("\\(", "(").replace("\\)", ")")
                    for s in shown)


def page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", data))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Three good two-foot prints and a corrupt file."""
    d = tmp_path_factory.mktemp("group")
    for name, seed in (("mia1.jpg", 11), ("leo.jpg", 12), ("ana.jpg", 13)):
        spec = RenderSpec(kind="ink", n_feet=2, long_side_px=1400, seed=seed)
        cv2.imwrite(str(d / name), render_photo(spec).image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    (d / "mia2.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a whole jpeg")
    (d / "extra.jpg").write_bytes((d / "leo.jpg").read_bytes())     # not in the names file
    return d


@pytest.fixture(scope="module")
def measured(folder):
    """A real two-foot result (no age given, so the adapter does the reading)."""
    result = measure_footprint(folder / "leo.jpg", overlay=False)
    assert result.ok and len(result.feet) == 2
    return result


def _with_scores(result, *scores):
    feet = tuple(replace(f, quality=Quality(s, ("smudged",) if s < 0.5 else (),
                                            ("Press evenly and lift the foot straight up.",)
                                            if s < 0.5 else ()))
                 for f, s in zip(result.feet, scores, strict=True))
    return replace(result, feet=feet)


def test_low_quality_foot_is_a_retake_without_numbers_and_listed_first(measured):
    photos = [GroupPhoto("Zoe", "a.jpg", 60.0, _with_scores(measured, 0.9, 0.9)),
              GroupPhoto("Zoe", "b.jpg", 60.0, _with_scores(measured, 0.9, 0.3)),
              GroupPhoto("Adam", "c.jpg", 60.0, FootprintResult("c.jpg", ok=False,
                                                                error="Blank paper."))]
    rows = group_rows(photos)
    assert [(r.photo, r.status) for r in rows[:2]] == [("c.jpg", "retake"), ("b.jpg", "retake")]
    assert all(r.status == "measured" for r in rows[2:]) and len(rows) == 5
    low = rows[1]
    assert low.label.category is None and low.label.text is None and low.indices == {}
    assert "0.30" in low.retake_reason and "Press evenly" in low.retake_reason
    assert rows[0].retake_reason == "Blank paper."
    good = rows[2]
    assert good.label.category in ("normal", "flat") and "Banwell" in good.label.reference
    assert 0 < good.indices["arch_index"] < 1


@pytest.mark.parametrize("age, expect_category, expect_source", [
    (10, False, None), (30, False, None), (54, True, "Banwell"), (120, True, "Banwell"),
    (300, True, "Cavanagh"),
])
def test_age_label_by_age(measured, age, expect_category, expect_source):
    label = group_report.age_label(measured.feet[0], age)
    assert (label.category is not None) == expect_category
    assert label.text
    if expect_source:
        assert expect_source in label.reference
    else:                                     # no label: the reference says why none applies
        assert label.reference.startswith("no band")


def test_child_pdf_lists_retakes_first_on_one_page(measured, monkeypatch):
    monkeypatch.setattr(group_report, "FONT_DIRS", ())        # core font: text readable
    photos = [GroupPhoto("Zoe", f"good{k}.jpg", 60.0, _with_scores(measured, 0.9, 0.9))
              for k in range(6)]
    photos.append(GroupPhoto("Zoe", "smudge.jpg", 60.0, _with_scores(measured, 0.9, 0.2)))
    data = child_pdf("Zoe", group_rows(photos), today=date(2026, 12, 3))
    text = pdf_text(data)
    assert data[:5] == b"%PDF-" and page_count(data) == 1
    assert text.index("Photos to take again") < text.index("smudge.jpg") < text.index("Readings")
    assert text.index("Readings") < text.index("good0.jpg")
    assert "Not shown here for lack of room" in text        # six photos do not fit one page
    assert "not a diagnosis" in text


def _names(tmp_path, text):
    path = tmp_path / "names.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_screen_writes_group_csv_and_one_pdf_per_child(folder, tmp_path, capsys):
    names = _names(tmp_path, "File,Child,Birth Date,age_months,date_taken\n"
                             "mia1.jpg,Mia,2021-03-04,,2025-11-20\n"
                             "mia2.jpg,Mia,2021-03-04,,2025-11-20\n"
                             "leo.jpg,Leo,,30,\n"
                             "ana.jpg,Ana Lúcia,2000-01-01,,2026-01-01\n")
    out = tmp_path / "out"
    code = main(["screen", str(folder), "--age-months-from", str(names), "--out", str(out),
                 "--jobs", "2"])
    err = capsys.readouterr().err
    assert code == 1                                         # mia2.jpg needs a retake
    assert "extra.jpg" in err and "skipped" in err
    rows = list(csv.DictReader((out / "screening.csv").open(encoding="utf-8")))
    assert len(rows) == 7                                    # 3 photos x 2 feet + 1 failed
    assert (rows[0]["photo"], rows[0]["status"]) == ("mia2.jpg", "retake")
    assert rows[0]["retake_reason"] and rows[0]["category"] == ""
    by_child = {}
    for r in rows[1:]:
        assert r["status"] == "measured" and float(r["quality_score"]) >= 0.5
        by_child.setdefault(r["child"], []).append(r)
    assert all(r["category"] == "" and r["reference"].startswith("no band")
               and "3 years" in r["reading"]
               for r in by_child["Leo"])                     # under 3: no label
    assert all(r["category"] in ("normal", "flat") and "Banwell" in r["reference"]
               and r["age_months"] == "56.6" for r in by_child["Mia"])
    assert all("Cavanagh" in r["reference"] for r in by_child["Ana Lúcia"])
    pdfs = sorted(p.name for p in out.glob("*.pdf"))
    assert pdfs == ["Ana_Lúcia.pdf", "Leo.pdf", "Mia.pdf"]
    assert all(page_count((out / p).read_bytes()) == 1 for p in pdfs)
    assert len(list((out / "overlays").glob("*_overlay.jpg"))) == 3


@pytest.mark.parametrize("text, expected", [
    ("file,child,birth_date,shoe_size\nleo.jpg,Leo,2020-01-01,30\n",
     ["unknown column(s) 'shoe_size'"]),
    ("file,birth_date\nleo.jpg,2020-01-01\n", ["missing column(s) child"]),
    ("file,child\nleo.jpg,Leo\n", ["needs a birth_date or an age_months column"]),
    ("file,child,birth_date\nleo.jpg,Leo,04/03/2020\nana.jpg,Ana,2020-02-30\n",
     ["line 2: birth_date '04/03/2020' is not a date", "line 3: birth_date '2020-02-30'"]),
    ("file,child,age_months\nleo.jpg,Leo,many\nnope.jpg,Ana,40\ngone.jpg,Bo,50\n",
     ["line 2: age_months 'many' is not a number",
      "2 photo(s) listed in names.csv are not in", "nope.jpg, gone.jpg"]),
    ("file,child,birth_date,age_months\nleo.jpg,Leo,2020-01-01,40\n",
     ["line 2: give either birth_date or age_months"]),
    ("file,child,birth_date,date_taken\nleo.jpg,Leo,2024-01-01,2023-05-01\n",
     ["dated before the birth date"]),
    ("file;child;age_months\nleo.jpg;Leo;40\nleo.jpg;Leo;41\n", ["already listed on line 2"]),
    ("file,child,birth_date,date_taken\nleo.jpg,Leo,2020-01-01,2025-01-01\n"
     "ana.jpg,Leo,2021-06-01,2025-01-01\n", ["Leo has birth date 2021-06-01 here but"]),
    ("", ["is empty"]),
])
def test_bad_names_file_lists_every_problem(folder, tmp_path, capsys, text, expected):
    names = _names(tmp_path, text)
    with pytest.raises(NamesError) as exc:
        read_names(names, folder)
    for phrase in expected:
        assert phrase in str(exc.value)
    code = main(["screen", str(folder), "--age-months-from", str(names),
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and expected[0] in err and "--help" in err
    assert not (tmp_path / "out").exists()                  # nothing measured or written


def test_missing_names_file_and_folder_are_usage_errors(folder, tmp_path, capsys):
    code = main(["screen", str(folder), "--age-months-from", str(tmp_path / "no.csv"),
                 "--out", str(tmp_path / "out")])
    assert code == 2 and "not found" in capsys.readouterr().err
    code = main(["screen", str(tmp_path / "nowhere"), "--age-months-from",
                 str(tmp_path / "no.csv"), "--out", str(tmp_path / "out")])
    assert code == 2 and "is not a folder" in capsys.readouterr().err


def test_help_describes_the_names_file(capsys):
    with pytest.raises(SystemExit):
        main(["screen", "--help"])
    out = capsys.readouterr().out
    assert "birth_date" in out and "age_months" in out and "date_taken" in out
