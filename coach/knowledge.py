"""Routine knowledge: age bands, techniques, session conditions, screening items, references.

All of it lives in ``coach/data/*.toml`` and is loaded and validated once
(:func:`load_knowledge` is cached). A broken file raises ``ValueError`` naming the file and
the entry, so a typo in the data never reaches a parent as a half-built plan.

Conventions
-----------
- Ages are months (float). A band covers ``from_months <= age < to_months``; the last band
  also includes its upper edge, :data:`MAX_AGE_MONTHS` (8 years).
- Durations are whole seconds (``seconds``) for both feet or legs together; a band's steps add
  up to exactly ``minutes * 60``.
- Repetitions are ranges (``RepRange``) with what they count (``per``).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_AGE_MONTHS = 96.0
KINDS = ("stroking", "rubbing", "kneading", "tapping", "reflex", "passive", "active", "massage")
REP_UNITS = ("foot", "leg", "session", "movement")
CONTRA_KINDS = ("temporary", "absolute")
ASKED = ("daily", "lasting")    # asked again every day / may be confirmed as unchanged


@dataclass(frozen=True)
class RepRange:
    """Repetitions ``low``-``high`` counted per ``per`` (foot, leg, session or movement)."""

    low: int
    high: int
    per: str = "session"

    @property
    def text(self) -> str:
        count = str(self.low) if self.low == self.high else f"{self.low}-{self.high}"
        unit = {"foot": " on each foot", "leg": " on each leg",
                "movement": " for each movement", "session": ""}[self.per]
        return f"{count} times{unit}"

    def to_json(self) -> dict:
        return {"low": self.low, "high": self.high, "per": self.per, "text": self.text}


@dataclass(frozen=True)
class Technique:
    id: str
    title: str
    kind: str
    purpose: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class BandStep:
    """One dosed use of a technique inside a band or an adaptation rule."""

    technique: str
    seconds: int
    reps: RepRange | None = None
    first_reps: RepRange | None = None
    note: str | None = None


@dataclass(frozen=True)
class AgeBand:
    id: str
    label: str
    from_months: float
    to_months: float
    minutes: int
    summary: str
    steps: tuple[BandStep, ...]
    includes_upper: bool = False

    def contains(self, age_months: float) -> bool:
        if self.includes_upper:
            return self.from_months <= age_months <= self.to_months
        return self.from_months <= age_months < self.to_months


@dataclass(frozen=True)
class Condition:
    id: str
    topic: str
    text: str
    resolution: str | None = None
    from_months: float = 0.0
    to_months: float = math.inf

    def applies(self, age_months: float) -> bool:
        return self.from_months <= age_months < self.to_months


@dataclass(frozen=True)
class Contraindication:
    """A screening item. ``advice`` is when to retry (temporary) or whom to see (absolute);
    ``asked`` is "daily" (can change from one day to the next: asked every day) or
    "lasting" (a long-term condition: may be confirmed as unchanged, see coach.screening)."""

    id: str
    kind: str
    name: str
    question: str
    advice: str
    asked: str = "daily"


@dataclass(frozen=True)
class Reference:
    id: str
    citation: str
    finding: str


@dataclass(frozen=True)
class AdaptationRule:
    id: str
    text: str
    references: tuple[str, ...]
    add: tuple[BandStep, ...] = ()
    min_age_months: float = 0.0
    because: str | None = None     # short reason shown with each added step


@dataclass(frozen=True)
class Knowledge:
    bands: tuple[AgeBand, ...]
    techniques: dict[str, Technique]
    conditions: tuple[Condition, ...]
    contraindications: tuple[Contraindication, ...]
    references: dict[str, Reference]
    rules: dict[str, AdaptationRule]

    def band_for_age(self, age_months: float) -> AgeBand:
        age = check_age(age_months)
        for band in self.bands:
            if band.contains(age):
                return band
        raise AssertionError(f"no band for {age} months (validated data should cover it)")

    def conditions_for_age(self, age_months: float) -> tuple[Condition, ...]:
        age = check_age(age_months)
        return tuple(c for c in self.conditions if c.applies(age))


def check_age(age_months: Any) -> float:
    """Return ``age_months`` as a float, or raise ValueError for a value outside 0..96."""
    if isinstance(age_months, bool) or not isinstance(age_months, (int, float)):
        raise ValueError(f"age_months must be a number, got {age_months!r}")
    age = float(age_months)
    if not math.isfinite(age) or age < 0 or age > MAX_AGE_MONTHS:
        raise ValueError(f"age_months must be between 0 and {MAX_AGE_MONTHS:g} "
                         f"(birth to 8 years), got {age_months!r}")
    return age


# --------------------------------------------------------------------------- parsing helpers

def _get(entry: dict, key: str, types, where: str, default: Any = ...) -> Any:
    if key not in entry:
        if default is ...:
            raise ValueError(f"{where}: missing '{key}'")
        return default
    value = entry[key]
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise ValueError(f"{where}: '{key}' has the wrong type ({value!r})")
    if not isinstance(value, types):
        raise ValueError(f"{where}: '{key}' has the wrong type ({value!r})")
    if isinstance(value, str) and not value.strip():
        raise ValueError(f"{where}: '{key}' is empty")
    return value


def _reps(raw: Any, per: str, where: str) -> RepRange | None:
    if raw is None:
        return None
    ok = (isinstance(raw, list) and len(raw) == 2
          and all(isinstance(v, int) and not isinstance(v, bool) for v in raw)
          and 0 < raw[0] <= raw[1])
    if not ok:
        raise ValueError(f"{where}: reps must be [low, high] with 0 < low <= high, got {raw!r}")
    if per not in REP_UNITS:
        raise ValueError(f"{where}: per must be one of {REP_UNITS}, got {per!r}")
    return RepRange(raw[0], raw[1], per)


def _band_step(raw: dict, where: str, techniques: dict[str, Technique]) -> BandStep:
    tech = _get(raw, "technique", str, where)
    if tech not in techniques:
        raise ValueError(f"{where}: unknown technique '{tech}'")
    seconds = _get(raw, "seconds", int, where)
    if seconds <= 0:
        raise ValueError(f"{where}: seconds must be positive, got {seconds}")
    per = _get(raw, "per", str, where, "session")
    return BandStep(
        technique=tech,
        seconds=seconds,
        reps=_reps(raw.get("reps"), per, where),
        first_reps=_reps(raw.get("first_reps"), per, where),
        note=_get(raw, "note", str, where, None),
    )


def _read(data_dir: Path, name: str) -> dict:
    path = data_dir / name
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ValueError(f"{name}: file missing in {data_dir}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{name}: not valid TOML ({exc})") from None


# --------------------------------------------------------------------------- per-file loaders

def _load_techniques(data_dir: Path) -> dict[str, Technique]:
    out = {}
    for tid, raw in _read(data_dir, "techniques.toml").get("technique", {}).items():
        where = f"techniques.toml: technique '{tid}'"
        kind = _get(raw, "kind", str, where)
        if kind not in KINDS:
            raise ValueError(f"{where}: kind must be one of {KINDS}, got {kind!r}")
        steps = _get(raw, "steps", list, where)
        if not steps or not all(isinstance(s, str) and s.strip() for s in steps):
            raise ValueError(f"{where}: steps must be a non-empty list of sentences")
        out[tid] = Technique(tid, _get(raw, "title", str, where), kind,
                             _get(raw, "purpose", str, where), tuple(steps))
    if not out:
        raise ValueError("techniques.toml: no techniques")
    return out


def _check_band_order(band: AgeBand, techniques: dict[str, Technique], where: str) -> None:
    ids = [s.technique for s in band.steps]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{where}: a technique appears twice (step ids must be unique)")
    kinds = [techniques[s.technique].kind for s in band.steps]
    if kinds[0] != "stroking" or kinds[-1] != "stroking":
        raise ValueError(f"{where}: a routine must open and close with a stroking step")
    total = sum(s.seconds for s in band.steps)
    if total != band.minutes * 60:
        raise ValueError(f"{where}: steps add up to {total} s, not minutes * 60 = "
                         f"{band.minutes * 60} s")


def _load_bands(data_dir: Path, techniques: dict[str, Technique]) -> tuple[AgeBand, ...]:
    bands = []
    raw_bands = _read(data_dir, "bands.toml").get("band", [])
    for i, raw in enumerate(raw_bands):
        where = f"bands.toml: band '{raw.get('id', i)}'"
        raw_steps = _get(raw, "steps", list, where)
        if not raw_steps:
            raise ValueError(f"{where}: no steps")
        band = AgeBand(
            id=_get(raw, "id", str, where),
            label=_get(raw, "label", str, where),
            from_months=float(_get(raw, "from_months", (int, float), where)),
            to_months=float(_get(raw, "to_months", (int, float), where)),
            minutes=_get(raw, "minutes", int, where),
            summary=_get(raw, "summary", str, where),
            steps=tuple(_band_step(s, f"{where} step {j + 1}", techniques)
                        for j, s in enumerate(raw_steps)),
            includes_upper=i == len(raw_bands) - 1,
        )
        _check_band_order(band, techniques, where)
        bands.append(band)
    _check_coverage(bands)
    return tuple(bands)


def _check_coverage(bands: list[AgeBand]) -> None:
    if not bands:
        raise ValueError("bands.toml: no bands")
    ids = [b.id for b in bands]
    if len(set(ids)) != len(ids):
        raise ValueError(f"bands.toml: duplicate band ids in {ids}")
    edge = 0.0
    for band in bands:
        if band.from_months != edge or band.to_months <= band.from_months:
            raise ValueError(f"bands.toml: band '{band.id}' must start at {edge:g} months "
                             f"and end after it (got {band.from_months:g}-{band.to_months:g})")
        edge = band.to_months
    if edge != MAX_AGE_MONTHS:
        raise ValueError(f"bands.toml: bands end at {edge:g} months, not {MAX_AGE_MONTHS:g}")


def _load_conditions(data_dir: Path) -> tuple[Condition, ...]:
    out = []
    for i, raw in enumerate(_read(data_dir, "conditions.toml").get("condition", [])):
        where = f"conditions.toml: condition '{raw.get('id', i)}'"
        out.append(Condition(
            id=_get(raw, "id", str, where),
            topic=_get(raw, "topic", str, where),
            text=_get(raw, "text", str, where),
            resolution=_get(raw, "resolution", str, where, None),
            from_months=float(_get(raw, "from_months", (int, float), where, 0.0)),
            to_months=float(_get(raw, "to_months", (int, float), where, math.inf)),
        ))
    if len({c.id for c in out}) != len(out):
        raise ValueError("conditions.toml: duplicate condition ids")
    return tuple(out)


def _load_contraindications(data_dir: Path) -> tuple[Contraindication, ...]:
    out = []
    for i, raw in enumerate(_read(data_dir, "contraindications.toml").get("item", [])):
        where = f"contraindications.toml: item '{raw.get('id', i)}'"
        kind = _get(raw, "kind", str, where)
        if kind not in CONTRA_KINDS:
            raise ValueError(f"{where}: kind must be one of {CONTRA_KINDS}, got {kind!r}")
        advice_key = "retry" if kind == "temporary" else "advice"
        question = _get(raw, "question", str, where)
        if not question.rstrip().endswith("?"):
            raise ValueError(f"{where}: the question must end with '?'")
        asked = _get(raw, "asked", str, where, "daily")
        if asked not in ASKED:
            raise ValueError(f"{where}: asked must be one of {ASKED}, got {asked!r}")
        out.append(Contraindication(_get(raw, "id", str, where), kind,
                                    _get(raw, "name", str, where), question,
                                    _get(raw, advice_key, str, where), asked))
    if len({c.id for c in out}) != len(out):
        raise ValueError("contraindications.toml: duplicate item ids")
    if {c.kind for c in out} != set(CONTRA_KINDS):
        raise ValueError("contraindications.toml: needs both temporary and absolute items")
    return tuple(out)


def _load_references(data_dir: Path) -> dict[str, Reference]:
    out = {}
    for rid, raw in _read(data_dir, "references.toml").get("reference", {}).items():
        where = f"references.toml: reference '{rid}'"
        out[rid] = Reference(rid, _get(raw, "citation", str, where),
                             _get(raw, "finding", str, where))
    return out


def _load_rules(data_dir: Path, techniques: dict[str, Technique],
                references: dict[str, Reference]) -> dict[str, AdaptationRule]:
    out = {}
    for rid, raw in _read(data_dir, "adaptations.toml").get("rule", {}).items():
        where = f"adaptations.toml: rule '{rid}'"
        refs = tuple(_get(raw, "references", list, where))
        unknown = [r for r in refs if r not in references]
        if not refs or unknown:
            raise ValueError(f"{where}: needs known references, unknown: {unknown}")
        add = tuple(_band_step(s, f"{where} add {j + 1}", techniques)
                    for j, s in enumerate(_get(raw, "add", list, where, [])))
        because = _get(raw, "because", str, where, None)
        if add and not because:
            raise ValueError(f"{where}: a rule that adds steps needs 'because'")
        out[rid] = AdaptationRule(rid, _get(raw, "text", str, where), refs, add,
                                  float(_get(raw, "min_age_months", (int, float), where, 0.0)),
                                  because)
    return out


def load_knowledge_from(data_dir: str | Path) -> Knowledge:
    """Load and validate every data file in ``data_dir`` (uncached; for tests and tools).

    Raises
    ------
    ValueError
        Naming the file and entry that is missing, mistyped or inconsistent.
    """
    data_dir = Path(data_dir)
    techniques = _load_techniques(data_dir)
    references = _load_references(data_dir)
    return Knowledge(
        bands=_load_bands(data_dir, techniques),
        techniques=techniques,
        conditions=_load_conditions(data_dir),
        contraindications=_load_contraindications(data_dir),
        references=references,
        rules=_load_rules(data_dir, techniques, references),
    )


@lru_cache(maxsize=1)
def load_knowledge() -> Knowledge:
    """The packaged knowledge, loaded and validated once per process.

    Examples
    --------
    >>> load_knowledge().band_for_age(2).label
    '1.5 to 3 months'
    """
    return load_knowledge_from(DATA_DIR)


def band_for_age(age_months: float) -> AgeBand:
    """The age band for ``age_months`` (0..96; lower edges inclusive, upper exclusive).

    Examples
    --------
    >>> band_for_age(1.5).id, band_for_age(36).id, band_for_age(96).id
    ('infant_1_5m', 'child', 'child')
    """
    return load_knowledge().band_for_age(age_months)
