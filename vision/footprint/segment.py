"""Segment footprints on paper (or on the whole photo) and group them into feet.

Conventions
-----------
- Input: BGR uint8 image, usually the rectified sheet. Output masks are bool arrays of the
  same (rows, cols) shape, one per foot, toes included (``anatomy.analyse_foot`` removes them).
- "Print" means where the foot touched: dark ink or a wet mark on light paper, or a light
  print on a dark background (inverted polarity, detected automatically).
- All sizes are relative: texture and line widths scale with the image and, after a first
  pass, with the length of the largest print, so the same code works at any resolution.
  The constants here are fractions of the foot length (or of its square for areas).

Method
------
1-2. Background flattening and thresholding: :mod:`vision.footprint.threshold`.
3. Morphology scaled to the print: closing fills the crosshatch, hole filling, opening
   removes pen lines and printed rules; thin, tiny or border-spanning parts are dropped
   (binary operations: :mod:`vision.footprint.morphology`).
4. Grouping: large parts are foot bodies (a high-arched foot may give two: heel and forefoot,
   merged when their union is foot-shaped); small parts join the nearest body when they fit
   a toe (size, shape, ink, position: :mod:`vision.footprint.grouping`).
5. Crosshatch (grid-mat) prints: faint contact and toes joined through faint hatch,
   :mod:`vision.footprint.hatch`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from scipy.spatial.distance import cdist

from vision.footprint.gate import judge, shape_facts
from vision.footprint.grouping import attach_toes, printed_marks, saturation
from vision.footprint.hatch import (
    CORE_FRAC,
    MIN_HATCH_SHARE,
    contact_density,
    hatch_contact,
    hatch_lines,
    restore_faint_contact,
    split_faint_toes,
)
from vision.footprint.morphology import dilate, erode, fill_small_holes
from vision.footprint.threshold import NoPrintFound, binarise, detect_polarity, print_darkness

__all__ = ["Segmentation", "segment_prints", "print_darkness", "NoPrintFound"]

_BODY_FRAC = 0.08               # a part this big (vs the largest) is a heel or a sole
_CANDIDATE_FRAC = 0.12          # a print candidate (foot, hand, sticker...) vs the largest
_MAX_CANDIDATES = 8             # at most this many candidates go to the shape gate
_NEVER_JOINED = ("hand", "drawing", "text")   # gate verdicts of parts kept on their own
_MARK_CLEAR_FRAC = 0.03         # of foot length: strokes this near a print are its own edge
_MARK_JOIN_FRAC = 0.03          # of foot length: strokes this close are one mark (a word)
_MARK_MIN_SPAN = 0.12           # of foot length: a smaller stroke group is not reported
_MARK_MIN_AREA = 0.004          # of foot length squared: a smaller left-over part neither
_MAX_MARKS = 6                  # at most this many stroke groups are reported
_AREA_PER_LENGTH2 = 0.22        # print area / foot length squared (with toes)
_MAX_BODIES = 8                 # more large parts than this is not a footprint sheet
_CLOSE_FRAC = 0.008             # of foot length: closes the crosshatch
_OPEN_FRAC = 0.025              # of foot length: removes pen lines and printed rules
_STROKE_FRAC = 0.012            # of foot length: drawn lines are thinner than twice this
_STROKE_MIN_SPAN = 0.1          # of foot length: a thin piece this long is a line
_MAX_HOLE_FRAC = 0.02           # of foot length squared: larger holes are not filled
_MAX_HOLE_TEXTURED = 0.005      # ... on a crosshatch print, whose closing joins the toes to the
#                                 ball around the crease between them (a ~0.01 hole)
_BORDER_BAND_FRAC = 0.06        # of foot length: band along the picture's border
_BORDER_STRIP_SPAN = 0.3        # of the picture's side: a strip along its border this long
_SPECK_AREA = 0.0006            # of foot length squared: smaller parts are specks
_LINE_ELONGATION = 5.0          # major / minor axis above this: a pen line or a rule
_SPAN_FRAC = 0.9                # of the picture's side: a part this long spans it ...
_FOLD_WIDTH = 0.25              # ... and, thinner than this share of a foot, is a fold
_CUT_PART_AREA = 0.03           # of foot length squared: small parts cut by the border
_SHAPE_WEIGHT = 0.25            # two-feet split: weight of the groups' shape vs balance
_MIN_BALANCE = 0.6              # two feet of one person: smaller / larger area at least this
_EDGE_PART_FRAC = 0.3           # parts at the sheet's edge under this share of the largest
#                                 are shadows or table, never joined to a foot
_ROUGH_SCALE = 0.25             # the first size estimate works on a copy this big
_MERGE_ELONGATION = 2.2         # union of heel and forefoot parts is at least this long
_MERGE_MAX_GAP = 0.35           # of the union's length: longest gap between heel and forefoot
_MERGE_MIN_ALONG = 0.8          # |cos| between the heel-forefoot link and the union's axis
_WHOLE_SOLE_ELONG = 2.0         # a whole sole (heel to ball in one part) is this elongated ...
_SOLE_HEEL_RATIO = 0.4          # ... and its narrow end is this wide vs its widest (a heel;
#                                 a forefoot's lateral band tail is narrower)
_SOLE_BINS = 10                 # width profile bins along the axis
_TOE_ROW_ELONG = 1.8            # a toe row is this elongated ...
_TOE_ROW_ALONG = 0.6            # ... across the link to its foot (|cos| below this)
_MAX_PADS = 2                   # a foot leaves at most two large pads (heel, forefoot): a
#                                 third part as large is another print (a hand, a foot)


@dataclass(frozen=True)
class Segmentation:
    """Per-foot masks and facts about the print.

    feet : tuple of bool arrays, one per print candidate (a foot, or a hand, a sticker, two
        crossed feet... for the shape gate of :mod:`vision.footprint.gate` to sort out),
        largest first.
    polarity : "dark_on_light" (ink, wet print) or "light_on_dark" (inverted print).
    contrast : median darkening of the print relative to the paper (0..1).
    foreground : bool array, every kept print pixel (union of ``feet``).
    dropped : how many print-like parts were left out (marks, extra prints).
    extra_bodies : candidates beyond ``_MAX_CANDIDATES`` (left out unseen).
    marks : bool masks of marks left out before grouping, for the ignored list: drawn lines
        and writing (thin strokes the opening removed) and parts no foot took (stickers);
        empty on a printed form (crosshatch), whose rules and logos are no user's marks.
    filled : the print mask before the opening that removes thin lines (fingers of a small
        handprint survive in it), for the shape gate.
    """

    feet: tuple[np.ndarray, ...]
    polarity: str
    contrast: float
    foreground: np.ndarray = field(repr=False)
    dropped: int = 0
    extra_bodies: int = 0
    feature: str = "grey"
    textured: bool = False
    marks: tuple[np.ndarray, ...] = field(default=(), repr=False)
    filled: np.ndarray | None = field(default=None, repr=False)


@dataclass(frozen=True, eq=False)
class _Part:
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


def _moments(coords: np.ndarray) -> np.ndarray:
    r = coords[:, 0].astype(np.float64)
    c = coords[:, 1].astype(np.float64)
    return np.array([len(r), r.sum(), c.sum(), (r * r).sum(), (r * c).sum(), (c * c).sum()])


def _shape(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centroid (r, c), eigenvalues (ascending) and eigenvectors of summed moments."""
    n = max(m[0], 1.0)
    mean = np.array([m[1], m[2]]) / n
    cov = np.array([[m[3] / n - mean[0] ** 2, m[4] / n - mean[0] * mean[1]],
                    [m[4] / n - mean[0] * mean[1], m[5] / n - mean[1] ** 2]])
    evals, evecs = np.linalg.eigh(cov + np.eye(2) * 1e-3)
    return mean, np.maximum(evals, 1e-6), evecs


