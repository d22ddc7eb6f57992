"""Per-foot quality from the measured fit checks (issue 10): issues that cap the score."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from synth.foot_shape import FootShape, rasterise_foot
from vision.footprint.anatomy import analyse_foot
from vision.footprint.fit import fit_checks, gap_ink
from vision.footprint.indices import compute_indices
from vision.footprint.quality import ADVICE, RELIABLE_SCORE, assess, line_crosses_print

PAD_PX = 60
PAPER, INK = 230, 60


def _mask(arch: float = 0.5, side: str = "left", length_mm: float = 150.0) -> np.ndarray:
    m = rasterise_foot(FootShape(length_mm=length_mm, side=side, arch_level=arch),
                       px_per_mm=3.0).full
    return np.pad(m, PAD_PX)


def _paper(shape, *prints: tuple[np.ndarray, int]) -> np.ndarray:
    """A BGR sheet with each (mask, grey level) printed on it, in order, lightly blurred."""
    grey = np.full(shape, PAPER, np.uint8)
    for m, level in prints:
        grey[m] = level
    grey = cv2.GaussianBlur(grey, (3, 3), 0)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)


def _assess(mask: np.ndarray, image: np.ndarray | None = None, geom=None):
    geom = geom or analyse_foot(mask)
    ix = compute_indices(geom)
    image = _paper(mask.shape, (mask, INK)) if image is None else image
    return assess(geom, image=image, midfoot_width_px=ix.midfoot_width_px,
                  fit=fit_checks(geom, ix))


@pytest.mark.parametrize("arch", [0.2, 0.5, 0.9])
@pytest.mark.parametrize("side", ["left", "right"])
def test_a_clean_whole_foot_is_trusted(arch, side):
    q = _assess(_mask(arch, side))
    assert q.score >= RELIABLE_SCORE, q.issues
    assert not {"not_one_foot", "faint_band", "weak_side"} & set(q.issues)


def _front_part(mask: np.ndarray, keep: float) -> np.ndarray:
    """Only the front ``keep`` share of the print's length (toes up: the top rows)."""
    rows = np.flatnonzero(mask.any(axis=1))
    cut = rows[0] + int(keep * (rows[-1] - rows[0]))
    out = mask.copy()
    out[cut:] = False
    return out


def test_a_forefoot_alone_is_not_one_foot():
    q = _assess(_front_part(_mask(0.5), 0.4))
    assert "not_one_foot" in q.issues
    assert q.score < RELIABLE_SCORE


def test_two_prints_end_to_end_are_not_one_foot():
    m = _mask(0.5)
    rows = np.flatnonzero(m.any(axis=1))
    h = rows[-1] - rows[0] + 1
    two = np.zeros((m.shape[0] + h, m.shape[1]), bool)
    two[:m.shape[0]] |= m
    two[h:h + m.shape[0]] |= m          # a second print right behind the first's heel
    q = _assess(two)
    assert "not_one_foot" in q.issues
    assert q.score < RELIABLE_SCORE


def test_a_broken_band_on_bare_paper_is_measured():
    m = _mask(0.0)
    geom = analyse_foot(m)
    assert compute_indices(geom).midfoot_width_px == 0      # the band is broken
    image = _paper(m.shape, (m, INK))
    assert gap_ink(geom, image) < 0.05
    q = _assess(m, image)
    assert "broken_band" in q.issues and "faint_band" not in q.issues
    assert q.score >= RELIABLE_SCORE


def test_faint_ink_in_a_broken_band_caps_the_score():
    whole, broken = _mask(0.3), _mask(0.0)
    image = _paper(whole.shape, (whole, 150), (broken, INK))   # the band printed faintly
    geom = analyse_foot(broken)
    assert gap_ink(geom, image) > 0.1
    q = _assess(broken, image, geom)
    assert "faint_band" in q.issues
    assert q.score < RELIABLE_SCORE


def test_an_uncertain_side_lowers_the_score():
    m = _mask(0.5)
    geom = analyse_foot(m)
    sure = _assess(m, geom=replace(geom, side_confidence=1.0))
    unsure = _assess(m, geom=replace(geom, side_confidence=0.1))
    assert "weak_side" in unsure.issues and "weak_side" not in sure.issues
    assert unsure.score < sure.score


