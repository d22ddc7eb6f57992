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

World axes: X along the walkway, Y up, Z towards the side camera, metres. Truth times are
seconds; heel heights are fractions of the foot length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.pose.trace import N_POSE, Trace

__all__ = ["WalkSpec", "Stance", "walk_trace", "random_walk_spec", "plan_footsteps"]


@dataclass(frozen=True)
class WalkSpec:
    """Options of :func:`walk_trace` (lengths metres, times seconds, angles degrees).

    pattern : "heel" | "tiptoe" | "mixed" (each step tiptoe with ``tiptoe_prob``).
    view : "side" | "front".  direction : +1 walks towards image right (side view) or towards
    the camera (front view), -1 the other way.  mirror : flip the image horizontally (selfie
    webcam), which shows the other body side for the same direction.
    """

    pattern: str = "heel"
    tiptoe_prob: float = 0.5
    view: str = "side"
    direction: int = 1
    mirror: bool = False
    out_and_back: bool = False
    n_steps: int | None = None          # per pass; None fits the frame
    body_height_m: float = 1.1
    image_body_frac: float = 0.55       # body height / image height (camera distance)
    aspect: float = 16 / 9
    fps: float = 30.0
    cycle_s: float = 1.0                # gait cycle (two steps)
    step_frac_height: float = 0.34      # step length / body height
    heel_strike_deg: float = 18.0
    toe_off_deg: float = 40.0
    tiptoe_heel_frac: float = 0.3
    stand_s: tuple[float, float] = (0.8, 0.8)
    turn_s: float = 1.6
    camera_dist_heights: float = 3.0    # camera distance / body height (perspective)
    noise_frac_foot: float = 0.02       # landmark noise sd, fraction of foot length
    far_wander_frac_foot: float = 0.08  # slow wander of the far-side landmarks
    drop_frac: float = 0.0              # fraction of frames with no pose
    low_visibility_frac: float = 0.0    # fraction of frames where the feet are barely seen
    seed: int = 0


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


# ----- stick body ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Dims:
    """Body segment lengths in metres, scaled from standing height (child proportions below
    about 1.3 m: shorter legs, bigger head)."""

    height: float
    foot_len: float
    ankle_u: float           # ankle forward of the heel, foot frame
    ankle_v: float           # ankle above the sole
    hip_h: float
    thigh: float
    shank: float
    hip_half: float
    step_half_width: float
    trunk: float
    shoulder_half: float
    upper_arm: float
    forearm: float
    head: float

    @classmethod
    def from_height(cls, h: float) -> Dims:
        adult = float(np.clip((h - 0.8) / 0.9, 0.0, 1.0))
        foot = 0.152 * h
        hip_h = (0.455 + 0.075 * adult) * h
        leg = hip_h - 0.27 * foot
        return cls(height=h, foot_len=foot, ankle_u=0.24 * foot, ankle_v=0.27 * foot,
                   hip_h=hip_h, thigh=leg / 2, shank=leg / 2, hip_half=0.05 * h,
                   step_half_width=0.05 * h, trunk=(0.79 + 0.025 * adult) * h - hip_h,
                   shoulder_half=0.11 * h, upper_arm=0.17 * h, forearm=0.145 * h,
                   head=(0.13 - 0.02 * adult) * h)


