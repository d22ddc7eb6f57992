"""Frame sources: video files and image sequences as one iterator of ``(t_seconds, frame_bgr)``.

Conventions
-----------
- Frames are BGR ``uint8`` arrays of shape (height, width, 3), already turned upright: the
  rotation a phone writes into the container (display matrix) is applied, so ``width`` and
  ``height`` are the *displayed* size.
- ``t`` is seconds from the first frame, taken from the stream's presentation timestamps
  (variable frame rate clips keep their real timing); where a timestamp is missing or does
  not increase, ``index / fps`` is used instead.
- Decoding: OpenCV first (fast, widely tested); codecs the pip OpenCV build cannot decode
  (AV1) go through PyAV (libdav1d). The container is probed once with PyAV to name the codec
  and to detect rotation. ``threads`` caps the decoder's threads: a tracker that decodes in
  a background thread while the model keeps one core busy asks for one thread per spare
  core (on 2 cores a many-threaded decoder competes with the model and costs more: 720p
  AV1 through PyAV takes about 3.8 ms of CPU a frame with the default threads, 2.9 with one).
- Every failure the user can cause (missing file, not a video, no frames, an undecodable
  codec) raises :class:`VideoError` with one plain sentence.

Examples
--------
>>> with open_video("clip.mp4") as video:          # doctest: +SKIP
...     for t, frame in video:
...         ...
"""

from __future__ import annotations

import glob
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")
# Codecs the pip build of OpenCV cannot decode: skip straight to PyAV (and avoid its log spam).
_OPENCV_CANNOT = {"av1"}
DEFAULT_SEQUENCE_FPS = 30.0
ANALYSIS_MAX_SIDE_PX = 960
BILINEAR_MIN_SCALE = 0.5     # shrinking by less than this factor uses area averaging


class VideoError(ValueError):
    """A video the user gave cannot be read; the message is one sentence for the user."""


@dataclass(frozen=True)
class _Probe:
    codec: str           # canonical codec name ("h264", "av1", ...) or "" when unknown
    fps: float           # 0 when unknown
    frame_count: int     # 0 when unknown
    rotation_ccw_deg: int


class VideoSource:
    """An opened video or image sequence; iterate it for ``(t_seconds, frame_bgr)``.

    Use :func:`open_video` to make one. Attributes: ``fps`` (frames per second), ``width`` and
    ``height`` (pixels, after rotation), ``frame_count`` (from the container; may be an
    estimate, 0 when unknown), ``codec`` (e.g. "h264", "av1", "images"), ``backend``
    ("opencv", "pyav" or "images"), ``rotation_deg`` (counter-clockwise rotation applied).
    The source can be iterated once.
    """

    def __init__(self, path: str, *, fps: float, width: int, height: int, frame_count: int,
                 codec: str, backend: str, rotation_deg: int, frames: Iterator, closer=None):
        self.path = path
        self.fps = float(fps)
        self.width = int(width)
        self.height = int(height)
        self.frame_count = int(frame_count)
        self.codec = codec
        self.backend = backend
        self.rotation_deg = int(rotation_deg)
        self._frames = frames
        self._closer = closer

    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        return self._frames

    def __enter__(self) -> VideoSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:      # finish the frame generator now, not at interpreter exit
            getattr(self._frames, "close", lambda: None)()
        except ValueError:    # still running in a decode thread that did not stop
            pass
        if self._closer is not None:
            self._closer()
            self._closer = None

    def __repr__(self) -> str:
        return (f"VideoSource({Path(self.path).name!r}, {self.width}x{self.height}, "
                f"{self.fps:.2f} fps, {self.frame_count} frames, codec={self.codec}, "
                f"backend={self.backend})")


