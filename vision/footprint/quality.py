"""How far a footprint's numbers can be trusted: a 0..1 score, named issues, retake advice.

Whether the picture is a paper print at all is :mod:`vision.footprint.source`; here:
is this print good (:func:`assess`)? Toes or heel cut by the edge, feet merged, a smudged
outline, low contrast, blur, no scale, a shape at the edge of the footprint ranges (shape
gate margin), a broken arch band, a drawn line across the print.

Score: the product of one factor per issue (``_PENALTY``), capped (``_CAP``) at 0.25 for
``not_paper_print``, 0.4 for ``not_one_foot`` and 0.45 for ``faint_band`` and
``unmeasured``. A check that could not be made (too few pixels, no contrast, a NaN) never
counts as passed: it raises ``unmeasured``, which alone puts the foot below 0.5. Below
``RELIABLE_SCORE`` (0.5) the app asks for a retake, so an issue whose factor or cap is below
0.5 is one that alone makes the numbers untrustworthy (on the dev renders, bench
``calibration_footprint.py``): blur, no toes, a smudged outline, proportions no whole foot
has, faint ink in a broken band's gap, and on a wet print an unsure side or a drawn line
across the print (``_WET_PENALTY``).

The assembly fit checks (:mod:`vision.footprint.fit`) are scored against the ranges true
whole feet show on the dev renders (renderer A seeds 0+ and 9,000,000+, renderer B dev),
widened by a margin, see ``_FIT_RANGES``.
"""

from __future__ import annotations

import cv2
import numpy as np

from vision.footprint.bandpair import BAND_UNLIKE_ADVICE, BAND_UNLIKE_OTHER
from vision.footprint.fit import MIN_GAP_FRAC, gap_ink
from vision.footprint.morphology import bounding_box
from vision.footprint.result import Quality
from vision.footprint.source import SourceCheck

__all__ = ["assess", "ADVICE", "line_crosses_print"]

#: Calibrated cut-off (bench/calibration_footprint.py): a foot scored at or above it is
#: reported; below it the product asks for a retake instead of showing its numbers.
RELIABLE_SCORE = 0.5

ADVICE = {
    "toes_cut_off": "The toes run off the paper or the photo: place the foot further from "
                    "the edge and photograph the whole sheet.",
    "touches_edge": "The print touches the edge of the paper or photo: leave a margin all "
                    "around the foot.",
    "merged_feet": "The two feet touch or overlap: print each foot with space between them.",
    "smudged": "The print is smudged or patchy: use less ink or water, press the foot straight "
               "down and lift it straight up.",
    "low_contrast": "The print is faint: use a little more ink or water, or darker paper for a "
                    "wet print, and photograph it in even light.",
    "blur": "The photo is blurred: hold the phone still, tap to focus, and use more light.",
    "no_scale": "No whole sheet of paper is visible, so no millimetres: photograph the whole "
                "sheet from above with a little table around it.",
    "not_paper_print": "This looks like a photo of a sole, a podoscope or a pressure map, not "
                       "a footprint on paper: the indices are not reliable. Make an ink or wet "
                       "print on paper and photograph it.",
    "extra_prints": "There are more than two prints or a large mark on the sheet: use a clean "
                    "sheet with one print of each foot.",
    "broken_band": "The arch band is broken (no contact between the heel and the ball), so "
                   "the arch index is near 0. If the arch is not that high, retake the "
                   "print: press the whole foot down evenly, with a little more ink or water.",
    "drawn_line": "A line is drawn around or across this print (an outline, writing): it "
                  "may have joined the print's edge. Photograph a print without drawing on "
                  "it, or trace the outline on a copy.",
    "odd_shape": "The print's shape is unusual for a footprint (very wide, very long or "
                 "patchy): check that it is one whole foot, pressed flat.",
    "no_toes": "No toes were found on this print: the length and axis are less certain; make "
               "sure the toes touch the paper.",
    "not_one_foot": "This print does not have the proportions of one whole foot (heel, arch "
                    "and ball in line): it may be part of a foot, two prints run together or "
                    "something else on the sheet. Print each foot on its own, whole, with "
                    "space around it.",
    "faint_band": "The outer edge of the arch shows faint ink that was too pale to measure, "
                  "so the arch index would read too low. Retake the print with a little "
                  "more ink or water, pressing the whole foot down evenly.",
    "unmeasured": "Some checks of this print could not be made (its edge, its arch band or "
                  "its proportions), so its numbers cannot be trusted: photograph the whole "
                  "print, sharp and in even light, with a margin of paper around it.",
    "weak_side": "The print's shape does not clearly say whether this is the left or the "
                 "right foot: check the side, and make sure the toes are printed.",
    BAND_UNLIKE_OTHER: BAND_UNLIKE_ADVICE,      # set beside the other foot (bandpair.py)
}

