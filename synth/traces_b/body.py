"""A 3D skeleton with child-to-adult proportions, posed by planted feet and inverse kinematics.

World frame: metres, X and Y on the floor, Z up, floor at Z = 0. A body faces along its
``heading`` (radians about Z, 0 = +X). Unlike a joint-angle chain from the pelvis down, the
legs here are solved from where the feet are (heel and toe points on or above the floor)
and where the hip joints are (two-link inverse kinematics, knee pointing along the foot), so
a planted foot never slides and a heel lift is exactly a rotation of the foot about its toe.

Proportions are fractions of the standing height ``H`` after Drillis & Contini (1966) /
Winter (2009) for adults, blended towards toddler proportions (larger head, shorter legs,
relatively larger feet) below 160 cm; the blend is a simple linear one, good enough for a
tracker test, not an anthropometric reference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_LANDMARKS = 33
CHILD_H_M, ADULT_H_M = 0.80, 1.60      # proportions blend between these heights


@dataclass(frozen=True)
class Anthro:
    """Segment lengths in metres for one person of height ``height``."""

    height: float
    hip_z: float          # hip joint height standing
    thigh: float          # hip joint -> knee
    shank: float          # knee -> ankle
    ankle_z: float        # ankle height above the floor, foot flat
    foot: float           # heel -> foot index (toe) length
    heel_back: float      # heel point behind the ankle (along the foot)
    hip_half: float       # half the distance between the hip landmarks
    shoulder_z: float
    shoulder_half: float
    upper_arm: float
    forearm: float
    hand: float
    head: float           # chin -> vertex height

    @property
    def leg(self) -> float:
        return self.thigh + self.shank


def anthro(height_m: float) -> Anthro:
    """Segment lengths for a standing height in metres (0.8-1.9 supported)."""
    H = float(height_m)
    a = float(np.clip((H - CHILD_H_M) / (ADULT_H_M - CHILD_H_M), 0.0, 1.0))   # 0 toddler, 1 adult

    def mix(child: float, adult: float) -> float:
        return (child + a * (adult - child)) * H

    hip_z = mix(0.45, 0.530)
    ankle_z = mix(0.045, 0.039)
    knee_z = ankle_z + (hip_z - ankle_z) * mix(0.47, 0.495) / H
    foot = mix(0.165, 0.152)
    return Anthro(height=H, hip_z=hip_z, thigh=hip_z - knee_z, shank=knee_z - ankle_z,
                  ankle_z=ankle_z, foot=foot, heel_back=0.23 * foot,
                  hip_half=mix(0.075, 0.065), shoulder_z=mix(0.76, 0.818),
                  shoulder_half=mix(0.115, 0.129), upper_arm=mix(0.17, 0.186),
                  forearm=mix(0.13, 0.146), hand=mix(0.09, 0.108), head=mix(0.20, 0.13))


def unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 0, n, 1.0)


def heading_axes(heading: float) -> tuple[np.ndarray, np.ndarray]:
    """(forward, left) unit vectors on the floor for a heading in radians."""
    f = np.array([np.cos(heading), np.sin(heading), 0.0])
    return f, np.array([-f[1], f[0], 0.0])


UP = np.array([0.0, 0.0, 1.0])


def foot_points(pivot: np.ndarray, heading: float, pitch: float, body: Anthro, *,
                about: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(heel, ankle, toe) of a foot whose ``about`` point ("heel" or "toe") is at ``pivot``
    and whose sole is pitched by ``pitch`` radians (positive = toe up, negative = heel up).

    The heel and toe points lie on the sole line; the ankle sits ``ankle_z`` above the sole,
    ``heel_back`` in front of the heel, and turns with the foot."""
    f, _ = heading_axes(heading)
    along = np.cos(pitch) * f + np.sin(pitch) * UP
    normal = -np.sin(pitch) * f + np.cos(pitch) * UP
    if about == "heel":
        heel = np.asarray(pivot, float)
        toe = heel + body.foot * along
    else:
        toe = np.asarray(pivot, float)
        heel = toe - body.foot * along
    ankle = heel + body.heel_back * along + body.ankle_z * normal
    return heel, ankle, toe


