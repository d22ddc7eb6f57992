"""Synthetic phone photos of footprints on a sheet of paper, with exact per-foot truth.

Pipeline: parametric foot shapes (:mod:`synth.foot_shape`) -> prints on a sheet plane
(ink, wet, grid-mat crosshatch or inverted light-on-dark; :mod:`synth.print_style`) ->
perspective onto a table in the photo, rotation, uneven light, vignetting, shadow, sensor
noise, blur, JPEG.

Truth is computed on the clean toe-less mask of each foot at ``TRUTH_PX_PER_MM`` with the true
axis (heel centre -> second-toe tip of the shape model) by :mod:`synth.footprint_truth`, which
is independent of the pipeline; lengths in mm come from the known scale. Photo coordinates are
(x, y) pixels, y down. ``render_photo`` is deterministic given the spec (and the scene hooks,
see :class:`synth.footprint_scenes_hooks.SceneHooks` and :mod:`synth.footprint_scenes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from synth import print_style as ps
from synth.foot_shape import FootShape, RasterFoot, random_shape, rasterise_foot
from synth.footprint_scenes_hooks import BlobTruth, SceneHooks
from synth.footprint_truth import indices_from_mask

__all__ = ["RenderSpec", "FootTruth", "RenderedPhoto", "render_photo", "random_spec", "foot_truth", "PAPER_MM", "TRUTH_PX_PER_MM"]

PAPER_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
TRUTH_PX_PER_MM = 8.0
TRUTH_MIN_PX_PER_MM = 6.0       # below this sheet resolution the truth is re-rasterised
WHOLE_MAX_OVERLAP_FRAC = 0.01   # a foot is "whole" when < 1 % of it is covered by other prints
KINDS = ("ink", "wet", "grid_mat", "inverted")


@dataclass(frozen=True)
class RenderSpec:
    """What to draw. Angles in degrees; ``perspective`` and ``lighting`` are 0..1 strengths.

    feet : explicit foot shapes (overrides ``n_feet``/``foot_length_mm``/``arch_level``/
        ``toes_touching``); with two feet the first is drawn on the left of the sheet.
    """

    kind: str = "ink"
    paper: str = "a4"                       # a4 | letter
    paper_colour: str = "white"             # white | coloured | kraft | cardboard | black
    n_feet: int = 2
    foot_length_mm: float = 170.0
    arch_level: float = 0.5
    toes_touching: bool = False
    rotation_deg: float = 0.0               # whole sheet in the photo
    perspective: float = 0.3
    lighting: float = 0.3
    noise_sigma: float = 3.0                # grey levels
    blur_px: float = 0.8
    jpeg_quality: int = 90
    long_side_px: int = 2400
    landscape: bool = False
    sheet_fill: float = 0.8                 # sheet long side / photo side it lies along
    foot_angles_deg: tuple[float, ...] = (0.0, 0.0)
    feet: tuple[FootShape, ...] = field(default=())
    seed: int = 0

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if self.paper not in PAPER_MM:
            raise ValueError(f"paper must be one of {tuple(PAPER_MM)}, got {self.paper!r}")
        if self.n_feet not in (1, 2) and not self.feet:
            raise ValueError(f"n_feet must be 1 or 2, got {self.n_feet}")
        if not 50 <= self.long_side_px <= 8000:
            raise ValueError(f"long_side_px must be within 50..8000, got {self.long_side_px}")


@dataclass(frozen=True)
class FootTruth:
    """Exact indices of one rendered foot, plus where it lies in the photo."""

    side: str
    arch_index: float
    staheli_index: float
    chippaux_smirak_index: float
    clarke_angle_deg: float
    length_mm: float
    width_mm: float
    heel_xy: tuple[float, float] = (0.0, 0.0)      # photo pixels
    toe_xy: tuple[float, float] = (0.0, 0.0)       # photo pixels (second-toe tip)
    centre_xy: tuple[float, float] = (0.0, 0.0)    # photo pixels (print centroid)
    arch_level: float = 0.0
    box_xy: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # photo px x0, y0, x1, y1
    whole: bool = True             # fully on the photo and not overlapped by another print
    overlap_frac: float = 0.0      # share of the print covered by other prints

    def to_json(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class RenderedPhoto:
    image: np.ndarray                      # BGR uint8
    feet: list[FootTruth]
    sheet_corners: np.ndarray              # (4, 2) photo px: sheet TL, TR, BR, BL
    mm_per_px_sheet: float                 # mm per photo pixel along the sheet (mean)
    spec: RenderSpec | None = None
    sheet_to_photo: np.ndarray | None = field(default=None, repr=False, compare=False)
    sheet_px_per_mm: float = 0.0           # resolution of the sheet plane of sheet_to_photo
    clean_masks: tuple = field(default=(), repr=False, compare=False)
    blobs: tuple[BlobTruth, ...] = ()      # non-foot things drawn or printed on the sheet

    def foot_masks(self, *, toeless: bool = False) -> list[np.ndarray]:
        """Clean print of each foot (bool, photo size), toes included unless ``toeless``;
        for checking a segmentation against the truth."""
        h, w = self.image.shape[:2]
        out = []
        for M, r in self.clean_masks:
            src = (r.toeless if toeless else r.full).astype(np.uint8) * 255
            A = np.vstack([M, [0, 0, 1]])
            warped = cv2.warpPerspective(src, self.sheet_to_photo @ A, (w, h),
                                         flags=cv2.INTER_LINEAR)
            out.append(warped >= 128)
        return out


def foot_truth(shape: FootShape, *, px_per_mm: float = TRUTH_PX_PER_MM,
               raster: RasterFoot | None = None) -> tuple[FootTruth, RasterFoot]:
    """Indices of a clean shape with its true axis (Cavanagh & Rodgers) at ``px_per_mm``,
    computed by :func:`synth.footprint_truth.indices_from_mask` on the shape model's own
    toe-less mask (independent of the pipeline)."""
    r = raster if raster is not None else rasterise_foot(shape, px_per_mm=px_per_mm)
    ind = indices_from_mask(r.toeless, r.heel_xy, r.toe_xy, r.side)
    ys, xs = np.nonzero(r.full)
    u = np.subtract(r.toe_xy, r.heel_xy)
    u = u / np.hypot(*u)
    along = (xs - r.heel_xy[0]) * u[0] + (ys - r.heel_xy[1]) * u[1]
    ppm = r.px_per_mm
    return FootTruth(side=r.side, arch_index=ind.arch_index, staheli_index=ind.staheli_index,
                     chippaux_smirak_index=ind.chippaux_smirak_index,
                     clarke_angle_deg=ind.clarke_angle_deg,
                     length_mm=float(along.max() - along.min() + 1.0) / ppm,
                     width_mm=ind.forefoot_width_px / ppm, arch_level=shape.arch_level), r


def _shapes(spec: RenderSpec, rng) -> list[FootShape]:
    if spec.feet:
        return list(spec.feet)
    sides = ["left", "right"] if spec.n_feet == 2 else [rng.choice(["left", "right"])]
    base = random_shape(rng, length_mm=spec.foot_length_mm, arch_level=spec.arch_level,
                        side="left", toes_touching=spec.toes_touching)
    out = []
    for s in sides:      # the two feet of one child: same build, slightly different arch
        jit = float(np.clip(spec.arch_level + rng.normal(0, 0.04), 0, 1))
        out.append(replace(base, side=str(s), arch_level=jit,
                           toe_gaps_mm=tuple(float(g + rng.normal(0, 0.3)) for g in base.toe_gaps_mm)))
    return out


def _region_weight(r: RasterFoot) -> np.ndarray:
    """Pressure weight along the foot (heel 1, arch 0.35, ball 1, toes 0.8), toes-up raster."""
    h = r.full.shape[0]
    y_heel, y_toe = r.heel_xy[1], r.toe_xy[1]
    s = (y_heel - np.arange(h)) / max(y_heel - y_toe, 1.0)          # 0 heel centre .. 1 toe
    w = np.interp(s, [-1, 0.1, 0.3, 0.45, 0.62, 0.8, 2], [1, 1, 0.45, 0.35, 0.9, 1.0, 0.8])
    return np.repeat(w[:, None].astype(np.float32), r.full.shape[1], axis=1)


def _place_feet(spec, rng, rasters, sheet_px, ppm):
    """Affine maps (raster -> sheet plane) for each foot: side by side, at least 12 mm apart,
    heels towards the bottom of the sheet."""
    w_px, h_px = sheet_px
    n = len(rasters)
    top = (24 if spec.kind == "grid_mat" else 6) * ppm
    bottom = h_px - (16 if spec.kind == "grid_mat" else 6) * ppm
    mats, spans = [], []
    for i, r in enumerate(rasters):
        ang = spec.foot_angles_deg[i] if i < len(spec.foot_angles_deg) else 0.0
        h, w = r.full.shape
        M = cv2.getRotationMatrix2D((w / 2, h / 2), ang, 1.0)
        cnt = cv2.findContours(r.full.astype(np.uint8), cv2.RETR_EXTERNAL,
                               cv2.CHAIN_APPROX_SIMPLE)[0]
        pts = np.concatenate([c.reshape(-1, 2) for c in cnt]).astype(np.float64) @ M[:, :2].T + M[:, 2]
        lo, hi = pts.min(0), pts.max(0)
        free_y = max((bottom - top) - (hi[1] - lo[1]), 0.0)
        M[1, 2] += top - lo[1] + free_y * rng.uniform(0.2, 0.8)
        mats.append(M)
        spans.append((lo[0], hi[0]))
    gap_min = 12 * ppm
    if n == 1:
        lo, hi = spans[0]
        mats[0][0, 2] += (w_px - (hi - lo)) / 2 - lo + rng.normal(0, 3) * ppm
    else:
        (l0, h0), (l1, h1) = spans
        total = (h0 - l0) + (h1 - l1)
        gap = float(np.clip(rng.uniform(15, 40) * ppm, gap_min, max(w_px - total - 4 * ppm, gap_min)))
        x0 = (w_px - total - gap) / 2
        mats[0][0, 2] += x0 - l0
        mats[1][0, 2] += x0 + (h0 - l0) + gap - l1
    return mats


def _print_plane(spec, rng, shapes, sheet_px, ppm, hooks):
    """Sheet-plane image with prints, per-foot raster -> sheet affines, per-foot sheet-plane
    coverage, the other prints' coverage and the non-foot blobs (kind, sheet box, detail)."""
    w_px, h_px = sheet_px
    paper = "black" if spec.kind == "inverted" else spec.paper_colour
    if hooks.paper is not None:
        img = hooks.paper(rng, (h_px, w_px), ppm)
    else:
        img = ps.paper_image(rng, (h_px, w_px), paper, ppm)
    if spec.kind == "grid_mat":
        ps.draw_form(img, rng, ppm, len(shapes))
    cover = np.zeros((h_px, w_px), np.float32)
    region = np.zeros((h_px, w_px), np.float32)
    rasters = [rasterise_foot(sh, px_per_mm=ppm) for sh in shapes]
    mats = (hooks.place(spec, rng, rasters, sheet_px, ppm) if hooks.place is not None
            else _place_feet(spec, rng, rasters, sheet_px, ppm))
    affines, covers = [], []
    for r, M in zip(rasters, mats, strict=True):
        src = np.dstack([r.full.astype(np.float32), _region_weight(r)])
        warped = cv2.warpAffine(src, M, (w_px, h_px), flags=cv2.INTER_LINEAR)
        cover = np.maximum(cover, warped[..., 0])
        region = np.maximum(region, warped[..., 1] * (warped[..., 0] > 0.01))
        affines.append((M, r))
        covers.append(warped[..., 0])
    blobs = []
    others = np.zeros_like(cover)
    if hooks.extra_prints is not None:
        for ex in hooks.extra_prints(rng, sheet_px, ppm, affines):
            cover = np.maximum(cover, ex.cover)
            region = np.maximum(region, ex.region * (ex.cover > 0.01))
            others = np.maximum(others, ex.cover)
            blobs.append((ex.kind, ex.box_sheet, ex.detail))
    if hooks.region is not None:
        region = hooks.region(region, affines, ppm)
    if hooks.draw_under is not None:
        blobs += hooks.draw_under(img, rng, ppm, affines)
    alpha = ps.print_alpha(rng, cover, region, spec.kind, ppm) * float(hooks.alpha_gain)
    plane = ps.compose_print(img, np.clip(alpha, 0, 1), spec.kind, rng)
    if hooks.draw_over is not None:
        blobs += hooks.draw_over(plane, rng, ppm, affines)
    return plane, affines, covers, others, blobs


