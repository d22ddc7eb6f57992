"""The walk's verdict from its steps (steps 5-6 of the method in :mod:`vision.exercises.walk`).

Each step found by :mod:`vision.exercises.walk_steps` has a tiptoe / not-tiptoe reading.
Here every step gets a confidence (0..1) and a phase, and the walk is decided on the
*clearly judged* steps only:

- **clearly judged**: not turning, not cut, the heel seen at median visibility at least
  ``RELIABLE_HEEL_VIS`` and the step's confidence at least ``STEP_CONFIDENCE_MIN``; steady
  ("walking") steps decide while at least ``MIN_DECIDING_STEPS`` of them exist, otherwise
  starting and stopping steps count too (a short walk is all starting and stopping);
- **fewer than** ``MIN_JUDGED_STEPS`` clearly judged steps: the video cannot tell a
  heel-first walk from a tiptoe one (the verdict is "can't tell", never "good" or tiptoe);
- **tiptoe** when at least ``MIN_TIPTOE_STEPS`` judged steps read tiptoe and they are more
  than ``TIPTOE_MAJORITY`` of the judged steps; then every step read tiptoe is a fault;
- **contested** when the tiptoe readings are at least ``CONTESTED_SHARE`` of the judged steps
  (and at least ``MIN_TIPTOE_STEPS``) but not a majority, or as many as the other judged
  steps (one of two): "can't tell" as well -- "good" needs the heel-first steps to
  outnumber the tiptoe readings;
- otherwise **not tiptoe**: tiptoe readings of heels that were seen well
  (:func:`judgeable`) become "unclear" entries; readings of heels the tracker barely saw
  (the far foot behind the near leg, DESIGN.md: it wanders by up to half a foot length)
  are not readings at all and are only counted in a warning.

Heel heights are fractions of the foot length, times seconds, frames (in evidence) rows of
the source trace.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from vision.exercises.common import QUALITY_VIS_LOW, confidence, source_frames
from vision.exercises.report import Evidence, Fault, Unclear
from vision.exercises.walk_steps import (
    TIPTOE_HEEL_FRAC,
    TIPTOE_HEEL_FRAC_TOE_FIRST,
    TOE_FIRST_FRAC,
    Step,
)
from vision.pose.signals import Signals

RELIABLE_HEEL_VIS = 0.6   # a step's heel is reliably seen at this median visibility
MIN_TIPTOE_STEPS = 2      # a tiptoe walk needs at least this many confident tiptoe steps
MIN_DECIDING_STEPS = 3    # fewer confident steady-walk steps: starting/stopping ones count
MIN_JUDGED_STEPS = 2      # fewer clearly judged steps: the walk is "can't tell"
STOP_STANCE_S = 1.2       # a stance longer than this (s) is standing still: the walker stopped
STEP_CONFIDENCE_MIN = 0.6 # steps below this confidence (0..1) do not decide the walk
TIPTOE_MAJORITY = 0.5     # the walk is tiptoe when more than this share of judged steps is
CONTESTED_SHARE = 1 / 3   # ... and "can't tell" when at least this share (not a majority) is
TIPTOE_FULL_MARGIN = 0.5  # stance heel this far (relative) from TIPTOE_HEEL_FRAC: sure
STEP_VIS_HIGH = 0.7       # heel visibility giving a step full quality (0.3 gives none)
EVIDENCE_UNIT = "% foot length heel above toe"


@dataclass(frozen=True)
class WalkDecision:
    """The walk's tiptoe decision.

    ``steps``: the steps, tiptoe flags kept only when the walk is tiptoe (and only on heels
    seen well, :func:`judgeable`); ``set_aside``:
    tiptoe readings of well-seen heels in a walk that is not tiptoe (reported as unclear);
    ``unseen``: tiptoe readings of heels barely seen (counted, not reported); ``judged``:
    clearly judged steps the verdict rests on; ``tiptoe_judged``: those read tiptoe;
    ``verdict``: "tiptoe" | "not_tiptoe" | "too_few" | "contested"; ``confidence``: the
    share of judged steps read tiptoe when the walk is tiptoe, else 0; ``tiptoe_sides``:
    the feet ("left", "right") with a judged step read tiptoe."""

    steps: tuple[Step, ...]
    set_aside: tuple[Step, ...]
    unseen: tuple[Step, ...]
    judged: int
    tiptoe_judged: int
    verdict: str
    confidence: float
    tiptoe_sides: tuple[str, ...] = ()

    @property
    def tiptoe(self) -> bool:
        return self.verdict == "tiptoe"

    @property
    def cant_tell(self) -> bool:
        return self.verdict in ("too_few", "contested")


def judgeable(st: Step) -> bool:
    """The step's heel was seen well enough to judge it (not cut, median heel visibility at
    least ``RELIABLE_HEEL_VIS``)."""
    return not st.cut and bool(np.isfinite(st.heel_vis) and st.heel_vis >= RELIABLE_HEEL_VIS)


def step_confidence(st: Step) -> float:
    """0..1 confidence in the step's tiptoe / not-tiptoe reading: the heel's visibility
    quality over the judged stance (0 at ``QUALITY_VIS_LOW``, 1 at ``STEP_VIS_HIGH``) times
    the margin of its stance heel height from ``TIPTOE_HEEL_FRAC``."""
    q = float(np.clip((np.nan_to_num(st.heel_vis) - QUALITY_VIS_LOW)
                      / (STEP_VIS_HIGH - QUALITY_VIS_LOW), 0.0, 1.0))
    if not np.isfinite(st.stance_heel_frac_foot):
        return 0.0
    return confidence(st.stance_heel_frac_foot, TIPTOE_HEEL_FRAC, quality=q,
                      below=not st.tiptoe, full_margin=TIPTOE_FULL_MARGIN)


def step_phases(steps: list[Step], t0: float = 0.0) -> list[str]:
    """Per step (sorted by contact): "walking", or why it does not decide the walk:
    "turning", "cut", "starting" (the first contact after standing in view: the same
    foot's previous stance, or the time since the trace began ``t0`` (s) with no step,
    longer than ``STOP_STANCE_S``), "stopping" (its own stance longer than ``STOP_STANCE_S``)."""
    out = []
    last_stance: dict[str, float] = {}
    for k, st in enumerate(steps):
        before = last_stance.get(st.side)
        standing_before = (before is not None and before > STOP_STANCE_S) or (
            k == 0 and st.contact_s - t0 > STOP_STANCE_S)
        stance = st.off_s - st.contact_s
        last_stance[st.side] = stance
        if st.initial_contact == "turning":
            out.append("turning")
        elif st.cut:
            out.append("cut")
        elif standing_before:
            out.append("starting")
        elif stance > STOP_STANCE_S:
            out.append("stopping")
        else:
            out.append("walking")
    return out


def judged_steps(steps: list[Step], phases: list[str] | None = None) -> list[Step]:
    """The clearly judged steps the verdict rests on (see the module notes)."""
    phases = phases or ["walking"] * len(steps)
    sure = [(s, ph) for s, ph in zip(steps, phases, strict=True)
            if ph not in ("turning", "cut") and judgeable(s)
            and step_confidence(s) >= STEP_CONFIDENCE_MIN]
    steady = [s for s, ph in sure if ph == "walking"]
    return steady if len(steady) >= MIN_DECIDING_STEPS else [s for s, _ in sure]


def decide(steps: list[Step], phases: list[str] | None = None) -> WalkDecision:
    """The walk's decision from its steps (sorted by contact) and their phases."""
    judged = judged_steps(steps, phases)
    tip = sum(s.tiptoe for s in judged)
    n = len(judged)
    sides = tuple(sorted({s.side for s in judged if s.tiptoe}))
    if n < MIN_JUDGED_STEPS:
        verdict = "too_few"
    elif tip >= MIN_TIPTOE_STEPS and tip > TIPTOE_MAJORITY * n:
        verdict = "tiptoe"
    elif (tip >= MIN_TIPTOE_STEPS and tip >= CONTESTED_SHARE * n) or tip >= TIPTOE_MAJORITY * n:
        verdict = "contested"
    else:
        verdict = "not_tiptoe"
    if verdict == "tiptoe":
        # Only a heel that was seen well can be blamed: a tiptoe reading of a barely seen heel
        # (the far foot) is no reading, even in a tiptoe walk.
        unseen = tuple(s for s in steps if s.tiptoe and not judgeable(s))
        out = tuple(replace(s, tiptoe=False) if s.tiptoe and not judgeable(s) else s
                    for s in steps)
        return WalkDecision(out, (), unseen, n, tip, verdict, tip / n, sides)
    readings = [s for s in steps if s.tiptoe]
    out = tuple(replace(s, tiptoe=False) if s.tiptoe else s for s in steps)
    return WalkDecision(out, tuple(s for s in readings if judgeable(s)),
                        tuple(s for s in readings if not judgeable(s)), n, tip, verdict, 0.0,
                        sides)


