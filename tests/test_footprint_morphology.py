"""morphology.depth: one distance map gives the erosion of every radius (the segmentation
erodes the sheet's region by several radii from one map)."""

from __future__ import annotations

import numpy as np
from footprint_drawn import drawn_foot

from vision.footprint.morphology import bounding_box, depth, erode


def test_depth_above_a_radius_is_the_erosion_by_that_radius():
    foot = drawn_foot().whole
    sheet = np.zeros((foot.shape[0] + 60, foot.shape[1] + 40), bool)
    sheet[20:-15, 10:-25] = True                     # a sheet region off the picture's border
    for mask in (foot, sheet):
        d = depth(mask)
        assert not d[~mask].any()
        for r in (1.0, 3, 7.5, 20):
            assert np.array_equal(d > r, erode(mask, r))


def test_empty_masks_have_no_box_and_no_depth():
    empty = np.zeros((30, 40), bool)
    assert bounding_box(empty, 3) is None
    assert not depth(empty).any()
