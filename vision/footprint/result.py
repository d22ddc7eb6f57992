"""Typed results of footprint analysis.

Units are in the field names: ``_mm`` millimetres, ``_deg`` degrees, ``_px`` pixels of the
original photo as given (EXIF orientation applied, full resolution, before the pipeline's
own shrinking, rotation or sheet rectification; see :class:`vision.footprint.coords.PhotoMap`). Ratios (arch index, Staheli) are dimensionless; the
Chippaux-Smirak index is a percentage (0-100), as in the literature.

The JSON shape produced by :meth:`FootprintResult.to_json` is the one agreed in
``shared/DESIGN.md`` (``footcoach footprint --json``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from vision.footprint.coords import PhotoMap

Side = Literal["left", "right"]
Category = Literal["high", "normal", "flat"]
IgnoredKind = Literal["hand", "drawing", "text", "sticker", "overlap", "unknown"]
Box = tuple[float, float, float, float]          # x0, y0, x1, y1


@dataclass(frozen=True)
class Quality:
    """How far the numbers can be trusted.

    score : 0 (useless) .. 1 (clean print). Below about 0.5 the app asks for a retake.
    issues : short codes (``toes_cut_off``, ``touches_edge``, ``merged_feet``, ``smudged``,
        ``low_contrast``, ``blur``, ``not_paper_print``, ``no_scale``, ...).
    advice : one plain sentence per issue telling a parent how to retake the photo.
    checks : the measured checks the score is built from, as (name, value) pairs
        (dimensionless: shape-gate margin, assembly fit, edge contrast, ...; see
        :mod:`vision.footprint.quality`); for benches and debugging, not in the JSON.
    """

    score: float
    issues: tuple[str, ...] = ()
    advice: tuple[str, ...] = ()
    checks: tuple[tuple[str, float], ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class FootMeasurement:
    """One foot's print, measured with the toes removed.

    Coordinates (``box_px``, ``heel_px``, ``toe_px``, ``contour_px``) are (x, y) pixels of
    the original photo (see the module docstring).
    """

    side: Side
    arch_index: float                  # Cavanagh & Rodgers 1987, middle third / total area
    staheli_index: float               # narrowest midfoot / widest heel width
    chippaux_smirak_index: float       # narrowest midfoot / widest forefoot width, in %
    clarke_angle_deg: float            # degrees
    length_mm: float | None            # heel to longest toe along the axis; None without scale
    width_mm: float | None             # widest forefoot width; None without scale
    category: Category | None          # the age-aware label (reading.read_foot); None: none
    age_reading: str | None            # the reading's sentence, naming its reference
    quality: Quality
    heel_px: tuple[float, float] = (0.0, 0.0)
    toe_px: tuple[float, float] = (0.0, 0.0)
    contour_px: np.ndarray | None = field(default=None, repr=False, compare=False)
    box_px: Box = (0.0, 0.0, 0.0, 0.0)
    reference: str | None = None       # source of the category's band (reading.read_foot)
    # outline, axis, thirds, toe line, widths in original-photo pixels (overlay.stored_geometry)
    geometry: dict | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict:
        from vision.footprint.bands import json_round

        out = {
            "side": self.side,
            "arch_index": json_round(self.arch_index, "arch_index", 4),
            "staheli_index": json_round(self.staheli_index, "staheli_index", 4),
            "chippaux_smirak_index": json_round(self.chippaux_smirak_index,
                                                "chippaux_smirak_index", 2),
            "clarke_angle_deg": round(float(self.clarke_angle_deg), 2),
            "length_mm": None if self.length_mm is None else round(float(self.length_mm), 1),
            "width_mm": None if self.width_mm is None else round(float(self.width_mm), 1),
            "category": self.category,
            "reference": self.reference,
            "age_reading": self.age_reading,
            "quality": {
                "score": round(float(self.quality.score), 3),
                "issues": list(self.quality.issues),
            },
            "box_px": _rounded(self.box_px),
            "heel_px": _rounded(self.heel_px),
            "toe_px": _rounded(self.toe_px),
        }
        if self.geometry is not None:
            out["geometry"] = self.geometry
        return out


@dataclass(frozen=True)
class IgnoredBlob:
    """A mark on the photo that was left out of the measurement, and why.

    kind : "hand", "drawing" (pencil or crayon lines, doodles), "text", "sticker", "overlap"
        (a print lying across another one) or "unknown" (neither clearly a foot nor clearly
        something else: reported, not measured).
    box_px : (x0, y0, x1, y1) in original photo pixels.
    message : one plain sentence ("A handprint was left out.").
    """

    kind: IgnoredKind
    box_px: Box
    message: str

    def to_json(self) -> dict:
        return {"kind": self.kind, "box_px": _rounded(self.box_px), "message": self.message}


def _rounded(values) -> list[float]:
    return [round(float(v), 1) for v in values]


@dataclass(frozen=True)
class FootprintResult:
    """Result for one image. ``ok`` is False when the image could not be read or holds no
    footprint; ``error`` then says why in words a parent understands."""

    image: str
    ok: bool
    feet: tuple[FootMeasurement, ...] = ()
    scale_mm_per_px: float | None = None
    warnings: tuple[str, ...] = ()
    error: str | None = None
    ignored: tuple[IgnoredBlob, ...] = ()
    # analysis-image pixels -> original photo pixels (``vision.footprint.coords.PhotoMap``);
    # None for a failed image
    photo_map: PhotoMap | None = field(default=None, repr=False, compare=False)
    # draws the overlay on first access of ``overlay`` (a picklable callable: the app caches
    # results); None when no overlay was asked for
    overlay_drawer: Callable[[], np.ndarray] | None = field(default=None, repr=False,
                                                            compare=False)
    timings_ms: dict[str, float] = field(default_factory=dict, repr=False, compare=False)

    @property
    def overlay(self) -> np.ndarray | None:
        """The analysis image with the measurements drawn (BGR uint8), or None.

        Drawn on first access (tens of milliseconds), so callers that only want the numbers
        never pay for it; the drawing's inputs are then replaced by the drawn image.
        """
        drawer = self.overlay_drawer
        if drawer is None:
            return None
        if not isinstance(drawer, DrawnOverlay):
            drawer = DrawnOverlay(drawer())
            object.__setattr__(self, "overlay_drawer", drawer)
        return drawer.image

    def to_json(self) -> dict:
        if not self.ok:
            return {"image": self.image, "ok": False, "error": self.error or "unknown error"}
        return {
            "image": self.image,
            "ok": True,
            "scale_mm_per_px": None
            if self.scale_mm_per_px is None
            else round(float(self.scale_mm_per_px), 5),
            "warnings": list(self.warnings),
            "feet": [f.to_json() for f in self.feet],
            "ignored": [b.to_json() for b in self.ignored],
        }


@dataclass(frozen=True)
class DrawnOverlay:
    """An overlay already drawn (BGR uint8); calling it returns the image."""

    image: np.ndarray = field(repr=False)

    def __call__(self) -> np.ndarray:
        return self.image


class FootprintError(ValueError):
    """Raised inside the pipeline for input that cannot be analysed; ``measure_footprint``
    turns it into ``FootprintResult(ok=False, error=str(exc))``."""
