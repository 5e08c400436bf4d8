"""Annual report rules: every cell present and a number, and the cross-checks (勾稽关系) of the
national format, on the report as published and on the office's data files."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..assemble import PublicItem
from ..extract import Extracted
from ..problems import Problem, error, site_path, warning
from ..report_data import AnnualData, ReportValues, expected_values, report_year
from ..report_tables import (
    APPEALS,
    APPLICANTS,
    APPLICATIONS,
    DECISIONS,
    NORMATIVE,
    OUTCOMES,
    RESULT_ROWS,
    SECTIONS,
    TABLES,
    ParsedTable,
    TableSpec,
    number,
    parse_rows,
    parse_tables,
    row_label,
)
from .context import CheckInput

# The national format (国办公开办函〔2021〕30号) applies from the reports on 2021.
FORMAT_SINCE = 2021
FIELD = "年度报告"


def _cell(spec: TableSpec, row: str, col: str) -> str:
    """A cell as messages name it: the section heading, the part for section 二, row and column."""
    row_line = next(r for r in spec.rows if r.key == row)
    col_line = next(c for c in spec.cols if c.key == col)
    if spec is DECISIONS:
        return f"{SECTIONS[spec.section]}表中{row_line.group}“{row_line.label}”的{row_line.subgroup}"
    if spec is APPEALS:
        return f"{SECTIONS[spec.section]}表中“{row_line.label}”下的“{col_line.label}”"
    where = f"{SECTIONS[spec.section]}表中{spec.part}" if spec.part else f"{SECTIONS[spec.section]}表中"
    return f"{where}“{row_label(spec, row_line)}”行“{col_line.label}”列"


_READABLE = (".docx", ".xlsx")


class _Report:
    """One published report with its parsed tables and numeric cells.

    The tables are read from the body; a report published as a short text with the full report
    attached is read from its DOCX or XLSX attachment (``source`` then names that file).
    """

    def __init__(self, entry: PublicItem, year: int, attachments: dict[str, Extracted]) -> None:
        self.entry = entry
        self.year = year
        item = entry.item
        self.source = item.path
        self.tables, self.issues = parse_tables(item.body, item.body_line)
        self.attached = tuple(a.file for a in item.attachments)
        if not self.tables:
            for ref in item.attachments:
                extracted = attachments.get(ref.file)
                if extracted is None or not ref.file.lower().endswith(_READABLE):
                    continue
                rows = tuple((row, table.first_line + n) for table in extracted.tables if not table.hidden for n, row in enumerate(table.rows))
                tables, issues = parse_rows(rows)
                if tables:
                    self.source, self.tables, self.issues = ref.file, tables, issues
                    break
        self.by_spec = {t.spec.id: t for t in self.tables}
        self.numbers: dict[tuple[str, str, str], float | int] = {}
        self.lines: dict[tuple[str, str, str], int] = {}
        self.blank: list[tuple[ParsedTable, str, str]] = []
        for table in self.tables:
            for (row, col), cell in table.cells.items():
                value = number(table.spec, row, cell)
                self.lines[(table.spec.id, row, col)] = cell.line
                if value is None:
                    self.blank.append((table, row, col))
                else:
                    self.numbers[(table.spec.id, row, col)] = value

    def get(self, table: str, row: str, col: str) -> float | int | None:
        return self.numbers.get((table, row, col))

    def line(self, table: str, row: str, col: str) -> int:
        return self.lines.get((table, row, col), self.entry.item.body_line)


def annual_report(ctx: CheckInput) -> Iterator[Problem]:
    """The report's tables against the national format, its sums and last year's report; the data
    files' own cross-check."""
    reports: dict[int, _Report] = {}
    attachments = {a.path: a for a in ctx.attachments}
    for entry in ctx.site.items:
        year = report_year(entry.item)
        if year is not None and year >= FORMAT_SINCE and year not in reports:
            reports[year] = _Report(entry, year, attachments)
    data = {d.year: d for d in ctx.annual}
    items = tuple(e.item for e in ctx.site.items)
    for year, report in sorted(reports.items()):
        yield from _shape(report)
        yield from _sums(report)
        if year - 1 in reports:
            yield from _continuity(reports[year - 1], report)
        yield from _against(report, expected_values(items, year, data.get(year)), data.get(year))
    for year_data in data.values():
        yield from _data_balance(year_data)


