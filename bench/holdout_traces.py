"""Held-out synthetic ``footcoach-trace/1`` traces with exact truth, for checking the exercise
detectors independently of the generators they were developed against (``synth``).

Built differently on purpose:

- A 3D articulated body with anthropometric segment ratios (Drillis & Contini / Winter for
  adults; shorter legs and a bigger head for 2-8 year olds, interpolated by age). Joint
  positions come from sagittal-plane kinematics (knee angle, shank and trunk lean, two-link
  inverse kinematics for the legs), then lateral offsets and a body yaw lift them to 3D.
- The foot is two rigid parts: the rear foot (heel, ankle, ball) and the toes (ball to tip).
  A heel rise turns the rear foot about the ball while the toes stay on the floor, so the
  "foot index" landmark stays down, as on a real foot; a heel strike turns the whole foot
  about the heel.
- A pinhole phone camera beside the person: vertical field of view 40-60 deg (landscape) or
  60-80 deg (portrait), at the distance that makes the person 30-90 % of the frame height
  (30-50 % for walks, so a few steps fit), 0.35-0.9 body heights up (a low camera for leg
  raises), pitched to aim at the person, small yaw and roll; image 1280x720, 1920x1080 or
  720x1280, 24-60 fps. Facing left or right and near side left or right are drawn
  independently: the physical pairing (a person facing image-right shows the right side)
  holds unless the labels are swapped, which MediaPipe does on mirrored or ambiguous views.
- MediaPipe-like artefacts: white jitter per landmark (0.3-1 % of body height), a temporally
  correlated wobble per landmark and for the whole body, the FAR side's heel and foot index
  with visibility 0.3-0.5 that wander by up to half a foot length while they are hidden
  behind the near leg (standing, stance), lower visibility on the rest of the far side, short
  visibility dips, and dropped frames (``pose`` null). A far leg clear of the near one in the
  image (raised while lying, mid-swing) is seen at visibility 0.7-0.9 and wanders less.

Which side is "far" follows the geometry frame by frame (a walker who turns round shows the
other side). Scenario functions take a seed and return ``(Trace, truth)``; ``truth`` is a
plain dict (times in seconds from the start of the trace).

Deliberate limits, so that every case is callable from a side view:
- a one-sided heel lift in a squat is on the NEAR foot (the far heel is not observable);
- lifts and rises are 15-40 % of the foot length, well clear of noise;
- camera yaw is at most 12 degrees (8 for walks, 6 for leg raises), a walk is filmed from at
  least about 2 m (person <= 50 % of the frame) and a leg raise from a low camera (phone on
  the floor or a low stool): a steep or oblique view bends the image angles and the apparent
  heel height by more than the bars allow, which no 2D detector could undo. With ``clean=True``
  the projected flat-foot heel height stays within about -10..+13 % of the foot length, a
  tiptoe stance at 16-49 %, and the image hip flexion within about 1 degree of the truth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from vision.pose.trace import N_POSE, Trace

# BlazePose indices (local copy: this module is independent of the code under test)
NOSE = 0
L_EYE_IN, L_EYE, L_EYE_OUT, R_EYE_IN, R_EYE, R_EYE_OUT = 1, 2, 3, 4, 5, 6
L_EAR, R_EAR, MOUTH_L, MOUTH_R = 7, 8, 9, 10
SIDE = {
    "left": dict(shoulder=11, elbow=13, wrist=15, pinky=17, index=19, thumb=21, hip=23,
                 knee=25, ankle=27, heel=29, toe=31),
    "right": dict(shoulder=12, elbow=14, wrist=16, pinky=18, index=20, thumb=22, hip=24,
                  knee=26, ankle=28, heel=30, toe=32),
}
LEFT_IDX = [1, 2, 3, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31]
RIGHT_IDX = [4, 5, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32]
PAIRS = list(zip(LEFT_IDX, RIGHT_IDX, strict=True))

SIZES = [(1280, 720), (1920, 1080), (720, 1280)]
FPS_CHOICES = [24.0, 25.0, 30.0, 50.0, 60.0]

# Foot model in foot lengths L, origin at the heel's floor point, x forward, y up.
HEEL_L = np.array([0.0, 0.05])      # MediaPipe heel landmark (back of the heel)
ANKLE_L = np.array([0.24, 0.26])    # ankle joint centre
BALL_L = np.array([0.72, 0.0])      # metatarsal heads (rear-foot pivot)
TOE_L = np.array([1.0, 0.03])       # MediaPipe foot index (toe tip)


# ------------------------------------------------------------------------------------------
# body
@dataclass
class Body:
    kind: str          # "child" | "adult"
    age: float         # years
    H: float           # stature, m
    hip_h: float       # hip joint centre height standing, m
    thigh: float
    shank: float
    ankle_h: float
    trunk: float       # hip centre -> shoulder centre
    neck: float        # shoulder -> chin
    head: float        # chin -> vertex
    upper_arm: float
    forearm: float
    hand: float
    foot: float        # heel -> toe tip (L)
    shoulder_half: float
    hip_half: float


# fractions of stature: hip, knee, ankle, shoulder, chin, foot, upper arm, forearm, hand,
# shoulder half-width, hip joint half-width
_ADULT = (0.530, 0.285, 0.039, 0.818, 0.870, 0.152, 0.186, 0.146, 0.108, 0.120, 0.060)
_CHILD2 = (0.440, 0.232, 0.040, 0.770, 0.800, 0.152, 0.170, 0.128, 0.100, 0.115, 0.062)
_CHILD8 = (0.490, 0.262, 0.040, 0.800, 0.845, 0.156, 0.180, 0.140, 0.104, 0.118, 0.060)


def make_body(rng: np.random.Generator, kind: str) -> Body:
    if kind == "child":
        age = float(rng.uniform(2.0, 8.0))
        H = 0.86 + 0.068 * (age - 2.0) + rng.normal(0, 0.03)
        c = (8.0 - age) / 6.0
        fr = [c * a + (1 - c) * b for a, b in zip(_CHILD2, _CHILD8, strict=True)]
    else:
        age = float(rng.uniform(20, 60))
        H = float(rng.uniform(1.55, 1.92))
        fr = list(_ADULT)
    fr = [f * (1 + rng.normal(0, 0.015)) for f in fr]
    hip, knee, ankle, sh, chin, foot, ua, fa, hand, shw, hipw = fr
    return Body(kind=kind, age=age, H=H, hip_h=hip * H, thigh=(hip - knee) * H,
                shank=(knee - ankle) * H, ankle_h=ankle * H, trunk=(sh - hip) * H,
                neck=(chin - sh) * H, head=(1 - chin) * H, upper_arm=ua * H,
                forearm=fa * H, hand=hand * H, foot=foot * H, shoulder_half=shw * H,
                hip_half=hipw * H)


# ------------------------------------------------------------------------------------------
# small helpers
def _smooth01(x):
    """Minimum-jerk 0->1 ramp for x in [0, 1] (clipped)."""
    x = np.clip(x, 0.0, 1.0)
    return x ** 3 * (10 - 15 * x + 6 * x ** 2)


def _rot(v, ang):
    """Rotate 2D vectors (..., 2) counter-clockwise by ang (radians, broadcast)."""
    c, s = np.cos(ang), np.sin(ang)
    return np.stack([c * v[..., 0] - s * v[..., 1], s * v[..., 0] + c * v[..., 1]], axis=-1)


def _unit(ang):
    return np.stack([np.cos(ang), np.sin(ang)], axis=-1)


def _ou(rng, n, dt, tau, sigma, dims=()):
    """Ornstein-Uhlenbeck noise, stationary std ``sigma``, correlation time ``tau``."""
    from scipy.signal import lfilter
    a = math.exp(-dt / max(tau, 1e-6))
    b = sigma * math.sqrt(1 - a * a)
    e = rng.normal(0, 1, (n,) + tuple(dims)) * b
    x0 = rng.normal(0, sigma, tuple(dims))
    out, _ = lfilter([1.0], [1.0, -a], e, axis=0, zi=(a * x0)[None, ...])
    return out


def _ik_knee(hip, ankle, lt, ls, anterior):
    """Knee position for a two-link leg from hip to ankle; the knee points to ``anterior``
    (unit 2D vector per frame). Unreachable targets give a straight leg."""
    d = ankle - hip
    dist = np.linalg.norm(d, axis=-1)
    dist_c = np.clip(dist, abs(lt - ls) + 1e-6, (lt + ls) * 0.99999)
    u = d / np.maximum(dist, 1e-9)[..., None]
    a = (lt ** 2 - ls ** 2 + dist_c ** 2) / (2 * dist_c)
    h = np.sqrt(np.maximum(lt ** 2 - a ** 2, 0))
    perp = np.stack([-u[..., 1], u[..., 0]], axis=-1)
    sgn = np.sign(np.sum(perp * anterior, axis=-1))
    sgn[sgn == 0] = 1
    return hip + u * a[..., None] + perp * (h * sgn)[..., None]


def _angle_deg(a, b, c):
    """Angle at b of the 2D or 3D points a-b-c, degrees."""
    v1, v2 = a - b, c - b
    cos = np.sum(v1 * v2, -1) / (np.linalg.norm(v1, axis=-1) * np.linalg.norm(v2, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def foot_points(L, ball, phi_rear, phi_toe):
    """Heel, ankle and toe-tip positions (n, 2) of a foot whose ball is at ``ball`` (n, 2);
    ``phi_rear`` turns the rear foot about the ball (positive = heel up), ``phi_toe`` the
    toes (positive = toe tip down / toes in line with a raised rear foot)."""
    heel = ball + _rot((HEEL_L - BALL_L) * L, -phi_rear)
    ankle = ball + _rot((ANKLE_L - BALL_L) * L, -phi_rear)
    toe = ball + _rot((TOE_L - BALL_L) * L, -phi_toe)
    return heel, ankle, toe


_LIFT_ANGS = np.linspace(0, 1.2, 2401)
_LIFT_Y = (-(HEEL_L - BALL_L)[0] * np.sin(_LIFT_ANGS) + (HEEL_L - BALL_L)[1] * np.cos(_LIFT_ANGS)
           - HEEL_L[1])


def heel_angle_for_lift(lift_frac):
    """Rear-foot angle (rad) that raises the heel landmark by ``lift_frac`` foot lengths
    (scalar or array)."""
    out = np.interp(lift_frac, _LIFT_Y, _LIFT_ANGS)
    return float(out) if np.ndim(out) == 0 else out


# ------------------------------------------------------------------------------------------
# skeleton -> 33 landmarks
@dataclass
class Sagittal:
    """Per-frame joint positions in the body's local sagittal frame (forward f, up y), metres,
    relative to the body's vertical axis at world x = ``origin``; ``yaw`` turns the body
    about that axis (0 = facing world +x, pi = facing -x)."""
    t: np.ndarray
    joints: dict          # (side, name) -> (n, 2); name in shoulder, elbow, wrist, hip,
                          # knee, ankle, heel, toe
    trunk_u: np.ndarray   # (n, 2) unit hip -> shoulder
    origin: np.ndarray    # (n,) world x of the pivot
    yaw: np.ndarray       # (n,)
    lateral: dict         # (side, name) -> lateral offset magnitude (m), + outward


def to_world(body: Body, sg: Sagittal) -> np.ndarray:
    """(n, 33, 3) world coordinates: x forward (yaw 0), y up, z = the person's right at yaw 0."""
    n = len(sg.t)
    W = np.zeros((n, N_POSE, 3))
    local = {}   # idx -> (f, y, lat)

    def put(idx, fy, lat):
        local[idx] = (fy[..., 0], fy[..., 1], np.broadcast_to(lat, (n,)).astype(float))

    for side, sgn in (("left", -1.0), ("right", 1.0)):
        ix = SIDE[side]
        for name in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "toe"):
            put(ix[name], sg.joints[(side, name)], sgn * sg.lateral[(side, name)])
        # hand: pinky / index / thumb beyond the wrist along the forearm
        fdir = sg.joints[(side, "wrist")] - sg.joints[(side, "elbow")]
        fdir = fdir / np.linalg.norm(fdir, axis=-1, keepdims=True)
        wl = sg.lateral[(side, "wrist")]
        put(ix["index"], sg.joints[(side, "wrist")] + fdir * body.hand * 0.75, sgn * wl)
        put(ix["pinky"], sg.joints[(side, "wrist")] + fdir * body.hand * 0.65,
            sgn * (wl + 0.02 * body.H))
        put(ix["thumb"], sg.joints[(side, "wrist")] + fdir * body.hand * 0.45,
            sgn * (wl - 0.02 * body.H))
    # head
    u = sg.trunk_u
    a = np.stack([u[:, 1], -u[:, 0]], axis=-1)   # anterior
    sh_mid = 0.5 * (sg.joints[("left", "shoulder")] + sg.joints[("right", "shoulder")])
    hc = sh_mid + u * (body.neck + 0.45 * body.head)
    hd, hw = 0.55 * body.head, 0.36 * body.head
    put(NOSE, hc + a * 0.55 * hd - u * 0.08 * body.head, 0.0)
    for lat_sgn, inner, eye, outer, ear, mouth in ((-1, L_EYE_IN, L_EYE, L_EYE_OUT, L_EAR, MOUTH_L),
                                                    (1, R_EYE_IN, R_EYE, R_EYE_OUT, R_EAR, MOUTH_R)):
        put(inner, hc + a * 0.47 * hd + u * 0.08 * body.head, lat_sgn * 0.12 * hw)
        put(eye, hc + a * 0.45 * hd + u * 0.08 * body.head, lat_sgn * 0.3 * hw)
        put(outer, hc + a * 0.42 * hd + u * 0.08 * body.head, lat_sgn * 0.45 * hw)
        put(ear, hc - a * 0.05 * hd + u * 0.02 * body.head, lat_sgn * 0.95 * hw)
        put(mouth, hc + a * 0.45 * hd - u * 0.25 * body.head, lat_sgn * 0.22 * hw)
    c, s = np.cos(sg.yaw), np.sin(sg.yaw)
    for idx, (f, y, lat) in local.items():
        W[:, idx, 0] = sg.origin + f * c - lat * s
        W[:, idx, 1] = y
        W[:, idx, 2] = f * s + lat * c
    return W


