"""Is this the exercise? Motion checks that keep other movements out of the rep count.

Each candidate repetition (found on the exercise's own angle) is checked against what the
exercise looks like; lengths are in shank lengths (knee -> ankle, a ruler that does not
depend on the camera distance), measured on the smoothed landmarks of
:class:`vision.pose.signals.Signals`:

- **squat**: hips and knees flex together while both feet stay put. A candidate during
  which an ankle travels more than ``FEET_TRAVEL_SHANK`` from where it stood is stepping
  (the walk-in, walking a bar out of the rack or back into it, turning round): not a rep;
  where the two ankles lie nearer each other's start places than their own, the tracker
  swapped left and right (common from the front): no step.
  One ankle rising more than ``LEG_LIFT_SHANK`` while the other stays down is a leg lift
  (a standing leg raise or a knee lift), not a squat. The hips must also come down: a
  candidate in which the mid-hip does not sink ``MIN_HIP_DESCENT_SHANK`` below where it
  stood at the candidate's edges, for ``HIP_DESCENT_MIN_S``, is a knee angle that moved
  without a squat (a heel raise read from the front, a stoop, a leg raise): not a rep.
  Applied where the knee angle is estimated (views read as front), see :func:`squat_reps`.
  Bending forward (a stoop: the trunk tips towards horizontal over nearly straight knees)
  also bends the knee angle in the picture; it is told apart in every view by
  :func:`stoop_shares`: the trunk's height over the hips shrinks by ``STOOP_MIN_TILT`` or
  more and the hips come down less than ``STOOP_MAX_HIP_SHARE`` of what the trunk's tilt
  brings the shoulders down. Both are vertical image distances, which a camera turning
  round the body does not shorten (angles in the picture do).
- **heel raise**: heels rise while the knees stay straight: a candidate in which the knee
  bends by more than ``HEEL_RAISE_MAX_KNEE_BEND_DEG`` is a squat or a jump, not a raise.
  The feet stay put, but a heel raise filmed from the front or rear sees noisy ankles: it
  is walking only when the ankles travel and the hips travel across with them
  (``RAISE_WALK_HIP_SHANK``), as in a walk, or when one foot moves on its own (a step,
  ``ONE_FOOT_SHARE``); one ankle rising alone is a leg lift.

When every candidate was rejected for the same kind of movement, :func:`looks_like` names
it, and the analysis answers ``not_this_exercise`` ("this looks like a leg raise, not a
squat").
"""

from __future__ import annotations

import warnings

import numpy as np

from vision.pose.signals import Signals, knee_angle_deg
from vision.pose.trace import SIDE_IDX

