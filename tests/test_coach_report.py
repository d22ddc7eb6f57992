"""coach.report: the orthopaedist PDF and the CSV export."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest

pytest.importorskip("coach.store")
from coach.report import build_report_pdf, export_csv_bytes  # noqa: E402
from coach.store import HistoryStore  # noqa: E402
from vision.exercises.report import ExerciseReport, Fault, Rep  # noqa: E402
from vision.footprint.result import FootMeasurement, FootprintResult, Quality  # noqa: E402


def _footprint(ai_left: float, ai_right: float) -> dict:
    feet = tuple(FootMeasurement(side=s, arch_index=a, staheli_index=0.7,
                                 chippaux_smirak_index=41.0, clarke_angle_deg=33.0,
                                 length_mm=172.0, width_mm=66.0, category="flat",
                                 age_reading="Within the range for 4-year-olds (Banwell 2018).",
                                 quality=Quality(0.8, ("blur",), ("Hold the camera still.",)))
                 for s, a in (("left", ai_left), ("right", ai_right)))
    return FootprintResult(image="p.png", ok=True, feet=feet, scale_mm_per_px=0.2).to_json()


def _png() -> bytes:
    from PIL import Image

    img = Image.fromarray(np.full((300, 200, 3), 230, np.uint8))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def store(tmp_home):
    s = HistoryStore()
    kid = s.add_child("Zoë Ünal", "2020-06-01")
    s.add_footprint(kid.id, _footprint(0.31, 0.28), taken_on="2023-01-10", image_bytes=_png())
    s.add_footprint(kid.id, _footprint(0.27, 0.26), taken_on="2024-05-02")
    rep = ExerciseReport("squat", 120, 30.0, "side", "needs_attention",
                         reps=(Rep(0.4, 2.1, False, ("heel_lift",)), Rep(2.5, 4.0, True)),
                         faults=(Fault("heel_lift", "left", 1.0, 1.5, "Heels came up."),))
    s.add_exercise(kid.id, rep.to_json(), taken_on="2024-05-03")
    s.add_session(kid.id, "massage", started_at="2024-05-04T18:00:00", duration_s=540)
    s.add_screening(kid.id, {"fever": False}, "ok")
    return s


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_pdf_is_a_pdf_with_photo_and_pages(store):
    kid = store.get_child("Zoë Ünal")
    pdf = build_report_pdf(store, kid.id)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert _pages(pdf) >= 1
    assert b"/Subtype /Image" in pdf          # the saved photo (or its overlay)
    assert len(pdf) < 3_000_000


def test_pdf_accepts_alias_and_child_object(store):
    kid = store.get_child("Zoë Ünal")
    assert build_report_pdf(store, kid)[:5] == b"%PDF-"
    assert build_report_pdf(store, "Zoë Ünal")[:5] == b"%PDF-"


def test_pdf_for_child_without_history(tmp_home):
    s = HistoryStore()
    kid = s.add_child("Empty", "2022-01-01")
    pdf = build_report_pdf(s, kid.id)
    assert pdf.startswith(b"%PDF-") and _pages(pdf) >= 1


def test_pdf_unknown_child_raises(store):
    with pytest.raises(LookupError):
        build_report_pdf(store, 9999)


def test_pdf_text_mentions_measurements_when_uncompressed(store, monkeypatch):
    import coach.report as report

    orig = report._ReportPDF.__init__

    def no_compress(self):
        orig(self)
        self.compress = False

    monkeypatch.setattr(report._ReportPDF, "__init__", no_compress)
    pdf = build_report_pdf(store, store.get_child("Zoë Ünal").id)
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 20_000


def test_csv_export(store):
    kid = store.get_child("Zoë Ünal")
    data = export_csv_bytes(store, kid.id)
    lines = data.decode("utf-8").strip().splitlines()
    assert "arch_index" in lines[0]
    assert len(lines) == 1 + 4                # header + two photos x two feet
    sessions = export_csv_bytes(store, kid.id, table="sessions").decode().splitlines()
    assert len(sessions) == 2


# -- issue 11: the PDF shows the one reading, the stored geometry and every screening ----------
import csv  # noqa: E402
from dataclasses import replace  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

import coach.report as report  # noqa: E402
from coach.store_types import age_in_months  # noqa: E402
from vision.footprint.bands import chart_bands  # noqa: E402
from vision.footprint.reading import read_foot  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "sample_media" / "footprints"
TAKEN = date(2024, 6, 3)
WORDS = {"high": "high", "normal": "normal", "flat": "flat"}


def pdf_text(store, child, monkeypatch) -> str:
    """The PDF's text, read from an uncompressed build with the core font (plain strings)."""
    orig = report._ReportPDF.__init__

    def plain(self):
        orig(self)
        self.compress = False

    monkeypatch.setattr(report, "_font_files", lambda: None)
    monkeypatch.setattr(report._ReportPDF, "__init__", plain)
    pdf = build_report_pdf(store, child)
    parts = re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", pdf)
    text = b" ".join(parts).decode("latin-1")
    return re.sub(r"\\(.)", r"\1", text)


