"""Walking on the :mod:`synth.traces_b.body` skeleton: a footfall plan, foot roll-over about
heel or toe, and hips placed over the feet (inverse kinematics for the knees).

The plan is a list of footfalls along a centre line (straight, or with a 180 degree turn in
three steps), each with its side, time of initial contact and contact kind:

- ``heel``: the foot lands pitched toe-up on its heel, rolls flat about the heel, then the heel
  rises about the toe before toe-off;
- ``flat``: the whole sole lands at once;
- ``toe``: the foot lands heel-up on its toes; in a tiptoe walk the heel never comes down
  (``heel_down`` False), in a mixed walk it may.

Truth per step: the contact kind, the lowest heel height over the stance (foot lengths),
and whether the step starts the walk, stops it or turns.
"""

from __future__ import annotations

import numpy as np

from synth.traces_b.body import UP, Anthro, heading_axes, standing_pose
from synth.traces_b.motions import fourier, min_jerk

HEEL_OFF_U = 0.55          # stance share at which the heel starts to rise (normal gait)
TOE_OFF_PITCH = -0.65      # rad: foot pitch at toe-off


def plan_steps(rng, body: Anthro, style: str, *, n_straight: int, turn: bool, t0: float,
               step_s: float, heading: float, start: np.ndarray) -> list[dict]:
    """Footfalls: dicts with side, heel (3,), heading, t, kind, heel_down, flags."""
    step_len = body.height * rng.uniform(0.28, 0.38)
    width = body.hip_half * rng.uniform(1.4, 2.2)
    first = "left" if rng.random() < 0.5 else "right"
    other = {"left": "right", "right": "left"}
    steps, centre, h, side, t = [], np.asarray(start, float).copy(), heading, first, t0
    legs = [("straight", n_straight)]
    if turn:
        legs += [("turn", 3), ("straight", max(3, n_straight - 1))]
    k = 0
    for kind, count in legs:
        for j in range(count):
            if kind == "turn":
                h += np.pi / 3
                centre = centre + heading_axes(h)[0] * step_len * 0.35
            else:
                frac = 0.5 if k == 0 else 1.0                 # the first step is a short one
                centre = centre + heading_axes(h)[0] * step_len * frac
            steps.append({"side": side, "centre": centre.copy(), "heading": h, "t": t,
                          "turning": kind == "turn", "start": k == 0, "stop": False})
            side, t, k = other[side], t + step_s * rng.uniform(0.95, 1.05), k + 1
    # the closing step brings the trailing foot alongside
    steps.append({"side": side, "centre": steps[-1]["centre"].copy(), "heading": h, "t": t,
                  "turning": False, "start": False, "stop": True})
    steps[-2]["stop"] = True
    sign = {"left": 1, "right": -1}
    for s in steps:
        s["heel"] = (s["centre"] + sign[s["side"]] * heading_axes(s["heading"])[1] * width / 2
                     - heading_axes(s["heading"])[0] * body.foot * 0.3)
        s["heel"][2] = 0.0
        s["kind"], s["heel_down"] = _contact(rng, style, s)
        s["contact_pitch"] = rng.uniform(0.2, 0.4)
    return steps


def _contact(rng, style: str, s: dict) -> tuple[str, bool]:
    if s["turning"] or s["stop"]:
        return ("toe", False) if style == "tiptoe" else ("flat", True)
    if style == "heel":
        return "heel", True
    if style == "flat":
        return "flat", True
    if style == "tiptoe":
        return "toe", False
    return ("toe", bool(rng.random() < 0.5)) if rng.random() < 0.5 else ("heel", True)


def _stance_foot(s: dict, u: float, body: Anthro, tip_pitch: float):
    """(heel, toe) of a foot ``u`` (0..1) through its stance."""
    f, _ = heading_axes(s["heading"])
    heel0 = s["heel"]
    toe0 = heel0 + body.foot * f
    if s["kind"] == "heel":
        p0 = s.get("contact_pitch", 0.3)
        if u < 0.15:
            p = p0 * (1 - min_jerk(u / 0.15))
            return heel0, heel0 + body.foot * (np.cos(p) * f + np.sin(p) * UP)
    if s["kind"] == "toe" and not s["heel_down"]:
        lo = TOE_OFF_PITCH if u > 0.7 else tip_pitch
        p = tip_pitch + (TOE_OFF_PITCH - tip_pitch) * min_jerk((u - 0.7) / 0.3) if u > 0.7 else lo
        return toe0 - body.foot * (np.cos(p) * f + np.sin(p) * UP), toe0
    if s["kind"] == "toe" and u < 0.3:
        p = tip_pitch * (1 - min_jerk(u / 0.3))
        return toe0 - body.foot * (np.cos(p) * f + np.sin(p) * UP), toe0
    if u <= HEEL_OFF_U or s["stop"]:
        return heel0, toe0
    p = TOE_OFF_PITCH * min_jerk((u - HEEL_OFF_U) / (1 - HEEL_OFF_U))
    return toe0 - body.foot * (np.cos(p) * f + np.sin(p) * UP), toe0