# ------------------------------------------------------------------------------------------
# camera + artefacts
@dataclass
class Shot:
    width: int
    height: int
    fps: float
    size_frac: float      # person height / frame height wanted
    camera_side: int      # +1: camera on world +z (sees the right side at yaw 0)
    swap_labels: bool     # MediaPipe left/right labels swapped
    fov_span: float       # 2 tan(vertical field of view / 2)
    yaw_deg: float
    roll_deg: float
    cam_h: float          # camera height, fraction of body height
    jitter: float         # white jitter std, fraction of body height
    wobble: float         # correlated per-landmark wobble std, fraction of body height
    far_wander: float     # far heel / foot-index wander std, fraction of foot length
    drop_rate: float      # dropped-frame events per frame
    n_dips: int


def draw_shot(rng, *, max_frac=0.9, cam_h=(0.35, 0.9), max_yaw=12.0) -> Shot:
    w, h = SIZES[int(rng.integers(len(SIZES)))]
    # a phone's vertical field of view: about 40-60 deg held landscape, 60-80 deg portrait
    vfov = math.radians(rng.uniform(60, 80) if h > w else rng.uniform(40, 60))
    return Shot(width=w, height=h, fps=float(rng.choice(FPS_CHOICES)),
                size_frac=float(rng.uniform(0.3, max_frac)),
                camera_side=int(rng.choice([-1, 1])), swap_labels=bool(rng.random() < 0.3),
                fov_span=2 * math.tan(vfov / 2), yaw_deg=float(rng.uniform(-max_yaw, max_yaw)),
                roll_deg=float(rng.uniform(-3, 3)), cam_h=float(rng.uniform(*cam_h)),
                jitter=float(rng.uniform(0.003, 0.010)),
                wobble=float(rng.uniform(0.001, 0.003)), far_wander=float(rng.uniform(0.12, 0.25)),
                drop_rate=float(rng.uniform(0.0, 0.015)), n_dips=int(rng.integers(0, 4)))


