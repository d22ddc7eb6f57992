"""split.split_touching_hands on drawn masks: a hand touching a foot is cut off at the
neck between them; a foot alone, a hand alone and two touching feet are left as they are."""

from __future__ import annotations

import cv2
import numpy as np
from footprint_drawn import SHAPE, drawn_foot

from vision.footprint.gate import judge, shape_facts
from vision.footprint.split import split_touching_hands


def _hand(cx: int = 470, cy: int = 640) -> np.ndarray:
    """A child's handprint: palm and five spread fingers (15-18 px wide), thumb to the left."""
    m = np.zeros(SHAPE, np.uint8)
    cv2.ellipse(m, (cx, cy), (55, 65), 0, 0, 360, 1, -1)
    for ang, length, w in ((-150, 80, 18), (-115, 115, 17), (-90, 125, 17), (-65, 115, 16),
                           (-40, 95, 15)):
        a = np.deg2rad(ang)
        p0 = (int(cx + 40 * np.cos(a)), int(cy + 45 * np.sin(a)))
        p1 = (int(cx + (40 + length) * np.cos(a)), int(cy + (45 + length) * np.sin(a)))
        cv2.line(m, p0, p1, 1, w)
    return m > 0


def _parts(mask: np.ndarray) -> tuple[int, np.ndarray]:
    n, lab = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    return n - 1, lab


def test_the_drawn_shapes_are_what_the_gate_says():
    assert judge(shape_facts(_hand())).kind == "hand"
    assert judge(shape_facts(drawn_foot().whole)).kind == "foot"


def test_a_hand_touching_the_foot_is_cut_off():
    f, hand = drawn_foot(), _hand()
    both = f.whole | hand
    _, lab0 = _parts(both)
    assert lab0[640, 470] == lab0[700, 300]                # the palm touches the heel's band
    out = split_touching_hands(both)
    _, lab = _parts(out)
    assert lab[640, 470] != lab[700, 300]                  # palm and heel now apart
    assert lab[700, 300] == lab[340, 300]                  # heel and ball still one part
    cut = both & ~out
    assert 0 < cut.sum() < 0.005 * both.sum()              # a narrow cut, nothing more
    hand_part = lab == lab[640, 470]
    assert judge(shape_facts(hand_part)).kind == "hand"


def test_a_foot_a_hand_alone_and_two_touching_feet_are_left_alone():
    foot = drawn_foot().whole
    assert split_touching_hands(foot) is foot
    hand = _hand(cx=470, cy=120)                           # above the toes, apart
    assert np.array_equal(split_touching_hands(foot | hand), foot | hand)
    other = np.roll(foot, 170, axis=1)                     # a second foot beside it
    two = foot | other
    assert _parts(two)[0] < _parts(foot)[0] + _parts(other)[0]    # they touch
    assert np.array_equal(split_touching_hands(two), two)


def test_the_cut_is_the_same_wherever_the_prints_lie_on_a_larger_picture():
    """Labelled inside the prints' bounding box: the cut must land on the same pixels when
    the prints sit far from the picture's origin on a mostly blank sheet."""
    both = drawn_foot().whole | _hand()
    near = split_touching_hands(both)
    assert not np.array_equal(near, both)                  # there is a cut to place
    big = np.zeros((both.shape[0] + 700, both.shape[1] + 900), bool)
    big[400:400 + both.shape[0], 600:600 + both.shape[1]] = both
    far = split_touching_hands(big)
    assert not far[:400].any() and not far[:, :600].any()
    assert np.array_equal(far[400:400 + both.shape[0], 600:600 + both.shape[1]], near)
