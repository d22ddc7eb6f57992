"""Decode a footprint photo into a BGR array, safely and quickly.

Conventions
-----------
- Output: ``np.ndarray`` of shape (rows, cols, 3), dtype uint8, channel order BGR (OpenCV),
  EXIF orientation already applied (phones store portrait photos as rotated landscape).
- Transparent pixels (PNG/WebP with alpha) are composited over white, the colour of paper.
- Safety: the pixel count is read from the file header *before* any pixel is decoded, so a
  "decompression bomb" (for example a 30000 x 30000 PNG) is refused in milliseconds.
- Speed: with ``max_side`` the JPEG decoder works at 1/2, 1/4 or 1/8 scale (``Image.draft``),
  which is several times faster than decoding the full 12 MP and then shrinking.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from vision.footprint.result import FootprintError

try:  # HEIC/HEIF (iPhone photos) when the optional plug-in is installed
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIC_SUPPORTED = True
except Exception:  # pragma: no cover - depends on the environment
    HEIC_SUPPORTED = False


__all__ = ["load_image", "photo_size", "HEIC_SUPPORTED"]

_ORIENTATION = 0x0112     # EXIF tag: 1 = upright, 2-8 = mirrored and/or rotated
_REDUCED_FLAGS = {2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4,
                  8: cv2.IMREAD_REDUCED_COLOR_8}


def _open(source) -> tuple[Image.Image, str]:
    """Open lazily (header only) and return the PIL image and a display name."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = "<bytes>"
        if not data:
            raise FootprintError("The image is empty (0 bytes); please choose the photo again.")
        fp = io.BytesIO(data)
    elif isinstance(source, (str, Path)):
        path = Path(source)
        name = path.name
        if not path.is_file():
            raise FootprintError(f"The file {name!r} does not exist or is not a file.")
        if path.stat().st_size == 0:
            raise FootprintError(f"The file {name!r} is empty (0 bytes); "
                                 "please choose the photo again.")
        fp = path
    else:
        raise TypeError(f"source must be a path or bytes, not {type(source).__name__}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(fp)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FootprintError(f"The image {name!r} has far too many pixels to be a photo "
                             "of a footprint; it was not opened.") from exc
    except UnidentifiedImageError as exc:
        raise FootprintError(f"The file {name!r} is not an image this tool can read "
                             "(JPEG, PNG, WebP, TIFF or HEIC).") from exc
    except OSError as exc:
        raise FootprintError(f"The file {name!r} could not be read: {exc}.") from exc
    return img, name


_SWAPS_SIDES = (5, 6, 7, 8)   # EXIF orientations that turn the picture by 90 degrees


def photo_size(source) -> tuple[int, int]:
    """(width, height) of the photo as shown (EXIF orientation applied), from its header.

    Raises FootprintError like :func:`load_image` for unreadable input.
    """
    img, _ = _open(source)
    w, h = img.size
    try:
        turned = img.getexif().get(_ORIENTATION, 1) in _SWAPS_SIDES
    except Exception:  # noqa: BLE001 - a broken EXIF block only loses the orientation
        turned = False
    return (h, w) if turned else (w, h)


