"""What 条例第12条 and 《政府网站发展指引》 put on the pages: the list's fields, the metadata block,
the footer's marks and link-outs, and interpretations of documents published elsewhere."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from generator import build_site, check_site
from tests.browser import chromium, serve
from tests.conftest import SITE_YML, item

FOOTER = SITE_YML.replace("kind: township\n", "kind: township\ntheme: town\n") + """  badge_image: static/dzjg.png
  badge_link: https://bszs.conac.cn/sitename?method=show&id=ABC123
  consultation: https://www.example.gov.cn/hdjl/12345/
  application: https://www.example.gov.cn/ysqgk/form/
"""
DOC = item(
    "title: 关于印发测试镇农村人居环境整治办法的通知\nid: env\ncatalogue: statutory/policy-docs\ndisclosure: 主动公开\n"
    "written: 2026-03-02\npublished: 2026-03-05\ndoc_no: 测政发〔2026〕3号\nindex_no: 11341200003219540W/2026-00003\n"
    "effective: 2026-04-01\nexpires: 2028-03-31\ntopic: 城乡建设、环境保护\\\\村镇建设\nsummary: 明确农村人居环境整治的责任分工和考核办法。",
)
NOTICE = item("title: 停电通知\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-03-06", "三月八日停电。")


BADGE = {"themes/town/static/dzjg.png": b"\x89PNG\r\n\x1a\n-badge-"}


def _build(make_site: Callable[..., Path], tmp_path: Path, files: dict[str, str | bytes], site_yml: str = FOOTER) -> Path:
    out = tmp_path / "out"
    build_site(make_site({**BADGE, **files}, site_yml), out, search=False)
    return out


def test_list_shows_what_article_12_names(make_site: Callable[..., Path], tmp_path: Path) -> None:
    out = _build(make_site, tmp_path, {"content/env.md": DOC})
    page = (out / "statutory/policy-docs/index.html").read_text(encoding="utf-8")
    heads = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', page.split('<table class="items">')[1])
    assert heads == ["名称", "索引号", "文号", "成文日期", "发布日期"]
    row = page.split("<tbody>")[1]
    for value in ("11341200003219540W/2026-00003", "测政发〔2026〕3号", "2026-03-02", "2026-03-05", "明确农村人居环境整治的责任分工和考核办法。"):
        assert value in row, value


def test_list_on_a_phone_keeps_every_field_and_fits(make_site: Callable[..., Path], tmp_path: Path) -> None:
    out = _build(make_site, tmp_path, {"content/env.md": DOC})
    with serve(out) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 360, "height": 740})  # type: ignore[attr-defined]
        page.goto(url + "statutory/policy-docs/index.html")
        # Every field is shown, each after its label (the header row is out of sight on a phone).
        shown = page.evaluate(
            """() => [...document.querySelectorAll('table.items tbody td:not(.title)')]
                .filter(td => td.getBoundingClientRect().height > 0)
                .map(td => getComputedStyle(td, '::before').content.replace(/"/g, '') + td.textContent)"""
        )
        assert shown == ["索引号：11341200003219540W/2026-00003", "文号：测政发〔2026〕3号", "成文日期：2026-03-02", "发布日期：2026-03-05"]
        assert page.evaluate("() => document.querySelector('table.items thead').getBoundingClientRect().height") <= 1
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360


def test_metadata_block(make_site: Callable[..., Path], tmp_path: Path) -> None:
    out = _build(make_site, tmp_path, {"content/env.md": DOC, "content/notice.md": NOTICE})
    doc = (out / "items/env.html").read_text(encoding="utf-8")
    block = doc.split('<table class="metadata">')[1].split("</table>")[0]
    assert '<th scope="row">施行日期</th><td>2026-04-01</td><th scope="row">有效期至</th><td>2028-03-31</td>' in block
    assert '<th scope="row">有效性</th><td>有效</td>' in block
    assert "城乡建设、环境保护 › 村镇建设" in block and "\\" not in block
    notice = (out / "items/notice.html").read_text(encoding="utf-8").split('<table class="metadata">')[1].split("</table>")[0]
    # A notice is no document: no 有效性, no empty 施行日期 row.
    assert "有效性" not in notice and "施行日期" not in notice


def test_footer_marks_and_link_outs(make_site: Callable[..., Path], tmp_path: Path) -> None:
    out = _build(make_site, tmp_path, {"content/notice.md": NOTICE})
    footer = (out / "index.html").read_text(encoding="utf-8").split('<footer class="site-footer">')[1]
    assert '<a class="badge" href="https://bszs.conac.cn/sitename?method=show&amp;id=ABC123" rel="external"><img src="assets/dzjg.png" alt="党政机关网站标识"' in footer
    assert (out / "assets/dzjg.png").read_bytes().endswith(b"-badge-")
    assert 'href="https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteId.action?siteCode=3412000001" rel="external">我为政府网站找错</a>' in footer
    assert 'href="https://www.example.gov.cn/hdjl/12345/" rel="external">政务咨询</a>' in footer
    assert 'href="https://www.example.gov.cn/ysqgk/form/" rel="external">在线申请政府信息公开</a>' in footer
    assert ">网站地图</a>" in footer


def test_footer_missing_marks_warned_and_unsafe_links_refused(make_site: Callable[..., Path]) -> None:
    result = check_site(make_site({"content/notice.md": NOTICE}), today=dt.date(2026, 3, 10))
    missing = sorted(p.field for p in result.problems if p.rule == "metadata/identity")
    assert missing == ["identity.application", "identity.badge_image", "identity.consultation", "identity.icp", "identity.police"]
    bad = check_site(make_site({"content/notice.md": NOTICE}, SITE_YML + "  consultation: javascript:alert(1)\n  badge_image: https://dcs.conac.cn/image/red.png\n"), today=dt.date(2026, 3, 10))
    errors = sorted((p.path, p.line, p.field) for p in bad.problems if p.level.value == "错误")
    assert errors == [("content/_site.yml", 7, "identity.consultation"), ("content/_site.yml", 8, "identity.badge_image")]
    # A badge the theme does not have is an error naming the folder to put it in.
    absent = check_site(make_site({"content/notice.md": NOTICE}, FOOTER), today=dt.date(2026, 3, 10))
    assert [p.message for p in absent.problems if p.field == "identity.badge_image"] == ["找不到党政机关网站标识图片 static/dzjg.png：请把机构编制部门下发的图片放到 themes/town/static/ 里，或改正文件名。"]


def test_interpretation_of_a_document_published_elsewhere(make_site: Callable[..., Path], tmp_path: Path) -> None:
    reading = item(
        "title: 《国务院办公厅关于进一步优化政务服务的意见》解读\ncatalogue: statutory/interpretations\ndisclosure: 主动公开\npublished: 2026-03-20\n"
        "interpretation_form: 文字\ninterprets:\n  - {url: https://www.gov.cn/zhengce/content/2026-01/05/content_1.htm, title: 国务院办公厅关于进一步优化政务服务的意见, doc_no: 国办发〔2026〕1号}\n  - env",
        "这份意见明确了……",
    )
    site = make_site({**BADGE, "content/env.md": DOC, "content/reading.md": reading}, FOOTER)
    found = [p.format() for p in check_site(site, today=dt.date(2026, 3, 25)).problems if p.family == "interpretation"]
    # The same-day rule holds for the township's own document only.
    assert len(found) == 1 and "env.md 发布于 2026-03-05" in found[0], found
    out = tmp_path / "out"
    build_site(site, out, search=False)
    page = (out / "items/reading.html").read_text(encoding="utf-8")
    assert '<a href="https://www.gov.cn/zhengce/content/2026-01/05/content_1.htm" rel="external">国务院办公厅关于进一步优化政务服务的意见</a>（国办发〔2026〕1号）' in page
    assert '<meta name="ColumnType" content="政策解读">' in page
    broken = item("title: 解读\ncatalogue: statutory/interpretations\ndisclosure: 主动公开\npublished: 2026-03-20\ninterpretation_form: 文字\ninterprets:\n  - {title: 没有网址的文件}")
    result = check_site(make_site({"content/r.md": broken}), today=dt.date(2026, 3, 25))
    assert any(p.path == "r.md" and p.line == 8 and "外单位文件须写明以 https:// 或 http:// 开头的网址和文件标题" in p.message for p in result.problems)
