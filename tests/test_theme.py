"""The default theme as visitors and inspectors meet it: reading aids, keyboard, identity, overrides."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import build_site

from .browser import chromium, serve
from .conftest import POLICY, REPO, item
from .test_accessibility import AXE_TAGS, PAGES

ELDER = json.dumps({"font": "2", "contrast": "high"})
SCREENSHOTS = REPO / ".screenshots"


@pytest.fixture(scope="module")
def sample(sample_build: Path) -> Path:
    return sample_build


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as opened:
        yield opened


@pytest.fixture(scope="module")
def url(sample: Path) -> Iterator[str]:
    with serve(sample) as served:
        yield served


def body_font_px(page: Any) -> float:
    return float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('.body') || document.querySelector('main')).fontSize)"))


def test_reading_toolbar_enlarges_text_and_remembers_it(browser: Any, url: str) -> None:
    page = browser.new_context().new_page()
    page.goto(url + "items/2026-collective-assets.html")
    normal = body_font_px(page)
    page.click(".reading-toolbar button[data-font='1']")
    larger = body_font_px(page)
    page.click(".reading-toolbar button[data-font='2']")
    largest = body_font_px(page)
    assert normal < larger < largest and largest >= 24  # 18 pt
    assert page.get_attribute(".reading-toolbar button[data-font='2']", "aria-pressed") == "true"
    assert float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('.body p')).lineHeight) / parseFloat(getComputedStyle(document.querySelector('.body p')).fontSize)")) >= 1.3
    page.click(".reading-toolbar button[data-contrast='high']")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    page.goto(url + "index.html")  # another page: the settings come along
    assert page.evaluate("document.documentElement.dataset.font") == "2"
    assert page.evaluate("document.documentElement.dataset.contrast") == "high"
    assert page.get_attribute(".reading-toolbar button[data-elder]", "aria-pressed") == "true"


def test_reading_toolbar_works_with_the_keyboard(browser: Any, url: str) -> None:
    page = browser.new_context().new_page()
    page.goto(url + "index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    for _ in range(4):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.contrast") == "high"
    page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.dataset.contrast") == "high"
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # 长者模式: the largest text and high contrast together
    assert page.evaluate("[document.documentElement.dataset.font, document.documentElement.dataset.contrast]") == ["2", "high"]
    assert page.get_attribute(".reading-toolbar button[data-elder]", "aria-pressed") == "true"
    page.keyboard.press("Space")
    assert page.evaluate("document.documentElement.dataset.font || ''") == ""


def test_keyboard_reaches_every_link_and_control(browser: Any, url: str) -> None:
    page = browser.new_context().new_page()
    page.goto(url + "index.html")
    focusable = page.evaluate("""() => [...document.querySelectorAll('a[href], button, input, select')]
        .filter(e => !e.closest('[hidden]') && e.getClientRects().length).length""")
    reached = set()
    for _ in range(focusable + 5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            continue  # focus wrapped past the last control
        reached.add(page.evaluate("[...document.querySelectorAll('*')].indexOf(document.activeElement)"))
        # Focus is always visible: the theme's outline on :focus-visible.
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    assert len(reached) == focusable


@pytest.mark.parametrize("path", PAGES)
def test_axe_in_elder_mode(browser: Any, url: str, path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context()
    context.add_init_script(f"localStorage.setItem('gongkai-reading', {json.dumps(ELDER)})")
    page = context.new_page()
    page.goto(url + path)
    if path.startswith("search/"):
        page.wait_for_function("() => /^(找到|没有)/.test(document.getElementById('search-status').textContent)")
    assert page.evaluate("document.documentElement.dataset.contrast") == "high"
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result.response["violations"]] == []
    context.close()


def test_without_javascript_the_page_is_whole(browser: Any, url: str) -> None:
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(url + "items/2026-collective-assets.html")
    assert not page.is_visible(".reading-toolbar")
    assert "各村（社区）党组织" in page.inner_text("main") and page.is_visible("table.metadata")


def test_screenshots_for_a_person_to_look_at(browser: Any, url: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    for width, height in ((375, 812), (1280, 900)):
        page = browser.new_context(viewport={"width": width, "height": height}).new_page()
        for name, path in (("home", "index.html"), ("item", "items/2026-collective-assets.html")):
            page.goto(url + path)
            target = SCREENSHOTS / f"{name}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000
            # Nothing wider than the screen: no sideways scrolling on a phone.
            assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_identity_meta_tags_and_structure(sample: Path) -> None:
    page = (sample / "items/2026-collective-assets.html").read_text(encoding="utf-8")
    for name in ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnType", "ArticleTitle", "PubDate", "ContentSource", "Keywords"):
        assert f'<meta name="{name}" content="' in page, name
    assert '<meta name="PubDate" content="2026-04-10 00:00">' in page
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    for html in sample.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert text.count("<h1") == 1, html
        assert '<main id="main">' in text and 'href="#main"' in text
    footer = (sample / "index.html").read_text(encoding="utf-8").split("<footer", 1)[1]
    for label in ("主办单位", "承办单位", "网站标识码", "ICP备案号", "公网安备"):
        assert label in footer


def test_item_page_weight(sample: Path) -> None:
    page = sample / "items/2026-collective-assets.html"
    assets = [sample / "assets/style.css", sample / "assets/reading.js"]
    total = page.stat().st_size + sum(a.stat().st_size for a in assets)
    assert total < 60 * 1024, total


def test_a_site_theme_overrides_files_one_by_one(make_site: Callable[..., Path]) -> None:
    custom_item = "{% extends 'base.html' %}{% block main %}<h1>{{ entry.item.title }}</h1><p class=\"county\">县级定制模板</p>{% endblock %}"
    site = make_site(
        {
            "content/_site.yml": "name: 测试镇人民政府\nkind: township\ntheme: county\n",
            "content/rules.md": POLICY,
            "content/n.md": item("title: 通知\ncatalogue: other/notices\ndisclosure: active\npublished: 2024-02-02"),
            "themes/county/templates/item.html": custom_item,
            "themes/county/static/style.css": "body { color: #000; }\n",
        }
    )
    out = build_site(site, search=False).out_dir
    assert "县级定制模板" in (out / "items/n.html").read_text(encoding="utf-8")
    assert "县级定制模板" not in (out / "index.html").read_text(encoding="utf-8")  # other templates are the default's
    assert (out / "assets/style.css").read_text(encoding="utf-8") == "body { color: #000; }\n"
    assert (out / "assets/reading.js").is_file()  # static files not overridden still come from the default
    assert re.search(r'<nav class="catalogue-nav"', (out / "index.html").read_text(encoding="utf-8"))


def test_paginated_column_passes_axe(browser: Any, make_site: Callable[..., Path]) -> None:
    from axe_playwright_python.sync_playwright import Axe

    files: dict[str, str | bytes] = {
        f"content/n/{i:02d}.md": item(f"title: 通知{i:02d}\ncatalogue: other/notices\ndisclosure: active\npublished: 2024-01-{(i % 28) + 1:02d}") for i in range(45)
    }
    out = build_site(make_site(files), search=False).out_dir
    with serve(out) as served:
        for mode in ("", ELDER):
            context = browser.new_context()
            if mode:
                context.add_init_script(f"localStorage.setItem('gongkai-reading', {json.dumps(mode)})")
            page = context.new_page()
            page.goto(served + "other/notices/page-2.html")
            assert page.is_visible("nav.pagination")
            result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
            assert [v["id"] for v in result.response["violations"]] == []
            context.close()


def test_narrowest_phones_and_print(browser: Any, url: str) -> None:
    page = browser.new_context(viewport={"width": 320, "height": 640}).new_page()
    for path in ("index.html", "items/2026-collective-assets.html", "search/index.html", "statutory/policy-docs/index.html"):
        page.goto(url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    page.goto(url + "items/2026-collective-assets.html")
    page.emulate_media(media="print")
    for hidden in (".site-header", ".catalogue-nav", ".site-footer", ".reading-toolbar", ".breadcrumbs"):
        assert not page.is_visible(hidden), hidden
    assert page.is_visible("table.metadata") and page.is_visible(".body")


def test_no_external_fonts_scripts_or_trackers(sample: Path) -> None:
    for html in sample.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for tag, url in re.findall(r"<(link|script|img|iframe|source)\b[^>]*?(?:href|src)=\"([^\"]*)\"", text):
            assert not re.match(r"(https?:)?//", url), f"{html}: <{tag}> {url}"
    css = (sample / "assets/style.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(http" not in css and "@font-face" not in css
