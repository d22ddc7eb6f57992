"""Split a handprint from a footprint it touches, at the narrow neck between them.

A child's hand printed next to a foot often touches it (a finger tip or the wrist on a
toe), and the print mask then holds both in one connected part. Before grouping, every
large part that shows hand evidence (at least ``HAND_MIN_DIGITS`` long digit gaps,
:func:`vision.footprint.gate.shape_facts`) is cut into the basins of its big pads: the
watershed of the negated distance transform from the maxima whose inscribed radius is at
least ``_PAD_FRAC`` of the part's largest (palm, ball of the foot, heel). Thin parts (fingers,
toes) go to the pad they are joined to most widely. When exactly one basin is a hand by
the shape gate, the other basins are shared between the hand's side and the foot's side
so that the neck between the sides (widest inscribed radius on their shared border) is
narrowest; when it is under ``_NECK_RATIO`` of the smaller side's pad radius, the hand's
side is a hand and the foot's side is not, the neck is cut: the hand and the foot become
two parts, judged apart (a toe pressed against the palm may stay with the hand).

Masks are bool arrays of the analysis image; the rules are ratios, so they hold at any
resolution.
"""

from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage as ndi
from skimage.morphology import h_maxima
from skimage.segmentation import watershed

from vision.footprint.gate import judge, shape_facts
from vision.footprint.morphology import bounding_box

__all__ = ["split_touching_hands", "HAND_MIN_DIGITS"]

HAND_MIN_DIGITS = 3      # long digit gaps that show a hand in a part (see gate._HAND_MIN_DIGITS)
_MIN_PART_FRAC = 0.08    # parts smaller than this share of the largest are not looked at
_PAD_FRAC = 0.3          # of the part's largest inscribed radius: a pad (palm, ball, heel)
_NECK_RATIO = 0.6        # a neck narrower than this share of the smaller pad's radius is cut
_MAX_BASINS = 6          # more pads than this in one part is no hand touching a foot
_CUT_PX = 1.5            # half width (px) of the cut along the neck
_WORK_SIDE_PX = 400      # pads are found on a copy at most this big (px)


def _basins(sub: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """(basin labels, distance map, number of basins) of a bool mask, one per big pad."""
    dist = ndi.distance_transform_edt(np.pad(sub, 1))[1:-1, 1:-1]
    peaks = h_maxima(dist, max(1.0, 0.1 * float(dist.max()))).astype(bool) \
        & (dist >= _PAD_FRAC * float(dist.max()))
    markers, n = ndi.label(peaks, structure=np.ones((3, 3)))
    if n < 2:
        return markers, dist, n
    return watershed(-dist, markers, mask=sub), dist, n


def _necks(lab: np.ndarray, dist: np.ndarray, n: int) -> np.ndarray:
    """(n + 1, n + 1) widest inscribed radius (px) on the border of each pair of basins."""
    neck = np.zeros((n + 1, n + 1))
    for la, lb, da, db in ((lab[:, :-1], lab[:, 1:], dist[:, :-1], dist[:, 1:]),
                           (lab[:-1], lab[1:], dist[:-1], dist[1:])):
        m = (la != lb) & (la > 0) & (lb > 0)
        np.maximum.at(neck, (la[m], lb[m]), np.minimum(da[m], db[m]))
    return np.maximum(neck, neck.T)


def _best_side(lab: np.ndarray, dist: np.ndarray, n: int, h: int) -> np.ndarray | None:
    """The basins (bool over 0..n) that go with the hand basin ``h``: of every grouping of
    the other basins into the hand's side and the foot's side, the one with the narrowest
    neck between the sides (relative to the smaller side's largest pad) where the hand's
    side is a hand and the foot's side is not; None when every neck is too wide."""
    radius = np.concatenate([[0.0], ndi.maximum(dist, lab, np.arange(1, n + 1))])
    neck = _necks(lab, dist, n)
    others = [k for k in range(1, n + 1) if k != h]
    best, best_ratio = None, _NECK_RATIO
    for bits in range(2 ** len(others)):
        side = np.zeros(n + 1, bool)
        side[h] = True
        for i, k in enumerate(others):
            side[k] = bool(bits >> i & 1)
        rest = ~side
        rest[0] = False
        if not rest.any():
            continue
        cut = float(neck[np.ix_(side, rest)].max())
        ratio = cut / max(min(radius[side].max(), radius[rest].max()), 1e-9)
        if ratio >= best_ratio:
            continue
        if judge(shape_facts(side[lab])).kind == "hand" \
                and judge(shape_facts(rest[lab])).kind != "hand":
            best, best_ratio = side, ratio
    return best


def _hand_cut(sub: np.ndarray) -> np.ndarray | None:
    """Pixels (bool, same shape) to clear to cut a hand off ``sub``, or None."""
    lab, dist, n = _basins(sub)
    if n < 2 or n > _MAX_BASINS:
        return None
    hands = [k for k in range(1, n + 1) if judge(shape_facts(lab == k)).kind == "hand"]
    if len(hands) != 1:
        return None
    side = _best_side(lab, dist, n, hands[0])
    if side is None:
        return None
    hand = side[lab] & sub
    rest = sub & ~hand
    near_rest = cv2.distanceTransform((~rest).astype(np.uint8), cv2.DIST_L2, 3) <= _CUT_PX
    near_hand = cv2.distanceTransform((~hand).astype(np.uint8), cv2.DIST_L2, 3) <= _CUT_PX
    return near_rest & near_hand & sub


def split_touching_hands(mask: np.ndarray) -> np.ndarray:
    """The print mask with every hand that touches another print cut off it (bool)."""
    box = bounding_box(mask, 0)       # labelled inside its bounding box: less work
    if box is None:
        return mask
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask[box].astype(np.uint8), 8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    out = mask
    for k in 1 + np.flatnonzero(areas >= _MIN_PART_FRAC * areas.max()):
        bx, by, w, h = stats[k, :4]
        sub = lab[by:by + h, bx:bx + w] == k
        x, y = bx + box[1].start, by + box[0].start
        if shape_facts(sub).digits < HAND_MIN_DIGITS:
            continue
        f = min(1.0, _WORK_SIDE_PX / max(w, h))
        small = sub if f == 1.0 else cv2.resize(sub.astype(np.uint8), (max(1, round(w * f)),
                                                max(1, round(h * f))),
                                                interpolation=cv2.INTER_NEAREST) > 0
        cut = _hand_cut(small)
        if cut is None:
            continue
        if f < 1.0:
            cut = cv2.resize(cv2.dilate(cut.astype(np.uint8), np.ones((3, 3), np.uint8)),
                             (w, h), interpolation=cv2.INTER_NEAREST) > 0
        if out is mask:
            out = mask.copy()
        out[y:y + h, x:x + w] &= ~cut
    return out
