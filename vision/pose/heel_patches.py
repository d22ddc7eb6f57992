"""Heel and forefoot patches: where to put them, how to follow them (pyramidal LK).

Helpers of :class:`vision.pose.heel_contact.HeelContactTracker`. Coordinates are pixels
of the *grey image*: the frame shrunk so its long side is at most ``GREY_MAX_SIDE_PX``;
only a crop around the feet (:class:`View`) is ever converted to grey.

- Seeds: the heel patch sits ``HEEL_SEED_UP`` of the way from the heel landmark to the
  ankle (on the calcaneus, below the ankle, so a shank that tilts forward does not drag
  it); the forefoot patch ``FORE_SEED_ALONG`` from heel to foot index (the ball), a little
  up onto the foot. Each patch is up to ``MAX_POINTS`` corners (``goodFeaturesToTrack``)
  with enough texture (smallest structure-tensor eigenvalue >= ``MIN_EIG``).
- Following: one ``calcOpticalFlowPyrLK`` call for all points of both feet, and one
  backward; points whose round trip misses by more than ``FB_MAX_FOOT`` foot lengths are
  dropped; a patch with fewer than ``MIN_POINTS`` left is lost; heel and forefoot must keep
  their distance (``RIGID_TOL_FOOT``), as a rigid foot does.
- Occlusion: the further foot (MediaPipe z) whose patches lie on the other leg's shank or
  foot gets a quality factor down to ``OCCLUDED_QUALITY``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from vision.pose.heel_floor import ramp
from vision.pose.posture import FOOT_TO_SHANK
from vision.pose.trace import SIDE_IDX

GREY_MAX_SIDE_PX = 960        # frames larger than this are shrunk (crop only) for the flow
CROP_MARGIN_PX = 40           # grey crop: this far around the feet (+ half a foot length)
# seeding: where the patches sit on the foot (fractions of landmark vectors)
HEEL_SEED_UP = 0.3            # heel patch: this far from the heel landmark towards the ankle
FORE_SEED_ALONG = 0.7         # forefoot patch: this far from heel to foot index ...
FORE_SEED_UP = 0.12           # ... and this far up towards the ankle (onto the foot)
PATCH_RADIUS_FOOT = 0.18      # feature search radius around a seed, foot lengths
MAX_POINTS = 10               # features per patch (LK cost grows with the count)
MIN_POINTS = 3                # fewer good features: the patch is lost
MIN_EIG = 5e-5                # cornerMinEigenVal (block 5, 8-bit grey): below = no texture
GOOD_EIG = 4e-4               # ... at or above this the texture is fully trusted
# tracking checks
FB_MAX_FOOT = 0.04            # forward-backward error that rejects a point, foot lengths
FB_MIN_PX = 0.7               # ... never stricter than this many grey pixels
RIGID_TOL_FOOT = 0.15         # heel-forefoot distance may change this much (foot lengths)
LK_WIN_PX = 15
LK_LEVELS = 2
# quality factors
VIS_ZERO, VIS_FULL = 0.3, 0.8      # landmark visibility mapped linearly to 0..1 quality
OCCLUDED_QUALITY = 0.1        # factor for a foot covered by the other leg
OCCLUDE_DZ = 0.05             # MediaPipe z: the foot this much further away is behind
FORESHORTENED = 0.7           # foot shorter than this x FOOT_TO_SHANK x shank: foreshortened
FOOT_LANDMARKS = (27, 28, 29, 30, 31, 32)   # ankles, heels, foot indices (BlazePose)



@dataclass
class Foot:
    """Tracking state of one foot (grey-image pixels)."""

    heel_pts: np.ndarray | None = None     # (k, 2) float32, full grey-image pixels
    fore_pts: np.ndarray | None = None
    seg: int = -1                          # current segment id, -1 when not tracking
    span0: float = float("nan")           # heel-forefoot distance when the segment began
    texture: float = 0.0                   # texture quality when seeded
    occluded: float = 1.0                  # quality factor for being behind the other leg


@dataclass(frozen=True)
class View:
    """A grey crop of one frame: ``img`` holds full-grey-image pixels from (x0, y0)."""

    img: np.ndarray
    x0: int
    y0: int
    shape: tuple[int, int]                 # (h, w) of the full grey image

    def rect(self) -> tuple[int, int, int, int]:
        return self.x0, self.y0, self.x0 + self.img.shape[1], self.y0 + self.img.shape[0]

    def sub(self, r: tuple[int, int, int, int]) -> np.ndarray:
        """The part of ``img`` inside rectangle ``r`` (full-image pixels, within the crop)."""
        return self.img[r[1] - self.y0:r[3] - self.y0, r[0] - self.x0:r[2] - self.x0]


def grey_view(frame: np.ndarray, row: np.ndarray, tracked: list[np.ndarray],
               prev: View | None) -> View | None:
    """Grey crop around the feet (and the points being tracked), in the pixels of the frame
    shrunk to GREY_MAX_SIDE_PX; None when no foot landmark is known. The previous crop's
    rectangle is kept while the feet stay well inside it (the flow then needs no copies)."""
    h, w = frame.shape[:2]
    s = min(1.0, GREY_MAX_SIDE_PX / max(h, w))
    gh, gw = max(1, round(h * s)), max(1, round(w * s))
    feet = row[list(FOOT_LANDMARKS), :2] * (gw, gh)
    foot = np.nanmax(np.hypot(*(feet[4:6] - feet[2:4]).T)) if np.isfinite(feet[2:]).any() else 0.0
    pts = feet[np.isfinite(feet).all(axis=1)]
    if not len(pts):
        return None
    pts = np.vstack([pts] + [p.reshape(-1, 2) for p in tracked])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    m = CROP_MARGIN_PX + 0.5 * min(float(foot) if np.isfinite(foot) else 0.0, max(gh, gw) / 4)
    need = (max(int(lo[0] - m), 0), max(int(lo[1] - m), 0),
            int(min(np.ceil(hi[0] + m), gw)), int(min(np.ceil(hi[1] + m), gh)))
    if need[2] - need[0] < 2 * LK_WIN_PX or need[3] - need[1] < 2 * LK_WIN_PX:
        return None
    if prev is not None and prev.shape == (gh, gw):
        r, k = prev.rect(), CROP_MARGIN_PX // 2
        if r[0] <= need[0] + k and r[1] <= need[1] + k and r[2] >= need[2] - k and r[3] >= need[3] - k:
            need = r                                # feet still inside: same rectangle
    x0, y0, x1, y1 = need
    crop = frame[int(y0 / s):int(np.ceil(y1 / s)), int(x0 / s):int(np.ceil(x1 / s))]
    if crop.ndim == 3:
        crop = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    if s < 1:
        crop = cv2.resize(crop, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)
    return View(np.ascontiguousarray(crop[:y1 - y0, :x1 - x0]), x0, y0, (gh, gw))


def centre(pts: np.ndarray) -> np.ndarray:
    """Median of (k, 2) points (robust to a stray feature), k >= 1: ``np.median(pts,
    axis=0)`` to the bit (the middle of the sorted column, or the mean of the two middle
    ones), without its general-case overhead (it runs several times a frame)."""
    s = np.sort(pts, axis=0)
    k = len(s) // 2
    return s[k] if len(s) % 2 else (s[k - 1] + s[k]) / 2


def foot_geometry(row: np.ndarray, side: str, shape) -> dict | None:
    """Seeds, foot length and visibility quality of one foot from its landmarks (grey
    pixels), or None when the foot is not in the picture."""
    idx = SIDE_IDX[side]
    h, w = shape[:2]
    pts = {p: row[idx[p], :2] * (w, h) for p in ("knee", "ankle", "heel", "toe")}
    if not all(np.isfinite(v).all() for v in pts.values()):
        return None
    heel, toe, ankle = pts["heel"], pts["toe"], pts["ankle"]
    margin = 2
    if any(not (margin <= p[0] < w - margin and margin <= p[1] < h - margin) for p in (heel, toe)):
        return None
    foot = float(np.hypot(*(toe - heel)))
    shank = float(np.hypot(*(pts["knee"] - ankle)))
    if np.isfinite(shank) and foot < FORESHORTENED * FOOT_TO_SHANK * shank:
        foot = FOOT_TO_SHANK * shank              # foot seen end-on: the shank is the ruler
    if not foot > 1:
        return None
    vis = float(np.nanmin(row[[idx["heel"], idx["toe"], idx["ankle"]], 3]))
    up = ankle - heel
    return dict(heel_seed=heel + HEEL_SEED_UP * up,
                fore_seed=heel + FORE_SEED_ALONG * (toe - heel) + FORE_SEED_UP * up,
                foot_px=foot, q_vis=ramp(vis, VIS_ZERO, VIS_FULL))


def occlusion(row: np.ndarray, shape) -> dict[str, float]:
    """Quality factor per foot for being covered by the other leg: 1 when its patches are
    clear of the other side's shank and foot, falling to OCCLUDED_QUALITY when a patch
    centre lies on them, and only for the further foot (MediaPipe z)."""
    h, w = shape[:2]
    out = {}
    for side, other in (("left", "right"), ("right", "left")):
        a, b = SIDE_IDX[side], SIDE_IDX[other]
        z_me = np.nanmean(row[[a["heel"], a["toe"]], 2])
        z_other = np.nanmean(row[[b["heel"], b["toe"]], 2])
        out[side] = 1.0
        if not (np.isfinite(z_me) and np.isfinite(z_other)) or z_me < z_other + OCCLUDE_DZ:
            continue
        p = {k: row[i, :2] * (w, h) for k, i in ((f"{s}{part}", SIDE_IDX[s][part])
                                                  for s in (side, other)
                                                  for part in ("knee", "ankle", "heel", "toe"))}
        heel, toe, ankle = p[f"{side}heel"], p[f"{side}toe"], p[f"{side}ankle"]
        foot = float(np.hypot(*(toe - heel)))
        mine = [heel + HEEL_SEED_UP * (ankle - heel),
                heel + FORE_SEED_ALONG * (toe - heel) + FORE_SEED_UP * (ankle - heel)]
        segs = [(p[f"{other}knee"], p[f"{other}ankle"]), (p[f"{other}heel"], p[f"{other}toe"]),
                (p[f"{other}ankle"], p[f"{other}heel"])]
        near = min(_seg_dist(q, s0, s1) for q in mine for s0, s1 in segs)
        r = PATCH_RADIUS_FOOT * foot
        out[side] = max(ramp(near, 0.5 * r, 1.5 * r), OCCLUDED_QUALITY)
    return out


def _seg_dist(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Distance from point p to segment a-b (NaN-safe: inf when undefined)."""
    d = b - a
    n2 = float(d @ d)
    if not np.isfinite(n2):
        return float("inf")
    u = 0.0 if n2 == 0 else float(np.clip((p - a) @ d / n2, 0, 1))
    v = float(np.hypot(*(p - (a + u * d))))
    return v if np.isfinite(v) else float("inf")


