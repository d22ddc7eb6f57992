"""Checks at the door of the history store: every input is validated before any write.

Each function returns the cleaned value (or the row values to insert) and raises
``ValueError`` with a sentence naming the bad value. Nothing here touches the database.
"""

from __future__ import annotations

import json
import math
import numbers
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

ALIAS_MAX = 80
SESSION_KINDS = ("massage", "routine")
VERDICTS = ("good", "needs_attention", "insufficient_data", "not_this_exercise")
CATEGORIES = ("high", "normal", "flat")
SCREENING_STATUS = ("ok", "postpone", "refuse")
MAX_SESSION_S = 24 * 3600
NOTES_MAX = 2000          # characters of a measurement's notes
_EARLIEST = date(1900, 1, 1)


def parse_day(value: Any, what: str) -> date:
    """A calendar day from a ``date`` (a ``datetime`` keeps its date) or ``YYYY-MM-DD``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{what} must be a date written YYYY-MM-DD, got {value!r}")


def check_alias(alias: Any) -> str:
    """Strip the alias (NFC-normalised); it must be 1-80 printable characters and not only
    digits. Uniqueness ignores ASCII letter case only (SQLite ``NOCASE``).

    All-digit aliases are refused so that ``get_child("12")`` always means id 12.
    """
    if not isinstance(alias, str):
        raise ValueError(f"alias must be text, got {alias!r}")
    text = unicodedata.normalize("NFC", alias).strip()   # "Zoé" typed two ways is one alias
    if not text:
        raise ValueError("alias must not be empty")
    if len(text) > ALIAS_MAX:
        raise ValueError(f"alias must be at most {ALIAS_MAX} characters, got {len(text)}")
    if not text.isprintable():
        raise ValueError(f"alias must not contain control characters: {text!r}")
    if text.isdigit():
        raise ValueError(f"alias must not be only digits (those are read as ids): {text!r}")
    return text


def check_birth_date(value: Any, *, today: date | None = None) -> date:
    day = parse_day(value, "birth date")
    today = today or date.today()
    if day > today:
        raise ValueError(f"birth date {day} is in the future (today is {today})")
    if day < _EARLIEST:
        raise ValueError(f"birth date {day} is before {_EARLIEST}")
    return day


def check_taken_on(value: Any, birth: date, *, what: str = "taken_on") -> date:
    """A measurement day: not before the birth date and not in the future."""
    day = parse_day(value, what)
    if day < birth:
        raise ValueError(f"{what} {day} is before the child's birth date {birth}")
    if day > date.today():
        raise ValueError(f"{what} {day} is in the future")
    return day


def check_timestamp(value: Any, birth: date, *, what: str) -> str:
    """An ISO-8601 timestamp (``datetime`` or text), not before birth nor in the future."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{what} must be an ISO-8601 date-time, got {value!r}") from None
    if not isinstance(value, datetime):
        raise ValueError(f"{what} must be a datetime or ISO-8601 text, got {value!r}")
    if value.date() < birth:
        raise ValueError(f"{what} {value.isoformat()} is before the birth date {birth}")
    if value.date() > date.today() + timedelta(days=1):   # one day of clock/time-zone slack
        raise ValueError(f"{what} {value.isoformat()} is in the future")
    return value.isoformat(timespec="seconds")


def _number(value: Any, what: str, *, lo: float | None = None, hi: float | None = None,
            optional: bool = True) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
            not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(f"{what} must be between {lo} and {hi}, got {value!r}")
    return float(value)


def plain_json(obj: Any) -> Any:
    """A copy with NumPy scalars and arrays turned into Python values (``.item()``,
    ``.tolist()``) and NaN/inf into None, so that strict JSON can hold it."""
    if isinstance(obj, Mapping):
        return {str(k): plain_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain_json(v) for v in obj]
    if hasattr(obj, "tolist") and not isinstance(obj, str | bytes):
        return plain_json(obj.tolist())          # NumPy scalar or array
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _as_json_dict(data: Any, what: str) -> dict:
    """Accept a result object with ``to_json()``, a dict, or JSON text."""
    if hasattr(data, "to_json"):
        data = data.to_json()
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{what} is not valid JSON: {exc}") from None
    if not isinstance(data, Mapping):
        raise ValueError(f"{what} must be a JSON object, got {type(data).__name__}")
    return dict(data)


def footprint_rows(result: Any) -> list[dict]:
    """Per-foot column values from a ``FootprintResult`` (object, dict or JSON text)."""
    data = _as_json_dict(result, "footprint result")
    if data.get("ok") is False:
        raise ValueError(f"footprint result is not usable: {data.get('error') or 'no feet'}")
    feet = data.get("feet")
    if not isinstance(feet, list) or not feet:
        raise ValueError("footprint result holds no feet to store")
    source = data.get("image") or ""
    return [foot_row(foot, source=str(source), index=i) for i, foot in enumerate(feet)]


