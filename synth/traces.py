"""Synthetic landmark traces with exact truth: squats, heel raises, leg raises, idling.

Each generator returns ``(Trace, truth)``; ``truth`` is a plain dict (times in seconds,
angles in degrees, heel heights as fractions of the foot length = heel -> foot index
distance). All are deterministic given ``seed``. Shared keyword options (``**scene``):

- ``view``: "side" | "front" | "rear" | "oblique" (default "side");
- ``facing``: "left" | "right" image direction the body faces in a side view (random when
  None), which also decides which body side is near the camera;
- ``height_m`` (body height, default random child 0.9-1.5 m or adult), ``child``;
- ``fill``: body height as a fraction of the image height (camera distance; random);
- ``fps``, ``noise_px`` (landmark jitter, pixels), ``drop_frac`` (frames with no person,
  in bursts), ``low_vis_frac`` (frames where some landmarks get visibility < 0.45 and a
  wrong position), ``far_foot_wander`` (side views: the far foot drifts by this many
  foot lengths, as MediaPipe does with an occluded foot), ``resolution`` (w, h).

**Mirrored pictures (known, not fixed).** :mod:`synth.body`'s world frame (x forward, y up,
z = the body's left) is left-handed, so every picture this renderer makes is the mirror
image of a real camera's: facing the camera (``view="front"``) the left shoulder is on the
image *left* (real MediaPipe clips have it on the right), so the squat's ``view_detail``
reads "rear" for ``view="front"`` and "front" for ``view="rear"``; in side views the body
faces the image direction opposite to a real one for the same near side. Checks of front
versus rear (``view_detail``) or of facing against near side belong on renderer B
(:mod:`synth.traces_b`), which is not mirrored. Fixing it here would flip the image x and
the ``facing`` -> camera-yaw mapping of :func:`make_scene`, which every generator sharing it
(heel and leg raises, the failure traces) and their tests rely on.

The body model and camera live in :mod:`synth.body` (``BodyModel``, ``Segments``,
``Camera``); this module has :func:`make_scene`, :func:`render` and
:func:`phase_schedule` for building other movements (gait, massage). The heel-raise and
leg-raise generators live in :mod:`synth.raise_traces`.
"""

from __future__ import annotations

import numpy as np

from synth.body import SIDES, BodyModel, Camera, Segments
from vision.pose.trace import Trace

__all__ = ["make_scene", "render", "phase_schedule", "squat_trace", "idle_trace"]

_YAW = {"front": 0.0, "rear": 180.0, "oblique": 35.0}
_RES = [(1280, 720), (1920, 1080), (720, 1280), (640, 480), (1080, 1920), (960, 540)]


def make_scene(rng: np.random.Generator, *, view: str = "side", facing: str | None = None,
               height_m: float | None = None, child: bool | None = None,
               fill: float | None = None, resolution=None, supine: bool = False,
               **_ignored) -> tuple[BodyModel, Camera, dict]:
    """A random body and a camera for ``view``; returns (body, camera, scene truth)."""
    if view not in ("side", "front", "rear", "oblique"):
        raise ValueError(f"view must be side, front, rear or oblique, got {view!r}")
    child = bool(rng.random() < 0.7) if child is None else child
    if height_m is None:
        height_m = rng.uniform(0.9, 1.5) if child else rng.uniform(1.55, 1.9)
    body = BodyModel(height_m=float(height_m), child=child)
    facing = facing or ("right" if rng.random() < 0.5 else "left")
    yaw = 90.0 if facing == "right" else -90.0
    if view != "side":
        yaw = _YAW[view] * (1 if rng.random() < 0.5 else -1) if view == "oblique" else _YAW[view]
    w, h = resolution or _RES[rng.integers(len(_RES))]
    fill = rng.uniform(0.35, 0.8) if fill is None else fill
    tan_long = np.tan(np.radians(Camera.fov_deg) / 2)
    tan_half = tan_long * (w if supine else h) / max(w, h)
    extent = height_m * (1.1 if supine else 1.0)
    dist = float(max(extent / (2 * fill * tan_half), 0.8))
    if supine:
        target = (0.25 * height_m + rng.uniform(-0.1, 0.1) * height_m, 0.1, 0.0)
        cam_h, pitch = rng.uniform(0.2, 0.45), 0.0
    else:
        target = (rng.uniform(-0.1, 0.1) * height_m, 0.5 * height_m, 0.0)
        cam_h, pitch = rng.uniform(0.3, 0.65) * height_m, 0.0
    cam = Camera(yaw_deg=yaw, distance_m=dist, height_m=float(cam_h), target_m=target,
                 pitch_deg=pitch, width_px=int(w), height_px=int(h))
    cam = _aim(cam)
    scene = dict(view=view, facing=facing if view == "side" else None, height_m=height_m,
                 child=child, yaw_deg=yaw, near_side=("left" if yaw > 0 else "right") if view == "side" else None,
                 foot_m=body.foot_m, resolution=(int(w), int(h)))
    return body, cam, scene


