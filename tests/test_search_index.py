"""The search stage's safeguards: the extended binary, a clean environment, the page count."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest

import generator.search.index as search_stage
from generator import build_site
from generator.search.index import SearchError, build_index, extended_binary

from .conftest import POLICY, item, tree_digest


def test_the_extended_binary_is_used() -> None:
    assert extended_binary().name.startswith("pagefind_extended")


def test_pagefind_variables_and_config_files_are_ignored(make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site({"content/rules.md": POLICY})
    monkeypatch.setenv("PAGEFIND_WRITE_PLAYGROUND", "true")
    monkeypatch.setenv("PAGEFIND_OUTPUT_SUBDIR", "elsewhere")
    monkeypatch.chdir(site)
    (site / "pagefind.yml").write_text("exclude_selectors: ['article']\nforce_language: en\n", encoding="utf-8")
    out = build_site(site).out_dir
    assert (out / "pagefind" / "pagefind.js").is_file()
    assert not (out / "pagefind" / "playground").exists() and not (out / "elsewhere").exists()
    assert '"zh-cn"' in (out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8")


def test_a_page_count_mismatch_stops_the_build(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text('<html lang="zh-CN"><body><article data-pagefind-body>公开信息</article></body></html>', encoding="utf-8")
    (tmp_path / "b.html").write_text('<html lang="zh-CN"><body><article data-pagefind-body>另一页</article></body></html>', encoding="utf-8")
    with pytest.raises(SearchError, match="收录了 2 个页面，应为 1 个"):
        build_index(tmp_path, 1)
    assert build_index(tmp_path, 2).pages == 2


def test_a_withdrawn_item_leaves_no_fragment(make_site: Callable[..., Path]) -> None:
    notice = item("title: 通知ZQWITHDRAWNQ\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2024-02-02", "正文ZQWITHDRAWNQ")
    site = make_site({"content/rules.md": POLICY, "content/notice.md": notice})
    build_site(site)
    assert len(list((site / "build/pagefind/fragment").glob("*"))) == 2
    (site / "content/notice.md").write_text(notice.replace("主动公开", "不予公开\nexempt_reason: process-info"), encoding="utf-8")
    build_site(site)
    assert len(list((site / "build/pagefind/fragment").glob("*"))) == 1
    for path in (site / "build").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            data = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
            assert b"ZQWITHDRAWNQ" not in data and b"zqwithdrawnq" not in data, path


def test_an_unreadable_index_stops_the_build_with_a_message_and_keeps_the_last_output(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site({"content/rules.md": POLICY})
    assert gongkai("build", str(site))[0] == 0
    before = tree_digest(site / "build")

    def unreadable(bundle: Path, jobs: int | None = None) -> int:
        raise ValueError(f"{next(bundle.glob('*.pf_meta')).name} is not a Pagefind file")

    monkeypatch.setattr(search_stage, "write_word_lists", unreadable)
    (site / "content/rules.md").write_text(POLICY.replace("正文第一段", "正文第二段"), encoding="utf-8")
    code, output = gongkai("build", str(site))
    assert code == 1 and "读取 Pagefind 生成的索引失败，无法生成搜索词表" in output and "Traceback" not in output
    assert tree_digest(site / "build") == before
