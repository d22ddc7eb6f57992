"""Where things go on the sheet: a coarse occupancy grid and rejection sampling.

Everything placed is rasterised at ``OCC_PPM`` px per mm into one occupancy grid; a new item
is accepted when its mask, grown by the wanted gap, misses everything placed before (or, for
a touching item, meets a given target within a band of distances).
"""

from __future__ import annotations

import cv2
import numpy as np

from synth.footprint_b.anatomy import FootParams, rasterise

__all__ = ["Occupancy", "OCC_PPM"]

OCC_PPM = 2.0            # occupancy grid resolution (px per mm)
TRIES = 250


class Occupancy:
    """Occupancy of a sheet of ``sheet_mm`` (w, h) with a free margin of ``margin_mm``."""

    def __init__(self, sheet_mm, margin_mm: float):
        self.w_mm, self.h_mm = sheet_mm
        self.margin = margin_mm
        self.grid = np.zeros((int(self.h_mm * OCC_PPM) + 1, int(self.w_mm * OCC_PPM) + 1), np.int16)
        self.n = 0

    def _fits(self, x0, y0, m) -> bool:
        H, W = self.grid.shape
        mg = int(self.margin * OCC_PPM)
        ys, xs = np.nonzero(m)
        if len(xs) == 0:
            return False
        return xs.min() + x0 >= mg and ys.min() + y0 >= mg and xs.max() + x0 < W - mg \
            and ys.max() + y0 < H - mg

    def _hits(self, x0, y0, m, gap_mm) -> np.ndarray:
        k = int(2 * gap_mm * OCC_PPM) | 1
        grown = cv2.dilate(m.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        pad = k // 2 + 1
        grown = np.pad(grown, pad)
        gx0, gy0 = x0 - pad, y0 - pad
        H, W = self.grid.shape
        a0, a1 = max(0, -gy0), min(grown.shape[0], H - gy0)
        b0, b1 = max(0, -gx0), min(grown.shape[1], W - gx0)
        sub = self.grid[gy0 + a0:gy0 + a1, gx0 + b0:gx0 + b1]
        return np.unique(sub[grown[a0:a1, b0:b1] > 0])

    def add(self, x0, y0, m) -> int:
        self.n += 1
        H, W = self.grid.shape
        ys, xs = np.nonzero(m)
        ys, xs = ys + y0, xs + x0
        ok = (ys >= 0) & (ys < H) & (xs >= 0) & (xs < W)
        self.grid[ys[ok], xs[ok]] = self.n
        return self.n

    def try_place(self, make, rng, gap_mm, *, touch: int | None = None, tries=TRIES):
        """``make(rng) -> (x0, y0, mask, payload)`` in occupancy px; the first candidate that
        fits is added and its payload returned (with its id), else None. With ``touch``,
        the candidate must come within ``gap_mm`` of item ``touch`` and miss the others."""
        for _ in range(tries):
            x0, y0, m, payload = make(rng)
            if not self._fits(x0, y0, m):
                continue
            hit = set(int(v) for v in self._hits(x0, y0, m, gap_mm)) - {0}
            if touch is None and hit:
                continue
            if touch is not None and hit != {touch}:
                continue
            return payload, self.add(x0, y0, m)
        return None


_FOOT_MASKS: dict = {}
ANGLE_STEP_DEG = 2.0         # foot masks for placement are cached per angle step


def foot_mask(p: FootParams, side, heel_mm, angle_deg, rng):
    """(x0, y0, mask) of a foot at OCC_PPM, heel centre at ``heel_mm`` (sheet mm); the mask
    is drawn once per (foot, side, angle step) and moved."""
    key = (p, side, int(round(angle_deg / ANGLE_STEP_DEG)))
    if key not in _FOOT_MASKS:
        if len(_FOOT_MASKS) > 512:
            _FOOT_MASKS.clear()
        r = rasterise(p, side, (0.0, 0.0), key[2] * ANGLE_STEP_DEG, OCC_PPM,
                      np.random.default_rng(0))          # not the caller's rng: a cache hit
        # must leave the scene's random stream as a miss does
        _FOOT_MASKS[key] = (r.x0, r.y0, r.contact)
    x0, y0, m = _FOOT_MASKS[key]
    return x0 + int(round(heel_mm[0] * OCC_PPM)), y0 + int(round(heel_mm[1] * OCC_PPM)), m


def box_mask(cx_mm, cy_mm, w_mm, h_mm):
    """(x0, y0, mask) of an axis-aligned box centred at (cx, cy) mm."""
    w, h = max(1, int(w_mm * OCC_PPM)), max(1, int(h_mm * OCC_PPM))
    return int((cx_mm - w_mm / 2) * OCC_PPM), int((cy_mm - h_mm / 2) * OCC_PPM), np.ones((h, w), bool)
