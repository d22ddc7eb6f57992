"""Synthetic traces that reproduce how movement checks fail on real video (issue 13).

Each generator returns ``(Trace, truth)`` with exact truth about the *body*; the landmarks
carry the error a real tracker makes. ``truth["failure"]`` names the failure mode and
``truth["expected"]`` says what a right analysis reports (a fault that must not appear,
the true rep count, frames where a measure is impossible). Heel heights are fractions of
the foot length, angles degrees, frames 0-based rows of the trace.

Failure modes
-------------
- :func:`occluded_far_foot_squat`: heels-down squat, side view; the far foot is hidden
  behind the near leg and its heel landmark wanders *upwards* during the reps while its
  visibility stays high (0.75-0.95, as MediaPipe reports it): a heel lift that is not there.
- :func:`knee_travel_squat`: heels-down squat; as the knees travel forward the heel
  landmarks are pulled up towards the ankle, in proportion to the knee bend.
- :func:`walk_out_squat`: the person walks into the picture, squats, and walks out (a
  barbell walk-out and re-rack); only the squats are reps.
- :func:`turning_walk`: an ordinary heel-strike walk out and back with a turn; turn
  shuffles are not steps and nothing is tiptoe.
- :func:`oblique_walk`: a walk filmed obliquely (the walkway turned towards the camera):
  the floor line slopes in the picture and a flat foot's heel reads above its toe.
- :func:`front_walk`: a walk towards the camera: steps countable, tiptoe not judgeable.
- :func:`supine_trunk_out_of_frame`: lying leg raises; during one rep the camera closes
  in, the shoulders leave the picture and the tracker guesses them where they make a
  140-degree hip angle (visibility 0.5-0.65); the hip angle cannot be measured there.
- :func:`standing_leg_raise`: a standing leg raise (one straight leg swings forward at the
  hip); analysed as a squat it must give no reps, no depth and no heel lift.

Built on :mod:`synth.traces` (scene, phase schedule, rendering) and :mod:`synth.body`.
"""

from __future__ import annotations

import numpy as np

from synth.body import SIDES, Segments
from synth.gait_traces import walk_trace
from synth.raise_traces import leg_raise_trace
from synth.traces import _split_options, make_scene, phase_schedule, render, squat_trace
from vision.pose.trace import SIDE_IDX, Trace

__all__ = ["occluded_far_foot_squat", "knee_travel_squat", "walk_out_squat", "turning_walk",
           "oblique_walk", "front_walk",
           "supine_trunk_out_of_frame", "standing_leg_raise", "ALL"]

FAR_VIS = (0.75, 0.95)         # visibility MediaPipe gives a hidden far foot (over-confident)
GUESS_VIS = (0.5, 0.65)        # visibility of trunk landmarks guessed outside the picture
GUESSED_HIP_DEG = 140.0        # hip flexion the guessed trunk makes (issue 13's clip)
OBLIQUE_JUDGED_DEG = 60.0      # oblique walks up to this yaw must still be judged for tiptoe
                               # (session 7: a foot 30 degrees from facing the camera still
                               # shows half its length side-on; steeper is counted only)
WALK_CADENCE_HZ = 0.9          # walk-in / walk-out gait cycles a second
WALK_SPEED_HEIGHTS = 0.7       # walking speed, body heights a second
WALK_THIGH_DEG = 22.0          # thigh swing amplitude while walking
WALK_KNEE_DEG = 35.0           # swing-knee bend while walking


def _foot_px(trace: Trace, side: str) -> float:
    """Median heel -> foot index distance of ``side`` in pixels."""
    i = SIDE_IDX[side]
    d = (trace.pose[:, i["toe"], :2] - trace.pose[:, i["heel"], :2]) * (trace.width, trace.height)
    return float(np.nanmedian(np.hypot(d[:, 0], d[:, 1])))


def _rep_weight(n: int, rep_frames) -> np.ndarray:
    """(n,) 0..1 smooth bump over each rep (sin^2), 0 between reps."""
    w = np.zeros(n)
    for a, b in rep_frames:
        k = np.arange(a, b + 1)
        w[k] = np.sin(np.pi * (k - a) / max(b - a, 1)) ** 2
    return w


def _shift_px(trace: Trace, idx: int, dxy_px: np.ndarray) -> None:
    """Move landmark ``idx`` by (n, 2) pixels, in place."""
    trace.pose[:, idx, 0] += dxy_px[:, 0] / trace.width
    trace.pose[:, idx, 1] += dxy_px[:, 1] / trace.height


