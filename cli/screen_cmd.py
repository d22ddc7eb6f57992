"""``footcoach screen FOLDER --age-months-from names.csv --out DIR``: a group's footprints.

Measures the photos a names file lists (on ``--jobs`` worker processes, as ``footcoach
footprint`` does) and writes into DIR:

- ``screening.csv``: one row per foot for the whole group (one row for a photo that gave no
  feet), the photos that need a retake first (``coach.group_report.CSV_FIELDS``);
- ``<child>.pdf``: one page per child with the age-aware reading of each foot, the photos to
  take again listed first;
- ``overlays/``: the measurement drawn on each photo (JPEG), as shown in the PDFs.

The names file (``NAMES_HELP`` is the user-facing description): a CSV with a header row,
comma, semicolon or tab separated, UTF-8. Columns (any order, case and spaces ignored):

``file``        photo file name inside FOLDER (a path relative to FOLDER also works)
``child``       the child's name or alias as the report should show it
``birth_date``  YYYY-MM-DD, or instead
``age_months``  age in months when the photo was taken
``date_taken``  optional, YYYY-MM-DD: the day of the print; with ``birth_date`` the age is
                counted at this date. Without it: the photo's EXIF date, else the file's
                modification date (the CSV's ``date_source`` column says which).

Every problem in the names file is reported at once (line numbers, unknown columns, bad
dates, photos that are not in FOLDER) and nothing is measured until it is fixed. Photos in
FOLDER that the names file does not list are skipped, with a note on stderr.

Exit status: 0 every foot got a reading, 1 some photo needs a retake (it is still in the
CSV and PDF), 2 usage error (bad option, bad names file, nothing to measure).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from cli.batch import PhotoTask, measure_tasks, usable_cores
from cli.footprint_cmd import Progress, jobs_arg, overlay_names, paper_arg, photos_in

EXIT_OK, EXIT_RETAKE, EXIT_USAGE = 0, 1, 2

NAMES_COLUMNS = ("file", "child", "birth_date", "age_months", "date_taken")
DAYS_PER_MONTH = 365.2425 / 12          # mean Gregorian month, days
MAX_AGE_MONTHS = 1500.0                 # the range footcoach footprint accepts
MAX_ERRORS_SHOWN = 30                   # names-file problems listed before "... more"
OVERLAY_MAX_SIDE_PX = 1200              # overlays embedded in the PDFs
EXIF_DATETIME_ORIGINAL, EXIF_DATETIME = 0x9003, 0x0132

NAMES_HELP = """\
names.csv: a CSV file with a header row (comma, semicolon or tab separated), one row per
photo. Columns: file (photo name inside FOLDER), child (name or alias shown on the report),
and either birth_date (YYYY-MM-DD) or age_months (age when the photo was taken); optional
date_taken (YYYY-MM-DD, the day of the print; default: the photo's EXIF date, else the
file's date). Example:

  file,child,birth_date,date_taken
  IMG_0101.jpg,Mia,2021-03-04,2026-11-20
  IMG_0102.jpg,Leo,2019-07-15,2026-11-20
"""


@dataclass(frozen=True)
class NamesEntry:
    """One photo of the names file, validated: ``age_months`` at ``date_taken``."""

    line: int
    photo: str                 # as written in the names file
    path: Path                 # the file inside FOLDER
    child: str
    age_months: float
    date_taken: date | None
    date_source: str           # "names file", "photo EXIF", "file date" or "" (age given)


class NamesError(ValueError):
    """The names file cannot be used; ``problems`` lists every reason, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "screen", help="screen a group: one CSV and a PDF per child",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Measure a group's footprint photos (a clinic, a school) and write "
                    "screening.csv (one row per foot) and one PDF page per child into "
                    "--out, photos to take again first. Exit 0 every foot got a reading, "
                    "1 some photo needs a retake, 2 usage error.",
        epilog=NAMES_HELP)
    p.add_argument("folder", type=Path, metavar="FOLDER", help="folder holding the photos")
    p.add_argument("--age-months-from", type=Path, required=True, metavar="NAMES_CSV",
                   dest="names", help="names file: photo, child and birth date or age "
                                      "(format below)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="folder for screening.csv and the PDFs (created if needed)")
    p.add_argument("--jobs", type=jobs_arg, metavar="N",
                   help=f"worker processes (default: all usable cores, {usable_cores()} here)")
    p.add_argument("--paper", type=paper_arg, metavar="a4|letter|WxH",
                   help="sheet size (default: A4 or Letter from its proportions)")
    p.set_defaults(func=run)


def _iso_date(text: str, column: str, where: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"{where}: {column} {text!r} is not a date; write it as YYYY-MM-DD "
                        f"(for example 2021-03-04)")
        return None


def _photo_date(path: Path) -> tuple[date | None, str]:
    """(date the photo was taken, source): EXIF DateTimeOriginal, else the file's date."""
    try:
        from PIL import Image

        with Image.open(path) as img:
            exif = img.getexif()
            stamp = exif.get_ifd(0x8769).get(EXIF_DATETIME_ORIGINAL) or exif.get(EXIF_DATETIME)
        if stamp:
            return datetime.strptime(str(stamp).strip()[:10], "%Y:%m:%d").date(), "photo EXIF"
    except Exception:  # noqa: BLE001 - no EXIF date: fall back to the file's date
        pass
    try:
        return date.fromtimestamp(path.stat().st_mtime), "file date"
    except OSError:
        return None, ""


def _read_rows(names: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    """(normalised header, [(line number, row dict)]) of the names file; NamesError."""
    try:
        text = names.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise NamesError([f"names file {names} not found"]) from None
    except UnicodeDecodeError:
        raise NamesError([f"names file {names} is not UTF-8 text; save it as CSV "
                          "(UTF-8)"]) from None
    except OSError as exc:
        raise NamesError([f"cannot read names file {names}: {exc.strerror or exc}"]) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise NamesError([f"names file {names} is empty; its first line must be the header "
                          f"(for example: file,child,birth_date)"])
    try:
        dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(lines, dialect)
    header = [re.sub(r"\s+", "_", h.strip().lower()) for h in next(reader)]
    rows = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        padded = values + [""] * (len(header) - len(values))
        rows.append((number, {h: v.strip() for h, v in zip(header, padded, strict=False)}))
    return header, rows


def _check_header(header: list[str], names: Path) -> list[str]:
    problems = []
    unknown = [h for h in header if h not in NAMES_COLUMNS]
    if unknown:
        problems.append(f"{names.name}: unknown column(s) {', '.join(map(repr, unknown))}; "
                        f"the columns are {', '.join(NAMES_COLUMNS)}")
    missing = [c for c in ("file", "child") if c not in header]
    if missing:
        problems.append(f"{names.name}: missing column(s) {', '.join(missing)}")
    if "birth_date" not in header and "age_months" not in header:
        problems.append(f"{names.name}: needs a birth_date or an age_months column")
    if len(set(header)) != len(header):
        problems.append(f"{names.name}: a column appears twice in the header")
    return problems


def _age_of(row: dict, where: str, photo: Path, problems: list[str]):
    """(age months, date taken, date source) of one row, or None after adding problems."""
    born, age_text = row.get("birth_date", ""), row.get("age_months", "")
    if bool(born) == bool(age_text):
        problems.append(f"{where}: give either birth_date or age_months (one of the two)")
        return None
    taken, source = None, ""
    if row.get("date_taken"):
        taken, source = _iso_date(row["date_taken"], "date_taken", where, problems), \
            "names file"
        if taken is None:
            return None
    if age_text:
        try:
            age = float(age_text)
        except ValueError:
            problems.append(f"{where}: age_months {age_text!r} is not a number")
            return None
    else:
        birth = _iso_date(born, "birth_date", where, problems)
        if birth is None:
            return None
        if taken is None:
            taken, source = _photo_date(photo)
        if taken is None:
            problems.append(f"{where}: no date_taken and the photo's date is unknown")
            return None
        if taken < birth:
            problems.append(f"{where}: the photo ({taken}) is dated before the birth date "
                            f"({birth}); check birth_date and date_taken")
            return None
        age = (taken - birth).days / DAYS_PER_MONTH
        row["_birth"] = birth
    if not 0 <= age <= MAX_AGE_MONTHS:
        problems.append(f"{where}: age {age:.0f} months is outside 0..{MAX_AGE_MONTHS:.0f}")
        return None
    return round(age, 1), taken, source


def read_names(names: Path, folder: Path) -> list[NamesEntry]:
    """Validate the names file against FOLDER; raises NamesError listing every problem."""
    header, rows = _read_rows(names)
    problems = _check_header(header, names)
    if problems:
        raise NamesError(problems)
    entries, missing, seen, births = [], [], {}, {}
    for number, row in rows:
        where = f"{names.name} line {number}"
        photo, child = row.get("file", ""), row.get("child", "")
        if not photo or not child:
            problems.append(f"{where}: file and child must both be filled in")
            continue
        path = folder / photo
        if photo in seen:
            problems.append(f"{where}: {photo} is already listed on line {seen[photo]}")
            continue
        seen[photo] = number
        if not path.is_file():
            missing.append(photo)
            continue
        age = _age_of(row, where, path, problems)
        if age is None:
            continue
        entries.append(NamesEntry(number, photo, path, child, *age))
        first = births.setdefault(child, (row.get("_birth"), number))
        if row.get("_birth") and first[0] and row["_birth"] != first[0]:
            problems.append(f"{where}: {child} has birth date {row['_birth']} here but "
                            f"{first[0]} on line {first[1]}")
    if missing:
        problems.append(f"{len(missing)} photo(s) listed in {names.name} are not in {folder}: "
                        + ", ".join(missing))
    if not problems and not entries:
        problems.append(f"{names.name} lists no photos")
    if problems:
        raise NamesError(problems)
    return entries


def _unlisted(folder: Path, entries: list[NamesEntry]) -> list[str]:
    listed = {e.path.resolve() for e in entries}
    return [p.name for p in photos_in(folder) if p.resolve() not in listed]


def _fail(message: str) -> int:
    print(f"footcoach screen: {message}", file=sys.stderr)
    return EXIT_USAGE


def _measure(entries, args, overlay_dir: Path):
    from coach.group_report import GroupPhoto

    outs = overlay_names([e.path for e in entries], overlay_dir, ".jpg")
    tasks = [PhotoTask(index=k, path=str(e.path), paper=args.paper, age_months=e.age_months,
                       overlay_path=str(out), overlay_max_side_px=OVERLAY_MAX_SIDE_PX)
             for k, (e, out) in enumerate(zip(entries, outs, strict=True))]
    progress = Progress(len(tasks), True)
    progress.update(0)
    try:
        done = measure_tasks(tasks, jobs=args.jobs or usable_cores(),
                             on_done=lambda n, path: progress.update(n, Path(path).name))
    finally:
        progress.close()
    return [GroupPhoto(child=e.child, photo=e.photo, age_months=e.age_months,
                       date_taken=e.date_taken, date_source=e.date_source,
                       result=d.result, overlay_path=d.overlay_path)
            for e, d in zip(entries, done, strict=True)]


def run(args) -> int:
    from coach.group_report import write_child_pdfs, write_group_csv
    if not args.folder.is_dir():
        return _fail(f"{args.folder} is not a folder")
    try:
        entries = read_names(args.names, args.folder)
    except NamesError as err:
        shown = err.problems[:MAX_ERRORS_SHOWN]
        more = len(err.problems) - len(shown)
        lines = shown + ([f"... and {more} more"] if more > 0 else [])
        return _fail("the names file cannot be used:\n  " + "\n  ".join(lines) +
                     "\nSee `footcoach screen --help` for its format.")
    skipped = _unlisted(args.folder, entries)
    if skipped:
        print(f"footcoach screen: {len(skipped)} photo(s) in {args.folder} are not in "
              f"{args.names.name} and were skipped: {', '.join(skipped)}", file=sys.stderr)
    overlay_dir = args.out / "overlays"
    try:
        overlay_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return _fail(f"cannot create --out {args.out}: {exc}")
    photos = _measure(entries, args, overlay_dir)
    try:
        rows = write_group_csv(photos, args.out / "screening.csv")
        pdfs = write_child_pdfs(photos, args.out)
    except OSError as exc:
        return _fail(f"cannot write into {args.out}: {exc}")
    retakes = sum(r.status == "retake" for r in rows)
    print(f"{len(photos)} photo(s), {len(pdfs)} child(ren): {retakes} foot/photo row(s) need "
          f"a retake. Wrote {args.out / 'screening.csv'} and {len(pdfs)} PDF(s).")
    return EXIT_RETAKE if retakes else EXIT_OK
