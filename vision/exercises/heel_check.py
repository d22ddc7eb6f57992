"""The one place where the exercises decide heel down / up: :func:`heel_run`.

The landmark heel rise (foot lengths, :func:`vision.exercises.common.heel_rise_frac_foot`)
is combined with the pixel heel measure stored in the trace (``Trace.heel_px``, when the
clip was tracked with it) by :func:`vision.exercises.heel_evidence.heel_state`. Where the
two witnesses disagree the state is "unclear": the caller reports it as "can't tell from
this video", never as a fault. Heel rises above a physical limit (the caller's
``max_rise_frac``, foot lengths) are a wrong pose, not a heel: those frames are dropped and
counted before anything is decided.

A landmark-only lift whose frame-by-frame rise is within the heel point's jitter can still
be clear over the bottom of the rep (:func:`bottom_lift`): a heel that lifts stays up while
the knees are bent, and three landmark witnesses rise together -- the heel above the foot
index, the heel itself, and the ankle (by about ``ANKLE_PER_HEEL`` of the heel's rise, the
foot turning about its ball) -- while jitter moves them apart and averages out over the
bottom's frames. Such a lift is said only when their combined rise reaches the lift level,
each witness has left the "down" band, and the combined rise stands ``BOTTOM_K`` standard
errors above the jitter (:class:`BottomLift`); otherwise it stays "unclear".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.exercises import common as C
from vision.exercises.plausibility import gate_values
from vision.pose.signals import Signals
from vision.pose.trace import SIDE_IDX

MIN_STATE_S = 0.2          # seconds: an "up" run shorter than this is not a lift
NO_DATA_SHARE = 0.5        # a stretch whose heel is unmeasured this much cannot be judged
MIN_ANKLE_SHARE = 0.25     # a lifted heel raises the ankle by at least this share of its rise
DISAGREE_SHARE = 0.2       # ... nor one where the witnesses contradict each other this much
NOISE_K = 3.0              # a lift must rise this many noise SDs above rest, else "noisy"
MAD_TO_SD = 1.4826         # median absolute deviation -> standard deviation (normal noise)
MIN_REST_FRAMES = 10       # fewer resting frames than this: the noise is not measured
NOISE_CUTOFF_HZ = 2.0      # Hz: the heel rise's low-pass (common.heel_rise_frac_foot)
ANKLE_PER_HEEL = 0.7       # a lifted heel raises the ankle by about this share of its rise:
                           # the ankle sits about a quarter of the foot length in front of
                           # the heel point and the foot turns about the ball (~0.75 along)
BOTTOM_SHARE = 0.6         # the rep's bottom: knee bent past this share of the rep's bend
NOISE_CORR_S = 0.35        # seconds over which the low-passed heel jitter stays correlated
                           # (1 / (2 x NOISE_CUTOFF_HZ) = 0.25 s for white jitter, longer
                           # with the tracker's slow wander): one independent sample each
BOTTOM_K = 3.0             # a bottom lift must stand this many standard errors above jitter
NOISE_WINDOW_S = 3.0      # seconds: running median the jitter is measured against (longer
                           # than a rep's bottom, so slow tracker wander counts as jitter)


@dataclass(frozen=True)
class HeelRun:
    """Heel verdict of one foot over one stretch of frames (``Signals`` rows).

    ``value_frac`` is the sustained rise (foot lengths) of the frames read "up" (or the
    whole stretch when none), ``confidence`` 0..1, ``state`` "up" | "down" | "unclear",
    ``frames`` the (first, last) rows of the longest "up" run (the stretch when none),
    ``dropped`` how many frames the physical limit removed, ``reason`` the evidence reason
    (see :mod:`vision.exercises.heel_evidence`).
    """

    state: str
    value_frac: float
    confidence: float
    frames: tuple[int, int]
    dropped: int
    reason: str


def landmark_confidence(sig: Signals, side: str) -> np.ndarray:
    """(n,) 0..1 per frame from the lower of the heel and foot-index visibilities."""
    cols = [SIDE_IDX[side]["heel"], SIDE_IDX[side]["toe"]]
    v = np.min(np.where(np.isfinite(sig.visibility[:, cols]), sig.visibility[:, cols], 0.0), axis=1)
    return np.clip((v - C.QUALITY_VIS_LOW) / (C.QUALITY_VIS_HIGH - C.QUALITY_VIS_LOW), 0.0, 1.0)


def rest_noise_frac(sig: Signals, side: str, foot_len: float, rest: np.ndarray, *,
                    cutoff_hz: float = NOISE_CUTOFF_HZ) -> float:
    """Robust SD (foot lengths) of the landmark heel height above the foot index over the
    resting frames ``rest`` (standing, heels down), after the same low-pass as the heel
    rise (``cutoff_hz``) and less its running median over ``NOISE_WINDOW_S``: how much the
    heel point jitters when nothing moves. The running median runs over the resting frames
    joined end to end (``NOISE_WINDOW_S`` of them, so it spans more than one rest and the
    heel's slow wander from one rest to the next counts as jitter). NaN when fewer than
    ``MIN_REST_FRAMES`` are measured (continuous reps, a clip starting at the bottom): the
    jitter is then unknown, not zero."""
    from scipy.ndimage import median_filter

    from vision.pose.signals import smooth_zero_phase
    if not np.isfinite(foot_len) or foot_len <= 0:
        return float("nan")
    y = np.stack([sig.side(side, "heel")[:, 1], sig.side(side, "toe")[:, 1]], 1)
    y = smooth_zero_phase(y, fps=sig.fps, cutoff_hz=cutoff_hz)
    rel = (y[:, 1] - y[:, 0]) / foot_len
    x = rel[rest & np.isfinite(rel)]
    if x.size < MIN_REST_FRAMES:
        return float("nan")
    res = x - median_filter(x, size=max(int(NOISE_WINDOW_S * sig.fps), 3), mode="nearest")
    return float(MAD_TO_SD * np.median(np.abs(res - np.median(res))))


@dataclass(frozen=True)
class BottomLift:
    """Heel evidence of one foot over the bottom of a rep (foot lengths, seconds).

    ``combined`` is the median over the bottom frames of the mean of the three witnesses:
    the heel's rise above the foot index and its own rise (the two landmark measures of
    :func:`vision.exercises.common.heel_rise_frac_foot`) and the ankle's rise divided by
    ``ANKLE_PER_HEEL``; ``heel`` is the median of the two heel measures' mean and
    ``ankle`` the ankle witness alone (both foot lengths of heel rise); ``std_error`` the
    jitter of ``combined``: the resting jitter (:func:`rest_noise_frac`) over the square
    root of the independent samples in ``seconds`` of bottom (one per ``NOISE_CORR_S``).
    NaN where unmeasured."""

    combined: float
    heel: float
    ankle: float
    std_error: float
    seconds: float

    def clear(self, lift_frac: float, down_frac: float) -> bool:
        """The lift is clear: ``combined`` at least ``lift_frac``, both witnesses above
        ``down_frac`` (none reads the heel down) and ``combined`` at least ``BOTTOM_K``
        standard errors (False when anything is unmeasured)."""
        vals = (self.combined, self.heel, self.ankle, self.std_error)
        if not all(np.isfinite(v) for v in vals):
            return False
        return bool(self.combined >= lift_frac and min(self.heel, self.ankle) > down_frac
                    and self.combined >= BOTTOM_K * self.std_error)


def bottom_frames(knee: np.ndarray, a: int, b: int, stand: float = float("nan")) -> np.ndarray:
    """(n,) True on the rep ``a``..``b``'s bottom: frames whose knee angle (degrees) is bent
    past ``BOTTOM_SHARE`` of the way from standing (``stand``, degrees; the rep's
    straightest angle when NaN) to the rep's deepest angle."""
    out = np.zeros(len(knee), bool)
    seg = np.asarray(knee[a:b + 1], float)
    if not np.isfinite(seg).any():
        return out
    deep = float(np.nanmin(seg))
    top = float(stand) if np.isfinite(stand) else float(np.nanmax(seg))
    with np.errstate(invalid="ignore"):
        out[a:b + 1] = seg <= top - BOTTOM_SHARE * (top - deep)
    return out