def render(rng, body: Body, world: np.ndarray, t: np.ndarray, shot: Shot, *,
           lying: bool = False, source: str = "holdout",
           clean: bool = False) -> tuple[Trace, dict]:
    """Project ``world`` (n, 33, 3) through the shot's camera and add tracker artefacts
    (none with ``clean``: exact projections, full visibility, for checking the geometry)."""
    n = len(t)
    dt = 1.0 / shot.fps
    Wd = world.copy()
    # camera distance that gives the wanted size with the phone's field of view
    dist = body.H / (shot.size_frac * shot.fov_span)
    # camera yaw: turn the scene about the vertical axis through its centre
    cx0 = 0.5 * (Wd[..., 0].min() + Wd[..., 0].max())
    yaw = math.radians(shot.yaw_deg)
    x, z = Wd[..., 0] - cx0, Wd[..., 2]
    Wd[..., 0] = x * math.cos(yaw) - z * math.sin(yaw)
    Wd[..., 2] = x * math.sin(yaw) + z * math.cos(yaw)
    s = shot.camera_side
    hdepth = dist - s * Wd[..., 2]                      # horizontal distance from the camera
    cam_y = shot.cam_h * body.H
    # the camera is pitched to look at the middle of the scene
    aim_y = 0.5 * (Wd[..., 1].min() + Wd[..., 1].max())
    pitch = math.atan2(cam_y - aim_y, dist)                  # positive = looking down
    dy = Wd[..., 1] - cam_y
    depth = hdepth * math.cos(pitch) - dy * math.sin(pitch)
    up = dy * math.cos(pitch) + hdepth * math.sin(pitch)
    X = s * Wd[..., 0]                                       # image-right is +x when s = +1
    u = X / depth
    v = -up / depth
    # size: person (or lying body) height spans size_frac of the frame height
    ext = body.H / dist
    scale = shot.size_frac * shot.height / ext
    u, v = u * scale, v * scale
    roll = math.radians(shot.roll_deg)
    u, v = u * math.cos(roll) - v * math.sin(roll), u * math.sin(roll) + v * math.cos(roll)
    # fit in frame (shrink if needed), then place randomly inside the slack
    umin, umax, vmin, vmax = u.min(), u.max(), v.min(), v.max()
    k = min(1.0, 0.92 * shot.width / (umax - umin), 0.92 * shot.height / (vmax - vmin))
    u, v = u * k, v * k
    umin, umax, vmin, vmax = umin * k, umax * k, vmin * k, vmax * k
    # principal point at the frame centre, nudged (a crop) only as far as needed to fit
    cu, cv = 0.5 * shot.width, 0.5 * shot.height
    lo_u, hi_u = 0.04 * shot.width - umin, 0.96 * shot.width - umax
    lo_v, hi_v = 0.04 * shot.height - vmin, 0.96 * shot.height - vmax
    u = u + float(np.clip(cu + rng.normal(0, 0.05) * shot.width, lo_u, max(lo_u, hi_u)))
    v = v + float(np.clip(cv + rng.normal(0, 0.05) * shot.height, lo_v, max(lo_v, hi_v)))
    body_px = body.H / dist * scale * k
    foot_px = body.foot / dist * scale * k

    if clean:
        shot = Shot(**{**shot.__dict__, "jitter": 0.0, "wobble": 0.0, "far_wander": 0.0,
                       "drop_rate": 0.0, "n_dips": 0})
    # which side is far, frame by frame (depth of the hips), and how clearly (side view = 1)
    dl, dr = depth[:, 23], depth[:, 24]
    far_left = dl > dr
    sidedness = np.clip(np.abs(dl - dr) / (2 * body.hip_half * 0.9), 0, 1)

    P = np.stack([u, v], axis=-1)                            # (n, 33, 2) pixels
    P += rng.normal(0, shot.jitter * body_px, P.shape)
    P += _ou(rng, n, dt, rng.uniform(0.2, 0.6), shot.wobble * body_px, (N_POSE, 2))
    P += _ou(rng, n, dt, rng.uniform(0.5, 1.5), 0.0 if clean else 0.003 * body_px, (1, 2))
    # far-side wander: heel and foot index up to half a foot length, ankle and knee less
    wander = _ou(rng, n, dt, rng.uniform(0.4, 1.2), shot.far_wander * foot_px, (2, 2))
    wander = np.clip(wander, -0.5 * foot_px, 0.5 * foot_px)
    wander_a = _ou(rng, n, dt, 0.6, 0.0 if clean else 0.06 * foot_px, (2,))
    vis = np.empty((n, N_POSE))
    near_v = np.clip(rng.uniform(0.88, 0.99) + _ou(rng, n, dt, 0.5, 0.02, (N_POSE,)), 0, 1)
    far_body = rng.uniform(0.55, 0.85)
    far_ankle = rng.uniform(0.4, 0.65)
    far_foot = rng.uniform(0.3, 0.5)
    far_v = np.clip(far_body + _ou(rng, n, dt, 0.5, 0.04, (N_POSE,)), 0, 1)
    vis[:] = near_v
    sd = sidedness
    # occlusion of far-side leg landmarks: behind the near leg in the image (a standing side
    # view, a foot in stance) they are guessed; clear of it (a far leg raised while lying, a
    # far foot in mid-swing) they are tracked nearly as well as the near side
    occl = {}
    Pc = np.stack([u, v], axis=-1)
    for far_is_left in (True, False):
        near_leg = [24, 26, 28, 30, 32] if far_is_left else [23, 25, 27, 29, 31]
        pts = [Pc[:, j] for j in near_leg]
        pts += [0.5 * (Pc[:, a] + Pc[:, b])
                for a, b in zip(near_leg[:-1], near_leg[1:], strict=True)]
        pts = np.stack(pts, 1)                                       # (n, m, 2)
        for idx in ([23, 25, 27, 29, 31] if far_is_left else [24, 26, 28, 30, 32]):
            d = np.linalg.norm(pts - Pc[:, idx][:, None], axis=-1).min(1)
            occl[idx] = np.clip((1.2 * foot_px - d) / (0.8 * foot_px), 0, 1)
    far_clear_v = rng.uniform(0.7, 0.9)
    for li, ri in PAIRS:
        for idx, is_left in ((li, True), (ri, False)):
            far = far_left == is_left
            base = far_v[:, idx].copy()
            if idx in (27, 28):
                base = np.clip(far_ankle + far_v[:, idx] - far_body, 0, 1)
            if idx in (29, 30, 31, 32):
                base = np.clip(far_foot + 0.5 * (far_v[:, idx] - far_body), 0.05, 1)
            oc = occl.get(idx)
            if oc is not None:
                base = base * oc + np.minimum(far_clear_v, near_v[:, idx]) * (1 - oc)
                wscale = sd * (0.3 + 0.7 * oc)
            else:
                wscale = sd
            vis[:, idx] = np.where(far, near_v[:, idx] * (1 - sd) + base * sd, near_v[:, idx])
            if idx in (29, 31, 30, 32):
                k_ = 0 if idx in (29, 30) else 1
                P[:, idx] += np.where(far, wscale, 0)[:, None] * wander[:, k_]
            if idx in (27, 28):
                P[:, idx] += np.where(far, wscale, 0)[:, None] * wander_a
    if clean:
        vis[:] = 0.99
    # visibility dips: a body part seen badly for 0.1-0.3 s
    dips = []
    groups = [[27, 29, 31], [28, 30, 32], [25, 27], [26, 28], [13, 15, 17, 19, 21],
              [14, 16, 18, 20, 22], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]
    for _ in range(shot.n_dips):
        g = groups[int(rng.integers(len(groups)))]
        i0 = int(rng.integers(0, n))
        ln = max(1, int(rng.uniform(0.1, 0.3) * shot.fps))
        sl = slice(i0, min(n, i0 + ln))
        vis[sl, g] = rng.uniform(0.15, 0.45)
        P[sl, g] += rng.normal(0, 0.1 * foot_px, (len(range(*sl.indices(n))), len(g), 2))
        dips.append((float(t[i0]), float(t[min(n - 1, i0 + ln - 1)]), g))
    # z: depth relative to the hip centre, in the units of x (as MediaPipe gives it)
    zc = depth - 0.5 * (depth[:, 23:24] + depth[:, 24:25])
    zz = zc / dist * scale * k / shot.width
    pose = np.concatenate([P[..., :1] / shot.width, P[..., 1:2] / shot.height, zz[..., None],
                           vis[..., None]], axis=-1)
    if shot.swap_labels:
        pose[:, LEFT_IDX + RIGHT_IDX] = pose[:, RIGHT_IDX + LEFT_IDX]
    # dropped frames
    dropped = []
    i = 0
    while i < n:
        if rng.random() < shot.drop_rate:
            ln = int(rng.integers(1, 4))
            pose[i:i + ln] = np.nan
            dropped.extend(range(i, min(n, i + ln)))
            i += ln
        i += 1
    tr = Trace(fps=shot.fps, width=shot.width, height=shot.height, t=t, pose=pose,
               source=source)
    # facing in the image and the near side as the trace reports them
    facing_img = "right" if s * np.cos(0) > 0 else "left"
    info = dict(width=shot.width, height=shot.height, fps=shot.fps,
                body_frac=round(float(body_px / shot.height), 3), camera_m=round(dist, 2),
                camera_side=s, swap_labels=shot.swap_labels, yaw_deg=round(shot.yaw_deg, 1),
                jitter_pct_height=round(100 * shot.jitter, 2), dropped_frames=len(dropped),
                dips=dips, far_foot_vis=round(float(far_foot), 2), _facing_hint=facing_img)
    return tr, info


