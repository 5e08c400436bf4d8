"""The annual report: counts computed from a catalogue whose true counts are known, the data file,
the cross-checks with the messages a clerk sees, the draft's overwrite guard and the page."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import build_site, check_site
from generator.annual.draft import is_untouched_draft, write_report
from tests.browser import chromium, serve
from tests.conftest import item
from tests.documents import docx_tables, pdf, xlsx
from tests.national import TABLE_FOUR, TABLE_THREE, TABLE_TWO, matrix, shapes

TODAY = dt.date(2026, 11, 22)


def _doc(key: str, published: str, extra: str = "", doc_class: str = "行政规范性文件", disclosure: str = "主动公开") -> str:
    return item(
        f"title: 文件{key}\nid: {key}\ncatalogue: statutory/policy-docs\ndisclosure: {disclosure}\n"
        + ("exempt_reason: internal-affairs\n" if disclosure == "不予公开" else f"published: {published}\n")
        + f"doc_class: {doc_class}\n{extra}"
    )


# Normative documents with known counts.
#   2024: issued a, b (2); repealed none; in force at the end a, b (2).
#   2025: issued d, e, f (3); repealed b (废止 2025-05-01) and e (失效 2025-12-01) (2); in force a, d, f (3).
# c is 其他文件 and w is withheld: neither counts; f is repealed only in 2026.
CATALOGUE = {
    "content/docs/a.md": _doc("a", "2024-03-01"),
    "content/docs/b.md": _doc("b", "2024-06-01", "validity: 废止\nvalidity_date: 2025-05-01\n"),
    "content/docs/c.md": _doc("c", "2024-07-01", doc_class="其他文件"),
    "content/docs/d.md": _doc("d", "2025-02-01"),
    "content/docs/e.md": _doc("e", "2025-07-01", "validity: 失效\nvalidity_date: 2025-12-01\n"),
    "content/docs/f.md": _doc("f", "2025-09-01", "validity: 废止\nvalidity_date: 2026-01-10\n"),
    "content/docs/w.md": _doc("w", "2025-03-01", disclosure="不予公开"),
    "content/decisions/p1.md": item("title: 处罚决定一\ncatalogue: statutory/penalties-enforcement\ndisclosure: 主动公开\npublished: 2025-04-01\ndoc_class: 行政处罚决定"),
    "content/decisions/p2.md": item("title: 处罚决定二\ncatalogue: statutory/penalties-enforcement\ndisclosure: 主动公开\npublished: 2025-05-01\ndoc_class: 行政处罚决定"),
}

DATA_2025 = """行政许可: 12
行政事业性收费: 1.25
申请:
  本年新收: {自然人: 4, 商业企业: 1}
  上年结转: {自然人: 1}
  予以公开: {自然人: 2}
  部分公开: {商业企业: 1}
  本机关不掌握相关政府信息: {自然人: 1}
  重复申请: {自然人: 1}
  结转下年度: {自然人: 1}
行政复议: {结果维持: 1, 尚未审结: 1}
"""


def _row(lines: list[str], label: str) -> int:
    """The first pipe-table row with a cell that contains ``label``."""
    for n, line in enumerate(lines):
        if line.startswith("|") and any(label in c for c in line.strip().strip("|").split("|")):
            return n
    raise AssertionError(f"no row {label}")


def _cells(text: str, label: str) -> list[str]:
    """The filled cells after the label of the first pipe-table row labelled ``label`` (the
    national layout leaves merged cells blank); for 四 the one row of fifteen numbers."""
    lines = text.splitlines()
    at = _row(lines, "结果维持") + 2 if label == "四" else _row(lines, label)
    cells = [c.strip() for c in lines[at].strip().strip("|").split("|")]
    start = 0 if label == "四" else next(n for n, c in enumerate(cells) if label in c) + 1
    return [c for c in cells[start:] if c]


def _ready(path: Path) -> None:
    """Mark a draft ready, as the clerk does: delete its ``draft`` line."""
    path.write_text(re.sub(r"(?m)^draft: .*\n", "", path.read_text(encoding="utf-8")), encoding="utf-8")


def _fill(path: Path) -> None:
    """Write the clerk's paragraphs where the draft left 【待填写】, and mark the draft ready."""
    path.write_text(re.sub(r"【待填写：[^】]*】", "本镇按要求做好政务公开工作。", path.read_text(encoding="utf-8")), encoding="utf-8")
    _ready(path)


