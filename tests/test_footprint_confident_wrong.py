"""Confident-wrong feet of the session 6 dev runs, each drawn small: the evidence that the
print is not one whole foot (or that its edge is not the foot's) must be seen.

- a ruler cut by the threshold into a bar with ticks passed the gate as a foot;
- two feet overlapping side by side in one print (a hallux at both ends of the toe row);
- two prints that touch (one foot's toes on the other's ball): each was measured whole;
- a pencil outline closed onto the print's edge (the rim is pencil, not ink);
- a round dot beside the feet was reported as "two prints overlap here";
- two children's prints of the same side were said to be "the same side".
"""

from __future__ import annotations

from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from synth.foot_shape import FootShape, rasterise_foot
from vision.footprint import _one_person_same_side
from vision.footprint.anatomy import analyse_foot
from vision.footprint.gate import (
    FOREIGN_RIM,
    foreign_rim,
    judge,
    shape_facts,
    sort_candidates,
    touching_feet,
)


def _foot(side: str = "left", arch: float = 0.5, length_mm: float = 150.0) -> np.ndarray:
    return rasterise_foot(FootShape(length_mm=length_mm, side=side, arch_level=arch),
                          px_per_mm=3.0).full


def _place(shape, *parts) -> np.ndarray:
    """Bool mask of ``shape`` with each (mask, row, col) OR-ed in at that corner."""
    out = np.zeros(shape, bool)
    for m, r, c in parts:
        out[r:r + m.shape[0], c:c + m.shape[1]] |= m
    return out


def test_a_ruler_cut_into_a_bar_with_ticks_is_not_a_foot():
    bar = np.zeros((400, 200), np.uint8)
    cv2.rectangle(bar, (50, 35), (147, 364), 1, -1)           # 97 x 330 px, like half a ruler
    for y in range(45, 360, 12):                               # tick marks cut into one edge
        cv2.line(bar, (50, y), (50 + (24 if y % 60 == 45 else 12), y), 0, 2)
    facts = shape_facts(bar > 0)
    assert facts.evenness > 0.85
    assert judge(facts).kind != "foot"


@pytest.mark.parametrize("arch", [0.05, 0.5, 0.95])
def test_a_foot_is_no_bar(arch):
    facts = shape_facts(_foot(arch=arch))
    assert facts.evenness < 0.8 and judge(facts).kind == "foot"


def test_two_feet_in_one_print_show_two_halluces():
    """A right and a left foot overlapping side by side (the right one on the left, so
    the halluces are at both ends of the joined toe row): the gate sees one foot-shaped
    print, the toe row shows two halluces."""
    right, left = _foot("right"), _foot("left")
    both = _place((500, 420), (right, 10, 10), (left, 10, 10 + int(0.25 * right.shape[1])))
    assert judge(shape_facts(both)).kind == "foot"
    assert analyse_foot(both).two_halluces


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("arch", [0.05, 0.5, 0.95])
def test_one_foot_has_one_hallux(side, arch):
    assert not analyse_foot(np.pad(_foot(side, arch), 20)).two_halluces


def test_prints_that_touch_are_flagged_and_prints_apart_are_not():
    a = _foot("left")
    ys, xs = np.nonzero(a)
    a = a[ys.min():ys.max() + 1, xs.min():xs.max() + 1]       # the print's own extent
    b = a[:, ::-1]                                            # its mirror: a right foot
    h, w = a.shape
    shape = (h + 20, 2 * w + 120)

    def pair(gap_px: int) -> list[np.ndarray]:
        return [_place(shape, (a, 10, 10)), _place(shape, (b, 10, 10 + w + gap_px))]

    # the widest points face each other: the gap is exact (the foot is about 450 px long)
    assert touching_feet(pair(3)) == [True, True]
    assert touching_feet(pair(60)) == [False, False]
    assert touching_feet(pair(3)[:1]) == [False]