def _to_bgr(img: Image.Image) -> np.ndarray:
    """Convert any Pillow mode to BGR uint8, alpha composited over white."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        top = arr.max() if arr.size and arr.max() > 0 else 1.0
        img = Image.fromarray((arr * (255.0 / top)).astype(np.uint8))
    elif img.mode == "F":
        arr = np.nan_to_num(np.asarray(img, dtype=np.float64))
        lo, hi = float(arr.min()), float(arr.max())
        img = Image.fromarray(((arr - lo) * (255.0 / max(hi - lo, 1e-9))).astype(np.uint8))
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    rgb = np.asarray(img if img.mode == "RGB" else img.convert("RGB"))
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _reduced_jpeg(source, img: Image.Image, full_width: int) -> np.ndarray | None:
    """A drafted JPEG decoded by OpenCV straight to BGR, or None to let Pillow do it.

    Both use libjpeg's scaled decoding, so the pixels are the same; OpenCV skips Pillow's
    RGB copies and the colour swap. Only for the plain case: an upright (no EXIF rotation)
    RGB JPEG that ends with its end-of-image marker (Pillow reports a truncated file, OpenCV
    would fill the missing part with grey).
    """
    scale = round(full_width / img.size[0])
    if scale not in _REDUCED_FLAGS or img.mode != "RGB" \
            or img.getexif().get(_ORIENTATION, 1) != 1:
        return None
    if isinstance(source, (str, Path)):
        source = Path(source).read_bytes()
    data = np.frombuffer(source, np.uint8)
    if data.size < 4 or data[-2] != 0xFF or data[-1] != 0xD9:
        return None
    bgr = cv2.imdecode(data, _REDUCED_FLAGS[scale] | cv2.IMREAD_IGNORE_ORIENTATION)
    if bgr is None or bgr.shape != (img.size[1], img.size[0], 3):
        return None
    return bgr


def load_image(source, *, max_pixels: int = 50_000_000, max_side: int | None = None
               ) -> np.ndarray:
    """Decode a photo (path or bytes) into a BGR uint8 array.

    Parameters
    ----------
    source : str, pathlib.Path or bytes
        JPEG, PNG, WebP, TIFF (HEIC when ``pillow-heif`` is installed).
    max_pixels : int, optional
        Refuse images whose header announces more pixels than this, before decoding.
    max_side : int, optional
        When given, the longest side of the result is at most this many pixels (JPEGs are
        decoded directly at a reduced scale, others are shrunk with area averaging).

    Returns
    -------
    image : ndarray of uint8, shape (rows, cols, 3)
        BGR, EXIF orientation applied.

    Raises
    ------
    FootprintError
        Empty, truncated, oversized or unreadable input, with a sentence saying why.

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> buf = io.BytesIO(); Image.new("RGB", (40, 30), "white").save(buf, "PNG")
    >>> load_image(buf.getvalue()).shape
    (30, 40, 3)
    """
    if max_pixels <= 0:
        raise ValueError(f"max_pixels must be positive, got {max_pixels!r}")
    if max_side is not None and max_side < 16:
        raise ValueError(f"max_side must be at least 16, got {max_side!r}")
    # Pillow's own bomb guard raises above 2x this value; keep it in step with ours.
    Image.MAX_IMAGE_PIXELS = max(int(max_pixels), Image.MAX_IMAGE_PIXELS or 0)
    img, name = _open(source)
    width, height = img.size
    if width <= 0 or height <= 0:
        raise FootprintError(f"The image {name!r} has no pixels.")
    if width * height > max_pixels:
        raise FootprintError(
            f"The image {name!r} is {width} x {height} pixels, more than the "
            f"{max_pixels / 1e6:.0f} megapixels accepted; please send a normal phone photo.")
    bgr = None
    try:
        if max_side is not None and img.format == "JPEG":
            # decode at 1/2, 1/4 or 1/8 while staying above 70 % of max_side
            ratio = max(width, height) / (0.7 * max_side)
            if ratio >= 2:
                img.draft("RGB", (int(width / ratio) + 1, int(height / ratio) + 1))
                bgr = _reduced_jpeg(source, img, width)
        if bgr is None:
            img.load()
            transposed = ImageOps.exif_transpose(img, in_place=False) \
                if img.getexif().get(_ORIENTATION, 1) != 1 else None
            img = img if transposed is None else transposed   # no copy when upright
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise FootprintError(f"The image {name!r} is damaged or incomplete "
                             f"(it could not be decoded: {exc}).") from exc
    if bgr is None:
        bgr = _to_bgr(img)
    if max_side is not None and max(bgr.shape[:2]) > max_side:
        scale = max_side / max(bgr.shape[:2])
        size = (max(1, round(bgr.shape[1] * scale)), max(1, round(bgr.shape[0] * scale)))
        bgr = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(bgr)
