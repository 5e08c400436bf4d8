"""Spreading pure per-item work over the machine's cores.

Workers are forked, so they inherit the function and its inputs without pickling them; only
results travel back.  Where ``fork`` is unavailable, or the work is small, it runs in-process.
A worker's changes to Python objects are lost when it ends; only its return values and the
files it writes (through ``output.Staging``) remain.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL = 400

# The work of the current fork_map call, inherited by the forked workers (never pickled).
_work: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _run(bounds: tuple[int, int]) -> list[Any]:
    assert _work is not None
    fn, items = _work
    return [fn(x) for x in items[bounds[0] : bounds[1]]]


def fork_map(fn: Callable[[T], R], items: Sequence[T], jobs: int | None = None, min_items: int = MIN_PARALLEL) -> list[R]:
    """``[fn(x) for x in items]``, in order, on up to ``jobs`` forked processes.

    Below ``min_items`` items the work stays in this process (forking costs more than it saves),
    and so it does while other threads run (the preview's server and watcher): a forked child
    runs Python code, which can deadlock on a lock another thread held at the fork.
    """
    global _work
    jobs = cpu_count() if jobs is None else jobs
    if jobs <= 1 or len(items) < min_items or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(x) for x in items]
    chunks = min(len(items), jobs * 4)
    size = -(-len(items) // chunks)
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    _work = (fn, items)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(_run, bounds, chunksize=1)
    finally:
        _work = None
    return [result for part in parts for result in part]
