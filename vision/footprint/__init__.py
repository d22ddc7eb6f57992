"""Footprint photo -> arch measurements per foot.

One call does it all, each stage can also be called alone:

    load_image -> find_sheet (rectify, mm/px) -> segment_prints -> per foot: analyse_foot
    (side, toes removed, axis) -> compute_indices -> read_foot (the age-aware reading) -> assess
    (quality) -> draw_overlay (lazily, when ``result.overlay`` is first read)

>>> from vision.footprint import measure_footprint            # doctest: +SKIP
>>> result = measure_footprint("print.jpg", age_months=60)    # doctest: +SKIP
>>> [(f.side, round(f.arch_index, 3)) for f in result.feet]   # doctest: +SKIP

The analysis runs on the *analysis image*: the rectified sheet when one was found
(portrait, ``scale_mm_per_px`` applies), else the photo shrunk to ``ANALYSIS_SIDE_PX`` on its
long side (ratios only). Positions in the result (``box_px``, ``heel_px``, ``toe_px``,
``contour_px``, ignored marks' ``box_px``) are mapped back to pixels of the original photo
(``result.photo_map``, :class:`vision.footprint.coords.PhotoMap`).

Before anything is measured, every print candidate passes the shape gate
(:mod:`vision.footprint.gate`): hands, drawings, writing, stickers, overlapping prints and
blobs that are not clearly a foot are left out and listed in ``result.ignored``.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np

from vision.footprint.bandpair import doubt, doubt_broken_band
from vision.footprint.coords import PhotoMap
from vision.footprint.gate import IGNORED_KIND, plural_message, summary
from vision.footprint.result import FootMeasurement, FootprintError, FootprintResult, IgnoredBlob

__all__ = ["measure_footprint", "FootprintResult", "FootMeasurement", "FootprintError",
           "ANALYSIS_SIDE_PX", "DECODE_SIDE_PX"]

DECODE_SIDE_PX = 2000      # photos are decoded at most this big (JPEG: at 1/2, 1/4 scale)
ANALYSIS_SIDE_PX = 1200    # without a sheet, prints are segmented at this size
_SHEET_MARGIN_FRAC = 0.022  # rectified sheet border ignored (shadows, the paper's edge)

_PAIR_LENGTH_RATIO = 1.06   # two prints of one person's feet differ in length by less than this
_TWO_PEOPLE_RATIO = 1.15    # two prints whose heel-toe lengths differ by more: two children
_SIDE_BY_SIDE_COS = 0.8      # a person's two prints: axes within ~37 degrees of each other

NOT_MEASURED = "No footprint could be measured on this photo. "
NO_FOOTPRINT = ("No footprint found on this photo: the paper looks blank or nothing stands "
                "out from it. Photograph the print itself, from above, in even light.")


class _Stages:
    """Wall-clock milliseconds per stage (``FootprintResult.timings_ms``)."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.ms[name] = self.ms.get(name, 0.0) + (time.perf_counter() - t0) * 1000.0


def _display_name(source, name: str | None) -> str:
    if name is not None:
        return str(name)
    if isinstance(source, (str, Path)):
        return str(source)
    return "<image>" if isinstance(source, np.ndarray) else "<bytes>"


def _decode(source) -> np.ndarray:
    """Path, bytes or a BGR array -> BGR uint8 of at most DECODE_SIDE_PX."""
    from vision.footprint.load import load_image

    if isinstance(source, np.ndarray):
        img = source
        if img.ndim == 2:
            img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
        if img.ndim != 3 or img.shape[2] not in (3, 4) or img.dtype != np.uint8:
            raise FootprintError(f"The image array must be BGR uint8, got {img.dtype} "
                                 f"{img.shape}.")
        if img.shape[2] == 4:
            img = cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
        if max(img.shape[:2]) > DECODE_SIDE_PX:
            f = DECODE_SIDE_PX / max(img.shape[:2])
            img = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        return np.ascontiguousarray(img)
    return load_image(source, max_side=DECODE_SIDE_PX)


