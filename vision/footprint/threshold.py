"""From a photo to a binary print mask: paper level, darkening maps, hysteresis threshold.

Sizes are fractions of the image's long side (the analysis works at half resolution); the
darkening is a fraction of the paper's brightness (0..1).

Method
------
1. Background flattening: the paper's brightness is estimated per channel by a grey-level
   closing with a kernel wider than a foot on a tiny copy, then each pixel's darkening
   relative to it is ``1 - I / background`` (removes shading, folds' gradients, colour casts).
2. Of three darkening measures (grey, brightest channel, colour distance) the one with the
   best Otsu separability is kept, smoothed at the texture scale (grid-mat crosshatch and
   wet-print blotches become a density), then thresholded with hysteresis (Otsu, half Otsu)
   so faint midfoot contact attached to the print is kept. A print fainter than
   ``_MIN_SEPARATION`` (a wet print a few grey levels darker than the paper) is still
   accepted when it stands well above the paper's noise and its dark class is a blob inside
   the sheet, not a band along the border (the residue of uneven light on blank paper).
3. On a wet print (faint and solid: :attr:`Binarised.wet`) a second, fainter mask
   (:attr:`Binarised.faint`): the same hysteresis with its low
   threshold lowered to ``_FAINT_LOW`` of Otsu (still above the paper's mottling). A wet
   print is pressed lightly at its rim and in the midfoot, so its lateral band and the
   edge of its arch can be a third as dark as the heel; the main mask loses them and the
   arch index reads low. The faint mask is never measured as such: the segmentation gives
   back only its pixels inside a foot's outline (:func:`vision.footprint.hatch.restore_faint_contact`),
   where nothing but contact lies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from vision.footprint.morphology import disk

__all__ = ["NoPrintFound", "Binarised", "detect_polarity", "print_darkness", "separability",
           "sharp_seeds", "binarise", "TEXTURE_SIGMA_FRAC", "TEXTURE_CLOSE_FRAC"]

_BG_RADIUS_FRAC = 0.14          # paper-level closing radius / long side (wider than a sole)
TEXTURE_SIGMA_FRAC = 0.002      # of the image's long side: smoothing of the density
TEXTURE_CLOSE_FRAC = 0.0075     # closing radius: crosshatch period is ~0.6 % of the sheet
_LOW_SOLID = 0.5                # hysteresis low threshold / Otsu: solid prints
_LOW_TEXTURED = 0.5             # ... crosshatch: light contact is drawn with sparse lines
_MOTTLING_SIGMAS = 2.0          # paper mottling: this many robust sigmas above its median
_FAINT_LOW = 0.25               # faint-contact mask: hysteresis low threshold / Otsu (wet
#                                 prints; never below the paper's mottling)
_WET_MAX_CONTRAST = 0.25        # a wet print darkens the paper by 12-30 % at its darkest (its
#                                 median contrast is lower); ink and paint by 40-85 %
_SOLID_MAX_GAIN = 1.3           # texture gain of a solid print (a crosshatch, even faint, more)
_TEXTURE_GAIN = 1.4             # closing darkens a crosshatch print ~2x, a solid one <1.3x
_MIN_SEPARATION = 0.035         # darkening (fraction of paper brightness) print vs paper
_MIN_FAINT_SEPARATION = 0.016   # a fainter print (wet print, 4-8 grey levels) is accepted...
_FAINT_NOISE_RATIO = 4.0        # ... when it stands this far above the paper's own noise
_FAINT_BORDER_SHARE = 0.05      # ... and its darkest part keeps off the sheet's border
_MAX_EDGE_WIDTH = 0.04          # of the long side: a part fading in slower is light, not a print
_MIN_MEASURED_FRAC = 0.0002     # of the picture's area: smaller parts' edges are not measured


class NoPrintFound(Exception):
    """Nothing print-like on the image (blank paper, an unrelated photo)."""


@dataclass(frozen=True)
class Binarised:
    """Print masks of one image (bool arrays of its (rows, cols)) and facts about them.

    mask : the print (hysteresis from Otsu down to half Otsu or the paper's mottling).
    contrast : median darkening of the print over the paper (fraction of its brightness).
    feature : the darkening map used ("grey", "neutral" or "colour").
    textured : a grid-mat crosshatch (closed before thresholding).
    wet : a faint solid print on light paper (contrast under ``_WET_MAX_CONTRAST``, texture
        gain under ``_SOLID_MAX_GAIN``): a wet print, pressed lightly at its rim and band.
    faint : on a wet print, ``mask`` plus fainter contact joined to it (low threshold
        ``_FAINT_LOW`` of Otsu, above the paper's mottling); otherwise ``mask`` itself.
    """

    mask: np.ndarray = field(repr=False)
    contrast: float
    feature: str
    textured: bool
    wet: bool
    faint: np.ndarray = field(repr=False)


def _background(channel: np.ndarray, *, how: str = "close") -> np.ndarray:
    """Paper level under the marks, on a small copy: a grey closing with a kernel wider than
    a foot (dark marks vanish) or, for colour channels, a wide median."""
    rows, cols = channel.shape
    scale = 96.0 / max(rows, cols)
    small = cv2.resize(channel, (max(8, round(cols * scale)), max(8, round(rows * scale))),
                       interpolation=cv2.INTER_AREA)
    if how == "close":
        small = cv2.morphologyEx(small, cv2.MORPH_CLOSE, disk(max(small.shape) * _BG_RADIUS_FRAC))
        small = cv2.medianBlur(small, 5)
    else:
        small = cv2.medianBlur(small.astype(np.uint8), 2 * (max(small.shape) // 6) + 1)
    bg = cv2.resize(small, (cols, rows), interpolation=cv2.INTER_LINEAR)
    return np.maximum(bg.astype(np.float32), 1.0)


def detect_polarity(image: np.ndarray) -> str:
    """"light_on_dark" when the paper is dark: the dark Otsu class of the luma, below 110.

    The paper surrounds the print (a frame just inside the picture's border, where a
    rectified sheet's shaded edge is already skipped, is mostly paper) and usually covers
    more of the picture than the print. Only when both say "dark" is the print taken to be
    light on dark: a kraft sheet with a darker wet print, or a tightly cropped print that
    fills most of the picture, stay "dark_on_light".
    """
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    small = cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    th, _ = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    rows, cols = small.shape
    a, b = int(0.03 * rows), max(int(0.03 * rows) + 1, int(0.08 * rows))
    c, d = int(0.03 * cols), max(int(0.03 * cols) + 1, int(0.08 * cols))
    frame = np.zeros(small.shape, bool)
    frame[a:rows - a, c:cols - c] = True
    frame[b:rows - b, d:cols - d] = False
    ring_bright = float((small[frame] > th).mean()) if frame.any() else 1.0
    bright_share = float((small > th).mean())
    dark_paper = ring_bright < 0.5 and bright_share < 0.5 and float(np.median(small)) < 110
    return "light_on_dark" if dark_paper else "dark_on_light"


def print_darkness(image: np.ndarray, *, polarity: str = "dark_on_light"
                   ) -> dict[str, np.ndarray]:
    """Candidate darkening maps (float32, 0..1): how much each pixel is darker than paper.

    Returns a dict with ``grey`` (luma), ``neutral`` (brightest channel: coloured printed
    rules vanish, neutral ink stays) and ``colour`` (chroma distance from the paper colour).
    """
    img = image if polarity == "dark_on_light" else 255 - image
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32)
    # brightest channel: the same values as img.max(axis=2), ten times faster
    brightest = np.maximum(np.maximum(img[..., 0], img[..., 1]), img[..., 2]).astype(np.float32)
    if float((grey[::4, ::4] >= 254).mean()) > 0.15:
        # a digital cut-out (scan with the background removed): the paper level is known
        # exactly, and a local estimate would fail under a print that fills the picture
        def level(_):
            return np.float32(255.0)
    else:
        level = _background
    out = {
        "grey": np.clip(1.0 - grey / level(grey), 0, 1),
        "neutral": np.clip(1.0 - brightest / level(brightest), 0, 1),
    }
    lab = cv2.cvtColor(img, cv2.COLOR_BGR2LAB)
    d_ab = [lab[..., k].astype(np.float32) - _background(lab[..., k], how="median")
            for k in (1, 2)]
    chroma = np.hypot(d_ab[0], d_ab[1])
    out["colour"] = np.clip(chroma / 100.0, 0, 1)
    return out


def separability(values: np.ndarray) -> tuple[float, float]:
    """Otsu threshold and its separability (between-class / total variance)."""
    v = values[:: max(1, values.size // 100_000)].astype(np.float32)
    top = max(float(v.max()), 1e-6)
    q = np.clip(v * (255.0 / top), 0, 255).astype(np.uint8)
    th = float(cv2.threshold(q, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[0]) * top / 255
    fg, bg = v[v > th], v[v <= th]
    if fg.size == 0 or bg.size == 0 or v.var() <= 1e-12:
        return th, 0.0
    w1 = fg.size / v.size
    between = w1 * (1 - w1) * (fg.mean() - bg.mean()) ** 2
    return th, float(between / v.var())


def _texture_gain(feat: np.ndarray, raw: np.ndarray, close_k: np.ndarray, sigma: float
                  ) -> tuple[float, np.ndarray]:
    """How much a grey closing darkens the print: ~1 for solid ink or wet prints, about 2 for
    a grid-mat crosshatch (lines with paper between them). Returns (gain, closed density)."""
    closed = cv2.GaussianBlur(cv2.morphologyEx(feat, cv2.MORPH_CLOSE, close_k), (0, 0), sigma)
    th, _ = separability(raw.ravel())
    fg = raw > th
    if fg.sum() < 10:
        return 1.0, closed
    return float(np.median(closed[fg]) / max(float(np.median(raw[fg])), 1e-6)), closed


def _faint_print(dens: np.ndarray, valid: np.ndarray | None, vals: np.ndarray, th: float,
                 sep: float) -> bool:
    """A faint print (a wet print photographed in soft light darkens the paper by a few grey
    levels) is told from blank paper with uneven light by where its dark class lies: a
    print is a blob well inside the sheet, standing clear of the paper's own noise; the
    residue of a lighting gradient or a shadow is a band along the sheet's border."""
    if sep < _MIN_FAINT_SEPARATION:
        return False
    paper = vals[vals <= th]
    noise = 1.4826 * float(np.median(np.abs(paper - np.median(paper))))
    if sep < _FAINT_NOISE_RATIO * max(noise, 1e-6):
        return False
    dark = (dens > th).astype(np.uint8)
    inside = np.ones(dens.shape, np.uint8) if valid is None else valid.astype(np.uint8)
    dark &= inside
    n, lab, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    if n < 2:
        return False
    band = max(2, int(round(0.03 * max(dens.shape))))
    ring = cv2.erode(np.pad(inside, 1), disk(band))[1:-1, 1:-1] == 0
    areas = stats[1:, cv2.CC_STAT_AREA]
    order = 1 + np.argsort(-areas)[:6]
    interior = [int(stats[k, cv2.CC_STAT_AREA]) for k in order
                if float(ring[lab == k].mean()) <= _FAINT_BORDER_SHARE]
    return bool(interior) and max(interior) >= max(0.5 * float(areas.max()),
                                                   0.005 * float(inside.sum()))


def _faint_print_raw(dens: np.ndarray, valid: np.ndarray | None) -> bool:
    """:func:`_faint_print` on the density before the crosshatch closing (a closing
    can join a faint print to a shadow along the sheet's border)."""
    vals = dens[valid] if valid is not None else dens.ravel()
    th, _ = separability(vals)
    fg = vals[vals > th]
    if not fg.size:
        return False
    sep = float(np.median(fg) - np.median(vals[vals <= th]))
    return _faint_print(dens, valid, vals, th, sep)


def sharp_seeds(dens: np.ndarray, th: float, low_th: float, paper: float,
                valid: np.ndarray | None) -> np.ndarray:
    """Pixels above the Otsu threshold in parts whose edge is sharp enough to be a print.

    A print's edge (even a wet print's soft one) rises from paper to print over a few
    millimetres; a shadow or a patch of uneven light fades in over centimetres. Each part of
    the hysteresis mask (``dens > low_th``) holding strong pixels is measured: edge width =
    its darkening (upper quartile above the paper) over the mean gradient along its outline
    (px), as a fraction of the picture's long side; outline pixels on the border of
    ``valid`` are skipped (there the part is cut, not faded). Parts wider than
    ``_MAX_EDGE_WIDTH`` lose their seeds unless that would drop every part.
    """
    inside = np.ones(dens.shape, np.uint8) if valid is None else valid.astype(np.uint8)
    strong = (dens > th) & inside.astype(bool)
    low = (dens > low_th).astype(np.uint8) & inside
    n, lab, stats, _ = cv2.connectedComponentsWithStats(low, connectivity=8)
    keep = np.bincount(lab[strong], minlength=n) > 0
    keep[0] = False
    seeded = np.flatnonzero(keep)
    if len(seeded) < 2:
        return strong
    outline = low.astype(bool) & ~cv2.erode(low, np.ones((3, 3), np.uint8)).astype(bool)
    outline &= cv2.erode(np.pad(inside, 2), np.ones((5, 5), np.uint8))[2:-2, 2:-2].astype(bool)
    outline[[0, -1], :] = outline[:, [0, -1]] = False
    ys, xs = np.nonzero(outline)
    slope = np.hypot(dens[ys, xs + 1] - dens[ys, xs - 1], dens[ys + 1, xs] - dens[ys - 1, xs]) / 2
    count = np.bincount(lab[ys, xs], minlength=n)
    mean_slope = np.bincount(lab[ys, xs], weights=slope, minlength=n) / np.maximum(count, 1)
    side = max(dens.shape)
    sharp = keep.copy()
    big = stats[seeded, cv2.CC_STAT_AREA] >= _MIN_MEASURED_FRAC * dens.size  # specks: clutter
    for k in seeded[(count[seeded] >= 8) & big]:
        x, y, w, h = stats[k, :4]
        sub = lab[y:y + h, x:x + w] == k
        rise = float(np.percentile(dens[y:y + h, x:x + w][sub], 75)) - paper
        sharp[k] = rise / max(float(mean_slope[k]), 1e-6) <= _MAX_EDGE_WIDTH * side
    return strong & (sharp if sharp.any() else keep)[lab]


def _seeded(dens: np.ndarray, low_th: float, seeds: np.ndarray,
            valid: np.ndarray | None) -> np.ndarray:
    """The parts of ``dens > low_th`` (inside ``valid``) that hold a seed pixel (bool)."""
    low = (dens > low_th).astype(np.uint8)
    if valid is not None:
        low &= valid.astype(np.uint8)
    n, lab = cv2.connectedComponents(low, connectivity=8)
    strong = np.zeros(n, bool)
    strong[np.unique(lab[seeds])] = True
    strong[0] = False
    return strong[lab]


def binarise(image: np.ndarray, valid: np.ndarray | None, polarity: str) -> Binarised:
    """Best darkening map, smoothed to a density, hysteresis-thresholded.

    The maps are computed at half resolution (a density needs no more). For a textured
    print (grid-mat crosshatch, detected by :func:`_texture_gain`) a grey-level closing of
    about one crosshatch period first fills the gaps between the lines, so light contact
    drawn with sparse lines counts as contact; solid prints skip it, which keeps the gaps
    between toes open. Returns (mask, contrast, feature name, textured).
    """
    rows, cols = image.shape[:2]
    half = cv2.resize(image, ((cols + 1) // 2, (rows + 1) // 2), interpolation=cv2.INTER_AREA)
    hvalid = None if valid is None else cv2.resize(
        valid.astype(np.uint8), half.shape[1::-1], interpolation=cv2.INTER_NEAREST) > 0
    side = max(half.shape[:2])
    sigma = max(1.0, TEXTURE_SIGMA_FRAC * side)
    best = None
    for name, feat in print_darkness(half, polarity=polarity).items():
        if name == "colour" and best is not None and best[4] >= _MIN_SEPARATION:
            continue  # chroma is a fallback for coloured paper with a weak darkening
        dens = cv2.GaussianBlur(feat, (0, 0), sigma)
        vals = dens[hvalid] if hvalid is not None else dens.ravel()
        th, eta = separability(vals)
        fg = vals[vals > th]
        sep = float(np.median(fg) - np.median(vals[vals <= th])) if fg.size else 0.0
        score = eta * min(1.0, sep / 0.1)
        if best is None or score > best[0]:
            best = (score, name, dens, feat, sep)
    _, name, dens, feat, sep = best
    raw = dens
    gain, closed = _texture_gain(feat, dens, disk(TEXTURE_CLOSE_FRAC * side), sigma)
    textured = gain > _TEXTURE_GAIN
    if textured:
        dens = closed
    vals = dens[hvalid] if hvalid is not None else dens.ravel()
    th, _ = separability(vals)
    fg, paper = vals[vals > th], vals[vals <= th]
    paper_median = np.median(paper)      # (a NumPy scalar, as before: same arithmetic)
    sep = float(np.median(fg) - paper_median) if fg.size else 0.0
    if sep < _MIN_SEPARATION and not (_faint_print(dens, hvalid, vals, th, sep)
                                      or (textured and _faint_print_raw(raw, hvalid))):
        raise NoPrintFound(f"no print darker than the paper (contrast {sep:.3f})")
    # hysteresis low threshold: half Otsu, raised above the paper's own mottling (kraft,
    # cardboard) so that faint contact joins the print but paper blotches do not
    mottling = float(paper_median + _MOTTLING_SIGMAS * 1.4826
                     * np.median(np.abs(paper - paper_median)))
    low_frac = _LOW_TEXTURED if textured else _LOW_SOLID
    low_th = low_frac * th
    if not textured and polarity == "dark_on_light":
        low_th = float(np.clip(mottling, low_frac * th, 0.9 * th))
    seeds = sharp_seeds(dens, th, low_th, float(paper_median), hvalid)
    dens = cv2.resize(dens, (cols, rows), interpolation=cv2.INTER_LINEAR)
    seeds = cv2.resize(seeds.astype(np.uint8), (cols, rows),
                       interpolation=cv2.INTER_NEAREST).astype(bool) & (dens > th)
    mask = _seeded(dens, low_th, seeds, valid)
    faint = mask
    wet = polarity == "dark_on_light" and sep < _WET_MAX_CONTRAST and gain < _SOLID_MAX_GAIN
    faint_th = max(mottling, _FAINT_LOW * th)
    if wet and faint_th < low_th:
        faint = _seeded(dens, faint_th, seeds, valid)
    return Binarised(mask=mask, contrast=sep, feature=name, textured=textured, wet=wet,
                     faint=faint)