def open_video(path: str | os.PathLike, *, fps: float | None = None,
               threads: int | None = None, rgb_max_side: int | None = None) -> VideoSource:
    """Open a video file (mp4, mov, avi, webm, mkv...) or an image sequence.

    Parameters
    ----------
    path : str or PathLike
        A video file, a folder of images (sorted by name), or a glob such as
        ``"frames/*.png"``.
    fps : float, optional
        Frame rate of an image sequence (default 30). Ignored for video files, whose own
        rate is used.
    threads : int, optional
        Decoder threads (at least 1). None leaves the decoder's default (about one per core).
    rgb_max_side : int, optional
        Yield what :func:`rgb_for_analysis` makes (RGB, long side at most this many pixels)
        instead of BGR frames, in as few passes as the decoder allows: PyAV scales and
        converts in one step from the decoded picture. ``width`` and ``height`` stay the
        full displayed size.

    Returns
    -------
    VideoSource
        Context manager and iterator of ``(t_seconds, frame_bgr)``.

    Raises
    ------
    VideoError
        Missing file, not a video, no frames, or a codec that neither OpenCV nor PyAV can
        decode (the message names the codec).
    """
    text = os.fspath(path)
    if fps is not None and not (fps > 0 and math.isfinite(fps)):
        raise ValueError(f"fps must be a positive number, got {fps!r}")
    if threads is not None and not (isinstance(threads, int) and threads >= 1):
        raise ValueError(f"threads must be a positive integer, got {threads!r}")
    if rgb_max_side is not None and not (isinstance(rgb_max_side, int) and rgb_max_side >= 1):
        raise ValueError(f"rgb_max_side must be a positive integer, got {rgb_max_side!r}")
    images = check_source(text)
    if images is not None:
        return _as_rgb(_open_images(images, text, fps), rgb_max_side)
    probe = _probe(text)
    if probe.codec not in _OPENCV_CANNOT:
        source = _open_opencv(text, probe, threads)
        if source is not None:
            return _as_rgb(source, rgb_max_side)
    return _open_pyav(text, probe, threads, rgb_max_side)


def _as_rgb(source: VideoSource, max_side: int | None) -> VideoSource:
    """``source`` yielding :func:`rgb_for_analysis` frames when ``max_side`` is set."""
    if max_side is not None:
        bgr = source._frames
        source._frames = ((t, rgb_for_analysis(f, max_side_px=max_side)) for t, f in bgr)
    return source


def check_source(path: str | os.PathLike) -> list[str] | None:
    """What :func:`open_video` can tell without decoding: the image files of a folder or
    glob, or None for a (readable, non-empty) video file. Raises VideoError for a missing,
    empty or unreadable file, a still image, or a folder or glob without images. Cheap
    (file-system calls only): callers run it before loading a model."""
    text = os.fspath(path)
    if any(ch in text for ch in "*?[") and not os.path.exists(text):
        return _image_files(sorted(glob.glob(text)), text)
    p = Path(text)
    if not p.exists():
        raise VideoError(f"Video file not found: {text}.")
    if p.is_dir():
        return _image_files(sorted(str(f) for f in p.iterdir()), text)
    if p.suffix.lower() in IMAGE_SUFFIXES:
        raise VideoError(f"{p.name} is a still image, not a video; pass a folder of images "
                         "to use an image sequence.")
    if not os.access(p, os.R_OK):
        raise VideoError(f"Cannot read {p.name}: permission denied.")
    if p.stat().st_size == 0:
        raise VideoError(f"{p.name} is empty (0 bytes), so it holds no video frames.")
    return None


def _image_files(files: list[str], label: str) -> list[str]:
    files = [f for f in files if Path(f).suffix.lower() in IMAGE_SUFFIXES]
    if not files:
        raise VideoError(f"No images (jpg, png, ...) found in {label}.")
    return files


def downscale_for_analysis(frame: np.ndarray, *, max_side_px: int = ANALYSIS_MAX_SIDE_PX
                           ) -> np.ndarray:
    """Shrink ``frame`` so its long side is at most ``max_side_px`` (aspect kept).

    Landmarks are normalised to the frame, so analysing a smaller copy changes no
    coordinate; it only saves time in colour conversion and the detector's resize.
    Bilinear for mild reductions (720p -> 960 px: about 1.5 ms of CPU against 6.5 ms for
    area averaging), area averaging below half size where bilinear would alias.
    """
    h, w = frame.shape[:2]
    size = analysis_size(w, h, max_side_px)
    if size == (w, h):
        return frame
    return cv2.resize(frame, size, interpolation=cv2.INTER_LINEAR
                      if size[0] >= BILINEAR_MIN_SCALE * w else cv2.INTER_AREA)


def analysis_size(width: int, height: int, max_side_px: int = ANALYSIS_MAX_SIDE_PX
                  ) -> tuple[int, int]:
    """(width, height) in pixels of a ``width`` x ``height`` frame shrunk so that its long
    side is at most ``max_side_px`` (aspect kept; unchanged when already small enough)."""
    long_side = max(width, height)
    if long_side <= max_side_px:
        return width, height
    s = max_side_px / long_side
    return max(1, round(width * s)), max(1, round(height * s))


