"""Physical plausibility gates: frames where the tracked body cannot be a real body.

A real body's segments keep their length: thigh (hip-knee), shank (knee-ankle), foot
(heel-foot index) and trunk (shoulder-hip) change in the picture only by a common scale
(the person nearer or further from the camera) and, seen from the front, by
foreshortening. When the tracker guesses (a hidden far leg, a trunk out of the picture, a
foot behind the other) the segments stretch and shrink on their own. Such frames say the
*pose is wrong*, not that the child moved oddly, so they are dropped and counted:

- **Segment length.** Per side and segment, the reference length is the median over the
  frames where it is seen; the frame's common scale is the median, over the segments seen
  in it, of length / reference. A segment whose length / (reference x scale) is more than
  ``1 + MAX_STRETCH`` is impossible in any view; less than ``1 - MAX_SHRINK`` is impossible
  where the segment moves in the image plane (side views; from the front a thigh tilting
  towards the camera shortens for real). The foot is checked in side views only: seen
  end-on it is foreshortened, and a heel rising lengthens it for real.
- **Joint angles.** A knee angle (hip-knee-ankle) under ``MIN_KNEE_DEG`` cannot be folded by
  a human knee (a deep squat bottoms near 35-45 degrees); checked outside front views.
- **Trunk at the picture edge.** A shoulder or hip within ``EDGE_FRAC`` of the border (or
  beyond it) is a guess of a body part out of the picture: a hip angle needs the trunk.
- A wrong segment drops both its landmarks, except that a free end (ankle, shoulder, heel,
  toe) takes the blame alone when the segment's other end joins a segment that is fine.
- Heel heights above a physical limit are gated by the exercises themselves
  (:func:`gate_values`), since the heel rise is measured there.

:func:`check` returns a :class:`Plausibility` (which landmarks of which frames are
implausible); :func:`clean_trace` sets their visibility to 0, so every later step
(:func:`vision.pose.signals.prepare`, the walk's raw foot readers) treats them as unseen.
Lengths use height-normalised image units; angles are degrees.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vision.pose.trace import SIDE_IDX, Trace

MAX_STRETCH = 0.35      # segment longer than 1.35 x its reference (scaled): impossible
MAX_SHRINK = 0.40       # shorter than 0.60 x, in side views: impossible
MIN_KNEE_DEG = 20.0     # a knee angle below this (degrees) cannot be real
EDGE_FRAC = 0.01        # trunk landmarks this close to the picture border are guesses
MIN_VISIBILITY = 0.5    # landmarks below this visibility are not used for the checks
MIN_SEEN_FRAMES = 5     # a segment seen in fewer frames has no reference length
MAX_DROPPED_FRAC = 0.4  # more of the person frames dropped than this: can't tell
FRONT_SCALE_QUANTILE = 0.75   # front views: common scale from this quantile of the ratios
SIDE_SCALE_QUANTILE = 0.5     # other views: their median

SEGMENTS = {"thigh": ("hip", "knee"), "shank": ("knee", "ankle"), "foot": ("heel", "toe"),
            "trunk": ("shoulder", "hip")}
SIDES = ("left", "right")


@dataclass(frozen=True)
class Plausibility:
    """Result of :func:`check`.

    Attributes
    ----------
    bad : ndarray (n, 33) bool
        Landmark ``j`` of frame ``i`` belongs to an implausible segment or angle.
    reasons : dict str -> int
        Frames flagged per reason ("thigh length", "knee angle", "trunk out of the picture",
        ...), counted over person frames.
    person : ndarray (n,) bool
        Frames with a tracked person.
    """

    bad: np.ndarray
    reasons: dict = field(default_factory=dict)
    person: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    seen: np.ndarray | None = None      # (n, 33) landmark seen (visibility >= MIN_VISIBILITY)

    def dropped(self, needed: tuple[tuple[str, ...], ...]) -> np.ndarray:
        """(n,) person frames the gates made unusable: for every alternative in ``needed``
        (e.g. ``(("hip", "knee", "ankle"),)`` per side) some side had all its parts seen,
        and no side keeps them all seen and plausible."""
        seen = self.seen if self.seen is not None else np.ones_like(self.bad)
        usable = np.zeros(len(self.person), bool)
        had = np.zeros(len(self.person), bool)
        for parts in needed:
            for s in SIDES:
                cols = [SIDE_IDX[s][p] for p in parts]
                ok = seen[:, cols].all(axis=1)
                had |= ok
                usable |= ok & ~self.bad[:, cols].any(axis=1)
        return self.person & had & ~usable

    def dropped_frac(self, needed) -> float:
        """Share of person frames dropped (see :meth:`dropped`), 0..1."""
        n = int(self.person.sum())
        return float(self.dropped(needed).sum() / n) if n else 0.0

    def reason_text(self) -> str:
        """The main reasons in words, most frequent first."""
        top = sorted(self.reasons.items(), key=lambda kv: -kv[1])[:2]
        return " and ".join(k for k, v in top if v) or "inconsistent body outline"


def _xy_vis(trace: Trace) -> tuple[np.ndarray, np.ndarray]:
    """(n, 33, 2) height-normalised positions (NaN where not seen) and (n, 33) visibility."""
    pose = np.asarray(trace.pose, float)
    vis = pose[..., 3].copy()
    vis[np.isnan(vis) & np.isfinite(pose[..., 0])] = 1.0
    xy = pose[..., :2] * np.array([trace.aspect, 1.0])
    with np.errstate(invalid="ignore"):
        xy[~(vis >= MIN_VISIBILITY)] = np.nan
    return xy, vis


def _row_quantile(x: np.ndarray, q: float) -> np.ndarray:
    """Per row of (n, k) ``x``, the ``q`` quantile (0..1, nearest rank) of its finite
    values; NaN where a row has none. No warnings."""
    srt = np.sort(np.where(np.isfinite(x), x, np.inf), axis=1)      # unseen sort last
    cnt = np.isfinite(x).sum(axis=1)
    k = np.clip(np.round(q * (cnt - 1)).astype(int), 0, max(x.shape[1] - 1, 0))
    v = np.take_along_axis(srt, k[:, None], axis=1)[:, 0]
    return np.where(cnt > 0, v, np.nan)


def check(trace: Trace, *, view: str = "side",
          segments: tuple[str, ...] = ("thigh", "shank", "foot", "trunk"),
          knee_angle: bool = True, trunk_edge: bool = False) -> Plausibility:
    """Flag implausible landmarks of every frame (see the module notes).

    ``view`` "side" checks segments for shrinking too and checks the foot; any other view
    ("front", or "unknown" when the trunk is out of the picture) only for stretching, without
    the foot; "front" also skips the knee-angle check. ``trunk_edge`` flags shoulders and hips
    at the picture edge (for analyses that need the trunk, e.g. the leg raise's hip angle).
    """
    n = len(trace)
    if view != "side":      # a foot seen end-on is foreshortened: lifting it lengthens it
        segments = tuple(g for g in segments if g != "foot")
    xy, _vis = _xy_vis(trace)
    person = np.isfinite(np.asarray(trace.pose, float)[..., 3]).any(axis=1) if n else np.zeros(0, bool)
    bad = np.zeros((n, xy.shape[1]), bool)
    reasons: dict[str, int] = {}
    if n == 0:
        return Plausibility(bad, reasons, person, np.zeros_like(bad))
    keys = [(s, g) for g in segments for s in SIDES]
    if not keys:
        return _angle_and_edge_checks(trace, xy, person, bad, reasons, view=view,
                                      knee_angle=knee_angle, trunk_edge=trunk_edge)
    lengths = np.stack([np.hypot(*(xy[:, SIDE_IDX[s][SEGMENTS[g][0]]]
                                   - xy[:, SIDE_IDX[s][SEGMENTS[g][1]]]).T) for s, g in keys], 1)
    ref = np.array([np.median(c[np.isfinite(c)]) if np.isfinite(c).sum() >= MIN_SEEN_FRAMES
                    else np.nan for c in lengths.T])
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = lengths / ref
        # seen from the front, segments tilting towards the camera shorten for real: the
        # common scale is then an upper quantile of the ratios, not their median
        scale = _row_quantile(ratio, FRONT_SCALE_QUANTILE if view == "front" else SIDE_SCALE_QUANTILE)
        dev = ratio / scale[:, None] - 1.0
        two_sided = view == "side"
        wrong = (dev > MAX_STRETCH) | (two_sided & (dev < -MAX_SHRINK))
    col = {key: k for k, key in enumerate(keys)}
    for k, (s, g) in enumerate(keys):
        w = wrong[:, k] & person
        for part in SEGMENTS[g]:
            bad[w & ~_spared(part, s, g, col, wrong), SIDE_IDX[s][part]] = True
        if w.any():
            reasons[f"the {g} changing length"] = reasons.get(f"the {g} changing length", 0) + int(w.sum())
    return _angle_and_edge_checks(trace, xy, person, bad, reasons, view=view,
                                  knee_angle=knee_angle, trunk_edge=trunk_edge)


def _spared(part: str, side: str, seg: str, col: dict, wrong: np.ndarray) -> np.ndarray:
    """(n,) frames where ``part`` of the wrong segment ``seg`` is spared: it joins a checked
    neighbouring segment that is fine there, and the segment's other end is a free end
    (joined to no other checked segment), which is then the one to blame (a guessed ankle
    stretches the shank, the knee stays where the thigh says)."""
    other_end = next(p for p in SEGMENTS[seg] if p != part)
    neighbours = [g for g in SEGMENTS if g != seg and part in SEGMENTS[g] and (side, g) in col]
    free_other = not any(g != seg and other_end in SEGMENTS[g] and (side, g) in col
                         for g in SEGMENTS)
    if not neighbours or not free_other:
        return np.zeros(len(wrong), bool)
    return np.all([~wrong[:, col[(side, g)]] for g in neighbours], axis=0)


def _angle_and_edge_checks(trace, xy, person, bad, reasons, *, view, knee_angle,
                           trunk_edge) -> Plausibility:
    """The knee-angle and trunk-at-the-edge checks of :func:`check` (``bad`` and
    ``reasons`` are filled in place)."""
    if knee_angle and view != "front":
        from vision.pose.signals import knee_angle_deg
        for s in SIDES:
            ang = knee_angle_deg(*(xy[:, SIDE_IDX[s][p]] for p in ("hip", "knee", "ankle")))
            with np.errstate(invalid="ignore"):
                w = (ang < MIN_KNEE_DEG) & person
            for p in ("hip", "knee", "ankle"):
                bad[w, SIDE_IDX[s][p]] = True
            if w.any():
                reasons["knee angles no knee can make"] = reasons.get("knee angles no knee can make", 0) + int(w.sum())
    if trunk_edge:
        raw = np.asarray(trace.pose, float)[..., :2]
        for s in SIDES:
            cols = [SIDE_IDX[s]["shoulder"], SIDE_IDX[s]["hip"]]
            with np.errstate(invalid="ignore"):
                edge = ((raw[:, cols] < EDGE_FRAC) | (raw[:, cols] > 1 - EDGE_FRAC)).any(axis=(1, 2))
            w = edge & person
            bad[np.ix_(w, cols)] = True
            if w.any():
                reasons["the trunk out of the picture"] = reasons.get("the trunk out of the picture", 0) + int(w.sum())
    return Plausibility(bad, reasons, person, np.isfinite(xy[..., 0]))


def clean_trace(trace: Trace, plaus: Plausibility) -> Trace:
    """Copy of ``trace`` with the implausible landmarks' visibility set to 0 (unseen)."""
    if not plaus.bad.any():
        return trace
    pose = np.array(trace.pose, float, copy=True)
    pose[..., 3][plaus.bad] = 0.0
    return Trace(fps=trace.fps, width=trace.width, height=trace.height, t=trace.t, pose=pose,
                 hands=trace.hands, source=trace.source,
                 **({"heel_px": trace.heel_px} if getattr(trace, "heel_px", None) is not None else {}))


def gate_values(x: np.ndarray, limit: float) -> tuple[np.ndarray, int]:
    """``x`` with values above ``limit`` (a physical maximum, same units) set to NaN, and
    how many were."""
    x = np.asarray(x, float)
    with np.errstate(invalid="ignore"):
        over = x > limit
    return np.where(over, np.nan, x), int(over.sum())


def too_many_dropped(frac: float, what: str) -> str | None:
    """Reason (a sentence) when ``frac`` of the frames were dropped as implausible."""
    if frac <= MAX_DROPPED_FRAC:
        return None
    return (f"can't tell from this video: in {100 * frac:.0f} % of the frames the body found by "
            f"the tracker is not physically possible ({what}); film the whole body from the "
            "side, in good light, with nothing in front of the legs")