def _shape(report: _Report) -> Iterator[Problem]:
    path = report.source
    item = report.entry.item
    if not report.tables:
        # The legal duty is to publish by 31 January: a report whose tables cannot be read is
        # said once, as a warning, and never blocks the build.
        if report.attached:
            yield warning(item.path, item.line_of("attachments"), FIELD, f"{report.year} 年度报告的表格在附件中（{'、'.join(site_path(a) for a in report.attached)}），无法核验其数字。如能提供 DOCX 或 XLSX 版本，gongkai 可以逐格核对；也可以把表格写进正文。", "annual/unverified")
        else:
            yield warning(item.path, item.body_line, FIELD, f"{report.year} 年度报告正文里没有找到国办公开办函〔2021〕30号格式的表格（二、三、四部分各一张）。可运行 gongkai report {report.year} 生成带表格的草稿对照补上，或把完整报告作为附件发布。", "annual/table")
        return
    for issue in report.issues:
        yield error(path, issue.line, f"{FIELD}/{issue.field}", issue.message, "annual/table")
    for spec in TABLES:
        if spec.id not in report.by_spec:
            yield warning(path, item.body_line if path == item.path else 1, FIELD, f"缺少“{spec.name}”表格：{report.year} 年度报告应按国办公开办函〔2021〕30号格式包含此表。可运行 gongkai report {report.year} 生成带表格的草稿，对照补上（表格放在对应的标题下）。", "annual/table")
    for table, row_key, col_key in report.blank:
        text = table.cells[(row_key, col_key)].text
        if re.fullmatch(r"\d+\.\d+", text.replace(",", "")):
            found = f"写成了“{text}”：件数应为整数，只有本年收费金额（万元）可以有小数"
        else:
            found = ("为空" if not text else f"写成了“{text}”") + "：每个单元格都应填数字，没有的填 0，不能空着"
        yield error(path, table.cells[(row_key, col_key)].line, FIELD, f"{_cell(table.spec, row_key, col_key)}{found}。", "annual/cell")
    rules = report.by_spec.get(NORMATIVE.id)
    if rules is not None:
        for column in NORMATIVE.cols:
            value = report.get(NORMATIVE.id, "rules", column.key)
            if value:
                yield error(path, report.line(NORMATIVE.id, "rules", column.key), FIELD, f"{_cell(NORMATIVE, 'rules', column.key)}为 {value}：乡镇、街道和县级部门没有规章制定权，应为 0。", "annual/rules")


def _sums(report: _Report) -> Iterator[Problem]:
    path = report.source
    t3 = APPLICATIONS.id
    people = [c.key for c in APPLICANTS]

    def mismatch(table: str, row: str, col: str, found: float | int, expected: float | int, why: str) -> Problem:
        spec = APPLICATIONS if table == t3 else APPEALS
        return error(path, report.line(table, row, col), FIELD, f"{_cell(spec, row, col)}为 {found}，{why}应为 {expected}。请核对后改正。", "annual/sum")

    if t3 in report.by_spec:
        for row in APPLICATIONS.rows:
            parts = [report.get(t3, row.key, c) for c in people]
            total = report.get(t3, row.key, "total")
            if total is not None and None not in parts and total != sum(p or 0 for p in parts):
                yield mismatch(t3, row.key, "total", total, sum(p or 0 for p in parts), "按各类申请人之和，")
        for col in people + ["total"]:
            parts = [report.get(t3, r, col) for r in RESULT_ROWS]
            total = report.get(t3, "results_total", col)
            if total is not None and None not in parts and total != sum(p or 0 for p in parts):
                yield mismatch(t3, "results_total", col, total, sum(p or 0 for p in parts), "按（一）至（六）各项之和，")
            new, carried, done, forward = (report.get(t3, r, col) for r in ("new", "carried_over", "results_total", "carry_forward"))
            if None not in (new, carried, done, forward) and (new or 0) + (carried or 0) != (done or 0) + (forward or 0):
                label = next(c.label for c in APPLICATIONS.cols if c.key == col)
                yield error(
                    path, report.line(t3, "new", col), FIELD,
                    f"{SECTIONS[APPLICATIONS.section]}表中“{label}”列勾稽关系不成立：本年新收 {new} + 上年结转 {carried} = {(new or 0) + (carried or 0)}，"
                    f"而办理结果总计 {done} + 结转下年度 {forward} = {(done or 0) + (forward or 0)}。两者应相等。",
                    "annual/balance",
                )
    t4 = APPEALS.id
    if t4 in report.by_spec:
        for row in APPEALS.rows:
            parts = [report.get(t4, row.key, c.key) for c in OUTCOMES]
            total = report.get(t4, row.key, "total")
            if total is not None and None not in parts and total != sum(p or 0 for p in parts):
                yield mismatch(t4, row.key, "total", total, sum(p or 0 for p in parts), "按各项结果之和，")


