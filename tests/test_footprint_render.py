"""synth.footprint_render / foot_shape: determinism, truth sanity, geometry recovery."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from vision.footprint.anatomy import analyse_foot
from vision.footprint.indices import compute_indices
from synth.foot_shape import FootShape, random_shape, rasterise_foot
from synth.footprint_render import (
    KINDS,
    RenderSpec,
    foot_truth,
    random_spec,
    render_photo,
)

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
