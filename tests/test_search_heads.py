"""A result downloads the head of its page's fragment; the whole text only when it needs it
(generator/search/heads.py and the search page's open and whole)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from generator import build_site
from generator.search.heads import CUT_KEY, HEAD_WORDS
from generator.search.merge import TEXT_DIR
from generator.search.words import read_fragment

from .browser import chromium, serve
from .conftest import item
from .test_search import DONE

# A long page whose last sentence alone speaks of 湿地保护, and a short one.
LONG = "村民委员会召开会议，研究村级财务公开工作。" * 40 + "最后开展湿地保护宣传活动。"
SHORT = "镇政府组织防汛演练。"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def heads_site(make_site: Callable[..., Path]) -> Path:
    front = "catalogue: statutory/plans\ndisclosure: 主动公开\npublished: 2024-05-0"
    return make_site({"content/long.md": item(f"title: 财务公开通报\n{front}1", LONG), "content/short.md": item(f"title: 防汛通知\n{front}2", SHORT)})


def fragments(out: Path, folder: str) -> dict[str, tuple[dict[str, Any], bytes]]:
    """Each page's fragment in ``pagefind/<folder>``, by URL, read and as bytes."""
    found = {}
    for path in (out / "pagefind" / folder).rglob("*.pf_fragment"):
        fragment = read_fragment(path)
        found[fragment["url"]] = (fragment, path.read_bytes())
    return found


def test_the_published_fragment_is_the_pages_first_words_and_the_whole_one_lies_beside(make_site: Callable[..., Path]) -> None:
    out = build_site(heads_site(make_site)).out_dir
    heads, wholes = fragments(out, "fragment"), fragments(out, TEXT_DIR)
    assert set(heads) == set(wholes) == {"/items/long.html", "/items/short.html"}
    (head, _), (whole, _) = heads["/items/long.html"], wholes["/items/long.html"]
    words = whole["content"].split("\u200b")
    assert len(words) > HEAD_WORDS and CUT_KEY not in whole and "湿地" in whole["content"]
    assert head[CUT_KEY] == len(words) and head["content"].split("\u200b") == words[:HEAD_WORDS]
    assert "湿地" not in head["content"] and {k: v for k, v in head.items() if k not in ("content", CUT_KEY)} == {k: v for k, v in whole.items() if k != "content"}
    # A page no longer than a head is published whole, once under each name.
    assert heads["/items/short.html"][1] == wholes["/items/short.html"][1] and CUT_KEY not in heads["/items/short.html"][0]


def searched(browser: Any, url: str, query: str) -> tuple[str, str, list[str]]:
    """The status line, the first result's excerpt (HTML) and the URLs of whole texts requested."""
    fetched: list[str] = []
    page = browser.new_page()
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{url}search/index.html?q={quote(query)}")
    page.wait_for_function(DONE, timeout=20000)
    status, excerpt = page.inner_text("#search-status"), page.inner_html("#search-results > li .result-excerpt")
    page.close()
    return status, excerpt, [u for u in fetched if f"/{TEXT_DIR}/" in u]


def test_a_result_downloads_the_whole_text_only_when_its_words_lie_past_the_head(make_site: Callable[..., Path], browser: Any) -> None:
    out = build_site(heads_site(make_site)).out_dir
    with serve(out) as url:
        status, excerpt, texts = searched(browser, url, "财务公开")
        assert status.startswith("找到 1 条") and "<mark>" in excerpt and texts == [], (status, excerpt, texts)
        # 湿地 lies past the head: the excerpt comes from the whole text, around the word.
        status, excerpt, texts = searched(browser, url, "湿地保护")
        assert status.startswith("找到 1 条") and len(texts) == 1, (status, texts)
        assert "<mark>湿地</mark>" in excerpt and "最后开展" in excerpt, excerpt
        # A quoted phrase is checked against the text: the head holds this one, the whole text the other.
        assert searched(browser, url, "\u201c财务公开工作\u201d")[2] == []
        status, excerpt, texts = searched(browser, url, "\u201c湿地保护宣传\u201d")
        assert status.startswith("找到 1 条") and texts and "<mark>" in excerpt, (status, excerpt)
