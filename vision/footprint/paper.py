"""Find the sheet of paper under the print, rectify it and derive the scale.

Conventions
-----------
- Corners are (x, y) pixels of the input image, ordered top-left, top-right, bottom-right,
  bottom-left *of the rectified sheet*, which is always portrait (rows >= columns).
- ``mm_per_px`` is isotropic in the rectified image: the sheet's long side (297 mm for A4,
  279 mm for US Letter) spans ``rectified.shape[0]`` pixels.
- The sheet is trusted only when all four corners are in the photo, its outline is close to
  a quadrilateral, it covers a fair part of the photo and its proportions match the paper:
  a sheet cut by the photo's edge gives no scale (a partial sheet has no known size).

Method
------
The sheet is the large region that differs from the table: bright (Otsu on luma) or, for
kraft and coloured paper, far in colour from the photo's border. Its outer contour is
reduced to four corners (Douglas-Peucker on the convex hull), each side is refined by a
least-squares line fit through the contour points between corners, and the corners are the
intersections of those lines. ``cv2.getPerspectiveTransform`` then maps the sheet to a
rectangle with the paper's proportions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cv2
import numpy as np

__all__ = ["Sheet", "find_sheet", "paper_region", "parse_paper", "PAPER_SIZES_MM"]

PAPER_SIZES_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
_RECT_LONG_PX = 1400          # rectified sheet's long side in pixels (~0.21 mm/px for A4)
_MIN_AREA_FRAC = 0.08         # sheet covers at least this much of the photo
_MIN_FILL = 0.93              # region area / quadrilateral area
_ASPECT_TOL = 0.12            # relative aspect mismatch accepted for a named size
_DETAIL_SIGMA_FRAC = 0.003    # of the photo's long side: scale of wood grain / fibre detail
_STRAND_FRAC = 0.012          # of the photo's long side: strands cut off a smooth region
_SPILL = 1.0                  # smooth region lies this many energy-blur widths inside the sheet


@dataclass(frozen=True)
class Sheet:
    """A rectified sheet of paper.

    rectified : BGR uint8, portrait, the sheet only.
    mm_per_px : millimetres per pixel of ``rectified``.
    corners : (4, 2) float, (x, y) in the input image (tl, tr, br, bl of the rectified sheet).
    paper_name : "a4", "letter" or "WxH" (user-given millimetres).
    size_mm : (width, height) of the sheet in millimetres.
    guessed : True when the size was chosen from the proportions (no ``paper`` given).
    homography : 3x3 float, input image -> rectified pixels.
    """

    rectified: np.ndarray = field(repr=False)
    mm_per_px: float
    corners: np.ndarray
    paper_name: str
    size_mm: tuple[float, float]
    guessed: bool = True
    homography: np.ndarray | None = field(default=None, repr=False)


def parse_paper(paper: str | tuple | None) -> tuple[str, tuple[float, float]] | None:
    """``"a4"``, ``"letter"``, ``"210x297"`` (mm) or ``(w, h)`` -> (name, (short, long) mm).

    Raises ValueError naming the bad value.
    """
    if paper is None:
        return None
    if isinstance(paper, (tuple, list)) and len(paper) == 2:
        w, h = float(paper[0]), float(paper[1])
        name = f"{w:g}x{h:g}"
    else:
        key = str(paper).strip().lower().replace(" ", "")
        if key in PAPER_SIZES_MM:
            return key, PAPER_SIZES_MM[key]
        match = re.fullmatch(r"(\d+(?:\.\d+)?)[x*](\d+(?:\.\d+)?)(mm)?", key)
        if not match:
            raise ValueError(f"paper must be 'a4', 'letter' or WxH in mm like '210x297', "
                             f"got {paper!r}")
        w, h = float(match.group(1)), float(match.group(2))
        name = f"{w:g}x{h:g}"
    if not (20 <= min(w, h) and max(w, h) <= 2000):
        raise ValueError(f"paper size {paper!r} is not a plausible sheet (20-2000 mm)")
    return name, (min(w, h), max(w, h))


def _order_corners(pts: np.ndarray) -> np.ndarray:
    """Order 4 points clockwise from top-left (image coordinates, y down)."""
    c = pts.mean(axis=0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]                     # clockwise on screen, from the left
    start = int(np.argmin(pts.sum(axis=1)))        # top-left: smallest x + y
    return np.roll(pts, -start, axis=0)


def _candidate_masks(small: np.ndarray) -> list[np.ndarray]:
    """Binary masks that may hold the sheet: bright vs dark, and far-from-table colour."""
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    grey = cv2.GaussianBlur(grey, (5, 5), 0)
    _, bright = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB).astype(np.float32)
    border = np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]])
    d = lab - np.median(border, axis=0)
    dist = np.sqrt(d[..., 0] * d[..., 0] + d[..., 1] * d[..., 1] + d[..., 2] * d[..., 2])
    # (the same float32 sums as np.linalg.norm(d, axis=2), summed in order; faster)
    dist8 = np.clip(dist * 2, 0, 255).astype(np.uint8)
    _, far = cv2.threshold(dist8, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return [bright, far]


def _edge_regions(small: np.ndarray, max_regions: int = 3) -> list[np.ndarray]:
    """Closed outlines of strong colour edges, filled: the sheet's border survives uneven
    lighting (a smooth shading gives no edge) where a global threshold does not."""
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_BGR2LAB)
    edges = np.zeros(small.shape[:2], np.uint8)
    for ch in cv2.split(lab):
        edges |= cv2.Canny(ch, 20, 60)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    cnts, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cnts = sorted(cnts, key=cv2.contourArea, reverse=True)[:max_regions]
    out = []
    for c in cnts:
        if cv2.contourArea(c) < _MIN_AREA_FRAC * edges.size:
            break
        region = np.zeros_like(edges)
        cv2.drawContours(region, [c], -1, 1, thickness=cv2.FILLED)
        region = cv2.erode(region, np.ones((3, 3), np.uint8))
        out.append(region)
        # edges of a textured table may cling to the sheet's outline: cut such strands
        opened = cv2.morphologyEx(region, cv2.MORPH_OPEN, cv2.getStructuringElement(
            cv2.MORPH_ELLIPSE, (15, 15)))
        out.append(_largest_region(opened) if opened.any() else None)
    return out


def _smooth_regions(small: np.ndarray) -> list[np.ndarray | None]:
    """The smoothest large region: paper or cardboard of the table's own colour and
    brightness (light cardboard on light wood) still differs from it in texture, as wood
    grain, fabric or laminate pattern carry fine detail the sheet does not. Fine detail is
    the local RMS of the luma minus its blur (scales relative to the picture), split by
    Otsu on its logarithm."""
    side = max(small.shape[:2])
    luma = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).astype(np.float32)
    detail = luma - cv2.GaussianBlur(luma, (0, 0), _DETAIL_SIGMA_FRAC * side)
    energy = cv2.GaussianBlur(detail * detail, (0, 0), 2 * _DETAIL_SIGMA_FRAC * side)
    log_e = np.log(np.sqrt(energy) + 0.5)
    q = cv2.normalize(log_e, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    _, smooth = cv2.threshold(q, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # smooth patches of the table may cling to a corner: also try with such strands cut
    r = max(1, int(round(_STRAND_FRAC * side)))
    opened = cv2.morphologyEx(smooth, cv2.MORPH_OPEN, cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    return [_largest_region(smooth), _largest_region(opened) if opened.any() else None]


def _then_smooth(regions: list, small: np.ndarray):
    """(region, outward shift px) for the candidate regions, then (computed only when
    reached, as a last resort) for the smooth regions: a sheet of the table's own colour.
    The blurred detail energy of the rough table spills over the sheet's edge, so a smooth
    region's outline lies about ``_SPILL`` blur widths inside the sheet."""
    for region in regions:
        yield region, 0.0
    spill = _SPILL * 2 * _DETAIL_SIGMA_FRAC * max(small.shape[:2])
    for region in _smooth_regions(small):
        yield region, spill


