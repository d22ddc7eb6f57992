"""coach.plan: per-age routines (table from the seed facts), timings, blocking, adaptations."""

from __future__ import annotations

import pytest

from coach.assessments import Assessments
from coach.knowledge import load_knowledge
from coach.plan import build_plan
from coach.screening import QUESTIONS, screen

OK = screen({q.id: False for q in QUESTIONS})
KINDS = {tid: t.kind for tid, t in load_knowledge().techniques.items()}

# Expected routine per age, derived from the seed facts:
# age -> (band, total minutes, {technique: (reps low, high, per) or None for "present"}).
_B1 = ("infant_1_5m", 2, {"figure_eight": (8, 10, "foot"), "reflex_toe_flex": (8, 10, "foot"),
                          "reflex_foot_extend": (8, 10, "foot"),
                          "reflex_stepping": (8, 10, "session")})
_B3 = ("infant_3m", 3, {"figure_eight": (8, 10, "foot"), "tapping": None,
                        "kneading_gentle": None, "reflex_stepping": (8, 10, "session"),
                        "leg_lift": (6, 8, "session")})
_B4 = ("infant_4m", 4, {"rubbing": None, "tapping": None, "leg_lift": (6, 8, "session"),
                        "reflex_toe_flex": (8, 10, "foot")})
_B6 = ("infant_6m", 5, {"rubbing": None, "tapping": None, "leg_lift": (6, 8, "session")})
_B8 = ("infant_8m", 6, {"toe_work": None, "top_of_foot": None, "achilles_pincer": None,
                        "sole_comb": None, "ankle_work": None})
_B10 = ("infant_10m", 7, {"bicycle": None, "foot_massage_toddler": None,
                          "leg_lift": (6, 8, "session"), "supported_squat": None,
                          "one_hand_squat": None, "walk_hand_in_hand": None})
_T = ("toddler", 40, {"bicycle": (5, 5, "session"), "leg_lift": (5, 5, "session"),
                      "supported_squat": (5, 5, "session"), "one_hand_squat": (5, 5, "session"),
                      "walk_hand_in_hand": None, "back_massage": (3, 3, "movement"),
                      "tummy_massage": (3, 3, "movement"), "leg_massage": (3, 3, "movement"),
                      "foot_massage_toddler": (3, 3, "movement")})
_C = ("child", 13, {"toe_raises": (15, 20, "session"), "heel_raises": (10, 20, "session"),
                    "stick_rolling": None, "caterpillar": (10, 20, "session"),
                    "toe_jumps": None, "foot_rub_toes_to_ankle": None,
                   "knead_toe_base_heel": None, "stroke_foot_all_sides": None,
                   "shin_stroke_knead": (10, 15, "movement"),
                   "shin_closing_stroke": (10, 10, "leg")})
EXPECTED = {0: ("newborn", 1, {"gentle_touch": None}), 1: ("newborn", 1, {"gentle_touch": None}),
            1.5: _B1, 2: _B1, 2.9: _B1, 3: _B3, 3.5: _B3, 4: _B4, 5: _B4, 6: _B6, 7: _B6,
            8: _B8, 9: _B8, 10: _B10, 11: _B10, 12: _T, 18: _T, 24: _T, 35: _T,
            36: _C, 48: _C, 60: _C, 72: _C, 84: _C, 96: _C}
# Seconds fixed by the seed for the three-plus foot massage (both feet together).
CHILD_SECONDS = {"foot_rub_toes_to_ankle": 60, "knead_toe_base_heel": 120,
                 "stroke_foot_all_sides": 60, "stick_rolling": 60}


def ids(plan) -> list[str]:
    return [s.id for s in plan.steps]


@pytest.mark.parametrize("age", sorted(EXPECTED))
def test_routine_per_age_matches_the_seed(age):
    band_id, minutes, techniques = EXPECTED[age]
    plan = build_plan(age, OK)
    assert plan.status == "ok" and plan.band.id == band_id
    assert plan.total_minutes == minutes
    steps = {s.id: s for s in plan.steps}
    for tech, reps in techniques.items():
        assert tech in steps, f"{tech} missing at {age} months"
        if reps is not None:
            got = steps[tech].reps
            assert (got.low, got.high, got.per) == reps, tech
    if band_id == "child":
        for tech, seconds in CHILD_SECONDS.items():
            assert steps[tech].seconds == seconds


@pytest.mark.parametrize("age", [x / 2 for x in range(0, 193)])
def test_every_plan_starts_and_ends_with_stroking_and_adds_up(age):
    plan = build_plan(age, OK)
    kinds = [KINDS[s.id] for s in plan.steps]
    assert kinds[0] == "stroking" and kinds[-1] == "stroking"
    assert sum(s.seconds for s in plan.steps) == plan.band.minutes * 60
    assert plan.total_minutes == pytest.approx(sum(s.minutes for s in plan.steps))
    assert len(set(ids(plan))) == len(plan.steps)
    for step in plan.steps:
        assert step.instructions and step.why and step.title


