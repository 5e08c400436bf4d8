"""The word lists that make a query search the whole prefix family of each of its words, however
Pagefind cut its index into chunks (generator/search_words.py and the search page's loadFamilies)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

import generator.search.index as search_stage
from generator import build_site
from generator.search.ids import fnv1a
from generator.search.merge import read_meta
from generator.search.words import BUCKETS, WORDS_DIR, chunk_holding, loads, read_chunks, selects

from .browser import chromium, serve
from .conftest import item
from .pagefind_index import decode_index
from .test_leak import _decoded
from .test_search import DONE

# Pagefind (jieba) and the browser (ICU) cut 村级, 管护, 财务公开 … differently, so the query words
# are often prefixes of the indexed words: exactly the families a chunk boundary splits.
BODIES = [
    "村民委员会召开会议，研究村级财务管理和村务公开工作。",
    "管理局对农村宅基地进行管护，加强财务公开，接受村民监督。",
    "全镇村民参加防汛演练，管理人员全部到岗，村干部带头值守。",
    "村务监督委员会检查村级财务收支，公开栏按月更新。",
    "管护人员负责公益林巡查，管理台账每月报送镇政府。",
    "财务人员参加培训，学习农村集体资产管理和财务制度。",
    "村民代表大会审议公开事项，会议由村党支部书记主持。",
    "镇政府公开征求意见，管理办法自发布之日起施行。",
]
QUERIES = ["村", "管", "财", "公开", "管理", "财务", "村民", "会议", "村 管", "财务 公开"]
# Words the browser cuts into characters: a lone character inside longer text is looked up only as
# far as the typed text goes (村 of 村务 needs 村务, not 村民).
WITHIN = ["村务", "村级财务", "管护人员"]


def family_site(make_site: Callable[..., Path]) -> Path:
    files: dict[str, str | bytes] = {}
    for n, body in enumerate(BODIES):
        # Two years: two shards, whose lists the search page reads as one.
        front = f"title: 工作动态第{n + 1}期\ncatalogue: statutory/plans\ndisclosure: 主动公开\npublished: {2023 + n % 2}-05-{n + 1:02d}"
        if n == 2:
            # A meta field in one shard only: the merge renumbers the other shard's meta positions.
            front += "\ndoc_no: 测政发〔2023〕5号"
        files[f"content/news/n{n}.md"] = item(front, body)
    files["content/news/held.md"] = item("title: 内部事项\ncatalogue: statutory/plans\ndisclosure: 不予公开\nexempt_reason: internal-affairs", "稽核专档涉密款项。")
    return make_site(files)


def built(site: Path, out: Path, chunk_size: int, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(search_stage, "CHUNK_SIZE", chunk_size)
    return build_site(site, out).out_dir


def word_lists(build: Path) -> tuple[dict[str, int], dict[int, list[str]]]:
    """The word lists: the chunk of each word, and the probes of each chunk."""
    words: dict[str, int] = {}
    probes: dict[int, list[str]] = {}
    for path in sorted((build / "pagefind" / WORDS_DIR).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        words.update(data["words"])
        probes.update({int(key): found for key, found in data["probes"].items()})
    return words, probes


# ---- the chunk choice, as Pagefind 1.5.2 makes it ------------------------------------------------

CHUNKS = [("0", "9"), ("一", "村"), ("村民", "村民"), ("村级", "管"), ("管理", "龥")]


def test_a_word_sitting_in_a_range_selects_that_chunk_alone() -> None:
    assert selects("村", CHUNKS) == [1]
    assert selects("村民", CHUNKS) == [2]
    assert selects("管理局", CHUNKS) == [4]


def test_a_word_past_a_trimmed_bound_is_matched_by_its_prefix() -> None:
    # 村民委员会 sorts after chunk 2's trimmed bound 村民, so no range holds it: Pagefind then takes
    # every chunk whose bounds match it as far as they go (村 of chunk 1, 村民 of chunk 2).
    assert selects("村民委员会", CHUNKS) == [1, 2]


def test_whether_a_term_loads_one_chunk_is_what_the_whole_choice_says() -> None:
    firsts = [first for first, _ in CHUNKS]
    terms = ["村", "村民", "村民委员会", "村务", "村级", "管", "管理", "管理局", "一", "0", "9", "龥", "龥龥", "乡", "村民组", "A"]
    for term in terms:
        for chunk in range(len(CHUNKS)):
            assert loads(term, chunk, CHUNKS, firsts) == (chunk in selects(term, CHUNKS)), (term, chunk)


def test_the_chunk_holding_a_word_is_found_from_the_starting_bounds() -> None:
    firsts = [first for first, _ in CHUNKS]
    assert chunk_holding("村民委员会", firsts) == 2
    assert chunk_holding("村务", firsts) == 1  # 村务 < 村民: it sorts before chunk 2 begins
    assert chunk_holding("管护", firsts) == 3


# ---- the lists against a real index ----------------------------------------------------------------


@pytest.fixture
def small_chunks(make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return built(family_site(make_site), tmp_path / "small", 12, monkeypatch)


def test_the_lists_name_the_chunk_pagefind_stored_each_word_in(small_chunks: Path) -> None:
    words, probes = word_lists(small_chunks)
    assert {"村民", "管理", "财务", "公开"} <= set(words)
    bundle = small_chunks / "pagefind"
    assert sorted(p.name for p in (bundle / "fragment").iterdir()) == ["2023", "2024"]  # two shards, one index
    chunks = read_chunks(bundle)
    meta = _decoded(next(bundle.glob("*.pf_meta")))
    stored = {entry[0]: number for number, (_, _, hash_) in enumerate(meta[2]) for entry in _decoded(bundle / "index" / f"{hash_}.pf_index")[0]}
    assert len(chunks) > 10, "the test needs many chunk boundaries"
    # Every Chinese word the index holds is listed, in the chunk that holds it.
    assert {w for w in stored if w in words} == set(words)
    for word, chunk in words.items():
        assert stored[word] == chunk, word
        assert probes[chunk], f"chunk {chunk} has no probe"
        for probe in probes[chunk]:
            assert chunk in selects(probe, chunks), (probe, chunk)
    # Families really are split: some word's family spans more than two chunks.
    assert any(len({c for w, c in words.items() if w.startswith(prefix)}) > 2 for prefix in ("村", "管", "财", "公"))


def test_the_lists_hold_only_words_of_public_pages_and_every_bucket_exists(small_chunks: Path) -> None:
    fragments = [_decoded(p) for p in (small_chunks / "pagefind/fragment").glob("*/*.pf_fragment")]
    public_text = "".join(f["content"] + "\n" + f["meta"]["column"] for f in fragments)
    words, _ = word_lists(small_chunks)
    assert all(word in public_text for word in words)
    assert not any(secret in word for word in words for secret in ("稽核", "专档", "涉密", "款项"))
    files = sorted(p.name for p in (small_chunks / "pagefind" / WORDS_DIR).iterdir())
    assert files == [f"{n:03d}.json" for n in range(BUCKETS)]
    assert all(
        fnv1a(word[0]) % BUCKETS == int(path.stem) for path in (small_chunks / "pagefind" / WORDS_DIR).iterdir() for word in json.loads(path.read_text(encoding="utf-8"))["words"]
    )


# ---- in the browser: the same results as one whole index --------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as opened:
        yield opened


def results(browser: Any, build: Path, queries: list[str]) -> list[tuple[str, list[str]]]:
    """Status and result links of ``queries`` run one after another in one visit."""
    found = []
    with serve(build) as url:
        page = browser.new_page()
        for query in queries:
            page.goto(f"{url}search/index.html?q={query}")
            page.wait_for_function(DONE, timeout=20000)
            links = sorted(a.get_attribute("href") for a in page.query_selector_all("#search-results > li > a"))
            found.append((page.inner_text("#search-status"), links))
        page.close()
    return found


def searched(browser: Any, url: str, query: str, fetched: list[str]) -> Any:
    """A new page that has run ``query``, every URL it requested appended to ``fetched``."""
    page = browser.new_page()
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{url}search/index.html?q={quote(query)}")
    page.wait_for_function(DONE, timeout=20000)
    return page


def outcome(browser: Any, url: str, query: str, fetched: list[str]) -> tuple[str, list[str]]:
    """What a visitor sees of ``query``: the status line and the results' links (``searched``)."""
    page = searched(browser, url, query, fetched)
    status, links = page.inner_text("#search-status"), [a.get_attribute("href") for a in page.query_selector_all("#search-results > li > a")]
    page.close()
    return status, links


