"""gongkai check: each rule family on small sites, the privacy corpus and the seed documents."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import build_site, check_site
from generator.checks.metadata import suggest_doc_no
from generator.identifiers import is_card, is_id15, is_id18, is_uscc, redact

from .conftest import REPO, item
from .privacy_corpus import CASES, ID_A, ID_C, found_rules, score, write_corpus

SEEDS = Path(__file__).parent / "data" / "seeds"
TODAY = dt.date(2026, 11, 22)


def problems_of(site: Path, today: dt.date = TODAY) -> list[str]:
    return [p.format() + f" <{p.rule}>" for p in check_site(site, today=today).problems]


def notice(extra: str = "", body: str = "正文。", published: str = "2026-11-20") -> str:
    return item(f"title: 通知\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: {published}\n{extra}", body)


def test_corpus_has_enough_cases() -> None:
    assert len(CASES) >= 60
    assert sum(bool(c.expected) for c in CASES) >= 30 and sum(not c.expected for c in CASES) >= 25


def test_privacy_corpus_full_recall_and_no_false_positive(tmp_path: Path) -> None:
    by_case, messages = found_rules(write_corpus(tmp_path))
    wrong = {c.name: (sorted(c.expected), sorted(by_case[c.name])) for c in CASES if set(c.expected) != by_case[c.name]}
    assert not wrong, wrong
    for tp, fp, fn in score(by_case).values():
        assert fp == 0 and fn == 0 and tp > 0
    # Findings are masked: no full ID or card number anywhere in what check prints.
    printed = "\n".join(messages)
    for case in CASES:
        for number in re.findall(r"\d{15,19}[\dXx]?", case.body + case.front):
            if is_id18(number) or is_card(number) or is_id15(number):
                assert number not in printed, number


def test_identifier_validators() -> None:
    assert is_id18(ID_A) and is_id18(ID_C) and is_id18("11010519491231002X")
    assert not is_id18("110105194912310021") and not is_id18("110105194913310020")
    assert is_id15("341202800101123") and not is_id15("341202801301123")
    assert is_card("4111111111111111") and not is_card("4111111111111112")
    assert is_uscc("91350100M000100Y43") and not is_uscc("91350100M000100Y44")
    assert redact(f"号码 {ID_A} 和 13812345678") == f"号码 {ID_A[:4]}************{ID_A[-2:]} 和 138****5678"


def test_privacy_output_of_the_cli_is_masked(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    site = make_site({"content/a.md": notice(body=f"身份证号 {ID_A}"), "content/b.md": notice(f'index_no: "{ID_C}"')})
    for args in (["check", str(site)], ["check", str(site), "--format", "json"], ["build", str(site)]):
        code, output = gongkai(*args)
        assert code == 1
        assert ID_A not in output and ID_C not in output and "已遮盖" in output
    assert not (site / "build").exists()


def test_allow_list_needs_a_reason(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/a.md": notice('privacy_allow:\n  - {value: "13905561234"}', body="电话 13905561234")})
    found = problems_of(site)
    assert any("content/a.md:7: 错误 [privacy_allow/隐私例外] 隐私例外必须同时写明值和理由" in p for p in found)


def test_seed_documents_are_caught(make_site: Callable[..., Path]) -> None:
    files: dict[str, str | bytes] = {}
    for seed in sorted(SEEDS.glob("*.txt")):
        body = seed.read_text(encoding="utf-8")
        files[f"content/seeds/{seed.stem[:3]}.md"] = item(f"title: 种子{seed.stem[:3]}\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-11-20", body)
    found = problems_of(make_site(files))
    text = "\n".join(found)
    assert re.search(r"seeds/000\.md:\d+: 错误 \[正文\] 有未替换的模板占位符 “20xx”", text)
    assert re.search(r"seeds/\d{3}\.md:\d+: 错误 \[正文\] 文号引用不完整 “〔202222", text)
    assert re.search(r"seeds/001\.md:\d+: 错误 \[正文\] 有乱码 “開\(kāi\)”", text)
    assert re.search(r"seeds/001\.md:\d+: 错误 .*有未替换的模板占位符 “xxxx”", text)
    assert re.search(r"seeds/002\.md:\d+: 警告 \[正文\] 有繁体字 “蘆→芦”、“島→岛”、“開→开”、“報→报”", text)
    # 003 is clean simplified text: no hygiene finding at all (no false positive).
    assert not [p for p in found if p.startswith("seeds/003.md") and "<hygiene/" in p]


def test_hygiene_rules_on_small_texts(make_site: Callable[..., Path]) -> None:
    body = "依据宜政办〔20xx〕6号，x市XX镇。\n\n引用〔202222号文件。\n\n公開(kāi)信息\ufffd。\n\n請登入入口網站查詢資訊。\n\n宜政办发〔2024〕6号 正常。"
    found = "\n".join(problems_of(make_site({"content/a.md": notice(body=body)})))
    assert "content/a.md:7: 错误 [正文] 有未替换的模板占位符 “20xx”、“x”、“XX”。请填入实际的年份、数字或名称。 <hygiene/placeholder>" in found
    assert "content/a.md:9: 错误 [正文] 文号引用不完整 “〔202222号文”。" in found
    assert "content/a.md:11: 错误 [正文] 有乱码 “開(kāi)”、“U+FFFD”" in found
    assert "content/a.md:13: 警告 [正文] 有繁体字 “請→请”、“網→网”、“詢→询”、“資→资”、“訊→讯”" in found
    assert "content/a.md:13: 警告 [正文] 有台湾用语 “登入→登录”、“入口网站→门户网站”、“资讯→信息”" in found
    assert "content/a.md:15" not in found
    mainland = "加强产品质量监管，透过现象看本质，数位专家参加，程式化的做法，预设条件，影片资料。"
    assert not [p for p in problems_of(make_site({"content/b.md": notice(body=mainland)})) if "hygiene" in p]


def test_sample_site_reports_no_problem_on_a_fixed_day() -> None:
    result = check_site(REPO, today=TODAY)
    assert result.problems == ()
    items = {i.path: i for i in result.items}
    assert any(i.privacy_allow for i in items.values())
    assert result.site is not None and any(leaf.not_applicable for leaf in result.site.catalogue.leaves.values())


def test_column_rules_and_veto_counts(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/a.md": notice(published="2026-01-02"), "content/_catalogue.yml": "not_applicable:\n  statutory/fees: 无收费。\n"})
    found = "\n".join(problems_of(site))
    empty = re.findall(r"<columns/empty>", found)
    assert len(empty) >= 5 and f"栏目不更新（国办秘函〔2019〕19号第三项）：空白栏目共 {len(empty)} 个" in found and "达到“5 个以上”的单项否决标准" in found
    assert "[statutory/fees]" not in found
    assert "content/_catalogue.yml:1: 警告 [other/notices] 栏目“通知公告”（other/notices）属于通知公告类栏目，6 个月内没有更新（最新信息发布于 2026-01-02" in found
    assert "content/_site.yml:1: 警告 [首页] 首页最新信息发布于 2026-01-02，已 324 天未更新。国办秘函〔2019〕19号“网站不更新”" in found
    assert "缺少 2025 年政府信息公开工作年度报告" in found
    january = "\n".join(problems_of(site, dt.date(2026, 1, 20)))
    assert "年度报告" not in january


def test_metadata_rules(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    site = make_site(
        {
            "content/a.md": notice('doc_no: 青政发[2026]第03号\nexpires: 2026-01-01\nsummary: ' + "很" * 101, published="2026-11-20"),
            "content/later.md": notice(published="2026-12-01"),
            "content/_site.yml": "name: 测试镇人民政府\nkind: township\nidentity: {site_code: '12345'}\n",
        }
    )
    found = "\n".join(problems_of(site))
    assert "content/a.md:6: 警告 [doc_no/文号] 文号“青政发[2026]第03号”不符合 GB/T 9704：应写作“青政发〔2026〕3号”。" in found
    assert "content/later.md:5: 警告 [published/发布日期] 定时发布：发布日期 2026-12-01 晚于今天（2026-11-22），在该日及以后的生成中才会公开" in found
    # 有效期至 passed: no warning to edit 有效性 — the document simply shows as 失效 (test_pages_national).
    assert "有效期" not in found
    assert "content/a.md:8: 警告 [summary/内容概述] 内容概述有 101 个字" in found
    assert "content/a.md:1: 警告 [index_no/索引号] 缺少索引号" in found
    for label in ("ICP备案号", "公网安备号"):
        assert f"网站底部缺少{label}" in found
    assert "网站标识码“12345”应为 10 位数字" in found
    assert suggest_doc_no("宜政办发（2017）06号") == "宜政办发〔2017〕6号"


def test_a_published_index_number_must_not_change(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/a.md": notice('index_no: "X/2026-00001"')})
    build_site(site)
    (site / "content/a.md").write_text(notice('index_no: "X/2026-00002"'), encoding="utf-8")
    found = "\n".join(problems_of(site))
    assert "content/a.md:6: 错误 [index_no/索引号] 索引号一经公开不得更改：上次发布时为“X/2026-00001”" in found


def test_interpretation_rules(make_site: Callable[..., Path]) -> None:
    doc = item("title: 办法\nid: doc\ncatalogue: statutory/policy-docs\ndisclosure: 主动公开\npublished: 2026-11-01\ndoc_class: 行政规范性文件")
    lonely = item("title: 无解读的办法\ncatalogue: statutory/policy-docs\ndisclosure: 主动公开\npublished: 2026-11-01\ndoc_class: 行政规范性文件")
    old = item("title: 旧办法\nid: old\ncatalogue: statutory/policy-docs\ndisclosure: 主动公开\npublished: 2026-01-01\nvalidity: 废止\nvalidity_date: 2026-06-01")
    graphic = item("title: 图解\ncatalogue: statutory/interpretations\ndisclosure: 主动公开\npublished: 2026-11-03\ninterprets: [doc]\ninterpretation_form: 图解", "![图](x.png)")
    late = item("title: 解读旧办法\ncatalogue: statutory/interpretations\ndisclosure: 主动公开\npublished: 2026-01-01\ninterprets: [old]\ninterpretation_form: 文字", "文字解读。" * 30)
    site = make_site({"content/doc.md": doc, "content/lonely.md": lonely, "content/old.md": old, "content/g.md": graphic, "content/x.png": b"\x89PNG", "content/late.md": late})
    found = "\n".join(problems_of(site))
    assert "content/lonely.md:6: 警告 [doc_class/文件类别] 行政规范性文件必须有政策解读" in found
    assert "content/doc.md:6" not in found
    assert "content/g.md:6: 警告 [interprets/解读对象] 解读发布于 2026-11-03，所解读的文件 content/doc.md 发布于 2026-11-01" in found
    assert "content/g.md:9: 警告 [正文] 图解解读需附文字版" in found
    assert "content/late.md:6: 警告 [interprets/解读对象] 所解读的文件 content/old.md 已废止" in found


def test_large_attachment_warns(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/a.md": notice("attachments: [big.zip]"), "content/big.zip": b"0" * (11 * 1024 * 1024)})
    assert any("big.zip:1: 警告 [附件] 附件有 11.0 MB" in p for p in problems_of(site))


def test_strict_turns_warnings_into_errors(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    site = make_site({"content/a.md": notice()})
    code, _ = gongkai("build", str(site), "-q")
    assert code == 0
    code, output = gongkai("build", str(site), "--strict")
    assert code == 1 and "未生成网站" in output
    code, output = gongkai("check", str(site), "--strict", "--today", "2026-11-22", "--format", "json")
    data = json.loads(output)
    assert code == 1 and data["ok"] is False and data["warnings"] == 0 and data["errors"] > 0
    code, output = gongkai("check", str(site), "--today", "2026-13-01")
    assert code == 2


def test_images_without_alt_text_warn(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/a.md": notice(body="![](x.png)\n\n![说明图](x.png)"), "content/x.png": b"\x89PNG"})
    found = [p for p in problems_of(site) if "accessibility" in p]
    assert len(found) == 1 and found[0].startswith("content/a.md:7: 警告 [正文图片] 图片没有替代文字")


@pytest.mark.parametrize("family", ["个人信息", "链接", "政策解读", "栏目", "元数据", "文字规范", "无障碍", "内容格式"])
def test_check_prints_a_line_per_rule_family(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]], family: str) -> None:
    code, output = gongkai("check", str(make_site({"content/a.md": notice()})), "--today", "2026-11-22")
    assert code == 0 and re.search(f"  {family}：(无问题|\\d+ 个错误、\\d+ 个警告)", output)


def test_an_unreadable_attachment_is_reported_not_skipped(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/a.md": notice("attachments: [名单.xlsx, 表.docx]"), "content/名单.xlsx": b"PK\x03\x04 not really a workbook", "content/表.docx": b"garbage"})
    found = "\n".join(problems_of(site))
    for name in ("名单.xlsx", "表.docx"):
        assert f"{name}:1: 警告 [附件] 附件无法读取其中的文字" in found and "请人工核对" in found


def test_no_problem_message_carries_an_id_number_whoever_made_it() -> None:
    # Redaction happens where every problem is made, not in each place that prints problems
    # (build, check and the preview each did it for themselves).
    from generator.problems import error, warning

    for problem in (error("a.md", 1, "", f"标题含有 {ID_A}。"), warning("b.md", 2, "title", f"{ID_A} 与 13912345678")):
        assert ID_A not in problem.message and ID_A[:4] in problem.message and "13912345678" not in problem.message
