"""Joining print parts into feet: measured parts, and the plausible-assembly rules.

Conventions as in :mod:`vision.footprint.segment` (masks of the analysis image, parts as
(row, col) pixels, sizes relative to the foot length). A foot is assembled from at most
two large pads (heel, forefoot: a high arch can break the band between them) lying on one
axis; a whole sole never takes another body, two soles end to end are two feet (siblings'
feet in a column), and two feet of one person have about the same print area.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from scipy.spatial.distance import cdist

from vision.footprint.hatch import CORE_FRAC
from vision.footprint.morphology import bounding_box

__all__ = ["Part", "label_parts", "part_areas", "principal", "outline_gap", "merge_bodies",
           "two_feet", "EDGE_PART_FRAC"]

_SHAPE_WEIGHT = 0.25            # two-feet split: weight of the groups' shape vs balance
_MIN_BALANCE = 0.6              # two feet of one person: smaller / larger area at least this
_MERGE_ELONGATION = 2.2         # union of heel and forefoot parts is at least this long
_MERGE_MAX_GAP = 0.35           # of the union's length: longest gap between heel and forefoot
_MERGE_MIN_ALONG = 0.8          # |cos| between the heel-forefoot link and the union's axis
_WHOLE_SOLE_ELONG = 2.0         # a whole sole (heel to ball in one part) is this elongated ...
_SOLE_HEEL_RATIO = 0.4          # ... and its narrow end is this wide vs its widest (a heel;
#                                 a forefoot's lateral band tail is narrower)
_SOLE_BINS = 10                 # width profile bins along the axis
_TOE_ROW_ELONG = 1.8            # a toe row is this elongated ...
_TOE_ROW_ALONG = 0.6            # ... across the link to its foot (|cos| below this)
_TOE_ROW_AREA = 0.35            # ... and under this share of its sole's area (a whole foot
#                                 lying across the link is another foot, not a toe row)
_MAX_PADS = 2                   # a foot leaves at most two large pads (heel, forefoot): a
#                                 third part as large is another print (a hand, a foot)
EDGE_PART_FRAC = 0.3             # parts at the sheet's edge under this share of the largest
#                                 are shadows or table, never joined to a foot


@dataclass(frozen=True, eq=False)
class Part:
    """One connected part of the binary print: pixels (row, col), outline, shape."""

    label: int
    area: int
    bbox: tuple[int, int, int, int]          # row0, col0, row1, col1 (exclusive)
    coords: np.ndarray = field(repr=False)   # (n, 2) row, col
    outline: np.ndarray = field(repr=False)  # (m, 2) row, col
    major_px: float = 0.0                    # 4 sigma along the main axis
    minor_px: float = 0.0
    axis_rc: tuple[float, float] = (1.0, 0.0)
    moments: tuple[float, ...] = ()          # n, sum r, sum c, sum rr, sum rc, sum cc


def moments(coords: np.ndarray) -> np.ndarray:
    r = coords[:, 0].astype(np.float64)
    c = coords[:, 1].astype(np.float64)
    return np.array([len(r), r.sum(), c.sum(), (r * r).sum(), (r * c).sum(), (c * c).sum()])


def principal(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centroid (r, c), eigenvalues (ascending) and eigenvectors of summed moments."""
    n = max(m[0], 1.0)
    mean = np.array([m[1], m[2]]) / n
    cov = np.array([[m[3] / n - mean[0] ** 2, m[4] / n - mean[0] * mean[1]],
                    [m[4] / n - mean[0] * mean[1], m[5] / n - mean[1] ** 2]])
    evals, evecs = np.linalg.eigh(cov + np.eye(2) * 1e-3)
    return mean, np.maximum(evals, 1e-6), evecs


