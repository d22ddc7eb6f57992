"""PDF summary of one child's history, for an orthopaedist.

:func:`build_report_pdf` reads a :class:`coach.store.HistoryStore` and lays out, with fpdf2:
the child (alias and age only), the latest footprint photos with what was measured drawn on
them, every stored index per foot, the one age-aware reading of each foot
(:func:`vision.footprint.reading.read_foot` at the age on the day the print was taken, the
same object the app and the CSV show), each index against age over the bands that apply at
each age (:mod:`vision.footprint.bands`), left/right asymmetry, exercise-check findings,
routine sessions and every screening as it was answered, the latest first.
:func:`export_csv_bytes` wraps the store's CSV export for a download button.

Conventions: page size A4, units mm. The report measures and explains; it never diagnoses,
and it says so on the first page. The lines on the photos are the stored geometry of the
measurement (:func:`vision.footprint.overlay.draw_stored`); nothing is measured again. A
photo saved without geometry (older records) is shown plain, and the report says so.

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
import json
import tempfile
from collections import defaultdict
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from coach.plan import QUALITY_MIN
from coach.report_trend import draw_trend
from vision.footprint.load import load_image
from vision.footprint.overlay import draw_stored, has_geometry
from vision.footprint.quality import ADVICE
from vision.footprint.reading import read_foot

MAX_PHOTOS = 2                 # latest photos shown with their overlays
PHOTO_MAX_PX = 1100            # photos are downscaled and embedded as JPEG
REFERENCES = (
    "Cavanagh PR, Rodgers MM. The arch index: a useful measure from footprints. "
    "J Biomech 1987.",
    "Banwell HA et al. Paediatric flexible flat foot: how are we measuring it and are we "
    "getting it right? A systematic review. J Foot Ankle Res 2018.",
    "Bosch K, Gerss J, Rosenbaum D. Development of healthy children's feet: nine-year results "
    "of a longitudinal investigation of plantar loading patterns. Gait Posture 2010.",
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


def stored_geometry(entry) -> dict | None:
    """The measurement geometry saved with a stored foot (dict), or None for older rows."""
    g = getattr(entry, "geometry", None)
    if isinstance(g, str):
        try:
            g = json.loads(g)
        except ValueError:
            return None
    return g if isinstance(g, dict) and g else None


def foot_json(entry) -> dict:
    """A stored foot as the footprint JSON foot that :func:`draw_stored` reads."""
    return {"side": entry.side, "arch_index": entry.arch_index,
            "staheli_index": entry.staheli_index,
            "chippaux_smirak_index": entry.chippaux_smirak_index,
            "geometry": stored_geometry(entry)}


def overlay_jpeg(store, group) -> tuple[bytes | None, bool]:
    """The saved photo of one group of feet with the stored measurement drawn, as a
    downscaled JPEG, and whether lines were drawn (False: plain photo, no stored geometry).
    The photo is never measured again."""
    path = store.image_file(group[0])
    if path is None or not path.is_file():
        return None, False
    from PIL import Image

    try:
        bgr = load_image(path, max_side=PHOTO_MAX_PX)
        feet = [foot_json(e) for e in group]
        drawn = has_geometry(feet)
        if drawn:
            bgr = draw_stored(bgr, feet, age_months=group[0].age_months)
        img = Image.fromarray(bgr[:, :, ::-1].copy())
    except Exception:  # noqa: BLE001 - an unreadable saved photo is skipped
        return None, False
    img.thumbnail((PHOTO_MAX_PX, PHOTO_MAX_PX))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=82)
    return buf.getvalue(), drawn


def issue_words(codes) -> str:
    """Photo-quality codes as the sentences a parent or doctor reads."""
    return " ".join(ADVICE.get(c, "The photo had a problem footcoach could not name; "
                               "retake it if the numbers look odd.") for c in codes)


def _group_block(pdf: _ReportPDF, store, group) -> None:
    first = group[0]
    pdf.set_font(pdf.family_name, "B", 10)
    pdf.cell(0, 6, pdf.txt(f"Photo of {first.taken_on.isoformat()} "
                           f"(age {_age(first.age_months)})"),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    jpeg, drawn = overlay_jpeg(store, group)
    if jpeg:
        if pdf.get_y() > pdf.h - 110:
            pdf.add_page()
        pdf.image(io.BytesIO(jpeg), w=0, h=85, x=pdf.l_margin, keep_aspect_ratio=True)
        pdf.ln(1)
        if not drawn:
            pdf.para("The photo as saved: the measurement lines were not stored with this "
                     "older record.", size=8)
    for e in sorted(group, key=lambda e: e.side):
        r = read_foot(e, e.age_months)
        pdf.para(f"{e.side.capitalize()} foot, reading: {r.label}. {r.sentence}", size=9)
        if e.quality_score is not None and e.quality_score < QUALITY_MIN:
            pdf.para(f"{e.side.capitalize()} foot: the photo quality score is low "
                     f"({e.quality_score:.2f}), so these numbers may be off; a retake is "
                     "advised before relying on them.", size=8.5)
        if e.quality_issues:
            pdf.para(f"{e.side.capitalize()} foot photo: {issue_words(e.quality_issues)}",
                     size=8.5)
    pdf.ln(2)


def _footprints(pdf: _ReportPDF, store, child, entries) -> None:
    pdf.heading("Footprints")
    if not entries:
        pdf.para("No footprint has been saved yet.")
        return
    for group in _photo_groups(entries)[:MAX_PHOTOS]:
        _group_block(pdf, store, group)
    pdf.set_font(pdf.family_name, "B", 10)
    pdf.cell(0, 6, pdf.txt("Every stored measurement (toes removed)"),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    rows, refs = [], {}
    for e in entries:
        r = read_foot(e, e.age_months)
        refs.setdefault(r.reference, None)
        rows.append([e.taken_on.isoformat(), _age(e.age_months), e.side,
                     r.value_text("arch_index"), r.value_text("staheli_index"),
                     _unit(r.value_text("chippaux_smirak_index"), " %"),
                     _f(e.clarke_angle_deg, 1, "°"), _f(e.length_mm, 0), _f(e.width_mm, 0),
                     r.label, _f(e.quality_score)])
    pdf.grid(["date", "age", "foot", "arch idx", "Staheli", "C-S", "Clarke", "length mm",
              "width mm", "reading", "quality"], rows,
             widths=(19, 16, 11, 15, 14, 15, 13, 15, 15, 23, 14))
    pdf.para("Each reading uses the child's age on the day of the print: "
             + "; ".join(refs) + ". Clarke's angle has no band here (schemes differ).",
             size=8)


def _unit(text: str, unit: str) -> str:
    return text if text == "–" else text + unit


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


STATUS_WORDS = {"ok": "all clear: the routine may go ahead",
                "postpone": "routine postponed", "refuse": "routine refused: see a doctor"}


def screening_rows(screenings) -> list[list[str]]:
    """Every screening as it was answered, newest first: when, outcome, what was answered."""
    from coach.screening import QUESTIONS

    names = {q.id: q.name for q in QUESTIONS}
    rows = []
    for s in sorted(screenings, key=lambda s: (s.answered_at, s.id), reverse=True):
        yes = [names.get(k, k.replace("_", " ")) for k, v in s.answers.items() if v]
        no = sum(1 for v in s.answers.values() if v is False)
        unasked = len(names) - len(set(s.answers) & set(names))
        if yes:
            said = "yes to: " + ", ".join(yes) + (f"; no to {no} other(s)" if no else "")
        else:
            said = f"no to all {no} questions" if not unasked else f"no to {no} questions"
        if unasked:
            said += f"; {unasked} not answered"
        rows.append([s.answered_at[:16].replace("T", " "),
                     STATUS_WORDS.get(s.status, s.status), said])
    return rows


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
    if not screenings:
        pdf.para("No safety screening has been answered yet.")
        return
    rows = screening_rows(screenings)
    pdf.para(f"Latest screening ({rows[0][0]}): {rows[0][1]}; answered {rows[0][2]}.")
    pdf.para("Every screening, as answered (newest first):", size=9)
    pdf.grid(["answered at", "outcome", "answers"], rows, widths=(30, 50, 100))


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
    draw_trend(pdf, entries)
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
