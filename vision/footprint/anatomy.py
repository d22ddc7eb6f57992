"""One foot's print: long axis, heel and toe ends, toes removed, side (left/right).

Conventions
-----------
Input is one foot's binary print (toes separate or touching the ball) at any rotation. Points
are (x, y) pixels of that mask, y down. The foot axis runs from the heel centre to the tip of
the second toe (Cavanagh & Rodgers, J Biomech 1987); ``axis_uv`` is its unit vector.

Method (all in the *axis frame* of :mod:`vision.footprint.frame`, so any rotation or mirror
of the mask gives the same numbers up to pixel effects):

0. clean-up: specks and stray blobs away from the foot are dropped, pin holes filled;
1. principal axis of the print; the forefoot end is the one whose widest row is widest;
2. toes (:mod:`vision.footprint.toes`): per frame column, the run of print that starts at the
   ball's widest row ends at the ball front unless a toe touches it; touching toes show as
   bumps on that run-end profile (flat grey opening), and under them the ball front is
   re-drawn from the clean columns beside them. Everything ahead of the ball row and outside
   the ball run is toe; crumbs left between the toes join the toes;
3. heel centre = centroid of the rear 15 % of the toe-less print; second-toe tip = most
   distal point of the toe piece nearest the second metatarsal position (0.38 ball widths in
   from the medial border of the ball row; the hallux, the thicker end piece of the toe row,
   gives the medial side), or the toe row's front edge there when no piece is near it (toes
   split at empty columns, front-profile valleys and thickness necks). The pick depends on
   positions relative to the ball, not on the number of pieces, so it survives rotation and
   a hallux print split in two;
4. repeat 2-3 in the frame of the new axis until it stops turning (at most 3 passes);
5. side: the hallux, the toe-row and ball-front obliquity, and the arch concavity all sit
   medially; ``side_confidence`` is their weighted agreement (0..1).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vision.footprint.frame import AxisFrame, axis_frame, upper_hull
from vision.footprint.result import FootprintError, Side
from vision.footprint.toes import ToeSplit, components, keep_specks, split_toes, toe_mask

__all__ = ["FootGeometry", "analyse_foot"]

Point = tuple[float, float]

_HEEL_FRAC = 0.15           # heel centre: centroid of this rear share of the toe-less print
_W_TOE_LINE = 0.7           # side cue weights (hallux 1, concavity 1): toe-tip line ...
_W_BALL_LINE = 0.5          # ... and ball-front line obliquity
_TOE_LINE_SLOPE = 0.25      # toe-tip line slope (rows per column) giving a full cue
_BALL_LINE_SLOPE = 0.15     # ball-front slope giving a full cue
_BALL_EDGE_SKIP = 0.2       # share of the ball row skipped at each end for its slope
_HALLUX_RATIO_SPAN = 0.8    # end-toe size ratio above 1 giving a full hallux cue
_HEEL_SEARCH = 0.35         # widest heel row: looked for in this rear share to the ball
_CONCAVITY_SPAN = 0.1       # of ball width: concavity depth difference giving a full cue
_SIDE_FULL_SCORE = 3.2      # weighted cue sum for side_confidence 1
_BIG_PART = 0.1             # of the biggest part: a heel or forefoot part
_BIG_REACH = 0.8            # of the kept parts' diagonal: big parts this near are kept
_SMALL_REACH = 0.3          # small parts (toes) within the box grown by this share
_SMALL_PART = 0.002         # of the biggest part: smaller parts are specks ...
_MIN_PART_PX = 10           # ... as are parts under this many pixels
_PINHOLE = 0.001            # of the print: holes smaller than this are filled
_AXIS_STILL_DEG = 0.05      # the axis iteration stops when it turns less than this
_SECOND_TOE_REACH = 0.25    # of ball width: a toe tip this near the 2nd metatarsal
#                             position is the second toe (feet differ: its tip lies 0.35-0.6
#                             ball widths in from the medial border; a hallux-wide gap
#                             beside it otherwise sends the axis to the hallux's edge)
_FRONT_WINDOW = 0.03        # of ball width: half-window for the toe row's front edge
_CRUMB = 0.01               # of the biggest blob: smaller toe-less blobs are crumbs
_HALLUX_OVER_MID = 1.5      # an end toe this many times thicker than every middle toe ...
_HALLUX_ALIKE = 0.75        # ... at both ends, the thinner end this alike: two halluces


@dataclass(frozen=True)
class FootGeometry:
    """Geometry of one foot's print (see module conventions)."""

    side: Side
    side_confidence: float
    full_mask: np.ndarray
    toeless_mask: np.ndarray
    toes_mask: np.ndarray
    heel_xy: Point
    toe_xy: Point
    ball_front_xy: Point
    axis_uv: Point
    toes_found: bool
    two_halluces: bool = False     # both ends of the toe row bear a hallux (two feet, see
    #                                :func:`_two_halluces`)


