"""Synthetic foot-massage traces with exact truth: a lying baby's pose and an adult's hands.

The baby lies on its back in the image plane (body axis at ``body_angle_deg``); its feet
are rigid heel - ankle - foot index segments. An adult hand (21 MediaPipe Hands landmarks)
strokes along the massaged foot: its fingertips move along the foot axis as
``s(t) = s0 + A sin(2 pi f t)`` for a whole number of cycles per stroking segment (one
stroke = one full out-and-back cycle). Pauses keep the hand still on the foot; idle
periods take it away (more than three foot lengths) or out of view; a short "lift" raises
it off the foot (``lift_frac_foot`` sideways, out and back) in the middle of stroking. A second hand may hold
the ankle, still. Units: image coordinates normalised like a trace; lengths of motion in
foot lengths; times in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.pose.trace import N_POSE, HandLandmarks, Trace

__all__ = ["MassageSpec", "massage_trace", "random_massage_spec", "hand_shape"]

# Hand landmarks in a hand frame: u from the wrist towards the fingers, v across (thumb
# side positive), in hand lengths (wrist to middle fingertip).
_FINGERS = {  # MCP v offset, joint spacing along u, finger landmark indices
    "index": (0.12, (0.45, 0.63, 0.75, 0.85), (5, 6, 7, 8)),
    "middle": (0.04, (0.45, 0.66, 0.8, 0.92), (9, 10, 11, 12)),
    "ring": (-0.04, (0.43, 0.62, 0.75, 0.85), (13, 14, 15, 16)),
    "pinky": (-0.11, (0.4, 0.54, 0.64, 0.72), (17, 18, 19, 20)),
}
_THUMB = ((0.12, 0.12), (0.22, 0.2), (0.3, 0.27), (0.37, 0.32))


def hand_shape() -> np.ndarray:
    """(21, 2) hand landmarks (u, v) in hand lengths, wrist at the origin."""
    pts = np.zeros((21, 2))
    for k, uv in enumerate(_THUMB, start=1):
        pts[k] = uv
    for v, us, idx in _FINGERS.values():
        for u, i in zip(us, idx, strict=True):
            pts[i] = (u, v * (1 - 0.3 * (u - us[0])))
    return pts


@dataclass(frozen=True)
class MassageSpec:
    """Options of :func:`massage_trace` (seconds, foot lengths, image heights).

    ``plan``: sequence of (kind, seconds) with kind "idle" | "stroke" | "pause" | "lift";
    None draws a random plan (without lifts). A stroke segment is rounded to a whole number of cycles.
    """

    plan: tuple[tuple[str, float], ...] | None = None
    fps: float = 30.0
    stroke_hz: float = 0.9                 # cycles per second
    stroke_amp_frac_foot: float = 0.35
    foot_len: float = 0.09                 # image heights
    body_angle_deg: float = 0.0            # head -> feet direction, 0 = towards image right
    lift_frac_foot: float = -1.2           # "lift": hand off the foot, sideways (foot lengths)
    hold_hand: bool = True
    idle_hands_visible: bool = True        # idle hands rest aside (else leave the view)
    pose_visible: bool = True              # False: only the foot region, no pose found
    noise_frac_foot: float = 0.03
    hand_drop_frac: float = 0.03
    aspect: float = 16 / 9
    seed: int = 0


def _plan(spec: MassageSpec, rng) -> list[tuple[str, float]]:
    if spec.plan is not None:
        return [(k, float(s)) for k, s in spec.plan]
    out = [("idle", rng.uniform(1.5, 4))]
    for k in range(int(rng.integers(1, 4))):
        if k:
            out.append((str(rng.choice(["pause", "idle"])), rng.uniform(2, 5)))
        out.append(("stroke", rng.uniform(8, 25)))
    out.append(("idle", rng.uniform(1.5, 4)))
    return out


def _baby_pose(spec: MassageSpec, rng, n: int) -> tuple[np.ndarray, dict]:
    """(n, 33, 4) pose of a baby lying in the image plane, height-normalised x (not yet
    divided by the aspect), and the massaged (right) foot geometry."""
    L = spec.foot_len
    body = L / 0.14                               # heel to head top
    ang = np.radians(spec.body_angle_deg)
    ax = np.array([np.cos(ang), np.sin(ang)])     # head -> feet
    pr = np.array([-ax[1], ax[0]])                # towards the baby's right (image)
    hipc = np.array([spec.aspect / 2, 0.5]) - ax * 0.05 * body
    pts = np.zeros((N_POSE, 2))
    sh = hipc - ax * 0.3 * body
    for side, sg in (("left", -1), ("right", 1)):
        o = 1 if side == "right" else 0
        hip = hipc + sg * pr * 0.07 * body
        knee = hip + ax * 0.17 * body + sg * pr * 0.03 * body
        ankle = knee + ax * 0.16 * body
        foot_dir = ax * 0.3 + sg * pr * 0.2
        foot_dir /= np.linalg.norm(foot_dir)
        heel = ankle + ax * 0.02 * body - foot_dir * 0.25 * L
        toe = heel + foot_dir * L
        pts[23 + o], pts[25 + o], pts[27 + o], pts[29 + o], pts[31 + o] = hip, knee, ankle, heel, toe
        s = sh + sg * pr * 0.1 * body
        elbow = s + ax * 0.1 * body + sg * pr * 0.05 * body
        wrist = elbow + ax * 0.09 * body
        pts[11 + o], pts[13 + o], pts[15 + o] = s, elbow, wrist
        for k in (17, 19, 21):
            pts[k + o] = wrist + ax * 0.03 * body
    head = sh - ax * 0.14 * body
    pts[0] = head
    for k in range(1, 11):
        pts[k] = head + rng.normal(0, 0.02 * body, 2)
    pts += np.array([spec.aspect / 2, 0.5]) - (pts[30] + pts[32]) / 2   # foot in the middle
    pose = np.zeros((n, N_POSE, 4))
    pose[:, :, :2] = pts + rng.normal(0, 0.004 * body, (n, N_POSE, 2)) * 0.2
    pose[:, :, 2] = 0.0
    pose[:, :, 3] = rng.uniform(0.75, 0.98, (n, N_POSE))
    foot = {"heel": pts[30], "toe": pts[32], "ankle": pts[28], "dir": (pts[32] - pts[30]) / L}
    return pose, foot


def _hand_landmarks(tip_xy: np.ndarray, angle: float, hand_len: float) -> np.ndarray:
    """(21, 3) landmarks for a hand whose index-middle fingertips sit at ``tip_xy``."""
    shp = hand_shape()
    c, s = np.cos(angle), np.sin(angle)
    rot = np.array([[c, -s], [s, c]])
    xy = (shp - (shp[8] + shp[12]) / 2) @ rot.T * hand_len + tip_xy
    return np.column_stack([xy, np.zeros(21)])


def massage_trace(spec: MassageSpec | None = None, **options) -> tuple[Trace, dict]:
    """A synthetic massage trace and its truth.

    Returns
    -------
    trace : Trace
        Pose of the baby (NaN when ``pose_visible`` is False) and the adult's hands.
    truth : dict
        ``strokes`` (full cycles), ``active_s`` (stroking time), ``session_s`` (first stroke
        start to last stroke end), ``strokes_per_min`` (strokes / active minutes),
        ``segments`` (kind, start_s, end_s, cycles), ``foot_length`` (image heights).
    """
    spec = MassageSpec(**options) if spec is None else (
        MassageSpec(**{**spec.__dict__, **options}) if options else spec)
    rng = np.random.default_rng(spec.seed)
    plan = _plan(spec, rng)
    segs, t0, block = [], 0.0, 0.0
    for i, (kind, dur) in enumerate(plan):
        cycles = 0
        if kind == "stroke":   # strokes joined by lifts: one block of whole cycles
            if i + 1 < len(plan) and plan[i + 1][0] == "lift":
                block += dur
            else:
                cycles = max(int(round((block + dur) * spec.stroke_hz)), 1)
                dur, block = cycles / spec.stroke_hz - block, 0.0
                if dur <= 0:
                    raise ValueError("the last stroke after a lift is too short")
        segs.append({"kind": kind, "start_s": t0, "end_s": t0 + dur, "cycles": cycles})
        t0 += dur
    n = int(round(t0 * spec.fps))
    t = np.arange(n) / spec.fps
    pose, foot = _baby_pose(spec, rng, n)
    L, hand_len = spec.foot_len, spec.foot_len * rng.uniform(1.7, 2.2)
    along = _along_foot(segs, t, spec, rng)                  # foot lengths from the heel
    tips = foot["heel"] + along[:, None] * foot["dir"] * L
    rest = foot["heel"] + (np.array([0.0, -1.0]) * 3.5 + foot["dir"] * 0.5) * L
    away = _away_weight(segs, t)                              # 0 on the foot, 1 at rest
    tips = tips * (1 - away[:, None]) + rest * away[:, None]
    side = np.array([-foot["dir"][1], foot["dir"][0]])       # across the foot
    tips = tips + _lift_bump(segs, t)[:, None] * side * spec.lift_frac_foot * L
    ang = np.arctan2(foot["dir"][1], foot["dir"][0]) + np.pi / 2 + rng.uniform(-0.3, 0.3)
    hands = _hands(t, tips, ang, hand_len, foot, away, spec, rng)
    pose[..., 0] /= spec.aspect
    if not spec.pose_visible:
        pose[:] = np.nan
    trace = Trace(fps=spec.fps, width=int(round(720 * spec.aspect)), height=720, t=t,
                  pose=pose, hands=hands, source="synthetic massage")
    strokes = [s for s in segs if s["kind"] == "stroke"]
    active = sum(s["end_s"] - s["start_s"] for s in strokes)
    n_str = sum(s["cycles"] for s in strokes)
    truth = {"strokes": n_str, "active_s": active,
             "session_s": strokes[-1]["end_s"] - strokes[0]["start_s"] if strokes else 0.0,
             "strokes_per_min": 60 * n_str / active if active else 0.0,
             "segments": segs, "foot_length": L}
    return trace, truth


def _along_foot(segs, t, spec: MassageSpec, rng) -> np.ndarray:
    """Fingertip position along the foot (foot lengths from the heel). The stroking phase
    runs on across lifts (frozen while the hand is off the foot)."""
    s = np.full(len(t), 0.5)
    done, amp, last = 0.0, None, 0.5     # stroking seconds so far in this block
    for g in segs:
        m = (t >= g["start_s"]) & (t < g["end_s"])
        if g["kind"] == "stroke":
            drawn = spec.stroke_amp_frac_foot * rng.uniform(0.9, 1.1)
            amp = drawn if amp is None else amp
            tau = done + t[m] - g["start_s"]
            s[m] = 0.5 + amp * np.sin(2 * np.pi * spec.stroke_hz * tau)
            done += g["end_s"] - g["start_s"]
            last = 0.5 + amp * np.sin(2 * np.pi * spec.stroke_hz * done)
        elif g["kind"] == "lift":
            s[m] = last
        else:
            done, amp, last = 0.0, None, 0.5
    return s


def _lift_bump(segs, t) -> np.ndarray:
    """0 on the foot, rising to 1 and back (raised cosine) over each "lift" segment."""
    w = np.zeros(len(t))
    for g in segs:
        if g["kind"] == "lift":
            m = (t >= g["start_s"]) & (t < g["end_s"])
            w[m] = 0.5 - 0.5 * np.cos(2 * np.pi * (t[m] - g["start_s"]) / (g["end_s"] - g["start_s"]))
    return w


def _away_weight(segs, t) -> np.ndarray:
    """0 while the hand is on the foot, 1 at rest, with 0.6 s transitions inside the idle
    periods."""
    w = np.zeros(len(t))
    for g in segs:
        if g["kind"] != "idle":
            continue
        a, b = g["start_s"], g["end_s"]
        ramp = min(0.6, (b - a) / 2)
        m = (t >= a) & (t < b)
        up = np.clip((t[m] - a) / ramp, 0, 1) if a > 0 else np.ones(m.sum())
        down = np.clip((b - t[m]) / ramp, 0, 1) if b < t[-1] else np.ones(m.sum())
        w[m] = np.minimum(up, down)
    return 0.5 - 0.5 * np.cos(np.pi * w)


def _hands(t, tips, ang, hand_len, foot, away, spec: MassageSpec, rng):
    noise = spec.noise_frac_foot * spec.foot_len
    hold_tip = foot["ankle"] + rng.normal(0, 0.05, 2) * spec.foot_len
    out = []
    label = str(rng.choice(["Left", "Right"]))
    other = "Left" if label == "Right" else "Right"
    for i in range(len(t)):
        hs = []
        gone = away[i] > 0.5 and not spec.idle_hands_visible
        if rng.random() >= spec.hand_drop_frac and not gone:
            lm = _hand_landmarks(tips[i], ang, hand_len)
            lm[:, :2] += rng.normal(0, noise, (21, 2))
            lm[:, 0] /= spec.aspect
            hs.append(HandLandmarks(label, lm))
        if spec.hold_hand and rng.random() >= spec.hand_drop_frac and not gone:
            lm = _hand_landmarks(hold_tip, ang + np.pi, hand_len)
            lm[:, :2] += rng.normal(0, noise, (21, 2))
            lm[:, 0] /= spec.aspect
            hs.append(HandLandmarks(other, lm))
        if len(hs) == 2 and rng.random() < 0.5:
            hs.reverse()
        out.append(hs)
    return out


def random_massage_spec(rng: np.random.Generator, **overrides) -> MassageSpec:
    """A varied :class:`MassageSpec` (rates 0.5-1.5 strokes/s, fps 24-60, noise, drops)."""
    spec = MassageSpec(
        fps=float(rng.choice([24, 25, 30, 50, 60])), stroke_hz=rng.uniform(0.5, 1.5),
        stroke_amp_frac_foot=rng.uniform(0.25, 0.45), foot_len=rng.uniform(0.05, 0.15),
        body_angle_deg=rng.uniform(-180, 180), hold_hand=bool(rng.random() < 0.6),
        idle_hands_visible=bool(rng.random() < 0.6), noise_frac_foot=rng.uniform(0, 0.05),
        hand_drop_frac=rng.uniform(0, 0.08), aspect=float(rng.choice([16 / 9, 4 / 3])),
        seed=int(rng.integers(1 << 30)))
    return MassageSpec(**{**spec.__dict__, **overrides}) if overrides else spec


def write_sample(path) -> int:
    """Write the app's first-run massage trace (two stroking periods, a pause, idle ends;
    15 fps, one hand) to ``path``; returns its size in bytes (under 300 KB)."""
    from synth.gait_traces import save_compact

    trace, _ = massage_trace(plan=(("idle", 1.0), ("stroke", 8.0), ("pause", 2.0),
                                   ("stroke", 5.0), ("idle", 1.0)), fps=15.0, stroke_hz=0.9,
                             hold_hand=False, foot_len=0.12, body_angle_deg=20, seed=13)
    return save_compact(trace, path)
