"""Stick body of the synthetic walker (:mod:`synth.gait_traces`): segment lengths,
3-D skeleton from the feet, pinhole camera projection and tracker-like degradation.

Deliberately separate from :mod:`synth.body` (the squat / heel-raise / leg-raise
model): this one is driven by world-space foot trajectories and a moving heading, with a
perspective camera; that one poses a 2-D figure by joint angles.

World axes: X along the walkway, Y up, Z towards the side camera, metres.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synth.gait_spec import WalkSpec
from vision.pose.trace import N_POSE

__all__ = ["Dims", "Camera", "skeleton", "degrade"]


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
