"""The footprint shape gate, plausible assembly and positions in the original photo (issue 10)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from synth.foot_shape import FootShape, rasterise_foot
from synth.footprint_render import RenderSpec, render_photo
from vision.footprint import measure_footprint
from vision.footprint.coords import PhotoMap
from vision.footprint.gate import judge, shape_facts, summary


def _hand(size_px: int = 400, spread: float = 0.18) -> np.ndarray:
    """A spread handprint: palm and five long digits (thumb to the side)."""
    m = np.zeros((size_px, size_px), np.uint8)
    c = np.array([size_px / 2, size_px * 0.62])
    L = 0.55 * size_px
    cv2.ellipse(m, tuple(map(int, c)), (int(0.24 * L), int(0.26 * L)), 0, 0, 360, 1, -1)
    for k, (off, ln) in enumerate([(-0.18, 0.32), (-0.06, 0.42), (0.06, 0.45), (0.17, 0.40)]):
        a = (k - 1.5) * spread
        base = c + L * np.array([off, -0.18])
        tip = c + L * np.array([off + np.sin(a) * ln, -0.18 - np.cos(a) * ln])
        cv2.line(m, tuple(map(int, base)), tuple(map(int, tip)), 1, int(0.085 * L))
        cv2.circle(m, tuple(map(int, tip)), int(0.043 * L), 1, -1)
    thumb = c + L * np.array([-0.5, -0.04])
    cv2.line(m, tuple(map(int, c + L * np.array([-0.2, 0.08]))), tuple(map(int, thumb)), 1,
             int(0.1 * L))
    return m.astype(bool)


def _foot(arch: float = 0.5, side: str = "left") -> np.ndarray:
    return rasterise_foot(FootShape(length_mm=150.0, side=side, arch_level=arch),
                          px_per_mm=3.0).full


@pytest.mark.parametrize("arch", [0.05, 0.5, 0.95])
def test_feet_of_every_arch_pass_the_gate(arch):
    v = judge(shape_facts(_foot(arch)))
    assert v.kind == "foot" and v.foot_margin >= 0.5


@pytest.mark.parametrize("spread", [0.1, 0.2, 0.3])
def test_a_spread_hand_is_a_hand(spread):
    facts = shape_facts(_hand(spread=spread))
    assert facts.digits >= 3
    assert judge(facts).kind == "hand"


def test_an_outline_drawn_around_a_foot_is_a_drawing():
    foot = _foot().astype(np.uint8)
    foot = np.pad(foot, 40)
    grown = cv2.dilate(foot, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (25, 25)))
    cnts, _ = cv2.findContours(grown, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    ring = np.zeros_like(foot)
    cv2.drawContours(ring, cnts, -1, 1, 3)
    assert judge(shape_facts(ring.astype(bool))).kind == "drawing"


def test_two_crossed_feet_are_not_one_foot():
    a = np.pad(_foot(0.6), 150)
    centre = (a.shape[1] / 2, a.shape[0] / 2)
    rot = cv2.getRotationMatrix2D(centre, 70, 1.0)
    b = cv2.warpAffine(a.astype(np.uint8), rot, a.shape[::-1], flags=cv2.INTER_NEAREST) > 0
    assert judge(shape_facts(a | b)).kind != "foot"


def test_summary_counts_in_plain_words():
    assert summary(["hand", "hand", "sticker"]) == [
        "2 handprints were left out: only footprints are measured.",
        "A sticker or coloured mark was left out."]


def test_photo_map_round_trips_a_sheet_homography():
    h = np.array([[0.9, 0.1, -20.0], [-0.05, 1.1, -30.0], [1e-5, 2e-5, 1.0]])
    pm = PhotoMap.from_sheet(h, decoded_wh=(1000, 750), photo_wh=(4000, 3000))
    photo_pt = np.array([[1234.0, 2345.0]])
    dec = (photo_pt + 0.5) / 4.0 - 0.5
    q = np.column_stack([dec, [1.0]]) @ h.T
    view = q[:, :2] / q[:, 2:]
    assert np.allclose(pm.to_photo(view), photo_pt, atol=1e-6)


@pytest.fixture(scope="module")
def hand_photo():
    """Two ink feet on A4 with a handprint painted on the sheet below them."""
    spec = RenderSpec(kind="ink", n_feet=2, foot_length_mm=120.0, long_side_px=3000,
                      rotation_deg=25.0, seed=3)
    photo = render_photo(spec)
    ppm = photo.sheet_px_per_mm
    sheet = np.zeros((int(297 * ppm), int(210 * ppm)), np.uint8)
    hand = _hand(int(100 * ppm)).astype(np.uint8)
    y0, x0 = int(192 * ppm), int(105 * ppm)
    sheet[y0:y0 + hand.shape[0], x0:x0 + hand.shape[1]] = hand
    h, w = photo.image.shape[:2]
    m = cv2.warpPerspective(sheet.astype(np.float32), photo.sheet_to_photo, (w, h))
    m = cv2.GaussianBlur(m, (0, 0), 1.5)[..., None] * 0.85
    image = (photo.image * (1 - m) + np.array([60, 40, 30]) * m).astype(np.uint8)
    ys, xs = np.nonzero(m[..., 0] > 0.4)
    return photo, image, (xs.min(), ys.min(), xs.max(), ys.max())


def test_a_handprint_beside_the_feet_is_left_out_and_located(hand_photo):
    photo, image, hand_box = hand_photo
    res = measure_footprint(image, overlay=False)
    assert res.ok
    assert sorted(f.side for f in res.feet) == ["left", "right"]
    hands = [b for b in res.ignored if b.kind == "hand"]
    assert len(hands) == 1
    x0, y0, x1, y1 = hands[0].box_px
    cx, cy = (hand_box[0] + hand_box[2]) / 2, (hand_box[1] + hand_box[3]) / 2
    assert x0 < cx < x1 and y0 < cy < y1                 # original photo pixels
    assert any("handprint" in w for w in res.warnings)
    js = res.to_json()
    assert js["ignored"][0]["kind"] == "hand" and len(js["ignored"][0]["box_px"]) == 4


def test_heel_and_toe_are_given_in_original_photo_pixels(hand_photo, tmp_path):
    photo, image, _ = hand_photo
    path = tmp_path / "p.jpg"
    cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    res = measure_footprint(str(path), overlay=False)     # decoded at reduced size inside
    for truth in photo.feet:
        foot = next(f for f in res.feet if f.side == truth.side)
        length_px = np.hypot(*np.subtract(truth.toe_xy, truth.heel_xy))
        assert np.hypot(*np.subtract(foot.heel_px, truth.heel_xy)) < 0.12 * length_px
        assert np.hypot(*np.subtract(foot.toe_px, truth.toe_xy)) < 0.12 * length_px
        # the box is the print's own extent: it matches the true print's box closely
        assert np.abs(np.subtract(foot.box_px, truth.box_xy)).max() < 0.03 * length_px
    js = res.to_json()["feet"][0]
    assert set(js) >= {"box_px", "heel_px", "toe_px"}


def test_siblings_feet_are_measured_one_by_one():
    """Four feet of two sizes (two children) on one sheet: four feet, each with its side,
    never a heel of one joined to the sole of another."""
    from synth.footprint_scenes import render_scene

    scene = render_scene("siblings", 1)
    res = measure_footprint(scene.photo.image, overlay=False)
    truth = scene.photo.feet
    assert len(res.feet) == len(truth)
    assert sorted(f.side for f in res.feet) == sorted(t.side for t in truth)
    for t in truth:
        lx, ly = t.heel_xy
        foot = min(res.feet, key=lambda f: np.hypot(f.heel_px[0] - lx, f.heel_px[1] - ly))
        assert foot.side == t.side and abs(foot.arch_index - t.arch_index) < 0.05


@pytest.mark.parametrize("surface", ["sand", "deck"])
def test_prints_on_sand_or_a_deck_are_refused(surface):
    from synth.footprint_scenes import render_scene

    res = measure_footprint(render_scene(surface, 1).photo.image, overlay=False)
    assert not res.ok or all(f.quality.score < 0.5 for f in res.feet)
