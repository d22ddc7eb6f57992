"""The print's edge sits at half contrast: where the contact boundary of a blurred print is."""

from __future__ import annotations

import cv2
import numpy as np

from vision.footprint.threshold import binarise

PAPER = 235.0
SIGMA_PX = 3.0          # blur of the synthetic prints (full-resolution pixels)


def _sheet(prints, *, shape=(1400, 1000), seed=0):
    """Grey paper with prints given as (contact mask, ink darkening 0..1, edge ramp px):
    the ink level falls linearly to 35 % at the contact's edge over ``ramp`` px (lighter
    pressure at the edge of the contact), then the whole sheet is blurred."""
    rng = np.random.default_rng(seed)
    dark = np.zeros(shape, np.float32)
    for mask, level, ramp in prints:
        d = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 5)
        press = 0.35 + 0.65 * np.clip(d / max(ramp, 1e-6), 0, 1) if ramp else np.ones(shape)
        dark = np.maximum(dark, mask * level * press)
    grey = PAPER * (1 - cv2.GaussianBlur(dark, (0, 0), SIGMA_PX))
    grey += rng.normal(0, 1.5, shape)
    img = np.clip(grey, 0, 255).astype(np.uint8)
    return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)


def _ellipse(shape, centre, axes):
    m = np.zeros(shape, np.uint8)
    cv2.ellipse(m, centre, axes, 0, 0, 360, 1, -1)
    return m.astype(bool)


def _area_ratio(mask, truth):
    near = cv2.dilate(truth.astype(np.uint8), np.ones((21, 21), np.uint8)) > 0
    return float((mask & near).sum()) / float(truth.sum())


def test_heavy_and_light_prints_both_end_at_their_contact_edge():
    """One global threshold puts a heavy print's edge outside its contact and a light
    print's inside; at half the local contrast both match their contact area."""
    shape = (1400, 1000)
    heavy = _ellipse(shape, (300, 700), (70, 170))
    light = _ellipse(shape, (700, 700), (70, 170))
    img = _sheet([(heavy, 0.8, 0), (light, 0.45, 0)], shape=shape)
    mask, *_ = binarise(img, None, "dark_on_light")
    for truth in (heavy, light):
        assert abs(_area_ratio(mask, truth) - 1.0) < 0.02


def test_ink_fading_towards_the_contact_edge_is_kept_to_the_edge():
    """Pressure (so ink) falls towards the edge of the contact: the edge level is read
    from the trend of the ink level inside, not from the dark middle."""
    shape = (1400, 1000)
    foot = _ellipse(shape, (500, 700), (75, 180))
    img = _sheet([(foot, 0.5, 30.0)], shape=shape)
    mask, *_ = binarise(img, None, "dark_on_light")
    assert abs(_area_ratio(mask, foot) - 1.0) < 0.045


def test_light_band_joining_a_heavy_heel_stays_joined():
    """A lightly pressed midfoot band meeting a dark heel is contact of its own level, not
    the heel's blur: the half-contrast edge must not cut it off at the junction."""
    shape = (1400, 1000)
    heel = _ellipse(shape, (500, 900), (55, 75))
    ball = _ellipse(shape, (500, 560), (75, 70))
    band = np.zeros(shape, bool)
    band[600:860, 540:566] = True
    img = _sheet([(heel, 0.8, 0), (ball, 0.8, 0), (band, 0.3, 0)], shape=shape)
    mask, *_ = binarise(img, None, "dark_on_light")
    n, lab = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    assert lab[900, 500] == lab[560, 500] != 0
    assert mask[730, 545:561].all()