def _near_side_at(world_frame_z_right_minus_left: float, camera_side: int, swap: bool) -> str:
    """Near side label as the trace reports it, given z(right hip) - z(left hip)."""
    phys = "right" if world_frame_z_right_minus_left * camera_side > 0 else "left"
    if swap:
        phys = "left" if phys == "right" else "right"
    return phys


def _times(fps, dur):
    n = int(round(dur * fps))
    return np.arange(n) / fps


# ------------------------------------------------------------------------------------------
# standing poses shared by squat and heel raise
def _stand_leg_chain(body, ball, phi, knee_deg, shank_lean_deg, lt, ls):
    """Foot from ball position + rear-foot angle; knee and hip from the knee angle and the
    shank's forward lean. Returns heel, ankle, toe, knee, hip (n, 2)."""
    L = body.foot
    heel, ankle, toe = foot_points(L, ball, phi, np.zeros_like(phi))
    al = np.radians(shank_lean_deg)
    knee = ankle + ls * np.stack([np.sin(al), np.cos(al)], -1)
    th = al - np.radians(180 - knee_deg)
    hip = knee + lt * np.stack([np.sin(th), np.cos(th)], -1)
    return heel, ankle, toe, knee, hip


def _arms(body, shoulder, trunk_u, flex_deg, elbow_deg):
    """Elbow and wrist from shoulder flexion (0 = arm along the trunk, 90 = forward, 180 =
    overhead) and the elbow angle (180 = straight)."""
    a = np.stack([trunk_u[:, 1], -trunk_u[:, 0]], -1)
    fl = np.radians(flex_deg)
    d1 = -trunk_u * np.cos(fl)[:, None] + a * np.sin(fl)[:, None]
    f2 = fl + np.radians(180 - elbow_deg)
    d2 = -trunk_u * np.cos(f2)[:, None] + a * np.sin(f2)[:, None]
    elbow = shoulder + d1 * body.upper_arm
    wrist = elbow + d2 * body.forearm
    return elbow, wrist


def _lateral(body, stance_half=None):
    sh = stance_half if stance_half is not None else body.hip_half
    lat = {}
    for side in ("left", "right"):
        lat[(side, "shoulder")] = body.shoulder_half
        lat[(side, "elbow")] = body.shoulder_half + 0.02 * body.H
        lat[(side, "wrist")] = body.shoulder_half * 0.8
        lat[(side, "hip")] = body.hip_half
        lat[(side, "knee")] = 0.5 * (body.hip_half + sh)
        lat[(side, "ankle")] = sh
        lat[(side, "heel")] = sh
        lat[(side, "toe")] = sh
    return lat


def _finish(rng, body, sg, shot, truth, *, lying=False, name="", clean=False):
    world = to_world(body, sg)
    tr, info = render(rng, body, world, sg.t, shot, lying=lying, source=name, clean=clean)
    # near side as reported, from the middle of the trace
    mid = len(sg.t) // 2
    zr_minus_zl = world[mid, 24, 2] - world[mid, 23, 2]
    info["near_side"] = _near_side_at(zr_minus_zl, shot.camera_side, shot.swap_labels)
    info.pop("_facing_hint", None)
    truth["shot"] = info
    truth["body"] = dict(kind=body.kind, age=round(body.age, 1), height_m=round(body.H, 3),
                         foot_m=round(body.foot, 3))
    return tr, truth


