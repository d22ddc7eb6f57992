"""Where a blurred print's edge is: half-way between the local paper and ink levels.

A print is the contact area of the sole. The photo shows it blurred (ink or water spreading
a little, the lens, the smoothing of the darkening map). For a symmetric blur the contact
boundary is where the blurred darkening crosses half-way between the paper's level and the
ink's level on either side of that stretch of edge, which is also where the darkening
changes fastest (the inflection point of the blurred step). A single global threshold
instead puts the edge at different fractions of the local contrast: outside the contact
where the ink is heavy (heel, ball) and inside where it is light (a lightly pressed
midfoot band), which biases the arch index.

Model (on the darkening density of :mod:`vision.footprint.threshold`, 0..1): the local
threshold is the gradient-weighted mean of the density near the first-pass outline,

    T = G * (dens |grad dens|^2) / G * (|grad dens|^2),

with ``G`` a Gaussian of ``_WINDOW_FRAC`` of the image's long side. Across one blurred step
the weight is symmetric about the inflection point and the density is odd about its
half-way value, so ``T`` is the half-way value whatever the blur width, the paper's level
(uneven light) and the ink's level (heavy heel, light band, faint print): no level and no
blur width need be estimated. Only pixels within ``_BAND_FRAC`` of the first-pass outline
weigh, so the print's own texture (ink grain, crosshatch) does not. Where no outline is
near, the caller's global threshold stays. The threshold never falls below the paper's
noise (``_NOISE_SIGMAS``).

Sizes are fractions of the density map's long side.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["half_contrast_threshold", "half_contrast_mask"]

_BAND_FRAC = 0.008      # of the long side (~2.4 mm on a rectified A4): reach of an edge's blur
_WINDOW_FRAC = 0.006    # of the long side: window of the weighted mean along the edge
_MIN_WEIGHT = 0.05      # of the median edge weight: less than this is no edge nearby
_NOISE_SIGMAS = 3.0     # the threshold stays this many paper noise widths above the paper
_RIM_FRAC = 0.003       # of the long side: a shaved rim thinner than twice this is blur


def _outline_band(mask: np.ndarray, radius: float) -> np.ndarray:
    """Pixels within ``radius`` px of the mask's outline (either side)."""
    m8 = mask.astype(np.uint8)
    d_in = cv2.distanceTransform(np.pad(m8, 1, constant_values=1), cv2.DIST_L2, 3)[1:-1, 1:-1]
    d_out = cv2.distanceTransform(1 - m8, cv2.DIST_L2, 3)
    return np.where(mask, d_in, d_out) <= radius


def half_contrast_threshold(dens: np.ndarray, mask: np.ndarray, fallback: float,
                            noise: float, paper: float = 0.0) -> np.ndarray:
    """Per-pixel threshold (float32, like ``dens``) putting the edge at half contrast.

    Parameters
    ----------
    dens : darkening density (0..1, float32), print high.
    mask : first-pass print mask (bool), from a global hysteresis threshold.
    fallback : the global threshold, kept where no outline is near.
    noise, paper : the paper's noise (robust standard deviation) and level of ``dens``.
    """
    side = max(dens.shape)
    out = np.full(dens.shape, fallback, np.float32)
    if not mask.any() or mask.all():
        return out
    gx = cv2.Sobel(dens, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(dens, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    band = _outline_band(mask, max(2.0, _BAND_FRAC * side))
    g2 = gx * gx + gy * gy
    w = g2 * g2 * band
    sig = max(1.0, _WINDOW_FRAC * side)
    den = cv2.GaussianBlur(w, (0, 0), sig)
    num = cv2.GaussianBlur(dens * w, (0, 0), sig)
    ref = float(np.median(den[band & mask])) if (band & mask).any() else 0.0
    near = band & (den > _MIN_WEIGHT * ref) & (den > 0)
    thr = num[near] / den[near]
    out[near] = np.maximum(thr, paper + _NOISE_SIGMAS * noise)
    return out


def half_contrast_mask(dens: np.ndarray, low: np.ndarray, fallback: float, noise: float,
                       paper: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(threshold map, kept-back mask): ``dens > threshold | kept`` is the print at half
    contrast, before the caller's hysteresis (seeds). ``low`` is the first-pass print
    (``dens > fallback``, seeded parts).

    Only a thin rim of the first pass is shaved off where the local half contrast lies
    above it (heavy ink spread into the blur): a thicker region below it (a light midfoot
    band meeting the heel, whose ink level is its own, not the heel's) is kept back.
    """
    thr = half_contrast_threshold(dens, low, fallback, noise, paper)
    shaved = (low & (dens <= thr)).astype(np.uint8)
    if not shaved.any():
        return thr, np.zeros(dens.shape, bool)
    r = max(1, int(round(_RIM_FRAC * max(dens.shape))))
    se = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return thr, cv2.morphologyEx(shaved, cv2.MORPH_OPEN, se).astype(bool)
