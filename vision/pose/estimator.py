"""MediaPipe Tasks pose (and optionally hand) landmarks for one stream, kept on one person.

Conventions (models, timestamps, threads, hand labels: :mod:`vision.pose.landmarkers`)
-----------
- Output landmarks are normalised to the *full* input frame (x by width, y by height, y
  down), whatever region was analysed; z is rescaled with x; column 4 is the model's
  per-landmark visibility (0..1). :class:`~vision.pose.landmark_filter.LandmarkSmoother`
  applies the legacy graph's filters, so traces keep their meaning.
- Frames are analysed at most ``max_side_px`` on the long side (default 960);
  ``process_rgb`` takes frames already made by :func:`~vision.pose.video.rgb_for_analysis`
  (in a decode thread, off the model's path).

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
3. *Target.* ``target`` picks the person at the start (rules: :mod:`vision.pose.target`;
   people found by :mod:`vision.pose.finder`): by default (None, or ``"in_view"``) the
   person most fully and largely in view over the opening second
   (:mod:`vision.pose.opening`); when another person wins it, the tracker moves to them and
   ``retract_before`` (seconds) says that the frames before it showed someone else.
   ``choice`` says which rule was used and how many people were in view. A body taken up
   is handed to the lenient follower only when the follower finds the same body
   (:func:`~vision.pose.target.same_body`), never a second person in the window.
4. *Scene cuts* (:mod:`vision.pose.shots`): at a cut the person is chosen again on the
   whole frame by the rule, and the restart is a gap (below).
5. *Re-acquisition.* A person lost for ``REACQUIRE_AFTER_S`` (a close-up that cut the body
   off, someone walking through, the person leaving and coming back), or followed for that
   long with fewer than ``MIN_IN_VIEW`` of the body landmarks in view (the model stuck on a
   fragment), is searched for on the whole frame every ``REACQUIRE_EVERY_S``; the best
   candidate by the default rule is taken up, or one that can be the same person if it
   scores at least ``CONTINUITY_SCORE_FRAC`` of the best. Each such restart (and any
   re-finding after that long) is recorded in ``gaps`` (lost-since and found-at times), so
   analyses can tell a new start from a continued movement; the frames between are missing.
"""

from __future__ import annotations

import math

import numpy as np

from vision.pose.finder import census, find_at, mask
from vision.pose.landmark_filter import LandmarkSmoother
from vision.pose.landmarkers import PosePair, VideoTask, hand_rows, make_hands
from vision.pose.opening import Opening
from vision.pose.shots import ShotDetector
from vision.pose.target import (
    MIN_IN_VIEW,
    BodyBox,
    TargetChoice,
    again_choice,
    body_box,
    box_window,
    check_target,
    choice_for,
    plausible_move,
    same_body,
)
from vision.pose.trace import HandLandmarks
from vision.pose.video import ANALYSIS_MAX_SIDE_PX, downscale_for_analysis, rgb_for_analysis

ROI_MARGIN_BODY = 0.5        # window = body box grown by this x its longer side, each way
ROI_GROWTH_PER_S = 1.5       # the margin grows by this many longer sides per second lost
SWITCH_MARGIN_BODY = 0.1     # window margin (x box side) when a landmarker starts afresh
REACQUIRE_AFTER_S = 1.0      # lost (or barely in view) this long: search the whole frame
REACQUIRE_EVERY_S = 0.25     # ... at most this often (each search costs 1-5 model runs)
# Pose presence score (0..1) needed to take up a body (and to take it up again once lost)
# and, lower, to keep following one. The Tasks graph sets the next frame's region from raw
# landmarks (the legacy graph smoothed them first), so in close-ups with the feet or trunk cut
# off its presence score sinks where the legacy one stayed high: one threshold of 0.5 lost
# 17 % of the close-up squat, one of 0.1 took up half-visible bodies entering the frame.
POSE_PRESENCE_ACQUIRE = 0.5
POSE_PRESENCE_KEEP = 0.1


