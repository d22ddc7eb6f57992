"""Saved footprint photos: ``<images>/<child_id>/<sha256>.<ext>``, deduplicated by content.

The file name is the SHA-256 of the bytes, so the same photo stored twice is one file. The
extension follows the content (``jpg`` for JPEG, the usual case; ``png``, ``webp``, ``heic``;
``bin`` otherwise) so that a viewer opens it correctly. Files are written to a temporary name
and renamed, so a killed process never leaves a half-written photo under a real name.
Folders are created owner-only (0700): these are photos of a child's feet.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

MAX_IMAGE_BYTES = 50_000_000
_MAGIC = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"RIFF", "webp"))


@dataclass(frozen=True)
class SavedImage:
    sha256: str
    rel_path: str       # relative to the images folder, POSIX separators
    created: bool       # False when the same photo was already stored for this child


def image_extension(data: bytes) -> str:
    for magic, ext in _MAGIC:
        if data.startswith(magic):
            return ext
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "heic"
    return "bin"


def check_image(data: object) -> bytes:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ValueError(f"image_bytes must be bytes, got {type(data).__name__}")
    data = bytes(data)
    if not data:
        raise ValueError("image_bytes is empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(f"image is {len(data)} bytes, more than {MAX_IMAGE_BYTES}")
    return data


def save_image(images_dir: Path, child_id: int, data: bytes) -> SavedImage:
    """Write the photo (if not already there) and return its hash and relative path."""
    sha = hashlib.sha256(data).hexdigest()
    rel = f"{int(child_id)}/{sha}.{image_extension(data)}"
    target = images_dir / rel
    if target.exists():
        return SavedImage(sha, rel, created=False)
    images_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    target.parent.mkdir(exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return SavedImage(sha, rel, created=True)


def remove_child_images(images_dir: Path, child_id: int) -> int:
    """Delete the child's image folder; return how many files it held."""
    folder = images_dir / str(int(child_id))
    if not folder.exists():
        return 0
    count = sum(1 for p in folder.rglob("*") if p.is_file())
    shutil.rmtree(folder)
    return count


def orphan_folders(images_dir: Path, known_ids: set[int], highest_id: int) -> list[Path]:
    """Numbered child folders whose child no longer exists (left by an interrupted delete).

    Only ids up to ``highest_id`` (the highest child id ever committed) count: a folder with a
    higher number may belong to a child another process is adding right now. Child ids are
    never reused (AUTOINCREMENT), so a missing id at or below it is gone for good.
    """
    if not images_dir.is_dir():
        return []
    return [p for p in images_dir.iterdir()
            if p.is_dir() and p.name.isdigit() and int(p.name) <= highest_id
            and int(p.name) not in known_ids]