def _even_box(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(r0, c0, r1, c1) bounding box of a bool mask, its top-left corner moved up and left
    to even rows and columns; None when empty. OpenCV labels in 2x2 blocks, so a window
    starting on even rows and columns numbers the parts as the whole image does."""
    box = bounding_box(mask, 0)
    if box is None:
        return None
    return box[0].start // 2 * 2, box[1].start // 2 * 2, box[0].stop, box[1].stop


def part_areas(mask: np.ndarray) -> np.ndarray:
    """Areas (px) of the 8-connected parts of a bool mask, in label order."""
    box = _even_box(mask)
    if box is None:
        return np.zeros(0, np.int32)
    r0, c0, r1, c1 = box
    stats = cv2.connectedComponentsWithStats(mask[r0:r1, c0:c1].astype(np.uint8), 8)[2]
    return stats[1:, cv2.CC_STAT_AREA]


def label_parts(mask: np.ndarray) -> tuple[np.ndarray, list[Part]]:
    """Label 8-connected parts and measure each (cv2, fast; labelled inside the mask's
    bounding box: the same labels as on the whole image, see :func:`_even_box`)."""
    labels = np.zeros(mask.shape, np.int32)
    box = _even_box(mask)
    if box is None:
        return labels, []
    y0, x0, y1, x1 = box
    n, labels[y0:y1, x0:x1], stats, _ = cv2.connectedComponentsWithStats(
        mask[y0:y1, x0:x1].astype(np.uint8), 8)
    stats[:, 0] += x0
    stats[:, 1] += y0
    parts = []
    for k in range(1, n):
        c0, r0, w, h, area = (int(v) for v in stats[k])
        sub = labels[r0:r0 + h, c0:c0 + w] == k
        rr, cc = np.nonzero(sub)
        coords = np.column_stack([rr + r0, cc + c0])
        cnts, _ = cv2.findContours(sub.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_SIMPLE)
        pts = np.vstack([c.reshape(-1, 2) for c in cnts])[:, ::-1] + (r0, c0)
        mom = moments(coords)
        _, evals, evecs = principal(mom)
        parts.append(Part(k, area, (r0, c0, r0 + h, c0 + w), coords, pts,
                           4 * float(np.sqrt(evals[1])), 4 * float(np.sqrt(evals[0])),
                           tuple(evecs[:, 1]), tuple(mom)))
    return labels, parts




def outline_gap(pa: Part, pb: Part) -> float:
    """Smallest distance (px) between the outlines of two parts."""
    a = pa.outline[:: max(1, len(pa.outline) // 400)].astype(np.float32)
    b = pb.outline[:: max(1, len(pb.outline) // 400)].astype(np.float32)
    return float(cdist(a, b).min())


def _merge_score(ga: list[Part], gb: list[Part], gaps: dict, *, strict: bool = True,
                 soles: dict | None = None) -> float:
    """How well two groups of parts make one foot together; 0 when they do not.

    Heel and forefoot of a high-arched foot lie end to end: the union is elongated
    (>= ``_MERGE_ELONGATION``), the link between them runs along the union's axis, the
    gap is short, and the union holds at most ``_MAX_PADS`` large parts. Closer pairs score
    higher, so a heel joins its own forefoot before the other foot's. ``strict=False``
    skips the oblique-part test (:func:`_off_axis`): :func:`two_feet` uses the layout of
    both feet instead (a forefoot with its lateral band tail lies obliquely to its heel).
    ``soles`` keeps :func:`_whole_sole` answers per group between calls (see there).
    """
    ma = np.sum([p.moments for p in ga], axis=0)
    mb = np.sum([p.moments for p in gb], axis=0)
    if _sole_plus_body(ga, gb, ma, mb, soles) or (strict and _off_axis(ma, mb)):
        return 0.0       # a whole sole has its heel and ball: another body is another foot's
    _, evals, evecs = principal(ma + mb)
    elong = float(np.sqrt(evals[1] / evals[0]))
    length = 4 * float(np.sqrt(evals[1]))
    link = principal(mb)[0] - principal(ma)[0]
    link /= max(float(np.linalg.norm(link)), 1e-9)
    along = abs(float(link @ evecs[:, 1]))
    gap = min(gaps[(p.label, q.label)] for p in ga for q in gb)
    areas = [p.area for p in ga + gb]
    pads = sum(a >= CORE_FRAC * max(areas) for a in areas)
    ok = (gap < _MERGE_MAX_GAP * length and elong >= _MERGE_ELONGATION
          and along > _MERGE_MIN_ALONG and pads <= _MAX_PADS)
    return 1.0 - gap / length if ok else 0.0


def _whole_sole(group: list[Part], m: np.ndarray) -> bool:
    """Whether a group of parts is a whole sole (heel, band and ball in one): elongated,
    and its narrow end is as wide as a heel (a forefoot with a thin lateral band tail is
    not)."""
    centre, evals, evecs = principal(m)
    if np.sqrt(evals[1] / evals[0]) < _WHOLE_SOLE_ELONG:
        return False
    rc = np.vstack([p.coords for p in group]).astype(np.float64) - centre
    t, s = rc @ evecs[:, 1], rc @ evecs[:, 0]
    edges = np.linspace(t.min(), t.max() + 1e-6, _SOLE_BINS + 1)
    k = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, _SOLE_BINS - 1)
    lo = np.full(_SOLE_BINS, np.inf)
    hi = np.full(_SOLE_BINS, -np.inf)
    np.minimum.at(lo, k, s)
    np.maximum.at(hi, k, s)
    width = np.where(hi >= lo, hi - lo, 0.0)
    ends = (width[:2].max(), width[-2:].max())
    return min(ends) >= _SOLE_HEEL_RATIO * width.max()


def _across(m: np.ndarray, link: np.ndarray) -> bool:
    """Whether a group (summed moments) is long across ``link`` (a row of toes)."""
    _, evals, evecs = principal(m)
    return bool(np.sqrt(evals[1] / evals[0]) >= _TOE_ROW_ELONG
                and abs(float(link @ evecs[:, 1])) < _TOE_ROW_ALONG)


def _off_axis(ma: np.ndarray, mb: np.ndarray) -> bool:
    """Whether the parts of one foot would not line up on one axis: an elongated group
    points along the link to the other one (a sole, a forefoot with its band) or lies across
    it (a ball, a toe row); one lying obliquely is another foot beside it."""
    ca, cb = principal(ma)[0], principal(mb)[0]
    link = (cb - ca) / max(float(np.linalg.norm(cb - ca)), 1e-9)
    for m in (ma, mb):
        _, evals, evecs = principal(m)
        if np.sqrt(evals[1] / evals[0]) < _WHOLE_SOLE_ELONG:
            continue
        cos = abs(float(link @ evecs[:, 1]))
        if cos >= _MERGE_MIN_ALONG or cos < _TOE_ROW_ALONG:
            continue
        return True
    return False


def _sole(group: list[Part], m: np.ndarray, soles: dict | None) -> bool:
    """:func:`_whole_sole`, answered once per group: ``soles`` maps the group's parts (in
    order: ``m`` is their moments summed in that order) to the answer, during one call of
    :func:`merge_bodies` or :func:`two_feet` (the parts stay alive: ``id`` is unique)."""
    if soles is None:
        return _whole_sole(group, m)
    key = tuple(id(p) for p in group)
    if key not in soles:
        soles[key] = _whole_sole(group, m)
    return soles[key]


def _sole_plus_body(ga, gb, ma: np.ndarray, mb: np.ndarray, soles: dict | None = None) -> bool:
    """Whether one group is a whole sole pointing at the other, and the other is another
    body, not its toe row; or both groups are whole soles (heel, band and ball each: two
    feet, e.g. siblings' feet stacked obliquely on one sheet, never one) unless the smaller
    is a toe row (across the link, under ``_TOE_ROW_AREA`` of the other's area)."""
    link = principal(mb)[0] - principal(ma)[0]
    link = link / max(float(np.linalg.norm(link)), 1e-9)
    small, big = (mb, ma) if mb[0] <= ma[0] else (ma, mb)
    toe_row = _across(small, link) and small[0] < _TOE_ROW_AREA * big[0]
    if not toe_row and _sole(ga, ma, soles) and _sole(gb, mb, soles):
        return True
    for g, m, other in ((ga, ma, mb), (gb, mb, ma)):
        along = abs(float(link @ principal(m)[2][:, 1])) >= _MERGE_MIN_ALONG
        if along and not _across(other, link) and _sole(g, m, soles):
            return True
    return False


def two_feet(bodies: list[Part], gaps: dict) -> list[list[Part]] | None:
    """Best split of 3-6 large parts into two feet of similar size, or None.

    With high arches both feet may leave a forefoot and a heel; joining the two forefeet
    (side by side) can look as foot-shaped as joining a forefoot to its heel. A person's
    two feet have about the same print area, the two forefeet and the two heels do not.
    """
    n = len(bodies)
    if not 3 <= n <= 6:
        return None
    best, soles = (0.0, None), {}
    for code in range(1, 2 ** (n - 1)):
        b = [p for k, p in enumerate(bodies[1:]) if code >> k & 1]
        a = [bodies[0]] + [p for k, p in enumerate(bodies[1:]) if not code >> k & 1]
        quality = [_group_score(g, gaps, strict=False, soles=soles) for g in (a, b)]
        if min(quality) <= 0 or _links_cross(a, b):
            continue
        sa, sb = sum(p.area for p in a), sum(p.area for p in b)
        balance = min(sa, sb) / max(sa, sb)
        score = balance + _SHAPE_WEIGHT * float(np.mean(quality))
        if balance >= _MIN_BALANCE and score > best[0]:
            best = (score, [a, b])
    return best[1]


def _group_score(group: list[Part], gaps: dict, *, strict: bool = True,
                 soles: dict | None = None) -> float:
    """1 for a single part; else how well the largest part and the rest make one foot."""
    if len(group) == 1:
        return 1.0
    group = sorted(group, key=lambda p: -p.area)
    return _merge_score(group[:1], group[1:], gaps, strict=strict, soles=soles)


def _link(group: list[Part]) -> tuple[np.ndarray, np.ndarray] | None:
    """(centre of the largest part, centre of the rest) of a group; None for one part."""
    if len(group) < 2:
        return None
    group = sorted(group, key=lambda p: -p.area)
    rest = np.sum([p.moments for p in group[1:]], axis=0)
    return principal(np.asarray(group[0].moments))[0], principal(rest)[0]


def _links_cross(ga: list[Part], gb: list[Part]) -> bool:
    """Whether the heel-to-forefoot links of two assembled feet cross: two feet cannot
    cross on paper without overlapping (which leaves one blob), so pairing each heel with
    the other foot's forefoot in an X is wrong."""
    la, lb = _link(ga), _link(gb)
    if la is None or lb is None:
        return False
    (p, q), (r, s) = la, lb

    def orient(a, b, c) -> float:
        return float((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))

    return orient(p, q, r) * orient(p, q, s) < 0 and orient(r, s, p) * orient(r, s, q) < 0


def merge_bodies(bodies: list[Part], edge: np.ndarray | None = None
                  ) -> list[list[Part]]:
    """Agglomerate heel and forefoot parts: repeatedly join the best-scoring pair.

    Two feet side by side never form an elongated union, so they stay apart. Smaller parts
    touching ``edge`` (the border of the picture or sheet: shadows, the table) are never
    joined to others.
    """
    biggest = max((p.area for p in bodies), default=0)
    fixed = [p for p in bodies if edge is not None and p.area < EDGE_PART_FRAC * biggest
             and edge[p.coords[:, 0], p.coords[:, 1]].any()]
    bodies = [p for p in bodies if all(p is not q for q in fixed)]
    groups = [[p] for p in bodies]
    gaps, soles = {}, {}
    for p in bodies:
        for q in bodies:
            if p.label < q.label:
                gaps[(p.label, q.label)] = gaps[(q.label, p.label)] = outline_gap(p, q)
    while len(groups) > 1:
        best = (0.0, -1, -1)
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                score = _merge_score(groups[i], groups[j], gaps, soles=soles)
                if score > best[0]:
                    best = (score, i, j)
        if best[0] <= 0:
            break
        _, i, j = best
        groups[i] = groups[i] + groups.pop(j)
    return groups + [[p] for p in fixed]


