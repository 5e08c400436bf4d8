"""The search stage's safeguards: the extended binary, a clean environment, the page count."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cbor2
import pytest

import generator.search.index as search_stage
from generator import build_site
from generator.search.index import SearchError, build_index, extended_binary
from generator.search.words import read_fragment

from .conftest import POLICY, item, tree_digest
from .pagefind_index import decode_index, shard_fragments


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
    assert not list((out / "pagefind").rglob("playground")) and not (out / "elsewhere").exists()
    assert '"zh-cn"' in (out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8")


def test_a_page_the_index_leaves_out_stops_the_build(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text('<html lang="zh-CN"><body><article data-pagefind-body>公开信息</article></body></html>', encoding="utf-8")
    # Another page of the same shard that Pagefind would not index (no data-pagefind-body).
    (tmp_path / "b.html").write_text('<html lang="zh-CN"><body><article>另一页</article></body></html>', encoding="utf-8")
    day = dt.date(2024, 3, 1)
    with pytest.raises(SearchError, match="收录了 1 个页面，应为 2 个"):
        build_index(tmp_path, {"a.html": day, "b.html": day})
    assert not (tmp_path / "pagefind").exists()  # nothing half-made is left
    # Only the pages named are indexed, whatever else the folder holds.
    report = build_index(tmp_path, {"a.html": day})
    assert report.pages == 1 and [p.name for p in (tmp_path / "pagefind/fragment").iterdir()] == ["2024"]
    assert [read_fragment(p)["url"] for p in (tmp_path / "pagefind/fragment/2024").iterdir()] == ["/a.html"]
    # The shards' own bundles and the linked pages Pagefind read are not published.
    assert sorted(p.name for p in (tmp_path / "pagefind").iterdir() if p.is_dir()) == ["filter", "fragment", "gongkai-text", "gongkai-words", "index"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_withdrawn_item_leaves_no_fragment(make_site: Callable[..., Path]) -> None:
    notice = item("title: 通知ZQWITHDRAWNQ\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2024-02-02", "正文ZQWITHDRAWNQ")
    site = make_site({"content/rules.md": POLICY, "content/notice.md": notice})
    build_site(site)
    assert len(list((site / "build/pagefind/fragment").glob("*/*"))) == 2
    (site / "content/notice.md").write_text(notice.replace("主动公开", "不予公开\nexempt_reason: process-info"), encoding="utf-8")
    build_site(site)
    assert len(list((site / "build/pagefind/fragment").glob("*/*"))) == 1
    for path in (site / "build").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            data = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
            assert b"ZQWITHDRAWNQ" not in data and b"zqwithdrawnq" not in data, path


def test_an_unreadable_index_stops_the_build_with_a_message_and_keeps_the_last_output(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site({"content/rules.md": POLICY})
    assert gongkai("build", str(site))[0] == 0
    before = tree_digest(site / "build")

    def unreadable(shards: object, target: Path, chunk_size: int) -> object:
        raise ValueError("pagefind.zh-cn_0.pf_meta 不是 Pagefind 文件")

    monkeypatch.setattr(search_stage, "merge", unreadable)
    (site / "content/rules.md").write_text(POLICY.replace("正文第一段", "正文第二段"), encoding="utf-8")
    code, output = gongkai("build", str(site))
    assert code == 1 and "读取 Pagefind 生成的索引失败，无法合并分片" in output and "Traceback" not in output
    assert tree_digest(site / "build") == before


# ---- shards: an edit re-indexes its own shard only, and a kept shard is trusted only whole --------


def _shard_site(make_site: Callable[..., Path]) -> Path:
    notice = item("title: 二〇二三年通知SHARDOLDQ\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2023-06-01", "去年的正文SHARDOLDQ。")
    return make_site({"content/rules.md": POLICY, "content/old.md": notice})


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_edit_reindexes_only_its_own_shard(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = _shard_site(make_site)
    first = build_site(site)
    assert [s.unit.split("；")[1] for s in first.stages if s.name == "索引"] == ["2 个分片）"]
    old_shard = _files(site / "build/pagefind/fragment/2023")
    (site / "content/rules.md").write_text(POLICY.replace("正文第一段", "正文改为SHARDNEWQ"), encoding="utf-8")
    second = build_site(site)
    assert [s.unit.split("；")[1] for s in second.stages if s.name == "索引"] == ["2 个分片，1 个重建（1 个页面重新收录），其余沿用上次）"]
    # The 2023 shard is the kept one, its pages byte for byte; the 2024 shard holds the edit.
    assert _files(site / "build/pagefind/fragment/2023") == old_shard
    incremental = decode_index(site / "build/pagefind")
    assert "SHARDNEWQ" in "".join(text for _, text in shard_fragments(site / "build/pagefind", "2024"))
    assert "shardnewq" in incremental["words"]
    # The same as a cold build of the same content, decoded.
    shutil.rmtree(site / ".gongkai-cache")
    assert decode_index(build_site(site, tmp_path / "cold").out_dir / "pagefind") == incremental


def test_how_a_shards_run_is_chunked_changes_no_published_byte(make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A run's chunks are only read back; the published index is chunked when the shards merge. So
    # a run in one chunk (as gongkai runs them) publishes what a run in many chunks does.
    site = make_site({"content/rules.md": POLICY, "content/old.md": _notice(1, "2023-06-0"), **{f"content/n{n}.md": _notice(n) for n in range(2, 6)}})
    chunks: list[int] = []
    index_shard = search_stage._index_shard

    def counted(binary: Path, pages: Path, expected: int, bundle: Path, env: dict[str, str], low: bool, cancel: Any = None) -> tuple[int, int, str]:
        found = index_shard(binary, pages, expected, bundle, env, low, cancel)
        chunks.append(len(list((bundle / "index").iterdir())))
        return found

    monkeypatch.setattr(search_stage, "_index_shard", counted)
    one = tree_digest(build_site(site, tmp_path / "one").out_dir / "pagefind")
    assert chunks and set(chunks) == {1}, chunks
    chunks.clear()
    monkeypatch.setattr(search_stage, "RUN_CHUNK_SIZE", 8)
    shutil.rmtree(site / ".gongkai-cache")
    many = tree_digest(build_site(site, tmp_path / "many").out_dir / "pagefind")
    assert min(chunks) > 1, chunks
    assert many == one


def _notice(n: int, day: str = "2024-05-0") -> str:
    return item(f"title: 二〇二四年第{n}号通知\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: {day}{n}", f"通知正文PAGEPART{n}Q，第{n}号。")


def _indexed(stages: object) -> list[str]:
    return [s.unit.split("；")[1] for s in stages if s.name == "索引"]  # type: ignore[attr-defined]


def _cold_pagefind(site: Path, tmp_path: Path, name: str) -> dict[str, str]:
    """The published index's files of a build of a copy of ``site`` without a cache."""
    copy = tmp_path / f"cold-{name}"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(".gongkai-cache", "build"))
    return tree_digest(build_site(copy).out_dir / "pagefind")


