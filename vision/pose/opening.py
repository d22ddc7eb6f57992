"""The opening second: the default ``"in_view"`` rule judged over several looks, not one frame.

Someone may walk in, or the first frame may show the exerciser half hidden. Over the first
``OPENING_S`` seconds after somebody is first found, :class:`~vision.pose.estimator.PoseTracker`
takes ``OPENING_LOOKS`` looks at everybody (the first frame included); :class:`Opening`
keeps each person by position continuity (:func:`match`) and sums their ``in_view`` scores
(:attr:`~vision.pose.target.BodyBox.view_score`, pixels). At the last look the best-scoring
person is followed; another person replaces the first only when scoring ``OPENING_TIE``
times more. Pure bookkeeping on body boxes: no model here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from vision.pose.target import SAME_OVERLAP, BodyBox, TargetChoice, plausible_move

OPENING_S = 1.0              # the default rule is judged over this first second with people
OPENING_LOOKS = 4            # ... in this many looks (the first frame included)
OPENING_TIE = 1.05           # another person must score this much more to replace the first


@dataclass
class LookResult:
    """What one look decided: ``switch_to`` is the index (in the look's boxes) of another
    person to follow now, or None to keep the followed one; ``choice`` is the final
    :class:`~vision.pose.target.TargetChoice` after the last look (None before it)."""

    switch_to: int | None = None
    choice: TargetChoice | None = None


@dataclass
class Opening:
    """The opening's state: ``people`` as [last box, summed score (pixels)] per person seen,
    ``followed`` the index in ``people`` of the one followed, ``looks`` the look times
    (seconds, the first one first)."""

    people: list[list] = field(default_factory=list)
    followed: int = 0
    looks: list[float] = field(default_factory=list)

    @classmethod
    def start(cls, boxes: list[BodyBox], followed: int, t: float) -> Opening:
        """The opening after its first look at ``boxes`` (time ``t``, seconds)."""
        return cls([[b, b.view_score] for b in boxes], followed, [t])

    def due(self, t: float) -> bool:
        """True when the next look is due at time ``t`` (seconds)."""
        return t - self.looks[0] >= len(self.looks) * OPENING_S / (OPENING_LOOKS - 1)

    @property
    def done(self) -> bool:
        return len(self.looks) >= OPENING_LOOKS

    def look(self, boxes: list[BodyBox], t: float, current: BodyBox, first_t: float,
             *, width: int, height: int) -> LookResult:
        """Score everybody in ``boxes`` (one look at time ``t``), matched to the people seen
        before; at the last look decide. ``current`` is the followed body's latest box
        (the same body seen as two, a first look at part of it, is no switch); ``first_t``
        the time of the first choice (seconds); ``width`` x ``height`` the frame (px)."""
        self.looks.append(t)
        people = self.people
        m = match(people, boxes, width, height)
        for k, j in m.items():
            people[k][0] = boxes[j]
            people[k][1] += boxes[j].view_score
        for j, b in enumerate(boxes):
            if j not in m.values():
                people.append([b, b.view_score])
                m[len(people) - 1] = j
        out = LookResult()
        if not self.done:
            return out
        best = max(range(len(people)), key=lambda k: people[k][1])
        if best in m and people[best][1] > OPENING_TIE * people[self.followed][1]:
            if boxes[m[best]].overlap(current) < SAME_OVERLAP:
                out.switch_to = m[best]
            self.followed = best
        scores = sorted((p[1] for p in people), reverse=True)
        runner = scores[1] / scores[0] if len(scores) > 1 and scores[0] > 0 else 0.0
        out.choice = TargetChoice("in_view", len(people), first_t, round(runner, 3))
        return out


def match(people: list[list], boxes: list[BodyBox], w: int, h: int) -> dict[int, int]:
    """Position continuity: person index -> index in ``boxes`` of the same body (the
    nearest hips among the boxes that can be the same person), each box used once.
    ``people`` holds [last box, score] pairs; ``w`` x ``h`` is the frame (pixels)."""
    out: dict[int, int] = {}
    for k, (prev, _) in enumerate(people):
        cands = [j for j, b in enumerate(boxes) if j not in out.values()
                 and plausible_move(prev, b, width=w, height=h)]
        if cands:
            out[k] = min(cands, key=lambda j: math.hypot(boxes[j].hip_x - prev.hip_x,
                                                         boxes[j].hip_y - prev.hip_y))
    return out
