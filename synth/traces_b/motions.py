"""Exercise kinematics on the :mod:`synth.traces_b.body` skeleton, with exact truth.

Every motion returns ``(points, truth)``: world points (n, 33, 3) at ``fps`` and a truth dict
whose numbers come from the kinematics themselves (the 3D knee angle at the bottom of a
squat, the heel height over the foot length, the hip angle of a raised thigh). Time
profiles are minimum-jerk (Flash & Hogan 1985) segments; arm swing and body sway are short
Fourier series with random phases.
"""

from __future__ import annotations

import numpy as np

from synth.traces_b.body import (
    UP,
    Anthro,
    foot_points,
    heading_axes,
    joint_angle_deg,
    lying_pose,
    standing_pose,
    unit,
)


def min_jerk(tau: np.ndarray) -> np.ndarray:
    """Minimum-jerk position profile 0 -> 1 for ``tau`` in 0..1 (clipped outside)."""
    t = np.clip(tau, 0.0, 1.0)
    return t ** 3 * (10 - 15 * t + 6 * t * t)


def fourier(rng: np.random.Generator, t: np.ndarray, base_hz: float, amps) -> np.ndarray:
    """Sum of harmonics of ``base_hz`` with amplitudes ``amps`` and random phases."""
    out = np.zeros_like(t)
    for k, a in enumerate(amps, start=1):
        out += a * np.sin(2 * np.pi * k * base_hz * t + rng.uniform(0, 2 * np.pi))
    return out


def bumps(t: np.ndarray, reps: list[dict]) -> np.ndarray:
    """0..1 depth profile: per rep a min-jerk descent, a hold at the bottom and an ascent."""
    d = np.zeros_like(t)
    for r in reps:
        down = min_jerk((t - r["t0"]) / r["down_s"])
        up = 1 - min_jerk((t - r["t0"] - r["down_s"] - r["hold_s"]) / r["up_s"])
        d = np.maximum(d, np.minimum(down, up))
    return d


def rep_schedule(rng, n_reps: int, t_start: float, *, down=(0.7, 1.5), hold=(0.0, 0.5),
                 up=(0.7, 1.4), gap=(0.4, 2.0)) -> list[dict]:
    reps, t = [], t_start
    for _ in range(n_reps):
        r = {"t0": t, "down_s": rng.uniform(*down), "hold_s": rng.uniform(*hold),
             "up_s": rng.uniform(*up)}
        r["t1"] = r["t0"] + r["down_s"] + r["hold_s"] + r["up_s"]
        reps.append(r)
        t = r["t1"] + rng.uniform(*gap)
    return reps


def arms_idle(rng, t, holding_bar: bool, body: Anthro) -> list[dict]:
    if holding_bar:      # hands at the shoulders, elbows back and down
        return [{"left": (-0.3, 1.2, 2.3), "right": (-0.3, 1.2, 2.3)} for _ in t]
    sway = fourier(rng, t, 0.3, (0.05, 0.02))
    forward = rng.random() < 0.5      # arms held out in front for balance, or at the sides
    return [{s: ((1.3 if forward else 0.05) + sw, 0.1, 0.2) for s in ("left", "right")}
            for sw in sway]


# ----- squat and heel raise (feet planted, hips move, knees from inverse kinematics) --------
def planted_feet(body: Anthro, centre: np.ndarray, heading: float, stance: float,
                 toe_out: float, pitch: dict) -> dict:
    """Both feet with their toes fixed on the floor; ``pitch[side]`` <= 0 lifts the heel by
    rotating the foot about its toe."""
    fwd, left = heading_axes(heading)
    out = {}
    for s, sign in (("left", 1), ("right", -1)):
        h = heading + sign * toe_out
        toe_c = centre + sign * left * stance + heading_axes(h)[0] * (0.77 * body.foot)
        toe_c = toe_c.copy()
        toe_c[2] = 0.0
        heel, ankle, toe = foot_points(toe_c, h, pitch[s], body, about="toe")
        out[s] = ("planted", heel, ankle, toe)
    return out


