"""``footcoach footprint [--jobs N] FOLDER_OR_IMAGE...``: arch measurements from photos.

A folder stands for the photo files directly inside it (``PHOTO_SUFFIXES``, sorted by name
with numbers in numeric order, hidden files skipped); a file named on the command line is
always measured, whatever its suffix. Photos are measured on ``--jobs`` worker processes
(default: every core this process may use); results come back in input order.

Output (see shared/DESIGN.md): with ``--json`` one JSON array on stdout, one object per image
(:meth:`vision.footprint.result.FootprintResult.to_json`); otherwise a table. ``--overlay DIR``
writes ``<image stem>_overlay.png`` per analysed image (``<stem>_<n>_overlay.png`` when two
inputs share a stem), ``--csv FILE`` one row per foot (and one row with the error for an image
that gave no feet). A text progress bar goes to stderr for batches (more than one image) or
when stderr is a terminal.

The batch survives bad input: an unreadable file gives ``{"ok": false, "error": ...}``, and
a worker process that dies hard (segfault, killed for memory) loses only the photo it was on:
the photos that were in flight are measured again one at a time in a fresh process, the one
that kills its process again is reported as failed, and the rest of the batch goes on.

Exit status: 0 every image gave feet, 1 any image did not (the others are still reported),
2 usage error (bad option value, nothing to measure).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

from cli.batch import PhotoTask, measure_tasks, usable_cores
from vision.footprint.quality import RELIABLE_SCORE

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2

#: Suffixes (lower case) of the files a folder argument expands to.
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".jpe", ".png", ".webp", ".tif", ".tiff", ".bmp",
                  ".heic", ".heif")

CSV_FIELDS = ("image", "ok", "error", "side", "arch_index", "staheli_index",
              "chippaux_smirak_index", "clarke_angle_deg", "length_mm", "width_mm",
              "category", "age_reading", "quality_score", "quality_issues",
              "scale_mm_per_px")


def paper_arg(text: str) -> str:
    """``--paper`` value: a4, letter or WxH in millimetres."""
    key = text.strip().lower()
    if key in ("a4", "letter") or re.fullmatch(r"\d+(\.\d+)?x\d+(\.\d+)?", key):
        return key
    raise argparse.ArgumentTypeError(f"--paper must be a4, letter or WxH in mm "
                                     f"(for example 210x297), not {text!r}")


def _age_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--age-months must be a number, not {text!r}") from None
    if not 0 <= value <= 1500:
        raise argparse.ArgumentTypeError(f"--age-months must be between 0 and 1500, "
                                         f"not {text!r}")
    return value


def jobs_arg(text: str) -> int:
    """``--jobs`` value: a whole number of worker processes, at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jobs must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"--jobs must be 1 or more, not {text!r}")
    return value


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "footprint", help="measure the arch on footprint photos",
        description="Arch index, Staheli, Chippaux-Smirak and Clarke's angle per foot from "
                    "photos of footprints on paper. A folder stands for the photos in it "
                    f"({', '.join(s[1:] for s in PHOTO_SUFFIXES)}). Output keeps the input "
                    "order. Exit 0 every image gave feet, 1 some did not, 2 usage error.")
    p.add_argument("images", nargs="+", metavar="FOLDER_OR_IMAGE",
                   help="photo files (JPEG, PNG, HEIC, ...) or folders of photos")
    p.add_argument("--jobs", type=jobs_arg, metavar="N",
                   help=f"worker processes (default: all usable cores, {usable_cores()} here)")
    p.add_argument("--age-months", type=_age_arg, metavar="N",
                   help="child's age in months, for the age-aware reading")
    p.add_argument("--paper", type=paper_arg, metavar="a4|letter|WxH",
                   help="sheet size (default: A4 or Letter from its proportions)")
    p.add_argument("--json", action="store_true", help="print one JSON array on stdout")
    p.add_argument("--overlay", type=Path, metavar="DIR",
                   help="write an overlay PNG per image into DIR")
    p.add_argument("--csv", type=Path, metavar="FILE", help="write one row per foot to FILE")
    p.set_defaults(func=run)


def _natural_key(path: Path) -> list:
    """``IMG_2`` before ``IMG_10``; case-insensitive otherwise."""
    return [int(part) if part.isdigit() else part.lower()
            for part in re.split(r"(\d+)", path.name)]


def photos_in(folder: Path) -> list[Path]:
    """The photo files directly inside ``folder`` (``PHOTO_SUFFIXES``), hidden files and
    sub-folders skipped, sorted by name with numbers in numeric order."""
    files = [p for p in folder.iterdir()
             if p.suffix.lower() in PHOTO_SUFFIXES and not p.name.startswith(".")
             and p.is_file()]
    return sorted(files, key=_natural_key)


def expand_inputs(items) -> tuple[list[str], list[str]]:
    """Command-line items -> (photo paths in order, notes for stderr).

    A folder gives its photos (:func:`photos_in`); anything else is kept as given, so a
    missing or unreadable file is reported as a failed image rather than dropped."""
    paths: list[str] = []
    notes: list[str] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            try:
                found = photos_in(p)
            except OSError as exc:
                notes.append(f"cannot list folder {item}: {exc.strerror or exc}")
                continue
            if not found:
                notes.append(f"no photos in folder {item} "
                             f"(looked for {', '.join(PHOTO_SUFFIXES)})")
            paths.extend(str(f) for f in found)
        else:
            paths.append(str(item))
    return paths, notes


