"""Massage timing on synthetic Pose + Hands traces (synth.massage_traces)."""

from __future__ import annotations

import numpy as np
import pytest

from coach.massage_minutes import target_minutes_for_age
from synth.massage_traces import MassageSpec, massage_trace, random_massage_spec
from vision.exercises import analyse as analyse_any
from vision.exercises.massage import analyse, count_strokes

PLAN = (("idle", 3.0), ("stroke", 20.0), ("pause", 4.0), ("stroke", 15.0), ("idle", 3.0))


def _n_stroke_segments(truth) -> int:
    return sum(s["kind"] == "stroke" for s in truth["segments"])


def test_counts_strokes_and_times_active_stroking():
    trace, truth = massage_trace(plan=PLAN, stroke_hz=1.0, seed=1)
    rep = analyse(trace)
    m = rep.metrics
    assert rep.exercise == "massage"
    assert abs(m["strokes"] - truth["strokes"]) <= _n_stroke_segments(truth)
    # stroking time excludes the idle ends and the pause (within a second per boundary)
    assert abs(m["active_s"] - truth["active_s"]) <= 2.0
    assert abs(m["session_s"] - truth["session_s"]) <= 2.0
    assert m["active_s"] < m["session_s"]
    assert abs(m["strokes_per_min"] - truth["strokes_per_min"]) <= 0.1 * truth["strokes_per_min"]
    assert [round(r.start_s) for r in rep.reps] == [3, 27]


@pytest.mark.parametrize("hz", [0.5, 1.5])
def test_slow_and_fast_strokes(hz):
    trace, truth = massage_trace(plan=(("idle", 2.0), ("stroke", 20.0), ("idle", 2.0)),
                                 stroke_hz=hz, seed=2)
    m = analyse(trace).metrics
    assert abs(m["strokes"] - truth["strokes"]) <= 1
    assert abs(m["active_s"] - truth["active_s"]) <= 1.5


def test_random_sessions():
    rng = np.random.default_rng(11)
    errors = []
    for _ in range(10):
        trace, truth = massage_trace(random_massage_spec(rng))
        m = analyse(trace).metrics
        assert abs(m["strokes"] - truth["strokes"]) <= _n_stroke_segments(truth)
        assert abs(m["active_s"] - truth["active_s"]) <= 0.06 * truth["active_s"] + 1.5
        errors.append(abs(m["strokes"] - truth["strokes"]))
    assert np.mean(errors) <= 1.0


def test_hand_still_on_the_foot_or_away_is_not_stroking():
    for kind in ("idle", "pause"):
        trace, _ = massage_trace(plan=((kind, 10.0),), seed=3)
        rep = analyse(trace)
        assert rep.verdict == "insufficient_data"
        assert rep.metrics["active_s"] == 0.0 and rep.metrics["strokes"] == 0


def test_no_hands_is_insufficient_data():
    trace, _ = massage_trace(plan=(("stroke", 10.0),), hand_drop_frac=1.0, seed=4)
    rep = analyse(trace)
    assert rep.verdict == "insufficient_data" and "hands" in rep.reason


def test_foot_not_visible_still_times_moving_hands_with_a_warning():
    trace, truth = massage_trace(plan=(("stroke", 15.0), ("idle", 3.0)), pose_visible=False,
                                 idle_hands_visible=False, seed=5)
    rep = analyse(trace)
    assert any("foot is not visible" in w for w in rep.warnings)
    assert abs(rep.metrics["strokes"] - truth["strokes"]) <= 1


def test_target_from_age_band_and_override():
    trace, truth = massage_trace(plan=(("stroke", 20.0),), seed=6)
    band_min = target_minutes_for_age(6)
    rep = analyse(trace, target_minutes=target_minutes_for_age(6))
    assert rep.metrics["target_min"] == (None if band_min is None else round(band_min, 2))
    if band_min is not None:
        assert 2 <= band_min <= 7          # the seed text: 2-7 minutes depending on age
        assert rep.metrics["met_target"] is False and rep.verdict == "needs_attention"
    rep = analyse(trace, target_minutes=0.25)
    assert rep.metrics["target_min"] == 0.25 and rep.metrics["met_target"] is True
    assert rep.verdict == "good"
    assert analyse(trace).metrics["met_target"] is None


def test_json_shape_and_dispatcher():
    trace, _ = massage_trace(plan=(("stroke", 8.0),), seed=7)
    d = analyse_any(trace, "massage", target_minutes=target_minutes_for_age(3)).to_json()
    assert d["exercise"] == "massage"
    assert {"session_s", "active_s", "strokes", "strokes_per_min", "target_min",
            "met_target"} <= set(d["metrics"])


def test_one_minute_session_analysis_is_repeatable():
    """Analysing the same trace twice gives the same report (no state kept between calls;
    speed: bench/bench_exercises.py)."""
    trace, _ = massage_trace(MassageSpec(plan=(("idle", 5.0), ("stroke", 50.0), ("idle", 5.0)),
                                         fps=30.0, seed=8))
    assert analyse(trace).to_json() == analyse(trace).to_json()


def test_a_hand_leaving_the_foot_does_not_add_a_stroke():
    fps, n = 30.0, 300                       # 10 strokes at 1 Hz, along x
    t = np.arange(n) / fps
    p = np.stack([0.3 * np.sin(2 * np.pi * t), np.zeros(n)], 1)
    active = np.ones(n, bool)
    on_foot = active.copy()
    for a in (40, 95, 160, 230):             # off the foot 0.3 s, at different phases
        on_foot[a:a + 9] = False
        p[a:a + 9, 1] = 1.0                  # lifted aside
    axis = np.array([1.0, 0.0])
    assert count_strokes(p, active, fps, 1.0, axis=axis) == 10
    assert count_strokes(p, active, fps, 1.0, axis=axis, on_foot=on_foot) == 10
    # two active periods are counted apart (split at a whole stroke here)
    active[147:153] = False
    assert count_strokes(p, active, fps, 1.0, axis=axis, on_foot=on_foot) == 10


@pytest.mark.parametrize("hz", [0.7, 1.0, 1.3])
def test_lifting_the_hand_mid_stroke_keeps_one_period_and_the_count(hz):
    plan = (("idle", 2.0), ("stroke", 6.3), ("lift", 0.5), ("stroke", 5.2), ("lift", 0.4),
            ("stroke", 7.4), ("lift", 0.5), ("stroke", 4.0), ("idle", 2.0))
    for seed in range(3):
        trace, truth = massage_trace(plan=plan, stroke_hz=hz, seed=seed)
        rep = analyse(trace)
        assert len(rep.reps) == 1                     # one active period
        # (counting each on-foot stretch alone gave one stroke too many in 7 of these 9)
        assert rep.metrics["strokes"] == truth["strokes"]
