"""Crash safety and concurrent writers, with real processes.

A writer process adds footprints (two rows and sometimes a photo per call), exercise reports
and sessions as fast as it can, and appends ``kind id`` to a side file only after each add
returned (after COMMIT). We SIGKILL it at random moments, 200 times on one database, then
check that SQLite's integrity check passes and every id the writers saw committed is there,
with both feet of every footprint (no half transaction) and the photo of every row that
names one.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

from coach.store import HistoryStore
from coach.store_schema import load_migrations

LATEST = len(load_migrations())

ROOT = Path(__file__).resolve().parents[1]
KILLS = 200

# The writer loads coach/store*.py without running coach/__init__.py (which re-exports other
# modules): process start-up stays cheap whatever the package grows to import.
# ``python -c WRITER root db log write TAG LIMIT`` writes LIMIT rounds (two processes test);
# ``python -c WRITER root db log fork`` is a fork server: for each ``TAG [DB]`` line on stdin it
# forks a writer (a fresh process with its own connections, in about a millisecond instead
# of the ~150 ms an interpreter start costs on a loaded 2-core machine), prints ``pid N``,
# and ``exit STATUS`` once the writer is gone. Writers print ``r`` once the store is open.
WRITER = textwrap.dedent("""
    import os, sys, traceback, types
    root, db, log, mode = sys.argv[1:5]
    pkg = types.ModuleType("coach"); pkg.__path__ = [os.path.join(root, "coach")]
    sys.modules["coach"] = pkg
    sys.path.insert(0, root)
    from coach.store import HistoryStore
    from coach.store_types import AliasTakenError, UnknownChildError

    def write(tag, limit, db=db):
        store = HistoryStore(db)
        try:
            kid = store.get_child("Crash")
        except UnknownChildError:
            try:
                kid = store.add_child("Crash", "2019-02-03")
            except AliasTakenError:
                kid = store.get_child("Crash")
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        os.write(1, b"r\\n")
        foot = {"side": "left", "arch_index": 0.25, "category": "normal",
                "quality": {"score": 0.9, "issues": []}}
        for i in range(limit):
            name = f"{tag}-{i}"
            res = {"image": name, "ok": True,
                   "feet": [foot, dict(foot, side="right", arch_index=0.26)]}
            img = (b"\\xff\\xd8\\xff" + name.encode()) if i % 4 == 0 else None
            ids = store.add_footprint(kid, res, taken_on="2024-01-01", image_bytes=img)
            os.write(fd, f"f {ids[0]} {ids[1]} {name}\\n".encode())
            rid = store.add_exercise(kid, {"exercise": "squat", "verdict": "good",
                                           "faults": [], "note": name}, taken_on="2024-01-02")
            os.write(fd, f"e {rid}\\n".encode())
            sid = store.add_session(kid, "massage", started_at="2024-01-02T10:00:00",
                                    duration_s=i, notes=name)
            os.write(fd, f"s {sid}\\n".encode())

    if mode == "write":
        write(sys.argv[5], int(sys.argv[6]))
    else:
        for line in sys.stdin:
            tag, *other_db = line.split()
            pid = os.fork()
            if pid == 0:
                try:
                    write(tag, 10**9, *other_db)
                    os._exit(0)
                except BaseException:
                    traceback.print_exc()
                    os._exit(1)
            os.write(1, f"pid {pid}\\n".encode())
            os.write(1, f"exit {os.waitpid(pid, 0)[1]}\\n".encode())
