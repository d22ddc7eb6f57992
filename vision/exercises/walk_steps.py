"""Walking step finding: swings and contacts of each foot, initial contact and stance heel
height (steps 1-4 of the method in :mod:`vision.exercises.walk`).

Lengths are in foot lengths ``L`` of that foot, times in seconds, frame indices refer to the
rows of :class:`vision.pose.signals.Signals`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np

from vision.pose.posture import SIDE_MAX_RATIO
from vision.pose.signals import Signals, interpolate_gaps, runs, smooth_zero_phase
from vision.pose.trace import L_HIP, L_SHOULDER, R_HIP, R_SHOULDER, SIDE_IDX, Trace

SWING_ENTER_FOOT_PER_S = 2.0
SWING_LEAVE_FOOT_PER_S = 1.0
MIN_STEP_FOOT = 0.5
MIN_STEP_FOOT_FRONT = 0.3  # seen from the front a step moves the foot less in the picture
MIN_BODY_FOOT = 0.3
CONTACT_FRAC = 0.05
TIPTOE_HEEL_FRAC = 0.15
TIPTOE_HEEL_FRAC_TOE_FIRST = 0.08   # enough when the contact was clearly toe-first:
TOE_FIRST_FRAC = 0.12              # heel this far above the foot index at contact
MID_STANCE = (0.10, 0.60)          # share of the stance where the heel height is judged
CONTACT_WINDOW_S = 0.05            # contact heel height: median over +- this
MIN_SIDE_FRAC = 0.3
STEP_VIEW_MAX_RATIO = 0.6   # steps are still read up to this shoulder/trunk ratio (oblique)
OBLIQUE_WALK_MAX_RATIO = 0.65  # a walk filmed at an angle is judged up to this width ratio:
                            # about 40 degrees from facing the camera (0.85 x cos 40), where
                            # a foot still shows 0.64 of its length side-on (sin 40); steeper,
                            # the heel-toe line shrinks towards the landmark jitter
OBLIQUE_WALK_MIN_DEG = 40.0  # ... and only when the walk as a whole (its median width
                             # ratio) was filmed at least this far from facing the camera
MIN_UPRIGHT = 0.7          # cos 45 deg: a walker's trunk is near vertical
MIN_SIDE_ON = 0.5          # projected foot length / foot length for a side-on foot
MIN_STANCE_S = 0.12
CHECK_S = 0.3              # foot direction and side-on check just after contact
STANCE_CAP_S = 0.8         # a longer stance is standing: judge its first part
TURN_GUARD_S = 0.7         # steps this close to a turn are counted, not judged
MIN_PASS_FOOT = 2.0        # the floor line of a pass needs stances this far apart (foot lengths)
MIN_PASS_STANCES = 3       # ... and this many stances (runs of at least MIN_STANCE_FRAMES)
MIN_STANCE_FRAMES = 3
PASS_SMOOTH_FRAMES = 15    # rolling median of the foot's pointing that splits the passes
MAX_GROUND_SLOPE = 0.6     # a walkway seen at most about 30 degrees from above its line
FLOOR_LINE_TOL_FOOT = 0.15  # stance foot-index positions this close (RMS, foot lengths) to
                           # one line: the pass's floor line is straight (oblique walks)
SLOPE_SE_K = 3.0           # a floor-line slope within this many standard errors of 0 is level
TURN_SMOOTH_S = 0.3        # turns: rolling median of the facing sign over this ...
TURN_HOLD_S = 0.5          # ... which must hold this long on each side of the turn
EDGE_MARGIN = 0.01         # landmarks this close to the picture edge are guesses
CUTOFF_HZ = 6.0
MIN_VISIBILITY = 0.5        # heel heights are judged on landmarks this well seen ...
MIN_VISIBILITY_FEET = 0.2   # ... but contacts are found on any tracked foot
BRIDGE_GAP_S = 0.6       # feet unseen this long are bridged linearly to find contacts
TOUCH_SEARCH_S = 0.2     # the foot touches down at most this long before its swing ends ...
TOUCH_TOL_FOOT = 0.05    # ... when the heel or the toe comes this close to its stance level

@dataclass(frozen=True)
class Step:
    """One walking step (a foot contact). Times in seconds, heights in foot lengths."""

    side: str
    contact_s: float
    off_s: float
    contact_i: int
    off_i: int
    initial_contact: str            # "heel" | "toe" | "flat"
    contact_heel_frac_foot: float   # heel above foot index at contact (negative = lower)
    stance_heel_frac_foot: float    # median heel above foot index, 15-55 % of stance
    stride_frac_foot: float         # swing displacement before this contact
    tiptoe: bool
    heel_vis: float = float("nan")        # median heel visibility over the judged stance
    other_heel_vis: float = float("nan")  # ... and the other foot's over the same frames
    cut: bool = False               # stance cut by the end of the trace (or the walker
                                    # leaving) before STANCE_CAP_S: counted, not judged


def side_view_frames(sig: Signals, *, window_s: float = 0.5,
                     max_ratio: float = SIDE_MAX_RATIO) -> np.ndarray:
    """(n,) True where an upright body (trunk within 45 degrees of vertical) is seen side-on:
    :func:`width_ratio` below ``max_ratio`` trunk lengths."""
    return width_ratio(sig, window_s=window_s) < max_ratio


def width_ratio(sig: Signals, *, window_s: float = 0.5) -> np.ndarray:
    """(n,) the body's width in the picture: shoulder separation perpendicular to the trunk,
    in trunk lengths, rolling median over ``window_s`` seconds (0 side-on, about
    ``squat_gates.FRONT_WIDTH_RATIO`` facing the camera; inf where the trunk is not upright,
    within 45 degrees of vertical). Where only one shoulder is seen (the far one hidden
    behind the body, as from the side) the trunk runs from the seen shoulder to the seen
    hips, the hips' separation decides, and with only one hip seen too the frame reads
    side-on (both far landmarks hidden)."""
    ls, rs = sig.p(L_SHOULDER), sig.p(R_SHOULDER)
    lh, rh = sig.p(L_HIP), sig.p(R_HIP)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        trunk = np.nanmean(np.stack([ls, rs]), axis=0) - np.nanmean(np.stack([lh, rh]), axis=0)
    tlen = np.hypot(trunk[:, 0], trunk[:, 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        perp = np.stack([-trunk[:, 1], trunk[:, 0]], 1) / tlen[:, None]
        sh = np.abs(((ls - rs) * perp).sum(1)) / tlen
        hp = np.abs(((lh - rh) * perp).sum(1)) / tlen * 1.6
    one_side = np.isfinite(tlen) & ~np.isfinite(sh) & ~np.isfinite(hp)
    ratio = np.where(np.isfinite(sh), sh, np.where(one_side, 0.0, hp))
    with np.errstate(invalid="ignore"):
        upright = -trunk[:, 1] >= MIN_UPRIGHT * tlen       # shoulders above the hips
    ratio = np.where(upright, ratio, np.inf)
    return _rolling_median(ratio, max(int(window_s * sig.fps), 1))


def _rolling_median(x: np.ndarray, w: int) -> np.ndarray:
    if w <= 1 or len(x) == 0:
        return x
    h = w // 2
    pad = np.concatenate([np.full(h, np.nan), x, np.full(h, np.nan)])
    win = np.lib.stride_tricks.sliding_window_view(pad, 2 * h + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(win, axis=1)


def _speed(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    if len(x) < 2:
        return np.full(len(x), np.nan)
    return np.gradient(x, t)


def _swings(speed: np.ndarray, fps: float) -> list[tuple[int, int]]:
    """(start, stop) frame pairs where |speed| (foot lengths / s) is a swing (hysteresis)."""
    s = np.abs(speed)
    out, inside, start = [], False, 0
    for i, v in enumerate(s):
        if not np.isfinite(v):
            if inside:
                inside = False
                out.append((start, i))
            continue
        if not inside and v > SWING_ENTER_FOOT_PER_S:
            inside, start = True, i
            while start > 0 and np.isfinite(s[start - 1]) and s[start - 1] > SWING_LEAVE_FOOT_PER_S:
                start -= 1
        elif inside and v < SWING_LEAVE_FOOT_PER_S:
            inside = False
            out.append((start, i))
    if inside:
        out.append((start, len(s)))
    min_len = max(int(0.08 * fps), 2)
    return [(a, b) for a, b in out if b - a >= min_len]


def _foot_xy(trace: Trace, sig: Signals, cols: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Foot landmarks ``cols`` on the regular timeline of ``sig``: (n, k, 2) positions
    (height-normalised, NaN where not tracked) and (n, k) visibility."""
    n = len(sig)
    raw, vis = np.full((n, len(cols), 2), np.nan), np.full((n, len(cols)), np.nan)
    ok = sig.frame_index >= 0
    src = trace.pose[sig.frame_index[ok]][:, cols]
    raw[ok] = src[..., :2] * np.array([trace.aspect, 1.0])
    vis[ok] = src[..., 3]
    return raw, vis


