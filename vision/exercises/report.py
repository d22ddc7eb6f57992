"""Typed exercise reports, serialised to the JSON agreed in ``shared/DESIGN.md``.

Times are seconds from the start of the trace. Heel heights are fractions of the foot
length (``_frac_foot``) or percentages of it (``_pct_foot``); angles are degrees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["good", "needs_attention", "insufficient_data"]
View = Literal["side", "front", "unknown"]
FaultSide = Literal["left", "right", "both"]

FAULT_CODES = ("heel_lift", "tiptoe", "knee_bent", "shallow", "low_lift")


@dataclass(frozen=True)
class Fault:
    code: str            # one of FAULT_CODES
    side: FaultSide
    start_s: float
    end_s: float
    message: str         # plain sentence for a parent

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "side": self.side,
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "message": self.message,
        }


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
    reason: str | None = None   # why insufficient_data, in words

    def to_json(self) -> dict:
        d = {
            "exercise": self.exercise,
            "frames": self.frames,
            "fps": round(self.fps, 3),
            "view": self.view,
            "verdict": self.verdict,
            "reps": [r.to_json() for r in self.reps],
            "faults": [f.to_json() for f in self.faults],
            "metrics": self.metrics,
            "warnings": list(self.warnings),
        }
        if self.reason:
            d["reason"] = self.reason
        return d
