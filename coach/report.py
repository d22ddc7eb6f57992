"""PDF summary of one child's history, for an orthopaedist.

:func:`build_report_pdf` reads a :class:`coach.store.HistoryStore` and lays out, with fpdf2:
the child (alias and age only), the latest footprint photos with their overlays, every stored
index per foot, the age-aware readings with the references they name, the arch-index trend
against age over the adult reference bands, left/right asymmetry, exercise-check findings,
routine sessions and the latest screening answers. :func:`export_csv_bytes` wraps the store's
CSV export for a download button.

Conventions: page size A4, units mm. The report measures and explains; it never diagnoses,
and it says so on the first page. The photo overlays are redrawn by
:func:`vision.footprint.measure_footprint` from the saved photos; when that engine is
missing the plain photo is shown instead.

Examples
--------
>>> import tempfile, pathlib
>>> from coach.store import HistoryStore
>>> store = HistoryStore(pathlib.Path(tempfile.mkdtemp()) / "history.db")
>>> kid = store.add_child("Mia", "2021-03-04")
>>> build_report_pdf(store, kid.id)[:5]
b'%PDF-'
"""

from __future__ import annotations

import io
import tempfile
from collections import defaultdict
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

# Adult arch-index bands, Cavanagh & Rodgers, J Biomech 1987 (see DESIGN.md).
ARCH_BANDS = ((0.0, 0.21, "high arch", (198, 219, 239)),
              (0.21, 0.26, "normal", (199, 233, 192)),
              (0.26, 0.45, "flat", (253, 208, 162)))
FAT_PAD_MONTHS = 36
MAX_PHOTOS = 2                 # latest photos shown with their overlays
PHOTO_MAX_PX = 1100            # photos are downscaled and embedded as JPEG
REFERENCES = (
    "Cavanagh PR, Rodgers MM. The arch index: a useful measure from footprints. "
    "J Biomech 1987.",
    "Banwell HA et al. Paediatric flexible flat foot: how are we measuring it and are we "
    "getting it right? A systematic review. J Foot Ankle Res 2018.",
    "Hernandez AJ et al. Calculation of Staheli's plantar arch index and prevalence of flat "
    "feet. Acta Ortop Bras 2007.",
    "Forriol F, Pascual J. Footprint analysis between three and seventeen years of age. "
    "Foot Ankle 1990.",
    "Pfeiffer M et al. Prevalence of flat foot in preschool-aged children. Pediatrics 2006.",
)
_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)


