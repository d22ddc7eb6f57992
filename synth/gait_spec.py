"""Options of the synthetic walker (:class:`WalkSpec`), shared by :mod:`synth.gait_traces`
and :mod:`synth.gait_body`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WalkSpec:
    """Options of :func:`walk_trace` (lengths metres, times seconds, angles degrees).

    pattern : "heel" | "tiptoe" | "mixed" (each step tiptoe with ``tiptoe_prob``).
    view : "side" | "front".  yaw_deg (side view only): the walkway turned this many degrees
    towards the camera (0 = a true side view, 90 would be walking at the camera), an oblique
    view; the walker comes nearer the camera as it walks on.  direction : +1 walks towards image right (side view) or towards
    the camera (front view), -1 the other way.  mirror : flip the image horizontally (selfie
    webcam), which shows the other body side for the same direction.
    """

    pattern: str = "heel"
    tiptoe_prob: float = 0.5
    view: str = "side"
    yaw_deg: float = 0.0
    direction: int = 1
    mirror: bool = False
    out_and_back: bool = False
    n_steps: int | None = None          # per pass; None fits the frame
    body_height_m: float = 1.1
    image_body_frac: float = 0.55       # body height / image height (camera distance)
    aspect: float = 16 / 9
    fps: float = 30.0
    cycle_s: float = 1.0                # gait cycle (two steps)
    step_frac_height: float = 0.34      # step length / body height
    heel_strike_deg: float = 18.0
    toe_off_deg: float = 40.0
    tiptoe_heel_frac: float = 0.3
    stand_s: tuple[float, float] = (0.8, 0.8)
    turn_s: float = 1.6
    camera_dist_heights: float = 3.0    # camera distance / body height (perspective)
    noise_frac_foot: float = 0.02       # landmark noise sd, fraction of foot length
    far_wander_frac_foot: float = 0.08  # slow wander of the far-side landmarks
    drop_frac: float = 0.0              # fraction of frames with no pose
    low_visibility_frac: float = 0.0    # fraction of frames where the feet are barely seen
    seed: int = 0
