"""Draw the tracked skeleton, joint angles and coaching cues on frames and whole videos.

Conventions
-----------
- Pose rows are (33, 4) normalised x, y, z, visibility (see :mod:`vision.pose.trace`); a row
  of NaN or None draws nothing.
- Visibility-aware: landmarks under ``VIS_HIDE`` are not drawn, those under ``VIS_SOLID`` are
  drawn thin and grey (MediaPipe is guessing them), the rest in colour (left side orange,
  right side blue, as in the app).
- Angles are the interior angles in degrees at the knee (hip-knee-ankle, 180 = straight) and
  the hip (shoulder-hip-knee), measured in pixels of the frame.
- Cues are strings, or objects with ``message`` and ``level`` ("ok" | "warn") such as
  ``vision.exercises.live.Cue``; each becomes a banner at the top.
- Annotated videos are written as H.264 through PyAV (plays in browsers, so the app can show
  it) and fall back to OpenCV's MPEG-4 Part 2 ('mp4v', plays in desktop players only).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

import cv2
import numpy as np

from vision.pose.trace import N_POSE, SIDE_IDX, Trace
from vision.pose.video import open_video

VIS_HIDE = 0.2
VIS_SOLID = 0.5
LEFT_BGR = (0, 140, 255)      # orange
RIGHT_BGR = (255, 140, 0)     # blue
CENTRE_BGR = (230, 230, 230)
GUESS_BGR = (150, 150, 150)
OK_BGR = (60, 170, 60)
WARN_BGR = (40, 40, 220)
LABEL_OFFSETS = ((1, 0), (-1, 0), (0, 1.2), (0, -1.2), (1, 1.2), (-1, 1.2))  # (side, rows)
LABEL_OUTLINE_PX = 4          # black outline width behind label text
FAULT_JOINTS = {"heel_lift": ("heel",), "tiptoe": ("heel", "toe"), "knee_bent": ("knee",),
                "shallow": ("hip", "knee"), "low_lift": ("hip",)}

_EDGES_CENTRE = ((11, 12), (23, 24), (11, 23), (12, 24))
_EDGES_SIDE = (("shoulder", "elbow"), ("elbow", "wrist"), ("hip", "knee"), ("knee", "ankle"),
               ("ankle", "heel"), ("heel", "toe"), ("ankle", "toe"))


@dataclass(frozen=True)
class AnnotatedVideo:
    """What :func:`annotate_video` wrote: ``path``, ``codec`` ("h264" or "mp4v"), number of
    ``frames`` and ``browser_playable`` (True for H.264)."""

    path: str
    codec: str
    frames: int
    browser_playable: bool


def joint_angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Interior angle ABC in degrees (0..180); NaN when a segment has zero length."""
    u, v = np.asarray(a, float) - b, np.asarray(c, float) - b
    nu, nv = np.hypot(*u), np.hypot(*v)
    if not (nu > 0 and nv > 0):
        return float("nan")
    return float(np.degrees(np.arccos(np.clip(np.dot(u, v) / (nu * nv), -1.0, 1.0))))


def draw_pose(frame_bgr: np.ndarray, pose_row: np.ndarray | None, *, cues: Iterable = (),
              angles: bool = True, highlight: Iterable[tuple[str, str]] = ()) -> np.ndarray:
    """Return a copy of ``frame_bgr`` with the skeleton, knee/hip angles and cue banners.

    Parameters
    ----------
    frame_bgr : ndarray (h, w, 3) uint8
    pose_row : ndarray (33, 4) or None
        Normalised landmarks with visibility; None or NaN draws no skeleton.
    cues : iterable of str or Cue-like
        Banners, top to bottom; objects with ``level == "warn"`` are red, others green.
    angles : bool
        Write the knee and hip angles (degrees) next to those joints.
    highlight : iterable of (side, joint)
        Joints ringed in red, e.g. ``[("left", "heel")]``; side may be "both".
    """
    out = frame_bgr.copy()
    h, w = out.shape[:2]
    thick = max(2, round(min(h, w) / 240))
    if pose_row is not None and np.shape(pose_row) == (N_POSE, 4) \
            and not np.isnan(pose_row[:, :2]).all():
        pts = np.column_stack([pose_row[:, 0] * w, pose_row[:, 1] * h])
        vis = np.nan_to_num(pose_row[:, 3], nan=0.0)
        _draw_skeleton(out, pts, vis, thick)
        if angles:
            _draw_angles(out, pts, vis, thick)
        _draw_highlights(out, pts, vis, highlight, thick)
    _draw_banners(out, list(cues), thick)
    return out


