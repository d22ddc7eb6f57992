"""Heel down / up per frame from two witnesses: landmark geometry and image pixels.

The landmark heel-rise signal (:func:`vision.exercises.common.heel_rise_frac_foot`) is
fooled by a partly hidden foot or a knee travelling forward; the pixel measure
(:mod:`vision.pose.heel_contact`) is fooled by little: it mostly *fails to measure*, and
says so with a low quality. :func:`heel_state` combines them, per frame, for one foot:

============================  ======================  ===================================
landmarks                     pixels (quality >= q)    state, confidence, reason
============================  ======================  ===================================
up / down                     same                     that state; 1-(1-c_lm)(1-c_px);
                                                       ``"agree"``
up / down                     the other one            ``"unclear"``, 0; ``"disagree"``
                                                       (can't tell from this video: never
                                                       a fault)
up / down                     not measured, but the    that state, min(c_lm,
                              clip had pixel data      UNCONFIRMED_CONF);
                                                       ``"unconfirmed"``
up / down                     no pixel data at all     that state, c_lm; ``"landmarks"``
                              (synthetic traces)
not measured or in between    up / down                that state, c_px; ``"pixels"``
in between (or neither)       anything else            ``"unclear"``, 0; ``"ambiguous"``
                                                       or ``"no_data"``
============================  ======================  ===================================

"Up" means a rise of at least ``lift_frac`` foot lengths, "down" at most ``down_frac``;
in between neither witness votes (``"ambiguous"`` when nothing else votes). ``rise_frac``
is the pixel rise where the pixels measured (pixel evidence first), else the landmark
rise, and NaN where the state is ``"unclear"`` because of a disagreement.

Callers (the exercise analyses) decide faults from ``state == "up"`` runs whose
``confidence`` passes their fault threshold; frames or runs below it are reported as
"unclear", never as faults.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.pose.heel_contact import MIN_QUALITY, HeelPixels

DOWN, UP, UNCLEAR = "down", "up", "unclear"
REASONS = ("agree", "disagree", "unconfirmed", "landmarks", "pixels", "ambiguous", "no_data")
UNCONFIRMED_CONF = 0.5       # cap on landmark confidence when pixels were tried and failed
DEFAULT_LIFT_FRAC = 0.09     # foot lengths: a rise this high is "up" (squat heel-lift level)
DEFAULT_DOWN_FRAC = 0.045    # foot lengths: a rise this low is "down"


@dataclass(frozen=True)
class HeelState:
    """Per-frame heel state of one foot (on the caller's timeline ``t``).

    Attributes
    ----------
    t : ndarray (n,)
        Seconds (the caller's timeline, e.g. ``Signals.t_s``).
    state : ndarray (n,) of str
        ``"down"``, ``"up"`` or ``"unclear"``.
    confidence : ndarray (n,)
        0..1 confidence in ``state`` (0 for ``"unclear"``).
    rise_frac : ndarray (n,)
        Best heel-rise estimate, foot lengths (pixels where measured, else landmarks);
        NaN where unmeasured or where the witnesses disagree.
    reason : ndarray (n,) of str
        One of :data:`REASONS` (see the module table).
    pixel_data : bool
        True when pixel measures were available for this clip at all.
    """

    t: np.ndarray
    state: np.ndarray
    confidence: np.ndarray
    rise_frac: np.ndarray
    reason: np.ndarray
    pixel_data: bool

    @property
    def disagree_frac(self) -> float:
        """Share of frames where landmarks and pixels contradict each other (0..1)."""
        return float(np.mean(self.reason == "disagree")) if len(self.t) else 0.0


def pixels_on(t: np.ndarray, pixels: HeelPixels, side: str) -> tuple[np.ndarray, np.ndarray]:
    """``pixels``' (rise_frac, quality) for ``side`` resampled to times ``t`` (seconds):
    the nearest pixel row within half a frame interval, else (NaN, 0)."""
    sh = pixels.resample(t).side(side)
    return sh.rise_frac, sh.quality


def heel_state(t: np.ndarray, landmark_rise: np.ndarray, landmark_conf, *,
               pixels: HeelPixels | None = None, side: str = "left",
               lift_frac: float = DEFAULT_LIFT_FRAC, down_frac: float = DEFAULT_DOWN_FRAC,
               min_pixel_quality: float = MIN_QUALITY) -> HeelState:
    """Combine the landmark heel rise with the pixel measure for one foot.

    Parameters
    ----------
    t : ndarray (n,)
        Seconds of each sample of ``landmark_rise`` (e.g. ``Signals.t_s``).
    landmark_rise : ndarray (n,)
        Landmark heel rise, foot lengths (NaN where unseen), e.g. from
        :func:`vision.exercises.common.heel_rise_frac_foot`.
    landmark_conf : float or ndarray (n,)
        0..1 confidence of the landmark signal (e.g. heel and foot-index visibility, or
        lower for the far foot in a side view).
    pixels : HeelPixels or None
        Pixel measures of the clip (``HeelPixels.from_trace(trace)``); None for traces
        without them (synthetic traces): the landmarks decide alone, with their confidence.
    side : "left" or "right"
    lift_frac, down_frac : float
        Foot lengths: a rise >= ``lift_frac`` votes "up", <= ``down_frac`` votes "down".
    min_pixel_quality : float
        Pixel frames below this quality count as not measured.

    Returns
    -------
    HeelState
    """
    t = np.asarray(t, float)
    lm = np.asarray(landmark_rise, float)
    n = len(t)
    if lm.shape != (n,):
        raise ValueError(f"landmark_rise must have shape ({n},), got {lm.shape}")
    if not 0 <= down_frac < lift_frac:
        raise ValueError(f"need 0 <= down_frac < lift_frac, got {down_frac!r}, {lift_frac!r}")
    c_lm = np.clip(np.broadcast_to(np.nan_to_num(np.asarray(landmark_conf, float)), (n,)), 0, 1)
    lm_vote = _vote(lm, lift_frac, down_frac)
    if pixels is None:
        px, c_px, px_vote = np.full(n, np.nan), np.zeros(n), np.full(n, "", dtype="<U7")
    else:
        px, c_px = pixels_on(t, pixels, side)
        px = np.where(c_px >= min_pixel_quality, px, np.nan)
        c_px = np.where(np.isfinite(px), np.clip(c_px, 0, 1), 0.0)
        px_vote = _vote(px, lift_frac, down_frac)
    state = np.full(n, UNCLEAR, dtype="<U7")
    reason = np.full(n, "no_data", dtype="<U11")
    conf = np.zeros(n)
    rise = np.where(np.isfinite(px), px, lm)
    has_lm, has_px = lm_vote != "", px_vote != ""

    def put(mask, st, c, why):
        state[mask] = st[mask] if isinstance(st, np.ndarray) else st
        conf[mask] = c[mask] if isinstance(c, np.ndarray) else c
        reason[mask] = why

    put(np.isfinite(lm) | np.isfinite(px), UNCLEAR, 0.0, "ambiguous")
    put(has_lm & ~np.isfinite(px), lm_vote,
        np.minimum(c_lm, UNCONFIRMED_CONF) if pixels is not None else c_lm,
        "unconfirmed" if pixels is not None else "landmarks")
    put(has_px & ~has_lm, px_vote, c_px, "pixels")
    put(has_lm & has_px & (lm_vote == px_vote), lm_vote, 1 - (1 - c_lm) * (1 - c_px), "agree")
    both = has_lm & has_px & (lm_vote != px_vote)
    put(both, UNCLEAR, 0.0, "disagree")
    rise = np.where(both, np.nan, rise)
    return HeelState(t=t, state=state, confidence=conf, rise_frac=rise, reason=reason,
                     pixel_data=pixels is not None)


def _vote(rise: np.ndarray, lift_frac: float, down_frac: float) -> np.ndarray:
    """(n,) "up", "down" or "" (no vote: NaN or in between) for a rise in foot lengths."""
    out = np.full(len(rise), "", dtype="<U7")
    with np.errstate(invalid="ignore"):
        out[rise >= lift_frac] = UP
        out[rise <= down_frac] = DOWN
    return out
