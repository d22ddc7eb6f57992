"""MediaPipe-like landmark errors on projected points, giving a ``footcoach-trace/1`` pose.

Error model (each part switched by :class:`Artefacts`):

- jitter: Student-t (3 degrees of freedom, heavy tails) per frame plus a slowly wandering
  AR(1) part, in units of the body height in the picture; hands and feet jitter more;
- far side: landmarks on the body side away from the camera get a low visibility and are
  partly *guessed*: they drift slowly (up to about half a foot length for a foot) and are
  pulled towards their near-side twin, as the tracker does when one leg hides the other;
- heel/toe pull: when the shank tilts forward (knee travel) the heel and toe estimates creep
  towards the ankle, so a flat heel reads slightly raised from landmarks alone;
- out of frame: points outside the picture get a low visibility and an extrapolation error;
  a frame with most of the trunk outside, and short random bursts, are dropped (no person);
- left/right swaps for a few frames; a second person passing takes over the track briefly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synth.traces_b.camera import Camera

LEFT = (1, 2, 3, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31)
RIGHT = (4, 5, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32)
EXTREMITY = (15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32)
FOOT = {"left": (27, 29, 31), "right": (28, 30, 32)}
LEG = {"left": (25, 27, 29, 31), "right": (26, 28, 30, 32)}
TRUNK = (11, 12, 23, 24)


@dataclass(frozen=True)
class Artefacts:
    jitter: float = 0.006        # jitter scale, fraction of the body height in the picture
    far_guess: float = 1.0       # 0..1 strength of far-side guessing
    heel_pull: float = 0.1       # heel/toe creep towards the ankle at full knee travel
    swaps: int = 0               # left/right swap windows
    dropout: float = 0.01        # share of frames dropped in short bursts
    passer: bool = False         # a second person takes the track for a moment

    @classmethod
    def random(cls, rng: np.random.Generator, *, hard: bool = True) -> Artefacts:
        return cls(jitter=float(rng.uniform(0.002, 0.010 if hard else 0.004)),
                   far_guess=float(rng.uniform(0.4, 1.0)),
                   heel_pull=float(rng.uniform(0.0, 0.18)),
                   swaps=int(rng.integers(0, 3)) if hard else 0,
                   dropout=float(rng.uniform(0.0, 0.03)),
                   passer=bool(hard and rng.random() < 0.15))


def _ar1(rng, n: int, shape: tuple, tau_frames: float) -> np.ndarray:
    a = np.exp(-1.0 / max(tau_frames, 1.0))
    e = rng.standard_normal((n, *shape)) * np.sqrt(1 - a * a)
    out = np.empty_like(e)
    out[0] = rng.standard_normal(shape)
    for i in range(1, n):
        out[i] = a * out[i - 1] + e[i]
    return out


def observe(rng: np.random.Generator, pts: np.ndarray, cam: Camera, fps: float, art: Artefacts,
            *, body_h: float, foot: float, passer_pts: np.ndarray | None = None,
            ) -> np.ndarray:
    """(n, 33, 4) normalised x, y, MediaPipe-like z and visibility, NaN rows for no person."""
    n = len(pts)
    xy, depth = cam.project(pts)
    aspect = cam.width / cam.height
    hip_depth = depth[:, [23, 24]].mean(1, keepdims=True)
    z = (depth - hip_depth) / hip_depth * cam.focal_px / cam.width
    scale_h = body_h * cam.focal_px / np.maximum(hip_depth[:, 0], 0.1) / cam.height   # body height, y units
    vis = np.full((n, 33), 0.97) + rng.normal(0, 0.015, (n, 33))
    out = xy.copy()
    # far side: depth difference between the twins, in hip widths
    for side, other, idx_s, idx_o in (("left", "right", LEFT, RIGHT), ("right", "left", RIGHT, LEFT)):
        for a, b in zip(idx_s, idx_o, strict=True):
            far = np.clip((depth[:, a] - depth[:, b]) / (foot + 1e-6), 0, 1) * art.far_guess
            vis[:, a] -= 0.55 * far
            if a in LEG[side] or a in (13, 15, 17, 19, 21):
                pull = 0.25 * far
                out[:, a] += pull[:, None] * (xy[:, b] - xy[:, a])
    foot_img = foot * cam.focal_px / np.maximum(hip_depth[:, 0], 0.1) / cam.height
    drift = _ar1(rng, n, (33, 2), 0.6 * fps) * 0.18
    for side in ("left", "right"):
        for a in LEG[side]:
            far = np.clip(0.97 - vis[:, a], 0, 0.6) / 0.6
            out[:, a, 0] += far * drift[:, a, 0] * foot_img / aspect
            out[:, a, 1] += far * drift[:, a, 1] * foot_img
    # heel / toe creep towards the ankle when the shank tilts forward (knee travel)
    for side, (ank, heel, toe) in FOOT.items():
        knee = 25 if side == "left" else 26
        sh = pts[:, knee] - pts[:, ank]
        tilt = np.arccos(np.clip(sh[:, 2] / np.linalg.norm(sh, axis=1), -1, 1))
        k = art.heel_pull * np.clip(tilt / 0.6, 0, 1)
        for p in (heel, toe):
            out[:, p] += k[:, None] * (out[:, ank] - out[:, p])
    # jitter: heavy tailed + slow wander
    sig = art.jitter * scale_h[:, None]
    mult = np.ones(33)
    mult[list(EXTREMITY)] = 1.5
    t_noise = rng.standard_t(3, (n, 33, 2)) * 0.6 + _ar1(rng, n, (33, 2), 0.3 * fps) * 0.7
    out[..., 0] += t_noise[..., 0] * (sig * mult) / aspect
    out[..., 1] += t_noise[..., 1] * (sig * mult)
    # out of the picture
    outside = np.maximum(np.maximum(-out[..., 0], out[..., 0] - 1),
                         np.maximum(-out[..., 1], out[..., 1] - 1))
    off = outside > 0
    vis[off] = rng.uniform(0.02, 0.3, off.sum())
    out[off] += rng.normal(0, 1, (off.sum(), 2)) * (0.3 * np.clip(outside[off], 0, 0.5))[:, None]
    pose = np.concatenate([out, z[..., None], np.clip(vis, 0, 1)[..., None]], -1)
    if passer_pts is not None:
        pose = _passer(rng, pose, passer_pts, cam, fps)
    pose = _swaps(rng, pose, art.swaps, fps)
    gone = (off[:, list(TRUNK)].sum(1) >= 3) | _bursts(rng, n, art.dropout, fps)
    pose[gone] = np.nan
    return pose


def _bursts(rng, n: int, share: float, fps: float) -> np.ndarray:
    m = np.zeros(n, bool)
    target = int(share * n)
    while m.sum() < target:
        a = int(rng.integers(0, n))
        m[a:a + int(rng.integers(1, max(2, int(0.25 * fps))))] = True
    return m


def _swaps(rng, pose: np.ndarray, k: int, fps: float) -> np.ndarray:
    for _ in range(k):
        a = int(rng.integers(0, len(pose)))
        b = min(len(pose), a + int(rng.integers(2, max(3, int(0.2 * fps)))))
        seg = pose[a:b].copy()
        pose[a:b][:, list(LEFT)] = seg[:, list(RIGHT)]
        pose[a:b][:, list(RIGHT)] = seg[:, list(LEFT)]
    return pose


def _passer(rng, pose: np.ndarray, other: np.ndarray, cam: Camera, fps: float) -> np.ndarray:
    """The track jumps to a second person (world points ``other``) for 0.3-1 s."""
    xy, _ = cam.project(other)
    n = len(pose)
    a = int(rng.integers(0, max(1, n - int(fps))))
    b = min(n, a + int(rng.uniform(0.3, 1.0) * fps))
    pose[a:b, :, :2] = xy[a:b]
    pose[a:b, :, 3] = rng.uniform(0.6, 0.95, (b - a, 33))
    return pose
