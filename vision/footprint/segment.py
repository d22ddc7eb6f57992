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
   a toe (size, shape, ink, position: :mod:`vision.footprint.grouping`). Assembly must be
   anatomically plausible: at most two large pads (heel, forefoot) per foot, lined up on
   one axis (an elongated part points at its partner unless it is a toe row across it), and
   a whole sole (heel to ball in one part) never takes another body. A part that is clearly
   no piece of a foot (a hand, a drawn line: :mod:`vision.footprint.gate`) stays alone.
   Light contact the threshold or the opening lost (a wet print's faint lateral band and
   rim: :attr:`vision.footprint.threshold.Binarised.faint`) is given back inside the convex
   hull of each foot's heel and forefoot pads (nothing beside a foot comes in), and only
   near the foot's own edge or as a band joining two pads the main mask left apart: the hull
   also covers the medial arch hollow, where a faint shadow or blotch is no contact.
   Thin drawn lines are taken out before holes are filled. Any number of candidates is
   returned; the shape gate decides which are feet.
5. Crosshatch (grid-mat) prints: faint contact and toes joined through faint hatch,
   :mod:`vision.footprint.hatch`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from vision.footprint.assembly import (
    EDGE_PART_FRAC,
    Part,
    label_parts,
    merge_bodies,
    outline_gap,
    part_areas,
    two_feet,
)
from vision.footprint.cleanup import cut_writing
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
from vision.footprint.marks import LINE_MAX_FRAC, NOTICE_FRAC, colour_marks, stroke_like
from vision.footprint.morphology import bounding_box, depth, dilate, erode, fill_small_holes
from vision.footprint.split import split_touching_hands
from vision.footprint.threshold import NoPrintFound, binarise, detect_polarity

__all__ = ["Segmentation", "segment_prints"]

_BODY_FRAC = 0.08               # a part this big (vs the largest) is a heel or a sole
_CANDIDATE_FRAC = 0.12          # a print candidate (foot, hand, sticker...) vs the largest
_MAX_CANDIDATES = 8             # at most this many candidates go to the shape gate
_NEVER_JOINED = ("hand", "drawing", "text")   # gate verdicts of parts kept on their own
_MARK_CLEAR_FRAC = 0.03         # of foot length: strokes this near a print are its own edge
_MARK_JOIN_FRAC = 0.03          # of foot length: strokes this close are one mark (a word)
_MARK_MIN_AREA = 0.004          # of foot length squared: a smaller left-over part neither
_MARK_RIM_FRAC = 0.01           # of foot length: strokes this near the usable edge are the
#                                 paper's edge or shadow, not a user's mark
_MAX_MARKS = 10                 # at most this many stroke groups are reported
_AREA_PER_LENGTH2 = 0.22        # print area / foot length squared (with toes)
_MAX_BODIES = 8                 # more large parts than this is not a footprint sheet
_CLOSE_FRAC = 0.008             # of foot length: closes the crosshatch
_OPEN_FRAC = 0.025              # of foot length: removes pen lines and printed rules
_STROKE_FRAC = 0.012            # of foot length: drawn lines are thinner than twice this
_FAINT_REACH_FRAC = 0.01        # of foot length: a wet print's faint contact comes back this
#                                 close to the main mask (its blurred edge: the blur check's
#                                 limit), farther only as a lost band joining heel and ball
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
_ROUGH_SCALE = 0.25             # the first size estimate works on a copy this big


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
    wet : a wet print (:attr:`vision.footprint.threshold.Binarised.wet`): its faint contact
        was given back, so a drawn line or a faint outline can have joined it.
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
    wet: bool = False


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
    box = bounding_box(thin, 1)       # labelled inside its bounding box: less work
    if box is None:
        return mask, np.zeros(mask.shape, bool)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(thin[box].astype(np.uint8), 8)
    span = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    long = span >= _STROKE_MIN_SPAN * scale
    long[0] = False
    if not long.any():
        return mask, np.zeros(mask.shape, bool)
    lines = np.zeros(mask.shape, bool)
    lines[box] = long[lab]
    return mask & ~lines, lines


