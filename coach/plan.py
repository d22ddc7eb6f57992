"""Today's routine for a child: screening first, then the age band's steps, then adaptations.

:func:`build_plan` is the one call. It never gives steps without a complete, clear screening:

- screening ``None`` or incomplete -> ``status="postponed"`` (answer every question first);
- a temporary contraindication -> ``"postponed"``, the message says when to try again;
- an absolute contraindication -> ``"refused"``, the message names it and sends to a doctor.

Conventions: durations are whole ``seconds`` per step (both feet together) and
``total_minutes`` is their sum / 60; the first and last steps are always stroking. Ages are
months, 0..96; band edges are inclusive below and exclusive above (see
:mod:`coach.knowledge`). Under 1.5 months the plan is one minute of gentle touch and the
message says the programme starts at 1.5 months.

Adaptations (:class:`Assessments` from footprint and exercise JSON; thresholds in
``coach/data/adaptations.toml`` and below) each carry their reason and reference:

- flat reading at 36 months or later (Banwell 2018 cut-offs for the age) -> says why the
  daily arch exercises (part of every plan from 3 years) matter, adds no step;
- any print before 36 months -> "flat is expected", nothing added (Pfeiffer 2006);
- |mean arch index left - right| > 0.05 -> orthopaedic check (Cavanagh & Rodgers 1987);
- toe walking at 36 months or later -> orthopaedic check (Engstrom & Tedroff 2012);
- heel lift in squats from 10 months -> squats with the whole foot down;
- bent knees or a low lift in the leg raise -> encouragement and how to help, nothing added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from coach.assessments import Assessments, ExerciseFinding, FootReading
from coach.knowledge import (
    AdaptationRule,
    AgeBand,
    BandStep,
    Condition,
    RepRange,
    check_age,
    load_knowledge,
)
from coach.screening import NOT_SCREENED, ScreeningOutcome
from vision.footprint.quality import RELIABLE_SCORE

__all__ = ["Adaptation", "Plan", "PlanStep",
           "build_plan"]

PlanStatus = Literal["ok", "postponed", "refused"]
QUALITY_MIN = RELIABLE_SCORE   # below this footprint quality score a print is not used
ASYMMETRY_MAX = 0.05       # |AI left - AI right| above this -> orthopaedic check
AGE_ARCH_MONTHS = 36.0     # flat readings and toe walking count from the third birthday
_EXERCISE_KINDS = ("active", "passive", "reflex")
# Adaptations that talk about today's steps: shown only with a plan that has steps.
_ROUTINE_RULES = ("flat_after_3",)


@dataclass(frozen=True)
class PlanStep:
    """One step of today's routine. ``seconds`` covers both feet or legs together."""

    id: str
    title: str
    seconds: int
    reps: RepRange | None
    instructions: tuple[str, ...]
    why: str
    first_reps: RepRange | None = None
    added_by: str | None = None          # adaptation rule id for steps added by a measurement

    @property
    def minutes(self) -> float:
        return self.seconds / 60.0

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "minutes": round(self.minutes, 2),
                "seconds": self.seconds,
                "reps": None if self.reps is None else self.reps.to_json(),
                "first_reps": None if self.first_reps is None else self.first_reps.to_json(),
                "instructions": list(self.instructions), "why": self.why,
                "added_by": self.added_by}


@dataclass(frozen=True)
class Adaptation:
    """A change or piece of advice caused by a measurement; ``reference`` names the source."""

    rule: str
    text: str
    reference: str
    reference_ids: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"rule": self.rule, "text": self.text, "reference": self.reference}