def _grow_quad(quad: np.ndarray, shift: float) -> np.ndarray:
    """Move each side of a (near-rectangular) quadrilateral ``shift`` px outwards: each
    corner moves along its bisector by ``shift / sin(half the corner angle)``."""
    out = quad.copy()
    for i in range(4):
        u = quad[i - 1] - quad[i]
        v = quad[(i + 1) % 4] - quad[i]
        u, v = u / np.linalg.norm(u), v / np.linalg.norm(v)
        bis = u + v
        half = 0.5 * np.arccos(np.clip(u @ v, -1.0, 1.0))
        out[i] = quad[i] - bis / max(np.linalg.norm(bis), 1e-9) * shift / max(np.sin(half), 0.3)
    return out


def _largest_region(mask: np.ndarray) -> np.ndarray | None:
    """Largest 8-connected region of a 0/1 mask with its holes filled (prints inside)."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n < 2:
        return None
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    region = (labels == k).astype(np.uint8)
    cnts, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    filled = np.zeros_like(region)
    cv2.drawContours(filled, cnts, -1, 1, thickness=cv2.FILLED)
    return filled


def _touches_border(contour: np.ndarray, shape: tuple[int, int], tol: int = 2) -> float:
    """Fraction of contour points on the picture's border (a sheet cut by the photo)."""
    pts = contour.reshape(-1, 2)
    rows, cols = shape
    on = ((pts[:, 0] <= tol) | (pts[:, 1] <= tol) | (pts[:, 0] >= cols - 1 - tol)
          | (pts[:, 1] >= rows - 1 - tol))
    return float(on.mean()) if len(pts) else 1.0


