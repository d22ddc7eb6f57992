"""``footcoach track VIDEO -o TRACE.json [--hands] [--target ...]``: write a landmark trace.

A progress bar goes to stderr; MediaPipe's native log lines are silenced while it runs.
Exit status 0 on success, 1 when the video cannot be read or the trace cannot be written
(one sentence on stderr, no traceback), 2 for a usage error (argparse).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "track", help="write a landmark trace (footcoach-trace/1 JSON) from a video",
        description="Track one person's body landmarks (MediaPipe Pose) through a video, "
                    "a folder of images or a glob, and write a footcoach-trace/1 JSON file.")
    p.add_argument("video", metavar="VIDEO", help="video file, folder of images, or glob")
    p.add_argument("-o", "--output", required=True, metavar="TRACE.json",
                   help="where to write the trace")
    p.add_argument("--hands", action="store_true", help="also record hand landmarks")
    p.add_argument("--target", type=parse_target, default=None, metavar="WHO",
                   help="who to follow when several people are in view: 'largest', "
                        "'central', a point 'x,y' or a box 'x0,y0,x1,y1' (fractions of the "
                        "frame, 0..1, y down)")
    p.add_argument("--fps", type=_positive(float), default=None,
                   help="frame rate of an image sequence (default 30)")
    p.add_argument("--max-fps", type=_positive(float), default=None, metavar="F",
                   help="analyse every k-th frame of faster videos so about F frames/s are "
                        "analysed (e.g. 30 halves the work on a 60 fps clip)")
    p.add_argument("--max-frames", type=_positive(int), default=None, metavar="N",
                   help="stop after N frames")
    p.add_argument("--annotate", metavar="OUT.mp4", default=None,
                   help="also write a copy of the video with the skeleton drawn")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not value > 0:
            raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
        return value

    return parse


def parse_target(text: str):
    """``largest`` | ``central`` | ``x,y`` | ``x0,y0,x1,y1`` (normalised) for argparse."""
    text = text.strip().lower()
    if text in ("largest", "central"):
        return text
    try:
        vals = tuple(float(v) for v in text.split(","))
    except ValueError:
        vals = ()
    if len(vals) not in (2, 4) or not all(0.0 <= v <= 1.0 for v in vals) or (
            len(vals) == 4 and not (vals[0] < vals[2] and vals[1] < vals[3])):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not 'largest', 'central', 'x,y' or 'x0,y0,x1,y1' with numbers "
            "between 0 and 1")
    return vals


def run(args) -> int:
    from vision.pose.trace import TraceError
    from vision.pose.tracking import track_video
    from vision.pose.video import VideoError

    out = Path(args.output)
    if out.parent and not out.parent.exists():
        return _fail(f"the folder for {out} does not exist.")
    bar = ProgressBar(enabled=not args.quiet)
    started = time.perf_counter()
    try:
        with quiet_native_stderr() as err:
            bar.stream = err
            try:
                trace = track_video(args.video, hands=args.hands, target=args.target,
                                    progress=bar, max_frames=args.max_frames, fps=args.fps,
                                    max_fps=args.max_fps)
            finally:
                bar.finish()
                bar.stream = sys.stderr
    except VideoError as exc:
        return _fail(str(exc))
    try:
        trace.save(out)
    except (OSError, TraceError) as exc:
        return _fail(f"could not write {out}: {exc}")
    elapsed = time.perf_counter() - started
    stats = trace.stats
    pct = 100.0 * stats.frames_with_person / max(stats.frames, 1)
    print(f"wrote {out}: {stats.frames} frames, person found in {stats.frames_with_person} "
          f"({pct:.0f} %), {stats.frames / max(elapsed, 1e-9):.1f} frames/s", file=sys.stderr)
    if stats.frames_with_person == 0:
        print("warning: nobody was found in this video", file=sys.stderr)
    elif getattr(stats, "people_in_view", 0) > 1 and stats.target_note:
        print(f"note: {stats.target_note}", file=sys.stderr)
    if args.annotate:
        return _annotate(args, trace)
    return 0


def _annotate(args, trace) -> int:
    from vision.pose.annotate import annotate_video
    from vision.pose.video import VideoError

    try:
        with quiet_native_stderr():
            annotate_video(args.video, trace, None, args.annotate)
    except (VideoError, OSError, RuntimeError) as exc:
        return _fail(f"could not write {args.annotate}: {exc}")
    print(f"wrote {args.annotate}", file=sys.stderr)
    return 0


def _fail(message: str) -> int:
    print(f"footcoach track: error: {message}", file=sys.stderr)
    return 1


class ProgressBar:
    """``progress(done, total)`` callback drawing one updating line on a text stream."""

    def __init__(self, *, enabled: bool = True, width: int = 30, stream=None,
                 min_interval_s: float = 0.2):
        self.enabled = enabled
        self.width = width
        self.stream = stream or sys.stderr
        self.min_interval_s = min_interval_s
        self._start = time.perf_counter()
        self._last = -1.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if not self.enabled or (now - self._last < self.min_interval_s and done < total):
            return
        self._last = now
        frac = min(done / total, 1.0) if total else 0.0
        fill = int(round(frac * self.width))
        rate = done / max(now - self._start, 1e-9)
        self.stream.write(f"\r[{'#' * fill}{'.' * (self.width - fill)}] {frac * 100:3.0f}% "
                          f"{done}/{total} frames {rate:5.1f} fps")
        self.stream.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


@contextlib.contextmanager
def quiet_native_stderr():
    """Send file descriptor 2 (where MediaPipe's C++ logs go) to /dev/null; yield a Python
    text stream that still reaches the real stderr, for the progress bar."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield sys.stderr            # stderr is not a real file (captured): nothing to silence
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    stream = os.fdopen(os.dup(saved), "w", buffering=1)
    os.dup2(devnull, fd)
    try:
        yield stream
    finally:
        stream.flush()
        sys.stderr.flush()
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)
        stream.close()