def _parts(mask: np.ndarray) -> tuple[np.ndarray, list[_Part]]:
    """Label 8-connected parts and measure each (cv2, fast)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    parts = []
    for k in range(1, n):
        c0, r0, w, h, area = (int(v) for v in stats[k])
        sub = labels[r0:r0 + h, c0:c0 + w] == k
        rr, cc = np.nonzero(sub)
        coords = np.column_stack([rr + r0, cc + c0])
        cnts, _ = cv2.findContours(sub.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_SIMPLE)
        pts = np.vstack([c.reshape(-1, 2) for c in cnts])[:, ::-1] + (r0, c0)
        mom = _moments(coords)
        _, evals, evecs = _shape(mom)
        parts.append(_Part(k, area, (r0, c0, r0 + h, c0 + w), coords, pts,
                           4 * float(np.sqrt(evals[1])), 4 * float(np.sqrt(evals[0])),
                           tuple(evecs[:, 1]), tuple(mom)))
    return labels, parts


def _close_fill(mask: np.ndarray, scale: float, *, textured: bool) -> np.ndarray:
    """Close the texture and fill small holes (scaled to the print, ``scale`` px)."""
    r = _CLOSE_FRAC * scale if textured else 0.5 * _CLOSE_FRAC * scale
    closed = erode(dilate(mask, r), r)
    hole = _MAX_HOLE_TEXTURED if textured else _MAX_HOLE_FRAC
    return fill_small_holes(closed, hole * scale * scale)


def _drop_strokes(mask: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """(mask without drawn lines, the lines). A pencil or crayon line (an outline traced
    around the foot, a doodle, writing) is thinner than any part of a print that is
    measured: it vanishes under an opening of ``_STROKE_FRAC`` of the foot length, and a
    long piece of what vanished is a line. Taken out before holes are filled, so paper
    enclosed between an outline and the print never becomes print."""
    r = max(1.0, _STROKE_FRAC * scale)
    thin = mask & ~dilate(erode(mask, r), r)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(thin.astype(np.uint8), 8)
    span = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    long = span >= _STROKE_MIN_SPAN * scale
    long[0] = False
    if not long.any():
        return mask, np.zeros(mask.shape, bool)
    lines = long[lab]
    return mask & ~lines, lines


def _drop_border_strips(mask: np.ndarray, scale: float,
                        valid: np.ndarray | None = None) -> np.ndarray:
    """Remove long strips hugging the picture's (or the sheet's) border: the table, a
    neighbouring sheet, a fold or the shaded edge of the paper. A print meets the border
    over a short stretch at most."""
    rows, cols = mask.shape
    width = max(2, int(round(_BORDER_BAND_FRAC * scale)))
    band = np.zeros(mask.shape, bool)
    band[:width], band[-width:], band[:, :width], band[:, -width:] = True, True, True, True
    if valid is not None:
        band |= ~erode(valid, width)
    hug = (mask & band).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(hug, connectivity=8)
    out = mask.copy()
    for k in range(1, n):
        _, _, w, h, _ = stats[k]
        if max(w / cols, h / rows) > _BORDER_STRIP_SPAN:
            out[labels == k] = False
    return dilate(erode(out, _OPEN_FRAC * scale), _OPEN_FRAC * scale)


def _is_clutter(part: _Part, scale: float, shape: tuple[int, int]) -> bool:
    """Pen lines, printed rules, folds, logos and specks: thin, tiny, spanning the picture,
    or small and cut by the picture's border."""
    if part.area < _SPECK_AREA * scale * scale:
        return True
    if part.major_px / max(part.minor_px, 1.0) > _LINE_ELONGATION:
        return True
    r0, c0, r1, c1 = part.bbox
    spans = (r1 - r0) > _SPAN_FRAC * shape[0] or (c1 - c0) > _SPAN_FRAC * shape[1]
    if spans and part.minor_px < _FOLD_WIDTH * scale:
        return True  # a fold, the sheet's edge, a ruled margin
    on_border = r0 == 0 or c0 == 0 or r1 == shape[0] or c1 == shape[1]
    return on_border and part.area < _CUT_PART_AREA * scale * scale


