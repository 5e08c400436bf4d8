"""End to end: the sample site and small inline sites, built into tmp_path and read as a visitor would."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import build_site, check_site
from generator.freshness import scan_site

from .conftest import POLICY, REPO, item, tree_digest


@pytest.fixture(scope="module")
def sample(sample_build: Path) -> Path:
    return sample_build


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def page_of(build: Path, title_part: str) -> Path:
    """The item page whose title contains ``title_part``."""
    for page in sorted((build / "items").glob("*.html")):
        text = read(page)
        if re.search(r"<h1>[^<]*" + re.escape(title_part), text):
            return page
    raise AssertionError(f"no item page titled {title_part}")


def test_sample_site_checks_clean_and_is_complete(sample: Path) -> None:
    result = check_site(REPO)
    assert result.ok, [p.format() for p in result.problems]
    data = json.loads(read(sample / "catalogue.json"))
    assert data["count"] >= 60
    columns = {entry["catalogue"] for entry in data["items"]}
    assert len(columns) >= 15
    assert {"主动公开"} == {entry["disclosure"] for entry in data["items"]}
    for page in ("index.html", "404.html", "policies/index.html", "policies/valid.html", "guide/index.html", "apply/index.html", "annual-report/index.html", "sitemap.xml", "feed.xml", "catalogue.csv", "assets/style.css"):
        assert (sample / page).is_file(), page
    withheld = [i for i in result.items if not i.is_public]
    assert len(withheld) >= 4
    # gongkai's control files (the 索引号 ledger names withheld items' files) are never published.
    assert not [p for p in sample.rglob("*") if p.name in ("_index_numbers.txt", "_site.yml", "_catalogue.yml")]
    for entry in withheld:
        assert not (sample / "items" / f"{entry.key}.html").exists()


def test_home_has_catalogue_tree_latest_items_and_entries(sample: Path) -> None:
    home = read(sample / "index.html")
    assert "宜城市青山镇人民政府" in home
    assert "信息公开目录" in home and "最新信息" in home
    for entry in ("政府信息公开指南", "依申请公开", "政府信息公开年报"):
        assert f">{entry}</a>" in home
    assert re.search(r"政策文件</a> <span class=\"count\">（\d+）", home)
    assert "行政事业性收费</a> <span class=\"count\">（不涉及）" in home


def test_column_pages_list_newest_first_and_say_when_empty_or_not_applicable(sample: Path) -> None:
    policy = read(sample / "statutory/policy-docs/index.html")
    dates = re.findall(r'<td class="date" data-label="发布日期">(\d{4}-\d{2}-\d{2})</td>', policy)
    assert len(dates) >= 6 and dates == sorted(dates, reverse=True)
    assert "青政发〔2026〕3号" in policy and "11341202003216789K/" in policy
    fees = read(sample / "statutory/fees/index.html")
    assert "不涉及" in fees and "本镇无行政事业性收费项目。" in fees
    empty = read(sample / "statutory/public-security/index.html") if (sample / "statutory/public-security").exists() else None
    assert empty is None  # a county-only column does not exist on a township site


def test_item_page_has_metadata_block_attachments_and_mark(sample: Path) -> None:
    page = read(page_of(sample, "关于印发《青山镇农村集体资产管理办法》"))
    for label in ("索引号", "主题分类", "发布机构", "成文日期", "文号", "发布日期", "有效性", "公开属性"):
        assert f'<th scope="row">{label}</th>' in page
    assert "青政发〔2026〕3号" in page and "2026-04-08" in page
    assert re.search(r'<a href="\.\./files/2026-collective-assets/jitizichan-banfa\.pdf" download>青山镇农村集体资产管理办法（全文）（PDF，\d+ KB）</a>', page)
    assert "（此件公开发布）" in page
    assert "相关解读" in page
    related = page.split("相关解读", 1)[1]
    assert "《青山镇农村集体资产管理办法》解读" in related and "文字" in related and "图解" in related
    assert (sample / "files/2026-collective-assets/jitizichan-banfa.pdf").read_bytes().startswith(b"%PDF")


def test_interpretation_links_both_ways(sample: Path) -> None:
    interpretation = read(page_of(sample, "《青山镇农村集体资产管理办法》解读"))
    section = interpretation.split("解读的文件", 1)[1].split("</section>", 1)[0]
    assert 'href="2026-collective-assets.html"' in section and "青政发〔2026〕3号" in section
    doc = read(sample / "items/2026-collective-assets.html")
    assert "《青山镇农村集体资产管理办法》解读" in doc.split("相关解读", 1)[1]


def test_repealed_document_has_banner_and_link_to_replacement(sample: Path) -> None:
    old = read(page_of(sample, "一事一议筹资筹劳实施办法（2019年）"))
    banner = old.split('class="banner', 1)[1].split("</div>", 1)[0]
    assert "本文件已于2026年4月1日废止" in banner
    assert 'href="2026-yishiyiyi.html"' in banner and "青政发〔2026〕4号" in banner
    new = read(sample / "items/2026-yishiyiyi.html")
    assert "本文件替代" in new and "青政发〔2019〕7号" in new
    policies = read(sample / "policies/index.html")
    valid = read(sample / "policies/valid.html")
    assert "青政发〔2019〕7号" in policies and "青政发〔2019〕7号" not in valid
    assert "青政发〔2026〕4号" in valid


def test_exports_have_the_contract_fields(sample: Path) -> None:
    data = json.loads(read(sample / "catalogue.json"))
    required = {"id", "url", "title", "catalogue", "disclosure", "index_no", "doc_no", "issuer", "written", "published", "validity", "interprets", "interpretations"}
    for entry in data["items"]:
        assert required <= set(entry)
        assert (sample / entry["url"]).is_file()
    doc = next(e for e in data["items"] if e["id"] == "2026-collective-assets")
    assert len(doc["interpretations"]) == 2
    raw = (sample / "catalogue.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert rows[0][:4] == ["标识", "网址", "标题", "目录分类"] and len(rows) == len(data["items"]) + 1
    sitemap = read(sample / "sitemap.xml")
    assert "<loc>https://www.example.gov.cn/qingshan/xxgk/items/2026-collective-assets.html</loc>" in sitemap
    assert "404.html" not in sitemap
    feed = read(sample / "feed.xml")
    assert feed.count("<entry>") == min(50, len(data["items"])) and 'xml:base="https://www.example.gov.cn/qingshan/xxgk/"' in feed


def test_all_links_are_relative(sample: Path) -> None:
    for page in sample.rglob("*.html"):
        text = read(page)
        bases = re.findall(r'<base href="([^"]*)">', text)
        # Only the 404 page, served at any depth, carries the site's absolute base (when base_url is set).
        assert bases == (["https://www.example.gov.cn/qingshan/xxgk/"] if page.name == "404.html" else [])
        for target in re.findall(r'<(?!base)[^>]*(?:href|src)="([^"]*)"', text):
            assert not target.startswith("/"), f"{page}: {target}"
            assert not target.startswith(("http://www.example.gov.cn", "https://www.example.gov.cn")), f"{page}: {target}"


def test_pagination_twenty_per_page(make_site: Callable[..., Path]) -> None:
    files: dict[str, str | bytes] = {
        f"content/n/{i:02d}.md": item(f"title: 通知{i:02d}\ncatalogue: other/notices\ndisclosure: active\npublished: 2024-01-{(i % 28) + 1:02d}") for i in range(45)
    }
    site = make_site(files)
    result = build_site(site)
    base = result.out_dir / "other/notices"
    pages = sorted(p.name for p in base.glob("*.html"))
    assert pages == ["index.html", "page-2.html", "page-3.html"]
    first, third = read(base / "index.html"), read(base / "page-3.html")
    assert first.count("<tr>") == 21 and third.count("<tr>") == 6
    assert 'href="page-2.html" rel="next"' in first and 'href="page-2.html" rel="prev"' in third
    assert "共 45 条" in first


def test_build_is_deterministic_and_urls_survive_moving_files(make_site: Callable[..., Path]) -> None:
    files: dict[str, str | bytes] = {
        "content/a/rules.md": POLICY,
        "content/a/通知.md": item("title: 通知\ncatalogue: other/notices\ndisclosure: active\npublished: 2024-02-02", "见[办法](rules.md)"),
    }
    site = make_site(files)
    first = tree_digest(build_site(site, site / "one").out_dir)
    shutil.rmtree(site / ".gongkai-cache")  # a second cold build, not one reusing the first's search shards
    second = tree_digest(build_site(site, site / "two").out_dir)
    # Byte for byte, the search index too: Pagefind writes a shard's filters in an arbitrary order
    # (upstream issue #638), but the merged index puts them in order.
    assert first == second
    assert any(p.startswith("pagefind/fragment/2024/") for p in first) and any(p.startswith("pagefind/filter/") for p in first)
    (site / "content/b").mkdir()
    shutil.move(site / "content/a/通知.md", site / "content/b/通知.md")
    (site / "content/b/通知.md").write_text(read(site / "content/b/通知.md").replace("(rules.md)", "(../a/rules.md)"), encoding="utf-8")
    moved = tree_digest(build_site(site, site / "three").out_dir)
    assert sorted(p for p in moved if p.startswith("items/")) == sorted(p for p in first if p.startswith("items/"))


def test_withdrawn_item_disappears_on_rebuild(make_site: Callable[..., Path]) -> None:
    notice = item("title: 通知\ncatalogue: other/notices\ndisclosure: active\npublished: 2024-02-02\nattachments: [t.txt]")
    site = make_site({"content/rules.md": POLICY, "content/notice.md": notice, "content/t.txt": "附件"})
    build_site(site)
    assert (site / "build/items/notice.html").is_file() and (site / "build/files/notice/t.txt").is_file()
    (site / "content/notice.md").write_text(notice.replace("disclosure: active", "disclosure: 不予公开\nexempt_reason: process-info"), encoding="utf-8")
    build_site(site)
    assert not (site / "build/items/notice.html").exists()
    assert not (site / "build/files").exists()
    assert not list(site.glob(".build.*")), "temporary folders left behind"


def test_refuses_to_replace_a_folder_that_is_not_a_build(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    site = make_site({"content/rules.md": POLICY, "other/keep.txt": "important"})
    code, output = gongkai("build", str(site), "--out", str(site / "other"))
    assert code == 2 and "不是空的" in output
    assert read(site / "other/keep.txt") == "important"


def test_body_is_safe_and_indented_text_stays_a_paragraph(make_site: Callable[..., Path]) -> None:
    body = "    首行用四个空格缩进的段落。\n\n<script>alert(1)</script>\n\n<!-- 隐藏的批注 -->\n\n[点我](javascript:alert(1))\n\n# 一级标题\n\n|项目|金额|\n|-|-|\n|预算|100|"
    site = make_site({"content/a.md": item("title: 甲\ncatalogue: other/notices\ndisclosure: active\npublished: 2024-02-02", body)})
    page = read(build_site(site).out_dir / "items/a.html")
    rendered = page.split('<div class="body">', 1)[1].split("</div>", 1)[0]
    assert "<p>首行用四个空格缩进的段落。</p>" in rendered and "<pre>" not in rendered
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    assert "<!--" not in page
    assert 'href="javascript' not in page
    assert page.count("<h1>") == 1 and "<h2>一级标题</h2>" in page
    started_at_two = build_site(make_site({"content/b.md": item("title: 乙\ncatalogue: other/notices\ndisclosure: active\npublished: 2024-02-02", "## 一、总体情况\n\n### （一）主动公开\n\n正文")})).out_dir
    second = read(started_at_two / "items/b.html")
    assert "<h2>一、总体情况</h2>" in second and "<h3>（一）主动公开</h3>" in second
    assert '<th scope="col">项目</th>' in page
    assert "<table>\n<caption>甲（表1）</caption>" in page
    named = item("title: 乙\ncatalogue: other/notices\ndisclosure: active\npublished: 2024-02-02", "表1：2026年收支预算\n\n|项目|金额|\n|-|-|\n|收入|1|")
    second = read(build_site(make_site({"content/b.md": named})).out_dir / "items/b.html")
    assert "<caption>表1：2026年收支预算</caption>" in second and "<p>表1：" not in second


def test_no_change_rebuild_keeps_output_and_any_change_rebuilds(make_site: Callable[..., Path]) -> None:
    notice = item("title: 通知\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2024-02-02", "正文" * 20)
    site = make_site({"content/rules.md": POLICY, "content/notice.md": notice})
    first = build_site(site)
    assert not first.up_to_date and first.public_items == 2
    before = tree_digest(site / "build")
    again = build_site(site)
    assert again.up_to_date and again.pages == first.pages and again.public_items == 2
    assert tree_digest(site / "build") == before
    # Same size, same modification time: only the content hash can tell this edit apart.
    path = site / "content/notice.md"
    original = path.read_bytes()
    stat = path.stat()
    withdrawn_text = item("title: 通知\ncatalogue: other/notices\ndisclosure: 不予公开\nexempt_reason: internal-affairs", "")
    padding = len(original) - len(withdrawn_text.encode("utf-8"))
    assert padding >= 0
    path.write_bytes(withdrawn_text.encode("utf-8") + b"x" * padding)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    withdrawn = build_site(site)
    assert not withdrawn.up_to_date and withdrawn.public_items == 1
    assert not (site / "build/items/notice.html").exists()
    assert build_site(site).up_to_date
    # A settings change (here the site's name) means a full build.
    settings = site / "content/_site.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("测试镇", "改名镇"), encoding="utf-8")
    renamed = build_site(site)
    assert not renamed.up_to_date and "改名镇" in read(site / "build/index.html")
    # Tampering with the output (a changed or an extra file) is noticed and repaired.
    index = site / "build/index.html"
    index.write_text("defaced", encoding="utf-8")
    (site / "build/extra.html").write_text("x", encoding="utf-8")
    repaired = build_site(site)
    assert not repaired.up_to_date
    assert "defaced" not in read(index) and not (site / "build/extra.html").exists()


_LOADED = """
import sys
from generator.cli import app
try:
    app(sys.argv[1:], prog_name="gongkai")
