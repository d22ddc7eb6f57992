"""Segment footprints on paper (or on the whole photo) and group them into feet.

Conventions
-----------
- Input: BGR uint8 image, usually the rectified sheet. Output masks are bool arrays of the
  same (rows, cols) shape, one per foot, toes included (``anatomy.analyse_foot`` removes them).
- "Print" means where the foot touched: dark ink or a wet mark on light paper, or a light
  print on a dark background (inverted polarity, detected automatically).
- All sizes are relative: texture and line widths scale with the image and, after a first
  pass, with the length of the largest print, so the same code works at any resolution.

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
3. Morphology scaled to the print: closing fills the crosshatch, hole filling, opening
   removes pen lines and printed rules; thin, tiny or border-spanning parts are dropped.
4. Grouping: large parts are foot bodies (a high-arched foot may give two: heel and forefoot,
   merged when their union is foot-shaped); small parts join the nearest body when they fit
   a toe (size, shape, ink, position: :mod:`vision.footprint.grouping`).
5. Crosshatch (grid-mat) prints, when over ``_MIN_HATCH_SHARE`` of the print is thin lines:
   faint contact inside a body's outline (what the opening took, and sparse hatch lines
   found by their texture, not their darkness) is given back to the body; toe pads joined
   to the ball only through faint hatch under the toe crease are cut off along the density
   valley (watershed), so the toe split in :mod:`vision.footprint.anatomy` sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from scipy.spatial.distance import cdist
from skimage.segmentation import watershed

from vision.footprint.grouping import attach_toes, body_frame, printed_marks, saturation

__all__ = ["Segmentation", "segment_prints", "print_darkness", "NoPrintFound"]

_BG_RADIUS_FRAC = 0.14          # paper-level closing radius / long side (wider than a sole)
_TEXTURE_SIGMA_FRAC = 0.002     # of the image's long side: smoothing of the density
_TEXTURE_CLOSE_FRAC = 0.0075    # closing radius: crosshatch period is ~0.6 % of the sheet
_LOW_SOLID = 0.5                # hysteresis low threshold / Otsu: solid prints
_LOW_TEXTURED = 0.5             # ... crosshatch: light contact is drawn with sparse lines
_TEXTURE_GAIN = 1.4             # closing darkens a crosshatch print ~2x, a solid one <1.3x
_LINE_RADIUS_FRAC = 0.004      # of the long side: top-hat radius, about half a hatch pitch
_LINE_NOISE = 4.0               # a hatch line pixel stands this far above the paper's noise
_LINE_WINDOW_FRAC = 0.008       # of the long side: half window (~1 pitch) for line cover
_LINE_SHARE = 0.12              # share of line pixels: single-direction hatch is ~0.15-0.3
_MIN_HATCH_SHARE = 0.3          # line pixels in a crosshatch print: 0.55-0.9; wet print ~0
_RIM_FRAC = 0.35                # of that window: the rim a dense hatch (line share 0.8) leaves
_TOE_ZONE_FRAC = 0.35          # toes lie ahead of the rear end of this front share of a sole
_TOE_MIN_AREA = 0.0005          # of foot length squared: a firm toe pad (the smallest toe)
_TOE_MAX_AREA = 0.02            # ... and at most a hallux pad (see grouping._TOE_MAX_AREA)
_TOE_CUT_FRAC = 0.003           # of foot length: half width of the cut at a faint toe crease
_BODY_FRAC = 0.08               # a part this big (vs the largest) is a heel or a sole
_FOOT_FRAC = 0.35               # a second foot is at least this big vs the first
_AREA_PER_LENGTH2 = 0.22        # print area / foot length squared (with toes)
_CORE_FRAC = 0.3                # a heel or forefoot part is at least this big vs the largest
_MAX_BODIES = 8                 # more large parts than this is not a footprint sheet
_CLOSE_FRAC = 0.008             # of foot length: closes the crosshatch
_OPEN_FRAC = 0.025              # of foot length: removes pen lines and printed rules
_MAX_HOLE_FRAC = 0.02           # of foot length squared: larger holes are not filled
_MAX_HOLE_TEXTURED = 0.005      # ... on a crosshatch print, whose closing joins the toes to the
#                                 ball around the crease between them (a ~0.01 hole)
_BORDER_BAND_FRAC = 0.06        # of foot length: band along the picture's border
_MERGE_ELONGATION = 2.2         # union of heel and forefoot parts is at least this long
_MIN_SEPARATION = 0.035         # darkening (fraction of paper brightness) print vs paper
_MIN_FAINT_SEPARATION = 0.016   # a fainter print (wet print, 4-8 grey levels) is accepted...
_FAINT_NOISE_RATIO = 4.0        # ... when it stands this far above the paper's own noise
_FAINT_BORDER_SHARE = 0.05      # ... and its darkest part keeps off the sheet's border
_MAX_EDGE_WIDTH = 0.04          # of the long side: a part fading in slower is light, not a print
_MIN_MEASURED_FRAC = 0.0002     # of the picture's area: smaller parts' edges are not measured


class NoPrintFound(Exception):
    """Nothing print-like on the image (blank paper, an unrelated photo)."""


@dataclass(frozen=True)
class Segmentation:
    """Per-foot masks and facts about the print.

    feet : tuple of bool arrays, one per foot (at most two), largest first.
    polarity : "dark_on_light" (ink, wet print) or "light_on_dark" (inverted print).
    contrast : median darkening of the print relative to the paper (0..1).
    foreground : bool array, every kept print pixel (union of ``feet``).
    dropped : how many print-like parts were left out (marks, extra prints).
    extra_bodies : large parts beyond two feet (a third print, a smudge).
    """

    feet: tuple[np.ndarray, ...]
    polarity: str
    contrast: float
    foreground: np.ndarray = field(repr=False)
    dropped: int = 0
    extra_bodies: int = 0
    feature: str = "grey"
    textured: bool = False


def _disk(radius: float) -> np.ndarray:
    r = max(1, int(round(radius)))
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))


def _background(channel: np.ndarray, *, how: str = "close") -> np.ndarray:
    """Paper level under the marks, on a small copy: a grey closing with a kernel wider than
    a foot (dark marks vanish) or, for colour channels, a wide median."""
    rows, cols = channel.shape
    scale = 96.0 / max(rows, cols)
    small = cv2.resize(channel, (max(8, round(cols * scale)), max(8, round(rows * scale))),
                       interpolation=cv2.INTER_AREA)
    if how == "close":
        small = cv2.morphologyEx(small, cv2.MORPH_CLOSE, _disk(max(small.shape) * _BG_RADIUS_FRAC))
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
    brightest = img.max(axis=2).astype(np.float32)
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


def _separability(values: np.ndarray) -> tuple[float, float]:
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
    th, _ = _separability(raw.ravel())
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
    ring = cv2.erode(np.pad(inside, 1), _disk(band))[1:-1, 1:-1] == 0
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
    th, _ = _separability(vals)
    fg = vals[vals > th]
    if not fg.size:
        return False
    sep = float(np.median(fg) - np.median(vals[vals <= th]))
    return _faint_print(dens, valid, vals, th, sep)


def _sharp_seeds(dens: np.ndarray, th: float, low_th: float, paper: float,
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


def _binarise(image: np.ndarray, valid: np.ndarray | None, polarity: str
              ) -> tuple[np.ndarray, float, str, bool]:
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
    sigma = max(1.0, _TEXTURE_SIGMA_FRAC * side)
    best = None
    for name, feat in print_darkness(half, polarity=polarity).items():
        if name == "colour" and best is not None and best[4] >= _MIN_SEPARATION:
            continue  # chroma is a fallback for coloured paper with a weak darkening
        dens = cv2.GaussianBlur(feat, (0, 0), sigma)
        vals = dens[hvalid] if hvalid is not None else dens.ravel()
        th, eta = _separability(vals)
        fg = vals[vals > th]
        sep = float(np.median(fg) - np.median(vals[vals <= th])) if fg.size else 0.0
        score = eta * min(1.0, sep / 0.1)
        if best is None or score > best[0]:
            best = (score, name, dens, feat, sep)
    _, name, dens, feat, sep = best
    raw = dens
    gain, closed = _texture_gain(feat, dens, _disk(_TEXTURE_CLOSE_FRAC * side), sigma)
    textured = gain > _TEXTURE_GAIN
    if textured:
        dens = closed
    vals = dens[hvalid] if hvalid is not None else dens.ravel()
    th, _ = _separability(vals)
    fg = vals[vals > th]
    sep = float(np.median(fg) - np.median(vals[vals <= th])) if fg.size else 0.0
    if sep < _MIN_SEPARATION and not (_faint_print(dens, hvalid, vals, th, sep)
                                      or (textured and _faint_print_raw(raw, hvalid))):
        raise NoPrintFound(f"no print darker than the paper (contrast {sep:.3f})")
    # hysteresis low threshold: half Otsu, raised above the paper's own mottling (kraft,
    # cardboard) so that faint contact joins the print but paper blotches do not
    paper = vals[vals <= th]
    mottling = float(np.median(paper) + 2 * 1.4826 * np.median(np.abs(paper - np.median(paper))))
    low_frac = _LOW_TEXTURED if textured else _LOW_SOLID
    low_th = low_frac * th
    if not textured and polarity == "dark_on_light":
        low_th = float(np.clip(mottling, low_frac * th, 0.9 * th))
    seeds = _sharp_seeds(dens, th, low_th, float(np.median(paper)), hvalid)
    dens = cv2.resize(dens, (cols, rows), interpolation=cv2.INTER_LINEAR)
    seeds = cv2.resize(seeds.astype(np.uint8), (cols, rows),
                       interpolation=cv2.INTER_NEAREST).astype(bool) & (dens > th)
    low = (dens > low_th).astype(np.uint8)
    if valid is not None:
        low &= valid.astype(np.uint8)
    n, lab = cv2.connectedComponents(low, connectivity=8)
    strong = np.zeros(n, bool)
    strong[np.unique(lab[seeds])] = True
    strong[0] = False
    return strong[lab], sep, name, textured


def _hatch_lines(image: np.ndarray, feature: str, polarity: str, ink: np.ndarray
                 ) -> np.ndarray:
    """Pixels of thin ink lines (bool): grid-mat hatch lines, however faint.

    A line pixel stands out from its neighbourhood (black top-hat of about half a hatch
    pitch) by more than ``_LINE_NOISE`` times the paper's own top-hat spread, measured away
    from ``ink`` (the pixels already taken as print). A crosshatch print is mostly line
    pixels (over half of it), a wet or solid print almost none.
    """
    img = image if polarity == "dark_on_light" else 255 - image
    g = (img.max(axis=2) if feature == "neutral" else
         cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)).astype(np.float32)
    closed = cv2.morphologyEx(g, cv2.MORPH_CLOSE, _disk(_LINE_RADIUS_FRAC * max(g.shape)))
    hat = (closed - g) / np.maximum(closed, 1.0)
    paper = hat[::2, ::2][~ink[::2, ::2]]
    if paper.size < 100:
        return np.zeros(g.shape, bool)
    # spread of the paper's top-hat: its 50-90 % percentile range (the top-hat is skewed
    # and quantised, a MAD can be 0), at least one grey level in 255
    med, p90 = (float(v) for v in np.percentile(paper, [50, 90]))
    return hat > med + _LINE_NOISE * max(p90 - med, 1.0 / 255)


def _hatch_contact(lines: np.ndarray) -> np.ndarray:
    """Faint grid-mat contact found by its texture rather than its darkness (bool mask).

    Light contact on a grid mat inks only the tallest ridges: sparse, often single-direction
    lines at the mat's pitch, too faint for the darkness threshold. Where line pixels
    (``lines``, :func:`_hatch_lines`) cover at least ``_LINE_SHARE`` of a window of about
    two pitches, the paper carries hatch lines. The caller keeps
    only such regions inside a foot's outline and joined to its print.
    """
    win = 2 * max(1, round(_LINE_WINDOW_FRAC * max(lines.shape))) + 1
    covered = (cv2.blur(lines.astype(np.float32), (win, win)) >= _LINE_SHARE).astype(np.uint8)
    # a window straddling the print's edge still counts its lines, up to _RIM_FRAC of a
    # window beyond a dense print: erode that rim of paper away
    e = 2 * round(_RIM_FRAC * win) + 1
    return cv2.erode(covered, np.ones((e, e), np.uint8)) > 0


def _contact_density(image: np.ndarray, valid: np.ndarray | None, feature: str,
                     polarity: str) -> tuple[np.ndarray, float]:
    """Crosshatch density of ``feature`` (closed at the hatch scale, as in
    :func:`_binarise`) at full size, and its Otsu threshold: firm contact lies above it."""
    rows, cols = image.shape[:2]
    half = cv2.resize(image, ((cols + 1) // 2, (rows + 1) // 2), interpolation=cv2.INTER_AREA)
    side = max(half.shape[:2])
    sigma = max(1.0, _TEXTURE_SIGMA_FRAC * side)
    feat = print_darkness(half, polarity=polarity)[feature]
    dens = cv2.GaussianBlur(cv2.morphologyEx(feat, cv2.MORPH_CLOSE,
                                             _disk(_TEXTURE_CLOSE_FRAC * side)), (0, 0), sigma)
    hvalid = None if valid is None else cv2.resize(
        valid.astype(np.uint8), half.shape[1::-1], interpolation=cv2.INTER_NEAREST) > 0
    th, _ = _separability(dens[hvalid] if hvalid is not None else dens.ravel())
    return cv2.resize(dens, (cols, rows), interpolation=cv2.INTER_LINEAR), th


def _split_faint_toes(foot: np.ndarray, dens: np.ndarray, th: float, scale: float
                      ) -> np.ndarray:
    """Cut toes joined to the ball only through faint contact (grid-mat prints).

    Under the toe crease a grid mat often prints light hatch, which joins the toe pads to
    the ball and hides the ball front. Firm contact (density above ``th``) splits into the
    sole (the big parts) and the toe pads: small firm parts ahead of the forefoot, outside
    the sole's outline. The foot's pixels are shared between them by a watershed on the
    density (the border runs along the faint crease) and a thin cut (``_TOE_CUT_FRAC`` of
    the foot length ``scale``) is made where a toe's share meets the sole's.
    """
    n, lab, stats, _ = cv2.connectedComponentsWithStats(
        (foot & (dens > th)).astype(np.uint8), connectivity=8)
    if n < 3:
        return foot
    areas = stats[1:, cv2.CC_STAT_AREA]
    sole_ids = 1 + np.flatnonzero(areas >= _CORE_FRAC * areas.max())
    sole = np.isin(lab, sole_ids)
    frame = body_frame(sole)
    zone = frame.t1 - _TOE_ZONE_FRAC * (frame.t1 - frame.t0)
    toes = []
    for k in range(1, n):
        if k in sole_ids or not (_TOE_MIN_AREA * scale ** 2 <= stats[k, cv2.CC_STAT_AREA]
                                 <= _TOE_MAX_AREA * scale ** 2):
            continue
        ys, xs = np.nonzero(lab == k)
        centre = (float(xs.mean()), float(ys.mean()))
        t, _ = frame.coords(np.array([centre[0]]), np.array([centre[1]]))
        if t[0] >= zone and cv2.pointPolygonTest(frame.hull, centre, False) < 0:
            toes.append(k)
    if not toes:
        return foot
    markers = np.zeros(lab.shape, np.int32)
    markers[sole] = 1
    for i, k in enumerate(toes):
        markers[lab == k] = 2 + i
    x, y, w, h = cv2.boundingRect(foot.astype(np.uint8))
    box = (slice(y, y + h), slice(x, x + w))
    basins = watershed(-dens[box], markers[box], mask=foot[box])
    cut = max(1.0, _TOE_CUT_FRAC * scale)
    out = foot.copy()
    out[box] &= ~(_dilate(basins == 1, cut) & _dilate(basins >= 2, cut))
    return out


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


def _box(mask: np.ndarray, margin: int) -> tuple[slice, slice] | None:
    """Bounding box of ``mask`` grown by ``margin`` px (clipped), None when empty. The
    morphology below works inside it only: same result, less work on a mostly blank sheet."""
    x, y, w, h = cv2.boundingRect(np.ascontiguousarray(mask, dtype=bool).view(np.uint8))
    if w == 0:
        return None
    return (slice(max(y - margin, 0), min(y + h + margin, mask.shape[0])),
            slice(max(x - margin, 0), min(x + w + margin, mask.shape[1])))


def _dilate(mask: np.ndarray, radius: float) -> np.ndarray:
    """Binary dilation by a Euclidean disk, in linear time (distance transform)."""
    out = np.zeros(mask.shape, bool)
    box = _box(mask, int(np.ceil(radius)) + 2)
    if box is not None:
        out[box] = cv2.distanceTransform((~mask[box]).astype(np.uint8), cv2.DIST_L2, 5) <= radius
    return out


def _erode(mask: np.ndarray, radius: float) -> np.ndarray:
    """Binary erosion by a Euclidean disk, in linear time (distance transform)."""
    out = np.zeros(mask.shape, bool)
    box = _box(mask, 3)    # a blank ring around the mask holds its nearest background
    if box is not None:
        out[box] = cv2.distanceTransform(mask[box].astype(np.uint8), cv2.DIST_L2, 5) > radius
    return out


def _fill_small_holes(mask: np.ndarray, max_area: float) -> np.ndarray:
    """Fill holes up to ``max_area`` px (crosshatch gaps, unprinted specks). A large hole is
    paper enclosed by pen lines or printed rules around a print, not part of the print."""
    box = _box(mask, 1)    # holes lie inside the mask's bounding box; a blank ring or the
    if box is None:        # picture's border surrounds it
        return mask.copy()
    n, labels, stats, _ = cv2.connectedComponentsWithStats((~mask[box]).astype(np.uint8), 4)
    rows, cols = labels.shape
    x, y, w, h, area = (stats[:, k] for k in range(5))
    inner = (x > 0) & (y > 0) & (x + w < cols) & (y + h < rows) & (area <= max_area)
    inner[0] = False
    out = mask.copy()
    out[box] |= inner[labels]
    return out


def _close_fill(mask: np.ndarray, scale: float, *, textured: bool) -> np.ndarray:
    """Close the texture and fill small holes (scaled to the print, ``scale`` px)."""
    r = _CLOSE_FRAC * scale if textured else 0.5 * _CLOSE_FRAC * scale
    closed = _erode(_dilate(mask, r), r)
    hole = _MAX_HOLE_TEXTURED if textured else _MAX_HOLE_FRAC
    return _fill_small_holes(closed, hole * scale * scale)


def _restore_faint_contact(body: np.ndarray, core: np.ndarray, filled: np.ndarray,
                           others: np.ndarray) -> np.ndarray:
    """Give back to a foot body the print the opening took inside the body's outline.

    On a grid-mat print light midfoot contact is drawn with sparse, often single-direction
    hatch lines: the band it leaves can be narrower than the opening that removes pen lines,
    which then cuts the heel from the forefoot. Print pixels (``filled``: closed and hole-
    filled, before the opening) inside the convex hull of the body's ``core`` (its heel and
    forefoot parts: a chain of toes taken as a body part would bring the toe crease in)
    and connected there to the body are contact; pen lines, the form's rules and header lie
    outside a foot's outline. ``others`` (other feet) stay out. All arrays are bool of one
    shape.
    """
    cnts, _ = cv2.findContours(core.astype(np.uint8), cv2.RETR_EXTERNAL,
                               cv2.CHAIN_APPROX_SIMPLE)
    if not cnts:
        return body
    hull = np.zeros(body.shape, np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(np.vstack(cnts)), 1)
    cand = (filled & (hull > 0) & ~others) | body
    n, lab = cv2.connectedComponents(cand.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    keep[np.unique(lab[body])] = True
    keep[0] = False
    return keep[lab]


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
        band |= ~_erode(valid, width)
    hug = (mask & band).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(hug, connectivity=8)
    out = mask.copy()
    for k in range(1, n):
        _, _, w, h, _ = stats[k]
        if max(w / cols, h / rows) > 0.3:
            out[labels == k] = False
    return _dilate(_erode(out, _OPEN_FRAC * scale), _OPEN_FRAC * scale)


def _is_clutter(part: _Part, scale: float, shape: tuple[int, int]) -> bool:
    """Pen lines, printed rules, folds, logos and specks: thin, tiny, spanning the picture,
    or small and cut by the picture's border."""
    if part.area < 0.0006 * scale * scale:
        return True
    if part.major_px / max(part.minor_px, 1.0) > 5.0:
        return True
    r0, c0, r1, c1 = part.bbox
    spans = (r1 - r0) > 0.9 * shape[0] or (c1 - c0) > 0.9 * shape[1]
    if spans and part.minor_px < 0.25 * scale:
        return True  # a fold, the sheet's edge, a ruled margin
    on_border = r0 == 0 or c0 == 0 or r1 == shape[0] or c1 == shape[1]
    return on_border and part.area < 0.03 * scale * scale


