"""Is this a print on paper at all? Podoscope and sole photos, scans, pressure maps, charts,
prints on floors.

Podoscope and sole photos (skin on a dark background), podoscope scanner captures (coloured
light soles on black) and cut-out scans (an exactly white background), plantar-pressure
images (jet colour maps) and pressure-mat charts (coloured square cells) show the whole sole
or a pressure field, not a contact print; their "arch index" is not the one the reference
bands were made for. They are recognised from colour statistics of the print and of its
background and the blockiness of chart cells. Without a sheet in view, the background's
texture tells sand (granular), wood (grain) and tiles or stone (blotches) from paper.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["SourceCheck", "source_check", "surface_check"]

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
    textured : the print is a crosshatch (grid mat), whose form is blotchy like a floor
        (a light print on a dark background is not checked for blotches either).
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
    if polarity == "light_on_dark" and fg["sat"] > _SCAN_PRINT_SAT and not sheet_found:
        # a sheet's edge in view: a light print on dark paper (a scanner's glass has none)
        return SourceCheck("podoscope_scan", False, "This looks like a podoscope or scanner "
                           "capture of the sole, not a footprint on paper.")
    if not sheet_found:
        floor = surface_check(full_image, full_fg,
                              textured=textured or polarity != "dark_on_light")
        if floor is not None:
            return floor
    return SourceCheck("paper_print")