FEET_TRAVEL_SHANK = 0.6     # an ankle moving further than this (shank lengths): stepping
LEG_LIFT_SHANK = 0.5        # one ankle rising this high while the other stays: a leg lift
STILL_ANKLE_SHANK = 0.25    # ... "the other stays": it rises less than this
HEEL_RAISE_MAX_KNEE_BEND_DEG = 35.0   # knee bending more than this in a "raise": a squat
MIN_SHARE_FOR_CALL = 0.5    # rejected candidates must outnumber kept reps to call the clip
RELIABLE_ANKLE_VIS = 0.7    # only ankles seen at this visibility tell a lift or a step
FLOOR_PERCENTILE = 90       # an ankle's floor level: this percentile of its image y
START_SHARE_DIV = 10        # an ankle's start position: median of the first tenth of frames
MIN_LIFT_S = 0.3            # a leg lift lasts at least this long (s)
MIN_EVENTS = 2              # this many leg lifts (or knee bends) and no rep: the clip shows them
WALK_TRAVEL_SHANK = 3.0     # the hips crossing this much of the picture (shank lengths): walking
SQUAT_BEND_DEG = 40.0       # a knee bend this deep with the feet still reads as a squat
# Relative to the lower ankle, the hips of a squat rep sink >= 0.36 shank lengths below the
# candidate's edges in front-read views (synth.traces front squats with heel lifts; renderer
# B dev traces, seeds 0-11 and 500000-11, where the few lower candidates are walk-ins);
# heel raises <= 0.13, stoops <= 0.24, standing leg raises <= 0.18, walks <= 0.12.
MIN_HIP_DESCENT_SHANK = 0.30
HIP_DESCENT_MIN_S = 0.25    # ... sustained this long (s), so one jittery frame does not count
EDGE_SHARE_DIV = 10         # the standing level: median of the first and last tenth
# Bending forward vs squatting, from vertical image distances only (yaw-proof). "Tilt" is
# the share by which the shoulders' height above the hips shrinks (1 - cos of the trunk's
# lean from vertical); "hip share" is the hips' descent over the shoulders' fall relative
# to the hips that the tilt causes. Trace generator B dev seeds (squats 0-99, stoops
# 0-299, every view): squat reps tilt <= 0.54 with a hip share >= 0.93 but for one front
# view (0.79-0.83, squat_lift 45, camera above the shoulders); stoops counted as squats
# before this check tilt >= 0.43 with a hip share <= 0.62. A real squat leaning 55 degrees
# with the hips down 20 cm (trunk 50 cm) has a share of about 0.95.
STOOP_MIN_TILT = 0.3        # the trunk leans >= 45 degrees: a stoop can be told
STOOP_MAX_HIP_SHARE = 0.8   # ... and the hips fell less than this share: bending forward
# Hips down by half a shank bend the knees to about 100 degrees: whatever the trunk does,
# that is no stoop with nearly straight knees (stoops <= 0.36 shank lengths on the dev
# seeds above; the front-view squat_lift 45 above: 0.64-0.79).
STOOP_MAX_HIP_DROP_SHANK = 0.5
# In a heel raise the hips move <= 0.26 shank lengths from where they stood (they rise with
# the heels) on the same dev traces; raise candidates found in walks move them >= 0.90.
RAISE_WALK_HIP_SHANK = 0.5
# Both ankles of a raise filmed from the front wander alike (0.58 / 0.72 shank lengths on
# seed 500006); a standing leg raise or a step moves one (0.73 / 0.25): "one foot" is the
# other travelling less than this share of it.
ONE_FOOT_SHARE = 0.5

KINDS = {"walking": "walking or stepping", "leg_lift": "a leg raise", "squat": "a squat",
         "stoop": "bending forward (the trunk tips over while the knees stay nearly straight)",
         "hips_up": "a movement in which the hips do not come down (a heel raise, bending "
                    "over or standing)"}
# (a heel raise clip read as a squat, etc., says so in the exercise's own module)


def _shank(sig: Signals) -> float:
    """Median knee -> ankle length over both legs (height-normalised units)."""
    d = [np.hypot(*(sig.side(s, "knee") - sig.side(s, "ankle")).T) for s in ("left", "right")]
    d = np.concatenate(d)
    d = d[np.isfinite(d)]
    return float(np.median(d)) if d.size else float("nan")


def _ankle_seen_well(sig: Signals, side: str, a: int, b: int) -> bool:
    """The ankle's median visibility over rows ``a``..``b`` reaches ``RELIABLE_ANKLE_VIS``:
    a far ankle hidden behind the near leg is guessed and wanders, so it does not speak."""
    v = sig.visibility[a:b + 1, SIDE_IDX[side]["ankle"]]
    v = v[np.isfinite(v)]
    return bool(v.size and np.median(v) >= RELIABLE_ANKLE_VIS)


