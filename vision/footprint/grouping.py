"""Which small print parts are toes, and of which foot (the last step of ``segment``).

Conventions
-----------
Masks are bool arrays (rows, cols) of the analysis image; ``scale`` is the foot length in
pixels estimated by :mod:`vision.footprint.segment` (print area / 0.22, square-rooted). All
thresholds are fractions of that length (or of its square for areas), so they hold at any
resolution.

Method
------
A small part (not a heel or sole body) may hold a toe, a mark, or both joined by a thin
link: on a printed form a toe pad often touches the logo or a header band above it. Each
small part near a foot is therefore first cut at its thin necks (a binary opening whose
radius is well under a toe pad's half-width, each pixel then returned to the nearest piece),
and every piece is judged on its own. A piece joins the foot only when it fits a toe print:

- size: at most a hallux or a short row of fused toes (longest extent); a piece bigger than
  any toe near the foot is a fragment of the sole itself and joins as before;
- shape: a compact pad (solidity of its convex hull), not a stroke or a text block;
- position: near the foot (gap), in front of or beside the front of the forefoot, within the
  forefoot's width of the foot's long axis.

Toes of a grid-mat print are crosshatch pads; printed logos and text are wider than a toe,
long and thin (rules, letters) or lie outside the toe zone, so they stay out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from scipy import ndimage as ndi
from skimage.morphology import h_maxima
from skimage.segmentation import watershed

from vision.footprint.marks import LINE_MAX_FRAC, stroke_like
from vision.footprint.morphology import bounding_box

__all__ = ["BodyFrame", "body_frame", "split_at_necks", "toe_like", "attach_toes",
           "saturation", "ink_colour", "printed_marks"]

_TOE_REACH = 0.08       # of foot length: a toe's gap to its foot is at most this
_PAD_RADIUS = 0.015     # of foot length: least inscribed radius of a piece cut at a neck
#                         (toe pad half-widths are 0.02-0.05 foot lengths)
_NECK_RATIO = 0.65      # a neck narrower than this share of its thinner pad cuts the part
_TOE_MAX_AREA = 0.02    # of foot length squared: a grid-mat hallux pad is up to ~0.014
_TOE_MAX_SPAN = 0.30    # of foot length: longest extent of a piece (a fused row of toes 2-5)
_TOE_MIN_SOLIDITY = 0.6  # area / convex hull area: pads and rows of pads are compact
_FRONT_ZONE = 0.4       # the forefoot: this front share of the body (its width, its end)
_INK_SAT_DIFF = 40.0    # HSV saturation (0-255): a piece's ink this much more coloured than
#                         its foot's (90th percentiles) is a printed mark
_TOE_ZONE = 0.3         # toes lie ahead of the rear end of this front share of the body
#                         (small toes sit beside the front of the ball)
_MAX_LENGTH_RATIO = 1.4  # a foot body is at most this much longer than the area estimate
_HEEL_ZONE = 0.1        # of body length: a small part behind this rear share is no toe
_SIDE_MARGIN = 0.12     # of foot length: toes lie within the forefoot's width plus this


@dataclass(frozen=True)
class BodyFrame:
    """A foot body's long axis: centroid (x, y) px, unit axis (x, y) pointing to the front
    (the wider end), extent along it (t0 < t1, px) and the forefoot's lateral extent
    (s0 < s1, px across the axis, in the front ``_FRONT_ZONE`` share), convex hull (x, y)."""

    centre: np.ndarray
    axis: np.ndarray
    t0: float
    t1: float
    s0: float
    s1: float
    hull: np.ndarray = field(repr=False)

    def coords(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(along, across) coordinates in px of image points."""
        dx, dy = xs - self.centre[0], ys - self.centre[1]
        return dx * self.axis[0] + dy * self.axis[1], -dx * self.axis[1] + dy * self.axis[0]


