"""Every content mistake: exit 1, a Chinese message at file:line naming the field, output untouched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import POLICY, SITE_YML, item, tree_digest, write_site

GOOD = item("""
title: 正常条目
catalogue: statutory/plans
disclosure: 主动公开
published: 2024-05-01
""")

# (case id, files to add or replace, expected "file:line", expected field text, a word of the message)
CASES: list[tuple[str, dict[str, str | bytes], str, str, str]] = [
    ("missing-disclosure", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\npublished: 2024-01-01")}, "content/a.md:1", "disclosure/公开属性", "不会默认"),
    ("empty-disclosure", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure:\npublished: 2024-01-01")}, "content/a.md:1", "disclosure/公开属性", "必填"),
    ("unknown-disclosure", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: 公开\npublished: 2024-01-01")}, "content/a.md:4", "disclosure/公开属性", "主动公开"),
    ("missing-title", {"content/a.md": item("catalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01")}, "content/a.md:1", "title/标题", "缺少"),
    ("missing-catalogue", {"content/a.md": item("title: 甲\ndisclosure: active\npublished: 2024-01-01")}, "content/a.md:1", "catalogue/目录分类", "缺少"),
    ("missing-published", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active")}, "content/a.md:1", "published/发布日期", "发布日期"),
    ("unknown-column", {"content/a.md": item("title: 甲\ncatalogue: statutory/policy-doc\ndisclosure: active\npublished: 2024-01-01")}, "content/a.md:3", "catalogue/目录分类", "statutory/policy-docs"),
    ("column-of-other-kind", {"content/a.md": item("title: 甲\ncatalogue: statutory/public-security\ndisclosure: active\npublished: 2024-01-01")}, "content/a.md:3", "catalogue/目录分类", "只适用于县级部门"),
    ("section-not-leaf", {"content/a.md": item("title: 甲\ncatalogue: statutory\ndisclosure: active\npublished: 2024-01-01")}, "content/a.md:3", "catalogue/目录分类", "大类"),
    ("bad-date-month", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2023-13-45")}, "content/a.md:5", "published/发布日期", "不存在"),
    ("bad-date-slashes", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024/03/01")}, "content/a.md:5", "published/发布日期", "2024-03-01"),
    ("bad-date-chinese", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\n发布日期: 2024年3月1日")}, "content/a.md:5", "published/发布日期", "格式不对"),
    ("duplicate-key", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: 不予公开\ndisclosure: 主动公开\npublished: 2024-01-01")}, "content/a.md:5", "disclosure", "重复"),
    ("same-field-two-languages", {"content/a.md": item("title: 甲\n标题: 乙\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01")}, "content/a.md:3", "title/标题", "同一个字段"),
    ("fullwidth-colon", {"content/a.md": item("title：甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01")}, "content/a.md:2", "title", "全角冒号"),
    ("yes-as-text", {"content/a.md": item("title: yes\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01")}, "content/a.md:2", "title/标题", "引号"),
    ("anchor-alias", {"content/a.md": item("title: &t 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\nsummary: *t")}, "content/a.md:2", "", "锚点"),
    ("yaml-syntax", {"content/a.md": item("title: 甲\ncatalogue: [statutory/plans\ndisclosure: active\npublished: 2024-01-01")}, "a.md:", "", "YAML 格式错误"),
    ("unknown-key", {"content/a.md": item("title: 甲\ncatalog: statutory/plans\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01")}, "content/a.md:3", "catalog", "catalogue"),
    ("no-front-matter", {"content/a.md": "只有正文，没有头部。\n"}, "content/a.md:1", "", "---"),
    ("unclosed-front-matter", {"content/a.md": "---\ntitle: 甲\ncatalogue: statutory/plans\n"}, "content/a.md:1", "", "没有结束"),
    ("gbk-file", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01").encode("gbk")}, "content/a.md:1", "", "GBK"),
    ("utf16-file", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01").encode("utf-16")}, "a.md", "", "UTF-16"),
    ("binary-file", {"content/a.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00binary"}, "a.md", "", "二进制"),
    ("exempt-without-reason", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: 不予公开")}, "content/a.md:4", "exempt_reason/不予公开理由", "理由"),
    ("unknown-exempt-reason", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: exempt\nexempt_reason: 机密")}, "content/a.md:5", "exempt_reason/不予公开理由", "internal-affairs"),
    ("written-after-published", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\nwritten: 2024-02-01")}, "content/a.md:6", "written/成文日期", "晚于"),
    ("repealed-without-date", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\nvalidity: 废止")}, "content/a.md:6", "validity_date/失效日期", "失效日期"),
    ("bad-validity", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\nvalidity: 作废")}, "content/a.md:6", "validity/有效性", "废止"),
    ("bad-id", {"content/a.md": item("title: 甲\nid: 中文标识\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01")}, "content/a.md:3", "id/标识", "小写"),
    ("missing-attachment", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\nattachments: [表1.xlsx]")}, "content/a.md:6", "attachments/附件", "找不到"),
    ("attachment-outside", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\nattachments: [../../etc/passwd]")}, "content/a.md:6", "attachments/附件", "之外"),
    ("unresolved-interprets", {"content/a.md": item("title: 甲\ncatalogue: statutory/interpretations\ndisclosure: active\npublished: 2024-01-01\ninterprets: [no-such-doc]\ninterpretation_form: 文字")}, "content/a.md:6", "interprets/解读对象", "找不到"),
    ("interprets-without-form", {"content/a.md": item("title: 甲\ncatalogue: statutory/interpretations\ndisclosure: active\npublished: 2024-01-01\ninterprets: [rules-2024]")}, "content/a.md:6", "interpretation_form/解读形式", "解读形式"),
    ("unresolved-superseded", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\nsuperseded_by: ../x.md")}, "content/a.md:6", "superseded_by/替代文件", "找不到"),
    ("broken-body-link", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01", "第一段\n\n见[附件](不存在.pdf)")}, "content/a.md:9", "正文链接", "不存在"),
    ("root-absolute-link", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01", "见[首页](/index.html)")}, "content/a.md:7", "正文链接", "相对路径"),
    ("duplicate-index-no", {"content/a.md": item('title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\nindex_no: "X/2024-00001"'), "content/b.md": item('title: 乙\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\nindex_no: "X/2024-00001"')}, "content/b.md:6", "index_no/索引号", "重复"),
    ("duplicate-url-key", {"content/x/a.md": GOOD, "content/y/a.md": GOOD}, "content/y/a.md:1", "id/标识", "重复"),
    ("links-to-withheld", {"content/s.md": item("title: 内部\ncatalogue: statutory/plans\ndisclosure: 不予公开\nexempt_reason: internal-affairs"), "content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01", "见[内部](s.md)")}, "content/a.md:7", "正文链接", "s.md"),
    ("interprets-withheld", {"content/s.md": item("title: 内部\ncatalogue: statutory/plans\ndisclosure: 依申请公开"), "content/a.md": item("title: 甲\ncatalogue: statutory/interpretations\ndisclosure: active\npublished: 2024-01-01\ninterprets: [s.md]\ninterpretation_form: 文字")}, "content/a.md:6", "interprets/解读对象", "s.md"),
    ("site-yml-unknown-key", {"content/_site.yml": SITE_YML + "nmae: x\n"}, "content/_site.yml:7", "nmae", "name"),
    ("site-yml-bad-kind", {"content/_site.yml": SITE_YML.replace("kind: township", "kind: town")}, "content/_site.yml:2", "kind", "township"),
    ("site-yml-missing", {"content/_site.yml": ""}, "content/_site.yml", "", "name"),
    ("catalogue-yml-bad-ref", {"content/_catalogue.yml": "not_applicable:\n  statutory/fee: 无\n"}, "content/_catalogue.yml:2", "not_applicable", "statutory/fees"),
    ("catalogue-yml-bad-section", {"content/_catalogue.yml": "columns:\n  - {section: nosuch, id: x, label: 村务}\n"}, "content/_catalogue.yml:2", "columns.section", "section"),
    ("deep-nesting", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\nkeywords: " + "[" * 40 + "]" * 40)}, "content/a.md:6", "", "嵌套过深"),
    ("oversized-front-matter", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\nsummary: " + "很" * 30000)}, "content/a.md:2", "", "过大"),
    ("attaches-the-ledger", {"content/_index_numbers.txt": "X/2024-00001\tsecret/a.md\n", "content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\nattachments: [_index_numbers.txt]")}, "content/a.md:6", "attachments/附件", "设置文件"),
    ("links-the-site-settings", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01", "见[设置](_site.yml)")}, "content/a.md:7", "正文链接", "设置文件"),
    ("attachment-of-withheld-published", {"content/s.md": item("title: 内部\ncatalogue: statutory/plans\ndisclosure: 不予公开\nexempt_reason: internal-affairs\nattachments: [t.xlsx]"), "content/t.xlsx": b"PK", "content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\nattachments: [t.xlsx]")}, "content/a.md:6", "attachments/附件", "非公开条目引用"),
    # Issue 13: each of these was a traceback, a hang or a wrong message.
    ("alone-in-column-bad-date", {"content/a.md": item("title: 甲\ncatalogue: statutory/fundraising-labour\ndisclosure: active\npublished: 2024-13-01")}, "content/a.md:5", "published/发布日期", "不存在"),
    ("alone-in-column-no-date", {"content/a.md": item("title: 甲\ncatalogue: statutory/emergency\ndisclosure: active")}, "content/a.md:1", "published/发布日期", "发布日期"),
    ("index-format-subscript", {"content/_site.yml": SITE_YML + 'index_no_format: "{year[0]}-{seq}"\n'}, "content/_site.yml:7", "index_no_format", "{year[0]}"),
    ("index-format-attribute", {"content/_site.yml": SITE_YML + 'index_no_format: "{org_code.x}-{seq}"\n'}, "content/_site.yml:7", "index_no_format", "{org_code.x}"),
    ("index-format-repeated", {"content/_site.yml": SITE_YML + 'index_no_format: "{seq}-{seq}"\n'}, "content/_site.yml:7", "index_no_format", "不止一次"),
    ("index-format-no-seq", {"content/_site.yml": SITE_YML + 'index_no_format: "{org_code}/{year}"\n'}, "content/_site.yml:7", "index_no_format", "{seq}"),
    ("theme-name-too-long", {"content/_site.yml": SITE_YML + "theme: " + "x" * 5000 + "\n"}, "content/_site.yml:7", "theme", "64"),
    ("annual-is-a-file", {"content/_annual": "2025: 1\n"}, "content/_annual", "", "文件夹"),
    ("control-characters-in-title", {"content/a.md": item('title: "甲\\x1b[31m乙\\u202e丙"\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01')}, "content/a.md:2", "title/标题", "控制字符"),
    ("control-characters-in-site-name", {"content/_site.yml": SITE_YML.replace("name: 测试镇人民政府", 'name: "测试镇\\x0b人民政府"')}, "content/_site.yml:1", "name", "控制字符"),
    ("attaches-its-own-file", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\nattachments: [a.md]")}, "content/a.md:6", "attachments/附件", "条目文件"),
    ("attaches-a-markdown-source", {"content/_archive/q.md": item("title: 请示\ncatalogue: statutory/plans\ndisclosure: 不予公开\nexempt_reason: process-info"), "content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\nattachments: [_archive/q.md]")}, "content/a.md:6", "attachments/附件", "源文件"),
    ("links-a-hidden-markdown", {"content/_archive/q.md": item("title: 请示\ncatalogue: statutory/plans\ndisclosure: 不予公开\nexempt_reason: process-info"), "content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01", "见[请示](_archive/q.md)")}, "content/a.md:7", "正文链接", "源文件"),
    ("links-a-markdown-variant", {"content/q.markdown": "---\ntitle: 请示\n---\n内部\n", "content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01", "见[请示](q.markdown)")}, "content/a.md:7", "正文链接", "源文件"),
    ("links-a-file-in-underscore-folder", {"content/_drafts/plan.pdf": b"%PDF-1.4", "content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01", "见[草稿](_drafts/plan.pdf)")}, "content/a.md:7", "正文链接", "“_”"),
    ("file-a-withheld-body-links", {"content/s.md": item("title: 内部\ncatalogue: statutory/plans\ndisclosure: 不予公开\nexempt_reason: internal-affairs", "详见[测算](files/mingxi.txt)"), "content/files/mingxi.txt": "测算明细", "content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\nattachments: [files/mingxi.txt]")}, "content/a.md:6", "attachments/附件", "非公开条目引用"),
    ("image-a-withheld-body-shows", {"content/s.md": item("title: 内部\ncatalogue: statutory/plans\ndisclosure: 依申请公开", "![图](files/p.png)"), "content/files/p.png": b"\x89PNG", "content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01", "![图](files/p.png)")}, "content/a.md:7", "正文链接", "非公开条目引用"),
    ("bracket-flood", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01", "![" * 100_000)}, "content/a.md:7", "正文", "“[”"),
    ("draft-flag-unclear", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\ndraft: 可能")}, "content/a.md:6", "draft/草稿", "true（是）或 false（否）"),
    ("report-year-not-a-year", {"content/a.md": item("title: 甲\ncatalogue: annual-report\ndisclosure: active\npublished: 2024-01-01\nreport_year: 二〇二五")}, "content/a.md:6", "report_year/报告年度", "整数"),
    ("report-year-outside-annual-report", {"content/a.md": item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\n报告年度: 2025")}, "content/a.md:6", "report_year/报告年度", "annual-report"),
    ("interprets-elsewhere-without-url", {"content/a.md": item("title: 甲\ncatalogue: statutory/interpretations\ndisclosure: active\npublished: 2024-01-01\ninterpretation_form: 文字\ninterprets:\n  - {title: 某意见, url: 'javascript:alert(1)'}")}, "content/a.md:8", "interprets/解读对象", "https://"),
    ("required-column-not-applicable", {"content/_catalogue.yml": "not_applicable:\n  statutory/budget-accounts: 无\n"}, "content/_catalogue.yml:2", "not_applicable.statutory/budget-accounts", "不能声明不涉及"),
    ("footer-link-not-a-web-address", {"content/_site.yml": "name: 测试镇人民政府\nkind: township\nidentity:\n  application: file:///etc/passwd\n"}, "content/_site.yml:4", "identity.application", "https://"),
    ("search-synonyms-not-a-list", {"content/_search.yml": "synonyms: 低保\n"}, "content/_search.yml:1", "synonyms", "列表"),
    ("search-synonym-group-of-one", {"content/_search.yml": "synonyms:\n  - [低保]\n"}, "content/_search.yml:2", "synonyms", "至少写两个词"),
    ("search-file-other-key", {"content/_search.yml": "同义词:\n  - [低保, 最低生活保障]\n"}, "content/_search.yml:1", "", "只能有一项 synonyms"),
    ("bracket-flood-in-withheld", {"content/s.md": item("title: 内部\ncatalogue: statutory/plans\ndisclosure: 不予公开\nexempt_reason: internal-affairs", "[" * 100_000)}, "content/s.md:7", "正文", "“[”"),
]


@pytest.mark.parametrize(("files", "where", "field", "word"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_reported_and_previous_output_kept(
    make_site: Callable[..., Path],
    gongkai: Callable[..., tuple[int, str]],
    files: dict[str, str | bytes],
    where: str,
    field: str,
    word: str,
) -> None:
    site = make_site({"content/rules.md": POLICY, "content/good.md": GOOD})
    code, output = gongkai("build", str(site), "-q")
    assert code == 0, output
    before = tree_digest(site / "build")
    write_site(site, files, site_yml=None)
    code, output = gongkai("build", str(site))
    assert code == 1, output
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if where in line]
    assert lines, f"no message at {where}:\n{output}"
    assert any(f"[{field}" in line for line in lines) if field else True, output
    assert any(word in line for line in lines), output
    assert any("错误" in line for line in lines), output
    assert tree_digest(site / "build") == before
    check_code, _ = gongkai("check", str(site), "-q")
    assert check_code == 1


def test_every_problem_of_a_site_is_reported_in_one_run(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    site = make_site(
        {
            "content/a.md": item("title: 甲\ncatalogue: statutory/plans\npublished: 2024-01-01"),
            "content/b.md": item("title: 乙\ncatalogue: statutory/plan\ndisclosure: active\npublished: 2024-13-01"),
            "content/c.md": "no front matter\n",
        }
    )
    code, output = gongkai("check", str(site))
    assert code == 1
    for expected in ("content/a.md:1: 错误 [disclosure/公开属性]", "content/b.md:3: 错误 [catalogue/目录分类]", "content/b.md:5: 错误 [published/发布日期]", "content/c.md:1: 错误"):
        assert expected in output, output
    assert "共 4 个错误" in output


def test_bom_and_crlf_are_accepted_with_a_warning(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    text = item("title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01", "第一行\n\n第二段").replace("\n", "\r\n")
    site = make_site({"content/a.md": b"\xef\xbb\xbf" + text.encode("utf-8")})
    code, output = gongkai("build", str(site))
    assert code == 0, output
    assert "content/a.md:1: 警告" in output and "BOM" in output
    page = next((site / "build" / "items").glob("*.html")).read_text(encoding="utf-8")
    assert "第二段" in page and "\r" not in page
