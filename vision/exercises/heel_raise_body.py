"""Heel raises counted from the body's rise, for when the heels are hidden or noisy.

Rising onto the toes turns the foot about its ball and lifts everything above the ankle by
0.5-1 times the heel's rise (the ankle's distance to the ball over the heel's; the body
leans a little over the ball), with the knees straight. So the shoulders, hips and knees
rise together and by the same amount, which the tracker reads far more steadily than a
heel point next to the floor: 15-30 landmark pixels of body move for 3-8 pixels of heel.

:func:`body_rise` is the median rise, over the seen mid-shoulder, mid-hip and mid-knee, of
each above its resting height (frames near its low level), in foot lengths (the foot length
of :func:`vision.pose.posture.choose_foot`), low-passed at ``BODY_CUTOFF_HZ``.
:func:`body_raises` finds raises on it by hysteresis: a raise begins above
``BODY_ENTER_FRAC_FOOT`` (or ``NOISE_K`` times the signal's noise if larger) and ends back
under ``BODY_LEAVE_SHARE`` of that (the body back at rest: a sag during the hold, or two
raises done back to back without coming down, stay one raise, as on the heels). Anatomy:
a raise whose body rose more than ``MAX_BODY_RISE_FRAC_FOOT`` (a heel
cannot lift the body further than full tiptoe) is not a heel raise (standing up, a jump,
the tracker jumping) and is dropped, counted in ``too_high``; one that peaks under
``BODY_MIN_PEAK_FRAC_FOOT`` or ``NOISE_K`` times the body's spread at rest
(:func:`rest_spread`) is a wobble. :func:`merge_with_heels`
splits a body raise where the heels, seen, touched the floor briefly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.exercises import common as C
from vision.pose.signals import Signals, smooth_zero_phase

BODY_ENTER_FRAC_FOOT = 0.06   # body rise that starts a raise: 0.5 x a 0.12 foot-length heel rise
BODY_LEAVE_SHARE = 0.4        # ... and back under this share of the entry level ends it
BODY_MIN_PEAK_FRAC_FOOT = 0.1  # a raise must lift the body this high (0.8 x a 0.12 heel rise)
MAX_BODY_RISE_FRAC_FOOT = 1.0  # the body cannot rise more than a heel can (full tiptoe, 0.6),
                               # with room for the foot length read from a front or rear view
BODY_CUTOFF_HZ = 1.5          # low-pass of the body rise (a raise takes a second or more)
NOISE_K = 4.0                 # the entry level is at least this many noise std
MIN_REP_S = 0.5               # a raise up and down takes at least this long
MIN_PARTS_SEEN = 0.8          # a body part counts when seen in this share of the frames
REST_PERCENTILE = 15          # a part's resting height: this percentile of its height
MIN_PARTS = 2                 # the body rise needs at least this many parts seen
MIN_REST_FRAMES = 10          # frames at rest needed to measure the body's unsteadiness
PARTS = ("shoulder", "hip", "knee")
PART_SHARE = 0.5              # every part must rise by this share of the body's rise


@dataclass(frozen=True)
class BodyRaises:
    """Raises found on the body's rise: ``reps`` (frame intervals), ``rise`` (n,) in foot
    lengths, ``too_high`` (raises dropped as higher than a heel can lift the body),
    ``parts`` (the body parts used)."""

    reps: tuple
    rise: np.ndarray
    too_high: int
    parts: tuple[str, ...]
    part_rises: np.ndarray | None = None    # (k, n) each part's rise, foot lengths


def _mid(sig: Signals, part: str) -> np.ndarray:
    """(n,) image height (y, down) of the mid-point of the left and right ``part``, or the
    one seen."""
    lft, rgt = sig.side("left", part)[:, 1], sig.side("right", part)[:, 1]
    return np.where(np.isfinite(lft) & np.isfinite(rgt), (lft + rgt) / 2, np.fmax(lft, rgt))


def body_rise(sig: Signals, foot_len: float) -> tuple[np.ndarray, tuple[str, ...], np.ndarray]:
    """(n,) rise of the body above its resting height in foot lengths (NaN where fewer than
    ``MIN_PARTS`` parts are seen), the parts used and their own rises (k, n); all NaN when
    the body is not seen."""
    n = len(sig)
    ups, used = [], []
    if not np.isfinite(foot_len) or foot_len <= 0:
        return np.full(n, np.nan), (), np.empty((0, n))
    for part in PARTS:
        y = _mid(sig, part)
        if np.isfinite(y).mean() < MIN_PARTS_SEEN:
            continue
        up = smooth_zero_phase(-y / foot_len, fps=sig.fps, cutoff_hz=BODY_CUTOFF_HZ)
        rest = up <= np.nanpercentile(up, REST_PERCENTILE) + BODY_ENTER_FRAC_FOOT / 2
        ups.append(up - C.local_baseline(up, rest, fps=sig.fps, window_s=3.0))
        used.append(part)
    if len(ups) < MIN_PARTS:
        return np.full(n, np.nan), (), np.empty((0, n))
    stack = np.stack(ups)
    count = np.isfinite(stack).sum(axis=0)
    med = np.full(stack.shape[1], np.nan)
    some = count > 0
    med[some] = np.nanmedian(stack[:, some], axis=0)
    rise = np.where(count >= MIN_PARTS, med, np.nan)
    return rise, tuple(used), stack


def rise_noise(rise: np.ndarray) -> float:
    """Robust std (foot lengths) of the body rise's frame-to-frame noise: the median
    absolute second difference, scaled (/ 0.6745 / sqrt(6))."""
    d2 = np.diff(rise, 2)
    d2 = d2[np.isfinite(d2)]
    return float(np.median(np.abs(d2))) / 0.6745 / np.sqrt(6) if d2.size >= 10 else 0.0


def rest_spread(rise: np.ndarray, found) -> float:
    """Robust std (1.4826 MAD, foot lengths) of the body rise outside the raises found: how
    much the body's reading wanders while standing still (tracker jitter that the low-pass
    leaves, sway). 0 with fewer than ``MIN_REST_FRAMES`` such frames."""
    rest = np.isfinite(rise)
    for r in found:
        rest[r.start:r.end + 1] = False
    x = rise[rest]
    if x.size < MIN_REST_FRAMES:
        return 0.0
    return float(1.4826 * np.median(np.abs(x - np.median(x))))


def body_raises(sig: Signals, foot_len: float) -> BodyRaises:
    """Heel raises found on the body's rise (see the module notes)."""
    rise, parts, stack = body_rise(sig, foot_len)
    if not parts or not np.isfinite(rise).any():
        return BodyRaises((), rise, 0, ())
    enter = max(BODY_ENTER_FRAC_FOOT, NOISE_K * rise_noise(rise))
    found = C.hysteresis_reps(rise, enter=enter, leave=BODY_LEAVE_SHARE * enter, fps=sig.fps,
                              direction="above", min_duration_s=MIN_REP_S, baseline=0.0,
                              split_frac=None)
    floor = NOISE_K * rest_spread(rise, found)
    reps, too_high = [], 0
    for r in found:
        peak = C.sustained_max(rise[r.start:r.end + 1], fps=sig.fps, min_s=0.1)
        if peak > MAX_BODY_RISE_FRAC_FOOT:
            too_high += 1
            continue
        if not peak >= max(BODY_MIN_PEAK_FRAC_FOOT, floor):
            continue    # a wobble, or as high as the body's own unsteadiness at rest
        reps.append(r)
    return BodyRaises(tuple(reps), rise, too_high, parts, stack)