def chunks_of_only(bundle: Path, word: str) -> list[str]:
    """The index chunks of ``bundle`` that hold ``word`` and no other word."""
    _, meta = read_meta(bundle)
    return [name for _, _, name in meta[2] if [e[0] for e in _decoded(bundle / "index" / f"{name}.pf_index")[0]] == [word]]


def test_queries_find_what_a_single_chunk_index_finds(make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, browser: Any) -> None:
    site = family_site(make_site)
    whole = built(site, tmp_path / "whole", 10**9, monkeypatch)
    assert len(list((whole / "pagefind" / "index").iterdir())) == 1
    small = built(site, tmp_path / "small", 12, monkeypatch)
    expected = results(browser, whole, QUERIES)
    assert all(status.startswith("找到") for status, _ in expected)
    assert results(browser, small, QUERIES) == expected
    # Every page whose text holds such a query is found, and nothing the whole index would not find.
    for query, (_, whole_links), (status, links) in zip(WITHIN, results(browser, whole, WITHIN), results(browser, small, WITHIN), strict=True):
        holding = {f"/xxgk/items/n{n}.html" for n, body in enumerate(BODIES) if query in body}
        assert holding and holding <= set(links) <= set(whole_links), (query, status, links)
    # Without the lists, Pagefind alone misses words past the chunk boundaries, but a query still
    # finds what its own chunks hold (no word is taken for one the index cannot match).
    shutil.rmtree(small / "pagefind" / WORDS_DIR)
    bare = results(browser, small, QUERIES)
    assert bare != expected and all(status.startswith("找到") for status, _ in bare), bare


