"""A pinhole camera at any yaw around the person, with height, distance, tilt and roll.

The camera is placed on a circle around a target point: ``yaw_deg`` is measured from the
person's facing direction (0 = in front of the person looking back at them, 90 = at the
person's left side, 180 = behind, 270 = at the right side). It looks at the target, then is
tilted by ``tilt_deg`` (positive = looking further down) and rolled by ``roll_deg``.
Projection gives MediaPipe-style normalised image coordinates (x right, y down, 0..1) and a
depth for each point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synth.traces_b.body import UP, unit

RESOLUTIONS = ((1280, 720), (1920, 1080), (720, 1280), (640, 480), (1080, 1920), (960, 540))


@dataclass(frozen=True)
class Camera:
    position: np.ndarray     # (3,) world metres
    rot: np.ndarray          # (3, 3) rows: camera x (right), y (down), z (forward) in world
    focal_px: float
    width: int
    height: int
    yaw_deg: float           # relative to the person's facing direction at the start

    def project(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(..., 2) normalised x, y and (...,) depth in metres for world points (..., 3)."""
        rel = (pts - self.position) @ self.rot.T
        z = rel[..., 2]
        zs = np.where(z > 0.05, z, 0.05)
        u = self.focal_px * rel[..., 0] / zs + self.width / 2
        v = self.focal_px * rel[..., 1] / zs + self.height / 2
        return np.stack([u / self.width, v / self.height], -1), z


def view_name(yaw_deg: float) -> str:
    """side / oblique / front / rear for a yaw relative to the facing direction."""
    y = abs(((yaw_deg + 180) % 360) - 180)         # 0..180
    if y < 20:
        return "front"
    if y > 160:
        return "rear"
    if 70 <= y <= 110:
        return "side"
    return "oblique"


def look_at(position: np.ndarray, target: np.ndarray, tilt_deg: float, roll_deg: float,
            ) -> np.ndarray:
    fwd = unit(target - position)
    right = unit(np.cross(fwd, UP))
    down = np.cross(fwd, right)
    t = np.radians(tilt_deg)
    fwd = unit(np.cos(t) * fwd + np.sin(t) * down)      # tilt: turn towards image "down"
    right = unit(np.cross(fwd, UP))
    down = np.cross(fwd, right)
    r = np.radians(roll_deg)
    right, down = np.cos(r) * right + np.sin(r) * down, -np.sin(r) * right + np.cos(r) * down
    return np.stack([right, down, fwd])


def make_camera(rng: np.random.Generator, *, target: np.ndarray, heading: float,
                yaw_deg: float, span_m: float, body_h: float, fill: float | None = None,
                tilt_deg: float | None = None, portrait: bool | None = None) -> Camera:
    """A camera seeing a region ``span_m`` wide (and the body ``body_h`` tall) around
    ``target`` so that the larger of the two fills ``fill`` of the picture."""
    if portrait is None:
        portrait = rng.random() < 0.25
    choices = [r for r in RESOLUTIONS if (r[1] > r[0]) == portrait]
    w, h = choices[rng.integers(len(choices))]
    hfov = np.radians(rng.uniform(50, 72) if w > h else rng.uniform(38, 50))
    f = (w / 2) / np.tan(hfov / 2)
    fill = rng.uniform(0.55, 0.9) if fill is None else fill
    dist_w = span_m * f / (fill * w)
    dist_h = body_h * f / (fill * h)
    dist = max(dist_w, dist_h, 1.2)
    cam_h = rng.uniform(0.35, 1.5) * max(body_h, 0.9) * 0.75
    ang = heading + np.radians(yaw_deg)
    pos = np.array([target[0] + dist * np.cos(ang), target[1] + dist * np.sin(ang), cam_h])
    aim = np.array([target[0], target[1], body_h * rng.uniform(0.4, 0.6)])
    tilt = rng.uniform(-4, 6) if tilt_deg is None else tilt_deg
    rot = look_at(pos, aim, tilt, rng.normal(0, 1.5))
    return Camera(pos, rot, float(f), int(w), int(h), float(yaw_deg))
