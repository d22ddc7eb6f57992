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