def tiptoe_threshold(st: Step) -> float:
    """The stance heel height (foot lengths) the step's tiptoe reading was called on:
    ``TIPTOE_HEEL_FRAC_TOE_FIRST`` after a clearly toe-first landing (contact heel above
    ``TOE_FIRST_FRAC``) whose stance heel stayed below ``TIPTOE_HEEL_FRAC``, else
    ``TIPTOE_HEEL_FRAC`` (:func:`vision.exercises.walk_steps._classify`)."""
    toe_first = bool(np.isfinite(st.contact_heel_frac_foot)
                     and st.contact_heel_frac_foot > TOE_FIRST_FRAC)
    low = bool(np.isfinite(st.stance_heel_frac_foot)
               and st.stance_heel_frac_foot <= TIPTOE_HEEL_FRAC)
    return TIPTOE_HEEL_FRAC_TOE_FIRST if st.tiptoe and toe_first and low else TIPTOE_HEEL_FRAC


def evidence(st: Step, sig: Signals) -> Evidence:
    """The step's stance heel height (% foot length) against the threshold it was called on
    (:func:`tiptoe_threshold`) over its stance (source frames)."""
    return Evidence(100 * float(np.nan_to_num(st.stance_heel_frac_foot)), 100 * tiptoe_threshold(st),
                    source_frames(sig, int(st.contact_i), int(st.off_i)), EVIDENCE_UNIT)


