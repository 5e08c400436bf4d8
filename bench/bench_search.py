"""Search quality and weight: recall@5 on query lists, and the bytes a browser downloads per query.

    python bench/bench_search.py [N]        (default N: 10000 generated items)

Recall@5 is measured on the sample site (the known-answer queries of tests/test_search.py) and on a
generated corpus (each query names one item by words of its title). Bytes are what Chromium
receives from a plain static server (no compression added; Pagefind's own files are gzipped):
the first query loads the search page, its script, Pagefind's runtime and the index chunks it
needs; later queries load only new chunks, word lists and fragments.  Later queries are the four
named ones, then 70 words of the corpus in one visit (median, p90, max).
Completeness: of the pages whose text holds a query as typed, the share the search finds; and how
often the results equal those of an index of one single chunk (all Pagefind finds with everything
loaded) — for the build, the build without its word lists, and that one-chunk index.
Multi-word queries are built from the corpus: each names one item by its topic, its kind and its
number, spaced ("最低生活保障 实施方案 第123号"); the same with a word no page holds added (no page holds
every word: the item must still come in the first five, under the partial-results line); and with
the topic replaced by another word of its synonym group (低保 for 最低生活保障, 农村危房改造 for 危房改造).
Each of these 120 queries is also weighed as a later query of one visit (median, p90, max, and how
many stay within 60 KB).
Targets: recall@5 ≥ 0.95; first query ≤ 300 KB, later queries ≤ 60 KB at 10,000 items.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from corpus import KINDS, TOPICS, generate  # noqa: E402

import generator.search.index as search_stage  # noqa: E402
from generator import build_site, check_site  # noqa: E402
from generator.build import index_pages  # noqa: E402
from generator.search.index import build_index  # noqa: E402
from generator.search.synonyms import standard_groups  # noqa: E402
from generator.search.words import WORDS_DIR, fragment_facts, fragment_files, read_fragment  # noqa: E402
from tests.browser import chromium, serve  # noqa: E402
from tests.test_search import DONE, QUERIES  # noqa: E402


def titles_for(page: Any, url: str, query: str) -> list[str]:
    page.goto(f"{url}search/index.html?q={quote(query)}")
    page.wait_for_function(DONE, timeout=60000)
    return [li.inner_text().split("\n")[0] for li in page.query_selector_all("#search-results > li")][:5]


def recall(page: Any, url: str, queries: list[tuple[str, str]]) -> tuple[float, list[str]]:
    misses = [q for q, expected in queries if not any(expected in t for t in titles_for(page, url, q))]
    return 1 - len(misses) / len(queries), misses


def run_query(page: Any, query: str) -> None:
    page.fill("#q", query)
    page.press("#q", "Enter")
    page.wait_for_function(
        f"() => document.getElementById('search-status').textContent !== '正在搜索……' && new URL(location.href).searchParams.get('q') === {query!r}", timeout=120000
    )
    page.wait_for_function(DONE, timeout=120000)


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
        run_query(page, query)
        page.wait_for_timeout(300)
        after.append(received[0])
    context.close()
    return first_bytes, after


def answers(browser: Any, build: Path, queries: list[str]) -> list[tuple[str, list[str]]]:
    """Each query's status line and first ten results, run one after another in one visit."""
    with serve(build) as url:
        page = browser.new_page()
        page.goto(f"{url}search/index.html?q={quote(queries[0])}")
        page.wait_for_function(DONE, timeout=120000)
        found = []
        for n, query in enumerate(queries):
            if n:
                run_query(page, query)
            found.append((page.inner_text("#search-status"), [a.get_attribute("href") for a in page.query_selector_all("#search-results > li > a")][:10]))
        page.close()
    return found


def page_frequencies(bundle: Path) -> Counter[str]:
    """Each Chinese word with the number of pages holding it."""
    return fragment_facts(bundle)[0]


