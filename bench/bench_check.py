"""Check benchmark: ``gongkai check`` on generated sites, median of repeated runs.

    python bench/bench_check.py [N ...]        (default: 10000)

Target: 10,000 items in under 10 s on the 2-core machine.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bytecode import precompile
from corpus import generate

REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


def bench(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="gongkai-check-") as tmp:
        site = generate(Path(tmp) / "site", count)
        runs = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "generator", "check", str(site), "-q", "--today", "2026-11-22"], capture_output=True, check=False)
            runs.append(time.perf_counter() - start)
            if done.returncode not in (0, 1):
                raise SystemExit(done.stderr.decode())
        median = statistics.median(runs)
        print(f"N={count:>6}  check {median:6.2f} s (runs {', '.join(f'{r:.2f}' for r in runs)})  {count / median:7.0f} items/s")


if __name__ == "__main__":
    precompile()
    for n in [int(a) for a in sys.argv[1:]] or [10000]:
        bench(n)
