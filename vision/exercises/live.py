"""Live coaching cues for the webcam: causal, cheap per frame.

``LiveCoach(exercise).update(t, pose_row)`` takes one BlazePose row (33 x 4, normalised
x, y, z, visibility; None or NaN when nobody is seen) and returns the cues to show now.
Only past frames are used: landmarks go through a One Euro filter
(:class:`vision.pose.signals.OneEuroFilter`), baselines are running percentiles.

Cues (frozen :class:`Cue`: code, side, message, level "ok" | "warn"):

- squat: ``heel_lift`` (warn, "heel lifting") when the better-seen heel rises more than
  ``squat.HEEL_LIFT_FRAC_FOOT`` foot lengths above its own flat level (the running 10th
  percentile of heel-above-toe height), else ``heels_down`` (ok);
- walk: per stance of each foot, ``tiptoe`` (warn) when the heel stays above the foot index
  by more than ``walk.TIPTOE_HEEL_FRAC`` foot lengths, else ``heel_down``; steps counted;
- leg-raise: ``hip_flexion`` with the current angle (degrees) against 90 (ok from 80),
  ``knee_bent`` (warn) while the raised leg's knee is under ``leg_raise.KNEE_BENT_DEG``;
- heel-raise: ``reps`` (ok) with the count, by hysteresis on the heel rise
  (``heel_raise_reps.ENTER_FRAC_FOOT``; a raise ends back at the floor, under both
  ``heel_raise_reps.LEAVE_FRAC_FOOT`` and ``heel_raise_reps.LEAVE_SHARE`` of its peak).

Threading: one coach per stream; ``update`` is not thread-safe (call it from the frame
callback only). Cost is a few numpy operations on 33 landmarks (well under 1 ms).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from vision.exercises import heel_check, heel_raise_reps, leg_raise, squat, walk_steps
from vision.exercises.report import ExerciseReport, Fault, Rep
from vision.pose.signals import OneEuroFilter
from vision.pose.trace import SIDE_IDX

__all__ = ["Cue", "LiveCoach", "LIVE_EXERCISES"]

LIVE_EXERCISES = ("squat", "walk", "leg-raise", "heel-raise")
# The offline analyses' thresholds, so live cues and uploaded-video reports agree.
HEEL_LIFT_FRAC_FOOT, HEEL_LIFT_MIN_S = squat.HEEL_LIFT_FRAC_FOOT, heel_check.MIN_STATE_S
TIPTOE_HEEL_FRAC = walk_steps.TIPTOE_HEEL_FRAC
RAISE_ENTER, RAISE_LEAVE = heel_raise_reps.ENTER_FRAC_FOOT, heel_raise_reps.LEAVE_FRAC_FOOT
RAISE_LEAVE_SHARE = heel_raise_reps.LEAVE_SHARE   # back at the floor: under this share of the peak
RAISE_MIN_DIP_S = heel_raise_reps.MIN_DIP_S       # ... after this long under half the peak
HIP_TARGET_DEG, KNEE_BENT_DEG = leg_raise.TARGET_DEG, leg_raise.KNEE_BENT_DEG
HIP_OK_DEG = 80.0               # the hip-flexion cue turns "ok" from here (target 90)
STANCE_SPEED_FOOT_PER_S = 1.0   # a foot slower than this is on the ground
MIN_VIS = 0.5


@dataclass(frozen=True)
class Cue:
    """One message for the screen. ``level`` is "ok" or "warn"."""

    code: str
    side: str          # "left" | "right" | "both"
    message: str
    level: str


class _Foot:
    """Running state of one foot: visibility, length, flat level, stance."""

    def __init__(self) -> None:
        self.vis = 0.0
        self.lengths: deque = deque(maxlen=90)
        self.rises: deque = deque(maxlen=300)
        self.prev: tuple[float, float] | None = None
        self.stance_since: float | None = None
        self.stance_rises: list[float] = []
        self.moved = 0.0
        self.steps = 0

        self._len_cache = (0, float("nan"))
        self._flat_cache = (0, 0.0)

    def length(self) -> float:
        """Median heel - foot index distance (recomputed every few frames)."""
        n = len(self.lengths)
        if n < 3:
            return float("nan")
        if self._len_cache[0] % 10 == 0 or self._len_cache[1] != self._len_cache[1]:
            self._len_cache = (self._len_cache[0] + 1, float(np.median(self.lengths)))
        else:
            self._len_cache = (self._len_cache[0] + 1, self._len_cache[1])
        return self._len_cache[1]

    def flat_level(self) -> float:
        """Running 10th percentile of the heel height (recomputed every few frames)."""
        k, v = self._flat_cache
        if k % 10 == 0:
            v = float(np.percentile(self.rises, 10))
        self._flat_cache = (k + 1, v)
        return v


class LiveCoach:
    """Causal per-frame coach for one exercise (see the module notes).

    Parameters
    ----------
    exercise : str
        One of :data:`LIVE_EXERCISES`.
    aspect : float
        Frame width / height, so distances are isotropic.
    """

    def __init__(self, exercise: str, *, aspect: float = 16 / 9) -> None:
        if exercise not in LIVE_EXERCISES:
            raise ValueError(f"live coaching supports {', '.join(LIVE_EXERCISES)}, "
                             f"not {exercise!r}")
        self.exercise, self.aspect = exercise, float(aspect)
        self._filter = OneEuroFilter(min_cutoff_hz=1.5, beta=0.7, d_cutoff_hz=1.0)
        self._scale = np.array([self.aspect, 1.0])
        self._feet = {"left": _Foot(), "right": _Foot()}
        self._t0: float | None = None
        self._t_last = 0.0
        self._frames = 0
        self._reps: list[tuple[float, float, dict]] = []
        self._in_rep: tuple[float, float] | None = None      # (start, peak)
        self._lift_since: float | None = None                # squat: heel above the lift line since
        self._dip: tuple[float, float | None] | None = None  # heel raise: (under half since, floor at)
        self._warn_since: dict[tuple[str, str], tuple[float, str]] = {}
        self._faults: list[Fault] = []
        self._peak_hip = 0.0

    # ----- per frame -------------------------------------------------------------------
    def update(self, t: float, pose_row) -> list[Cue]:
        """Cues for the frame at ``t`` seconds (``pose_row`` (33, 4) or None)."""
        t = float(t)
        self._t0 = t if self._t0 is None else self._t0
        self._t_last, self._frames = t, self._frames + 1
        row = None if pose_row is None else np.asarray(pose_row, float)
        if row is None or row.shape != (33, 4) or not np.isfinite(row[:, :2]).any():
            return self._track([Cue("no_person", "both", "Step into the picture.", "warn")], t)
        xy = row[:, :2] * self._scale
        xy[~(row[:, 3] >= MIN_VIS)] = np.nan
        xy = self._filter(t, xy).tolist()          # plain floats from here on: cheap
        vis = row[:, 3].tolist()
        for side, foot in self._feet.items():
            i = SIDE_IDX[side]
            v = (vis[i["heel"]] + vis[i["toe"]]) / 2
            foot.vis = 0.9 * foot.vis + 0.1 * (v if v == v else 0.0)
            (hx, hy), (tx, ty) = xy[i["heel"]], xy[i["toe"]]
            d = math.hypot(tx - hx, ty - hy)
            if d == d:
                foot.lengths.append(d)
        cues = getattr(self, "_" + self.exercise.replace("-", "_"))(t, xy)
        return self._track(cues, t)

    def _best_foot(self) -> str:
        return max(self._feet, key=lambda s: self._feet[s].vis)

    def _rise(self, xy, side: str) -> float:
        """Heel height above the foot index, foot lengths (nan if unseen)."""
        i, L = SIDE_IDX[side], self._feet[side].length()
        return (xy[i["toe"]][1] - xy[i["heel"]][1]) / L if L == L else math.nan

    def _lift(self, xy, side: str) -> float:
        """Heel rise above its running flat level (10th percentile), foot lengths."""
        r = self._rise(xy, side)
        foot = self._feet[side]
        if r != r:
            return math.nan
        foot.rises.append(r)
        return r - foot.flat_level() if len(foot.rises) >= 10 else 0.0

    def _squat(self, t, xy) -> list[Cue]:
        side = self._best_foot()
        lift = self._lift(xy, side)
        if lift != lift:
            return [Cue("feet_not_visible", "both", "Keep both feet in the picture.", "warn")]
        # as offline: a lift counts once it has lasted squat.HEEL_MIN_S (one noisy frame does not)
        if lift <= HEEL_LIFT_FRAC_FOOT:
            self._lift_since = None
        elif self._lift_since is None:
            self._lift_since = t
        if self._lift_since is not None and t - self._lift_since >= HEEL_LIFT_MIN_S:
            return [Cue("heel_lift", side, "Heel lifting: keep your heels down.", "warn")]
        return [Cue("heels_down", side, "Heels down.", "ok")]

    def _heel_raise(self, t, xy) -> list[Cue]:
        lift = self._lift(xy, self._best_foot())
        if lift == lift:
            if self._in_rep is None and lift > RAISE_ENTER:
                self._in_rep = (t, lift)
                self._dip = None
            elif self._in_rep is not None:
                self._heel_raise_step(t, lift)
        n = len(self._reps)
        return [Cue("reps", "both", f"{n} heel raise{'s' if n != 1 else ''}", "ok")]

    def _heel_raise_step(self, t: float, lift: float) -> None:
        """Inside a raise: the rep ends once the heels reached the floor (under both
        RAISE_LEAVE and RAISE_LEAVE_SHARE of the peak) and stayed under half the peak for
        heel_raise_reps.MIN_DIP_S; a one- or two-frame tracker glitch or a sag that stays well
        above the floor is part of the same raise (heel_raise's offline rule, causally)."""
        start, peak = self._in_rep
        self._in_rep = (start, max(peak, lift))
        if lift >= 0.5 * peak:
            self._dip = None
            return
        since, floor_at = self._dip if self._dip is not None else (t, None)
        if floor_at is None and lift < min(RAISE_LEAVE, RAISE_LEAVE_SHARE * peak):
            floor_at = t
        self._dip = (since, floor_at)
        if floor_at is not None and t - since >= RAISE_MIN_DIP_S:
            self._reps.append((start, floor_at, {"peak_heel_rise_pct_foot": round(100 * peak, 1)}))
            self._in_rep, self._dip = None, None

    def _leg_raise(self, t, xy) -> list[Cue]:
        cues = []
        best = None
        for side in ("left", "right"):
            i = SIDE_IDX[side]
            sh, hip, knee, ank = xy[i["shoulder"]], xy[i["hip"]], xy[i["knee"]], xy[i["ankle"]]
            flex = 180.0 - _angle(sh, hip, ank)
            if flex == flex and (best is None or flex > best[1]):
                best = (side, flex, _angle(hip, knee, ank))
        if best is None:
            return [Cue("legs_not_visible", "both", "Keep the whole leg in the picture.", "warn")]
        side, flex, knee = best
        self._peak_hip = max(self._peak_hip, flex)
        level = "ok" if flex >= HIP_OK_DEG else "warn"
        cues.append(Cue("hip_flexion", side, f"Leg at {flex:.0f} deg of {HIP_TARGET_DEG:.0f}.",
                        level))
        if flex > 30 and knee == knee and knee < KNEE_BENT_DEG:
            cues.append(Cue("knee_bent", side, "Keep the knee straight.", "warn"))
        return cues

    def _walk(self, t, xy) -> list[Cue]:
        cues = []
        for side, foot in self._feet.items():
            i = SIDE_IDX[side]
            L = foot.length()
            cx = (xy[i["heel"]][0] + xy[i["toe"]][0] + xy[i["ankle"]][0]) / 3
            if cx != cx or L != L:
                continue
            speed = math.inf
            if foot.prev is not None and t > foot.prev[0]:
                speed = abs(cx - foot.prev[1]) / (t - foot.prev[0]) / L
                if speed >= STANCE_SPEED_FOOT_PER_S:
                    foot.moved += abs(cx - foot.prev[1]) / L
            foot.prev = (t, cx)
            cue = self._walk_stance(t, side, foot, speed, self._rise(xy, side))
            if cue:
                cues.append(cue)
        return cues or [Cue("walk", "both", "Walk across the picture, side on.", "ok")]

    def _walk_stance(self, t, side, foot: _Foot, speed: float, rise: float) -> Cue | None:
        if speed >= STANCE_SPEED_FOOT_PER_S:
            foot.stance_since, foot.stance_rises = None, []
            return None
        if foot.stance_since is None:
            foot.stance_since = t
            if foot.moved >= 0.5:
                foot.steps += 1
            foot.moved = 0.0
        if rise == rise:
            foot.stance_rises.append(rise)
        if t - foot.stance_since < 0.1 or not foot.stance_rises or foot.steps == 0:
            return None
        recent = sorted(foot.stance_rises[-15:])
        if recent[len(recent) // 2] > TIPTOE_HEEL_FRAC:
            return Cue("tiptoe", side, "Walking on tiptoe: let the heel come down.", "warn")
        return Cue("heel_down", side, "Heel down.", "ok")

    # ----- session ---------------------------------------------------------------------
    def _track(self, cues: list[Cue], t: float) -> list[Cue]:
        """Record warnings held for 0.2 s or more as faults for :meth:`report`."""
        now = {(c.code, c.side): c.message for c in cues if c.level == "warn"}
        for key in list(self._warn_since):
            if key not in now:
                start, msg = self._warn_since.pop(key)
                self._add_fault(key, start, t, msg)
        for key, msg in now.items():
            self._warn_since.setdefault(key, (t, msg))
        return cues

    def _add_fault(self, key, start, end, msg) -> None:
        code, side = key
        codes = {"heel_lift": "heel_lift", "tiptoe": "tiptoe", "knee_bent": "knee_bent"}
        if code in codes and end - start >= 0.2:
            self._faults.append(Fault(code=codes[code], side=side, start_s=start - self._t0,
                                      end_s=end - self._t0, message=msg))

    def report(self) -> ExerciseReport:
        """The session so far as an :class:`ExerciseReport` (times from the first frame)."""
        t0 = self._t0 or 0.0
        faults = list(self._faults)
        for key, (start, msg) in self._warn_since.items():
            code = {"heel_lift": "heel_lift", "tiptoe": "tiptoe", "knee_bent": "knee_bent"}.get(key[0])
            if code and self._t_last - start >= 0.2:
                faults.append(Fault(code, key[1], start - t0, self._t_last - t0, msg))
        dur = self._t_last - t0
        fps = (self._frames - 1) / dur if dur > 0 and self._frames > 1 else 0.0
        reps = tuple(Rep(a - t0, b - t0, True, (), m) for a, b, m in self._reps)
        metrics = {"session_s": round(dur, 1)}
        if self.exercise == "heel-raise":
            metrics["reps"] = len(reps)
        elif self.exercise == "walk":
            metrics["steps"] = sum(f.steps for f in self._feet.values())
        elif self.exercise == "leg-raise":
            metrics["peak_hip_flexion_deg"] = round(self._peak_hip, 1)
        verdict = "insufficient_data" if self._frames < 2 else (
            "needs_attention" if faults else "good")
        return ExerciseReport(exercise=self.exercise, frames=self._frames, fps=max(fps, 1e-6),
                              view="unknown", verdict=verdict, reps=reps,
                              faults=tuple(sorted(faults, key=lambda f: f.start_s)),
                              metrics=metrics)


def _angle(a, b, c) -> float:
    """Unsigned angle at ``b`` (degrees) between plain (x, y) points; NaN propagates."""
    ux, uy, vx, vy = a[0] - b[0], a[1] - b[1], c[0] - b[0], c[1] - b[1]
    return math.degrees(abs(math.atan2(ux * vy - uy * vx, ux * vx + uy * vy)))
