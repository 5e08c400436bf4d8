"""Search in a real browser: known-answer queries on the sample site served from a sub-path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from generator import build_site

from .browser import chromium, serve

# Null-safe: while a form submit navigates, the page being left has no status line.
DONE = "() => /^(找到|没有找到|没有同时|搜索暂时)/.test(document.getElementById('search-status')?.textContent || '')"

# (query, words of a title expected among the first five results)
QUERIES = [
    ("防汛", "防汛抗旱工作方案"),
    ("宅基地", "农村宅基地审批结果公示"),
    ("集体资产", "《青山镇农村集体资产管理办法》的通知"),
    ("低保", "城乡最低生活保障对象公示"),
    ("茶农", "茶产业技术培训班"),
    ("寒潮", "应对寒潮天气应急预警通知"),
    ("三公经费", "“三公”经费"),
    ("污水管网", "污水管网改造工程"),
    ("决算", "2025年财政决算公开"),
    ("高标准 农田", "高标准农田建设项目公示"),
    ("耕地保护田长", "耕地保护田长制"),
    ("土地征收补偿", "征收补偿"),
    ('"一事一议"', "一事一议筹资筹劳"),
    ("“村级财务管理”", "进一步加强村级财务管理的意见"),
    ("青政发〔2026〕4号", "村级公益事业一事一议筹资筹劳实施办法"),
    ("青政发[2019]7号", "实施办法（2019年）"),
    ("11341202003216789K/2025-00021", "进一步加强村级财务管理的意见"),
    ("总则", "《青山镇农村集体资产管理办法》的通知"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as opened:
        yield opened


@pytest.fixture(scope="module")
def site(sample_build: Path, browser: Any) -> Iterator[tuple[Any, str]]:
    with serve(sample_build) as url:
        page = browser.new_page()
        yield page, url


def search(page: Any, url: str, query: str) -> tuple[str, list[str]]:
    page.goto(f"{url}search/index.html?q={quote(query)}")
    page.wait_for_function(DONE, timeout=20000)
    return page.inner_text("#search-status"), [li.inner_text() for li in page.query_selector_all("#search-results > li")]


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_known_answer_queries(site: tuple[Any, str], query: str, expected: str) -> None:
    page, url = site
    status, results = search(page, url, query)
    assert status.startswith("找到"), status
    assert any(expected in r.split("\n")[0] for r in results[:5]), (query, [r.split("\n")[0] for r in results[:5]])


def test_id_queries_put_their_item_first(site: tuple[Any, str]) -> None:
    page, url = site
    for query, title in (("青政发〔2026〕4号", "青山镇村级公益事业一事一议筹资筹劳实施办法"), ("青政发[2019]7号", "（2019年）"), ("11341202003216789K/2025-00021", "村级财务管理的意见")):
        _, results = search(page, url, query)
        assert title in results[0] and "完全匹配" in results[0]
        first_lines = [r.split("\n")[0].replace("文号/索引号完全匹配", "") for r in results]
        assert first_lines.count(first_lines[0]) == 1, "the exact match is listed once"


def test_an_exact_id_can_also_be_searched_in_the_text(site: tuple[Any, str]) -> None:
    page, url = site
    search(page, url, "青政发〔2019〕7号")
    page.click("button.search-text")
    page.wait_for_function("() => !document.querySelector('button.search-text') && /^(找到|没有)/.test(document.getElementById('search-status').textContent)")
    titles = [li.inner_text().split("\n")[0] for li in page.query_selector_all("#search-results > li")]
    assert any(t == "青山镇村级公益事业一事一议筹资筹劳实施办法" for t in titles), titles


def test_a_result_shows_title_doc_no_date_column_and_a_marked_excerpt(site: tuple[Any, str]) -> None:
    page, url = site
    search(page, url, "集体资产")
    first = page.query_selector("#search-results > li")
    assert first is not None
    assert "青山镇农村集体资产管理办法》的通知" in first.query_selector("a").inner_text()
    assert first.query_selector(".result-meta").inner_text() == "青政发〔2026〕3号 · 发布日期 2026-04-10 · 政策文件"
    assert "<mark>集体</mark>" in first.query_selector(".result-excerpt").inner_html()


def test_attachment_matches_are_marked(site: tuple[Any, str]) -> None:
    page, url = site
    _, results = search(page, url, "总则")
    assert "匹配内容在附件中" in results[0]


def test_withheld_words_find_nothing(site: tuple[Any, str]) -> None:
    page, url = site
    # Words of withheld items' titles: no page holds them all, and no withheld page is listed
    # (public pages holding some of the words may be, under the partial-results line).
    for query, title in (("考核等次", "机关干部年度考核等次初步意见"), ("入户调查台账", "低保对象入户调查台账"), ("拆迁补偿协议汇总", "拆迁补偿协议汇总")):
        status, results = search(page, url, query)
        assert not status.startswith("找到"), query
        assert not [r for r in results if title in r], (query, results)


def test_filters_and_sort_without_a_query(site: tuple[Any, str]) -> None:
    page, url = site
    page.goto(f"{url}search/index.html")
    page.wait_for_selector("#search-filters:not([hidden])")
    page.click("#search-filters summary")
    page.wait_for_selector("select[data-filter='类型']")
    page.select_option("select[data-filter='类型']", "政策解读")
    page.wait_for_function("() => document.getElementById('search-status').textContent.startsWith('找到')")
    titles = [li.inner_text().split("\n")[0] for li in page.query_selector_all("#search-results > li")]
    assert len(titles) == 4 and all("解读" in t or "图解" in t for t in titles)
    page.select_option("#sort", "date")
    page.wait_for_function("() => document.querySelector('#search-results > li')")
    page.wait_for_timeout(300)
    dates = [d.split("发布日期 ")[1][:10] for d in (li.inner_text() for li in page.query_selector_all("#search-results > li")) if "发布日期 " in d]
    assert dates == sorted(dates, reverse=True) and len(dates) == 4
    year = page.query_selector("select[data-filter='年份']")
    assert year is not None and "2026" in year.inner_text()


def test_header_box_leads_to_results_with_the_keyboard(site: tuple[Any, str]) -> None:
    page, url = site
    page.goto(f"{url}statutory/policy-docs/index.html")
    page.focus("#site-search")
    page.keyboard.type("寒潮")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/index.html?q=*")
    page.wait_for_function(DONE)
    assert "q=%E5%AF%92%E6%BD%AE" in page.url or "q=寒潮" in page.url
    assert "寒潮" in page.inner_text("#search-results")
    assert page.get_attribute("#search-status", "role") == "status"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") in ("INPUT", "BUTTON", "SELECT", "A")


def test_query_parsing_keeps_phrases(site: tuple[Any, str]) -> None:
    page, url = site
    page.goto(f"{url}search/index.html")
    page.wait_for_selector("#search-filters:not([hidden])")
    parsed = page.evaluate("async () => (await import(new URL('../assets/search.js', location.href).href)).parse('\"村级 财务管理\" 乡村振兴 高标准')")
    # A quoted phrase must stand as written; unquoted text is its words, wherever they stand.
    assert parsed["phrases"] == ["村级财务管理"] and parsed["needles"][-1] == "村级财务管理"
    assert {"乡村", "振兴"} <= set(parsed["needles"]) and "乡村振兴" not in parsed["needles"] and "财务" not in parsed["needles"]
    assert {"乡村", "振兴", "财务", "管理"} <= set(parsed["terms"])


def test_search_without_a_bundle_says_so(tmp_path: Path, browser: Any) -> None:
    site_dir = tmp_path / "s"
    (site_dir / "content").mkdir(parents=True)
    (site_dir / "content/_site.yml").write_text("name: 空镇\nkind: township\n", encoding="utf-8")
    out = build_site(site_dir).out_dir
    assert not (out / "pagefind").exists()
    with serve(out) as url:
        page = browser.new_page()
        page.goto(f"{url}search/index.html?q=公开")
        page.wait_for_function(DONE)
        assert "搜索暂时无法使用" in page.inner_text("#search-status")


def test_id_buckets_agree_between_python_and_the_browser(site: tuple[Any, str]) -> None:
    from generator.search.ids import id_bucket, normalize_id

    page, url = site
    page.goto(f"{url}search/index.html")
    page.wait_for_selector("#search-filters:not([hidden])")
    keys = [normalize_id(k) for k in ("青政发〔2026〕4号", "11341202003216789K/2025-00021", "皖政办秘〔2021〕30号", "ABC/2020-00001")]
    buckets = page.evaluate("async (keys) => { const m = await import(new URL('../assets/search.js', location.href).href); return keys.map(m.bucket); }", keys)
    assert buckets == [id_bucket(k) for k in keys]


def test_a_quoted_phrase_opens_its_candidates_a_page_at_a_time(sample_build: Path, browser: Any) -> None:
    # Most public pages name the town's government as their issuer: more candidates than a page holds.
    with serve(sample_build) as url:
        page = browser.new_page()
        fragments: list[str] = []
        page.on("request", lambda request: fragments.append(request.url) if request.url.endswith(".pf_fragment") else None)
        status, results = search(page, url, "“青山镇人民政府”")
        assert status == "找到 10 条结果，可能还有更多，请点“显示更多结果”。" and len(results) == 10
        assert len(fragments) == 10, "only the candidates of the first page were opened"
        while page.is_visible("#search-more"):
            page.click("#search-more")
            page.wait_for_function("() => { const more = document.getElementById('search-more'); return !more.disabled && (!more.hidden || /^找到 \\d+ 条结果。$/.test(document.getElementById('search-status').textContent)); }")
        shown = page.query_selector_all("#search-results > li")
        assert page.inner_text("#search-status") == f"找到 {len(shown)} 条结果。" and len(shown) > 20
        page.close()
