"""The inspection rules as 国办秘函〔2019〕19号 words them (domain.md §5) and the catalogue's duties
(条例第12、20、50条; 国办公开办函〔2019〕61号; 国办发〔2019〕54号): known answers at each threshold and
one below it, on a township site whose every column is filled except the ones a test empties."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from generator import check_site
from generator.catalogue import build_catalogue
from tests.conftest import item

TODAY = dt.date(2026, 11, 22)
FRESH = (TODAY - dt.timedelta(days=1)).isoformat()
TOWNSHIP_LEAVES = [
    leaf.ref for section in build_catalogue("township").sections if section.id not in build_catalogue("township").optional_sections for leaf in section.leaves
] + ["news", "intro"]


def _site(make_site: Callable[..., Path], dates: dict[str, str | None] | None = None, extra: dict[str, str] | None = None) -> Path:
    """Every township column with one item published yesterday; ``dates`` gives a column another
    date, or None to leave it empty."""
    dates = dates or {}
    files: dict[str, str] = {}
    for n, ref in enumerate(TOWNSHIP_LEAVES + [r for r in dates if r not in TOWNSHIP_LEAVES]):
        published = dates.get(ref, FRESH)
        if published is None:
            continue
        year = "report_year: 2025\n" if ref == "annual-report" else ""
        files[f"content/c{n}.md"] = item(f"title: 信息{n}\ncatalogue: {ref}\ndisclosure: 主动公开\npublished: {published}\n{year}")
    return make_site({**files, **(extra or {})})


def _rules(site: Path, prefix: str = "columns/") -> list[tuple[str, str, str]]:
    result = check_site(site, today=TODAY)
    return [(p.rule, p.field, p.message) for p in result.problems if p.rule.startswith(prefix)]


def _vetoes(site: Path) -> list[str]:
    return [message.split("）：")[0] for rule, _, message in _rules(site) if rule == "columns/veto"]


def test_every_column_filled_raises_nothing(make_site: Callable[..., Path]) -> None:
    assert _rules(_site(make_site)) == []


def test_empty_columns_veto_at_five_not_at_four(make_site: Callable[..., Path]) -> None:
    empties = ["statutory/plans", "statutory/statistics", "statutory/fees", "statutory/procurement", "statutory/emergency"]
    four = _rules(_site(make_site, dict.fromkeys(empties[:4])))
    assert sorted(field for rule, field, _ in four if rule == "columns/empty") == sorted(empties[:4])
    assert not [r for r in four if r[0] == "columns/veto"]
    five = _site(make_site, dict.fromkeys(empties))
    veto = [m for rule, _, m in _rules(five) if rule == "columns/veto"]
    assert veto == ["栏目不更新（国办秘函〔2019〕19号第三项）：空白栏目共 5 个（statutory/plans、statutory/statistics、statutory/fees、statutory/procurement、statutory/emergency），达到“5 个以上”的单项否决标准。"]


NOTICE_COLUMNS = "not_applicable:\n  other/responses: 本镇本年无需专门回应的社会关切。\ncolumns:\n" + "".join(f"  - {{section: other, id: notice-{n}, label: 公示公告{n}, national: 通知公告}}\n" for n in range(3))
SEVEN_MONTHS = "2026-04-21"
SIX_MONTHS = "2026-05-22"


def _notices(dates: list[str]) -> dict[str, str]:
    files = {"content/_catalogue.yml": NOTICE_COLUMNS}
    for n, day in enumerate(dates):
        files[f"content/notice-{n}.md"] = item(f"title: 公示{n}\ncatalogue: other/notice-{n}\ndisclosure: 主动公开\npublished: {day}")
    return files


def test_national_kinds_veto_at_five_stale_not_at_four(make_site: Callable[..., Path]) -> None:
    # 动态要闻 2 weeks, 通知公告 and 政策文件 6 months, counted together.
    stale = {"news": (TODAY - dt.timedelta(days=15)).isoformat(), "statutory/policy-docs": SEVEN_MONTHS, "other/notices": SEVEN_MONTHS}
    five = _site(make_site, stale, _notices([SEVEN_MONTHS, SEVEN_MONTHS, FRESH]))
    found = _rules(five)
    assert sorted(f for r, f, _ in found if r == "columns/stale") == ["news", "other/notice-0", "other/notice-1", "other/notices", "statutory/policy-docs"]
    assert _vetoes(five) == ["栏目不更新（国办秘函〔2019〕19号第一项"]
    assert "共 5 个" in next(m for r, _, m in found if r == "columns/veto") and "累计 5 个以上" in next(m for r, _, m in found if r == "columns/veto")
    # At the limits themselves nothing is stale: news 14 days old, a notice exactly 6 months old.
    four = _site(make_site, {**stale, "news": (TODAY - dt.timedelta(days=14)).isoformat()}, _notices([SEVEN_MONTHS, SEVEN_MONTHS, SIX_MONTHS]))
    assert sorted(f for r, f, _ in _rules(four) if r == "columns/stale") == ["other/notice-0", "other/notice-1", "other/notices", "statutory/policy-docs"]
    assert _vetoes(four) == []


def test_long_not_updated_veto_counts_empty_and_stale_columns(make_site: Callable[..., Path]) -> None:
    empties = dict.fromkeys(["statutory/plans", "statutory/statistics", "statutory/fees", "statutory/procurement", "statutory/emergency"])
    stale = {"statutory/policy-docs": SEVEN_MONTHS, "other/notices": SEVEN_MONTHS}
    ten = _site(make_site, {**empties, **stale}, _notices([SEVEN_MONTHS, SEVEN_MONTHS, SEVEN_MONTHS]))
    assert sorted(_vetoes(ten)) == sorted(["栏目不更新（国办秘函〔2019〕19号第一项", "栏目不更新（国办秘函〔2019〕19号第二项", "栏目不更新（国办秘函〔2019〕19号第三项"])
    nine = _site(make_site, {**empties, **stale}, _notices([SEVEN_MONTHS, SEVEN_MONTHS, FRESH]))
    assert "栏目不更新（国办秘函〔2019〕19号第二项" not in _vetoes(nine)


def test_event_driven_column_a_year_old_raises_nothing_national(make_site: Callable[..., Path]) -> None:
    old = {ref: "2025-10-01" for ref in ("statutory/land-expropriation", "statutory/homestead-review", "statutory/social-assistance", "statutory/emergency")}
    assert _rules(_site(make_site, old)) == []
    # A county's own limit is said as 本地要求 and never counted toward a veto.
    local = _rules(_site(make_site, old, {"content/_catalogue.yml": "max_age_days:\n  statutory/land-expropriation: 90\n"}))
    assert [(r, f) for r, f, _ in local] == [("columns/local-age", "statutory/land-expropriation")]
    assert "超过_catalogue.yml 中设定的 90 天（本地要求，不计入国家单项否决）" in local[0][2]
    # However many local limits are passed, none counts toward a national veto.
    many = "max_age_days:\n" + "".join(f"  {ref}: 30\n" for ref in old) + "".join(f"  {ref}: 30\n" for ref in ("statutory/fundraising-labour", "statutory/farmland-water", "statutory/recruitment", "statutory/procurement", "statutory/licensing-services", "statutory/penalties-enforcement"))
    ten_local = _rules(_site(make_site, {**old, **dict.fromkeys(("statutory/fundraising-labour", "statutory/farmland-water", "statutory/recruitment", "statutory/procurement", "statutory/licensing-services", "statutory/penalties-enforcement"), "2025-10-01")}, {"content/_catalogue.yml": many}))
    assert [r for r, _, _ in ten_local].count("columns/local-age") == 10 and "columns/veto" not in [r for r, _, _ in ten_local]


def test_home_page_two_weeks(make_site: Callable[..., Path]) -> None:
    def at(days: int) -> list[str]:
        day = (TODAY - dt.timedelta(days=days)).isoformat()
        return [r for r, _, _ in _rules(_site(make_site, dict.fromkeys(TOWNSHIP_LEAVES, day)))]

    assert "columns/home" not in at(14)
    assert "columns/home" in at(15)


def test_required_columns_cannot_be_declared_not_applicable(make_site: Callable[..., Path]) -> None:
    catalogue = "not_applicable:\n  statutory/fees: 本镇无行政事业性收费项目。\n  guide: 无\n  statutory/budget-accounts: 本镇无预算\n  apply/form: 没有表格\n"
    result = check_site(_site(make_site, extra={"content/_catalogue.yml": catalogue}), today=TODAY)
    errors = sorted((p.path, p.line, p.field) for p in result.problems if p.level.value == "错误")
    assert errors == [("content/_catalogue.yml", 3, "not_applicable.guide"), ("content/_catalogue.yml", 4, "not_applicable.statutory/budget-accounts"), ("content/_catalogue.yml", 5, "not_applicable.apply/form")]
    message = next(p.message for p in result.problems if p.field == "not_applicable.guide")
    assert message.startswith("栏目“政府信息公开指南”（guide）是每个站点必须公开的栏目，不能声明不涉及")


def test_standard_catalogue_shows_only_the_domains_used(make_site: Callable[..., Path], tmp_path: Path) -> None:
    extra = {
        "content/sc/a.md": item(f"title: 安全生产检查公示\ncatalogue: standard-catalogue/work-safety\ndisclosure: 主动公开\npublished: {FRESH}"),
        "content/_catalogue.yml": "not_applicable:\n  standard-catalogue/public-resource-trading: 本镇无公共资源交易项目。\n",
    }
    site = _site(make_site, extra=extra)
    found = _rules(site)
    assert not [f for r, f, _ in found if r == "columns/empty"]
    listed = [m for r, _, m in found if r == "columns/standard-catalogue"]
    assert len(listed) == 1
    assert "安全生产" not in listed[0] and "公共资源交易" not in listed[0] and "涉农补贴（standard-catalogue/agri-subsidies）" in listed[0]
    # Domains of the county level (税收管理, 户籍管理 …) do not apply to a township at all.
    assert "税收管理" not in listed[0] and "户籍管理" not in listed[0]
    assert [(r, f) for r, f, _ in found if r == "columns/min-items"] == [("columns/min-items", "standard-catalogue/work-safety")]
    from generator import build_site

    build_site(site, tmp_path / "out", search=False)
    home = (tmp_path / "out/index.html").read_text(encoding="utf-8")
    assert "安全生产" in home and "涉农补贴" not in home


def test_twenty_working_days_across_spring_festival_and_a_make_up_saturday(make_site: Callable[..., Path]) -> None:
    # 成文 2026-02-05.  Working days after it: 02-06, 02-09…02-13, 02-14 (a 调休 Saturday), then the
    # 春节 holiday 02-15…02-23, 02-24…02-27, 02-28 (调休 Saturday), 03-02…: the 20th is 03-11.
    def delay(published: str) -> list[str]:
        site = make_site({"content/a.md": item(f"title: 通知\ncatalogue: other/notices\ndisclosure: 主动公开\nwritten: 2026-02-05\npublished: {published}")})
        return [p.format() for p in check_site(site, today=TODAY).problems if p.rule == "metadata/timeliness"]

    assert delay("2026-03-11") == []
    assert delay("2026-03-12") == [
        "content/a.md:6: 警告 [published/发布日期] 成文日期 2026-02-05，发布日期 2026-03-12：成文后第 21 个工作日才公开，超过条例第26条“自该政府信息形成或者变更之日起 20 个工作日内”的时限。请及时公开；如发布日期写错了，请改正。"
    ]
    # Weekdays alone would put the 20th working day on 03-05 (holidays counted, 调休 Saturdays not).
    assert delay("2026-03-06") == [] and len(delay("2026-03-13")) == 1


def test_a_year_the_calendar_does_not_know_is_said_once(make_site: Callable[..., Path]) -> None:
    files = {f"content/{n}.md": item(f"title: 通知{n}\ncatalogue: other/notices\ndisclosure: 主动公开\nwritten: 2026-12-01\npublished: 2027-03-0{n}") for n in (1, 2)}
    found = [p.format() for p in check_site(make_site(files), today=dt.date(2027, 3, 10)).problems if p.rule == "metadata/timeliness"]
    assert len(found) == 1 and found[0].startswith("content/_site.yml:1: 警告 [工作日] 2 条信息") and "chinese-calendar 只到 2026 年" in found[0]


def test_the_inspection_figures_in_check_json_are_known_answers(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    import json

    doc = "title: 关于印发某办法的通知\nid: rules\ncatalogue: statutory/policy-docs\ndisclosure: 主动公开\npublished: 2026-03-01\ndoc_no: 测政发〔2026〕1号\ndoc_class: 行政规范性文件"
    other = doc.replace("id: rules", "id: rules2").replace("1号", "2号").replace("某办法", "另一办法")
    reading = "title: 《某办法》解读\ncatalogue: statutory/interpretations\ndisclosure: 主动公开\npublished: 2026-03-01\ninterprets: [rules]\ninterpretation_form: 文字"
    report = "title: 测试镇2025年政府信息公开工作年度报告\ncatalogue: annual-report\ndisclosure: 主动公开\npublished: 2026-02-03\nreport_year: 2025"
    # A phone number of a person in a public notice: one privacy finding, counted, never quoted.
    phone = "title: 停水通知\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-03-02"
    site = make_site({"content/a.md": item(doc), "content/b.md": item(other), "content/c.md": item(reading), "content/d.md": item(report), "content/e.md": item(phone, "联系人张三，手机13912345678。")})
    _code, said = gongkai("check", str(site), "--format", "json", "--today", "2026-03-11")
    facts = json.loads(said)["inspection"]
    assert facts["normative_documents"] == {"published": 2, "interpreted": 1}
    assert facts["annual_report"] == {"year": 2025, "published": "2026-02-03", "on_time": False}  # after 31 January
    assert facts["home_days"] == 9 and facts["privacy_findings"] == 1 and facts["columns"]["empty"] > 0
    assert "13912345678" not in json.dumps(facts)
