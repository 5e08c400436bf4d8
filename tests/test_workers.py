"""Spreading work over forked processes, and when not to fork."""

from __future__ import annotations

import os
import threading

from generator.workers import cpu_count, fork_map


def _pid(_item: int) -> int:
    return os.getpid()


def test_work_is_forked_only_while_this_is_the_one_thread() -> None:
    items = list(range(500))
    alone = fork_map(_pid, items, jobs=2, min_items=2)
    if cpu_count() > 1:
        assert os.getpid() not in alone  # forked workers did the work
    # While another thread runs (as the preview's server and watcher do), a forked child could
    # deadlock on a lock that thread held: the work stays in this process.
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert set(fork_map(_pid, items, jobs=2, min_items=2)) == {os.getpid()}
    finally:
        stop.set()
        other.join()
