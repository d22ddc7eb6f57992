"""Shared fixtures.

- ``shared_data``: path to ``../shared/data``; tests that need the real photos and clips take
  this fixture and skip cleanly when it is absent.
- ``real_trace``: ``real_trace(name, *, hands=False) -> Trace`` of
  ``../shared/data/videos/<name>.mp4``, tracked with ``vision.pose.tracking.track_video`` at
  most once per CI run: kept in memory for the session and on disk in pytest's cache directory
  (``footcoach-real-traces``), keyed by clip name, size, mtime, ``hands`` and
  ``REAL_TRACE_VERSION``. Run with ``--cache-clear`` (or bump the version) to re-track.
- Network sockets are blocked for the whole run: nothing in footcoach may download at run
  time. Loopback (the browser test's local Streamlit server) stays allowed.
"""

from __future__ import annotations

import hashlib
import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("FOOTCOACH_SHARED_DATA", ROOT.parent / "shared" / "data"))

_LOOPBACK = ("127.", "::1", "localhost", "0.0.0.0")
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_create_connection = socket.create_connection


def _is_local(address) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        return host.startswith(_LOOPBACK) or host == ""
    return True  # AF_UNIX paths


def _guarded_connect(self, address):
    if not _is_local(address):
        raise OSError(f"network access blocked in tests: {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if not _is_local(address):
        raise OSError(f"network access blocked in tests: {address!r}")
    return _real_connect_ex(self, address)


def _guarded_create_connection(address, *args, **kwargs):
    if not _is_local(address):
        raise OSError(f"network access blocked in tests: {address!r}")
    return _real_create_connection(address, *args, **kwargs)


@pytest.fixture(autouse=True, scope="session")
def _block_network():
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    socket.create_connection = _guarded_create_connection
    yield
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex
    socket.create_connection = _real_create_connection


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not available ({SHARED_DATA} absent)")
    return SHARED_DATA


@pytest.fixture
def tmp_home(tmp_path, monkeypatch) -> Path:
    """An isolated FOOTCOACH_HOME (history database, saved images) for one test."""
    home = tmp_path / "footcoach-home"
    monkeypatch.setenv("FOOTCOACH_HOME", str(home))
    return home


# Bump to re-track for a reason the tracking code's hash does not see (the code itself is in
# the key: an edit there re-tracks, about a minute and a half a clip).
REAL_TRACE_VERSION = "4"   # 4: keyed on the tracking code; 3: Tasks tracker, heel_px


def _mediapipe_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mediapipe")
    except PackageNotFoundError:
        return "none"


@pytest.fixture(scope="session")
def real_trace(shared_data, request):
    """``real_trace(name, *, hands=False)`` -> Trace of ``videos/<name>.mp4``.

    Tracked at most once per run: memoised for the session, and saved in pytest's cache dir
    keyed by name, size, mtime, ``hands``, ``REAL_TRACE_VERSION``, the MediaPipe release and
    the tracking code's hash. Skips when the clip is absent or the tracker cannot be
    imported.
    """
    from vision.pose.trace import Trace, TraceError

    tracking = pytest.importorskip("vision.pose.tracking")

    cache_dir = Path(request.config.cache.mkdir("footcoach-real-traces"))
    # The MediaPipe release is part of the key: two environments (legacy solutions, Tasks)
    # sharing one checkout must not read each other's traces.
    code = tracking.source_stamp(tracking.TRACKER_SOURCES + tracking.HEEL_SOURCES)
    key = hashlib.sha1(f"{REAL_TRACE_VERSION}/{_mediapipe_version()}/{code}".encode()
                       ).hexdigest()[:8]
    memo: dict[tuple[str, bool], Trace] = {}

    def get(name: str, *, hands: bool = False) -> Trace:
        if (name, hands) in memo:
            return memo[(name, hands)]
        clip = shared_data / "videos" / f"{name}.mp4"
        if not clip.exists():
            pytest.skip(f"{clip.name} absent")
        st = clip.stat()
        suffix = "-hands" if hands else ""
        path = cache_dir / f"{name}-{st.st_size}-{int(st.st_mtime)}-{key}{suffix}.json"
        trace = None
        if path.exists():
            try:
                trace = Trace.load(path)
            except TraceError:
                trace = None      # a torn or stale file: track again
        if trace is None:
            trace = tracking.track_video(clip, hands=hands)
            tmp = path.with_suffix(".tmp.json")
            trace.save(tmp)
            os.replace(tmp, path)     # atomic: a parallel run never reads half a file
        memo[(name, hands)] = trace
        return trace

    return get