def _principal_axis(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ys, xs = np.nonzero(mask)
    c = np.array([xs.mean(), ys.mean()])
    cov = np.cov(np.stack([xs - c[0], ys - c[1]]))
    evals, evecs = np.linalg.eigh(cov)
    return c, evecs[:, np.argmax(evals)]


def _frame(mask, origin, a) -> AxisFrame:
    # columns along +perp = (-a_y, a_x): medial for a left foot (see frame.medial_unit)
    return axis_frame(mask, origin, a, np.array([-a[1], a[0]]), pad_px=3)


def _orient(mask: np.ndarray, c: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Flip ``a`` so it points to the forefoot: the end with the widest row."""
    counts = _frame(mask, c, a).image.sum(axis=1)
    rows = np.flatnonzero(counts)
    r0, r1 = rows[0], rows[-1] + 1
    n = max((r1 - r0) * 2 // 5, 1)
    rear, front = counts[r0:r0 + n].max(), counts[r1 - n:r1].max()
    return a if front >= rear else -a


def _heel_centre(img: np.ndarray, frac: float = _HEEL_FRAC) -> tuple[float, float]:
    counts = img.sum(axis=1)
    rows = np.flatnonzero(counts)
    r0, r1 = rows[0], rows[-1] + 1
    ys, xs = np.nonzero(img[r0:r0 + max(int(frac * (r1 - r0)), 1)])
    return float(xs.mean()), float(ys.mean() + r0)


def _side_score(fr_img: np.ndarray, toeless: np.ndarray, sp: ToeSplit, ball_w: float):
    """Signed evidence that the +column side of the frame is medial (> 0) and its weight.

    Cues (each in -1..1): hallux at that end of the toe row; toe tips and ball front further
    forward on that side (the metatarsal line is oblique); deeper concavity on that border.
    """
    cues = []
    tips = sp.tips
    if len(tips) >= 2:
        ends = (tips[0][2], tips[-1][2])
        ratio = max(ends) / max(min(ends), 1e-9)
        sign = 1.0 if sp.hallux == len(tips) - 1 else -1.0
        cues.append((1.0, sign * float(np.clip((ratio - 1.0) / _HALLUX_RATIO_SPAN, 0, 1))))
    if len(tips) >= 3:
        cols, rows = np.array([t[0] for t in tips]), np.array([t[1] for t in tips])
        beta = np.polyfit(cols, rows, 1)[0]
        cues.append((_W_TOE_LINE, float(np.clip(beta / _TOE_LINE_SLOPE, -1, 1))))
    cols = np.flatnonzero(fr_img[sp.ball_row])
    if cols.size > 4:
        lo, hi = cols[0] + _BALL_EDGE_SKIP * cols.size, cols[-1] - _BALL_EDGE_SKIP * cols.size
        sel = np.arange(fr_img.shape[1])
        sel = sel[(sel >= lo) & (sel <= hi)]
        if sel.size >= 3:
            beta = np.polyfit(sel, sp.cut[sel], 1)[0]
            cues.append((_W_BALL_LINE, float(np.clip(beta / _BALL_LINE_SLOPE, -1, 1))))
    cues.append((1.0, _concavity_cue(toeless, sp.ball_row, ball_w)))
    wsum = sum(w for w, _ in cues)
    score = sum(w * s for w, s in cues)
    return score, wsum


def _concavity_cue(toeless: np.ndarray, ball_row: int, ball_w: float) -> float:
    """(+side concavity depth - -side depth) / (0.1 ball width), clipped to -1..1."""
    counts = toeless.sum(axis=1)
    rows = np.flatnonzero(counts)
    r0 = rows[0]
    n = max(int(_HEEL_SEARCH * (ball_row - r0)), 1)
    heel_row = r0 + int(np.argmax(counts[r0:r0 + n]))
    span = np.arange(heel_row, ball_row + 1)
    span = span[counts[span] > 0]
    if span.size < 5:
        return 0.0
    w = toeless.shape[1]
    hi = (w - 1 - np.argmax(toeless[span, ::-1], axis=1)).astype(float)
    lo = np.argmax(toeless[span], axis=1).astype(float)
    depth = []
    for edge in (hi, -lo):
        hull = upper_hull(span.astype(float), edge)
        line = np.interp(span, span[hull], edge[hull])
        depth.append(float(np.max(line - edge)))
    return float(np.clip((depth[0] - depth[1]) / (_CONCAVITY_SPAN * ball_w), -1, 1))


def _check_mask(mask) -> np.ndarray:
    m = np.asarray(mask)
    if m.ndim != 2:
        raise FootprintError(f"a foot mask must be 2-D, got shape {m.shape}")
    m = np.ascontiguousarray(m, dtype=bool)
    if np.count_nonzero(m) < 200:
        raise FootprintError("the footprint is too small or empty to measure")
    return m


def _crop_box(m: np.ndarray, pad: int = 4) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the print plus ``pad`` pixels, clipped to the image."""
    x, y, w, h = cv2.boundingRect(np.ascontiguousarray(m).view(np.uint8))
    return (max(x - pad, 0), max(y - pad, 0), min(x + w + pad, m.shape[1]),
            min(y + h + pad, m.shape[0]))


def _drop_specks(m: np.ndarray) -> np.ndarray:
    """Keep the print's parts, drop segmentation specks and stray blobs.

    Big parts (at least 10 % of the biggest: the heel and forefoot of a broken high arch)
    are kept when they lie within 0.8 diagonals of the parts kept so far (a shadow at the
    sheet's corner does not); small parts (toes, at least 0.2 % of the biggest) when they lie
    within the kept parts' box grown by 30 % of its diagonal. Specks would move the heel and
    ball ends.
    """
    n, lab, stats, cent = components(m)
    if n <= 1:
        return m
    areas = stats[:, cv2.CC_STAT_AREA]
    x0, y0 = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    x1, y1 = x0 + stats[:, cv2.CC_STAT_WIDTH], y0 + stats[:, cv2.CC_STAT_HEIGHT]
    keep = np.zeros(n, bool)
    keep[int(np.argmax(areas))] = True
    big = areas >= _BIG_PART * areas.max()
    for _ in range(n):
        bx = (x0[keep].min(), y0[keep].min(), x1[keep].max(), y1[keep].max())
        diag = np.hypot(bx[2] - bx[0], bx[3] - bx[1])
        gap = np.hypot(np.maximum(0, np.maximum(bx[0] - x1, x0 - bx[2])),
                       np.maximum(0, np.maximum(bx[1] - y1, y0 - bx[3])))
        add = big & ~keep & (gap <= _BIG_REACH * diag)
        if not add.any():
            break
        keep |= add
    grow = _SMALL_REACH * diag
    near = ((cent[:, 0] >= bx[0] - grow) & (cent[:, 0] <= bx[2] + grow)
            & (cent[:, 1] >= bx[1] - grow) & (cent[:, 1] <= bx[3] + grow))
    keep |= (areas >= max(_SMALL_PART * areas.max(), _MIN_PART_PX)) & near & ~big
    if keep.all():
        return m
    return np.isin(lab, 1 + np.flatnonzero(keep))


def _working_mask(crop: np.ndarray, work_px: int):
    """Shrink the cropped print so its long side is at most ``work_px``; fill pin holes."""
    f = min(1.0, work_px / max(crop.shape))
    if f < 1.0:
        size = (max(int(round(crop.shape[1] * f)), 1), max(int(round(crop.shape[0] * f)), 1))
        small = cv2.resize(crop.astype(np.float32), size, interpolation=cv2.INTER_AREA) >= 0.5
        f = (size[0] / crop.shape[1] + size[1] / crop.shape[0]) / 2.0
    else:
        small = crop
    return _fill_pinholes(small), f


def _fill_pinholes(m: np.ndarray) -> np.ndarray:
    """Fill holes smaller than 0.1 % of the print (texture gaps), keep real gaps."""
    bg = np.ascontiguousarray(np.pad((~m).astype(np.uint8), 1))
    cv2.floodFill(bg, None, (0, 0), 2)                 # background reachable from outside
    holes = bg[1:-1, 1:-1] == 1
    if not holes.any():
        return m
    n, lab, stats, _ = components(holes)
    small = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] < _PINHOLE * np.count_nonzero(m)) + 1
    return m | np.isin(lab, small)


