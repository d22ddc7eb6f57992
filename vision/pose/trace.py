"""Landmark traces in the ``footcoach-trace/1`` format (see ``shared/DESIGN.md``).

A trace is what exercise analysis reads, so every analysis can run without a camera or a
model. Conventions:

- ``pose`` is an array of shape (n_frames, 33, 4): x, y normalised to the image width and
  height (0..1, y grows downwards), z as MediaPipe gives it (roughly hip-centred, same scale
  as x), and visibility 0..1. A frame with no detected person is all NaN.
- Landmark order is MediaPipe BlazePose; the names below index it.
- ``hands`` holds, per frame, a list of :class:`HandLandmarks` (21 x (x, y, z), same units).
- ``t`` is seconds from the start of the source.
- ``heel_px`` (optional, None when absent) holds the pixel heel measures of
  :mod:`vision.pose.heel_contact`: float (n, 2, 2) = ``[frame, side (0 left, 1 right),
  (rise_frac, quality)]``, rise in foot lengths (NaN where unmeasured), quality 0..1. In
  JSON it is the optional per-frame key ``"heel_px": [[rise_l, q_l], [rise_r, q_r]]``
  (null for NaN); older readers ignore the key, and traces without it stay valid.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FORMAT = "footcoach-trace/1"
N_POSE = 33
N_HAND = 21

# BlazePose landmark indices used by the analyses.
NOSE = 0
L_SHOULDER, R_SHOULDER = 11, 12
L_ELBOW, R_ELBOW = 13, 14
L_WRIST, R_WRIST = 15, 16
L_HIP, R_HIP = 23, 24
L_KNEE, R_KNEE = 25, 26
L_ANKLE, R_ANKLE = 27, 28
L_HEEL, R_HEEL = 29, 30
L_FOOT_INDEX, R_FOOT_INDEX = 31, 32

SIDE_IDX = {
    "left": dict(shoulder=L_SHOULDER, hip=L_HIP, knee=L_KNEE, ankle=L_ANKLE,
                 heel=L_HEEL, toe=L_FOOT_INDEX, wrist=L_WRIST, elbow=L_ELBOW),
    "right": dict(shoulder=R_SHOULDER, hip=R_HIP, knee=R_KNEE, ankle=R_ANKLE,
                  heel=R_HEEL, toe=R_FOOT_INDEX, wrist=R_WRIST, elbow=R_ELBOW),
}


class TraceError(ValueError):
    """A file that is not a valid ``footcoach-trace/1`` trace."""


@dataclass(frozen=True)
class HandLandmarks:
    handedness: str            # "Left" | "Right" as MediaPipe labels it
    landmarks: np.ndarray      # (21, 3) normalised x, y, z


@dataclass
class Trace:
    fps: float
    width: int                 # source frame width in pixels
    height: int                # source frame height in pixels
    t: np.ndarray              # (n,) seconds
    pose: np.ndarray           # (n, 33, 4) float; NaN rows where no person
    hands: list[list[HandLandmarks]] = field(default_factory=list)
    source: str = ""
    heel_px: np.ndarray | None = None   # (n, 2, 2) pixel heel measures, see module docstring

    def __post_init__(self) -> None:
        self.t = np.asarray(self.t, dtype=float)
        self.pose = np.asarray(self.pose, dtype=float)
        n = len(self.t)
        if self.pose.shape != (n, N_POSE, 4):
            raise TraceError(f"pose must have shape ({n}, {N_POSE}, 4), got {self.pose.shape}")
        if not self.hands:
            self.hands = [[] for _ in range(n)]
        if len(self.hands) != n:
            raise TraceError(f"hands has {len(self.hands)} frames, t has {n}")
        if not (self.fps > 0 and math.isfinite(self.fps)):
            raise TraceError(f"fps must be a positive number, got {self.fps!r}")
        if self.heel_px is not None:
            self.heel_px = np.asarray(self.heel_px, dtype=float)
            if self.heel_px.shape != (n, 2, 2):
                raise TraceError(f"heel_px must have shape ({n}, 2, 2), got {self.heel_px.shape}")

    def __len__(self) -> int:
        return len(self.t)

    @property
    def aspect(self) -> float:
        """width / height: multiply normalised x by this to compare with normalised y."""
        return self.width / self.height if self.height else 1.0

    def xy(self, idx: int) -> np.ndarray:
        """(n, 2) landmark positions in *height-normalised* units (x scaled by the aspect
        ratio), so distances are isotropic. NaN where missing."""
        p = self.pose[:, idx, :2].copy()
        p[:, 0] *= self.aspect
        return p

    def visibility(self, idx: int) -> np.ndarray:
        return self.pose[:, idx, 3]

    # ----- (de)serialisation -------------------------------------------------------------
    def to_json(self) -> dict:
        frames = []
        for i in range(len(self)):
            row = self.pose[i]
            pose = None if np.isnan(row).all() else [[round(float(v), 5) for v in lm] for lm in row]
            hands = [
                {"handedness": h.handedness,
                 "landmarks": [[round(float(v), 5) for v in lm] for lm in h.landmarks]}
                for h in self.hands[i]
            ]
            frame = {"t": round(float(self.t[i]), 4), "pose": pose, "hands": hands}
            if self.heel_px is not None:
                frame["heel_px"] = [[_num(v) for v in pair] for pair in self.heel_px[i]]
            frames.append(frame)
        return {"format": FORMAT, "fps": self.fps, "width": self.width, "height": self.height,
                "source": self.source, "frames": frames}

    @classmethod
    def from_json(cls, d: dict) -> Trace:
        if not isinstance(d, dict) or d.get("format") != FORMAT:
            raise TraceError(f"not a {FORMAT} trace (format field is {d.get('format')!r})"
                             if isinstance(d, dict) else f"not a {FORMAT} trace")
        frames = d.get("frames")
        if not isinstance(frames, list):
            raise TraceError("trace has no 'frames' list")
        n = len(frames)
        pose = np.full((n, N_POSE, 4), np.nan)
        hands: list[list[HandLandmarks]] = []
        t = np.empty(n)
        heel_px = np.full((n, 2, 2), np.nan)
        has_heel_px = False
        try:
            for i, fr in enumerate(frames):
                t[i] = float(fr["t"])
                if fr.get("pose") is not None:
                    arr = np.asarray(fr["pose"], dtype=float)
                    if arr.shape != (N_POSE, 4):
                        raise TraceError(f"frame {i}: pose must be 33 x 4, got {arr.shape}")
                    pose[i] = arr
                hs = []
                for h in fr.get("hands") or []:
                    lm = np.asarray(h["landmarks"], dtype=float)
                    if lm.shape != (N_HAND, 3):
                        raise TraceError(f"frame {i}: hand must be 21 x 3, got {lm.shape}")
                    hs.append(HandLandmarks(str(h.get("handedness", "")), lm))
                hands.append(hs)
                if fr.get("heel_px") is not None:
                    heel_px[i] = _heel_px_row(fr["heel_px"], i)
                    has_heel_px = True
            return cls(fps=float(d["fps"]), width=int(d["width"]), height=int(d["height"]),
                       t=t, pose=pose, hands=hands, source=str(d.get("source", "")),
                       heel_px=heel_px if has_heel_px else None)
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, TraceError):
                raise
            raise TraceError(f"malformed trace: {exc}") from exc

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), separators=(",", ":")))

    @classmethod
    def load(cls, path: str | Path) -> Trace:
        try:
            d = json.loads(Path(path).read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise TraceError(f"cannot read trace {path}: {exc}") from exc
        return cls.from_json(d)


def _num(v: float) -> float | None:
    """JSON number for ``v`` (5 decimals), None for NaN."""
    return round(float(v), 5) if math.isfinite(v) else None


def _heel_px_row(value, i: int) -> np.ndarray:
    """One frame's ``heel_px`` JSON value as a (2, 2) float array (None -> NaN)."""
    try:
        arr = np.array([[np.nan if v is None else float(v) for v in pair] for pair in value])
    except TypeError as exc:
        raise TraceError(f"frame {i}: heel_px must be [[rise, quality], [rise, quality]]") from exc
    if arr.shape != (2, 2):
        raise TraceError(f"frame {i}: heel_px must be 2 x 2, got {arr.shape}")
    return arr
