"""vision.footprint.load: safe, fast decoding of footprint photos."""

from __future__ import annotations

import io
import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from vision.footprint.load import HEIC_SUPPORTED, load_image
from vision.footprint.result import FootprintError


def _jpeg(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, **kw)
    return buf.getvalue()


def _two_tone(w=120, h=80) -> Image.Image:
    """Left half red, right half blue: orientation is visible in the pixels."""
    arr = np.zeros((h, w, 3), np.uint8)
    arr[:, : w // 2] = (255, 0, 0)
    arr[:, w // 2:] = (0, 0, 255)
    return Image.fromarray(arr)


def test_reads_png_bytes_as_bgr():
    buf = io.BytesIO()
    _two_tone().save(buf, "PNG")
    out = load_image(buf.getvalue())
    assert out.shape == (80, 120, 3) and out.dtype == np.uint8
    assert tuple(out[40, 10]) == (0, 0, 255)      # red in BGR
    assert tuple(out[40, 110]) == (255, 0, 0)     # blue in BGR


def test_reads_path_and_alpha_becomes_white(tmp_path):
    rgba = Image.new("RGBA", (30, 20), (0, 0, 0, 0))
    path = tmp_path / "clear.png"
    rgba.save(path)
    out = load_image(path)
    assert out.shape == (20, 30, 3)
    assert out.min() == 255


def test_not_an_image(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("this is not a photo")
    with pytest.raises(FootprintError, match="not an image"):
        load_image(path)


def test_zero_bytes(tmp_path):
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(FootprintError, match="empty"):
        load_image(path)
    with pytest.raises(FootprintError, match="empty"):
        load_image(b"")


def test_missing_file(tmp_path):
    with pytest.raises(FootprintError, match="does not exist"):
        load_image(tmp_path / "nope.jpg")


def test_truncated_jpeg():
    rng = np.random.default_rng(0)
    noisy = Image.fromarray(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8))
    data = _jpeg(noisy)
    with pytest.raises(FootprintError, match="damaged or incomplete"):
        load_image(data[: len(data) // 2])


def _png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature + IHDR announcing a huge image, and a tiny IDAT."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def test_huge_png_refused_without_decoding(monkeypatch):
    """A 900-megapixel header is refused from its size alone: no pixel is decoded."""
    from PIL import Image

    data = _png_header_only(30000, 30000)

    def no_decode(*_a, **_k):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(Image.Image, "load", no_decode)
    monkeypatch.setattr(cv2, "imdecode", no_decode)
    with pytest.raises(FootprintError, match="too many pixels|more than"):
        load_image(data)


def test_max_pixels_option():
    buf = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buf, "PNG")
    with pytest.raises(FootprintError, match="megapixels"):
        load_image(buf.getvalue(), max_pixels=10_000)
    with pytest.raises(ValueError):
        load_image(buf.getvalue(), max_pixels=0)


def test_exif_orientation_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, displayed rotated 90 degrees clockwise
    data = _jpeg(_two_tone(120, 80), exif=exif.tobytes())
    out = load_image(data)
    assert out.shape[:2] == (120, 80)
    # red (left) ends on top after a clockwise turn
    assert out[10, 40, 2] > 200 and out[10, 40, 0] < 60
    assert out[110, 40, 0] > 200 and out[110, 40, 2] < 60


def test_max_side_downscales_jpeg():
    big = Image.new("RGB", (4000, 3000), "white")
    out = load_image(_jpeg(big), max_side=1000)
    assert max(out.shape[:2]) <= 1000
    assert out.shape[1] > out.shape[0]


def _noisy_two_tone(w: int, h: int) -> Image.Image:
    """Two-tone picture with texture, so a wrong decode shows in the pixels."""
    rng = np.random.default_rng(1)
    arr = np.asarray(_two_tone(w, h)).astype(np.int16) + rng.integers(-40, 40, (h, w, 3))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def test_reduced_jpeg_decode_matches_pillow(tmp_path):
    """The reduced-scale decode is in BGR order and agrees with Pillow's own draft decode,
    from bytes and from a path."""
    data = _jpeg(_noisy_two_tone(2400, 1600))
    ref = Image.open(io.BytesIO(data))
    ref.draft("RGB", (1200, 800))
    ref = np.asarray(ref.convert("RGB"))[:, :, ::-1].astype(np.int16)
    path = tmp_path / "big.jpg"
    path.write_bytes(data)
    for source in (data, path):
        out = load_image(source, max_side=1400)
        assert out.shape == ref.shape == (800, 1200, 3)
        assert np.abs(out.astype(np.int16) - ref).mean() < 1.0
        assert out[400, 100, 2] > 150 and out[400, 1100, 0] > 150   # red left, blue right


def test_reduced_jpeg_truncated_or_rotated():
    big = _noisy_two_tone(2400, 1600)
    data = _jpeg(big)
    with pytest.raises(FootprintError, match="damaged or incomplete"):
        load_image(data[: len(data) * 2 // 3], max_side=1400)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = load_image(_jpeg(big, exif=exif.tobytes()), max_side=1400)
    assert out.shape[:2] == (1200, 800)                 # turned to portrait
    assert out[100, 400, 2] > 150 and out[1100, 400, 0] > 150   # red on top


@pytest.mark.skipif(not HEIC_SUPPORTED, reason="pillow-heif not installed")
def test_heic_roundtrip():
    import pillow_heif

    arr = np.asarray(_two_tone(64, 48))
    heif = pillow_heif.from_bytes(mode="RGB", size=(64, 48), data=arr.tobytes())
    buf = io.BytesIO()
    try:
        heif.save(buf, quality=90)
    except Exception as exc:  # encoder missing in this build
        pytest.skip(f"HEIC encoder unavailable: {exc}")
    out = load_image(buf.getvalue())
    assert out.shape == (48, 64, 3)
    assert out[24, 5, 2] > 180      # red stays red (BGR order)