def foot_track(steps: list[dict], side: str, t: np.ndarray, body: Anthro, step_s: float,
               tip_pitch: float, stand0: dict) -> tuple[np.ndarray, np.ndarray]:
    """(n, 3) heel and toe of one foot over time."""
    mine = [stand0] + [s for s in steps if s["side"] == side]
    all_t = sorted(s["t"] for s in steps)
    heel = np.zeros((len(t), 3))
    toe = np.zeros((len(t), 3))
    clear = body.foot * 0.35
    for j, s in enumerate(mine):
        nxt = mine[j + 1] if j + 1 < len(mine) else None
        later = [x for x in all_t if x > s["t"]]
        off = (later[0] + 0.2 * step_s) if (later and nxt is not None) else np.inf
        if nxt is not None:
            off = min(off, nxt["t"] - 0.3 * step_s)
        t_end = nxt["t"] if nxt is not None else np.inf
        dur = max(off - s["t"], 1e-3) if np.isfinite(off) else 1.0
        for i in np.flatnonzero((t >= s["t"]) & (t < off)):
            u = (t[i] - s["t"]) / dur if np.isfinite(off) else 0.0
            if not np.isfinite(off):
                u = min((t[i] - s["t"]) / (1.2 * step_s), 0.5)   # last stance: settle flat
                if s["kind"] == "toe" and not s["heel_down"]:
                    u = min(u, 0.5)
            heel[i], toe[i] = _stance_foot(s, u, body, tip_pitch)
        if nxt is None:
            continue
        h0, t0_ = _stance_foot(s, 1.0, body, tip_pitch)
        nxt_pose = _stance_foot(nxt, 0.0, body, tip_pitch)
        for i in np.flatnonzero((t >= off) & (t < t_end)):
            u = (t[i] - off) / max(t_end - off, 1e-3)
            w = min_jerk(u)
            bump = UP * clear * np.sin(np.pi * u)
            heel[i] = (1 - w) * h0 + w * nxt_pose[0] + bump
            toe[i] = (1 - w) * t0_ + w * nxt_pose[1] + bump * 0.6
    return heel, toe


def walk_points(rng, body: Anthro, t: np.ndarray, steps: list[dict], *, step_s: float,
                tip_pitch: float, stand0: dict[str, dict]) -> np.ndarray:
    """(n, 33, 3) points of the walk; ``stand0[side]`` is each foot's starting footfall."""
    n = len(t)
    feet = {s: foot_track(steps, s, t, body, step_s, tip_pitch, stand0[s]) for s in ("left", "right")}
    mid = sum((h + to) / 2 for h, to in feet.values()) / 2
    k = max(1, int(round(step_s / max(t[1] - t[0], 1e-3))))
    ker = np.ones(k) / k
    pelvis_xy = np.stack([np.convolve(np.pad(mid[:, a], (k, k), mode="edge"), ker, "same")[k:-k]
                          for a in range(2)], 1)
    heads = np.array([s["heading"] for s in steps])
    times = np.array([s["t"] for s in steps])
    h0 = stand0["left"]["heading"]
    heading = np.interp(t, np.r_[times[0] - step_s, times], np.r_[h0, heads])
    swing = fourier(rng, t, 0.5 / step_s, (0.35, 0.05))
    pts = np.zeros((n, 33, 3))
    for i in range(n):
        fw, left = heading_axes(heading[i])
        pel = np.array([pelvis_xy[i, 0], pelvis_xy[i, 1], body.hip_z * 0.99])
        spec = {}
        z_cap = pel[2]
        for s, sign in (("left", 1), ("right", -1)):
            heel, toe = feet[s][0][i], feet[s][1][i]
            along = (toe - heel) / body.foot
            normal = np.cross(np.cross(along, UP), along)
            normal = normal / (np.linalg.norm(normal) or 1.0)
            ankle = heel + body.heel_back * along + body.ankle_z * normal
            hip_xy = pel[:2] + sign * left[:2] * body.hip_half
            horiz = float(np.hypot(*(ankle[:2] - hip_xy)))
            reach = 0.99 * body.leg
            z_cap = min(z_cap, ankle[2] + np.sqrt(max(reach ** 2 - horiz ** 2, 0.01 * reach ** 2)))
            spec[s] = ("planted", heel, ankle, toe)
        pel[2] = z_cap
        arm = {"left": (swing[i], 0.08, 0.3), "right": (-swing[i], 0.08, 0.3)}
        pts[i], _ = standing_pose(body, pel, heading[i], np.radians(4), spec, arm)
    return pts


def step_truth(steps: list[dict], body: Anthro, tip_pitch: float) -> list[dict]:
    out = []
    for s in steps:
        lows = [(_stance_foot(s, u, body, tip_pitch)[0][2]) / body.foot
                for u in np.linspace(0.0, HEEL_OFF_U, 12)]
        out.append({"t_contact": round(float(s["t"]), 3), "side": s["side"], "contact": s["kind"],
                    "heel_down": bool(s["heel_down"]), "min_heel_frac_foot": round(min(lows), 3),
                    "turning": s["turning"], "start": s["start"], "stop": s["stop"]})
    return out