def test_a_word_on_most_pages_does_not_narrow_a_query_that_has_other_words(small_chunks: Path, browser: Any) -> None:
    common = {w for path in (small_chunks / "pagefind" / WORDS_DIR).glob("*.json") for w in json.loads(path.read_text(encoding="utf-8"))["common"]}
    assert "管理" in common and "会议" not in common  # 管理 is on 6 of the 8 pages, 会议 on 2
    holding = {f"/xxgk/items/n{n}.html" for n, body in enumerate(BODIES) if "会议" in body}
    [(status, links)] = results(browser, small_chunks, ["管理 会议"])
    assert set(links) == holding, status  # n6 speaks of a 会议 but never of 管理
    [(_, alone)] = results(browser, small_chunks, ["管理"])
    assert len(alone) == 6, "a query of common words alone still searches them"


def test_the_merged_shards_are_the_index_of_one_pagefind_run(make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, browser: Any) -> None:
    # The shards are merged into the index Pagefind writes for all the pages at once: the same
    # words at the same pages and positions, the same filters and date order; so a query means
    # what it means on one index (冰川 held nowhere, 委员会 in one year only).
    site = family_site(make_site)
    # Each Pagefind run's own bundle, copied as Pagefind wrote it.
    runs = tmp_path / "runs"
    index_shard = search_stage._index_shard

    def recorded(binary: Path, pages: Path, expected: int, bundle: Path, env: dict[str, str], low: bool, cancel: Any = None) -> tuple[int, int, str]:
        counts = index_shard(binary, pages, expected, bundle, env, low, cancel)
        shutil.copytree(bundle, runs / bundle.name)
        return counts

    monkeypatch.setattr(search_stage, "_index_shard", recorded)
    sharded = built(site, tmp_path / "sharded", 12, monkeypatch)
    assert sorted(p.name for p in (sharded / "pagefind/fragment").iterdir()) == ["2023", "2024"]
    # The two shards' meta fields differ (a 文号 in 2023 only), so the merge renumbers them.
    fields = {tuple(read_meta(runs / name)[1][5]) for name in ("2023", "2024")}
    assert len(fields) == 2 and len({len(f) for f in fields}) == 2
    monkeypatch.setattr(search_stage, "plan", lambda pages: {"all": tuple(sorted(pages))})
    shutil.rmtree(site / ".gongkai-cache")
    one = built(site, tmp_path / "one", 12, monkeypatch)
    merged, pagefind = decode_index(sharded / "pagefind"), decode_index(runs / "all")
    assert len(merged["chunks"]) > 10 and len(merged["pages"]) == len(BODIES)
    assert any("field:doc_no" in meta for pages in merged["words"].values() for _, meta in pages.values())
    # Pages are numbered in date order, so the date order is the page order (it compresses to nothing).
    assert read_meta(sharded / "pagefind")[1][4] == [["date", list(range(len(BODIES)))]]
    assert {k: v for k, v in merged.items() if k != "chunks"} == {k: v for k, v in pagefind.items() if k != "chunks"}
    # Chunked as Pagefind chunks, but that a word of a chunk's positions or more (12 here) has a
    # chunk of its own; and Pagefind's lookup of each word selects the chunk holding it.
    _, meta = read_meta(sharded / "pagefind")
    held = [[entry[0] for entry in _decoded(sharded / "pagefind/index" / f"{name}.pf_index")[0]] for _, _, name in meta[2]]
    size = {word: sum(len(locs) + len(meta_locs) + 1 for locs, meta_locs in pages.values()) for word, pages in merged["words"].items()}
    big = {word for word, n in size.items() if n >= 12}
    assert big and all(words == [word] for words in held for word in words if word in big)
    assert len(held) > len(pagefind["chunks"])
    ranges = [(first, last) for first, last, _ in meta[2]]
    assert all(n in selects(word, ranges) for n, words in enumerate(held) for word in words)
    queries = [*QUERIES, *WITHIN, "村民 冰川", "冰川", "村民委员会 财务", "防汛演练 管理", "公益林 村民", "\u201c村务公开\u201d"]
    expected = results(browser, one, queries)
    assert results(browser, sharded, queries) == expected
    assert [status for status, _ in expected[-6:]][1].startswith("没有找到")