class PoseTracker:
    """Pose (and hands) of one person through one stream of frames.

    Parameters
    ----------
    hands : bool
        Also run MediaPipe Hands (up to two hands, full frame).
    target : None, "in_view", "largest", "central", (x, y) or (x0, y0, x1, y1)
        Who to follow (normalised coordinates for a point or box). None is ``"in_view"``:
        the person most fully and largely in view when somebody is first found.
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
    n_handover_refused : int
        Times the lenient follower, shown the body just taken up, found another body (or
        none) and was not handed over (it then detects afresh in a tight window).
    n_cuts : int
        Scene cuts met while following somebody (each one a fresh choice and a gap).
    choice : TargetChoice or None
        How the person was chosen (rule, people in view), once somebody was found.
    gaps : list of (float, float)
        Restarts after ``REACQUIRE_AFTER_S`` or more without the person (or with the body
        barely in view): (time lost or last seen well, time taken up again), seconds.
    """

    def __init__(self, *, hands: bool = False, target=None,
                 max_side_px: int = ANALYSIS_MAX_SIDE_PX,
                 min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5):
        self.target = check_target(target)
        self.max_side_px = int(max_side_px)
        self._lm = PosePair(min_detection_confidence, min_tracking_confidence,
                            acquire=POSE_PRESENCE_ACQUIRE, keep=POSE_PRESENCE_KEEP)
        self._hands = make_hands(min_detection_confidence, min_tracking_confidence) \
            if hands else None
        self._smooth = LandmarkSmoother()
        self.box: BodyBox | None = None
        self._lost_since: float | None = None
        self._weak_since: float | None = None   # followed with the body barely in view
        self._searched_at = -math.inf
        self.n_rejected = 0
        self.n_handover_refused = 0
        self.n_cuts = 0
        self._shots = ShotDetector()
        self._cut_at: float | None = None   # a scene cut, nobody taken up since
        self.choice: TargetChoice | None = None
        self.gaps: list[tuple[float, float]] = []
        self.retract_before: float | None = None
        self._opening: Opening | None = None      # the opening second, while it lasts

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
        self._lm.tick(t)
        if self._hands is not None:
            self._hands.tick(t)
        if self._shots.update(rgb) and self.box is not None:
            self._new_shot(t)
        hands = self._run_hands(rgb) if self._hands is not None else []
        row = self._acquire(rgb, t) if self.box is None else self._follow(rgb, t, own=own)
        return self._smooth(row, t, rgb.shape[1], rgb.shape[0]), hands

    @property
    def n_redetections(self) -> int:
        """Times MediaPipe was made to detect afresh (rejections and target search)."""
        return self._lm.forgets

    def close(self) -> None:
        self._lm.close()
        if self._hands is not None:
            self._hands.close()
        self._hands = None

    def __enter__(self) -> PoseTracker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ----- acquisition ------------------------------------------------------------------
    def _new_shot(self, t: float) -> None:
        """A scene cut (:mod:`vision.pose.shots`): choose again on the whole frame, never
        the nearest skeleton across the cut; the restart is a gap."""
        self.n_cuts += 1
        self.box = self._opening = self._lost_since = self._weak_since = None
        self._cut_at = t
        self._lm.forget()
        self._smooth.reset()

    def _acquire(self, rgb: np.ndarray, t: float) -> np.ndarray | None:
        """Find the person to follow by the target rule, point or box; after a scene cut
        by the rule (the default one for a point or box), ``choice`` kept as first made."""
        h, w = rgb.shape[:2]
        if self._cut_at is not None:
            first = self.choice
            how = self.target if isinstance(self.target, str) else "in_view"
            row = self._choose(rgb, t, how, opening=False)
            self.choice = first
            if row is not None:
                self.gaps.append((self._cut_at, t))
                self._cut_at = None
        elif isinstance(self.target, tuple):
            row = self._find_at(rgb, t, self.target)
            if row is not None:
                self.choice = TargetChoice("point" if len(self.target) == 2 else "box", 1, t)
        else:
            row = self._choose(rgb, t, self.target or "in_view")
        if row is not None:
            self._accept(row, w, h, t)
        return row

    def _census(self, rgb: np.ndarray, t: float) -> list[tuple[np.ndarray, BodyBox]]:
        """Up to MAX_PEOPLE people on the whole frame (see :func:`~vision.pose.finder.census`);
        only the strict landmarker runs, so the follower's region stays valid."""
        last = self._lm.last
        found = census(rgb, t, lambda img, fresh: self._detect(img, fresh, only=self._lm.strict),
                       first_fresh=self.box is not None)
        if last is self._lm.keep and last is not None:
            self._lm.last = last
        return found

    def _take(self, rgb: np.ndarray, found: list, i: int) -> np.ndarray:
        """Row of ``found[i]``; MediaPipe, which tracks the last one found, is pointed at it."""
        row, box = found[i]
        h, w = rgb.shape[:2]
        if len(found) > 1:
            # MediaPipe tracks the last one found: point it at this one. Its window may hold
            # another person, whom the detector may prefer; then a tight window, and failing
            # that the census row (the next frame then detects afresh in a tight window).
            for margin in (ROI_MARGIN_BODY, SWITCH_MARGIN_BODY):
                self._lm.forget()
                again = self._lm.run(mask(rgb, box_window(box, w, h, margin=margin)))
                if again is not None and same_body(body_box(again, w, h, box.t), box,
                                                   width=w, height=h):
                    row = again
                    break
            else:
                self._lm.last = None
                return row
        self._hand_over(rgb, body_box(row, w, h, box.t))
        return row

    def _hand_over(self, rgb: np.ndarray, box: BodyBox) -> None:
        """Hand the body ``box`` the strict landmarker just took up on ``rgb`` to the
        follower, shown only that body (its box + ``SWITCH_MARGIN_BODY``), so it tracks from
        the next frame (detecting afresh a frame later fails whenever the face, the
        detector's anchor, is hidden or cut off: close-ups were lost again and again; on a
        wider window it locked on with the legs of a squatting body unseen, then lost it).
        Not when it finds another body (or none): it then detects afresh next frame."""
        h, w = rgb.shape[:2]
        img = mask(rgb, box_window(box, w, h, margin=SWITCH_MARGIN_BODY))
        if not self._lm.hand_over(img, lambda got: same_body(body_box(got, w, h, box.t), box,
                                                             width=w, height=h)):
            self.n_handover_refused += 1

    def _choose(self, rgb: np.ndarray, t: float, how: str, *, opening: bool = True
                ) -> np.ndarray | None:
        """The person to follow among those on the frame, by rule ``how``; ``opening``:
        the ``"in_view"`` rule is judged again over the opening second."""
        found = self._census(rgb, t)
        if not found:
            return None
        i, self.choice = choice_for([b for _, b in found], how, t)
        if how == "in_view" and opening:   # judged again over the opening (someone may walk in)
            self._opening = Opening.start([b for _, b in found], i, t)
        return self._take(rgb, found, i)

    def _find_at(self, rgb: np.ndarray, t: float, target: tuple) -> np.ndarray | None:
        """Person whose body contains the picked point, or whose hips lie in the picked box."""
        return find_at(rgb, t, target, self._detect)

    # ----- following --------------------------------------------------------------------
    def _follow(self, rgb: np.ndarray, t: float, *, own: bool = False) -> np.ndarray | None:
        h, w = rgb.shape[:2]
        if self._opening is not None and self._opening.due(t):
            looked, row = self._look(rgb, t)
            if looked:
                return row
        if self._search_due(t):
            searched, row = self._reacquire(rgb, t)
            if searched:
                return row
        lost_s = 0.0 if self._lost_since is None else max(t - self._lost_since, 0.0)
        window = box_window(self.box, w, h, reach=self._lost_since is not None,
                            margin=ROI_MARGIN_BODY * (1.0 + ROI_GROWTH_PER_S * lost_s))
        # Following: the lenient landmarker; lost: the strict one, as at the start.
        task = self._lm.ready() if self._lost_since is None else self._lm.strict
        if task is not self._lm.last:    # it detects afresh: show it only the tracked body
            window = box_window(self.box, w, h, margin=SWITCH_MARGIN_BODY)
        img = mask(rgb, window, inplace=own)
        row = self._lm.run(img, task)
        if row is None:
            self._mark_lost(t)
            return None
        box = body_box(row, w, h, t)
        if not plausible_move(self.box, box, width=w, height=h):
            self.n_rejected += 1
            self._lm.forget()         # drop the impostor; re-detect inside the window
            self._mark_lost(t)
            return None
        if task is self._lm.strict:   # found again by the strict landmarker
            self._hand_over(img, box)
            if t - self._lost_since >= REACQUIRE_AFTER_S:   # a long gap: mark it
                self.gaps.append((self._lost_since, t))
        self._set_box(box)
        return row

    def _look(self, rgb: np.ndarray, t: float) -> tuple[bool, np.ndarray | None]:
        """One look of the opening (see :mod:`vision.pose.opening`); at the last look
        follow the best. Returns (done, row) as :meth:`_reacquire`."""
        h, w = rgb.shape[:2]
        found = self._census(rgb, t)
        res = self._opening.look([b for _, b in found], t, self.box, self.choice.t,
                                 width=w, height=h)
        if res.choice is not None:
            self.choice, self._opening = res.choice, None
        if res.switch_to is None:      # the follower, still tracking, does this frame
            return False, None
        row = self._take(rgb, found, res.switch_to)
        self.retract_before = t        # another person won the opening: start again there
        self._smooth.reset()
        self._accept(row, w, h, t)
        return True, row

    def _search_due(self, t: float) -> bool:
        """Lost, or barely in view, for REACQUIRE_AFTER_S, and not searched just now."""
        since = self._lost_since if self._lost_since is not None else self._weak_since
        return (since is not None and t - since >= REACQUIRE_AFTER_S
                and t - self._searched_at >= REACQUIRE_EVERY_S)

    def _reacquire(self, rgb: np.ndarray, t: float) -> tuple[bool, np.ndarray | None]:
        """Search the whole frame. Returns (done, row): ``done`` False leaves this frame to
        the ordinary follower (the weakly seen person is still the best one there)."""
        self._searched_at = t
        found = self._census(rgb, t)
        h, w = rgb.shape[:2]
        lost = self._lost_since is not None
        i = again_choice([b for _, b in found], self.box, lost=lost, width=w, height=h)
        if i is None:
            return lost, None
        row = self._take(rgb, found, i)
        self.gaps.append((self._lost_since if lost else self._weak_since, t))
        self._smooth.reset()
        self._accept(row, w, h, t)
        return True, row

    def _set_box(self, box: BodyBox) -> None:
        self.box, self._lost_since = box, None
        if box.in_view >= MIN_IN_VIEW:
            self._weak_since = None
        elif self._weak_since is None:
            self._weak_since = box.t

    def _accept(self, row: np.ndarray, w: int, h: int, t: float) -> None:
        self._weak_since = None
        self._set_box(body_box(row, w, h, t))

    def _mark_lost(self, t: float) -> None:
        if self._lost_since is None:
            self._lost_since = t

    # ----- MediaPipe --------------------------------------------------------------------
    def _detect(self, img: np.ndarray, fresh: bool, *, only: VideoTask | None = None
                ) -> np.ndarray | None:
        """The strict landmarker's row on ``img``; ``fresh``: after forgetting (all
        landmarkers, or ``only``)."""
        if fresh:
            self._lm.forget(only=only)
        return self._lm.run(img)

    def _run_hands(self, rgb: np.ndarray) -> list[HandLandmarks]:
        return hand_rows(self._hands.run(rgb))


# ----- helpers ---------------------------------------------------------------------------
def _check_frame(frame: np.ndarray, kind: str) -> None:
    if frame is None or frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError(f"the frame must be an (h, w, 3) {kind} image")