def _drop_border_strips(mask: np.ndarray, scale: float,
                        valid_depth: np.ndarray | None = None) -> np.ndarray:
    """Remove long strips hugging the picture's (or the sheet's) border: the table, a
    neighbouring sheet, a fold or the shaded edge of the paper. A print meets the border
    over a short stretch at most. ``valid_depth`` is :func:`~vision.footprint.morphology.depth`
    of the usable region (px), None: the whole picture is usable."""
    rows, cols = mask.shape
    width = max(2, int(round(_BORDER_BAND_FRAC * scale)))
    band = np.zeros(mask.shape, bool)
    band[:width], band[-width:], band[:, :width], band[:, -width:] = True, True, True, True
    if valid_depth is not None:
        band |= ~(valid_depth > width)
    hug = mask & band
    out = mask.copy()
    box = bounding_box(hug, 0)       # labelled inside its bounding box: less work
    if box is not None:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(hug[box].astype(np.uint8),
                                                               connectivity=8)
        span = np.maximum(stats[:, cv2.CC_STAT_WIDTH] / cols, stats[:, cv2.CC_STAT_HEIGHT] / rows)
        strip = span > _BORDER_STRIP_SPAN
        strip[0] = False
        out[box] &= ~strip[labels]
    return dilate(erode(out, _OPEN_FRAC * scale), _OPEN_FRAC * scale)


def _is_clutter(part: Part, scale: float, shape: tuple[int, int]) -> bool:
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


def _not_foot_part(part: Part, scale: float) -> bool:
    """Whether one connected part is clearly not a piece of a foot: the shape gate says so,
    or it is a drawn stroke (a word written by the heel) far thinner than the print."""
    r0, c0, r1, c1 = part.bbox
    sub = np.zeros((r1 - r0, c1 - c0), bool)
    sub[part.coords[:, 0] - r0, part.coords[:, 1] - c0] = True
    return judge(shape_facts(sub)).kind in _NEVER_JOINED or stroke_like(sub, scale, LINE_MAX_FRAC)


def _group(labels: np.ndarray, parts: list[Part], scale: float,
           edge: np.ndarray | None = None, image: np.ndarray | None = None,
           textured: bool = False, filled: np.ndarray | None = None,
           density: tuple[np.ndarray, float] | None = None,
           reach_px: float | None = None) -> tuple[list[np.ndarray], int]:
    """Bodies (big parts, merged per foot) plus toes. On a crosshatch (grid-mat) print,
    made on a printed form, small parts join only when they fit a toe of a body
    (:func:`vision.footprint.grouping.attach_toes`; ``image`` gives their ink colour);
    otherwise every small part near a body joins it. With ``filled`` (the print before the
    opening) faint contact inside each body's outline is given back first; with ``density``
    (crosshatch density, firm-contact threshold) toes joined by faint contact are cut off;
    ``reach_px`` limits a wet print's faint contact to the body's edge and lost bands
    (:func:`vision.footprint.hatch.restore_faint_contact`)."""
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
    alone = [p for p in big if _not_foot_part(p, scale)]
    big = [p for p in big if all(p is not q for q in alone)] or big
    alone = [p for p in alone if all(p is not q for q in big)]
    core = [p for p in big if p.area >= CORE_FRAC * big[0].area]
    pair = two_feet(core, {(p.label, q.label): outline_gap(p, q) for p in core for q in core
                            if p is not q}) if 3 <= len(core) <= 6 else None
    if pair is not None:
        feet = pair
        small = small + [p for p in big if all(p is not q for q in core)]
    else:
        feet = merge_bodies(big, edge)
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
            masks[k] = restore_faint_contact(masks[k], cores[k], filled, others, reach_px)
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
    bin_ = binarise(image, valid, polarity)
    mask, contrast, feature, textured = bin_.mask, bin_.contrast, bin_.feature, bin_.textured
    rough = part_areas(cv2.resize(mask.astype(np.uint8), None, fx=_ROUGH_SCALE,
                                  fy=_ROUGH_SCALE, interpolation=cv2.INTER_NEAREST) > 0)
    if not rough.size:
        raise NoPrintFound("no print found")
    # foot length from the largest part's area (a print covers ~22 % of length squared):
    # robust to a pen line or a fold joined to the print, unlike its major axis
    scale = float(np.sqrt(int(rough.max()) / _AREA_PER_LENGTH2)) / _ROUGH_SCALE
    strokes = None
    if not textured:
        mask, strokes = _drop_strokes(mask, scale)
    filled = _close_fill(mask, scale, textured=textured)
    # the opening removes pen lines and printed rules
    opened = dilate(erode(filled, _OPEN_FRAC * scale), _OPEN_FRAC * scale)
    valid_depth = None if valid is None else depth(valid)
    labels, parts = label_parts(split_touching_hands(_drop_border_strips(opened, scale,
                                                                         valid_depth)))
    kept = [p for p in parts if not _is_clutter(p, scale, mask.shape)]
    if not kept:
        raise NoPrintFound("only marks and lines, no footprint")
    scale = float(np.sqrt(max(p.area for p in kept) / _AREA_PER_LENGTH2))
    # shadows and table at the sheet's edge must not join a foot; without a sheet the
    # picture's border is not special (a contact print may fill the picture)
    edge = None if valid_depth is None else ~(valid_depth > 3)
    if edge is not None:
        largest = max(p.area for p in kept)
        kept = [p for p in kept if p.area >= EDGE_PART_FRAC * largest
                or not edge[p.coords[:, 0], p.coords[:, 1]].any()]
    faint = density = reach = None
    if bin_.wet:
        # light contact (a wet print's lateral band and rim) the threshold or the opening
        # lost, given back inside each foot's outline only; drawn lines stay out
        faint = filled | _close_fill(bin_.faint & ~dilate(strokes, _STROKE_FRAC * scale),
                                     scale, textured=False)
        reach = _FAINT_REACH_FRAC * scale
    elif textured and feature != "colour":
        lines = hatch_lines(image, feature, polarity, mask)
        if float(lines[erode(mask, _CLOSE_FRAC * scale)].mean()) >= MIN_HATCH_SHARE:
            # a real crosshatch (not a blotchy wet print that the closing test took for
            # one): recover faint contact and cut toes joined through it
            faint = filled | hatch_contact(lines)
            density = contact_density(image, valid, feature, polarity)
    feet, extra = _group(labels, kept, scale, edge, image, textured, faint, density, reach)
    if not textured:
        feet = [m for m in (cut_writing(m, scale)[0] for m in feet) if m.any()]
    fg = np.zeros(mask.shape, bool)
    for m in feet:
        fg |= m
    used_labels = np.unique(labels[fg])
    used = len(used_labels) - (0 if fg.all() else 1)
    marks = () if textured else _marks((filled & ~opened) | strokes, kept, used_labels, fg,
                                       scale, valid)
    if not textured:
        marks += _new_colour_marks(image, mask | filled | strokes, fg, scale, valid, marks)
    return Segmentation(feet=tuple(feet), polarity=polarity, contrast=contrast,
                        foreground=fg, dropped=max(0, len(parts) - used),
                        extra_bodies=extra, feature=feature, textured=textured, marks=marks,
                        filled=filled, wet=bool(bin_.wet))


