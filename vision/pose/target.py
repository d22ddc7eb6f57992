"""Who to follow: body boxes, the same-person test and the rules that choose one person.

Pure geometry on pose rows (33, 4: normalised x, y, z, visibility); no model here. Used by
:class:`~vision.pose.estimator.PoseTracker`.

Choosing a person (``pick_person``):

- ``"in_view"`` (the default when the user picks nobody): the person most fully and most
  largely in view, score = (share of the 12 body landmarks from shoulders to toes that are
  visible inside the frame) x (the body box's longer side in pixels). A person cut off by
  the frame edge or half hidden loses to one seen whole; of two seen whole, the nearer
  (larger) one wins. Rows from a reflection or a passer-by at the back are smaller.
- ``"largest"``: the longest torso in pixels; ``"central"``: hips nearest the middle.

A user's point or box (``target``) overrides the rule (see :func:`check_target`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from vision.pose.trace import L_HIP, L_SHOULDER, R_HIP, R_SHOULDER

JUMP_SLACK_TORSO = 0.5       # hip-centre displacement always allowed (torso lengths)
SPEED_TORSO_PER_S = 5.0      # plus this speed (a running child: ~2 body heights per second)
SCALE_SLACK = math.log(1.6)  # torso length may change by x1.6 between frames...
SCALE_PER_S = 1.0            # ...plus e^(1.0 * dt)
SAME_OVERLAP = 0.5           # boxes sharing this much of the smaller one are the same body
# Two skeletons found on one frame (a landmarker handing the body to another) are one body
# only when their hips are this close (torso lengths) and their torso lengths this alike
# (log ratio). A smaller person standing inside the body's box (a child in front, a man
# behind) shares all of the smaller box, so the between-frames test (SAME_OVERLAP of the
# smaller box) would take them for the same body. Boxes are no test here: they bound the
# landmarks seen (visibility >= VIS_FOR_BOX), and two landmarkers with different presence
# thresholds see different ones (on the side-view squat one box ended at the hips, the
# other at the feet: IoU 0.15-0.33 for hips 0-18 px apart).
SAME_BODY_HIP_TORSO = 0.3
SAME_BODY_SCALE = math.log(1.3)
VIS_FOR_BOX = 0.5            # landmarks at least this visible define the body box
VIS_IN_VIEW = 0.5            # ... and count as "in view" for the default rule
CONTINUITY_SCORE_FRAC = 0.5  # re-found: the one that can be the same person, if it scores
                             # at least this share of the best-seen candidate
MIN_IN_VIEW = 0.25           # followed body with fewer of its 12 body landmarks in view is weak
BODY_LANDMARKS = (11, 12, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32)   # shoulders .. toes
RULES = ("in_view", "largest", "central")
RULE_TEXT = {
    "in_view": "the person most fully and largely in view over the first second",
    "largest": "the person nearest the camera (longest torso) when tracking started",
    "central": "the person nearest the middle of the picture when tracking started",
    "point": "the person at the point you picked",
    "box": "the person inside the box you picked",
}

Window = tuple[int, int, int, int]   # x0, y0, x1, y1 in pixels of the analysed frame


@dataclass(frozen=True)
class BodyBox:
    """Where the tracked person is, in normalised full-frame coordinates.

    ``x0, y0, x1, y1`` bound the visible landmarks; ``hip_x, hip_y`` is the hip centre;
    ``torso_px`` is the shoulder-centre to hip-centre length in pixels of the analysed frame
    (at least a quarter of the box's longer side, so a foreshortened torso cannot shrink it
    to nothing); ``t`` the time in seconds; ``in_view`` the share (0..1) of the body
    landmarks (shoulders to toes) visible inside the frame; ``longer_px`` the box's longer
    side in pixels; ``reach`` (x0, y0, x1, y1) bounds all 33 landmarks, seen or not,
    clipped to the frame: where the body may be when the model loses it (a follower with a
    low presence threshold reports the legs of a squatting body as barely visible, so the
    seen box can end at the hips).
    """

    x0: float
    y0: float
    x1: float
    y1: float
    hip_x: float
    hip_y: float
    torso_px: float
    t: float
    in_view: float = 1.0
    longer_px: float = 0.0
    reach: tuple[float, float, float, float] | None = None

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

    @property
    def view_score(self) -> float:
        """The ``"in_view"`` rule's score: in-view share x longer side (pixels)."""
        return self.in_view * self.longer_px


@dataclass(frozen=True)
class TargetChoice:
    """How the followed person was chosen: ``rule`` (a key of ``RULE_TEXT``), ``people``
    (how many were found then), ``t`` (seconds) and ``runner_up`` (the second-best score
    as a fraction of the chosen one's, 0 when alone: near 1 means a close call)."""

    rule: str
    people: int
    t: float
    runner_up: float = 0.0

    def sentence(self) -> str:
        """Plain words for a report or the CLI."""
        text = f"Followed {RULE_TEXT.get(self.rule, self.rule)}"
        if self.people > 1:
            text += (f"; {self.people} people were in view, so pick one by hand (a point or "
                     "a box) if this is the wrong person")
        return text + "."


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
    body = row[list(BODY_LANDMARKS)]
    inside = ((body[:, 3] >= VIS_IN_VIEW) & (body[:, 0] >= 0) & (body[:, 0] <= 1)
              & (body[:, 1] >= 0) & (body[:, 1] <= 1))
    ax0, ay0 = np.clip(np.minimum(row[:, :2].min(axis=0), (x0, y0)), 0.0, 1.0)
    ax1, ay1 = np.clip(np.maximum(row[:, :2].max(axis=0), (x1, y1)), 0.0, 1.0)
    return BodyBox(float(x0), float(y0), float(x1), float(y1), float(hip[0]), float(hip[1]),
                   max(torso, 0.25 * longer, 1.0), float(t), float(inside.mean()),
                   float(longer), (float(ax0), float(ay0), float(ax1), float(ay1)))


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