# --- print checks ---
_BOX_PAD_PX = 8               # the checks work in the print's box grown by this
_EDGE_MARGIN_PX = 3           # the picture's or sheet's border zone
_TOE_END_FRAC = 0.8           # an edge contact beyond this share of the length is the toe end
_MERGED_ASPECT = 0.75         # width / length of the toe-less print above this: two feet
_SMUDGED_RAGGED = 1.35        # outline perimeter / hull perimeter above this: smudged (true
#                               whole feet on the dev sets: <= 1.29, real grid mat <= 1.23)
_LOW_CONTRAST = 0.08          # print darkening (fraction of the paper level) below this
_AREA_PER_LENGTH2 = 0.22      # print area / foot length squared (with toes)
_BLUR_EDGE_FRAC = 0.02        # edge width above this share of the foot length: blurred
_EDGE_BAND_PX = 7             # band across the outline where the slope is measured
_EDGE_SIDE_PX = 9             # inside / outside the outline by this for the two levels
_SLOPE_PERCENTILE = 90
_SOBEL_NORM = 8.0             # a 3x3 Sobel is 8x the per-pixel slope
_MIN_BAND_PX = 20             # fewer pixels than this: the edge width is not measured
_EDGE_STEP = 4                # the print's box is found on every 4th pixel
_EDGE_PAD_PX = 12
_SOFT_NO_SHEET = 0.7          # extra factor: a blurred or faint print and no sheet in view
#                               (wet prints on floors, tiles and decks look like this)
_GATE_FLOOR = 0.6             # factor at the shape gate's lowest foot margin (0.5) -> 1 at 1
_WEAK_SIDE = 0.2              # side confidence (0..1) below this: ``weak_side``
_FAINT_GAP_INK = 0.1          # share of a broken band's gap holding faint ink: ``faint_band``
#: (low, high) of each fit check (dimensionless, :mod:`vision.footprint.fit`) outside which
#: the print is not one whole foot (``not_one_foot``). The gap checks only apply when the
#: toe-less print has a gap (``gap_frac`` >= ``MIN_GAP_FRAC``).
#: Dev ranges of true whole feet (renderer A seeds 0+ and 9,000,000+: 195 feet; renderer B
#: dev: 42; real grid-mat and inverted contact prints: 21): heel_ball 0.54-0.83,
#: length_width 1.81-3.31 (the real grid-mat feet are the longest), gap_at 0.40-0.60,
#: rear_share 0.31-0.58; each range is widened by a margin of 0.07-0.19.
_FIT_RANGES = {"heel_ball": (0.4, 0.9), "length_width": (1.65, 3.5)}
_GAP_RANGES = {"gap_at": (0.3, 0.7), "rear_share": (0.2, 0.7)}