def _fit_axis(small: np.ndarray):
    """Iterate: frame -> toe split -> heel centre and second-toe tip -> new axis."""
    c, a = _principal_axis(small)
    a = _orient(small, c, a)
    origin = c
    for _ in range(3):
        fr = _frame(small, origin, a)
        counts = fr.image.sum(axis=1)
        rows = np.flatnonzero(counts)
        ball_w = float(counts[(rows[0] + rows[-1]) // 2:rows[-1] + 1].max())
        sp = split_toes(fr.image, ball_w)
        toes_f = toe_mask(fr.image, sp.ball_row, sp.start, sp.cut, sp.start >= 0)
        toes_f &= keep_specks(toes_f, ball_w)
        toeless_f = fr.image & ~toes_f
        heel_f = _heel_centre(toeless_f)
        heel = fr.to_image(*heel_f)
        if len(sp.tips) >= 2:
            col, row = _second_toe_tip(fr.image, toes_f, sp, ball_w)
            tip = fr.to_image(col, row + 0.5)
        elif len(sp.tips) == 1:
            tip = fr.to_image(sp.tips[0][0], sp.tips[0][1] + 0.5)
        else:
            ys, xs = np.nonzero(toeless_f)
            _, d = _principal_axis(toeless_f)
            d = d if d[1] >= 0 else -d                      # frame rows grow to the toes
            v = d[0] * np.asarray(fr.medial_uv) + d[1] * np.asarray(fr.axis_uv)
            t_front = float(np.max((xs - heel_f[0]) * d[0] + (ys - heel_f[1]) * d[1]))
            tip = heel + v * t_front
        a_new = (tip - heel) / max(np.hypot(*(tip - heel)), 1e-9)
        done = float(np.dot(a_new, a)) > np.cos(np.deg2rad(_AXIS_STILL_DEG))
        a, origin = a_new, heel
        if done:
            break
    return fr, sp, toes_f, toeless_f, ball_w, heel, tip, a


# second metatarsal head: this fraction of the ball width in from the medial border
# (shape model and Cavanagh & Rodgers' axis: the second toe sits over it)
_SECOND_MT_FRAC = 0.38


def _second_toe_tip(img: np.ndarray, toes_f: np.ndarray, sp: ToeSplit,
                    ball_w: float) -> tuple[float, float]:
    """Frame (col, row) of the second-toe tip, chosen in the foot's own frame.

    The hallux end of the toe row gives the medial side; the second toe is the toe piece
    (other than the hallux) whose tip column lies nearest the second metatarsal position,
    a fixed fraction of the ball width in from the medial border of the ball row. Its tip is
    its most distal point along the axis. When no piece lies near that position (toes fused
    or ambiguous), the tip is the front edge of the toe row at that position. The rule
    depends on positions relative to the ball only, not on how many pieces the toe row fell
    into, so a rotated copy of the print picks the same toe.
    """
    tips, h = sp.tips, sp.hallux
    cols = np.flatnonzero(img[sp.ball_row])
    s = 1.0 if h == len(tips) - 1 else -1.0              # +1: medial is +columns
    med_edge = cols[-1] if s > 0 else cols[0]
    bw = float(cols[-1] - cols[0] + 1)
    c2 = med_edge - s * _SECOND_MT_FRAC * bw
    cand = [t for i, t in enumerate(tips) if i != h and s * (tips[h][0] - t[0]) > 0]
    if cand:
        best = min(cand, key=lambda t: abs(t[0] - c2))
        if abs(best[0] - c2) <= _SECOND_TOE_REACH * bw:
            return best[0], best[1]
    # fused or ambiguous toes: front edge of the toe row at the second metatarsal position
    keep = keep_specks(toes_f, ball_w)
    half = max(int(_FRONT_WINDOW * bw), 1)
    lo, hi = int(max(round(c2) - half, 0)), int(min(round(c2) + half + 1, keep.shape[1]))
    win = keep[:, lo:hi]
    if win.any():
        rows = np.flatnonzero(win.any(axis=1))
        return float(c2), float(rows[-1])
    if cand:
        best = min(cand, key=lambda t: abs(t[0] - c2))
        return best[0], best[1]
    k = h + 1 if h == 0 else h - 1
    return tips[k][0], tips[k][1]


def analyse_foot(mask: np.ndarray, *, work_px: int = 700) -> FootGeometry:
    """Axis, heel and toe ends, toes removed, and side of one foot's print.

    Parameters
    ----------
    mask : (H, W) bool array
        One foot's print, toes included (separate blobs or touching the ball), any rotation.
    work_px : int, keyword-only
        The geometry is found on a copy whose long side is at most this many pixels; the
        returned masks keep the input resolution.

    Returns
    -------
    FootGeometry
        ``heel_xy`` is the heel centre, ``toe_xy`` the second-toe tip; the axis between them
        follows Cavanagh & Rodgers (1987). Without toes, ``toe_xy`` is the front of the ball
        on the print's principal axis and ``toes_found`` is False.

    Raises
    ------
    FootprintError
        For a mask that is not 2-D or holds too few pixels.
    """
    full = _check_mask(mask)
    bx0, by0, bx1, by1 = _crop_box(full)
    m = _drop_specks(full[by0:by1, bx0:bx1])
    small, f = _working_mask(m, int(work_px))
    fr, sp, toes_f, toeless_f, ball_w, heel_w, tip_w, a = _fit_axis(small)
    score, _ = _side_score(fr.image, toeless_f, sp, ball_w)
    side: Side = "left" if score >= 0 else "right"   # +columns are medial for a left foot
    toes = _classify_toes(m, f, fr, sp, toes_f)
    toeless = m & ~toes
    if not toeless.any():
        raise FootprintError("no heel or ball found in the footprint")
    toeless, slivers = _main_parts(toeless)
    toes |= slivers                # crumbs left between the toes would move the ball front

    def to_full(p):
        return (float((p[0] + 0.5) / f - 0.5 + bx0), float((p[1] + 0.5) / f - 0.5 + by0))

    heel, toe = to_full(heel_w), to_full(tip_w)
    toeless = _fill_pinholes(_drop_behind_heel(toeless, (heel[0] - bx0, heel[1] - by0), a))
    tt, tl = np.nonzero(toeless)
    proj = (tl + bx0 - heel[0]) * a[0] + (tt + by0 - heel[1]) * a[1]
    k = int(np.argmax(proj))
    out = []
    for part in (m, toeless, toes):
        big = np.zeros(full.shape, bool)
        big[by0:by1, bx0:bx1] = part
        out.append(big)
    return FootGeometry(side=side, side_confidence=float(np.clip(abs(score) / _SIDE_FULL_SCORE, 0, 1)),
                        full_mask=out[0], toeless_mask=out[1], toes_mask=out[2], heel_xy=heel,
                        toe_xy=toe, ball_front_xy=(float(tl[k] + bx0), float(tt[k] + by0)),
                        axis_uv=(float(a[0]), float(a[1])), toes_found=bool(len(sp.tips) > 0),
                        two_halluces=_two_halluces(sp.tips))


def _two_halluces(tips) -> bool:
    """Whether both ends of the toe row bear a hallux: one foot has one hallux (the
    thickest toe, at the medial end) and a little toe at the other end no thicker than the
    toes between; two feet side by side in one print (toe rows run together) show a hallux
    at each end. ``tips``: (column, tip row, thickness along the axis) per toe, in column
    order (:func:`vision.footprint.toes.split_toes`); needs a middle toe to compare with."""
    if len(tips) < 3:
        return False
    ends = sorted((tips[0][2], tips[-1][2]))
    middle = max(t[2] for t in tips[1:-1])
    return ends[0] >= _HALLUX_OVER_MID * middle and ends[0] >= _HALLUX_ALIKE * ends[1]


def _drop_behind_heel(m: np.ndarray, heel_xy, a) -> np.ndarray:
    """Drop small blobs lying wholly behind the heel (no part of a foot is there: another
    foot's toes or marks grouped with this foot would move the rearmost heel point)."""
    n, lab, stats, _ = components(m)
    if n <= 1:
        return m
    areas = stats[:, cv2.CC_STAT_AREA]
    big = areas >= _BIG_PART * areas.max()
    ys, xs = np.nonzero(np.isin(lab, 1 + np.flatnonzero(big)))
    t_rear = float(np.min((xs - heel_xy[0]) * a[0] + (ys - heel_xy[1]) * a[1]))
    x0, y0 = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    x1 = x0 + stats[:, cv2.CC_STAT_WIDTH]
    y1 = y0 + stats[:, cv2.CC_STAT_HEIGHT]
    corners_t = np.stack([(cx - heel_xy[0]) * a[0] + (cy - heel_xy[1]) * a[1]
                          for cx in (x0, x1) for cy in (y0, y1)])
    behind = ~big & (corners_t.max(axis=0) < t_rear)
    if not behind.any():
        return m
    return m & ~np.isin(lab, 1 + np.flatnonzero(behind))


def _main_parts(m: np.ndarray, frac: float = _CRUMB):
    """(parts of at least ``frac`` of the biggest blob, the rest) of a bool mask."""
    n, lab, stats, _ = components(m)
    areas = stats[:, cv2.CC_STAT_AREA]
    small = np.flatnonzero(areas < frac * areas.max()) + 1
    if small.size == 0:
        return m, np.zeros_like(m)
    rest = np.isin(lab, small)
    return m & ~rest, rest


def _classify_toes(m, f, fr: AxisFrame, sp: ToeSplit, toes_f) -> np.ndarray:
    """Toe pixels of the (cropped) input mask: the working frame's toe zone (ahead of the
    ball row, outside the ball run, near a kept toe) mapped back onto the input grid."""
    rows = np.arange(fr.image.shape[0])[:, None]
    in_ball = (rows >= sp.start[None, :]) & (rows <= sp.cut[None, :])
    zone = ((rows > sp.ball_row) & ~in_ball & _toe_halo(toes_f)).astype(np.uint8)
    (ox, oy), (ax, ay), (mx, my) = fr.origin_xy, fr.axis_uv, fr.medial_uv
    A = np.array([[mx / f, ax / f, (ox + 0.5) / f - 0.5],
                  [my / f, ay / f, (oy + 0.5) / f - 0.5]], np.float64)
    back = cv2.warpAffine(zone, A, (m.shape[1], m.shape[0]), flags=cv2.INTER_NEAREST,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return m & (back > 0)


def _toe_halo(toes_f: np.ndarray) -> np.ndarray:
    """Toe pixels grown by one pixel, so full-resolution edge pixels join their toe."""
    return cv2.dilate(toes_f.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
