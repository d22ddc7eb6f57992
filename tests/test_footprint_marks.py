"""marks.py on drawn masks: stroke width, stroke-like parts, coloured marks."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from footprint_drawn import FOOT_PX, SHAPE, drawn_foot

from vision.footprint.marks import colour_marks, noticeable, stroke_like, stroke_width


def _line(width: int, p0=(100, 100), p1=(400, 700)) -> np.ndarray:
    m = np.zeros(SHAPE, np.uint8)
    cv2.line(m, p0, p1, 1, width)
    return m > 0


@pytest.mark.parametrize("width", [4, 9, 16])
def test_stroke_width_of_a_drawn_line(width):
    assert stroke_width(_line(width)) == pytest.approx(width, abs=0.25 * width + 1.5)


def test_stroke_width_of_an_empty_mask_is_zero():
    assert stroke_width(np.zeros(SHAPE, bool)) == 0.0


def test_a_pencil_line_is_a_stroke_a_pad_and_a_midfoot_band_are_not():
    f = drawn_foot(band_px=40)
    assert stroke_like(_line(5), FOOT_PX)                  # 5 px << 0.045 * 560 = 25 px
    assert not stroke_like(f.heel, FOOT_PX)                # 150 px wide
    assert not stroke_like(f.band | f.heel | f.ball, FOOT_PX)
    toe = np.zeros(SHAPE, np.uint8)
    cv2.circle(toe, (300, 300), 9, 1, -1)                  # a small toe: thin but round
    assert not stroke_like(toe > 0, FOOT_PX)


def test_noticeable_marks_are_a_twentieth_of_the_foot_long():
    speck = np.zeros(SHAPE, np.uint8)
    cv2.circle(speck, (100, 100), 5, 1, -1)                # 11 px < 0.05 * 560 = 28 px
    sticker = np.zeros(SHAPE, np.uint8)
    cv2.circle(sticker, (100, 100), 20, 1, -1)             # 41 px
    assert not noticeable(speck > 0, FOOT_PX)
    assert noticeable(sticker > 0, FOOT_PX)


def test_a_coloured_sticker_away_from_the_feet_is_found_one_by_a_foot_is_not():
    rng = np.random.default_rng(3)
    img = np.clip(rng.normal(232, 1.5, SHAPE + (3,)), 0, 255).astype(np.uint8)
    foot = drawn_foot().whole
    img[foot] = (120, 120, 125)                            # grey print
    cv2.circle(img, (520, 820), 30, (120, 180, 250), -1)   # light orange sticker (BGR)
    cv2.circle(img, (425, 340), 12, (120, 180, 250), -1)   # the same colour on the ball's rim
    found = colour_marks(img, foot, foot, FOOT_PX)
    assert len(found) == 1
    ys, xs = np.nonzero(found[0])
    assert abs(xs.mean() - 520) < 8 and abs(ys.mean() - 820) < 8
    assert not (found[0] & foot).any()


def test_no_coloured_marks_on_a_grey_sheet():
    rng = np.random.default_rng(4)
    img = np.clip(rng.normal(232, 1.5, SHAPE + (3,)), 0, 255).astype(np.uint8)
    foot = drawn_foot().whole
    img[foot] = (120, 120, 125)
    assert colour_marks(img, foot, foot, FOOT_PX) == []
