"""MediaPipe Tasks pose (and optionally hand) landmarks for one stream, kept on one person.

Conventions
-----------
- One ``PoseLandmarker`` (BlazePose GHUM full model, ``num_poses=1``) and at most one
  ``HandLandmarker`` (two hands) per stream, both in VIDEO running mode and made once in
  the constructor: never per frame. Frames must come in time order; the model bundles load
  from this package (``vision/pose/models/*.task``), never from the network.
- Timestamps: the Tasks API needs strictly increasing integer milliseconds. ``t`` (seconds)
  is rounded to ms and pushed 1 ms past the previous call when it does not increase (a
  webcam's repeated or backward clock, the tracker's own re-detection frames), so any
  caller's clock works.
- Output landmarks are normalised to the *full* input frame (x by width, y by height, y
  down), whatever region was analysed; z is rescaled with x. Visibility (column 4) is the
  model's per-landmark visibility probability (0..1), as in the legacy API. The Tasks
  landmarker does not smooth over time; :class:`~vision.pose.landmark_filter.LandmarkSmoother`
  applies the legacy graph's filters, so traces keep their meaning.
- Frames are analysed at most ``max_side_px`` on the long side (default 960); landmarks are
  normalised, so this changes speed, not coordinates. ``process_rgb`` takes frames already
  made by :func:`~vision.pose.video.rgb_for_analysis` (in a decode thread, off the model's
  path).
- Hand labels ("Left"/"Right") keep the legacy meaning: MediaPipe's handedness for a
  mirrored (selfie) image, so on an ordinary camera image "Left" is the person's right
  hand. See :mod:`vision.pose.landmarkers`.
- Threads: a tracker holds MediaPipe graphs with state; call it from one thread at a time
  (for a webcam callback, one tracker per connection, guarded by a lock if the callback can
  run concurrently).

Staying on one person
---------------------
MediaPipe Pose follows a single person, but a reflection, a passer-by or a second exerciser
can take it over. Three guards:

1. *Region of interest.* Once a person is acquired, everything farther than
   ``ROI_MARGIN_BODY`` times the body box's longer side from that box is painted grey before
   the model sees the frame, so nobody outside it can be detected. Masking (rather than
   cropping) keeps MediaPipe's own frame-to-frame tracking and smoothing in one coordinate
   frame, so the window can follow the person every frame at no cost.
2. *Jump rejection.* A detection is the same person when its hip centre moved less than
   ``JUMP_SLACK_TORSO + SPEED_TORSO_PER_S * dt`` torso lengths with a torso length within
   ``SCALE_SLACK + SCALE_PER_S * dt`` (log ratio) since the last accepted frame, or when its
   body box overlaps the previous one by at least ``SAME_OVERLAP`` of the smaller box
   (MediaPipe correcting its own estimate of the same body). Anything else is treated as
   missing and MediaPipe is made to re-detect inside the window, which grows with the time
   lost (``ROI_GROWTH_PER_S``) until it covers the frame.
3. *Target.* ``target`` picks the person at the start: ``"largest"`` or ``"central"`` (people
   are found by detecting, masking the person found and detecting again), a point ``(x, y)``
   or a box ``(x0, y0, x1, y1)`` in normalised coordinates that the user picked.
"""

from __future__ import annotations

import math
from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np

from vision.pose.landmark_filter import LandmarkSmoother
from vision.pose.landmarkers import (
    BLANK,
    LOADER,
    VideoTask,
    hand_label,
    make_hands,
    make_pose,
    or_zero,
)
from vision.pose.trace import L_HIP, L_SHOULDER, N_HAND, N_POSE, R_HIP, R_SHOULDER, HandLandmarks
from vision.pose.video import ANALYSIS_MAX_SIDE_PX, downscale_for_analysis, rgb_for_analysis

