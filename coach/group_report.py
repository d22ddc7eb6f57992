"""A group's footprint screening: one CSV for everyone, one PDF page per child.

Input is one :class:`GroupPhoto` per photo (the child, the age when it was taken, and the
``FootprintResult``). Each foot becomes a :class:`FootRow`:

- ``status="retake"`` when the photo gave no feet, or the foot's calibrated quality score is
  below ``RETAKE_SCORE`` (DESIGN.md: below it the numbers are not shown). A retake row
  carries the reason in plain words and *no* indices, label or reading.
- ``status="measured"`` otherwise, with the indices and the age-aware label and reading
  from :func:`age_label` (the one place that talks to ``vision.footprint.reading``).

Rows are ordered retakes first, then by child, photo and side, in the CSV and on each page.
The PDF (fpdf2, A4, units mm) holds at most one page per child; what does not fit is named
at the bottom and is always in the CSV. It measures and explains; it never diagnoses.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from vision.footprint.quality import RELIABLE_SCORE
from vision.footprint.reading import read_foot

RETAKE_SCORE = RELIABLE_SCORE  # quality score (0..1) below which a foot must be retaken
PAGE_W_MM, MARGIN_MM = 210.0, 14.0
BOTTOM_MM = 280.0             # content stops here: the page never spills onto a second one
THUMB_W_MM, THUMB_H_MM = 52.0, 62.0   # overlay image box per photo
LINE_MM, SMALL_LINE_MM = 5.0, 3.8   # line heights: body text, readings
TEXT_LINE_MM = SMALL_LINE_MM + 0.6  # line height of the per-foot numbers and retakes
GAP_MM, FOOT_GAP_MM, SECTION_GAP_MM = 4.0, 1.5, 3.0   # after a photo, a foot, a section
TITLE_PT, HEADING_PT, BODY_PT, TEXT_PT, SMALL_PT = 16, 12, 10, 9, 8   # font sizes
TITLE_LINE_MM = 8.0
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
NOT_DIAGNOSIS = ("These are measurements from photos, not a diagnosis. Ask a doctor or "
                 "physiotherapist about any result that worries you.")

CSV_FIELDS = ("child", "photo", "side", "status", "retake_reason", "age_months",
              "date_taken", "date_source", "category", "reference", "reading",
              "arch_index", "staheli_index", "chippaux_smirak_index", "clarke_angle_deg",
              "length_mm", "width_mm", "quality_score", "quality_issues", "overlay")


@dataclass(frozen=True)
class AgeLabel:
    """The age-aware reading of one foot: ``category`` ("high"|"normal"|"flat") or None
    where no label applies (under 3 years); ``reference`` names the band's source."""

    category: str | None
    reference: str | None
    text: str | None


@dataclass(frozen=True)
class GroupPhoto:
    """One photo of the group; ``age_months`` is the age on ``date_taken``."""

    child: str
    photo: str
    age_months: float
    result: object                     # vision.footprint.result.FootprintResult
    date_taken: date | None = None
    date_source: str = ""
    overlay_path: str | None = None


@dataclass(frozen=True)
class FootRow:
    """One row of ``screening.csv``: a foot, or a photo that gave no feet (``side=""``)."""

    child: str
    photo: str
    side: str
    status: str                        # "retake" | "measured"
    retake_reason: str
    age_months: float
    date_taken: str
    date_source: str
    label: AgeLabel
    indices: dict                      # arch_index, staheli_index, ... (empty for retakes)
    quality_score: float | None
    quality_issues: tuple[str, ...]
    overlay: str


def age_label(foot, age_months: float) -> AgeLabel:
    """The label, its source and the sentence, from the one footprint reading
    (:func:`vision.footprint.reading.read_foot`, age at the date taken): no label under
    3 years, the children's bands from 3 years, the adult arch-index bands for adults."""
    r = read_foot(foot, age_months)
    return AgeLabel(r.category, r.reference, r.sentence)


def _indices(foot) -> dict:
    j = foot.to_json()
    return {k: j.get(k) for k in ("arch_index", "staheli_index", "chippaux_smirak_index",
                                  "clarke_angle_deg", "length_mm", "width_mm")}


def _retake_reason(foot) -> str:
    advice = " ".join(foot.quality.advice) or "The print is not clear enough to measure."
    return f"Quality {foot.quality.score:.2f} (below {RETAKE_SCORE}). {advice}"


