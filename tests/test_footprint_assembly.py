"""Plausible assembly: a whole sole never takes another foot's body (drawn masks)."""

import cv2
import numpy as np

from vision.footprint.assembly import label_parts, merge_bodies, outline_gap, two_feet

FOOT_PX = 300            # drawn foot length (px), heel to ball front


def _sole(mask, heel_xy, angle_deg, *, band=True, length=FOOT_PX):
    """Draw a flat-ish sole (heel, band, ball) or, with ``band=False``, heel and ball
    apart (a high arch), pointing from ``heel_xy`` along ``angle_deg`` (image x to y)."""
    a = np.radians(angle_deg)
    u = np.array([np.cos(a), np.sin(a)])
    n = np.array([-u[1], u[0]])
    h = np.asarray(heel_xy, float)
    ball = h + 0.72 * length * u
    img = np.zeros(mask.shape, np.uint8)
    cv2.ellipse(img, tuple(int(v) for v in h + 0.1 * length * u),
                (int(0.14 * length), int(0.12 * length)), angle_deg, 0, 360, 1, -1)
    cv2.ellipse(img, tuple(int(v) for v in ball), (int(0.16 * length), int(0.2 * length)),
                angle_deg, 0, 360, 1, -1)
    if band:
        quad = np.array([h + 0.1 * length * u + 0.12 * length * n,
                         ball + 0.16 * length * n, ball + 0.02 * length * n,
                         h + 0.1 * length * u - 0.02 * length * n], np.int32)
        cv2.fillPoly(img, [quad], 1)
    mask |= img.astype(bool)


def _groups(mask):
    _, parts = label_parts(mask)
    return merge_bodies(parts), parts


def test_two_whole_soles_stacked_obliquely_are_two_feet():
    m = np.zeros((900, 900), bool)
    _sole(m, (150, 600), 0)                 # one child's foot, toes to the right
    _sole(m, (330, 260), 0, length=230)     # a sibling's smaller foot above, ahead of it
    groups, parts = _groups(m)
    assert len(parts) == 2
    assert len(groups) == 2


def test_heel_and_forefoot_of_a_high_arch_still_join():
    m = np.zeros((700, 700), bool)
    _sole(m, (150, 350), 10, band=False)
    groups, parts = _groups(m)
    assert len(parts) == 2
    assert len(groups) == 1


def test_three_whole_soles_are_not_forced_into_two_feet():
    m = np.zeros((1000, 1000), bool)
    _sole(m, (120, 750), 0)
    _sole(m, (350, 420), 0, length=230)
    _sole(m, (550, 120), 0, length=230)
    _, parts = label_parts(m)
    gaps = {(p.label, q.label): outline_gap(p, q) for p in parts for q in parts if p is not q}
    split = two_feet(parts, gaps)
    assert split is None or all(len(g) == 1 for g in split)
