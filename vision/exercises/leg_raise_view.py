"""The camera's view of the leg's swing plane in a supine leg raise, from the thigh's rigidity.

A leg raise swings the thigh in the body's sagittal plane (the vertical plane along the
body). Seen from exactly the side that plane is shown true to shape, but from an oblique
camera its along-the-body axis is shortened by the cosine of the angle off the side view,
and a camera looking down shortens its vertical axis: a hip angle read in the image is then
too high (oblique) or too low (from above), by 10-25 degrees at 30-60 degrees off the side.

Under a distant camera the plane maps to the image by a linear map ``M`` (2 x 2), so the
thigh vector (hip -> knee), of constant true length, traces an ellipse in the image,
centred on the hip, as the leg swings. :func:`swing_view` fits that ellipse
(``a x^2 + b x y + c y^2 = 1``, least squares, frames weighted so that every 10-degree
direction bin counts alike, not the many resting frames) and returns the symmetric square
root ``S`` of its matrix: ``S`` maps the image back to the plane up to a rotation, so the
angle between ``S @ thigh`` and ``S @ trunk`` is the true hip angle
(:func:`corrected_flexion_deg`; the trunk lies along the plane's body axis).

``off_side_deg`` is the angle off the side view read from the fitted map: the shortening of
the body axis against the vertical, ``arccos`` of their length ratio (0 = side view).
The fit is trusted only when the thigh swept at least ``MIN_SWEEP_DEG`` of image
directions in ``MIN_BINS`` bins; otherwise no correction is made (``S`` = identity).
Coordinates are height-normalised image units (isotropic), angles degrees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BIN_DEG = 10.0            # direction bins that weigh alike in the ellipse fit
MIN_BINS = 4              # the fit needs the thigh seen in this many direction bins ...
MIN_BIN_FRAMES = 3        # ... each with at least this many frames ...
MIN_SWEEP_DEG = 40.0      # ... spanning at least this many degrees of image direction
MAX_AXIS_RATIO = 3.0      # a fitted ellipse flatter than this is not a view (a bad fit)
ANISO_CHI2 = 13.8        # chi-square (2 dof, p = 0.001) for the view to differ from the side
EFFECTIVE_PER_BIN = 5     # independent frames a direction bin counts as (see _anisotropic)
OUTLIER_K = 3.0           # frames off the ellipse by this many robust std are refitted without


@dataclass(frozen=True)
class SwingView:
    """The fitted view of the swing plane.

    ``S``: 2 x 2 map from image vectors to the plane (up to scale and rotation; identity when
    not fitted). ``off_side_deg``: angle of the camera off the side view (degrees; NaN when
    not fitted). ``fitted``: whether the thigh swept enough for a fit.
    """

    S: np.ndarray
    off_side_deg: float
    fitted: bool


IDENTITY = SwingView(np.eye(2), float("nan"), False)


def _sqrtm_sym(q: np.ndarray) -> np.ndarray | None:
    w, v = np.linalg.eigh(q)
    if w.min() <= 0:
        return None
    return (v * np.sqrt(w)) @ v.T


def fit_ellipse(vecs: np.ndarray) -> np.ndarray | None:
    """Symmetric 2 x 2 ``Q`` with ``v^T Q v = 1`` for the image thigh vectors ``vecs``
    (k, 2), fitted with every ``BIN_DEG`` direction bin weighted alike; None when the
    directions do not span enough (see the module notes) or the fit is not an ellipse."""
    ok = np.isfinite(vecs).all(axis=1)
    v = vecs[ok]
    if len(v) < MIN_BINS * MIN_BIN_FRAMES:
        return None
    ang = np.degrees(np.arctan2(v[:, 1], v[:, 0])) % 180.0    # a line's direction
    bins = np.floor(ang / BIN_DEG).astype(int)
    counts = np.bincount(bins, minlength=int(180 / BIN_DEG))
    used = np.flatnonzero(counts >= MIN_BIN_FRAMES)
    if used.size < MIN_BINS or _sweep_deg(used) < MIN_SWEEP_DEG:
        return None
    keep = counts[bins] >= MIN_BIN_FRAMES
    v, bins = v[keep], bins[keep]
    w = 1.0 / counts[bins]
    A = np.stack([v[:, 0] ** 2, v[:, 0] * v[:, 1], v[:, 1] ** 2], axis=1)
    for _ in range(2):
        sw = np.sqrt(w)
        coef, *_ = np.linalg.lstsq(A * sw[:, None], sw, rcond=None)
        res = A @ coef - 1.0
        mad = 1.4826 * np.median(np.abs(res)) + 1e-9
        w = np.where(np.abs(res) > OUTLIER_K * mad, 0.0, w)
    if not _anisotropic(A, w, coef, int(used.size)):
        return np.eye(2) * float(np.sum(w * (A[:, 0] + A[:, 2])) / np.sum(w * (A[:, 0] + A[:, 2]) ** 2))
    a, b, c = coef
    q = np.array([[a, b / 2], [b / 2, c]])
    ev = np.linalg.eigvalsh(q)
    if ev.min() <= 0 or np.sqrt(ev.max() / ev.min()) > MAX_AXIS_RATIO:
        return None
    return q


def _anisotropic(A: np.ndarray, w: np.ndarray, coef: np.ndarray, n_bins: int) -> bool:
    """True when the fitted ellipse departs from a circle by more than its noise: the
    departure ``(a - c, b)`` against its covariance from the weighted fit (chi-square, 2
    degrees of freedom, above ``ANISO_CHI2``). A short or noisy swing is left uncorrected."""
    keep = w > 0
    if keep.sum() < 6:
        return False
    # neighbouring frames are not independent: the evidence counts as EFFECTIVE_PER_BIN
    # frames per direction bin, whatever the frame rate
    ww = w[keep] / w[keep].sum() * EFFECTIVE_PER_BIN * n_bins
    Aw = A[keep] * np.sqrt(ww)[:, None]
    res = (A[keep] @ coef - 1.0) * np.sqrt(ww)
    sigma2 = float(res @ res) / max(float(ww.sum()) - 3, 1.0)
    try:
        cov = sigma2 * np.linalg.inv(Aw.T @ Aw)
    except np.linalg.LinAlgError:
        return False
    J = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
    d = J @ coef
    try:
        chi2 = float(d @ np.linalg.solve(J @ cov @ J.T, d))
    except np.linalg.LinAlgError:
        return False
    return chi2 > ANISO_CHI2


def _sweep_deg(used_bins: np.ndarray) -> float:
    """Span of the used direction bins (degrees), on the half circle of line directions."""
    n = int(180 / BIN_DEG)
    occ = np.zeros(n, bool)
    occ[used_bins] = True
    # the largest empty stretch (circularly) is what the sweep does not cover
    empty, run = 0, 0
    for x in np.concatenate([occ, occ]):
        run = 0 if x else run + 1
        empty = max(empty, min(run, n))
    return float((n - empty) * BIN_DEG - BIN_DEG)


def swing_view(thighs: list[np.ndarray], trunk: np.ndarray,
               quality: list[float] | None = None) -> SwingView:
    """Fit the view from the thigh vectors (hip -> knee, (n, 2) per leg) and the trunk
    vector (mid-shoulder -> mid-hip, (n, 2)). Each leg is fitted on its own (the near and
    far leg stand at different distances, and the far one is often guessed); the best-seen
    leg (highest ``quality``, e.g. median visibility) whose swing allows a fit is used."""
    quality = quality if quality is not None else [1.0] * len(thighs)
    fits = []
    for v, qual in zip(thighs, quality, strict=True):
        ln = np.hypot(v[:, 0], v[:, 1])
        if np.isfinite(ln).sum() < MIN_BIN_FRAMES:
            continue
        q = fit_ellipse(v / np.nanmedian(ln))
        if q is not None:
            fits.append((qual, q))
    if not fits:
        return IDENTITY
    q = max(fits, key=lambda f: f[0])[1]
    S = _sqrtm_sym(q)
    u = np.nanmedian(trunk / np.hypot(trunk[:, 0], trunk[:, 1])[:, None], axis=0)
    if S is None or not np.isfinite(u).all():
        return IDENTITY
    S = S / np.sqrt(abs(np.linalg.det(S)))
    # the images of the plane's body axis (along the trunk) and of its vertical
    su = S @ u
    su /= np.hypot(*su)
    m = np.linalg.inv(S)
    off = off_side_deg(m @ su, m @ np.array([-su[1], su[0]]))
    return SwingView(S, off, True)


def off_side_deg(m_x: np.ndarray, m_y: np.ndarray) -> float:
    """Angle (degrees) of the camera off the side view from the images ``m_x``, ``m_y`` of
    the plane's body axis and vertical (any common scale).

    A camera ``d`` off the side and looking down at ``e`` images them as (cos d, sin d sin e)
    and (0, cos e): with ``r = |m_x| / |m_y|`` and ``p = m_x . m_y / |m_y|^2``,
    ``sin^2 d`` is the positive root of ``u^2 + (r^2 - 1) u - p^2 = 0``."""
    ny = float(m_y @ m_y)
    r2 = float(m_x @ m_x) / ny
    p = float(m_x @ m_y) / ny
    u = (-(r2 - 1) + np.sqrt((r2 - 1) ** 2 + 4 * p * p)) / 2
    return float(np.degrees(np.arcsin(np.sqrt(np.clip(u, 0.0, 1.0)))))


def corrected_flexion_deg(view: SwingView, trunk: np.ndarray, thigh: np.ndarray) -> np.ndarray:
    """(n,) hip flexion in degrees: the angle between the trunk direction (shoulder -> hip,
    continued past the hip) and the thigh, both mapped back to the swing plane by ``view.S``
    (0 = in line with the trunk, 90 = at a right angle to it)."""
    a = trunk @ view.S.T
    b = thigh @ view.S.T
    cross = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
    dot = (a * b).sum(axis=1)
    return np.degrees(np.abs(np.arctan2(cross, dot)))