def _continuity(last: _Report, report: _Report) -> Iterator[Problem]:
    t = NORMATIVE.id
    before = last.get(t, "normative", "in_force")
    issued, repealed, now = (report.get(t, "normative", c) for c in ("issued", "repealed", "in_force"))
    if None in (before, issued, repealed, now):
        return
    expected = (before or 0) + (issued or 0) - (repealed or 0)
    if now != expected:
        # A warning: the format does not state this rule, and last year's report is published
        # and should not be edited to make it hold.
        yield warning(
            report.source, report.line(t, "normative", "in_force"), FIELD,
            f"{_cell(NORMATIVE, 'normative', 'in_force')}为 {now}，与上年报告不衔接：上年现行有效 {before}（{site_path(last.source)}）"
            f"+ 本年制发 {issued} − 本年废止 {repealed} = {expected}。请核对本年的数字；上年报告已发布，不必为此修改。",
            "annual/continuity",
        )


def _against(report: _Report, expected: ReportValues, data: AnnualData | None) -> Iterator[Problem]:
    """Cells that differ from what the catalogue counts or the data file gives: a warning, since
    either side may be the one to fix."""
    path = report.source
    tables: tuple[tuple[TableSpec, dict[tuple[str, str], str]], ...] = (
        (NORMATIVE, expected.normative),
        (DECISIONS, expected.decisions),
        (APPLICATIONS, expected.applications if data else {}),
        (APPEALS, expected.appeals if data else {}),
    )
    for spec, values in tables:
        for (row, col), text in values.items():
            found = report.get(spec.id, row, col)
            if found is None or float(text) == found:
                continue
            if (spec.id, row, col) in expected.computed:
                source = f"按目录统计为 {text}（在 content/_annual/{report.year}.yml 中填写可改用实际数字）"
            elif data is not None:
                source = f"年度报告数据文件 {data.path} 中为 {text}"
            else:
                continue
            yield warning(path, report.line(spec.id, row, col), FIELD, f"{_cell(spec, row, col)}为 {found}，{source}。请核对哪一边有误。", "annual/source")


def _data_balance(data: AnnualData) -> Iterator[Problem]:
    """新收 + 结转 = 办理结果总计 + 结转下年度, for each kind of applicant in the data file."""
    for col in APPLICANTS:
        count = {row.key: int(data.applications.get((row.key, col.key), "0")) for row in APPLICATIONS.rows}
        received = count["new"] + count["carried_over"]
        done = sum(count[r] for r in RESULT_ROWS)
        forward = count["carry_forward"]
        if received != done + forward:
            line = data.line("t3", "new", col.key) if ("new", col.key) in data.applications else 1
            yield error(
                data.path, line, f"申请.{col.short}",
                f"“{col.label}”的申请数不平衡：本年新收 {count['new']} + 上年结转 {count['carried_over']} = {received}，"
                f"而各项办理结果之和 {done} + 结转下年度 {forward} = {done + forward}。请补全办理结果或结转数。",
                "annual/balance",
            )