def test_daily_foot_routine_grows_from_2_to_7_minutes_in_the_first_year():
    minutes = [build_plan(a, OK).total_minutes for a in (1.5, 3, 4, 6, 8, 10, 11.9)]
    assert minutes[0] == 2 and minutes[-1] == 7
    assert minutes == sorted(minutes)


def test_under_six_weeks_no_programme_yet():
    plan = build_plan(1, OK)
    assert ids(plan) == ["gentle_touch"]
    assert "1.5 months" in plan.message


def test_four_to_seven_months_order_stroke_rub_tap_stroke():
    order = ids(build_plan(5, OK))
    assert order.index("stroke_open") < order.index("rubbing") < order.index("tapping")
    assert order[-1] == "stroke_close"


def test_eight_months_spends_most_time_on_the_sole():
    steps = {s.id: s.seconds for s in build_plan(8, OK).steps if KINDS[s.id] == "massage"}
    assert max(steps, key=steps.get) == "sole_comb"


def test_toddler_session_exercises_first_then_massage_in_order_within_caps():
    plan = build_plan(12, OK)
    order = ids(plan)
    kinds = [KINDS[i] for i in order]
    last_exercise = max(i for i, k in enumerate(kinds) if k in ("active", "passive"))
    first_massage = min(i for i, k in enumerate(kinds) if k == "massage")
    assert last_exercise < first_massage
    massage = ["back_massage", "tummy_massage", "arm_massage", "leg_massage",
               "foot_massage_toddler"]
    assert [order.index(m) for m in massage] == sorted(order.index(m) for m in massage)
    massage_minutes = sum(s.minutes for s in plan.steps if KINDS[s.id] == "massage")
    assert massage_minutes <= 30 and 40 <= plan.total_minutes <= 45
    bicycle = plan.steps[order.index("bicycle")]
    assert (bicycle.first_reps.low, bicycle.first_reps.high) == (2, 3)
    assert any("2-3" in line for line in bicycle.instructions)


def test_child_five_movements_in_order_after_a_warming_stroke():
    order = ids(build_plan(50, OK))
    moves = ["foot_rub_toes_to_ankle", "knead_toe_base_heel", "stroke_foot_all_sides",
             "shin_stroke_knead", "shin_closing_stroke"]
    assert [order.index(m) for m in moves] == sorted(order.index(m) for m in moves)
    assert order[0] == "stroke_open"   # rubbing only on a foot warmed by stroking


def test_age_out_of_range_raises():
    with pytest.raises(ValueError, match="between 0 and 96"):
        build_plan(97, OK)


# ------------------------------------------------------------------------- blocking

def test_not_screened_gives_no_steps():
    plan = build_plan(14, None)
    assert plan.status == "postponed" and plan.steps == () and plan.total_minutes == 0
    assert plan.reasons == ("not_screened",)


def test_incomplete_screening_gives_no_steps():
    plan = build_plan(14, screen({"fever": False}))
    assert plan.status == "postponed" and plan.steps == ()


@pytest.mark.parametrize("item", [q.id for q in QUESTIONS])
def test_every_contraindication_blocks(item):
    q = next(q for q in QUESTIONS if q.id == item)
    plan = build_plan(20, screen({**{x.id: False for x in QUESTIONS}, item: True}))
    assert plan.steps == () and plan.reasons == (item,)
    assert plan.status == ("refused" if q.kind == "absolute" else "postponed")
    assert q.name in plan.message and q.advice in plan.message


# ------------------------------------------------------------------------- adaptations

def foot(side, *, ai=0.24, sai=0.8, csi=40.0, quality=0.9):
    return {"side": side, "arch_index": ai, "staheli_index": sai,
            "chippaux_smirak_index": csi, "clarke_angle_deg": 40.0, "length_mm": None,
            "width_mm": None, "category": "flat" if ai >= 0.26 else "normal",
            "age_reading": None, "quality": {"score": quality, "issues": []}}


def print_json(*feet):
    return [{"image": "p.jpg", "ok": True, "scale_mm_per_px": None, "warnings": [],
             "feet": list(feet)}, {"image": "bad.jpg", "ok": False, "error": "no print"}]


def report(exercise, *codes, verdict="needs_attention"):
    return {"exercise": exercise, "frames": 90, "fps": 30.0, "view": "side",
            "verdict": verdict, "reps": [],
            "faults": [{"code": c, "side": "both", "start_s": 0.0, "end_s": 1.0,
                        "message": "x"} for c in codes], "metrics": {}, "warnings": []}