def _features(view: View, centre: np.ndarray, radius: float) -> tuple[np.ndarray, float] | None:
    """Up to MAX_POINTS textured corners within ``radius`` of ``centre`` (full-image
    pixels) as (k, 2) float32, and their texture quality 0..1; None when fewer than
    MIN_POINTS are textured."""
    r = max(int(round(radius)), 3)
    cx, cy = int(round(centre[0])), int(round(centre[1]))
    X0, Y0, X1, Y1 = view.rect()
    rect = (max(cx - r, X0), max(cy - r, Y0), min(cx + r + 1, X1), min(cy + r + 1, Y1))
    if rect[2] - rect[0] < 5 or rect[3] - rect[1] < 5:
        return None
    crop = view.sub(rect)
    mask = np.zeros_like(crop)
    cv2.circle(mask, (cx - rect[0], cy - rect[1]), r, 255, -1)
    pts = cv2.goodFeaturesToTrack(crop, MAX_POINTS, 0.05, 2, mask=mask, blockSize=5)
    if pts is None:
        return None
    pts = pts.reshape(-1, 2).astype(np.float32)
    eig = cv2.cornerMinEigenVal(np.ascontiguousarray(crop), 5)
    xy = np.clip(np.round(pts).astype(int), 0, (crop.shape[1] - 1, crop.shape[0] - 1))
    keep = eig[xy[:, 1], xy[:, 0]] >= MIN_EIG
    if keep.sum() < MIN_POINTS:
        return None
    texture = ramp(float(np.median(eig[xy[keep, 1], xy[keep, 0]])), MIN_EIG, GOOD_EIG)
    return pts[keep] + np.float32([rect[0], rect[1]]), texture