def test_pdf_latest_screening_as_answered_and_every_one_listed(tmp_home, monkeypatch):
    from coach.screening import QUESTION_IDS

    s = HistoryStore()
    kid = s.add_child("Ada", "2020-01-01")
    all_no = {q: False for q in QUESTION_IDS}
    s.add_screening(kid.id, all_no, "ok", answered_at="2024-05-01T08:00:00")
    s.add_screening(kid.id, {**all_no, "fever": True}, "postpone",
                    answered_at="2024-05-02T08:00:00")
    s.add_screening(kid.id, all_no, "ok", answered_at="2024-05-03T08:00:00")  # same as the 1st
    text = pdf_text(s, kid.id, monkeypatch)
    assert re.search(r"Latest screening \(2024-05-03 08:00\): all clear", text)
    assert f"no to all {len(QUESTION_IDS)} questions" in text
    for day in ("2024-05-01 08:00", "2024-05-02 08:00", "2024-05-03 08:00"):
        assert day in text                                  # identical answers not merged
    assert "fever" in text and "raised temperature" in text  # the question's plain name


def test_pdf_uses_plain_words_for_photo_issues(store, monkeypatch):
    from vision.footprint.quality import ADVICE

    text = pdf_text(store, store.get_child("Zoë Ünal").id, monkeypatch)
    assert "photo issues" not in text and "blur," not in text
    assert ADVICE["blur"].split(":")[0][:30] in text


@pytest.fixture(scope="module")
def measured():
    """One real measurement of a bundled photo (with its geometry), measured once."""
    from vision.footprint import measure_footprint

    data = (SAMPLE / "ink_a4_child_two_feet.jpg").read_bytes()
    return data, measure_footprint(data, age_months=None, name="p.jpg")


def test_pdf_draws_the_stored_geometry_and_never_measures_again(tmp_home, measured,
                                                                monkeypatch):
    import coach.report as report
    import vision.footprint as fp

    data, result = measured
    s = HistoryStore()
    kid = s.add_child("Ben", "2019-01-01")
    s.add_footprint(kid.id, result.to_json(), taken_on=TAKEN, image_bytes=data)
    monkeypatch.setattr(fp, "measure_footprint", lambda *a, **k: pytest.fail("re-measured"))
    drawn = []
    real = report.draw_stored
    monkeypatch.setattr(report, "draw_stored",
                        lambda img, feet, **kw: drawn.append(feet) or real(img, feet, **kw))
    pdf = build_report_pdf(s, kid.id)
    assert b"/Subtype /Image" in pdf and len(drawn) == 1
    stored = {f["side"]: f["geometry"] for f in result.to_json()["feet"]}
    assert {f["side"]: f["geometry"] for f in drawn[0]} == stored


