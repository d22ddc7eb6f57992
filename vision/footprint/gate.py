"""Is this blob a plantar footprint? A shape gate run before anything is measured.

Every candidate print (one connected body with the small parts grouped with it) is described
by measured shape properties, and the description decides what it is. No trained model: each
property is a physical or anatomical fact about footprints and the things found next to
them on keepsake sheets and clinic forms.

Properties (:class:`ShapeFacts`, all dimensionless; "length" is the blob's long extent,
4 standard deviations of its pixels along the principal axis):

- ``elongation``: long / short principal extent. A foot's print with its toes is 2.2-3.6
  times longer than wide; a spread hand 1.0-1.7; two crossed or touching feet about 1-1.8.
- ``solidity``: area / convex-hull area of the main part (``skimage`` ``regionprops``).
- ``digits``: long protrusions of the main part: convexity defects deeper than
  ``_DIGIT_DEPTH_FRAC`` of the length, plus long thin separate pieces (finger tips printed
  apart). Toes are short (their gaps are shallow); fingers are long (a hand has 3-4 deep gaps
  between five long digits).
- ``thickness``: twice the largest inscribed radius (distance transform) / length. Filled
  prints are thick (0.2-0.5); pencil or crayon lines, outlines and writing are strokes (under
  ``_STROKE_MAX``).
- ``fill``: area / area with the holes filled: an outline drawn around a foot is a ring.
- ``coverage``: area / length squared. One foot covers about 0.2 of its length squared;
  two crossed feet much more for their length.
- ``vivid``: the blob's ink is far more saturated than the sheet's footprints (a sticker).
- ``evenness``: narrowest / widest extent across the principal axis over the middle
  ``_EVEN_SPAN`` of the length. A foot narrows from the ball to the midfoot and the heel
  (heel about 0.6-0.7 of the ball's width; even a flat foot's midfoot is narrower than its
  ball); a ruler, a strip of tape or a straight bar is as wide all along (near 1).

Verdicts (:class:`Verdict`): ``foot``, ``hand``, ``drawing`` (strokes, outlines, doodles),
``text``, ``sticker``, ``overlap`` (more print than one foot can leave, X or side-by-side
shape) or ``uncertain`` (between the foot ranges and the others: reported, not measured).
``foot_margin`` (0..1) is how far inside every foot range the blob lies; quality uses it.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

import cv2
import numpy as np

from vision.footprint.marks import STROKE_MAX_FRAC, noticeable, stroke_like, stroke_width
from vision.footprint.morphology import bounding_box, dilate, erode

__all__ = ["ShapeFacts", "Verdict", "Candidate", "shape_facts", "judge", "sort_candidates",
           "judge_marks", "touching_feet", "TOUCH_FRAC", "foreign_rim", "FOREIGN_RIM",
           "MESSAGES", "IGNORED_KIND", "plural_message", "summary"]

_WORK_SIDE_PX = 200          # shape facts are measured on a copy at most this big (px)
_MIN_PART_FRAC = 0.01        # parts smaller than this share of the blob are crumbs
_DIGIT_DEPTH_FRAC = 0.14     # of blob length: a convexity defect this deep is a long digit gap
_LOOSE_DIGIT_ELONG = 2.3     # a separate piece this elongated ...
_LOOSE_DIGIT_LEN = 0.22      # ... and this long (of blob length) is a loose finger
_STROKE_MAX = 0.075          # thickness (of length) below which a blob is a drawn line
_RING_FILL = 0.55            # fill below this: an outline (a ring around paper)

# foot ranges: (hard low, soft low, soft high, hard high); inside the soft range the margin is
# 1, it falls linearly to 0 at the hard limits
_FOOT_ELONG = (1.7, 2.05, 5.0, 6.5)
_FOOT_SOLIDITY = (0.45, 0.6, 1.0, 1.01)
_FOOT_THICK = (0.08, 0.12, 0.6, 0.8)
_FOOT_FILL = (0.6, 0.85, 1.0, 1.01)
_FOOT_COVER = (0.035, 0.06, 0.35, 0.42)
_FOOT_MAX_DIGITS = 2         # deep gaps a foot may show (arch concavity, hallux gap)
_HAND_MIN_DIGITS = 3         # deep gaps between digits of a hand
_HAND_MAX_ELONG = 2.1        # a hand with spread fingers is not much longer than wide
_OVERLAP_COVER = 0.24        # coverage above this with a short, wide shape: two prints
_OVERLAP_MAX_ELONG = 1.9
_OVERLAP_MAX_THICK = 0.7     # thickness at or above this is a compact blot or dot (a disc:
#                              1), not two feet: their union is longer than it is thick
_TEXT_MIN_PIECES = 3         # writing: several stroke pieces in a row
_TEXT_MIN_ASPECT = 2.5       # ... a line of letters, this much wider than tall
_FOOT_MARGIN_MIN = 0.5       # margin below this (but not clearly something else): uncertain
_EVEN_SPAN = 0.8             # share of the length (centred) where the width is compared
_EVEN_BINS = 8               # width bins over that span
_BAR_EVENNESS = 0.85         # evenness above this with ...
_BAR_SOLIDITY = 0.9          # ... a solid, convex outline: a straight bar (ruler), no foot


MESSAGES = {
    "hand": ("A handprint was left out: only footprints are measured.",
             "{n} handprints were left out: only footprints are measured."),
    "drawing": ("A drawn line (pencil, crayon or a doodle) was left out.",
                "{n} drawn lines or doodles were left out."),
    "text": ("Writing on the sheet was left out.", "{n} pieces of writing were left out."),
    "sticker": ("A sticker or coloured mark was left out.",
                "{n} stickers or coloured marks were left out."),
    "overlap": ("Two prints overlap here, so neither is measured: print each foot with space "
                "around it.", "{n} places where prints overlap were not measured: print each "
                "foot with space around it."),
    "unknown": ("A mark that does not clearly look like a footprint was not measured.",
                "{n} marks that do not clearly look like footprints were not measured."),
}


def plural_message(kind: str, n: int) -> str:
    """The plain sentence for ``n`` ignored blobs of one kind."""
    one, many = MESSAGES[kind]
    return one if n == 1 else many.format(n=n)


@dataclass(frozen=True)
class ShapeFacts:
    """Measured shape of one blob (see the module docstring; all dimensionless)."""

    elongation: float
    solidity: float
    digits: int
    thickness: float
    fill: float
    coverage: float
    pieces: int
    aspect_box: float          # width / height of the upright bounding box (>= 1)
    length_px: float           # long principal extent (4 sigma), analysis pixels
    evenness: float = 0.0      # narrowest / widest cross extent along the middle (0..1)


@dataclass(frozen=True)
class Verdict:
    """What a blob is: ``kind`` and how far inside the foot ranges it lies (0..1)."""

    kind: str
    foot_margin: float
    facts: ShapeFacts
    reason: str = ""


def _ramp(x: float, rng: tuple[float, float, float, float]) -> float:
    """1 inside the soft range, falling linearly to 0 at the hard limits."""
    a, b, c, d = rng
    if x <= a or x >= d:
        return 0.0
    if x < b:
        return (x - a) / (b - a)
    if x > c:
        return (d - x) / (d - c)
    return 1.0


def _work_copy(mask: np.ndarray) -> tuple[np.ndarray, float]:
    """The blob's box shrunk to at most ``_WORK_SIDE_PX`` (with a 2 px margin), its scale."""
    x, y, w, h = cv2.boundingRect(np.ascontiguousarray(mask, dtype=bool).view(np.uint8))
    crop = mask[y:y + h, x:x + w].astype(np.uint8)
    f = min(1.0, _WORK_SIDE_PX / max(w, h, 1))
    if f < 1.0:
        size = (max(1, round(w * f)), max(1, round(h * f)))
        crop = (cv2.resize(crop.astype(np.float32), size, interpolation=cv2.INTER_AREA)
                >= 0.5).astype(np.uint8)
    return np.pad(crop, 2), f


