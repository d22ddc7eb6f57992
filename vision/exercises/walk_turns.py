"""Walking turns and steps seen from the front (used by :mod:`vision.exercises.walk`).

A walker turning round flips the way the feet point in a side view (:func:`turn_times`) and
the left-right order of the shoulders in a front view (:func:`facing_turns`). Seen from the
front, behind or a steep oblique, steps are counted from each foot's 2-D image motion
(:func:`front_steps`) but their heels are not judged. Times in seconds, lengths in foot
lengths, frame indices are rows of :class:`vision.pose.signals.Signals`.
"""

from __future__ import annotations

import warnings

import numpy as np

from vision.exercises.walk_steps import (
    MIN_STEP_FOOT_FRONT,
    TURN_GUARD_S,
    TURN_HOLD_S,
    TURN_SMOOTH_S,
    Step,
    _foot_signals,
    _merge_swings,
    _rolling_median,
    _swings,
)
from vision.pose.posture import FOOT_TO_SHANK, shank_length
from vision.pose.signals import Signals
from vision.pose.trace import L_HIP, L_SHOULDER, R_HIP, R_SHOULDER, SIDE_IDX, Trace


def turn_times(sig: Signals) -> list[float]:
    """Times (s) where the walker turns round: the direction the feet point (foot index x
    minus heel x, both feet, rolling median) changes sign and holds for 0.5 s each side."""
    d = []
    for side in ("left", "right"):
        i = SIDE_IDX[side]
        d.append(sig.p(i["toe"])[:, 0] - sig.p(i["heel"])[:, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        point = np.nanmean(np.stack(d), axis=0)
    return _sign_flips(point, sig)


def facing_turns(sig: Signals) -> list[float]:
    """Times (s) where a walker seen from the front or behind turns round: the left-right
    order of the shoulders (hips where the shoulders are unseen) in the picture flips and
    holds for ``TURN_HOLD_S`` each side (rolling median over ``TURN_SMOOTH_S``)."""
    order = sig.p(L_SHOULDER)[:, 0] - sig.p(R_SHOULDER)[:, 0]
    order = np.where(np.isfinite(order), order, sig.p(L_HIP)[:, 0] - sig.p(R_HIP)[:, 0])
    return _sign_flips(order, sig)


def _sign_flips(x: np.ndarray, sig: Signals) -> list[float]:
    """Times (s) where the sign of ``x`` (rolling median over ``TURN_SMOOTH_S``) changes
    and holds for ``TURN_HOLD_S`` each side."""
    sgn = np.sign(_rolling_median(x, max(int(TURN_SMOOTH_S * sig.fps), 1)))
    segs = []   # runs of constant sign over the finite frames
    for j in np.flatnonzero(np.isfinite(sgn) & (sgn != 0)):
        if segs and segs[-1][2] == sgn[j]:
            segs[-1][1] = j
        else:
            segs.append([j, j, sgn[j]])
    segs = [g for g in segs if g[1] - g[0] >= TURN_HOLD_S * sig.fps]
    return [float(sig.t_s[(a[1] + b[0]) // 2])
            for a, b in zip(segs[:-1], segs[1:], strict=True) if a[2] != b[2]]


def front_steps(sig: Signals, trace: Trace) -> list[Step]:
    """Steps seen from the front, behind or a steep oblique (counted, not judged): a
    contact ends each swing of the foot's image position (2-D speed, foot length from the
    shank as the foot is foreshortened) that moved it at least ``MIN_STEP_FOOT_FRONT``
    foot lengths. Swings within ``TURN_GUARD_S`` of a turn (:func:`facing_turns`) are the
    turn's shuffles, not steps."""
    steps = []
    turns = np.array(facing_turns(sig))
    for side in ("left", "right"):
        L = FOOT_TO_SHANK * shank_length(sig, side)
        if not (np.isfinite(L) and L > 0):
            continue
        f = _foot_signals(sig, trace, side, L)
        swings = _merge_swings(_swings(f["planar"], sig.fps), sig.fps)
        for k, (a, b) in enumerate(swings):
            if b >= len(sig) - 2 or (turns.size and np.min(np.abs(turns - sig.t_s[b])) < TURN_GUARD_S):
                continue
            disp = float(np.hypot(*(f["c"][b] - f["c"][a]))) / L
            if disp >= MIN_STEP_FOOT_FRONT:
                off = swings[k + 1][0] if k + 1 < len(swings) else len(sig) - 1
                steps.append(Step(side=side, contact_s=float(sig.t_s[b]),
                                  off_s=float(sig.t_s[off]), contact_i=b, off_i=off,
                                  initial_contact="unknown", contact_heel_frac_foot=np.nan,
                                  stance_heel_frac_foot=np.nan, stride_frac_foot=disp,
                                  tiptoe=False))
    return sorted(steps, key=lambda st: st.contact_s)