ROI_MARGIN_BODY = 0.5        # window = body box grown by this x its longer side, each way
ROI_GROWTH_PER_S = 1.5       # the margin grows by this many longer sides per second lost
JUMP_SLACK_TORSO = 0.5       # hip-centre displacement always allowed (torso lengths)
SPEED_TORSO_PER_S = 5.0      # plus this speed (a running child: ~2 body heights per second)
SCALE_SLACK = math.log(1.6)  # torso length may change by x1.6 between frames...
SCALE_PER_S = 1.0            # ...plus e^(1.0 * dt)
SAME_OVERLAP = 0.5           # boxes sharing this much of the smaller one are the same body
SWITCH_MARGIN_BODY = 0.1     # window margin (x box side) when a landmarker starts afresh
MAX_PEOPLE = 4               # people looked for when choosing "largest" / "central"
VIS_FOR_BOX = 0.5            # landmarks at least this visible define the body box
MASK_GREY = 127              # value painted outside the region of interest
# Pose presence score (0..1) needed to take up a body (and to take it up again once lost)
# and, lower, to keep following one. The Tasks graph sets the next frame's region from raw
# landmarks (the legacy graph smoothed them first), so in close-ups with the feet or trunk cut
# off its presence score sinks where the legacy one stayed high: one threshold of 0.5 lost
# 17 % of the close-up squat, one of 0.1 took up half-visible bodies entering the frame.
POSE_PRESENCE_ACQUIRE = 0.5
POSE_PRESENCE_KEEP = 0.1

Window = tuple[int, int, int, int]   # x0, y0, x1, y1 in pixels of the analysed frame


@dataclass(frozen=True)
class BodyBox:
    """Where the tracked person is, in normalised full-frame coordinates.

    ``x0, y0, x1, y1`` bound the visible landmarks; ``hip_x, hip_y`` is the hip centre;
    ``torso_px`` is the shoulder-centre to hip-centre length in pixels of the analysed frame
    (at least a quarter of the box's longer side, so a foreshortened torso cannot shrink it
    to nothing); ``t`` the time in seconds.
    """

    x0: float
    y0: float
    x1: float
    y1: float
    hip_x: float
    hip_y: float
    torso_px: float
    t: float

    def contains(self, x: float, y: float, *, margin: float = 0.0) -> bool:
        mx, my = margin * (self.x1 - self.x0), margin * (self.y1 - self.y0)
        return self.x0 - mx <= x <= self.x1 + mx and self.y0 - my <= y <= self.y1 + my

    def overlap(self, other: BodyBox) -> float:
        """Intersection area / area of the smaller box (0..1)."""
        iw = min(self.x1, other.x1) - max(self.x0, other.x0)
        ih = min(self.y1, other.y1) - max(self.y0, other.y0)
        if iw <= 0 or ih <= 0:
            return 0.0
        small = min((self.x1 - self.x0) * (self.y1 - self.y0),
                    (other.x1 - other.x0) * (other.y1 - other.y0))
        return float(iw * ih / small) if small > 0 else 0.0


def body_box(row: np.ndarray, width: int, height: int, t: float) -> BodyBox:
    """The :class:`BodyBox` of one pose row (33, 4) for a frame ``width`` x ``height`` px."""
    vis = row[:, 3] >= VIS_FOR_BOX
    pts = row[vis, :2] if vis.sum() >= 4 else row[:, :2]
    x0, y0 = np.clip(pts.min(axis=0), 0.0, 1.0)
    x1, y1 = np.clip(pts.max(axis=0), 0.0, 1.0)
    hip = (row[L_HIP, :2] + row[R_HIP, :2]) / 2
    sho = (row[L_SHOULDER, :2] + row[R_SHOULDER, :2]) / 2
    torso = math.hypot((sho[0] - hip[0]) * width, (sho[1] - hip[1]) * height)
    longer = max((x1 - x0) * width, (y1 - y0) * height)
    return BodyBox(float(x0), float(y0), float(x1), float(y1), float(hip[0]), float(hip[1]),
                   max(torso, 0.25 * longer, 1.0), float(t))


def plausible_move(prev: BodyBox, new: BodyBox, *, width: int, height: int) -> bool:
    """True when ``new`` can be the same person as ``prev`` given the time between them.

    Notes
    -----
    Same person when the boxes overlap by at least ``SAME_OVERLAP`` of the smaller one, or
    when the hip centre moved at most ``torso_prev * (JUMP_SLACK_TORSO + SPEED_TORSO_PER_S
    * dt)`` pixels with ``|log(torso_new / torso_prev)| <= SCALE_SLACK + SCALE_PER_S * dt``.
    """
    if prev.overlap(new) >= SAME_OVERLAP:
        return True
    dt = max(new.t - prev.t, 0.0)
    d = math.hypot((new.hip_x - prev.hip_x) * width, (new.hip_y - prev.hip_y) * height)
    if d > prev.torso_px * (JUMP_SLACK_TORSO + SPEED_TORSO_PER_S * dt):
        return False
    return abs(math.log(new.torso_px / prev.torso_px)) <= SCALE_SLACK + SCALE_PER_S * dt


