"""Seeded scenarios: (Trace, truth) for squats, walks, heel raises, leg raises and
non-exercises, shot by a random camera with MediaPipe-like errors.

``make(kind, seed)`` is the one entry point; ``kind`` is one of :data:`KINDS`. The same
seed always gives the same trace. Truth times are seconds of the trace; heel heights are
fractions of the foot length (heel -> toe); angles are 3D degrees from the kinematics.
"""

from __future__ import annotations

import numpy as np

from synth.traces_b import gait, motions
from synth.traces_b.body import anthro, heading_axes
from synth.traces_b.camera import make_camera
from synth.traces_b.tracker import Artefacts, observe
from vision.pose.trace import Trace

FPS_CHOICES = (24.0, 25.0, 30.0, 30.0, 50.0, 60.0)
YAW_BY_VIEW = {"side": (75, 105), "oblique": (30, 60), "front": (-12, 12), "rear": (168, 192)}
VIEW_WEIGHTS = {"side": 0.45, "oblique": 0.25, "front": 0.18, "rear": 0.12}
KINDS = ("squat", "squat_lift", "walk", "heel_raise", "leg_raise", "leg_raise_standing", "other")


def _rng(kind: str, seed: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), KINDS.index(kind) + 7919])


def pick_view(rng, views=None) -> tuple[str, float]:
    views = views or VIEW_WEIGHTS
    names = list(views)
    w = np.array([VIEW_WEIGHTS[v] for v in names])
    v = names[rng.choice(len(names), p=w / w.sum())]
    lo, hi = YAW_BY_VIEW[v]
    yaw = rng.uniform(lo, hi) * (1 if rng.random() < 0.5 else -1)
    return v, float(yaw)


def _t(fps: float, seconds: float) -> np.ndarray:
    return np.arange(int(round(seconds * fps))) / fps


def _trace(rng, pts, cam, fps, body, art, *, source: str, passer=None) -> Trace:
    pose = observe(rng, pts, cam, fps, art, body_h=body.height, foot=body.foot, passer_pts=passer)
    return Trace(fps=fps, width=cam.width, height=cam.height, t=np.arange(len(pts)) / fps,
                 pose=pose, source=source)


def _shot(cam, view, fps, body, art) -> dict:
    return {"view": view, "yaw_deg": round(cam.yaw_deg, 1), "fps": fps,
            "size": [cam.width, cam.height], "height_cm": round(100 * body.height),
            "jitter": round(art.jitter, 4), "swaps": art.swaps, "passer": art.passer,
            "far_guess": round(art.far_guess, 2), "heel_pull": round(art.heel_pull, 3)}