except SystemExit as stop:
    code = stop.code
heavy = sorted(m for m in ("jinja2", "markdown_it", "yaml", "generator.pipeline", "generator.render", "generator.search.merge") if m in sys.modules)
print("LOADED", ",".join(heavy), "EXIT", code)
"""


def test_a_command_line_build_with_nothing_to_do_answers_without_loading_the_stages(make_site: Callable[..., Path]) -> None:
    # The no-change answer comes before the pipeline, jinja2 and markdown-it are imported (they
    # take most of a second to load); any change still builds, through the same command.
    site = make_site({"content/rules.md": POLICY})

    def build() -> str:
        done = subprocess.run([sys.executable, "-c", _LOADED, "build", str(site), "--no-search"], capture_output=True, text=True, check=True, cwd=REPO)
        return done.stdout

    first = build()
    assert "已生成" in first and "LOADED generator.pipeline,generator.render,generator.search.merge,jinja2,markdown_it,yaml EXIT 0" in first
    again = build()
    assert "内容未变，保留" in again and "LOADED  EXIT 0" in again
    rules = site / "content/rules.md"
    rules.write_text(rules.read_text(encoding="utf-8").replace("正文", "新的正文"), encoding="utf-8")
    edited = build()
    assert "已生成" in edited and "EXIT 0" in edited
    assert "新的正文" in read(site / "build/items/rules-2024.html")


def test_a_change_of_gongkai_itself_rebuilds_even_under_the_same_version(make_site: Callable[..., Path]) -> None:
    # A development install, or a patched release that kept its version number: the output made
    # by the old code is not "up to date".
    site = make_site({"content/rules.md": POLICY})
    build_site(site)
    assert build_site(site).up_to_date
    module = REPO / "generator" / "urls.py"
    stat = module.stat()
    try:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert not build_site(site).up_to_date
    finally:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_a_build_refuses_the_scan_of_a_build_with_other_arguments(make_site: Callable[..., Path], tmp_path: Path) -> None:
    # The command line scans first and hands the scan on; a scan made with other options would
    # judge the output by the wrong fingerprint.
    site = make_site({"content/rules.md": POLICY})
    scan = scan_site(site, search=False)
    with pytest.raises(ValueError):
        build_site(site, search=True, scanned=scan)
    with pytest.raises(ValueError):
        build_site(site, tmp_path / "elsewhere", search=False, scanned=scan)
    assert build_site(site, search=False, scanned=scan).public_items == 1