def _start_place(sig: Signals, side: str, a: int, b: int) -> np.ndarray:
    """(2,) where an ankle stood at the start of rows ``a``..``b`` (median of the first
    ``START_SHARE_DIV``-th of the frames it is seen); NaN when unseen."""
    p = sig.side(side, "ankle")[a:b + 1]
    p = p[np.isfinite(p[:, 0])]
    if not len(p):
        return np.full(2, np.nan)
    return np.median(p[:max(len(p) // START_SHARE_DIV, 1)], axis=0)


def _ankle_motion(sig: Signals, side: str, a: int, b: int, shank: float, *,
                  swaps: bool = False) -> tuple[float, float]:
    """(travel, rise) of one ankle over rows ``a``..``b``, shank lengths: the largest
    distance from its start place (:func:`_start_place`) and the largest rise above it
    (image up). With ``swaps``, where the two ankles are closer to each other's start
    places than to their own (:func:`_swapped`), the tracker has swapped left and right:
    this ankle is measured from the other's start. NaN when the ankle is not seen (well)."""
    p = sig.side(side, "ankle")[a:b + 1]
    ok = np.isfinite(p[:, 0])
    if (ok.sum() < 3 or not np.isfinite(shank) or shank <= 0
            or not _ankle_seen_well(sig, side, a, b)):
        return float("nan"), float("nan")
    start = _start_place(sig, side, a, b)
    other = _start_place(sig, "right" if side == "left" else "left", a, b)
    crossed = _swapped(sig, a, b) if swaps else np.zeros(len(p), bool)
    origin = np.where(crossed[:, None], other, start)[ok]
    pts = p[ok]
    travel = float(np.max(np.hypot(*(pts - origin).T)) / shank)
    rise = float(np.max(start[1] - pts[:, 1]) / shank)
    return travel, rise


def _swapped(sig: Signals, a: int, b: int) -> np.ndarray:
    """(b - a + 1,) True where both ankles are seen and, together, lie nearer each other's
    start places than their own (the tracker swapped left and right: common from the
    front); a foot that steps moves one ankle away from both places, which no swap
    explains."""
    left, right = sig.side("left", "ankle")[a:b + 1], sig.side("right", "ankle")[a:b + 1]
    l0, r0 = _start_place(sig, "left", a, b), _start_place(sig, "right", a, b)
    if not (np.isfinite(l0).all() and np.isfinite(r0).all()):
        return np.zeros(len(left), bool)
    with np.errstate(invalid="ignore"):
        straight = np.hypot(*(left - l0).T) + np.hypot(*(right - r0).T)
        crossed = np.hypot(*(left - r0).T) + np.hypot(*(right - l0).T)
        return crossed < straight


def hip_descent(sig: Signals, a: int, b: int, shank: float) -> float:
    """How far the mid-hip sinks towards the feet (image down relative to the lower ankle,
    the one on the floor; shank lengths) over rows ``a``..``b`` below its level at their
    edges (median of the first and last ``EDGE_SHARE_DIV``-th), held for
    ``HIP_DESCENT_MIN_S``. Relative to the ankle, so heels lifting in a squat (the ankles
    and hips rise) do not hide it and a heel raise (both rise together) shows none. NaN
    when the hips or ankles are not seen."""
    from vision.exercises.common import sustained_max
    y = np.stack([sig.side("left", "hip")[a:b + 1, 1], sig.side("right", "hip")[a:b + 1, 1]])
    ank = np.stack([sig.side("left", "ankle")[a:b + 1, 1], sig.side("right", "ankle")[a:b + 1, 1]])
    if not np.isfinite(y).any() or not np.isfinite(ank).any() or not np.isfinite(shank) \
            or shank <= 0:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        y = np.nanmean(y, axis=0) - np.nanmax(ank, axis=0)
    k = max(len(y) // EDGE_SHARE_DIV, 1)
    edges = np.concatenate([y[:k], y[-k:]])
    if not np.isfinite(edges).any():
        return float("nan")
    return sustained_max((y - np.nanmedian(edges)) / shank, fps=sig.fps, min_s=HIP_DESCENT_MIN_S)


def _mid_y(sig: Signals, part: str, a: int, b: int) -> np.ndarray:
    """(b - a + 1,) image y of the middle of the left and right ``part`` (either one
    where only one is seen; NaN where neither)."""
    y = np.stack([sig.side(s, part)[a:b + 1, 1] for s in ("left", "right")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(y, axis=0)


def stoop_shares(sig: Signals, a: int, b: int) -> tuple[float, float]:
    """(tilt, hip share) of rows ``a``..``b``: how a stoop differs from a squat, from
    vertical image distances only (a camera turning round the body shortens neither).

    - tilt: the share by which the shoulders' height above the hips (mid-shoulder to
      mid-hip, image vertical) shrinks below its level at the rows' edges (median of the
      first and last ``EDGE_SHARE_DIV``-th), held for ``HIP_DESCENT_MIN_S``: 1 - cos of
      the trunk's lean from vertical (0 upright, 0.3 at 45 degrees, 1 horizontal);
    - hip share: the hips' descent (:func:`hip_descent`) over the fall of the shoulders
      relative to the hips that the tilt makes (tilt x the standing trunk height). A squat
      brings the hips down by bending the knees (share >> 1); a stoop brings the
      shoulders down by folding at the hips over nearly straight knees (share < 1).

    NaN when the shoulders or hips are not seen."""
    from vision.exercises.common import sustained_max
    trunk = _mid_y(sig, "hip", a, b) - _mid_y(sig, "shoulder", a, b)
    k = max(len(trunk) // EDGE_SHARE_DIV, 1)
    edges = np.concatenate([trunk[:k], trunk[-k:]])
    if not np.isfinite(edges).any():
        return float("nan"), float("nan")
    stand = float(np.nanmedian(edges))
    shank = _shank(sig)
    if not (stand > 0 and np.isfinite(shank) and shank > 0):
        return float("nan"), float("nan")
    tilt = sustained_max(1.0 - trunk / stand, fps=sig.fps, min_s=HIP_DESCENT_MIN_S)
    drop = hip_descent(sig, a, b, shank)
    if not (np.isfinite(tilt) and np.isfinite(drop)) or tilt <= 0:
        return tilt, float("nan")
    return tilt, float(max(drop, 0.0) * shank / (tilt * stand))


def is_stoop(sig: Signals, a: int, b: int) -> bool:
    """Rows ``a``..``b`` bend forward rather than squat: the trunk tilts by
    ``STOOP_MIN_TILT`` or more while the hips come down less than
    ``STOOP_MAX_HIP_SHARE`` of the shoulders' fall (:func:`stoop_shares`) and less than
    ``STOOP_MAX_HIP_DROP_SHANK`` shank lengths; unseen shoulders or hips do not speak."""
    tilt, share = stoop_shares(sig, a, b)
    if not (np.isfinite(share) and tilt >= STOOP_MIN_TILT and share < STOOP_MAX_HIP_SHARE):
        return False
    return bool(hip_descent(sig, a, b, _shank(sig)) < STOOP_MAX_HIP_DROP_SHANK)


def squat_kind(sig: Signals, a: int, b: int, *, hips: bool = True) -> str | None:
    """None when rows ``a``..``b`` look like a squat; else "leg_lift", "walking" (the
    feet, :func:`feet_kind`), "stoop" (bending forward, :func:`is_stoop`, in every view)
    or, with ``hips``, "hips_up" (the hips did not come down by ``MIN_HIP_DESCENT_SHANK``;
    hips not seen do not speak)."""
    kind = feet_kind(sig, a, b, swaps=True)
    if kind:
        return kind
    if is_stoop(sig, a, b):
        return "stoop"
    if not hips:
        return None
    drop = hip_descent(sig, a, b, _shank(sig))
    return "hips_up" if np.isfinite(drop) and drop < MIN_HIP_DESCENT_SHANK else None


def feet_kind(sig: Signals, a: int, b: int, *, swaps: bool = False) -> str | None:
    """"leg_lift" when one ankle rises while the other stays, "walking" when the feet
    travel over rows ``a``..``b``, else None. Only well-seen ankles speak
    (:func:`_ankle_seen_well`); with ``swaps`` (squats), a left/right swap of the tracker
    is no travel (:func:`_ankle_motion`)."""
    shank = _shank(sig)
    motion = {s: _ankle_motion(sig, s, a, b, shank, swaps=swaps) for s in ("left", "right")}
    rises = {s: r for s, (_, r) in motion.items() if np.isfinite(r)}
    if rises and max(rises.values()) > LEG_LIFT_SHANK and (
            len(rises) == 1 or min(rises.values()) < STILL_ANKLE_SHANK):
        return "leg_lift"
    travels = {s: t for s, (t, _) in motion.items() if np.isfinite(t)}
    if travels and _best_seen_travel(sig, travels, a, b) > FEET_TRAVEL_SHANK:
        return "walking"
    return None


def _best_seen_travel(sig: Signals, travels: dict, a: int, b: int) -> float:
    """Travel (shank lengths) of the feet over rows ``a``..``b``: the larger one when both
    ankles agree (both moved or both stayed), else the better-seen ankle's. One ankle that
    wanders while the better-seen one stays put is the far foot being guessed, not a step
    (a step or a walk-out moves the feet in turn)."""
    vals = list(travels.values())
    if len(vals) < 2 or (min(vals) > FEET_TRAVEL_SHANK) == (max(vals) > FEET_TRAVEL_SHANK):
        return max(vals)
    vis = {s: float(np.nanmedian(sig.visibility[a:b + 1, SIDE_IDX[s]["ankle"]]))
           for s in travels}
    return travels[max(vis, key=vis.get)]


def squat_reps(sig: Signals, candidates) -> tuple[list, list]:
    """Candidates (``RepInterval``) split into squat reps and ``[(candidate, kind)]``
    rejected (see :func:`squat_kind`). The hips must come down only where the knee angle
    is an estimate (a view the tracker reads as "front": front, rear, most obliques): a
    side-view knee angle is measured, and a child's squat with the heels up and the knees
    forward lowers the hips as little as a stoop does (0.17-0.2 shank lengths on renderer
    A), so from the side the hips cannot tell them apart."""
    from vision.pose.posture import detect_view
    hips = detect_view(sig).view == "front"
    kept, rejected = [], []
    for r in candidates:
        kind = squat_kind(sig, r.start, r.end, hips=hips)
        (kept if kind is None else rejected).append(r if kind is None else (r, kind))
    return kept, rejected


def hip_travel(sig: Signals, a: int, b: int, shank: float) -> float:
    """Largest horizontal distance (shank lengths) of the mid-hip over rows ``a``..``b``
    from where it stood at their start (median of the first ``START_SHARE_DIV``-th): a
    walk carries the hips across, a squat or a raise moves them mostly up and down. NaN
    when unseen."""
    x = np.stack([sig.side("left", "hip")[a:b + 1, 0], sig.side("right", "hip")[a:b + 1, 0]])
    x = x.mean(axis=0)
    x = x[np.isfinite(x)]
    if len(x) < 3 or not np.isfinite(shank) or shank <= 0:
        return float("nan")
    start = np.median(x[:max(len(x) // START_SHARE_DIV, 1)])
    return float(np.max(np.abs(x - start)) / shank)


def _walks(sig: Signals, a: int, b: int) -> bool:
    """Walking over rows ``a``..``b`` for a standing exercise whose feet should stay: the
    hips travel more than ``RAISE_WALK_HIP_SHANK`` and the well-seen ankles travel too (or
    none is seen well). Noisy ankles under still hips (a raise filmed from the front) and
    hips swaying over still feet are not walking."""
    shank = _shank(sig)
    moved = hip_travel(sig, a, b, shank)
    if not (np.isfinite(moved) and moved > RAISE_WALK_HIP_SHANK):
        return False
    seen = [s for s in ("left", "right") if _ankle_seen_well(sig, s, a, b)]
    return not seen or feet_kind(sig, a, b) == "walking"


def _one_foot_moves(sig: Signals, a: int, b: int) -> bool:
    """One well-seen ankle travels more than ``FEET_TRAVEL_SHANK`` over rows ``a``..``b``
    while the other is not seen well or travels less than ``ONE_FOOT_SHARE`` of it (a
    step, a leg swinging): a heel raise moves both feet alike, noise included."""
    shank = _shank(sig)
    t = [m[0] for s in ("left", "right")
         if np.isfinite((m := _ankle_motion(sig, s, a, b, shank))[0])]
    return bool(t) and max(t) > FEET_TRAVEL_SHANK and (
        len(t) == 1 or min(t) < ONE_FOOT_SHARE * max(t))


def heel_raise_kind(sig: Signals, a: int, b: int) -> str | None:
    """None when the feet stay put and the knees straight over rows ``a``..``b`` (a heel
    raise); "walking" when the body travels (:func:`_walks`) or one foot moves on its own
    (:func:`_one_foot_moves`), "leg_lift" when one leg lifts (:func:`feet_kind`), "squat"
    when the seen knees bend more than ``HEEL_RAISE_MAX_KNEE_BEND_DEG``."""
    if _walks(sig, a, b):
        return "walking"
    if feet_kind(sig, a, b) == "leg_lift":
        return "leg_lift"
    if _one_foot_moves(sig, a, b):
        return "walking"
    bends = []
    for s in ("left", "right"):
        k = knee_angle_deg(sig.side(s, "hip"), sig.side(s, "knee"), sig.side(s, "ankle"))[a:b + 1]
        k = k[np.isfinite(k)]
        if k.size >= 3:
            bends.append(float(np.percentile(k, 90) - np.min(k)))
    if bends and min(bends) > HEEL_RAISE_MAX_KNEE_BEND_DEG:
        return "squat"
    return None


def leg_lift_count(sig: Signals) -> int:
    """How many times one ankle rose more than ``LEG_LIFT_SHANK`` (shank lengths, image
    up) above its own floor level (its lowest steady position, the ``FLOOR_PERCENTILE`` of
    its image y) while the other stayed within ``STILL_ANKLE_SHANK`` of its own, for at
    least ``MIN_LIFT_S``: leg raises, knee lifts (a jump lifts both). Only ankles seen at
    ``RELIABLE_ANKLE_VIS`` rise; an ankle seen worse does not contradict."""
    from vision.exercises.common import hysteresis_reps
    shank = _shank(sig)
    if not np.isfinite(shank) or shank <= 0:
        return 0
    rise, good = {}, {}
    for s in ("left", "right"):
        y = sig.side(s, "ankle")[:, 1]
        if np.isfinite(y).sum() < 3:
            rise[s], good[s] = np.full(len(sig), np.nan), np.zeros(len(sig), bool)
            continue
        rise[s] = (np.nanpercentile(y, FLOOR_PERCENTILE) - y) / shank
        with np.errstate(invalid="ignore"):
            good[s] = sig.visibility[:, SIDE_IDX[s]["ankle"]] >= RELIABLE_ANKLE_VIS
    lifted = np.zeros(len(sig))
    for s, o in (("left", "right"), ("right", "left")):
        with np.errstate(invalid="ignore"):
            other_down = ~good[o] | ~(rise[o] >= STILL_ANKLE_SHANK)
        lifted = np.fmax(lifted, np.where(good[s] & other_down, rise[s], 0.0))
    return len(hysteresis_reps(lifted, enter=LEG_LIFT_SHANK, leave=STILL_ANKLE_SHANK,
                               fps=sig.fps, direction="above", min_duration_s=MIN_LIFT_S,
                               baseline=0.0, split_frac=None))


def body_travel(sig: Signals) -> float:
    """How far the mid-hip travels across the picture over the clip (5th to 95th
    percentile of its x), in shank lengths."""
    shank = _shank(sig)
    x = np.fmax(sig.side("left", "hip")[:, 0], sig.side("right", "hip")[:, 0])
    x = x[np.isfinite(x)]
    if x.size < 3 or not np.isfinite(shank) or shank <= 0:
        return float("nan")
    return float((np.percentile(x, 95) - np.percentile(x, 5)) / shank)


def knee_bend_count(sig: Signals) -> int:
    """How many times a seen knee bent by ``SQUAT_BEND_DEG`` or more from its straight
    (90th percentile) angle for at least ``MIN_LIFT_S``, both ankles staying put."""
    from vision.exercises.common import hysteresis_reps
    best = 0
    for s in ("left", "right"):
        k = knee_angle_deg(sig.side(s, "hip"), sig.side(s, "knee"), sig.side(s, "ankle"))
        if np.isfinite(k).sum() < 3:
            continue
        top = float(np.nanpercentile(k, 90))
        reps = hysteresis_reps(k, enter=top - SQUAT_BEND_DEG, leave=top - SQUAT_BEND_DEG / 2,
                               fps=sig.fps, direction="below", min_duration_s=MIN_LIFT_S,
                               baseline=top, split_frac=None)
        best = max(best, sum(squat_kind(sig, r.start, r.end) is None for r in reps))
    return best


def clip_kind(sig: Signals) -> str | None:
    """What a clip without a single rep of the chosen exercise shows, when it is clearly
    something else: "walking" when the body travels ``WALK_TRAVEL_SHANK`` across the
    picture, else "leg_lift" after ``MIN_EVENTS`` leg lifts, else "squat" after
    ``MIN_EVENTS`` knee bends with the feet still; None otherwise."""
    travel = body_travel(sig)
    if np.isfinite(travel) and travel > WALK_TRAVEL_SHANK:
        return "walking"
    if leg_lift_count(sig) >= MIN_EVENTS:
        return "leg_lift"
    if knee_bend_count(sig) >= MIN_EVENTS:
        return "squat"
    return None


def what_else(sig: Signals, from_candidates: str | None) -> str | None:
    """For a clip without a rep: what it shows, in words. Walking across the picture
    (:func:`clip_kind`) wins over what the rejected candidates looked like."""
    kind = clip_kind(sig)
    if kind == "walking" or (kind and not from_candidates):
        return KINDS[kind]
    return from_candidates


def not_this_reason(sig: Signals, rejected: list, kept: int, exercise: str) -> str | None:
    """The ``not_this_exercise`` reason for a clip analysed as ``exercise`` ("this does not
    look like a squat: it looks more like a leg raise"), or None when it is the exercise
    (or nothing can be said)."""
    other = looks_like(rejected, kept=kept)
    if not kept:
        other = what_else(sig, other)
    if other == KINDS.get(exercise):     # "not a squat: it looks like a squat" says nothing
        return None
    return f"this does not look like a {exercise}: it looks more like {other}" if other else None


def looks_like(rejected: list, *, kept: int) -> str | None:
    """What the clip shows instead ("a leg raise", ...) when the rejected candidates are
    all of one kind and outnumber the kept reps; None otherwise. Bending forward mixed
    with "hips up" (shallower bends, or knee-estimate wobbles while standing between
    bends) is bending forward: in both the hips stayed up, and a trunk tilted past
    ``STOOP_MIN_TILT`` says why."""
    if not rejected or len(rejected) <= MIN_SHARE_FOR_CALL * 2 * kept:
        return None
    kinds = {k for _, k in rejected}
    if kinds == {"stoop", "hips_up"}:
        kinds = {"stoop"}
    if kept or len(kinds) != 1:
        return None
    return KINDS[kinds.pop()]


def rejected_text(rejected: list, exercise: str) -> str:
    """A warning naming how many candidates were not counted and why."""
    kinds = sorted({KINDS[k] for _, k in rejected})
    return (f"{len(rejected)} movement(s) were not counted as a {exercise}: they looked like "
            f"{' or '.join(kinds)}")
