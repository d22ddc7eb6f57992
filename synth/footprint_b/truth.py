"""Truth records of renderer B (photo pixels) and how they are computed from the rasters."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from synth.footprint_b.anatomy import FootRaster
from synth.footprint_b.archindex import arch_index

__all__ = ["FootTruthB", "BlobTruthB", "PhotoB", "foot_truth", "box_to_photo", "to_photo"]


@dataclass(frozen=True)
class FootTruthB:
    side: str
    arch_index: float                          # own implementation on the contact mask
    length_mm: float
    band_mm: float
    heel_xy: tuple[float, float]               # heel centre, photo px
    toe_xy: tuple[float, float]                # second-toe tip, photo px
    box_xy: tuple[float, float, float, float]  # contact box, photo px
    whole: bool                                # in the photo and touching no other print
    overlap_frac: float = 0.0                  # share of the contact under other prints
    faint_band: bool = False


@dataclass(frozen=True)
class BlobTruthB:
    kind: str            # hand | drawing | text | sticker | mark
    box_xy: tuple[float, float, float, float]
    detail: str = ""


@dataclass(frozen=True)
class PhotoB:
    image: np.ndarray                          # BGR uint8
    feet: tuple[FootTruthB, ...]
    blobs: tuple[BlobTruthB, ...]
    style: str                                 # ink | wet | grid_mat | inverted
    sheet_to_photo: np.ndarray = field(repr=False, compare=False, default=None)
    sheet_ppm: float = 0.0
    rasters: tuple[FootRaster, ...] = field(repr=False, compare=False, default=())
    faint: bool = False


def to_photo(Hs, pts) -> np.ndarray:
    p = cv2.perspectiveTransform(np.asarray(pts, np.float64).reshape(-1, 1, 2), Hs)
    return p.reshape(-1, 2)


def box_to_photo(Hs, box) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    p = to_photo(Hs, [[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    return (float(p[:, 0].min()), float(p[:, 1].min()), float(p[:, 0].max()), float(p[:, 1].max()))


def _overlap(r: FootRaster, others) -> float:
    c = r.contact
    hit = np.zeros(c.shape, bool)
    for x0, y0, m in others:
        a0, a1 = max(0, y0 - r.y0), min(c.shape[0], y0 - r.y0 + m.shape[0])
        b0, b1 = max(0, x0 - r.x0), min(c.shape[1], x0 - r.x0 + m.shape[1])
        if a1 <= a0 or b1 <= b0:
            continue
        hit[a0:a1, b0:b1] |= m[a0 - (y0 - r.y0):a1 - (y0 - r.y0), b0 - (x0 - r.x0):b1 - (x0 - r.x0)]
    return float((hit & c).sum() / max(c.sum(), 1))


def foot_truth(r: FootRaster, Hs, photo_wh, others, *, faint_band=False) -> FootTruthB:
    """Truth of one foot raster; ``others`` are (x0, y0, mask) of every other print."""
    ai = arch_index(r.sole, r.heel_xy, r.toe_xy, (r.x0, r.y0)).arch_index
    cs, _ = cv2.findContours(r.contact.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    pts = np.concatenate([c[:, 0, :] for c in cs]).astype(np.float64) + (r.x0, r.y0)
    pp = to_photo(Hs, pts)
    box = (float(pp[:, 0].min()), float(pp[:, 1].min()), float(pp[:, 0].max()), float(pp[:, 1].max()))
    W, H = photo_wh
    inside = box[0] >= 0 and box[1] >= 0 and box[2] < W and box[3] < H
    ov = _overlap(r, others)
    h, t = to_photo(Hs, [r.heel_xy, r.toe_xy])
    return FootTruthB(side=r.side, arch_index=float(ai), length_mm=r.params.length_mm,
                      band_mm=r.params.band_mm, heel_xy=(float(h[0]), float(h[1])),
                      toe_xy=(float(t[0]), float(t[1])), box_xy=box, whole=inside and ov == 0.0,
                      overlap_frac=ov, faint_band=faint_band)