def _foot_signals(sig: Signals, trace: Trace, side: str, foot_len: float) -> dict:
    """Per-frame foot signals in foot lengths: centre x, speed (L/s), heel rise above the
    foot index, pointing (toe x - heel x), projected length; masks ``seen`` (heel and foot
    index tracked, inside the picture) and ``sure`` (both seen with visibility >= 0.5).

    The visibility gate adapts to the foot: a far foot the tracker always rates low still
    gives its contacts, while a well-seen foot drops its rare doubtful frames."""
    idx = SIDE_IDX[side]
    cols = [idx["heel"], idx["toe"], idx["ankle"]]
    raw, vis = _foot_xy(trace, sig, cols)
    v = vis[:, :2].mean(axis=1)
    v = v[np.isfinite(v)]
    typical = float(np.percentile(v, 25)) if v.size else float("nan")
    gate = float(np.clip(0.6 * typical, MIN_VISIBILITY_FEET, MIN_VISIBILITY)) \
        if np.isfinite(typical) else MIN_VISIBILITY
    with np.errstate(invalid="ignore"):
        raw[~(vis >= gate)] = np.nan
    pts = smooth_zero_phase(interpolate_gaps(raw, fps=sig.fps, max_gap_s=BRIDGE_GAP_S),
                            fps=sig.fps, cutoff_hz=CUTOFF_HZ)
    heel, toe, ankle = pts[:, 0], pts[:, 1], pts[:, 2]
    cx = (heel[:, 0] + toe[:, 0] + ankle[:, 0]) / 3
    xn = raw[:, :2, 0] / sig.aspect
    with np.errstate(invalid="ignore"):
        inside = ((xn > EDGE_MARGIN) & (xn < 1 - EDGE_MARGIN)
                  & (raw[:, :2, 1] < 1 - EDGE_MARGIN / 2)).all(axis=1)
        sure = (vis[:, :2] >= MIN_VISIBILITY).all(axis=1)
    d = toe - heel
    c = (heel + toe + ankle) / 3
    planar = np.hypot(_speed(c[:, 0], sig.t_s), _speed(c[:, 1], sig.t_s)) / foot_len
    speed = _speed(cx, sig.t_s) / foot_len
    slope, straight = floor_line(toe, d[:, 0], speed, foot_len)
    return {"cx": cx, "speed": speed, "c": c, "planar": planar, "slope": slope,
            "floor": straight,
            "rise": (d[:, 1] - slope * d[:, 0]) / foot_len, "point": d[:, 0] / foot_len,
            "heel_y": heel[:, 1] / foot_len, "toe_y": toe[:, 1] / foot_len,
            "length": np.hypot(d[:, 0], d[:, 1]) / foot_len,
            "seen": inside & np.isfinite(raw[:, :2, 0]).all(axis=1), "sure": sure,
            "heel_vis": vis[:, 0]}