def body_frame(mask: np.ndarray) -> BodyFrame:
    """Long axis of a foot body (bool mask); the front is the end whose 40 % is wider.
    Worked out inside the mask's bounding box (same pixels, same order, less work)."""
    box = bounding_box(mask, 1) or (slice(0, None), slice(0, None))  # a blank ring: the
    sub = mask[box]                                  # outline is traced as on the image
    r0, c0 = box[0].start, box[1].start
    ys, xs = np.nonzero(sub)
    ys, xs = ys + r0, xs + c0
    c = np.array([xs.mean(), ys.mean()])
    evals, evecs = np.linalg.eigh(np.cov(np.stack([xs - c[0], ys - c[1]])))
    a = evecs[:, int(np.argmax(evals))]
    t = (xs - c[0]) * a[0] + (ys - c[1]) * a[1]
    s = -(xs - c[0]) * a[1] + (ys - c[1]) * a[0]
    t0, t1 = float(t.min()), float(t.max())
    band = _FRONT_ZONE * (t1 - t0)
    rear, front = t <= t0 + band, t >= t1 - band
    if np.ptp(s[rear]) > np.ptp(s[front]):
        a, t, s, t0, t1 = -a, -t, -s, -t1, -t0
        front = rear
    cnts, _ = cv2.findContours(sub.astype(np.uint8), cv2.RETR_EXTERNAL,   # the hull of
                               cv2.CHAIN_APPROX_SIMPLE, offset=(c0, r0))  # the outline
    hull = cv2.convexHull(np.vstack(cnts).astype(np.float32))        # is the hull of the print
    return BodyFrame(c, a, t0, t1, float(s[front].min()), float(s[front].max()), hull)


def split_at_necks(sub: np.ndarray, min_radius: float) -> list[np.ndarray]:
    """Cut a bool mask at its necks; returns the pieces (bool masks of the same shape).

    Pieces start as the watershed basins of the negated distance-to-background map, one per
    maximum with an inscribed radius of at least ``min_radius`` px; two touching basins are
    merged again unless the neck between them (the widest inscribed radius on their shared
    border) is under ``_NECK_RATIO`` of the smaller one's radius: bumps of one pad's outline
    stay together, a toe pad on a thin link to a printed mark comes apart.
    """
    dist = ndi.distance_transform_edt(np.pad(sub, 1))[1:-1, 1:-1]
    peaks = h_maxima(dist, 1.0).astype(bool) & (dist >= min_radius)
    markers, n = ndi.label(peaks, structure=np.ones((3, 3)))
    if n <= 1:
        return [sub]
    lab = watershed(-dist, markers, mask=sub)
    radius = np.concatenate([[0.0], ndi.maximum(dist, lab, np.arange(1, n + 1))])
    neck = np.zeros((n + 1, n + 1))
    for la, lb, da, db in ((lab[:, :-1], lab[:, 1:], dist[:, :-1], dist[:, 1:]),
                           (lab[:-1], lab[1:], dist[:-1], dist[1:])):
        m = (la != lb) & (la > 0) & (lb > 0)
        np.maximum.at(neck, (la[m], lb[m]), np.minimum(da[m], db[m]))
    neck = np.maximum(neck, neck.T)
    root = np.arange(n + 1)
    for a, b in zip(*np.nonzero(np.triu(neck)), strict=True):
        if neck[a, b] >= _NECK_RATIO * min(radius[a], radius[b]):
            root[root == root[b]] = root[a]
    return [np.isin(lab, np.flatnonzero(root == r)) for r in np.unique(root[1:])]


def toe_like(xs: np.ndarray, ys: np.ndarray, body: BodyFrame, gap: float,
             length: float) -> bool:
    """Whether the piece with pixels (xs, ys) near the foot ``body`` belongs to it: a
    fragment bigger than any toe (a piece of a broken sole), a toe print (compact pad,
    ahead of or beside the front of the forefoot) or a fragment of faint contact inside
    the foot's outline (convex hull).

    ``gap`` is its distance (px) to the foot, ``length`` the foot length (px)."""
    if gap >= _TOE_REACH * length:
        return False
    if xs.size > _TOE_MAX_AREA * length * length:
        return True      # bigger than any toe: a fragment of the print itself (broken sole)
    pts = np.column_stack([xs, ys]).astype(np.float32)
    (_, _), (w, h), _ = cv2.minAreaRect(pts)
    if max(w, h) > _TOE_MAX_SPAN * length:
        return False
    if xs.size >= 30 and xs.size < _TOE_MIN_SOLIDITY * cv2.contourArea(cv2.convexHull(pts)):
        return False
    centre = (float(xs.mean()), float(ys.mean()))
    if cv2.pointPolygonTest(body.hull, centre, False) >= 0:
        return True
    t, s = body.coords(np.array([centre[0]]), np.array([centre[1]]))
    ahead = t[0] >= body.t1 - _TOE_ZONE * (body.t1 - body.t0)
    margin = _SIDE_MARGIN * length
    return bool(ahead and body.s0 - margin <= s[0] <= body.s1 + margin)