def photo_rows(photo: GroupPhoto) -> list[FootRow]:
    """The rows of one photo: one per foot, or one retake row when it gave no feet."""
    base = dict(child=photo.child, photo=photo.photo, age_months=photo.age_months,
                date_taken="" if photo.date_taken is None else photo.date_taken.isoformat(),
                date_source=photo.date_source, overlay=photo.overlay_path or "")
    none = AgeLabel(None, None, None)
    r = photo.result
    if not r.ok:
        return [FootRow(side="", status="retake", retake_reason=r.error or "unknown error",
                        label=none, indices={}, quality_score=None, quality_issues=(),
                        **base)]
    rows = []
    for foot in r.feet:
        q = foot.quality
        if q.score < RETAKE_SCORE:
            rows.append(FootRow(side=foot.side, status="retake",
                                retake_reason=_retake_reason(foot), label=none, indices={},
                                quality_score=q.score, quality_issues=q.issues, **base))
        else:
            rows.append(FootRow(side=foot.side, status="measured", retake_reason="",
                                label=age_label(foot, photo.age_months),
                                indices=_indices(foot), quality_score=q.score,
                                quality_issues=q.issues, **base))
    return rows


def group_rows(photos: Iterable[GroupPhoto]) -> list[FootRow]:
    """Every photo's rows: retakes first, then by child, photo and side."""
    rows = [row for p in photos for row in photo_rows(p)]
    return sorted(rows, key=lambda r: (r.status != "retake", r.child.casefold(),
                                       r.photo.casefold(), r.side))


def _csv_dict(row: FootRow) -> dict:
    return {"child": row.child, "photo": row.photo, "side": row.side, "status": row.status,
            "retake_reason": row.retake_reason, "age_months": row.age_months,
            "date_taken": row.date_taken, "date_source": row.date_source,
            "category": row.label.category or "", "reference": row.label.reference or "",
            "reading": row.label.text or "", **row.indices,
            "quality_score": "" if row.quality_score is None else round(row.quality_score, 3),
            "quality_issues": ";".join(row.quality_issues), "overlay": row.overlay}


def write_group_csv(photos: Iterable[GroupPhoto], path: Path) -> list[FootRow]:
    """Write ``screening.csv`` (``CSV_FIELDS``) and return its rows, retakes first."""
    rows = group_rows(photos)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS, restval="")
        writer.writeheader()
        writer.writerows(_csv_dict(r) for r in rows)
    return rows


def _age_words(months: float) -> str:
    years, rest = divmod(int(months), 12)
    return f"{years} y {rest} m" if years else f"{months:.0f} months"