def ground_slope(toe: np.ndarray, point: np.ndarray, speed: np.ndarray,
                 foot_len: float) -> np.ndarray:
    """(n,) slope dy/dx in the picture of the line this foot walks along, per frame.

    A straight walkway projects to a straight line, so the foot index (on the floor in
    every stance, heel-first or tiptoe) rests on one line per pass: fitted to its stance
    positions (the median of each run of ``|speed| < SWING_LEAVE_FOOT_PER_S``) in each run
    of frames where the foot points the same way. Seen from the side the line is level
    (slope 0); seen obliquely it slopes, and a flat foot's heel sits above its foot index
    by slope x the foot's run: the heel's height is read from that line, not from the
    image horizontal. 0 where a pass has fewer than ``MIN_PASS_STANCES`` stances, spans
    less than ``MIN_PASS_FOOT`` foot lengths, or the slope is within ``SLOPE_SE_K``
    standard errors of level (landmark noise); clipped to ``MAX_GROUND_SLOPE``.
    """
    return floor_line(toe, point, speed, foot_len)[0]


def floor_line(toe: np.ndarray, point: np.ndarray, speed: np.ndarray,
               foot_len: float) -> tuple[np.ndarray, np.ndarray]:
    """(slope, straight): :func:`ground_slope` and (n,) True on the passes whose stance
    positions lie on one straight line, within ``FLOOR_LINE_TOL_FOOT`` foot lengths (RMS)
    of the fit. A pass whose stances stray from a line (a turn that kept the foot's
    pointing, a foot the tracker guessed) gives no floor to read the heel's height from at
    an angle."""
    n = len(toe)
    out = np.zeros(n)
    straight = np.zeros(n, bool)
    sgn = np.sign(_rolling_median(point, PASS_SMOOTH_FRAMES))
    with np.errstate(invalid="ignore"):
        still = (np.abs(speed) < SWING_LEAVE_FOOT_PER_S) & np.isfinite(toe).all(1)
    for val in (-1.0, 1.0):
        for a, b in runs(sgn == val):
            pts = np.array([np.median(toe[a + p:a + q], axis=0) for p, q in runs(still[a:b])
                            if q - p >= MIN_STANCE_FRAMES]).reshape(-1, 2)
            if len(pts) < MIN_PASS_STANCES or np.ptp(pts[:, 0]) < MIN_PASS_FOOT * foot_len:
                continue
            m, c = np.polyfit(pts[:, 0], pts[:, 1], 1)
            res = pts[:, 1] - (m * pts[:, 0] + c)
            sxx = float(((pts[:, 0] - pts[:, 0].mean()) ** 2).sum())
            se = float(np.sqrt((res ** 2).sum() / (len(pts) - 2) / sxx))
            if abs(m) > SLOPE_SE_K * se:
                out[a:b] = np.clip(m, -MAX_GROUND_SLOPE, MAX_GROUND_SLOPE)
            straight[a:b] = bool(np.sqrt(np.mean(res ** 2)) <= FLOOR_LINE_TOL_FOOT * foot_len)
    return out, straight