def _refine_sides(contour: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Fit a line through the contour points of each side and intersect neighbours."""
    pts = contour.reshape(-1, 2).astype(np.float64)
    lines = []
    for i in range(4):
        p, q = quad[i], quad[(i + 1) % 4]
        d = q - p
        length = np.linalg.norm(d)
        u = d / max(length, 1e-9)
        rel = pts - p
        t = rel @ u / length
        off = np.abs(rel[:, 0] * u[1] - rel[:, 1] * u[0])
        sel = pts[(t > 0.1) & (t < 0.9) & (off < max(2.0, 0.01 * length))]
        if len(sel) < 10:
            lines.append((p, u))
            continue
        vx, vy, x0, y0 = cv2.fitLine(sel.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01)
        lines.append((np.array([x0[0], y0[0]]), np.array([vx[0], vy[0]])))
    out = []
    for i in range(4):
        (p1, u1), (p2, u2) = lines[i - 1], lines[i]
        a = np.array([u1, -u2]).T
        if abs(np.linalg.det(a)) < 1e-6:
            out.append(quad[i])
            continue
        s = np.linalg.solve(a, p2 - p1)
        out.append(p1 + s[0] * u1)
    return np.array(out)


def _quad_from_region(region: np.ndarray) -> np.ndarray | None:
    """Four corners (x, y) of a region that is a whole, convex quadrilateral, else None."""
    cnts, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not cnts:
        return None
    contour = max(cnts, key=cv2.contourArea)
    area = cv2.contourArea(contour)
    if area < _MIN_AREA_FRAC * region.size or _touches_border(contour, region.shape) > 0.02:
        return None
    hull = cv2.convexHull(contour)
    peri = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.045, 0.06):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) <= 4:
            break
    if len(approx) != 4:
        return None
    quad = _order_corners(approx.reshape(4, 2).astype(np.float64))
    hull_area = max(cv2.contourArea(hull), 1.0)
    quad_area = cv2.contourArea(quad.astype(np.float32))
    if area / hull_area < _MIN_FILL or quad_area / hull_area < _MIN_FILL:
        return None
    if not _corner_angles_ok(quad):
        return None
    return _order_corners(_refine_sides(contour, quad))


def _corner_angles_ok(quad: np.ndarray, lo: float = 50.0, hi: float = 130.0) -> bool:
    """A photographed rectangle keeps its corner angles within [lo, hi] degrees."""
    for i in range(4):
        u = quad[i - 1] - quad[i]
        v = quad[(i + 1) % 4] - quad[i]
        cos = u @ v / max(np.linalg.norm(u) * np.linalg.norm(v), 1e-9)
        if not lo <= np.degrees(np.arccos(np.clip(cos, -1, 1))) <= hi:
            return False
    return True


def _choose_size(quad: np.ndarray, paper) -> tuple[str, tuple[float, float], bool] | None:
    """Paper name and (short, long) mm: the given one, or the standard size that fits."""
    sides = [np.linalg.norm(quad[(i + 1) % 4] - quad[i]) for i in range(4)]
    a, b = (sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2
    aspect = max(a, b) / max(min(a, b), 1e-9)
    given = parse_paper(paper)
    if given is not None:
        name, size = given
        ok = abs(np.log(aspect * size[0] / size[1])) < 2 * _ASPECT_TOL
        return (name, size, False) if ok else None
    errs = {k: abs(np.log(aspect * s[0] / s[1])) for k, s in PAPER_SIZES_MM.items()}
    name = min(errs, key=errs.get)
    if errs[name] > _ASPECT_TOL:
        return None
    return name, PAPER_SIZES_MM[name], True


def find_sheet(image: np.ndarray, *, paper=None) -> Sheet | None:
    """Find a whole sheet of paper in the photo and rectify it.

    Parameters
    ----------
    image : ndarray, (rows, cols, 3) uint8
        BGR photo.
    paper : {"a4", "letter"} or "WxH" (mm) or (w, h), optional
        Known sheet size; by default the standard size matching the proportions.

    Returns
    -------
    Sheet or None
        None when no whole sheet is visible (cut by the photo's edge, covered, or not
        quadrilateral); the caller then reports ratios only.
    """
    if image.ndim != 3 or image.dtype != np.uint8:
        raise ValueError(f"image must be BGR uint8, got {image.dtype} {image.shape}")
    parse_paper(paper)  # validate early
    f = min(1.0, 600.0 / max(image.shape[:2]))
    small = cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    regions = [_largest_region(c) for c in _candidate_masks(small)] + _edge_regions(small)
    for region, shift in _then_smooth(regions, small):
        if region is None:
            continue
        quad = _quad_from_region(region)
        if quad is None:
            continue
        if shift:
            quad = _grow_quad(quad, shift)
        size = _choose_size(quad, paper)
        if size is None:
            continue
        return _rectify(image, (quad + 0.5) / f - 0.5, *size)
    return None


def _rectify(image: np.ndarray, quad: np.ndarray, name: str, size: tuple[float, float],
             guessed: bool) -> Sheet:
    """Warp the sheet to a portrait rectangle with the paper's proportions."""
    if np.linalg.norm(quad[1] - quad[0]) > np.linalg.norm(quad[3] - quad[0]):
        quad = np.roll(quad, -1, axis=0)  # landscape in the photo: make the sheet portrait
    short_mm, long_mm = size
    rows = _RECT_LONG_PX
    cols = int(round(rows * short_mm / long_mm))
    dst = np.array([[0, 0], [cols - 1, 0], [cols - 1, rows - 1], [0, rows - 1]], np.float32)
    h = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    rect = cv2.warpPerspective(image, h, (cols, rows), flags=cv2.INTER_AREA,
                               borderMode=cv2.BORDER_REPLICATE)
    return Sheet(rectified=rect, mm_per_px=long_mm / (rows - 1), corners=quad,
                 paper_name=name, size_mm=(short_mm, long_mm), guessed=guessed, homography=h)


def paper_region(image: np.ndarray) -> np.ndarray | None:
    """Where prints may be when no whole sheet was found (bool, image shape), or None.

    Excludes only what is clearly not paper: regions much darker than the paper (below half
    its brightness) that touch the photo's border and are wide (the table, a dark strip
    beside the sheet). None when nothing is excluded or the picture is mostly dark.
    """
    f = min(1.0, 400.0 / max(image.shape[:2]))
    small = cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    grey = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    level = float(np.percentile(grey, 90))
    if level < 100 or float(np.median(grey)) < 110:
        return None  # dark paper or a light-on-dark print: dark is not "off the paper"
    dark = (grey < 0.5 * level).astype(np.uint8)
    dark = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    out = np.ones(grey.shape, bool)
    rows, cols = grey.shape
    for k in range(1, n):
        x, y, w, h, _ = stats[k]
        if x == 0 or y == 0 or x + w == cols or y + h == rows:
            out[labels == k] = False
    if out.all():
        return None
    out = cv2.erode(out.astype(np.uint8), np.ones((3, 3), np.uint8))
    big = cv2.resize(out, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_NEAREST)
    return big.astype(bool)
