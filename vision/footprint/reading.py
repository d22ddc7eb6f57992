"""One age-aware reading per foot: the label, its source, and the sentence that explains it.

:func:`read_foot` makes the :class:`Reading` of one foot from its indices and the child's age
at the date the print was taken. Every renderer shows that object as it is: the overlay
(:attr:`Reading.short_text`), the app's indices table and History chart, the PDF and the CSV
(:func:`csv_fields`). The bands come from :mod:`vision.footprint.bands` (``bands.toml``):

- no age given: adult arch-index bands, and ``reference`` says no age was given;
- under 12 months: no weight-bearing print yet, no label;
- 12 to 36 months: the value is recorded for the trend, no label;
- 3 to 16 years: children's Staheli and Chippaux-Smirak cut-offs (Banwell 2018), "flat" when
  any index applying at that age crosses its cut-off, otherwise "normal";
- 16 to 18 years: no source covers it, no label;
- 18 years and over: adult arch-index bands (Cavanagh & Rodgers 1987).

The label is decided on the unrounded values. Each value is printed with as many digits as
it takes for the printed number, judged by the same band, to give the same label (an arch
index a hair above a cut-off gets a fourth digit), so no sentence contradicts the number it
cites. A reading
describes a measurement; it is never a diagnosis.

Examples
--------
>>> from types import SimpleNamespace as NS
>>> r = read_foot(NS(arch_index=0.205, staheli_index=0.7, chippaux_smirak_index=30.0), 40 * 12)
>>> r.category, r.short_text
('high', 'AI 0.205 high arch')
>>> read_foot(NS(arch_index=0.35, staheli_index=1.3, chippaux_smirak_index=80.0), 24).category
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from vision.footprint.bands import METRIC_NAMES, Band, Category, bands_for_age, load_bands

__all__ = ["Reading", "Finding", "read_foot", "csv_fields", "value_text", "LABEL_WORDS",
           "DEFAULT_DIGITS"]

#: Digits an index is printed with when the label does not need more.
DEFAULT_DIGITS = {"arch_index": 3, "staheli_index": 2, "chippaux_smirak_index": 1}
MAX_DIGITS = 6                   # more digits than any measurement carries
SHORT_NAMES = {"arch_index": "AI", "staheli_index": "Staheli", "chippaux_smirak_index": "C-S"}
UNITS = {"chippaux_smirak_index": " %"}
#: Words for each label, as the overlay, the table and the PDF print them.
LABEL_WORDS = {"high": "high arch", "normal": "normal", "flat": "flat"}
_NOT_DIAGNOSIS = "This is a measurement, not a diagnosis."


@dataclass(frozen=True)
class Finding:
    """One index read against its band.

    ``value`` is unrounded; ``value_text`` is printed with the digits the label needs;
    ``text`` is a clause such as "Staheli index V is above the cut-off of C for 3 to 6 years"
    whose comparison is true for the value and for the printed number.
    """

    metric: str
    value: float
    category: Category
    band: Band
    value_text: str
    text: str


@dataclass(frozen=True)
class Reading:
    """The one reading of one foot (see the module docstring for the age rules).

    category : "high" | "normal" | "flat" | None (None where no band applies).
    reference : the source of the band (or why none applies), as the JSON and CSV carry it.
    sentence : the plain-language reading (JSON ``age_reading``), naming its source.
    label : words for the category, or why there is none ("no label: under 3 years").
    findings : one per index read (empty where no band applies).
    values : the unrounded indices the reading was made from.
    """

    age_months: float | None
    category: Category | None
    reference: str
    sentence: str
    label: str
    findings: tuple[Finding, ...]
    values: Mapping[str, float]

    @property
    def deciding(self) -> Finding | None:
        """The finding that gives the label (the first flat one, else the first)."""
        flat = [f for f in self.findings if f.category == self.category]
        return flat[0] if flat else (self.findings[0] if self.findings else None)

    def value_text(self, metric: str) -> str:
        """``metric``'s value printed with the digits this reading needs (no unit)."""
        for f in self.findings:
            if f.metric == metric:
                return f.value_text
        value = self.values.get(metric)
        return "–" if value is None else value_text(value, metric)

    @property
    def short_text(self) -> str:
        """The overlay's label: the deciding index with enough digits, then the label."""
        f = self.deciding
        metric = f.metric if f else "arch_index"
        unit = UNITS.get(metric, "")
        return f"{SHORT_NAMES[metric]} {self.value_text(metric)}{unit} {self.label}"

    def to_json(self) -> dict:
        """The JSON fields of the contract: ``category``, ``reference``, ``age_reading``."""
        return {"category": self.category, "reference": self.reference,
                "age_reading": self.sentence}