def _overlap_fracs(covers, others) -> list[float]:
    """Share of each foot's print covered by another foot or another print."""
    out = []
    for i, c in enumerate(covers):
        mine = c > 0.5
        rest = others > 0.5
        for j, o in enumerate(covers):
            if j != i:
                rest |= o > 0.5
        out.append(float(np.sum(mine & rest)) / max(float(np.sum(mine)), 1.0))
    return out


def _sheet_corners(spec, rng, photo_wh, sheet_mm) -> np.ndarray:
    """Photo positions of the sheet corners: fitted, rotated, keystoned, jittered."""
    W, H = photo_wh
    sw, sh = sheet_mm
    ang = np.deg2rad(spec.rotation_deg)
    c, s = abs(np.cos(ang)), abs(np.sin(ang))
    bw, bh = sw * c + sh * s, sw * s + sh * c               # rotated bounding box (mm)
    k = spec.sheet_fill * min(W / bw, H / bh)
    rect = np.array([[-sw, -sh], [sw, -sh], [sw, sh], [-sw, sh]], np.float64) / 2 * k
    p = spec.perspective
    rect[:2, 0] *= 1 - 0.15 * p * rng.uniform(0.3, 1)      # far edge shorter (camera tilt)
    rect += rng.normal(0, 0.02 * p, rect.shape) * sh * k
    R = np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]])
    pts = rect @ R.T
    shift = (np.array([W, H]) - (pts.max(0) - pts.min(0))) / 2 - pts.min(0)
    jitter = rng.uniform(-0.5, 0.5, 2) * np.maximum(np.array([W, H]) - (pts.max(0) - pts.min(0)), 0) * 0.6
    return pts + shift + jitter


