"""A stick body driven by segment angles, and a pinhole camera that makes BlazePose traces.

Reusable for any synthetic movement (squat, heel raise, leg raise, gait, massage)::

    body = BodyModel(height_m=1.1)                      # a young child
    n = 90
    seg = Segments.standing(n)                          # all angles zero: upright, arms down
    seg.thigh_deg["left"][:] = 30                       # lift the left thigh 30 deg forward
    pts = body.landmarks(seg, pelvis_m=np.zeros((n, 3)))  # (n, 33, 3) metres, world frame
    pts = body.on_ground(pts)                            # drop so the lowest foot point is y=0
    cam = Camera(yaw_deg=90, distance_m=3.0)             # camera on the body's left side
    pose = cam.project(pts, visibility=cam.visibility(pts))  # (n, 33, 4) trace rows

World frame (metres): x = the direction the body faces when standing, y = up, z = the body's
left. Segment angles (degrees, arrays of shape (n,), per side for limbs), all in the body's
sagittal plane before the whole-body pitch:

- ``trunk_deg``: trunk (pelvis -> neck) from the upward vertical, + = leaning forward;
- ``thigh_deg``: hip -> knee from the downward vertical, + = thigh forward (hip flexion
  when the trunk is upright);
- ``shank_deg``: knee -> ankle from the downward vertical, + = ankle forward; knee flexion
  is ``thigh_deg - shank_deg`` (the knee angle is 180 minus that);
- ``foot_deg``: heel -> foot index, from the forward horizontal, + = toes down / heel up;
- ``arm_deg`` / ``forearm_deg``: shoulder -> elbow / elbow -> wrist from the downward
  vertical, + = forward;
- ``body_pitch_deg``: whole-body rotation about the pelvis around z: 0 = upright,
  +90 = lying on the back with the head towards -x (supine).

Foot geometry: the heel -> foot index distance is exactly ``foot_m`` (the "foot length" all
heel heights are fractions of). Rotating the foot about the foot index by ``foot_deg`` raises
the heel by ``foot_m * sin(foot_deg)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SIDES = ("left", "right")
_SIGN = {"left": 1.0, "right": -1.0}          # +z is the body's left


def _zeros(n):
    return {s: np.zeros(n) for s in SIDES}


@dataclass
class Segments:
    """Segment angles over time (degrees, arrays of shape (n,)); see the module notes."""

    trunk_deg: np.ndarray
    thigh_deg: dict = field(default_factory=dict)
    shank_deg: dict = field(default_factory=dict)
    foot_deg: dict = field(default_factory=dict)
    arm_deg: dict = field(default_factory=dict)
    forearm_deg: dict = field(default_factory=dict)
    body_pitch_deg: np.ndarray | None = None
    stance_m: float | None = None              # heel-to-heel width; None = hip width

    @classmethod
    def standing(cls, n: int) -> Segments:
        """Upright, arms hanging, feet flat: all angles zero."""
        return cls(trunk_deg=np.zeros(n), thigh_deg=_zeros(n), shank_deg=_zeros(n),
                   foot_deg=_zeros(n), arm_deg=_zeros(n), forearm_deg=_zeros(n),
                   body_pitch_deg=np.zeros(n))


@dataclass(frozen=True)
class BodyModel:
    """Segment lengths from the standing height (Drillis & Contini 1966 fractions; a child
    (``child=True``) gets a larger head and shorter legs).

    Attributes are metres; ``foot_m`` is the heel -> foot index distance.
    """

    height_m: float = 1.1
    child: bool = True

    @property
    def L(self) -> dict:
        h = self.height_m
        leg = 0.92 if self.child else 1.0
        return dict(thigh=0.245 * h * leg, shank=0.246 * h * leg, foot=0.152 * h,
                    ankle_h=0.039 * h, heel_back=0.035 * h, trunk=0.30 * h,
                    neck=0.05 * h, head=(0.075 if self.child else 0.06) * h,
                    upper_arm=0.186 * h, forearm=0.146 * h, hand=0.06 * h,
                    shoulder_w=0.23 * h, hip_w=0.14 * h)

    @property
    def foot_m(self) -> float:
        return self.L["foot"]

    def landmarks(self, seg: Segments, *, pelvis_m: np.ndarray) -> np.ndarray:
        """(n, 33, 3) BlazePose landmarks in metres (world frame) for ``seg``."""
        L = self.L
        n = len(seg.trunk_deg)
        out = np.zeros((n, 33, 3))
        down, fwd = np.array([0.0, -1.0, 0.0]), np.array([1.0, 0.0, 0.0])

        def vec(angle_deg, base, toward):      # unit vectors rotated from base toward toward
            a = np.radians(angle_deg)[:, None]
            return np.cos(a) * base + np.sin(a) * toward

        up_t = vec(seg.trunk_deg, -down, fwd)
        neck = up_t * L["trunk"]
        out[:, 23] = [0, 0, L["hip_w"] / 2]
        out[:, 24] = [0, 0, -L["hip_w"] / 2]
        out[:, 11] = neck + [0, 0, L["shoulder_w"] / 2]
        out[:, 12] = neck + [0, 0, -L["shoulder_w"] / 2]
        self._head(out, neck + up_t * L["neck"], up_t, vec(seg.trunk_deg, fwd, down))
        stance = L["hip_w"] if seg.stance_m is None else seg.stance_m
        for s in SIDES:
            i = 0 if s == "left" else 1
            hip = out[:, 23 + i]
            knee = hip + vec(seg.thigh_deg[s], down, fwd) * L["thigh"]
            knee[:, 2] = _SIGN[s] * (L["hip_w"] + stance) / 4
            ankle = knee + vec(seg.shank_deg[s], down, fwd) * L["shank"]
            ankle[:, 2] = _SIGN[s] * stance / 2
            u = vec(seg.foot_deg[s], fwd, down)                 # heel -> toe
            nrm = vec(seg.foot_deg[s], -down, fwd)              # foot's up
            heel = ankle - u * L["heel_back"] - nrm * L["ankle_h"]
            out[:, 25 + i], out[:, 27 + i], out[:, 29 + i] = knee, ankle, heel
            out[:, 31 + i] = heel + u * L["foot"]
            sh = out[:, 11 + i]
            elbow = sh + vec(seg.arm_deg[s], down, fwd) * L["upper_arm"]
            wrist = elbow + vec(seg.forearm_deg[s], down, fwd) * L["forearm"]
            hand = vec(seg.forearm_deg[s], down, fwd) * L["hand"]
            out[:, 13 + i], out[:, 15 + i] = elbow, wrist
            side_off = np.array([0, 0, _SIGN[s] * 0.02 * self.height_m])
            out[:, 17 + i] = wrist + hand + side_off                 # pinky
            out[:, 19 + i] = wrist + hand * 1.1 - side_off * 0.3    # index
            out[:, 21 + i] = wrist + hand * 0.5 - side_off          # thumb
        if seg.body_pitch_deg is not None:
            out = _rotate_z(out, seg.body_pitch_deg)
        return out + np.asarray(pelvis_m, float)[:, None, :]

    def _head(self, out, top, up, fwd):
        h = self.L["head"]
        c = top + up * h * 0.8
        z = np.array([0.0, 0.0, 1.0])
        out[:, 0] = c + fwd * h * 0.9                                   # nose
        for k, (f, u, s) in {1: (.75, .3, .25), 2: (.75, .3, .4), 3: (.7, .3, .55),
                             4: (.75, .3, -.25), 5: (.75, .3, -.4), 6: (.7, .3, -.55),
                             7: (0, .2, .95), 8: (0, .2, -.95), 9: (.75, -.45, .3),
                             10: (.75, -.45, -.3)}.items():
            out[:, k] = c + fwd * h * f + up * h * u + z * h * s

    @staticmethod
    def on_ground(pts: np.ndarray, *, feet=SIDES) -> np.ndarray:
        """Shift each frame vertically so the lowest heel/foot-index point of ``feet`` (the
        standing feet) is at y = 0."""
        idx = [k + (0 if s == "left" else 1) for s in feet for k in (29, 31)]
        low = pts[:, idx, 1].min(axis=1)
        out = pts.copy()
        out[..., 1] -= low[:, None]
        return out


def _rotate_z(p: np.ndarray, deg: np.ndarray) -> np.ndarray:
    a = np.radians(np.asarray(deg, float))[:, None]
    x, y = p[..., 0], p[..., 1]
    out = p.copy()
    out[..., 0] = x * np.cos(a) - y * np.sin(a)
    out[..., 1] = x * np.sin(a) + y * np.cos(a)
    return out


@dataclass(frozen=True)
class Camera:
    """Pinhole camera looking horizontally (plus ``pitch_deg``) at ``target_m``.

    ``yaw_deg`` places it around the body: 0 = in front (body faces the camera), 90 = on
    the body's left (the body faces image right), -90 = on its right (faces image left),
    180 = behind. ``fov_deg`` is the field of view along the longer image side.
    """

    yaw_deg: float = 90.0
    distance_m: float = 3.0
    height_m: float = 0.8
    target_m: tuple = (0.0, 0.6, 0.0)
    pitch_deg: float = 0.0
    width_px: int = 1280
    height_px: int = 720
    fov_deg: float = 63.0

    @property
    def focal_px(self) -> float:
        return (max(self.width_px, self.height_px) / 2) / np.tan(np.radians(self.fov_deg) / 2)

    def _basis(self):
        a = np.radians(self.yaw_deg)
        pos_dir = np.array([np.cos(a), 0.0, np.sin(a)])        # target -> camera
        t = np.asarray(self.target_m, float)
        pos = t + pos_dir * self.distance_m
        pos[1] = self.height_m
        f = -pos_dir
        p = np.radians(self.pitch_deg)
        f = np.cos(p) * f + np.sin(p) * np.array([0.0, -1.0, 0.0])
        r = np.cross(f, [0.0, 1.0, 0.0])
        r /= np.linalg.norm(r)
        u = np.cross(r, f)
        return pos, f, r, u

    def project(self, pts: np.ndarray, *, visibility: np.ndarray | None = None) -> np.ndarray:
        """(n, 33, 4) trace rows: x, y normalised (0..1, y down), MediaPipe-like z (depth
        relative to the mid-hip, in image-width units, smaller = nearer), visibility."""
        pos, f, r, u = self._basis()
        d = pts - pos
        depth = d @ f
        fpx = self.focal_px
        x = (fpx * (d @ r) / depth + self.width_px / 2) / self.width_px
        y = (-fpx * (d @ u) / depth + self.height_px / 2) / self.height_px
        hip_depth = (depth[:, 23] + depth[:, 24])[:, None] / 2
        z = (depth - hip_depth) * fpx / hip_depth / self.width_px
        vis = np.ones(depth.shape) if visibility is None else visibility
        return np.stack([x, y, z, vis], axis=-1)

    def visibility(self, pts: np.ndarray, *, rng: np.random.Generator | None = None) -> np.ndarray:
        """Plausible visibilities: ~0.97 for the near side, lower for the far side in side
        views (far foot ~0.4), 0.05 outside the picture."""
        rng = rng or np.random.default_rng(0)
        n = len(pts)
        side_on = abs(np.sin(np.radians(self.yaw_deg)))
        near_left = np.sin(np.radians(self.yaw_deg)) > 0
        vis = np.full((n, 33), 0.97)
        far = [i for i in range(1, 33) if (i % 2 == 0) == near_left]
        vis[:, far] = 0.97 - 0.35 * side_on
        far_feet = [i for i in far if i >= 27]
        vis[:, far_feet] = 0.97 - 0.6 * side_on
        vis += rng.normal(0, 0.02, vis.shape)
        proj = self.project(pts)
        out = (proj[..., 0] < 0) | (proj[..., 0] > 1) | (proj[..., 1] < 0) | (proj[..., 1] > 1)
        vis[out] = 0.05
        return np.clip(vis, 0.0, 1.0)
