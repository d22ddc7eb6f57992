"""Toe attachment (vision.footprint.grouping) and toe removal on synthetic prints.

The attachment tests draw grid-mat (crosshatch) prints: toes are screened on prints made on
printed forms; wet and ink prints keep every small part near a foot.

- a coloured logo touching a toe pad through a thin link does not join the foot, the toe does;
- a compact toe pad ahead of the forefoot joins, a mark beside the heel (outside the foot's
  outline, behind the forefoot) does not;
- toes touching the ball (a crease hole between them and the ball) are still removed;
- toe pads joined to the ball only by faint crosshatch under the toe crease are removed;
- a midfoot printed only as faint single-direction hatch lines (light contact on a grid
  mat) counts as contact: the arch index matches the one of the clean outline.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from vision.footprint.anatomy import analyse_foot
from vision.footprint.grouping import split_at_necks
from vision.footprint.indices import compute_indices
from vision.footprint.segment import segment_prints

GREY = (90, 90, 90)


def _foot(img: np.ndarray, x: int, y_heel: int, length: int, colour=GREY) -> dict:
    """Draw a toe-less sole (heel, midfoot, forefoot) pointing up; returns key points (px)."""
    w = int(0.36 * length)
    y_ball = y_heel - int(0.72 * length)
    cv2.ellipse(img, (x, y_heel - int(0.13 * length)), (int(0.42 * w), int(0.15 * length)),
                0, 0, 360, colour, -1)
    cv2.ellipse(img, (x, y_ball + int(0.12 * length)), (w // 2, int(0.15 * length)),
                0, 0, 360, colour, -1)
    cv2.rectangle(img, (x - int(0.1 * w), y_ball + int(0.2 * length)),
                  (x + int(0.3 * w), y_heel - int(0.2 * length)), colour, -1)
    return {"front": y_ball - int(0.03 * length), "width": w}


def _crosshatch(img: np.ndarray, period: int = 8) -> np.ndarray:
    """Grid-mat look: every GREY pixel becomes paper crossed by dark lines (a crosshatch)."""
    ink = np.all(img == GREY, axis=2)
    grid = np.zeros(ink.shape, bool)
    grid[::period] = grid[1::period] = True
    grid[:, ::period] = grid[:, 1::period] = True
    img[ink] = 235
    img[ink & grid] = 60
    return img


def _toe(img, x, y, r, colour=GREY) -> None:
    cv2.ellipse(img, (x, y), (r, int(1.2 * r)), 0, 0, 360, colour, -1)


def _photo_with_logo() -> tuple[np.ndarray, tuple, tuple]:
    """A sheet with one foot, two toe pads, and a blue logo with text touching the hallux."""
    img = np.full((1200, 700, 3), 235, np.uint8)
    f = _foot(img, 330, 1100, 820)
    hallux = (330 + f["width"] // 4, f["front"] - 50)
    _toe(img, *hallux, 30)
    small = (330 - f["width"] // 4, f["front"] - 30)
    _toe(img, *small, 20)
    top = hallux[1] - 36 - 45
    cv2.line(img, (hallux[0], hallux[1] - 30), (hallux[0], top), (20, 20, 20), 18)
    logo = (hallux[0] - 60, top - 70, hallux[0] + 90, top)       # x0, y0, x1, y1
    _crosshatch(img)
    cv2.rectangle(img, logo[:2], logo[2:], (200, 120, 40), -1)
    cv2.putText(img, "LOGO", (logo[0] + 8, logo[3] - 18), cv2.FONT_HERSHEY_SIMPLEX, 1.4,
                (20, 20, 20), 4)
    return img, hallux, logo


def test_logo_touching_a_toe_is_left_out_but_the_toe_joins():
    img, hallux, logo = _photo_with_logo()
    seg = segment_prints(img)
    assert seg.textured and len(seg.feet) == 1
    foot = seg.feet[0]
    x0, y0, x1, y1 = logo
    assert foot[y0 + 5:y1 - 5, x0 + 5:x1 - 5].mean() < 0.02      # no logo in the foot
    assert foot[hallux[1] - 10:hallux[1] + 10, hallux[0] - 10:hallux[0] + 10].all()


def test_mark_beside_the_heel_is_not_a_toe_but_a_toe_ahead_is():
    img = np.full((1200, 700, 3), 235, np.uint8)
    f = _foot(img, 330, 1100, 820)
    toe = (330, f["front"] - 45)
    _toe(img, *toe, 25)
    body = img[..., 0] < 200
    y = 1100 - int(0.13 * 820)                                   # level with the heel's centre
    mark = (int(np.flatnonzero(body[y]).max()) + 22 + 25, y)     # 25 px off its outline
    cv2.circle(img, mark, 22, GREY, -1)
    seg = segment_prints(_crosshatch(img))
    assert seg.textured
    foot = seg.feet[0]
    assert foot[toe[1] - 8:toe[1] + 8, toe[0] - 8:toe[0] + 8].all()
    assert not foot[mark[1] - 8:mark[1] + 8, mark[0] - 8:mark[0] + 8].any()


def test_split_at_necks_cuts_thin_links_not_one_pad():
    two = np.zeros((120, 260), np.uint8)
    cv2.circle(two, (50, 60), 35, 1, -1)
    cv2.rectangle(two, (140, 30), (250, 90), 1, -1)
    cv2.line(two, (80, 60), (145, 60), 1, 12)                     # neck 12 px, pads 70-60 px
    pieces = split_at_necks(two.astype(bool), 10)
    assert len(pieces) == 2
    assert sum(int(p.sum()) for p in pieces) == int(two.sum())
    one = np.zeros((120, 260), np.uint8)
    cv2.ellipse(one, (130, 60), (90, 40), 0, 0, 360, 1, -1)       # an elongated pad
    cv2.circle(one, (70, 55), 38, 1, -1)                           # with a bulge
    assert len(split_at_necks(one.astype(bool), 10)) == 1


def test_toes_touching_the_ball_around_a_crease_are_removed():
    img = np.zeros((1100, 600), np.uint8)
    f = _foot(img, 300, 1050, 900, colour=255)
    w, front = f["width"], f["front"]
    tips = []
    for k, (dx, r) in enumerate([(-0.36, 22), (-0.18, 25), (0.0, 28), (0.2, 30), (0.4, 40)]):
        x, y = 300 + int(dx * w), front - 40 - (10 if k >= 3 else 0)
        cv2.ellipse(img, (x, y), (r, int(1.3 * r)), 0, 0, 360, 255, -1)
        tips.append((x, y - int(1.3 * r)))
    # the toes' bases touch the ball at both ends of the row: a crease hole in between
    cv2.rectangle(img, (tips[0][0] - 15, front - 20), (tips[0][0] + 10, front + 20), 255, -1)
    cv2.rectangle(img, (tips[4][0] - 20, front - 20), (tips[4][0] + 25, front + 20), 255, -1)
    geom = analyse_foot(img > 0)
    assert geom.toes_found
    for x, y in tips:
        assert geom.toes_mask[y + 12, x] and not geom.toeless_mask[y + 12, x]
    rows = np.flatnonzero(geom.toeless_mask.any(axis=1))
    assert rows[0] >= front - 45          # the toe-less print ends at the ball, not the toes


PAPER, DENSE_INK = 235, 60


def _hatch(img: np.ndarray, region: np.ndarray, value: int = DENSE_INK, dirs: str = "hv",
           period: int = 8, width: int = 2) -> None:
    """Draw grid-mat hatch lines (``dirs``: "h" rows, "v" columns) of grey ``value`` over
    ``region`` (bool) of a BGR image, ``period`` px apart and ``width`` px wide."""
    lines = np.zeros(region.shape, bool)
    for k in range(width):
        if "h" in dirs:
            lines[k::period] = True
        if "v" in dirs:
            lines[:, k::period] = True
    img[region & lines] = value


def _sole_parts(shape, x: int, y_heel: int, length: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Heel and forefoot ellipses (bool), the lateral midfoot band between them (bool) and
    the ball front row, for a sole pointing up."""
    w = int(0.36 * length)
    y_ball = y_heel - int(0.72 * length)
    ends = np.zeros(shape, np.uint8)
    cv2.ellipse(ends, (x, y_heel - int(0.13 * length)), (int(0.42 * w), int(0.15 * length)),
                0, 0, 360, 1, -1)
    cv2.ellipse(ends, (x, y_ball + int(0.12 * length)), (w // 2, int(0.15 * length)),
                0, 0, 360, 1, -1)
    band = np.zeros(shape, np.uint8)
    cv2.rectangle(band, (x + int(0.3 * w) - int(0.08 * length), y_ball + int(0.2 * length)),
                  (x + int(0.3 * w), y_heel - int(0.2 * length)), 1, -1)
    return ends > 0, (band > 0) & (ends == 0), y_ball - int(0.03 * length)


def _assert_one_textured_foot_with_ai_of(img, clean, *, min_truth):
    """The photo segments as one grid-mat foot whose arch index is within 0.02 of the clean
    outline's (which must exceed ``min_truth``, so a lost midfoot would show)."""
    truth = compute_indices(analyse_foot(clean)).arch_index
    seg = segment_prints(img)
    assert seg.textured and len(seg.feet) == 1
    got = compute_indices(analyse_foot(seg.feet[0])).arch_index
    assert truth > min_truth
    assert abs(got - truth) < 0.02, (got, truth)

@pytest.mark.parametrize("ink", [200, 185])
def test_faint_line_only_midfoot_counts_as_contact(ink):
    """Heel and forefoot in dense crosshatch; the midfoot only in faint hatch lines of one
    direction (rows in its front half, columns in its rear half), as light contact prints
    on a grid mat. Truth: the arch index of the clean outline (heel + band + forefoot)."""
    img = np.full((1300, 700, 3), PAPER, np.uint8)
    ends, band, _ = _sole_parts(img.shape[:2], 330, 1200, 900)
    _hatch(img, ends)
    front = band.copy()
    front[int(np.flatnonzero(band.any(axis=1)).mean()):] = False
    _hatch(img, front, value=ink, dirs="h")
    _hatch(img, band & ~front, value=ink, dirs="v")
    _assert_one_textured_foot_with_ai_of(img, ends | band, min_truth=0.15)


@pytest.mark.parametrize("crease_ink", [200, 170])
def test_toes_joined_to_the_ball_by_faint_crease_hatch_are_removed(crease_ink):
    """Dense toe pads joined to the ball by a faint crosshatch under the toe crease (light
    contact): the toes are cut off at the ball front and the arch index is the sole's."""
    img = np.full((1350, 700, 3), PAPER, np.uint8)
    ends, band, front = _sole_parts(img.shape[:2], 330, 1250, 900)
    mid = np.zeros(ends.shape, np.uint8)
    w = int(0.36 * 900)
    cv2.rectangle(mid, (330 - int(0.1 * w), front + 200), (330 + int(0.3 * w), 1250 - 180), 1,
                  -1)
    sole = ends | band | (mid > 0)
    toes = np.zeros(ends.shape, np.uint8)
    centres = []
    for dx, r in [(-0.36, 20), (-0.18, 23), (0.0, 26), (0.18, 28), (0.38, 38)]:
        c = (330 + int(dx * w), front - 55)
        cv2.ellipse(toes, c, (r, int(1.2 * r)), 0, 0, 360, 1, -1)
        centres.append(c)
    crease = np.zeros(ends.shape, np.uint8)
    corners = [[330 - w // 2 + 10, front + 20], [330 + w // 2 - 10, front + 20],
               [330 + int(0.38 * w), front - 55], [330 - int(0.36 * w), front - 55]]
    cv2.fillConvexPoly(crease, np.array(corners, np.int32), 1)
    _hatch(img, sole | (toes > 0))
    _hatch(img, (crease > 0) & ~sole & (toes == 0), value=crease_ink)
    seg = segment_prints(img)
    assert seg.textured and len(seg.feet) == 1
    geom = analyse_foot(seg.feet[0])
    for x, y in centres:
        assert geom.toes_mask[y, x] and not geom.toeless_mask[y, x]
    rows = np.flatnonzero(geom.toeless_mask.any(axis=1))
    assert rows[0] >= front - 25          # the toe-less print ends at the ball front
    truth = compute_indices(analyse_foot(sole)).arch_index
    assert abs(compute_indices(geom).arch_index - truth) < 0.03


@pytest.mark.parametrize("dirs", ["v", "h"])
def test_single_direction_midfoot_counts_over_its_full_width(dirs):
    """Heel and forefoot in dense crosshatch; a wide midfoot drawn over its full true width
    only with faint hatch lines of one direction at the mat's pitch: the outermost lines are
    contact too, so the arch index matches the clean outline's."""
    img = np.full((1300, 700, 3), PAPER, np.uint8)
    length, x, y_heel = 900, 330, 1200
    ends, _, _ = _sole_parts(img.shape[:2], x, y_heel, length)
    w, y_ball = int(0.36 * length), y_heel - int(0.72 * length)
    band = np.zeros(ends.shape, np.uint8)
    cv2.rectangle(band, (x + int(0.3 * w) - int(0.12 * length), y_ball + int(0.2 * length)),
                  (x + int(0.3 * w), y_heel - int(0.2 * length)), 1, -1)
    band = (band > 0) & ~ends
    _hatch(img, ends, period=10)
    _hatch(img, band, value=200, dirs=dirs, period=10)
    _assert_one_textured_foot_with_ai_of(img, ends | band, min_truth=0.18)
