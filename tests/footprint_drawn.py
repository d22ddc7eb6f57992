"""Small drawn footprint masks and photos with known parts, for the segmentation tests.

All sizes are pixels of a 900 x 600 (rows x cols) picture; the foot is about 560 px long
(heel at the bottom, toes at the top), its lateral midfoot band ``band_px`` wide.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

SHAPE = (900, 600)          # rows, cols
FOOT_PX = 560.0             # heel to toe tip, px


@dataclass(frozen=True)
class DrawnFoot:
    """Bool masks (``SHAPE``) of one drawn foot's parts."""

    heel: np.ndarray
    ball: np.ndarray
    band: np.ndarray
    toes: np.ndarray

    @property
    def whole(self) -> np.ndarray:
        return self.heel | self.ball | self.band | self.toes


def _blank() -> np.ndarray:
    return np.zeros(SHAPE, np.uint8)


def drawn_foot(band_px: int = 40, *, band_gap_px: int = 0) -> DrawnFoot:
    """A right foot: heel and ball pads, a lateral band ``band_px`` wide joining them (cut
    ``band_gap_px`` short of both pads: a separate piece), five round toes."""
    heel, ball, band, toes = _blank(), _blank(), _blank(), _blank()
    cv2.ellipse(heel, (300, 700), (75, 100), 0, 0, 360, 1, -1)
    cv2.ellipse(ball, (300, 340), (120, 110), 0, 0, 360, 1, -1)
    x1 = 300 + 70
    y0, y1 = 360 + band_gap_px, 690 - band_gap_px
    cv2.rectangle(band, (x1 - band_px, y0), (x1, y1), 1, -1)
    for k, (x, r) in enumerate(((215, 34), (275, 24), (325, 21), (370, 19), (410, 17))):
        cv2.circle(toes, (x, 190 + 8 * k), r, 1, -1)
    return DrawnFoot(heel > 0, ball > 0, (band > 0) & ~((heel | ball) > 0), toes > 0)


def photo(masks_darkening: list[tuple[np.ndarray, float]], *, paper: float = 235.0,
          blur_px: float = 2.0, noise: float = 1.0, seed: int = 0) -> np.ndarray:
    """BGR uint8 picture: paper grey level ``paper``, each mask darkened by its fraction
    (0..1), blurred by ``blur_px`` (Gaussian sigma) with sensor noise (grey levels)."""
    dark = np.zeros(SHAPE, np.float32)
    for m, d in masks_darkening:
        dark = np.maximum(dark, m.astype(np.float32) * d)
    dark = cv2.GaussianBlur(dark, (0, 0), blur_px)
    rng = np.random.default_rng(seed)
    grey = paper * (1.0 - dark) + rng.normal(0, noise, SHAPE)
    return np.repeat(np.clip(grey, 0, 255).astype(np.uint8)[..., None], 3, axis=2)