def _annual(problems: tuple[object, ...]) -> list[str]:
    return [p.format() for p in problems if getattr(p, "family", "") == "annual"]  # type: ignore[attr-defined]


@pytest.fixture
def drafted(make_site: Callable[..., Path]) -> Path:
    """A site with the known catalogue, data files for 2025, and drafts for 2024 and 2025 filled in."""
    site = make_site({**CATALOGUE, "content/_annual/2025.yml": DATA_2025, "content/_annual/2024.yml": "申请:\n  本年新收: {自然人: 1}\n  结转下年度: {自然人: 1}\n"})
    for year in (2024, 2025):
        outcome = write_report(site, year, today=TODAY)
        assert outcome.report == f"年度报告/{year}-nianbao.md", outcome.problems
        _fill(site / "content" / outcome.report)
    return site


def test_draft_counts_what_the_catalogue_knows(drafted: Path) -> None:
    text24 = (drafted / "content/年度报告/2024-nianbao.md").read_text(encoding="utf-8")
    text25 = (drafted / "content/年度报告/2025-nianbao.md").read_text(encoding="utf-8")
    assert _cells(text24, "行政规范性文件") == ["2", "0", "2"]
    assert _cells(text25, "行政规范性文件") == ["3", "2", "3"]
    assert _cells(text25, "规章") == ["0", "0", "0"]
    # Decisions: two penalty items counted from the catalogue, licences and fees from the data file.
    assert _cells(text25, "行政处罚") == ["2"] and _cells(text25, "行政许可") == ["12"] and _cells(text25, "行政事业性收费") == ["1.25"]
    # Table 三 with computed totals: 自然人 4 new + 1 carried = 4 handled + 1 carried forward.
    assert _cells(text25, "本年新收") == ["4", "1", "0", "0", "0", "0", "5"]
    assert _cells(text25, "（七）总计") == ["4", "1", "0", "0", "0", "0", "5"]
    assert _cells(text25, "四") == ["1", "0", "0", "1", "2"] + ["0"] * 10
    # The draft's tables in the national layout too: section 二's four article rows in order, no captions.
    articles = re.findall(r"^\| (第二十条第（[一五六八]）项) \|", text25, re.MULTILINE)
    assert articles == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    assert not re.search(r"表[1-4]：", text25) and "条例依据" not in text25
    assert "国务院办公厅政府信息与政务公开办公室《关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》" in text25
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert f"## {heading}" in text25
    # Section 一 counts the year's public items per column (a, c … are 2024; d, e, f, p1, p2 are 2025).
    assert "- 政策文件：3 条" in text25 and "- 行政处罚和行政强制：2 条" in text25
    result = check_site(drafted, today=TODAY)
    assert _annual(result.problems) == []
    assert result.ok, [p.format() for p in result.problems]