def bottom_lift(rise_min: np.ndarray, rise_max: np.ndarray, ankle_rise: np.ndarray,
                bottom: np.ndarray, noise_frac: float, fps: float) -> BottomLift:
    """:class:`BottomLift` over the frames ``bottom`` from the heel rise read both ways
    (``rise_min`` / ``rise_max``: the smaller and the larger of the heel's rise above the
    foot index and its own rise, foot lengths), the ankle's rise (foot lengths) and the
    resting jitter ``noise_frac`` (foot lengths)."""
    m = np.asarray(bottom, bool)
    heel = (np.asarray(rise_min, float)[m] + np.asarray(rise_max, float)[m]) / 2
    ank = np.asarray(ankle_rise, float)[m] / ANKLE_PER_HEEL
    both = (2 * heel + ank) / 3
    seconds = float(m.sum() / fps)

    def med(x):
        x = x[np.isfinite(x)]
        return float(np.median(x)) if x.size >= max(MIN_REST_FRAMES // 2, 2) else float("nan")

    n_ind = max(seconds / NOISE_CORR_S, 1.0)
    return BottomLift(med(both), med(heel), med(ank), float(noise_frac) / np.sqrt(n_ind), seconds)


def _states(sig: Signals, trace, side: str, rise: np.ndarray, conf: np.ndarray,
            lift_frac: float, down_frac: float):
    """(state, confidence, rise, reason) arrays from heel_evidence, or from the landmarks
    alone while that module has no implementation."""
    try:
        from vision.exercises.heel_evidence import heel_state
        from vision.pose.heel_contact import HeelPixels
        pixels = HeelPixels.from_trace(trace) if getattr(trace, "heel_px", None) is not None else None
        hs = heel_state(sig.t_s, rise, conf, pixels=pixels, side=side, lift_frac=lift_frac,
                        down_frac=down_frac)
        return hs.state, hs.confidence, hs.rise_frac, hs.reason
    except NotImplementedError:
        state = np.where(rise >= lift_frac, "up", np.where(rise <= down_frac, "down", "unclear"))
        state = np.where(np.isfinite(rise), state, "unclear")
        c = np.where(state == "unclear", 0.0, conf)
        reason = np.where(np.isfinite(rise), "landmarks", "no_data")
        return state, c, rise, reason


def heel_run(sig: Signals, trace, side: str, rise: np.ndarray, a: int, b: int, *,
             lift_frac: float, down_frac: float, max_rise_frac: float,
             landmark_quality: float = 1.0, ankle_rise: np.ndarray | None = None,
             noise_frac: float = 0.0, rise_max: np.ndarray | None = None,
             bottom: np.ndarray | None = None) -> HeelRun:
    """Heel verdict of ``side`` over rows ``a``..``b`` (see :class:`HeelRun`).

    ``rise`` is the landmark heel rise (n,), foot lengths; ``landmark_quality`` (0..1)
    scales the landmarks' confidence (lower where the view makes them rough, e.g. from the
    front). ``ankle_rise`` (n,), foot lengths, is the ankle's rise above its resting height:
    a heel lifting turns the foot about the ball, which raises the ankle by about half the
    heel's rise or more; a heel landmark rising while the ankle stays down (the landmark
    pulled up as the knee travels forward) is read "unclear" (reason "inconsistent")
    when the ankle rose less than ``MIN_ANKLE_SHARE`` of the heel. The foot is "up" when it stays up
    for ``MIN_STATE_S``; its confidence is the median state confidence over that run times
    :func:`vision.exercises.common.confidence` of the sustained rise against ``lift_frac``.
    ``noise_frac`` (foot lengths, :func:`rest_noise_frac`) is the landmark jitter at rest: a
    landmark-only "up" that does not rise ``NOISE_K`` times above it is "unclear" (reason
    "noisy"), since jitter alone can hold such a rise for ``MIN_STATE_S``; with the jitter
    unknown (NaN: no resting frames) a landmark-only "up" is "unclear" (reason "no_rest").
    With ``rise_max`` (the heel rise read the other way, ``agree="max"``), ``ankle_rise``
    and ``bottom`` (the rep's bottom frames, :func:`bottom_frames`) given, a "noisy" run is
    still "up" (reason "bottom") when the lift is clear over the bottom
    (:meth:`BottomLift.clear`) of a foot seen fully (heel and foot index at visibility
    ``QUALITY_VIS_HIGH`` or more over the run: the far foot in a side view, guessed by the
    tracker, wanders with the near leg and never qualifies); its value is then the combined
    bottom rise.
    """
    gated, dropped_all = gate_values(rise, max_rise_frac)
    dropped = int(np.sum(np.isfinite(rise[a:b + 1]) & ~np.isfinite(gated[a:b + 1])))
    state, conf, est, reason = _states(sig, trace, side, gated,
                                       landmark_quality * landmark_confidence(sig, side),
                                       lift_frac, down_frac)
    seg = slice(a, b + 1)
    st, cf, x, rs = state[seg], conf[seg], est[seg], reason[seg]
    fps = sig.fps
    up = st == "up"
    runs_up = [(p, q) for p, q in C.runs(up) if (q - p) / fps >= MIN_STATE_S]
    if runs_up:
        p, q = max(runs_up, key=lambda r: r[1] - r[0])
        val = C.sustained_max(x[p:q], fps=fps, min_s=MIN_STATE_S)
        c = float(np.median(cf[p:q])) * C.confidence(val, lift_frac)
        if str(rs[p]) not in ("agree", "pixels") and not val >= NOISE_K * noise_frac:
            # jitter as large as the rise, or never measured (NaN: no rest seen)
            bl = None
            seen = float(np.median(landmark_confidence(sig, side)[a + p:a + q]))
            if (np.isfinite(noise_frac) and rise_max is not None and ankle_rise is not None
                    and bottom is not None and seen >= 1.0):
                bl = bottom_lift(gated, gate_values(rise_max, max_rise_frac)[0], ankle_rise,
                                 bottom, noise_frac, fps)
            if bl is None or not bl.clear(lift_frac, down_frac):
                return HeelRun("unclear", val, 0.0, (a + p, a + q - 1), dropped,
                               "noisy" if np.isfinite(noise_frac) else "no_rest")
            c = float(np.median(cf[p:q])) * C.confidence(bl.combined, lift_frac)
            return HeelRun("up", bl.combined, c, (a + p, a + q - 1), dropped, "bottom")
        if ankle_rise is not None and str(rs[p]) not in ("agree", "pixels"):
            ank = C.sustained_max(ankle_rise[a + p:a + q], fps=fps, min_s=MIN_STATE_S)
            if np.isfinite(ank) and ank < MIN_ANKLE_SHARE * val:
                return HeelRun("unclear", val, 0.0, (a + p, a + q - 1), dropped, "inconsistent")
        return HeelRun("up", val, c, (a + p, a + q - 1), dropped, str(rs[p]))
    disagree = np.mean(rs == "disagree") if len(rs) else 0.0
    no_data = np.mean(rs == "no_data") if len(rs) else 1.0
    val = C.sustained_max(x, fps=fps, min_s=MIN_STATE_S)
    if disagree > DISAGREE_SHARE or no_data > NO_DATA_SHARE:
        return HeelRun("unclear", val, 0.0, (a, b), dropped,
                       "disagree" if disagree > DISAGREE_SHARE else "no_data")
    down = st == "down"
    return HeelRun("down", val, float(np.median(cf[down])) if down.any() else 0.0, (a, b),
                   dropped, "landmarks")


def pixel_heel(trace, t_s: np.ndarray, side: str, a: int, b: int) -> tuple[float, float]:
    """The pixel witness over rows ``a``..``b`` of a timeline ``t_s`` (seconds): the median
    pixel heel rise (foot lengths) over the frames measured at quality
    :data:`vision.pose.heel_contact.MIN_QUALITY` or better, and the share of frames
    measured. (NaN, 0.0) when the trace carries no pixel measures (synthetic traces)."""
    if getattr(trace, "heel_px", None) is None or b < a:
        return float("nan"), 0.0
    from vision.exercises.heel_evidence import pixels_on
    from vision.pose.heel_contact import MIN_QUALITY, HeelPixels
    pixels = HeelPixels.from_trace(trace)
    if pixels is None:
        return float("nan"), 0.0
    rise, quality = pixels_on(np.asarray(t_s[a:b + 1], float), pixels, side)
    ok = np.isfinite(rise) & (quality >= MIN_QUALITY)
    if not ok.any():
        return float("nan"), 0.0
    return float(np.median(rise[ok])), float(ok.mean())
