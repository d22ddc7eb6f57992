"""Plain-language readings of footprint indices, with the reference each one uses.

The reference bands are those of ``shared/DESIGN.md`` (References for readings). A reading
describes a measurement; it is never a diagnosis, and each sentence names its source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vision.footprint.result import Category

if TYPE_CHECKING:  # pragma: no cover
    from vision.footprint.indices import FootIndices

__all__ = ["categorise", "age_reading", "flat_cutoffs", "FlatCutoffs", "FLAT_CUTOFFS",
           "HIGH_ARCH_MAX", "FLAT_ARCH_MIN"]

#: Adult arch-index bands (Cavanagh & Rodgers, J Biomech 1987).
HIGH_ARCH_MAX = 0.21
FLAT_ARCH_MIN = 0.26



@dataclass(frozen=True)
class FlatCutoffs:
    """Children's cut-offs for a flat-looking print over one age range (Banwell et al. 2018).

    A print looks flat when either index crosses its cut-off. ``staheli`` is None where the
    review gives no Staheli cut-off; ``*_inclusive`` says whether the cut-off value itself
    counts as flat. Ages are months, lower edge inclusive, upper edge exclusive; the
    Chippaux-Smirak cut-off is in %.
    """

    ages: str
    from_months: float
    to_months: float
    staheli: float | None
    staheli_inclusive: bool
    csi_pct: float
    csi_inclusive: bool

    def staheli_flat(self, staheli: float) -> bool:
        """True when the Staheli index crosses this range's cut-off."""
        if self.staheli is None:
            return False
        return staheli >= self.staheli if self.staheli_inclusive else staheli > self.staheli

    def csi_flat(self, csi_pct: float) -> bool:
        """True when the Chippaux-Smirak index (%) crosses this range's cut-off."""
        return csi_pct >= self.csi_pct if self.csi_inclusive else csi_pct > self.csi_pct


#: The one table of children's flat-print cut-offs; the coach's plan reads it too.
FLAT_CUTOFFS = (
    FlatCutoffs("3 to 6 years", 36.0, 72.0, 1.07, False, 62.7, False),
    FlatCutoffs("6 to 9 years", 72.0, 108.0, 1.28, True, 59.0, False),
    FlatCutoffs("9 to 16 years", 108.0, 192.0, None, False, 40.0, True),
)


def flat_cutoffs(age_months: float) -> FlatCutoffs | None:
    """The cut-offs for a child of ``age_months``; None under 36 months (no label yet) and
    from 192 months (the adult arch-index bands apply)."""
    return next((c for c in FLAT_CUTOFFS if c.from_months <= age_months < c.to_months), None)


_CR = "Cavanagh & Rodgers 1987 (adult arch-index bands)"
_BANWELL = "Banwell et al. 2018 (systematic review of children's reference values)"
_NOT_DIAGNOSIS = "This is a measurement, not a diagnosis."