# ------------------------------------------------------------------------------------------
# squat
def squat(seed: int, *, heel_lift: bool | None = None, n_reps: int | None = None,
          clean: bool = False):
    """A squat with N reps; ``heel_lift`` True forces lifts on some reps, False heels flat,
    None chooses. Truth: reps [{start_s, end_s, min_knee_deg, heel_lift, side, lift_frac}]."""
    rng = np.random.default_rng([1001, seed])
    body = make_body(rng, "child" if rng.random() < 0.75 else "adult")
    holding = body.kind == "child" and rng.random() < 0.7
    shot = draw_shot(rng)
    if heel_lift is None:
        heel_lift = bool(rng.random() < 0.5)
    n_reps = int(n_reps or rng.integers(1, 7))
    depth = float(rng.uniform(60, 110))
    tempo = float(rng.uniform(1.5, 4.0))
    reps = []
    t0 = float(rng.uniform(0.6, 2.0))
    tt = t0
    lift_reps = set()
    if heel_lift:
        k = int(rng.integers(1, n_reps + 1))
        lift_reps = set(rng.choice(n_reps, size=k, replace=False).tolist())
    near_phys = None  # decided after the camera: which side is physically near
    for r in range(n_reps):
        dur = tempo * rng.uniform(0.9, 1.1)
        hold = float(rng.uniform(0.0, 0.5))
        kmin = float(np.clip(depth + rng.normal(0, 4), 58, 112))
        lifted = r in lift_reps
        side = "both" if (not lifted or rng.random() < 0.6) else "near"
        reps.append(dict(start_s=tt, end_s=tt + dur + hold, down=dur * rng.uniform(0.4, 0.55),
                         hold=hold, min_knee_deg=kmin, heel_lift=lifted,
                         side=side if lifted else None,
                         lift_frac=float(rng.uniform(0.15, 0.40)) if lifted else 0.0))
        tt += dur + hold + float(rng.uniform(0.3, 2.0))
    total = tt + float(rng.uniform(0.3, 1.5))
    t = _times(shot.fps, total)
    n = len(t)
    stand_knee = float(rng.uniform(172, 178))
    knee = np.full(n, stand_knee)
    prog = np.zeros(n)
    lift = {"near": np.zeros(n), "far": np.zeros(n)}
    for rp in reps:
        d0, d1 = rp["start_s"], rp["start_s"] + rp["down"]
        h1 = d1 + rp["hold"]
        e = rp["end_s"]
        p = np.where(t < d0, 0, np.where(t < d1, _smooth01((t - d0) / (d1 - d0)),
                     np.where(t < h1, 1, np.where(t < e, 1 - _smooth01((t - h1) / (e - h1)), 0))))
        prog = np.maximum(prog, p)
        knee = np.minimum(knee, stand_knee - p * (stand_knee - rp["min_knee_deg"]))
        if rp["heel_lift"]:
            hl = rp["lift_frac"] * _smooth01((p - 0.3) / 0.6)
            lift["near"] = np.maximum(lift["near"], hl)
            if rp["side"] == "both":
                lift["far"] = np.maximum(lift["far"], hl * rng.uniform(0.85, 1.1))
    flex = stand_knee - knee
    L = body.foot
    k_sh = float(rng.uniform(0.28, 0.4))
    lean_k = float(rng.uniform(0.15, 0.25) if holding else rng.uniform(0.3, 0.42))
    # which physical side is near: camera on +z sees the right side at yaw 0
    near_phys = "right" if shot.camera_side > 0 else "left"
    far_phys = "left" if near_phys == "right" else "right"
    stance_half = body.hip_half * rng.uniform(1.0, 1.6)
    far_off = float(rng.normal(0, 0.08)) * L
    joints = {}
    phi_near = heel_angle_for_lift(lift["near"])
    phi_far = heel_angle_for_lift(lift["far"])
    ball_near = np.tile([0.72 * L - 0.24 * L, 0.0], (n, 1))
    heel, ankle, toe, kn, hip = _stand_leg_chain(
        body, ball_near, phi_near, knee, k_sh * flex + np.degrees(phi_near) * 0.3 + 2,
        body.thigh, body.shank)
    joints[(near_phys, "heel")], joints[(near_phys, "ankle")] = heel, ankle
    joints[(near_phys, "toe")], joints[(near_phys, "knee")], joints[(near_phys, "hip")] = toe, kn, hip
    ball_far = ball_near + np.array([far_off, 0.0])
    fh, fa, ft = foot_points(L, ball_far, phi_far, np.zeros(n))
    fk = _ik_knee(hip, fa, body.thigh, body.shank, np.tile([1.0, 0.0], (n, 1)))
    joints[(far_phys, "heel")], joints[(far_phys, "ankle")], joints[(far_phys, "toe")] = fh, fa, ft
    joints[(far_phys, "knee")], joints[(far_phys, "hip")] = fk, hip.copy()
    gam = np.radians(3 + lean_k * flex)
    tu = np.stack([np.sin(gam), np.cos(gam)], -1)
    sh = hip + tu * body.trunk
    if holding:
        aflex = 75 + 0.35 * flex + rng.uniform(-8, 8)
        elb = np.full(n, rng.uniform(150, 175))
    else:
        aflex = 10 + 0.6 * flex * rng.uniform(0.5, 1.0)
        elb = np.full(n, rng.uniform(140, 170))
    for side in ("left", "right"):
        joints[(side, "shoulder")] = sh
        e, w = _arms(body, sh, tu, np.broadcast_to(aflex, (n,)) + (2 if side == "left" else -2), elb)
        joints[(side, "elbow")], joints[(side, "wrist")] = e, w
    sg = Sagittal(t=t, joints=joints, trunk_u=tu, origin=np.zeros(n), yaw=np.zeros(n),
                  lateral=_lateral(body, stance_half))
    # truth
    true_knee = _angle_deg(hip, kn, ankle)
    out_reps = []
    near_label = _near_side_at(1.0 if near_phys == "right" else -1.0, 1, shot.swap_labels)
    for rp in reps:
        m = (t >= rp["start_s"]) & (t <= rp["end_s"])
        side = None
        if rp["heel_lift"]:
            side = "both" if rp["side"] == "both" else near_label
        out_reps.append(dict(start_s=round(rp["start_s"], 3), end_s=round(rp["end_s"], 3),
                             min_knee_deg=round(float(true_knee[m].min()), 1),
                             heel_lift=rp["heel_lift"], side=side,
                             lift_pct_foot=round(100 * rp["lift_frac"], 1)))
    truth = dict(exercise="squat", n_reps=n_reps, reps=out_reps, holding_hands=holding,
                 heel_lift_any=bool(heel_lift), tempo_s=round(tempo, 2))
    return _finish(rng, body, sg, shot, truth, name=f"holdout-squat-{seed}", clean=clean)