def occluded_far_foot_squat(reps: int = 3, *, false_rise_frac: float = 0.25, seed: int = 0,
                            **options) -> tuple[Trace, dict]:
    """Heels-down side-view squat whose far heel landmark rises ``false_rise_frac`` foot
    lengths during each rep (a hidden foot guessed by the tracker)."""
    trace, truth = squat_trace(reps, seed=seed, view="side", far_foot_wander=0.0, **options)
    rng = np.random.default_rng(seed + 101)
    far = "right" if truth["near_side"] == "left" else "left"
    L = _foot_px(trace, far)
    n = len(trace)
    w = _rep_weight(n, truth["rep_frames"])
    wander = np.cumsum(rng.normal(0, 0.01, (n, 2)), axis=0) * L
    up = np.stack([0.3 * w * L * false_rise_frac, -w * L * false_rise_frac], 1)
    for part, k in (("heel", 1.0), ("ankle", 0.5), ("toe", 0.0)):
        _shift_px(trace, SIDE_IDX[far][part], k * up + wander)
    for part in ("heel", "ankle", "toe", "knee"):
        trace.pose[:, SIDE_IDX[far][part], 3] = rng.uniform(*FAR_VIS, n)
    truth.update(failure="occluded_far_foot", far_side=far, landmark_false_rise_frac=false_rise_frac,
                 expected={"absent_faults": ["heel_lift"], "reps": reps})
    return trace, truth


def knee_travel_squat(reps: int = 3, *, pull_frac: float = 0.2, seed: int = 0,
                      **options) -> tuple[Trace, dict]:
    """Heels-down squat; each heel landmark is pulled towards its ankle by ``pull_frac``
    foot lengths at full knee bend (proportional to the knee flexion)."""
    trace, truth = squat_trace(reps, seed=seed, **options)
    n = len(trace)
    flex = np.zeros(n)
    for a, b in truth["rep_frames"]:
        flex[a:b + 1] = np.maximum(flex[a:b + 1], _rep_weight(n, [(a, b)])[a:b + 1] ** 0.5)
    for side in SIDES:
        i = SIDE_IDX[side]
        L = _foot_px(trace, side)
        d = (trace.pose[:, i["ankle"], :2] - trace.pose[:, i["heel"], :2]) * (trace.width, trace.height)
        d /= np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-9)[:, None]
        _shift_px(trace, i["heel"], d * (pull_frac * L * flex)[:, None])
    truth.update(failure="knee_travel", pull_frac=pull_frac,
                 expected={"absent_faults": ["heel_lift"], "reps": reps})
    return trace, truth


def _walk_segments(n: int, fps: float, rng, sign: float) -> dict:
    """Thigh/shank angles and pelvis x for ``n`` frames of walking (``sign`` = direction)."""
    t = np.arange(n) / fps
    ph = 2 * np.pi * WALK_CADENCE_HZ * t + rng.uniform(0, 2 * np.pi)
    out = {}
    for s, off in (("left", 0.0), ("right", np.pi)):
        th = WALK_THIGH_DEG * np.sin(ph + off)
        bend = WALK_KNEE_DEG * np.clip(np.sin(ph + off + np.pi / 2), 0, None) ** 2
        out[s] = (th, th - bend)
    return out


