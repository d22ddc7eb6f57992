"""Toes of one foot's print in the axis frame (rows heel -> toes, see ``indices``).

Per frame column, the run of print that starts at the ball's widest row ends at the ball
front, unless a toe touches the ball and the run continues into it. The run-end profile is
therefore the ball-front arc with a bump for every touching toe: a flat grey opening flags
the bumps, and under them the front is re-drawn from the clean columns beside them and the
valleys between merged toes (:func:`split_toes`). Everything ahead of the ball row and outside
the ball run is toe. The toes are then split at the valleys of their front profile; the
biggest piece at either end of the row is the hallux.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy import ndimage as ndi
from scipy.signal import find_peaks

from vision.footprint.morphology import bounding_box

__all__ = ["ToeSplit", "split_toes", "toe_mask", "keep_specks", "components"]


@dataclass(frozen=True)
class ToeSplit:
    """Toe split in one frame: per column the ball run [start, cut] (frame rows)."""

    ball_row: int
    start: np.ndarray
    cut: np.ndarray
    tips: list            # (col, row, area) per toe, columns ascending
    hallux: int           # index into tips, -1 if unknown


def _ball_runs(img: np.ndarray, ball_row: int, reach: int):
    """Per column: start and end row of the print run at (or just ahead of) ``ball_row``."""
    h, w = img.shape
    sub = img[ball_row:min(ball_row + reach + 1, h)]
    has = sub.any(axis=0)
    start = ball_row + np.argmax(sub, axis=0)
    after = img[ball_row:]
    rows = np.arange(after.shape[0])[:, None] + ball_row
    gap = (~after) & (rows >= start[None, :])
    end = np.where(gap.any(axis=0), ball_row + np.argmax(gap, axis=0), h) - 1
    return has, start, end


def split_toes(img: np.ndarray, ball_w: float) -> ToeSplit:
    """Find the ball front per column and the toes in an axis-frame print (toes at the end)."""
    counts = img.sum(axis=1)
    rows = np.flatnonzero(counts)
    r0, r1 = rows[0], rows[-1] + 1
    front_half = np.arange((r0 + r1) // 2, r1)
    ball_row = int(front_half[np.argmax(counts[front_half])])
    has, start, end = _ball_runs(img, ball_row, reach=max(int(0.12 * ball_w), 2))
    e = np.where(has, end, ball_row - 1).astype(float)
    cut = _ball_front_cut(e, ball_w, low=ball_row - 1.0)
    toes = toe_mask(img, ball_row, start, cut, has)
    tips, hallux = _toe_tips(toes, ball_w)
    return ToeSplit(ball_row, np.where(has, start, ball_row), cut, tips, hallux)


def _ball_front_cut(e: np.ndarray, ball_w: float, *, low: float) -> np.ndarray:
    """Ball front row per column from the run-end profile ``e`` (toe bumps removed).

    A toe touching the ball makes the run continue into the toe: a bump on the otherwise
    arched ball-front profile. A flat grey opening (width 0.6 ball widths) flags bump columns;
    there the front is interpolated from a quadratic fit to the nearby clean columns (falling
    back to the opened profile at the ends of the ball).
    """
    k = max(int(0.6 * ball_w) | 1, 3)
    opened = ndi.grey_opening(e, size=k, mode="constant", cval=low)
    bump = e > opened + max(0.06 * ball_w, 2.0)
    if not bump.any():
        return e
    bump = ndi.binary_dilation(bump, iterations=max(int(0.02 * ball_w), 1))
    cut = np.where(bump, opened, e)
    lab, n = ndi.label(bump)
    for i in range(1, n + 1):
        seg = np.flatnonzero(lab == i)
        cut[seg] = _front_under_toes(e, seg, bump, opened, ball_w, low)
    return cut


def _front_under_toes(e, seg, bump, opened, ball_w, low) -> np.ndarray:
    """Ball front under one run of toe columns ``seg``.

    A quadratic through the clean columns within a quarter ball width on each side, kept
    within 0.03 ball widths of the chord between the nearest clean columns and never above
    the run end. With clean columns on one side only, the valleys of the run-end
    profile inside the segment (bottoms of the notches between merged toes: on or above the
    ball front) join them as anchors, and the result is clipped between the opened profile
    and the run end.
    """
    cols = np.arange(e.size)
    near = int(0.25 * ball_w)
    lo, hi = seg[0], seg[-1]
    left = cols[max(lo - near, 0):lo]
    right = cols[hi + 1:hi + 1 + near]
    left = left[(~bump[left]) & (e[left] > low)]
    right = right[(~bump[right]) & (e[right] > low)]
    valleys, _ = find_peaks(-e[seg], prominence=max(0.03 * ball_w, 2.0))
    valleys = seg[valleys]
    if left.size >= 3 and right.size >= 3:
        xs = np.concatenate([left, right])
        quad = np.polyval(np.polyfit(xs, e[xs], 2), seg)
        # the arc under one toe sags little below the chord of its nearest clean columns;
        # a steep ball end on one side must not make the quadratic overshoot into the toes
        xl, xr = left[-3:], right[:3]
        chord = np.interp(seg, [xl.mean(), xr.mean()], [e[xl].mean(), e[xr].mean()])
        band = 0.03 * ball_w
        return np.minimum(e[seg], np.clip(quad, chord - band, chord + band))
    side = left if left.size >= right.size else right
    if side.size >= 5:
        # a toe over one end of the ball: extrapolate from the clean side
        xs = np.concatenate([side, valleys])
        fit = np.polyval(np.polyfit(xs, e[xs], 2), seg)
        return np.clip(fit, opened[seg], e[seg])
    return opened[seg]


def toe_mask(img, ball_row, start, cut, has) -> np.ndarray:
    rows = np.arange(img.shape[0])[:, None]
    in_ball = has[None, :] & (rows >= start[None, :]) & (rows <= cut[None, :])
    return img & (rows > ball_row) & ~in_ball


def _toe_tips(toes: np.ndarray, ball_w: float) -> tuple[list, int]:
    """Split the toe row into toes; the thicker end piece (extent along the axis) is the
    hallux. Returns [(column, tip row, thickness)] in column order and the hallux index.

    Toes are split at empty columns, at valleys of the front (tip) profile and at necks of
    the per-column thickness, so toes fused into one chain by the segmentation still come
    apart. Thickness, not area, picks the hallux: a fused chain of toes 2-5 can outweigh the
    hallux in area, never in thickness.
    """
    keep = keep_specks(toes, ball_w)          # drop specks (print texture)
    if not keep.any():
        return [], -1
    colany = keep.any(axis=0)
    top = np.where(colany, keep.shape[0] - 1 - np.argmax(keep[::-1], axis=0), -1).astype(float)
    thick = keep.sum(axis=0).astype(float)
    prom = max(0.03 * ball_w, 2.0)
    valleys = find_peaks(-np.where(colany, top, top[colany].min() - 1), prominence=prom)[0]
    necks = find_peaks(-thick, prominence=max(0.04 * ball_w, 2.0))[0]
    split = np.zeros(colany.size, bool)
    split[valleys] = split[necks] = True
    piece = np.cumsum(split | ~colany)                 # a new label after every split column
    tips = []
    for lab in np.unique(piece[colany & ~split]):
        cols = np.flatnonzero((piece == lab) & colany & ~split)
        # a toe pad is about as wide as it is long; a thin sliver along the ball is not a toe
        if cols.size < max(0.06 * ball_w, 0.35 * thick[cols].max(), 2) \
                or thick[cols].max() < 0.05 * ball_w:
            continue
        c = cols[np.argmax(top[cols])]
        tips.append((float(c), float(top[c]), float(thick[cols].max())))
    if not tips:
        return [], -1
    hallux = 0 if tips[0][2] >= tips[-1][2] else len(tips) - 1
    return tips, hallux


def components(m: np.ndarray):
    """Labels and areas of the 8-connected blobs of a bool mask (background excluded)."""
    n, lab, stats, cent = cv2.connectedComponentsWithStats(
        np.ascontiguousarray(m).view(np.uint8), connectivity=8)
    return n - 1, lab, stats[1:], cent[1:]


def keep_specks(toes_f: np.ndarray, ball_w: float) -> np.ndarray:
    """Toe pixels worth keeping as toes: blobs of a small toe's size (ignore print specks).
    Labelled inside the toes' bounding box (the toe row only: less work)."""
    box = bounding_box(toes_f, 0)
    if box is None:
        return toes_f
    n, lab, stats, _ = components(toes_f[box])
    keep = np.zeros(n + 1, bool)
    keep[1:] = stats[:, cv2.CC_STAT_AREA] >= max(0.002 * ball_w ** 2, 4)
    out = np.zeros(toes_f.shape, bool)
    out[box] = keep[lab]
    return out
