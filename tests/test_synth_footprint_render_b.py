"""Renderer B (synth.footprint_b): its truth is self-consistent, independent of vision/."""

from __future__ import annotations

import ast
from pathlib import Path

import cv2
import numpy as np
import pytest

from synth.footprint_b.anatomy import known_arch_index, random_params, rasterise
from synth.footprint_b.archindex import arch_index
from synth.footprint_b.scenes import NOT_PAPER, SCENE_KINDS, render_scene

SMALL = 900
PKG = Path(__file__).resolve().parents[1] / "synth" / "footprint_b"


def test_renderer_b_imports_nothing_of_renderer_a_or_vision():
    banned = ("vision", "synth.footprint_render", "synth.foot_shape", "synth.print_style",
              "synth.footprint_scenes", "synth.footprint_truth")
    for f in PKG.glob("*.py"):
        for node in ast.walk(ast.parse(f.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for n in names:
                assert not any(n == b or n.startswith(b + ".") for b in banned), (f.name, n)


@pytest.mark.parametrize("band", [-0.1, 0.1, 0.4, 0.9])
def test_raster_arch_index_matches_the_model(band):
    rng = np.random.default_rng(3)
    p = random_params(rng, length_mm=150, band_frac=(band, band), wobble_mm=(0.0, 0.0))
    r = rasterise(p, "right", (600.0, 900.0), 37.0, 6.0, rng)
    got = arch_index(r.sole, r.heel_xy, r.toe_xy, (r.x0, r.y0)).arch_index
    assert got == pytest.approx(known_arch_index(p), abs=0.006)


def test_arch_index_grows_with_the_lateral_band():
    rng = np.random.default_rng(1)
    ais = [known_arch_index(random_params(np.random.default_rng(1), length_mm=120,
                                          band_frac=(b, b))) for b in (-0.2, 0.2, 0.5, 0.9)]
    assert ais == sorted(ais) and ais[0] < 0.13 and ais[-1] > 0.3
    del rng


def test_clean_render_truth_is_consistent():
    sc = render_scene("clean", 4, long_side_px=SMALL)
    ph = sc.photo
    h, w = ph.image.shape[:2]
    assert ph.image.dtype == np.uint8 and max(h, w) == SMALL and not sc.expect_refusal
    for f, r in zip(ph.feet, ph.rasters, strict=True):
        x0, y0, x1, y1 = f.box_xy
        assert 0 <= x0 < x1 < w and 0 <= y0 < y1 < h
        for x, y in (f.heel_xy, f.toe_xy):
            assert x0 - 2 <= x <= x1 + 2 and y0 - 2 <= y <= y1 + 2
        assert f.arch_index == pytest.approx(known_arch_index(r.params), abs=0.03)
        assert f.whole and f.overlap_frac == 0.0
    if len(ph.feet) == 2:
        assert sorted(f.side for f in ph.feet) == ["left", "right"]


def test_side_truth_puts_the_big_toe_medially():
    rng = np.random.default_rng(2)
    p = random_params(rng, length_mm=150)
    for side, sign in (("left", 1), ("right", -1)):
        r = rasterise(p, side, (500.0, 900.0), 0.0, 4.0, rng)
        n, lab, stats, cents = cv2.connectedComponentsWithStats(r.toes.astype(np.uint8))
        big = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        sole_x = np.nonzero(r.sole)[1].mean()
        assert sign * (cents[big][0] - sole_x) > 0          # hallux on the medial side


def test_rendering_is_deterministic():
    a = render_scene("stickers", 11, long_side_px=SMALL)
    b = render_scene("stickers", 11, long_side_px=SMALL)
    assert np.array_equal(a.photo.image, b.photo.image) and a.photo.feet == b.photo.feet


def test_crossed_feet_are_not_whole_and_refusal_scenes_are_flagged():
    sc = render_scene("crossed", 2, long_side_px=SMALL)
    assert any(not f.whole for f in sc.photo.feet)
    for kind in NOT_PAPER:
        assert kind in SCENE_KINDS
    sc = render_scene("deck", 0, long_side_px=SMALL)
    assert sc.expect_refusal and not render_scene("text", 0, long_side_px=SMALL).expect_refusal


def test_hand_scene_reports_the_hand_as_a_blob():
    sc = render_scene("hands", 5, long_side_px=SMALL)
    assert any(b.kind == "hand" for b in sc.photo.blobs)