def test_an_edit_reindexes_only_the_pages_it_changed(make_site: Callable[..., Path], tmp_path: Path) -> None:
    # One shard (2024) of five pages: Pagefind reads again only the pages an edit changed, and the
    # published index is, byte for byte, the one a cold build writes.
    site = make_site({"content/rules.md": POLICY, **{f"content/n{n}.md": _notice(n) for n in range(1, 5)}})
    assert _indexed(build_site(site).stages) == ["1 个分片）"]
    edits = [
        ("body", "n2.md", lambda text: text.replace("通知正文", "通知正文改为PAGEEDITQ"), "1 个分片，1 个重建（1 个页面重新收录），其余沿用上次）"),
        ("withdrawn", "n3.md", lambda text: text.replace("主动公开", "不予公开\nexempt_reason: process-info"), "1 个分片，1 个重建（0 个页面重新收录），其余沿用上次）"),
        ("column", "n4.md", lambda text: text.replace("other/notices", "statutory/plans"), "1 个分片，1 个重建（1 个页面重新收录），其余沿用上次）"),
        ("date, same year", "n1.md", lambda text: text.replace("2024-05-01", "2024-12-31"), "1 个分片，1 个重建（1 个页面重新收录），其余沿用上次）"),
    ]
    for name, file, edit, unit in edits:
        path = site / "content" / file
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
        assert _indexed(build_site(site).stages) == [unit], name
        assert tree_digest(site / "build/pagefind") == _cold_pagefind(site, tmp_path, name.replace(" ", "-").replace(",", "")), name
    found = decode_index(site / "build/pagefind")
    assert "pageeditqpagepart2q" in found["words"] and "pagepart3q" not in found["words"]
    assert found["sorts"]["date"][0] == ["2024-03-01", "2024-05-02", "2024-05-04", "2024-12-31"]
    # A new page is read alone too.
    (site / "content/n5.md").write_text(_notice(5), encoding="utf-8")
    assert _indexed(build_site(site).stages) == ["1 个分片，1 个重建（1 个页面重新收录），其余沿用上次）"]
    assert tree_digest(site / "build/pagefind") == _cold_pagefind(site, tmp_path, "added")