def test_only_a_visitor_who_sorts_by_date_downloads_the_date_order(make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, browser: Any) -> None:
    # Pagefind keeps the date order in the metadata every first query downloads (64 KB on a county
    # platform); the merged index keeps it beside, for the search page to load when it is asked for.
    out = built(family_site(make_site), tmp_path / "out", 12, monkeypatch)
    (meta,) = (out / "pagefind").glob("pagefind.*.pf_meta")
    assert _decoded(meta)[4] == []
    assert read_meta(out / "pagefind")[1][4] == [["date", list(range(len(BODIES)))]]  # read back from beside it
    dated = {f"工作动态第{n + 1}期": f"{2023 + n % 2}-05-{n + 1:02d}" for n, body in enumerate(BODIES) if "村民" in body}
    fetched: list[str] = []
    with serve(out) as url:
        page = searched(browser, url, "村民", fetched)
        assert not [u for u in fetched if "gongkai-sorts" in u]
        relevance = [li.inner_text().split("\n")[0] for li in page.query_selector_all("#search-results > li")]
        page.select_option("#sort", "date")
        page.wait_for_function("() => document.querySelectorAll('#search-results > li').length && !document.getElementById('search-status').textContent.startsWith('正在')")
        page.wait_for_timeout(300)
        newest = [li.inner_text().split("\n")[0] for li in page.query_selector_all("#search-results > li")]
        assert [u for u in fetched if "gongkai-sorts" in u], "sorting by date loads the order"
        page.close()
        # When the order cannot be loaded, the results still come, in Pagefind's order.
        page = browser.new_page()
        page.route("**/gongkai-sorts.*", lambda route: route.abort())
        page.goto(f"{url}search/index.html?q={quote('村民')}")
        page.wait_for_function(DONE, timeout=20000)
        page.select_option("#sort", "date")
        page.wait_for_function("() => document.getElementById('search-status').textContent.startsWith('找到')")
        assert len(page.query_selector_all("#search-results > li")) == 4
        page.close()
    assert sorted(relevance) == sorted(dated) and len(dated) == 4
    assert relevance != newest, "the relevance order is not already the date order"
    assert newest == sorted(dated, key=lambda title: dated[title], reverse=True), (newest, dated)


def test_a_word_the_browser_cuts_is_looked_up_whole(make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, browser: Any) -> None:
    # 专项 is one word to the index and two (专 项) to the browser, and common enough to sit alone
    # in its chunk: only a lookup of 专项 itself loads that chunk, so the page must keep Pagefind
    # from cutting its words again.
    # (Pages without 专项 keep it off most pages: a word on most of them is left out of a query.)
    bodies = ["专项检查工作专项部署，专项资金专项审计。", "专门会议研究专项整治。", "专家组开展专项督查，专项报告上报。", "专业人员参加专题培训。", "村民代表大会召开。", "镇政府发布通知。"]
    site = make_site({f"content/s{n}.md": item(f"title: 专题通报第{n + 1}期\ncatalogue: statutory/plans\ndisclosure: 主动公开\npublished: 2024-05-0{n + 1}", body) for n, body in enumerate(bodies)})
    out = built(site, tmp_path / "out", 12, monkeypatch)
    (alone,) = chunks_of_only(out / "pagefind", "专项")
    fetched: list[str] = []
    with serve(out) as url:
        status, links = outcome(browser, url, "专项 督查", fetched)
    assert any(u.endswith(f"index/{alone}.pf_index") for u in fetched), fetched
    assert status.startswith("找到 1 条") and links[0].endswith("items/s2.html"), (status, links)