def test_unfinished_draft_cannot_be_published(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site(dict(CATALOGUE))
    outcome = write_report(site, 2025, today=TODAY)
    assert outcome.data_created == "content/_annual/2025.yml"
    assert (site / outcome.data_created).read_text(encoding="utf-8").startswith("# 2025 年政府信息公开工作年度报告数据")
    # The draft stays out of the site and says so; the rest of the site still publishes.
    result = check_site(site, today=TODAY)
    assert result.ok, [p.format() for p in result.problems if p.level.value == "错误"]
    held = [p.format() for p in result.problems if p.field.startswith("draft")]
    assert held == [f"content/{outcome.report}:5: 警告 [draft/草稿] 本条目标为草稿（draft: true），不会发布到网站。定稿后删除这一行即可发布。"]
    out = tmp_path / "out"
    build_site(site, out, search=False)
    assert (out / "items/a.html").exists() and not (out / "items/2025-nianbao.html").exists()
    title = "2025年政府信息公开工作年度报告".encode()
    assert not [f for f in out.rglob("*") if f.is_file() and title in f.read_bytes()]
    # Marked ready while 【待填写】 marks remain, it is refused.
    _ready(site / "content" / outcome.report)
    result = check_site(site, today=TODAY)
    placeholders = [p for p in result.problems if p.rule == "hygiene/placeholder"]
    assert len(placeholders) == 4 and not result.ok  # three sections and the data file reminder
    assert "【待填写：核对 content/_annual/2025.yml" in (site / "content" / outcome.report).read_text(encoding="utf-8")


def test_edited_report_is_not_overwritten(drafted: Path, gongkai: Callable[..., tuple[int, str]]) -> None:
    path = drafted / "content/年度报告/2025-nianbao.md"
    edited = path.read_text(encoding="utf-8")
    assert not is_untouched_draft(edited)
    code, output = gongkai("report", "2025", str(drafted), "--today", "2026-11-22")
    assert code == 1 and "已修改过，没有覆盖" in output and "--force" in output
    assert path.read_text(encoding="utf-8") == edited
    # An untouched draft is simply redrafted with the new numbers.
    other = write_report(drafted, 2024, force=True, today=TODAY)
    assert is_untouched_draft((drafted / "content" / other.report).read_text(encoding="utf-8"))
    (drafted / "content/_annual/2024.yml").write_text("行政许可: 7\n", encoding="utf-8")
    assert write_report(drafted, 2024, today=TODAY).report
    assert _cells((drafted / "content" / other.report).read_text(encoding="utf-8"), "行政许可") == ["7"]


def test_force_keeps_index_number_and_a_withheld_report_withheld(make_site: Callable[..., Path]) -> None:
    site = make_site({
        **CATALOGUE,
        "content/年报/old.md": item('title: 测试镇2025年政府信息公开工作年度报告\ncatalogue: annual-report\ndisclosure: 依申请公开\nindex_no: "X/2026-00001"\nid: nb-2025'),
    })
    outcome = write_report(site, 2025, force=True, today=TODAY)
    assert outcome.report == "年报/old.md"
    text = (site / "content/年报/old.md").read_text(encoding="utf-8")
    assert "disclosure: 依申请公开" in text and 'index_no: "X/2026-00001"' in text and "id: nb-2025" in text


def test_cross_check_errors_name_the_cell(drafted: Path) -> None:
    path = drafted / "content/年度报告/2025-nianbao.md"
    lines = path.read_text(encoding="utf-8").split("\n")

    def edit(label: str, cells: list[str]) -> int:
        """Replace the last cells of a row (the numbers; for 四 the row of fifteen)."""
        at = _row(lines, "结果维持") + 2 if label == "四" else _row(lines, label)
        old = [c.strip() for c in lines[at].strip().strip("|").split("|")]
        lines[at] = "| " + " | ".join(old[: len(old) - len(cells)] + cells) + " |"
        return at + 1

    blank = edit("（一）予以公开", ["2", "0", "0", "0", "", "0", "2"])
    row_total = edit("（二）部分公开", ["0", "1", "0", "0", "0", "0", "2"])
    rules = edit("规章", ["1", "0", "0"])
    in_force = edit("行政规范性文件", ["3", "2", "4"])
    appeal = edit("四", ["1", "0", "0", "1", "3"] + ["0"] * 10)
    column_total = edit("（七）总计", ["4", "1", "0", "0", "0", "1", "6"])
    count = edit("行政许可", ["12.5", "", ""])
    path.write_text("\n".join(lines), encoding="utf-8")
    found = _annual(check_site(drafted, today=TODAY).problems)
    rel = "content/年度报告/2025-nianbao.md"
    three = "三、收到和处理政府信息公开申请情况表中"
    expected = [
        f"{rel}:{blank}: 错误 [年度报告] {three}“（一）予以公开”行“法律服务机构”列为空：每个单元格都应填数字，没有的填 0，不能空着。",
        f"{rel}:{row_total}: 错误 [年度报告] {three}“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”行“总计”列为 2，按各类申请人之和，应为 1。请核对后改正。",
        f"{rel}:{rules}: 错误 [年度报告] 二、主动公开政府信息情况表中第二十条第（一）项“规章”行“本年制发件数”列为 1：乡镇、街道和县级部门没有规章制定权，应为 0。",
        f"{rel}:{appeal}: 错误 [年度报告] 四、政府信息公开行政复议、行政诉讼情况表中“行政复议”下的“总计”为 3，按各项结果之和，应为 2。请核对后改正。",
        f"{rel}:{column_total}: 错误 [年度报告] {three}“（七）总计”行“其他”列为 1，按（一）至（六）各项之和，应为 0。请核对后改正。",
        f"{rel}:{count}: 错误 [年度报告] 二、主动公开政府信息情况表中第二十条第（五）项“行政许可”的本年处理决定数量写成了“12.5”：件数应为整数，只有本年收费金额（万元）可以有小数。",
    ]
    for message in expected:
        assert message in found, "\n".join(found)
    # Table 二's and 三's names are their sections': the format has no 表1–表4.
    assert not [m for m in found if re.search(r"表[1-4一二三四](?!中)", m.split("] ", 1)[1])], found
    # Last year's in-force count is a warning only: the format does not state that rule.
    continuity = [m for m in found if "与上年报告不衔接" in m]
    assert len(continuity) == 1 and continuity[0].startswith(f"{rel}:{in_force}: 警告")
    assert "上年现行有效 2（content/年度报告/2024-nianbao.md）+ 本年制发 3 − 本年废止 2 = 3" in continuity[0]
    # The edited cell also differs from the catalogue's count: a warning that says where the count comes from.
    assert any(m.startswith(f"{rel}:{in_force}: 警告") and "按目录统计为 3" in m for m in found)


def test_balance_of_a_report_table(drafted: Path) -> None:
    path = drafted / "content/年度报告/2025-nianbao.md"
    text = path.read_text(encoding="utf-8").replace("| 四、结转下年度继续办理 |  |  | 1 | 0 | 0 | 0 | 0 | 0 | 1 |", "| 四、结转下年度继续办理 |  |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |")
    assert "四、结转下年度继续办理 |  |  | 0 |" in text
    path.write_text(text, encoding="utf-8")
    found = _annual(check_site(drafted, today=TODAY).problems)
    assert any("三、收到和处理政府信息公开申请情况表中“自然人”列勾稽关系不成立：本年新收 4 + 上年结转 1 = 5，而办理结果总计 4 + 结转下年度 0 = 4。两者应相等。" in m for m in found), found


def test_data_file_mistakes(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    data = "行政许可: 很多\n申请:\n  本年新收: {自然人: 3}\n  予以公开: {自然人: 1, 外国人: 1}\n  不予公开: {自然人: 1}\n行政复议: [1, 2]\n"
    site = make_site({**CATALOGUE, "content/_annual/2025.yml": data})
    code, output = gongkai("check", str(site), "--today", "2026-11-22")
    assert code == 1
    path = "content/_annual/2025.yml"
    assert f"{path}:1: 错误 [行政许可] 应为不小于 0 的整数，这里写成了“很多”。" in output
    assert f"{path}:4: 错误 [申请.予以公开.外国人] 不认识的项“外国人”。" in output
    assert f"{path}:5: 错误 [申请.不予公开] 不认识的项“不予公开”。" in output and "属于国家秘密" in output
    assert f"{path}:6: 错误 [行政复议] 应为若干“键: 值”组成的映射" in output
    # The numbers that were readable are cross-checked too: 3 received, 1 handled, none carried forward.
    assert f"{path}:3: 错误 [申请.自然人] “自然人”的申请数不平衡：本年新收 3 + 上年结转 0 = 3，而各项办理结果之和 1 + 结转下年度 0 = 1。" in output
    # A draft is refused while the data file is wrong, and nothing is written.
    code, output = gongkai("report", "2025", str(site), "--today", "2026-11-22")
    assert code == 1 and not (site / "content/年度报告").exists()


def test_year_out_of_range(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    site = make_site(dict(CATALOGUE))
    code, output = gongkai("report", "2027", str(site), "--today", "2026-11-22")
    assert code == 2 and "年份 2027 不对" in output


def test_report_page_tables_csv_and_privacy(drafted: Path, tmp_path: Path) -> None:
    (drafted / "content/_annual/2025.yml").write_text(DATA_2025 + "# 申请人 张三 CANARY-REGISTER\n", encoding="utf-8")
    out = tmp_path / "out"
    build_site(drafted, out, search=False)
    page = (out / "items/2025-nianbao.html").read_text(encoding="utf-8")
    tables = re.findall(r'<table class="national".*?</table>', page, re.DOTALL)
    # One table per section, cell for cell as the format lays it out: no captions, no 条例依据 column.
    assert [shape for table in tables for shape in shapes(table)] == [TABLE_TWO, TABLE_THREE, TABLE_FOUR]
    for table in tables:
        assert "<caption>" not in table and "<td></td>" not in table and "条例依据" not in table
        assert all(re.search(r'scope="(row|col|rowgroup|colgroup)"', th) for th in re.findall(r"<th(?:\s[^>]*)?>", table))
    assert not re.search(r"表[1-4]", page)
    assert '<th scope="row">行政规范性文件</th><td>3</td><td>2</td><td>3</td>' in tables[0]
    assert '<th scope="row">行政事业性收费</th><td colspan="3">1.25</td>' in tables[0]
    csvs = sorted(p.name for p in (out / "files/2025-nianbao").glob("*.csv"))
    assert csvs == ["2025年度报告-三、收到和处理政府信息公开申请情况.csv", "2025年度报告-二、主动公开政府信息情况.csv", "2025年度报告-四、政府信息公开行政复议、行政诉讼情况.csv"]
    csv = (out / "files/2025-nianbao/2025年度报告-三、收到和处理政府信息公开申请情况.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf")
    assert "一、本年新收政府信息公开申请数量,,,4,1,0,0,0,0,5" in csv.decode("utf-8-sig")
    two = (out / "files/2025-nianbao/2025年度报告-二、主动公开政府信息情况.csv").read_text(encoding="utf-8-sig").splitlines()
    assert two[:3] == ["第二十条第（一）项,,,", "信息内容,本年制发件数,本年废止件数,现行有效件数", "规章,0,0,0"] and "行政事业性收费,1.25,," in two
    assert 'href="../files/2025-nianbao/2025%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A-' in page
    # The data file is the office's register: never published, nor anything in it.
    for file in out.rglob("*"):
        if file.is_file():
            assert b"CANARY-REGISTER" not in file.read_bytes() and "_annual" not in file.as_posix()


def test_data_file_cannot_be_attached(make_site: Callable[..., Path]) -> None:
    site = make_site({
        "content/_annual/2025.yml": DATA_2025,
        "content/a.md": item("title: 公告\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-01-01\nattachments: [_annual/2025.yml]"),
    })
    result = check_site(site, today=TODAY)
    assert not result.ok and any(p.path == "a.md" and p.field.startswith("attachments") for p in result.problems)


def test_printed_report_fits_a4(sample_build: Path) -> None:
    # A4 minus the print margins of the stylesheet (12 mm each side) at 96 px per inch.
    printable = round((210 - 24) / 25.4 * 96)
    with serve(sample_build) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": printable, "height": 1100})  # type: ignore[attr-defined]
        page.goto(url + "items/2025-nianbao.html")
        page.emulate_media(media="print")
        widths = page.evaluate("() => [...document.querySelectorAll('table.national')].map(t => [t.getBoundingClientRect().right, t.scrollWidth, t.parentElement.clientWidth])")
        assert len(widths) == 3  # one table each for sections 二, 三 and 四
        for right, scroll, room in widths:
            assert right <= printable and scroll <= room, widths
        pdf = page.pdf(format="A4")
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    # The last column of every table reached the paper.
    for words in ("现行有效件数", "本年收费金额", "法律服务机构", "复议后起诉"):
        assert words in text.replace("\n", ""), words


def _report(title: str, body: str, extra: str = "") -> str:
    return item(f"title: {title}\ncatalogue: annual-report\ndisclosure: 主动公开\npublished: 2026-01-20\n{extra}", body)


def _numbers(shape: list[list[tuple[str, int, int]]], values: list[str]) -> list[list[tuple[str, int, int]]]:
    """A national table's shape with its ``#`` cells filled in order."""
    it = iter(values)
    return [[(next(it) if text == "#" else text, rs, cs) for text, rs, cs in row] for row in shape]


def test_report_published_as_text_with_the_pdf_attached_builds_with_one_warning(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site({
        **CATALOGUE,
        "content/年报/2025.md": _report("测试镇2025年度政府信息公开工作报告", "全文见附件。", 'index_no: "11341200003219540W/2026-00001"\nattachments: [{file: 2025年报.pdf, title: 年度报告全文（盖章版）}]'),
        "content/年报/2025年报.pdf": pdf(["测试镇2025年政府信息公开工作年度报告"]),
    })
    result = check_site(site, today=TODAY)
    annual = [p.format() for p in result.problems if p.family == "annual" or p.rule == "columns/annual-report" or p.path.startswith("年报/")]
    assert annual == ["content/年报/2025.md:7: 警告 [年度报告] 2025 年度报告的表格在附件中（content/年报/2025年报.pdf），无法核验其数字。如能提供 DOCX 或 XLSX 版本，gongkai 可以逐格核对；也可以把表格写进正文。"]
    assert result.ok
    build_site(site, tmp_path / "out", search=False)
    assert (tmp_path / "out/files/2025/2025年报.pdf").exists()


def test_markdown_report_without_tables_is_a_warning_and_an_error_with_strict(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    site = make_site({**CATALOGUE, "content/年报/2025.md": _report("测试镇2025年政府信息公开工作年度报告", "## 一、总体情况\n\n本年公开工作正常。")})
    code, output = gongkai("check", str(site), "--today", "2026-11-22")
    assert code == 0 and "警告 [年度报告] 2025 年度报告正文里没有找到国办公开办函〔2021〕30号格式的表格" in output
    code, output = gongkai("check", str(site), "--today", "2026-11-22", "--strict")
    assert code == 1 and "错误 [年度报告] 2025 年度报告正文里没有找到" in output


def test_docx_attached_report_is_checked_cell_by_cell(make_site: Callable[..., Path]) -> None:
    two = _numbers(TABLE_TWO, ["0", "0", "0", "3", "2", "3", "0", "2", "0", "0"])
    people = ["4", "1", "0", "0", "0", "0", "5"]
    rows = [people, ["1", "0", "0", "0", "0", "0", "1"], ["2", "0", "0", "0", "0", "0", "2"], ["0", "1", "0", "0", "0", "0", "1"]]
    rows += [["0"] * 7] * 8 + [["1", "0", "0", "0", "0", "0", "1"]] + [["0"] * 7] * 2 + [["0", "0", "0", "0", "0", "0", "0"], ["1", "0", "0", "0", "0", "0", "1"]] + [["0"] * 7] * 6
    # （七）总计 for 自然人 is written 9: the sum of the result rows is 4.
    rows += [["9", "1", "0", "0", "0", "0", "5"], ["1", "0", "0", "0", "0", "0", "1"]]
    three = _numbers(TABLE_THREE, [v for row in rows for v in row])
    four = _numbers(TABLE_FOUR, ["1", "0", "0", "1", "2"] + ["0"] * 10)
    site = make_site({
        **CATALOGUE,
        "content/年报/2025.md": _report("测试镇2025年年报", "全文见附件。", "attachments: [年度报告.docx]"),
        "content/年报/年度报告.docx": docx_tables([two, three, four], ("一、总体情况", "本年公开工作正常。")),
    })
    found = _annual(check_site(site, today=TODAY).problems)
    errors = [m for m in found if "错误" in m]
    # One wrong cell breaks the three relations it is part of; each error names the attachment's row.
    assert errors and all(m.startswith("content/年报/年度报告.docx:") for m in errors), found
    assert any("三、收到和处理政府信息公开申请情况表中“（七）总计”行“自然人”列为 9，按（一）至（六）各项之和，应为 4。" in m for m in errors), errors
    assert len(errors) == 3 and "勾稽关系不成立" in errors[0]
    assert not [m for m in found if "无法核验" in m or "没有找到" in m]


def test_report_is_known_by_its_year_field_or_any_usual_title(make_site: Callable[..., Path]) -> None:
    for title, extra in (("测试镇2025年年报", ""), ("测试镇2025年度政府信息公开工作报告", ""), ("政府信息公开工作年度报告", "report_year: 2025\n"), ("年报", "报告年度: 2025\n")):
        site = make_site({**CATALOGUE, "content/年报/x.md": _report(title, "全文见附件。", extra + "attachments: [x.pdf]"), "content/年报/x.pdf": pdf(["报告"])})
        result = check_site(site, today=TODAY)
        assert not [p for p in result.problems if p.rule == "columns/annual-report"], title
        assert [p.rule for p in result.problems if p.family == "annual"] == ["annual/unverified"], title
    # The year field belongs to the annual-report column only.
    site = make_site({"content/a.md": item("title: 公告\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-01-01\nreport_year: 2025")})
    assert any(p.field == "report_year/报告年度" and "只用于政府信息公开年报栏目" in p.message for p in check_site(site, today=TODAY).problems)


def test_report_written_for_the_last_release_still_builds(make_site: Callable[..., Path], tmp_path: Path) -> None:
    text = (Path(__file__).parent / "data/report-release-0.1.md").read_text(encoding="utf-8")
    site = make_site({**CATALOGUE, "content/年报/2025.md": text.replace("| 行政许可 | 212 |", "| 行政许可 | 2.5 |")})
    found = _annual(check_site(site, today=TODAY).problems)
    assert [m for m in found if "错误" in m] == ["content/年报/2025.md:36: 错误 [年度报告] 二、主动公开政府信息情况表中第二十条第（五）项“行政许可”的本年处理决定数量写成了“2.5”：件数应为整数，只有本年收费金额（万元）可以有小数。"], found
    site = make_site({**CATALOGUE, "content/年报/2025.md": text})
    out = tmp_path / "out"
    build_site(site, out, search=False)
    page = (out / "items/2025.html").read_text(encoding="utf-8")
    # The old captions are read, not shown: the tables appear in the national layout.
    shaped = [s for t in re.findall(r'<table class="national".*?</table>', page, re.DOTALL) for s in shapes(t)]
    assert shaped == [TABLE_TWO[:4], TABLE_TWO[4:], TABLE_THREE, TABLE_FOUR]
    assert "表1：" not in page and "表3：" not in page


def test_xlsx_attached_report_with_all_tables_on_one_sheet(make_site: Callable[..., Path]) -> None:
    two = _numbers(TABLE_TWO, ["0", "0", "0", "3", "2", "3", "0", "2", "0", "0"])
    three = _numbers(TABLE_THREE, ["0"] * (25 * 7))
    four = _numbers(TABLE_FOUR, ["1", "0", "0", "1", "3"] + ["0"] * 10)  # 总计 3, the outcomes sum to 2
    rows: list[list[object]] = [["测试镇2025年政府信息公开工作年度报告"], ["二、主动公开政府信息情况"], *matrix(two), ["三、收到和处理政府信息公开申请情况"], *matrix(three), ["四、政府信息公开行政复议、行政诉讼情况"], *matrix(four)]
    site = make_site({
        **CATALOGUE,
        "content/年报/2025.md": _report("测试镇2025年政府信息公开工作年度报告", "全文见附件。", "attachments: [年报.xlsx]"),
        "content/年报/年报.xlsx": xlsx({"年报": rows}),
    })
    errors = [m for m in _annual(check_site(site, today=TODAY).problems) if "错误" in m]
    line = len(rows)  # the row of fifteen numbers is the sheet's last
    assert errors == [f"content/年报/年报.xlsx:{line}: 错误 [年度报告] 四、政府信息公开行政复议、行政诉讼情况表中“行政复议”下的“总计”为 3，按各项结果之和，应为 2。请核对后改正。"]


def test_sample_report_page_is_the_national_layout(sample_build: Path) -> None:
    page = (sample_build / "items/2025-nianbao.html").read_text(encoding="utf-8")
    tables = re.findall(r'<table class="national".*?</table>', page, re.DOTALL)
    assert [shape for table in tables for shape in shapes(table)] == [TABLE_TWO, TABLE_THREE, TABLE_FOUR]


def test_a_tracked_deletion_in_a_docx_cell_is_not_part_of_its_value(make_site: Callable[..., Path]) -> None:
    # Word keeps a deleted "9" before the "2" that replaced it; a reader sees 2, and so must the check.
    import docx as python_docx

    shape = _numbers(TABLE_FOUR, ["1", "0", "0", "1", "2"] + ["0"] * 10)
    data = io.BytesIO(docx_tables([shape]))
    document = python_docx.Document(data)
    cell = document.tables[0].rows[3].cells[4]._tc  # 行政复议 总计
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    paragraph = cell.find(f"{w}p")
    deletion = paragraph.makeelement(f"{w}del", {f"{w}id": "1", f"{w}author": "x"})
    run = deletion.makeelement(f"{w}r", {})
    text = run.makeelement(f"{w}delText", {})
    text.text = "9"
    run.append(text)
    deletion.append(run)
    paragraph.insert(0, deletion)
    out = io.BytesIO()
    document.save(out)
    site = make_site({
        **CATALOGUE,
        "content/年报/2025.md": _report("测试镇2025年年报", "全文见附件。", "attachments: [报告.docx]"),
        "content/年报/报告.docx": out.getvalue(),
    })
    found = _annual(check_site(site, today=TODAY).problems)
    assert not [m for m in found if "“行政复议”下的“总计”" in m], found
    assert not [m for m in found if "无法核验" in m], found