def _gap(pa: _Part, pb: _Part) -> float:
    """Smallest distance (px) between the outlines of two parts."""
    a = pa.outline[:: max(1, len(pa.outline) // 400)].astype(np.float32)
    b = pb.outline[:: max(1, len(pb.outline) // 400)].astype(np.float32)
    return float(cdist(a, b).min())


def _merge_score(ga: list[_Part], gb: list[_Part], gaps: dict) -> float:
    """How well two groups of parts make one foot together; 0 when they do not.

    Heel and forefoot of a high-arched foot lie end to end: the union is elongated
    (>= ``_MERGE_ELONGATION``), the link between them runs along the union's axis, and the
    gap is short. Closer pairs score higher, so a heel joins its own forefoot before the
    other foot's.
    """
    ma = np.sum([p.moments for p in ga], axis=0)
    mb = np.sum([p.moments for p in gb], axis=0)
    _, evals, evecs = _shape(ma + mb)
    elong = float(np.sqrt(evals[1] / evals[0]))
    length = 4 * float(np.sqrt(evals[1]))
    link = _shape(mb)[0] - _shape(ma)[0]
    link /= max(float(np.linalg.norm(link)), 1e-9)
    along = abs(float(link @ evecs[:, 1]))
    gap = min(gaps[(p.label, q.label)] for p in ga for q in gb)
    ok = gap < 0.35 * length and elong >= _MERGE_ELONGATION and along > 0.8
    return 1.0 - gap / length if ok else 0.0


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
        score = balance + 0.25 * float(np.mean(quality))
        if balance >= 0.6 and score > best[0]:
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
    fixed = [p for p in bodies if edge is not None and p.area < 0.3 * biggest
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
        marks = printed_marks([p for p in big if p.area < _CORE_FRAC * big[0].area],
                              saturation(image), (big[0].coords[:, 0], big[0].coords[:, 1]))
        big = [p for p in big if all(p is not q for q in marks)]
    small = [p for p in parts if all(p is not q for q in big)]
    core = [p for p in big if p.area >= _CORE_FRAC * big[0].area]
    pair = _two_feet(core, {(p.label, q.label): _gap(p, q) for p in core for q in core
                            if p is not q}) if 3 <= len(core) <= 6 else None
    if pair is not None:
        feet = pair
        small = small + [p for p in big if all(p is not q for q in core)]
    else:
        feet = _merge_bodies(big, edge)
    feet.sort(key=lambda f: -sum(p.area for p in f))
    first = sum(p.area for p in feet[0])
    feet = [f for f in feet if sum(p.area for p in f) >= _FOOT_FRAC * first]
    extra = max(0, len(feet) - 2)
    masks, cores = [], []
    for foot in feet[:2]:
        m = np.zeros(labels.shape, bool)
        for p in foot:
            m[p.coords[:, 0], p.coords[:, 1]] = True
        masks.append(m)
        c = np.zeros(labels.shape, bool)
        for p in foot:
            if p.area >= _CORE_FRAC * max(q.area for q in foot):
                c[p.coords[:, 0], p.coords[:, 1]] = True
        cores.append(c)
    if filled is not None:
        for k in range(len(masks)):
            others = np.zeros(labels.shape, bool)
            for j, m in enumerate(masks):
                if j != k:
                    others |= m
            masks[k] = _restore_faint_contact(masks[k], cores[k], filled, others)
    if density is not None:
        masks = [_split_faint_toes(m, density[0], density[1], scale) for m in masks]
    attach_toes(masks, small, scale, image, strict=textured)
    return masks, extra


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
    mask, contrast, feature, textured = _binarise(image, valid, polarity)
    _, rough = _parts(cv2.resize(mask.astype(np.uint8), None, fx=0.25, fy=0.25,
                                 interpolation=cv2.INTER_NEAREST))
    if not rough:
        raise NoPrintFound("no print found")
    # foot length from the largest part's area (a print covers ~22 % of length squared):
    # robust to a pen line or a fold joined to the print, unlike its major axis
    scale = 4 * float(np.sqrt(max(p.area for p in rough) / _AREA_PER_LENGTH2))
    filled = _close_fill(mask, scale, textured=textured)
    # the opening removes pen lines and printed rules
    opened = _dilate(_erode(filled, _OPEN_FRAC * scale), _OPEN_FRAC * scale)
    labels, parts = _parts(_drop_border_strips(opened, scale, valid))
    kept = [p for p in parts if not _is_clutter(p, scale, mask.shape)]
    if not kept:
        raise NoPrintFound("only marks and lines, no footprint")
    scale = float(np.sqrt(max(p.area for p in kept) / _AREA_PER_LENGTH2))
    # shadows and table at the sheet's edge must not join a foot; without a sheet the
    # picture's border is not special (a contact print may fill the picture)
    edge = None if valid is None else ~_erode(valid, 3)
    if edge is not None:
        largest = max(p.area for p in kept)
        kept = [p for p in kept if p.area >= 0.3 * largest
                or not edge[p.coords[:, 0], p.coords[:, 1]].any()]
    faint = density = None
    if textured and feature != "colour":
        lines = _hatch_lines(image, feature, polarity, mask)
        if float(lines[_erode(mask, _CLOSE_FRAC * scale)].mean()) >= _MIN_HATCH_SHARE:
            # a real crosshatch (not a blotchy wet print that the closing test took for
            # one): recover faint contact and cut toes joined through it
            faint = filled | _hatch_contact(lines)
            density = _contact_density(image, valid, feature, polarity)
    feet, extra = _group(labels, kept, scale, edge, image, textured, faint, density)
    fg = np.zeros(mask.shape, bool)
    for m in feet:
        fg |= m
    used = len(np.unique(labels[fg])) - (0 if fg.all() else 1)
    return Segmentation(feet=tuple(feet), polarity=polarity, contrast=contrast,
                        foreground=fg, dropped=max(0, len(parts) - used),
                        extra_bodies=extra, feature=feature, textured=textured)
