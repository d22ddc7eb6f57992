"""Heel raise (calf raise) analysis: reps, peak heel rise and hold time at the top.

Method
------
Heel rise is measured in foot lengths (heel -> foot index distance) above the resting
position: the heel's height above the foot index along the image vertical and the heel's
own height, each against a baseline from nearby resting frames; the smaller counts
(:func:`vision.exercises.common.heel_rise_frac_foot`). When both feet are seen well their
mean is used and the lower heel must reach ``BOTH_FEET_SHARE`` of it, so lifting one foot
(ankle circles, a step) is not a raise; otherwise the better-seen foot alone.

Reps. A raise begins when the heels rise past ``ENTER_FRAC_FOOT`` and **ends only when
the heels are back at the floor**: the rise falls below ``min(floor, LEAVE_SHARE x the
peak)`` -- ``floor`` is ``LEAVE_FRAC_FOOT``, or ``NOISE_K`` times the noise of the rise if
larger (robust noise estimate, :func:`rise_noise`, capped below the entry level) -- and
stays under half the peak for at least ``MIN_DIP_S`` (0.25 s). Lowering the heels to the
floor and rising again takes that long even when done briskly; a dip that stays well above
the floor (the heels sinking a little, a wobble) or a one- or two-frame tracker glitch
does not, so it stays part of the same rep. "Back at the floor" is read on the measure
that reads higher (the heel's height above the toe or its own height, 4 Hz low-pass) so
one landmark jittering down does not end a raise, while the rise itself (both measures
agree, 2 Hz) must reach ``MIN_PEAK_FRAC_FOOT``; a rep lasts at least ``MIN_REP_S``. A
raise begun during a short dropout (at most 0.5 s) right after the heels were seen down
counts as seen from rest.

A rep must also lift the body: the hips by ``MIN_HIP_SHARE`` to ``MAX_HIP_SHARE`` of the heel rise, and the hips and
the ankle together by ``MIN_BODY_SHARE`` of it. Rising on the toes turns the foot about the
ball, so the ankle rises by 0.5-0.85 of the heel rise (its distance to the ball over the
heel's, less the drop of its height above the heel as the foot tilts), and the hips by less
than the ankle the higher the rise, because the body leans forward to keep its weight over
the ball (0.3-0.8 of the heel rise measured; a fixed "about 0.8" missed high rises). Ankle
circles turn the foot about the ankle (neither rises much), a lifted foot leaves the hips
still, standing up lifts them far more. The toes must stay down (rise at most ``MAX_TOE_SHARE`` of the heel rise
+ 0.05 foot lengths). The hold is the time the heel stays at or above ``HOLD_SHARE`` of the
rep's peak (after a 1.5 Hz low-pass).

Heel lift during the hold (fault ``heel_lift``, DESIGN.md). Read here as *the heels sinking
while they should be held up*: inside one raise (the heels never back at the floor, see
above), after a hold of at least ``SAG_MIN_HOLD_S`` at
``HOLD_SHARE`` of the peak so far, the rise (read like "back at the floor", then a 3 Hz
low-pass) falls below ``SAG_SHARE`` (50 %)
of that peak for more than ``SAG_MIN_S`` (0.3 s) and then comes back up to ``HOLD_SHARE`` of
it. The final fall that does not come back is the planned lowering, not a fault. Such a
raise is one rep (``ok`` False). Limits: the analysis cannot know the plan, so two raises
done back to back without the heels reaching the floor read as one raise (that sagged,
when there was a real hold before the dip).
Any view works (side, front, rear, oblique) as long as the feet are in the picture; the
hips need not be (a legs-only close-up): the hip checks are then skipped.

Noisy heels: when the heel points jitter so much that a heel down cannot be told from up
(``NOISE_K`` times :func:`rise_noise` above ``MAX_FLOOR_SHARE`` of ``ENTER_FRAC_FOOT``),
raises are counted (on the body's rise when it is seen) but no height is given (the
largest swing of the jitter would read as the peak: 15-35 % high) and the hold is not
judged for sinking; each such raise gets an unclear ``heel_rise`` entry and the report a
warning. A sag whose depth cannot be read (heels unseen) is unclear, never a fault.

When no raise has a heel height (every one noisy, unseen or read impossibly high) and
no fault was found, the verdict is "can't tell" (insufficient_data, with the reason and the
raises kept; :func:`vision.exercises.common.verdict_without_evidence`), never "good".

Pixel witness: each raise is checked by :func:`vision.exercises.heel_check.heel_run` on
the better-seen foot; when the trace carries pixel heel measures and they contradict the
landmarks, the raise is not counted and is reported as unclear ("can't tell").

Plausibility: a heel rise above ``MAX_RISE_FRAC_FOOT`` (0.6 foot lengths, full tiptoe) is a
wrong pose, not a heel: those frames are dropped and counted, and when they are most of the
clip the answer is "can't tell". A raise in which the knees bend by more than
:data:`vision.exercises.recognise.HEEL_RAISE_MAX_KNEE_BEND_DEG` is a squat, not a raise.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from vision.exercises import common as C
from vision.exercises import heel_raise_body as B
from vision.exercises import recognise as R
from vision.exercises.heel_check import heel_run
from vision.exercises.heel_raise_reps import (
    ENTER_FRAC_FOOT,
    FLOOR_CUTOFF_HZ,
    HOLD_SHARE,
    LEAVE_FRAC_FOOT,
    MAX_FLOOR_SHARE,
    NOISE_K,
    SAG_SHARE,
    find_raises,
    hold_sags,
    rise_noise,
)
from vision.exercises.plausibility import MAX_DROPPED_FRAC, gate_values
from vision.exercises.report import Evidence, ExerciseReport, Fault, Rep, Unclear, split_confident
from vision.pose.posture import choose_foot, heel_above_toe_frac_foot
from vision.pose.signals import Signals, runs, smooth_zero_phase
from vision.pose.trace import Trace

MIN_HIP_SHARE = 0.2      # the mid-hip must rise by this share of the heel rise
MIN_BODY_SHARE = 0.75    # hip rise + ankle rise must reach this share of the heel rise
MAX_HIP_SHARE = 2.5      # ... and by no more than this share (+ 0.1 foot lengths)
BOTH_FEET_SHARE = 0.5    # with both feet seen, the lower heel must reach this share of the mean
MAX_TOE_SHARE = 0.5      # the toes may rise by at most this share of the heel rise (+0.05)
HOLD_CUTOFF_HZ = 1.5     # low-pass before timing the hold, so jitter does not cut it
LOW_RISE_FRAC_FOOT = 0.15
RISE_CUTOFF_HZ = 2.0     # low-pass of the heel-rise signal (common.heel_rise_frac_foot)
MIN_REST_RUN_S = 0.2     # resting frames count for the baseline in runs at least this long
MAX_RISE_FRAC_FOOT = 0.6  # a heel cannot rise more than this (full tiptoe): wrong pose
ANKLE_MIN_SHARE = 0.5     # rising on the toes lifts the ankle by at least this share of the heel
MIN_HEEL_SEEN_SHARE = 0.5  # a raise whose heels are seen in less of its frames: body only
REP_GATED_MAX_SHARE = 0.1  # a rep with more of its frames above that has no height
FILM_ADVICE = ("film from the side or from behind, both feet and the floor in view, the "
               "camera at ankle to knee height")
EXERCISE = "heel-raise"


def _rest_mask(sig: Signals, side: str, foot_len: float) -> np.ndarray:
    """Frames where this heel is down: the heel-above-toe height within 0.05 foot lengths
    of its low (15th percentile) level."""
    rel = smooth_zero_phase(heel_above_toe_frac_foot(sig, side, foot_len), fps=sig.fps, cutoff_hz=2.0)
    if not np.isfinite(rel).any():
        return np.zeros(len(sig), bool)
    return rel - np.nanpercentile(rel, 15) < LEAVE_FRAC_FOOT


class Rise(NamedTuple):
    """Heel-rise signals of :func:`rise_signal`, in foot lengths per frame."""

    mean: np.ndarray    # mean over the feet used of each foot's rise (both measures agree)
    low: np.ndarray     # the lower foot's rise
    top: np.ndarray     # mean over the feet of the larger of the two measures (down again
                        # only when both say so)
    feet: list[str]
    foot_len: dict
    rest: np.ndarray    # frames with every heel used down


def rise_signal(sig: Signals) -> Rise:
    """Heel rise in foot lengths over the feet used (both when both are seen well, else the
    better-seen one); with one foot ``mean`` and ``low`` are the same."""
    fc = choose_foot(sig)
    feet = [s for s in ("left", "right") if fc.reliable[s]] or ([fc.side] if fc.side else [])
    if not feet:
        nan = np.full(len(sig), np.nan)
        return Rise(nan, nan, nan, [], {}, np.zeros(len(sig), bool))
    rest = np.ones(len(sig), bool)
    for s in feet:
        rest &= _rest_mask(sig, s, fc.foot_length[s])
    for a, b in runs(rest):     # a frame or two of 'rest' inside a raise is noise: the
        if (b - a) / sig.fps < MIN_REST_RUN_S:      # baseline would be pulled up to it
            rest[a:b] = False
    rises, tops = (np.stack([C.heel_rise_frac_foot(sig, s, fc.foot_length[s], rest=rest,
                                                   cutoff_hz=cut, agree=agree)
                             for s in feet])
                   for agree, cut in (("min", RISE_CUTOFF_HZ), ("max", FLOOR_CUTOFF_HZ)))
    seen = np.isfinite(rises)
    count = seen.sum(axis=0)
    # one foot unseen for a moment: the other speaks alone; neither: NaN
    mean, top = (np.where(count > 0, np.where(seen, x, 0).sum(axis=0) / np.maximum(count, 1),
                          np.nan) for x in (rises, tops))
    low = np.where(count > 0, np.where(seen, rises, np.inf).min(axis=0), np.nan)
    return Rise(mean, low, top, feet, fc.foot_length, rest)


def _hip_rise(sig: Signals, rest: np.ndarray, foot_len: float) -> np.ndarray:
    """(n,) rise of the mid-hip (either hip when one is unseen) in foot lengths."""
    lh, rh = sig.side("left", "hip")[:, 1], sig.side("right", "hip")[:, 1]
    hip = np.where(np.isfinite(lh) & np.isfinite(rh), (lh + rh) / 2, np.fmax(lh, rh))
    up = -hip / foot_len
    return up - C.local_baseline(up, rest, fps=sig.fps)


def _part_rise(sig: Signals, side: str, part: str, rest: np.ndarray,
               foot_len: float) -> np.ndarray:
    """(n,) rise of one landmark above its resting height, in foot lengths."""
    up = -sig.side(side, part)[:, 1] / foot_len
    return up - C.local_baseline(up, rest, fps=sig.fps)


def _toe_rise(sig: Signals, side: str, rest: np.ndarray, foot_len: float) -> np.ndarray:
    """(n,) rise of the foot index above its resting height, in foot lengths."""
    return _part_rise(sig, side, "toe", rest, foot_len)


def analyse(trace: Trace, **options) -> ExerciseReport:
    """Analyse a heel-raise trace.

    Options: ``min_visibility``, ``cutoff_hz`` (see :func:`prepare`). Rep metrics:
    ``peak_heel_rise_pct_foot``, ``hold_s``. Overall: ``reps``, ``peak_heel_rise_pct_foot``
    (highest rep), ``mean_hold_s``, ``hold_s`` (list per rep).
    """
    n, fps = len(trace), float(trace.fps)
    opened = C.prepare_checked(EXERCISE, trace, options, parts=(), need_feet=True,
                               lying=False,
                               wrong_posture="this looks like an exercise lying down, not a "
                                             "heel raise (heel raises are done standing)",
                               segments=("shank", "foot"), needed=(("ankle", "heel", "toe"),))
    if isinstance(opened, ExerciseReport):
        return opened
    sig, view = opened.sig, opened.view
    rs = rise_signal(sig)
    rise, low, feet, flen, rest = rs.mean, rs.low, rs.feet, rs.foot_len, rs.rest
    if not feet:
        return C.insufficient(EXERCISE, sig, fps, n, f"the feet are not visible: {FILM_ADVICE}",
                              view=view)
    seen_before = np.isfinite(rise).sum()
    rise, over = gate_values(rise, MAX_RISE_FRAC_FOOT)
    gated = np.isfinite(rs.mean) & ~np.isfinite(rise)      # dropped as impossible
    low = np.where(gated, np.nan, low)
    top_sig = np.where(gated, np.nan, rs.top)   # the higher reading is not gated on its own
    if seen_before and over / seen_before > MAX_DROPPED_FRAC:
        return C.insufficient(EXERCISE, sig, fps, n, "can't tell from this video: the heel "
                              f"rise read in {100 * over / seen_before:.0f} % of the frames is "
                              "more than a heel can rise (the tracker lost the feet); "
                              + FILM_ADVICE, view=view, metrics={"implausible_frames": over})
    hip_up = _hip_rise(sig, rest, float(np.mean([flen[s] for s in feet])))
    toe_up = [_toe_rise(sig, s, rest, flen[s]) for s in feet]
    ankle_up = [_part_rise(sig, s, "ankle", rest, flen[s]) for s in feet]
    ankle_up = [a for a in ankle_up if np.isfinite(a).any()]
    noise = rise_noise(sig, feet, flen)
    found, sags = find_raises(rise, fps, noise=noise, top=top_sig)
    # heels this noisy cannot tell a raise from a wobble, nor a heel down from up
    heels_clean = NOISE_K * noise <= MAX_FLOOR_SHARE * ENTER_FRAC_FOOT
    # the body seen: raises are counted from its rise (steadier than heel points), each
    # checked on the heels where they are seen (heel_raise_body)
    if not heels_clean:
        sags = {}       # a jitter dip is no sag: the hold is not judged on such heels
    body = B.body_raises(sig, float(np.mean([flen[s] for s in feet])))
    if body.parts:
        found, sags = B.merge_with_heels(body, found if heels_clean else [], sags, fps)
        for r in found if heels_clean else ():
            dips = hold_sags(top_sig[r.start:r.end + 1], fps)
            if dips and (r.start, r.end) not in sags:
                sags[(r.start, r.end)] = [(r.start + a, r.start + b) for a, b in dips]
    reps, faults, rejected, unclear = [], [], [], []
    for r in found:
        kind = R.heel_raise_kind(sig, r.start, r.end)
        if kind:
            rejected.append((r, kind))
            continue
        seg = rise[r.start:r.end + 1]
        heels_seen = np.isfinite(seg).mean() >= MIN_HEEL_SEEN_SHARE
        if body.parts and not heels_seen:       # counted from the body alone
            reps.append(_body_only_rep(sig, body, r, unclear))
            continue
        peak = C.sustained_max(seg, fps=fps, min_s=0.1)
        ank = np.nanmin([C.sustained_max(a[r.start:r.end + 1], fps=fps, min_s=0.1)
                         for a in ankle_up]) if ankle_up else np.nan
        # noisy heels cannot veto a raise the body shows (nor split it)
        if (heels_clean or not body.parts) and _heels_veto(
                r, peak, ank, body.rise if body.parts else hip_up, low, toe_up, fps,
                by_body=bool(body.parts)):
            continue
        witness = heel_run(sig, opened.trace, feet[0], rise, r.start, r.end,
                           lift_frac=ENTER_FRAC_FOOT, down_frac=LEAVE_FRAC_FOOT,
                           max_rise_frac=MAX_RISE_FRAC_FOOT)
        if witness.state == "unclear" and witness.reason == "disagree":
            unclear.append(Unclear("heel_raise", C.frames_to_s(sig, r.start),
                                   C.frames_to_s(sig, r.end),
                                   "Can't tell from this video whether the heels rose here: the "
                                   "heel landmarks and the picture disagree.", 0.0))
            continue    # the pixels saw the heels down: not counted, never a number
        calm = smooth_zero_phase(seg, fps=fps, cutoff_hz=HOLD_CUTOFF_HZ)
        hold = float(np.sum(calm >= HOLD_SHARE * np.nanmax(calm)) / fps)
        sank = [_sag_fault(sig, a, b, rise, feet) for a, b in sags.get((r.start, r.end), [])]
        unclear += [u for u in sank if isinstance(u, Unclear)]
        sank, _low = split_confident([f for f in sank if isinstance(f, Fault)])
        sank = list(sank)
        unclear += _low
        faults += sank
        # frames read higher than a heel can rise inside the rep: the pose was wrong there,
        # so the rep's height is not known (counted, but no number)
        # a foot turning about its ball lifts the ankle by at least ANKLE_MIN_SHARE of the
        # heel; a heel read higher than that is the heel landmark creeping up towards the
        # ankle (the shank leaning forward), not the heel: its height is not known
        over_ankle = np.isfinite(ank) and peak > ank / ANKLE_MIN_SHARE
        if not heels_clean:     # the peak of such a jitter reads high (its largest swing)
            unclear.append(_noisy_heels_unclear(sig, r, noise))
            peak = float("nan")
        elif over_ankle or gated[r.start:r.end + 1].mean() > REP_GATED_MAX_SHARE:
            unclear.append(Unclear("heel_rise", C.frames_to_s(sig, r.start),
                                   C.frames_to_s(sig, r.end),
                                   "Can't tell how high the heels rose here: "
                                   + ("the heel points rose far more than the ankles, which a "
                                      "foot rising onto its toes cannot do." if over_ankle else
                                      "part of this raise reads higher than a heel can rise (the "
                                      "tracker lost the feet)."), 0.0))
            peak = float("nan")
        reps.append(Rep(C.frames_to_s(sig, r.start), C.frames_to_s(sig, r.end), ok=not sank,
                        faults=("heel_lift",) if sank else (),
                        metrics={"peak_heel_rise_pct_foot": C.round_or_none(100 * peak, 1),
                                 "hold_s": round(hold, 2),
                                 "peak_heel_rise_pct_foot_pixels":
                                     C.round_or_none(100 * witness.value_frac)
                                     if witness.reason in ("agree", "pixels") else None}))
    warnings = [] if len(feet) == 2 else [f"heels checked on the {feet[0]} foot only"]
    if reps and not heels_clean:
        warnings.append("the heel points jitter too much to measure the heels: raises "
                        "counted, their height and any sinking during the hold not checked; "
                        + FILM_ADVICE)
    if rejected:
        warnings.append(R.rejected_text(rejected, "heel raise"))
    other = R.not_this_reason(sig, rejected, len(reps), "heel raise")
    if other:
        return C.not_this(EXERCISE, sig, fps, n, other, view=view,
                          warnings=tuple(warnings))
    if not reps:
        return C.insufficient(EXERCISE, sig, fps, n, "no heel raise was found: the heels did "
                              f"not rise by {100 * ENTER_FRAC_FOOT:.0f}% of the foot length; "
                              f"if they did, {FILM_ADVICE}", view=view, warnings=tuple(warnings))
    peaks = [r.metrics["peak_heel_rise_pct_foot"] for r in reps
             if r.metrics["peak_heel_rise_pct_foot"] is not None]
    holds = [r.metrics["hold_s"] for r in reps]
    if peaks and max(peaks) < 100 * LOW_RISE_FRAC_FOOT:
        warnings.append("the heels rose only a little; rise higher onto the toes")
    metrics = {"reps": len(reps), "peak_heel_rise_pct_foot": max(peaks) if peaks else None,
               "mean_hold_s": round(float(np.mean(holds)), 2), "hold_s": holds,
               "heel_sides": feet, "implausible_frames": opened.dropped + over,
               "not_counted": len(rejected)}
    faults = C.merge_faults(faults)
    # the heels' height is the evidence: a clip where it was read on no raise (every heel
    # reading jittered, or the heels went unseen) is "can't tell", never "good"
    verdict = C.verdict_without_evidence(reps, faults, judged=len(peaks))
    reason = None
    if verdict == "insufficient_data":
        reason = _no_height_reason(heels_clean, noise)
        warnings.append(reason)
    return ExerciseReport(exercise=EXERCISE, frames=n, fps=fps, view=view.view,
                          verdict=verdict, reps=tuple(reps), faults=faults, metrics=metrics,
                          warnings=tuple(warnings), unclear=tuple(unclear), reason=reason)


def _no_height_reason(heels_clean: bool, noise: float) -> str:
    """Why the heels were judged on no raise (``noise``: the rise's jitter, foot lengths),
    with the filming advice."""
    why = (f"the heel points jitter by about {100 * noise:.0f} % of the foot length, too much "
           "to read a heel from" if not heels_clean else
           "the heels were unseen, or read higher than a heel can rise, in every raise")
    return (f"can't tell how high the heels rose or whether they stayed up: {why}; the raises "
            f"are counted; {FILM_ADVICE}")


def _heels_veto(r, peak: float, ank: float, hip_up: np.ndarray, low: np.ndarray,
                toe_up: list, fps: float, *, by_body: bool) -> bool:
    """True when the heels and feet say raise ``r`` is not a heel raise (module notes): the
    heels, seen, stayed down while the body rose (``by_body``: found on the body's rise);
    the hips (or body) rose too little or too much for the heels; the foot turned about the
    ankle or one heel only rose (raises found on the heels alone); the toes left the floor
    too."""
    if by_body and not peak >= ENTER_FRAC_FOOT:
        return True
    hip = C.sustained_max(hip_up[r.start:r.end + 1], fps=fps, min_s=0.1)
    if np.isfinite(hip) and not MIN_HIP_SHARE * peak <= hip <= MAX_HIP_SHARE * peak + 0.1:
        return True     # one foot lifted (hips still), or standing up / jumping (hips fly)
    # a raise the body shows is no ankle circle nor a lifted foot (neither lifts the body):
    # those checks are for raises found on the heels alone
    if not by_body and np.isfinite(hip) and np.isfinite(ank) and hip + ank < MIN_BODY_SHARE * peak:
        return True     # the foot turned about the ankle (ankle circles), the body stayed
    if not by_body and C.sustained_max(low[r.start:r.end + 1], fps=fps,
                                       min_s=0.1) < BOTH_FEET_SHARE * peak:
        return True     # only one heel rose: a lifted foot, not a heel raise
    # the toes of every foot used left the floor too (a jump, a lifted foot). One foot's
    # toe alone does not veto (a lifted foot is caught above; a far toe is often guessed)
    toe = np.nanmin([C.sustained_max(t[r.start:r.end + 1], fps=fps, min_s=0.1) for t in toe_up])
    return bool(np.isfinite(toe) and toe > MAX_TOE_SHARE * peak + 0.05)


def _body_only_rep(sig: Signals, body: B.BodyRaises, r, unclear: list) -> Rep:
    """A raise counted from the body's rise where the heels were not seen: timed (the hold
    on the body's rise) but with no heel height; an "unclear" entry says why."""
    t0, t1 = C.frames_to_s(sig, r.start), C.frames_to_s(sig, r.end)
    seg = body.rise[r.start:r.end + 1]
    calm = smooth_zero_phase(seg, fps=sig.fps, cutoff_hz=HOLD_CUTOFF_HZ)
    hold = float(np.sum(calm >= HOLD_SHARE * np.nanmax(calm)) / sig.fps)
    unclear.append(Unclear("heel_rise", t0, t1, "Counted from the body rising; can't tell how "
                           "high the heels rose here: they are not seen. "
                           + FILM_ADVICE.capitalize()
                           + ".", 0.0))
    return Rep(t0, t1, ok=True, metrics={"peak_heel_rise_pct_foot": None, "hold_s": round(hold, 2),
                                         "peak_heel_rise_pct_foot_pixels": None})


def _sag_fault(sig: Signals, a: int, b: int, rise: np.ndarray,
               feet: list[str]) -> Fault | Unclear:
    """The sag ``a``..``b`` (half-open rows) as a fault: evidence is the lowest rise in it
    as a share of the peak before it, against ``SAG_SHARE``; unclear (never a fault) when
    that share cannot be read."""
    from vision.pose.trace import SIDE_IDX
    start, end = C.frames_to_s(sig, a), C.frames_to_s(sig, b - 1)
    before = rise[max(a - int(2 * sig.fps), 0):a]
    peak = float(np.nanmax(before)) if np.isfinite(before).any() else float("nan")
    share = float(np.nanmin(rise[a:b]) / peak) if peak > 0 and np.isfinite(rise[a:b]).any() else float("nan")
    cols = [SIDE_IDX[s][p] for s in feet for p in ("heel", "toe")]
    if not np.isfinite(share):      # the heels unseen in the dip or before it: no evidence
        return Unclear("heel_lift", start, end, "Can't tell whether the heels sank during the "
                       "hold here: they are not seen well enough. " + FILM_ADVICE.capitalize()
                       + ".", 0.0)
    quality = C.visibility_quality(sig, cols, a, b - 1)
    return Fault(code="heel_lift", side="both", start_s=start, end_s=end,
                 message=f"The heels sank during the hold ({end - start:.1f} s below half the "
                         "height): keep them up until it is time to lower them.",
                 confidence=C.confidence(share, SAG_SHARE, below=True, quality=quality),
                 evidence=Evidence(100 * share, 100 * SAG_SHARE,
                                   C.source_frames(sig, a, b - 1), "% of the peak rise"))


def _noisy_heels_unclear(sig: Signals, r, noise: float) -> Unclear:
    """The "can't tell" entry of a raise counted while the heel points jitter by ``noise``
    (foot lengths, std of the rise signal): no height, no hold check."""
    return Unclear("heel_rise", C.frames_to_s(sig, r.start), C.frames_to_s(sig, r.end),
                   "Counted; can't tell how high the heels rose here, nor whether they stayed "
                   f"up: the heel points jitter by about {100 * noise:.0f} % of the foot "
                   "length, too much to read a heel from. " + FILM_ADVICE.capitalize() + ".",
                   0.0)
