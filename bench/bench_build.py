"""Build benchmark: cold build, no-change rebuild, items per second and peak memory.

    python bench/bench_build.py [N ...]        (default: 1000 10000)

Each build runs as its own ``python -m generator build`` process so that its peak resident
memory (ru_maxrss) is measured alone. Runs are repeated and the median is printed, because the
2-core machine is noisy. Pages only (--no-search), as the targets say: at 10,000 items cold ≤ 12 s,
no-change rebuild ≤ 2 s, ≤ 1 GB peak memory. bench_search.py measures the build with its index.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import generate

REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


def run_build(site: Path, out: Path) -> tuple[float, float]:
    """Seconds and peak MiB of one build process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", str(site), "--out", str(out), "-q", "--no-search"])
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"build failed with status {status}")
    return seconds, usage.ru_maxrss / 1024


def reference_seconds() -> float:
    """A fixed pure-Python workload, timed in this run: the host's speed drifts (shared, with steal
    time), so figures from different runs are compared through it."""
    start = time.perf_counter()
    total = 0
    for i in range(20_000_000):
        total += i
    return time.perf_counter() - start


def bench(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        site = generate(Path(tmp) / "site", count)
        out = Path(tmp) / "build"
        cold: list[float] = []
        warm: list[float] = []
        peaks: list[float] = []
        for _ in range(REPEAT):
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(site / ".gongkai-cache", ignore_errors=True)
            seconds, peak = run_build(site, out)
            cold.append(seconds)
            peaks.append(peak)
            seconds, peak = run_build(site, out)
            warm.append(seconds)
            peaks.append(peak)
        c, w = statistics.median(cold), statistics.median(warm)
        print(
            f"N={count:>6}  cold build {c:6.2f} s (runs {', '.join(f'{x:.2f}' for x in cold)})  "
            f"no-change rebuild {w:6.2f} s (runs {', '.join(f'{x:.2f}' for x in warm)})  "
            f"{count / c:7.0f} items/s cold  peak memory {max(peaks):6.0f} MiB"
        )


if __name__ == "__main__":
    print(f"reference loop: {reference_seconds():.2f} s")
    for n in [int(a) for a in sys.argv[1:]] or [1000, 10000]:
        bench(n)
    print(f"reference loop: {reference_seconds():.2f} s")