def seed(foot: Foot, view: View, geo: dict) -> bool:
    """Start a segment: features on the heel and the forefoot (False when either patch
    has too little texture)."""
    r = PATCH_RADIUS_FOOT * geo["foot_px"]
    heel = _features(view, geo["heel_seed"], r)
    fore = _features(view, geo["fore_seed"], r)
    if heel is None or fore is None:
        return False
    (foot.heel_pts, tex_heel), (foot.fore_pts, tex_fore) = heel, fore
    foot.texture = min(tex_heel, tex_fore)
    return True


def _lk(prev: View, view: View, pts: np.ndarray):
    """Points (k, 2, full-image pixels) moved from ``prev`` to ``view`` by pyramidal LK and
    back: (new points, both directions found, forward-backward error px), or None when the
    two crops hardly overlap."""
    a, b = prev.rect(), view.rect()
    if a == b:                                      # same crop: no copies
        off, p0, p1 = np.float32(a[:2]), prev.img, view.img
    else:
        r = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
        if r[2] - r[0] < 2 * LK_WIN_PX or r[3] - r[1] < 2 * LK_WIN_PX:
            return None
        off = np.float32(r[:2])
        p0, p1 = np.ascontiguousarray(prev.sub(r)), np.ascontiguousarray(view.sub(r))
    local = (pts.astype(np.float32) - off).reshape(-1, 1, 2)
    lk = dict(winSize=(LK_WIN_PX, LK_WIN_PX), maxLevel=LK_LEVELS,
              criteria=(cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 0.03))
    nxt, st, _ = cv2.calcOpticalFlowPyrLK(p0, p1, local, None, **lk)
    back, st2, _ = cv2.calcOpticalFlowPyrLK(p1, p0, nxt, None, **lk)
    fb = np.hypot(*(back - local).reshape(-1, 2).T)
    return nxt.reshape(-1, 2) + off, (st.ravel() == 1) & (st2.ravel() == 1), fb


