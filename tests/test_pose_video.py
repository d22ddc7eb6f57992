"""vision.pose.video: frame sources (synthetic clips written into tmp_path, plus the real AV1 clip)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from vision.pose.video import (
    VideoError,
    check_source,
    downscale_for_analysis,
    open_video,
    rgb_for_analysis,
)


def _frames(n, w=160, h=96):
    """n frames; frame i has brightness 10 * i and a red block in the top-left corner."""
    for i in range(n):
        img = np.full((h, w, 3), 10 * i % 250, np.uint8)
        img[: h // 2, : w // 4] = (0, 0, 255)
        yield img


def _write_cv(path, n=20, fps=25.0, fourcc="mp4v", w=160, h=96):
    wr = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (w, h))
    assert wr.isOpened()
    for img in _frames(n, w, h):
        wr.write(img)
    wr.release()
    return path


def _write_av(path, *, n=10, rotation=0, codec="libx264", w=160, h=96, fps=25):
    av = pytest.importorskip("av")
    with av.open(str(path), "w") as box:
        st = box.add_stream(codec, rate=fps)
        st.width, st.height, st.pix_fmt = w, h, "yuv420p"
        if rotation:
            st.set_display_rotation(rotation)
        for img in _frames(n, w, h):
            for pkt in st.encode(av.VideoFrame.from_ndarray(img, format="bgr24")):
                box.mux(pkt)
        for pkt in st.encode():
            box.mux(pkt)
    return path


def _red_centre(frame):
    """(row, col) of the red block, as fractions of the frame height and width."""
    ys, xs = np.nonzero((frame[..., 2] > 150) & (frame[..., 0] < 100))
    return ys.mean() / frame.shape[0], xs.mean() / frame.shape[1]


@pytest.mark.parametrize("suffix,fourcc", [(".mp4", "mp4v"), (".avi", "MJPG")])
def test_synthetic_clip_frames_fps_and_times(tmp_path, suffix, fourcc):
    path = _write_cv(tmp_path / f"clip{suffix}", n=20, fps=25.0, fourcc=fourcc)
    with open_video(path) as video:
        assert (video.width, video.height) == (160, 96)
        assert video.fps == pytest.approx(25.0)
        assert video.frame_count == 20
        got = list(video)
    assert len(got) == 20
    ts = np.array([t for t, _ in got])
    np.testing.assert_allclose(ts, np.arange(20) / 25.0, atol=1e-3)
    assert all(f.shape == (96, 160, 3) and f.dtype == np.uint8 for _, f in got)
    # frames come in order: brightness of the un-marked area grows 10 per frame
    bright = [float(f[80:, 100:].mean()) for _, f in got]
    assert np.all(np.diff(bright) > 5)


@pytest.mark.parametrize("rotation,size,corner", [
    (0, (160, 96), (0.25, 0.125)),      # no rotation: block top-left
    (90, (96, 160), (0.875, 0.25)),     # display turned 90 deg counter-clockwise: bottom-left
    (-90, (96, 160), (0.125, 0.75)),    # clockwise: top-right
    (180, (160, 96), (0.75, 0.875)),    # upside down: bottom-right
])
def test_rotation_metadata_is_applied(tmp_path, rotation, size, corner):
    path = _write_av(tmp_path / "phone.mp4", rotation=rotation)
    with open_video(path) as video:
        assert (video.width, video.height) == size
        t, frame = next(iter(video))
    assert frame.shape[:2] == (size[1], size[0])
    assert _red_centre(frame) == pytest.approx(corner, abs=0.06)


def test_image_sequence_folder_and_glob(tmp_path):
    for i, img in enumerate(_frames(5)):
        cv2.imwrite(str(tmp_path / f"f{i:03d}.png"), img)
    (tmp_path / "notes.txt").write_text("ignored")
    with open_video(tmp_path, fps=10) as video:
        assert video.frame_count == 5 and video.fps == 10 and video.backend == "images"
        got = list(video)
    assert [round(t, 6) for t, _ in got] == [0.0, 0.1, 0.2, 0.3, 0.4]
    with open_video(str(tmp_path / "f00[0-2].png")) as video:
        assert len(list(video)) == 3
        assert video.fps == 30.0


def test_image_sequence_of_mixed_sizes_is_resized_to_the_first(tmp_path):
    cv2.imwrite(str(tmp_path / "a.png"), np.zeros((40, 60, 3), np.uint8))
    cv2.imwrite(str(tmp_path / "b.png"), np.zeros((80, 120, 3), np.uint8))
    with open_video(tmp_path) as video:
        shapes = [f.shape for _, f in video]
    assert shapes == [(40, 60, 3), (40, 60, 3)]


def test_missing_file(tmp_path):
    with pytest.raises(VideoError, match="not found"):
        open_video(tmp_path / "nope.mp4")


def test_not_a_video(tmp_path):
    p = tmp_path / "notes.mp4"
    p.write_text("this is text, not a video\n" * 20)
    with pytest.raises(VideoError, match="not a video"):
        open_video(p)


def test_empty_file(tmp_path):
    p = tmp_path / "empty.mov"
    p.write_bytes(b"")
    with pytest.raises(VideoError, match="empty"):
        open_video(p)


@pytest.mark.parametrize("suffix,fourcc", [(".mp4", "mp4v"), (".avi", "MJPG")])
def test_zero_frame_video(tmp_path, suffix, fourcc):
    path = _write_cv(tmp_path / f"zero{suffix}", n=0, fourcc=fourcc)
    with pytest.raises(VideoError, match="no video frames"):
        open_video(path)


def test_still_image_and_empty_folder(tmp_path):
    cv2.imwrite(str(tmp_path / "photo.jpg"), np.zeros((10, 10, 3), np.uint8))
    with pytest.raises(VideoError, match="still image"):
        open_video(tmp_path / "photo.jpg")
    (tmp_path / "empty").mkdir()
    with pytest.raises(VideoError, match="No images"):
        open_video(tmp_path / "empty")


def test_synthetic_av1_goes_through_pyav(tmp_path):
    av = pytest.importorskip("av")
    if "libsvtav1" not in av.codecs_available:
        pytest.skip("no AV1 encoder in this PyAV build")
    path = _write_av(tmp_path / "clip.webm", n=8, codec="libsvtav1", w=192, h=128)
    with open_video(path) as video:
        assert video.codec == "av1" and video.backend == "pyav"
        got = list(video)
    assert len(got) == 8 and got[0][1].shape == (128, 192, 3)
    assert np.all(np.diff([t for t, _ in got]) > 0)


def test_rotation_is_applied_on_the_pyav_path_too(tmp_path):
    av = pytest.importorskip("av")
    if "libsvtav1" not in av.codecs_available:
        pytest.skip("no AV1 encoder in this PyAV build")
    path = _write_av(tmp_path / "phone.mp4", n=4, codec="libsvtav1", w=192, h=128,
                     rotation=90)
    with open_video(path) as video:
        assert video.backend == "pyav" and (video.width, video.height) == (128, 192)
        frame = next(iter(video))[1]
    assert _red_centre(frame) == pytest.approx((0.875, 0.25), abs=0.06)


def test_real_av1_clip_decodes_through_pyav(shared_data):
    path = shared_data / "videos" / "squat_two_people_av1.mp4"
    with open_video(path) as video:
        assert video.codec == "av1" and video.backend == "pyav"
        assert (video.width, video.height) == (720, 1280)
        assert video.fps == pytest.approx(30.0)
        assert video.frame_count == pytest.approx(450, abs=5)
        got = [(t, f) for (t, f), _ in zip(video, range(30), strict=False)]
    assert len(got) == 30
    ts = np.array([t for t, _ in got])
    np.testing.assert_allclose(np.diff(ts), 1 / 30, atol=2e-3)
    assert got[10][1].std() > 10          # a real picture, not a blank frame


def test_codec_nobody_can_decode_is_named(tmp_path, monkeypatch):
    """OpenCV fails on the first frame and PyAV's decoder errors: the message names the
    codec (simulated, as every codec we can write here is also decodable)."""
    av = pytest.importorskip("av")
    import vision.pose.video as video_mod

    path = _write_av(tmp_path / "clip.mp4", n=3)
    real_open = av.open

    class Broken:
        def __init__(self, box):
            self.box, self.streams = box, box.streams

        def decode(self, *args, **kwargs):
            raise av.error.InvalidDataError(1094995529, "Invalid data found")

        def close(self):
            self.box.close()

    monkeypatch.setattr(video_mod, "_open_opencv", lambda *a: None)
    monkeypatch.setattr(av, "open", lambda *a, **k: Broken(real_open(*a, **k)))
    with pytest.raises(VideoError, match="H264 codec, which neither OpenCV nor PyAV"):
        open_video(path)


def test_downscale_for_analysis_caps_the_long_side():
    big = np.zeros((720, 1280, 3), np.uint8)
    small = downscale_for_analysis(big, max_side_px=960)
    assert small.shape == (540, 960, 3)
    tall = np.zeros((1280, 720, 3), np.uint8)
    assert downscale_for_analysis(tall).shape == (960, 540, 3)
    tiny = np.zeros((100, 50, 3), np.uint8)
    assert downscale_for_analysis(tiny) is tiny


def test_rgb_for_analysis_is_a_new_shrunk_rgb_frame():
    bgr = np.zeros((720, 1280, 3), np.uint8)
    bgr[:, :, 2] = 200                              # red in BGR order
    rgb = rgb_for_analysis(bgr, max_side_px=960)
    assert rgb.shape == (540, 960, 3)
    assert (rgb[..., 0] == 200).all() and (rgb[..., 2] == 0).all()
    tiny = np.zeros((40, 60, 3), np.uint8)
    out = rgb_for_analysis(tiny)
    assert out.shape == tiny.shape and not np.shares_memory(out, tiny)  # safe to paint on


@pytest.mark.parametrize("backend_codec", ["opencv-mp4v", "pyav-h264"])
def test_one_decoder_thread_gives_the_same_frames(tmp_path, backend_codec):
    """``threads`` changes speed only: decoding is exact whatever the thread count."""
    if backend_codec == "opencv-mp4v":
        path = _write_cv(tmp_path / "clip.mp4", n=12)
    else:
        path = _write_av(tmp_path / "clip.mkv", n=12)
    with open_video(path) as video:
        ref = list(video)
    with open_video(path, threads=1) as video:
        got = list(video)
    assert len(got) == len(ref) == 12
    for (t0, f0), (t1, f1) in zip(ref, got, strict=True):
        assert t0 == t1 and np.array_equal(f0, f1)


@pytest.mark.parametrize("bad", [0, -1, 1.5])
def test_bad_thread_count_is_refused(tmp_path, bad):
    path = _write_cv(tmp_path / "clip.mp4", n=2)
    with pytest.raises(ValueError, match="threads"):
        open_video(path, threads=bad)


def test_check_source_needs_no_decoding(tmp_path):
    clip = _write_cv(tmp_path / "clip.avi", n=2, fourcc="MJPG")
    assert check_source(clip) is None
    for i in range(2):
        cv2.imwrite(str(tmp_path / f"f{i}.png"), np.zeros((8, 8, 3), np.uint8))
    assert [Path(f).name for f in check_source(tmp_path)] == ["f0.png", "f1.png"]
    assert len(check_source(str(tmp_path / "*.png"))) == 2
    with pytest.raises(VideoError, match="not found"):
        check_source(tmp_path / "nope.mp4")
    (tmp_path / "empty.mp4").write_bytes(b"")
    with pytest.raises(VideoError, match="empty"):
        check_source(tmp_path / "empty.mp4")
    with pytest.raises(VideoError, match="still image"):
        check_source(tmp_path / "f0.png")
