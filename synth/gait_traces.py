"""Synthetic walking traces with exact truth (heel-first, tiptoe and mixed gait).

A stick body walks in a 3-D world and is projected to 33 BlazePose landmarks. Each foot is
rigid (heel, ankle, foot index) and follows a stance/swing model:

- heel-first stance: contact on the heel with the toes up (``heel_strike_deg``), roll about
  the heel to foot-flat (10 % of the cycle), flat, heel rise about the foot index until
  toe-off (``toe_off_deg``);
- tiptoe stance: contact on the foot index with the heel raised by ``tiptoe_heel_frac`` foot
  lengths; it stays raised through stance (at least 65 % of that height), pivoting about the
  foot index; a child who stops lowers the heels after a normal stance time;
- swing: minimum-jerk transfer of heel position, pitch and heading, plus a clearance bump.

The hip follows the smoothed mean of the ankles (mid-way between them at each contact) at a
height the stance legs reach; knees come from two-link inverse kinematics. Turns
(``out_and_back``) rotate the body 180 degrees in place with four small shuffles that are
*not* steps. Standing keeps both feet flat.

The stick body, camera and degradation live in :mod:`synth.gait_body`; the options in
:mod:`synth.gait_spec`.

World axes: X along the walkway, Y up, Z towards the side camera, metres. Truth times are
seconds; heel heights are fractions of the foot length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synth.gait_body import Camera, Dims, degrade, skeleton
from synth.gait_spec import WalkSpec
from vision.pose.trace import Trace

MIN_CAMERA_GAP_HEIGHTS = 1.2   # an oblique walker never comes nearer the camera than this

__all__ = ["Stance", "walk_trace", "random_walk_spec", "plan_footsteps"]


@dataclass(frozen=True)
class Stance:
    """One foot on the ground. ``g`` = (X, Z) of the heel when the foot is flat."""

    side: str
    t_on: float
    t_off: float
    g: tuple[float, float]
    heading: float           # radians, 0 = +X
    kind: str                # "heel" | "toe" | "flat"
    counted: bool            # a walking step (truth)
    heel_frac: float = 0.0   # tiptoe: heel height at contact, foot lengths
    push_deg: float = 40.0


def min_jerk(s):
    """Minimum-jerk ramp 0 -> 1 for s in [0, 1] (clipped outside)."""
    s = np.clip(s, 0.0, 1.0)
    return s ** 3 * (10 - 15 * s + 6 * s * s)


# ----- footstep plan -------------------------------------------------------------------------
class _Planner:
    def __init__(self, spec: WalkSpec, rng: np.random.Generator, dims: Dims):
        self.spec, self.rng, self.dims = spec, rng, dims
        self.stances: list[Stance] = []
        self.open: dict[str, dict] = {}

    def ground(self, x_along: float, side: str, heading: float) -> tuple[float, float]:
        lat = self.dims.step_half_width * (1 if side == "right" else -1)
        return (x_along - lat * np.sin(heading), lat * np.cos(heading))

    def close(self, side: str, t_off: float, push_deg: float) -> None:
        o = self.open[side]
        self.stances.append(Stance(side=side, t_off=t_off, push_deg=push_deg, **o))

    def walk(self, t: float, x: float, heading: float, n_steps: int, lead: str):
        spec, rng = self.spec, self.rng
        ts, tsw = spec.cycle_s / 2, 0.4 * spec.cycle_s
        sl = spec.step_frac_height * spec.body_height_m * np.cos(heading)
        pos = {"left": x, "right": x}
        foot = lead
        for k in range(n_steps):
            other = "left" if foot == "right" else "right"
            target = pos[other] + (0.0 if k == n_steps - 1 else sl)
            t_off = t + k * ts + ts * rng.uniform(-0.03, 0.03)
            self.close(foot, t_off, spec.toe_off_deg * rng.uniform(0.85, 1.15))
            tip = spec.pattern == "tiptoe" or (spec.pattern == "mixed"
                                              and rng.random() < spec.tiptoe_prob)
            frac = float(np.clip(spec.tiptoe_heel_frac * rng.uniform(0.8, 1.2), 0.12, 0.6))
            strike = np.radians(spec.heel_strike_deg * rng.uniform(0.8, 1.2))
            self.open[foot] = dict(t_on=t_off + tsw * rng.uniform(0.93, 1.07),
                                   g=self.ground(target, foot, heading), heading=heading,
                                   kind="toe" if tip else "heel", counted=True,
                                   heel_frac=frac if tip else float(strike))
            pos[foot] = target
            foot = other
        return t + (n_steps - 1) * ts + tsw + 0.3, pos[lead]

    def turn(self, t0: float, x: float, heading: float) -> float:
        dt = self.spec.turn_s / 4
        for k, side in enumerate(("left", "right", "left", "right")):
            self.close(side, t0 + k * dt, 6.0)
            h_new = heading + (np.pi / 2) * (1 + k // 2)
            self.open[side] = dict(t_on=t0 + (k + 0.8) * dt, g=self.ground(x, side, h_new),
                                   heading=h_new, kind="flat", counted=False, heel_frac=0.0)
        return t0 + self.spec.turn_s + 0.2


def plan_footsteps(spec: WalkSpec, rng: np.random.Generator, dims: Dims, x0: float,
                   n_steps: int) -> tuple[list[Stance], float, list[dict], list[float]]:
    """Stances of both feet for stand - walk [- turn - walk] - stand.

    Returns (stances sorted by contact time, duration s, segments, body heading knots as
    [t0, t1, heading_before] per turn)."""
    p = _Planner(spec, rng, dims)
    for side in ("left", "right"):
        p.open[side] = dict(t_on=-1.0, g=p.ground(x0, side, 0.0), heading=0.0, kind="flat",
                            counted=False, heel_frac=0.0)
    t, x, heading = spec.stand_s[0], x0, 0.0
    segs = [{"kind": "stand", "start_s": 0.0, "end_s": t}]
    turns = []
    lead = str(rng.choice(["left", "right"]))
    for k in range(2 if spec.out_and_back else 1):
        if k:
            t0 = t + 0.3
            t = p.turn(t0, x, heading)
            segs.append({"kind": "turn", "start_s": t0, "end_s": t})
            turns.append((t0, t0 + spec.turn_s, heading))
            heading += np.pi
            lead = "left" if lead == "right" else "right"
        t_walk = t
        t, x = p.walk(t, x, heading, n_steps, lead)
        segs.append({"kind": "walk", "start_s": t_walk, "end_s": t})
    t_end = t + spec.stand_s[1]
    segs.append({"kind": "stand", "start_s": t, "end_s": t_end})
    for side in ("left", "right"):
        p.close(side, np.inf, 0.0)
    return sorted(p.stances, key=lambda s: s.t_on), t_end, segs, turns


# ----- foot kinematics -----------------------------------------------------------------------
def stance_pose(st: Stance, t: float, foot_len: float, cycle_s: float) -> np.ndarray:
    """(heel X, heel Z, heel height, pitch rad (+ = toes up)) of a stance foot at ``t``."""
    fx, fz = np.cos(st.heading), np.sin(st.heading)
    push = np.radians(st.push_deg)
    push_t = 0.2 * cycle_s if st.push_deg > 10 else 0.12
    pushing = min_jerk((t - (st.t_off - push_t)) / push_t) if np.isfinite(st.t_off) else 0.0
    if st.kind == "heel":
        th = st.heel_frac * (1 - min_jerk((t - st.t_on) / (0.1 * cycle_s)))
        if th > 1e-9:                         # rolling about the heel
            return np.array([st.g[0], st.g[1], 0.0, th])
    th = 0.0
    if st.kind == "toe":
        th0 = -np.arcsin(st.heel_frac)
        th = th0 * (1 - 0.3 * min_jerk((t - st.t_on) / (0.3 * cycle_s)))
        if st.t_off - st.t_on > 0.9 * cycle_s:   # stopped: heels come down
            th *= 1 - min_jerk((t - st.t_on - 0.6 * cycle_s) / (0.3 * cycle_s))
    th = th + (-push - th) * pushing
    L = foot_len   # pivot about the foot index
    return np.array([st.g[0] + L * (1 - np.cos(th)) * fx, st.g[1] + L * (1 - np.cos(th)) * fz,
                     -L * np.sin(th), th])


def foot_states(stances: list[Stance], side: str, t: np.ndarray, foot_len: float,
                cycle_s: float) -> np.ndarray:
    """(n, 5): heel X, heel Z, heel height, pitch (rad, + toes up), heading (rad)."""
    mine = [s for s in stances if s.side == side]
    out = np.zeros((len(t), 5))
    k = 0
    for i, ti in enumerate(t):
        while k + 1 < len(mine) and mine[k + 1].t_on <= ti:
            k += 1
        st = mine[k]
        if ti <= st.t_off:
            out[i, :4] = stance_pose(st, ti, foot_len, cycle_s)
            out[i, 4] = st.heading
            continue
        nxt = mine[k + 1]
        pa = stance_pose(st, st.t_off, foot_len, cycle_s)
        pb = stance_pose(nxt, nxt.t_on, foot_len, cycle_s)
        tau = (ti - st.t_off) / (nxt.t_on - st.t_off)
        s = min_jerk(tau)
        p = pa + (pb - pa) * s
        dist = np.hypot(pb[0] - pa[0], pb[1] - pa[1])
        p[2] += min(0.25 * foot_len + 0.12 * dist, 0.5 * foot_len) * np.sin(np.pi * tau)
        p[2] += max(0.0, -(p[2] + foot_len * np.sin(p[3])))   # toe above the floor
        out[i, :4] = p
        out[i, 4] = st.heading + (nxt.heading - st.heading) * s
    return out


# ----- whole trace ---------------------------------------------------------------------------
def _fit_steps(spec: WalkSpec) -> int:
    if spec.n_steps is not None:
        return max(int(spec.n_steps), 2)
    if spec.view == "front":
        return 8
    width_m = spec.aspect * 0.8 * spec.body_height_m / spec.image_body_frac
    usable = width_m - 0.4 * spec.body_height_m
    return int(np.clip(usable // (spec.step_frac_height * spec.body_height_m) + 1, 3, 14))


def walk_trace(spec: WalkSpec | None = None, **options) -> tuple[Trace, dict]:
    """A synthetic walking trace and its truth.

    Parameters
    ----------
    spec : WalkSpec, optional
        All options; keyword ``options`` override its fields.

    Returns
    -------
    trace : Trace
    truth : dict
        ``steps``: list of {"side", "contact_s", "toe_off_s", "initial_contact"
        ("heel"|"toe"), "tiptoe" (bool), "heel_frac_foot"} for every walking step (turn
        shuffles and standing are not steps); ``n_steps``; ``segments`` (stand / walk / turn
        with start_s, end_s); ``foot_length`` (height-normalised image units, at the walkway
        centre); ``view``; ``image_direction`` (+1 = towards image right, per walk pass).
    """
    spec = WalkSpec(**options) if spec is None else (
        WalkSpec(**{**spec.__dict__, **options}) if options else spec)
    rng = np.random.default_rng(spec.seed)
    dims = Dims.from_height(spec.body_height_m)
    n_steps = _fit_steps(spec)
    stances, dur, segs, turns = plan_footsteps(spec, rng, dims, 0.0, n_steps)
    t = np.arange(int(dur * spec.fps)) / spec.fps
    feet = {s: foot_states(stances, s, t, dims.foot_len, spec.cycle_s) for s in ("left", "right")}
    heading = np.zeros(len(t))
    for t0, t1, h0 in turns:
        heading = np.where(t >= t0, h0 + np.pi * min_jerk((t - t0) / (t1 - t0)), heading)
    world = skeleton(feet, heading, dims, spec.fps, spec.cycle_s)
    if spec.direction < 0 and spec.view == "side":   # walk towards -X: the other side shows
        world[..., 0] *= -1
        world[..., 2] *= -1
    if spec.view == "side" and spec.yaw_deg:
        world = _turn_walkway(world, spec.yaw_deg, dims.height * spec.camera_dist_heights,
                              dims.height)
    cam = Camera.for_spec(spec, world, rng)
    pose, flen = cam.project(world, dims)
    pose = degrade(pose, spec, flen, rng)
    trace = Trace(fps=spec.fps, width=int(round(720 * spec.aspect)), height=720, t=t,
                  pose=pose, source=f"synthetic walk ({spec.pattern}, {spec.view})")
    steps = [{"side": s.side, "contact_s": round(float(s.t_on), 4),
              "toe_off_s": round(float(min(s.t_off, dur)), 4), "initial_contact": s.kind,
              "tiptoe": s.kind == "toe",
              "heel_frac_foot": round(s.heel_frac, 3) if s.kind == "toe" else 0.0}
             for s in stances if s.counted]
    img_dir = cam.image_direction
    view = "oblique" if spec.view == "side" and spec.yaw_deg else spec.view
    truth = {"steps": steps, "n_steps": len(steps), "segments": segs, "foot_length": flen,
             "view": view, "yaw_deg": float(spec.yaw_deg) if view == "oblique" else None, "image_direction": [img_dir, -img_dir][:len(turns) + 1],
             "spec": spec}
    return trace, truth


def _turn_walkway(world: np.ndarray, yaw_deg: float, cam_dist_m: float,
                  height_m: float) -> np.ndarray:
    """The world (n, 33, 3) turned ``yaw_deg`` about the vertical through the walkway's
    centre, so that walking towards +X also comes towards the side camera (on +Z); moved
    away from the camera where needed so the nearest point stays at least
    ``MIN_CAMERA_GAP_HEIGHTS`` body heights in front of it."""
    a = np.radians(yaw_deg)
    c, s = np.cos(a), np.sin(a)
    xc = float((world[:, 0, 0].min() + world[:, 0, 0].max()) / 2)
    out = world.copy()
    dx, z = world[..., 0] - xc, world[..., 2]
    out[..., 0] = xc + c * dx - s * z
    out[..., 2] = s * dx + c * z
    gap = cam_dist_m - float(out[..., 2].max())
    if gap < MIN_CAMERA_GAP_HEIGHTS * height_m:
        out[..., 2] -= MIN_CAMERA_GAP_HEIGHTS * height_m - gap
    return out


def random_walk_spec(rng: np.random.Generator, **overrides) -> WalkSpec:
    """A varied :class:`WalkSpec` (child or adult, fps 24-60, noise, drops, directions)."""
    child = rng.random() < 0.6
    h = rng.uniform(0.85, 1.45) if child else rng.uniform(1.5, 1.9)
    pattern = str(rng.choice(["heel", "tiptoe", "mixed"]))
    spec = WalkSpec(
        pattern=pattern, tiptoe_prob=rng.uniform(0.3, 0.7), view="side",
        direction=int(rng.choice([-1, 1])), mirror=bool(rng.random() < 0.3),
        out_and_back=bool(rng.random() < 0.35), body_height_m=h,
        image_body_frac=rng.uniform(0.35, 0.85), aspect=float(rng.choice([16 / 9, 4 / 3])),
        fps=float(rng.choice([24, 25, 30, 50, 60])),
        cycle_s=rng.uniform(0.8, 1.0) if child else rng.uniform(0.95, 1.2),
        step_frac_height=rng.uniform(0.28, 0.4), heel_strike_deg=rng.uniform(10, 25),
        toe_off_deg=rng.uniform(30, 50), tiptoe_heel_frac=rng.uniform(0.2, 0.45),
        stand_s=(rng.uniform(0.3, 1.5), rng.uniform(0.3, 1.5)), turn_s=rng.uniform(1.2, 2.2),
        camera_dist_heights=rng.uniform(2.0, 5.0), noise_frac_foot=rng.uniform(0.0, 0.05),
        far_wander_frac_foot=rng.uniform(0.0, 0.15), drop_frac=rng.uniform(0.0, 0.05),
        low_visibility_frac=rng.uniform(0.0, 0.05), seed=int(rng.integers(1 << 30)))
    return WalkSpec(**{**spec.__dict__, **overrides}) if overrides else spec


def save_compact(trace: Trace, path, *, decimals: int = 4) -> int:
    """Save ``trace`` as ``footcoach-trace/1`` JSON with coordinates rounded to
    ``decimals`` (visibility to 2) for small sample files. Returns the size in bytes."""
    import json
    from pathlib import Path

    d = trace.to_json()

    def rnd(v, nd):
        r = round(float(v), nd)
        return int(r) if r == int(r) else r
    for fr in d["frames"]:
        if fr["pose"] is not None:
            fr["pose"] = [[rnd(x, decimals), rnd(y, decimals), rnd(z, decimals), rnd(v, 2)]
                          for x, y, z, v in fr["pose"]]
        for h in fr["hands"]:
            h["landmarks"] = [[rnd(c, decimals) for c in lm] for lm in h["landmarks"]]
    text = json.dumps(d, separators=(",", ":"))
    Path(path).write_text(text)
    return len(text)


def write_samples(out_dir) -> dict[str, int]:
    """Write the app's first-run walk traces (heel-first and tiptoe, side view) into
    ``out_dir``; returns {file name: bytes}."""
    from pathlib import Path

    out = {}
    common = dict(noise_frac_foot=0.01, far_wander_frac_foot=0.04)
    for name, opts in (("walk_heel_side.json", dict(pattern="heel", body_height_m=1.1,
                                                    image_body_frac=0.55, seed=11)),
                       ("walk_tiptoe_side.json", dict(pattern="tiptoe", body_height_m=1.0,
                                                      image_body_frac=0.5, direction=-1,
                                                      seed=12))):
        trace, _ = walk_trace(**common, **opts)
        out[name] = save_compact(trace, Path(out_dir) / name)
    return out