def follow(feet: list[Foot], foot_px: list[float], prev: View, view: View,
           floor: Floor | None = None) -> tuple[list[bool], bool]:
    """Move every foot's features (and the floor's, when ``floor`` is followed) from
    ``prev`` to ``view`` in one LK call with a forward-backward check. Returns per foot
    False when a patch is lost or the two patches no longer move as one rigid foot, and
    whether the floor's camera motion was found (:func:`floor_fit`)."""
    sizes = [(len(f.heel_pts), len(f.fore_pts)) for f in feet]
    with_floor = floor is not None and floor.seg >= 0 and floor.pts is not None
    pts = np.vstack([p for f in feet for p in (f.heel_pts, f.fore_pts)]
                    + ([floor.pts] if with_floor else []))
    moved = _lk(prev, view, pts)
    if moved is None:
        return [False] * len(feet), False
    nxt, found, fb = moved
    ok, i = [], 0
    for foot, (kh, kf), L in zip(feet, sizes, foot_px, strict=True):
        sl = slice(i, i + kh + kf)
        i += kh + kf
        good = found[sl] & (fb[sl] < max(FB_MAX_FOOT * L, FB_MIN_PX))
        gh, gf = good[:kh], good[kh:]
        if gh.sum() < MIN_POINTS or gf.sum() < MIN_POINTS:
            ok.append(False)
            continue
        foot.heel_pts, foot.fore_pts = nxt[sl][:kh][gh], nxt[sl][kh:][gf]
        span = float(np.hypot(*(centre(foot.heel_pts) - centre(foot.fore_pts))))
        ok.append(abs(span - foot.span0) <= RIGID_TOL_FOOT * L)
    floor_ok = with_floor and floor_fit(floor, pts[i:], nxt[i:], found[i:] & (fb[i:] < FB_MIN_PX))
    return ok, floor_ok