def _pose_at_contact(f: dict, b: int, off: int, fps: float) -> tuple[float, float]:
    """Pointing (toe x - heel x) and projected length of the foot just after contact, in
    foot lengths: median over the first ``CHECK_S`` of stance on well-seen frames (a far
    foot hidden behind the near leg later on is guessed, shrinks and wanders)."""
    win = slice(b, b + max(min(off - b, int(CHECK_S * fps)), 1))
    m = f["seen"][win] & f["sure"][win]
    if m.sum() < 2:
        m = f["seen"][win] if f["seen"][win].sum() >= 2 else np.ones(win.stop - b, bool)
    return _med(f["point"][win][m]), _med(f["length"][win][m])


def touch_down(f: dict, a: int, b: int, off: int, fps: float) -> int:
    """Frame where the foot touched down, for the swing ``a``..``b`` whose stance runs to
    ``off``: going back from ``b`` (at most ``TOUCH_SEARCH_S``, not before ``a``), the
    first frame of the run in which the heel or the foot index stays within
    ``TOUCH_TOL_FOOT`` of its own level in the early stance (image y, foot lengths; a
    landmark swinging past that level, as a real heel landmark does at the strike, is
    not resting there).

    The swing ends when the foot stops moving forward, which can come after the heel
    strikes: a foot brought down to stop beside the other (the closing step) slides on
    its heel for a frame or two, and by ``b`` it may already be rocking onto the forefoot.
    ``b`` itself when the foot is not near its stance level there (or not seen).
    """
    early = slice(b, b + max(min(off - b, int(CHECK_S * fps)), 2))
    levels = [(f[part], _med(f[part][early][f["seen"][early]])) for part in ("heel_y", "toe_y")]
    levels = [(y, lv) for y, lv in levels if np.isfinite(lv)]
    first = max(a, b - int(TOUCH_SEARCH_S * fps))
    i = b
    while i > first and f["seen"][i - 1] and any(abs(y[i - 1] - lv) <= TOUCH_TOL_FOOT
                                                 for y, lv in levels):
        i -= 1
    return i