def _lighting(spec, rng, shape) -> np.ndarray:
    """Smooth illumination field: ramp, vignetting and maybe a soft shadow (made small,
    then upsampled: light varies slowly)."""
    h, w = shape
    sh, sw = max(h // 16, 8), max(w // 16, 8)
    L = spec.lighting
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    yy, xx = yy / sh, xx / sw
    d = rng.normal(size=2)
    d /= np.hypot(*d)
    ramp = ((xx - 0.5) * d[0] + (yy - 0.5) * d[1]) * 0.5 * L
    r2 = ((xx - 0.5) ** 2 + (yy - 0.5) ** 2) / 0.5
    light = (1.0 + ramp) * (1.0 - 0.35 * L * r2) * rng.uniform(0.85, 1.05)
    if rng.random() < L:                                    # soft shadow of phone / hand
        cx, cy = rng.uniform(0, 1, 2)
        blob = np.exp(-(((xx - cx) / 0.3) ** 2 + ((yy - cy) / 0.2) ** 2))
        light *= 1 - rng.uniform(0.15, 0.35) * blob
    return cv2.resize(light.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)


def _camera(img, spec, rng) -> np.ndarray:
    """Colour cast, blur, sensor noise and JPEG round trip (``img`` float32 BGR)."""
    cast = rng.uniform(0.93, 1.05, 3)
    out = cv2.convertScaleAbs(cv2.multiply(img, tuple(float(c) for c in cast) + (1.0,)))
    if spec.blur_px > 0:
        out = cv2.GaussianBlur(out, (0, 0), spec.blur_px)
    noise = np.empty(out.shape, np.int16)
    cv2.setRNGSeed(int(rng.integers(0, 2**31 - 1)))
    cv2.randn(noise, 0, float(spec.noise_sigma))
    out = cv2.add(out, noise, dtype=cv2.CV_8U)
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(spec.jpeg_quality)])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def _to_photo(pts_sheet: np.ndarray, Hm: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(np.asarray(pts_sheet, np.float64)[None], Hm)[0]


def _box_to_photo(box, Hm) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    ph = _to_photo(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64), Hm)
    lo, hi = ph.min(0), ph.max(0)
    return (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))