def _draw_skeleton(img, pts, vis, thick) -> None:
    def seg(i, j, colour):
        if vis[i] < VIS_HIDE or vis[j] < VIS_HIDE or not np.isfinite(pts[[i, j]]).all():
            return
        solid = vis[i] >= VIS_SOLID and vis[j] >= VIS_SOLID
        cv2.line(img, _pt(pts[i]), _pt(pts[j]), colour if solid else GUESS_BGR,
                 thick if solid else max(1, thick // 2), cv2.LINE_AA)

    for i, j in _EDGES_CENTRE:
        seg(i, j, CENTRE_BGR)
    for side, colour in (("left", LEFT_BGR), ("right", RIGHT_BGR)):
        idx = SIDE_IDX[side]
        for a, b in _EDGES_SIDE:
            seg(idx[a], idx[b], colour)
    for i in range(11, N_POSE):
        if vis[i] >= VIS_HIDE and np.isfinite(pts[i]).all():
            cv2.circle(img, _pt(pts[i]), thick + 1,
                       (255, 255, 255) if vis[i] >= VIS_SOLID else GUESS_BGR, -1, cv2.LINE_AA)


def _draw_angles(img, pts, vis, thick) -> None:
    """Knee and hip angles beside their joints, coloured by side. Labels never overlap: in a
    side view both knees sit at nearly one point, so each label takes the first free spot
    of :data:`LABEL_OFFSETS` around its joint (right, left, below, above, in text heights)
    and is left out when none is free."""
    scale = max(0.4, min(img.shape[:2]) / 900)
    placed: list[tuple[int, int, int, int]] = []
    for side in ("left", "right"):
        idx = SIDE_IDX[side]
        colour = LEFT_BGR if side == "left" else RIGHT_BGR
        for a, b, c in (("hip", "knee", "ankle"), ("shoulder", "hip", "knee")):
            ia, ib, ic = idx[a], idx[b], idx[c]
            if min(vis[ia], vis[ib], vis[ic]) < VIS_SOLID:
                continue
            ang = joint_angle_deg(pts[ia], pts[ib], pts[ic])
            if math.isfinite(ang):
                _place_label(img, f"{ang:.0f}", _pt(pts[ib]), scale, thick, colour, placed)


def _place_label(img, text: str, anchor: tuple[int, int], scale: float, thick: int,
                 colour, placed: list) -> None:
    """Write ``text`` at the first offset around ``anchor`` whose box misses every box in
    ``placed`` (then added to it); nothing when all are taken."""
    (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, LABEL_OUTLINE_PX)
    gap = 2 * thick
    for dx, dy in LABEL_OFFSETS:
        x = int(anchor[0] + (gap if dx > 0 else -gap - tw if dx < 0 else -tw // 2))
        y = int(anchor[1] + dy * (th + base) + (th // 2 if dy == 0 else 0))
        box = (x, y - th, x + tw, y + base)
        if not any(box[0] < q[2] and q[0] < box[2] and box[1] < q[3] and q[1] < box[3]
                   for q in placed):
            placed.append(box)
            _text(img, text, (x, y), scale, colour)
            return


def _draw_highlights(img, pts, vis, highlight, thick) -> None:
    for side, joint in highlight:
        for s in (("left", "right") if side == "both" else (side,)):
            i = SIDE_IDX.get(s, {}).get(joint)
            if i is not None and vis[i] >= VIS_HIDE and np.isfinite(pts[i]).all():
                cv2.circle(img, _pt(pts[i]), 5 * thick, WARN_BGR, thick, cv2.LINE_AA)


def _draw_banners(img, cues: list, thick) -> None:
    scale = max(0.5, min(img.shape[:2]) / 700)
    y = 0
    for cue in cues:
        text = str(getattr(cue, "message", cue))
        colour = WARN_BGR if getattr(cue, "level", "warn") == "warn" else OK_BGR
        (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
        pad = th // 2 + 2
        cv2.rectangle(img, (0, y), (min(img.shape[1], tw + 2 * pad), y + th + base + 2 * pad),
                      colour, -1)
        cv2.putText(img, text, (pad, y + pad + th), cv2.FONT_HERSHEY_SIMPLEX, scale,
                    (255, 255, 255), thick, cv2.LINE_AA)
        y += th + base + 2 * pad + 2


def _text(img, text, org, scale, colour) -> None:
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), LABEL_OUTLINE_PX,
                cv2.LINE_AA)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv2.LINE_AA)


def _pt(p) -> tuple[int, int]:
    return int(round(p[0])), int(round(p[1]))


# ----- whole videos ----------------------------------------------------------------------
def annotate_video(src, trace: Trace, report, out_path, *,
                   progress: Callable[[int, int], None] | None = None,
                   codec: str = "auto", max_side_px: int = 1280) -> AnnotatedVideo:
    """Write ``src`` with the skeleton, angles and the report's faults drawn at their times.

    Parameters
    ----------
    src : str or PathLike
        The video (or image sequence) the trace came from.
    trace : Trace
        Landmarks; each frame uses the trace row nearest in time (within half a frame).
    report : ExerciseReport or None
        Faults are shown as red banners (and ringed joints) from ``start_s`` to ``end_s``;
        the rep count so far as a green banner. None draws the skeleton only.
    out_path : str or PathLike
        Output ``.mp4``.
    progress : callable, optional
        ``progress(done_frames, total_frames)``.
    codec : "auto", "h264" or "mp4v"
        "auto" tries H.264 (PyAV, browser-playable) and falls back to 'mp4v' (OpenCV).
    max_side_px : int
        Shrink frames whose long side is larger (pixels).

    Returns
    -------
    AnnotatedVideo
    """
    if codec not in ("auto", "h264", "mp4v"):
        raise ValueError(f"codec must be 'auto', 'h264' or 'mp4v', got {codec!r}")
    out_path = os.fspath(out_path)
    with open_video(src) as video:
        writer = _open_writer(out_path, video.fps, video.width, video.height,
                              codec=codec, max_side_px=max_side_px)
        n = 0
        try:
            for t, frame in video:
                cues, marks = _cues_at(report, t)
                row = _row_at(trace, t)
                drawn = draw_pose(frame, row, cues=cues, highlight=marks)
                writer.write(drawn)
                n += 1
                if progress is not None:
                    progress(n, max(video.frame_count, n))
        finally:
            writer.close()
    return AnnotatedVideo(out_path, writer.codec, n, writer.codec == "h264")


def _row_at(trace: Trace, t: float) -> np.ndarray | None:
    if len(trace) == 0:
        return None
    i = int(np.clip(np.searchsorted(trace.t, t), 1, len(trace) - 1)) if len(trace) > 1 else 0
    if i > 0 and abs(trace.t[i - 1] - t) <= abs(trace.t[i] - t):
        i -= 1
    if abs(trace.t[i] - t) > 0.5 / trace.fps + 1e-6:
        return None
    return trace.pose[i]


def _cues_at(report, t: float) -> tuple[list, list[tuple[str, str]]]:
    if report is None:
        return [], []
    cues, marks = [], []
    reps = getattr(report, "reps", ())
    if reps:
        done = sum(1 for r in reps if r.end_s <= t)
        cues.append(_Cue(f"{report.exercise}: rep {done}/{len(reps)}", "ok"))
    for f in getattr(report, "faults", ()):
        if f.start_s <= t <= f.end_s:
            cues.append(_Cue(f.message, "warn"))
            marks += [(f.side, j) for j in FAULT_JOINTS.get(f.code, ())]
    return cues, marks


@dataclass(frozen=True)
class _Cue:
    message: str
    level: str


class _Writer:
    """H.264 through PyAV, or 'mp4v' through OpenCV; frames are resized to a fixed even size."""

    def __init__(self, path: str, fps: float, size: tuple[int, int], codec: str):
        self.path, self.size, self.codec = path, size, codec
        self._n = 0
        if codec == "h264":
            import av

            self._rate = Fraction(fps).limit_denominator(1001) if fps > 0 else Fraction(30)
            self._box = av.open(path, "w", options={"movflags": "+faststart"})
            self._stream = self._box.add_stream("libx264", rate=self._rate,
                                                options={"crf": "23", "preset": "veryfast"})
            self._stream.width, self._stream.height = size
            self._stream.pix_fmt = "yuv420p"
        else:
            self._cv = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"mp4v"), fps or 30.0, size)
            if not self._cv.isOpened():
                raise OSError(f"OpenCV cannot write {path}")

    def write(self, frame: np.ndarray) -> None:
        if (frame.shape[1], frame.shape[0]) != self.size:
            frame = cv2.resize(frame, self.size, interpolation=cv2.INTER_AREA)
        if self.codec == "h264":
            import av

            vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="bgr24")
            vf.pts, vf.time_base = self._n, 1 / self._rate
            for packet in self._stream.encode(vf):
                self._box.mux(packet)
        else:
            self._cv.write(frame)
        self._n += 1

    def close(self) -> None:
        if self.codec == "h264":
            for packet in self._stream.encode():
                self._box.mux(packet)
            self._box.close()
        else:
            self._cv.release()


def _open_writer(path: str, fps: float, width: int, height: int, *, codec: str,
                 max_side_px: int) -> _Writer:
    s = min(1.0, max_side_px / max(width, height))
    size = (max(2, int(width * s) // 2 * 2), max(2, int(height * s) // 2 * 2))
    if codec in ("auto", "h264"):
        try:
            return _Writer(path, fps, size, "h264")
        except Exception:   # PyAV or libx264 missing/broken: OpenCV still works
            if codec == "h264":
                raise
    return _Writer(path, fps, size, "mp4v")
