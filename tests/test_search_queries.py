"""What citizens type, on a small site built inline and searched through its own search box in
Chromium: several words with and without a page holding them all, compounds the index split,
government terms and their everyday names both ways, the true count after "more", the keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from generator import build_site
from tests.browser import chromium, serve
from tests.conftest import POLICY, item, write_site
from tests.test_search import DONE


def _page(key: str, title: str, body: str, extra: str = "") -> str:
    return item(f"title: {title}\nid: {key}\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-03-0{len(key) % 9 + 1}\n{extra}", body)


# A long body whose one mention of 秸秆 lies deep in it, with a break every few words.
LONG_BODY = "各单位开展巡查，" * 12 + "今年起推行秸秆综合利用补贴办法，由镇里登记。"
FILES: dict[str, str | bytes] = {
    "content/rules.md": POLICY,
    "content/p1.md": _page("p1", "关于下达2026年农村最低生活保障资金的通知", "农村最低生活保障资金按月发放到户。"),
    "content/p2.md": _page("p2", "低保对象名单公示", "本月新增低保对象三户。"),
    "content/p3.md": _page("p3", "农村公路养护安排", "全镇农村公路养护资金八十万元。"),
    "content/p4.md": _page("p4", "城乡居民基本医疗保险缴费通知", "2027年度城乡居民基本医疗保险开始缴费。"),
    "content/p5.md": _page("p5", "新农合报销指南", "新农合住院费用报销比例说明。", "validity: 废止\nvalidity_date: 2020-01-01"),
    "content/p6.md": _page("p6", "危房改造补助发放公示", "本年度危房改造补助已发放到户。"),
    "content/p7.md": _page("p7", "秋冬季工作安排", LONG_BODY),
    "content/_search.yml": "synonyms:\n  - [农村公路, 村道]\n",
}
for n in range(15):
    FILES[f"content/w{n:02d}.md"] = _page(f"w{n:02d}", f"小型水利工程建设进度第{n + 1}期", f"第{n + 1}期水利工程建设情况通报。")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as opened:
        yield opened


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = write_site(tmp_path_factory.mktemp("queries"), FILES)
    out = build_site(site).out_dir
    with serve(out) as address:
        yield address


def search(browser: Any, url: str, query: str) -> tuple[str, list[str]]:
    page = browser.new_page()
    page.goto(f"{url}search/index.html?q={quote(query)}")
    page.wait_for_function(DONE, timeout=20000)
    found = page.inner_text("#search-status"), [li.inner_text() for li in page.query_selector_all("#search-results > li")]
    page.close()
    return found


def titles(results: list[str]) -> list[str]:
    return [r.split("\n")[0].strip() for r in results]


def test_several_words_without_a_page_holding_all_of_them(browser: Any, url: str) -> None:
    status, results = search(browser, url, "农村 养护 报销")
    assert status.startswith("没有同时包含全部词语的结果，以下结果包含其中部分词语。找到"), status
    assert set(titles(results)[:2]) == {"农村公路养护安排", "新农合报销指南 废止"}
    assert "包含：农村、养护" in results[titles(results).index("农村公路养护安排")]


def test_a_compound_is_searched_as_its_parts(browser: Any, url: str) -> None:
    status, results = search(browser, url, "公路资金")
    assert status.startswith("找到"), status
    assert titles(results)[0] == "农村公路养护安排"


def test_quoted_phrases_stay_exact(browser: Any, url: str) -> None:
    status, results = search(browser, url, '"农村资金"')
    assert status.startswith("没有找到") and results == []


def test_everyday_word_finds_the_formal_term(browser: Any, url: str) -> None:
    # 低保 is written 最低生活保障 in the notice: the typed word's page first, then the synonym's.
    status, results = search(browser, url, "低保")
    assert status.startswith("找到"), status
    assert titles(results)[:2] == ["低保对象名单公示", "关于下达2026年农村最低生活保障资金的通知"]
    assert "按同义词查到（低保 → 最低生活保障）" in results[1]
    status, results = search(browser, url, "农村 低保 资金")
    assert status.startswith("找到"), status
    assert titles(results)[0] == "关于下达2026年农村最低生活保障资金的通知"


def test_a_term_holding_its_synonym_is_also_searched_as_the_synonym(browser: Any, url: str) -> None:
    # 农村危房改造 holds 危房改造, the other word of its group: the page that says only 危房改造 is
    # still found by the synonym, not left to the some-of-the-words fallback.
    status, results = search(browser, url, "农村危房改造 补助")
    assert status.startswith("找到"), status
    assert titles(results)[0] == "危房改造补助发放公示"
    assert "按同义词查到（农村危房改造 → 危房改造）" in results[0]


def test_formal_term_finds_the_everyday_word(browser: Any, url: str) -> None:
    _, results = search(browser, url, "城乡居民基本医疗保险")
    assert titles(results)[0] == "城乡居民基本医疗保险缴费通知"
    assert "新农合报销指南 废止" in titles(results)  # 新农合, its older name
    # The site's own group, from content/_search.yml.
    _, results = search(browser, url, "村道")
    assert titles(results)[0] == "农村公路养护安排"


def test_result_shows_validity_and_an_excerpt_from_a_word_boundary(browser: Any, url: str) -> None:
    _, results = search(browser, url, "新农合")
    first = results[0].split("\n")
    assert first[0].strip() == "新农合报销指南 废止"
    page = browser.new_page()
    page.goto(f"{url}search/index.html?q={quote('新农合')}")
    page.wait_for_function(DONE, timeout=20000)
    assert page.inner_text("#search-results > li .status") == "废止"
    page.close()
    # Deep in a long body the excerpt is cut by Pagefind mid-clause: it is shown from the next
    # break on, after "…", with the matched word marked.
    page = browser.new_page()
    page.goto(f"{url}search/index.html?q={quote('秸秆')}")
    page.wait_for_function(DONE, timeout=20000)
    excerpt = page.locator("#search-results > li .result-excerpt").first
    text = excerpt.inner_text()
    assert text.startswith("…") and "<mark>秸秆</mark>" in excerpt.inner_html(), text
    assert any(f"{mark}{text[1:6]}" in LONG_BODY for mark in "，。"), text  # it starts right after a break
    page.close()


def test_count_after_more_is_the_true_count(browser: Any, url: str) -> None:
    page = browser.new_page()
    page.goto(f"{url}search/index.html?q={quote('“水利工程”')}")
    page.wait_for_function(DONE, timeout=20000)
    assert page.locator("#search-results > li").count() == 10
    assert page.inner_text("#search-status") == "找到 10 条结果，可能还有更多，请点“显示更多结果”。"
    page.click("#search-more")
    page.wait_for_function("() => document.querySelectorAll('#search-results > li').length === 15")
    page.wait_for_function("() => !document.getElementById('search-more').disabled")
    assert page.inner_text("#search-status") == "找到 15 条结果。"
    page.close()


def test_sort_filters_and_more_by_keyboard(browser: Any, url: str) -> None:
    page = browser.new_page()
    page.goto(f"{url}search/index.html")
    page.wait_for_selector("#search-filters:not([hidden])")
    page.focus("#q")
    page.keyboard.type("水利")
    page.keyboard.press("Tab")  # the 搜索 button
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "sort"
    page.keyboard.press("ArrowDown")  # 按发布日期
    page.wait_for_function(DONE, timeout=20000)
    assert page.eval_on_selector("#sort", "s => s.value") == "date"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    page.wait_for_selector("select[data-filter='有效性']")
    # Full-size controls: as tall as a line of text and more.
    heights = page.evaluate("() => ['#sort', '#search-more', '#search-filters summary', \"select[data-filter='有效性']\"].map(s => document.querySelector(s).getBoundingClientRect().height)")
    assert all(h >= 36 for h in heights), heights
    page.focus("#search-more")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#search-results > li').length === 15")
    page.close()


def test_more_is_disabled_while_its_page_of_results_loads(browser: Any, url: str) -> None:
    # A second press while a page of results loads would append that page twice (and its count).
    page = browser.new_page()
    page.goto(f"{url}search/index.html?q={quote('“水利工程”')}")
    page.wait_for_function(DONE, timeout=20000)
    held: list[Any] = []

    def hold(route: Any) -> None:
        held.append(route)  # the next results' fragments wait until let go

    page.route("**/*.pf_fragment", hold)
    page.click("#search-more")
    page.wait_for_function("() => document.getElementById('search-more').disabled")
    page.wait_for_timeout(200)
    assert held and page.locator("#search-results > li").count() == 10
    for route in held:
        route.continue_()
    page.unroute("**/*.pf_fragment", hold)
    page.wait_for_function("() => !document.getElementById('search-more').disabled")
    assert page.locator("#search-results > li").count() == 15 and page.inner_text("#search-status") == "找到 15 条结果。"
    page.close()