def _fade(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """Concatenate two point sequences, cross-fading the last ``k`` frames of ``a`` into
    the first of ``b`` (a short shuffle from one movement into the next)."""
    k = min(k, len(a), len(b))
    w = np.linspace(0, 1, k)[:, None, None]
    mid = (1 - w) * a[len(a) - k:] + w * b[:k]
    return np.concatenate([a[:len(a) - k], mid, b[k:]])


def _moved(pts: np.ndarray, target: np.ndarray, frame: int) -> np.ndarray:
    """``pts`` shifted on the floor so the feet of ``frame`` stand centred on ``target``."""
    feet = pts[frame, [27, 28, 29, 30, 31, 32]].mean(0)
    shift = np.array([target[0] - feet[0], target[1] - feet[1], 0.0])
    return pts + shift


# ----- squat ---------------------------------------------------------------------------------
def squat(seed: int, *, lift: bool | None = None, views=None) -> tuple[Trace, dict]:
    kind = "squat_lift" if lift else "squat"
    rng = _rng(kind, seed)
    body = anthro(rng.uniform(0.8, 1.9))
    fps = float(rng.choice(FPS_CHOICES))
    view, yaw = pick_view(rng, views)
    heading = rng.uniform(-np.pi, np.pi)
    variant = rng.choice(["plain", "plain", "walk_in", "bar"])
    n_reps = int(rng.integers(2, 9))
    reps = motions.rep_schedule(rng, n_reps, rng.uniform(0.6, 1.8))
    t = _t(fps, reps[-1]["t1"] + rng.uniform(0.6, 1.5))
    depth = motions.bumps(t, reps)
    hip_drop = body.hip_z * rng.uniform(0.32, 0.5)
    centre = np.zeros(3)
    sides = {"left": np.zeros(len(t)), "right": np.zeros(len(t))}
    lifts = []
    for r in reps:
        frac = rng.uniform(0.13, 0.32) if lift else 0.0
        which = ["left", "right"] if (not lift or rng.random() < 0.7) else [rng.choice(["left", "right"])]
        m = (t >= r["t0"]) & (t <= r["t1"])
        for s in which:
            sides[s][m] = np.minimum(sides[s][m], -np.arcsin(frac) * np.clip(depth[m] / 0.6, 0, 1))
        lifts.append((frac, "both" if len(which) == 2 else which[0]))
    pts, knees = motions.planted_motion(
        rng, body, t, depth, heading=heading, centre=centre, hip_drop_max=hip_drop,
        back_shift=body.thigh * rng.uniform(0.05, 0.45), lean_max=np.radians(rng.uniform(10, 45)),
        heel_pitch=sides, holding_bar=variant == "bar")
    truth_reps = []
    for r, (frac, side) in zip(reps, lifts, strict=True):
        m = (t >= r["t0"]) & (t <= r["t1"])
        truth_reps.append({"start_s": round(r["t0"], 3), "end_s": round(r["t1"], 3),
                           "min_knee_deg": round(float(min(knees["left"][m].min(), knees["right"][m].min())), 1),
                           "heel_lift": bool(lift), "lift_frac_foot": round(frac, 3), "side": side})
    offset = 0.0
    if variant in ("walk_in", "bar"):
        pre, _ = _walk_segment(rng, body, fps, heading, n_steps=int(rng.integers(2, 4)),
                               start=centre)
        if variant == "bar":
            pre = _moved(pre[::-1], centre, -1)     # walking backwards out of the rack
        else:
            pre = _moved(pre, centre, -1)           # walking in to the spot
        k = int(0.4 * fps)
        offset = (len(pre) - k) / fps
        pts = _fade(pre, pts, k)
        if variant == "bar":
            post, _ = _walk_segment(rng, body, fps, heading, n_steps=int(rng.integers(2, 4)),
                                    start=centre)
            pts = _fade(pts, _moved(post, centre, 0), k)
        for r in truth_reps:
            r["start_s"], r["end_s"] = round(r["start_s"] + offset, 3), round(r["end_s"] + offset, 3)
    span = body.height * (1.6 if variant != "plain" else 0.8)
    cam = make_camera(rng, target=centre, heading=heading, yaw_deg=yaw, span_m=span,
                      body_h=body.height)
    art = Artefacts.random(rng)
    tr = _trace(rng, pts, cam, fps, body, art, source=f"traces_b/{kind}/{seed}")
    truth = {"exercise": "squat", "kind": kind, "variant": str(variant), "n_reps": n_reps,
             "reps": truth_reps, "heel_lift_any": bool(lift), "view": view,
             "shot": _shot(cam, view, fps, body, art)}
    return tr, truth


def _walk_segment(rng, body, fps, heading, *, n_steps: int, start, style="heel", turn=False):
    step_s = rng.uniform(0.45, 0.65) * np.sqrt(body.height / 1.7)
    t0 = rng.uniform(0.4, 0.9)
    steps = gait.plan_steps(rng, body, style, n_straight=n_steps, turn=turn, t0=t0, step_s=step_s,
                            heading=heading, start=np.asarray(start, float))
    width = abs(np.dot(steps[0]["heel"] - steps[1]["heel"], heading_axes(heading)[1])) or body.hip_half * 2
    stand0 = {}
    fwd, left = heading_axes(heading)
    for s, sign in (("left", 1), ("right", -1)):
        h = np.asarray(start, float) + sign * left * width / 2 - fwd * body.foot * 0.3
        h[2] = 0.0
        stand0[s] = {"side": s, "heel": h, "heading": heading, "t": -10.0, "kind": "flat",
                     "heel_down": True, "stop": False, "turning": False, "start": False,
                     "centre": np.asarray(start, float)}
    tip = -np.arcsin(rng.uniform(0.15, 0.35))
    t = _t(fps, steps[-1]["t"] + rng.uniform(0.6, 1.2))
    pts = gait.walk_points(rng, body, t, steps, step_s=step_s, tip_pitch=tip, stand0=stand0)
    return pts, (steps, tip, step_s)


# ----- walk ----------------------------------------------------------------------------------
def walk(seed: int, *, style: str | None = None, views=None) -> tuple[Trace, dict]:
    rng = _rng("walk", seed)
    style = style or str(rng.choice(["heel", "heel", "flat", "tiptoe", "tiptoe", "mixed"]))
    body = anthro(rng.uniform(0.8, 1.9))
    fps = float(rng.choice(FPS_CHOICES))
    view, yaw = pick_view(rng, views)
    heading = rng.uniform(-np.pi, np.pi)
    turn = rng.random() < 0.35
    n_steps = int(rng.integers(4, 11))
    start = np.zeros(3)
    pts, (steps, tip, step_s) = _walk_segment(rng, body, fps, heading, n_steps=n_steps,
                                              start=start, style=style, turn=turn)
    path_mid = np.mean([s["heel"] for s in steps], axis=0)
    length = max(np.linalg.norm(steps[-1]["heel"] - steps[0]["heel"]),
                 max(np.linalg.norm(s["heel"] - steps[0]["heel"]) for s in steps))
    cover = rng.uniform(0.6, 1.3)       # below 1: the walker enters or leaves the picture
    cam = make_camera(rng, target=path_mid, heading=heading, yaw_deg=yaw,
                      span_m=max(length * cover, body.height * 0.6), body_h=body.height)
    art = Artefacts.random(rng)
    tr = _trace(rng, pts, cam, fps, body, art, source=f"traces_b/walk/{seed}")
    st = gait.step_truth(steps, body, tip)
    for s, raw in zip(st, steps, strict=True):
        f = gait._stance_foot(raw, 0.2, body, tip)
        xy, depth = cam.project(np.stack(f))
        s["in_frame"] = bool(((xy >= 0) & (xy <= 1)).all())
        s["near"] = _near(cam, raw, steps)
    clear = [s for s in st if not (s["turning"] or s["start"] or s["stop"]) and s["in_frame"]]
    truth = {"exercise": "walk", "style": style, "turn": turn, "steps": st,
             "n_steps": len(st), "n_clear": len(clear),
             "tiptoe": style == "tiptoe",
             "tiptoe_lift_frac_foot": round(float(np.sin(-tip)), 3) if style in ("tiptoe", "mixed") else 0.0,
             "view": view, "shot": _shot(cam, view, fps, body, art)}
    return tr, truth


def _near(cam, step, steps) -> bool:
    others = [s for s in steps if s["side"] != step["side"]]
    if not others:
        return True
    o = min(others, key=lambda s: abs(s["t"] - step["t"]))
    return bool(np.linalg.norm(step["heel"] - cam.position) <= np.linalg.norm(o["heel"] - cam.position))


# ----- heel raise ----------------------------------------------------------------------------
def heel_raise(seed: int, *, views=None) -> tuple[Trace, dict]:
    rng = _rng("heel_raise", seed)
    body = anthro(rng.uniform(0.8, 1.9))
    fps = float(rng.choice(FPS_CHOICES))
    view, yaw = pick_view(rng, views)
    heading = rng.uniform(-np.pi, np.pi)
    n_reps = int(rng.integers(3, 11))
    reps = motions.rep_schedule(rng, n_reps, rng.uniform(0.8, 2.0), down=(0.4, 0.9),
                                hold=(0.0, 1.2), up=(0.4, 0.9), gap=(0.4, 1.5))
    t = _t(fps, reps[-1]["t1"] + rng.uniform(0.6, 1.5))
    rise = rng.uniform(0.12, 0.38)
    prof = motions.bumps(t, reps)
    pitch = -np.arcsin(rise) * prof
    pts, _ = motions.planted_motion(rng, body, t, np.zeros(len(t)), heading=heading,
                                    centre=np.zeros(3), hip_drop_max=0.0, back_shift=0.0,
                                    lean_max=0.0, heel_pitch={"left": pitch, "right": pitch})
    cam = make_camera(rng, target=np.zeros(3), heading=heading, yaw_deg=yaw,
                      span_m=body.height * 0.6, body_h=body.height)
    art = Artefacts.random(rng)
    tr = _trace(rng, pts, cam, fps, body, art, source=f"traces_b/heel_raise/{seed}")
    truth_reps = [{"start_s": round(r["t0"], 3), "end_s": round(r["t1"], 3),
                   "rise_frac_foot": round(rise, 3), "hold_s": round(r["hold_s"], 2)} for r in reps]
    return tr, {"exercise": "heel-raise", "n_reps": n_reps, "reps": truth_reps, "view": view,
                "shot": _shot(cam, view, fps, body, art)}


# ----- leg raises ----------------------------------------------------------------------------
def _raise_reps(rng, n_reps: int, *, standing: bool) -> tuple[list[dict], bool]:
    bent = rng.random() < 0.5
    reps = motions.rep_schedule(rng, n_reps, rng.uniform(0.8, 2.0), down=(0.8, 1.6),
                                hold=(0.0, 1.0), up=(0.8, 1.6), gap=(0.6, 2.0))
    pattern = str(rng.choice(["alternate", "left", "right", "both"])) if not standing else \
        str(rng.choice(["alternate", "left", "right"]))
    for k, r in enumerate(reps):
        legs = {"alternate": [["left"], ["right"]][k % 2], "left": ["left"], "right": ["right"],
                "both": ["left", "right"]}[pattern]
        r["legs"] = legs
        r["peak_deg"] = rng.uniform(45, 95) if standing else rng.uniform(50, 100)
        r["knee_bend_deg"] = rng.uniform(40, 70) if (bent and rng.random() < 0.7) else rng.uniform(0, 6)
    return reps, bent


def leg_raise(seed: int, *, views=None) -> tuple[Trace, dict]:
    """Supine straight-leg raise (lying on the back)."""
    rng = _rng("leg_raise", seed)
    body = anthro(rng.uniform(0.8, 1.9))
    fps = float(rng.choice(FPS_CHOICES))
    view, yaw = pick_view(rng, views or {"side": 1, "oblique": 1})
    heading = rng.uniform(-np.pi, np.pi)
    reps, _ = _raise_reps(rng, int(rng.integers(2, 9)), standing=False)
    t = _t(fps, reps[-1]["t1"] + rng.uniform(0.6, 1.5))
    pts = motions.supine_raise(rng, body, t, reps, heading=heading, centre=np.zeros(3))
    # a person lying down is filmed looking at the middle of the body from the side
    cam = make_camera(rng, target=heading_axes(heading)[0] * -0.1 * body.height, heading=heading,
                      yaw_deg=yaw, span_m=body.height * 1.15, body_h=0.3 * body.height,
                      fill=rng.uniform(0.7, 0.92), tilt_deg=rng.uniform(0, 10), portrait=False)
    art = Artefacts.random(rng)
    tr = _trace(rng, pts, cam, fps, body, art, source=f"traces_b/leg_raise/{seed}")
    truth_reps = [{"start_s": round(r["t0"], 3), "end_s": round(r["t1"], 3), "legs": r["legs"],
                   "peak_hip_flexion_deg": round(r["peak_deg"], 2),
                   "knee_bend_deg": round(r["knee_bend_deg"], 1),
                   "knee_bent": r["knee_bend_deg"] > 30} for r in reps]
    return tr, {"exercise": "leg-raise", "posture": "supine", "n_reps": len(reps),
                "reps": truth_reps, "view": view, "shot": _shot(cam, view, fps, body, art)}


def leg_raise_standing(seed: int, *, views=None) -> tuple[Trace, dict]:
    """Standing straight-leg raise: hip angle between the trunk line and the thigh
    (0 = hanging down), measured on the 3D points."""
    rng = _rng("leg_raise_standing", seed)
    body = anthro(rng.uniform(0.8, 1.9))
    fps = float(rng.choice(FPS_CHOICES))
    view, yaw = pick_view(rng, views)
    heading = rng.uniform(-np.pi, np.pi)
    reps, _ = _raise_reps(rng, int(rng.integers(2, 9)), standing=True)
    t = _t(fps, reps[-1]["t1"] + rng.uniform(0.6, 1.5))
    pts, peaks = motions.standing_raise(rng, body, t, reps, heading=heading, centre=np.zeros(3))
    cam = make_camera(rng, target=np.zeros(3), heading=heading, yaw_deg=yaw,
                      span_m=body.height * 0.8, body_h=body.height)
    art = Artefacts.random(rng)
    tr = _trace(rng, pts, cam, fps, body, art, source=f"traces_b/leg_raise_standing/{seed}")
    truth_reps = [{"start_s": round(r["t0"], 3), "end_s": round(r["t1"], 3), "legs": r["legs"],
                   "peak_hip_flexion_deg": round(p, 2), "knee_bend_deg": round(r["knee_bend_deg"], 1),
                   "knee_bent": r["knee_bend_deg"] > 30} for r, p in zip(reps, peaks, strict=True)]
    return tr, {"exercise": "leg-raise", "posture": "standing", "n_reps": len(reps),
                "reps": truth_reps, "view": view, "shot": _shot(cam, view, fps, body, art)}


# ----- not an exercise -------------------------------------------------------------------------
def other(seed: int, *, views=None) -> tuple[Trace, dict]:
    """Standing and waving, shifting weight, or bending over to pick something up (knees
    nearly straight, trunk forward): none of the exercises."""
    rng = _rng("other", seed)
    body = anthro(rng.uniform(0.8, 1.9))
    fps = float(rng.choice(FPS_CHOICES))
    view, yaw = pick_view(rng, views)
    heading = rng.uniform(-np.pi, np.pi)
    what = str(rng.choice(["wave", "stoop", "sway"]))
    t = _t(fps, rng.uniform(4, 20))
    n = len(t)
    depth = np.zeros(n)
    lean = 0.0
    if what == "stoop":
        reps = motions.rep_schedule(rng, int(rng.integers(1, 4)), 0.8, down=(0.8, 1.5),
                                    up=(0.8, 1.5), gap=(1.0, 3.0))
        depth = motions.bumps(t, reps) * 0.12
        lean = np.radians(rng.uniform(60, 85)) / 0.12
    pts, _ = motions.planted_motion(rng, body, t, depth, heading=heading, centre=np.zeros(3),
                                    hip_drop_max=body.hip_z, back_shift=body.thigh * 2,
                                    lean_max=lean,
                                    heel_pitch={"left": np.zeros(n), "right": np.zeros(n)})
    if what == "wave":
        wave = motions.fourier(rng, t, rng.uniform(0.8, 1.5), (0.6,))
        pts[:, [15, 17, 19, 21]] += (wave[:, None, None] * 0.1 * body.height
                                     * np.array([0, 0, 1.0]))
    if what == "sway":
        shift = motions.fourier(rng, t, 0.3, (0.04,)) * body.height
        pts[:, :23] += shift[:, None, None] * np.append(heading_axes(heading)[1][:2], 0)
    cam = make_camera(rng, target=np.zeros(3), heading=heading, yaw_deg=yaw,
                      span_m=body.height * 0.8, body_h=body.height)
    art = Artefacts.random(rng)
    tr = _trace(rng, pts, cam, fps, body, art, source=f"traces_b/other/{seed}")
    return tr, {"exercise": None, "what": what, "n_reps": 0, "reps": [], "view": view,
                "shot": _shot(cam, view, fps, body, art)}


def make(kind: str, seed: int, **kw) -> tuple[Trace, dict]:
    """One scenario of ``kind`` (see :data:`KINDS`)."""
    if kind == "squat":
        return squat(seed, lift=False, **kw)
    if kind == "squat_lift":
        return squat(seed, lift=True, **kw)
    return {"walk": walk, "heel_raise": heel_raise, "leg_raise": leg_raise,
            "leg_raise_standing": leg_raise_standing, "other": other}[kind](seed, **kw)