# -- one footprint, five renderers, five ages: the same label or no label everywhere ----------
AGES_MONTHS = {"9 months": 9, "2 years": 24, "4 years": 48, "7 years": 84, "30 years": 360}
EDGE = {"left": {"arch_index": 0.2101, "staheli_index": 1.0, "chippaux_smirak_index": 61.0},
        "right": {"arch_index": 0.205, "staheli_index": 1.0704, "chippaux_smirak_index": 40.0}}


def shows(text: str, category) -> bool:
    """True when ``text`` names ``category`` and no other label (None: no label at all)."""
    low = str(text).lower()
    named = {c for c, w in WORDS.items() if re.search(rf"\b{w}", low)}
    return named == ({category} if category else set())


def chart_label(entry):
    """The label the chart's shading gives a stored point: the band rectangle each index
    falls in at that age (flat if any is flat), None where nothing is shaded."""
    cats = []
    for metric in ("arch_index", "staheli_index", "chippaux_smirak_index"):
        v = getattr(entry, metric)
        inside = {r.category for r in chart_bands(metric, entry.age_months,
                                                  entry.age_months + 1e-6)
                  if r.lo <= v <= r.hi}
        assert len(inside) <= 1, "test values must not sit on a band edge"
        cats += inside
    if not cats:
        return None
    return "flat" if "flat" in cats else "high" if "high" in cats else "normal"


def _result_with(result, values, age):
    """``result`` with other index values, read the way the pipeline reads them."""
    feet = []
    for f in result.feet:
        v = values.get(f.side, {})
        r = read_foot({**{k: getattr(f, k) for k in EDGE["left"]}, **v}, age)
        feet.append(replace(f, **v, category=r.category, reference=r.reference,
                            age_reading=r.sentence))
    return replace(result, feet=tuple(feet))


@pytest.mark.parametrize("values", [{}, EDGE], ids=["measured", "edge"])
@pytest.mark.parametrize("who", list(AGES_MONTHS))
def test_one_label_on_overlay_table_chart_pdf_and_csv(tmp_home, measured, monkeypatch,
                                                      who, values):
    import vision.footprint.overlay as overlay
    from ui.footprint_page import indices_table
    from ui.history_page import trend_frame
    from vision.footprint.load import load_image

    data, base = measured
    birth = TAKEN - timedelta(days=round(AGES_MONTHS[who] * 30.4375))
    age = age_in_months(birth, TAKEN)                        # the store's age at the print
    result = _result_with(base, values, age)
    want = {f.side: read_foot(f, age).category for f in result.feet}
    assert {f.side: f.category for f in result.feet} == want          # JSON category

    labels = []
    monkeypatch.setattr(overlay, "_label", lambda img, text, *a: labels.append(text))
    overlay.draw_stored(load_image(data), result.to_json()["feet"], age_months=age)
    if not values:                                           # the live overlay, same photo
        overlay.draw_overlay(base.overlay_drawer.image, base.overlay_drawer.feet,
                             age_months=age)
    for text in labels:                                      # overlay
        assert shows(text, want["left" if text.startswith("L") else "right"]), text

    table = indices_table(result, age)                       # indices table
    row = next(i for i in table.index if re.search("band|reading|label", i, re.I))
    for side in want:
        assert shows(table.loc[row, f"{side.capitalize()} foot"], want[side]), row

    s = HistoryStore()
    kid = s.add_child("Kid", birth)
    s.add_footprint(kid.id, result.to_json(), taken_on=TAKEN, image_bytes=data)
    entries = s.footprint_history(kid.id)
    assert {e.side: chart_label(e) for e in entries} == want            # chart shading
    for _, point in trend_frame(entries).iterrows():
        assert shows(point["label"], want[point["side"]]), point["label"]

    monkeypatch.undo()
    text = pdf_text(s, kid.id, monkeypatch)                   # PDF
    for side, cat in want.items():
        said = re.search(rf"{side.capitalize()} foot, reading: ([^.]*)\.", text).group(1)
        assert shows(said, cat), said

    rows = list(csv.DictReader(io.StringIO(export_csv_bytes(s, kid.id).decode())))  # CSV
    assert {r["side"]: r["category"] or None for r in rows} == want
    assert all(r["reference"] for r in rows)
