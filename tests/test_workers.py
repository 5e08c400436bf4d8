"""Spreading work over forked processes, and when not to fork."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO

# In a fresh interpreter: this test process may hold other tests' server threads.
_PIDS = """
import json, os, threading
from generator.workers import cpu_count, fork_map
pid = lambda _item: os.getpid()
alone = set(fork_map(pid, range(500), jobs=2, min_items=2))
stop = threading.Event()
other = threading.Thread(target=stop.wait)
other.start()
beside = set(fork_map(pid, range(500), jobs=2, min_items=2))
stop.set()
other.join()
print(json.dumps({"me": os.getpid(), "cores": cpu_count(), "alone": sorted(alone), "beside": sorted(beside)}))
"""


def test_work_is_forked_only_while_this_is_the_one_thread() -> None:
    done = subprocess.run([sys.executable, "-c", _PIDS], capture_output=True, text=True, check=True, cwd=REPO, timeout=120)
    seen = json.loads(done.stdout)
    if seen["cores"] > 1:
        assert seen["me"] not in seen["alone"]  # forked workers did the work
    # While another thread runs (as the preview's server and watcher do), a forked child could
    # deadlock on a lock that thread held: the work stays in this process.
    assert seen["beside"] == [seen["me"]]