def _new_colour_marks(image, ink, fg, scale, valid, marks) -> tuple[np.ndarray, ...]:
    """Coloured marks (:func:`vision.footprint.marks.colour_marks`) not already among
    ``marks``: light stickers and crayon doodles the print threshold missed."""
    seen = np.zeros(fg.shape, bool)
    for m in marks:
        seen |= m
    seen = dilate(seen, _MARK_JOIN_FRAC * scale) if seen.any() else seen
    return tuple(m for m in colour_marks(image, ink, fg, scale, valid) if not (m & seen).any())


def _marks(strokes: np.ndarray, kept: list[Part], used: np.ndarray, fg: np.ndarray,
           scale: float, valid: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Masks of marks that are no print, for the ignored list: thin strokes lying away
    from the feet (a drawn line, a doodle, a written name) and parts no foot took (a
    sticker, letters cut off a print), grouped when they lie within ``_MARK_JOIN_FRAC`` of
    each other (the letters of a word), largest first; groups shorter than
    :data:`~vision.footprint.marks.NOTICE_FRAC` of the foot are specks and left out.
    Grouped on a quarter-size copy; the masks hold the full-size pixels."""
    rows, cols = fg.shape
    size = (max(1, cols // 4), max(1, rows // 4))
    far = strokes & ~dilate(fg, _MARK_CLEAR_FRAC * scale)
    for p in kept:
        if p.label not in used and p.area >= _MARK_MIN_AREA * scale * scale:
            far[p.coords[:, 0], p.coords[:, 1]] = True
    small = cv2.resize(far.astype(np.uint8), size, interpolation=cv2.INTER_AREA) > 0
    joined = dilate(small, _MARK_JOIN_FRAC * scale / 4.0)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(joined.astype(np.uint8), 8)
    rim = np.zeros(n, bool)        # groups reaching the usable edge: the paper's edge, its
    if valid is not None:          # shadow, the table beyond it; no user's marks
        band = ~erode(cv2.resize(valid.astype(np.uint8), size,
                                 interpolation=cv2.INTER_NEAREST) > 0, _MARK_RIM_FRAC * scale / 4)
        rim[np.unique(lab[band])] = True
    out = []
    for k in np.argsort(-stats[1:, cv2.CC_STAT_AREA])[:_MAX_MARKS] + 1:
        span = max(stats[k, cv2.CC_STAT_WIDTH], stats[k, cv2.CC_STAT_HEIGHT]) * 4
        if span < NOTICE_FRAC * scale or rim[k]:
            continue
        group = cv2.resize((lab == k).astype(np.uint8), (cols, rows),
                           interpolation=cv2.INTER_NEAREST) > 0
        if (group & far).any():
            out.append(group & far)
    return tuple(out)