def _merge_swings(swings: list[tuple[int, int]], fps: float) -> list[tuple[int, int]]:
    """Join swings separated by a pause shorter than ``MIN_STANCE_S`` (tracker jitter)."""
    out: list[tuple[int, int]] = []
    for a, b in swings:
        if out and (a - out[-1][1]) < MIN_STANCE_S * fps:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def find_steps(sig: Signals, trace: Trace, side: str, foot_len: float,
               side_view: np.ndarray, body_x: np.ndarray, *,
               need_floor: bool = False) -> list[Step]:
    """Steps of one foot (see the module notes). ``sig`` is ``prepare(trace)``; ``body_x``
    the hip centre x (n,), height-normalised. With ``need_floor`` (a walk filmed at an
    angle, where a flat foot's heel sits above its toe in the picture by the floor line's
    slope) a step whose pass has no straight floor line (:func:`floor_line`) is counted but
    its heel height is not read (NaN: not judged)."""
    f = _foot_signals(sig, trace, side, foot_len)
    other = "right" if side == "left" else "left"
    f["other_heel_vis"] = _foot_xy(trace, sig, [SIDE_IDX[other]["heel"]])[1][:, 0]
    swings = _merge_swings(_swings(f["speed"], sig.fps), sig.fps)
    present = _present(sig)
    steps = []
    for k, (a, b) in enumerate(swings):
        if b >= len(sig) - 2:
            continue
        off = swings[k + 1][0] if k + 1 < len(swings) else len(sig) - 1
        lost = np.flatnonzero(~present[b:off + 1])
        if lost.size:                           # the walker left the picture
            off = b + int(lost[0])
        if lost.size and off - b < 2 * MIN_STANCE_S * sig.fps:
            continue                            # stance cut short: not judged, not counted
        # the stance runs into the end of the trace (or the walker leaving) before the span
        # judged for its heel height is over: counted, not judged
        cut = (lost.size > 0 or k + 1 >= len(swings)) and off - b < STANCE_CAP_S * sig.fps
        early = slice(b, b + max(min(off - b, int(STANCE_CAP_S * sig.fps)), 1))
        if side_view[early].mean() < 0.5:
            continue
        disp = (f["cx"][b] - f["cx"][a]) / foot_len
        moved = (body_x[b] - body_x[a]) / foot_len
        facing, length = _pose_at_contact(f, b, off, sig.fps)
        cut = a == 0 or not present[a]          # swing began before the trace: partly seen
        if not (abs(disp) >= (0.1 if cut else MIN_STEP_FOOT) and abs(facing) >= MIN_SIDE_ON
                and np.sign(disp) == np.sign(facing) and (cut or np.sign(moved) == np.sign(disp))
                and (cut or abs(moved) >= MIN_BODY_FOOT) and length >= MIN_SIDE_ON):
            continue
        st = _classify(sig, side, f, b, off, disp, cut=cut, touch=touch_down(f, a, b, off, sig.fps))
        if need_floor and f["floor"][early].mean() < 0.5:
            st = replace(st, stance_heel_frac_foot=float("nan"), tiptoe=False)
        steps.append(st)
    return steps