def test_on_a_wet_print_an_uncertain_side_alone_is_not_trusted():
    m, geom = _sure_geom()
    ix = compute_indices(geom)
    args = dict(image=_paper(m.shape, (m, INK)), midfoot_width_px=ix.midfoot_width_px,
                fit=fit_checks(geom, ix), wet=True)
    assert assess(geom, **args).score >= RELIABLE_SCORE
    q = assess(replace(geom, side_confidence=0.1), **args)
    assert q.issues == ("weak_side",) and q.score < RELIABLE_SCORE


def test_on_a_wet_print_a_drawn_line_alone_is_not_trusted():
    m, geom = _sure_geom()
    ix = compute_indices(geom)
    args = dict(image=_paper(m.shape, (m, INK)), midfoot_width_px=ix.midfoot_width_px,
                fit=fit_checks(geom, ix))
    assert assess(geom, wet=True, **args).score >= RELIABLE_SCORE
    dry, wet = (assess(geom, drawn_line=True, wet=w, **args) for w in (False, True))
    assert dry.issues == wet.issues == ("drawn_line",)
    assert wet.score < RELIABLE_SCORE and wet.score < dry.score


def _sure_geom():
    m = _mask(0.5)
    return m, replace(analyse_foot(m), side_confidence=1.0)


def test_a_nan_side_confidence_is_a_weak_side():
    m, geom = _sure_geom()
    q = _assess(m, geom=replace(geom, side_confidence=float("nan")))
    assert "weak_side" in q.issues


def test_an_edge_too_small_to_measure_is_not_passed_as_sharp():
    m, geom = _sure_geom()
    ix = compute_indices(geom)
    blank = np.full(m.shape + (3,), PAPER, np.uint8)      # nothing to measure the edge on
    tiny = np.zeros_like(m)
    tiny[:2, :2] = True                                   # a 4 px "print": no band, no sides
    q = assess(replace(geom, full_mask=tiny), image=blank,
               midfoot_width_px=ix.midfoot_width_px, fit=fit_checks(geom, ix))
    assert "unmeasured" in q.issues and "blur" not in q.issues
    assert q.score < RELIABLE_SCORE


def test_an_unmeasurable_faint_band_check_is_not_passed():
    """A broken band on a picture with no contrast: whether the gap holds faint ink cannot be
    told, so the foot is not trusted (never scored as a band that is truly broken)."""
    m = _mask(0.0)
    geom = analyse_foot(m)
    flat = np.full(m.shape + (3,), PAPER, np.uint8)
    assert np.isnan(gap_ink(geom, flat))
    q = _assess(m, flat, geom)
    assert "broken_band" in q.issues and "unmeasured" in q.issues
    assert q.score < RELIABLE_SCORE


@pytest.mark.parametrize("drop", ["heel_ball", "length_width"])
def test_a_missing_fit_check_is_not_passed(drop):
    m, geom = _sure_geom()
    ix = compute_indices(geom)
    fit = fit_checks(geom, ix)
    assert assess(geom, image=_paper(m.shape, (m, INK)), midfoot_width_px=ix.midfoot_width_px,
                  fit=fit).score >= RELIABLE_SCORE
    for value in (None, float("nan")):
        bad = {k: v for k, v in fit.items() if k != drop}
        if value is not None:
            bad[drop] = value
        q = assess(geom, image=_paper(m.shape, (m, INK)),
                   midfoot_width_px=ix.midfoot_width_px, fit=bad)
        assert "unmeasured" in q.issues and q.score < RELIABLE_SCORE
    q = assess(geom, image=_paper(m.shape, (m, INK)), midfoot_width_px=ix.midfoot_width_px)
    assert "unmeasured" in q.issues                       # fit=None: nothing checked


def test_a_nan_score_is_zero_and_caps_still_apply():
    m, geom = _sure_geom()
    ix = compute_indices(geom)
    q = assess(geom, image=_paper(m.shape, (m, INK)), midfoot_width_px=ix.midfoot_width_px,
               fit=fit_checks(geom, ix), gate_margin=float("nan"))
    assert np.isfinite(q.score) and q.score < RELIABLE_SCORE
    assert "unmeasured" in q.issues