def _pdf() -> tuple[FPDF, str]:
    """A4 document and its font family: DejaVu Sans (any script) if installed, else core
    Helvetica (text is then reduced to Latin-1)."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    for d in FONT_DIRS:
        regular, bold = d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdf.add_font("dejavu", "", str(regular))
            pdf.add_font("dejavu", "B", str(bold))
            return pdf, "dejavu"
    return pdf, "helvetica"


class _Page:
    """Writes one child's page, top to bottom, refusing to run past ``BOTTOM_MM``."""

    def __init__(self, pdf: FPDF, family: str) -> None:
        self.pdf, self.family = pdf, family
        self.width = PAGE_W_MM - 2 * MARGIN_MM

    def text(self, s: str) -> str:
        return s if self.family == "dejavu" else s.encode("latin-1", "replace").decode("latin-1")

    def line(self, s: str, *, size: float = BODY_PT, bold: bool = False, x: float | None = None,
             width: float | None = None, height: float = LINE_MM) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        if x is not None:
            self.pdf.set_x(x)
        self.pdf.multi_cell(width or self.width, height, self.text(s), align="L",
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def height(self, s: str, *, size: float, width: float, height: float,
               bold: bool = False) -> float:
        """Millimetres :meth:`line` would take for ``s`` (nothing is drawn)."""
        self.pdf.set_font(self.family, "B" if bold else "", size)
        return self.pdf.multi_cell(width, height, self.text(s), align="L", dry_run=True,
                                   output=MethodReturnValue.HEIGHT)

    def room(self, mm: float) -> bool:
        return self.pdf.get_y() + mm <= BOTTOM_MM


def _foot_lines(row: FootRow) -> tuple[str, str]:
    ix, side = row.indices, row.side.capitalize() or "Photo"
    nums = (f"{side} foot: arch index {ix['arch_index']:.2f}, Staheli {ix['staheli_index']:.2f}, "
            f"Chippaux-Smirak {ix['chippaux_smirak_index']:.0f} %, Clarke "
            f"{ix['clarke_angle_deg']:.0f} deg")
    if ix.get("length_mm") is not None:
        nums += f", length {ix['length_mm']:.0f} mm"
    label = row.label
    head = (f"Label: {label.category} ({label.reference})" if label.category else
            "No flat/normal label at this age.")
    return nums + ". " + head, label.text or ""


def _photo_title(photo: str, row: FootRow) -> str:
    when = ""
    if row.date_taken:
        source = "" if row.date_source in ("", "names file") else f", {row.date_source}"
        when = f" on {row.date_taken}{source}"
    return f"Photo {photo} (age {_age_words(row.age_months)}{when})"


def _photo_block(page: _Page, photo: str, rows: list[FootRow]) -> bool:
    """Overlay on the left, each foot's numbers and reading on the right; False if the
    block does not fit on the page."""
    pdf = page.pdf
    has_image = bool(rows[0].overlay) and Path(rows[0].overlay).is_file()
    text_x = MARGIN_MM + (THUMB_W_MM + GAP_MM if has_image else 0)
    width = PAGE_W_MM - MARGIN_MM - text_x
    title = _photo_title(photo, rows[0])
    texts = [_foot_lines(row) for row in rows]
    need = page.height(title, size=BODY_PT, width=width, height=LINE_MM, bold=True) + sum(
        page.height(h, size=TEXT_PT, width=width, height=TEXT_LINE_MM)
        + page.height(r, size=SMALL_PT, width=width, height=SMALL_LINE_MM) + FOOT_GAP_MM
        for h, r in texts)
    if not page.room(max(need, THUMB_H_MM if has_image else 0) + GAP_MM):
        return False
    top = pdf.get_y()
    if has_image:
        pdf.image(rows[0].overlay, x=MARGIN_MM, y=top, w=THUMB_W_MM, h=THUMB_H_MM,
                  keep_aspect_ratio=True)
    page.line(title, bold=True, x=text_x, width=width)
    for head, reading in texts:
        page.line(head, size=TEXT_PT, x=text_x, width=width, height=TEXT_LINE_MM)
        if reading:
            page.line(reading, size=SMALL_PT, x=text_x, width=width, height=SMALL_LINE_MM)
        pdf.ln(FOOT_GAP_MM)
    pdf.set_y(max(pdf.get_y(), top + (THUMB_H_MM if text_x > MARGIN_MM else 0)) + GAP_MM)
    return True


def _retake_section(page: _Page, rows: list[FootRow]) -> list[FootRow]:
    """List the retakes; returns those that did not fit."""
    page.line("Photos to take again", size=HEADING_PT, bold=True)
    for k, row in enumerate(rows):
        if not page.room(2 * TEXT_LINE_MM):
            return rows[k:]
        side = f", {row.side} foot" if row.side else ""
        page.line(f"{row.photo}{side}: {row.retake_reason}", size=TEXT_PT,
                  height=TEXT_LINE_MM)
    page.pdf.ln(SECTION_GAP_MM)
    return []


def child_pdf(child: str, rows: list[FootRow], *, today: date | None = None) -> bytes:
    """One A4 page for ``child`` from their rows (retakes first, then each photo's
    readings with its overlay); content that does not fit is named at the bottom."""
    pdf, family = _pdf()
    pdf.add_page()
    page = _Page(pdf, family)
    pdf.set_title(page.text(f"Footprint screening: {child}"))
    page.line(f"Footprint screening: {child}", size=TITLE_PT, bold=True, height=TITLE_LINE_MM)
    page.line(f"Made on this computer by footcoach on {(today or date.today()).isoformat()}. "
              + NOT_DIAGNOSIS, size=TEXT_PT, height=TEXT_LINE_MM)
    pdf.ln(SECTION_GAP_MM)
    retakes = [r for r in rows if r.status == "retake"]
    measured = [r for r in rows if r.status != "retake"]
    left_out = _retake_section(page, retakes) if retakes else []
    photos = list(dict.fromkeys(r.photo for r in measured))
    if photos and page.room(2 * LINE_MM + GAP_MM):
        page.line("Readings", size=HEADING_PT, bold=True)
    for k, photo in enumerate(photos):
        if not _photo_block(page, photo, [r for r in measured if r.photo == photo]):
            left_out += [r for r in measured if r.photo in photos[k:]]
            break
    if left_out:
        names = ", ".join(dict.fromkeys(r.photo for r in left_out))
        pdf.set_y(BOTTOM_MM - 2 * LINE_MM)
        page.line(f"Not shown here for lack of room (see screening.csv): {names}", size=SMALL_PT,
                  height=SMALL_LINE_MM)
    return bytes(pdf.output())


def pdf_name(child: str, taken: set[str]) -> str:
    """A file name for ``child``'s PDF that no other child in ``taken`` has."""
    stem = re.sub(r"[^\w\-]+", "_", child.strip(), flags=re.UNICODE).strip("_") or "child"
    name, k = f"{stem}.pdf", 2
    while name.casefold() in taken:
        name, k = f"{stem}_{k}.pdf", k + 1
    taken.add(name.casefold())
    return name


def write_child_pdfs(photos: Iterable[GroupPhoto], out_dir: Path, *,
                     today: date | None = None) -> dict[str, Path]:
    """One ``<child>.pdf`` per child in ``out_dir``; returns child -> path."""
    rows = group_rows(photos)
    children = sorted({r.child for r in rows}, key=str.casefold)
    taken: set[str] = set()
    out = {}
    for child in children:
        path = out_dir / pdf_name(child, taken)
        path.write_bytes(child_pdf(child, [r for r in rows if r.child == child], today=today))
        out[child] = path
    return out