def _present(sig: Signals) -> np.ndarray:
    """(n,) person tracked, with dropouts up to ``BRIDGE_GAP_S`` between tracked frames
    filled (a walker who leaves the picture stays absent)."""
    out = sig.person.copy()
    for a, b in runs(~out):
        if a > 0 and b < len(out) and (b - a) <= BRIDGE_GAP_S * sig.fps:
            out[a:b] = True
    return out


def _med(x: np.ndarray) -> float:
    """Median of the finite values (NaN when none); called per step, so kept lean."""
    x = x[np.isfinite(x)]
    k = x.size // 2
    if not x.size:
        return float("nan")
    part = np.partition(x, [k - 1, k] if x.size % 2 == 0 else k)
    return float(part[k] if x.size % 2 else (part[k - 1] + part[k]) / 2)


def _classify(sig: Signals, side: str, f: dict, b: int, off: int, disp: float, *,
              cut: bool = False, touch: int | None = None) -> Step:
    """Initial contact and stance heel height of the step whose swing ends at frame ``b``
    (stance from there). The initial contact is read at ``b``, or at ``touch`` (the foot
    touching down earlier, :func:`touch_down`) when the heel is lower there: a heel that
    struck while the foot still slid forward (the closing step of a walk) was first; a
    tiptoe landing never shows the heel lower. Tiptoe needs a toe-first contact (a toe
    walker lands on the forefoot) and the heel up over the stance. A ``cut`` step is
    measured but never called tiptoe."""
    n_use = min(off - b, int(STANCE_CAP_S * sig.fps))   # a long stance is standing
    lo = b + int(MID_STANCE[0] * n_use)
    hi = max(b + int(MID_STANCE[1] * n_use), lo + 1)
    k = max(int(CONTACT_WINDOW_S * sig.fps), 1)
    at = slice(max(b - k, 0), b + k + 1)
    seen = f["seen"]
    hidden = (seen & f["sure"])[lo:hi].mean() < 0.5   # mostly seen at low visibility
    if not hidden:                                   # judge on well-seen frames
        seen = seen & f["sure"]
    rise = np.where(seen, f["rise"], np.nan)
    if seen[lo:hi].mean() < 0.5 and sig.person[lo:hi].all():
        lo, hi = b, b + max(n_use, 1)          # feet hidden a moment: use what was seen
    if seen[at].sum() < 1:
        at = slice(b, b + max(int(0.1 * sig.fps), 2))
    stance = _med(rise[lo:hi]) if seen[lo:hi].sum() >= max(2, 0.3 * (hi - lo)) else float("nan")
    contact = _med(rise[at])
    if touch is not None and touch < b:     # a heel strike before the swing ended counts
        struck = _med(rise[max(touch - k, 0):touch + k + 1])
        contact = struck if not np.isfinite(contact) else min(contact, np.nan_to_num(struck, nan=np.inf))
    kind = "unknown"
    if np.isfinite(contact):
        kind = "heel" if contact < -CONTACT_FRAC else ("toe" if contact > CONTACT_FRAC else "flat")
    toe_first = np.isfinite(contact) and contact > TOE_FIRST_FRAC
    if hidden:    # a hidden far heel wanders: both the contact and the stance must agree
        tip = bool(stance > TIPTOE_HEEL_FRAC and toe_first)
    else:
        tip = bool(np.isfinite(stance) and kind == "toe" and (
            stance > TIPTOE_HEEL_FRAC or (stance > TIPTOE_HEEL_FRAC_TOE_FIRST and toe_first)))
    span = slice(lo, max(hi, lo + 1))
    return Step(side=side, contact_s=float(sig.t_s[b]), off_s=float(sig.t_s[min(off, len(sig) - 1)]),
                contact_i=b, off_i=off, initial_contact=kind, contact_heel_frac_foot=contact,
                stance_heel_frac_foot=stance, stride_frac_foot=abs(disp), tiptoe=tip and not cut,
                heel_vis=_med(f["heel_vis"][span]),
                other_heel_vis=_med(f["other_heel_vis"][span]) if "other_heel_vis" in f
                else float("nan"), cut=cut)