def knee_ik(hip: np.ndarray, ankle: np.ndarray, forward: np.ndarray, body: Anthro,
            ) -> tuple[np.ndarray, np.ndarray]:
    """Knee position for a leg from ``hip`` to ``ankle`` bending towards ``forward``, and
    the ankle actually reached (pulled in along the leg line when out of reach)."""
    d = ankle - hip
    dist = float(np.linalg.norm(d))
    reach = 0.9995 * body.leg
    if dist > reach:
        ankle = hip + d * (reach / dist)
        d, dist = ankle - hip, reach
    axis = d / dist
    a, b = body.thigh, body.shank
    x = (a * a - b * b + dist * dist) / (2 * dist)        # along the axis from the hip
    h = np.sqrt(max(a * a - x * x, 0.0))
    bend = forward - np.dot(forward, axis) * axis
    if np.linalg.norm(bend) < 1e-9:
        bend = UP - np.dot(UP, axis) * axis
    return hip + x * axis + h * unit(bend), ankle


def joint_angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """3D angle at ``b`` between ``b->a`` and ``b->c`` in degrees (180 = straight)."""
    u, v = unit(a - b), unit(c - b)
    return float(np.degrees(np.arccos(np.clip(np.dot(u, v), -1.0, 1.0))))


@dataclass
class Pose3D:
    """One frame's 33 BlazePose points in world metres (row order as MediaPipe)."""

    points: np.ndarray          # (33, 3)


def head_and_arms(pts: np.ndarray, neck: np.ndarray, up: np.ndarray, fwd: np.ndarray,
                  left: np.ndarray, body: Anthro, arm: dict) -> None:
    """Fill face (0-10) and arm (11-22) points. ``arm[side]`` = (shoulder flexion,
    abduction, elbow flexion) in radians; flexion swings the arm forward."""
    head_c = neck + up * (0.55 * body.head) + fwd * (0.02 * body.height)
    r = 0.45 * body.head
    nose = head_c + fwd * (0.85 * r) - up * (0.05 * r)
    pts[0] = nose
    for s, sign, (inner, eye, outer, ear, mouth) in (("left", 1, (1, 2, 3, 7, 9)),
                                                       ("right", -1, (4, 5, 6, 8, 10))):
        base = head_c + fwd * (0.7 * r) + up * (0.25 * r)
        pts[inner] = base + sign * left * (0.12 * r)
        pts[eye] = base + sign * left * (0.25 * r)
        pts[outer] = base + sign * left * (0.38 * r) - fwd * (0.05 * r)
        pts[ear] = head_c + sign * left * (0.75 * r) + up * (0.1 * r)
        pts[mouth] = head_c + fwd * (0.75 * r) - up * (0.35 * r) + sign * left * (0.15 * r)
    for s, sign, (sh, el, wr, pk, ix, th) in (("left", 1, (11, 13, 15, 17, 19, 21)),
                                                ("right", -1, (12, 14, 16, 18, 20, 22))):
        flex, abd, elbow = arm[s]
        shoulder = neck + sign * left * body.shoulder_half
        down = -up
        upper = unit(np.cos(flex) * down + np.sin(flex) * fwd)
        upper = unit(np.cos(abd) * upper + np.sin(abd) * sign * left)
        elbow_p = shoulder + body.upper_arm * upper
        bend_dir = unit(np.cross(sign * left, upper)) if abs(np.dot(upper, left)) < 0.99 else fwd
        fore = unit(np.cos(elbow) * upper + np.sin(elbow) * (-bend_dir if np.dot(-bend_dir, fwd) > 0
                                                              else bend_dir))
        wrist = elbow_p + body.forearm * fore
        pts[sh], pts[el], pts[wr] = shoulder, elbow_p, wrist
        tip = wrist + 0.8 * body.hand * fore
        pts[pk] = tip - sign * left * 0.02 * body.height
        pts[ix] = tip + sign * left * 0.01 * body.height
        pts[th] = wrist + 0.4 * body.hand * fore + fwd * 0.02 * body.height