def sample_queries(bundle: Path, rng: random.Random) -> list[str]:
    """Words of the corpus as a visitor might type them: 40 words found on 30–4,000 pages, 20 pairs
    of them, and 10 single characters (whose families are the largest)."""
    frequencies = page_frequencies(bundle)
    common = sorted(w for w, n in frequencies.items() if 30 <= n <= 4000 and len(w) >= 2)
    singles = sorted(w for w, n in frequencies.items() if len(w) == 1 and n >= 100)
    pairs = [a + b for a, b in zip(rng.sample(common, 20), rng.sample(common, 20), strict=True)]
    return rng.sample(common, 40) + pairs + rng.sample(singles, 10)


def pages_holding(bundle: Path, queries: list[str]) -> dict[str, set[str]]:
    """For each query, the fragment hashes of the pages whose text holds it as typed (spaces aside)."""
    texts = {}
    for path in fragment_files(bundle):
        texts[path.stem] = re.sub(r"[\s\u200b]", "", read_fragment(path)["content"])
    return {q: {page for page, text in texts.items() if q.replace(" ", "") in text} for q in queries}


def text_recall(browser: Any, build: Path, holding: dict[str, set[str]]) -> str:
    """Of the pages holding each query's text, the share the search finds (its whole result list)."""
    with serve(build) as url:
        page = browser.new_page()
        page.goto(f"{url}search/index.html")
        page.wait_for_selector("#search-filters:not([hidden])")
        found = wanted = 0
        for query, ids in holding.items():
            results = page.evaluate("async (q) => (await (await import(new URL('../assets/search.js', location.href).href)).find(q)).ids", query)
            if results is not None:  # a list checked against the text: found by construction
                # A page's id is its shard folder and fragment hash: the hash alone is the page.
                found += len(ids & {result.split("/")[-1] for result in results})
                wanted += len(ids)
        page.close()
    return f"{found}/{wanted} pages ({found / max(wanted, 1):.1%})"


TITLE = re.compile(r"^title: 基准镇\d{4}年(" + "|".join(TOPICS) + ")(" + "|".join(KINDS) + r")（第(\d+)号）$", re.MULTILINE)
ABSENT = ("量子纠缠", "航天发射", "深海探测", "冰川融化")


def corpus_queries(site: Path, picks: list[int], frequencies: dict[str, int]) -> dict[str, list[tuple[str, str]]]:
    """Multi-word, partial and synonym queries for the picked items, from their titles."""
    absent = [w for w in ABSENT if not frequencies.get(w)]
    others = {w: [o for o in group if o != w] for group in standard_groups() for w in group}
    found: dict[str, list[tuple[str, str]]] = {"multi-word": [], "partial": [], "synonym": []}
    for n in picks:
        path = next(site.glob(f"content/*/*/item-{n:05d}.md"))
        m = TITLE.search(path.read_text(encoding="utf-8"))
        if m is None:
            continue
        topic, kind, number = m.groups()
        expected = f"（第{number}号）"
        found["multi-word"].append((f"{topic} {kind} 第{number}号", expected))
        found["partial"].append((f"{topic} 第{number}号 {absent[n % len(absent)]}", expected))
        if others.get(topic):
            found["synonym"].append((f"{others[topic][0]} {kind} 第{number}号", expected))
    return found


def linked_copy(build: Path, to: Path) -> Path:
    shutil.copytree(build, to, copy_function=os.link)
    return to


def kb(values: list[int]) -> str:
    ordered = sorted(values)
    median, p90 = statistics.median(ordered), ordered[int(len(ordered) * 0.9)]
    within = sum(1 for v in ordered if v <= 60 * 1024)
    return f"median {median / 1024:.0f} KB, p90 {p90 / 1024:.0f} KB, max {ordered[-1] / 1024:.0f} KB; ≤ 60 KB: {within}/{len(ordered)}"