def _ink_photo(mask: np.ndarray, line: np.ndarray | None, ink_bgr, line_bgr) -> np.ndarray:
    img = np.full(mask.shape + (3,), 240, np.float32)
    img[mask] = ink_bgr
    if line is not None:
        img[line] = line_bgr
    img = cv2.GaussianBlur(img, (0, 0), 1.2)
    img += np.random.default_rng(0).normal(0, 1.5, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def test_a_pencil_outline_joined_to_a_coloured_print_is_seen_on_its_rim():
    foot = np.pad(_foot("left"), 60)
    ring = cv2.dilate(foot.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                                                        (9, 9)))
    cnts, _ = cv2.findContours(ring, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    line = np.zeros(foot.shape, np.uint8)
    cv2.drawContours(line, cnts, -1, 1, 3)
    line = line > 0
    half = np.zeros(foot.shape, bool)
    half[:, : foot.shape[1] // 2] = True              # the pencil hugs the lateral half
    line &= half
    blue, grey = (190, 110, 40), (120, 120, 120)
    joined = foot | line | (half & (ring > 0))         # the mask closed onto the line
    assert foreign_rim(joined, _ink_photo(foot, line, blue, grey)) > FOREIGN_RIM
    assert foreign_rim(foot, _ink_photo(foot, None, blue, grey)) < 0.5 * FOREIGN_RIM


def test_a_round_dot_beside_the_feet_is_no_overlap():
    foot = _foot("left")
    h, w = foot.shape
    r = int(np.sqrt(0.4 * np.count_nonzero(foot) / np.pi))   # 0.4 of the foot's area
    sheet = np.zeros((h + 40, 2 * w + 4 * r), np.uint8)
    cv2.circle(sheet, (w + 2 * r + r, h // 2), r, 1, -1)
    dot = sheet > 0
    feet = _place(dot.shape, (foot, 20, 10))
    kinds = [c.verdict.kind for c in sort_candidates([feet, dot])]
    assert kinds[0] == "foot" and kinds[1] != "overlap"
    assert judge(shape_facts(dot)).kind != "overlap"       # a dot alone on the sheet


@pytest.mark.parametrize("angle", [50, 70, 90])
def test_two_crossed_feet_still_overlap(angle):
    """The dot rule (a blob as thick as a disc) leaves a real X of two feet an overlap."""
    a = np.pad(_foot(arch=0.6), 150)
    centre = (a.shape[1] / 2, a.shape[0] / 2)
    b = cv2.warpAffine(a.astype(np.uint8), cv2.getRotationMatrix2D(centre, angle, 1.0),
                       a.shape[::-1], flags=cv2.INTER_NEAREST) > 0
    assert judge(shape_facts(a | b)).kind == "overlap"


def _pair(side: str, length_px: float):
    geom = SimpleNamespace(heel_xy=(0.0, 0.0), toe_xy=(0.0, length_px))
    return SimpleNamespace(side=side), geom, None


def test_same_side_is_said_only_of_one_childs_two_prints():
    assert _one_person_same_side([_pair("right", 500.0), _pair("right", 505.0)])
    assert not _one_person_same_side([_pair("right", 400.0), _pair("right", 520.0)])
    assert not _one_person_same_side([_pair("left", 500.0), _pair("right", 505.0)])


def test_a_wet_prints_darker_drying_rim_is_its_own_ink():
    """Water gathers at a wet print's edge: a darker rim of the same colour is no line."""
    foot = np.pad(_foot("left"), 60)
    inner = cv2.erode(foot.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    paper = np.array([225.0, 228.0, 232.0])
    wet = paper * 0.85                           # the wet paper: darker, the same colour
    rim = paper * 0.72                           # the drying rim: darker still
    img = np.tile(paper, foot.shape + (1,)).astype(np.float32)
    img[foot] = rim
    img[inner] = wet
    img = cv2.GaussianBlur(img, (0, 0), 1.2)
    img += np.random.default_rng(1).normal(0, 1.5, img.shape)
    img = np.clip(img, 0, 255).astype(np.uint8)
    assert foreign_rim(foot, img) < 0.5 * FOREIGN_RIM
