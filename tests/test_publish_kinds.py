"""What townships publish (contract §3a): 公示 with its period, 征求意见 with its deadline,
expired documents, 组配分类, 重大建设项目 by stage, and benefit lists — pages, lists, exports and
checks, known answers per field."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

from generator import build_site, check_site
from generator.report_data import normative_counts
from tests.browser import chromium, serve
from tests.conftest import POLICY, item

DIBAO = item(
    "title: 低保对象公示\nid: dibao\ncatalogue: statutory/social-assistance\ndisclosure: 主动公开\npublished: 2026-03-01\n"
    "notice_period: {start: 2026-03-01, end: 2026-03-07}",
    "| 村（社区） | 户主姓名 | 保障人数 |\n|---|---|---|\n| 桃源村 | 张*明 | 2 |",
)


def _build(make_site: Callable[..., Path], files: dict[str, str | bytes], day: str) -> Path:
    site = make_site({"content/rules.md": POLICY, **files})
    build_site(site, search=False, today=dt.date.fromisoformat(day))
    return site / "build"


def _rules(make_site: Callable[..., Path], files: dict[str, str | bytes], day: str, prefix: str) -> list[str]:
    result = check_site(make_site({"content/rules.md": POLICY, **files}), today=dt.date.fromisoformat(day))
    return [p.format() for p in result.problems if p.rule.startswith(prefix) or (prefix == "format" and not p.rule)]


def test_notice_period_before_during_and_after(make_site: Callable[..., Path]) -> None:
    for day, state in (("2026-02-27", "（尚未开始）"), ("2026-03-01", "（公示中）"), ("2026-03-07", "（公示中）"), ("2026-03-08", "（公示期已结束）")):
        out = _build(make_site, {"content/dibao.md": DIBAO.replace("published: 2026-03-01", "published: 2026-02-27")}, day)
        page = (out / "items/dibao.html").read_text(encoding="utf-8")
        assert f"公示期：2026年3月1日至3月7日<strong>{state}</strong>" in page, day
        listing = (out / "statutory/social-assistance/index.html").read_text(encoding="utf-8")
        assert ('<span class="status status-open">公示中</span>' in listing) == (state == "（公示中）"), day
        assert ("公示已结束" in listing) == (day == "2026-03-08"), day


def test_notice_period_checks(make_site: Callable[..., Path]) -> None:
    bad = item("title: 公示\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-03-01\nnotice_period: {start: 2026-03-07, end: 2026-03-01}")
    assert _rules(make_site, {"content/a.md": bad}, "2026-03-10", "format") == ["content/a.md:6: 错误 [notice_period/公示期] 公示期结束日期 2026-03-01 早于开始日期 2026-03-07，请核对。"]
    short_late = DIBAO.replace("end: 2026-03-07", "end: 2026-03-05").replace("published: 2026-03-01", "published: 2026-03-02")
    found = _rules(make_site, {"content/dibao.md": short_late}, "2026-03-10", "periods/")
    assert sorted(found) == sorted([
        "content/dibao.md:7: 警告 [notice_period/公示期] 公示期从 2026-03-01 开始，但本公示 2026-03-02 才发布：群众能看到的公示期比写明的短。请核对发布日期，或把公示期顺延。",
        "content/dibao.md:7: 警告 [notice_period/公示期] 公示期 5 天，少于 7 天（民发〔2021〕57号《最低生活保障审核确认办法》（公示期为7天））。请延长公示期。",
    ])
    assert _rules(make_site, {"content/dibao.md": DIBAO}, "2026-03-10", "periods/") == []
    # A county may ask for more, said as its own requirement.
    local = _rules(make_site, {"content/dibao.md": DIBAO, "content/_catalogue.yml": "notice_min_days:\n  statutory/social-assistance: 10\n"}, "2026-03-10", "periods/")
    assert local == ["content/dibao.md:7: 警告 [notice_period/公示期] 公示期 7 天，少于 10 天（_catalogue.yml（本地要求））。请延长公示期。"]
    land = item("title: 征收土地公告\ncatalogue: statutory/land-expropriation\ndisclosure: 主动公开\npublished: 2026-03-01\nnotice_period: {start: 2026-03-01, end: 2026-03-20}")
    assert "少于 30 天（《中华人民共和国土地管理法》第四十七条" in _rules(make_site, {"content/land.md": land}, "2026-03-25", "periods/")[0]


DRAFT = item(
    "title: 关于青山镇农村人居环境整治办法（征求意见稿）公开征求意见的公告\nid: draft\ncatalogue: decision/drafts-for-comment\ndisclosure: 主动公开\n"
    "published: 2026-03-01\nconsultation: {deadline: 2026-03-20}"
)
FEEDBACK = item("title: 关于青山镇农村人居环境整治办法意见采纳情况的说明\nid: feedback\ncatalogue: decision/feedback\ndisclosure: 主动公开\npublished: 2026-04-01")


def test_consultation_deadline_feedback_and_thirty_days(make_site: Callable[..., Path]) -> None:
    contact = {"content/_site.yml": "name: 测试镇人民政府\nkind: township\ncontact:\n  email: dzb@example.gov.cn\n  address: 测试镇人民路1号\n  postcode: '246000'\n"}
    out = _build(make_site, {**contact, "content/draft.md": DRAFT}, "2026-03-10")
    page = (out / "items/draft.html").read_text(encoding="utf-8")
    assert "征求意见截止日期：<strong>2026年3月20日</strong>" in page and 'href="mailto:dzb@example.gov.cn"' in page and "测试镇人民路1号（邮编 246000）" in page
    assert "征求意见中" in (out / "decision/drafts-for-comment/index.html").read_text(encoding="utf-8")
    linked = DRAFT.replace("{deadline: 2026-03-20}", "{deadline: 2026-03-20, feedback: feedback}")
    out = _build(make_site, {"content/draft.md": linked, "content/feedback.md": FEEDBACK}, "2026-04-02")
    page = (out / "items/draft.html").read_text(encoding="utf-8")
    assert "<strong>征求意见已结束</strong>（截止日期：2026年3月20日）" in page and "意见建议" not in page
    assert '意见采纳情况反馈：<a href="feedback.html">' in page
    assert '本文是以下征求意见的意见采纳情况反馈：<a href="draft.html">' in (out / "items/feedback.html").read_text(encoding="utf-8")
    # A 重大行政决策 draft open 20 days; no feedback 31 days after the deadline.
    found = _rules(make_site, {"content/draft.md": DRAFT}, "2026-04-21", "periods/")
    assert sorted(found) == sorted([
        "content/draft.md:7: 警告 [consultation/征求意见] 重大行政决策草案征求意见 20 天（2026-03-01 至 2026-03-20），少于 30 天（《重大行政决策程序暂行条例》第十四条：征求意见期限一般不少于 30 日）。",
        "content/draft.md:7: 警告 [consultation/征求意见] 征求意见已于 2026-03-20 截止超过 30 天，还没有意见采纳情况反馈。请发布反馈，并在本条目的 consultation 中用 feedback 指向它。",
    ])
    assert len(_rules(make_site, {"content/draft.md": DRAFT}, "2026-04-19", "periods/")) == 1


def test_expired_document_shows_as_expired_everywhere(make_site: Callable[..., Path]) -> None:
    doc = item("title: 临时管理办法\nid: temp\ncatalogue: statutory/policy-docs\ndisclosure: 主动公开\npublished: 2025-01-10\ndoc_class: 行政规范性文件\nexpires: 2025-12-31")
    out = _build(make_site, {"content/temp.md": doc}, "2026-02-01")
    page = (out / "items/temp.html").read_text(encoding="utf-8")
    assert "本文件已于2026年1月1日失效。" in page and '<th scope="row">有效性</th><td>失效</td>' in page
    assert '<span class="status status-expired">失效</span>' in (out / "statutory/policy-docs/index.html").read_text(encoding="utf-8")
    row = next(r for r in json.loads((out / "catalogue.json").read_text(encoding="utf-8"))["items"] if r["id"] == "temp")
    assert row["validity"] == "失效" and row["validity_date"] == "2026-01-01"
    result = check_site(make_site({"content/temp.md": doc}), today=dt.date(2026, 2, 1))
    items = tuple(result.items)
    # In force at the end of 2025 (valid through 31 December), repealed in 2026's count.
    assert normative_counts(items, 2025) == (1, 0, 1) and normative_counts(items, 2026) == (0, 1, 0)
    before = _build(make_site, {"content/temp.md": doc}, "2025-12-31")
    assert "失效" not in (before / "items/temp.html").read_text(encoding="utf-8").split('<table class="metadata">')[1].split("</table>")[0]


def test_also_in_lists_one_item_in_several_columns(make_site: Callable[..., Path]) -> None:
    shared = item("title: 防汛应急预案\nid: flood\ncatalogue: statutory/emergency\ndisclosure: 主动公开\npublished: 2026-03-01\nalso_in: [other/notices, statutory/plans]")
    out = _build(make_site, {"content/flood.md": shared}, "2026-03-02")
    for column in ("statutory/emergency", "other/notices", "statutory/plans"):
        assert 'href="../../items/flood.html"' in (out / column / "index.html").read_text(encoding="utf-8"), column
    assert len(list((out / "items").glob("flood*.html"))) == 1
    data = json.loads((out / "catalogue.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in data["items"]].count("flood") == 1 and data["count"] == 2
    row = next(r for r in data["items"] if r["id"] == "flood")
    assert row["catalogue"] == "statutory/emergency" and row["also_in"] == ["other/notices", "statutory/plans"]
    # The annual report counts it once, under its own column.
    from generator.report_data import column_counts

    loaded = check_site(make_site({"content/rules.md": POLICY, "content/flood.md": shared}), today=dt.date(2026, 3, 2)).items
    counts = column_counts(tuple(i for i in loaded if i.is_public), 2026)
    assert counts["statutory/emergency"] == 1 and counts["other/notices"] == 0 and sum(counts.values()) == 1
    # The column rules see it in every column it is listed in: none of the three is empty.
    result = check_site(make_site({"content/rules.md": POLICY, "content/flood.md": shared}), today=dt.date(2026, 3, 2))
    empty = {p.field for p in result.problems if p.rule == "columns/empty"}
    assert not empty & {"statutory/emergency", "other/notices", "statutory/plans"}
    wrong = item("title: 甲\ncatalogue: statutory/emergency\ndisclosure: 主动公开\npublished: 2026-03-01\nalso_in: [statutory/emergency, other/notice]")
    errors = [p.message for p in check_site(make_site({"content/a.md": wrong}), today=dt.date(2026, 3, 2)).problems if p.field == "also_in/同时发布到"]
    assert len(errors) == 2 and "就是本条目的目录分类" in errors[0] and "other/notices" in errors[1]


PROJECT = "青山大道改造工程"


def _stage(name: str, stage: str, day: str) -> str:
    return item(f"title: {PROJECT}{stage}信息\nid: {name}\ncatalogue: statutory/major-projects\ndisclosure: 主动公开\npublished: {day}\nproject: {PROJECT}\nproject_stage: {stage}")


def test_project_page_gathers_items_by_stage(make_site: Callable[..., Path]) -> None:
    out = _build(make_site, {"content/p1.md": _stage("p1", "批准结果", "2026-02-01"), "content/p2.md": _stage("p2", "招标投标", "2026-03-01")}, "2026-03-02")
    pages = [p for p in (out / "projects").glob("p*.html")]
    assert len(pages) == 1
    page = pages[0].read_text(encoding="utf-8")
    headings = re.findall(r'<h2 id="stage-\d">([^<]+)</h2>', page)
    assert headings == [f"{n}. {s}信息" for n, s in enumerate(("批准服务", "批准结果", "招标投标", "征收土地", "重大设计变更", "施工有关", "质量安全监督", "竣工有关"), start=1)]
    assert page.count("本阶段暂无公开信息。") == 6
    assert page.index("p1.html") < page.index("p2.html")
    item_page = (out / "items/p1.html").read_text(encoding="utf-8")
    assert f'所属重大建设项目：<a href="../projects/{pages[0].name}">{PROJECT}</a>（批准结果信息）' in item_page
    bad = item(f"title: 甲\ncatalogue: statutory/major-projects\ndisclosure: 主动公开\npublished: 2026-03-01\nproject: {PROJECT}\nproject_stage: 开工")
    lonely = item("title: 乙\ncatalogue: statutory/major-projects\ndisclosure: 主动公开\npublished: 2026-03-01\nproject_stage: 施工有关")
    errors = sorted(p.format() for p in check_site(make_site({"content/a.md": bad, "content/b.md": lonely}), today=dt.date(2026, 3, 2)).problems if p.field == "project_stage/项目阶段")
    assert len(errors) == 2 and errors[0].startswith("content/a.md:7: 错误") and "批准服务、批准结果" in errors[0]
    assert errors[1].startswith("content/b.md:6: 错误") and "project（所属项目）" in errors[1]


def test_benefit_lists_carry_only_what_the_benefit_needs(make_site: Callable[..., Path]) -> None:
    listed = item(
        "title: 临时救助公示\ncatalogue: statutory/social-assistance\ndisclosure: 主动公开\npublished: 2026-03-01",
        "| 姓名 | 身份证号 | 联系电话 | 住址 | 救助金额 |\n|---|---|---|---|---|\n| 张*明 | 341202********1234 | 138****1234 | 桃源村3组 | 1000 |",
    )
    found = _rules(make_site, {"content/a.md": listed}, "2026-03-02", "privacy/benefit-list")
    assert len(found) == 3 and all(f.startswith("content/a.md:7: 警告") for f in found)
    for words in ("“身份证号”列（即使已遮盖）", "“联系电话”列", "“住址”列写到了村民小组"):
        assert any(words in f for f in found), words
    # The same list attached as a spreadsheet.
    from tests.documents import xlsx

    sheet = xlsx({"名单": [["姓名", "身份证号", "救助金额"], ["张*明", "341202********1234", 1000]]})
    attached = item("title: 临时救助名单\ncatalogue: statutory/social-assistance\ndisclosure: 主动公开\npublished: 2026-03-01\nattachments: [mingdan.xlsx]")
    in_file = _rules(make_site, {"content/b.md": attached, "content/mingdan.xlsx": sheet}, "2026-03-02", "privacy/benefit-list")
    assert len(in_file) == 1 and in_file[0].startswith("content/mingdan.xlsx:1: 警告 [附件·工作表“名单”]") and "“身份证号”列（即使已遮盖）" in in_file[0]
    # The same table in a column that is no benefit list is not a benefit list.
    elsewhere = listed.replace("statutory/social-assistance", "other/notices")
    assert _rules(make_site, {"content/a.md": elsewhere}, "2026-03-02", "privacy/benefit-list") == []


def test_notice_and_project_pages_in_the_browser(make_site: Callable[..., Path]) -> None:
    files: dict[str, str | bytes] = {"content/dibao.md": DIBAO, "content/p1.md": _stage("p1", "批准结果", "2026-02-01")}
    out = _build(make_site, files, "2026-03-03")
    with serve(out) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 800})  # type: ignore[attr-defined]
        page.goto(url + "items/dibao.html")
        note = page.locator("p.period")
        assert note.is_visible() and note.inner_text() == "公示期：2026年3月1日至3月7日（公示中）"
        page.goto(url + "projects/index.html")
        page.click(f"text={PROJECT}")
        assert page.locator("h1").inner_text() == PROJECT
        assert page.locator("section.project-stage").count() == 8
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    out = _build(make_site, files, "2026-03-09")
    with serve(out) as url, chromium() as browser:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(url + "items/dibao.html")
        assert page.locator("p.period").inner_text().endswith("（公示期已结束）")


def test_budget_table_in_xlsx_is_also_a_table_on_the_page(make_site: Callable[..., Path]) -> None:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "收支总表"
    sheet.append(["2026年收支预算总表（单位：万元）", None, None])
    sheet.merge_cells("A1:C1")
    sheet.append(["项目", "预算数", None])
    sheet.merge_cells("B2:C2")
    sheet.append(["一般公共预算收入", 4860, 4720])
    hidden = book.create_sheet("底稿")
    hidden.append(["内部测算", 1])
    hidden.sheet_state = "hidden"
    data = io.BytesIO()
    book.save(data)
    budget = item("title: 2026年预算公开\nid: budget\ncatalogue: statutory/budget-accounts\ndisclosure: 主动公开\npublished: 2026-02-18\nattachments: [{file: biao.xlsx, title: 2026年预算表}]")
    out = _build(make_site, {"content/budget.md": budget, "content/biao.xlsx": data.getvalue()}, "2026-03-01")
    page = (out / "items/budget.html").read_text(encoding="utf-8")
    table = page.split('<table class="sheet">')[1].split("</table>")[0]
    assert table.startswith("<caption>2026年预算表</caption>")
    assert '<th scope="colgroup" colspan="3">2026年收支预算总表（单位：万元）</th>' in table
    assert '<th scope="col">项目</th><th scope="colgroup" colspan="2">预算数</th>' in table
    assert '<th scope="row">一般公共预算收入</th><td>4860</td><td>4720</td>' in table
    assert "内部测算" not in page  # a hidden sheet is not shown (the privacy rules still read it)
    # Elsewhere an XLSX stays a download only.
    other = budget.replace("statutory/budget-accounts", "statutory/statistics")
    out = _build(make_site, {"content/budget.md": other, "content/biao.xlsx": data.getvalue()}, "2026-03-01")
    assert '<table class="sheet">' not in (out / "items/budget.html").read_text(encoding="utf-8")


def test_an_item_listed_in_another_column_plays_that_column_s_part(make_site: Callable[..., Path]) -> None:
    # Listed among 政策文件 by also_in: it is in the 政策文件库 and has a 有效性, like the column's own.
    shared = item("title: 关于调整村级组织运转经费的通知\nid: funds\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-03-01\nalso_in: [政策文件]")
    site = make_site({"content/rules.md": POLICY, "content/funds.md": shared})
    result = check_site(site, today=dt.date(2026, 3, 2))
    assert [i.also_in for i in result.items if i.path == "funds.md"] == [("statutory/policy-docs",)]
    assert any(p.field == "also_in/同时发布到" and "已按栏目“statutory/policy-docs”处理" in p.message for p in result.problems)
    build_site(site, search=False, today=dt.date(2026, 3, 2))
    assert 'href="../items/funds.html"' in (site / "build/policies/index.html").read_text(encoding="utf-8")
    assert '<th scope="row">有效性</th>' in (site / "build/items/funds.html").read_text(encoding="utf-8")
