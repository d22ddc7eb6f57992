"""Measure many footprint photos on worker processes, in input order, surviving crashes.

:func:`measure_tasks` is the one entry point (``footcoach footprint`` and ``footcoach
screen`` use it). Conventions:

- Workers are *spawned* (fresh interpreters, the same on Linux, macOS and Windows; no
  forked OpenMP state). Each limits its own threads to one (OpenCV, OpenMP, OpenBLAS, MKL)
  so N workers use N cores instead of fighting over them.
- At most ``jobs`` photos are in flight. When a worker dies hard (segfault, killed for
  memory) the pool breaks and every in-flight photo fails with it, so those photos are
  measured again one at a time in a fresh single-worker process: a photo that kills that
  process too is reported as failed (``LOST_MESSAGE``), the others get their real result,
  and a new pool carries on with the rest.
- Workers return results without the overlay drawer (it holds the analysis image); a
  task with ``overlay_path`` has its overlay written by the worker instead.
- A batch of one photo is measured in this process: there is nothing else to lose.

This module imports only the standard library at load time, so spawning a worker does not
load NumPy before the thread limits are set.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from typing import Any

#: Environment variables that cap the native thread pools inside one worker.
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
              "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")

OVERLAY_JPEG_QUALITY = 85   # 0..100, overlays written as JPEG (PNG ignores it)

LOST_MESSAGE = ("The analysis stopped unexpectedly on this photo: the process measuring it "
                "crashed or ran out of memory, twice. Try a smaller copy of the photo, or "
                "take it again.")


@dataclass(frozen=True)
class PhotoTask:
    """One photo to measure. ``index`` is its position in the input; ``overlay_path`` (if
    given) is where the worker writes the overlay image (format from the suffix), shrunk to
    ``overlay_max_side_px`` on its long side when that is set."""

    index: int
    path: str
    paper: str | None = None
    age_months: float | None = None
    overlay_path: str | None = None
    overlay_max_side_px: int | None = None


@dataclass(frozen=True)
class PhotoDone:
    """A measured photo: ``result`` is a ``FootprintResult`` without its overlay drawer;
    ``overlay_path`` is the overlay file written, or None."""

    index: int
    path: str
    result: Any
    overlay_path: str | None = None


Worker = Callable[[PhotoTask], PhotoDone]


def usable_cores() -> int:
    """Cores this process may run on (CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def limit_threads() -> None:
    """Worker initialiser: one native thread per process (set before NumPy loads)."""
    for name in THREAD_ENV:
        os.environ[name] = "1"
    import cv2

    cv2.setNumThreads(1)


def _write_overlay(image, task: PhotoTask) -> str | None:
    import cv2

    if image is None or task.overlay_path is None:
        return None
    side = task.overlay_max_side_px
    if side and max(image.shape[:2]) > side:
        f = side / max(image.shape[:2])
        image = cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    params = [cv2.IMWRITE_JPEG_QUALITY, OVERLAY_JPEG_QUALITY]
    return task.overlay_path if cv2.imwrite(task.overlay_path, image, params) else None


def measure_task(task: PhotoTask) -> PhotoDone:
    """Measure one photo (the default worker). Never raises for bad input."""
    from vision.footprint import measure_footprint

    want_overlay = task.overlay_path is not None
    result = measure_footprint(task.path, paper=task.paper, age_months=task.age_months,
                               overlay=want_overlay, name=task.path)
    written = None
    if want_overlay and result.ok:
        try:
            written = _write_overlay(result.overlay, task)
        except Exception:  # noqa: BLE001 - a failed drawing must not lose the numbers
            written = None
    return PhotoDone(task.index, task.path, replace(result, overlay_drawer=None), written)


def failed(task: PhotoTask, message: str) -> PhotoDone:
    """A ``PhotoDone`` for a photo that gave no result, with ``message`` as its error."""
    from vision.footprint.result import FootprintResult

    return PhotoDone(task.index, task.path,
                     FootprintResult(image=task.path, ok=False, error=message))


def _new_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, initializer=limit_threads,
                               mp_context=multiprocessing.get_context("spawn"))


