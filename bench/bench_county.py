"""The county platform at the size of a real county: MEMBERS member sites of ITEMS items each.

    python bench/bench_county.py [MEMBERS] [ITEMS]        (default 20 × 1,500)

Prints, measured in one run on this machine:

- ``gongkai county build`` cold (every member built, then the platform assembled) and after one
  member's body edit, wall time and the peak memory of the largest process;
- the peer: one member's own ``gongkai build`` (cold) in the same run, and the ratio of the
  platform's cold build to MEMBERS such builds one after another;
- ``gongkai county assemble`` alone (what the CI's last job does);
- the search: the first query's bytes and later queries' bytes (targets 400 KB and 60 KB with 20
  members), weighed as ``bench_search`` weighs them.
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from bench_search import weigh  # noqa: E402
from bytecode import precompile  # noqa: E402
from corpus import generate  # noqa: E402

from tests.browser import chromium, serve  # noqa: E402

QUERIES = ["宅基地审批", "村级财务管理", "防汛 应急", "低保 资金", "第1200号", "高标准农田 工作要点"]
# Pagefind's own flow, for the two designs alike: its index(es), one query, the first ten results'
# fragments.  ``bases[0]`` is the primary index; the others are merged in the browser (mergeIndex).
RAW = """async ([bases, query]) => {
  window.pf ??= await (async () => {
    const pf = await import(bases[0] + "pagefind.js");
    await pf.options({ basePath: bases[0] });
    for (const base of bases.slice(1)) await pf.mergeIndex(base);
    await pf.init();
    return pf;
  })();
  const { results } = await window.pf.search(query);
  await Promise.all(results.slice(0, 10).map((r) => r.data()));
  return results.length;
}"""


def raw_weigh(browser: Any, url: str, bases: list[str], first: str, later: list[str]) -> tuple[int, list[int]]:
    """Bytes received by Pagefind's own flow (``RAW``) for a first query and each later one."""
    context = browser.new_context()
    page = context.new_page()
    received = [0]
    page.on("requestfinished", lambda r: received.__setitem__(0, received[0] + r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]))
    page.goto(f"{url}index.html")
    page.wait_for_load_state("networkidle")
    received[0] = 0
    sizes = []
    for query in [first, *later]:
        page.evaluate(RAW, [bases, query])
        page.wait_for_timeout(300)
        sizes.append(received[0])
        received[0] = 0
    context.close()
    return sizes[0], sizes[1:]


def gongkai(*args: str) -> tuple[float, int]:
    """Run the command; (seconds, exit status). Fails loudly on a crash."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode not in (0, 1) or "内部错误" in done.stdout + done.stderr:
        raise SystemExit(f"gongkai {' '.join(args)} failed: {(done.stdout + done.stderr)[-2000:]}")
    return time.perf_counter() - start, done.returncode


def peak_mib() -> float:
    """The peak resident memory of the largest child process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    members = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    items = int(sys.argv[2]) if len(sys.argv) > 2 else 1500
    with tempfile.TemporaryDirectory(prefix="gongkai-county-bench-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        lines = []
        for n in range(members):
            site = generate(root / f"m{n:02d}", items, seed=100 + n)
            settings = site / "content/_site.yml"
            text = settings.read_text(encoding="utf-8").splitlines()
            text = [f"name: 第{n + 1}镇人民政府" if line.startswith("name:") else line for line in text]
            settings.write_text("\n".join(text) + "\n", encoding="utf-8")
            lines.append(f"  - {{id: m{n:02d}, name: 第{n + 1}镇人民政府, path: ../m{n:02d}}}")
        county = root / "county"
        county.mkdir()
        (county / "county.yml").write_text("name: 基准县人民政府\nbase_url: https://www.example.gov.cn/xxgk/\nmembers:\n" + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"{members} members × {items} items generated in {time.perf_counter() - start:.0f} s", flush=True)

        alone, _ = gongkai("build", str(root / "m00"), "--out", str(root / "alone"), "--quiet")
        print(f"peer: one member's own gongkai build (cold, {items} items): {alone:.1f} s; peak process {peak_mib():.0f} MiB", flush=True)
        cold, code = gongkai("county", "build", str(county), "--quiet")
        print(f"county build, cold: {cold:.1f} s (exit {code}); {cold / (alone * members):.2f} × {members} member builds one after another; peak process {peak_mib():.0f} MiB", flush=True)
        edited = root / f"m{min(7, members - 1):02d}"
        first_item = sorted((edited / "content").rglob("*.md"))[10]
        first_item.write_text(first_item.read_text(encoding="utf-8") + "\n补充说明：基准测试的修改。\n", encoding="utf-8")
        times = []
        for n in range(3):
            first_item.write_text(first_item.read_text(encoding="utf-8") + f"\n第{n}次补充。\n", encoding="utf-8")
            seconds, code = gongkai("county", "build", str(county), "--quiet")
            times.append(seconds)
        print(f"county build after one member's body edit: median {statistics.median(times):.1f} s of {', '.join(f'{t:.1f}' for t in times)} (exit {code})", flush=True)
        assemble, code = gongkai("county", "assemble", str(county), "--quiet")
        print(f"county assemble alone (the CI's last job): {assemble:.1f} s (exit {code})", flush=True)
        out = county / "build"
        pages = sum(1 for _ in (out / "pagefind/fragment").rglob("*.pf_fragment"))
        print(f"search: {pages} pages in one index; {sum(1 for _ in (out / 'pagefind/index').iterdir())} chunks", flush=True)
        with chromium() as browser, serve(out) as url:
            first, later = weigh(browser, url, "防汛抗旱", QUERIES)
        print(f"search, {members} members: first query {first / 1024:.0f} KB (target 400 KB); later " + ", ".join(f"{q} {b / 1024:.0f} KB" for q, b in zip(QUERIES, later, strict=True)) + " (target 60 KB)", flush=True)
        print(f"later queries: median {statistics.median(later) / 1024:.0f} KB, max {max(later) / 1024:.0f} KB", flush=True)
        # The measured choice: the one index over the platform, against each member's own index
        # merged in the browser, both through Pagefind's own flow.
        ids = [f"m{n:02d}" for n in range(members)]
        with chromium() as browser, serve(out) as url:
            for label, bases in (("one index over the platform", [f"{url}pagefind/"]), (f"{members} member indexes merged in the browser", [f"{url}{i}/pagefind/" for i in ids])):
                first, later = raw_weigh(browser, url, bases, "防汛抗旱", QUERIES)
                print(f"Pagefind's own flow, {label}: first query {first / 1024:.0f} KB; later median {statistics.median(later) / 1024:.0f} KB, max {max(later) / 1024:.0f} KB", flush=True)
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    precompile()
    main()