def overlay_names(paths, directory: Path, suffix: str = ".png") -> list[Path]:
    """``<stem>_overlay<suffix>`` per path in ``directory``; a stem already used gets the
    input's position added (``<stem>_<n>_overlay``) so no overlay overwrites another."""
    used: set[str] = set()
    out = []
    for k, path in enumerate(paths, start=1):
        stem = Path(path).stem or f"image{k}"
        if stem.lower() in used:
            stem = f"{stem}_{k}"
        used.add(stem.lower())
        out.append(directory / f"{stem}_overlay{suffix}")
    return out


class Progress:
    """``[#####.....] 3/10 name`` on stderr, redrawn in place."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled, self.width = total, enabled, 24

    def update(self, done: int, label: str = "") -> None:
        if not self.enabled:
            return
        filled = int(self.width * done / max(self.total, 1))
        bar = "#" * filled + "." * (self.width - filled)
        sys.stderr.write(f"\r[{bar}] {done}/{self.total} {label[-40:]:<40}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _csv_rows(result) -> list[dict]:
    if not result.ok:
        return [{"image": result.image, "ok": False, "error": result.error}]
    rows = []
    for foot in result.feet:
        j = foot.to_json()
        rows.append({"image": result.image, "ok": True, "error": "",
                     **{k: j.get(k) for k in CSV_FIELDS[3:12]},
                     "quality_score": j["quality"]["score"],
                     "quality_issues": ";".join(j["quality"]["issues"]),
                     "scale_mm_per_px": result.scale_mm_per_px})
    return rows


def _table(results) -> str:
    lines = [f"{'image':28s} {'side':5s} {'AI':>6s} {'SAI':>6s} {'CSI%':>6s} {'Clarke':>7s} "
             f"{'len mm':>7s} {'category':9s} {'quality':>7s}"]
    for r in results:
        name = Path(r.image).name[:28]
        if not r.ok:
            lines.append(f"{name:28s} ERROR {r.error}")
            continue
        for f in r.feet:
            if f.quality.score < RELIABLE_SCORE:      # a retake, not a number
                lines.append(f"{name:28s} {f.side:5s} {'retake: not measured reliably':>44s} "
                             f"{f.quality.score:7.2f}")
                lines += [f"{'':28s}   ! {advice}" for advice in f.quality.advice]
                continue
            length = "-" if f.length_mm is None else f"{f.length_mm:.0f}"
            category = f.category or "-"
            lines.append(f"{name:28s} {f.side:5s} {f.arch_index:6.3f} {f.staheli_index:6.2f} "
                         f"{f.chippaux_smirak_index:6.1f} {f.clarke_angle_deg:7.1f} "
                         f"{length:>7s} {category:9s} {f.quality.score:7.2f}")
            if f.age_reading:
                lines.append(f"{'':28s}   {f.age_reading}")
            for advice in f.quality.advice:
                lines.append(f"{'':28s}   ! {advice}")
        for w in r.warnings:
            lines.append(f"{'':28s} note: {w}")
    return "\n".join(lines)


def _usage_error(message: str) -> int:
    print(f"footcoach footprint: {message}", file=sys.stderr)
    return EXIT_USAGE


def run(args) -> int:
    paths, notes = expand_inputs(args.images)
    for note in notes:
        print(f"footcoach footprint: {note}", file=sys.stderr)
    if not paths:
        return _usage_error("nothing to measure: no photo files given or found")
    overlays = [None] * len(paths)
    if args.overlay is not None:
        try:
            args.overlay.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return _usage_error(f"cannot create --overlay {args.overlay}: {exc}")
        overlays = overlay_names(paths, args.overlay)
    if args.csv is not None and not args.csv.parent.is_dir():
        return _usage_error(f"cannot write --csv {args.csv}: folder {args.csv.parent} "
                            "does not exist")
    tasks = [PhotoTask(index=k, path=path, paper=args.paper, age_months=args.age_months,
                       overlay_path=None if out is None else str(out))
             for k, (path, out) in enumerate(zip(paths, overlays, strict=True))]
    progress = Progress(len(tasks), len(tasks) > 1 or sys.stderr.isatty())
    progress.update(0)
    jobs = args.jobs or usable_cores()
    try:
        done = measure_tasks(tasks, jobs=jobs,
                             on_done=lambda n, path: progress.update(n, Path(path).name))
    finally:
        progress.close()
    results = [d.result for d in done]
    code = EXIT_OK if all(r.ok for r in results) else EXIT_SOME_FAILED
    if args.csv is not None:
        try:
            with open(args.csv, "w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
                writer.writeheader()
                for r in results:
                    writer.writerows(_csv_rows(r))
        except OSError as exc:
            print(f"footcoach footprint: cannot write --csv {args.csv}: {exc}",
                  file=sys.stderr)
            code = EXIT_SOME_FAILED
    if args.json:
        json.dump([r.to_json() for r in results], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(_table(results))
    return code
