"""Wet prints: faint, soft-edged marks under uneven light, and sheets of the table's colour."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from synth.footprint_render import RenderSpec, render_photo
from vision.footprint import measure_footprint
from vision.footprint.paper import _quad_from_region, _smooth_regions, find_sheet
from vision.footprint.threshold import sharp_seeds

AI_TOL = 0.03  # arch index, wet print


@pytest.mark.parametrize("spec", [
    # strong uneven light with a soft shadow beside a high-arched pair (letter sheet)
    RenderSpec(kind="wet", paper="letter", paper_colour="white", n_feet=2,
               foot_length_mm=126.7229926291285, arch_level=0.06531495115016983,
               rotation_deg=87.6343502293414, perspective=0.015432476950503315,
               lighting=0.958350028995291, noise_sigma=3.343349002492144,
               blur_px=0.7363275413064819, jpeg_quality=71, long_side_px=3000,
               landscape=False, sheet_fill=0.8338716337034443,
               foot_angles_deg=(-6.258719077872483, 5.36113772467306), seed=863907339),
    # darker band of light along the sheet's edge next to the prints
    RenderSpec(kind="wet", paper="a4", paper_colour="white", n_feet=2, foot_length_mm=161.19,
               arch_level=0.283, rotation_deg=266.6, perspective=0.0258, lighting=0.184,
               noise_sigma=1.83, blur_px=0.854, jpeg_quality=73, long_side_px=3000,
               landscape=False, sheet_fill=0.652, foot_angles_deg=(-0.71, -2.2),
               seed=32368544),
], ids=["soft_shadow", "edge_shading"])
def test_wet_print_under_uneven_light(spec):
    photo = render_photo(spec)
    res = measure_footprint(photo.image, paper=spec.paper, overlay=False)
    assert res.ok, res.error
    got = {f.side: f for f in res.feet}
    assert set(got) == {"left", "right"}, [f.side for f in res.feet]
    for truth in photo.feet:
        err = got[truth.side].arch_index - truth.arch_index
        assert abs(err) < AI_TOL, (truth.side, got[truth.side].arch_index, truth.arch_index)


def test_soft_shading_loses_its_seeds_a_print_keeps_them():
    """A blob fading in over centimetres (light) is no seed; a soft-edged print is."""
    yy, xx = np.mgrid[0:400, 0:300].astype(np.float32)
    print_ = cv2.GaussianBlur(((xx - 80) ** 2 / 40 ** 2 + (yy - 200) ** 2 / 120 ** 2 < 1)
                              .astype(np.float32), (0, 0), 2.5) * 0.08
    shade = 0.08 * np.exp(-((xx - 230) ** 2 + (yy - 120) ** 2) / (2 * 45.0 ** 2))
    dens = (print_ + shade).astype(np.float32)
    seeds = sharp_seeds(dens, th=0.04, low_th=0.02, paper=0.0, valid=None)
    assert seeds[200, 80]             # the print's centre
    assert not seeds[120, 230]        # the shading's centre
    alone = sharp_seeds(shade.astype(np.float32), th=0.04, low_th=0.02, paper=0.0, valid=None)
    assert alone[120, 230]            # never drop every part


def _wood_scene(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Light wood with fine grain and a smooth sheet (A4) of the same colour on it."""
    h, w = 1200, 1600
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    grain = np.sin((xx * 0.8 + yy * 0.6 + 25 * np.sin(yy / 90)) / 2.2)
    luma = 150 + 14 * grain + rng.normal(0, 3, (h, w))
    sheet_luma = 150 + cv2.GaussianBlur(rng.normal(0, 3, (h, w)), (0, 0), 2)
    c, s = np.cos(np.radians(12)), np.sin(np.radians(12))
    half = np.array([[-297, -210], [297, -210], [297, 210], [-297, 210]], np.float64) * 1.6
    corners = half @ np.array([[c, s], [-s, c]]) + (800, 600)
    inside = np.zeros((h, w), np.uint8)
    cv2.fillPoly(inside, [np.round(corners).astype(np.int32)], 1)
    luma = np.where(inside > 0, sheet_luma, luma)
    tint = np.array([0.82, 1.0, 1.2], np.float32)  # BGR: light brown
    img = np.clip(luma[..., None] * tint, 0, 255).astype(np.uint8)
    return img, corners


def _corner_error(got: np.ndarray, truth: np.ndarray) -> float:
    return max(float(np.min(np.linalg.norm(got - p, axis=1))) for p in truth)


@pytest.mark.parametrize("seed", [3, 4])
def test_sheet_of_the_tables_colour_is_found(seed):
    """Corners (and so the mm scale) are exact to a few pixels."""
    img, corners = _wood_scene(np.random.default_rng(seed))
    sheet = find_sheet(img)
    assert sheet is not None and sheet.paper_name == "a4"
    assert _corner_error(sheet.corners, corners) < 0.004 * max(img.shape[:2])


def test_smooth_region_alone_outlines_the_sheet():
    """The texture cue alone finds the sheet (its raw outline lies a little inside the
    sheet: the blurred energy of the grain spills over the edge; find_sheet shifts it back)."""
    img, corners = _wood_scene(np.random.default_rng(4))
    f = 600.0 / max(img.shape[:2])
    small = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    quads = [_quad_from_region(r) for r in _smooth_regions(small) if r is not None]
    quads = [q for q in quads if q is not None]
    assert quads
    assert min(_corner_error((q + 0.5) / f - 0.5, corners) for q in quads) < 0.03 * 1600
