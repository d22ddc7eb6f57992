"""coach.screening: every contraindication postpones or refuses; nothing unanswered is a no."""

from __future__ import annotations

import pytest

from coach.screening import (
    NOT_SCREENED,
    QUESTION_IDS,
    QUESTIONS,
    answers_from_items,
    question,
    screen,
)

TEMPORARY = {"skin_sensitive", "skin_disease", "fever", "unwilling", "severe_undernutrition",
             "kidney_liver_failure", "fragile_bones", "heart_disease", "respiratory_illness",
             "lymph_nodes"}
ABSOLUTE = {"rash_skin_inflammation", "dislocation", "bad_bruise", "fracture", "burn",
            "torn_ligament", "malignant_tumour", "circulatory_disorder", "infectious_disease",
            "irritable_nervous_system"}
# Long-term conditions the source lists as temporary: the advice must bring in the doctor.
DOCTOR_MANAGED = {"skin_disease", "fever", "severe_undernutrition", "kidney_liver_failure",
                  "fragile_bones", "heart_disease", "lymph_nodes"}


def all_no() -> dict[str, bool]:
    return {q.id: False for q in QUESTIONS}


def test_every_seed_contraindication_is_a_question_of_the_right_kind():
    assert {q.id for q in QUESTIONS if q.kind == "temporary"} == TEMPORARY
    assert {q.id for q in QUESTIONS if q.kind == "absolute"} == ABSOLUTE
    assert len(QUESTION_IDS) == len(set(QUESTION_IDS)) == 20
    for q in QUESTIONS:
        assert q.question.endswith("?") and q.name and q.advice


def test_all_answered_no_is_ok():
    outcome = screen(all_no())
    assert outcome.status == "ok" and outcome.reasons == () and outcome.complete


@pytest.mark.parametrize("item", sorted(TEMPORARY))
def test_each_temporary_item_postpones_with_when_to_retry(item):
    outcome = screen({**all_no(), item: True})
    assert outcome.status == "postpone"
    assert outcome.reasons == (item,)
    assert question(item).name in outcome.advice
    assert question(item).advice in outcome.advice


@pytest.mark.parametrize("item", sorted(ABSOLUTE))
def test_each_absolute_item_refuses_and_sends_to_a_doctor(item):
    outcome = screen({**all_no(), item: True})
    assert outcome.status == "refuse"
    assert outcome.reasons == (item,)
    assert question(item).name in outcome.advice
    assert "doctor" in outcome.advice.lower()


@pytest.mark.parametrize("item", sorted(DOCTOR_MANAGED))
def test_doctor_managed_temporary_items_involve_the_doctor(item):
    assert "doctor" in question(item).advice.lower()


def test_mood_retry_is_later_today():
    assert "later today" in question("unwilling").advice


def test_absolute_wins_over_temporary_and_is_named_first():
    outcome = screen({**all_no(), "fever": True, "fracture": True})
    assert outcome.status == "refuse"
    assert outcome.reasons == ("fracture", "fever")
    assert outcome.names[0] == "a broken bone"


def test_nothing_answered_is_not_ok():
    outcome = screen({})
    assert outcome.status == "postpone"
    assert outcome.reasons == (NOT_SCREENED,)
    assert set(outcome.missing) == set(QUESTION_IDS)


@pytest.mark.parametrize("left_out", QUESTION_IDS)
def test_one_unanswered_question_is_enough_to_block(left_out):
    answers = all_no()
    del answers[left_out]
    outcome = screen(answers)
    assert outcome.status == "postpone" and outcome.missing == (left_out,)


def test_none_counts_as_unanswered():
    outcome = screen({**all_no(), "burn": None})
    assert outcome.status == "postpone" and outcome.missing == ("burn",)


def test_absolute_refuses_even_when_screening_is_incomplete():
    assert screen({"burn": True}).status == "refuse"


def test_temporary_postpones_when_incomplete_and_reports_missing():
    outcome = screen({"fever": True})
    assert outcome.reasons == ("fever",) and len(outcome.missing) == 19


@pytest.mark.parametrize("answers, message", [
    ({"fevr": True}, "unknown screening item 'fevr'"),
    ({"fever": "yes"}, "answer for 'fever' must be True, False or None"),
    ({"fever": 1}, "answer for 'fever'"),
    (["fever"], "answers must be a mapping"),
])
def test_bad_answers_raise(answers, message):
    with pytest.raises(ValueError, match=message):
        screen(answers)


def test_answers_from_items_needs_explicit_confirmation():
    assert screen(answers_from_items([], others_checked=False)).status == "postpone"
    assert screen(answers_from_items([], others_checked=True)).status == "ok"
    answers = answers_from_items(["fever"], others_checked=True)
    assert answers["fever"] is True and sum(answers.values()) == 1
    with pytest.raises(ValueError, match="unknown screening item"):
        answers_from_items(["nope"], others_checked=True)


def test_outcome_json():
    data = screen({**all_no(), "fever": True}).to_json()
    assert data["status"] == "postpone" and data["reasons"] == ["fever"]
    assert data["names"] == ["a raised temperature (fever)"] and data["missing"] == []


# -- screening over time ----------------------------------------------------------------
from datetime import UTC as _UTC  # noqa: E402
from datetime import datetime as _dt  # noqa: E402
from datetime import timedelta as _td  # noqa: E402
from types import SimpleNamespace as _NS  # noqa: E402

from coach.screening import DAILY_IDS, LASTING_IDS, RECENT_DAYS, unchanged_since  # noqa: E402


def _entry(when, **answers):
    base = {q.id: False for q in QUESTIONS}
    base.update(answers)
    return _NS(answered_at=when.isoformat(), answers=base)


def test_daily_and_lasting_items_split_the_questions():
    assert set(DAILY_IDS) | set(LASTING_IDS) == {q.id for q in QUESTIONS}
    assert not set(DAILY_IDS) & set(LASTING_IDS)
    # whatever comes and goes from day to day is asked every day
    for item in ("fever", "unwilling", "respiratory_illness", "bad_bruise", "fracture",
                 "burn", "rash_skin_inflammation", "infectious_disease"):
        assert item in DAILY_IDS
    assert "malignant_tumour" in LASTING_IDS and "heart_disease" in LASTING_IDS


def test_recent_screening_carries_only_the_lasting_answers():
    now = _dt(2026, 3, 10, 9, 0, tzinfo=_UTC)
    history = [_entry(now - _td(days=30), heart_disease=True),
               _entry(now - _td(days=2), fever=True)]
    got = unchanged_since(history, now)
    assert got.since.isoformat() == "2026-03-08"
    assert set(got.answers) == set(LASTING_IDS) and not got.any_yes
    assert "fever" not in got.answers                  # a daily item is asked again


def test_old_or_incomplete_screening_is_not_carried():
    now = _dt(2026, 3, 10, 9, 0, tzinfo=_UTC)
    assert unchanged_since([], now) is None
    assert unchanged_since([_entry(now - _td(days=RECENT_DAYS, hours=1))], now) is None
    partial = _entry(now - _td(days=1))
    del partial.answers[LASTING_IDS[0]]
    assert unchanged_since([partial], now) is None
    assert unchanged_since([_entry(now + _td(days=1))], now) is None     # clock went back


def test_unchanged_lasting_yes_still_refuses():
    now = _dt(2026, 3, 10, 9, 0, tzinfo=_UTC)
    got = unchanged_since([_entry(now - _td(days=1), malignant_tumour=True)], now)
    assert got.any_yes
    answers = {**got.answers, **{i: False for i in DAILY_IDS}}
    assert screen(answers).status == "refuse"
