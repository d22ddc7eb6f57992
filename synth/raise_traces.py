"""Synthetic heel-raise and leg-raise traces with exact truth (see :mod:`synth.traces`
for the shared options, units and the scene; both generators are importable from there).
"""

from __future__ import annotations

import numpy as np

from synth.body import SIDES, Segments
from synth.traces import (
    _per_rep,
    _plant,
    _split_options,
    _sway,
    make_scene,
    phase_schedule,
    render,
)

__all__ = ["heel_raise_trace", "leg_raise_trace"]


def heel_raise_trace(reps: int = 3, rise_frac_foot=None, hold_s=None, *, fps: float = 30.0,
                     seed: int = 0, sag: dict | None = None, rest_s=None,
                     spikes: dict | None = None, **options):
    """Heel raises (calf raises): both heels rise by ``rise_frac_foot`` (fraction of the
    foot length, per rep or scalar; random 0.2-0.4) and hold ``hold_s`` seconds (random
    0.3-2.0), easing up and down over 0.4-0.8 s each.

    ``rest_s`` (per gap or scalar): seconds with the heels on the floor between raises
    (random 0.6-1.2 s when None); 0 is a quick re-raise, the heels touching the floor and
    going straight back up. ``sag`` makes the heels sink during one hold and rise again:
    ``{"rep": k, "share": 0.35, "at_s": 0.4, "dur_s": 0.6}`` -- down to ``share`` of the
    peak, ``at_s`` into the hold, under half the peak for about ``dur_s`` (0.25 s ramps).
    ``spikes`` adds tracker glitches in the middle of every hold (the body does not move):
    ``{"frames": 2, "depth": 1.0}`` -- both heel landmarks jump down by ``depth`` times
    the rep's rise (1.0: to the floor) for ``frames`` frames, visibility unchanged.

    truth: ``reps``, ``rep_frames``, ``peak_rise_frac_foot``, ``hold_s`` (time with the heel
    at >= 80 % of the rep's peak, so it includes the ends of the ease), ``sags`` ((start_s,
    end_s) below half the peak, when it went that low), ``spikes`` ((start_s, end_s) of each
    glitch), ``heel_rise_frac_foot`` (per frame, true heel, glitches excluded), scene.
    """
    rng = np.random.default_rng(seed)
    scene_opts, render_opts = _split_options(options)
    body, cam, scene = make_scene(rng, **scene_opts)
    holds = _per_rep(hold_s, reps, rng, (0.3, 2.0))
    rises = _per_rep(rise_frac_foot, reps, rng, (0.2, 0.4))
    sched_rng = np.random.default_rng(seed + 1)
    phase, rep_frames, rep_id = _holds_schedule(reps, holds, sched_rng, fps, rest_s=rest_s)
    rise = np.where(rep_id >= 0, rises[np.maximum(rep_id, 0)] * phase, 0.0)
    sunk = None if sag is None else _sag(rise, phase, rep_id, fps, **sag)
    sags = [] if sunk is None else [sunk]
    n = len(phase)
    seg = Segments.standing(n)
    seg.trunk_deg[:] = _sway(n, rng, fps, 1.0)
    for s in SIDES:
        seg.foot_deg[s][:] = np.degrees(np.arcsin(np.clip(rise, 0, 0.9)))
        seg.thigh_deg[s][:] = np.abs(_sway(n, rng, fps, 1.5))
        seg.shank_deg[s][:] = 0.0
        seg.arm_deg[s][:] = 5.0
        seg.forearm_deg[s][:] = 10.0
    pts = _plant(body, seg)
    glitches = [] if spikes is None else _spike(pts, rise, phase, rep_id, body.foot_m, **spikes)
    trace = render(pts, cam, rng, fps=fps, foot_m=body.foot_m, source="synthetic-heel-raise", **render_opts)
    truth = dict(scene, fps=fps, rep_frames=rep_frames,
                 reps=[(a / fps, b / fps) for a, b in rep_frames],
                 peak_rise_frac_foot=rises.tolist(), hold_s=_top_hold_s(rise, rep_frames, fps),
                 sags=sags, spikes=[(a / fps, b / fps) for a, b in glitches],
                 heel_rise_frac_foot=rise)
    return trace, truth