def test_a_lone_character_of_longer_typed_text_is_looked_up_as_the_indexed_word_there(make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, browser: Any) -> None:
    # The browser cuts 高标准农田 into 高 标准 农田, the index into 高标 准 农田. Looked up as 高, the
    # character would find 高温 and 高度 too, and load the chunk of every page using 高: looked up as
    # the indexed word that starts there and lies within what was typed, it finds 高标准 alone.
    bodies = ["建设高标准农田，提升耕地质量。", "高温天气注意农田灌溉，水位较高。", "高度重视农田水利，标准从高。", "村级道路养护完成。", "村民代表大会召开。", "镇政府发布通知。", "防汛物资储备到位。"]
    site = make_site({f"content/g{n}.md": item(f"title: 农业通报第{n + 1}期\ncatalogue: statutory/plans\ndisclosure: 主动公开\npublished: 2024-05-0{n + 1}", body) for n, body in enumerate(bodies)})
    out = built(site, tmp_path / "out", 4, monkeypatch)
    alone = chunks_of_only(out / "pagefind", "高")
    assert alone, "高 is common enough here to sit in a chunk of its own"
    fetched: list[str] = []
    with serve(out) as url:
        status, links = outcome(browser, url, "高标准农田", fetched)
    assert status.startswith("找到 1 条") and links[0].endswith("items/g0.html"), (status, links)
    assert not any(u.endswith(f"index/{alone[0]}.pf_index") for u in fetched), fetched


def test_a_typed_word_the_index_cannot_match_finds_nothing_by_its_pieces(make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, browser: Any) -> None:
    # No page says 低保: looked up as the browser cuts it (低 保), 保 found every page of 保障 and
    # 保密 before its synonym 最低生活保障's pages, and 低保 资金 every page of 资金, all as if they held
    # both words. Only the synonym's pages are found, and a word held nowhere makes a partial list.
    bodies = ["落实最低生活保障资金。", "做好保密工作。", "社会保障卡发放。", "专项资金审计。", "村民代表大会召开。", "镇政府发布通知。"]
    site = make_site({f"content/d{n}.md": item(f"title: 民政通报第{n + 1}期\ncatalogue: statutory/plans\ndisclosure: 主动公开\npublished: 2024-05-0{n + 1}", body) for n, body in enumerate(bodies)})
    out = built(site, tmp_path / "out", 12, monkeypatch)
    with serve(out) as url:
        page = searched(browser, url, "低保", [])
        status, links = page.inner_text("#search-status"), [a.get_attribute("href") for a in page.query_selector_all("#search-results > li > a")]
        notes = page.inner_text("#search-results")
        page.close()
        assert status.startswith("找到 1 条") and links == ["/xxgk/items/d0.html"] and "按同义词查到" in notes, (status, links)
        page = searched(browser, url, "航天发射 资金", [])
        status, results = page.inner_text("#search-status"), page.inner_text("#search-results")
        page.close()
        assert status.startswith("没有同时包含全部词语的结果"), status
        assert "包含：资金" in results and "航天" not in results and "发射" not in results, results


def test_a_term_of_the_synonym_table_finds_only_the_pages_holding_all_its_words(make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, browser: Any) -> None:
    # 宅基地审批 is a term of the synonym table, and 审批 is on many pages (on the county bench, 48 %
    # of them): looked up by 宅基地 alone, as one tried, it found every page of 宅基地 (2,954 pages
    # against the 1,938 holding both words). Both words are looked up.
    bodies = ["农村宅基地审批办理流程。", "宅基地确权登记工作推进。", "建设项目审批结果公开。", "行政审批事项清单。", "村民代表大会召开。", "防汛物资储备到位。", "镇政府发布通知。", "秋季防火检查开展。", "农业技术培训举办。", "道路养护工程完工。"]
    site = make_site({f"content/z{n}.md": item(f"title: 自然资源通报第{n + 1}期\ncatalogue: statutory/plans\ndisclosure: 主动公开\npublished: 2024-05-{n + 1:02d}", body) for n, body in enumerate(bodies)})
    out = built(site, tmp_path / "out", 4, monkeypatch)
    with serve(out) as url:
        status, links = outcome(browser, url, "宅基地审批", [])
    assert status.startswith("找到 1 条") and links == ["/xxgk/items/z0.html"], (status, links)