def _deep_defects(contour: np.ndarray, depth_px: float) -> int:
    """Convexity defects of an outline deeper than ``depth_px``."""
    if len(contour) < 5:
        return 0
    hull = cv2.convexHull(contour, returnPoints=False)
    if hull is None or len(hull) < 4:
        return 0
    try:
        defects = cv2.convexityDefects(contour, hull)
    except cv2.error:                        # self-intersecting hull order: no defects
        return 0
    if defects is None:
        return 0
    depth = defects.reshape(-1, 4)[:, 3] / 256.0   # (n, 1, 4) in OpenCV 4, (n, 4) in 5
    return int(np.count_nonzero(depth > depth_px))


_FACTS_MEMO: OrderedDict = OrderedDict()   # the last blobs measured (see shape_facts)
_FACTS_MEMO_SIZE = 64


def shape_facts(mask: np.ndarray) -> ShapeFacts:
    """Measure one blob (bool mask, any size; several parts allowed).

    The facts depend on the blob's bounding box only; a blob measured again (a part
    judged by the hand split and again by the grouping, a mark judged twice) is answered
    from the last ``_FACTS_MEMO_SIZE`` blobs, keyed by its box's exact pixels."""
    x, y, w, h = cv2.boundingRect(np.ascontiguousarray(mask, dtype=bool).view(np.uint8))
    crop = np.ascontiguousarray(mask[y:y + h, x:x + w])
    key = (w, h, crop.dtype.str, hashlib.blake2b(crop.tobytes(), digest_size=16).digest())
    facts = _FACTS_MEMO.get(key)
    if facts is None:
        facts = _measure_shape(crop)
        _FACTS_MEMO[key] = facts
        if len(_FACTS_MEMO) > _FACTS_MEMO_SIZE:
            _FACTS_MEMO.popitem(last=False)
    return facts


