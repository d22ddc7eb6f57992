"""How far a footprint's numbers can be trusted: a 0..1 score, named issues, retake advice.

Two questions are answered here:

1. *Is this a print on paper at all?* (:func:`source_check`). Podoscope and sole photos
   (skin on a dark background), podoscope scanner captures (coloured light soles on black),
   plantar-pressure images (jet colour maps) and pressure-mat charts (coloured square cells)
   show the whole sole or a pressure field, not a contact print; their "arch index" is not
   the one the reference bands were made for. They are recognised from colour statistics of
   the print and of its background, and the blockiness of chart cells.
2. *Is this print good?* (:func:`assess`): toes or heel cut by the edge, feet merged,
   a smudged outline, low contrast, blur, no scale.

Score: the product of one factor per issue (``_PENALTY``), capped at 0.25 for
``not_paper_print``. Below about 0.5 the app asks for a retake.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vision.footprint.result import Quality

__all__ = ["SourceCheck", "source_check", "surface_check", "assess", "ADVICE"]

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
}

# --- source check (colour statistics: hue in degrees, saturation and value in 0..1) ---
_SAMPLE_SIDE_PX = 500         # colour statistics are taken on a copy about this big
_STATS_SAMPLE = 50_000        # pixels sampled per statistic
_SKIN_HUE_MAX_DEG = 50.0      # skin and kraft hues: 340-360 and 0-50 degrees
_SKIN_HUE_WRAP_DEG = 340.0
_SKIN_SAT = (0.12, 0.75)      # skin saturation range
_SKIN_MIN_VALUE = 0.3
_VIVID_SAT = 0.45             # a vivid (colour-map) pixel: saturation and value above these
_VIVID_VALUE = 0.25
_VIVID_SHARE_FOR_HUES = 0.2   # hue sectors are counted when this share of pixels is vivid
_HUE_SECTOR_DEG = 60.0        # six hue sectors
_HUE_SECTOR_SHARE = 0.05      # a sector counts when it holds this share of vivid pixels
_MAP_VIVID_FG = 0.4           # pressure map: vivid print pixels ...
_MAP_MIN_SECTORS = 3          # ... of at least this many hue sectors (a colour scale)
_MAP_VIVID_BG = 0.5           # or a vivid, saturated background (a coloured chart)
_MAP_SAT_BG = 0.5
_CHART_WHITE = 0.5            # chart: exactly white background share, or ...
_CHART_VIVID_FG = 0.3         # ... vivid print share, with ...
_CHART_AXIS_EDGES = 0.6       # ... this share of strong edges along x or y (square cells)
_AXIS_TOL_DEG = 4.0           # an edge within this angle of x or y is axis-aligned
_STRONG_EDGE = 0.3            # of the 99th percentile gradient: a strong edge
_EDGE_PERCENTILE = 99
_NEAR_PRINT_PX = 9            # edges within this window around the print are examined
_SOLE_SKIN_SHARE = 0.3        # sole photo: skin-coloured share of the picture, ...
_SOLE_SAMPLE = 60_000
_SOLE_MAX_HUE_DEG = 28.0      # ... median skin hue below this (kraft is yellower), ...
_DARK_VALUE = 0.3             # ... and this share of dark pixels (below this value)
_SOLE_DARK_SHARE = 0.2
_SKIN_PRINT_SHARE = 0.5       # a print that is mostly skin-coloured ...
_DARK_BG_VALUE = 0.35         # ... over a dark background
_SCAN_PRINT_SAT = 0.1         # light, coloured print on black: a podoscope capture
_WHITE_U8 = 254               # digital white (no sensor noise)

# --- surfaces that are not paper (only looked for when no sheet was found) ---
_SURFACE_SIDE_PX = 1200       # texture scales below are pixels of a copy this big
_FINE_SIGMAS_PX = (0.7, 2.5)  # band-pass for grain (sand) ...
_MID_SIGMAS_PX = (2.5, 8.0)   # ... and for wood grain and mottling
_BG_CLEAR_PX = 25             # background = this far from the print
_SAND_FINE = 0.4              # grey levels: median fine-band residue of a granular surface
_SAND_RATIO = 1.0             # ... whose mid band is weaker than its fine band (paper: 1.3+)
_DECK_MID = 1.5               # grey levels: wood grain (paper, even coloured, stays under 1.1)
_COARSE_SIGMAS_PX = (8.0, 30.0)  # band-pass for blotches of a tiled or stone floor
_FLOOR_COARSE = 1.2           # grey levels: a blotchy floor under a plain (not crosshatch)
#                               print; flattened paper is smoother (a printed grid-mat form
#                               is as blotchy, but its print is a crosshatch)

# --- print checks ---
_BOX_PAD_PX = 8               # the checks work in the print's box grown by this
_EDGE_MARGIN_PX = 3           # the picture's or sheet's border zone
_TOE_END_FRAC = 0.8           # an edge contact beyond this share of the length is the toe end
_MERGED_ASPECT = 0.75         # width / length of the toe-less print above this: two feet
_SMUDGED_RAGGED = 1.45        # outline perimeter / hull perimeter above this: smudged
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
_NOT_PAPER_CAP = 0.25         # a score's ceiling when the picture is no paper print
_SOFT_NO_SHEET = 0.7          # extra factor: a blurred or faint print and no sheet in view
#                               (wet prints on floors, tiles and decks look like this)
_GATE_FLOOR = 0.6             # factor at the shape gate's lowest foot margin (0.5) -> 1 at 1

_PENALTY = {
    "toes_cut_off": 0.5, "touches_edge": 0.7, "merged_feet": 0.35, "smudged": 0.65,
    "low_contrast": 0.75, "blur": 0.7, "no_scale": 0.95, "extra_prints": 0.85,
    "no_toes": 0.85, "not_paper_print": 0.25, "broken_band": 0.85, "odd_shape": 0.6,
    "drawn_line": 0.55,
}


@dataclass(frozen=True)
class SourceCheck:
    """What kind of picture this is.

    kind : "paper_print", "sole_photo", "podoscope_scan", "pressure_map", "chart" or
        "floor" (a print on a floor, deck, tiles or sand).
    refuse : True when no index should be given at all (only a clear message).
    message : a sentence for the user ("" for paper prints).
    """

    kind: str
    refuse: bool = False
    message: str = ""


def _hsv_stats(hsv: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    """Colour statistics of the pixels under ``mask`` of an OpenCV HSV image (hue in degrees,
    S and V in 0..1)."""
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return {"sat": 0.0, "skin": 0.0, "vivid": 0.0, "sectors": 0, "value": 0.0}
    idx = idx[:: max(1, len(idx) // _STATS_SAMPLE)]           # a sample is enough
    hsv = hsv.reshape(-1, 3)[idx].astype(np.float32)
    hue, sat, val = hsv[:, 0] * 2.0, hsv[:, 1] / 255.0, hsv[:, 2] / 255.0
    skin = _skin(hue, sat, val)
    vivid = (sat > _VIVID_SAT) & (val > _VIVID_VALUE)
    sectors = 0
    if vivid.mean() > _VIVID_SHARE_FOR_HUES:
        counts = np.bincount((hue[vivid] // _HUE_SECTOR_DEG).astype(int) % 6,
                             minlength=6) / vivid.sum()
        sectors = int((counts > _HUE_SECTOR_SHARE).sum())
    return {"sat": float(np.median(sat)), "skin": float(skin.mean()),
            "vivid": float(vivid.mean()), "sectors": sectors, "value": float(np.median(val))}


def _axis_aligned_edges(image: np.ndarray, mask: np.ndarray) -> float:
    """Fraction of strong edges near the print that run exactly along x or y (chart cells)."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    near = cv2.dilate(mask.astype(np.uint8), np.ones((_NEAR_PRINT_PX,) * 2, np.uint8)) > 0
    mag = np.hypot(gx, gy)[near]
    if mag.size == 0 or mag.max() <= 0:
        return 0.0
    strong = mag > _STRONG_EDGE * np.percentile(mag, _EDGE_PERCENTILE)
    ang = np.degrees(np.arctan2(gy[near][strong], gx[near][strong])) % 90.0
    return float(((ang < _AXIS_TOL_DEG) | (ang > 90.0 - _AXIS_TOL_DEG)).mean())


