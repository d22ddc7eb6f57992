"""Accuracy on the real clips against hand labels (bench/labels/real_clips.json).

Tracks each clip once (traces cached outside the repo, under ``--cache``), runs the
exercise analyses and compares with the labels: right verdicts, false heel-lifts on
heels-down squats, false tiptoe on heel-strike walks, rep-count error, heel-rise error,
and how often the pixel heel measure (vision.pose.heel_contact) agrees with the labelled
heel-down / heel-up frames. Also prints the pixel analysis' CPU cost against tracking for
clips tracked in this run.

The split rule is written in the label file. Session 3 kept a DEV and a SEALED split;
the sealed run is spent (run once, at the end of session 3), so every clip is development
data now. ``--all`` scores all clips together and still prints the dev / sealed columns
for comparison with the history::

    nice -n 10 /work/venv/bin/python bench/accuracy_real_clips.py            # dev split
    nice -n 10 /work/venv/bin/python bench/accuracy_real_clips.py --all      # all 13 clips
    nice -n 10 /work/venv/bin/python bench/accuracy_real_clips.py --sealed   # old sealed split

Needs the clips (``--data``, default ``$FOOTCOACH_SHARED_DATA/videos`` or
``../shared/data/videos``); clips that are missing are skipped with a note.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vision.exercises import analyse  # noqa: E402
from vision.exercises.heel_evidence import DEFAULT_DOWN_FRAC, DEFAULT_LIFT_FRAC  # noqa: E402
from vision.pose import tracking  # noqa: E402
from vision.pose.heel_contact import (  # noqa: E402
    MIN_QUALITY,
    HeelContactTracker,
    HeelPixels,
    heel_pixels_from_video,
)
from vision.pose.trace import Trace, TraceError  # noqa: E402

LABELS = ROOT / "bench" / "labels" / "real_clips.json"
CACHE_VERSION = "3"          # bump to re-track everything
DEFAULT_DATA = Path(os.environ.get("FOOTCOACH_SHARED_DATA", ROOT.parent / "shared" / "data")) / "videos"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", "/tmp")) / "footcoach-bench-real-clips"


class _TimedHeel(HeelContactTracker):
    """HeelContactTracker that adds up the CPU time its updates take (this thread)."""

    cpu_s = 0.0

    def update(self, frame, t, pose_row, **kw):
        t0 = time.thread_time()
        super().update(frame, t, pose_row, **kw)
        _TimedHeel.cpu_s += time.thread_time() - t0


def _code_stamp(files: tuple[str, ...]) -> str:
    """Hash of ``files`` (names in vision/pose), so the cache follows code changes."""
    return tracking.source_stamp(files, CACHE_VERSION)


# the tracker's own lists: a module added to the tracker re-keys the cache by itself
TRACKING_FILES = tracking.TRACKER_SOURCES
HEEL_FILES = tracking.HEEL_SOURCES


def load_trace(path: Path, cache: Path) -> tuple[Trace, dict]:
    """The clip's trace (cached), and cost numbers when it was tracked in this run. When
    only the pixel heel code changed, the cached landmarks are kept and ``heel_px`` is
    measured again in a second pass over the video."""
    st = path.stat()
    stem = f"{path.name}.{st.st_size}.{int(st.st_mtime)}.{_code_stamp(TRACKING_FILES)}"
    heel_stamp = _code_stamp(HEEL_FILES)
    cached = cache / f"{stem}.{heel_stamp}.json"
    if cached.exists():
        try:
            return Trace.load(cached), {}
        except TraceError:
            cached.unlink()
    older = sorted(cache.glob(f"{stem}.*.json")) if cache.exists() else []
    if older:
        try:
            trace = Trace.load(older[-1])
            trace.heel_px = heel_pixels_from_video(path, trace).to_array()
            trace.save(cached)
            return trace, {}
        except TraceError:
            pass
    make = tracking._heel_tracker
    tracking._heel_tracker = lambda w, h: _TimedHeel(w, h)
    _TimedHeel.cpu_s = 0.0
    t0 = time.process_time()
    try:
        trace = tracking.track_video(path)
    finally:
        tracking._heel_tracker = make
    total = time.process_time() - t0
    cache.mkdir(parents=True, exist_ok=True)
    trace.save(cached)
    return trace, {"frames": len(trace), "track_cpu_s": total - _TimedHeel.cpu_s,
                   "heel_cpu_s": _TimedHeel.cpu_s}


# ----- scoring ----------------------------------------------------------------------------
def _frames(ranges, tol: int, n: int) -> np.ndarray:
    """Boolean (n,) mask of labelled ranges shrunk by ``tol`` at each end."""
    m = np.zeros(n, bool)
    for a, b in ranges or []:
        a, b = a + tol, min(b - tol, n - 1)
        if b >= a:
            m[a:b + 1] = True
    return m


def pixel_agreement(px: HeelPixels | None, heel_labels: dict, tol: int) -> dict:
    """Per-frame pixel state vs labels: labelled frames, measured, agreeing, false ups."""
    out = dict(labelled=0, measured=0, agree=0, false_up=0, false_down=0)
    if px is None or not heel_labels:
        return out
    n = len(px)
    for side, lab in heel_labels.items():
        s = px.side(side)
        ok = s.measured(min_quality=MIN_QUALITY)
        up = ok & (s.rise_frac >= DEFAULT_LIFT_FRAC)
        down = ok & (s.rise_frac <= DEFAULT_DOWN_FRAC)
        for kind, mask in (("down", _frames(lab.get("down"), tol, n)),
                           ("up", _frames(lab.get("up"), tol, n))):
            out["labelled"] += int(mask.sum())
            out["measured"] += int((mask & ok).sum())
            out["agree"] += int((mask & (down if kind == "down" else up)).sum())
            if kind == "down":
                out["false_up"] += int((mask & up).sum())
            else:
                out["false_down"] += int((mask & down).sum())
    return out


def _reps(report) -> int:
    m = report.metrics or {}
    return int(m["reps"]) if isinstance(m.get("reps"), (int, float)) else len(report.reps)


def _band_error(value: float | None, band) -> float | None:
    if value is None or band is None or not np.isfinite(value):
        return None
    lo, hi = band
    return 0.0 if lo <= value <= hi else float(min(abs(value - lo), abs(value - hi)))


@dataclass
class ClipResult:
    name: str
    split: str
    verdicts: list[str] = field(default_factory=list)
    right: bool = False
    false_heel_lift: bool | None = None
    false_tiptoe: bool | None = None
    rep_error: int | None = None
    rise_error: float | None = None
    rep_rises: list = field(default_factory=list)   # (said frac or None, measured band)
    angle_error: float | None = None
    pixels: dict = field(default_factory=dict)
    cost: dict = field(default_factory=dict)
    note: str = ""


def score_clip(name: str, lab: dict, trace: Trace, tol: int) -> ClipResult:
    exp = lab["expected"]
    res = ClipResult(name, lab["split"])
    exercises = exp.get("analyse_as") or [lab["exercise"]]
    right = True
    for ex in exercises:
        try:
            rep = analyse(trace, ex)
        except Exception as exc:            # a traceback is a wrong answer; report it
            res.note += f"{ex}: {type(exc).__name__}: {exc}; "
            right = False
            continue
        codes = {f.code for f in rep.faults}
        res.verdicts.append(f"{ex}:{rep.verdict}:{_reps(rep)}r:{','.join(sorted(codes)) or '-'}")
        right &= rep.verdict in exp["accept"] and not (codes & set(exp.get("absent_faults", [])))
        if exp.get("heels_down_squat"):
            res.false_heel_lift = "heel_lift" in codes
        if exp.get("heel_strike_walk"):
            res.false_tiptoe = "tiptoe" in codes
        if "reps" in exp and rep.verdict not in ("insufficient_data", "not_this_exercise"):
            res.rep_error = abs(_reps(rep) - int(exp["reps"]))
            right &= res.rep_error <= int(exp.get("rep_tolerance", 1))
        peak = (rep.metrics or {}).get("peak_heel_rise_pct_foot")
        if "peak_rise_frac_foot" in exp and peak is not None:
            res.rise_error = _band_error(peak / 100.0, exp["peak_rise_frac_foot"])
        if "rep_rise_frac_foot" in exp and rep.verdict not in ("insufficient_data", "not_this_exercise"):
            said = [(r.metrics or {}).get("peak_heel_rise_pct_foot") for r in rep.reps]
            for k, band in enumerate(exp["rep_rise_frac_foot"]):
                if band is None:            # that rep could not be measured from the frames
                    continue
                v = said[k] if k < len(said) else None
                res.rep_rises.append((None if v is None else v / 100.0, band))
        angles = [a for a in (rep.metrics or {}).get("peak_hip_flexion_deg") or []
                  if a is not None]         # None: a rep whose height could not be seen
        if "peak_hip_flexion_deg" in exp and angles:
            res.angle_error = max(_band_error(a, exp["peak_hip_flexion_deg"]) for a in angles)
    res.right = bool(right)
    res.pixels = pixel_agreement(HeelPixels.from_trace(trace), lab.get("heel", {}), tol)
    return res


# ----- printing ---------------------------------------------------------------------------
def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "   n/a"


def summary(rows: list[ClipResult], title: str) -> None:
    if not rows:
        return
    n = len(rows)
    right = sum(r.right for r in rows)
    fhl = [r.false_heel_lift for r in rows if r.false_heel_lift is not None]
    ftt = [r.false_tiptoe for r in rows if r.false_tiptoe is not None]
    reps = [r.rep_error for r in rows if r.rep_error is not None]
    rise = [r.rise_error for r in rows if r.rise_error is not None]
    ang = [r.angle_error for r in rows if r.angle_error is not None]
    px = {k: sum(r.pixels.get(k, 0) for r in rows) for k in ("labelled", "measured", "agree", "false_up", "false_down")}
    print(f"\n== {title}: {n} clips")
    print(f"right verdict            {right}/{n} ({_pct(right, n).strip()})")
    print(f"false heel-lift          {sum(fhl)}/{len(fhl)} heels-down squats")
    print(f"false tiptoe             {sum(ftt)}/{len(ftt)} heel-strike walks")
    print(f"rep error                mean {np.mean(reps):.2f}, max {max(reps)} over {len(reps)} clips" if reps else "rep error                n/a")
    print(f"heel-rise error (frac)   max {max(rise):.3f} outside the labelled band" if rise else "heel-rise error          n/a")
    rr = [x for r in rows for x in r.rep_rises]
    if rr:
        def rel(v, band):
            mid = (band[0] + band[1]) / 2
            return abs(v - mid) / mid
        said = [(v, b) for v, b in rr if v is not None]
        ok = sum(rel(v, b) <= 0.10 for v, b in said)
        inside = sum(b[0] <= v <= b[1] for v, b in said)
        print(f"heel-rise per rep        {inside}/{len(rr)} inside the measured band, {ok}/{len(rr)} "
              f"within 10 % of its middle, {len(rr) - len(said)} said can't tell; "
              + ", ".join(f"{v:.3f} vs {b[0]:.2f}-{b[1]:.2f}" if v is not None else f"- vs {b[0]:.2f}-{b[1]:.2f}"
                          for v, b in rr))
    print(f"leg-raise angle error    max {max(ang):.1f} deg outside the labelled band" if ang else "leg-raise angle error    n/a")
    print(f"pixel heel vs labels     agree {px['agree']}/{px['measured']} measured frames "
          f"({_pct(px['agree'], px['measured']).strip()}), coverage {_pct(px['measured'], px['labelled']).strip()} "
          f"of {px['labelled']} labelled side-frames; false up {px['false_up']}, false down {px['false_down']}")
    cost = [r.cost for r in rows if r.cost]
    if cost:
        tr = sum(c["track_cpu_s"] for c in cost)
        hc = sum(c["heel_cpu_s"] for c in cost)
        fr = sum(c["frames"] for c in cost)
        print(f"pixel heel cost          {1000 * hc / fr:.2f} ms/frame vs tracking {1000 * tr / fr:.2f} ms/frame "
              f"= {100 * hc / tr:.1f}% of tracking CPU ({len(cost)} clips tracked this run)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sealed", action="store_true", help="only the (spent) session-3 sealed split")
    ap.add_argument("--all", action="store_true",
                    help="all clips together (plus the dev / sealed columns, for history)")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--clip", action="append", help="only these clips (file names; same split)")
    ap.add_argument("--retrack", action="store_true", help="track again (to measure the cost)")
    args = ap.parse_args(argv)
    labels = json.loads(args.labels.read_text())
    split = "all" if args.all else ("sealed" if args.sealed else "dev")
    tol = int(labels.get("tolerance_frames", 6))
    fresh = Path(tempfile.mkdtemp(prefix="footcoach-retrack-")) if args.retrack else None
    rows = []
    print(f"split {split.upper()} (rule: {labels['split_rule'][:80]}...)")
    for name, lab in sorted(labels["clips"].items()):
        if (split != "all" and lab["split"] != split) or (args.clip and name not in args.clip):
            continue
        path = args.data / name
        if not path.exists():
            print(f"{name:42s} skipped: not found in {args.data}")
            continue
        try:
            trace, cost = load_trace(path, fresh if args.retrack else args.cache)
        except Exception as exc:            # unreadable clip: a line, not a traceback
            print(f"{name:42s} cannot track: {exc}")
            continue
        r = score_clip(name, lab, trace, tol)
        r.cost = cost
        st = getattr(trace, "stats", None)
        if st is not None and cost:       # tracked in this run: how the tracker fared
            r.note += (f"[tracked: {st.frames_with_person}/{st.frames} frames, "
                       f"{st.rejected_jumps} jumps, {st.handovers_refused} hand-overs refused, "
                       f"{len(st.reacquired)} re-acquired] ")
        rows.append(r)
        p = r.pixels
        print(f"{name:42s} {r.split[:3]} {'RIGHT' if r.right else 'wrong'}  {' | '.join(r.verdicts)}"
              f"  rep_err={r.rep_error}  px agree {p['agree']}/{p['measured']} of {p['labelled']}"
              f" false_up={p['false_up']} {r.note}")
    if split == "all":
        for part in ("dev", "sealed"):
            summary([r for r in rows if r.split == part], f"{part.upper()} column (history)")
        summary(rows, "ALL clips")
    else:
        summary(rows, f"{split.upper()} split")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