def rgb_for_analysis(frame_bgr: np.ndarray, *, max_side_px: int = ANALYSIS_MAX_SIDE_PX
                     ) -> np.ndarray:
    """What MediaPipe is given: ``frame_bgr`` shrunk by :func:`downscale_for_analysis` and
    turned to RGB. Always a new array (the caller's frame is never shared), so whoever holds
    it may paint on it. About 1.5 ms of CPU for a 720p frame: run it in a decode thread,
    off the model's path."""
    return cv2.cvtColor(downscale_for_analysis(frame_bgr, max_side_px=max_side_px),
                        cv2.COLOR_BGR2RGB)


# ----- probing ---------------------------------------------------------------------------
def _probe(path: str) -> _Probe:
    """Name the codec and read the rotation with PyAV; raise VideoError if not a video."""
    import av

    name = Path(path).name
    try:
        container = av.open(path)
    except (av.error.InvalidDataError, av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise VideoError(f"{name} is not a video file, or it is damaged or incomplete "
                         f"({getattr(exc, 'strerror', None) or exc}).") from exc
    try:
        if not container.streams.video:
            if container.streams.audio:
                raise VideoError(f"{name} is an audio file: it holds no video stream.")
            raise VideoError(f"{name} contains no video frames.")
        stream = container.streams.video[0]
        codec = _codec_name(stream)
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        fps = float(rate) if rate else 0.0
        rotation = 0
        try:
            for frame in container.decode(stream):
                rotation = int(round(getattr(frame, "rotation", 0) or 0))
                break
        except av.error.FFmpegError:
            pass  # decoding errors are reported when a backend tries for real
        return _Probe(codec=codec, fps=fps, frame_count=int(stream.frames or 0),
                      rotation_ccw_deg=rotation % 360)
    finally:
        container.close()


def _codec_name(stream) -> str:
    codec = stream.codec_context.codec
    return str(getattr(codec, "canonical_name", "") or codec.name or "")


# ----- OpenCV backend --------------------------------------------------------------------
def _open_opencv(path: str, probe: _Probe, threads: int | None) -> VideoSource | None:
    """Open with OpenCV (``threads`` decoder threads, None: its default); None when OpenCV
    cannot decode the first frame."""
    cap = (cv2.VideoCapture(path) if threads is None else
           cv2.VideoCapture(path, cv2.CAP_ANY, [cv2.CAP_PROP_N_THREADS, threads]))
    if not cap.isOpened():
        cap.release()
        return None
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    ok, first = cap.read()
    if not ok or first is None:
        cap.release()
        return None
    first = _fix_opencv_rotation(first, cap, probe)
    fps = cap.get(cv2.CAP_PROP_FPS) or probe.fps or DEFAULT_SEQUENCE_FPS
    count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0) or probe.frame_count
    first_t = cap.get(cv2.CAP_PROP_POS_MSEC)

    def frames() -> Iterator[tuple[float, np.ndarray]]:
        clock = _Clock(fps)
        yield clock(0, first_t), first
        i = 1
        while True:
            ok, frame = cap.read()
            if not ok or frame is None:
                break
            yield clock(i, cap.get(cv2.CAP_PROP_POS_MSEC)), _fix_opencv_rotation(frame, cap, probe)
            i += 1
        cap.release()

    return VideoSource(path, fps=fps, width=first.shape[1], height=first.shape[0],
                       frame_count=count, codec=probe.codec or "unknown", backend="opencv",
                       rotation_deg=probe.rotation_ccw_deg, frames=frames(), closer=cap.release)


def _fix_opencv_rotation(frame: np.ndarray, cap, probe: _Probe) -> np.ndarray:
    """Rotate by hand when OpenCV saw rotation metadata but did not apply it."""
    if probe.rotation_ccw_deg == 0 or cap.get(cv2.CAP_PROP_ORIENTATION_AUTO):
        return frame
    return _rotate_ccw(frame, probe.rotation_ccw_deg)


def _rotate_ccw(frame: np.ndarray, deg: int) -> np.ndarray:
    code = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180,
            270: cv2.ROTATE_90_CLOCKWISE}.get(deg % 360)
    return frame if code is None else cv2.rotate(frame, code)