def foot_row(foot: Any, *, source: str = "", index: int = 0) -> dict:
    """Validate one foot (the ``feet[i]`` object of the footprint JSON)."""
    what = f"feet[{index}]"
    if not isinstance(foot, Mapping):
        raise ValueError(f"{what} must be an object")
    side = foot.get("side")
    if side not in ("left", "right"):
        raise ValueError(f"{what}.side must be 'left' or 'right', got {side!r}")
    category = foot.get("category")
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"{what}.category must be one of {CATEGORIES}, got {category!r}")
    quality = foot.get("quality") or {}
    issues = quality.get("issues", []) if isinstance(quality, Mapping) else None
    if not isinstance(issues, list) or not all(isinstance(i, str) for i in issues):
        raise ValueError(f"{what}.quality.issues must be a list of codes")
    reading = foot.get("age_reading")
    if reading is not None and not isinstance(reading, str):
        raise ValueError(f"{what}.age_reading must be text or null")
    reference = foot.get("reference")
    if reference is not None and not isinstance(reference, str):
        raise ValueError(f"{what}.reference must be text or null")
    geometry = foot.get("geometry")
    if geometry is not None and not isinstance(geometry, Mapping):
        raise ValueError(f"{what}.geometry must be an object or null")
    row = {"side": side, "category": category, "age_reading": reading, "reference": reference,
           "geometry": None if geometry is None else json.dumps(plain_json(geometry)),
           "arch_index": _number(foot.get("arch_index"), f"{what}.arch_index", lo=0, hi=1,
                                 optional=False),
           "quality_score": _number(quality.get("score"), f"{what}.quality.score", lo=0, hi=1),
           "quality_issues": json.dumps(issues), "source": source}
    for key in ("staheli_index", "chippaux_smirak_index", "clarke_angle_deg"):
        row[key] = _number(foot.get(key), f"{what}.{key}")
    for key in ("length_mm", "width_mm"):
        row[key] = _number(foot.get(key), f"{what}.{key}", lo=0)
    return row


def exercise_row(report: Any) -> dict:
    """Column values from an ``ExerciseReport`` (object, dict or JSON text)."""
    data = _as_json_dict(report, "exercise report")
    exercise = data.get("exercise")
    if not isinstance(exercise, str) or not exercise.strip():
        raise ValueError(f"exercise report must name its exercise, got {exercise!r}")
    verdict = data.get("verdict")
    if verdict not in VERDICTS:
        raise ValueError(f"exercise report verdict must be one of {VERDICTS}, got {verdict!r}")
    faults = data.get("faults", [])
    if not isinstance(faults, list) or not all(isinstance(f, Mapping) for f in faults):
        raise ValueError("exercise report faults must be a list of objects")
    codes = sorted({str(f.get("code", "")) for f in faults} - {""})
    try:
        text = json.dumps(plain_json(data), allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"exercise report cannot be stored as JSON: {exc}") from None
    return {"exercise": exercise.strip(), "verdict": verdict, "report": text,
            "faults": ",".join(codes)}


def check_notes(notes: Any) -> str:
    """Notes on a measurement: text of at most :data:`NOTES_MAX` characters."""
    if not isinstance(notes, str):
        raise ValueError(f"notes must be text, got {notes!r}")
    text = unicodedata.normalize("NFC", notes).strip()
    if len(text) > NOTES_MAX:
        raise ValueError(f"notes must be at most {NOTES_MAX} characters, got {len(text)}")
    return text


def session_values(kind: Any, duration_s: Any, steps_done: Iterable[Any], notes: Any) -> dict:
    if kind not in SESSION_KINDS:
        raise ValueError(f"session kind must be one of {SESSION_KINDS}, got {kind!r}")
    duration = _number(duration_s, "duration_s", lo=0, hi=MAX_SESSION_S, optional=False)
    if isinstance(steps_done, str):
        raise ValueError("steps_done must be a list of step ids, not one string")
    steps = [str(s) for s in steps_done]
    if not isinstance(notes, str):
        raise ValueError(f"notes must be text, got {notes!r}")
    return {"kind": kind, "duration_s": duration, "steps_done": json.dumps(steps),
            "notes": notes}


def screening_values(answers: Any, outcome: Any) -> dict:
    """``answers`` maps question id to bool; ``outcome`` is a ``ScreeningOutcome``, a dict
    with ``status``/``reasons`` or a bare status string."""
    if not isinstance(answers, Mapping) or not all(
            isinstance(k, str) and isinstance(v, bool) for k, v in answers.items()):
        raise ValueError("screening answers must map question ids to true/false")
    if isinstance(outcome, str):
        status, reasons = outcome, []
    elif isinstance(outcome, Mapping):
        status, reasons = outcome.get("status"), outcome.get("reasons", [])
    else:
        status, reasons = getattr(outcome, "status", None), getattr(outcome, "reasons", ())
    if isinstance(reasons, str) or not isinstance(reasons, list | tuple):
        raise ValueError(f"screening reasons must be a list of sentences, got {reasons!r}")
    if status not in SCREENING_STATUS:
        raise ValueError(f"screening status must be one of {SCREENING_STATUS}, got {status!r}")
    return {"answers": json.dumps(dict(answers), sort_keys=True), "status": status,
            "reasons": json.dumps([str(r) for r in reasons])}