def _finite(x, name: str) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {x!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return v


def categorise(arch_index: float) -> Category:
    """Adult arch-index band (Cavanagh & Rodgers, J Biomech 1987).

    ``<= 0.21`` high arch, ``>= 0.26`` flat (low arch), otherwise normal.

    Examples
    --------
    >>> categorise(0.18), categorise(0.23), categorise(0.30)
    ('high', 'normal', 'flat')
    """
    ai = _finite(arch_index, "arch_index")
    if not 0.0 <= ai <= 1.0:
        raise ValueError(f"arch_index must be within 0..1, got {ai}")
    if ai <= HIGH_ARCH_MAX:
        return "high"
    if ai >= FLAT_ARCH_MIN:
        return "flat"
    return "normal"


def _adult(ai: float) -> str:
    cat = categorise(ai)
    words = {"high": "in the high-arch range (0.21 or less)",
             "normal": "in the usual range (between 0.21 and 0.26)",
             "flat": "in the low-arch (flat) range (0.26 or more)"}[cat]
    return f"Arch index {ai:.2f} is {words} for adults, using {_CR}. {_NOT_DIAGNOSIS}"


def _child_3_6(staheli: float, csi: float) -> str:
    cut = FLAT_CUTOFFS[0]
    flat = cut.staheli_flat(staheli) or cut.csi_flat(csi)
    what = ("above the children's cut-off for a flat-looking print (Staheli above 1.07 or "
            "Chippaux-Smirak above 62.7 %)" if flat else
            "within the usual range for this age (Staheli up to 1.07, Chippaux-Smirak up to "
            "62.7 %)")
    return (f"Staheli {staheli:.2f} and Chippaux-Smirak {csi:.0f} % are {what}, using "
            f"{_BANWELL} for 3 to 6 years. Between 3 and 6 years the arch is still forming, so "
            f"a flat-looking print is common and the trend matters more than one print. "
            f"{_NOT_DIAGNOSIS}")


def _child_6_9(staheli: float, csi: float) -> str:
    cut = FLAT_CUTOFFS[1]
    flat = cut.staheli_flat(staheli) or cut.csi_flat(csi)
    what = ("above the cut-off for a flat-looking print (Staheli 1.28 or more, or "
            "Chippaux-Smirak above 59 %)" if flat else
            "within the usual range for this age (Staheli below 1.28, Chippaux-Smirak up to "
            "59 %)")
    return (f"Staheli {staheli:.2f} and Chippaux-Smirak {csi:.0f} % are {what}, using "
            f"{_BANWELL} for 6 to 9 years. {_NOT_DIAGNOSIS}")


def _child_9_16(csi: float) -> str:
    flat = FLAT_CUTOFFS[2].csi_flat(csi)
    what = ("at or above the 40 % cut-off for a flat-looking print" if flat else
            "below the 40 % cut-off for a flat-looking print")
    return (f"Chippaux-Smirak {csi:.0f} % is {what}, using {_BANWELL} for 9 to 16 years. "
            f"{_NOT_DIAGNOSIS}")


def age_reading(indices: FootIndices, age_months: float | None) -> str | None:
    """A sentence reading the indices against the reference band for the child's age.

    Parameters
    ----------
    indices : FootIndices
        Needs ``arch_index``, ``staheli_index`` and ``chippaux_smirak_index`` (%).
    age_months : float or None
        Age at the time of the print; None gives None (no age, no reading).

    Returns
    -------
    str or None
        Under 12 months: no weight-bearing print yet. 12-36 months: record and watch the trend,
        no flat/normal label. 3-6 y: Staheli > 1.07 or CSI > 62.7 % (Banwell 2018). 6-9 y:
        Staheli >= 1.28 or CSI > 59 % (Banwell 2018). 9-16 y: CSI >= 40 % (Banwell 2018).
        16 y and over: adult arch-index bands (Cavanagh & Rodgers 1987).
    """
    if age_months is None:
        return None
    age = _finite(age_months, "age_months")
    if age < 0:
        raise ValueError(f"age_months must be >= 0, got {age}")
    ai = _finite(indices.arch_index, "arch_index")
    staheli = _finite(indices.staheli_index, "staheli_index")
    csi = _finite(indices.chippaux_smirak_index, "chippaux_smirak_index")
    if age < 12:
        return ("A footprint is not informative yet: children make a weight-bearing print "
                "only once they stand alone, at about 12 to 15 months. Nothing to read here.")
    if age < 36:
        return (f"Arch index {ai:.2f} recorded. Under 3 years the fat pad and supple ligaments "
                f"fill the arch, so almost every print looks flat; no flat or normal label "
                f"applies yet. Keep taking prints to follow the trend (Bosch et al. 2010: the "
                f"arch index falls by about half between 15 months and 10 years). "
                f"{_NOT_DIAGNOSIS}")
    if age < 72:
        return _child_3_6(staheli, csi)
    if age < 108:
        return _child_6_9(staheli, csi)
    if age < 192:
        return _child_9_16(csi)
    return _adult(ai)
