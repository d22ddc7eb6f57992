"""vision.pose.shots: scene cuts found, camera motion and fades not taken for cuts; the tracker
chooses again at a cut instead of following the nearest skeleton across it."""

from __future__ import annotations

import cv2
import numpy as np

from vision.pose.shots import ShotDetector


def _scene(seed: int, w: int = 480, h: int = 270) -> np.ndarray:
    """A textured picture (blurred random blobs), different for each seed."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (h // 16, w // 16, 3), dtype=np.uint8)
    return cv2.GaussianBlur(cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC), (9, 9), 3)


def _cuts(frames) -> list[int]:
    det = ShotDetector()
    return [i for i, f in enumerate(frames) if det.update(f)]


def test_a_change_of_shot_is_a_cut_and_only_there():
    a, b = _scene(1), _scene(2)
    frames = [a] * 20 + [b] * 20
    assert _cuts(frames) == [20]


def test_a_title_card_after_the_video_is_a_cut():
    card = np.full_like(_scene(1), 10)
    cv2.putText(card, "THE END", (120, 150), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 4)
    assert _cuts([_scene(1)] * 10 + [card] * 5) == [10]


def test_a_panning_shaky_camera_is_not_a_cut():
    big = _scene(3, 960, 540)
    rng = np.random.default_rng(4)
    frames = []
    for i in range(60):                     # pans 4 px a frame, shakes up to 6 px
        dx, dy = 4 * i + int(rng.integers(-6, 7)), 100 + int(rng.integers(-6, 7))
        frames.append(np.ascontiguousarray(big[dy:dy + 270, dx:dx + 480]))
    assert _cuts(frames) == []


def test_a_fade_to_black_is_not_a_cut():
    a = _scene(5).astype(np.float32)
    frames = [(a * (1 - k / 30)).astype(np.uint8) for k in range(31)]
    assert _cuts(frames) == []