FLAT = print_json(foot("left", ai=0.30, sai=1.2, csi=70), foot("right", ai=0.29, sai=1.15, csi=68))
ARCH = ["toe_raises", "heel_raises", "stick_rolling", "caterpillar"]


def test_daily_gymnastics_from_three_years_without_any_reading():
    """The seed's preventive foot gymnastics are in every plan from 3 years, with the seed's
    repetitions and the bar and stick sizes in the instructions, exercises before massage."""
    for age in (36, 50, 95):
        plan = build_plan(age, OK)
        order = ids(plan)
        assert all(a in order for a in ARCH + ["toe_jumps"])
        assert order.index("caterpillar") < order.index("foot_rub_toes_to_ankle")
        steps = {s.id: s for s in plan.steps}
        assert "15-20 cm" in " ".join(steps["toe_raises"].instructions)
        assert "bar under the front" in " ".join(steps["heel_raises"].instructions)
        assert "5-8 cm" in " ".join(steps["stick_rolling"].instructions)
        assert "6-8" in " ".join(steps["caterpillar"].instructions)
        assert steps["stick_rolling"].seconds == 60
    assert not any(a in ids(build_plan(35, OK)) for a in ARCH)


def test_flat_after_three_explains_the_arch_exercises_with_reasons():
    plan = build_plan(48, OK, Assessments.from_footprint(FLAT))
    rules = {a.rule: a for a in plan.adaptations}
    assert "Banwell" in rules["flat_after_3"].reference
    assert "Pfeiffer" in rules["flat_after_3"].reference
    assert "caterpillar" in rules["flat_after_3"].text
    assert ids(plan) == ids(build_plan(48, OK))          # the steps are the daily ones
    assert plan.total_minutes == 13
    assert plan.steps[-1].id == "shin_closing_stroke"


def test_flat_at_two_years_adds_nothing_and_says_it_is_expected():
    plan = build_plan(24, OK, Assessments.from_footprint(FLAT))
    assert not any(a in ids(plan) for a in ARCH)
    assert plan.total_minutes == 40
    note = next(a for a in plan.adaptations if a.rule == "flat_expected_under_3")
    assert "fat" in note.text and "Pfeiffer" in note.reference


def test_print_taken_before_three_is_read_at_its_own_age():
    plan = build_plan(40, OK, Assessments.from_footprint(FLAT, age_months=30))
    rules = [a.rule for a in plan.adaptations]
    assert "flat_after_3" not in rules and "flat_expected_under_3" in rules


@pytest.mark.parametrize("sai, csi, flat", [(1.2, 50.0, False), (1.3, 50.0, True),
                                            (0.9, 60.0, True), (0.9, 58.0, False)])
def test_flat_cut_offs_six_to_nine_years(sai, csi, flat):
    data = print_json(foot("left", sai=sai, csi=csi), foot("right", sai=sai, csi=csi))
    plan = build_plan(80, OK, Assessments.from_footprint(data))
    assert ("flat_after_3" in [a.rule for a in plan.adaptations]) is flat


def test_normal_print_after_three_changes_nothing():
    plan = build_plan(50, OK, Assessments.from_footprint(print_json(foot("left"), foot("right"))))
    assert plan.adaptations == () and plan.total_minutes == 13


def test_strong_asymmetry_advises_a_check_small_one_does_not():
    strong = print_json(foot("left", ai=0.20), foot("right", ai=0.26))
    mild = print_json(foot("left", ai=0.22), foot("right", ai=0.26))
    plan = build_plan(50, OK, Assessments.from_footprint(strong))
    adapt = next(a for a in plan.adaptations if a.rule == "asymmetry")
    assert "orthopaedist" in adapt.text and "0.060" in adapt.text
    assert "Cavanagh" in adapt.reference
    assert not build_plan(50, OK, Assessments.from_footprint(mild)).adaptations


def test_low_quality_print_is_not_used():
    data = print_json(foot("left", ai=0.30, sai=1.3, csi=70, quality=0.2), foot("right"))
    plan = build_plan(50, OK, Assessments.from_footprint(data))
    assert [a.rule for a in plan.adaptations] == ["low_quality_print"]


def test_tiptoe_after_three_advises_orthopaedic_check():
    plan = build_plan(40, OK, Assessments.from_exercise(report("walk", "tiptoe")))
    adapt = next(a for a in plan.adaptations if a.rule == "tiptoe_after_3")
    assert "orthopaedic" in adapt.text and "Engstrom" in adapt.reference
    assert plan.total_minutes == 13