def _outcome(future: Future, task: PhotoTask) -> PhotoDone | None:
    """The future's PhotoDone; None when the pool broke under it; a failure otherwise."""
    try:
        return future.result()
    except BrokenProcessPool:
        return None
    except Exception as exc:  # noqa: BLE001 - one photo's error must not end the batch
        return failed(task, f"The analysis failed on this photo ({type(exc).__name__}: "
                            f"{exc}).")


def _pool_round(pending: list[PhotoTask], jobs: int, worker: Worker,
                finish: Callable[[PhotoDone], None]) -> list[PhotoTask]:
    """Run ``pending`` (consumed from the front) on one pool until it is empty or the pool
    breaks; returns the tasks that were in flight when it broke."""
    workers = min(jobs, len(pending))
    pool = _new_pool(workers)
    in_flight: dict[Future, PhotoTask] = {}
    try:
        while pending or in_flight:
            while pending and len(in_flight) < workers:
                task = pending.pop(0)
                in_flight[pool.submit(worker, task)] = task
            ready, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = []
            for future in ready:
                task = in_flight.pop(future)
                outcome = _outcome(future, task)
                if outcome is None:
                    broken.append(task)
                else:
                    finish(outcome)
            if broken:
                return broken + _drain(in_flight, finish)
        return []
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _drain(in_flight: dict[Future, PhotoTask], finish) -> list[PhotoTask]:
    """After a break: keep the in-flight photos that did finish, return the others."""
    lost = []
    for future, task in in_flight.items():
        wait([future])
        outcome = _outcome(future, task)
        if outcome is None:
            lost.append(task)
        else:
            finish(outcome)
    in_flight.clear()
    return lost


def _isolate(suspects: Iterable[PhotoTask], worker: Worker,
             finish: Callable[[PhotoDone], None]) -> None:
    """Measure each suspect alone in a single-worker pool; one that breaks it is lost."""
    pool = None
    try:
        for task in sorted(suspects, key=lambda t: t.index):
            pool = pool or _new_pool(1)
            outcome = _outcome(pool.submit(worker, task), task)
            if outcome is None:
                finish(failed(task, LOST_MESSAGE))
                pool.shutdown(wait=True)
                pool = None
            else:
                finish(outcome)
    finally:
        if pool is not None:
            pool.shutdown(wait=True)


def measure_tasks(tasks: list[PhotoTask], *, jobs: int,
                  on_done: Callable[[int, str], None] | None = None,
                  worker: Worker = measure_task) -> list[PhotoDone]:
    """Measure ``tasks`` on ``jobs`` worker processes; one ``PhotoDone`` per task, in the
    order of ``tasks``.

    Parameters
    ----------
    tasks : list of PhotoTask
        Their ``index`` values must be distinct.
    jobs : int
        Worker processes (>= 1); never more than there are tasks.
    on_done : callable, optional
        ``on_done(finished_count, path)`` after each photo, in completion order.
    worker : callable
        ``PhotoTask -> PhotoDone``, importable by name (it is pickled to the workers);
        :func:`measure_task` unless a test injects another.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be >= 1, got {jobs!r}")
    order = {t.index: k for k, t in enumerate(tasks)}
    if len(order) != len(tasks):
        raise ValueError("task indices must be distinct")
    out: list[PhotoDone | None] = [None] * len(tasks)

    def finish(done: PhotoDone) -> None:
        out[order[done.index]] = done
        if on_done is not None:
            on_done(sum(d is not None for d in out), done.path)

    if len(tasks) == 1:
        finish(worker(tasks[0]))
        return out  # type: ignore[return-value]
    pending = list(tasks)
    while pending:
        suspects = _pool_round(pending, jobs, worker, finish)
        if suspects:
            _isolate(suspects, worker, finish)
    return out  # type: ignore[return-value]
