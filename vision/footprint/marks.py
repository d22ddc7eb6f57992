"""Marks on a footprint sheet that are no print: measured stroke width and coloured marks.

Conventions
-----------
Masks are bool arrays (rows, cols) of the analysis image. ``foot_px`` is the length of the
sheet's feet in pixels (the area estimate of :mod:`vision.footprint.segment`); every size
here is a fraction of it, so the rules hold at any resolution and for any child's size.

Stroke width
------------
A drawn line, a letter or a traced outline is a stroke: its width (twice the mean inscribed
radius along its skeleton, from the distance transform) is a few millimetres at most, while
every measured part of a print (heel, midfoot band, ball) is several times wider
(``STROKE_MAX_FRAC`` of the foot length sits between a thick crayon line and the narrowest
midfoot band that is measured).

Coloured marks
--------------
Stickers and crayon doodles in light colours are not darker than the paper, so the print
threshold misses them; they differ from the paper in hue. :func:`colour_marks` finds the
pixels whose chroma (Lab a*, b*) is far from the paper's, away from the feet, and returns
the groups big enough for a user to notice (``NOTICE_FRAC`` of the foot length) for the
ignored list. They never touch the measured masks.
"""

from __future__ import annotations

import cv2
import numpy as np
from skimage.morphology import skeletonize

__all__ = ["stroke_width", "stroke_like", "noticeable", "colour_marks", "STROKE_MAX_FRAC",
           "LINE_MAX_FRAC", "NOTICE_FRAC"]

STROKE_MAX_FRAC = 0.045     # of foot length: a part thinner than this is a drawn stroke
#                             (thick crayon 1.2-2.8 mm; a child's midfoot band >= 8 mm)
LINE_MAX_FRAC = 0.02        # of foot length: a part by a print thinner than this is a pen
#                             or crayon line (a chain of small toes is 0.03-0.05 wide)
NOTICE_FRAC = 0.05          # of foot length (area estimate): a left-out mark this long
#                             is listed (a 6-8 mm sticker on a child's sheet); specks are not
_STROKE_MIN_RUN = 3.0      # skeleton length / width of a stroke (a round pad: about 1)
_WORK_SIDE_PX = 240         # stroke width is measured on a copy at most this big (px)
_CHROMA_MIN = 18.0          # Lab a*b* distance from the paper: clearly another colour ...
_CHROMA_NOISE = 6.0         # ... and this many times the paper's own spread (robust sigma)
_CLEAR_FRAC = 0.04          # of foot length: colour this near a foot is its own ink
_JOIN_FRAC = 0.02           # of foot length: coloured pixels this close are one mark
_MAX_COLOUR_MARKS = 10      # at most this many coloured marks are returned
_COLOUR_SCALE = 4           # the colour pass works on a copy this many times smaller


def stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width (px) of a bool mask: twice the mean distance to the background
    along its skeleton (0 for an empty mask)."""
    return _skeleton_stats(mask)[0]


def _skeleton_stats(mask: np.ndarray) -> tuple[float, float]:
    """(stroke width px, skeleton length px) of a bool mask (see :func:`stroke_width`)."""
    x, y, w, h = cv2.boundingRect(np.ascontiguousarray(mask, dtype=bool).view(np.uint8))
    if w == 0:
        return 0.0, 0.0
    crop = mask[y:y + h, x:x + w].astype(np.uint8)
    f = min(1.0, _WORK_SIDE_PX / max(w, h))
    if f < 1.0:
        crop = (cv2.resize(crop.astype(np.float32), (max(1, round(w * f)), max(1, round(h * f))),
                           interpolation=cv2.INTER_AREA) >= 0.5).astype(np.uint8)
    crop = np.pad(crop, 1)
    if not crop.any():
        return 2.0 / f, max(w, h)
    dist = cv2.distanceTransform(crop, cv2.DIST_L2, 5)
    skel = skeletonize(crop > 0)
    if not skel.any():
        return 2.0 * float(dist.max()) / f, 1.0 / f
    return 2.0 * float(dist[skel].mean()) / f, float(np.count_nonzero(skel)) / f


def stroke_like(mask: np.ndarray, foot_px: float, max_frac: float = STROKE_MAX_FRAC) -> bool:
    """Whether a part is a drawn stroke (a letter, a line): thinner than ``max_frac`` of
    the foot and at least ``_STROKE_MIN_RUN`` times longer than its width along its
    skeleton (a toe pad is about as long as it is wide)."""
    width, run = _skeleton_stats(mask)
    return width < max_frac * foot_px and run >= _STROKE_MIN_RUN * max(width, 1.0)


def noticeable(mask: np.ndarray, foot_px: float) -> bool:
    """Whether a left-out mark is long enough (``NOTICE_FRAC`` of the foot) to be listed."""
    _, _, w, h = cv2.boundingRect(np.ascontiguousarray(mask, dtype=bool).view(np.uint8))
    return max(w, h) >= NOTICE_FRAC * foot_px


def _paper_chroma(ab: np.ndarray, paper: np.ndarray) -> tuple[np.ndarray, float]:
    """Median a*b* of the paper pixels and the robust spread of their distance to it."""
    vals = ab[paper]
    if vals.shape[0] < 50:
        return np.zeros(2, np.float32), np.inf
    ref = np.median(vals, axis=0)
    d = np.hypot(*(vals - ref).T)
    return ref, float(1.4826 * np.median(np.abs(d - np.median(d))) + np.median(d))


def colour_marks(image: np.ndarray, ink: np.ndarray, feet: np.ndarray, foot_px: float,
                 valid: np.ndarray | None = None) -> list[np.ndarray]:
    """Coloured marks (stickers, crayon doodles) the print threshold missed.

    image : BGR uint8 analysis image; ink : every pixel taken as print or mark (bool);
    feet : the print candidates' pixels (bool); foot_px : foot length (px).
    Returns bool masks (full size), largest first, each at least ``NOTICE_FRAC`` long,
    none within ``_CLEAR_FRAC`` of a foot.
    """
    rows, cols = image.shape[:2]
    k = _COLOUR_SCALE
    size = (max(1, cols // k), max(1, rows // k))
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(small.astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)
    ab = lab[..., 1:]
    def shrink(m: np.ndarray) -> np.ndarray:
        return cv2.resize(m.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0

    inside = np.ones(size[::-1], bool) if valid is None else shrink(valid)
    near = cv2.distanceTransform((~shrink(feet)).astype(np.uint8), cv2.DIST_L2, 3) \
        < _CLEAR_FRAC * foot_px / k
    ref, spread = _paper_chroma(ab, inside & ~near & ~shrink(ink))
    if not np.isfinite(spread):
        return []
    dist = np.hypot(ab[..., 0] - ref[0], ab[..., 1] - ref[1])
    hit = (dist > max(_CHROMA_MIN, _CHROMA_NOISE * spread)) & inside & ~near
    r = max(1, int(round(_JOIN_FRAC * foot_px / k)))
    joined = cv2.dilate(hit.astype(np.uint8), cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))       # closed again below
    n, lab_cc, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    span = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) - 2 * r
    rim = ~cv2.erode(inside.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    on_rim = np.zeros(n, bool)
    on_rim[np.unique(lab_cc[rim & (lab_cc > 0)])] = True     # the table, the paper's edge
    keep = [j for j in np.argsort(-stats[:, cv2.CC_STAT_AREA]) if j > 0 and not on_rim[j]
            and span[j] * k >= NOTICE_FRAC * foot_px][:_MAX_COLOUR_MARKS]
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return [cv2.resize(cv2.erode((lab_cc == j).astype(np.uint8), kernel), (cols, rows),
                       interpolation=cv2.INTER_NEAREST) > 0 for j in keep]