_PENALTY = {
    "toes_cut_off": 0.5, "touches_edge": 0.7, "merged_feet": 0.35, "smudged": 0.45,
    "low_contrast": 0.75, "blur": 0.45, "no_scale": 0.95, "extra_prints": 0.85,
    "no_toes": 0.45, "not_paper_print": 0.25, "broken_band": 0.85, "odd_shape": 0.6,
    "drawn_line": 0.55, "not_one_foot": 1.0, "faint_band": 1.0, "weak_side": 0.55,
    "unmeasured": 1.0,
}
#: the score's ceiling when the issue is present
_CAP = {"not_paper_print": 0.25, "not_one_foot": 0.4, "faint_band": 0.45, "unmeasured": 0.45}
#: on a wet print (faint contact given back, :mod:`vision.footprint.segment`) a drawn line
#: may have joined the print and an unsure side comes from a faint outline: each alone puts
#: the foot below 0.5 there (wet renders: a right foot measured from a left print, both feet
#: AI +0.07). On ink, grid-mat and inverted prints they stay x0.55: on dev 0+ 15 of 92
#: trusted feet carry one of them alone, all right.
_WET_PENALTY = {"drawn_line": 0.45, "weak_side": 0.45}
#: a left-out mark lying wholly in the print's toe zone is toes the toe row split off (a
#: drawn line there is removed with the toes before the arch index is measured): it is no
#: ``drawn_line``. Toe zone, along the heel -> toe axis: from the ball's front (or the toe
#: cut, whichever lies further back) minus
#: ``_TOE_ZONE_BACK`` to the print's front end plus ``_TOE_ZONE_FRONT``; across: the
#: print's width grown by ``_TOE_ZONE_SIDE`` on each side (fractions of the print length).
#: Dev renders (bench ``calibration_footprint.py --records``): renderer B's split toe rows
#: were taken for drawn lines on about half of its whole feet.
_TOE_ZONE_BACK = 0.02
_TOE_ZONE_FRONT = 0.01
_TOE_ZONE_SIDE = 0.02


def _boxes_meet(a: tuple[slice, slice], b: tuple[slice, slice]) -> bool:
    """Whether two (rows, cols) slice boxes overlap."""
    return all(x.start < y.stop and y.start < x.stop for x, y in zip(a, b, strict=True))


def _in_toe_zone(geom, mark: np.ndarray, box: tuple[slice, slice]) -> bool:
    """Whether every pixel of ``mark`` (bool, picture-sized; ``box`` its bounding box) lies
    in the print's toe zone (``_TOE_ZONE_*``); never when the print's toes were not found."""
    if not geom.toes_found:
        return False
    ux, uy = (float(v) for v in geom.axis_uv)
    hx, hy = (float(v) for v in geom.heel_xy)
    ys, xs = np.nonzero(geom.full_mask)
    if len(xs) == 0:
        return False
    t_print = (xs - hx) * ux + (ys - hy) * uy            # px along the axis, from the heel
    s_print = (xs - hx) * -uy + (ys - hy) * ux           # px across it
    length = float(t_print.max() - t_print.min())
    my, mx = np.nonzero(mark[box])
    my, mx = my + box[0].start, mx + box[1].start
    t_mark = (mx - hx) * ux + (my - hy) * uy
    s_mark = (mx - hx) * -uy + (my - hy) * ux
    bx, by = (float(v) for v in geom.ball_front_xy)
    t_back = (bx - hx) * ux + (by - hy) * uy             # the ball's front ...
    ty, tx = np.nonzero(geom.toes_mask)
    if len(tx):                                          # ... or the toes' cut, if further back
        t_back = min(t_back, float(((tx - hx) * ux + (ty - hy) * uy).min()))
    side = _TOE_ZONE_SIDE * length
    return bool(t_mark.min() >= t_back - _TOE_ZONE_BACK * length
                and t_mark.max() <= t_print.max() + _TOE_ZONE_FRONT * length
                and s_mark.min() >= s_print.min() - side
                and s_mark.max() <= s_print.max() + side)


def line_crosses_print(geom, marks) -> bool:
    """Whether a drawn line or writing left out of the prints (``marks``: bool masks of the
    analysis picture) may have joined this print's edge (``drawn_line``): its box meets the
    print's box and it does not lie wholly in the print's toe zone (:func:`_in_toe_zone`:
    split-off toes, or a line the toe removal cuts away)."""
    own = bounding_box(geom.full_mask, 0)
    if own is None:
        return False
    for mark in marks:
        box = bounding_box(mark, 0)
        if box is not None and _boxes_meet(own, box) and not _in_toe_zone(geom, mark, box):
            return True
    return False