class _Clock:
    """Seconds from the first frame: container timestamps when they increase, else i/fps."""

    def __init__(self, fps: float):
        self.fps = fps
        self.t0: float | None = None
        self.last = -math.inf

    def __call__(self, i: int, pos_ms: float | None) -> float:
        t = None
        if pos_ms is not None and math.isfinite(pos_ms):
            if self.t0 is None:
                self.t0 = pos_ms / 1000.0
            t = pos_ms / 1000.0 - self.t0
        if t is None or t <= self.last:
            t = i / self.fps if self.last < i / self.fps else self.last + 1.0 / self.fps
        self.last = t
        return t


# ----- PyAV backend ----------------------------------------------------------------------
def _open_pyav(path: str, probe: _Probe, threads: int | None,
               rgb_max_side: int | None = None) -> VideoSource:
    import av

    name = Path(path).name
    codec = probe.codec or "unknown"
    container = av.open(path)
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    if threads is not None:
        stream.codec_context.thread_count = threads
    try:
        decoded = container.decode(stream)
        frame = next(decoded)
    except StopIteration:
        container.close()
        raise VideoError(f"{name} contains no video frames.") from None
    except av.error.FFmpegError as exc:
        container.close()
        raise VideoError(f"{name} uses the {codec.upper()} codec, which neither OpenCV nor "
                         f"PyAV can decode on this machine ({exc}).") from exc
    def picture(f) -> np.ndarray:
        if rgb_max_side is None:
            return _rotate_ccw(f.to_ndarray(format="bgr24"), probe.rotation_ccw_deg)
        # one swscale pass: scale and convert to RGB straight from the decoded YUV
        w, h = analysis_size(f.width, f.height, rgb_max_side)
        interp = "BILINEAR" if w >= BILINEAR_MIN_SCALE * f.width else "AREA"
        small = f.reformat(width=w, height=h, format="rgb24", interpolation=interp)
        # contiguous here, in the decode thread (PyAV pads its rows; the model needs none)
        return np.ascontiguousarray(_rotate_ccw(small.to_ndarray(), probe.rotation_ccw_deg))

    first = picture(frame)
    full_w, full_h = ((frame.height, frame.width) if probe.rotation_ccw_deg % 180 == 90
                      else (frame.width, frame.height))
    fps = probe.fps or DEFAULT_SEQUENCE_FPS
    count = probe.frame_count or _estimate_count(container, stream, fps)

    def frames() -> Iterator[tuple[float, np.ndarray]]:
        clock = _Clock(fps)
        yield clock(0, _ms(frame)), first
        i = 1
        try:
            for f in decoded:
                yield clock(i, _ms(f)), picture(f)
                i += 1
        except av.error.FFmpegError:
            pass  # a damaged tail: stop at the last good frame
        container.close()

    return VideoSource(path, fps=fps, width=full_w, height=full_h,
                       frame_count=count, codec=codec, backend="pyav",
                       rotation_deg=probe.rotation_ccw_deg, frames=frames(),
                       closer=container.close)


def _ms(frame) -> float | None:
    return None if frame.time is None else frame.time * 1000.0


def _estimate_count(container, stream, fps: float) -> int:
    """Frames from the duration when the container does not store a count (e.g. WebM)."""
    if stream.duration and stream.time_base:
        return int(round(float(stream.duration * stream.time_base) * fps))
    if container.duration:
        return int(round(container.duration / 1_000_000 * fps))
    return 0


# ----- image sequences -------------------------------------------------------------------
def _open_images(files: list[str], label: str, fps: float | None) -> VideoSource:
    first = cv2.imread(files[0], cv2.IMREAD_COLOR)
    if first is None:
        raise VideoError(f"{Path(files[0]).name} is not a readable image.")
    rate = float(fps or DEFAULT_SEQUENCE_FPS)
    h, w = first.shape[:2]

    def frames() -> Iterator[tuple[float, np.ndarray]]:
        yield 0.0, first
        for i, f in enumerate(files[1:], start=1):
            img = cv2.imread(f, cv2.IMREAD_COLOR)
            if img is None:
                raise VideoError(f"{Path(f).name} is not a readable image.")
            if img.shape[:2] != (h, w):
                img = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
            yield i / rate, img

    return VideoSource(label, fps=rate, width=w, height=h, frame_count=len(files),
                       codec="images", backend="images", rotation_deg=0, frames=frames())