def same_body(a: BodyBox, b: BodyBox, *, width: int, height: int) -> bool:
    """True when two skeletons found on the *same frame* are one body.

    Notes
    -----
    Hip centres at most ``SAME_BODY_HIP_TORSO`` torso lengths (the smaller torso, pixels)
    apart and ``|log(torso_a / torso_b)| <= SAME_BODY_SCALE``. Stricter than
    :func:`plausible_move`, which allows for motion and for MediaPipe growing a half-size
    first estimate inside the body between frames.
    """
    d = math.hypot((a.hip_x - b.hip_x) * width, (a.hip_y - b.hip_y) * height)
    return (d <= SAME_BODY_HIP_TORSO * min(a.torso_px, b.torso_px)
            and abs(math.log(a.torso_px / b.torso_px)) <= SAME_BODY_SCALE)


def pick_person(boxes: list[BodyBox], *, how: str) -> int:
    """Index of the person to follow among ``boxes`` by rule ``how`` (see the module
    docstring: ``"in_view"``, ``"largest"`` or ``"central"``)."""
    if not boxes:
        raise ValueError("no people to choose from")
    return ranked(boxes, how=how)[0]


def ranked(boxes: list[BodyBox], *, how: str) -> list[int]:
    """Indices of ``boxes``, best first by rule ``how``."""
    if how not in RULES:
        raise ValueError(f"how must be one of {', '.join(RULES)}, got {how!r}")

    def key(i: int) -> float:
        b = boxes[i]
        if how == "in_view":
            return -b.view_score
        if how == "largest":
            return -b.torso_px
        return math.hypot(b.hip_x - 0.5, b.hip_y - 0.5)

    return sorted(range(len(boxes)), key=key)


def choice_for(boxes: list[BodyBox], how: str, t: float) -> tuple[int, TargetChoice]:
    """The chosen index among ``boxes`` (non-empty) and the :class:`TargetChoice` saying
    why; the runner-up is scored by the ``"in_view"`` score for every rule."""
    order = ranked(boxes, how=how)
    best = boxes[order[0]].view_score
    second = boxes[order[1]].view_score / best if len(order) > 1 and best > 0 else 0.0
    return order[0], TargetChoice(how, len(boxes), float(t), round(float(second), 3))


def again_choice(boxes: list[BodyBox], prev: BodyBox, *, lost: bool, width: int,
                 height: int) -> int | None:
    """Whom to take up on a whole-frame search (re-acquisition): the index in ``boxes``,
    or None for nobody. ``prev`` is the last box of the followed person; ``lost`` False
    means that person is still followed but barely in view, and only a body elsewhere
    with at least ``2 * MIN_IN_VIEW`` of its landmarks in view replaces them. Of the rest,
    the best by the ``"in_view"`` rule, unless one that can be the same person
    (:func:`plausible_move`) scores at least ``CONTINUITY_SCORE_FRAC`` of the best."""
    idx = list(range(len(boxes)))
    if not lost:
        idx = [j for j in idx if boxes[j].in_view >= 2 * MIN_IN_VIEW
               and boxes[j].overlap(prev) < SAME_OVERLAP]
    if not idx:
        return None
    order = [idx[k] for k in ranked([boxes[j] for j in idx], how="in_view")]
    best = boxes[order[0]].view_score
    same = [j for j in order if plausible_move(prev, boxes[j], width=width, height=height)
            and boxes[j].view_score >= CONTINUITY_SCORE_FRAC * best]
    return same[0] if same else order[0]


# ----- windows ---------------------------------------------------------------------------
def square_window(cx: float, cy: float, side: float, w: int, h: int) -> Window:
    """Integer window of ``side`` px centred near (cx, cy), shifted to lie inside the frame."""
    cw, ch = int(round(min(side, w))), int(round(min(side, h)))
    x0 = int(round(min(max(cx - cw / 2, 0), w - cw)))
    y0 = int(round(min(max(cy - ch / 2, 0), h - ch)))
    return (x0, y0, x0 + cw, y0 + ch)


def box_window(box: BodyBox, w: int, h: int, *, margin: float, reach: bool = False
               ) -> Window:
    """``box`` grown by ``margin`` times its longer side on every side, clipped (pixels);
    ``reach``: the box of all landmarks (``BodyBox.reach``) instead of the seen ones."""
    x0, y0, x1, y1 = box.reach if reach and box.reach else (box.x0, box.y0, box.x1, box.y1)
    longer = max((x1 - x0) * w, (y1 - y0) * h)
    m = margin * longer
    return (max(int(x0 * w - m), 0), max(int(y0 * h - m), 0),
            min(int(math.ceil(x1 * w + m)), w), min(int(math.ceil(y1 * h + m)), h))


def check_target(target):
    """Validate ``target``; return it as None, a rule name, or a tuple of floats."""
    if target is None or target in RULES:
        return target
    if isinstance(target, str):
        raise ValueError(f"target must be one of {', '.join(RULES)}, a point or a box, "
                         f"got {target!r}")
    vals = tuple(float(v) for v in target)
    if len(vals) not in (2, 4) or not all(0.0 <= v <= 1.0 for v in vals):
        raise ValueError(f"target point/box must be 2 or 4 normalised numbers in 0..1, "
                         f"got {target!r}")
    if len(vals) == 4 and not (vals[0] < vals[2] and vals[1] < vals[3]):
        raise ValueError(f"target box must be (x0, y0, x1, y1) with x0 < x1, y0 < y1, "
                         f"got {target!r}")
    return vals