def test_pages_whose_meta_fields_differ_from_their_shards_are_indexed_with_it(make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A meta field gongkai does not know (here doc_no, made unknown) is numbered after the known
    # ones by the fields of the run that indexed it: a page read alone would number it otherwise
    # than its shard's other pages, so the whole shard is read in one run.
    import generator.search.merge as merge_module

    monkeypatch.setattr(merge_module, "FIELDS", tuple(f for f in merge_module.FIELDS if f != "doc_no"))
    site = make_site({"content/rules.md": POLICY, "content/n1.md": _notice(1), "content/n2.md": _notice(2)})
    build_site(site)
    (site / "content/n1.md").write_text(_notice(1).replace("通知正文", "通知正文改为MIXEDQ"), encoding="utf-8")
    assert _indexed(build_site(site).stages) == ["1 个分片，1 个重建（4 个页面重新收录），其余沿用上次）"]
    assert tree_digest(site / "build/pagefind") == _cold_pagefind(site, tmp_path, "mixed")
    assert "mixedqpagepart1q" in decode_index(site / "build/pagefind")["words"]


def test_a_page_linked_into_place_unchanged_is_not_hashed_again_and_foreign_stamps_are_ignored(make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import marshal

    import generator.search.shards as shards_module

    site = make_site({"content/rules.md": POLICY, **{f"content/n{n}.md": _notice(n) for n in range(1, 4)}})
    build_site(site)
    hashed: list[str] = []
    original = shards_module.indexed_part

    def spy(html: bytes) -> bytes:
        hashed.append(html.decode("utf-8").split("<title>")[1].split("<")[0])
        return original(html)

    monkeypatch.setattr(shards_module, "indexed_part", spy)
    (site / "content/n2.md").write_text(_notice(2).replace("通知正文", "通知正文改为STAMPQ"), encoding="utf-8")
    build_site(site)
    # The edited page alone: from the site's files and again from its shard's links.
    assert hashed and all(title.startswith("二〇二四年第2号通知") for title in hashed)
    assert tree_digest(site / "build/pagefind") == _cold_pagefind(site, tmp_path, "stamped")
    # Stamps signed elsewhere, naming every page as it is now with another key: not trusted.
    stamps = site / ".gongkai-cache/search/page-stamps.bin"
    body = marshal.loads(stamps.read_bytes()[32:])
    stamps.write_bytes(bytes(32) + marshal.dumps({path: (*stamp[:3], "0" * 64) for path, stamp in body.items()}))
    hashed.clear()
    (site / "content/n3.md").write_text(_notice(3).replace("通知正文", "通知正文改为FOREIGNQ"), encoding="utf-8")
    build_site(site)
    assert len(hashed) > 4  # every page read again
    assert tree_digest(site / "build/pagefind") == _cold_pagefind(site, tmp_path, "foreign")


def test_a_damaged_or_foreign_kept_shard_is_indexed_afresh(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = _shard_site(make_site)
    build_site(site)
    expected = shard_fragments(site / "build/pagefind", "2023")
    kept = site / ".gongkai-cache/search"
    folders = sorted(p for p in kept.iterdir() if (p / "record.bin").exists())
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
        found = decode_index(site / "build/pagefind")
        assert "TAMPEREDQ" not in json.dumps(found, ensure_ascii=False) and "tamperedq" not in found["words"]
        assert shard_fragments(site / "build/pagefind", "2023") == expected, n


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
    # The one page left, under the start of its hash (the leftover is Pagefind's file of it).
    (published,) = (site / "build/pagefind/fragment/2023").iterdir()
    assert leftover.stem.removeprefix("zh-cn_").startswith(published.stem)


def test_a_kept_chunk_is_used_only_when_its_bytes_are_the_ones_the_merge_would_write(make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_stage, "CHUNK_SIZE", 12)  # many chunks, so that an edit leaves most alone
    monkeypatch.setattr(search_stage, "MIN_CHUNK", 12)
    site = _shard_site(make_site)
    build_site(site)
    chunks = site / ".gongkai-cache/search/merged-chunks"
    kept = sorted(chunks.glob("*.pf_index"))  # beside them, the record of their digests
    assert kept and sorted(p.name for p in kept) == sorted(p.name for p in (site / "build/pagefind/index").iterdir())
    # Every kept chunk is replaced, under its own name, by another index's bytes (a word of no page).
    forged = gzip.compress(b"pagefind_dcd" + cbor2.dumps([[["forgedchunkq", [[0, [1], []]], []]]]))
    for path in kept:
        path.write_bytes(forged)
    (site / "content/rules.md").write_text(POLICY.replace("2024-03-01", "2024-03-05"), encoding="utf-8")
    build_site(site)
    found = decode_index(site / "build/pagefind")
    assert "forgedchunkq" not in found["words"]
    # Unchanged chunks are the last build's files (linked), the changed ones are written anew.
    before = {p.name: p.stat().st_ino for p in (site / "build/pagefind/index").iterdir()}
    (site / "content/rules.md").write_text(POLICY.replace("2024-03-01", "2024-03-06"), encoding="utf-8")
    build_site(site)
    after = {p.name: p.stat().st_ino for p in (site / "build/pagefind/index").iterdir()}
    same = {name for name, inode in after.items() if before.get(name) == inode}
    assert same and same != set(after)
    found = decode_index(site / "build/pagefind")
    shutil.rmtree(site / ".gongkai-cache")
    assert decode_index(build_site(site, tmp_path / "cold").out_dir / "pagefind") == found


def test_a_kept_chunk_that_another_compressor_made_is_not_reused(make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # The same index content compressed by another zlib-ng gives other bytes than a cold build
    # would write: the compressor is part of each chunk's digest, so such a chunk is written anew.
    from generator.search import merge as merge_module

    monkeypatch.setattr(search_stage, "CHUNK_SIZE", 12)
    monkeypatch.setattr(search_stage, "MIN_CHUNK", 12)
    site = _shard_site(make_site)
    build_site(site)
    kept = {p.stat().st_ino for p in (site / ".gongkai-cache/search/merged-chunks").glob("*.pf_index")}
    (site / "content/rules.md").write_text(POLICY.replace("2024-03-01", "2024-03-05"), encoding="utf-8")
    monkeypatch.setattr(merge_module, "_COMPRESSOR", b"zlib-ng another version gzip level 6\n")
    build_site(site)
    written = {p.stat().st_ino for p in (site / "build/pagefind/index").iterdir()}
    assert kept and written and not kept & written


def test_a_kept_shard_made_by_other_search_code_is_indexed_afresh(make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # A kept shard holds what gongkai's own code made of Pagefind's output (its prepared index,
    # its word counts): code that reads it otherwise must not reuse it, even under one version.
    site = _shard_site(make_site)
    build_site(site)
    monkeypatch.setattr(search_stage, "DERIVED", "another-search-code")
    (site / "content/rules.md").write_text(POLICY.replace("正文第一段", "正文第四段"), encoding="utf-8")
    stages = build_site(site).stages
    assert [s.unit.split("；")[1] for s in stages if s.name == "索引"] == ["2 个分片）"]


def test_a_cancelled_index_stops_its_pagefind_run_and_writes_nothing(make_site: Callable[..., Path], tmp_path: Path) -> None:
    # The preview's background index, when the preview quits (Ctrl-C): Pagefind is stopped, not
    # waited for, and no bundle is left.
    site = make_site({"content/rules.md": POLICY})
    build_site(site, search=False)
    cancel = threading.Event()
    cancel.set()
    started: list[object] = []
    original = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> Any:
        started.append(process := original(*args, **kwargs))
        return process

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_stage.subprocess, "Popen", popen)
        with pytest.raises(SearchError, match="已取消"):
            build_index(site / "build", {"items/rules-2024.html": dt.date(2024, 3, 1)}, output=tmp_path / "bundle", cancel=cancel)
    assert started and all(process.returncode is not None for process in started)  # killed, not left running
    assert not (tmp_path / "bundle").exists()



def test_a_cancelled_index_stops_even_when_no_page_needs_pagefind(make_site: Callable[..., Path], tmp_path: Path) -> None:
    # After a withdrawal every page's part is kept: no Pagefind run is started, and the joining
    # and merging are the index's whole time.  The cancel must stop those too.
    site = make_site({"content/rules.md": POLICY, "content/n1.md": _notice(1), "content/n2.md": _notice(2)})
    build_site(site)
    cache = site / ".gongkai-cache/search"
    pages = {"items/rules-2024.html": dt.date(2024, 3, 1), "items/n1.html": dt.date(2024, 5, 1)}
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(SearchError, match="已取消"):
        build_index(site / "build", pages, output=tmp_path / "bundle", cache=cache, cancel=cancel)
    assert not (tmp_path / "bundle").exists()


def test_the_previews_index_runs_pagefind_at_low_priority_without_code_between_fork_and_exec(make_site: Callable[..., Path], tmp_path: Path) -> None:
    # The preview has threads: Python code run in the child before exec (a preexec_fn) may
    # deadlock on a lock another thread held at the fork, and then Ctrl-C waits on it for ever.
    site = make_site({"content/rules.md": POLICY})
    build_site(site, search=False)
    options: list[dict[str, Any]] = []
    original = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> Any:
        options.append(kwargs)
        return original(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_stage.subprocess, "Popen", popen)
        build_index(site / "build", {"items/rules-2024.html": dt.date(2024, 3, 1)}, output=tmp_path / "bundle")  # the preview's kind of run
    assert options and all(kwargs.get("preexec_fn") is None for kwargs in options)
    assert (tmp_path / "bundle" / "pagefind-entry.json").is_file()
    # What Pagefind runs at: a stand-in binary that reports its niceness, run as the preview runs it.
    probe = tmp_path / "niceness.sh"
    probe.write_text("#!/bin/sh\nnice\n", encoding="utf-8")
    probe.chmod(0o755)
    ours = int(subprocess.run(["nice"], capture_output=True, text=True, check=True).stdout)
    assert int(search_stage._pagefind(probe, site / "build", tmp_path / "probe", {}, True)) == min(ours + 10, 19)
    assert int(search_stage._pagefind(probe, site / "build", tmp_path / "probe", {}, False)) == ours
