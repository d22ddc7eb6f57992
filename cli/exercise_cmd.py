"""``footcoach exercise``: check an exercise (or time a massage) from a video or a trace.

``footcoach exercise INPUT --exercise squat|walk|leg-raise|heel-raise|massage [--json]
[--annotate OUT.mp4] [--age-months N] [--target-minutes M] [--save-trace TRACE.json]``

INPUT is a video (tracked here with MediaPipe; Hands too for ``massage``; progress on
stderr) or a ``footcoach-trace/1`` JSON trace. ``--json`` prints one object as in
shared/DESIGN.md (:meth:`ExerciseReport.to_json`); otherwise a short readable summary.

Exit status: 0 analysed (also when the verdict is ``insufficient_data``: the verdict says
why); 1 the input could not be read (missing, not a video, malformed trace); 2 usage error.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2
EXERCISES = ("squat", "walk", "leg-raise", "heel-raise", "massage")
TRACE_SUFFIXES = (".json",)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "exercise", help="check an exercise or time a massage from a video or a trace",
        description="Analyse a video or a footcoach-trace/1 JSON trace. Exit 0 analysed "
                    "(also insufficient_data), 1 unreadable input, 2 usage error.")
    p.add_argument("input", metavar="INPUT", help="video file or landmark trace (.json)")
    p.add_argument("--exercise", "-e", required=True, choices=EXERCISES)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--annotate", metavar="OUT.mp4",
                   help="write the video with the skeleton and faults drawn (video input only)")
    p.add_argument("--age-months", type=float, metavar="N",
                   help="child's age in months (massage: the recommended minutes)")
    p.add_argument("--target-minutes", type=float, metavar="M",
                   help="massage: recommended minutes (overrides --age-months)")
    p.add_argument("--save-trace", metavar="TRACE.json",
                   help="also save the landmark trace tracked from a video")
    p.set_defaults(func=run)


def _error(message: str, code: int = EXIT_INPUT) -> int:
    print(f"footcoach exercise: error: {message}", file=sys.stderr)
    return code


def _is_trace(path: Path) -> bool:
    if path.suffix.lower() in TRACE_SUFFIXES:
        return True
    try:
        with path.open("rb") as fh:
            return fh.read(64).lstrip().startswith(b"{")
    except OSError:
        return False


class _ProgressBar:
    """A one-line progress bar on stderr (a line every 10 % when stderr is not a terminal)."""

    def __init__(self, label: str, stream=None) -> None:
        self.label, self.stream = label, stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        pct = int(100 * done / total) if total else 0
        if self.tty:
            if pct != self.last:
                bar = "#" * (pct // 4)
                self.stream.write(f"\r{self.label} [{bar:<25}] {pct:3d}% ({done}/{total})")
                self.stream.flush()
        elif pct // 10 != self.last // 10:
            self.stream.write(f"{self.label}: {pct}% ({done}/{total} frames)\n")
        self.last = pct

    def close(self) -> None:
        if self.tty and self.last >= 0:
            self.stream.write("\n")


def load_input(path: Path, *, hands: bool):
    """(Trace, is_video). Raises ValueError (TraceError, VideoError) with a clear sentence."""
    from vision.pose.trace import Trace
    if _is_trace(path):
        return Trace.load(path), False
    from vision.pose.tracking import track_video
    bar = _ProgressBar(f"tracking {path.name}")
    try:
        trace = track_video(path, hands=hands, progress=bar)
    finally:
        bar.close()
    return trace, True


def run(args) -> int:
    path = Path(args.input)
    if not path.exists():
        return _error(f"cannot read {args.input}: no such file")
    if path.is_dir():
        return _error(f"{args.input} is a folder, not a video or a trace")
    if args.age_months is not None and not 0 <= args.age_months <= 216:
        return _error(f"--age-months must be between 0 and 216, got {args.age_months:g}",
                      EXIT_USAGE)
    try:
        trace, is_video = load_input(path, hands=args.exercise == "massage")
    except ValueError as exc:        # TraceError and VideoError are ValueErrors
        return _error(str(exc))
    if args.annotate and not is_video:
        return _error("--annotate needs a video as INPUT (a trace has no pictures)", EXIT_USAGE)
    if args.save_trace and is_video:
        trace.save(args.save_trace)
    options = {}
    if args.exercise == "massage":
        from coach.massage_minutes import target_minutes_for_age
        minutes = args.target_minutes
        options = {"target_minutes": minutes if minutes is not None
                   else target_minutes_for_age(args.age_months)}
    from vision.exercises import analyse
    try:
        report = analyse(trace, args.exercise, **options)
    except ModuleNotFoundError as exc:
        return _error(f"the {args.exercise} analysis is not available in this build ({exc.name})")
    if args.annotate:
        _annotate(path, trace, report, args.annotate)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(summary(report, source=os.path.basename(args.input)))
    return EXIT_OK


def _annotate(src: Path, trace, report, out: str) -> None:
    from vision.pose.annotate import annotate_video
    bar = _ProgressBar(f"drawing {Path(out).name}")
    try:
        res = annotate_video(src, trace, report, out, progress=bar)
    finally:
        bar.close()
    print(f"annotated video: {getattr(res, 'path', out)}", file=sys.stderr)


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    if v is None:
        return "-"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    return str(v)


def summary(report, *, source: str = "") -> str:
    """A few readable lines for a parent: verdict, numbers, faults, warnings."""
    d = report.to_json()
    verdict = {"good": "good", "needs_attention": "needs attention",
               "insufficient_data": "not enough data",
               "not_this_exercise": "not this exercise"}.get(d["verdict"], d["verdict"])
    lines = [f"{d['exercise']}{' - ' + source if source else ''}: {verdict}",
             f"  {d['frames']} frames at {d['fps']:g} fps, view: {d['view']}"]
    if d.get("reason"):
        lines.append(f"  why: {d['reason']}")
    if d["metrics"]:
        lines.append("  " + ", ".join(f"{k} {_fmt(v)}" for k, v in d["metrics"].items()))
    for f in d["faults"][:10]:
        lines.append(f"  ! {f['code']} ({f['side']}) {f['start_s']:.1f}-{f['end_s']:.1f} s: "
                     f"{f['message']}")
    if len(d["faults"]) > 10:
        lines.append(f"  ... and {len(d['faults']) - 10} more")
    for u in d.get("unclear", [])[:10]:
        lines.append(f"  ? {u['code']} {u['start_s']:.1f}-{u['end_s']:.1f} s: {u['message']}")
    for w in d["warnings"]:
        if w != d.get("reason"):
            lines.append(f"  note: {w}")
    return "\n".join(lines)
