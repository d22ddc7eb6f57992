"""From analysis-image pixels back to the original photo's pixels.

The pipeline analyses a copy of the photo: decoded at a reduced size (at most
``DECODE_SIDE_PX`` on its long side), then either rectified to the sheet (a homography) or
shrunk again to ``ANALYSIS_SIDE_PX``. Every position the result reports (``box_px``,
``heel_px``, ``toe_px``, ``contour_px`` and the boxes of ignored marks) is mapped back here
to pixels of the photo as the user sees it: full resolution, EXIF orientation applied, before
any rectification or rotation. Points are (x, y), y down, pixel centres at integers.

>>> import numpy as np
>>> m = PhotoMap.scaled(0.5, decoded_wh=(100, 50), photo_wh=(400, 200))
>>> m.to_photo([(10.0, 5.0)]).round(1).tolist()
[[83.5, 43.5]]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

__all__ = ["PhotoMap", "mask_box"]

_MIN_W = 1e-9          # homogeneous coordinate below this is a point at infinity


@dataclass(frozen=True)
class PhotoMap:
    """Analysis image -> original photo.

    view_to_decoded : 3x3 homography, analysis-image pixels -> decoded-image pixels.
    decoded_wh, photo_wh : (width, height) of the decoded image and of the original photo.
    """

    view_to_decoded: np.ndarray = field(repr=False)
    decoded_wh: tuple[int, int]
    photo_wh: tuple[int, int]

    @classmethod
    def scaled(cls, factor: float, *, decoded_wh, photo_wh) -> PhotoMap:
        """The analysis image is the decoded image resized by ``factor``."""
        s = 1.0 / float(factor)
        # pixel centres: x_dec + 0.5 = (x_view + 0.5) / factor
        h = np.array([[s, 0.0, 0.5 * s - 0.5], [0.0, s, 0.5 * s - 0.5], [0.0, 0.0, 1.0]])
        return cls(h, tuple(map(int, decoded_wh)), tuple(map(int, photo_wh)))

    @classmethod
    def from_sheet(cls, decoded_to_sheet: np.ndarray, *, decoded_wh, photo_wh) -> PhotoMap:
        """The analysis image is the rectified sheet (``paper.Sheet.homography``)."""
        return cls(np.linalg.inv(np.asarray(decoded_to_sheet, float)),
                   tuple(map(int, decoded_wh)), tuple(map(int, photo_wh)))

    def to_photo(self, points) -> np.ndarray:
        """(n, 2) analysis-image (x, y) -> (n, 2) float original-photo (x, y)."""
        p = np.asarray(points, float).reshape(-1, 2)
        q = np.column_stack([p, np.ones(len(p))]) @ self.view_to_decoded.T
        w = np.where(np.abs(q[:, 2]) < _MIN_W, _MIN_W, q[:, 2])
        dec = q[:, :2] / w[:, None]
        sx = self.photo_wh[0] / max(self.decoded_wh[0], 1)
        sy = self.photo_wh[1] / max(self.decoded_wh[1], 1)
        return np.column_stack([(dec[:, 0] + 0.5) * sx - 0.5, (dec[:, 1] + 0.5) * sy - 0.5])

    def point(self, xy) -> tuple[float, float]:
        """One (x, y) point, as a tuple of floats."""
        x, y = self.to_photo([xy])[0]
        return float(x), float(y)

    def box(self, mask: np.ndarray) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) original-photo box around the True pixels of an analysis mask
        (the mapped outline's extremes; pixel edges, so a one-pixel mask has a non-empty box)."""
        return mask_box(mask, self)


def mask_box(mask: np.ndarray, photo_map: PhotoMap | None = None
             ) -> tuple[float, float, float, float]:
    """Box (x0, y0, x1, y1) of a bool mask, in its own pixels or mapped by ``photo_map``."""
    m8 = np.ascontiguousarray(mask, dtype=bool).view(np.uint8)
    x, y, w, h = cv2.boundingRect(m8)
    if w == 0 or h == 0:
        return (0.0, 0.0, 0.0, 0.0)
    if photo_map is None:
        return (float(x), float(y), float(x + w), float(y + h))
    cnts, _ = cv2.findContours(m8[y:y + h, x:x + w], cv2.RETR_EXTERNAL,
                               cv2.CHAIN_APPROX_SIMPLE, offset=(x, y))
    pts = np.vstack([c.reshape(-1, 2) for c in cnts]).astype(float)
    # pixel corners, not centres: grow each outline point by half a pixel both ways
    corners = np.vstack([pts + d for d in ((-0.5, -0.5), (0.5, -0.5), (0.5, 0.5),
                                           (-0.5, 0.5))])
    q = photo_map.to_photo(corners)
    x0, y0 = np.clip(q.min(axis=0), 0, None)
    x1 = min(float(q[:, 0].max()), photo_map.photo_wh[0])
    y1 = min(float(q[:, 1].max()), photo_map.photo_wh[1])
    return (float(x0), float(y0), float(x1), float(y1))