def tiptoe_fault(st: Step, sig: Signals, walk_confidence: float = 1.0) -> Fault:
    """A tiptoe step of a walk called tiptoe (its heel seen well: :func:`decide` keeps no
    other): its confidence is its own or, if higher, the walk's (the share of its judged
    steps read tiptoe)."""
    return Fault(code="tiptoe", side=st.side, start_s=st.contact_s, end_s=st.off_s,
                 message=f"{st.side.capitalize()} foot landed and stayed on the toes: the heel "
                         f"stayed {100 * st.stance_heel_frac_foot:.0f} % of the foot length up.",
                 confidence=max(step_confidence(st), walk_confidence), evidence=evidence(st, sig))


def unclear_step(st: Step, sig: Signals, *, disputed: bool = False) -> Unclear:
    """An "unclear" entry for a tiptoe reading that does not make a fault: set aside by a
    walk that is not tiptoe, or ``disputed`` by the pixel heel measure."""
    why = ("the heel landmark says the heel stayed up, the picture says it was down"
           if disputed else "the clearly seen steps were mostly heel first")
    return Unclear("tiptoe", st.contact_s, st.off_s,
                   f"Can't tell from this video: one {st.side} step read as tiptoe, but {why}.",
                   0.0 if disputed else step_confidence(st), evidence(st, sig))


def cant_tell_reason(d: WalkDecision, n_steps: int) -> str:
    """Why a walk whose decision is "can't tell" gets no verdict, with what to do."""
    if d.verdict == "contested":
        said = (f"can't tell whether this is a tiptoe walk: of the {d.judged} steps seen "
                f"clearly, {d.tiptoe_judged} read as tiptoe and {d.judged - d.tiptoe_judged} "
                "did not")
        if len(d.tiptoe_sides) == 1:    # one foot only: the far foot's guessed heel, or a
            foot = d.tiptoe_sides[0]    # one-sided toe walker; seen near, it shows which
            return (f"{said}, all of the tiptoe ones by the {foot} foot; film the walk both "
                    f"ways from the side, so that the {foot} foot is also the one nearer "
                    "the camera")
        return f"{said}; film a longer walk (several steps each way) from the side"
    seen = "no step" if d.judged == 0 else "only one step"
    return (f"{n_steps} steps counted, but {seen} showed the heel clearly enough to judge: "
            "can't tell heel-first from tiptoe walking; film from the side, close enough "
            "that the feet are well lit and not hidden, a few steps each way")
