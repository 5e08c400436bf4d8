"""Search quality and weight: recall@5 on query lists, and the bytes a browser downloads per query.

    python bench/bench_search.py [N]        (default N: 10000 generated items)

Recall@5 is measured on the sample site (the known-answer queries of tests/test_search.py) and on a
generated corpus (each query names one item by words of its title). Bytes are what Chromium
receives from a plain static server (no compression added; Pagefind's own files are gzipped):
the first query loads the search page, its script, Pagefind's runtime and the index chunks it
needs; later queries load only new chunks and fragments.
Targets: recall@5 ≥ 0.95; first query ≤ 300 KB, later queries ≤ 60 KB at 10,000 items.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from corpus import generate  # noqa: E402

from generator import build_site  # noqa: E402
from tests.browser import chromium, serve  # noqa: E402
from tests.test_search import DONE, QUERIES  # noqa: E402


def titles_for(page: Any, url: str, query: str) -> list[str]:
    page.goto(f"{url}search/index.html?q={quote(query)}")
    page.wait_for_function(DONE, timeout=60000)
    return [li.inner_text().split("\n")[0] for li in page.query_selector_all("#search-results > li")][:5]


def recall(page: Any, url: str, queries: list[tuple[str, str]]) -> tuple[float, list[str]]:
    misses = [q for q, expected in queries if not any(expected in t for t in titles_for(page, url, q))]
    return 1 - len(misses) / len(queries), misses


def weigh(browser: Any, url: str, first: str, later: list[str]) -> tuple[int, list[int]]:
    """Bytes received for a first query (fresh browser context) and for each later query."""
    context = browser.new_context()
    page = context.new_page()
    received = [0]

    def count(request: Any) -> None:
        sizes = request.sizes()
        received[0] += sizes["responseBodySize"] + sizes["responseHeadersSize"]

    page.on("requestfinished", count)
    page.goto(f"{url}search/index.html?q={quote(first)}")
    page.wait_for_function(DONE, timeout=120000)
    page.wait_for_timeout(500)
    first_bytes, after = received[0], []
    for query in later:
        received[0] = 0
        page.fill("#q", query)
        page.press("#q", "Enter")
        page.wait_for_function(f"() => document.getElementById('search-status').textContent !== '正在搜索……' && new URL(location.href).searchParams.get('q') === {query!r}", timeout=120000)
        page.wait_for_function(DONE, timeout=120000)
        page.wait_for_timeout(500)
        after.append(received[0])
    context.close()
    return first_bytes, after


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    with tempfile.TemporaryDirectory(prefix="gongkai-search-") as tmp, chromium() as browser:
        sample = build_site(ROOT, Path(tmp) / "sample").out_dir
        with serve(sample) as url:
            score, misses = recall(browser.new_page(), url, QUERIES)
            print(f"sample site: recall@5 {score:.2f} over {len(QUERIES)} queries; misses: {misses or 'none'}")
        site = generate(Path(tmp) / "corpus", count)
        start = time.perf_counter()
        result = build_site(site, Path(tmp) / "corpus-build")
        index = next(s for s in result.stages if s.name == "索引")
        print(f"N={count}: build with search {time.perf_counter() - start:.1f} s (Pagefind {index.seconds:.1f} s, {index.count} pages)")
        rng = random.Random(3)
        picks = sorted(rng.sample([n for n in range(count) if n % 50 != 49], 20))
        queries = [(f"第{n}号", f"（第{n}号）") for n in picks]
        with serve(result.out_dir) as url:
            score, misses = recall(browser.new_page(), url, queries)
            print(f"N={count}: recall@5 {score:.2f} over {len(queries)} title queries; misses: {misses or 'none'}")
            doc = next(n for n in range(picks[3], count) if n % 15 == 0 and n % 50 != 49)  # a policy document: it has a 文号
            first, later = weigh(browser, url, "防汛抗旱", ["宅基地审批", f"第{picks[3]}号", f"基政发〔{2020 + doc % 6}〕{doc + 1}号", "村级财务管理"])
            print(f"N={count}: first query {first / 1024:.0f} KB; later queries {', '.join(f'{b / 1024:.0f} KB' for b in later)}")


if __name__ == "__main__":
    main()
