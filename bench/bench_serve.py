"""Preview benchmark: from a file write to the new page being served by ``gongkai serve``.

    python bench/bench_serve.py [N ...]        (default: 1000 10000)

For each size, ``gongkai serve`` runs as its own process on a generated site.  One item is edited
the way a clerk saves it (written in place) and the page is fetched over HTTP until it shows the
edit: 50 body edits, then 50 edits that move the item to another column (its page shows the new
column in the breadcrumbs).  Medians and 95th percentiles are printed, and the server's resident
memory after the first and after the 500th edit.  Targets at 10,000 items: body edit median ≤ 300 ms,
p95 ≤ 1 s; memory after 500 edits within 10 % of after the first.  Last, five edits that each add a new word,
timed until the search bundle holds it (target ≤ 5 s).

The search index is on, as in real use: it is rebuilt at low priority after edits settle.
"""

from __future__ import annotations

import http.client
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench_build import reference_seconds
from bytecode import precompile
from corpus import generate

from generator.catalogue import build_catalogue
from generator.search.merge import TEXT_DIR
from generator.search.words import read_fragment

EDITS = 50
MEMORY_EDITS = 500
SEARCH_EDITS = 5


def rss_mib(pid: int) -> float:
    """Resident memory of a process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Client:
    """Keep-alive HTTP to the preview server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str) -> str:
        try:
            self.conn.request("GET", path, headers={"Host": f"127.0.0.1:{self.port}"})
            return self.conn.getresponse().read().decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return ""


def timed_edit(path: Path, text: str, client: Client, page: str, expect: str) -> float:
    """Seconds from writing ``text`` to ``page`` containing ``expect``."""
    start = time.perf_counter()
    path.write_text(text, encoding="utf-8")
    while expect not in client.get(page):
        if time.perf_counter() - start > 60:
            raise SystemExit(f"the edit did not show within 60 s: {expect}")
        time.sleep(0.002)
    return time.perf_counter() - start


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def summary(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"{name}: median {statistics.median(ms):7.1f} ms  p95 {p95(ms):7.1f} ms  (n={len(ms)}, min {min(ms):.1f}, max {max(ms):.1f})"


def bench(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-serve-") as tmp:
        site = generate(Path(tmp) / "site", count)
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", str(site), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, preexec_fn=_interruptible)
        assert proc.stdout is not None
        port = 0
        while not port:
            line = proc.stdout.readline()
            if not line:
                raise SystemExit("serve stopped")
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            port = int(m.group(1)) if m else 0
        print(f"N={count}: first build and start {time.perf_counter() - start:.1f} s, {rss_mib(proc.pid):.0f} MiB")
        # The preview's output folder: the newest one made since the server started.
        out = max(Path(tempfile.gettempdir()).glob("gongkai-serve-*"), key=lambda p: p.stat().st_mtime)
        # Drain the server's output so that it never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
        client = Client(port)
        files = sorted((site / "content").rglob("*.md"))
        target = next(f for f in files[len(files) // 2 :] if "catalogue: statutory/plans" in f.read_text(encoding="utf-8"))
        page = f"/items/{target.stem}.html"
        original = target.read_text(encoding="utf-8")
        client.get(page)
        labels = {leaf.ref: leaf.label for leaf in build_catalogue("township").leaves.values()}
        try:
            body: list[float] = []
            first_rss = 0.0
            for n in range(EDITS):
                marker = f"预览基准修改第{n}次"
                body.append(timed_edit(target, original + f"\n{marker}。\n", client, page, marker))
                if n == 0:
                    time.sleep(0.5)
                    first_rss = rss_mib(proc.pid)
            print("  " + summary("body edit  ", body))
            moves: list[float] = []
            for n in range(EDITS):
                column = "statutory/statistics" if n % 2 == 0 else "statutory/plans"
                text = original.replace("catalogue: statutory/plans", f"catalogue: {column}") + f"\n栏目修改第{n}次。\n"
                moves.append(_move(target, text, client, page, labels[column], n))
            print("  " + summary("column edit", moves))
            for n in range(EDITS * 2, MEMORY_EDITS):
                marker = f"内存基准修改第{n}次"
                timed_edit(target, original + f"\n{marker}。\n", client, page, marker)
            time.sleep(0.5)
            last_rss = rss_mib(proc.pid)
            print(f"  memory: {first_rss:.0f} MiB after the first edit, {last_rss:.0f} MiB after {MEMORY_EDITS} edits ({(last_rss / first_rss - 1) * 100:+.1f} %)")
            current = [search_current(target, original, out, n) for n in range(SEARCH_EDITS)]
            print("  " + summary("search current after an edit", current))
        finally:
            target.write_text(original, encoding="utf-8")
            stop(proc)


def _interruptible() -> None:
    # A benchmark started in the background (``cmd &``) inherits SIGINT ignored, and so would the
    # server, which then never sees the Ctrl-C that stops it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop(proc: subprocess.Popen[str]) -> None:
    """Stop the server as a clerk does (Ctrl-C); if it is still there after two minutes, say so
    and end it, so that no server outlives the benchmark."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        print("  gongkai serve did not stop within 120 s of Ctrl-C: ended with SIGKILL")
        proc.kill()
        proc.wait()


def search_current(target: Path, original: str, out: Path, n: int) -> float:
    """Seconds from an edit to a search bundle whose fragments hold the edit's word: the preview
    re-indexes (the edited item's shard) in the background once edits settle."""
    canary = f"SRCHBENCHQ{n}X"
    start, wall = time.perf_counter(), time.time()
    target.write_text(original + f"\n{canary}。\n", encoding="utf-8")
    while True:
        for path in out.glob(f"pagefind/{TEXT_DIR}/*/*.pf_fragment"):  # the whole text: the canary ends the page
            try:
                if path.stat().st_mtime >= wall - 1 and canary in read_fragment(path)["content"]:
                    return time.perf_counter() - start
            except (OSError, ValueError):
                continue  # the bundle is being swapped
        if time.perf_counter() - start > 300:
            raise SystemExit("the search did not follow the edit within 300 s")
        time.sleep(0.1)


def _move(target: Path, text: str, client: Client, page: str, label: str, n: int) -> float:
    """A column edit: done when the page shows both the edit's marker and the new column."""
    marker = f"栏目修改第{n}次"
    start = time.perf_counter()
    target.write_text(text, encoding="utf-8")
    while True:
        html = client.get(page)
        if marker in html and f">{label}</a>" in html:
            return time.perf_counter() - start
        if time.perf_counter() - start > 120:
            raise SystemExit("the column edit did not show within 120 s")
        time.sleep(0.002)


if __name__ == "__main__":
    precompile()
    print(f"reference loop: {reference_seconds():.2f} s")
    for n in [int(a) for a in sys.argv[1:]] or [1000, 10000]:
        bench(n)
    print(f"reference loop: {reference_seconds():.2f} s")