def _font_files() -> tuple[Path, Path] | None:
    """DejaVu Sans regular and bold (any alias script prints); None to fall back to core."""
    dirs = list(_FONT_DIRS)
    try:
        import matplotlib

        dirs.insert(0, Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except Exception:  # noqa: BLE001 - matplotlib is optional here
        pass
    for d in dirs:
        reg, bold = d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf"
        if reg.is_file() and bold.is_file():
            return reg, bold
    return None


class _ReportPDF(FPDF):
    """FPDF with a footer, a Unicode font when available and small layout helpers."""

    def __init__(self) -> None:
        super().__init__(format="A4")
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)
        fonts = _font_files()
        self.unicode = fonts is not None
        if fonts:
            self.add_font("DejaVu", "", str(fonts[0]))
            self.add_font("DejaVu", "B", str(fonts[1]))
            self.family_name = "DejaVu"
        else:
            self.family_name = "Helvetica"

    def txt(self, text) -> str:
        """Text the current font can print (core fonts are Latin-1 only)."""
        text = str(text)
        if self.unicode:
            return text
        return text.encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family_name, "", 8)
        self.set_text_color(120)
        self.cell(0, 5, self.txt(f"footcoach report · measurements, not a diagnosis · page "
                                 f"{self.page_no()}"), align="C")
        self.set_text_color(0)

    def heading(self, text: str, *, keep: float = 30) -> None:
        """A section title; starts a new page unless ``keep`` mm fit below it."""
        if self.get_y() > self.h - self.b_margin - 15 - keep:
            self.add_page()
        self.ln(3)
        self.set_font(self.family_name, "B", 13)
        self.cell(0, 8, self.txt(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(180)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)
        self.set_font(self.family_name, "", 10)

    def para(self, text: str, size: float = 10) -> None:
        self.set_font(self.family_name, "", size)
        self.multi_cell(0, size * 0.5, self.txt(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(self, header: list[str], rows: list[list], widths: tuple | None = None) -> None:
        """A simple bordered table; every cell is text."""
        from fpdf.fonts import FontFace

        self.set_font(self.family_name, "", 8.5)
        self.set_fill_color(255)
        self.set_draw_color(160)
        head = FontFace(emphasis="BOLD", fill_color=(235, 238, 243))
        with self.table(col_widths=widths, text_align="LEFT", line_height=5,
                        first_row_as_headings=True, headings_style=head) as table:
            for r in [header, *rows]:
                row = table.row()
                for value in r:
                    row.cell(self.txt("–" if value is None else value))
        self.set_font(self.family_name, "", 10)


def _f(value, digits: int = 2, unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{float(value):.{digits}f}{unit}"


def _minutes(minutes: float) -> str:
    return f"{minutes:.0f} min" if minutes >= 1 else f"{minutes * 60:.0f} s"


def _age(months: float) -> str:
    y, m = divmod(int(months), 12)
    return f"{y} y {m} m"


# -- sections ---------------------------------------------------------------------------
def _intro(pdf: _ReportPDF, child) -> None:
    pdf.set_font(pdf.family_name, "B", 18)
    pdf.cell(0, 10, pdf.txt("footcoach — foot and movement summary"),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(pdf.family_name, "", 10)
    pdf.para(f"Child: {child.alias}    Born: {child.birth_date.isoformat()}    "
             f"Age today: {_age(child.age_months())}    Report date: {date.today().isoformat()}")
    pdf.ln(1)
    pdf.para("Prepared by parents with footcoach for an orthopaedic consultation. footcoach "
             "measures footprint photos and exercise videos on the family's computer; it does "
             "not diagnose. Footprint indices disagree with one another and with radiographs; "
             "every reading below names the reference it uses.", size=9)


def _photo_groups(entries) -> list[list]:
    """Stored feet grouped by photo (same day and same image), newest first."""
    groups: dict[tuple, list] = defaultdict(list)
    for e in entries:
        groups[(e.taken_on, e.image_sha256 or e.source or e.id)].append(e)
    return [groups[k] for k in sorted(groups, key=lambda k: (k[0], str(k[1])), reverse=True)]


def _overlay_jpeg(store, entry, age_months: float) -> bytes | None:
    """The saved photo redrawn with its overlay (or plain), as a downscaled JPEG."""
    path = store.image_file(entry)
    if path is None or not path.is_file():
        return None
    from PIL import Image

    rgb = None
    try:
        from vision.footprint import measure_footprint

        result = measure_footprint(path.read_bytes(), age_months=int(age_months),
                                   name=path.name)
        if result.ok and result.overlay is not None:
            rgb = Image.fromarray(result.overlay[:, :, ::-1].copy())
    except Exception:  # noqa: BLE001 - fall back to the plain photo
        rgb = None
    try:
        img = rgb or Image.open(path).convert("RGB")
    except Exception:  # noqa: BLE001 - an unreadable saved photo is skipped
        return None
    img.thumbnail((PHOTO_MAX_PX, PHOTO_MAX_PX))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=82)
    return buf.getvalue()


def _footprints(pdf: _ReportPDF, store, child, entries) -> None:
    pdf.heading("Footprints")
    if not entries:
        pdf.para("No footprint has been saved yet.")
        return
    for group in _photo_groups(entries)[:MAX_PHOTOS]:
        first = group[0]
        pdf.set_font(pdf.family_name, "B", 10)
        pdf.cell(0, 6, pdf.txt(f"Photo of {first.taken_on.isoformat()} "
                               f"(age {_age(first.age_months)})"),
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        jpeg = _overlay_jpeg(store, first, first.age_months)
        if jpeg:
            if pdf.get_y() > pdf.h - 110:
                pdf.add_page()
            pdf.image(io.BytesIO(jpeg), w=0, h=85, x=pdf.l_margin, keep_aspect_ratio=True)
            pdf.ln(1)
        for e in sorted(group, key=lambda e: e.side):
            if e.age_reading:
                pdf.para(f"{e.side.capitalize()} foot: {e.age_reading}", size=9)
            if e.quality_issues:
                pdf.para(f"{e.side.capitalize()} foot photo issues: "
                         f"{', '.join(e.quality_issues)}", size=8.5)
        pdf.ln(2)
    pdf.set_font(pdf.family_name, "B", 10)
    pdf.cell(0, 6, pdf.txt("Every stored measurement (toes removed)"),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    rows = [[e.taken_on.isoformat(), _age(e.age_months), e.side, _f(e.arch_index, 3),
             _f(e.staheli_index), _f(e.chippaux_smirak_index, 1, " %"),
             _f(e.clarke_angle_deg, 1, "°"), _f(e.length_mm, 0), _f(e.width_mm, 0),
             e.category or "–", _f(e.quality_score)] for e in entries]
    pdf.grid(["date", "age", "foot", "arch idx", "Staheli", "C-S", "Clarke", "length mm",
              "width mm", "adult band", "quality"], rows,
             widths=(20, 17, 11, 15, 14, 15, 14, 16, 16, 18, 14))
    pdf.para("Arch index: Cavanagh & Rodgers 1987 (adult bands high <= 0.21, normal "
             "0.21-0.26, flat >= 0.26). Staheli and Chippaux-Smirak child cut-offs: Banwell "
             "2018. Clarke's angle bands differ between schemes.", size=8)


def _trend(pdf: _ReportPDF, trend) -> None:
    """Arch index against age over the shaded adult bands, drawn with fpdf primitives."""
    pdf.heading("Arch index by age", keep=85)
    if not trend:
        pdf.para("No data yet.")
        return
    x0, y0, w, h = pdf.l_margin + 12, pdf.get_y() + 2, 150, 70
    ages = [p.age_months for p in trend]
    a_lo, a_hi = max(0.0, min(ages) - 6), max(ages) + 6
    if a_hi - a_lo < 24:
        a_hi = a_lo + 24
    y_hi = 0.45

    def px(age):
        return x0 + (age - a_lo) / (a_hi - a_lo) * w

    def py(ai):
        return y0 + h - min(max(ai, 0.0), y_hi) / y_hi * h

    for lo, hi, label, colour in ARCH_BANDS:
        pdf.set_fill_color(*colour)
        pdf.rect(x0, py(hi), w, py(lo) - py(hi), style="F")
        pdf.set_font(pdf.family_name, "", 7)
        pdf.text(x0 + w + 1.5, (py(hi) + py(lo)) / 2 + 1, pdf.txt(label))
    if a_lo < FAT_PAD_MONTHS:
        pdf.set_fill_color(215, 215, 215)
        pdf.rect(x0, y0, px(min(FAT_PAD_MONTHS, a_hi)) - x0, h, style="F")
        pdf.text(x0 + 1, y0 + 4, pdf.txt("under 3 y: no label"))
    pdf.set_draw_color(90)
    pdf.rect(x0, y0, w, h)
    for v in (0.1, 0.2, 0.3, 0.4):
        pdf.text(x0 - 9, py(v) + 1, f"{v:.1f}")
    step = 12 if a_hi - a_lo > 30 else 6
    for age in range(int(a_lo // step * step + step), int(a_hi) + 1, step):
        pdf.text(px(age) - 2, y0 + h + 4, str(age))
    pdf.text(x0 + w / 2 - 10, y0 + h + 8, pdf.txt("age (months)"))
    with pdf.rotation(90, x0 - 10, y0 + h / 2 + 10):
        pdf.text(x0 - 10, y0 + h / 2 + 10, pdf.txt("arch index"))
    for side, colour in (("left", (31, 119, 180)), ("right", (214, 39, 40))):
        pts = sorted((p.age_months, p.arch_index) for p in trend if p.side == side)
        pdf.set_draw_color(*colour)
        pdf.set_fill_color(*colour)
        for (a1, v1), (a2, v2) in zip(pts, pts[1:], strict=False):
            pdf.line(px(a1), py(v1), px(a2), py(v2))
        for a, v in pts:
            pdf.ellipse(px(a) - 1.2, py(v) - 1.2, 2.4, 2.4, style="F")
        if pts:
            pdf.set_text_color(*colour)
            pdf.text(x0 + w + 1.5, y0 + h - (8 if side == "left" else 3), side)
            pdf.set_text_color(0)
    pdf.set_draw_color(0)
    pdf.set_fill_color(255)
    pdf.set_font(pdf.family_name, "", 8)
    pdf.set_y(y0 + h + 10)
    grey = ("; grey: under 3 years the fat pad fills the arch and no label applies"
            if a_lo < FAT_PAD_MONTHS else "")
    pdf.para(f"Shaded: adult arch-index bands (Cavanagh & Rodgers 1987){grey}. Children's "
             "arches form mostly between 3 and 6 years, so the trend matters more than one "
             "print.", size=8)


def _asymmetry(pdf: _ReportPDF, entries) -> None:
    by_day: dict[date, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for e in entries:
        by_day[e.taken_on][e.side].append(e.arch_index)
    rows = []
    for day in sorted(by_day):
        sides = by_day[day]
        if sides.get("left") and sides.get("right"):
            left = sum(sides["left"]) / len(sides["left"])
            right = sum(sides["right"]) / len(sides["right"])
            rows.append([day.isoformat(), _f(left, 3), _f(right, 3), _f(left - right, 3)])
    if rows:
        pdf.heading("Left / right arch index")
        pdf.grid(["date", "left", "right", "left − right"], rows, widths=(40, 30, 30, 30))


def _movement(pdf: _ReportPDF, exercises) -> None:
    pdf.heading("Exercise checks (video or webcam)")
    if not exercises:
        pdf.para("No exercise check has been saved yet.")
        return
    rows = []
    for e in exercises:
        messages = sorted({f.get("message", f.get("code", "")) for f in
                           e.report.get("faults", [])})
        rows.append([e.taken_on.isoformat(), e.exercise, e.verdict.replace("_", " "),
                     str(len(e.report.get("reps", []))), "; ".join(messages) or "none"])
    pdf.grid(["date", "exercise", "verdict", "reps", "findings"], rows,
             widths=(20, 22, 28, 12, 98))


def _sessions(pdf: _ReportPDF, sessions, screenings) -> None:
    pdf.heading("Routines and screening")
    if sessions:
        total = defaultdict(float)
        count = defaultdict(int)
        for s in sessions:
            total[s.kind] += s.duration_s / 60
            count[s.kind] += 1
        summary = ", ".join(f"{count[k]} {k} session{'s' if count[k] != 1 else ''} "
                            f"({_minutes(total[k])})" for k in sorted(count))
        last = max(s.started_at for s in sessions)[:10]
        pdf.para(f"Logged: {summary}; last on {last}.")
    else:
        pdf.para("No routine session has been logged yet.")
    if screenings:
        s = screenings[-1]
        yes = [k for k, v in s.answers.items() if v]
        pdf.para(f"Latest screening ({s.answered_at[:10]}): {s.status}"
                 + (f"; answered yes to: {', '.join(yes)}" if yes else "; no concern reported")
                 + (f". Reasons: {'; '.join(s.reasons)}" if s.reasons else "."))


def build_report_pdf(store, child_id) -> bytes:
    """The PDF report (bytes) for ``child_id`` (id, alias or ``Child``) from ``store``.

    Raises :class:`coach.store_types.UnknownChildError` for an unknown child."""
    child = store.get_child(child_id)
    entries = store.footprint_history(child.id)
    pdf = _ReportPDF()
    pdf.set_title("footcoach report")
    pdf.set_creator("footcoach")
    pdf.add_page()
    _intro(pdf, child)
    _footprints(pdf, store, child, entries)
    _trend(pdf, store.arch_trend(child.id))
    _asymmetry(pdf, entries)
    _movement(pdf, store.exercise_history(child.id))
    _sessions(pdf, store.session_history(child.id), store.screening_history(child.id))
    pdf.heading("References")
    for ref in REFERENCES:
        pdf.para(f"• {ref}", size=8)
    return bytes(pdf.output())


def export_csv_bytes(store, child_id, *, table: str = "footprints") -> bytes:
    """One table of the child's history as CSV bytes (via ``HistoryStore.export_csv``)."""
    with tempfile.TemporaryDirectory(prefix="footcoach-csv-") as tmp:
        dest = Path(tmp) / f"{table}.csv"
        store.export_csv(child_id, dest, table=table)
        return dest.read_bytes()