def _measure_shape(mask: np.ndarray) -> ShapeFacts:
    """:func:`shape_facts` of a blob, worked out."""
    m, f = _work_copy(mask)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    if areas.size == 0:
        return ShapeFacts(0.0, 0.0, 0, 0.0, 0.0, 0.0, 0, 1.0, 0.0)
    ys, xs = np.nonzero(m)
    cov = np.cov(np.stack([xs, ys]).astype(np.float64)) + np.eye(2) * 1e-3
    evals, evecs = np.linalg.eigh(cov)
    length = 4.0 * float(np.sqrt(evals[1]))
    width = 4.0 * float(np.sqrt(evals[0]))
    main = (lab == 1 + int(np.argmax(areas))).astype(np.uint8)
    cnts, _ = cv2.findContours(main, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    cnt = max(cnts, key=cv2.contourArea)
    hull_area = max(cv2.contourArea(cv2.convexHull(cnt)), 1.0)
    solidity = float(np.count_nonzero(main) / hull_area)
    digits = _deep_defects(cnt, _DIGIT_DEPTH_FRAC * length)
    pieces = int(np.count_nonzero(areas >= _MIN_PART_FRAC * areas.max()))
    for k in np.flatnonzero(areas >= _MIN_PART_FRAC * areas.max()):
        if k == int(np.argmax(areas)):
            continue
        w_k, h_k = stats[1 + k, cv2.CC_STAT_WIDTH], stats[1 + k, cv2.CC_STAT_HEIGHT]
        pts = np.column_stack(np.nonzero(lab == 1 + k)).astype(np.float32)
        (_, _), (a, b), _ = cv2.minAreaRect(pts) if len(pts) >= 3 else ((0, 0), (w_k, h_k), 0)
        lo, hi = min(a, b), max(a, b)
        if hi >= _LOOSE_DIGIT_LEN * length and hi >= _LOOSE_DIGIT_ELONG * max(lo, 1.0):
            digits += 1
    dist = cv2.distanceTransform(m, cv2.DIST_L2, 5)
    thickness = 2.0 * float(dist.max()) / max(length, 1e-9)
    ff = np.pad(1 - m, 1, constant_values=1)         # background, joined all around
    cv2.floodFill(ff, None, (0, 0), 2)
    holes = ff[1:-1, 1:-1] == 1
    fill = float(np.count_nonzero(m) / max(np.count_nonzero(m) + np.count_nonzero(holes), 1))
    coverage = float(np.count_nonzero(m) / max(length * length, 1e-9))
    x, y, w, h = cv2.boundingRect(m)
    aspect = max(w, h) / max(min(w, h), 1)
    return ShapeFacts(elongation=float(length / max(width, 1e-9)), solidity=solidity,
                      digits=int(digits), thickness=thickness, fill=fill, coverage=coverage,
                      pieces=pieces, aspect_box=float(aspect), length_px=float(length / f),
                      evenness=_evenness(xs, ys, evecs))


def _evenness(xs: np.ndarray, ys: np.ndarray, evecs: np.ndarray) -> float:
    """Narrowest / widest extent across the principal axis over the middle ``_EVEN_SPAN``
    of the blob's extent along it (``_EVEN_BINS`` bins; 0 when a bin is empty)."""
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    t, s = pts @ evecs[:, 1], pts @ evecs[:, 0]
    lo, hi = float(t.min()), float(t.max())
    pad = (1.0 - _EVEN_SPAN) / 2 * (hi - lo)
    edges = np.linspace(lo + pad, hi - pad, _EVEN_BINS + 1)
    k = np.searchsorted(edges, t, side="right") - 1
    inside = (k >= 0) & (k < _EVEN_BINS)
    if not inside.any():
        return 0.0
    k, s = k[inside], s[inside]
    s_lo = np.full(_EVEN_BINS, np.inf)
    s_hi = np.full(_EVEN_BINS, -np.inf)
    np.minimum.at(s_lo, k, s)
    np.maximum.at(s_hi, k, s)
    width = np.where(s_hi >= s_lo, s_hi - s_lo + 1.0, 0.0)
    return float(width.min() / max(width.max(), 1e-9))


def judge(facts: ShapeFacts, *, vivid: bool = False, small: bool = False) -> Verdict:
    """Decide what a blob is from its :class:`ShapeFacts`.

    vivid : its ink is far more saturated than the footprints' (a sticker or coloured mark).
    small : it is much smaller than the sheet's largest print (not a foot of this sheet).
    """
    margin = min(_ramp(facts.elongation, _FOOT_ELONG), _ramp(facts.solidity, _FOOT_SOLIDITY),
                 _ramp(facts.thickness, _FOOT_THICK), _ramp(facts.fill, _FOOT_FILL),
                 _ramp(facts.coverage, _FOOT_COVER))
    if facts.digits > _FOOT_MAX_DIGITS:
        margin = 0.0
    if facts.thickness < _STROKE_MAX or facts.fill < _RING_FILL:
        text = facts.pieces >= _TEXT_MIN_PIECES and facts.aspect_box >= _TEXT_MIN_ASPECT
        return Verdict("text" if text else "drawing", 0.0, facts,
                       "thin strokes" if facts.thickness < _STROKE_MAX else "an outline")
    if facts.digits >= _HAND_MIN_DIGITS and facts.elongation <= _HAND_MAX_ELONG:
        return Verdict("hand", 0.0, facts, f"{facts.digits} long digit gaps, no heel")
    if vivid and (small or margin < _FOOT_MARGIN_MIN):
        return Verdict("sticker", 0.0, facts, "coloured mark")
    if facts.evenness > _BAR_EVENNESS and facts.solidity > _BAR_SOLIDITY:
        return Verdict("unknown", 0.0, facts, "a straight bar of even width (a ruler, a strip)")
    if small:      # a piece of a print (a toe row, a heel) or a mark: never a foot here
        return Verdict("unknown", 0.0, facts, "much smaller than the sheet's feet")
    if facts.coverage >= _OVERLAP_COVER and facts.elongation <= _OVERLAP_MAX_ELONG \
            and facts.thickness < _OVERLAP_MAX_THICK and not small:
        return Verdict("overlap", 0.0, facts, "more print than one foot, short and wide")
    if margin >= _FOOT_MARGIN_MIN:
        return Verdict("foot", margin, facts)
    return Verdict("uncertain", margin, facts, "outside the footprint ranges")


_INK_SAT_DIFF = 40.0        # HSV saturation (0-255): ink this much more coloured is a sticker
_SMALL_FRAC = 0.33          # of the largest foot-like candidate's area: too small for a foot
#                             of this sheet (siblings' feet differ by less: 0.4-1)
_OVERLAP_AREA = 1.45        # area vs the largest single foot: two prints in one blob
_OVERLAP_MIN_AREA = 0.9     # two prints overlapping leave at least about one foot's area
_OVERLAP_SOLIDITY = 0.8     # without another foot to compare: an X-shaped (concave) blob
_OVERLAP_COVER_ALONE = 0.3  # ... that covers this much of its length squared
_AREA_PER_LENGTH2 = 0.22    # print area / foot length squared (toes included)
_THIN_REACH = 0.5           # of a candidate's size: its thin parts are looked for this far


@dataclass(frozen=True)
class Candidate:
    """One print candidate of a sheet and the gate's verdict on it."""

    mask: np.ndarray
    verdict: Verdict
    area_px: int


def _ink(sat: np.ndarray, mask: np.ndarray) -> float:
    """90th percentile of the HSV saturation under a mask (uint8 scale)."""
    vals = sat[mask]
    return float(np.percentile(vals[:: max(1, vals.size // 20_000)], 90)) if vals.size else 0.0


def _with_thin_parts(mask: np.ndarray, filled: np.ndarray) -> np.ndarray:
    """The candidate with the thin parts the opening took (a small hand's fingers): the
    pre-opening parts that overlap it, within its box grown by ``_THIN_REACH``."""
    x, y, w, h = cv2.boundingRect(np.ascontiguousarray(mask, dtype=bool).view(np.uint8))
    g = int(_THIN_REACH * max(w, h))
    r0, r1 = max(0, y - g), min(mask.shape[0], y + h + g)
    c0, c1 = max(0, x - g), min(mask.shape[1], x + w + g)
    sub = filled[r0:r1, c0:c1].astype(np.uint8)
    n, lab = cv2.connectedComponents(sub, connectivity=8)
    keep = np.zeros(n, bool)
    keep[np.unique(lab[mask[r0:r1, c0:c1]])] = True
    keep[0] = False
    return keep[lab]


def sort_candidates(masks, image: np.ndarray | None = None,
                    filled: np.ndarray | None = None) -> list[Candidate]:
    """Judge every candidate of one sheet (largest first), with the sheet as context.

    A candidate far more coloured than the sheet's footprints is a sticker; one much
    smaller than the largest foot-like candidate is no foot of this sheet; one much larger
    (or X-shaped) is two prints overlapping. With ``filled`` (the print before thin lines
    were opened away), a candidate that is no foot is checked again with its thin parts:
    a small hand's fingers may only be there.
    """
    masks = list(masks)
    facts = [shape_facts(m) for m in masks]
    areas = [int(np.count_nonzero(m)) for m in masks]
    first = [judge(f) for f in facts]
    footish = [a for a, v in zip(areas, first, strict=True) if v.kind == "foot"]
    ref_area = max(footish) if footish else (max(areas) if areas else 0)
    sat = None if image is None else cv2.cvtColor(image, cv2.COLOR_BGR2HSV)[..., 1]
    inks = [0.0] * len(masks) if sat is None else [_ink(sat, m) for m in masks]
    ref_ink = float(np.median([i for i, v in zip(inks, first, strict=True)
                               if v.kind == "foot"] or inks or [0.0]))
    out = []
    for m, f, a, ink in zip(masks, facts, areas, inks, strict=True):
        vivid = sat is not None and ink > ref_ink + _INK_SAT_DIFF
        v = judge(f, vivid=vivid, small=a < _SMALL_FRAC * ref_area)
        if v.kind == "foot" and footish and a > _OVERLAP_AREA * _second_largest(footish, a) \
                and (f.solidity < _OVERLAP_SOLIDITY or f.elongation < _FOOT_ELONG[1]):
            v = Verdict("overlap", 0.0, f, "more print than one foot of this sheet")
        elif v.kind == "uncertain" and not footish and f.solidity < _OVERLAP_SOLIDITY \
                and f.coverage > _OVERLAP_COVER_ALONE:
            v = Verdict("overlap", 0.0, f, "X-shaped, more print than one foot")
        if v.kind == "overlap" and footish and a < _OVERLAP_MIN_AREA * _largest_other(footish, a):
            v = Verdict("unknown", 0.0, f, "a mark smaller than one foot of this sheet")
        if v.kind != "foot" and filled is not None:
            again = judge(shape_facts(_with_thin_parts(m, filled)))
            if again.kind == "hand":
                v = again
        out.append(Candidate(m, v, a))
    return out


def _largest_other(footish: list[int], own: int) -> float:
    """The largest foot-like area other than ``own`` (0 when there is none)."""
    others = list(footish)
    if own in others:
        others.remove(own)
    return float(max(others, default=0))


def _second_largest(footish: list[int], own: int) -> float:
    """The largest foot-like area other than ``own`` (``own`` when it is the only one)."""
    others = sorted(footish, reverse=True)
    if own in others:
        others.remove(own)
    return float(others[0]) if others else float(own)


IGNORED_KIND = {"hand": "hand", "drawing": "drawing", "text": "text", "sticker": "sticker",
                "overlap": "overlap", "uncertain": "unknown", "unknown": "unknown"}


def summary(kinds) -> list[str]:
    """One plain sentence per ignored kind, in a fixed order ("2 handprints were left out")."""
    counts: dict[str, int] = {}
    for k in kinds:
        counts[k] = counts.get(k, 0) + 1
    return [plural_message(k, counts[k]) for k in MESSAGES if k in counts]


_TEXT_MARK_PIECES = 2       # a left-out group of strokes in a row with this many pieces: words
_IN_HULL_SHARE = 0.5        # a mark mostly inside a foot's convex hull is part of that print
_MARK_CLEAR_FRAC = 0.1      # of foot length: a plain blob farther than this from every
#                             foot is a mark of its own (nearer: a toe or a piece of a print)


def _mark_kind(m: np.ndarray, foot_px: float, vivid: tuple[bool, bool],
               clear: bool) -> str | None:
    """What a left-out mark is: ``text`` (thin pieces in a row), ``drawing`` (a stroke or
    a ring), ``sticker`` (a filled mark in another colour) or ``unknown`` (a filled mark
    clear of the feet); None when it is not worth telling (too small, or a plain blob by
    a foot: a toe or a piece of a print). ``vivid``: (far more coloured than the feet's
    ink, than the paper)."""
    if foot_px > 0 and not noticeable(m, foot_px):
        return None
    f = shape_facts(m)
    ref = foot_px if foot_px > 0 else float(max(m.shape))
    if f.pieces >= _TEXT_MARK_PIECES and f.aspect_box >= _TEXT_MIN_ASPECT \
            and stroke_width(m) < STROKE_MAX_FRAC * ref:
        return "text"
    if f.fill < _RING_FILL or stroke_like(m, ref):
        return "drawing"
    if vivid[0] or (vivid[1] and clear):
        return "sticker"
    return "unknown" if clear else None


def _hull_mask(mask: np.ndarray) -> np.ndarray:
    """The convex hull of a print (bool mask of the same shape)."""
    pts = cv2.findNonZero(np.ascontiguousarray(mask, dtype=bool).view(np.uint8))
    out = np.zeros(mask.shape, np.uint8)
    if pts is not None:
        cv2.fillConvexPoly(out, cv2.convexHull(pts), 1)
    return out.view(bool)


def _common_box(masks) -> tuple[slice, slice]:
    """The bounding box (row and column slices) of all non-empty bool masks together."""
    rects = [cv2.boundingRect(np.ascontiguousarray(m, dtype=bool).view(np.uint8)) for m in masks]
    rects = [r for r in rects if r[2] > 0] or [(0, 0, 0, 0)]
    x0, y0 = min(r[0] for r in rects), min(r[1] for r in rects)
    x1, y1 = max(r[0] + r[2] for r in rects), max(r[1] + r[3] for r in rects)
    return slice(y0, y1), slice(x0, x1)


def judge_marks(marks, feet, image: np.ndarray | None = None) -> list[Candidate]:
    """The marks worth telling the user about, judged against the sheet's feet: drawn lines,
    writing, stickers and other blobs at least :data:`~vision.footprint.marks.NOTICE_FRAC`
    of the feet's length (the foot length from the largest foot's area); specks stay silent.
    """
    if not marks:
        return []
    sat = None if image is None else cv2.cvtColor(image, cv2.COLOR_BGR2HSV)[..., 1]
    ref = float(np.median([_ink(sat, m) for m in feet])) if sat is not None and feet else 0.0
    paper = float(np.median(sat[::4, ::4])) if sat is not None else 0.0
    foot_px = float(np.sqrt(max(np.count_nonzero(m) for m in feet) / _AREA_PER_LENGTH2)) \
        if feet else 0.0
    away, box = None, (slice(None), slice(None))
    if feet:
        # the distance from the feet is needed on the marks only: worked out inside the
        # box around feet and marks (every shortest path lies inside it; same distances)
        box = _common_box(list(feet) + list(marks))
        union = np.logical_or.reduce([f[box] for f in feet])
        away = cv2.distanceTransform((~union).astype(np.uint8), cv2.DIST_L2, 3)
    hulls = [_hull_mask(f) for f in feet]
    out = []
    for m in marks:
        if any(np.count_nonzero(m & h) > _IN_HULL_SHARE * np.count_nonzero(m) for h in hulls):
            continue                      # a piece of a print inside its own outline
        ink = _ink(sat, m) if sat is not None else 0.0
        vivid = (sat is not None and bool(feet) and ink > ref + _INK_SAT_DIFF,
                 sat is not None and ink > paper + _INK_SAT_DIFF)
        clear = away is None or float(away[m[box]].min()) > _MARK_CLEAR_FRAC * foot_px
        kind = _mark_kind(m, foot_px, vivid, clear)
        if kind is not None:
            out.append(Candidate(m, Verdict(kind, 0.0, shape_facts(m), "left-out mark"),
                                 int(np.count_nonzero(m))))
    return out


TOUCH_FRAC = 0.02           # of foot length: two feet nearer than this (about 3 mm on a
#                             child's print) touched or overlapped on the paper


def touching_feet(masks) -> list[bool]:
    """Per foot candidate: whether another one comes within ``TOUCH_FRAC`` of its length.

    Two prints made that close ran into each other (one foot's toes pressed on the other's
    ball, a heel over a forefoot): the segmentation may cut the joined print anywhere, so
    neither print is known to be one whole foot. Feet printed for measuring stand apart.
    The foot length is the area estimate (``_AREA_PER_LENGTH2``) of the smaller print.
    """
    masks = [np.ascontiguousarray(m, dtype=bool) for m in masks]
    out = [False] * len(masks)
    for i in range(len(masks)):
        for j in range(i + 1, len(masks)):
            a, b = masks[i], masks[j]
            if not a.any() or not b.any():
                continue
            box = _common_box([a, b])
            away = cv2.distanceTransform((~b[box]).astype(np.uint8), cv2.DIST_L2, 3)
            length = float(np.sqrt(min(np.count_nonzero(a), np.count_nonzero(b))
                                   / _AREA_PER_LENGTH2))
            if float(away[a[box]].min()) < TOUCH_FRAC * length:
                out[i] = out[j] = True
    return out


_RIM_FRAC = 0.006           # of foot length: the print's outer rim, where a line would sit
_INK_DEPTH = 0.04           # of foot length: pixels this deep inside give the ink colour
_PAPER_RING = 0.03          # of foot length: the paper colour from a ring this wide outside
_OFF_MIX = 0.25             # Lab distance from the ink-paper mix line (of |ink - paper|)
FOREIGN_RIM = 0.08          # share of the rim off the mix line: a line joined the edge


def foreign_rim(mask: np.ndarray, image: np.ndarray) -> float:
    """Share of a print's outer rim whose colour is no mix of the print's ink and the paper.

    An edge pixel of a print is ink partly covering paper: its Lab colour lies on the line
    through the ink colour (the print's core) and the paper colour (a ring just outside); a
    wet print's darker drying rim is the same colour, more of it, and lies on that line too.
    A pencil or crayon outline traced round the foot that the mask took in (closed onto the
    print's edge) is another colour: its rim pixels lie off the line by more than
    ``_OFF_MIX`` of the ink-paper distance. A graphite line round a black print is on the
    line and is not seen. 0 when the print is too small to have a core.
    """
    box = bounding_box(mask, int(0.1 * np.sqrt(np.count_nonzero(mask) / _AREA_PER_LENGTH2)) + 4)
    if box is None:
        return 0.0
    m8 = np.ascontiguousarray(mask[box], dtype=np.uint8)
    length = float(np.sqrt(np.count_nonzero(m8) / _AREA_PER_LENGTH2))
    rim_r = max(1, round(_RIM_FRAC * length))
    core = erode(m8 > 0, _INK_DEPTH * length)
    rim = (m8 > 0) & ~erode(m8 > 0, rim_r)
    ring = dilate(m8 > 0, _PAPER_RING * length + rim_r) & ~dilate(m8 > 0, 2 * rim_r)
    if not core.any() or not ring.any() or not rim.any():
        return 0.0
    lab = cv2.cvtColor(np.ascontiguousarray(image[box]), cv2.COLOR_BGR2LAB).astype(np.float32)
    ink = np.median(lab[core], axis=0)
    paper = np.median(lab[ring], axis=0)
    d = paper - ink
    span2 = float(d @ d)
    if span2 < 1.0:
        return 0.0
    x = lab[rim] - ink
    t = x @ d / span2                  # along the line; a darker rim of the same ink is on it
    off = np.linalg.norm(x - t[:, None] * d, axis=1) / np.sqrt(span2)
    return float(np.count_nonzero(off > _OFF_MIX) / off.size)
