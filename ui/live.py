"""Live webcam form check with streamlit-webrtc.

Threading rules (as streamlit-webrtc documents them): :meth:`PoseCoachProcessor.recv` runs on
a worker thread for every frame, so it must never call ``st.*``. Each stream gets ONE
:class:`~vision.pose.estimator.PoseTracker` and ONE :class:`~vision.exercises.live.LiveCoach`,
created in the processor's constructor (the factory runs once per stream) and closed when the
stream ends. The latest cues are kept on the processor for the page to read.

The RTC configuration has no ICE servers: the browser and this server talk over the local
machine only, nothing is sent to a STUN/TURN service.
"""

from __future__ import annotations

import threading
import time

import streamlit as st

from ui.engines import load, optional
from ui.widgets import guard

RTC_CONFIGURATION = {"iceServers": []}


class PoseCoachProcessor:
    """Per-stream frame processor: pose -> cues -> skeleton and cues drawn on the frame."""

    def __init__(self, exercise: str) -> None:
        from vision.exercises.live import LiveCoach
        from vision.pose.estimator import PoseTracker

        self.exercise = exercise
        self.tracker = PoseTracker(hands=exercise == "massage")
        self.coach = LiveCoach(exercise)
        self._t0 = time.monotonic()
        self._lock = threading.Lock()
        self.last_cues: list = []
        self.failed = False

    def recv(self, frame):
        """Process one frame (worker thread: no st.* calls here)."""
        import av

        from vision.pose.annotate import draw_pose

        img = frame.to_ndarray(format="bgr24")
        t = frame.time if frame.time is not None else time.monotonic() - self._t0
        try:
            pose_row, _hands = self.tracker.process(img, t)
            cues = self.coach.update(t, pose_row)
            img = draw_pose(img, pose_row, cues=cues)
            with self._lock:
                self.last_cues = list(cues)
        except Exception:  # noqa: BLE001 - keep the stream alive, show the frame as is
            self.failed = True
        return av.VideoFrame.from_ndarray(img, format="bgr24")

    def on_ended(self) -> None:
        """Release the pose model when the stream stops."""
        try:
            self.tracker.close()
        except Exception:  # noqa: BLE001
            pass


def render_live(exercise: str) -> None:
    """The webcam panel for ``exercise``."""
    load("vision.pose.estimator", "PoseTracker")
    load("vision.exercises.live", "LiveCoach")
    load("vision.pose.annotate", "draw_pose")
    webrtc = optional("streamlit_webrtc")
    if webrtc is None or optional("av") is None:
        return
    WebRtcMode, webrtc_streamer = webrtc.WebRtcMode, webrtc.webrtc_streamer  # noqa: N806
    st.caption("Press START and allow the camera. The video stays on this computer: the "
               "connection uses no outside server.")
    ctx = None
    with guard("starting the live camera"):
        ctx = webrtc_streamer(
            key=f"live-{exercise}",
            mode=WebRtcMode.SENDRECV,
            rtc_configuration=RTC_CONFIGURATION,
            media_stream_constraints={"video": True, "audio": False},
            video_processor_factory=lambda: PoseCoachProcessor(exercise),
            async_processing=True,
        )
    if ctx is not None:
        st.caption("The skeleton and the cues are drawn on the video: green banners are fine, "
                   "red ones need attention. Film the whole body from the side.")
