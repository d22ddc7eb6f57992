"""cleanup.cut_writing on drawn masks: writing behind the heel and drawn strokes are cut,
every part of the print (pads, a thin wet band, toes) is kept."""

from __future__ import annotations

import cv2
import numpy as np
from footprint_drawn import FOOT_PX, SHAPE, drawn_foot

from vision.footprint.cleanup import cut_writing


def _word(y: int, x0: int = 230) -> np.ndarray:
    """Three handwritten-like letters (5 px strokes) with their baseline at row ``y``."""
    m = np.zeros(SHAPE, np.uint8)
    for k in range(3):
        x = x0 + 45 * k
        cv2.line(m, (x, y), (x + 15, y - 40), 1, 5)
        cv2.line(m, (x + 15, y - 40), (x + 30, y), 1, 5)
    return m > 0


def test_a_word_written_behind_the_heel_is_cut_and_the_foot_kept():
    foot = drawn_foot().whole
    word = _word(880)
    kept, gone = cut_writing(foot | word, FOOT_PX)
    assert gone is not None
    assert np.array_equal(kept, foot)
    assert np.array_equal(gone, word)


def test_a_pencil_stroke_beside_the_foot_is_cut():
    foot = drawn_foot().whole
    line = np.zeros(SHAPE, np.uint8)
    cv2.line(line, (520, 250), (540, 650), 1, 4)         # beside the ball and the band
    line = line > 0
    word = _word(880)                                      # > 2 pieces: the test runs
    kept, gone = cut_writing(foot | line | word, FOOT_PX)
    assert gone is not None and gone[line].all()
    assert np.array_equal(kept, foot)


def test_a_thin_band_piece_inside_the_outline_and_the_toes_are_kept():
    """A wet print's faint lateral band may come apart from both pads: it lies inside the
    outline of the heel and the ball, so it is print, however thin."""
    f = drawn_foot(band_px=14, band_gap_px=6)
    mask = f.whole
    n, _ = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    assert n - 1 >= 4                                       # heel, ball, band, toes apart
    kept, gone = cut_writing(mask, FOOT_PX)
    assert gone is None
    assert np.array_equal(kept, mask)


def test_two_pieces_are_returned_unchanged():
    f = drawn_foot()
    mask = f.heel | f.ball
    kept, gone = cut_writing(mask, FOOT_PX)
    assert gone is None and kept is mask


def test_the_cut_is_the_same_wherever_the_candidate_lies_on_a_larger_picture():
    """Worked out inside the candidate's bounding box: the cut pixels must be the same when
    the candidate sits far from the picture's origin."""
    foot, word = drawn_foot().whole, _word(880)
    big = np.zeros((SHAPE[0] + 500, SHAPE[1] + 800), bool)
    rows, cols = slice(300, 300 + SHAPE[0]), slice(700, 700 + SHAPE[1])
    big[rows, cols] = foot | word
    kept, gone = cut_writing(big, FOOT_PX)
    assert gone is not None and kept.shape == gone.shape == big.shape
    assert np.array_equal(kept[rows, cols], foot) and kept.sum() == foot.sum()
    assert np.array_equal(gone[rows, cols], word) and gone.sum() == word.sum()