def _skin(hue: np.ndarray, sat: np.ndarray, val: np.ndarray) -> np.ndarray:
    """Skin-coloured pixels (hue in degrees, saturation and value 0..1)."""
    return (((hue <= _SKIN_HUE_MAX_DEG) | (hue >= _SKIN_HUE_WRAP_DEG))
            & (sat > _SKIN_SAT[0]) & (sat < _SKIN_SAT[1]) & (val > _SKIN_MIN_VALUE))


def _sole_photo(hsv: np.ndarray) -> bool:
    """Skin-coloured soles over a dark surround (podoscope glass, mirror, dark cloth), from
    an OpenCV HSV image.

    Skin hue sits at 0-28 degrees (kraft and cardboard are yellower, 30-50 degrees) and a
    paper print photo is not mostly dark around the paper.
    """
    hsv = hsv.reshape(-1, 3)
    hsv = hsv[:: max(1, len(hsv) // _SOLE_SAMPLE)].astype(np.float32)
    hue, sat, val = hsv[:, 0] * 2.0, hsv[:, 1] / 255.0, hsv[:, 2] / 255.0
    skin = _skin(hue, sat, val)
    if skin.mean() < _SOLE_SKIN_SHARE:
        return False
    hue_skin = np.where(hue[skin] >= _SKIN_HUE_WRAP_DEG, hue[skin] - 360, hue[skin])
    return (float(np.median(hue_skin)) < _SOLE_MAX_HUE_DEG
            and float((val < _DARK_VALUE).mean()) > _SOLE_DARK_SHARE)


def _digital_white(image: np.ndarray, background: np.ndarray) -> float:
    """Share of background pixels that are exactly white: charts and cut-out scans, never
    a photo of paper (which always has noise)."""
    white = cv2.inRange(image, (_WHITE_U8,) * 3, (255, 255, 255))   # 255 where all >= 254
    n = np.count_nonzero(background)
    return float(np.count_nonzero(white[background])) / n if n else 0.0


def _band_residue(grey: np.ndarray, bg: np.ndarray, sigmas: tuple[float, float]) -> float:
    """Median absolute difference-of-Gaussians (grey levels) over the background."""
    d = cv2.GaussianBlur(grey, (0, 0), sigmas[0]) - cv2.GaussianBlur(grey, (0, 0), sigmas[1])
    return float(np.median(np.abs(d[bg]))) if bg.any() else 0.0


def surface_check(image: np.ndarray, foreground: np.ndarray, *,
                  textured: bool = False) -> SourceCheck | None:
    """A wet print on sand or a wooden deck (no sheet of paper found), from the texture of
    the background: sand is granular (fine grain stronger than coarse), wood has strong
    grain, tiles and stone are blotchy at a coarser scale (only checked for a plain print:
    a grid-mat form is as blotchy). None when the background could be paper.
    :func:`assess` also lowers a soft print without a sheet."""
    f = min(1.0, _SURFACE_SIDE_PX / max(image.shape[:2]))
    view = image if f == 1.0 else cv2.resize(image, None, fx=f, fy=f,
                                             interpolation=cv2.INTER_AREA)
    fg = cv2.resize(foreground.astype(np.uint8), view.shape[1::-1],
                    interpolation=cv2.INTER_NEAREST)
    grey = cv2.cvtColor(view, cv2.COLOR_BGR2GRAY).astype(np.float32)
    bg = ~(cv2.dilate(fg, np.ones((_BG_CLEAR_PX,) * 2, np.uint8)) > 0)
    fine = _band_residue(grey, bg, _FINE_SIGMAS_PX)
    mid = _band_residue(grey, bg, _MID_SIGMAS_PX)
    if fine >= _SAND_FINE and mid < _SAND_RATIO * fine:
        what = "sand or a gritty floor"
    elif mid >= _DECK_MID:
        what = "wood (a deck or a floor)"
    elif not textured and _band_residue(grey, bg, _COARSE_SIGMAS_PX) >= _FLOOR_COARSE:
        what = "a tiled or stone floor"
    else:
        return None
    return SourceCheck("floor", True, f"This print looks like it is on {what}, not on a "
                       "sheet of paper, so it cannot be measured reliably. Make the print "
                       "on a sheet of paper (ink, or a wet foot on dark paper) and "
                       "photograph the whole sheet from above.")


def source_check(image: np.ndarray, foreground: np.ndarray, *, polarity: str,
                 sheet_found: bool = True, textured: bool = False) -> SourceCheck:
    """Tell a print on paper from sole photos, podoscope scans, pressure maps and charts.

    Parameters
    ----------
    image : BGR uint8, the analysed picture.
    foreground : bool mask of the print (all feet).
    polarity : "dark_on_light" or "light_on_dark" (from segmentation).
    sheet_found : False when no sheet was found: the background is then checked for
        floors, decks, tiles and sand (:func:`surface_check`).
    textured : the print is a crosshatch (grid mat), whose form is blotchy like a floor.
    """
    full_image, full_fg = image, foreground
    step = max(1, int(max(image.shape[:2]) // _SAMPLE_SIDE_PX))   # colour statistics need few pixels
    image = np.ascontiguousarray(image[::step, ::step])
    foreground = foreground[::step, ::step]
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)       # once, shared by every statistic
    fg = _hsv_stats(hsv, foreground)
    bg = _hsv_stats(hsv, ~foreground)
    if fg["vivid"] > _MAP_VIVID_FG and fg["sectors"] >= _MAP_MIN_SECTORS:
        return SourceCheck("pressure_map", False, "This looks like a plantar pressure map "
                           "(colour scale), not a footprint on paper.")
    if bg["vivid"] > _MAP_VIVID_BG and bg["sat"] > _MAP_SAT_BG:
        return SourceCheck("pressure_map", False, "This looks like a pressure map or a "
                           "coloured chart, not a footprint on paper.")
    if (_digital_white(image, ~foreground) > _CHART_WHITE or fg["vivid"] > _CHART_VIVID_FG) \
            and _axis_aligned_edges(image, foreground) > _CHART_AXIS_EDGES:
        return SourceCheck("chart", False, "This looks like a pressure-mat chart (square "
                           "cells), not a footprint on paper.")
    if _sole_photo(hsv) or (fg["skin"] > _SKIN_PRINT_SHARE and (polarity == "light_on_dark"
                                                              or bg["value"] < _DARK_BG_VALUE)):
        return SourceCheck("sole_photo", True, "This looks like a photo of the soles (skin, "
                           "podoscope or mirror), not a footprint on paper. Make an ink or "
                           "wet print on paper and photograph it.")
    if not sheet_found and _digital_white(image, ~foreground) > _CHART_WHITE:
        return SourceCheck("podoscope_scan", False, "This looks like a scan or a cut-out "
                           "picture of a sole (an exactly white background), not a photo of "
                           "a footprint on paper.")
    if not sheet_found:
        floor = surface_check(full_image, full_fg, textured=textured)
        if floor is not None:
            return floor
    if polarity == "light_on_dark" and fg["sat"] > _SCAN_PRINT_SAT:
        return SourceCheck("podoscope_scan", False, "This looks like a podoscope or scanner "
                           "capture of the sole, not a footprint on paper.")
    return SourceCheck("paper_print")


def _print_box(mask: np.ndarray, pad: int = _BOX_PAD_PX) -> tuple[slice, slice]:
    """(rows, cols) slices of the mask's bounding box grown by ``pad`` px (clipped)."""
    x, y, w, h = cv2.boundingRect(np.ascontiguousarray(mask, dtype=bool).view(np.uint8))
    return (slice(max(y - pad, 0), min(y + h + pad, mask.shape[0])),
            slice(max(x - pad, 0), min(x + w + pad, mask.shape[1])))


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
    """Typical width (px) of the print's edge: contrast / steepest slope across the outline."""
    st = _EDGE_STEP
    ys, xs = np.nonzero(mask[::st, ::st])
    if len(xs) == 0:
        return 0.0
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
        return 0.0
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3) / _SOBEL_NORM
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3) / _SOBEL_NORM
    slope = float(np.percentile(np.hypot(gx[band], gy[band]), _SLOPE_PERCENTILE))
    k_side = np.ones((_EDGE_SIDE_PX,) * 2, np.uint8)
    inner = cv2.erode(m8, k_side)
    outer = (cv2.dilate(m8, k_side) == 0).view(np.uint8)
    if np.count_nonzero(inner) < _MIN_BAND_PX or np.count_nonzero(outer) < _MIN_BAND_PX:
        return 0.0
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


def assess(geom, *, image: np.ndarray | None = None, valid: np.ndarray | None = None,
           contrast: float = 1.0, sheet_found: bool = True,
           source: SourceCheck | None = None, extra_prints: bool = False,
           gate_margin: float = 1.0, midfoot_width_px: float | None = None,
           drawn_line: bool = False) -> Quality:
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
    if image is not None:
        length = float(np.sqrt(geom.full_mask.sum() / _AREA_PER_LENGTH2))
        if _edge_width_px(image, geom.full_mask) > _BLUR_EDGE_FRAC * length:
            issues.append("blur")
    if not geom.toes_found:
        issues.append("no_toes")
    if extra_prints:
        issues.append("extra_prints")
    if not sheet_found:
        issues.append("no_scale")
    if source is not None and source.kind != "paper_print":
        issues.append("not_paper_print")
    if gate_margin < 1.0:
        issues.append("odd_shape")
    if midfoot_width_px is not None and midfoot_width_px <= 0:
        issues.append("broken_band")
    if drawn_line:
        issues.append("drawn_line")
    score = 1.0
    for code in issues:
        score *= _PENALTY[code]
    if not sheet_found and ("blur" in issues or "low_contrast" in issues):
        score *= _SOFT_NO_SHEET    # a soft print with no sheet in view: a floor, a deck?
    score *= _GATE_FLOOR + (1.0 - _GATE_FLOOR) * float(np.clip(2.0 * gate_margin - 1.0, 0, 1))
    if "not_paper_print" in issues:
        score = min(score, _NOT_PAPER_CAP)
    return Quality(score=float(np.clip(score, 0, 1)), issues=tuple(issues),
                   advice=tuple(ADVICE[c] for c in issues))


