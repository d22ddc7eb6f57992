"""vision.footprint.indices and vision.footprint.anatomy on constructed and shape-model masks."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from synth.foot_shape import FootShape, rasterise_foot
from synth.footprint_render import foot_truth
from vision.footprint.anatomy import FootGeometry, analyse_foot
from vision.footprint.frame import axis_frame, upper_hull
from vision.footprint.indices import arch_index, compute_indices
from vision.footprint.result import FootprintError

# ---------------------------------------------------------------- constructed masks


def _blocks(mid_w=8, heel_w=20, ball_w=30, concavity=0):
    """A left 'foot' toes-up: ball rows 10..39, midfoot 40..69, heel 70..99 (30 rows each).

    Lateral border at column 10; medial (right) border at column ``10 + width - 1``; with
    ``concavity`` the medial border of a full-width midfoot dips in by up to that many px."""
    m = np.zeros((120, 70), bool)
    m[10:40, 10:10 + ball_w] = True
    m[70:100, 10:10 + heel_w] = True
    if concavity:
        for r in range(40, 70):
            dip = int(round(concavity * (1 - abs(r - 54.5) / 15)))
            m[r, 10:10 + ball_w - dip] = True
    elif mid_w:
        m[40:70, 10:10 + mid_w] = True
    return m


def _geom(m, heel=(20.0, 85.0), axis=(0.0, -1.0), side="left"):
    return FootGeometry(side=side, side_confidence=1.0, full_mask=m, toeless_mask=m,
                        toes_mask=np.zeros_like(m), heel_xy=heel, toe_xy=(20.0, 10.0),
                        ball_front_xy=(20.0, 10.0), axis_uv=axis, toes_found=False)


def _rot90(m, heel, axis):
    """np.rot90 of the mask, with the heel point and axis vector carried along."""
    w = m.shape[1]
    return np.rot90(m), (heel[1], w - 1 - heel[0]), (axis[1], -axis[0])


def test_arch_index_exact_thirds():
    ind = compute_indices(_geom(_blocks()))
    assert ind.arch_index == pytest.approx(240 / (900 + 240 + 600), abs=1e-12)
    assert ind.staheli_index == pytest.approx(8 / 20)
    assert ind.chippaux_smirak_index == pytest.approx(100 * 8 / 30)
    assert ind.length_px == pytest.approx(90)
    assert ind.width_px == pytest.approx(30)
    assert ind.heel_width_px == 20 and ind.midfoot_width_px == 8


def test_exact_indices_survive_quarter_turns():
    m, heel, axis = _blocks(), (20.0, 85.0), (0.0, -1.0)
    base = compute_indices(_geom(m, heel, axis))
    for _ in range(3):
        m, heel, axis = _rot90(m, heel, axis)
        ind = compute_indices(_geom(m, heel, axis))
        assert ind.arch_index == pytest.approx(base.arch_index, abs=1e-12)
        assert ind.staheli_index == pytest.approx(base.staheli_index, abs=1e-9)
        assert ind.chippaux_smirak_index == pytest.approx(base.chippaux_smirak_index, abs=1e-6)


def test_zero_midfoot_contact_gives_zero_staheli_and_csi():
    ind = compute_indices(_geom(_blocks(mid_w=0)))
    assert ind.staheli_index == 0.0 and ind.chippaux_smirak_index == 0.0
    assert ind.arch_index == 0.0                      # the middle third is empty
    assert 0.0 < ind.clarke_angle_deg < 90.0          # concavity reaches the lateral border


def test_clarke_angle_on_a_known_concavity():
    # medial border straight at heel and ball (column 39.5 edge), dipping 10 px at row 54/55
    m = _blocks(ball_w=30, heel_w=30, concavity=10)
    ind = compute_indices(_geom(m))
    heel_pt, ball_pt, deep = (np.array(p) for p in ind.clarke_points)
    v1, v2 = heel_pt - ball_pt, deep - ball_pt
    expected = np.degrees(np.arccos(v1 @ v2 / np.hypot(*v1) / np.hypot(*v2)))
    assert ind.clarke_angle_deg == pytest.approx(expected, abs=1e-6)
    # tangent points are the last straight-border rows around the dip (rows 40 and 69), the
    # deepest point is 10 px in from the border at row 54-55, the tangent runs along the axis
    assert ball_pt[1] == pytest.approx(40, abs=0.6) and heel_pt[1] == pytest.approx(69, abs=0.6)
    assert ball_pt[0] == pytest.approx(heel_pt[0])
    assert deep[0] == pytest.approx(ball_pt[0] - 10, abs=1.01)
    assert ind.clarke_angle_deg == pytest.approx(np.degrees(np.arctan2(10, 15)), abs=3)


def test_flat_medial_border_has_zero_clarke_angle():
    m = _blocks(ball_w=30, heel_w=30, mid_w=30)
    assert compute_indices(_geom(m)).clarke_angle_deg == 0.0


def test_arch_index_rejects_empty():
    with pytest.raises(ValueError):
        arch_index(np.array([]))
    assert arch_index(np.repeat([0.5, 1.5, 2.5], [10, 5, 10])) == pytest.approx(0.2)


@pytest.mark.parametrize("bad", [np.zeros((50, 50), bool), np.ones((40, 40, 3), bool)])
def test_analyse_foot_rejects_bad_masks(bad):
    with pytest.raises(FootprintError):
        analyse_foot(bad)


# ---------------------------------------------------------------- shape-model masks

PPM = 3.0


def _shape(**kw):
    base = dict(length_mm=180.0, arch_level=0.5, ball_width_frac_length=0.4,
                heel_width_frac_ball=0.66, toe_gaps_mm=(3, 3, 3, 3, 3), side="left")
    base.update(kw)
    return FootShape(**base)


def _rotate(m: np.ndarray, ang: float) -> np.ndarray:
    h, w = m.shape
    d = int(np.hypot(h, w)) + 8
    big = np.zeros((d, d), np.uint8)
    big[(d - h) // 2:(d - h) // 2 + h, (d - w) // 2:(d - w) // 2 + w] = m
    M = cv2.getRotationMatrix2D((d / 2, d / 2), ang, 1.0)
    return cv2.warpAffine(big * 255, M, (d, d), flags=cv2.INTER_LINEAR) >= 128


@pytest.mark.parametrize("shape", [
    _shape(arch_level=0.15, side="right"),
    _shape(arch_level=0.55, toe_gaps_mm=(-1.5, -2.0, -1.0, 0.5, -1.5)),
    _shape(arch_level=0.95, side="right", length_mm=130.0, ball_width_frac_length=0.44)])
def test_rotation_and_mirror_invariance(shape):
    truth, r = foot_truth(shape, px_per_mm=PPM)
    g0 = analyse_foot(r.full)
    ai0 = compute_indices(g0).arch_index
    assert g0.side == shape.side
    assert abs(ai0 - truth.arch_index) <= 0.01
    mirrored = "left" if shape.side == "right" else "right"
    cases = [(np.rot90(r.full, k), shape.side) for k in (1, 2, 3)]
    cases += [(_rotate(r.full, a), shape.side) for a in (20, -20)]
    cases += [(r.full[:, ::-1], mirrored), (_rotate(r.full[::-1], 37), mirrored)]
    for m, side in cases:
        g = analyse_foot(m)
        assert g.side == side
        assert abs(compute_indices(g).arch_index - ai0) <= 0.01


def test_side_labels_and_confidence_on_varied_feet():
    rng = np.random.default_rng(11)
    for _ in range(10):
        side = str(rng.choice(["left", "right"]))
        s = _shape(arch_level=float(rng.uniform(0, 1)), side=side,
                   ball_tilt_deg=float(rng.uniform(5, 15)),
                   length_mm=float(rng.uniform(110, 260)))
        g = analyse_foot(rasterise_foot(s, px_per_mm=PPM).full)
        assert g.side == side
        assert 0.3 < g.side_confidence <= 1.0


def test_touching_toes_are_removed():
    s = _shape(toe_gaps_mm=(-2.0, -2.5, -2.0, -1.5, -2.5), arch_level=0.6)
    truth, r = foot_truth(s, px_per_mm=PPM)
    n_blobs = cv2.connectedComponents(r.full.astype(np.uint8))[0] - 1
    assert n_blobs < 6                                 # some toes really touch the ball
    g = analyse_foot(r.full)
    iou = np.count_nonzero(g.toes_mask & r.toes) / np.count_nonzero(g.toes_mask | r.toes)
    assert iou > 0.85
    assert g.toes_found
    assert abs(compute_indices(g).arch_index - truth.arch_index) <= 0.01
    # the axis ends at the second toe (shape model: on x = 0), not at the hallux
    assert np.hypot(*np.subtract(g.toe_xy, r.toe_xy)) < 3 * PPM


def test_high_arch_with_broken_midfoot():
    s = _shape(arch_level=0.0)
    truth, r = foot_truth(s, px_per_mm=PPM)
    assert cv2.connectedComponents(r.toeless.astype(np.uint8))[0] - 1 == 2   # heel | ball
    g = analyse_foot(r.full)
    ind = compute_indices(g)
    assert ind.staheli_index == 0.0 and ind.chippaux_smirak_index == 0.0
    assert truth.staheli_index == 0.0
    assert ind.arch_index <= 0.21 and abs(ind.arch_index - truth.arch_index) <= 0.01
    assert np.count_nonzero(g.toeless_mask & r.toeless) > 0.97 * np.count_nonzero(r.toeless)


def test_print_without_toes_falls_back_to_ball_front():
    s = _shape(arch_level=0.4)
    truth, r = foot_truth(s, px_per_mm=PPM)
    g = analyse_foot(r.toeless)
    assert not g.toes_found and not g.toes_mask.any()
    ind = compute_indices(g)
    assert abs(ind.arch_index - truth.arch_index) <= 0.015
    # toe point at the front of the ball, in front of the heel
    assert g.toe_xy[1] < g.heel_xy[1]


def test_specks_around_the_print_are_ignored():
    s = _shape(arch_level=0.5)
    truth, r = foot_truth(s, px_per_mm=PPM)
    m = np.pad(r.full, 40)
    m[5:8, 5:8] = True                                  # speck behind / beside the print
    m[-6:-4, 100:102] = True
    g = analyse_foot(m)
    assert abs(compute_indices(g).arch_index - truth.arch_index) <= 0.01
    assert not g.toeless_mask[5:8, 5:8].any()
    # a big stray blob (a shadow at the sheet's corner) well away from the foot
    h, w = m.shape
    big = np.zeros((3 * h, w), bool)
    big[:h] = m
    big[2 * h + 10:2 * h + 10 + h // 4, w // 4:3 * w // 4] = True    # one foot length away
    g = analyse_foot(big)
    assert not g.toeless_mask[h:].any()
    assert abs(compute_indices(g).arch_index - truth.arch_index) <= 0.01


def test_drawing_geometry_lies_on_the_print():
    s = _shape(arch_level=0.5)
    _, r = foot_truth(s, px_per_mm=PPM)
    g = analyse_foot(r.full)
    ind = compute_indices(g)
    h, w = r.full.shape
    pts = [p for seg in (*ind.third_lines, ind.heel_width_seg, ind.midfoot_width_seg,
                         ind.forefoot_width_seg) for p in seg] + list(ind.clarke_points)
    for x, y in pts:
        assert -2 <= x <= w + 1 and -2 <= y <= h + 1
    # forefoot segment length equals the reported width (pixels)
    (x0, y0), (x1, y1) = ind.forefoot_width_seg
    assert np.hypot(x1 - x0, y1 - y0) == pytest.approx(ind.width_px, rel=0.05)


def test_garbage_masks_give_numbers_or_footprint_error():
    """Blobs, lines, noise, full frames: finite indices in range, or a FootprintError."""
    rng = np.random.default_rng(0)
    for i in range(36):
        h, w = (int(v) for v in rng.integers(20, 300, 2))
        m = np.zeros((h, w), np.uint8)
        if i % 4 == 0:
            m[:] = rng.random((h, w)) < rng.uniform(0.02, 0.9)
        elif i % 4 == 1:
            cv2.line(m, (0, int(rng.integers(h))), (w - 1, int(rng.integers(h))), 1,
                     int(rng.integers(1, 6)))
        elif i % 4 == 2:
            for _ in range(int(rng.integers(1, 7))):
                cv2.ellipse(m, (int(rng.integers(w)), int(rng.integers(h))),
                            (int(rng.integers(2, 40)), int(rng.integers(2, 40))),
                            float(rng.uniform(0, 180)), 0, 360, 1, -1)
        else:
            m[:] = 1
        try:
            ind = compute_indices(analyse_foot(m.astype(bool)))
        except FootprintError:
            continue
        assert 0.0 <= ind.arch_index <= 1.0
        assert np.isfinite([ind.staheli_index, ind.chippaux_smirak_index,
                            ind.clarke_angle_deg, ind.length_px, ind.width_px]).all()


# ---------------------------------------------------------------- rotation stability

ROT_ANGLES = (0, 20, 45, 90, 135, 200, 270, 340)


def _rotate_nearest(m: np.ndarray, ang: float) -> np.ndarray:
    """``m`` turned by ``ang`` degrees about the centre of a padded square canvas
    (nearest neighbour, as a photo of the same print taken at another angle)."""
    h, w = m.shape
    d = int(np.hypot(h, w)) + 8
    big = np.zeros((d, d), np.uint8)
    big[(d - h) // 2:(d - h) // 2 + h, (d - w) // 2:(d - w) // 2 + w] = m
    M = cv2.getRotationMatrix2D((d / 2, d / 2), ang, 1.0)
    return cv2.warpAffine(big, M, (d, d), flags=cv2.INTER_NEAREST) > 0


def test_indices_are_stable_under_any_rotation():
    """Product requirement: turning the photo changes AI, Staheli by <= 0.01, CSI by <= 1 %,
    never the side; a mirrored print reads as the other side."""
    from synth.foot_shape import random_shape

    rng = np.random.default_rng(2026)
    for _ in range(10):
        s = random_shape(rng)
        m = rasterise_foot(s, px_per_mm=5.0).full
        vals = []
        for ang in ROT_ANGLES:
            g = analyse_foot(_rotate_nearest(m, ang))
            assert g.side == s.side, (ang, s)
            ind = compute_indices(g)
            vals.append((ind.arch_index, ind.staheli_index, ind.chippaux_smirak_index))
        spread = np.ptp(np.array(vals), axis=0)
        assert spread[0] <= 0.01 and spread[1] <= 0.01 and spread[2] <= 1.0, (spread, s)
        other = "left" if s.side == "right" else "right"
        assert analyse_foot(m[:, ::-1]).side == other
        assert analyse_foot(_rotate_nearest(m[::-1], 45)).side == other


@pytest.mark.parametrize("side", ["left", "right"])
def test_second_toe_pick_ignores_a_split_hallux(side):
    """A crease splitting the hallux print in two must not make the hallux's half the
    'second toe' (the axis would swing by several degrees)."""
    truth, r = foot_truth(_shape(side=side, arch_level=0.5), px_per_mm=PPM)
    n, lab, st, cen = cv2.connectedComponentsWithStats(r.toes.astype(np.uint8))
    k = 1 + int(np.argmax(st[1:, cv2.CC_STAT_AREA]))            # the hallux
    m = r.full.copy()
    x = int(round(cen[k][0]))
    m[:, x - 1:x + 1] &= ~(lab[:, x - 1:x + 1] == k)
    assert cv2.connectedComponents(m.astype(np.uint8))[0] - 1 == 7
    for mm in (m, _rotate_nearest(m, 30)):
        g = analyse_foot(mm)
        assert g.side == side
        assert abs(compute_indices(g).arch_index - truth.arch_index) <= 0.005
    g = analyse_foot(m)
    assert np.hypot(*np.subtract(g.toe_xy, r.toe_xy)) < 3 * PPM


def _hull_brute_force(r: np.ndarray, e: np.ndarray) -> list[int]:
    """Points not strictly below any chord between a point before and a point after."""
    out = []
    for i in range(len(r)):
        below = any(e[i] * (r[k] - r[j]) < e[j] * (r[k] - r[i]) + e[k] * (r[i] - r[j])
                    for j in range(i) for k in range(i + 1, len(r)))
        if not below:
            out.append(i)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_upper_hull_keeps_exactly_the_points_on_the_hull(seed):
    """Medial-border-like profiles (integer rows, half-pixel edges, flat runs): the hull is
    every point on the upper hull, collinear ones included, and nothing below it."""
    rng = np.random.default_rng(seed)
    r = np.sort(rng.choice(120, 40, replace=False)).astype(float)
    e = np.round(8 * np.sin(r / rng.uniform(8, 40))) + rng.integers(0, 2, r.size) * 0.5
    assert upper_hull(r, e) == _hull_brute_force(r, e)


def test_axis_frame_covers_the_print_at_any_angle():
    """The frame's extent comes from the row ends only: no print pixel may fall outside."""
    m = np.zeros((220, 200), bool)
    cv2.ellipse(m.view(np.uint8), (100, 110), (80, 30), 25, 0, 360, 1, -1)
    m[60:70, 40:60] = True                       # a second blob, a ragged outline
    for deg in (0, 17, 90, 133, 250):
        a = np.array([np.cos(np.radians(deg)), np.sin(np.radians(deg))])
        fr = axis_frame(m, (100.0, 110.0), a, np.array([-a[1], a[0]]))
        assert abs(int(fr.image.sum()) - int(m.sum())) < 0.03 * m.sum()
        assert not fr.image[0].any() and not fr.image[-1].any()      # padding kept
        assert not fr.image[:, 0].any() and not fr.image[:, -1].any()