@dataclass(frozen=True)
class Plan:
    """Today's routine.

    status : "ok" | "postponed" | "refused"; only "ok" has steps.
    band : the age band used; steps : in order, first and last are stroking.
    adaptations : changes and advice from measurements, each with its reference.
    message : one paragraph for the parent (names the contraindication when blocked).
    reasons : screening item ids that blocked the plan (``("not_screened",)`` if none given).
    conditions : session conditions and safety rules for this age (empty when blocked).
    """

    status: PlanStatus
    age_months: float
    band: AgeBand
    steps: tuple[PlanStep, ...]
    adaptations: tuple[Adaptation, ...]
    message: str
    reasons: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    screening: ScreeningOutcome | None = None

    @property
    def total_minutes(self) -> float:
        return sum(s.seconds for s in self.steps) / 60.0

    def to_json(self) -> dict:
        b = self.band
        return {
            "status": self.status,
            "age_months": self.age_months,
            "age_band": {"id": b.id, "label": b.label, "from_months": b.from_months,
                         "to_months": b.to_months, "includes_upper": b.includes_upper},
            "steps": [s.to_json() for s in self.steps],
            "total_minutes": round(self.total_minutes, 2),
            "adaptations": [a.to_json() for a in self.adaptations],
            "message": self.message,
            "reasons": list(self.reasons),
            "conditions": [{"id": c.id, "text": c.text, "resolution": c.resolution}
                           for c in self.conditions],
            "screening": None if self.screening is None else self.screening.to_json(),
        }


# ------------------------------------------------------------------------- steps

def _plan_step(step: BandStep, *, rule: AdaptationRule | None = None) -> PlanStep:
    tech = load_knowledge().techniques[step.technique]
    instructions = list(tech.steps)
    if step.note:
        instructions.append(step.note)
    if step.first_reps is not None:
        instructions.append(f"While the movement is new, do it just {step.first_reps.text}.")
    why = tech.purpose
    if rule is not None:
        why = f"{why} Added because {rule.because} ({_citations(rule)})."
    return PlanStep(step.technique, tech.title, step.seconds, step.reps, tuple(instructions),
                    why, step.first_reps, None if rule is None else rule.id)


def _citations(rule: AdaptationRule) -> str:
    refs = load_knowledge().references
    return "; ".join(refs[r].citation for r in rule.references)


def _insert_index(steps: Sequence[PlanStep]) -> int:
    """Added exercises go after the routine's last exercise, before the massage part."""
    kinds = [load_knowledge().techniques[s.id].kind for s in steps]
    last = max((i for i, k in enumerate(kinds) if k in _EXERCISE_KINDS), default=0)
    return last + 1


def _apply(steps: list[PlanStep], rule: AdaptationRule) -> None:
    present = {s.id for s in steps}
    new = [_plan_step(s, rule=rule) for s in rule.add if s.technique not in present]
    at = _insert_index(steps)
    steps[at:at] = new


# ------------------------------------------------------------------------- adaptation rules

def _adaptation(rule_id: str, **fields: Any) -> Adaptation:
    rule = load_knowledge().rules[rule_id]
    return Adaptation(rule_id, rule.text.format(**fields), _citations(rule), rule.references)


def _flat_detail(foot: FootReading, age_months: float) -> str | None:
    """Which age-specific flat-foot cut-off the print crosses, in words: the flat findings of
    the footprint's one reading (:func:`vision.footprint.reading.read_foot`, bands in
    ``vision/footprint/bands.toml``). Either index crossing its cut-off counts: the added
    exercises are harmless, so we err towards adding them.
    """
    # Imported here: the vision package pulls in OpenCV, which the plan alone does not need.
    from vision.footprint.reading import read_foot

    reading = read_foot(foot, age_months)
    return "; ".join(f.text for f in reading.findings if f.category == "flat") or None


def _footprint_rules(feet: Sequence[FootReading], age_months: float) -> list[Adaptation]:
    out, flat, usable = [], [], []
    for foot in feet:
        if foot.quality_score < QUALITY_MIN:
            out.append(_adaptation("low_quality_print", side=foot.side))
        else:
            usable.append(foot)
    young = [f for f in usable if (f.age_months if f.age_months is not None
                                   else age_months) < AGE_ARCH_MONTHS]
    if young:
        out.append(_adaptation("flat_expected_under_3"))
    for foot in usable:
        if foot in young:
            continue
        detail = _flat_detail(foot, foot.age_months if foot.age_months is not None
                              else age_months)
        if detail:
            flat.append((foot.side, detail))
    if flat:
        sides = sorted({s for s, _ in flat})
        detail = (flat[0][1] if len(flat) == 1
                  else "; ".join(f"{s}: {d}" for s, d in flat))
        out.append(_adaptation("flat_after_3", side=" and ".join(sides), detail=detail))
    out.extend(_asymmetry(usable))
    return out