def agreement(reference: list[tuple[str, list[str]]], other: list[tuple[str, list[str]]]) -> str:
    same_count = sum(1 for a, b in zip(reference, other, strict=True) if a[0] == b[0])
    same_top = sum(1 for a, b in zip(reference, other, strict=True) if set(a[1]) == set(b[1]))
    return f"same result count {same_count}/{len(reference)}, same first ten {same_top}/{len(reference)}"


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
        chunks = len(list((result.out_dir / "pagefind/index").iterdir()))
        print(
            f"N={count}: build with search {time.perf_counter() - start:.1f} s (search stage: shards, merge and word lists {index.seconds:.1f} s, {index.count} pages, {chunks} index chunks of ≤ {search_stage.CHUNK_SIZE} positions)"
        )
        rng = random.Random(3)
        picks = sorted(rng.sample([n for n in range(count) if n % 50 != 49], 20))
        queries = [(f"第{n}号", f"（第{n}号）") for n in picks]
        sampled = sample_queries(result.out_dir / "pagefind", random.Random(7))
        with serve(result.out_dir) as url:
            score, misses = recall(browser.new_page(), url, queries)
            print(f"N={count}: recall@5 {score:.2f} over {len(queries)} title queries; misses: {misses or 'none'}")
            frequencies = page_frequencies(result.out_dir / "pagefind")
            synonym_topics = {w for group in standard_groups() for w in group} & set(TOPICS)
            candidates = [n for n in range(count) if n % 50 != 49 and n % 10 != 9]
            built = corpus_queries(site, sorted(rng.sample(candidates, 40)), frequencies)
            built["synonym"] = corpus_queries(site, [n for n in candidates if any(f"{t}" in next(site.glob(f"content/*/*/item-{n:05d}.md")).read_text(encoding="utf-8").split("\n")[1] for t in synonym_topics)][:40], frequencies)["synonym"]
            for kind, kind_queries in built.items():
                score, misses = recall(browser.new_page(), url, kind_queries)
                # Each of them also as a later query of one visit: what it downloads.
                _, kind_bytes = weigh(browser, url, "防汛抗旱", [q for q, _ in kind_queries])
                print(f"N={count}: recall@5 {score:.2f} over {len(kind_queries)} {kind} queries; misses: {misses[:5] or 'none'}; as later queries: {kb(kind_bytes)}")
            doc = next(n for n in range(picks[3], count) if n % 15 == 0 and n % 50 != 49)  # a policy document: it has a 文号
            named = ["宅基地审批", f"第{picks[3]}号", f"基政发〔{2020 + doc % 6}〕{doc + 1}号", "村级财务管理", built["synonym"][0][0], built["partial"][0][0]]
            first, later = weigh(browser, url, "防汛抗旱", named)
            print(f"N={count}: first query {first / 1024:.0f} KB; later queries {', '.join(f'{q} {b / 1024:.0f} KB' for q, b in zip(named, later, strict=True))}")
            _, sequence = weigh(browser, url, "防汛抗旱", sampled)
            print(f"N={count}: {len(sampled)} more later queries in one visit: {kb(sequence)}")
        # Completeness: the same queries against one whole-index chunk (what Pagefind finds with
        # everything loaded), against this build, and against this build without the word lists.
        whole = linked_copy(result.out_dir, Path(tmp) / "whole")
        shutil.rmtree(whole / "pagefind")
        search_stage.CHUNK_SIZE = 10**9
        # One whole index: every page in one shard, in one chunk.
        search_stage.plan = lambda pages: {"all": tuple(sorted(pages))}  # type: ignore[assignment]
        build_index(whole, index_pages(check_site(site).site))  # type: ignore[arg-type]
        bare = linked_copy(result.out_dir, Path(tmp) / "bare")
        shutil.rmtree(bare / "pagefind" / WORDS_DIR)
        holding = {q: ids for q, ids in pages_holding(result.out_dir / "pagefind", sampled + named).items() if ids}
        print(f"N={count}: pages holding a query's text that it finds ({len(holding)} queries): this build {text_recall(browser, result.out_dir, holding)}; without word lists {text_recall(browser, bare, holding)}; one whole index {text_recall(browser, whole, holding)}")
        reference = answers(browser, whole, sampled)
        print(f"N={count}: same results as one whole index: with word lists {agreement(reference, answers(browser, result.out_dir, sampled))}; without {agreement(reference, answers(browser, bare, sampled))}")


if __name__ == "__main__":
    main()