def together(body: BodyRaises, r, fps: float) -> bool:
    """True when every body part used rose in raise ``r`` by at least ``PART_SHARE`` of the
    body's rise: a heel raise lifts the shoulders, hips and knees alike; bending over, a
    lean or a knee bend moves them apart."""
    if body.part_rises is None or not len(body.part_rises):
        return True
    top = C.sustained_max(body.rise[r.start:r.end + 1], fps=fps, min_s=0.1)
    for x in body.part_rises:
        seg = x[r.start:r.end + 1]
        if np.isfinite(seg).mean() >= MIN_PARTS_SEEN and \
                not C.sustained_max(seg, fps=fps, min_s=0.1) >= PART_SHARE * top:
            return False
    return True


def merge_with_heels(body: BodyRaises, heel_reps: list, sags: dict,
                     fps: float) -> tuple[list, dict]:
    """The raises to check: the body's raises (those whose parts rose together), except
    that a body raise holding the peaks of two or more raises found on the heels is those
    heel raises (the heels touched the floor briefly between them, a dip too short for the
    body's low-passed rise to show). ``sags`` (heel raises' sags) is kept for them."""
    out, kept = [], {}
    for r in body.reps:
        if not together(body, r, fps):
            continue
        inside = [h for h in heel_reps if r.start <= h.peak <= r.end]
        if len(inside) >= 2:
            out += inside
            kept.update({(h.start, h.end): sags[(h.start, h.end)] for h in inside
                         if (h.start, h.end) in sags})
        else:
            out.append(r)
    return out, kept