def test_tiptoe_under_three_is_common():
    plan = build_plan(24, OK, Assessments.from_exercise(report("walk", "tiptoe")))
    assert [a.rule for a in plan.adaptations] == ["tiptoe_under_3"]


def test_heel_lift_adds_whole_foot_squats():
    plan = build_plan(14, OK, Assessments.from_exercise(report("squat", "heel_lift")))
    order = ids(plan)
    assert order.index("walk_hand_in_hand") < order.index("squat_whole_foot")
    assert order.index("squat_whole_foot") < order.index("back_massage")
    step = plan.steps[order.index("squat_whole_foot")]
    assert step.added_by == "heel_lift" and "heels" in step.why
    assert plan.total_minutes == 41.5


def test_heel_lift_too_young_adds_nothing():
    plan = build_plan(6, OK, Assessments.from_exercise(report("squat", "heel_lift")))
    assert "squat_whole_foot" not in ids(plan)
    assert [a.rule for a in plan.adaptations] == ["heel_lift_too_young"]


def test_insufficient_data_report_is_ignored():
    rep = report("walk", "tiptoe", verdict="insufficient_data")
    assert build_plan(40, OK, Assessments.from_exercise(rep)).adaptations == ()


def test_blocked_plan_keeps_doctor_advice_but_adds_no_steps():
    data = Assessments.from_footprint(print_json(foot("left", ai=0.20, sai=1.3, csi=70),
                                                 foot("right", ai=0.27)))
    plan = build_plan(50, screen({"fever": True}), data)
    assert plan.steps == ()
    assert [a.rule for a in plan.adaptations] == ["asymmetry"]


def test_combined_assessments_and_json_shape():
    both = Assessments.from_footprint(FLAT).merged(
        Assessments.from_exercise([report("squat", "heel_lift"), report("walk", "tiptoe")]))
    data = build_plan(60, OK, both).to_json()
    assert {"status", "age_band", "steps", "total_minutes", "adaptations", "message"} <= set(data)
    assert data["total_minutes"] == 8 + 5 + 1.5
    assert {a["rule"] for a in data["adaptations"]} == {"flat_after_3", "heel_lift",
                                                        "tiptoe_after_3"}
    step = data["steps"][0]
    assert {"id", "title", "minutes", "reps", "instructions", "why"} <= set(step)


@pytest.mark.parametrize("data, message", [
    ({"image": "x", "ok": True, "feet": [{"side": "middle"}]}, "side"),
    ({"image": "x", "ok": True, "feet": [{"side": "left", "arch_index": "a"}]}, "arch_index"),
    ("text", "expected a JSON object"),
])
def test_malformed_footprint_json_raises(data, message):
    with pytest.raises(ValueError, match=message):
        Assessments.from_footprint(data)


def test_malformed_exercise_json_raises():
    with pytest.raises(ValueError, match="needs 'exercise' and 'verdict'"):
        Assessments.from_exercise({"frames": 3})


@pytest.mark.parametrize("code", ["knee_bent", "low_lift"])
def test_leg_raise_form_gives_advice_only(code):
    plan = build_plan(5, OK, Assessments.from_exercise(report("leg-raise", code)))
    assert [a.rule for a in plan.adaptations] == ["leg_lift_form"]
    assert plan.total_minutes == 4


# One band file (vision/footprint/bands.toml, via reading.read_foot) drives both the footprint's age
# reading and the plan's arch exercises: at each cut-off value, and just past it, the two agree.
@pytest.mark.parametrize("age, sai, csi, flat", [
    (48, 1.07, 40.0, False), (48, 1.08, 40.0, True),        # 3-6 y: Staheli > 1.07
    (48, 0.8, 62.7, False), (48, 0.8, 62.8, True),          # 3-6 y: CSI > 62.7 %
    (80, 1.27, 40.0, False), (80, 1.28, 40.0, True),        # 6-9 y: Staheli >= 1.28
    (80, 0.8, 59.0, False), (80, 0.8, 59.1, True),          # 6-9 y: CSI > 59 %
    (71.9, 1.10, 40.0, True), (72, 1.10, 40.0, False),      # band edge at 72 months
])
def test_plan_and_reading_share_flat_cutoffs(age, sai, csi, flat):
    from vision.footprint.indices import FootIndices
    from vision.footprint.reading import read_foot

    plan = build_plan(age, OK, Assessments.from_footprint(
        print_json(foot("left", sai=sai, csi=csi)), age_months=age))
    assert ("flat_after_3" in [a.rule for a in plan.adaptations]) is flat
    fields = {f: 0.0 for f in FootIndices.__dataclass_fields__}
    fields.update(arch_index=0.24, staheli_index=sai, chippaux_smirak_index=csi)
    assert (read_foot(FootIndices(**fields), age).category == "flat") is flat
