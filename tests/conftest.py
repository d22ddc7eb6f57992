"""Shared fixtures.

- ``shared_data``: path to ``../shared/data``; tests that need the real photos and clips take
  this fixture and skip cleanly when it is absent.
- Network sockets are blocked for the whole run: nothing in footcoach may download at run
  time. Loopback (the browser test's local Streamlit server) stays allowed.
"""

from __future__ import annotations

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