def planted_motion(rng, body: Anthro, t: np.ndarray, depth: np.ndarray, *, heading: float,
                   centre: np.ndarray, hip_drop_max: float, back_shift: float, lean_max: float,
                   heel_pitch: dict, holding_bar: bool = False, travel: np.ndarray | None = None,
                   ) -> tuple[np.ndarray, dict]:
    """Points for a body standing on planted feet whose pelvis goes down by
    ``depth * hip_drop_max`` and back by ``depth * back_shift`` (metres); ``heel_pitch[side]``
    (n,) radians; ``travel`` (n, 3) moves the whole stance (walking a bar out).
    Returns the points and per-frame 3D knee angles {side: (n,)}."""
    n = len(t)
    pts = np.zeros((n, 33, 3))
    knees = {"left": np.zeros(n), "right": np.zeros(n)}
    fwd, left = heading_axes(heading)
    stance = body.hip_half * rng.uniform(0.9, 1.5)
    toe_out = np.radians(rng.uniform(5, 25))
    sway = fourier(rng, t, 0.25, (0.004, 0.002)) * body.height
    arms = arms_idle(rng, t, holding_bar, body)
    for i in range(n):
        c = centre + (travel[i] if travel is not None else 0.0)
        feet = planted_feet(body, c, heading, stance, toe_out,
                            {s: heel_pitch[s][i] for s in heel_pitch})
        ank = (feet["left"][2] + feet["right"][2]) / 2
        pelvis = ank.copy()
        pelvis[2] = body.hip_z * 0.995 - depth[i] * hip_drop_max
        pelvis += fwd * (-depth[i] * back_shift + 0.01 * body.height) + left * sway[i]
        pelvis[2] += max(0.0, ank[2] - body.ankle_z)          # heels up: the hips rise
        p, info = standing_pose(body, pelvis, heading, depth[i] * lean_max, feet, arms[i])
        pts[i] = p
        for s in knees:
            knees[s][i] = info[s]["knee_deg"]
    return pts, knees


def heel_height_frac(pitch: float, body: Anthro) -> float:
    """Heel height above the floor over the foot length for a foot rotated about its toe."""
    return float(np.sin(-pitch)) if pitch < 0 else 0.0


# ----- leg raises ----------------------------------------------------------------------------
def supine_raise(rng, body: Anthro, t: np.ndarray, reps: list[dict], *, heading: float,
                 centre: np.ndarray) -> np.ndarray:
    """Lying on the back; per rep one leg (or both) rises to ``peak_deg`` hip flexion with
    the knee bent by ``knee_bend_deg``."""
    n = len(t)
    pts = np.zeros((n, 33, 3))
    for i in range(n):
        legs = {"left": (0.0, np.radians(2.0)), "right": (0.0, np.radians(2.0))}
        for r in reps:
            d = bumps(t[i:i + 1], [r])[0]
            if d <= 0:
                continue
            for s in r["legs"]:
                legs[s] = (np.radians(r["peak_deg"]) * d,
                           np.radians(2.0 + (r["knee_bend_deg"] - 2.0) * min(1.0, 2 * d)))
        pts[i] = lying_pose(body, centre, heading, legs)
    return pts


def standing_raise(rng, body: Anthro, t: np.ndarray, reps: list[dict], *, heading: float,
                   centre: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """Standing on one leg while the other swings forward to ``peak_deg`` between thigh and
    trunk (0 = hanging straight down). Returns points and the measured peak per rep."""
    n = len(t)
    pts = np.zeros((n, 33, 3))
    fwd, left = heading_axes(heading)
    feet0 = planted_feet(body, centre, heading, body.hip_half, np.radians(8),
                         {"left": 0.0, "right": 0.0})
    arms = arms_idle(rng, t, False, body)
    peaks = [0.0] * len(reps)
    for i in range(n):
        feet = dict(feet0)
        for k, r in enumerate(reps):
            d = bumps(t[i:i + 1], [r])[0]
            if d <= 0:
                continue
            s = r["legs"][0]
            a = np.radians(r["peak_deg"]) * d
            thigh = unit(np.cos(a) * (-UP) + np.sin(a) * fwd)
            feet[s] = ("free", thigh, np.radians(2 + (r["knee_bend_deg"] - 2) * min(1.0, 2 * d)))
        ank = (feet0["left"][2] + feet0["right"][2]) / 2
        pelvis = ank.copy()
        pelvis[2] = body.hip_z * 0.99
        p, _ = standing_pose(body, pelvis, heading, np.radians(3), feet, arms[i])
        pts[i] = p
        for k, r in enumerate(reps):
            s = r["legs"][0]
            hp, kn = (23, 25) if s == "left" else (24, 26)
            sh = (p[11] + p[12]) / 2
            hm = (p[23] + p[24]) / 2
            ang = 180 - joint_angle_deg(hm + (sh - hm), hm, hm + (p[kn] - p[hp]))
            if r["t0"] <= t[i] <= r["t1"]:
                peaks[k] = max(peaks[k], ang)
    return pts, peaks
