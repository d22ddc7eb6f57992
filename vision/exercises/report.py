"""Typed exercise reports, serialised to the JSON agreed in ``shared/DESIGN.md``.

Times are seconds from the start of the trace. Heel heights are fractions of the foot
length (``_frac_foot``) or percentages of it (``_pct_foot``); angles are degrees. Frame
numbers in :class:`Evidence` are rows of the source trace (video frames as tracked).

Every fault carries a ``confidence`` (0..1) and its :class:`Evidence` (measured value,
threshold, frame range). A finding whose confidence is below
:data:`FAULT_CONFIDENCE_MIN` is never a fault: :func:`split_confident` turns it into an
:class:`Unclear` entry ("can't tell from this video").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["good", "needs_attention", "insufficient_data", "not_this_exercise"]
View = Literal["side", "oblique", "front", "unknown"]
FaultSide = Literal["left", "right", "both"]

FAULT_CODES = ("heel_lift", "tiptoe", "knee_bent", "shallow", "low_lift")
FAULT_CONFIDENCE_MIN = 0.6     # 0..1: findings below this are "unclear", never faults


@dataclass(frozen=True)
class Evidence:
    """What a fault rests on: ``value`` measured against ``threshold`` (same ``unit``,
    e.g. "% foot length" or "deg") over source frames ``frames`` (first, last)."""

    value: float
    threshold: float
    frames: tuple[int, int]
    unit: str = ""

    def to_json(self) -> dict:
        return {"value": round(float(self.value), 2), "threshold": round(float(self.threshold), 2),
                "frames": [int(self.frames[0]), int(self.frames[1])], "unit": self.unit}


@dataclass(frozen=True)
class Fault:
    code: str            # one of FAULT_CODES
    side: FaultSide
    start_s: float
    end_s: float
    message: str         # plain sentence for a parent
    confidence: float = 1.0             # 0..1
    evidence: Evidence | None = None

    def to_json(self) -> dict:
        d = {
            "code": self.code,
            "side": self.side,
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "message": self.message,
            "confidence": round(float(self.confidence), 3),
        }
        if self.evidence is not None:
            d["evidence"] = self.evidence.to_json()
        return d


@dataclass(frozen=True)
class Unclear:
    """A finding the video cannot settle (low confidence, or two measures disagreeing)."""

    code: str
    start_s: float
    end_s: float
    message: str
    confidence: float = 0.0
    evidence: Evidence | None = None

    def to_json(self) -> dict:
        d = {"code": self.code, "start_s": round(self.start_s, 3),
             "end_s": round(self.end_s, 3), "message": self.message,
             "confidence": round(float(self.confidence), 3)}
        if self.evidence is not None:
            d["evidence"] = self.evidence.to_json()
        return d


def split_confident(faults, *, min_confidence: float = FAULT_CONFIDENCE_MIN,
                    ) -> tuple[tuple[Fault, ...], tuple[Unclear, ...]]:
    """Faults at or above ``min_confidence``, and the others as :class:`Unclear` entries
    whose message says the video cannot tell."""
    keep, unclear = [], []
    for f in faults:
        if f.confidence >= min_confidence:
            keep.append(f)
        else:
            unclear.append(Unclear(f.code, f.start_s, f.end_s,
                                   f"Can't tell from this video: {f.message[:1].lower()}"
                                   f"{f.message[1:]} (confidence {f.confidence:.0%}, too low "
                                   "to call it a fault)", f.confidence, f.evidence))
    return tuple(keep), tuple(unclear)


@dataclass(frozen=True)
class Rep:
    start_s: float
    end_s: float
    ok: bool
    faults: tuple[str, ...] = ()
    metrics: dict[str, Any] = field(default_factory=dict)   # per-rep numbers, units in keys

    def to_json(self) -> dict:
        d = {
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "ok": self.ok,
            "faults": list(self.faults),
        }
        d.update(self.metrics)
        return d


@dataclass(frozen=True)
class ExerciseReport:
    exercise: str        # squat | walk | leg-raise | heel-raise | massage
    frames: int
    fps: float
    view: View
    verdict: Verdict
    reps: tuple[Rep, ...] = ()
    faults: tuple[Fault, ...] = ()
    metrics: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    reason: str | None = None   # why insufficient_data / not_this_exercise, in words
    unclear: tuple[Unclear, ...] = ()
    view_detail: str | None = None      # e.g. "front_oblique", "rear" (squat)
    camera_angle_deg: float | None = None   # 0 = facing the camera, 90 = side on (squat)

    def to_json(self) -> dict:
        d = {
            "exercise": self.exercise,
            "frames": self.frames,
            "fps": round(self.fps, 3),
            "view": self.view,
            "verdict": self.verdict,
            "reps": [r.to_json() for r in self.reps],
            "faults": [f.to_json() for f in self.faults],
            "unclear": [u.to_json() for u in self.unclear],
            "metrics": self.metrics,
            "warnings": list(self.warnings),
        }
        if self.reason:
            d["reason"] = self.reason
        if self.view_detail is not None:
            d["view_detail"] = self.view_detail
        if self.camera_angle_deg is not None:
            d["camera_angle_deg"] = (round(float(self.camera_angle_deg), 1)
                                     if self.camera_angle_deg == self.camera_angle_deg else None)
        return d