def _gap(pa: _Part, pb: _Part) -> float:
    """Smallest distance (px) between the outlines of two parts."""
    a = pa.outline[:: max(1, len(pa.outline) // 400)].astype(np.float32)
    b = pb.outline[:: max(1, len(pb.outline) // 400)].astype(np.float32)
    return float(cdist(a, b).min())


def _merge_score(ga: list[_Part], gb: list[_Part], gaps: dict) -> float:
    """How well two groups of parts make one foot together; 0 when they do not.

    Heel and forefoot of a high-arched foot lie end to end: the union is elongated
    (>= ``_MERGE_ELONGATION``), the link between them runs along the union's axis, the
    gap is short, and the union holds at most ``_MAX_PADS`` large parts. Closer pairs score higher, so a heel joins its own forefoot before the
    other foot's.
    """
    ma = np.sum([p.moments for p in ga], axis=0)
    mb = np.sum([p.moments for p in gb], axis=0)
    if _sole_plus_body(ga, gb, ma, mb) or _off_axis(ma, mb):
        return 0.0       # a whole sole has its heel and ball: another body is another foot's
    _, evals, evecs = _shape(ma + mb)
    elong = float(np.sqrt(evals[1] / evals[0]))
    length = 4 * float(np.sqrt(evals[1]))
    link = _shape(mb)[0] - _shape(ma)[0]
    link /= max(float(np.linalg.norm(link)), 1e-9)
    along = abs(float(link @ evecs[:, 1]))
    gap = min(gaps[(p.label, q.label)] for p in ga for q in gb)
    areas = [p.area for p in ga + gb]
    pads = sum(a >= CORE_FRAC * max(areas) for a in areas)
    ok = (gap < _MERGE_MAX_GAP * length and elong >= _MERGE_ELONGATION
          and along > _MERGE_MIN_ALONG and pads <= _MAX_PADS)
    return 1.0 - gap / length if ok else 0.0


def _whole_sole(group: list[_Part], m: np.ndarray) -> bool:
    """Whether a group of parts is a whole sole (heel, band and ball in one): elongated,
    and its narrow end is as wide as a heel (a forefoot with a thin lateral band tail is
    not)."""
    centre, evals, evecs = _shape(m)
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
    _, evals, evecs = _shape(m)
    return bool(np.sqrt(evals[1] / evals[0]) >= _TOE_ROW_ELONG
                and abs(float(link @ evecs[:, 1])) < _TOE_ROW_ALONG)


def _off_axis(ma: np.ndarray, mb: np.ndarray) -> bool:
    """Whether the parts of one foot would not line up on one axis: an elongated group
    (a sole, a forefoot with its band) points along the link to the other one, unless it is
    the smaller group lying across the link (a toe row)."""
    ca, cb = _shape(ma)[0], _shape(mb)[0]
    link = (cb - ca) / max(float(np.linalg.norm(cb - ca)), 1e-9)
    for m, other in ((ma, mb), (mb, ma)):
        _, evals, evecs = _shape(m)
        if np.sqrt(evals[1] / evals[0]) < _WHOLE_SOLE_ELONG:
            continue
        cos = abs(float(link @ evecs[:, 1]))
        if cos >= _MERGE_MIN_ALONG or (m[0] < other[0] and cos < _TOE_ROW_ALONG):
            continue
        return True
    return False


def _sole_plus_body(ga, gb, ma: np.ndarray, mb: np.ndarray) -> bool:
    """Whether one group is a whole sole pointing at the other, and the other is another
    body, not its toe row."""
    link = _shape(mb)[0] - _shape(ma)[0]
    link = link / max(float(np.linalg.norm(link)), 1e-9)
    for g, m, other in ((ga, ma, mb), (gb, mb, ma)):
        along = abs(float(link @ _shape(m)[2][:, 1])) >= _MERGE_MIN_ALONG
        if along and not _across(other, link) and _whole_sole(g, m):
            return True
    return False


def _two_feet(bodies: list[_Part], gaps: dict) -> list[list[_Part]] | None:
    """Best split of 3-6 large parts into two feet of similar size, or None.

    With high arches both feet may leave a forefoot and a heel; joining the two forefeet
    (side by side) can look as foot-shaped as joining a forefoot to its heel. A person's
    two feet have about the same print area, the two forefeet and the two heels do not.
    """
    n = len(bodies)
    if not 3 <= n <= 6:
        return None
    best = (0.0, None)
    for code in range(1, 2 ** (n - 1)):
        b = [p for k, p in enumerate(bodies[1:]) if code >> k & 1]
        a = [bodies[0]] + [p for k, p in enumerate(bodies[1:]) if not code >> k & 1]
        quality = [_group_score(g, gaps) for g in (a, b)]
        if min(quality) <= 0:
            continue
        sa, sb = sum(p.area for p in a), sum(p.area for p in b)
        balance = min(sa, sb) / max(sa, sb)
        score = balance + _SHAPE_WEIGHT * float(np.mean(quality))
        if balance >= _MIN_BALANCE and score > best[0]:
            best = (score, [a, b])
    return best[1]


def _group_score(group: list[_Part], gaps: dict) -> float:
    """1 for a single part; else how well the largest part and the rest make one foot."""
    if len(group) == 1:
        return 1.0
    group = sorted(group, key=lambda p: -p.area)
    return _merge_score(group[:1], group[1:], gaps)


def _merge_bodies(bodies: list[_Part], edge: np.ndarray | None = None
                  ) -> list[list[_Part]]:
    """Agglomerate heel and forefoot parts: repeatedly join the best-scoring pair.

    Two feet side by side never form an elongated union, so they stay apart. Smaller parts
    touching ``edge`` (the border of the picture or sheet: shadows, the table) are never
    joined to others.
    """
    biggest = max((p.area for p in bodies), default=0)
    fixed = [p for p in bodies if edge is not None and p.area < _EDGE_PART_FRAC * biggest
             and edge[p.coords[:, 0], p.coords[:, 1]].any()]
    bodies = [p for p in bodies if all(p is not q for q in fixed)]
    groups = [[p] for p in bodies]
    gaps = {}
    for p in bodies:
        for q in bodies:
            if p.label < q.label:
                gaps[(p.label, q.label)] = gaps[(q.label, p.label)] = _gap(p, q)
    while len(groups) > 1:
        best = (0.0, -1, -1)
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                score = _merge_score(groups[i], groups[j], gaps)
                if score > best[0]:
                    best = (score, i, j)
        if best[0] <= 0:
            break
        _, i, j = best
        groups[i] = groups[i] + groups.pop(j)
    return groups + [[p] for p in fixed]


def _not_foot_part(part: _Part) -> bool:
    """Whether one connected part is clearly not a piece of a foot (shape gate)."""
    r0, c0, r1, c1 = part.bbox
    sub = np.zeros((r1 - r0, c1 - c0), bool)
    sub[part.coords[:, 0] - r0, part.coords[:, 1] - c0] = True
    return judge(shape_facts(sub)).kind in _NEVER_JOINED


def _group(labels: np.ndarray, parts: list[_Part], scale: float,
           edge: np.ndarray | None = None, image: np.ndarray | None = None,
           textured: bool = False, filled: np.ndarray | None = None,
           density: tuple[np.ndarray, float] | None = None) -> tuple[list[np.ndarray], int]:
    """Bodies (big parts, merged per foot) plus toes. On a crosshatch (grid-mat) print,
    made on a printed form, small parts join only when they fit a toe of a body
    (:func:`vision.footprint.grouping.attach_toes`; ``image`` gives their ink colour);
    otherwise every small part near a body joins it. With ``filled`` (the print before the
    opening) faint contact inside each body's outline is given back first; with ``density``
    (crosshatch density, firm-contact threshold) toes joined by faint contact are cut off."""
    parts = sorted(parts, key=lambda p: -p.area)
    big = [p for p in parts if p.area >= _BODY_FRAC * parts[0].area][:_MAX_BODIES]
    if textured and image is not None:
        # a logo or header in coloured ink, as big as a heel, is no heel: it goes through
        # the toe test (a toe touching it is cut off and kept, the mark is left out)
        marks = printed_marks([p for p in big if p.area < CORE_FRAC * big[0].area],
                              saturation(image), (big[0].coords[:, 0], big[0].coords[:, 1]))
        big = [p for p in big if all(p is not q for q in marks)]
    small = [p for p in parts if all(p is not q for q in big)]
    # a part that is clearly no piece of a foot (a hand, a drawn line) is never joined to
    # another one: it stays a candidate of its own for the shape gate
    alone = [p for p in big if _not_foot_part(p)]
    big = [p for p in big if all(p is not q for q in alone)] or big
    alone = [p for p in alone if all(p is not q for q in big)]
    core = [p for p in big if p.area >= CORE_FRAC * big[0].area]
    pair = _two_feet(core, {(p.label, q.label): _gap(p, q) for p in core for q in core
                            if p is not q}) if 3 <= len(core) <= 6 else None
    if pair is not None:
        feet = pair
        small = small + [p for p in big if all(p is not q for q in core)]
    else:
        feet = _merge_bodies(big, edge)
    feet = feet + [[p] for p in alone]
    feet.sort(key=lambda f: -sum(p.area for p in f))
    first = sum(p.area for p in feet[0])
    feet = [f for f in feet if sum(p.area for p in f) >= _CANDIDATE_FRAC * first]
    extra = max(0, len(feet) - _MAX_CANDIDATES)
    masks, cores = [], []
    for foot in feet[:_MAX_CANDIDATES]:
        m = np.zeros(labels.shape, bool)
        for p in foot:
            m[p.coords[:, 0], p.coords[:, 1]] = True
        masks.append(m)
        c = np.zeros(labels.shape, bool)
        for p in foot:
            if p.area >= CORE_FRAC * max(q.area for q in foot):
                c[p.coords[:, 0], p.coords[:, 1]] = True
        cores.append(c)
    if filled is not None:
        for k in range(len(masks)):
            others = np.zeros(labels.shape, bool)
            for j, m in enumerate(masks):
                if j != k:
                    others |= m
            masks[k] = restore_faint_contact(masks[k], cores[k], filled, others)
    if density is not None:
        masks = [split_faint_toes(m, density[0], density[1], scale) for m in masks]
    attach_toes(masks, small, scale, image, strict=textured)
    order = np.argsort([-int(np.count_nonzero(m)) for m in masks], kind="stable")
    return [masks[k] for k in order], extra


def segment_prints(image: np.ndarray, *, valid: np.ndarray | None = None) -> Segmentation:
    """Find the footprints on an image and return one mask per foot.

    Parameters
    ----------
    image : ndarray, shape (rows, cols, 3), uint8
        BGR photo or rectified sheet.
    valid : bool ndarray, optional
        Where prints may be (for example the sheet without its border); default everywhere.

    Returns
    -------
    Segmentation
        ``feet`` holds one bool mask per foot (toes included), largest first.

    Raises
    ------
    NoPrintFound
        Blank paper or nothing darker (or lighter) than the background.
    """
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"image must be BGR uint8 (rows, cols, 3), got {image.dtype} "
                         f"{image.shape}")
    polarity = detect_polarity(image)
    mask, contrast, feature, textured = binarise(image, valid, polarity)
    _, rough = _parts(cv2.resize(mask.astype(np.uint8), None, fx=_ROUGH_SCALE, fy=_ROUGH_SCALE,
                                 interpolation=cv2.INTER_NEAREST))
    if not rough:
        raise NoPrintFound("no print found")
    # foot length from the largest part's area (a print covers ~22 % of length squared):
    # robust to a pen line or a fold joined to the print, unlike its major axis
    scale = float(np.sqrt(max(p.area for p in rough) / _AREA_PER_LENGTH2)) / _ROUGH_SCALE
    strokes = None
    if not textured:
        mask, strokes = _drop_strokes(mask, scale)
    filled = _close_fill(mask, scale, textured=textured)
    # the opening removes pen lines and printed rules
    opened = dilate(erode(filled, _OPEN_FRAC * scale), _OPEN_FRAC * scale)
    labels, parts = _parts(_drop_border_strips(opened, scale, valid))
    kept = [p for p in parts if not _is_clutter(p, scale, mask.shape)]
    if not kept:
        raise NoPrintFound("only marks and lines, no footprint")
    scale = float(np.sqrt(max(p.area for p in kept) / _AREA_PER_LENGTH2))
    # shadows and table at the sheet's edge must not join a foot; without a sheet the
    # picture's border is not special (a contact print may fill the picture)
    edge = None if valid is None else ~erode(valid, 3)
    if edge is not None:
        largest = max(p.area for p in kept)
        kept = [p for p in kept if p.area >= _EDGE_PART_FRAC * largest
                or not edge[p.coords[:, 0], p.coords[:, 1]].any()]
    faint = density = None
    if textured and feature != "colour":
        lines = hatch_lines(image, feature, polarity, mask)
        if float(lines[erode(mask, _CLOSE_FRAC * scale)].mean()) >= MIN_HATCH_SHARE:
            # a real crosshatch (not a blotchy wet print that the closing test took for
            # one): recover faint contact and cut toes joined through it
            faint = filled | hatch_contact(lines)
            density = contact_density(image, valid, feature, polarity)
    feet, extra = _group(labels, kept, scale, edge, image, textured, faint, density)
    fg = np.zeros(mask.shape, bool)
    for m in feet:
        fg |= m
    used_labels = np.unique(labels[fg])
    used = len(used_labels) - (0 if fg.all() else 1)
    marks = () if textured else _marks((filled & ~opened) | strokes, kept, used_labels, fg,
                                       scale)
    return Segmentation(feet=tuple(feet), polarity=polarity, contrast=contrast,
                        foreground=fg, dropped=max(0, len(parts) - used),
                        extra_bodies=extra, feature=feature, textured=textured, marks=marks,
                        filled=filled)


def _marks(strokes: np.ndarray, kept: list[_Part], used: np.ndarray, fg: np.ndarray,
           scale: float) -> tuple[np.ndarray, ...]:
    """Masks of marks that are no print, for the ignored list: groups of thin strokes (a
    drawn line, a doodle, a written name; letters of a word joined by a short reach) lying
    away from the feet, and parts no foot took. Found on a quarter-size copy, returned at
    full size (the box is what is reported)."""
    rows, cols = fg.shape
    small = cv2.resize(strokes.astype(np.uint8), (max(1, cols // 4), max(1, rows // 4)),
                       interpolation=cv2.INTER_AREA) > 0
    near_feet = cv2.resize(dilate(fg, _MARK_CLEAR_FRAC * scale).astype(np.uint8),
                           small.shape[::-1], interpolation=cv2.INTER_NEAREST) > 0
    small &= ~near_feet
    out = []
    joined = dilate(small, _MARK_JOIN_FRAC * scale / 4.0)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(joined.astype(np.uint8), 8)
    order = np.argsort(-stats[1:, cv2.CC_STAT_AREA]) + 1
    for k in order[:_MAX_MARKS]:
        if max(stats[k, cv2.CC_STAT_WIDTH], stats[k, cv2.CC_STAT_HEIGHT]) * 4 \
                < _MARK_MIN_SPAN * scale:
            continue
        m = cv2.resize((small & (lab == k)).astype(np.uint8), (cols, rows),
                       interpolation=cv2.INTER_NEAREST) > 0
        out.append(m)
    for p in kept:
        if p.label in used or p.area < _MARK_MIN_AREA * scale * scale or len(out) >= 2 * _MAX_MARKS:
            continue
        m = np.zeros(fg.shape, bool)
        m[p.coords[:, 0], p.coords[:, 1]] = True
        out.append(m)
    return tuple(out)