# ------------------------------------------------------------------------------------------
# heel raise
def heel_raise(seed: int, *, n_reps: int | None = None, clean: bool = False,
               rise_range=(0.15, 0.35), hold_range=(0.5, 3.0)):
    """Standing heel raises (both heels). Truth: reps [{start_s, end_s, rise_pct_foot,
    hold_s}]. ``rise_range`` (fractions of the foot length) and ``hold_range`` (s) narrow
    the draws for probing a detector."""
    rng = np.random.default_rng([1004, seed])
    body = make_body(rng, "child" if rng.random() < 0.75 else "adult")
    shot = draw_shot(rng)
    n_reps = int(n_reps or rng.integers(1, 6))
    reps = []
    tt = float(rng.uniform(0.6, 2.0))
    for _ in range(n_reps):
        up = float(rng.uniform(0.4, 1.0))
        hold = float(rng.uniform(*hold_range))
        down = float(rng.uniform(0.4, 1.0))
        reps.append(dict(start_s=tt, up=up, hold=hold, down=down, end_s=tt + up + hold + down,
                         rise=float(rng.uniform(*rise_range))))
        tt += up + hold + down + float(rng.uniform(0.5, 2.0))
    t = _times(shot.fps, tt + rng.uniform(0.2, 1.0))
    n = len(t)
    lift = np.zeros(n)
    for rp in reps:
        a, b = rp["start_s"], rp["start_s"] + rp["up"]
        c, d = b + rp["hold"], rp["end_s"]
        p = np.where(t < a, 0, np.where(t < b, _smooth01((t - a) / (b - a)),
                     np.where(t < c, 1, np.where(t < d, 1 - _smooth01((t - c) / (d - c)), 0))))
        sway = 1 + 0.03 * np.sin(2 * np.pi * 1.3 * t)
        lift = np.maximum(lift, p * rp["rise"] * sway)
    L = body.foot
    near_phys = "right" if shot.camera_side > 0 else "left"
    far_phys = "left" if near_phys == "right" else "right"
    phi = heel_angle_for_lift(lift)
    phi_far = phi * rng.uniform(0.9, 1.05)
    knee = np.full(n, rng.uniform(172, 179))
    ball = np.tile([0.48 * L, 0.0], (n, 1))
    heel, ankle, toe, kn, hip = _stand_leg_chain(body, ball, phi, knee,
                                                 2 + np.degrees(phi) * 0.25, body.thigh, body.shank)
    joints = {(near_phys, "heel"): heel, (near_phys, "ankle"): ankle, (near_phys, "toe"): toe,
              (near_phys, "knee"): kn, (near_phys, "hip"): hip}
    fh, fa, ft = foot_points(L, ball + [rng.normal(0, 0.06) * L, 0], phi_far, np.zeros(n))
    fk = _ik_knee(hip, fa, body.thigh, body.shank, np.tile([1.0, 0.0], (n, 1)))
    joints.update({(far_phys, "heel"): fh, (far_phys, "ankle"): fa, (far_phys, "toe"): ft,
                   (far_phys, "knee"): fk, (far_phys, "hip"): hip.copy()})
    gam = np.radians(np.full(n, rng.uniform(0, 6)))
    tu = np.stack([np.sin(gam), np.cos(gam)], -1)
    sh = hip + tu * body.trunk
    chair = rng.random() < 0.5
    for side in ("left", "right"):
        joints[(side, "shoulder")] = sh
        fl = np.full(n, rng.uniform(40, 70) if chair else rng.uniform(5, 15))
        e, w = _arms(body, sh, tu, fl, np.full(n, rng.uniform(150, 175)))
        joints[(side, "elbow")], joints[(side, "wrist")] = e, w
    sg = Sagittal(t=t, joints=joints, trunk_u=tu, origin=np.zeros(n), yaw=np.zeros(n),
                  lateral=_lateral(body))
    truth = dict(exercise="heel-raise", n_reps=n_reps,
                 reps=[dict(start_s=round(r["start_s"], 3), end_s=round(r["end_s"], 3),
                            rise_pct_foot=round(100 * r["rise"], 1), hold_s=round(r["hold"], 2))
                       for r in reps])
    return _finish(rng, body, sg, shot, truth, name=f"holdout-heel-raise-{seed}", clean=clean)


# ------------------------------------------------------------------------------------------
# leg raise (supine)
def leg_raise(seed: int, *, knee: str | None = None, legs: str | None = None,
              n_reps: int | None = None, clean: bool = False):
    """Supine leg raises filmed from the side. ``knee`` "straight"|"bent", ``legs``
    "near"|"far"|"both". Truth: reps [{start_s, end_s, side, peak_hip_flexion_deg (per raised
    leg, label as in the trace), min_knee_deg}]."""
    rng = np.random.default_rng([1003, seed])
    body = make_body(rng, "child" if rng.random() < 0.75 else "adult")
    shot = draw_shot(rng, cam_h=(0.08, 0.3), max_yaw=6.0)
    knee = knee or ("straight" if rng.random() < 0.6 else "bent")
    legs = legs or str(rng.choice(["near", "near", "far", "both"]))
    n_reps = int(n_reps or rng.integers(1, 6))
    tempo = float(rng.uniform(1.5, 4.0))
    reps = []
    tt = float(rng.uniform(0.6, 2.0))
    for _ in range(n_reps):
        dur = tempo * rng.uniform(0.9, 1.1)
        hold = float(rng.uniform(0, 1.0))
        reps.append(dict(start_s=tt, up=dur * rng.uniform(0.4, 0.55), hold=hold,
                         end_s=tt + dur + hold, peak=float(rng.uniform(40, 100)),
                         knee=float(rng.uniform(175, 180) if knee == "straight"
                                    else rng.uniform(120, 150))))
        tt += dur + hold + float(rng.uniform(0.4, 2.0))
    t = _times(shot.fps, tt + rng.uniform(0.3, 1.2))
    n = len(t)
    facing = 1.0 if rng.random() < 0.5 else -1.0    # feet towards world +x or -x
    near_phys = "right" if shot.camera_side * facing > 0 else "left"
    far_phys = "left" if near_phys == "right" else "right"
    raised = {"near": [near_phys], "far": [far_phys], "both": [near_phys, far_phys]}[legs]
    tau = math.radians(rng.uniform(0, 8))      # pillow: shoulders a little higher
    hip_y = body.H * rng.uniform(0.045, 0.065)
    hip = np.tile([0.0, hip_y], (n, 1))
    tu = np.tile([-math.cos(tau), math.sin(tau)], (n, 1))
    sh = hip + tu * body.trunk
    a = np.stack([tu[:, 1], -tu[:, 0]], -1)
    inf = -tu
    L = body.foot
    rest_knee = float(rng.uniform(172, 178))
    # resting hip flexion: the straight leg declines until the heel is on the floor
    leg_len = body.thigh + body.shank
    rest_flex = -math.degrees(math.asin(np.clip((hip_y - 0.25 * L) / leg_len, 0, 0.5))) + \
        math.degrees(tau)
    joints = {}
    peaks = {s: [] for s in raised}
    kmins = {s: [] for s in raised}
    for side in ("left", "right"):
        flex = np.full(n, rest_flex + rng.normal(0, 1))
        kn_ang = np.full(n, rest_knee)
        lag = float(rng.uniform(0, 0.15)) if side != raised[0] else 0.0
        for rp in reps:
            if side not in raised:
                continue
            pk = rp["peak"] + (rng.normal(0, 2.0) if side != raised[0] else 0.0)
            a0 = rp["start_s"] + lag
            b = a0 + rp["up"]
            c = b + rp["hold"]
            d = rp["end_s"] + lag
            p = np.where(t < a0, 0, np.where(t < b, _smooth01((t - a0) / (b - a0)),
                         np.where(t < c, 1, np.where(t < d, 1 - _smooth01((t - c) / (d - c)), 0))))
            flex = np.maximum(flex, rest_flex + p * (pk - rest_flex))
            kn_ang = np.minimum(kn_ang, rest_knee - np.clip(p * 1.5, 0, 1) * (rest_knee - rp["knee"]))
        fl = np.radians(flex)
        thigh_d = inf * np.cos(fl)[:, None] + a * np.sin(fl)[:, None]
        sa = fl - np.radians(180 - kn_ang)
        shank_d = inf * np.cos(sa)[:, None] + a * np.sin(sa)[:, None]
        kpos = hip + thigh_d * body.thigh
        apos = kpos + shank_d * body.shank
        fa = _rot(shank_d, np.pi / 2)
        fa = np.where((np.sum(fa * a, -1) < 0)[:, None], -fa, fa)
        heel = apos - fa * 0.24 * L + shank_d * 0.2 * L
        toe = apos + fa * 0.76 * L + shank_d * 0.22 * L
        joints.update({(side, "hip"): hip.copy(), (side, "knee"): kpos, (side, "ankle"): apos,
                       (side, "heel"): heel, (side, "toe"): toe, (side, "shoulder"): sh})
        # arms along the body on the floor
        el = sh + inf * body.upper_arm + a * 0.01 * body.H
        joints[(side, "elbow")] = el
        joints[(side, "wrist")] = el + inf * body.forearm
        if side in raised:
            hf = _angle_deg(sh, hip, kpos)    # shoulder-hip-knee; flexion = 180 - that
            hfl = 180 - hf
            ka = _angle_deg(hip, kpos, apos)
            for rp in reps:
                m = (t >= rp["start_s"]) & (t <= rp["end_s"] + 0.2)
                peaks[side].append(float(hfl[m].max()))
                kmins[side].append(float(ka[m].min()))
    yaw = np.full(n, 0.0 if facing > 0 else np.pi)
    sg = Sagittal(t=t, joints=joints, trunk_u=tu, origin=np.zeros(n), yaw=yaw,
                  lateral=_lateral(body))

    def lab(phys):
        return _near_side_at(1.0 if phys == "right" else -1.0, 1, shot.swap_labels)

    out = []
    for i, rp in enumerate(reps):
        sides = [lab(s) for s in raised]
        out.append(dict(start_s=round(rp["start_s"], 3), end_s=round(rp["end_s"], 3),
                        side="both" if len(raised) == 2 else sides[0],
                        peak_hip_flexion_deg={lab(s): round(peaks[s][i], 2) for s in raised},
                        min_knee_deg=round(min(kmins[s][i] for s in raised), 1)))
    truth = dict(exercise="leg-raise", n_reps=n_reps, knee=knee, legs=legs, reps=out)
    tr, truth = _finish(rng, body, sg, shot, truth, lying=True, name=f"holdout-leg-raise-{seed}",
                        clean=clean)
    return tr, truth


