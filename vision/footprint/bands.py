"""The clinical reference bands for footprint readings, loaded once from ``bands.toml``.

This module is the only loader of the bands; the reading (:mod:`vision.footprint.reading`),
the overlay, the app pages, the PDF and the coach's plan all read the values it returns.
``bands.toml`` (next to this file) states the choices made where sources overlap or are
silent.

Conventions: ages are months, a band covers ``from_months <= age < to_months``. A
:class:`Cutoff` on the ``flat`` side means a flat-looking print above the value (at or above
when ``inclusive``); on the ``high`` side, a high-arched print below it (at or below when
``inclusive``). The Chippaux-Smirak index is in % (0-100); the other indices are ratios.

Examples
--------
>>> [b.id for b in bands_at(48)]
['staheli_3_6', 'csi_3_6']
>>> bands_for_age(24) is None
True
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

Category = Literal["high", "normal", "flat"]
Metric = Literal["arch_index", "staheli_index", "chippaux_smirak_index"]

__all__ = ["Band", "BandRect", "BandTable", "Cutoff", "Source", "AgeBands", "METRICS",
           "BANDS_FILE", "load_bands", "bands_at", "adult_bands", "bands_for_age",
           "chart_bands", "validate_bands", "json_round"]

BANDS_FILE = Path(__file__).with_name("bands.toml")

#: Valid range of each metric (chart axes stop here); CSI in %.
METRICS: dict[str, tuple[float, float]] = {
    "arch_index": (0.0, 1.0), "staheli_index": (0.0, 5.0),
    "chippaux_smirak_index": (0.0, 100.0)}


@dataclass(frozen=True)
class Source:
    """A cited source: ``citation`` (authors, journal, year) and what it is used for."""

    id: str
    citation: str
    scope: str


@dataclass(frozen=True)
class Cutoff:
    """One cut-off value; ``inclusive`` says whether the value itself is past the cut-off."""

    value: float
    inclusive: bool


@dataclass(frozen=True)
class Band:
    """The reference band of one metric over one age range (months)."""

    id: str
    metric: Metric
    ages: str
    from_months: float
    to_months: float
    source: Source
    flat: Cutoff | None = None
    high: Cutoff | None = None

    def covers(self, age_months: float) -> bool:
        return self.from_months <= age_months < self.to_months

    def is_flat(self, value: float) -> bool:
        c = self.flat
        return c is not None and (value >= c.value if c.inclusive else value > c.value)

    def is_high(self, value: float) -> bool:
        c = self.high
        return c is not None and (value <= c.value if c.inclusive else value < c.value)

    def classify(self, value: float) -> Category:
        """The band's label for an (unrounded) index value."""
        if self.is_flat(value):
            return "flat"
        if self.is_high(value):
            return "high"
        return "normal"

    @property
    def cutoffs(self) -> tuple[Cutoff, ...]:
        return tuple(c for c in (self.high, self.flat) if c is not None)

    @property
    def reference(self) -> str:
        """Source and scope, e.g. ``"Banwell et al., J Foot Ankle Res 2018 (Staheli index,
        3 to 6 years)"``."""
        return f"{self.source.citation} ({METRIC_NAMES[self.metric]}, {self.ages})"


METRIC_NAMES = {"arch_index": "arch index", "staheli_index": "Staheli index",
                "chippaux_smirak_index": "Chippaux-Smirak index"}


@dataclass(frozen=True)
class BandRect:
    """One shaded rectangle of a chart: ``category`` over ages ``[from_months, to_months)``
    and index values ``[lo, hi]`` of ``metric``."""

    metric: Metric
    category: Category
    from_months: float
    to_months: float
    lo: float
    hi: float
    band_id: str
    reference: str


@dataclass(frozen=True)
class AgeBands:
    """What applies at one age: the bands (one per metric) and the sources, in words."""

    age_months: float
    bands: tuple[Band, ...]

    @property
    def metrics(self) -> tuple[Metric, ...]:
        return tuple(b.metric for b in self.bands)

    @property
    def reference(self) -> str:
        """The sources of these bands, each with its metric and age range."""
        by_source: dict[str, list[str]] = {}
        for b in self.bands:
            by_source.setdefault(b.source.citation, []).append(
                f"{METRIC_NAMES[b.metric]}, {b.ages}")
        return "; ".join(f"{cit} ({'; '.join(parts)})" for cit, parts in by_source.items())

    def rects(self, y_max: dict[str, float] | None = None) -> tuple[BandRect, ...]:
        """The category rectangles at this age (ages = the band's own range)."""
        return tuple(r for b in self.bands for r in _band_rects(b, b.from_months,
                                                                b.to_months, y_max))


@dataclass(frozen=True)
class BandTable:
    """Every band, the sources and the age limits (months) of ``bands.toml``."""

    bands: tuple[Band, ...]
    sources: dict[str, Source]
    first_print_months: float
    first_label_months: float
    adult_months: float


def _num(raw, what: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or math.isnan(raw):
        raise ValueError(f"bands.toml: {what} must be a number, got {raw!r}")
    return float(raw)


def _cutoff(raw, metric: str, what: str) -> Cutoff | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"value", "inclusive"}:
        raise ValueError(f"bands.toml: {what} must be {{value, inclusive}}, got {raw!r}")
    value = _num(raw["value"], f"{what}.value")
    lo, hi = METRICS[metric]
    if not lo < value < hi or not isinstance(raw["inclusive"], bool):
        raise ValueError(f"bands.toml: {what} = {raw!r} is out of range for {metric}")
    return Cutoff(value, raw["inclusive"])


