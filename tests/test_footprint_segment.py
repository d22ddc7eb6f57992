"""Faint contact on drawn photos: a wet print's light lateral band is measured, a faint
smudge touching the print outside its outline is not (threshold.Binarised.faint and its
use in segment_prints)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from footprint_drawn import SHAPE, drawn_foot, photo

from vision.footprint.segment import segment_prints
from vision.footprint.threshold import binarise

PAD_DARK = 0.2       # heel and ball darken the paper by a fifth (a wet print)
BAND_DARK = 0.04     # a light band: under half Otsu, over a quarter of it


def _scene(band_dark: float = BAND_DARK, pad_dark: float = PAD_DARK):
    f = drawn_foot(band_px=40)
    smudge = np.zeros(SHAPE, np.uint8)
    cv2.ellipse(smudge, (430, 770), (60, 30), 0, 0, 360, 1, -1)   # by the heel, outside
    smudge = (smudge > 0) & ~f.whole
    img = photo([(f.heel | f.ball, pad_dark), (f.toes, pad_dark), (f.band, band_dark),
                 (smudge, band_dark)])
    band_core = cv2.erode(f.band.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    return f, smudge, img, band_core


def test_a_light_band_is_in_the_faint_mask_only():
    f, _, img, band = _scene()
    b = binarise(img, None, "dark_on_light")
    assert b.wet
    assert b.mask[band].mean() < 0.05
    assert b.faint[band].mean() > 0.95
    assert (b.faint | ~b.mask).all()                      # faint holds the whole mask
    far = cv2.dilate(f.whole.astype(np.uint8), np.ones((41, 41), np.uint8)) == 0
    assert not b.faint[far].any()                          # blank paper stays out


@pytest.mark.parametrize("band_dark", [BAND_DARK, 0.03])
def test_a_light_band_is_given_back_a_smudge_outside_the_outline_is_not(band_dark):
    f, smudge, img, band = _scene(band_dark)
    seg = segment_prints(img)
    foot = seg.feet[0]
    assert foot[band].mean() > 0.95
    assert foot[f.heel].mean() > 0.95 and foot[f.ball].mean() > 0.95
    assert foot[smudge].mean() < 0.1


def test_on_a_dark_band_print_the_faint_mask_only_widens_the_edges():
    """With a band as dark as the pads there is no fainter part: the faint mask lies
    within the blur's reach (2 px sigma here) of the mask."""
    f, _, img, band = _scene(PAD_DARK)
    b = binarise(img, None, "dark_on_light")
    assert b.mask[band].all()
    near = cv2.dilate(b.mask.astype(np.uint8), cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (9, 9))) > 0                    # 4 px = 2 blur sigmas
    assert not (b.faint & ~near).any()


def test_an_ink_print_gets_no_faint_mask():
    """Ink darkens the paper by half or more: its edges are where the mask puts them."""
    _, _, img, band = _scene(band_dark=0.1, pad_dark=0.6)
    b = binarise(img, None, "dark_on_light")
    assert not b.wet
    assert b.faint is b.mask


def _arch_index(mask: np.ndarray) -> float:
    from vision.footprint.anatomy import analyse_foot
    from vision.footprint.indices import compute_indices
    return compute_indices(analyse_foot(mask)).arch_index


def test_a_faint_shadow_in_the_arch_hollow_stays_out_of_a_wet_print():
    """The pads' convex hull covers the medial arch hollow: a faint shadow there (3 % darker
    than the paper, under the main threshold) is no contact and must not raise the AI."""
    f = drawn_foot(band_px=40)
    shadow = np.zeros(SHAPE, np.uint8)
    cv2.ellipse(shadow, (265, 525), (40, 95), 0, 0, 360, 1, -1)   # in the hollow
    shadow = (shadow > 0) & ~f.whole
    img = photo([(f.heel | f.ball | f.toes, PAD_DARK), (f.band, PAD_DARK), (shadow, 0.03)])
    assert binarise(img, None, "dark_on_light").wet
    foot = segment_prints(img).feet[0]
    assert foot[shadow].mean() < 0.2
    assert abs(_arch_index(foot) - _arch_index(f.whole)) < 0.04