def pick_person(boxes: list[BodyBox], *, how: str) -> int:
    """Index of the person to follow among ``boxes``.

    ``"largest"``: the longest torso in pixels (the person nearest the camera; torso length
    does not change with arm or leg poses). ``"central"``: the hip centre nearest the
    middle of the frame.
    """
    if not boxes:
        raise ValueError("no people to choose from")
    if how == "largest":
        return max(range(len(boxes)), key=lambda i: boxes[i].torso_px)
    if how == "central":
        return min(range(len(boxes)),
                   key=lambda i: math.hypot(boxes[i].hip_x - 0.5, boxes[i].hip_y - 0.5))
    raise ValueError(f"how must be 'largest' or 'central', got {how!r}")


class PoseTracker:
    """Pose (and hands) of one person through one stream of frames.

    Parameters
    ----------
    hands : bool
        Also run MediaPipe Hands (up to two hands, full frame).
    target : None, "largest", "central", (x, y) or (x0, y0, x1, y1)
        Who to follow (normalised coordinates for a point or box). None follows whoever
        MediaPipe finds first.
    max_side_px : int
        Analyse frames shrunk to this long side (pixels).
    min_detection_confidence : float
        Detector score needed to start tracking a body or a hand (0..1).
    min_tracking_confidence : float
        Hands: presence score needed to keep a hand (0..1); also the overlap a tracked
        region needs with a new detection to be the same body or hand. The pose presence
        thresholds are ``POSE_PRESENCE_ACQUIRE`` (taking a body up) and
        ``POSE_PRESENCE_KEEP`` (following it: a second landmarker, made at the first
        acquisition).

    Attributes
    ----------
    box : BodyBox or None
        The last accepted body box.
    n_rejected : int
        Detections refused as implausible jumps (another person taking over).
    n_redetections : int
        Times MediaPipe was made to detect afresh (rejections and target search).
    """

    def __init__(self, *, hands: bool = False, target=None,
                 max_side_px: int = ANALYSIS_MAX_SIDE_PX,
                 min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5):
        self.target = _check_target(target)
        self.max_side_px = int(max_side_px)
        self._conf = (min_detection_confidence, min_tracking_confidence)
        self._pose = make_pose(*self._conf, presence=POSE_PRESENCE_ACQUIRE)
        # The follower loads (about 0.6 s of CPU) in the background, on the core the model
        # leaves free, while the first frames are decoded and the person is found.
        self._keep: VideoTask | None = None
        self._keep_loading: Future | None = LOADER.submit(
            make_pose, *self._conf, presence=POSE_PRESENCE_KEEP)
        self._last: VideoTask | None = None     # the landmarker that saw the last frame
        self._hands = make_hands(min_detection_confidence, min_tracking_confidence) \
            if hands else None
        self._smooth = LandmarkSmoother()
        self.box: BodyBox | None = None
        self._lost_since: float | None = None
        self.n_rejected = 0
        self.n_redetections = 0

    # ----- public -----------------------------------------------------------------------
    def process(self, frame_bgr: np.ndarray, t: float
                ) -> tuple[np.ndarray | None, list[HandLandmarks]]:
        """Landmarks of the tracked person in one frame (time ``t`` seconds).

        Returns ``(pose_row, hands)``: ``pose_row`` is a (33, 4) array of normalised
        x, y, z and visibility, or None when the person is not found (or a detection was
        rejected as another person); ``hands`` a list of :class:`HandLandmarks`.
        """
        _check_frame(frame_bgr, "BGR")
        rgb = rgb_for_analysis(frame_bgr, max_side_px=self.max_side_px)
        return self.process_rgb(rgb, t, own=True)

    def process_rgb(self, rgb: np.ndarray, t: float, *, own: bool = False
                    ) -> tuple[np.ndarray | None, list[HandLandmarks]]:
        """As :meth:`process` for an RGB frame (larger than ``max_side_px`` is shrunk).
        ``own=True`` hands the frame over: the tracker may paint its region-of-interest mask
        on it, saving a copy a frame (hands are found first, on the whole frame)."""
        _check_frame(rgb, "RGB")
        if max(rgb.shape[:2]) > self.max_side_px:
            rgb, own = downscale_for_analysis(rgb, max_side_px=self.max_side_px), True
        for task in (self._pose, self._keep, self._hands):
            if task is not None:
                task.tick(t)
        hands = self._run_hands(rgb) if self._hands is not None else []
        row = self._acquire(rgb, t) if self.box is None else self._follow(rgb, t, own=own)
        return self._smooth(row, t, rgb.shape[1], rgb.shape[0]), hands

    def close(self) -> None:
        if self._keep_loading is not None:
            try:
                self._keep = self._keep_loading.result()
            except Exception:  # noqa: BLE001 - a failed load has nothing to close
                self._keep = None
            self._keep_loading = None
        for task in (self._pose, self._keep, self._hands):
            if task is not None:
                task.close()
        self._pose = self._keep = self._hands = None

    def __enter__(self) -> PoseTracker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ----- acquisition ------------------------------------------------------------------
    def _acquire(self, rgb: np.ndarray, t: float) -> np.ndarray | None:
        """Find the person to follow: whoever MediaPipe finds, or the target."""
        h, w = rgb.shape[:2]
        if self.target is None:
            row = self._run_pose(rgb)
        elif isinstance(self.target, str):
            row = self._choose(rgb, t, self.target)
        else:
            row = self._find_at(rgb, t, self.target)
        if row is not None:
            self._accept(row, w, h, t)
        return row

    def _choose(self, rgb: np.ndarray, t: float, how: str) -> np.ndarray | None:
        """Detect up to MAX_PEOPLE people by masking each one found; keep one by ``how``."""
        h, w = rgb.shape[:2]
        img = rgb.copy()
        found: list[tuple[np.ndarray, BodyBox]] = []
        for _ in range(MAX_PEOPLE):
            self._redetect()
            row = self._run_pose(img)
            if row is None:
                break
            box = body_box(row, w, h, t)
            if any(b.contains(box.hip_x, box.hip_y) for _, b in found):
                break  # the same person again, through the mask
            found.append((row, box))
            x0, y0, x1, y1 = _box_window(box, w, h, margin=0.1)
            img[y0:y1, x0:x1] = MASK_GREY
        if not found:
            return None
        row, box = found[pick_person([b for _, b in found], how=how)]
        if len(found) > 1:   # MediaPipe is tracking the last one found: point it at ours
            self._redetect()
            row = self._run_pose(_mask(rgb, _box_window(box, w, h, margin=ROI_MARGIN_BODY)))
        return row

    def _find_at(self, rgb: np.ndarray, t: float, target: tuple) -> np.ndarray | None:
        """Person whose body contains the picked point, or whose hips lie in the picked box."""
        h, w = rgb.shape[:2]
        if len(target) == 2:
            px, py = target
            windows = [_square_window(px * w, py * h, f * min(w, h), w, h) for f in (0.6, 1.0)]
        else:
            x0, y0, x1, y1 = target
            px, py = (x0 + x1) / 2, (y0 + y1) / 2
            side = 1.25 * max((x1 - x0) * w, (y1 - y0) * h)
            windows = [_square_window(px * w, py * h, side, w, h)]
        for win in windows:
            self._redetect()
            row = self._run_pose(_mask(rgb, win))
            if row is None:
                continue
            box = body_box(row, w, h, t)
            if len(target) == 2:
                hit = box.contains(px, py, margin=0.1)
            else:
                hit = target[0] <= box.hip_x <= target[2] and target[1] <= box.hip_y <= target[3]
            if hit:
                return row
        return None

    # ----- following --------------------------------------------------------------------
    def _follow(self, rgb: np.ndarray, t: float, *, own: bool = False) -> np.ndarray | None:
        h, w = rgb.shape[:2]
        lost_s = 0.0 if self._lost_since is None else max(t - self._lost_since, 0.0)
        window = _box_window(self.box, w, h,
                             margin=ROI_MARGIN_BODY * (1.0 + ROI_GROWTH_PER_S * lost_s))
        if self._keep_loading is not None:
            self._keep, self._keep_loading = self._keep_loading.result(), None
        # Following: the lenient landmarker; lost: the strict one, as at the start.
        task = self._keep if self._lost_since is None else self._pose
        if task is not self._last:    # it detects afresh: show it only the tracked body
            window = _box_window(self.box, w, h, margin=SWITCH_MARGIN_BODY)
        row = self._run_pose(_mask(rgb, window, inplace=own), task)
        if row is None:
            self._mark_lost(t)
            return None
        box = body_box(row, w, h, t)
        if not plausible_move(self.box, box, width=w, height=h):
            self.n_rejected += 1
            self._redetect()          # drop the impostor; re-detect inside the window
            self._mark_lost(t)
            return None
        self.box, self._lost_since = box, None
        return row

    def _accept(self, row: np.ndarray, w: int, h: int, t: float) -> None:
        self.box = body_box(row, w, h, t)
        self._lost_since = None

    def _mark_lost(self, t: float) -> None:
        if self._lost_since is None:
            self._lost_since = t

    # ----- MediaPipe --------------------------------------------------------------------
    def _redetect(self) -> None:
        """Make MediaPipe detect afresh on the next frame: a blank frame makes the tracked
        body vanish (a few ms), far cheaper than making a new landmarker."""
        for task in (self._pose, self._keep):
            if task is not None:
                task.run(BLANK)
        self.n_redetections += 1

    def _run_pose(self, rgb: np.ndarray, task: VideoTask | None = None) -> np.ndarray | None:
        task = self._pose if task is None else task
        if task is not self._last:
            task.run(BLANK)       # its own region is from an older frame: detect afresh
            self._last = task
        res = task.run(rgb)
        if not res.pose_landmarks:
            return None
        arr = np.array([[p.x, p.y, p.z, or_zero(p.visibility)] for p in res.pose_landmarks[0]],
                       dtype=float)
        if arr.shape != (N_POSE, 4):
            raise RuntimeError(f"MediaPipe returned {arr.shape} pose landmarks")
        return arr

    def _run_hands(self, rgb: np.ndarray) -> list[HandLandmarks]:
        res = self._hands.run(rgb)
        out = []
        for i, lms in enumerate(res.hand_landmarks or []):
            cats = res.handedness[i] if i < len(res.handedness or []) else []
            arr = np.array([[p.x, p.y, p.z] for p in lms], dtype=float)
            if arr.shape == (N_HAND, 3):
                out.append(HandLandmarks(hand_label(cats[0].category_name if cats else ""),
                                         arr))
        return out