def standing_pose(body: Anthro, pelvis: np.ndarray, heading: float, trunk_lean: float,
                  feet: dict, arm: dict, *, trunk_heading: float | None = None,
                  ) -> tuple[np.ndarray, dict]:
    """(33, 3) points of an upright body and per-side joint data.

    ``pelvis`` is the mid-hip point; ``trunk_lean`` tilts the trunk forward (radians);
    ``feet[side]`` is either ("planted", heel, ankle, toe) from :func:`foot_points` or
    ("free", thigh_dir, knee_flex_rad) for a leg swung by its hip (standing leg raise)."""
    th = heading if trunk_heading is None else trunk_heading
    fwd, left = heading_axes(th)
    up = unit(np.cos(trunk_lean) * UP + np.sin(trunk_lean) * fwd)
    pts = np.zeros((N_LANDMARKS, 3))
    neck = pelvis + up * (body.shoulder_z - body.hip_z)
    head_and_arms(pts, neck, up, fwd, left, body, arm)
    info = {}
    for s, sign, (hp, kn, an, he, to) in (("left", 1, (23, 25, 27, 29, 31)),
                                          ("right", -1, (24, 26, 28, 30, 32))):
        hip = pelvis + sign * left * body.hip_half
        spec = feet[s]
        if spec[0] == "planted":
            _, heel, ankle, toe = spec
            ffwd = unit(toe - heel)
            ffwd = unit(ffwd - np.dot(ffwd, UP) * UP + 1e-9)
            knee, ankle_r = knee_ik(hip, ankle, ffwd + 0.05 * sign * left, body)
            shift = ankle_r - ankle
            heel, toe = heel + shift, toe + shift
            ankle = ankle_r
        else:
            _, thigh_dir, knee_flex = spec
            knee = hip + body.thigh * thigh_dir
            bend_axis = unit(np.cross(thigh_dir, left))     # rotates the shank backwards
            shank_dir = unit(np.cos(knee_flex) * thigh_dir - np.sin(knee_flex) * bend_axis)
            ankle = knee + body.shank * shank_dir
            foot_dir = unit(np.cross(left, shank_dir) * -1)
            heel = ankle - body.heel_back * foot_dir - body.ankle_z * (-shank_dir)
            toe = heel + body.foot * foot_dir
        pts[hp], pts[kn], pts[an], pts[he], pts[to] = hip, knee, ankle, heel, toe
        info[s] = {"knee_deg": joint_angle_deg(hip, knee, ankle)}
    return pts, info


def lying_pose(body: Anthro, hip_mid: np.ndarray, heading: float, legs: dict,
               arm_rest: float = 0.1) -> np.ndarray:
    """(33, 3) points of a body lying on its back, head towards ``-heading``, feet towards
    ``+heading``. ``legs[side]`` = (hip_flexion_rad, knee_flex_rad): 0, 0 = leg flat on the
    floor in line with the trunk; pi/2 = thigh vertical."""
    fwd, left = heading_axes(heading)          # fwd: towards the feet
    pts = np.zeros((N_LANDMARKS, 3))
    up = -fwd                                  # the trunk's "up" (towards the head)
    face = UP
    trunk_z = 0.10 * body.height * 0.5
    pelvis = hip_mid + UP * trunk_z
    neck = pelvis + up * (body.shoulder_z - body.hip_z)
    # lying on the back: the body's left is on the other side when the head points -fwd
    body_left = -left
    head_and_arms(pts, neck, up, face, body_left, body,
                  {s: (arm_rest, 0.15, 0.1) for s in ("left", "right")})
    for s, sign, (hp, kn, an, he, to) in (("left", 1, (23, 25, 27, 29, 31)),
                                          ("right", -1, (24, 26, 28, 30, 32))):
        hip = pelvis + sign * body_left * body.hip_half
        flex, knee_flex = legs[s]
        thigh_dir = unit(np.cos(flex) * fwd + np.sin(flex) * UP)
        knee = hip + body.thigh * thigh_dir
        shank_dir = unit(np.cos(flex - knee_flex) * fwd + np.sin(flex - knee_flex) * UP)
        ankle = knee + body.shank * shank_dir
        sole = unit(np.cos(flex - knee_flex + np.pi / 2) * fwd
                    + np.sin(flex - knee_flex + np.pi / 2) * UP)     # toes point "up" the sole
        heel = ankle + body.ankle_z * shank_dir - body.heel_back * sole
        toe = heel + body.foot * sole
        pts[hp], pts[kn], pts[an], pts[he], pts[to] = hip, knee, ankle, heel, toe
    return pts