def walk_out_squat(reps: int = 3, *, walk_in_s: float = 2.5, walk_out_s: float = 2.0,
                   fps: float = 30.0, seed: int = 0, **options) -> tuple[Trace, dict]:
    """Walk in from the side, ``reps`` squats, walk out (side view)."""
    rng = np.random.default_rng(seed)
    scene_opts, render_opts = _split_options(options)
    body, cam, scene = make_scene(rng, **{"view": "side", **scene_opts})
    phase, rep_frames, rep_id = phase_schedule(reps, rng, fps, hold_s=(0.0, 0.4))
    n_in, n_out = int(walk_in_s * fps), int(walk_out_s * fps)
    n = n_in + len(phase) + n_out
    depth = rng.uniform(70.0, 110.0, reps)
    flex = np.zeros(n)
    flex[n_in:n_in + len(phase)] = np.where(rep_id >= 0, phase * depth[np.maximum(rep_id, 0)], 0.0)
    seg = Segments.standing(n)
    share = rng.uniform(0.35, 0.5)
    seg.trunk_deg[:] = 0.5 * (1 - share) * flex
    walk_in = _walk_segments(n_in, fps, rng, 1.0)
    walk_out = _walk_segments(n_out, fps, rng, 1.0)
    for s in SIDES:
        seg.thigh_deg[s][:] = (1 - share) * flex
        seg.shank_deg[s][:] = -share * flex
        seg.thigh_deg[s][:n_in], seg.shank_deg[s][:n_in] = walk_in[s]
        seg.thigh_deg[s][n - n_out:], seg.shank_deg[s][n - n_out:] = walk_out[s]
        seg.arm_deg[s][:] = 80.0
        seg.forearm_deg[s][:] = 80.0
    speed = WALK_SPEED_HEIGHTS * body.height_m / fps
    x = np.zeros(n)
    x[:n_in] = -speed * np.arange(n_in, 0, -1)
    x[n - n_out:] = speed * np.arange(1, n_out + 1)
    pelvis = np.stack([x, np.zeros(n), np.zeros(n)], 1)
    pts = body.on_ground(body.landmarks(seg, pelvis_m=pelvis))
    trace = render(pts, cam, rng, fps=fps, foot_m=body.foot_m, source="synthetic-walk-out-squat",
                   **render_opts)
    reps_f = [(a + n_in, b + n_in) for a, b in rep_frames]
    truth = dict(scene, fps=fps, failure="walk_out", rep_frames=reps_f,
                 reps=[(a / fps, b / fps) for a, b in reps_f],
                 min_knee_angle_deg=[180.0 - d for d in depth.tolist()],
                 exercise_frames=(n_in, n - n_out - 1), walk_frames=[(0, n_in - 1), (n - n_out, n - 1)],
                 heel_lift=[False] * reps,
                 expected={"absent_faults": ["heel_lift"], "reps": reps})
    return trace, truth


def turning_walk(*, seed: int = 0, **options) -> tuple[Trace, dict]:
    """Heel-strike walk out and back with a turn (side view); options go to WalkSpec."""
    trace, truth = walk_trace(**{"pattern": "heel", "out_and_back": True, "turn_s": 2.0,
                                 "seed": seed, **options})
    truth = dict(truth, failure="turning",
                 expected={"absent_faults": ["tiptoe"], "steps": truth["n_steps"]})
    return trace, truth


def oblique_walk(yaw_deg: float = 35.0, *, pattern: str = "heel", seed: int = 0,
                 **options) -> tuple[Trace, dict]:
    """A walk filmed obliquely: the walkway turned ``yaw_deg`` towards the camera, so the
    floor line slopes in the picture and a flat foot's heel sits above its toe in the image
    (the false tiptoe of a perspective view). Up to ``OBLIQUE_JUDGED_DEG`` the heels can
    be judged (heel-first: no tiptoe; tiptoe: found); steeper, the steps are counted and
    tiptoe is left to a side view."""
    trace, truth = walk_trace(**{"pattern": pattern, "yaw_deg": yaw_deg, "seed": seed, **options})
    judged = yaw_deg <= OBLIQUE_JUDGED_DEG
    exp = {"steps": truth["n_steps"], "tiptoe_judged": judged}
    exp["absent_faults" if pattern == "heel" or not judged else "faults"] = ["tiptoe"]
    return trace, dict(truth, failure="oblique_view", expected=exp)


def front_walk(*, pattern: str = "heel", seed: int = 0, **options) -> tuple[Trace, dict]:
    """A walk towards (or away from) the camera: steps can be counted, tiptoe cannot be
    judged (the answer is "steps counted; film from the side", never a tiptoe fault)."""
    trace, truth = walk_trace(**{"pattern": pattern, "view": "front", "seed": seed, **options})
    return trace, dict(truth, failure="front_view",
                       expected={"steps": truth["n_steps"], "tiptoe_judged": False,
                                 "absent_faults": ["tiptoe"]})