def _print_box(mask: np.ndarray, pad: int = _BOX_PAD_PX) -> tuple[slice, slice]:
    """(rows, cols) slices of the mask's bounding box grown by ``pad`` px (clipped); empty
    slices for an empty mask."""
    return bounding_box(mask, pad) or (slice(0, 0), slice(0, 0))


def _edge_zone(shape: tuple[int, int], valid: np.ndarray | None, margin: int = _EDGE_MARGIN_PX,
               box: tuple[slice, slice] = (slice(None), slice(None))) -> np.ndarray:
    """Pixels at the picture's border or at the border of the usable region (sheet), in the
    window ``box`` of a picture of ``shape`` (exact more than ``margin`` px inside it)."""
    r0, r1, _ = box[0].indices(shape[0])
    c0, c1, _ = box[1].indices(shape[1])
    rows, cols = np.arange(r0, r1), np.arange(c0, c1)
    zone = (((rows < margin) | (rows >= shape[0] - margin))[:, None]
            | ((cols < margin) | (cols >= shape[1] - margin))[None, :])
    if valid is not None:
        outside = (~valid[box]).astype(np.uint8)
        zone |= cv2.dilate(outside, np.ones((2 * margin + 1,) * 2, np.uint8)) > 0
    return zone


def _cut_by_edge(geom, zone: np.ndarray, box: tuple[slice, slice]) -> tuple[bool, bool]:
    """(print touches the edge, the touching part is the toe end); ``zone`` covers the
    window ``box`` of the picture."""
    mask = geom.full_mask[box]
    ys, xs = np.nonzero(mask & zone)
    if len(xs) == 0:
        return False, False
    hx, hy = geom.heel_xy
    ux, uy = geom.axis_uv
    ay, ax = np.nonzero(mask)
    r0, c0 = box[0].start, box[1].start           # back to picture coordinates
    t_all = (ax + c0 - hx) * ux + (ay + r0 - hy) * uy
    t_edge = (xs + c0 - hx) * ux + (ys + r0 - hy) * uy
    lo, hi = float(t_all.min()), float(t_all.max())
    front = bool(np.any(t_edge > lo + _TOE_END_FRAC * (hi - lo)))
    return True, front


def _shape_ratios(mask: np.ndarray) -> tuple[float, float]:
    """(width / length from the principal axes, perimeter / convex-hull perimeter)."""
    cnts, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL,
                               cv2.CHAIN_APPROX_NONE)
    if not cnts:
        return 1.0, 1.0
    pts = np.vstack(cnts).reshape(-1, 2).astype(np.float64)
    evals = np.linalg.eigvalsh(np.cov(pts.T)) if len(pts) > 2 else np.array([1.0, 1.0])
    aspect = float(np.sqrt(max(evals[0], 1e-9) / max(evals[1], 1e-9)))
    perim = sum(cv2.arcLength(c, True) for c in cnts)
    hull = cv2.arcLength(cv2.convexHull(pts.astype(np.float32)), True)
    return aspect, float(perim / max(hull, 1e-9))


def _edge_width_px(image: np.ndarray, mask: np.ndarray) -> float:
    """Typical width (px) of the print's edge: contrast / steepest slope across the outline;
    NaN when it cannot be measured (too few pixels across or beside the outline)."""
    st = _EDGE_STEP
    ys, xs = np.nonzero(mask[::st, ::st])
    if len(xs) == 0:
        return float("nan")
    pad = _EDGE_PAD_PX
    y0, y1 = max(0, st * ys.min() - pad), min(mask.shape[0], st * ys.max() + pad + st)
    x0, x1 = max(0, st * xs.min() - pad), min(mask.shape[1], st * xs.max() + pad + st)
    image, mask = image[y0:y1, x0:x1], mask[y0:y1, x0:x1]
    grey8 = cv2.GaussianBlur(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), (3, 3), 0)
    grey = grey8.astype(np.float32)
    m8 = mask.astype(np.uint8)
    k_band = np.ones((_EDGE_BAND_PX,) * 2, np.uint8)
    band = (cv2.dilate(m8, k_band) - cv2.erode(m8, k_band)) > 0
    if band.sum() < _MIN_BAND_PX:
        return float("nan")
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3) / _SOBEL_NORM
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3) / _SOBEL_NORM
    slope = float(np.percentile(np.hypot(gx[band], gy[band]), _SLOPE_PERCENTILE))
    k_side = np.ones((_EDGE_SIDE_PX,) * 2, np.uint8)
    inner = cv2.erode(m8, k_side)
    outer = (cv2.dilate(m8, k_side) == 0).view(np.uint8)
    if np.count_nonzero(inner) < _MIN_BAND_PX or np.count_nonzero(outer) < _MIN_BAND_PX:
        return float("nan")
    step = abs(_median_u8(grey8, outer) - _median_u8(grey8, inner))
    return step / max(slope, 1e-6)