def _foot_in_photo(truth: FootTruth, M, r: RasterFoot, Hm, wh, overlap: float) -> FootTruth:
    """Truth with heel, toe, centre and box in photo pixels and the whole flag."""
    cnt = cv2.findContours(r.full.astype(np.uint8), cv2.RETR_EXTERNAL,
                           cv2.CHAIN_APPROX_SIMPLE)[0]
    outline = np.concatenate([c.reshape(-1, 2) for c in cnt]).astype(np.float64)
    pts = np.vstack([[r.heel_xy, r.toe_xy, _centroid(r.full)], outline])
    ph = _to_photo(pts @ M[:, :2].T + M[:, 2], Hm)
    lo, hi = ph[3:].min(0), ph[3:].max(0)
    inside = bool(lo[0] >= 1 and lo[1] >= 1 and hi[0] <= wh[0] - 2 and hi[1] <= wh[1] - 2)
    return replace(truth, heel_xy=tuple(map(float, ph[0])), toe_xy=tuple(map(float, ph[1])),
                   centre_xy=tuple(map(float, ph[2])),
                   box_xy=(float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])),
                   whole=inside and overlap < WHOLE_MAX_OVERLAP_FRAC, overlap_frac=overlap)


def render_photo(spec: RenderSpec, hooks: SceneHooks | None = None) -> RenderedPhoto:
    """Render one photo described by ``spec`` (deterministic given ``spec.seed``), with
    optional scene ``hooks`` (hands, drawings, other surfaces...)."""
    hooks = hooks if hooks is not None else SceneHooks()
    rng = np.random.default_rng(spec.seed)
    shapes = _shapes(spec, rng)
    W = spec.long_side_px if spec.landscape else int(round(spec.long_side_px * 0.75))
    H = int(round(spec.long_side_px * 0.75)) if spec.landscape else spec.long_side_px
    sheet_mm = PAPER_MM[spec.paper]
    corners = _sheet_corners(spec, rng, (W, H), sheet_mm)
    side_px = np.mean([np.hypot(*(corners[1] - corners[0])), np.hypot(*(corners[2] - corners[3]))])
    ppm = float(np.clip(side_px / sheet_mm[0] * 1.1, 2.0, 12.0))
    sheet_px = (int(round(sheet_mm[0] * ppm)), int(round(sheet_mm[1] * ppm)))
    plane, affines, covers, others, blobs = _print_plane(spec, rng, shapes, sheet_px, ppm, hooks)
    src = np.array([[0, 0], [sheet_px[0], 0], [sheet_px[0], sheet_px[1]], [0, sheet_px[1]]],
                   np.float32) - 0.5
    Hm = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    table = cv2.resize(ps.table_image(rng, (H // 4, W // 4)), (W, H), interpolation=cv2.INTER_LINEAR)
    shadow = cv2.warpPerspective(np.ones(sheet_px[::-1], np.float32), Hm, (W, H))
    off = np.float32([[1, 0, rng.uniform(-1, 1) * 0.01 * W], [0, 1, 0.012 * H]])
    shadow = cv2.GaussianBlur(cv2.warpAffine(shadow, off, (W, H)), (0, 0), 0.01 * W + 1)
    table *= (1 - 0.35 * shadow)[..., None]
    sheet = cv2.warpPerspective(plane, Hm, (W, H), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones(sheet_px[::-1], np.float32), Hm, (W, H))[..., None]
    photo = sheet * mask
    photo += table * (1 - mask)
    photo *= _lighting(spec, rng, (H, W))[..., None]
    image = _camera(photo, spec, rng)
    overlaps = _overlap_fracs(covers, others)
    feet = [_foot_in_photo(foot_truth(sh, raster=r if ppm >= TRUTH_MIN_PX_PER_MM else None)[0],
                           M, r, Hm, (W, H), ov)
            for sh, (M, r), ov in zip(shapes, affines, overlaps, strict=True)]
    foot_boxes = [f.box_xy for f in feet]
    blob_truth = tuple(
        BlobTruth(kind=k, box_xy=_box_to_photo(b, Hm), detail=d,
                  touches_foot=any(_boxes_touch(_box_to_photo(b, Hm), fb) for fb in foot_boxes))
        for k, b, d in blobs)
    mm_per_px = float(np.mean([sheet_mm[0] / side_px, sheet_mm[1] / np.mean(
        [np.hypot(*(corners[3] - corners[0])), np.hypot(*(corners[2] - corners[1]))])]))
    return RenderedPhoto(image=image, feet=feet, sheet_corners=corners.astype(np.float32),
                         mm_per_px_sheet=mm_per_px, spec=spec, sheet_to_photo=Hm,
                         sheet_px_per_mm=ppm, clean_masks=tuple(affines), blobs=blob_truth)


def _boxes_touch(a, b) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _centroid(mask: np.ndarray) -> tuple[float, float]:
    ys, xs = np.nonzero(mask)
    return float(xs.mean()), float(ys.mean())


def random_spec(rng: np.random.Generator, **overrides) -> RenderSpec:
    """A varied spec: print kind, paper, one or two feet, size, arch, pose and camera."""
    kind = str(rng.choice(KINDS, p=[0.35, 0.3, 0.2, 0.15]))
    paper = str(rng.choice(["a4", "letter"], p=[0.7, 0.3]))
    colour = str(rng.choice(["white", "coloured", "kraft", "cardboard"], p=[0.5, 0.2, 0.2, 0.1]))
    if kind == "grid_mat":
        colour = "white"
    n_feet = int(rng.choice([1, 2], p=[0.35, 0.65]))
    max_len = (190.0 if n_feet == 2 else (245.0 if kind == "grid_mat" else 265.0))
    max_len = min(max_len, PAPER_MM[paper][1] - (45 if kind == "grid_mat" else 25))
    length = float(rng.uniform(110, max_len))
    rot = float(rng.choice([0, 90, 180, 270]) + rng.normal(0, 8)) if rng.random() < 0.6 \
        else float(rng.uniform(-180, 180))
    spec = RenderSpec(
        kind=kind, paper=paper, paper_colour=colour, n_feet=n_feet, foot_length_mm=length,
        arch_level=float(rng.uniform(0, 1)), toes_touching=bool(rng.random() < 0.35),
        rotation_deg=rot, perspective=float(rng.uniform(0, 1)),
        lighting=float(rng.uniform(0, 1)), noise_sigma=float(rng.uniform(1, 6)),
        blur_px=float(rng.uniform(0, 1.8)), jpeg_quality=int(rng.integers(70, 96)),
        long_side_px=int(rng.choice([2000, 2400, 3000])), landscape=bool(rng.random() < 0.4),
        sheet_fill=float(rng.uniform(0.6, 0.92)),
        foot_angles_deg=tuple(float(a) for a in rng.normal(0, 5, 2)),
        seed=int(rng.integers(0, 2**31 - 1)))
    return replace(spec, **overrides) if overrides else spec
