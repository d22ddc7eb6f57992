"""Heel-raise rep finding on the heel-rise signal (foot lengths): raises that end only when
the heels are back at the floor, the noise of the rise, and sags during the hold.

See :mod:`vision.exercises.heel_raise` for the method. Fractions are of the foot length
(heel -> foot index), times in seconds.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from vision.exercises import common as C
from vision.pose.posture import heel_above_toe_frac_foot
from vision.pose.signals import Signals, runs, smooth_zero_phase

ENTER_FRAC_FOOT = 0.10   # heel rise that starts a rep (fraction of the foot length)
LEAVE_FRAC_FOOT = 0.05   # ... and back below this ends it
MIN_PEAK_FRAC_FOOT = 0.12  # a rep must peak at least this high (a jitter blip does not)
MIN_REP_S = 0.3
HOLD_SHARE = 0.8         # hold = time at >= 80 % of the rep's peak rise
SAG_SHARE = 0.5          # heels sinking below this share of the peak during a hold ...
SAG_MIN_S = 0.3          # ... for longer than this is a heel_lift fault
SAG_MIN_HOLD_S = 0.3     # only after a hold this long at HOLD_SHARE (not a bounce)
SAG_CUTOFF_HZ = 3.0
FLOOR_CUTOFF_HZ = 4.0    # ... of the one that tells the heels back at the floor (a 2 Hz
                         # low-pass fills in a quick touch of the floor)
LEAVE_SHARE = 0.35       # back at the floor: below this share of the rep's peak ...
NOISE_K = 3.0            # ... and below LEAVE_FRAC_FOOT or NOISE_K noise std, if larger ...
MAX_FLOOR_SHARE = 0.8    # ... (at most this share of ENTER_FRAC_FOOT) ...
MIN_DIP_S = 0.25         # ... with the heels under half the peak for at least this long
C_MAX_GAP_S = 0.5        # a dropout longer than this separates two raises


def find_raises(rise: np.ndarray, fps: float, *, noise: float = 0.0,
                top: np.ndarray | None = None) -> tuple[list[C.RepInterval], dict]:
    """Raises of the heel-rise signal (foot lengths) and the sags found in them.

    ``noise`` is the standard deviation of the rise's noise (foot lengths, see
    :func:`rise_noise`); ``top`` the rise by the measure that reads higher (``Rise.top``;
    default ``rise``), which must come down too for the heels to be back at the floor.
    Returns the reps (see the module notes: a rep ends only when the
    heels are back at the floor) and ``{(start, end): [(a, b), ...]}`` frame runs where a
    rep's heels sank during its hold.
    """
    floor_abs = min(max(LEAVE_FRAC_FOOT, NOISE_K * noise), MAX_FLOOR_SHARE * ENTER_FRAC_FOOT)
    down = rise if top is None else top
    ups = C.hysteresis_reps(down, enter=ENTER_FRAC_FOOT, leave=floor_abs, fps=fps,
                            direction="above", min_duration_s=0.0, baseline=0.0, edges=True,
                            split_frac=None)
    merged: list[C.RepInterval] = []
    for r in ups:
        if merged and not _back_at_floor(down, merged[-1], r, fps, floor_abs):
            merged[-1] = _join(merged[-1], r)
        else:
            merged.append(r)
    found = [r for r in merged if r.complete and (r.end - r.start) / fps >= MIN_REP_S
             and np.nanmax(rise[r.start:r.end + 1], initial=-np.inf) >= MIN_PEAK_FRAC_FOOT]
    sags = {}
    for r in found:
        dips = hold_sags(down[r.start:r.end + 1], fps)
        if dips:
            sags[(r.start, r.end)] = [(r.start + a, r.start + b) for a, b in dips]
    return found, sags


def _back_at_floor(rise: np.ndarray, a: C.RepInterval, b: C.RepInterval, fps: float,
                   floor_abs: float) -> bool:
    """True when the heels came back to the floor between the peaks of raises ``a`` and
    ``b``: below ``min(floor_abs, LEAVE_SHARE * peak)`` (peak = the lower of the two) and
    under half that peak for at least ``MIN_DIP_S``. A long dropout also separates them."""
    seg = rise[a.peak:b.peak + 1]
    ok = np.isfinite(seg)
    gaps = [q - p for p, q in runs(~ok)]
    if not ok.any() or (gaps and max(gaps) / fps > C_MAX_GAP_S):
        return True
    peak = min(np.nanmax(rise[a.start:a.end + 1]), np.nanmax(rise[b.start:b.end + 1]))
    low = float(np.nanmin(seg))
    under_half = np.sum(seg[ok] < 0.5 * peak) / fps
    return low < min(floor_abs, LEAVE_SHARE * peak) and under_half >= MIN_DIP_S


def _join(a: C.RepInterval, b: C.RepInterval) -> C.RepInterval:
    """One raise made of ``a`` and the following ``b`` (the heels never reached the floor)."""
    top = a if a.extreme >= b.extreme else b
    return C.RepInterval(start=a.start, end=b.end, peak=top.peak, extreme=top.extreme,
                         amplitude=top.amplitude, complete=a.complete and b.complete)


def rise_noise(sig: Signals, feet: list[str], foot_len: dict) -> float:
    """Standard deviation (foot lengths) of the frame-to-frame noise left in the heel-rise
    signal after its smoothing, estimated robustly from the unsmoothed heel-above-toe
    height: the median absolute second difference (motion at a few Hz barely shows in it),
    scaled to a standard deviation (/ 0.6745 / sqrt(6)) and by the noise gain of the
    ``FLOOR_CUTOFF_HZ`` low-pass; averaged over the feet used (their mean is the rise)."""
    sigmas = []
    for s in feet:
        raw = heel_above_toe_frac_foot(sig, s, foot_len[s], smoothed=False)
        d2 = np.diff(raw, 2)
        d2 = d2[np.isfinite(d2)]
        if d2.size >= 10:
            sigmas.append(float(np.median(np.abs(d2))) / 0.6745 / np.sqrt(6))
    if not sigmas:
        return 0.0
    return float(np.mean(sigmas)) * _noise_gain(sig.fps) / np.sqrt(len(sigmas))


@lru_cache(maxsize=16)
def _noise_gain(fps: float) -> float:
    """Factor by which the rise's zero-phase low-pass scales white noise's std."""
    n = int(8 * fps) + 1
    impulse = np.zeros(n)
    impulse[n // 2] = 1.0
    return float(np.sqrt(np.sum(smooth_zero_phase(impulse, fps=fps, cutoff_hz=FLOOR_CUTOFF_HZ) ** 2)))


def hold_sags(seg: np.ndarray, fps: float) -> list[tuple[int, int]]:
    """Half-open frame runs of one raise's rise ``seg`` where the heels sank during the
    hold: below ``SAG_SHARE`` of the peak so far for more than ``SAG_MIN_S``, after at least
    ``SAG_MIN_HOLD_S`` at ``HOLD_SHARE`` of it, and back up to ``HOLD_SHARE`` of it later."""
    ok = np.isfinite(seg)
    if ok.sum() < 4:
        return []
    x = np.interp(np.arange(len(seg)), np.flatnonzero(ok), seg[ok])
    x = smooth_zero_phase(x, fps=fps, cutoff_hz=SAG_CUTOFF_HZ)
    peak = np.maximum.accumulate(x)
    out = []
    for a, b in runs(x < SAG_SHARE * peak):
        p = peak[a]
        held = np.sum(x[:a] >= HOLD_SHARE * p) / fps
        back = b < len(x) and np.any(x[b:] >= HOLD_SHARE * p)
        if (b - a) / fps > SAG_MIN_S and held >= SAG_MIN_HOLD_S and back:
            out.append((a, b))
    return out