def _aim(cam: Camera) -> Camera:
    """Tilt the camera so the target sits at the image centre."""
    dy = cam.target_m[1] - cam.height_m
    pitch = -np.degrees(np.arctan2(dy, cam.distance_m))
    return Camera(**{**cam.__dict__, "pitch_deg": float(pitch)})


def phase_schedule(n_reps: int, rng: np.random.Generator, fps: float, *, go_s=(0.8, 1.4),
                   hold_s=(0.0, 0.4), back_s=(0.8, 1.4), rest_s=(0.6, 1.5),
                   lead_s=(0.8, 1.5), tail_s=(0.8, 1.5)):
    """Per-frame phase 0..1 (0 = rest, 1 = the rep's extreme) and rep frame intervals.

    Each rep: cosine ease from 0 to 1 over ``go_s``, hold at 1, ease back over ``back_s``,
    then rest; ranges are (low, high) seconds drawn uniformly. Returns
    ``(phase (n,), reps [(start, end_inclusive)], rep_id (n,) -1 outside reps)``.
    """
    def u(r):
        return float(rng.uniform(*r)) if isinstance(r, tuple) else float(r)

    parts: list[np.ndarray] = [np.zeros(int(round(u(lead_s) * fps)))]
    reps, ids = [], [np.full(len(parts[0]), -1)]
    pos = len(parts[0])
    for k in range(n_reps):
        ng, nh, nb = (max(int(round(u(r) * fps)), 2) for r in (go_s, hold_s, back_s))
        nh = max(nh - 2, 0)
        seg = np.concatenate([(1 - np.cos(np.pi * np.arange(ng) / (ng - 1))) / 2, np.ones(nh),
                              (1 + np.cos(np.pi * np.arange(1, nb + 1) / nb)) / 2])
        parts.append(seg)
        ids.append(np.full(len(seg), k))
        reps.append((pos, pos + len(seg) - 1))
        pos += len(seg)
        rest = np.zeros(int(round(u(rest_s if k < n_reps - 1 else tail_s) * fps)))
        parts.append(rest)
        ids.append(np.full(len(rest), -1))
        pos += len(rest)
    return np.concatenate(parts), reps, np.concatenate(ids)


def render(pts_m: np.ndarray, cam: Camera, rng: np.random.Generator, *, fps: float,
           noise_px: float = 1.0, drop_frac: float = 0.0, low_vis_frac: float = 0.0,
           far_foot_wander: float = 0.4, foot_m: float = 0.2, source: str = "synthetic",
           **_ignored) -> Trace:
    """Project world landmarks (n, 33, 3) through ``cam`` and degrade them like a tracker."""
    n = len(pts_m)
    vis = cam.visibility(pts_m, rng=rng)
    pose = cam.project(pts_m, visibility=vis)
    w, h = cam.width_px, cam.height_px
    side_on = abs(np.sin(np.radians(cam.yaw_deg)))
    if side_on > 0.8 and far_foot_wander > 0:
        far = [28, 30, 32] if cam.yaw_deg > 0 else [27, 29, 31]
        pose = _wander(pose, far, rng, amount=far_foot_wander, foot_m=foot_m, pts=pts_m, cam=cam)
    pose[..., 0] += rng.normal(0, noise_px / w, (n, 33))
    pose[..., 1] += rng.normal(0, noise_px / h, (n, 33))
    if low_vis_frac > 0:
        bad = rng.random(n) < low_vis_frac
        for i in np.flatnonzero(bad):
            lm = rng.choice(33, size=rng.integers(1, 8), replace=False)
            pose[i, lm, 3] = rng.uniform(0.05, 0.45, len(lm))
            pose[i, lm, :2] += rng.normal(0, 0.05, (len(lm), 2))
    if drop_frac > 0:
        k = 0
        while k < n:
            if rng.random() < drop_frac / 2.5:
                length = int(rng.integers(1, 5))
                pose[k:k + length] = np.nan
                k += length
            k += 1
    t = np.arange(n) / fps
    return Trace(fps=float(fps), width=int(w), height=int(h), t=t, pose=pose, source=source)