def attach_toes(masks: list[np.ndarray], small: list, scale: float,
                image: np.ndarray | None = None, *, strict: bool = True) -> None:
    """Each small part's toe-like pieces join the nearest foot (``masks`` edited in place).

    ``small`` holds parts with ``coords`` ((n, 2) row, col) and ``bbox`` (r0, c0, r1, c1);
    ``scale`` is the foot length estimated from the print area (px); a foot's own length
    along its axis is used when longer (a broken high arch makes the area estimate short),
    up to ``_MAX_LENGTH_RATIO`` times the estimate (a shadow joined to a foot is no foot).
    A piece touching a toe already taken (a chain of toes) counts as near the foot. With
    ``image`` (BGR), a piece printed in another colour than its foot's ink (a coloured
    logo) is left out. With ``strict`` False every small part within reach of a foot joins
    the nearest one whole (prints without a printed form around them: wet or ink prints),
    unless its ink is far more coloured than the foot's (a sticker beside the toes) or it
    is a drawn stroke (a letter of a name written by the heel:
    :func:`vision.footprint.marks.stroke_like`).
    """
    if not masks:
        return
    if not strict:
        reach = _TOE_REACH * scale
        small = _near_feet(small, masks, reach)
        gap_to = _FootDistances(masks, small)
        sat = None if image is None else saturation(image)
        inks = [None if sat is None else ink_colour(sat, _pixels(m)) for m in masks]
        frames = [body_frame(m) for m in masks]
        for p in small:
            d = gap_to(p.coords[:, 0], p.coords[:, 1])
            k = int(np.argmin(d))
            if d.min() >= _TOE_REACH * scale or _is_stroke(p, scale) \
                    or _behind_heel(p, frames[k]):
                continue       # out of reach, a drawn line, or writing under the heel
            if sat is not None and ink_colour(sat, (p.coords[:, 0], p.coords[:, 1])) \
                    > inks[k] + _INK_SAT_DIFF:
                continue       # a sticker or a coloured mark beside the toes
            masks[k][p.coords[:, 0], p.coords[:, 1]] = True
        return
    frames = [body_frame(m) for m in masks]
    lengths = [float(np.clip(f.t1 - f.t0, scale, _MAX_LENGTH_RATIO * scale)) for f in frames]
    small = _near_feet(small, masks, _TOE_REACH * max(lengths))
    gap_to = _FootDistances(masks, small)
    sat = None if image is None else saturation(image)
    inks = [None if sat is None else ink_colour(sat, _pixels(m)) for m in masks]
    for p in small:
        if gap_to(p.coords[:, 0], p.coords[:, 1]).min() >= _TOE_REACH * max(lengths):
            continue
        r0, c0 = p.bbox[0], p.bbox[1]
        sub = np.zeros((p.bbox[2] - r0, p.bbox[3] - c0), bool)
        sub[p.coords[:, 0] - r0, p.coords[:, 1] - c0] = True
        pieces = [np.nonzero(q) for q in split_at_necks(sub, _PAD_RADIUS * scale)]
        pieces = [(rr + r0, cc + c0) for rr, cc in pieces]
        taken = np.zeros(sub.shape, bool)
        for _ in range(len(pieces)):
            grown = cv2.dilate(taken.view(np.uint8), np.ones((3, 3), np.uint8)) > 0
            added = False
            for rr, cc in pieces:
                gaps = gap_to(rr, cc)
                k = int(np.argmin(gaps))
                touches = bool(grown[rr - r0, cc - c0].any())
                if taken[rr[0] - r0, cc[0] - c0] or not toe_like(
                        cc, rr, frames[k], 0.0 if touches else float(gaps[k]), lengths[k]):
                    continue
                if sat is not None and ink_colour(sat, (rr, cc)) > inks[k] + _INK_SAT_DIFF:
                    continue
                masks[k][rr, cc] = taken[rr - r0, cc - c0] = added = True
            if not added:
                break


def _behind_heel(part, body: BodyFrame) -> bool:
    """Whether a small part lies behind the heel end of ``body`` and outside its outline:
    no piece of a foot is there (a name or a date written under the print is)."""
    ys, xs = part.coords[:, 0], part.coords[:, 1]
    centre = (float(xs.mean()), float(ys.mean()))
    if cv2.pointPolygonTest(body.hull, centre, False) >= 0:
        return False
    t, _ = body.coords(np.array([centre[0]]), np.array([centre[1]]))
    return bool(t[0] < body.t0 + _HEEL_ZONE * (body.t1 - body.t0))