def _median_u8(image: np.ndarray, mask: np.ndarray) -> float:
    """Median of the uint8 pixels under a non-empty 0/1 ``mask`` (as ``np.median`` gives it:
    the mean of the two middle values for an even count), from their histogram."""
    counts = cv2.calcHist([image], [0], mask, [256], [0, 256]).ravel().cumsum()
    n = int(round(counts[-1]))
    lo = int(np.searchsorted(counts, (n - 1) // 2, side="right"))
    hi = int(np.searchsorted(counts, n // 2, side="right"))
    return (lo + hi) / 2.0


def _score(issues: list[str], gate_margin: float, wet: bool = False) -> float:
    """The 0..1 score of a print with these issues and shape-gate margin (module docstring);
    ``no_scale`` means no sheet was found, ``wet`` a wet print (``_WET_PENALTY``). A NaN (an
    unmeasured margin) scores 0."""
    score = 1.0
    for code in issues:
        score *= _WET_PENALTY.get(code, _PENALTY[code]) if wet else _PENALTY[code]
    if "no_scale" in issues and ("blur" in issues or "low_contrast" in issues):
        score *= _SOFT_NO_SHEET    # a soft print with no sheet in view: a floor, a deck?
    score *= _GATE_FLOOR + (1.0 - _GATE_FLOOR) * float(np.clip(2.0 * gate_margin - 1.0, 0, 1))
    if not np.isfinite(score):
        score = 0.0
    for code in issues:
        score = min(score, _CAP.get(code, 1.0))
    return float(np.clip(score, 0, 1))


def _fit_ranges(checks: dict[str, float]) -> tuple[bool, bool]:
    """(some fit check lies outside the ranges of one whole foot, some fit check is missing
    or NaN): ``_FIT_RANGES``, plus ``_GAP_RANGES`` when the print has a gap (or its gap
    share is unmeasured)."""
    ranges = dict(_FIT_RANGES)
    gap = checks.get("gap_frac", float("nan"))
    if not gap < MIN_GAP_FRAC:                # a gap, or NaN: the gap checks apply
        ranges.update(_GAP_RANGES)
    values = {k: float(checks.get(k, float("nan"))) for k in ranges}
    unmeasured = not np.isfinite(gap) or any(not np.isfinite(v) for v in values.values())
    out = any(np.isfinite(v) and not (lo <= v <= hi)
              for v, (lo, hi) in zip(values.values(), ranges.values(), strict=True))
    return out, unmeasured


def _fit_issues(checks: dict[str, float], issues: list[str]) -> list[str]:
    """The issues scored from the measured checks: ``not_one_foot`` (fit checks out of
    range), ``faint_band`` (a broken band whose gap holds faint ink), ``weak_side``, and
    ``unmeasured`` when a check these need is missing or NaN (it never counts as passed)."""
    out = []
    off, unmeasured = _fit_ranges(checks)
    if off:
        out.append("not_one_foot")
    if "broken_band" in issues:
        ink = float(checks.get("gap_ink", float("nan")))
        unmeasured |= not np.isfinite(ink)
        if ink > _FAINT_GAP_INK:
            out.append("faint_band")
    if not (float(checks.get("side_confidence", float("nan"))) >= _WEAK_SIDE):
        out.append("weak_side")
    edge = float(checks.get("edge_width", float("nan")))   # no picture: not measured
    unmeasured |= not np.isfinite(edge) or not np.isfinite(checks["gate_margin"])
    if unmeasured:
        out.append("unmeasured")
    return out


def assess(geom, *, image: np.ndarray | None = None, valid: np.ndarray | None = None,
           contrast: float = 1.0, sheet_found: bool = True,
           source: SourceCheck | None = None, extra_prints: bool = False,
           gate_margin: float = 1.0, midfoot_width_px: float | None = None,
           drawn_line: bool = False, fit: dict[str, float] | None = None,
           wet: bool = False) -> Quality:
    """Score one foot's print and list what to fix.

    Parameters
    ----------
    geom : FootGeometry (``vision.footprint.anatomy``)
    image : BGR uint8 analysis picture (for blur), optional.
    valid : bool mask of the usable region (the sheet); the picture's border always counts.
    contrast : darkening of the print vs the paper (``Segmentation.contrast``).
    sheet_found : False when no whole sheet gave a scale.
    source : result of :func:`source_check`.
    extra_prints : more print candidates than the shape gate looks at.
    gate_margin : how far inside the footprint shape ranges the print lies (0.5..1, from
        :mod:`vision.footprint.gate`); the score is scaled from ``_GATE_FLOOR`` at 0.5 to 1.
    midfoot_width_px : narrowest midfoot contact width (``FootIndices.midfoot_width_px``);
        0 means the band between heel and forefoot is broken: heel and forefoot could not
        be checked to belong together (``broken_band``).
    drawn_line : a drawn line or writing crosses the print's box (an outline traced around
        the foot may have joined its edge: ``drawn_line``).
    fit : the assembly fit checks of :func:`vision.footprint.fit.fit_checks`; without them
        (or with one missing or NaN) the print is ``unmeasured``.
    wet : a wet print (``Segmentation.wet``): ``drawn_line`` and ``weak_side`` weigh more.

    Returns
    -------
    Quality
        score 0..1, issue codes, one advice sentence per issue.
    """
    issues = []
    box = _print_box(geom.full_mask)          # work near the print only
    touches, front = _cut_by_edge(geom, _edge_zone(geom.full_mask.shape, valid, box=box), box)
    if front:
        issues.append("toes_cut_off")
    elif touches:
        issues.append("touches_edge")
    aspect, ragged = _shape_ratios(geom.toeless_mask[box])
    if aspect > _MERGED_ASPECT:
        issues.append("merged_feet")
    if ragged > _SMUDGED_RAGGED:
        issues.append("smudged")
    if contrast < _LOW_CONTRAST:
        issues.append("low_contrast")
    checks = dict(fit or {})
    checks.update(gate_margin=float(gate_margin), contrast=float(contrast),
                  aspect=aspect, ragged=ragged, side_confidence=float(geom.side_confidence))
    if image is not None:
        length = float(np.sqrt(geom.full_mask.sum() / _AREA_PER_LENGTH2))
        checks["edge_width"] = _edge_width_px(image, geom.full_mask) / max(length, 1.0)
        if checks["edge_width"] > _BLUR_EDGE_FRAC:        # NaN: ``unmeasured``
            issues.append("blur")
        checks["gap_ink"] = gap_ink(geom, image)
    if not geom.toes_found:
        issues.append("no_toes")
    if extra_prints:
        issues.append("extra_prints")
    if not sheet_found:
        issues.append("no_scale")
    if source is not None and source.kind != "paper_print":
        issues.append("not_paper_print")
    if not (gate_margin >= 1.0):
        issues.append("odd_shape")
    if midfoot_width_px is not None and midfoot_width_px <= 0:
        issues.append("broken_band")
    if drawn_line:
        issues.append("drawn_line")
    issues += _fit_issues(checks, issues)
    return Quality(score=_score(issues, gate_margin, wet), issues=tuple(issues),
                   advice=tuple(ADVICE[c] for c in issues),
                   checks=tuple((k, float(v)) for k, v in checks.items()))


