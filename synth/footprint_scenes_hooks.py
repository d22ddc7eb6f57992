"""Scene hooks for :func:`synth.footprint_render.render_photo` and the truth of non-foot blobs.

Lengths and boxes are pixels of the sheet plane (``ExtraPrint``) or of the photo
(``BlobTruth``); see :mod:`synth.footprint_scenes` for the scenes built with them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["BlobTruth", "ExtraPrint", "SceneHooks"]


@dataclass(frozen=True)
class BlobTruth:
    """Something on the sheet that is not a foot (hand, drawing, text, sticker, mark)."""

    kind: str                                        # hand | drawing | text | sticker | mark
    box_xy: tuple[float, float, float, float]        # photo px x0, y0, x1, y1
    detail: str = ""                                 # e.g. "pencil outline", "date"
    touches_foot: bool = False

    def to_json(self) -> dict:
        return {"kind": self.kind, "box_xy": list(self.box_xy), "detail": self.detail,
                "touches_foot": self.touches_foot}


@dataclass(frozen=True)
class ExtraPrint:
    """A non-foot print inked like the feet (a handprint): sheet-plane coverage 0..1 and
    pressure weight, plus its truth (box in sheet-plane pixels)."""

    cover: np.ndarray
    region: np.ndarray
    kind: str
    box_sheet: tuple[float, float, float, float]
    detail: str = ""


@dataclass
class SceneHooks:
    """Optional scene callbacks for :func:`render_photo` (see :mod:`synth.footprint_scenes`).

    ``placed`` is the list of ``(M, raster)`` per foot (raster -> sheet-plane affine).
    place(spec, rng, rasters, sheet_px, ppm) -> list of 2x3 affines (replaces the default
    side-by-side layout); extra_prints(rng, sheet_px, ppm, placed) -> list[ExtraPrint];
    draw_under / draw_over(img, rng, ppm, placed) -> list of (kind, sheet box, detail):
    drawn on the paper before / after the ink; paper(rng, (h, w), ppm) -> float BGR image
    (replaces the paper: floors, sand, skin); region(region, placed, ppm) -> region (pressure
    weight, e.g. a faint midfoot); alpha_gain scales the ink coverage (faint prints).
    """

    place: Callable | None = None
    extra_prints: Callable | None = None
    draw_under: Callable | None = None
    draw_over: Callable | None = None
    paper: Callable | None = None
    region: Callable | None = None
    alpha_gain: float = 1.0