def _is_stroke(part, scale: float) -> bool:
    """Whether a small part (``coords``, ``bbox``) is a drawn stroke, not a toe pad."""
    r0, c0, r1, c1 = part.bbox
    sub = np.zeros((r1 - r0, c1 - c0), bool)
    sub[part.coords[:, 0] - r0, part.coords[:, 1] - c0] = True
    return stroke_like(sub, scale, LINE_MAX_FRAC)


def saturation(image: np.ndarray) -> np.ndarray:
    """HSV saturation (uint8, 0-255) of a BGR image: how coloured each pixel's ink is."""
    return cv2.cvtColor(image, cv2.COLOR_BGR2HSV)[..., 1]


def ink_colour(sat: np.ndarray, rc: tuple[np.ndarray, np.ndarray]) -> float:
    """90th percentile of the saturation over pixels (rows, cols): a print's ink colour."""
    return float(np.percentile(sat[rc], 90))


def printed_marks(parts: list, sat: np.ndarray, ref: tuple[np.ndarray, np.ndarray]) -> list:
    """The parts (with ``coords`` (n, 2) row, col) printed in a clearly more coloured ink
    than the reference print pixels ``ref`` (rows, cols): a form's logo or header."""
    level = ink_colour(sat, ref) + _INK_SAT_DIFF
    return [p for p in parts if ink_colour(sat, (p.coords[:, 0], p.coords[:, 1])) > level]


def _box_of(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(r0, c0, r1, c1) bounding box of a bool mask (exclusive ends); None when empty."""
    box = bounding_box(mask, 0)
    return None if box is None else (box[0].start, box[1].start, box[0].stop, box[1].stop)


def _near_feet(parts: list, masks: list[np.ndarray], reach: float) -> list:
    """The parts (with ``bbox`` (r0, c0, r1, c1)) that may lie within ``reach`` px of a
    foot: their box is nearer than that to a foot's box (rows or columns apart, whichever
    is more). The distance map's steps (1, 1.4, 2.2 px for a straight, diagonal and
    knight's step) never cover more rows or columns than their length, so a part farther
    away is out of reach of every foot pixel."""
    boxes = [_box_of(m) for m in masks]
    return [p for p in parts if _within(p.bbox, boxes, reach)]


def _within(bbox, boxes: list, reach: float) -> bool:
    """Whether box ``bbox`` lies nearer than ``reach`` + 2 px (rows or columns apart) to
    one of the feet's ``boxes`` (None: an empty foot, measured on the whole image)."""
    for box in boxes:
        if box is None:
            return True          # an empty foot: measured as before, on the whole image
        rows = max(box[0] - bbox[2] + 1, bbox[0] - box[2] + 1, 0)
        cols = max(box[1] - bbox[3] + 1, bbox[1] - box[3] + 1, 0)
        if max(rows, cols) < reach + 2:
            return True
    return False


_LANE = 16      # distance maps start on a column that is a multiple of this (see below)


class _FootDistances:
    """Distance (px) from given pixels to each foot mask: ``self(rows, cols)`` -> (feet,).

    The chamfer distance map of each foot (``cv2.distanceTransform``, 5x5) is computed in
    one window holding every foot and every part asked about, not on the whole image. The
    shortest chamfer path between two pixels stays in their bounding rectangle, so the
    window gives the same distances; OpenCV's vectorised transform (IPP) rounds its
    sums by column position, so the window keeps the image's rows' right end and starts
    on a column that is a multiple of ``_LANE``: bit-identical to the whole-image map.
    """

    def __init__(self, masks: list[np.ndarray], parts: list) -> None:
        boxes = [_box_of(m) for m in masks] + [tuple(p.bbox) for p in parts]
        if any(b is None for b in boxes):
            self.r0 = self.c0 = 0
            window = (slice(None), slice(None))
        else:
            self.r0 = min(b[0] for b in boxes)
            self.c0 = min(b[1] for b in boxes) // _LANE * _LANE
            window = (slice(self.r0, max(b[2] for b in boxes)), slice(self.c0, None))
        self.maps = [cv2.distanceTransform((~m[window]).astype(np.uint8), cv2.DIST_L2, 5)
                     for m in masks]

    def __call__(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        rr, cc = rows - self.r0, cols - self.c0
        return np.array([d[rr, cc].min() for d in self.maps])


def _pixels(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero(mask)`` found inside the mask's bounding box (same pixels, same order)."""
    box = bounding_box(mask, 0)
    if box is None:
        return np.nonzero(mask)
    rr, cc = np.nonzero(mask[box])
    return rr + box[0].start, cc + box[1].start