def test_second_toe_found_when_it_sits_far_from_the_hallux():
    """Renderer B's feet (written apart from the engine) put the second toe 0.5-0.6 ball
    widths in from the medial border, with a wide gap beside the hallux. On their clean
    contact masks the axis must still end at the second toe: a tip on the hallux's edge
    turns the axis ~6 degrees medially and reads the arch index ~0.007 high."""
    from synth.footprint_b.anatomy import random_params, rasterise
    from synth.footprint_b.archindex import arch_index as arch_index_b

    rng = np.random.default_rng(11)
    errs = []
    for _ in range(8):
        p = random_params(rng)
        side = "left" if rng.random() < 0.5 else "right"
        r = rasterise(p, side, (300.0, 700.0), rng.uniform(0, 360), 3.0, rng)
        truth = arch_index_b(r.sole, r.heel_xy, r.toe_xy, (r.x0, r.y0)).arch_index
        g = analyse_foot(r.contact)
        assert g.side == side
        tip = np.add(g.toe_xy, (r.x0, r.y0))
        assert np.hypot(*np.subtract(tip, r.toe_xy)) < 0.1 * p.ball_w_mm * 3.0
        errs.append(compute_indices(g).arch_index - truth)
    assert max(abs(e) for e in errs) <= 0.006, errs