# ----- helpers ---------------------------------------------------------------------------
def _check_frame(frame: np.ndarray, kind: str) -> None:
    if frame is None or frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError(f"the frame must be an (h, w, 3) {kind} image")


def _mask(rgb: np.ndarray, window: Window, *, inplace: bool = False) -> np.ndarray:
    """``rgb`` with everything outside ``window`` painted grey (the frame itself if the
    window covers it); ``inplace`` paints ``rgb`` itself instead of a copy."""
    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = window
    if (x0, y0, x1, y1) == (0, 0, w, h):
        return rgb
    out = rgb if inplace else rgb.copy()
    out[:y0] = out[y1:] = MASK_GREY
    out[y0:y1, :x0] = out[y0:y1, x1:] = MASK_GREY
    return out


def _square_window(cx: float, cy: float, side: float, w: int, h: int) -> Window:
    """Integer window of ``side`` px centred near (cx, cy), shifted to lie inside the frame."""
    cw, ch = int(round(min(side, w))), int(round(min(side, h)))
    x0 = int(round(min(max(cx - cw / 2, 0), w - cw)))
    y0 = int(round(min(max(cy - ch / 2, 0), h - ch)))
    return (x0, y0, x0 + cw, y0 + ch)


def _box_window(box: BodyBox, w: int, h: int, *, margin: float) -> Window:
    """``box`` grown by ``margin`` times its longer side on every side, clipped (pixels)."""
    longer = max((box.x1 - box.x0) * w, (box.y1 - box.y0) * h)
    m = margin * longer
    return (max(int(box.x0 * w - m), 0), max(int(box.y0 * h - m), 0),
            min(int(math.ceil(box.x1 * w + m)), w), min(int(math.ceil(box.y1 * h + m)), h))


def _check_target(target):
    """Validate ``target``; return it as None, a string, or a tuple of floats."""
    if target is None or target in ("largest", "central"):
        return target
    if isinstance(target, str):
        raise ValueError(f"target must be 'largest', 'central', a point or a box, got {target!r}")
    vals = tuple(float(v) for v in target)
    if len(vals) not in (2, 4) or not all(0.0 <= v <= 1.0 for v in vals):
        raise ValueError(f"target point/box must be 2 or 4 normalised numbers in 0..1, "
                         f"got {target!r}")
    if len(vals) == 4 and not (vals[0] < vals[2] and vals[1] < vals[3]):
        raise ValueError(f"target box must be (x0, y0, x1, y1) with x0 < x1, y0 < y1, "
                         f"got {target!r}")
    return vals
