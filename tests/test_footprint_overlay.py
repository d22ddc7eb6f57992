"""Stored geometry (feet[i].geometry) lands on the print in the original photo, at any size,
for rotated (EXIF) photos and without a sheet; draw_stored draws exactly it."""

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from synth.footprint_render import RenderSpec, render_photo
from vision.footprint import measure_footprint
from vision.footprint.load import load_image
from vision.footprint.overlay import draw_stored, has_geometry

NEAR_PX = 8.0           # px (about 1 mm here): outline points this near the true edge are on it
ON_EDGE_MIN = 0.9       # share of outline points that must be on the true edge


@pytest.fixture(scope="module")
def photo():
    return render_photo(RenderSpec(kind="ink", n_feet=2, rotation_deg=8.0, seed=11,
                                   long_side_px=2400))


def _jpeg(bgr, orientation: int = 1) -> bytes:
    img = Image.fromarray(bgr[:, :, ::-1])
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=92, exif=exif.tobytes())
    return buf.getvalue()


def _edge_distance(mask: np.ndarray) -> np.ndarray:
    """Distance (px) of every pixel to the mask's edge."""
    m = mask.astype(np.uint8)
    inside = cv2.distanceTransform(m, cv2.DIST_L2, 3)
    outside = cv2.distanceTransform(1 - m, cv2.DIST_L2, 3)
    return np.maximum(inside, outside)


def _check_on_truth(feet_json, masks, shape) -> None:
    union = np.any(masks, axis=0)
    dist = _edge_distance(union)
    for foot in feet_json:
        g = foot["geometry"]
        assert g["photo_size_px"] == [shape[1], shape[0]]
        pts = np.asarray(g["outline"])
        xi = np.clip(np.round(pts[:, 0]).astype(int), 0, shape[1] - 1)
        yi = np.clip(np.round(pts[:, 1]).astype(int), 0, shape[0] - 1)
        assert np.mean(dist[yi, xi] <= NEAR_PX) >= ON_EDGE_MIN
        x0, y0, x1, y1 = foot["box_px"]            # the same frame as the foot's box
        assert (pts[:, 0] >= x0 - 1).all() and (pts[:, 0] <= x1 + 1).all()
        assert (pts[:, 1] >= y0 - 1).all() and (pts[:, 1] <= y1 + 1).all()
        for x, y in g["axis"]:                   # heel centre and toe tip inside the print
            assert dist[int(round(y)), int(round(x))] <= NEAR_PX or union[int(y), int(x)]


def test_geometry_is_in_original_photo_pixels(photo):
    res = measure_footprint(_jpeg(photo.image), paper="a4")
    feet = res.to_json()["feet"]
    assert len(feet) == 2 and has_geometry(feet)
    _check_on_truth(feet, photo.foot_masks(), photo.image.shape)


def test_geometry_follows_exif_orientation(photo):
    # stored turned a quarter (EXIF 6 = the viewer turns it back): positions are upright
    turned = np.ascontiguousarray(np.rot90(photo.image, k=1))
    res = measure_footprint(_jpeg(turned, orientation=6), paper="a4")
    assert res.ok
    _check_on_truth(res.to_json()["feet"], photo.foot_masks(), photo.image.shape)


def test_geometry_without_a_sheet(photo, monkeypatch):
    import vision.footprint.paper as paper

    masks = photo.foot_masks()
    ys, xs = np.nonzero(np.any(masks, axis=0))
    pad = 80                                  # a crop of the paper around the prints only
    y0, y1, x0, x1 = ys.min() - pad, ys.max() + pad, xs.min() - pad, xs.max() + pad
    crop = np.ascontiguousarray(photo.image[y0:y1, x0:x1])
    monkeypatch.setattr(paper, "find_sheet", lambda *a, **k: None)
    res = measure_footprint(crop)
    assert res.ok and res.scale_mm_per_px is None
    _check_on_truth(res.to_json()["feet"], [m[y0:y1, x0:x1] for m in masks], crop.shape)


def _ink(img):
    return np.any(img != 0, axis=2)


def test_draw_stored_scales_to_the_image_it_is_given(photo, monkeypatch):
    import vision.footprint.overlay as overlay

    monkeypatch.setattr(overlay, "_label", lambda *a: None)   # text is sized for reading
    feet = measure_footprint(photo.image, paper="a4").to_json()["feet"]
    h, w = photo.image.shape[:2]
    big = _ink(draw_stored(np.zeros((h, w, 3), np.uint8), feet, age_months=60))
    small = _ink(draw_stored(np.zeros((h // 4, w // 4, 3), np.uint8), feet, age_months=60))
    shrunk = cv2.resize(big.astype(np.uint8), (w // 4, h // 4),
                        interpolation=cv2.INTER_AREA) > 0
    grown = cv2.dilate(shrunk.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    assert small.any() and np.mean(grown[small]) > 0.9


def test_draw_stored_skips_feet_without_geometry(photo):
    feet = measure_footprint(photo.image, paper="a4").to_json()["feet"]
    old = [{k: v for k, v in f.items() if k != "geometry"} for f in feet]
    blank = np.zeros((50, 40, 3), np.uint8)
    assert not has_geometry(old) and not has_geometry([])
    assert np.array_equal(draw_stored(blank, old, age_months=None), blank)
    with pytest.raises(ValueError):
        draw_stored(blank[:, :, 0], feet, age_months=None)


def test_load_and_draw_a_stored_photo_roundtrip(photo):
    data = _jpeg(photo.image)
    feet = measure_footprint(data, paper="a4").to_json()["feet"]
    out = draw_stored(load_image(data, max_side=900), feet, age_months=30)
    assert out.shape[2] == 3 and max(out.shape[:2]) == 900
