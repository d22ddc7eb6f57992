"""Helpers shared by the exercise analyses: rep finding, data checks, report building.

Conventions: frame indices refer to :class:`vision.pose.signals.Signals` rows (a regular
timeline); times are seconds from ``Signals.t_s``; angles are degrees; heel heights are
fractions of the foot length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.exercises.report import ExerciseReport, Fault, Rep
from vision.pose.posture import ViewEstimate
from vision.pose.signals import Signals, runs
from vision.pose.trace import NOSE, SIDE_IDX

MIN_PERSON_FRAC = 0.3      # a person in at least this fraction of frames
MIN_BODY_EXTENT = 0.06     # shoulder to ankle (or hip to ankle x 2), in longer image sides
MIN_PART_FRAC = 0.3        # a body part seen in at least this fraction of person frames
MIN_FRAMES = 3             # fewer frames cannot show a movement (nor be smoothed)
SHANKS_PER_BODY = 3.5      # shoulder-to-ankle height in shank lengths (about, any age)
AT_THRESHOLD = 0.5         # confidence of a value right at its threshold (0..1)
FULL_MARGIN = 0.5          # a value this far (relative) past its threshold is a sure finding
QUALITY_VIS_LOW = 0.3      # landmark visibility giving quality 0 ...
QUALITY_VIS_HIGH = 0.8     # ... and quality 1


@dataclass(frozen=True)
class RepInterval:
    """One repetition found by :func:`hysteresis_reps` (frame indices, ``end`` inclusive).

    ``peak`` is the frame of the extreme value, ``extreme`` that value, ``amplitude`` its
    distance from the baseline (same units as the signal).
    """

    start: int
    end: int
    peak: int
    extreme: float
    amplitude: float
    complete: bool = True       # False when cut by the start or end of the trace


def hysteresis_reps(x: np.ndarray, *, enter: float, leave: float, fps: float,
                    direction: str = "below", min_duration_s: float = 0.4,
                    min_amplitude: float = 0.0, baseline: float | None = None,
                    max_gap_s: float = 0.5, edges: bool = False,
                    split_frac: float | None = 0.5) -> list[RepInterval]:
    """Repetitions of a 1-D signal by hysteresis.

    A rep begins when ``x`` crosses ``enter`` (going below it for ``direction="below"``,
    above it for ``"above"``) and ends when it crosses back past ``leave``. The reported
    interval widens to the last/first frames on the resting side of ``leave``. A rep
    shorter than ``min_duration_s`` or whose extreme is less than ``min_amplitude`` from
    ``baseline`` (median of the resting frames when None) is dropped (a wobble). A NaN
    run longer than ``max_gap_s`` inside a rep cancels it. A rep must be seen to begin from
    rest: one cut by the start or the end of the trace, or begun while the person was not
    seen, is dropped, or kept marked ``complete=False`` with ``edges=True``. A rest seen
    just before a gap of at most ``max_gap_s`` counts (the rep began during the dropout;
    its start is that last resting frame).

    Reps done back to back without returning all the way past ``leave`` are split: inside
    one hysteresis interval, each extreme whose prominence (the return on its shallower
    side) is at least ``split_frac`` of its own depth below ``baseline`` and at least half
    the ``enter`` depth is a rep of its own, cut at the highest point between neighbours
    (a bounce at the bottom is not). ``split_frac=None`` disables this.
    """
    if direction not in ("below", "above"):
        raise ValueError(f"direction must be 'below' or 'above', got {direction!r}")
    s = np.asarray(x, float) * (1 if direction == "below" else -1)
    en, lv = (enter, leave) if direction == "below" else (-enter, -leave)
    if en > lv:
        raise ValueError("enter must be past leave in the rep direction")
    finite = np.isfinite(s)
    if baseline is None:
        rest = s[finite & (s > lv)]
        base = float(np.median(rest)) if rest.size else lv
    else:
        base = baseline if direction == "below" else -baseline
    long_gap = _long_gaps(finite, max_gap_s * fps)
    out: list[RepInterval] = []
    inside, start, first = False, 0, True
    args = (finite, long_gap, lv, base, fps, min_duration_s, min_amplitude, direction)
    idx = np.flatnonzero(finite | long_gap)
    for i in idx:
        if long_gap[i]:
            inside, first = False, False
        elif not inside and s[i] < en:
            inside, start = True, i
            partial_start = first and edges
        elif inside and s[i] > lv:
            inside = False
            rep = _make_rep(s, start, i, *args)
            if rep is not None and partial_start and rep.complete:
                rep = RepInterval(**{**rep.__dict__, "complete": False})
            out.append(rep)
        if not long_gap[i] and s[i] > lv:
            first = False
    if inside and edges and idx.size:
        rep = _make_rep(s, start, int(idx[-1]), *args)
        out.append(None if rep is None else RepInterval(**{**rep.__dict__, "complete": False}))
    out = [r for r in out if r is not None and (edges or r.complete)]
    if split_frac is not None:
        out = [q for r in out for q in _split(s, r, split_frac, 0.5 * (base - en), base, fps,
                                               min_duration_s, direction)]
    return out


def _long_gaps(finite: np.ndarray, max_frames: float) -> np.ndarray:
    """True inside runs of missing samples longer than ``max_frames``."""
    out = np.zeros(len(finite), bool)
    for a, b in runs(~finite):
        if b - a > max_frames:
            out[a:b] = True
    return out


def _split(s, rep: RepInterval, frac: float, min_prominence: float, base, fps, min_dur,
           direction):
    """Cut ``rep`` between extremes that each stand out by ``min_prominence`` and by
    ``frac`` of their own depth below ``base``."""
    from scipy.signal import find_peaks
    seg = s[rep.start:rep.end + 1]
    ok = np.isfinite(seg)
    if ok.sum() < 3 or min_prominence <= 0:
        return [rep]
    seg = np.interp(np.arange(len(seg)), np.flatnonzero(ok), seg[ok])
    valleys, props = find_peaks(-seg, prominence=min_prominence)
    valleys = valleys[props["prominences"] >= frac * (base - seg[valleys])]
    if len(valleys) < 2:
        return [rep]
    cuts = [rep.start] + [rep.start + a + int(np.argmax(seg[a:b + 1]))
                          for a, b in zip(valleys[:-1], valleys[1:], strict=True)] + [rep.end]
    if any((b - a) / fps < min_dur for a, b in zip(cuts[:-1], cuts[1:], strict=True)):
        return [rep]
    sign = 1 if direction == "below" else -1
    finite = np.flatnonzero(np.isfinite(s))
    cut_start = not rep.complete and rep.start <= finite[0]     # begun before the trace
    cut_end = not rep.complete and rep.end >= finite[-1]        # unfinished at its end
    parts = []
    for k, (a, b) in enumerate(zip(cuts[:-1], cuts[1:], strict=True)):
        v = rep.start + int(valleys[k])
        complete = not ((k == 0 and cut_start) or (k == len(valleys) - 1 and cut_end))
        parts.append(RepInterval(start=a, end=b, peak=v, extreme=float(sign * s[v]),
                                 amplitude=float(base - s[v]), complete=complete))
    return parts


def _make_rep(s, start, stop, finite, long_gap, lv, base, fps, min_dur, min_amp, direction):
    # walk back to the last resting frame, across short gaps (the person seen at rest just
    # before a brief dropout began the rep from rest) but not across long ones
    a = start
    while a > 0 and not long_gap[a - 1] and not (finite[a - 1] and s[a - 1] > lv):
        a -= 1
    if a > 0 and finite[a - 1]:
        a -= 1
    seen_rest = bool(finite[a] and s[a] > lv)   # else it began before the person was seen
    seg = np.where(finite[a:stop + 1], s[a:stop + 1], np.inf)
    k = a + int(np.argmin(seg))
    amp = base - s[k]
    if (stop - a) / fps < min_dur or amp < min_amp:
        return None
    sign = 1 if direction == "below" else -1
    return RepInterval(start=int(a), end=int(stop), peak=int(k), extreme=float(sign * s[k]),
                       amplitude=float(amp), complete=seen_rest)


def prepare_for_exercise(trace, options: dict) -> Signals:
    """:func:`vision.pose.signals.prepare` on the body landmarks, passing on the options
    ``min_visibility``, ``max_gap_s`` and ``cutoff_hz``; other options are ignored."""
    from vision.pose.signals import BODY_LANDMARKS, prepare
    keep = {k: v for k, v in options.items() if k in ("min_visibility", "max_gap_s", "cutoff_hz")}
    return prepare(trace, landmarks=BODY_LANDMARKS, **keep)


def prepare_checked(exercise: str, trace, options: dict, *, parts: tuple[str, ...],
                    need_feet: bool = False, lying: bool, wrong_posture: str,
                    segments: tuple[str, ...] = ("thigh", "shank", "foot", "trunk"),
                    needed: tuple[tuple[str, ...], ...] = (("hip", "knee", "ankle"),),
                    trunk_edge: bool = False) -> Opened | ExerciseReport:
    """The opening every rep-based exercise shares: length check, :func:`prepare_for_exercise`,
    :func:`check_data`, the view (which must be lying for ``lying=True``, else upright) and
    the plausibility gates (:mod:`vision.exercises.plausibility`): implausible landmarks are
    dropped (the trace is prepared again without them), and when more than
    ``MAX_DROPPED_FRAC`` of the person frames lose every side's ``needed`` parts the answer is
    "can't tell".

    Returns an :class:`Opened`, or the report to return at once: ``insufficient_data``, or
    ``not_this_exercise`` (``wrong_posture`` is its reason) when the posture is the wrong one.
    """
    from vision.exercises import plausibility as P
    from vision.pose.posture import detect_view
    n, fps = len(trace), float(trace.fps)
    short = too_short(n)
    if short:
        return insufficient(exercise, None, fps, n, short)
    sig = prepare_for_exercise(trace, options)
    reason = check_data(sig, parts=parts, need_feet=need_feet)
    if reason:
        return insufficient(exercise, sig, fps, n, reason)
    view = detect_view(sig)
    if view.lying != lying:
        return not_this(exercise, sig, fps, n, wrong_posture, view=view)
    plaus = P.check(trace, view=view.view, segments=segments, trunk_edge=trunk_edge)
    frac = plaus.dropped_frac(needed)
    too_many = P.too_many_dropped(frac, plaus.reason_text())
    if too_many:
        return insufficient(exercise, sig, fps, n, too_many, view=view,
                            metrics={"implausible_frames": int(plaus.dropped(needed).sum())})
    if plaus.bad.any():
        trace = P.clean_trace(trace, plaus)
        sig = prepare_for_exercise(trace, options)
    return Opened(sig, view, int(plaus.dropped(needed).sum()), trace)


@dataclass(frozen=True)
class Opened:
    """What :func:`prepare_checked` hands on: the cleaned ``sig``, the ``view``, how many
    person frames the plausibility gates dropped, and the cleaned ``trace``."""

    sig: Signals
    view: ViewEstimate
    dropped: int
    trace: object


def source_frames(sig: Signals, a: int, b: int) -> tuple[int, int]:
    """Rows of the source trace (video frames as tracked) for ``sig`` rows ``a``..``b``
    (inclusive), nearest tracked rows when those were re-inserted."""
    fi = sig.frame_index
    ok = np.flatnonzero(fi >= 0)
    if not ok.size:
        return int(a), int(b)

    def near(i):
        return int(fi[ok[np.argmin(np.abs(ok - i))]])
    return near(a), near(b)


def confidence(value: float, threshold: float, *, quality: float = 1.0,
               full_margin: float = FULL_MARGIN, below: bool = False) -> float:
    """0..1 confidence of a finding that ``value`` passed ``threshold``: ``AT_THRESHOLD``
    at the threshold, rising to 1 at ``full_margin`` (relative) past it, times ``quality`` (0..1,
    how well the measured parts were seen). ``below=True`` for faults where the value must
    fall below the threshold (a low lift, a bent knee)."""
    if not (np.isfinite(value) and np.isfinite(threshold)) or threshold == 0:
        return 0.0
    rel = (threshold - value) / abs(threshold) if below else (value - threshold) / abs(threshold)
    margin = float(np.clip(AT_THRESHOLD + (1 - AT_THRESHOLD) * rel / full_margin, 0.0, 1.0))
    return float(np.clip(margin * quality, 0.0, 1.0))


def visibility_quality(sig: Signals, cols: list[int], a: int, b: int) -> float:
    """0..1 quality from the median (over frames ``a``..``b``) of the lowest visibility of
    landmarks ``cols``: 0 at ``QUALITY_VIS_LOW`` or below, 1 at ``QUALITY_VIS_HIGH``."""
    v = sig.visibility[a:b + 1][:, cols]
    v = np.min(np.where(np.isfinite(v), v, 0.0), axis=1) if v.size else np.zeros(0)
    if not v.size:
        return 0.0
    return float(np.clip((np.median(v) - QUALITY_VIS_LOW) / (QUALITY_VIS_HIGH - QUALITY_VIS_LOW),
                         0.0, 1.0))


def frames_to_s(sig: Signals, i: int) -> float:
    """Time in seconds of frame ``i`` of ``sig``."""
    return float(sig.t_s[min(max(i, 0), len(sig) - 1)])


def body_height(sig: Signals) -> float:
    """Median shoulder-to-ankle (or 2 x hip-to-ankle, or ``SHANKS_PER_BODY`` shanks when
    only the legs are in view) extent in image heights."""
    ext = []
    for s in ("left", "right"):
        sh, hip, ank = sig.side(s, "shoulder"), sig.side(s, "hip"), sig.side(s, "ankle")
        d1 = np.hypot(*(sh - ank).T)
        d2 = 2 * np.hypot(*(hip - ank).T)
        ext.append(np.where(np.isfinite(d1), d1, d2))
    e = np.fmax(ext[0], ext[1])
    e = e[np.isfinite(e)]
    if not e.size:      # a legs-only close-up: the shanks give the scale
        sh = [SHANKS_PER_BODY * np.hypot(*(sig.side(s, "knee") - sig.side(s, "ankle")).T)
              for s in ("left", "right")]
        e = np.fmax(sh[0], sh[1])
        e = e[np.isfinite(e)]
    return float(np.median(e)) if e.size else float("nan")


def part_coverage(sig: Signals, part: str) -> float:
    """Fraction of person frames where ``part`` (e.g. "heel") is seen on either side."""
    person = sig.person
    if not person.any():
        return 0.0
    seen = sig.seen(SIDE_IDX["left"][part]) | sig.seen(SIDE_IDX["right"][part])
    return float(min((seen & person).sum() / person.sum(), 1.0))


def too_short(n_frames: int) -> str | None:
    """Reason (a sentence) why a trace of ``n_frames`` frames is too short to analyse, or
    None. Every exercise checks this first: an empty trace, or one of 1-2 frames, cannot
    show a movement."""
    if n_frames == 0:
        return "the trace is empty: it holds no frames; record a few seconds of the exercise"
    if n_frames < MIN_FRAMES:
        return (f"the trace is too short ({n_frames} frame{'s' if n_frames > 1 else ''}): "
                "record a few seconds of the exercise")
    return None


def check_data(sig: Signals, *, parts: tuple[str, ...] = ("hip", "knee", "ankle"),
               need_feet: bool = False) -> str | None:
    """Reason (a sentence) why the trace cannot be analysed, or None when it can."""
    if len(sig) == 0 or not sig.person.any():
        return "no person is visible in the video"
    if sig.person.mean() < MIN_PERSON_FRAC:
        return "no person is visible in most of the video"
    feet = ("heel", "toe", "ankle") if need_feet else ()
    for part in feet:
        if part_coverage(sig, part) < MIN_PART_FRAC:
            return "the feet are not visible: keep both feet in the picture, with the floor"
    for part in parts:
        if part_coverage(sig, part) < MIN_PART_FRAC:
            return f"the {part}s are not visible: keep the whole body in the picture"
    h = body_height(sig) / max(sig.aspect, 1.0)     # in units of the longer image side
    if np.isfinite(h) and h < MIN_BODY_EXTENT:
        return "the person is too small in the picture: move the camera closer"
    if not np.isfinite(h) and not sig.seen(NOSE).any():
        return "no person is visible in most of the video"
    return None


def insufficient(exercise: str, sig: Signals | None, fps: float, frames: int, reason: str,
                 *, view: ViewEstimate | None = None, reps: tuple[Rep, ...] = (),
                 metrics: dict | None = None, warnings: tuple[str, ...] = ()) -> ExerciseReport:
    """An ``insufficient_data`` report carrying ``reason`` (also added to the warnings)."""
    return ExerciseReport(exercise=exercise, frames=frames, fps=fps,
                          view=view.view if view else "unknown", verdict="insufficient_data",
                          reps=reps, metrics=metrics or {}, warnings=(*warnings, reason),
                          reason=reason)


def not_this(exercise: str, sig: Signals | None, fps: float, frames: int, reason: str, *,
             view: ViewEstimate | None = None, metrics: dict | None = None,
             warnings: tuple[str, ...] = ()) -> ExerciseReport:
    """A ``not_this_exercise`` report: the clip shows something else (``reason`` says what)."""
    return ExerciseReport(exercise=exercise, frames=frames, fps=fps,
                          view=view.view if view else "unknown", verdict="not_this_exercise",
                          metrics=metrics or {}, warnings=(*warnings, reason), reason=reason)


def verdict_for(reps, faults) -> str:
    """"needs_attention" when any fault was found, "good" otherwise."""
    return "needs_attention" if faults or any(not r.ok for r in reps) else "good"


def verdict_without_evidence(reps, faults, judged: int) -> str:
    """:func:`verdict_for`, except that a clip whose main check (the squat's heels, the leg
    raise's height) was made on none of the reps (``judged`` = how many reps it was made
    on) and that shows no fault is "insufficient_data" ("can't tell"), never "good": no
    evidence is not a good result. The caller gives the reason (with the filming advice)
    and keeps the reps."""
    verdict = verdict_for(reps, faults)
    return "insufficient_data" if verdict == "good" and judged <= 0 else verdict


def merge_faults(faults: list[Fault]) -> tuple[Fault, ...]:
    """Faults sorted by start time (one per rep and code; no merging across reps)."""
    return tuple(sorted(faults, key=lambda f: (f.start_s, f.code)))


def round_or_none(x: float, nd: int = 1):
    """``round(x, nd)`` as a float, or None when ``x`` is not finite (JSON-safe)."""
    return None if x is None or not np.isfinite(x) else round(float(x), nd)


def local_baseline(x: np.ndarray, rest: np.ndarray, *, fps: float, window_s: float = 1.5) -> np.ndarray:
    """Baseline of ``x`` taken from ``rest`` frames near each moment.

    Rest frames keep their own (NaN-free) value's running median; each run of non-rest
    frames gets a straight line from the median of the rest frames up to ``window_s``
    before it to the median of those up to ``window_s`` after it (one side when the other
    has none). Slow drift (the person shifting, the camera creeping) is thus removed.
    """
    x = np.asarray(x, float)
    ok = rest & np.isfinite(x)
    base = np.full(len(x), np.nan)
    if not ok.any():
        return base
    w = max(int(window_s * fps), 1)
    glob = float(np.median(x[ok]))
    base[ok] = x[ok]
    for a, b in runs(~ok):
        before = x[max(a - w, 0):a][ok[max(a - w, 0):a]]
        after = x[b:b + w][ok[b:b + w]]
        m0 = float(np.median(before)) if before.size else None
        m1 = float(np.median(after)) if after.size else None
        m0, m1 = (m0 if m0 is not None else (m1 if m1 is not None else glob)), (m1 if m1 is not None else (m0 if m0 is not None else glob))
        base[a:b] = np.linspace(m0, m1, b - a + 2)[1:-1]
    return base


def heel_rise_frac_foot(sig: Signals, side: str, foot_len: float, *, rest: np.ndarray,
                        cutoff_hz: float = 2.0, agree: str = "min") -> np.ndarray:
    """(n,) heel rise above its resting position, in foot lengths (0 = flat).

    Two measures: the heel's height above the foot index (image vertical) and the heel's
    own height, each relative to a local baseline from ``rest`` frames (see
    :func:`local_baseline`). A real heel lift raises both; a jittering toe landmark or a
    moving camera raises only one. ``agree="min"`` returns the smaller (risen: both say
    so), ``"max"`` the larger (down again: both say so).
    """
    from vision.pose.signals import smooth_zero_phase
    if agree not in ("min", "max"):
        raise ValueError(f"agree must be 'min' or 'max', got {agree!r}")
    heel = sig.side(side, "heel")[:, 1]
    toe = sig.side(side, "toe")[:, 1]
    y = smooth_zero_phase(np.stack([heel, toe], 1), fps=sig.fps, cutoff_hz=cutoff_hz)
    rel = (y[:, 1] - y[:, 0]) / foot_len
    ab = -y[:, 0] / foot_len
    if not (rest & np.isfinite(rel)).any() and np.isfinite(rel).any():
        rest = rel <= np.nanpercentile(rel, 20)     # never at rest: the lowest heel frames
    rel_rise = rel - local_baseline(rel, rest, fps=sig.fps)
    abs_rise = ab - local_baseline(ab, rest, fps=sig.fps)
    if not np.isfinite(abs_rise).any():
        return rel_rise
    return np.fmin(rel_rise, abs_rise) if agree == "min" else np.fmax(rel_rise, abs_rise)


def part_rise_frac_foot(sig: Signals, side: str, part: str, foot_len: float, *,
                        rest: np.ndarray) -> np.ndarray:
    """(n,) rise of one landmark (image up) above its resting height from ``rest`` frames
    (:func:`local_baseline`), in foot lengths."""
    up = -sig.side(side, part)[:, 1] / foot_len
    return up - local_baseline(up, rest, fps=sig.fps)


def sustained_max(x: np.ndarray, *, fps: float, min_s: float = 0.15) -> float:
    """Largest level that ``x`` stays at or above for at least ``min_s`` seconds
    (the maximum of a running minimum); NaN when ``x`` is all NaN."""
    from scipy.ndimage import minimum_filter1d
    x = np.asarray(x, float)
    if not np.isfinite(x).any():
        return float("nan")
    w = max(int(round(min_s * fps)), 1)
    filled = np.where(np.isfinite(x), x, -np.inf)
    if len(filled) < w:
        return float(np.max(filled)) if np.isfinite(np.max(filled)) else float("nan")
    m = minimum_filter1d(filled, w, mode="nearest")
    v = float(np.max(m))
    return v if np.isfinite(v) else float("nan")