def _gauss(x: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian smoothing along axis 0 (edges held), sigma in samples."""
    if sigma < 0.5:
        return x
    r = int(3 * sigma) + 1
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    k /= k.sum()
    pad = np.concatenate([np.repeat(x[:1], r, 0), x, np.repeat(x[-1:], r, 0)])
    return np.stack([np.convolve(pad[:, j], k, mode="valid") for j in range(x.shape[1])], 1) \
        if x.ndim == 2 else np.convolve(pad, k, mode="valid")


def _foot_points(st: np.ndarray, d: Dims):
    """World heel, ankle, toe (n, 3) from foot states (n, 5)."""
    th, hd = st[:, 3], st[:, 4]
    f = np.stack([np.cos(hd), np.zeros_like(hd), np.sin(hd)], 1)
    up = np.array([0.0, 1.0, 0.0])
    heel = np.stack([st[:, 0], st[:, 2], st[:, 1]], 1)
    c, s = np.cos(th)[:, None], np.sin(th)[:, None]
    ankle = heel + (d.ankle_u * c - d.ankle_v * s) * f + (d.ankle_u * s + d.ankle_v * c) * up
    toe = heel + d.foot_len * (c * f + s * up)
    return heel, ankle, toe


def _knee(hip: np.ndarray, ankle: np.ndarray, fwd: np.ndarray, d: Dims) -> np.ndarray:
    """Two-link inverse kinematics; the knee bends forwards. A too-long reach straightens."""
    v = ankle - hip
    dist = np.linalg.norm(v, axis=1, keepdims=True)
    u = v / np.maximum(dist, 1e-9)
    dist = np.clip(dist, 0.3 * (d.thigh + d.shank), 0.9999 * (d.thigh + d.shank))
    a = (d.thigh ** 2 - d.shank ** 2 + dist ** 2) / (2 * dist)
    h = np.sqrt(np.maximum(d.thigh ** 2 - a ** 2, 0.0))
    w = fwd - (fwd * u).sum(1, keepdims=True) * u
    w /= np.maximum(np.linalg.norm(w, axis=1, keepdims=True), 1e-9)
    return hip + a * u + h * w


def skeleton(feet: dict, heading: np.ndarray, d: Dims, fps: float, cycle_s: float) -> np.ndarray:
    """World positions (n, 33, 3) of the BlazePose landmarks."""
    n = len(heading)
    fwd = np.stack([np.cos(heading), np.zeros(n), np.sin(heading)], 1)
    right = np.stack([-np.sin(heading), np.zeros(n), np.cos(heading)], 1)
    up = np.array([0.0, 1.0, 0.0])
    pts = {s: _foot_points(feet[s], d) for s in ("left", "right")}
    mid = _gauss((pts["left"][1] + pts["right"][1]) / 2, 0.2 * cycle_s * fps)
    hip = {s: mid + right * d.hip_half * (1 if s == "right" else -1) for s in pts}
    reach = []
    for s in pts:
        dh = np.hypot(*(hip[s][:, [0, 2]] - pts[s][1][:, [0, 2]]).T)
        leg = 0.995 * (d.thigh + d.shank)
        reach.append(pts[s][1][:, 1] + np.sqrt(np.maximum(leg ** 2 - dh ** 2, (0.6 * leg) ** 2)))
    hip_y = _gauss(np.minimum(np.minimum(*reach), d.hip_h), 0.03 * fps)
    out = np.zeros((n, N_POSE, 3))
    for s in ("left", "right"):
        hip[s][:, 1] = hip_y
        o = 1 if s == "right" else 0
        heel, ankle, toe = pts[s]
        out[:, 23 + o], out[:, 27 + o], out[:, 29 + o], out[:, 31 + o] = hip[s], ankle, heel, toe
        out[:, 25 + o] = _knee(hip[s], ankle, fwd, d)
    hipc = (hip["left"] + hip["right"]) / 2
    shc = hipc + d.trunk * up + 0.03 * d.height * fwd
    for s, sg in (("left", -1), ("right", 1)):
        o = 1 if s == "right" else 0
        sh = shc + sg * d.shoulder_half * right
        other = pts["left" if s == "right" else "right"][1]
        along = ((other - hipc) * fwd).sum(1) / (d.thigh + d.shank)
        a = 0.7 * np.arcsin(np.clip(along, -1, 1))[:, None]
        elbow = sh + d.upper_arm * (np.sin(a) * fwd - np.cos(a) * up)
        b = a + np.radians(25)
        wrist = elbow + d.forearm * (np.sin(b) * fwd - np.cos(b) * up)
        hand = wrist + 0.05 * d.height * (np.sin(b) * fwd - np.cos(b) * up)
        out[:, 11 + o], out[:, 13 + o], out[:, 15 + o] = sh, elbow, wrist
        for k, lat in ((17, 0.012), (19, -0.008), (21, -0.02)):   # pinky, index, thumb
            out[:, k + o] = hand + sg * lat * d.height * right
    nose = shc + d.head * up + 0.05 * d.height * fwd
    out[:, 0] = nose
    for k, lat in ((1, 0.01), (2, 0.018), (3, 0.026)):              # eyes (left 1-3)
        out[:, k] = nose + 0.015 * d.height * up - 0.01 * d.height * fwd - lat * d.height * right
        out[:, k + 3] = out[:, k] + 2 * lat * d.height * right
    ear = shc + (d.head - 0.005 * d.height) * up - 0.02 * d.height * fwd
    out[:, 7], out[:, 8] = ear - 0.035 * d.height * right, ear + 0.035 * d.height * right
    mouth = nose - 0.025 * d.height * up - 0.005 * d.height * fwd
    out[:, 9], out[:, 10] = mouth - 0.012 * d.height * right, mouth + 0.012 * d.height * right
    return out


@dataclass(frozen=True)
class Camera:
    """Pinhole camera. ``axis`` 2 = side camera on +Z looking -Z, 0 = on the walkway axis."""

    axis: int
    pos: float               # camera coordinate along its axis (m)
    look: int                # +1 looks towards +axis, -1 towards -axis
    center: float            # world coordinate at the image centre (X or Z)
    height: float            # camera height (m)
    focal: float             # height-normalised image units per (m / m)
    cx: float
    cy: float
    flip: int                # +1 or -1 on image x
    aspect: float
    foot_len_img: float
    image_direction: int     # +1 when the first pass walks towards image right

    @classmethod
    def for_spec(cls, spec: WalkSpec, world: np.ndarray, rng) -> Camera:
        h = spec.body_height_m
        hc = rng.uniform(0.4, 0.9) * h
        y_ground = rng.uniform(0.86, 0.95)
        if spec.view == "side":
            dist = spec.camera_dist_heights * h
            f = spec.image_body_frac * dist / h
            xs = world[:, 0, 0]
            flip = -1 if spec.mirror else 1
            return cls(2, dist, -1, float((xs.min() + xs.max()) / 2), hc, f, spec.aspect / 2,
                       y_ground - f * hc / dist, flip, spec.aspect, f * 0.152 * h / dist, flip)
        near = max(spec.camera_dist_heights * h / 2, 1.0 * h)
        f = spec.image_body_frac * near / h
        xs = world[:, 0, 0]
        pos = xs.max() + near if spec.direction > 0 else xs.min() - near
        look = -1 if spec.direction > 0 else 1
        mid = near + (xs.max() - xs.min()) / 2
        return cls(0, pos, look, 0.0, hc, f, spec.aspect / 2, y_ground - f * hc / near,
                   -1 if spec.mirror else 1, spec.aspect, f * 0.152 * h / mid, 0)

    def project(self, world: np.ndarray, d: Dims) -> tuple[np.ndarray, float]:
        """(n, 33, 4) trace pose (x, y normalised, z, visibility) and foot length (image
        height units)."""
        depth = (world[..., self.axis] - self.pos) * self.look
        if self.axis == 2:
            lateral = world[..., 0] - self.center
        else:   # camera right = look x up
            lateral = world[..., 2] * (-self.look)
        x = self.cx + self.flip * self.focal * lateral / depth
        y = self.cy - self.focal * (world[..., 1] - self.height) / depth
        dc = depth[:, 23:25].mean(1, keepdims=True)
        z = (depth - dc) * self.focal / dc / self.aspect
        vis = np.clip(0.84 + 2.2 * (dc - depth) / d.height, 0.05, 0.995)
        return np.stack([x / self.aspect, y, z, vis], -1), self.foot_len_img


def degrade(pose: np.ndarray, spec: WalkSpec, foot_len_img: float, rng) -> np.ndarray:
    """Tracker-like noise: white jitter, slow wander of poorly seen landmarks, low-visibility
    feet and dropped frames. Units: ``*_frac_foot`` scale with the image foot length."""
    n = len(pose)
    out = pose.copy()
    scale = np.array([1 / spec.aspect, 1.0])
    out[..., 3] = np.clip(out[..., 3] + rng.normal(0, 0.03, out[..., 3].shape), 0.05, 0.999)
    out[..., :2] += rng.normal(0, spec.noise_frac_foot * foot_len_img, (n, N_POSE, 2)) * scale
    if spec.far_wander_frac_foot > 0 and n > 4:
        w = _gauss(rng.normal(0, 1, (n, N_POSE * 2)), 0.25 * spec.fps).reshape(n, N_POSE, 2)
        w /= max(float(w.std()), 1e-9)
        weak = np.clip((0.85 - out[..., 3]) / 0.25, 0, 1)[..., None]
        out[..., :2] += w * weak * spec.far_wander_frac_foot * foot_len_img * scale
    feet = np.arange(25, 33)
    for a, b in _random_runs(n, spec.low_visibility_frac, (3, 10), rng):
        out[a:b, feet, 3] = rng.uniform(0.1, 0.45, (b - a, len(feet)))
        out[a:b][:, feet, :2] += rng.normal(0, 0.3 * foot_len_img, (b - a, len(feet), 2)) * scale
    for a, b in _random_runs(n, spec.drop_frac, (1, 4), rng):
        out[a:b] = np.nan
    return out


def _random_runs(n: int, frac: float, length: tuple[int, int], rng) -> list[tuple[int, int]]:
    runs, total = [], 0
    while frac > 0 and total < frac * n:
        k = int(rng.integers(length[0], length[1] + 1))
        a = int(rng.integers(0, max(n - k, 1)))
        runs.append((a, a + k))
        total += k
    return runs


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
    truth = {"steps": steps, "n_steps": len(steps), "segments": segs, "foot_length": flen,
             "view": spec.view, "image_direction": [img_dir, -img_dir][:len(turns) + 1],
             "spec": spec}
    return trace, truth


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
