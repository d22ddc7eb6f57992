"""``footcoach footprint IMAGE...``: arch measurements from footprint photos.

Output (see shared/DESIGN.md): with ``--json`` one JSON array on stdout, one object per image
(:meth:`vision.footprint.result.FootprintResult.to_json`); otherwise a table. ``--overlay DIR``
writes ``<image stem>_overlay.png`` per analysed image, ``--csv FILE`` one row per foot (and
one row with the error for an image that gave no feet). A text progress bar goes to stderr
for batches (more than one image) or when stderr is a terminal.

Exit status: 0 every image gave feet, 1 any image did not (the others are still reported),
2 usage error (bad option value, no image given).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2

CSV_FIELDS = ("image", "ok", "error", "side", "arch_index", "staheli_index",
              "chippaux_smirak_index", "clarke_angle_deg", "length_mm", "width_mm",
              "category", "age_reading", "quality_score", "quality_issues",
              "scale_mm_per_px")


def _paper_arg(text: str) -> str:
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


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "footprint", help="measure the arch on footprint photos",
        description="Arch index, Staheli, Chippaux-Smirak and Clarke's angle per foot from "
                    "photos of footprints on paper. Exit 0 every image gave feet, 1 some "
                    "did not, 2 usage error.")
    p.add_argument("images", nargs="+", metavar="IMAGE", help="photo files (JPEG, PNG, ...)")
    p.add_argument("--age-months", type=_age_arg, metavar="N",
                   help="child's age in months, for the age-aware reading")
    p.add_argument("--paper", type=_paper_arg, metavar="a4|letter|WxH",
                   help="sheet size (default: A4 or Letter from its proportions)")
    p.add_argument("--json", action="store_true", help="print one JSON array on stdout")
    p.add_argument("--overlay", type=Path, metavar="DIR",
                   help="write an overlay PNG per image into DIR")
    p.add_argument("--csv", type=Path, metavar="FILE", help="write one row per foot to FILE")
    p.set_defaults(func=run)


class _Progress:
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
                     **{k: j[k] for k in CSV_FIELDS[3:12]},
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
            length = "-" if f.length_mm is None else f"{f.length_mm:.0f}"
            lines.append(f"{name:28s} {f.side:5s} {f.arch_index:6.3f} {f.staheli_index:6.2f} "
                         f"{f.chippaux_smirak_index:6.1f} {f.clarke_angle_deg:7.1f} "
                         f"{length:>7s} {f.category or '-':9s} {f.quality.score:7.2f}")
            if f.age_reading:
                lines.append(f"{'':28s}   {f.age_reading}")
            for advice in f.quality.advice:
                lines.append(f"{'':28s}   ! {advice}")
        for w in r.warnings:
            lines.append(f"{'':28s} note: {w}")
    return "\n".join(lines)


def _write_overlay(result, directory: Path, index: int) -> None:
    import cv2

    if result.overlay is None:
        return
    stem = Path(result.image).stem or f"image{index}"
    cv2.imwrite(str(directory / f"{stem}_overlay.png"), result.overlay)


def run(args) -> int:
    from vision.footprint import measure_footprint

    if args.overlay is not None:
        try:
            args.overlay.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            print(f"footcoach footprint: cannot create --overlay {args.overlay}: {exc}",
                  file=sys.stderr)
            return EXIT_USAGE
    progress = _Progress(len(args.images), len(args.images) > 1 or sys.stderr.isatty())
    results = []
    for k, path in enumerate(args.images):
        progress.update(k, Path(path).name)
        result = measure_footprint(path, paper=args.paper, age_months=args.age_months,
                                   overlay=args.overlay is not None, name=path)
        results.append(result)
        if args.overlay is not None:
            _write_overlay(result, args.overlay, k)
    progress.update(len(args.images))
    progress.close()
    if args.csv is not None:
        with open(args.csv, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
            writer.writeheader()
            for r in results:
                writer.writerows(_csv_rows(r))
    if args.json:
        json.dump([r.to_json() for r in results], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(_table(results))
    return EXIT_OK if all(r.ok for r in results) else EXIT_SOME_FAILED