def _finite(x, name: str) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {x!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return v


def value_text(value: float, metric: str, band: Band | None = None) -> str:
    """``value`` printed with the metric's default digits, or more when, judged by ``band``,
    the printed number would get another label or sit on another side of (or on) a cut-off
    than the unrounded value (up to ``MAX_DIGITS``)."""
    digits = DEFAULT_DIGITS[metric]
    if band is not None:
        def seen(x: float) -> tuple:
            return band.classify(x), tuple((x > c.value) - (x < c.value) for c in band.cutoffs)

        want = seen(value)
        while digits < MAX_DIGITS and seen(float(f"{value:.{digits}f}")) != want:
            digits += 1
    return f"{value:.{digits}f}"


def _num_text(x: float, metric: str) -> str:
    return f"{x:g}{UNITS.get(metric, '')}"


def _relation(value: float, cut: float) -> str:
    return "above" if value > cut else "below" if value < cut else "at"


def _adult_finding(band: Band, value: float) -> Finding:
    vt = value_text(value, band.metric, band)
    cat = band.classify(value)
    hi, fl = band.high, band.flat
    if cat == "high":
        rule = f"{hi.value:g} or less" if hi.inclusive else f"below {hi.value:g}"
        text = (f"{vt} is {_relation(value, hi.value)} {hi.value:g}: the high-arch range "
                f"({rule})")
    elif cat == "flat":
        rule = f"{fl.value:g} or more" if fl.inclusive else f"above {fl.value:g}"
        text = (f"{vt} is {_relation(value, fl.value)} {fl.value:g}: the low-arch (flat) "
                f"range ({rule})")
    else:
        text = f"{vt} is between {hi.value:g} and {fl.value:g}: the usual range"
    return Finding(band.metric, value, cat, band, vt, f"Arch index {text} for {band.ages}")


def _child_finding(band: Band, value: float) -> Finding:
    vt = value_text(value, band.metric, band)
    cut = band.flat
    cat = band.classify(value)
    name, unit = METRIC_NAMES[band.metric], UNITS.get(band.metric, "")
    text = (f"{name[0].upper()}{name[1:]} {vt}{unit} is {_relation(value, cut.value)} the "
            f"cut-off of {_num_text(cut.value, band.metric)} for {band.ages}")
    if value == cut.value:
        text += " (the cut-off itself counts as flat-looking)" if cut.inclusive else (
            " (flat-looking only above it)")
    return Finding(band.metric, value, cat, band, vt, text)


def _finding(band: Band, value: float) -> Finding:
    return _adult_finding(band, value) if band.high else _child_finding(band, value)


def _values(foot) -> dict[str, float]:
    """The indices of ``foot``; the arch index is required, a missing (None) Staheli or
    Chippaux-Smirak index is left out (older stored rows may lack them)."""
    get = foot.get if isinstance(foot, Mapping) else (lambda k: getattr(foot, k, None))
    out = {m: _finite(get(m), m) for m in DEFAULT_DIGITS
           if m == "arch_index" or get(m) is not None}
    if not 0.0 <= out["arch_index"] <= 1.0:
        raise ValueError(f"arch_index must be within 0..1, got {out['arch_index']}")
    return out


def _no_band(age: float, values: dict[str, float]) -> Reading:
    table = load_bands()
    ai = value_text(values["arch_index"], "arch_index")
    if age < table.first_print_months:
        return Reading(age, None, "no band before a child stands alone (about 12 to 15 "
                       "months)", "A footprint is not informative yet: children make a "
                       "weight-bearing print only once they stand alone, at about 12 to 15 "
                       "months. No label applies.", "no label: under 1 year", (), values)
    if age < table.first_label_months:
        bosch = table.sources["bosch2010"].citation
        return Reading(age, None, f"no band under 3 years: trend only ({bosch})",
                       f"Arch index {ai} recorded. Under 3 years the fat pad and supple "
                       f"ligaments fill the arch, so almost every print looks flat; no flat "
                       f"or normal label applies yet. Keep taking prints to follow the trend "
                       f"({bosch}: the arch index falls by about half between 15 months and "
                       f"10 years). {_NOT_DIAGNOSIS}", "no label: under 3 years (trend only)",
                       (), values)
    return Reading(age, None, "no band in footcoach's references for 16 to 18 years",
                   f"Arch index {ai} recorded. None of footcoach's references gives a band "
                   f"for 16 to 18 years, so no label is given; the adult bands apply from 18 "
                   f"years. {_NOT_DIAGNOSIS}", "no label: 16 to 18 years", (), values)


def read_foot(foot, age_months: float | None) -> Reading:
    """The reading of one foot.

    Parameters
    ----------
    foot : object or mapping
        Has ``arch_index`` (0..1), ``staheli_index`` and ``chippaux_smirak_index`` (%):
        a ``FootIndices``, a ``FootMeasurement``, a stored entry or a foot's JSON.
    age_months : float or None
        The child's age at the date the print was taken; None: adult bands, and the
        reference says no age was given.

    Returns
    -------
    Reading

    Raises
    ------
    ValueError
        A missing or non-finite index, an arch index outside 0..1, a negative age.
    """
    values = _values(foot)
    age = None if age_months is None else _finite(age_months, "age_months")
    if age is not None and age < 0:
        raise ValueError(f"age_months must be >= 0, got {age}")
    applying = bands_for_age(age)
    if applying is None:
        return _no_band(age, values)
    missing = [METRIC_NAMES[m] for m in applying.metrics if m not in values]
    if missing:
        return Reading(age, None, f"no reading: {' and '.join(missing)} not recorded",
                       f"The {' and '.join(missing)} of this print was not recorded, so the "
                       f"bands for this age cannot be read. {_NOT_DIAGNOSIS}",
                       "no label: index missing", (), values)
    findings = tuple(_finding(b, values[b.metric]) for b in applying.bands)
    cats = {f.category for f in findings}
    category: Category = "flat" if "flat" in cats else "high" if "high" in cats else "normal"
    reference = applying.reference
    lead = ""
    if age is None:
        reference += "; no age given, so the adult bands are used"
        lead = "No age was given, so the adult bands are used. "
    body = "; ".join(f.text for f in findings)
    sentence = f"{lead}{body}. Bands: {applying.reference}."
    if category == "flat" and age is not None and age < 72:
        pfeiffer = load_bands().sources["pfeiffer2006"].citation
        sentence += (f" Between 3 and 6 years the arch is still forming, so a flat-looking "
                     f"print is common ({pfeiffer}); the trend matters more than one print.")
    sentence += f" {_NOT_DIAGNOSIS}"
    return Reading(age, category, reference, sentence, LABEL_WORDS[category], findings,
                   values)


def csv_fields(foot, age_months: float | None) -> dict:
    """``category``, ``reference`` and ``age_reading`` for one CSV row (or JSON foot).

    ``foot`` is a stored footprint entry (or anything :func:`read_foot` takes) and
    ``age_months`` the child's age on the day the print was taken (``entry.age_months``).
    The values are the ones every page shows for this foot; ``category`` is None (an empty
    cell) where no band applies.
    """
    return read_foot(foot, age_months).to_json()