def supine_trunk_out_of_frame(reps: int = 3, *, close_up_rep: int = 1, seed: int = 0,
                              **options) -> tuple[Trace, dict]:
    """Lying leg raises; during rep ``close_up_rep`` the shoulders leave the picture and
    are guessed where they make a GUESSED_HIP_DEG hip angle."""
    trace, truth = leg_raise_trace(reps, seed=seed, **options)
    rng = np.random.default_rng(seed + 202)
    a, b = truth["rep_frames"][close_up_rep]
    lo, hi = a + (b - a) // 4, b - (b - a) // 4
    asp = trace.aspect
    for side in SIDES:
        i = SIDE_IDX[side]
        hip = trace.pose[lo:hi + 1, i["hip"], :2] * (asp, 1.0)
        knee = trace.pose[lo:hi + 1, i["knee"], :2] * (asp, 1.0)
        sh = trace.pose[lo:hi + 1, i["shoulder"], :2] * (asp, 1.0)
        v = knee - hip
        v /= np.maximum(np.hypot(v[:, 0], v[:, 1]), 1e-9)[:, None]
        trunk = np.hypot(*(sh - hip).T)[:, None]
        ang = np.radians(180.0 - GUESSED_HIP_DEG)
        for sign in (1.0, -1.0):                       # the side nearer the true shoulder
            c, s = np.cos(sign * ang), np.sin(sign * ang)
            rot = np.stack([c * v[:, 0] - s * v[:, 1], s * v[:, 0] + c * v[:, 1]], 1)
            guess = hip + rot * trunk
            if sign > 0:
                best = guess
            elif np.nanmean(np.hypot(*(guess - sh).T)) < np.nanmean(np.hypot(*(best - sh).T)):
                best = guess
        trace.pose[lo:hi + 1, i["shoulder"], :2] = best / (asp, 1.0)
        trace.pose[lo:hi + 1, i["shoulder"], 3] = rng.uniform(*GUESS_VIS, hi - lo + 1)
    measurable = np.ones(len(trace), bool)
    measurable[lo:hi + 1] = False
    truth.update(failure="trunk_out_of_frame", trunk_out_frames=(int(lo), int(hi)),
                 hip_angle_measurable=measurable,
                 expected={"reps": reps, "peak_hip_flexion_deg": truth["peak_hip_flexion_deg"],
                           "max_hip_flexion_deg": max(truth["peak_hip_flexion_deg"]) + 3.0})
    return trace, truth


def standing_leg_raise(reps: int = 4, *, peak_deg: float | None = None,
                       knee_bend_deg: float | None = None, side: str = "left",
                       fps: float = 30.0, seed: int = 0, **options) -> tuple[Trace, dict]:
    """Standing leg raises on ``side`` (thigh forward by ``peak_deg``, random 45-85; knee
    bent ``knee_bend_deg`` at the top, random 40-90: a knee lift; 0 = straight leg). The
    standing leg stays straight, so it is not a squat: no reps, no heel lift (the raised
    foot leaves the floor, which is not a heel lift either)."""
    if side not in SIDES:
        raise ValueError(f"side must be left or right, got {side!r}")
    rng = np.random.default_rng(seed)
    scene_opts, render_opts = _split_options(options)
    body, cam, scene = make_scene(rng, **{"view": "side", **scene_opts})
    phase, rep_frames, rep_id = phase_schedule(reps, rng, fps, hold_s=(0.0, 0.5))
    n = len(phase)
    peaks = np.full(reps, float(peak_deg)) if peak_deg is not None else rng.uniform(45.0, 85.0, reps)
    bends = (np.full(reps, float(knee_bend_deg)) if knee_bend_deg is not None
             else rng.uniform(40.0, 90.0, reps))
    r = np.maximum(rep_id, 0)
    lift = np.where(rep_id >= 0, phase * peaks[r], 0.0)
    seg = Segments.standing(n)
    seg.thigh_deg[side][:] = lift
    seg.shank_deg[side][:] = lift - np.where(rep_id >= 0, phase * bends[r], 0.0)
    for s in SIDES:
        seg.arm_deg[s][:] = 10.0
        seg.forearm_deg[s][:] = 10.0
    stand = "right" if side == "left" else "left"
    pts = body.on_ground(body.landmarks(seg, pelvis_m=np.zeros((n, 3))), feet=(stand,))
    trace = render(pts, cam, rng, fps=fps, foot_m=body.foot_m, source="synthetic-standing-leg-raise",
                   **render_opts)
    truth = dict(scene, fps=fps, failure="leg_raise_as_squat", rep_frames=rep_frames,
                 reps=[(a / fps, b / fps) for a, b in rep_frames], raised_side=side,
                 peak_hip_flexion_deg=peaks.tolist(), knee_bend_deg=bends.tolist(),
                 standing_knee_angle_deg=180.0,
                 expected={"as_squat": {"reps": 0, "absent_faults": ["heel_lift", "shallow"]},
                           "leg_raise_reps": reps})
    return trace, truth


ALL = {"occluded_far_foot": occluded_far_foot_squat, "knee_travel": knee_travel_squat,
       "walk_out": walk_out_squat, "turning": turning_walk, "oblique_view": oblique_walk,
       "front_view": front_walk,
       "trunk_out_of_frame": supine_trunk_out_of_frame, "leg_raise_as_squat": standing_leg_raise}
