"""synth.footprint_render / foot_shape: determinism, truth sanity, geometry recovery."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from synth.foot_shape import FootShape, random_shape, rasterise_foot
from synth.footprint_render import (
    KINDS,
    RenderSpec,
    foot_truth,
    random_spec,
    render_photo,
)
from synth.footprint_scenes import NOT_PAPER, SCENE_KINDS, render_scene
from synth.footprint_scenes_marks import hand_raster
from synth.footprint_truth import indices_from_mask
from vision.footprint.anatomy import analyse_foot
from vision.footprint.indices import compute_indices

SMALL = dict(long_side_px=700)


def test_render_is_deterministic_and_seed_dependent():
    spec = RenderSpec(kind="wet", paper_colour="kraft", seed=5, **SMALL)
    a, b = render_photo(spec), render_photo(spec)
    assert np.array_equal(a.image, b.image)
    assert a.feet == b.feet
    c = render_photo(dataclasses.replace(spec, seed=6))
    assert not np.array_equal(a.image, c.image)


@pytest.mark.parametrize("kind", KINDS)
def test_photo_and_truth_are_sane(kind):
    spec = RenderSpec(kind=kind, n_feet=2, foot_length_mm=160, arch_level=0.5,
                      rotation_deg=30, seed=3, **SMALL)
    ph = render_photo(spec)
    h, w = ph.image.shape[:2]
    assert ph.image.dtype == np.uint8 and max(h, w) == 700
    assert sorted(f.side for f in ph.feet) == ["left", "right"]
    corners = ph.sheet_corners
    assert corners.shape == (4, 2)
    assert np.all(corners >= -1) and np.all(corners[:, 0] <= w + 1) and np.all(corners[:, 1] <= h + 1)
    # sheet side length in the photo agrees with mm_per_px
    side_px = np.hypot(*(corners[1] - corners[0]))
    assert 210 / side_px == pytest.approx(ph.mm_per_px_sheet, rel=0.12)
    for f in ph.feet:
        assert f.length_mm == pytest.approx(160, rel=0.02)
        assert 0.3 < f.width_mm / f.length_mm < 0.5
        assert 0.15 < f.arch_index < 0.35
        assert 0 <= f.staheli_index <= 1.5 and 0 <= f.chippaux_smirak_index <= 100
        for x, y in (f.heel_xy, f.toe_xy, f.centre_xy):
            assert 0 <= x < w and 0 <= y < h
        # heel and toe are one foot length apart in the photo (scale from the sheet)
        d_mm = np.hypot(*np.subtract(f.toe_xy, f.heel_xy)) * ph.mm_per_px_sheet
        assert 0.7 * f.length_mm < d_mm < 1.05 * f.length_mm


def test_print_is_visible_where_truth_says():
    """The foot centre is darker (ink) / lighter (inverted) than the sheet around it."""
    for kind, sign in (("ink", -1), ("inverted", 1)):
        ph = render_photo(RenderSpec(kind=kind, n_feet=1, foot_length_mm=200, seed=9,
                                     perspective=0, lighting=0, **SMALL))
        grey = ph.image.mean(axis=2)
        f = ph.feet[0]
        hx, hy = (int(v) for v in f.heel_xy)
        sheet_centre = ph.sheet_corners.mean(axis=0).astype(int)
        corner = (ph.sheet_corners[0] * 0.9 + sheet_centre * 0.1).astype(int)
        heel_val = grey[hy - 2:hy + 3, hx - 2:hx + 3].mean()
        paper_val = grey[corner[1] - 2:corner[1] + 3, corner[0] - 2:corner[0] + 3].mean()
        assert sign * (heel_val - paper_val) > 40


def test_truth_follows_arch_level():
    ais = [foot_truth(FootShape(length_mm=200, arch_level=a), px_per_mm=4)[0].arch_index
           for a in (0.0, 0.3, 0.6, 1.0)]
    assert all(np.diff(ais) > 0.02)
    assert ais[0] < 0.21 < 0.26 < ais[-1]                # covers high .. flat bands


def test_mirror_truth_is_identical():
    s = FootShape(length_mm=180, arch_level=0.4, side="left")
    tl, rl = foot_truth(s, px_per_mm=4)
    tr, rr = foot_truth(dataclasses.replace(s, side="right"), px_per_mm=4)
    assert np.array_equal(rl.full, rr.full[:, ::-1])
    assert tl.arch_index == pytest.approx(tr.arch_index, abs=1e-9)
    assert tr.side == "right"


def test_random_specs_vary_and_are_valid():
    rng = np.random.default_rng(0)
    specs = [random_spec(rng) for _ in range(60)]
    assert {s.kind for s in specs} == set(KINDS)
    assert {s.n_feet for s in specs} == {1, 2}
    assert {s.paper for s in specs} == {"a4", "letter"}
    lengths = np.array([s.foot_length_mm for s in specs])
    assert lengths.min() < 150 and lengths.max() > 200
    assert len({round(s.rotation_deg) % 360 for s in specs}) > 10
    assert random_spec(np.random.default_rng(1)) == random_spec(np.random.default_rng(1))


def test_spec_validation():
    with pytest.raises(ValueError):
        RenderSpec(kind="chalk")
    with pytest.raises(ValueError):
        RenderSpec(paper="a3")
    with pytest.raises(ValueError):
        RenderSpec(n_feet=3)


def test_analyse_foot_recovers_truth_on_clean_masks():
    """~30 random feet (sizes, arches, sides, toes apart or touching) from the shape model."""
    rng = np.random.default_rng(2024)
    errors, sides = [], []
    for _ in range(30):
        shape = random_shape(rng)
        truth, _ = foot_truth(shape, px_per_mm=4)
        g = analyse_foot(rasterise_foot(shape, px_per_mm=2.5).full)
        ind = compute_indices(g)
        errors.append(abs(ind.arch_index - truth.arch_index))
        sides.append(g.side == truth.side)
    assert max(errors) <= 0.01
    assert np.mean(sides) >= 0.95


# --- pipeline-independent truth (synth.footprint_truth) -------------------------------------

def _stepped(widths_px, third_len_px, *, notch=None):
    """Toes-up mask of three stacked rectangles (heel, midfoot, ball; equal lengths, centred
    on the axis column) -> (mask, heel_xy, toe_xy)."""
    a, b, c = widths_px
    h = 3 * third_len_px + 20
    w = max(widths_px) + 20
    m = np.zeros((h, w), bool)
    cx = w // 2
    for k, wd in enumerate((c, b, a)):                 # top (front) to bottom (heel)
        y0 = 10 + k * third_len_px
        m[y0:y0 + third_len_px, cx - wd // 2:cx - wd // 2 + wd] = True
    return m, (cx + 0.0, h - 10.0), (cx + 0.0, 10.0)


def test_truth_indices_of_a_stepped_print_are_analytic():
    m, heel, toe = _stepped((60, 24, 90), 100)
    ind = indices_from_mask(m, heel, toe, "left")
    assert ind.arch_index == pytest.approx(24 / (60 + 24 + 90), abs=1e-6)
    assert ind.staheli_index == pytest.approx(24 / 60, abs=0.01)
    assert ind.chippaux_smirak_index == pytest.approx(100 * 24 / 90, abs=1.0)
    assert ind.toeless_length_px == pytest.approx(300, abs=1)


def test_truth_indices_do_not_depend_on_rotation():
    m, heel, toe = _stepped((60, 30, 80), 120)
    ref = indices_from_mask(m, heel, toe, "right")
    h, w = m.shape
    R = cv2.getRotationMatrix2D((w / 2, h / 2), 33.0, 1.0)
    side = 2 * max(h, w)
    R[:, 2] += (side / 2 - w / 2, side / 2 - h / 2)         # keep it all on the canvas
    big = cv2.warpAffine(m.astype(np.uint8) * 255, R, (side, side)) >= 128
    pts = np.array([heel, toe]) @ R[:, :2].T + R[:, 2]
    rot = indices_from_mask(big, tuple(pts[0]), tuple(pts[1]), "right")
    assert rot.arch_index == pytest.approx(ref.arch_index, abs=0.003)
    assert rot.staheli_index == pytest.approx(ref.staheli_index, abs=0.03)


def test_broken_midfoot_has_zero_indices():
    m, heel, toe = _stepped((60, 0, 80), 100)
    ind = indices_from_mask(m, heel, toe, "left")
    assert ind.arch_index == 0.0 and ind.staheli_index == 0.0 and ind.chippaux_smirak_index == 0.0


def test_clarke_angle_of_a_notched_border():
    """A straight medial border with a V notch: the angle is atan(depth / distance from the
    front tangent point to the notch apex)."""
    m, heel, toe = _stepped((80, 80, 80), 100)        # a 80 x 300 rectangle
    cols = np.nonzero(m.any(axis=0))[0]
    medial = cols.max()                               # left foot: medial side at +x
    depth, half, apex_y = 30, 60, 160
    for y in range(apex_y - half, apex_y + half + 1):
        cut = int(round(depth * (1 - abs(y - apex_y) / half)))
        if cut > 0:
            m[y, medial - cut + 1:medial + 1] = False
    ind = indices_from_mask(m, heel, toe, "left")
    front = np.nonzero(m.any(axis=1))[0].min()
    expected = np.degrees(np.arctan2(depth, apex_y - front))
    assert ind.clarke_angle_deg == pytest.approx(expected, abs=1.5)


def test_new_truth_agrees_with_the_shape_model_and_mirrors():
    s = FootShape(length_mm=160, arch_level=0.5)
    r = rasterise_foot(s, px_per_mm=5)
    ind = indices_from_mask(r.toeless, r.heel_xy, r.toe_xy, "left")
    mir = indices_from_mask(r.toeless[:, ::-1], (r.toeless.shape[1] - 1 - r.heel_xy[0], r.heel_xy[1]),
                            (r.toeless.shape[1] - 1 - r.toe_xy[0], r.toe_xy[1]), "right")
    assert mir.arch_index == pytest.approx(ind.arch_index, abs=1e-9)
    assert mir.clarke_angle_deg == pytest.approx(ind.clarke_angle_deg, abs=0.5)
    assert 0.15 < ind.arch_index < 0.3 and 10 < ind.clarke_angle_deg < 60


# --- scenes (synth.footprint_scenes) ----------------------------------------------------------

@pytest.mark.parametrize("kind", SCENE_KINDS)
def test_scene_is_deterministic_and_truth_is_on_the_photo(kind):
    a = render_scene(kind, 11, long_side_px=600)
    b = render_scene(kind, 11, long_side_px=600)
    assert np.array_equal(a.photo.image, b.photo.image)
    assert a.photo.feet == b.photo.feet and a.photo.blobs == b.photo.blobs
    assert not np.array_equal(a.photo.image, render_scene(kind, 12, long_side_px=600).photo.image)
    assert a.expect_refusal == (kind in NOT_PAPER)
    h, w = a.photo.image.shape[:2]
    for f in a.photo.feet:
        x0, y0, x1, y1 = f.box_xy
        assert x0 < x1 and y0 < y1
        if f.whole:
            assert 0 <= x0 and 0 <= y0 and x1 < w and y1 < h
            for x, y in (f.heel_xy, f.toe_xy):
                assert x0 - 2 <= x <= x1 + 2 and y0 - 2 <= y <= y1 + 2


def test_scene_kinds_carry_their_distractors():
    def kinds(k, seed=3):
        return [b.kind for b in render_scene(k, seed, long_side_px=600).photo.blobs]
    assert "hand" in kinds("hands") and "hand" in kinds("hand_touching")
    assert "drawing" in kinds("outline") and "drawing" in kinds("doodles")
    assert "sticker" in kinds("stickers") and "text" in kinds("text")
    assert "mark" in kinds("marks") and "mark" in kinds("faint_grid")
    assert kinds("plain") == []


def test_crossed_feet_are_not_whole_and_siblings_have_two_sizes():
    for seed in range(3):
        cr = render_scene("crossed", seed, long_side_px=600).photo
        assert len(cr.feet) == 2 and not any(f.whole for f in cr.feet)
        assert all(f.overlap_frac > 0.01 for f in cr.feet)
        sib = render_scene("siblings", seed, long_side_px=600).photo
        lengths = sorted(f.length_mm for f in sib.feet)
        assert len(sib.feet) in (3, 4) and lengths[-1] > 1.1 * lengths[0]
        assert all(f.whole for f in sib.feet)


def test_broken_band_has_no_midfoot_contact_and_touching_hand_is_near_a_foot():
    for seed in range(3):
        bb = render_scene("broken_band", seed, long_side_px=600).photo
        assert all(f.staheli_index == 0.0 and f.arch_index < 0.21 for f in bb.feet)   # high arch
        ht = render_scene("hand_touching", seed, long_side_px=600).photo
        hand = next(b for b in ht.blobs if b.detail == "touching a foot")
        assert any(_box_gap(hand.box_xy, f.box_xy) < 0.05 * max(ht.image.shape) for f in ht.feet)


def _box_gap(a, b) -> float:
    dx = max(b[0] - a[2], a[0] - b[2], 0.0)
    dy = max(b[1] - a[3], a[1] - b[3], 0.0)
    return float(np.hypot(dx, dy))


@pytest.mark.parametrize("seed", range(6))
def test_handprints_have_a_palm_and_five_long_digits(seed):
    rng = np.random.default_rng(seed)
    length = float(rng.uniform(85, 125))
    h = hand_raster(rng, length, 4.0, side=str(rng.choice(["left", "right"])))
    assert len(h.digits) == 5
    palm_zone = cv2.dilate(h.palm.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    n, _ = cv2.connectedComponents((h.mask & ~palm_zone).astype(np.uint8))
    assert n - 1 == 5                                        # five separate digits
    lengths = []
    for d in h.digits:
        ys, xs = np.nonzero(d)
        lengths.append(np.hypot(np.ptp(xs), np.ptp(ys)) / h.px_per_mm)
    assert min(lengths) > 0.2 * length                       # long digits, not toes
    assert not (h.digits[0] & h.palm).any()


def test_hand_is_printed_where_truth_says():
    sc = render_scene("hands", 5, long_side_px=900)
    grey = sc.photo.image.mean(axis=2)
    dark = sc.photo.spec.kind != "inverted"
    for b in (b for b in sc.photo.blobs if b.kind == "hand"):
        x0, y0, x1, y1 = (int(v) for v in b.box_xy)
        inside = grey[y0:y1, x0:x1]
        ext = 0.3 * (x1 - x0)
        ring = grey[max(int(y0 - ext), 0):int(y1 + ext), max(int(x0 - ext), 0):int(x1 + ext)]
        contrast = (np.percentile(ring, 90) - np.percentile(inside, 5)) if dark else \
            (np.percentile(inside, 95) - np.percentile(ring, 10))
        assert contrast > 12                   # wet prints on cardboard are faint