def _band(raw: dict, sources: dict[str, Source], i: int) -> Band:
    what = f"band {raw.get('id', i)!r}"
    metric = raw.get("metric")
    if metric not in METRICS:
        raise ValueError(f"bands.toml: {what}: metric must be one of {tuple(METRICS)}")
    if raw.get("source") not in sources:
        raise ValueError(f"bands.toml: {what}: unknown source {raw.get('source')!r}")
    band = Band(str(raw["id"]), metric, str(raw["ages"]),
                _num(raw["from_months"], f"{what}.from_months"),
                _num(raw["to_months"], f"{what}.to_months"), sources[raw["source"]],
                _cutoff(raw.get("flat"), metric, f"{what}.flat"),
                _cutoff(raw.get("high"), metric, f"{what}.high"))
    if not 0 <= band.from_months < band.to_months:
        raise ValueError(f"bands.toml: {what}: from_months must be below to_months")
    if not band.cutoffs:
        raise ValueError(f"bands.toml: {what} has no cut-off")
    if band.flat and band.high and not band.high.value < band.flat.value:
        raise ValueError(f"bands.toml: {what}: the high cut-off must be below the flat one")
    return band


def validate_bands(data: dict) -> BandTable:
    """Check parsed ``bands.toml`` content and build the :class:`BandTable`.

    Raises ``ValueError`` naming the bad entry: unknown metric or source, a cut-off out of
    the metric's range, two bands of one metric over the same age, a band that starts before
    the first label age.
    """
    try:
        sources = {k: Source(k, str(v["citation"]), str(v["scope"]))
                   for k, v in data["source"].items()}
        limits = data["limits"]
        table = BandTable(tuple(_band(b, sources, i) for i, b in enumerate(data["band"])),
                          sources, _num(limits["first_print_months"], "first_print_months"),
                          _num(limits["first_label_months"], "first_label_months"),
                          _num(limits["adult_months"], "adult_months"))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"bands.toml: missing or malformed entry {exc}") from None
    if len({b.id for b in table.bands}) != len(table.bands):
        raise ValueError("bands.toml: band ids must be unique")
    for metric in METRICS:
        spans = sorted((b.from_months, b.to_months, b.id) for b in table.bands
                       if b.metric == metric)
        for (_, end, a), (start, _, b) in zip(spans, spans[1:], strict=False):
            if start < end:
                raise ValueError(f"bands.toml: bands {a!r} and {b!r} overlap")
    if any(b.from_months < table.first_label_months for b in table.bands):
        raise ValueError("bands.toml: a band starts before first_label_months")
    if not any(b.from_months <= table.adult_months < b.to_months for b in table.bands):
        raise ValueError("bands.toml: no band covers adult_months")
    return table


@cache
def load_bands() -> BandTable:
    """The validated band table (read once per process)."""
    with BANDS_FILE.open("rb") as fh:
        return validate_bands(tomllib.load(fh))


def bands_at(age_months: float) -> tuple[Band, ...]:
    """Every band that applies at ``age_months`` (one per metric at most)."""
    return tuple(b for b in load_bands().bands if b.covers(float(age_months)))


def adult_bands() -> tuple[Band, ...]:
    """The adult bands (used for adults, and when no age is given)."""
    return bands_at(load_bands().adult_months)


def bands_for_age(age_months: float | None) -> AgeBands | None:
    """What the History chart draws (and the reading uses) at ``age_months``.

    Parameters
    ----------
    age_months : float or None
        Age at the date the print was taken. None means "no age given": the adult bands.

    Returns
    -------
    AgeBands or None
        None under 3 years (no label: trend only) and at ages no source covers (16 to 18
        years); otherwise the bands, one per metric (children from 3 years: Staheli and/or
        Chippaux-Smirak; adults: arch index). ``.rects()`` gives the rectangles to shade.
    """
    bands = adult_bands() if age_months is None else bands_at(age_months)
    if not bands:
        return None
    return AgeBands(float(load_bands().adult_months if age_months is None else age_months),
                    bands)


def _band_rects(band: Band, start: float, end: float,
                y_max: dict[str, float] | None) -> list[BandRect]:
    lo, hi = METRICS[band.metric]
    hi = (y_max or {}).get(band.metric, hi)
    edges = [lo] + [c.value for c in band.cutoffs] + [hi]
    cats: list[Category] = (["high"] if band.high else []) + ["normal"] + (
        ["flat"] if band.flat else [])
    return [BandRect(band.metric, cat, start, end, a, b, band.id, band.reference)
            for cat, a, b in zip(cats, edges[:-1], edges[1:], strict=True) if b > a]


def chart_bands(metric: str, from_months: float, to_months: float, *,
                y_max: float | None = None) -> tuple[BandRect, ...]:
    """Rectangles to shade on a chart of ``metric`` against age over
    ``[from_months, to_months)``: each band clipped to that span, nothing where no band
    applies (under 3 years, 16 to 18 years). ``y_max`` caps the top rectangle."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {tuple(METRICS)}, got {metric!r}")
    out: list[BandRect] = []
    for b in load_bands().bands:
        start, end = max(b.from_months, from_months), min(b.to_months, to_months)
        if b.metric == metric and start < end:
            out += _band_rects(b, start, end, None if y_max is None else {metric: y_max})
    return tuple(out)


def json_round(value: float, metric: str, digits: int) -> float:
    """``value`` rounded to ``digits`` decimals, or more where the rounded number would fall
    on the other side of (or onto) any cut-off of ``metric``: a stored value read again
    gives the label the unrounded one got, at every age."""
    v = float(value)
    cuts = [c.value for b in load_bands().bands if b.metric == metric for c in b.cutoffs]
    r = round(v, digits)
    while digits < 12 and any((r > c) != (v > c) or (r < c) != (v < c) for c in cuts):
        digits += 1
        r = round(v, digits)
    return r