def _wander(pose, far, rng, *, amount, foot_m, pts, cam):
    """Slow random drift of the far foot (in foot lengths) and a wavering visibility."""
    n = len(pose)
    foot_px = np.linalg.norm(pose[:, 31, :2] - pose[:, 29, :2], axis=1).mean() if n else 0
    k = max(n // 40, 2)
    drift = rng.normal(0, 1, (k, 2))
    drift = np.stack([np.interp(np.linspace(0, k - 1, n), np.arange(k), drift[:, j]) for j in (0, 1)], 1)
    drift *= amount * foot_px / max(np.abs(drift).max(), 1e-9)
    out = pose.copy()
    for idx in far:
        out[:, idx, :2] += drift * (1.0 if idx >= 29 else 0.5)
        out[:, idx, 3] = np.clip(0.45 + 0.15 * np.sin(np.linspace(0, 6, n) + rng.uniform(0, 6))
                                 + rng.normal(0, 0.03, n), 0, 1)
    return out


def _split_options(opts: dict) -> tuple[dict, dict]:
    scene_keys = {"view", "facing", "height_m", "child", "fill", "resolution"}
    return ({k: v for k, v in opts.items() if k in scene_keys},
            {k: v for k, v in opts.items() if k not in scene_keys})


def _per_rep(value, reps: int, rng, default_range) -> np.ndarray:
    if value is None:
        return rng.uniform(*default_range, reps)
    arr = np.broadcast_to(np.asarray(value, float), (reps,)).copy()
    return arr


def _plant(body: BodyModel, seg: Segments) -> np.ndarray:
    """Landmarks with the left foot index fixed on the ground at x = 0 (feet stay put)."""
    n = len(seg.trunk_deg)
    pts = body.landmarks(seg, pelvis_m=np.zeros((n, 3)))
    toe = pts[:, 31, :].copy()
    toe[:, 2] = 0.0
    pts = pts - toe[:, None, :]
    pts[..., 0] += 0.5 * body.foot_m
    return pts


def _sway(n, rng, fps, deg):
    k = max(int(n / fps), 2)
    v = rng.normal(0, deg, k)
    return np.interp(np.linspace(0, k - 1, n), np.arange(k), v)


def squat_trace(reps: int = 3, depth_deg=None, *, heel_lift: dict | None = None,
                fps: float = 30.0, seed: int = 0, arms: str = "forward", **options):
    """Bodyweight squats.

    Parameters
    ----------
    reps : int
    depth_deg : float or sequence, optional
        Knee *flexion* at the bottom per rep (0 = straight), so the minimum knee angle is
        ``180 - depth_deg``; random 70-120 when None.
    heel_lift : dict {rep_index: height_frac_foot}, optional
        Reps in which both heels rise, and by how much at the bottom (fraction of the foot
        length, vertical, relative to the foot index).
    arms : "forward" | "down" | "held"
        ``held`` raises the arms forward-up as if an adult held the child's hands.

    The picture is mirrored (see the module notes): ``view="front"`` reads as filmed from
    the rear (``view_detail``), and the other way round.

    Returns
    -------
    trace, truth
        truth keys: ``reps`` [(start_s, end_s)], ``rep_frames``, ``min_knee_angle_deg``
        (per rep), ``heel_lift`` (per rep bool), ``heel_lift_frac_foot`` (per rep max),
        ``heel_rise_frac_foot`` (per frame), plus the scene (view, facing, near_side, ...).
    """
    rng = np.random.default_rng(seed)
    scene_opts, render_opts = _split_options(options)
    body, cam, scene = make_scene(rng, **scene_opts)
    phase, rep_frames, rep_id = phase_schedule(reps, rng, fps, hold_s=(0.0, 0.6))
    n = len(phase)
    depth = _per_rep(depth_deg, reps, rng, (70.0, 120.0))
    lifts = np.zeros(reps)
    for k, v in (heel_lift or {}).items():
        lifts[int(k)] = float(v)
    flex = np.where(rep_id >= 0, phase * depth[np.maximum(rep_id, 0)], 0.0)
    flex += np.abs(_sway(n, rng, fps, 1.5))
    rise = np.where(rep_id >= 0, lifts[np.maximum(rep_id, 0)] * np.clip(phase * 1.6 - 0.6, 0, 1), 0.0)
    seg = Segments.standing(n)
    share = rng.uniform(0.35, 0.5)
    seg.trunk_deg[:] = 0.5 * (1 - share) * flex + _sway(n, rng, fps, 1.0)
    arm = {"forward": 80.0, "down": 10.0, "held": 110.0}[arms]
    for s in SIDES:
        seg.thigh_deg[s][:] = (1 - share) * flex
        seg.shank_deg[s][:] = -share * flex
        seg.foot_deg[s][:] = np.degrees(np.arcsin(np.clip(rise, 0, 0.9)))
        seg.arm_deg[s][:] = arm + _sway(n, rng, fps, 3.0)
        seg.forearm_deg[s][:] = arm + _sway(n, rng, fps, 3.0)
    pts = _plant(body, seg)
    trace = render(pts, cam, rng, fps=fps, foot_m=body.foot_m, source="synthetic-squat", **render_opts)
    truth = dict(scene, fps=fps, rep_frames=rep_frames,
                 reps=[(a / fps, b / fps) for a, b in rep_frames],
                 min_knee_angle_deg=[180.0 - float(flex[a:b + 1].max()) for a, b in rep_frames],
                 heel_lift=[bool(v > 0) for v in lifts], heel_lift_frac_foot=lifts.tolist(),
                 heel_rise_frac_foot=rise)
    return trace, truth


def idle_trace(duration_s: float = 10.0, *, activity: str = "standing", fps: float = 30.0,
               seed: int = 0, **options):
    """No exercise: ``standing`` (sway), ``ankle_circles`` (standing on one foot, the other
    foot lifted and circling), ``supine`` (lying still) or ``shifting`` (weight shifts and
    small knee bends under 20 deg). truth: ``reps`` = [] and the scene."""
    rng = np.random.default_rng(seed)
    scene_opts, render_opts = _split_options(options)
    n = int(round(duration_s * fps))
    tt = np.arange(n) / fps
    seg = Segments.standing(n)
    seg.trunk_deg[:] = _sway(n, rng, fps, 1.5)
    for s in SIDES:
        seg.thigh_deg[s][:] = np.abs(_sway(n, rng, fps, 2.0))
        seg.arm_deg[s][:] = 5 + _sway(n, rng, fps, 3.0)
        seg.forearm_deg[s][:] = 10 + _sway(n, rng, fps, 3.0)
    stance = SIDES
    if activity == "ankle_circles":
        lifted = SIDES[int(rng.integers(2))]
        f = rng.uniform(0.4, 0.9)
        seg.thigh_deg[lifted][:] = 35 + _sway(n, rng, fps, 2.0)
        seg.shank_deg[lifted][:] = 5.0
        seg.foot_deg[lifted][:] = 20 * np.sin(2 * np.pi * f * tt) + 10
        stance = tuple(s for s in SIDES if s != lifted)
    elif activity == "shifting":
        for s in SIDES:
            seg.thigh_deg[s][:] = 10 * (1 - np.cos(2 * np.pi * 0.3 * tt)) / 2 + np.abs(_sway(n, rng, fps, 2))
            seg.shank_deg[s][:] = -0.5 * seg.thigh_deg[s]
    elif activity == "supine":
        seg.body_pitch_deg[:] = 90.0
        for s in SIDES:
            seg.foot_deg[s][:] = 15.0
    elif activity != "standing":
        raise ValueError(f"unknown activity {activity!r}")
    supine = activity == "supine"
    body, cam, scene = make_scene(rng, supine=supine, **scene_opts)
    if supine:
        pts = body.landmarks(seg, pelvis_m=np.tile([0.0, 0.06 * body.height_m, 0.0], (n, 1)))
    else:
        pts = body.on_ground(body.landmarks(seg, pelvis_m=np.zeros((n, 3))), feet=stance)
    trace = render(pts, cam, rng, fps=fps, foot_m=body.foot_m, source=f"synthetic-{activity}",
                   **render_opts)
    return trace, dict(scene, fps=fps, reps=[], rep_frames=[])