def _analysis_view(image: np.ndarray, paper):
    """(analysis image, usable-region mask or None, sheet or None)."""
    from vision.footprint.paper import find_sheet, paper_region

    sheet = find_sheet(image, paper=paper)
    if sheet is not None:
        rect = sheet.rectified
        valid = np.zeros(rect.shape[:2], bool)
        m = max(2, int(round(_SHEET_MARGIN_FRAC * max(rect.shape[:2]))))
        valid[m:-m, m:-m] = True
        return rect, valid, sheet
    f = min(1.0, ANALYSIS_SIDE_PX / max(image.shape[:2]))
    view = image if f == 1.0 else cv2.resize(image, None, fx=f, fy=f,
                                             interpolation=cv2.INTER_AREA)
    return view, paper_region(view), None


def _measure_foot(mask, *, image, valid, seg, sheet, source, age_months, margin, pmap,
                  lines=()):
    """One foot: geometry, indices, readings, quality -> (FootMeasurement, geom, indices).
    ``margin`` is the shape gate's foot margin (0..1), ``pmap`` the analysis -> photo map,
    ``lines`` the masks (analysis pixels) of drawn lines and writing left out."""
    from vision.footprint.anatomy import analyse_foot
    from vision.footprint.fit import fit_checks
    from vision.footprint.indices import compute_indices
    from vision.footprint.quality import assess, line_crosses_print
    from vision.footprint.reading import read_foot

    geom = analyse_foot(mask)
    ix = compute_indices(geom)
    mm = None if sheet is None else sheet.mm_per_px
    quality = assess(geom, image=image, valid=valid, contrast=seg.contrast, wet=seg.wet,
                     sheet_found=sheet is not None, source=source,
                     extra_prints=seg.extra_bodies > 0, gate_margin=margin,
                     midfoot_width_px=ix.midfoot_width_px,
                     drawn_line=line_crosses_print(geom, lines),
                     fit=fit_checks(geom, ix))
    m8 = np.ascontiguousarray(geom.full_mask, dtype=bool).view(np.uint8)
    x, y, w, h = cv2.boundingRect(m8)                     # outline of the print only
    cnts, _ = cv2.findContours(m8[y:y + h, x:x + w], cv2.RETR_EXTERNAL,
                               cv2.CHAIN_APPROX_SIMPLE, offset=(x, y))
    contour = pmap.to_photo(max(cnts, key=cv2.contourArea).reshape(-1, 2)) if cnts else None
    reading = read_foot(ix, age_months)
    foot = FootMeasurement(
        side=geom.side, arch_index=float(ix.arch_index),
        staheli_index=float(ix.staheli_index),
        chippaux_smirak_index=float(ix.chippaux_smirak_index),
        clarke_angle_deg=float(ix.clarke_angle_deg),
        length_mm=None if mm is None else float(ix.length_px * mm),
        width_mm=None if mm is None else float(ix.width_px * mm),
        category=reading.category, age_reading=reading.sentence, reference=reading.reference,
        quality=quality, heel_px=pmap.point(geom.heel_xy), toe_px=pmap.point(geom.toe_xy),
        contour_px=contour, box_px=pmap.box(geom.full_mask))
    return foot, geom, ix


def _one_person_same_side(pairs) -> bool:
    """Whether the sheet's two prints are one person's feet (heel-toe lengths within
    ``_TWO_PEOPLE_RATIO``) and both read as the same side. Two children's prints (a
    sibling's sheet) may well be two left feet: nothing to say then."""
    if len(pairs) != 2 or pairs[0][0].side != pairs[1][0].side:
        return False
    lengths = sorted(_heel_toe_px(g) for _, g, _ in pairs)
    return lengths[1] <= _TWO_PEOPLE_RATIO * lengths[0]


def _warnings(sheet, source, pairs, ignored) -> list[str]:
    out = []
    if sheet is None:
        out.append("No whole sheet of paper was found in the photo, so lengths and widths "
                   "in millimetres are missing; the ratios (arch, Staheli, Chippaux-Smirak, "
                   "Clarke) do not need a scale.")
    elif sheet.guessed:
        out.append(f"Paper size not given: assumed {sheet.paper_name.upper()} from the "
                   "sheet's proportions; pass the paper size if it is another one.")
    if source.kind != "paper_print":
        out.append(source.message + " The numbers below are not reliable.")
    if _one_person_same_side(pairs):
        out.append("Both prints look like the same side: if they are one child's two feet, "
                   "check which foot is which.")
    return out + summary([b.kind for b in ignored])


