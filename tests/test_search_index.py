"""The search stage's safeguards: the extended binary, a clean environment, the page count."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import generator.search.index as search_stage
from generator import build_site
from generator.search.index import SearchError, build_index, extended_binary
from generator.search.words import read_fragment

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
    assert (out / "pagefind" / "2024" / "pagefind.js").is_file()
    assert not list((out / "pagefind").rglob("playground")) and not (out / "elsewhere").exists()
    assert '"zh-cn"' in (out / "pagefind" / "2024" / "pagefind-entry.json").read_text(encoding="utf-8")


def test_a_page_the_index_leaves_out_stops_the_build(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text('<html lang="zh-CN"><body><article data-pagefind-body>公开信息</article></body></html>', encoding="utf-8")
    # Another page of the same shard that Pagefind would not index (no data-pagefind-body).
    (tmp_path / "b.html").write_text('<html lang="zh-CN"><body><article>另一页</article></body></html>', encoding="utf-8")
    day = dt.date(2024, 3, 1)
    with pytest.raises(SearchError, match="收录了 1 个页面，应为 2 个"):
        build_index(tmp_path, {"a.html": day, "b.html": day})
    shutil.rmtree(tmp_path / "pagefind")
    # Only the pages named are indexed, whatever else the folder holds.
    report = build_index(tmp_path, {"a.html": day})
    assert report.pages == 1 and sorted(p.name for p in (tmp_path / "pagefind").iterdir()) == ["2024", "gongkai-words", "shards.json"]


def test_a_withdrawn_item_leaves_no_fragment(make_site: Callable[..., Path]) -> None:
    notice = item("title: 通知ZQWITHDRAWNQ\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2024-02-02", "正文ZQWITHDRAWNQ")
    site = make_site({"content/rules.md": POLICY, "content/notice.md": notice})
    build_site(site)
    assert len(list((site / "build/pagefind").glob("*/fragment/*"))) == 2
    (site / "content/notice.md").write_text(notice.replace("主动公开", "不予公开\nexempt_reason: process-info"), encoding="utf-8")
    build_site(site)
    assert len(list((site / "build/pagefind").glob("*/fragment/*"))) == 1
    for path in (site / "build").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            data = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
            assert b"ZQWITHDRAWNQ" not in data and b"zqwithdrawnq" not in data, path


def test_an_unreadable_index_stops_the_build_with_a_message_and_keeps_the_last_output(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site({"content/rules.md": POLICY})
    assert gongkai("build", str(site))[0] == 0
    before = tree_digest(site / "build")

    def unreadable(bundle: Path) -> list[tuple[str, str]]:
        raise ValueError(f"{next(bundle.glob('*.pf_meta')).name} is not a Pagefind file")

    monkeypatch.setattr(search_stage, "read_chunks", unreadable)
    (site / "content/rules.md").write_text(POLICY.replace("正文第一段", "正文第二段"), encoding="utf-8")
    code, output = gongkai("build", str(site))
    assert code == 1 and "读取 Pagefind 生成的索引失败，无法生成搜索词表" in output and "Traceback" not in output
    assert tree_digest(site / "build") == before


# ---- shards: an edit re-indexes its own shard only, and a kept shard is trusted only whole --------


def _shard_site(make_site: Callable[..., Path]) -> Path:
    notice = item("title: 二〇二三年通知SHARDOLDQ\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2023-06-01", "去年的正文SHARDOLDQ。")
    return make_site({"content/rules.md": POLICY, "content/old.md": notice})


def _decoded_shards(build: Path) -> dict[str, list[tuple[str, str]]]:
    """Each shard's pages as the search page receives them (URL and text), whatever Pagefind's byte order."""
    shards = json.loads((build / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
    return {name: sorted((f["url"], f["content"]) for f in map(read_fragment, sorted((build / "pagefind" / name / "fragment").iterdir()))) for name in shards}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_edit_reindexes_only_its_own_shard(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = _shard_site(make_site)
    first = build_site(site)
    assert [s.unit.split("；")[1] for s in first.stages if s.name == "索引"] == ["2 个分片）"]
    old_shard = _files(site / "build/pagefind/2023")
    (site / "content/rules.md").write_text(POLICY.replace("正文第一段", "正文改为SHARDNEWQ"), encoding="utf-8")
    second = build_site(site)
    assert [s.unit.split("；")[1] for s in second.stages if s.name == "索引"] == ["2 个分片，1 个重建，其余沿用上次）"]
    # The 2023 shard is the kept one, byte for byte; the 2024 shard holds the edit.
    assert _files(site / "build/pagefind/2023") == old_shard
    incremental = _decoded_shards(site / "build")
    assert "SHARDNEWQ" in "".join(text for _, text in incremental["2024"])
    # The same as a cold build of the same content, decoded.
    shutil.rmtree(site / ".gongkai-cache")
    assert _decoded_shards(build_site(site, tmp_path / "cold").out_dir) == incremental


def test_a_damaged_or_foreign_kept_shard_is_indexed_afresh(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = _shard_site(make_site)
    build_site(site)
    expected = _decoded_shards(site / "build")
    kept = site / ".gongkai-cache/search"
    folders = sorted(p for p in kept.iterdir())
    assert len(folders) == 2
    # One kept shard has a fragment replaced by another text; the other's record is re-signed by
    # another machine's key.
    fragment = next((folders[0] / "bundle/fragment").iterdir())
    fragment.write_bytes(gzip.compress(b"pagefind_dcd" + json.dumps({"url": "/items/x.html", "content": "TAMPEREDQ", "word_count": 1, "filters": {}, "meta": {}, "anchors": []}).encode()))
    record = folders[1] / "record.bin"
    record.write_bytes(bytes(32) + record.read_bytes()[32:])
    for n, day in enumerate(("2024-03-02", "2024-03-03")):
        # A change elsewhere, so that the build runs (and could reuse both shards).
        (site / "content/rules.md").write_text(POLICY.replace("2024-03-01", day), encoding="utf-8")
        build_site(site)
        found = _decoded_shards(site / "build")
        assert "TAMPEREDQ" not in json.dumps(found, ensure_ascii=False)
        assert found["2023"] == expected["2023"], n


def test_a_kept_shard_with_a_file_added_is_indexed_afresh(make_site: Callable[..., Path]) -> None:
    site = _shard_site(make_site)
    build_site(site)
    old = next(p for p in (site / ".gongkai-cache/search").iterdir() if (p / "bundle/fragment").is_dir() and any("SHARDOLDQ" in read_fragment(f)["content"] for f in (p / "bundle/fragment").iterdir()))
    # A fragment (of a page the shard does not hold) slipped into the kept copy: the record no
    # longer describes the folder, so the shard is not reused.
    leftover = next((old / "bundle/fragment").iterdir())
    shutil.copyfile(leftover, leftover.with_name("zz-extra.pf_fragment"))
    (site / "content/rules.md").write_text(POLICY.replace("正文第一段", "正文第三段"), encoding="utf-8")
    stages = build_site(site).stages
    assert [s.unit.split("；")[1] for s in stages if s.name == "索引"] == ["2 个分片）"]
    assert sorted(p.name for p in (site / "build/pagefind/2023/fragment").iterdir()) == [leftover.name]