""")


def spawn(db: Path, log: Path, *args: str, stdin=None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-I", "-S", "-c", WRITER, str(ROOT), str(db),
                             str(log), *args], stdin=stdin,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def committed(log: Path) -> dict[str, list[list[str]]]:
    """Complete lines of the side file, by kind (a kill may cut the last line short)."""
    out: dict[str, list[list[str]]] = {"f": [], "e": [], "s": []}
    for line in log.read_text().split("\n")[:-1]:
        parts = line.split()
        out[parts[0]].append(parts[1:])
    return out


def check_database(db: Path, log: Path) -> dict[str, int]:
    store = HistoryStore(db)                        # replays or drops the WAL like any open
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        foot_ids = {r[0] for r in conn.execute("SELECT id FROM footprints")}
        ex_ids = {r[0] for r in conn.execute("SELECT id FROM exercise_reports")}
        sess_ids = {r[0] for r in conn.execute("SELECT id FROM sessions")}
        per_source = Counter(r[0] for r in conn.execute("SELECT source FROM footprints"))
        images = [r[0] for r in conn.execute(
            "SELECT image_path FROM footprints WHERE image_path IS NOT NULL")]
    seen = committed(log)
    for left, right, name in seen["f"]:
        assert int(left) in foot_ids and int(right) in foot_ids, name
    assert {int(r[0]) for r in seen["e"]} <= ex_ids
    assert {int(r[0]) for r in seen["s"]} <= sess_ids
    assert set(per_source.values()) <= {2}, "a footprint was stored with one foot only"
    for rel in images:
        assert (store.images_dir / rel).is_file(), rel
    return {"committed_seen": sum(len(v) for v in seen.values()), "footprints": len(foot_ids),
            "exercises": len(ex_ids), "sessions": len(sess_ids)}


def kill_one(server: subprocess.Popen, tag: str, rng: random.Random, *, db: Path | None = None,
             anywhere: bool | None = None, max_delay: float = 0.05) -> bool:
    """Start a writer, SIGKILL it at a random moment; True when it had begun writing."""
    server.stdin.write(f"{tag} {db or ''}\n".encode())
    server.stdin.flush()
    if anywhere is None:
        anywhere = rng.random() < 0.15              # start-up and migration included
        max_delay = 0.02 if anywhere else max_delay
    pid, ready = None, False
    while pid is None or not (ready or anywhere):
        word, *rest = server.stdout.readline().decode().split() or ["eof"]
        assert word in ("pid", "r"), server.stderr.read().decode()
        pid = int(rest[0]) if word == "pid" else pid
        ready = ready or word == "r"
    time.sleep(rng.uniform(0, max_delay))
    os.kill(pid, signal.SIGKILL)
    while True:
        word, *rest = server.stdout.readline().decode().split() or ["eof"]
        if word == "exit":
            status = int(rest[0])
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, \
                server.stderr.read().decode()
            return ready and not anywhere
        assert word == "r", server.stderr.read().decode()


def test_sigkill_200_times_loses_no_committed_row(tmp_path):
    db, log = tmp_path / "crash.db", tmp_path / "committed.log"
    rng = random.Random(20261124)
    t0 = time.monotonic()
    server = spawn(db, log, "fork", stdin=subprocess.PIPE)
    try:
        while_writing = sum(kill_one(server, f"k{k}", rng) for k in range(KILLS))
    finally:
        server.stdin.close()
        server.wait(timeout=10)
        server.stdout.close()
        server.stderr.close()
    elapsed = time.monotonic() - t0
    stats = check_database(db, log)
    print(f"\n{KILLS} kills ({while_writing} while writing) in {elapsed:.1f} s: {stats}")
    assert stats["committed_seen"] >= KILLS // 4    # the kills really hit a busy writer
    assert elapsed < 40


def test_two_processes_write_at_once(tmp_path):
    db, n = tmp_path / "two.db", 40
    HistoryStore(db).add_child("Crash", "2019-02-03")
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [spawn(db, log, "write", tag, str(n)) for log, tag in zip(logs, "ab", strict=True)]
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err.decode()
    for log in logs:
        seen = committed(log)
        assert [len(seen[k]) for k in "fes"] == [n, n, n]
        check_database(db, log)
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM footprints").fetchone() == (4 * n,)
        assert conn.execute("SELECT COUNT(DISTINCT notes) FROM sessions").fetchone() == (2 * n,)


def test_sigkill_during_first_migration(tmp_path):
    """A database killed while being created holds exactly the schema its version names."""
    log, rng = tmp_path / "committed.log", random.Random(7)
    server = spawn(tmp_path / "unused.db", log, "fork", stdin=subprocess.PIPE)
    versions = Counter()
    t0 = time.monotonic()
    HistoryStore(tmp_path / "timing.db")
    spread = 1.5 * (time.monotonic() - t0)          # kill before, during and after creation
    try:
        for k in range(30):
            db = tmp_path / f"m{k}.db"
            kill_one(server, f"m{k}", rng, db=db, anywhere=True, max_delay=spread)
            with closing(sqlite3.connect(db)) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                tables = {r[0] for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")}
                columns = {r[1] for r in conn.execute("PRAGMA table_info(footprints)")}
            versions[version] += 1
            assert ("children" in tables) == (version >= 1)
            assert ("sessions" in tables) == ("image_sha256" in columns) == (version >= 2)
            assert HistoryStore(db).schema_version == LATEST   # and it carries on from there
    finally:
        server.stdin.close()
        server.wait(timeout=10)
        server.stdout.close()
        server.stderr.close()
    print(f"\nkilled at schema versions: {dict(sorted(versions.items()))}")