def _positional_side(geom, other) -> str:
    """Side from where the other print lies: seen from above with the toes up, the left
    foot's print is on the left (prints are made standing, feet side by side)."""
    ux, uy = geom.axis_uv
    right = np.array([-uy, ux])                    # image coordinates, y down
    c_self = np.argwhere(geom.full_mask).mean(axis=0)[::-1]
    c_other = np.argwhere(other.full_mask).mean(axis=0)[::-1]
    return "left" if float((c_other - c_self) @ right) > 0 else "right"


def _resolve_sides(pairs: list) -> list:
    """Prints of one person's two feet are a left and a right foot.

    Two prints: one person, unless their heel-toe lengths differ by more than
    ``_TWO_PEOPLE_RATIO`` (two children: each keeps its own side). More (siblings): prints
    are paired by length, the two of most alike length first (a pair differs by under ``_PAIR_LENGTH_RATIO``); a print left
    without a partner keeps its own side. Within a pair, see :func:`_resolve_pair`; a broken
    arch band beside a whole one is doubted (:func:`bandpair.doubt_broken_band`). Only
    prints scored at least ``RELIABLE_SCORE`` are paired: a phantom or a part of a print
    must not flip the side of a print that is trusted."""
    from vision.footprint.quality import RELIABLE_SCORE

    trusted = [k for k, p in enumerate(pairs) if p[0].quality.score >= RELIABLE_SCORE]
    if len(trusted) < len(pairs):       # a print not trusted does not set another's side
        out = list(pairs)
        for k, p in zip(trusted, _resolve_sides([pairs[k] for k in trusted]), strict=True):
            out[k] = p
        return out
    if len(pairs) < 2:
        return pairs
    if len(pairs) == 2:
        lengths = sorted(_heel_toe_px(g) for _, g, _ in pairs)
        if lengths[1] > _TWO_PEOPLE_RATIO * lengths[0]:
            return pairs                 # two children's feet: each keeps its own side
        return doubt_broken_band(_resolve_pair(pairs))
    out = list(pairs)
    lengths = [float(np.count_nonzero(g.full_mask)) ** 0.5 for _, g, _ in pairs]
    order = sorted(range(len(pairs)), key=lambda k: lengths[k])
    k = 0
    while k + 1 < len(order):
        i, j = order[k], order[k + 1]
        if lengths[j] <= _PAIR_LENGTH_RATIO * lengths[i]:
            out[i], out[j] = doubt_broken_band(_resolve_pair([out[i], out[j]]))
            k += 2
        else:
            k += 1
    return out


def _heel_toe_px(geom) -> float:
    """Print length (px): heel centre to second-toe tip."""
    return float(np.hypot(*np.subtract(geom.toe_xy, geom.heel_xy)))


def _side_by_side(g0, g1) -> bool:
    """Whether two prints lie side by side, as a person stands: axes about parallel and
    the offset between them mostly across the axes (not one ahead of the other)."""
    u0, u1 = np.asarray(g0.axis_uv, float), np.asarray(g1.axis_uv, float)
    if float(u0 @ u1) < _SIDE_BY_SIDE_COS:
        return False
    u = (u0 + u1) / max(float(np.linalg.norm(u0 + u1)), 1e-9)
    c0, c1 = (np.argwhere(g.full_mask).mean(axis=0)[::-1] for g in (g0, g1))
    off = c1 - c0
    along = abs(float(off @ u))
    across = abs(float(off @ np.array([-u[1], u[0]])))
    return across > along


def _resolve_pair(pairs: list) -> list:
    """Two prints of one person are a left and a right foot. When the anatomical side cues
    say both are the same side, the print whose side disagrees with its position (the left
    print is on the left, looking along the feet: only for prints side by side,
    :func:`_side_by_side`) is flipped; failing that, the less certain one."""
    from dataclasses import replace

    (f0, g0, i0), (f1, g1, i1) = pairs
    if f0.side != f1.side:
        return pairs
    pos = [_positional_side(g0, g1), _positional_side(g1, g0)] if _side_by_side(g0, g1) \
        else ["", ""]                  # placed apart (siblings' sheets): position says nothing
    if pos[0] != pos[1] and pos[0] != f0.side:
        k = 0
    elif pos[0] != pos[1] and pos[1] != f1.side:
        k = 1
    else:
        k = 0 if g0.side_confidence < g1.side_confidence else 1
    foot, geom, ix = pairs[k]
    other = "right" if foot.side == "left" else "left"
    pairs = list(pairs)
    pairs[k] = (replace(foot, side=other), replace(geom, side=other), ix)
    return pairs