# ----- the floor: camera motion from floor texture around the feet --------------------------
FLOOR_MAX_POINTS = 20         # floor corners tracked (around the feet, off the body)
FLOOR_MIN_POINTS = 10          # fewer left after the flow: seed more
FLOOR_MIN_INLIERS = 6         # a camera motion needs this many agreeing floor points
FLOOR_BODY_MARGIN_FOOT = 0.35  # floor corners stay this far (foot lengths) off legs and feet
FLOOR_RANSAC_PX = 1.5         # RANSAC reprojection threshold (grey pixels)
LEG_LANDMARKS = ((25, 27), (27, 29), (29, 31), (31, 27), (26, 28), (28, 30), (30, 32), (32, 28))


@dataclass
class Floor:
    """Floor points being followed and the camera motion since the floor frame began:
    ``M`` (2x3) maps floor-frame grey pixels to the current frame's."""

    pts: np.ndarray | None = None
    M: np.ndarray = field(default_factory=lambda: np.float64([[1, 0, 0], [0, 1, 0]]))
    seg: int = -1

    def to_floor(self, p: np.ndarray) -> np.ndarray:
        """Current-frame grey pixel ``p`` (2,) in floor-frame pixels."""
        A, t = self.M[:, :2], self.M[:, 2]
        return np.linalg.solve(A, np.asarray(p, float) - t)

    @property
    def scale(self) -> float:
        """Zoom of the current frame against the floor frame (1 = same)."""
        return float(np.sqrt(abs(np.linalg.det(self.M[:, :2]))))


def floor_seed(view: View, row: np.ndarray, foot_px: float) -> np.ndarray | None:
    """Up to FLOOR_MAX_POINTS textured corners in the crop, off the legs and feet (drawn
    from the landmarks, FLOOR_BODY_MARGIN_FOOT wide), as (k, 2) float32 full-image pixels;
    None when too few are found."""
    mask = np.full(view.img.shape, 255, np.uint8)
    h, w = view.shape
    xy = row[:, :2] * (w, h) - (view.x0, view.y0)
    r = max(int(FLOOR_BODY_MARGIN_FOOT * foot_px), 3)
    for a, b in LEG_LANDMARKS:
        if np.isfinite(xy[[a, b]]).all():
            cv2.line(mask, tuple(int(v) for v in xy[a]), tuple(int(v) for v in xy[b]), 0, 2 * r)
    pts = cv2.goodFeaturesToTrack(view.img, FLOOR_MAX_POINTS, 0.02, 5, mask=mask, blockSize=5)
    if pts is None or len(pts) < FLOOR_MIN_INLIERS:
        return None
    return pts.reshape(-1, 2).astype(np.float32) + np.float32([view.x0, view.y0])


def floor_follow(floor: Floor, prev: View, view: View) -> bool:
    """Follow the floor points alone from ``prev`` to ``view`` (when no foot is being
    followed; otherwise :func:`follow` moves them in its LK call); see :func:`floor_fit`."""
    if floor.pts is None:
        return False
    moved = _lk(prev, view, floor.pts)
    if moved is None:
        return False
    nxt, found, fb = moved
    return floor_fit(floor, floor.pts, nxt, found & (fb < FB_MIN_PX))


def floor_fit(floor: Floor, src: np.ndarray, dst: np.ndarray, good: np.ndarray) -> bool:
    """Compose the camera motion from floor points moved ``src`` -> ``dst`` (full-image
    pixels; ``good`` passed the flow checks): a similarity fitted with RANSAC. Keeps the
    inliers; False when fewer than FLOOR_MIN_INLIERS agree."""
    if good.sum() < FLOOR_MIN_INLIERS:
        return False
    A, inl = cv2.estimateAffinePartial2D(src[good], dst[good], method=cv2.RANSAC,
                                         ransacReprojThreshold=FLOOR_RANSAC_PX)
    if A is None or inl is None or inl.sum() < FLOOR_MIN_INLIERS:
        return False
    step = np.vstack([A, [0, 0, 1]])
    floor.M = (step @ np.vstack([floor.M, [0, 0, 1]]))[:2]
    floor.pts = dst[good][inl.ravel() == 1].astype(np.float32)
    return True
