"""Contraindication screening before any routine.

Every contraindication named by the routine source is one yes/no question
(:data:`QUESTIONS`, from ``coach/data/contraindications.toml``):

- ``absolute`` items (rash or broken skin, injuries, malignant tumour, circulation disorder,
  infectious disease, nervous-system disease with irritability) refuse the routine and send
  the family to a doctor;
- ``temporary`` items (fever, a grumpy mood, an acute respiratory illness, ...) postpone it and
  say when to try again.

Unanswered questions are never read as "no": :func:`screen` gives ``status == "ok"`` only
when every question has an explicit ``False`` answer. With questions missing and nothing
answered "yes", the outcome is ``"postpone"`` with the single reason :data:`NOT_SCREENED` and
the missing ids in ``missing``. A "yes" to an absolute item refuses even when other questions
are still unanswered; absolute always wins over temporary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from coach.knowledge import load_knowledge

Status = Literal["ok", "postpone", "refuse"]
NOT_SCREENED = "not_screened"
#: Days for which the answers to the lasting conditions of a complete screening may be
#: confirmed with "nothing changed since ..." instead of being asked again. Daily items
#: (fever, mood, injuries, skin, infections) are asked again every day whatever this says.
RECENT_DAYS = 7


@dataclass(frozen=True)
class ScreeningQuestion:
    """One screening item: ``id``, the plain ``question``, ``kind`` ("temporary" or
    "absolute"), a short ``name`` for messages and ``advice`` (when to retry / whom to see)."""

    id: str
    question: str
    kind: str
    advice: str
    name: str
    asked: str = "daily"      # "daily" | "lasting" (see RECENT_DAYS)


QUESTIONS: tuple[ScreeningQuestion, ...] = tuple(
    ScreeningQuestion(c.id, c.question, c.kind, c.advice, c.name, c.asked)
    for c in load_knowledge().contraindications
)
QUESTION_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS)
DAILY_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS if q.asked == "daily")
LASTING_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS if q.asked == "lasting")
_BY_ID = {q.id: q for q in QUESTIONS}


@dataclass(frozen=True)
class ScreeningOutcome:
    """Result of :func:`screen`.

    status : "ok" | "postpone" | "refuse"
    reasons : ids of the items answered "yes" (absolute ones first), or ``("not_screened",)``
        when questions are unanswered and none applies.
    advice : plain sentences for the parent, naming each reason.
    missing : ids of unanswered questions (empty once screening is complete).
    """

    status: Status
    reasons: tuple[str, ...]
    advice: str
    missing: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def names(self) -> tuple[str, ...]:
        """Plain names of the reasons (``"not yet screened"`` for :data:`NOT_SCREENED`)."""
        return tuple(_BY_ID[r].name if r in _BY_ID else "not yet screened"
                     for r in self.reasons)

    def to_json(self) -> dict:
        return {"status": self.status, "reasons": list(self.reasons),
                "names": list(self.names), "advice": self.advice,
                "missing": list(self.missing)}


def question(item_id: str) -> ScreeningQuestion:
    """The question with id ``item_id``; ValueError listing the valid ids otherwise."""
    try:
        return _BY_ID[item_id]
    except KeyError:
        raise ValueError(f"unknown screening item {item_id!r}; valid items: "
                         f"{', '.join(QUESTION_IDS)}") from None


def _check_answers(answers: Mapping[str, bool | None]) -> dict[str, bool]:
    if not isinstance(answers, Mapping):
        raise ValueError(f"answers must be a mapping of item id to True/False, "
                         f"got {type(answers).__name__}")
    out = {}
    for key, value in answers.items():
        question(key)
        if value is None:
            continue   # explicitly unanswered
        if not isinstance(value, bool):
            raise ValueError(f"answer for {key!r} must be True, False or None, got {value!r}")
        out[key] = value
    return out


def _join(names: Iterable[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def screen(answers: Mapping[str, bool | None]) -> ScreeningOutcome:
    """Decide whether today's routine may go ahead.

    Parameters
    ----------
    answers : mapping of item id -> bool
        ``True`` when the item applies to the child today, ``False`` when the parent has
        checked that it does not. Missing ids and ``None`` count as unanswered.

    Returns
    -------
    ScreeningOutcome
        "refuse" if any absolute item applies; else "postpone" if any temporary item applies
        or any question is unanswered; else "ok".

    Raises
    ------
    ValueError
        For an unknown item id or an answer that is not a bool or None.

    Examples
    --------
    >>> screen({q.id: False for q in QUESTIONS}).status
    'ok'
    >>> screen({"fever": True}).status
    'postpone'
    >>> screen({}).reasons
    ('not_screened',)
    """
    given = _check_answers(answers)
    missing = tuple(i for i in QUESTION_IDS if i not in given)
    absolute = [q for q in QUESTIONS if given.get(q.id) and q.kind == "absolute"]
    temporary = [q for q in QUESTIONS if given.get(q.id) and q.kind == "temporary"]
    if absolute:
        advice = (f"No massage or foot exercises: {_join(q.name for q in absolute)}. "
                  + " ".join(q.advice for q in absolute)
                  + " Please see a doctor before starting any routine.")
        return ScreeningOutcome("refuse", tuple(q.id for q in absolute + temporary),
                                advice, missing)
    if temporary:
        advice = (f"Not today: {_join(q.name for q in temporary)}. "
                  + " ".join(q.advice for q in temporary))
        return ScreeningOutcome("postpone", tuple(q.id for q in temporary), advice, missing)
    if missing:
        advice = (f"Screening is not finished: {len(missing)} of {len(QUESTIONS)} questions "
                  "are unanswered. Answer every question before starting; an unanswered "
                  "question is never taken as a no.")
        return ScreeningOutcome("postpone", (NOT_SCREENED,), advice, missing)
    return ScreeningOutcome("ok", (), "Nothing in the screening stands in the way today. "
                            "Stop at once if your child cries, seems uncomfortable or in pain.")


def answers_from_items(applies: Iterable[str], *, others_checked: bool) -> dict[str, bool]:
    """Build an answers mapping from the ids of the items that apply.

    Parameters
    ----------
    applies : iterable of str
        Ids of items that apply today (answered "yes").
    others_checked : bool
        True only when the parent has gone through every question and confirms that all
        other items do not apply; they are then answered "no". When False they stay
        unanswered, so :func:`screen` cannot return "ok".
    """
    applies = list(applies)
    for item_id in applies:
        question(item_id)
    answers = {i: False for i in QUESTION_IDS} if others_checked else {}
    answers.update({i: True for i in applies})
    return answers


@dataclass(frozen=True)
class Unchanged:
    """The lasting answers a parent may confirm with "nothing changed since ``since``"."""

    since: date
    answers: dict[str, bool]

    @property
    def any_yes(self) -> bool:
        return any(self.answers.values())


def _when(value: Any) -> datetime:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def unchanged_since(history: Sequence[Any], now: datetime | None = None) -> Unchanged | None:
    """The lasting answers of the latest screening, when it is recent enough to confirm.

    Parameters
    ----------
    history : sequence of screenings, each with ``answered_at`` (datetime or ISO text) and
        ``answers`` (id -> bool), e.g. :meth:`coach.store.HistoryStore.screening_history`.
    now : the current time (UTC when naive); default now.

    Returns
    -------
    Unchanged or None
        None when there is no screening, the latest one is older than :data:`RECENT_DAYS`
        days, or it left a lasting question unanswered. Only the lasting items are carried;
        the daily ones must be answered again.
    """
    now = _when(now or datetime.now(UTC))
    dated = sorted(((_when(s.answered_at), s) for s in history), key=lambda p: p[0])
    if not dated:
        return None
    when, last = dated[-1]
    if not timedelta(0) <= now - when <= timedelta(days=RECENT_DAYS):
        return None
    answers = {k: v for k, v in dict(last.answers).items()
               if k in _BY_ID and isinstance(v, bool)}     # items since removed are ignored
    if any(i not in answers for i in LASTING_IDS):
        return None
    return Unchanged(when.date(), {i: answers[i] for i in LASTING_IDS})