def test_a_blurred_print_alone_is_not_trusted():
    m = _mask(0.5)
    sharp = _paper(m.shape, (m, INK))
    soft = cv2.GaussianBlur(sharp, (0, 0), 12)
    q = _assess(m, soft)
    assert "blur" in q.issues
    assert q.score < RELIABLE_SCORE
    assert _assess(m, sharp).score >= RELIABLE_SCORE


def test_every_issue_has_plain_advice():
    m = _front_part(_mask(0.5), 0.4)
    geom = replace(analyse_foot(m), side_confidence=0.0)
    q = _assess(m, geom=geom)
    assert len(q.advice) == len(q.issues) >= 2
    for code, text in zip(q.issues, q.advice, strict=True):
        assert text == ADVICE[code] and "_" not in text and text.endswith(".")


def _measured(mask: np.ndarray, score: float):
    from vision.footprint.indices import compute_indices
    from vision.footprint.result import FootMeasurement, Quality

    geom = analyse_foot(mask)
    foot = FootMeasurement(side=geom.side, arch_index=0.2, staheli_index=0.6,
                           chippaux_smirak_index=30.0, clarke_angle_deg=40.0, length_mm=None,
                           width_mm=None, category=None, age_reading=None,
                           quality=Quality(score=score))
    return foot, geom, compute_indices(geom)


@pytest.mark.parametrize("partner_score, flipped", [(0.9, True), (0.3, False)])
def test_only_a_trusted_print_can_flip_the_other_side(partner_score, flipped):
    from vision.footprint import _resolve_sides

    left = _mask(0.5, "left")
    sheet = np.zeros((left.shape[0], 2 * left.shape[1]), bool)
    a, b = sheet.copy(), sheet.copy()
    a[:, :left.shape[1]] = left                 # two left prints side by side, toes up:
    b[:, left.shape[1]:] = left                 # the one on the right is out of place
    sure, other = _measured(a, 0.95), _measured(b, partner_score)
    assert sure[0].side == other[0].side == "left"
    out = _resolve_sides([sure, other])
    sides = [p[0].side for p in out]
    assert sides == (["left", "right"] if flipped else ["left", "left"])


def _toe_row_mark(m: np.ndarray, geom) -> np.ndarray:
    """The print's toes, as a mark the segmentation split off (a row of lesser toes)."""
    return geom.toes_mask & m


def test_split_off_toes_are_not_a_drawn_line():
    m = _mask(0.5)
    geom = analyse_foot(m)
    assert geom.toes_found
    toes = _toe_row_mark(m, geom)
    assert toes.any()
    assert not line_crosses_print(geom, [toes])


def _line_beside_arch(m: np.ndarray, gap_px: int = 4) -> np.ndarray:
    """A 3 px pen line along the print's left edge at mid length, ``gap_px`` outside it."""
    rows = np.flatnonzero(m.any(axis=1))
    r0, r1 = rows[0] + (rows[-1] - rows[0]) // 3, rows[0] + 2 * (rows[-1] - rows[0]) // 3
    out = np.zeros_like(m)
    for r in range(r0, r1):
        c = int(np.flatnonzero(m[r])[0]) - gap_px
        out[r, max(c - 3, 0):c] = True
    return out


def test_a_line_beside_the_arch_or_across_the_heel_is_a_drawn_line():
    m = _mask(0.5)
    geom = analyse_foot(m)
    assert line_crosses_print(geom, [_line_beside_arch(m)])
    heel = np.zeros_like(m)
    rows = np.flatnonzero(m.any(axis=1))
    heel[rows[-1] - 5:rows[-1] - 2, :] = True              # toes up: the heel is at the bottom
    assert line_crosses_print(geom, [heel])
    toes_and_line = _toe_row_mark(m, geom) | _line_beside_arch(m)
    assert line_crosses_print(geom, [toes_and_line])       # not wholly in the toe zone


def test_a_mark_away_from_the_print_is_no_drawn_line():
    m = _mask(0.5)
    geom = analyse_foot(m)
    far = np.zeros_like(m)
    far[:5, :5] = True                                     # in the padding, outside the box
    assert not line_crosses_print(geom, [far])


def test_toes_not_found_leave_a_toe_zone_mark_a_drawn_line():
    m = _mask(0.5)
    geom = analyse_foot(m)
    toes = _toe_row_mark(m, geom)
    assert line_crosses_print(replace(geom, toes_found=False), [toes])