# ------------------------------------------------------------------------------------------
# walk
def walk(seed: int, *, style: str | None = None, n_steps: int | None = None,
         clean: bool = False):
    """Side-view walking in passes across the frame with standing pauses and turns in
    between. ``style``: "heel" (heel-first), "tiptoe" or "mixed". Truth: steps
    [{t_contact, t_off, side, near, contact: heel|toe, closing, stop}] (``closing`` = the step
    that brings the feet together at the end of a pass; ``stop`` = that step and the one
    before, whose stance runs into standing, where a toe walker may settle flat; ``near`` =
    the foot nearer the camera at contact)."""
    rng = np.random.default_rng([1002, seed])
    body = make_body(rng, "child" if rng.random() < 0.8 else "adult")
    style = style or str(rng.choice(["heel", "tiptoe", "mixed"]))
    n_steps = int(n_steps or rng.integers(4, 11))
    shot = draw_shot(rng, max_frac=0.5, cam_h=(0.35, 1.0), max_yaw=8.0)
    portrait = shot.width < shot.height
    max_pass = 3 if portrait else 5
    if portrait:
        shot.size_frac = min(shot.size_frac, float(rng.uniform(0.3, 0.38)))
    n_pass = max(1, math.ceil(n_steps / max_pass))
    while n_steps / n_pass < 2:
        n_pass -= 1
    base = [n_steps // n_pass] * n_pass
    for i in range(n_steps - sum(base)):
        base[i] += 1
    L = body.foot
    H = body.H
    Tstep = float(rng.uniform(0.38, 0.55) if body.kind == "child" else rng.uniform(0.48, 0.6))
    step_len = float(rng.uniform(0.28, 0.40)) * H
    Tsw = 0.8 * Tstep
    Tst = 1.2 * Tstep
    if style == "heel":
        types = ["heel"] * n_steps
    elif style == "tiptoe":
        types = ["toe"] * n_steps
    else:
        while True:
            types = [str(x) for x in rng.choice(["heel", "toe"], n_steps)]
            if types.count("toe") >= 2 and types.count("heel") >= 2:
                break
    tip_lift = float(rng.uniform(0.20, 0.40))
    phi_tip = heel_angle_for_lift(tip_lift)
    # schedule: per foot a list of (t_start_swing, t_contact, x_from, x_to, type)
    steps = []
    tcur = float(rng.uniform(0.6, 1.5))
    x0 = 0.0
    d = 1.0
    segments = []   # (t_a, t_b, kind, direction, x_pivot) for yaw: "walk" | "turn"
    lead = str(rng.choice(["left", "right"]))
    k_global = 0
    for p, ns in enumerate(base):
        pos = {"left": x0, "right": x0}
        seg_start = tcur
        foot = lead
        for k in range(1, ns + 1):
            tc = tcur + k * Tstep * rng.uniform(0.95, 1.05)
            target = x0 + d * k * step_len if k < ns else x0 + d * (ns - 1) * step_len
            closing = k == ns
            steps.append(dict(side=foot, t_lift=tc - Tsw, t_contact=tc, x_from=pos[foot],
                              x_to=target, contact=types[k_global], closing=closing, d=d,
                              stop=k >= ns - 1))
            pos[foot] = target
            foot = "left" if foot == "right" else "right"
            k_global += 1
        t_end = steps[-1]["t_contact"]
        segments.append((seg_start, t_end, "walk", d, None))
        x0 = x0 + d * (ns - 1) * step_len
        tcur = t_end + float(rng.uniform(0.5, 1.5))
        if p < len(base) - 1:
            turn = float(rng.uniform(1.0, 2.0))
            segments.append((tcur, tcur + turn, "turn", d, x0))
            tcur += turn + float(rng.uniform(0.3, 0.8))
            d = -d
            lead = str(rng.choice(["left", "right"]))
    total = tcur + float(rng.uniform(0.2, 0.8))
    t = _times(shot.fps, total)
    n = len(t)
    # per-frame direction and yaw
    yaw = np.zeros(n)
    dirn = np.ones(n)
    for (a, b, kind, dd, _) in segments:
        m = t >= a
        if kind == "walk":
            dirn[m] = dd
            yaw[m] = 0.0 if dd > 0 else np.pi
        else:
            sm = (t >= a) & (t < b)
            y0 = 0.0 if dd > 0 else np.pi
            yaw[sm] = y0 + np.pi * _smooth01((t[sm] - a) / (b - a))
            yaw[t >= b] = y0 + np.pi
            dirn[t >= b] = -dd
    # foot ball positions (world x), heights, angles per foot
    foot_state = {}
    for side in ("left", "right"):
        my = [s for s in steps if s["side"] == side]
        bx = np.zeros(n)
        by = np.zeros(n)
        pr = np.zeros(n)
        pt = np.zeros(n)
        # stance segments: between contacts and lift-offs
        events = []   # (t_from, t_to, x, type, next_type)
        t_prev, x_prev, type_prev = -1.0, 0.0, "flat"
        for s in my:
            events.append(("stance", t_prev, s["t_lift"], x_prev, type_prev, s))
            events.append(("swing", s["t_lift"], s["t_contact"], None, None, s))
            t_prev, x_prev, type_prev = s["t_contact"], s["x_to"], s["contact"]
        events.append(("stance", t_prev, total + 1, x_prev, type_prev, None))
        for kind, ta, tb, x, typ, s in events:
            m = (t >= ta) & (t < tb)
            if not m.any():
                continue
            tm = t[m]
            if kind == "stance":
                dur = tb - ta
                el = tm - ta                        # since contact
                rem = tb - tm                       # to lift-off
                # rear-foot angle and whole-foot toe-up angle (heel strike)
                phi = np.zeros_like(tm)
                beta = np.zeros_like(tm)
                if typ == "heel":
                    beta = np.radians(rng.uniform(12, 20)) * (1 - _smooth01(el / (0.12 * Tst)))
                elif typ == "toe":
                    settle = 1 - _smooth01((el - 0.6 * Tst) / 0.4) if dur > 2.5 * Tst else 1.0
                    phi = (phi_tip + math.radians(5) * (1 - _smooth01(el / (0.15 * Tst)))) * settle
                # push-off before the next lift-off
                if s is not None:
                    ramp = _smooth01(1 - rem / (0.45 * Tst))
                    phi_off = math.radians(rng.uniform(30, 40))
                    phi = np.maximum(phi, ramp * phi_off)
                # the ball: on the floor; during heel-strike the foot turns about the heel
                heel_x = np.full_like(tm, x) - 0.72 * L
                bxx = heel_x + 0.72 * L * np.cos(beta)
                byy = 0.72 * L * np.sin(beta)
                bx[m] = bxx
                by[m] = byy
                pr[m] = phi - beta
                pt[m] = -beta
            else:
                u = (tm - ta) / (tb - ta)
                w = _smooth01(u)
                phi_off = math.radians(35)
                if s["contact"] == "heel":
                    beta_c = math.radians(16)
                    end_x = s["x_to"] - 0.72 * L + 0.72 * L * math.cos(beta_c)
                    end_y = 0.72 * L * math.sin(beta_c)
                    end_pr, end_pt = -beta_c, -beta_c
                else:
                    end_x, end_y = s["x_to"], 0.0
                    end_pr, end_pt = phi_tip + math.radians(5), 0.0
                start_x = s["x_from"]
                bx[m] = start_x + (end_x - start_x) * w
                by[m] = (end_y * w + 0.12 * L * np.sin(np.pi * u) +
                         0.25 * L * np.sin(np.pi * np.clip(u * 1.3, 0, 1)) * (1 - u))
                pr[m] = phi_off + (end_pr - phi_off) * _smooth01(u * 1.15)
                pt[m] = phi_off * _smooth01(u / 0.25) * (1 - _smooth01((u - 0.3) / 0.7)) + \
                    end_pt * _smooth01((u - 0.3) / 0.7)
        foot_state[side] = (bx, by, pr, pt)
    # the pelvis follows the feet's mean, smoothed
    from scipy.ndimage import gaussian_filter1d
    mean_x = 0.5 * (foot_state["left"][0] + foot_state["right"][0]) - dirn * 0.3 * L
    px = gaussian_filter1d(mean_x, sigma=max(1.0, 0.45 * Tstep * shot.fps), mode="nearest")
    # build local sagittal joints (forward f = dirn * (X - px)); during turns the feet keep
    # their last local layout (they pivot with the body)
    joints = {}
    in_turn = np.zeros(n, bool)
    for (a, b, kind, _dd, _xp) in segments:
        if kind == "turn":
            in_turn |= (t >= a) & (t < b)
    anterior = np.tile([1.0, 0.0], (n, 1))
    legs_local = {}
    for side in ("left", "right"):
        bx, by, pr, pt = foot_state[side]
        f = dirn * (bx - px)
        ball = np.stack([f, by], -1)
        heel, ankle, toe = foot_points(L, ball, pr, pt)
        legs_local[side] = (heel, ankle, toe)
    # pelvis height: nominal with a small bob, limited by reach
    nominal = body.hip_h * 0.985 - 0.01 * H * (1 + np.cos(2 * np.pi * t / Tstep)) * ~in_turn
    reach = 0.995 * (body.thigh + body.shank)
    hy = nominal.copy()
    for side in ("left", "right"):
        ank = legs_local[side][1]
        dx = ank[:, 0]
        hy = np.minimum(hy, ank[:, 1] + np.sqrt(np.maximum(reach ** 2 - dx ** 2, 0.01 * reach ** 2)))
    hipp = np.stack([np.zeros(n), hy], -1)
    thigh_ang = {}
    for side in ("left", "right"):
        heel, ankle, toe = legs_local[side]
        kn = _ik_knee(hipp, ankle, body.thigh, body.shank, anterior)
        joints.update({(side, "hip"): hipp.copy(), (side, "knee"): kn, (side, "ankle"): ankle,
                       (side, "heel"): heel, (side, "toe"): toe})
        th = kn - hipp
        thigh_ang[side] = np.degrees(np.arctan2(th[:, 0], -th[:, 1]))
    gam = np.radians(rng.uniform(2, 7))
    tu = np.tile([math.sin(gam), math.cos(gam)], (n, 1))
    sh = hipp + tu * body.trunk
    for side, other in (("left", "right"), ("right", "left")):
        joints[(side, "shoulder")] = sh
        fl = np.clip(8 + 0.7 * thigh_ang[other] * rng.uniform(0.6, 1.0), -30, 60)
        e, w = _arms(body, sh, tu, fl, np.full(n, rng.uniform(145, 165)))
        joints[(side, "elbow")], joints[(side, "wrist")] = e, w
    sg = Sagittal(t=t, joints=joints, trunk_u=tu, origin=px, yaw=yaw, lateral=_lateral(body))
    world = to_world(body, sg)
    tr, info = render(rng, body, world, t, shot, source=f"holdout-walk-{seed}", clean=clean)
    info.pop("_facing_hint", None)

    def lab(phys):
        return _near_side_at(1.0 if phys == "right" else -1.0, 1, shot.swap_labels)

    out = []
    foot_steps = {"left": [s for s in steps if s["side"] == "left"],
                  "right": [s for s in steps if s["side"] == "right"]}
    for s in steps:
        fs = foot_steps[s["side"]]
        i = fs.index(s)
        t_off = fs[i + 1]["t_lift"] if i + 1 < len(fs) else total
        ic = min(n - 1, int(round(s["t_contact"] * shot.fps)))
        zdiff = world[ic, 24, 2] - world[ic, 23, 2]        # right minus left hip, world z
        near = (zdiff * shot.camera_side > 0) == (s["side"] == "right")
        out.append(dict(t_contact=round(s["t_contact"], 3), t_off=round(min(t_off, total), 3),
                        side=lab(s["side"]), near=bool(near), contact=s["contact"],
                        closing=s["closing"], stop=s["stop"],
                        travel_foot=round(abs(s["x_to"] - s["x_from"]) / L, 2)))
    truth = dict(exercise="walk", n_steps=n_steps, style=style, steps=out,
                 tiptoe_steps=sum(1 for s in steps if s["contact"] == "toe"),
                 passes=len(base), turns=len(base) - 1, tiptoe_lift_pct_foot=round(100 * tip_lift, 1)
                 if style != "heel" else 0.0,
                 shot=info, body=dict(kind=body.kind, age=round(body.age, 1),
                                      height_m=round(body.H, 3), foot_m=round(body.foot, 3)))
    return tr, truth


# ------------------------------------------------------------------------------------------
# a long trace for timing
def long_squat(seed: int = 0, seconds: float = 60.0, fps: float = 30.0):
    """About ``seconds`` of squatting at ``fps`` (for timing the analysis)."""
    for s in range(seed, seed + 200):
        tr, truth = squat(s, n_reps=6)
        if tr.fps == fps:
            break
    reps = max(1, int(seconds / (len(tr) / tr.fps)))
    pose = np.concatenate([tr.pose] * reps + [tr.pose[: int(seconds * fps) % len(tr)]])
    n = len(pose)
    return Trace(fps=fps, width=tr.width, height=tr.height, t=np.arange(n) / fps, pose=pose,
                 source="holdout-long")


SCENARIOS = {"squat": squat, "walk": walk, "leg-raise": leg_raise, "heel-raise": heel_raise}