def _with_geometry(pairs: list, pmap: PhotoMap) -> list:
    """Attach each foot's drawing geometry in original-photo pixels (``geometry``)."""
    from dataclasses import replace

    from vision.footprint.overlay import stored_geometry

    return [(replace(f, geometry=stored_geometry(g, i, pmap)), g, i) for f, g, i in pairs]


def _failure(image_name: str, message: str, stages: _Stages) -> FootprintResult:
    return FootprintResult(image=image_name, ok=False, error=message, timings_ms=stages.ms)


def measure_footprint(source, *, paper=None, age_months=None, overlay: bool = True,
                      name: str | None = None) -> FootprintResult:
    """Measure the footprints on one photo.

    Parameters
    ----------
    source : str, pathlib.Path, bytes or ndarray
        A photo file, its bytes, or a BGR uint8 array.
    paper : {"a4", "letter"} or "WxH" (mm), optional
        Size of the sheet under the print; by default A4 or Letter from its proportions.
    age_months : float, optional
        Child's age on the day the print was taken, for the reading
        (``reading.read_foot``: category, reference, age_reading); None: adult bands.
    overlay : bool
        Provide the overlay image (``result.overlay``); it is drawn when first read, so
        asking for it costs nothing until it is used.
    name : str, optional
        Name reported in ``result.image`` (default: the path).

    Returns
    -------
    FootprintResult
        ``ok=False`` with a plain ``error`` sentence for unreadable input, a photo without a
        footprint, or a sole/podoscope photo; never raises for bad input.

    Raises
    ------
    ValueError
        Only for a bad option value (``paper``, ``age_months``).
    """
    from vision.footprint.paper import parse_paper

    parse_paper(paper)
    if age_months is not None and not (0 <= float(age_months) <= 1500):
        raise ValueError(f"age_months must be between 0 and 1500, got {age_months!r}")
    stages = _Stages()
    image_name = _display_name(source, name)
    try:
        return _run(source, image_name, paper, age_months, overlay, stages)
    except FootprintError as exc:
        return _failure(image_name, str(exc), stages)
    except MemoryError:
        return _failure(image_name, "The image is too large to analyse on this machine.",
                        stages)
    except Exception as exc:  # noqa: BLE001 - a bad photo must never crash a batch
        return _failure(image_name, f"The analysis failed on this photo "
                        f"({type(exc).__name__}: {exc}).", stages)


def _run(source, image_name, paper, age_months, overlay, stages) -> FootprintResult:
    from vision.footprint.segment import segment_prints
    from vision.footprint.source import source_check
    from vision.footprint.threshold import NoPrintFound

    with stages("decode"):
        image = _decode(source)
        photo_wh = _photo_size(source, image)
    with stages("sheet"):
        view, valid, sheet = _analysis_view(image, paper)
        pmap = _photo_map(image, view, sheet, photo_wh)
    with stages("segment"):
        try:
            seg = segment_prints(view, valid=valid)
        except NoPrintFound:
            return _failure(image_name, NO_FOOTPRINT, stages)
        if not seg.feet:
            return _failure(image_name, NO_FOOTPRINT, stages)
    with stages("source_check"):
        source_kind = source_check(view, seg.foreground, polarity=seg.polarity,
                                   sheet_found=sheet is not None, textured=seg.textured)
    if source_kind.refuse:
        return _failure(image_name, source_kind.message, stages)
    pairs, ignored = _gate_and_measure(seg, view=view, valid=valid, sheet=sheet,
                                       source=source_kind, age_months=age_months,
                                       pmap=pmap, stages=stages)
    if not pairs:
        why = " ".join(summary([b.kind for b in ignored]))
        return _failure(image_name, NOT_MEASURED + why if why else NO_FOOTPRINT, stages)
    pairs = _with_geometry(_resolve_sides(pairs), pmap)
    feet = [p[0] for p in pairs]
    drawer = None
    if overlay:  # drawn when ``result.overlay`` is first read
        from vision.footprint.overlay import OverlayJob
        drawer = OverlayJob(view, tuple((g, i, f) for f, g, i in pairs), stages.ms,
                            age_months)
    return FootprintResult(
        image=image_name, ok=True, feet=tuple(feet),
        scale_mm_per_px=None if sheet is None else float(sheet.mm_per_px),
        warnings=tuple(_warnings(sheet, source_kind, pairs, ignored)), overlay_drawer=drawer,
        timings_ms=stages.ms, ignored=tuple(ignored), photo_map=pmap)


