"""Grid-mat crosshatch prints: hatch lines, faint contact and toes joined through it.

Line and window sizes are fractions of the image's long side; toe areas and the toe cut are
fractions of the foot length (areas: of its square).

Crosshatch (grid-mat) prints, when over ``MIN_HATCH_SHARE`` of the print is thin lines:
faint contact inside a body's outline (what the opening took, and sparse hatch lines
found by their texture, not their darkness) is given back to the body; toe pads joined
to the ball only through faint hatch under the toe crease are cut off along the density
valley (watershed), so the toe split in :mod:`vision.footprint.anatomy` sees them.
"""

from __future__ import annotations

import cv2
import numpy as np
from skimage.segmentation import watershed

from vision.footprint.grouping import body_frame
from vision.footprint.morphology import dilate, disk
from vision.footprint.threshold import (
    TEXTURE_CLOSE_FRAC,
    TEXTURE_SIGMA_FRAC,
    print_darkness,
    separability,
)

__all__ = ["hatch_lines", "hatch_contact", "contact_density", "split_faint_toes",
           "restore_faint_contact", "MIN_HATCH_SHARE", "CORE_FRAC"]

_LINE_RADIUS_FRAC = 0.004      # of the long side: top-hat radius, about half a hatch pitch
_LINE_NOISE = 4.0               # a hatch line pixel stands this far above the paper's noise
_LINE_WINDOW_FRAC = 0.008       # of the long side: half window (~1 pitch) for line cover
_LINE_SHARE = 0.12              # share of line pixels: single-direction hatch is ~0.15-0.3
MIN_HATCH_SHARE = 0.3           # line pixels in a crosshatch print: 0.55-0.9; wet print ~0
_ONE_WAY = 0.35                 # one hatch direction under this share of the other: one-way
_RIM_FRAC = 0.35                # of that window: the rim a dense hatch (line share 0.8) leaves
CORE_FRAC = 0.3                 # a heel or forefoot part is at least this big vs the largest
_TOE_ZONE_FRAC = 0.35          # toes lie ahead of the rear end of this front share of a sole
_TOE_MIN_AREA = 0.0005          # of foot length squared: a firm toe pad (the smallest toe)
_TOE_MAX_AREA = 0.02            # ... and at most a hallux pad (see grouping._TOE_MAX_AREA)
_TOE_CUT_FRAC = 0.003           # of foot length: half width of the cut at a faint toe crease


def hatch_lines(image: np.ndarray, feature: str, polarity: str, ink: np.ndarray
                ) -> np.ndarray:
    """Pixels of thin ink lines (bool): grid-mat hatch lines, however faint.

    A line pixel stands out from its neighbourhood (black top-hat of about half a hatch
    pitch) by more than ``_LINE_NOISE`` times the paper's own top-hat spread, measured away
    from ``ink`` (the pixels already taken as print). A crosshatch print is mostly line
    pixels (over half of it), a wet or solid print almost none.
    """
    img = image if polarity == "dark_on_light" else 255 - image
    g = (np.maximum(np.maximum(img[..., 0], img[..., 1]), img[..., 2]) if feature == "neutral" else
         cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)).astype(np.float32)
    closed = cv2.morphologyEx(g, cv2.MORPH_CLOSE, disk(_LINE_RADIUS_FRAC * max(g.shape)))
    hat = (closed - g) / np.maximum(closed, 1.0)
    paper = hat[::2, ::2][~ink[::2, ::2]]
    if paper.size < 100:
        return np.zeros(g.shape, bool)
    # spread of the paper's top-hat: its 50-90 % percentile range (the top-hat is skewed
    # and quantised, a MAD can be 0), at least one grey level in 255
    med, p90 = (float(v) for v in np.percentile(paper, [50, 90]))
    return hat > med + _LINE_NOISE * max(p90 - med, 1.0 / 255)


