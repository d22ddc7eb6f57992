"""vision.pose.landmark_filter: the legacy graph's landmark smoothing."""

from __future__ import annotations

import numpy as np

from vision.pose.landmark_filter import LandmarkSmoother

W, H, FPS = 640, 480, 30.0


def _body(cx: float, rng=None, noise_px: float = 0.0) -> np.ndarray:
    """33 landmarks spread over a 0.2 x 0.6 box centred at ``cx`` (normalised)."""
    row = np.zeros((33, 4))
    row[:, 0] = cx + np.linspace(-0.1, 0.1, 33)
    row[:, 1] = np.linspace(0.2, 0.8, 33)
    row[:, 3] = 0.9
    if rng is not None:
        row[:, 0] += rng.normal(0, noise_px / W, 33)
        row[:, 1] += rng.normal(0, noise_px / H, 33)
    return row


def test_jitter_of_a_still_body_is_reduced():
    rng = np.random.default_rng(1)
    f = LandmarkSmoother()
    raw = [_body(0.5, rng, noise_px=2.0) for _ in range(60)]
    out = [f(r, i / FPS, W, H) for i, r in enumerate(raw)]
    err_raw = np.abs(np.array(raw)[30:, :, 0] - _body(0.5)[:, 0]).mean() * W
    err_out = np.abs(np.array(out)[30:, :, 0] - _body(0.5)[:, 0]).mean() * W
    assert err_out < 0.6 * err_raw


def test_a_fast_move_is_followed_without_much_lag():
    f = LandmarkSmoother()
    speed = 1.0          # frame widths per second: a quick step sideways
    for i in range(30):
        out = f(_body(0.2 + speed * i / FPS), i / FPS, W, H)
    lag_px = (0.2 + speed * 29 / FPS - out[16, 0]) * W
    assert 0 <= lag_px < speed * W / FPS        # less than one frame of motion behind


def test_nobody_resets_and_visibility_is_low_passed():
    f = LandmarkSmoother()
    f(_body(0.3), 0.0, W, H)
    assert f(None, 1 / FPS, W, H) is None
    first = f(_body(0.7), 2 / FPS, W, H)          # after a reset: passed through as is
    assert np.allclose(first, _body(0.7))
    dim = _body(0.7)
    dim[:, 3] = 0.1
    out = f(dim, 3 / FPS, W, H)
    assert np.allclose(out[:, 3], 0.1 * 0.1 + 0.9 * 0.9)
    assert f(dim, 3 / FPS, W, H) is not None     # a repeated time passes unfiltered
