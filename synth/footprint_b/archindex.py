"""Arch-index truth of renderer B, implemented here from DESIGN.md (no ``vision`` import).

Cavanagh & Rodgers: the toe-less print, from its rearmost to its frontmost point along the
foot axis (heel centre -> second-toe tip), is cut into three equal lengths by lines
perpendicular to the axis; the arch index is the middle third's area over the whole area.

Each mask pixel is split into ``SUB`` x ``SUB`` sub-samples, projected on the axis, and the
area is accumulated in a fine histogram along the axis, so the cut lines fall between
sub-samples rather than between whole pixels. Lengths are in pixels of the mask.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ArchTruth", "arch_index"]

SUB = 3                  # sub-samples per pixel side


@dataclass(frozen=True)
class ArchTruth:
    arch_index: float
    length_px: float                          # toe-less length along the axis
    thirds_px: tuple[float, float, float]     # areas (px^2): heel, middle, ball


def arch_index(toeless: np.ndarray, heel_xy, toe_xy, offset_xy=(0, 0)) -> ArchTruth:
    """Arch index of a bool toe-less mask whose pixel (0, 0) is at ``offset_xy`` in the
    frame of ``heel_xy`` / ``toe_xy``."""
    ys, xs = np.nonzero(toeless)
    if len(xs) == 0:
        raise ValueError("empty toe-less mask")
    u = np.subtract(toe_xy, heel_xy).astype(np.float64)
    n = float(np.hypot(*u))
    if n == 0:
        raise ValueError("heel and toe points coincide")
    u /= n
    d = (np.arange(SUB) + 0.5) / SUB - 0.5
    base = (xs + offset_xy[0] - heel_xy[0]) * u[0] + (ys + offset_xy[1] - heel_xy[1]) * u[1]
    sub = (d[:, None] * u[0] + d[None, :] * u[1]).ravel()
    proj = (base[:, None] + sub[None, :]).ravel()
    lo, hi = float(proj.min()), float(proj.max())
    half = 0.5 / SUB                             # a sub-sample's half extent (approx.)
    lo, hi = lo - half, hi + half
    t = (hi - lo) / 3.0
    w = 1.0 / (SUB * SUB)
    a = (float(np.sum(proj < lo + t)) * w, float(np.sum((proj >= lo + t) & (proj < lo + 2 * t))) * w,
         float(np.sum(proj >= lo + 2 * t)) * w)
    return ArchTruth(arch_index=a[1] / sum(a), length_px=hi - lo, thirds_px=a)
