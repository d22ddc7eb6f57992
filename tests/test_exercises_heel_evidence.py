"""heel_state: landmarks and pixels combined; disagreement is "unclear", never a fault."""

from __future__ import annotations

import numpy as np
import pytest

from vision.exercises.heel_evidence import UNCONFIRMED_CONF, HeelState, heel_state, pixels_on
from vision.pose.heel_contact import HeelPixels, SideHeel

FPS = 30.0


def _pixels(rise, quality, n=None, t0=0.0):
    rise = np.asarray(rise, float)
    t = t0 + np.arange(len(rise)) / FPS
    other = SideHeel(np.full(len(rise), np.nan), np.zeros(len(rise)))
    return HeelPixels(t=t, left=SideHeel(rise, np.asarray(quality, float)), right=other)


def test_agreement_strengthens_and_disagreement_is_unclear():
    t = np.arange(4) / FPS
    lm = np.array([0.0, 0.2, 0.2, 0.0])
    px = _pixels([0.0, 0.2, 0.0, 0.2], [0.8, 0.8, 0.9, 0.9])
    s = heel_state(t, lm, 0.6, pixels=px, side="left")
    assert s.state.tolist() == ["down", "up", "unclear", "unclear"]
    assert s.reason.tolist() == ["agree", "agree", "disagree", "disagree"]
    assert s.confidence[0] == pytest.approx(1 - 0.4 * 0.2)
    assert s.confidence[2] == 0 and np.isnan(s.rise_frac[2:]).all()
    assert s.disagree_frac == pytest.approx(0.5)


def test_landmarks_alone_keep_their_confidence_without_pixel_data():
    t = np.arange(3) / FPS
    conf = np.array([0.9, 0.7, 0.2])
    s = heel_state(t, np.array([0.3, 0.0, np.nan]), conf)
    assert s.state.tolist() == ["up", "down", "unclear"]
    assert s.confidence.tolist() == [0.9, 0.7, 0.0]
    assert s.reason.tolist() == ["landmarks", "landmarks", "no_data"]
    assert not s.pixel_data


def test_failed_pixels_cap_the_landmark_confidence():
    t = np.arange(3) / FPS
    px = _pixels([np.nan, 0.3, 0.0], [0.0, 0.1, 0.05])     # nothing trustworthy
    s = heel_state(t, np.array([0.3, 0.3, 0.3]), 0.95, pixels=px)
    assert (s.state == "up").all()
    assert (s.confidence <= UNCONFIRMED_CONF).all()
    assert (s.reason == "unconfirmed").all()


def test_pixels_decide_where_landmarks_are_missing_or_in_between():
    t = np.arange(3) / FPS
    px = _pixels([0.2, 0.0, 0.07], [0.7, 0.7, 0.7])
    s = heel_state(t, np.array([np.nan, 0.06, np.nan]), 0.9, pixels=px)
    assert s.state.tolist() == ["up", "down", "unclear"]
    assert s.reason.tolist() == ["pixels", "pixels", "ambiguous"]
    assert s.confidence[:2].tolist() == [0.7, 0.7]
    assert s.rise_frac[0] == pytest.approx(0.2)


def test_pixels_are_matched_by_time_not_by_index():
    px = _pixels([0.0, 0.0, 0.3, 0.3], [1, 1, 1, 1], t0=1.0)
    t = np.array([0.0, 1.0, 1.07, 5.0])          # before, on, near, after the clip
    rise, q = pixels_on(t, px, "left")
    assert np.isnan(rise[0]) and q[0] == 0
    assert rise[1] == 0.0 and rise[2] == pytest.approx(0.3)
    assert np.isnan(rise[3])


def test_a_false_landmark_lift_never_becomes_a_confident_up():
    """Knee travel / hidden foot: landmarks rise, well-measured pixels stay flat."""
    n = 60
    t = np.arange(n) / FPS
    lm = 0.25 * np.sin(np.linspace(0, np.pi, n))
    px = _pixels(np.zeros(n), np.full(n, 0.8))
    s = heel_state(t, lm, 0.9, pixels=px)
    assert not (s.state == "up").any()
    assert isinstance(s, HeelState)


def test_bad_arguments_raise():
    t = np.arange(3) / FPS
    with pytest.raises(ValueError):
        heel_state(t, np.zeros(2), 1.0)
    with pytest.raises(ValueError):
        heel_state(t, np.zeros(3), 1.0, lift_frac=0.05, down_frac=0.08)
    with pytest.raises(ValueError):
        heel_state(t, np.zeros(3), 1.0, pixels=_pixels([0, 0, 0], [1, 1, 1]), side="middle")
