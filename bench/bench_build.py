"""Build benchmark: cold build, no-change rebuild, one-edit builds, items per second and peak memory.

    python bench/bench_build.py [N ...]        (default: 1000 10000)
    BENCH_SEARCH=1 python bench/bench_build.py 10000     (the same with the search index)

Each build runs as its own ``python -m generator build`` process so that its peak resident
memory (ru_maxrss) is measured alone. Runs are repeated and the median is printed, because the
2-core machine is noisy. One-edit builds follow a cold build and reuse what it stored
(``.gongkai-cache/``): a body edit, a column change and an item withdrawn, each on another
random item. Pages only (--no-search) unless BENCH_SEARCH is set; bench_search.py measures the
index itself.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bytecode import precompile
from corpus import generate
from hugo_peer import PeerFailed, available, hugo_site, run_peer

REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


SEARCH = bool(os.environ.get("BENCH_SEARCH"))


def run_build(site: Path, out: Path) -> tuple[float, float]:
    """Seconds and peak MiB of one build process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", str(site), "--out", str(out), "-q", *([] if SEARCH else ["--no-search"])])
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


def _body(path: Path, rng: random.Random) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n补充说明 {rng.randrange(10**6)}。\n", encoding="utf-8")


def _column(path: Path, _rng: random.Random) -> None:
    text = path.read_text(encoding="utf-8")
    column = re.search(r"^catalogue: (\S+)$", text, re.M)
    target = "statutory/plans" if column and column.group(1) != "statutory/plans" else "other/notices"
    path.write_text(re.sub(r"^catalogue: \S+$", f"catalogue: {target}", text, count=1, flags=re.M), encoding="utf-8")


def _withdraw(path: Path, _rng: random.Random) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^disclosure: \S+$", "disclosure: 不予公开\nexempt_reason: internal-affairs", text, count=1, flags=re.M), encoding="utf-8")


EDITS = {"body edit": _body, "column change": _column, "item withdrawn": _withdraw}


def _runs(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} s (runs {', '.join(f'{x:.2f}' for x in values)})"


def bench(count: int) -> None:
    rng = random.Random(count)
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        site = generate(Path(tmp) / "site", count)
        items = sorted((site / "content").rglob("*.md"))
        # Withdrawn: a notice (nothing interprets or links to it, so the build stays clean).
        notices = [p for p in items if "catalogue: other/notices" in p.read_text(encoding="utf-8")]
        out = Path(tmp) / "build"
        cold: list[float] = []
        warm: list[float] = []
        edited: dict[str, list[float]] = {name: [] for name in EDITS}
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
            for name, edit in EDITS.items():
                edit(rng.choice(notices if edit is _withdraw else items), rng)
                seconds, peak = run_build(site, out)
                edited[name].append(seconds)
                peaks.append(peak)
        c = statistics.median(cold)
        print(f"N={count:>6}{' with search' if SEARCH else ''}  cold build {_runs(cold)}  no-change rebuild {_runs(warm)}  {count / c:7.0f} items/s cold  peak memory {max(peaks):6.0f} MiB")
        peer = 0.0
        runs: list[tuple[float, float]] = []
        if available():
            # The peer always builds everything: its cold, no-change and one-edit builds are one figure.
            pages = hugo_site(site, Path(tmp) / "hugo")
            try:
                runs = [run_peer(Path(tmp) / "hugo", SEARCH) for _ in range(REPEAT)]
            except PeerFailed as failed:
                print(f"          peer ({pages} pages): {failed}; no ratio")
                runs = []
        if runs:
            peer = statistics.median(h + f for h, f in runs)
            parts = f"Hugo {statistics.median(h for h, _ in runs):.2f} s + Pagefind {statistics.median(f for _, f in runs):.2f} s" if SEARCH else "Hugo"
            print(f"          peer ({pages} pages): {parts} = {peer:.2f} s; gongkai cold / peer = {c / peer:.2f}, no-change / peer = {statistics.median(warm) / peer:.2f}")
        for name, values in edited.items():
            ratio = f", / peer {statistics.median(values) / peer:.2f}" if peer else ""
            print(f"          one-edit build, {name}: {_runs(values)}  ({statistics.median(values) / c:.2f} of cold{ratio})")


if __name__ == "__main__":
    precompile()
    print(f"reference loop: {reference_seconds():.2f} s")
    for n in [int(a) for a in sys.argv[1:]] or [1000, 10000]:
        bench(n)
    print(f"reference loop: {reference_seconds():.2f} s")