def hatch_contact(lines: np.ndarray) -> np.ndarray:
    """Faint grid-mat contact found by its texture rather than its darkness (bool mask).

    Light contact on a grid mat inks only the tallest ridges: sparse, often single-direction
    lines at the mat's pitch, too faint for the darkness threshold. Where line pixels
    (``lines``, :func:`hatch_lines`) cover at least ``_LINE_SHARE`` of a window of about
    two pitches, the paper carries hatch lines; where they run one way only, the outermost
    lines and the paper between them and that cover count too. The caller keeps
    only such regions inside a foot's outline and joined to its print.
    """
    win = 2 * max(1, round(_LINE_WINDOW_FRAC * max(lines.shape))) + 1
    covered = (cv2.blur(lines.astype(np.float32), (win, win)) >= _LINE_SHARE).astype(np.uint8)
    # a window straddling the print's edge still counts its lines, up to _RIM_FRAC of a
    # window beyond a dense print: erode that rim of paper away
    e = 2 * round(_RIM_FRAC * win) + 1
    core = cv2.erode(covered, np.ones((e, e), np.uint8))
    # that erosion (and a window half on paper) also drops the outermost lines of sparse,
    # single-direction hatch: give back line segments (at least a pitch long, not specks)
    # within a window of the cover, and the paper between them and the cover along rows
    # and columns (gaps under a window), never beyond the last line of a row or column
    near = lines & (cv2.dilate(core, np.ones((2 * win + 1,) * 2, np.uint8)) > 0) & (core == 0)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(near.astype(np.uint8), connectivity=8)
    long_ = np.zeros(n, bool)
    long_[1:] = np.maximum(stats[1:, cv2.CC_STAT_WIDTH],
                           stats[1:, cv2.CC_STAT_HEIGHT]) >= win // 2
    # ... where the hatch runs one way: a crosshatch print's edge is its closed print's
    k = max(3, win // 2)
    runs = [cv2.morphologyEx(lines.astype(np.uint8), cv2.MORPH_OPEN, np.ones(sh, np.uint8))
            for sh in ((1, k), (k, 1))]
    big = 2 * win + 1
    horiz, vert = (cv2.blur(r.astype(np.float32), (big, big)) for r in runs)
    one_way = np.minimum(horiz, vert) < _ONE_WAY * np.maximum(horiz, vert)
    ext = (core | (long_[lab] & one_way)).astype(np.uint8)
    def closed(m: np.ndarray) -> np.ndarray:
        return (cv2.morphologyEx(m, cv2.MORPH_CLOSE, np.ones((1, win), np.uint8))
                | cv2.morphologyEx(m, cv2.MORPH_CLOSE, np.ones((win, 1), np.uint8))) > 0
    # only gaps the given-back lines bound: the cover's own notches stay as they were
    return (core > 0) | (closed(ext) & ~closed(core))


def contact_density(image: np.ndarray, valid: np.ndarray | None, feature: str,
                    polarity: str) -> tuple[np.ndarray, float]:
    """Crosshatch density of ``feature`` (closed at the hatch scale, as in
    :func:`vision.footprint.threshold.binarise`) at full size, and its Otsu threshold: firm
    contact lies above it."""
    rows, cols = image.shape[:2]
    half = cv2.resize(image, ((cols + 1) // 2, (rows + 1) // 2), interpolation=cv2.INTER_AREA)
    side = max(half.shape[:2])
    sigma = max(1.0, TEXTURE_SIGMA_FRAC * side)
    feat = print_darkness(half, polarity=polarity)[feature]
    dens = cv2.GaussianBlur(cv2.morphologyEx(feat, cv2.MORPH_CLOSE,
                                             disk(TEXTURE_CLOSE_FRAC * side)), (0, 0), sigma)
    hvalid = None if valid is None else cv2.resize(
        valid.astype(np.uint8), half.shape[1::-1], interpolation=cv2.INTER_NEAREST) > 0
    th, _ = separability(dens[hvalid] if hvalid is not None else dens.ravel())
    return cv2.resize(dens, (cols, rows), interpolation=cv2.INTER_LINEAR), th


def split_faint_toes(foot: np.ndarray, dens: np.ndarray, th: float, scale: float
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
    sole_ids = 1 + np.flatnonzero(areas >= CORE_FRAC * areas.max())
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
    out[box] &= ~(dilate(basins == 1, cut) & dilate(basins >= 2, cut))
    return out


def restore_faint_contact(body: np.ndarray, core: np.ndarray, filled: np.ndarray,
                          others: np.ndarray, reach_px: float | None = None) -> np.ndarray:
    """Give back to a foot body the print the opening took inside the body's outline.

    On a grid-mat print light midfoot contact is drawn with sparse, often single-direction
    hatch lines: the band it leaves can be narrower than the opening that removes pen lines,
    which then cuts the heel from the forefoot. Print pixels (``filled``: closed and hole-
    filled, before the opening) inside the convex hull of the body's ``core`` (its heel and
    forefoot parts: a chain of toes taken as a body part would bring the toe crease in)
    and connected there to the body are contact; pen lines, the form's rules and header lie
    outside a foot's outline. ``others`` (other feet) stay out. All arrays are bool of one
    shape.

    With ``reach_px`` (px; a wet print's faint mask) the hull also covers the medial arch
    hollow, where a faint shadow or paper blotch is no contact: only pixels within
    ``reach_px`` of the body (its own edge, blurred) come back, plus a faint region beyond
    that joins two separate core parts (a lateral band the main mask lost), never a new
    region grown from one part into the hollow.
    """
    cnts, _ = cv2.findContours(core.astype(np.uint8), cv2.RETR_EXTERNAL,
                               cv2.CHAIN_APPROX_SIMPLE)
    if not cnts:
        return body
    hull = np.zeros(body.shape, np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(np.vstack(cnts)), 1)
    extra = filled & (hull > 0) & ~others & ~body
    if reach_px is not None:
        extra = _near_or_bridging(extra, body, core, reach_px)
    cand = extra | body
    n, lab = cv2.connectedComponents(cand.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    keep[np.unique(lab[body])] = True
    keep[0] = False
    return keep[lab]


def _near_or_bridging(extra: np.ndarray, body: np.ndarray, core: np.ndarray,
                      reach_px: float) -> np.ndarray:
    """The pixels of ``extra`` within ``reach_px`` (px) of ``body``, plus each connected
    region of the rest that touches two or more separate parts of ``core`` (bool arrays)."""
    near = extra & dilate(body, reach_px)
    far = extra & ~near
    if not far.any():
        return near
    n_core, core_lab = cv2.connectedComponents(core.astype(np.uint8), connectivity=8)
    if n_core < 3:                       # one core part: nothing to bridge
        return near
    n, lab = cv2.connectedComponents(far.astype(np.uint8), connectivity=8)
    near_core = cv2.dilate(core_lab.astype(np.uint16), np.ones((3, 3), np.uint8),
                           iterations=int(np.ceil(reach_px)) + 2)
    ys, xs = np.nonzero(far & (near_core > 0))
    pairs = np.unique(np.column_stack([lab[ys, xs], near_core[ys, xs]]), axis=0)
    ids, counts = np.unique(pairs[:, 0], return_counts=True)
    bridges = np.zeros(n, bool)
    bridges[ids[counts >= 2]] = True
    return near | bridges[lab]