def _spike(pts, rise, phase, rep_id, foot_m, *, frames=2, depth=1.0):
    """Drop both heel landmarks (in place, world metres) by ``depth`` x the heel's rise for
    ``frames`` frames in the middle of every hold; returns the (first, last) frames."""
    out = []
    for k in range(int(rep_id.max()) + 1 if rep_id.size else 0):
        hold = np.flatnonzero((rep_id == k) & (phase >= 1.0))
        if hold.size < frames + 2:
            raise ValueError("the hold is too short for a spike: lengthen hold_s")
        a = int(hold[len(hold) // 2])
        for idx in (29, 30):        # BlazePose heels
            pts[a:a + frames, idx, 1] -= depth * rise[a:a + frames] * foot_m
        out.append((a, a + frames - 1))
    return out


def _sag(rise, phase, rep_id, fps, *, rep=0, share=0.35, at_s=0.4, dur_s=0.6, ramp_s=0.25):
    """Sink the heels (in place) during rep ``rep``'s hold; returns (start_s, end_s) of the
    frames under half the peak (None when it stays above half)."""
    hold = np.flatnonzero((rep_id == rep) & (phase >= 1.0))
    nr, nd = max(int(round(ramp_s * fps)), 1), max(int(round(dur_s * fps)), 1)
    a = int(hold[0]) + int(round(at_s * fps)) if hold.size else 0
    if not hold.size or a + 2 * nr + nd > hold[-1]:
        raise ValueError("the hold is too short for this sag: lengthen hold_s")
    ramp = (1 - np.cos(np.pi * np.arange(nr) / nr)) / 2
    w = np.concatenate([ramp, np.ones(nd), ramp[::-1]])
    peak = rise[a]
    rise[a:a + len(w)] *= 1 - (1 - share) * w
    low = np.flatnonzero(rise[a:a + len(w)] < 0.5 * peak)
    if not low.size:
        return None
    return (float((a + low[0]) / fps), float((a + low[-1]) / fps))


def _holds_schedule(reps, holds, rng, fps, *, rest_s=None):
    """Phase (0 rest .. 1 top), rep frames and rep id per frame for ``reps`` raises with
    the given hold times; ``rest_s`` as in :func:`heel_raise_trace`."""
    rests = None if rest_s is None else np.broadcast_to(np.asarray(rest_s, float), (reps,))
    phase, rep_frames, rep_id = [np.zeros(int(rng.uniform(0.8, 1.5) * fps))], [], []
    rep_id.append(np.full(len(phase[0]), -1))
    pos = len(phase[0])
    for k in range(reps):
        tail = (0.6, 1.2) if rests is None or k == reps - 1 else float(rests[k])
        p, r, _ = phase_schedule(1, rng, fps, go_s=(0.4, 0.8), hold_s=float(holds[k]),
                                 back_s=(0.4, 0.8), lead_s=0.0, tail_s=tail)
        phase.append(p)
        rep_id.append(np.where(np.arange(len(p)) <= r[0][1], k, -1))
        rep_frames.append((pos + r[0][0], pos + r[0][1]))
        pos += len(p)
    return np.concatenate(phase), rep_frames, np.concatenate(rep_id)


def _top_hold_s(rise: np.ndarray, rep_frames, fps: float, frac: float = 0.8) -> list[float]:
    return [float((rise[a:b + 1] >= frac * rise[a:b + 1].max()).sum() / fps) for a, b in rep_frames]


def leg_raise_trace(reps: int = 3, peak_hip_flexion_deg=None, knee_bend_deg=None, *,
                    legs: str = "both", fps: float = 30.0, seed: int = 0, **options):
    """Lying on the back, raising the leg(s) towards the ceiling.

    Parameters
    ----------
    peak_hip_flexion_deg : float or sequence
        Peak angle between the trunk line (shoulder -> hip) and the thigh, per rep
        (0 = leg on the floor in line with the trunk, 90 = vertical); random 45-100.
    knee_bend_deg : float or sequence
        Knee flexion at the peak (0 = straight); random 0-10.
    legs : "both" | "left" | "right" | "alternate"

    truth: ``reps``, ``rep_frames``, ``peak_hip_flexion_deg``, ``min_knee_angle_deg``,
    ``rep_side`` (per rep), ``hip_flexion_deg`` (per frame, nominal, without the small
    sway that the landmarks also carry), scene.
    """
    if legs not in ("both", "left", "right", "alternate"):
        raise ValueError(f"legs must be both, left, right or alternate, got {legs!r}")
    rng = np.random.default_rng(seed)
    scene_opts, render_opts = _split_options(options)
    scene_opts.setdefault("view", "side")
    body, cam, scene = make_scene(rng, supine=True, **scene_opts)
    peaks = _per_rep(peak_hip_flexion_deg, reps, rng, (45.0, 100.0))
    bends = _per_rep(knee_bend_deg, reps, rng, (0.0, 10.0))
    phase, rep_frames, rep_id = phase_schedule(reps, rng, fps, go_s=(1.0, 2.0), hold_s=(0.0, 1.0),
                                               back_s=(1.0, 2.0))
    n = len(phase)
    r = np.maximum(rep_id, 0)
    hip = np.where(rep_id >= 0, phase * peaks[r], 0.0)
    knee = np.where(rep_id >= 0, phase * bends[r], 0.0) + np.abs(_sway(n, rng, fps, 1.0))
    rep_side = [("left" if k % 2 == 0 else "right") if legs == "alternate" else legs for k in range(reps)]
    seg = Segments.standing(n)
    seg.body_pitch_deg[:] = 90.0
    seg.trunk_deg[:] = _sway(n, rng, fps, 0.5)
    flex = {}
    for s in SIDES:
        active = np.array([rs in (s, "both") for rs in rep_side])[r] & (rep_id >= 0)
        th = np.where(active, hip, 0.0) + np.abs(_sway(n, rng, fps, 0.7))
        flex[s] = th + seg.trunk_deg
        sh = th - np.where(active, knee, np.abs(_sway(n, rng, fps, 1.0)))
        seg.thigh_deg[s][:], seg.shank_deg[s][:] = th, sh
        seg.foot_deg[s][:] = -sh + 15.0
        seg.arm_deg[s][:] = 10.0
        seg.forearm_deg[s][:] = 10.0
    pts = body.landmarks(seg, pelvis_m=np.tile([0.0, 0.06 * body.height_m, 0.0], (n, 1)))
    trace = render(pts, cam, rng, fps=fps, foot_m=body.foot_m, source="synthetic-leg-raise",
                   **{"far_foot_wander": 0.0, **render_opts})
    truth = dict(scene, fps=fps, rep_frames=rep_frames, rep_side=rep_side,
                 reps=[(a / fps, b / fps) for a, b in rep_frames],
                 peak_hip_flexion_deg=[max(float(flex[s][a:b + 1].max()) for s in SIDES
                                           if rs in (s, "both"))
                                       for (a, b), rs in zip(rep_frames, rep_side, strict=False)],
                 min_knee_angle_deg=[180.0 - float(knee[a:b + 1].max()) for a, b in rep_frames],
                 hip_flexion_deg=hip)
    return trace, truth