def _gate_and_measure(seg, *, view, valid, sheet, source, age_months, pmap, stages):
    """Shape gate over every candidate and mark, then each foot measured.
    Returns ([(FootMeasurement, FootGeometry, FootIndices)], [IgnoredBlob])."""
    from vision.footprint.gate import judge_marks, sort_candidates, touching_feet

    with stages("gate"):
        candidates = sort_candidates(seg.feet, view, seg.filled)
        feet_masks = [c.mask for c in candidates if c.verdict.kind == "foot"]
        marks = judge_marks(seg.marks, feet_masks, view)
    ignored = [_ignored(c, pmap) for c in candidates + marks if c.verdict.kind != "foot"]
    lines = [c.mask for c in candidates + marks
             if c.verdict.kind in ("drawing", "text")]
    pairs = []
    with stages("measure"):
        touching = touching_feet(feet_masks)
        for c, t in zip((c for c in candidates if c.verdict.kind == "foot"), touching,
                        strict=True):
            try:
                pair = _measure_foot(c.mask, image=view, valid=valid, seg=seg, sheet=sheet,
                                     source=source, age_months=age_months,
                                     margin=c.verdict.foot_margin, pmap=pmap, lines=lines)
            except FootprintError:
                ignored.append(_ignored(c, pmap, "unknown"))  # a fragment that is no foot
                continue
            pairs.append(_doubted(pair, c.mask, view, touching=t, textured=seg.textured))
    return pairs, ignored


def _doubted(pair, mask, view, *, touching: bool, textured: bool):
    """A measured foot capped below the confidence line (``bandpair.doubt``) when its
    outline is known not to be one whole foot's: it touches another print or holds a hallux
    at both ends of its toe row (``merged_feet``: two feet ran together), or its rim is of
    another colour than its ink (``drawn_line``: a traced outline joined its edge;
    :func:`vision.footprint.gate.foreign_rim`, not on crosshatch prints)."""
    from vision.footprint.gate import FOREIGN_RIM, foreign_rim
    from vision.footprint.quality import ADVICE

    foot, geom, ix = pair
    if touching or geom.two_halluces:
        foot = doubt(foot, "merged_feet", ADVICE["merged_feet"])
    if not textured and foreign_rim(mask, view) > FOREIGN_RIM:
        foot = doubt(foot, "drawn_line", ADVICE["drawn_line"])
    return foot, geom, ix


def _ignored(c, pmap, kind: str | None = None) -> IgnoredBlob:
    kind = kind or IGNORED_KIND[c.verdict.kind]
    return IgnoredBlob(kind=kind, box_px=pmap.box(c.mask), message=plural_message(kind, 1))


def _photo_size(source, image: np.ndarray) -> tuple[int, int]:
    """(width, height) of the original photo as given (EXIF orientation applied)."""
    from vision.footprint.load import photo_size

    if isinstance(source, np.ndarray):
        return int(source.shape[1]), int(source.shape[0])
    try:
        return photo_size(source)
    except (FootprintError, TypeError):
        return int(image.shape[1]), int(image.shape[0])


def _photo_map(image: np.ndarray, view: np.ndarray, sheet, photo_wh) -> PhotoMap:
    """Analysis image -> original photo (through the sheet's homography, or the shrink)."""
    decoded_wh = (image.shape[1], image.shape[0])
    if sheet is not None and sheet.homography is not None:
        return PhotoMap.from_sheet(sheet.homography, decoded_wh=decoded_wh, photo_wh=photo_wh)
    return PhotoMap.scaled(view.shape[1] / image.shape[1], decoded_wh=decoded_wh,
                           photo_wh=photo_wh)
