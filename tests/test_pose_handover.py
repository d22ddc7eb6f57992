"""PoseTracker's hand-over between its two landmarkers and its scene cuts, with a scripted
stand-in for MediaPipe.

The stand-in sees people as coloured rectangles: a detection returns the visible person the
detector prefers (as MediaPipe's detector may prefer a second person in the window), and
once it has found someone it keeps tracking them while they stay visible, as MediaPipe does
between frames. The tracker must follow the person its rule chose, never the one the
detector prefers, and at a scene cut choose again rather than follow the nearest skeleton.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from vision.pose import estimator, landmarkers
from vision.pose.landmarkers import VideoTask
from vision.pose.target import BodyBox, body_box, plausible_move, same_body

W, H = 640, 480
# fraction of the box height for each landmark index (nose .. toes), then x offsets
_Y = {0: 0.08, 11: 0.2, 12: 0.2, 23: 0.5, 24: 0.5, 25: 0.72, 26: 0.72, 27: 0.93, 28: 0.93,
      29: 0.97, 30: 0.97, 31: 1.0, 32: 1.0}


class Person:
    """A rectangle (normalised x0, y0, x1, y1) in one colour; ``pref`` ranks it for the
    detector (higher is found first)."""

    def __init__(self, box, colour, pref):
        self.box, self.colour, self.pref = box, np.array(colour, np.uint8), pref

    def draw(self, img):
        x0, y0, x1, y1 = self.box
        img[int(y0 * H):int(y1 * H), int(x0 * W):int(x1 * W)] = self.colour

    def visible(self, img) -> bool:
        """At least half of its pixels still show its colour (not masked grey)."""
        x0, y0, x1, y1 = self.box
        patch = img[int(y0 * H):int(y1 * H), int(x0 * W):int(x1 * W)]
        return patch.size > 0 and (patch == self.colour).all(axis=2).mean() >= 0.5

    def landmarks(self):
        x0, y0, x1, y1 = self.box
        cx, half = (x0 + x1) / 2, (x1 - x0) / 2
        pts = []
        for i in range(33):
            fy = _Y.get(i, 0.1)
            side = -1 if i % 2 else 1
            x = cx if i == 0 else cx + side * 0.6 * half
            pts.append(SimpleNamespace(x=x, y=y0 + fy * (y1 - y0), z=0.0, visibility=0.95))
        return pts


class FakeLandmarker:
    """Stands in for a Tasks PoseLandmarker in VIDEO mode (``detect_for_video``)."""

    def __init__(self, people):
        self.people, self.tracked = people, None

    def detect_for_video(self, image, ms):
        img = image.numpy_view()
        if img.shape[:2] != (H, W):       # the blank frame: the tracked body vanishes
            self.tracked = None
            return SimpleNamespace(pose_landmarks=[])
        if self.tracked is None or not self.tracked.visible(img):
            seen = [p for p in self.people if p.visible(img)]
            self.tracked = max(seen, key=lambda p: p.pref) if seen else None
        return SimpleNamespace(pose_landmarks=[self.tracked.landmarks()] if self.tracked else [])

    def close(self):
        pass


@pytest.fixture
def scene(monkeypatch):
    """A tall exerciser seen whole (the ``in_view`` rule's choice) and a smaller person
    beside them, inside their region of interest but outside their tight box; the
    detector prefers the smaller one."""
    exerciser = Person((0.30, 0.08, 0.42, 0.95), (200, 40, 40), pref=0)
    other = Person((0.53, 0.45, 0.59, 0.85), (40, 200, 40), pref=1)
    people = [exerciser, other]
    monkeypatch.setattr(landmarkers, "make_pose",
                        lambda *a, **k: VideoTask(FakeLandmarker(people)))
    frame = np.zeros((H, W, 3), np.uint8)
    for p in people:
        p.draw(frame)
    return exerciser, other, frame


def _hip_x(row):
    return (row[23, 0] + row[24, 0]) / 2


def test_follower_stays_on_the_chosen_person_when_the_detector_prefers_another(scene):
    exerciser, other, frame = scene
    with estimator.PoseTracker() as tracker:
        rows = [tracker.process_rgb(frame.copy(), i / 30, own=True)[0] for i in range(45)]
    assert all(r is not None for r in rows)
    assert tracker.choice.rule == "in_view" and tracker.choice.people == 2
    want = (exerciser.box[0] + exerciser.box[2]) / 2
    assert max(abs(_hip_x(r) - want) for r in rows) < 0.01    # never the other person
    assert tracker.retract_before is None and tracker.gaps == []


def test_without_the_same_body_check_the_follower_is_handed_to_the_other(scene, monkeypatch):
    """The check is what keeps it: accepting any body (the reverted behaviour) follows the
    person the detector prefers."""
    exerciser, other, frame = scene
    monkeypatch.setattr(estimator, "same_body", lambda a, b, **k: True)
    with estimator.PoseTracker() as tracker:
        rows = [tracker.process_rgb(frame.copy(), i / 30, own=True)[0] for i in range(5)]
    other_x = (other.box[0] + other.box[2]) / 2
    assert any(r is not None and abs(_hip_x(r) - other_x) < 0.01 for r in rows)


def _box(hip_x, hip_y, half_w, half_h, torso):
    return BodyBox(hip_x - half_w, hip_y - half_h, hip_x + half_w, hip_y + half_h,
                   hip_x, hip_y, torso, 0.0)


def test_a_smaller_person_inside_the_body_box_is_not_the_same_body():
    body = _box(0.5, 0.5, 0.08, 0.4, 120.0)
    child = _box(0.53, 0.62, 0.03, 0.15, 45.0)      # wholly inside the body's box
    assert plausible_move(body, child, width=W, height=H)   # between frames: allowed
    assert not same_body(body, child, width=W, height=H)    # on one frame: another body


def test_the_same_skeleton_found_twice_on_one_frame_is_the_same_body():
    row = np.zeros((33, 4))
    for i, p in enumerate(Person((0.3, 0.1, 0.4, 0.9), (1, 1, 1), 0).landmarks()):
        row[i] = (p.x, p.y, p.z, p.visibility)
    a = body_box(row, W, H, 0.0)
    shifted = row.copy()
    shifted[:, :2] += (0.004, -0.003)               # a couple of pixels of model jitter
    assert same_body(a, body_box(shifted, W, H, 0.0), width=W, height=H)


def _texture(seed):
    rng = np.random.default_rng(seed)
    small = rng.integers(60, 120, (H // 16, W // 16, 3), dtype=np.uint8)
    return np.kron(small, np.ones((16, 16, 1), np.uint8))


@pytest.fixture
def two_shots(monkeypatch):
    """Shot 1: the exerciser alone on black. Shot 2 (another place): a small person near
    where the exerciser stood (the detector prefers them) and a larger one, seen whole,
    on the right."""
    exerciser = Person((0.30, 0.08, 0.42, 0.95), (200, 40, 40), pref=0)
    near = Person((0.36, 0.40, 0.44, 0.90), (40, 200, 40), pref=2)
    whole = Person((0.66, 0.05, 0.80, 0.95), (40, 40, 200), pref=1)
    monkeypatch.setattr(landmarkers, "make_pose",
                        lambda *a, **k: VideoTask(FakeLandmarker([exerciser, near, whole])))
    one = np.zeros((H, W, 3), np.uint8)
    exerciser.draw(one)
    two = _texture(7)
    near.draw(two)
    whole.draw(two)
    return [one] * 45 + [two] * 30, whole, near


def _track(frames):
    with estimator.PoseTracker() as tracker:
        rows = [tracker.process_rgb(f.copy(), i / 30, own=True)[0] for i, f in enumerate(frames)]
    return tracker, rows


def test_at_a_scene_cut_the_person_is_chosen_again_not_the_nearest_skeleton(two_shots):
    frames, whole, near = two_shots
    tracker, rows = _track(frames)
    assert tracker.n_cuts == 1 and tracker.gaps == [(45 / 30, 45 / 30)]
    want = (whole.box[0] + whole.box[2]) / 2
    assert all(r is not None and abs(_hip_x(r) - want) < 0.01 for r in rows[45:])
    assert tracker.choice.people == 1          # the first choice is the one reported


def test_without_cut_detection_the_nearest_skeleton_is_followed(two_shots, monkeypatch):
    from vision.pose import shots

    frames, whole, near = two_shots
    monkeypatch.setattr(shots.ShotDetector, "update", lambda self, rgb: False)
    tracker, rows = _track(frames)
    want = (near.box[0] + near.box[2]) / 2
    assert tracker.n_cuts == 0
    assert sum(r is not None and abs(_hip_x(r) - want) < 0.01 for r in rows[45:]) > 20


def test_the_same_body_with_its_legs_unseen_by_one_landmarker_is_the_same_body():
    """Two landmarkers with different presence thresholds see different landmarks of one
    squatting body: one box ends at the hips, the other at the feet (measured on the
    side-view squat clip). Hips and torso decide, not the boxes."""
    row = np.zeros((33, 4))
    for i, p in enumerate(Person((0.45, 0.24, 0.58, 0.66), (1, 1, 1), 0).landmarks()):
        row[i] = (p.x, p.y, p.z, p.visibility)
    legs_unseen = row.copy()
    legs_unseen[25:, 3] = 0.2
    a, b = body_box(row, W, H, 0.0), body_box(legs_unseen, W, H, 0.0)
    assert b.y1 < 0.5 < a.y1
    assert same_body(a, b, width=W, height=H)