def _asymmetry(feet: Sequence[FootReading]) -> list[Adaptation]:
    by_side: dict[str, list[float]] = {}
    for foot in feet:
        by_side.setdefault(foot.side, []).append(foot.arch_index)
    if "left" not in by_side or "right" not in by_side:
        return []
    left = sum(by_side["left"]) / len(by_side["left"])
    right = sum(by_side["right"]) / len(by_side["right"])
    if abs(left - right) <= ASYMMETRY_MAX:
        return []
    return [_adaptation("asymmetry", left=f"{left:.3f}", right=f"{right:.3f}",
                        difference=f"{abs(left - right):.3f}")]


def _exercise_rules(findings: Sequence[ExerciseFinding], age_months: float) -> list[Adaptation]:
    out: list[Adaptation] = []
    seen: set[str] = set()
    for f in findings:
        if f.verdict == "insufficient_data":
            continue
        age = f.age_months if f.age_months is not None else age_months
        rule = None
        if "tiptoe" in f.fault_codes:
            rule = "tiptoe_after_3" if age >= AGE_ARCH_MONTHS else "tiptoe_under_3"
        elif f.exercise == "squat" and "heel_lift" in f.fault_codes:
            min_age = load_knowledge().rules["heel_lift"].min_age_months
            rule = "heel_lift" if age_months >= min_age else "heel_lift_too_young"
        elif f.exercise == "leg-raise" and {"knee_bent", "low_lift"} & set(f.fault_codes):
            rule = "leg_lift_form"
        if rule and rule not in seen:
            seen.add(rule)
            out.append(_adaptation(rule))
    return out


def _adaptations(assessments: Assessments | None, age_months: float) -> list[Adaptation]:
    if assessments is None:
        return []
    return (_footprint_rules(assessments.feet, age_months)
            + _exercise_rules(assessments.exercises, age_months))


# ------------------------------------------------------------------------- the plan

def _blocked_message(screening: ScreeningOutcome | None) -> tuple[PlanStatus, str, tuple]:
    if screening is None:
        return ("postponed", "Screening comes first: answer every screening question, then "
                "ask for the plan again. An unanswered question is never taken as a no.",
                (NOT_SCREENED,))
    status: PlanStatus = "refused" if screening.status == "refuse" else "postponed"
    return status, screening.advice, screening.reasons


def build_plan(age_months: float, screening: ScreeningOutcome | None,
               assessments: Assessments | None = None) -> Plan:
    """Build today's routine.

    Parameters
    ----------
    age_months : float
        Child's age in months, 0..96 (birth to 8 years).
    screening : ScreeningOutcome or None
        From :func:`coach.screening.screen`. ``None`` means not screened: no steps.
    assessments : Assessments, optional
        Footprint readings and exercise findings that adapt the plan.

    Returns
    -------
    Plan
        ``status`` "ok" with steps, or "postponed"/"refused" with no steps and a message
        naming the reason. Advice-only adaptations (see a doctor) are kept in every case;
        adaptations that add steps only appear in an "ok" plan.

    Raises
    ------
    ValueError
        For an age outside 0..96 months.

    Examples
    --------
    >>> from coach.screening import QUESTIONS, screen
    >>> plan = build_plan(2, screen({q.id: False for q in QUESTIONS}))
    >>> plan.status, plan.total_minutes, plan.steps[0].id
    ('ok', 2.0, 'stroke_open')
    """
    age = check_age(age_months)
    knowledge = load_knowledge()
    band = knowledge.band_for_age(age)
    adaptations = _adaptations(assessments, age)
    if screening is None or screening.status != "ok":
        status, message, reasons = _blocked_message(screening)
        advice_only = tuple(a for a in adaptations if not knowledge.rules[a.rule].add
                            and a.rule not in _ROUTINE_RULES)
        return Plan(status, age, band, (), advice_only, message, reasons, (), screening)
    steps = [_plan_step(s) for s in band.steps]
    for adaptation in adaptations:
        rule = knowledge.rules[adaptation.rule]
        if rule.add and age >= rule.min_age_months:
            _apply(steps, rule)
    total = sum(s.seconds for s in steps) / 60.0
    unit = "minute" if total == 1 else "minutes"
    message = f"{band.summary} About {total:g} {unit} in all ({band.label})."
    return Plan("ok", age, band, tuple(steps), tuple(adaptations), message, (),
                knowledge.conditions_for_age(age), screening)

