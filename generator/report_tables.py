"""The four tables of the annual report (国办公开办函〔2021〕30号): their rows and columns, and
how they are written as Markdown, read back from a report's body, exported as CSV and shown in
the national layout.

The clerk edits the report as Markdown pipe tables with one label column (the national layout's
merged headers do not fit a pipe table); the page shows the national layout built from the same
numbers, so what is checked is exactly what is published.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt


@dataclass(frozen=True)
class Line:
    """A row or a column of a table: its code, its short name (used in the data file and to
    recognise a row) and its label as the national format prints it."""

    key: str
    short: str
    label: str
    group: str = ""
    subgroup: str = ""


@dataclass(frozen=True)
class TableSpec:
    """One table: the caption line the report carries above it, its corner label, rows and columns."""

    id: str
    caption: str
    corner: str
    rows: tuple[Line, ...]
    cols: tuple[Line, ...]
    decimal: bool = False


NORMATIVE = TableSpec(
    "t2a",
    "表1：主动公开政府信息情况（第二十条第（一）项）",
    "信息内容",
    (Line("rules", "规章", "规章"), Line("normative", "行政规范性文件", "行政规范性文件")),
    (Line("issued", "本年制发", "本年制发件数"), Line("repealed", "本年废止", "本年废止件数"), Line("in_force", "现行有效", "现行有效件数")),
)

DECISIONS = TableSpec(
    "t2b",
    "表2：主动公开政府信息情况（第二十条第（五）（六）（八）项）",
    "信息内容",
    (
        Line("licensing", "行政许可", "行政许可", "第二十条第（五）项"),
        Line("penalties", "行政处罚", "行政处罚", "第二十条第（六）项"),
        Line("coercion", "行政强制", "行政强制", "第二十条第（六）项"),
        Line("fees", "行政事业性收费", "行政事业性收费（本年收费金额，单位：万元）", "第二十条第（八）项"),
    ),
    (Line("amount", "本年数量", "本年处理决定数量（件）／本年收费金额（万元）"),),
    decimal=True,
)

_RESULTS = "三、本年度办理结果"
_WITHHELD = "（三）不予公开"
_UNAVAILABLE = "（四）无法提供"
_NOT_HANDLED = "（五）不予处理"
_OTHER = "（六）其他处理"

APPLICATION_ROWS = (
    Line("new", "本年新收", "一、本年新收政府信息公开申请数量"),
    Line("carried_over", "上年结转", "二、上年结转政府信息公开申请数量"),
    Line("granted", "予以公开", "（一）予以公开", _RESULTS),
    Line("partly_granted", "部分公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", _RESULTS),
    Line("state-secret", "属于国家秘密", "1.属于国家秘密", _RESULTS, _WITHHELD),
    Line("law-prohibited", "其他法律行政法规禁止公开", "2.其他法律行政法规禁止公开", _RESULTS, _WITHHELD),
    Line("security-stability", "危及“三安全一稳定”", "3.危及“三安全一稳定”", _RESULTS, _WITHHELD),
    Line("third-party", "保护第三方合法权益", "4.保护第三方合法权益", _RESULTS, _WITHHELD),
    Line("internal-affairs", "属于三类内部事务信息", "5.属于三类内部事务信息", _RESULTS, _WITHHELD),
    Line("process-info", "属于四类过程性信息", "6.属于四类过程性信息", _RESULTS, _WITHHELD),
    Line("enforcement-file", "属于行政执法案卷", "7.属于行政执法案卷", _RESULTS, _WITHHELD),
    Line("admin-inquiry", "属于行政查询事项", "8.属于行政查询事项", _RESULTS, _WITHHELD),
    Line("not-held", "本机关不掌握相关政府信息", "1.本机关不掌握相关政府信息", _RESULTS, _UNAVAILABLE),
    Line("needs-creation", "没有现成信息需要另行制作", "2.没有现成信息需要另行制作", _RESULTS, _UNAVAILABLE),
    Line("unclear", "补正后申请内容仍不明确", "3.补正后申请内容仍不明确", _RESULTS, _UNAVAILABLE),
    Line("complaint", "信访举报投诉类申请", "1.信访举报投诉类申请", _RESULTS, _NOT_HANDLED),
    Line("repeated", "重复申请", "2.重复申请", _RESULTS, _NOT_HANDLED),
    Line("publication", "要求提供公开出版物", "3.要求提供公开出版物", _RESULTS, _NOT_HANDLED),
    Line("excessive", "无正当理由大量反复申请", "4.无正当理由大量反复申请", _RESULTS, _NOT_HANDLED),
    Line("confirmation", "要求行政机关确认或重新出具已获取信息", "5.要求行政机关确认或重新出具已获取信息", _RESULTS, _NOT_HANDLED),
    Line("no-correction", "逾期不补正", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", _RESULTS, _OTHER),
    Line("unpaid", "逾期未缴纳费用", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", _RESULTS, _OTHER),
    Line("other-handling", "其他处理", "3.其他", _RESULTS, _OTHER),
    Line("results_total", "办理结果总计", "（七）总计", _RESULTS),
    Line("carry_forward", "结转下年度", "四、结转下年度继续办理"),
)
# The rows whose sum is （七）总计.
RESULT_ROWS = tuple(row.key for row in APPLICATION_ROWS[2:-2])

APPLICANTS = (
    Line("natural_person", "自然人", "自然人"),
    Line("business", "商业企业", "商业企业", "法人或其他组织"),
    Line("research", "科研机构", "科研机构", "法人或其他组织"),
    Line("public_interest", "社会公益组织", "社会公益组织", "法人或其他组织"),
    Line("legal_services", "法律服务机构", "法律服务机构", "法人或其他组织"),
    Line("other_org", "其他", "其他", "法人或其他组织"),
)
TOTAL = Line("total", "总计", "总计")

APPLICATIONS = TableSpec(
    "t3",
    "表3：收到和处理政府信息公开申请情况",
    "办理情况＼申请人情况",
    APPLICATION_ROWS,
    APPLICANTS + (TOTAL,),
)

OUTCOMES = (
    Line("upheld", "结果维持", "结果维持"),
    Line("corrected", "结果纠正", "结果纠正"),
    Line("other", "其他结果", "其他结果"),
    Line("pending", "尚未审结", "尚未审结"),
)
APPEALS = TableSpec(
    "t4",
    "表4：政府信息公开行政复议、行政诉讼情况",
    "类别＼结果",
    (
        Line("review", "行政复议", "行政复议"),
        Line("lawsuit_direct", "未经复议直接起诉", "行政诉讼（未经复议直接起诉）", "行政诉讼"),
        Line("lawsuit_after_review", "复议后起诉", "行政诉讼（复议后起诉）", "行政诉讼"),
    ),
    OUTCOMES + (TOTAL,),
)

TABLES = (NORMATIVE, DECISIONS, APPLICATIONS, APPEALS)

Values = dict[tuple[str, str], str]
"""Cell text by (row key, column key)."""


def format_number(value: float | int) -> str:
    """A cell as the report prints it: whole numbers plain, amounts with up to 4 decimals."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def to_markdown(spec: TableSpec, values: Values) -> str:
    """The table as the caption line and a pipe table, every cell filled."""
    lines = [spec.caption, "", "| " + " | ".join([spec.corner] + [c.label for c in spec.cols]) + " |"]
    lines.append("|" + "---|" * (len(spec.cols) + 1))
    for row in spec.rows:
        label = row.label if not row.group or row.group == "行政诉讼" or spec.id == "t2b" else _flat_label(row)
        cells = [values.get((row.key, col.key), "0") for col in spec.cols]
        lines.append("| " + " | ".join([label] + cells) + " |")
    return "\n".join(lines)


def _flat_label(row: Line) -> str:
    """A row's label with the groups it belongs to, as one pipe-table cell."""
    parts = [row.group, row.subgroup, row.label] if row.key != "results_total" else [row.group, row.label]
    return "".join(part for part in parts if part)


@dataclass(frozen=True)
class Cell:
    """A cell read back from a report body: its text and its line in the item file."""

    text: str
    line: int


@dataclass(frozen=True)
class ParsedTable:
    """A report table found in a body: cells by (row key, column key), and where it starts."""

    spec: TableSpec
    cells: dict[tuple[str, str], Cell]
    line: int
    index: int


@dataclass(frozen=True)
class TableIssue:
    """Something about the shape of a report table, at a line of the item file."""

    line: int
    field: str
    message: str


_PARSER = MarkdownIt("js-default").disable(["code", "html_block"])
_NUMBER = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d+(\.\d+)?$")


def _spec_of(caption: str) -> TableSpec | None:
    for spec in TABLES:
        # Recognise a table by the words of its caption, whatever number the clerk gave it.
        topic = spec.caption.split("：", 1)[1]
        if topic in caption:
            return spec
    return None


@functools.lru_cache(maxsize=32)
def parse_tables(body: str, body_line: int) -> tuple[tuple[ParsedTable, ...], tuple[TableIssue, ...]]:
    """Find the report tables in a body (by their caption lines) and read their cells.

    Cached: assembly, exports and checks all read the same few report bodies.

    ``body_line`` is the file line of the body's first line, so that issues name file lines.
    Rows are matched in the national order by their short name; a missing row or column is an
    issue naming it.
    """
    tables: list[ParsedTable] = []
    issues: list[TableIssue] = []
    tokens = _PARSER.parse(body)
    caption = ""
    index = -1
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "inline" and tokens[i - 1].type == "paragraph_open":
            caption = token.content.strip()
        if token.type != "table_open":
            if token.type not in ("paragraph_open", "paragraph_close", "inline"):
                caption = ""
            i += 1
            continue
        index += 1
        spec = _spec_of(caption)
        start = body_line + (token.map[0] if token.map else 0)
        rows: list[tuple[list[str], int]] = []
        cells: list[str] = []
        row_line = start
        while tokens[i].type != "table_close":
            t = tokens[i]
            if t.type == "tr_open":
                cells = []
                row_line = body_line + (t.map[0] if t.map else 0)
            elif t.type == "inline":
                cells.append(t.content.strip())
            elif t.type == "tr_close":
                rows.append((cells, row_line))
            i += 1
        i += 1
        caption = ""
        if spec is None:
            continue
        tables.append(_read(spec, rows, start, index, issues))
    return tuple(tables), tuple(issues)


def _read(spec: TableSpec, rows: list[tuple[list[str], int]], start: int, index: int, issues: list[TableIssue]) -> ParsedTable:
    name = spec.caption.split("：", 1)[1]
    header, body = (rows[0][0], rows[1:]) if rows else ([], [])
    columns: dict[str, int] = {}
    for col in spec.cols:
        at = next((n for n, text in enumerate(header) if n and (col.short in text or col.label in text)), None)
        if at is None:
            issues.append(TableIssue(start, name, f"缺少“{col.label}”列。请按 gongkai report 生成的表格填写，不要删除列。"))
        else:
            columns[col.key] = at
    cells: dict[tuple[str, str], Cell] = {}
    position = 0
    for row in spec.rows:
        found = next((k for k in range(position, len(body)) if body[k][0] and (row.label in body[k][0][0] or row.short in body[k][0][0])), None)
        if found is None:
            issues.append(TableIssue(start, name, f"缺少“{_flat_label(row) if row.group and spec.id == 't3' else row.label}”行。请按国家格式保留每一行，没有的填 0。"))
            continue
        position = found + 1
        texts, line = body[found]
        for col in spec.cols:
            if col.key in columns:
                at = columns[col.key]
                cells[(row.key, col.key)] = Cell(texts[at] if at < len(texts) else "", line)
    return ParsedTable(spec, cells, start, index)


def number(spec: TableSpec, cell: Cell) -> float | int | None:
    """A cell's number, or None when it is blank or not a number."""
    text = cell.text.replace(",", "").replace("，", "")
    if _NUMBER.match(text):
        return int(text)
    if spec.decimal and _DECIMAL.match(text):
        return float(text)
    return None


def to_csv(spec: TableSpec, values: Values) -> bytes:
    """The table as CSV (UTF-8 with BOM so that Excel opens it as Chinese), in the national rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spec.corner] + [c.label for c in spec.cols])
    for row in spec.rows:
        writer.writerow([_flat_label(row) if row.group else row.label] + [values.get((row.key, c.key), "0") for c in spec.cols])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _th(text: str, scope: str, rowspan: int = 1, colspan: int = 1) -> str:
    span = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return f'<th scope="{scope}"{span}>{html.escape(text)}</th>'


def _td(text: str) -> str:
    return f"<td>{html.escape(text)}</td>"


def to_html(spec: TableSpec, values: Values, csv_href: str) -> str:
    """The table in the national layout: merged headers with scopes, a caption, a CSV link."""
    head, body = {"t2a": _html_simple, "t2b": _html_decisions, "t3": _html_applications, "t4": _html_appeals}[spec.id](spec, values)
    caption = html.escape(spec.caption)
    link = f'<p class="report-csv"><a href="{html.escape(csv_href)}" download>下载本表数据（CSV）</a></p>'
    return f'<div class="report-table"><table class="national"><caption>{caption}</caption><thead>{head}</thead><tbody>{body}</tbody></table>{link}</div>'


def _html_simple(spec: TableSpec, values: Values) -> tuple[str, str]:
    head = "<tr>" + _th(spec.corner, "col") + "".join(_th(c.label, "col") for c in spec.cols) + "</tr>"
    body = "".join("<tr>" + _th(r.label, "row") + "".join(_td(values.get((r.key, c.key), "0")) for c in spec.cols) + "</tr>" for r in spec.rows)
    return head, body


def _html_decisions(spec: TableSpec, values: Values) -> tuple[str, str]:
    head = "<tr>" + _th("条例依据", "col") + _th(spec.corner, "col") + _th("本年处理决定数量（件）／本年收费金额（万元）", "col") + "</tr>"
    body = ""
    for n, row in enumerate(spec.rows):
        first = n == 0 or spec.rows[n - 1].group != row.group
        span = sum(1 for r in spec.rows if r.group == row.group)
        basis = _th(row.group, "rowgroup", rowspan=span) if first else ""
        body += "<tr>" + basis + _th(row.label, "row") + _td(values.get((row.key, "amount"), "0")) + "</tr>"
    return head, body


def _html_applications(spec: TableSpec, values: Values) -> tuple[str, str]:
    people = spec.cols
    head = (
        "<tr>" + _th("本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和", "col", rowspan=3, colspan=3)
        + _th("申请人情况", "colgroup", colspan=len(people)) + "</tr>"
        + "<tr>" + _th(people[0].label, "col", rowspan=2) + _th("法人或其他组织", "colgroup", colspan=5) + _th(TOTAL.label, "col", rowspan=2) + "</tr>"
        + "<tr>" + "".join(_th(c.label, "col") for c in people[1:6]) + "</tr>"
    )
    body = ""
    rows = spec.rows
    for n, row in enumerate(rows):
        cells = "".join(_td(values.get((row.key, c.key), "0")) for c in people)
        lead = ""
        if not row.group:
            lead = _th(row.label, "row", colspan=3)
        else:
            if n == 0 or rows[n - 1].group != row.group:
                lead += _th(row.group, "rowgroup", rowspan=sum(1 for r in rows if r.group == row.group))
            if not row.subgroup:
                lead += _th(row.label, "row", colspan=2)
            else:
                if rows[n - 1].subgroup != row.subgroup:
                    lead += _th(row.subgroup, "rowgroup", rowspan=sum(1 for r in rows if r.subgroup == row.subgroup))
                lead += _th(row.label, "row")
        body += "<tr>" + lead + cells + "</tr>"
    return head, body


def _html_appeals(spec: TableSpec, values: Values) -> tuple[str, str]:
    outcomes = spec.cols
    head = (
        "<tr>" + _th("行政复议", "colgroup", colspan=len(outcomes), rowspan=2) + _th("行政诉讼", "colgroup", colspan=2 * len(outcomes)) + "</tr>"
        + "<tr>" + _th("未经复议直接起诉", "colgroup", colspan=len(outcomes)) + _th("复议后起诉", "colgroup", colspan=len(outcomes)) + "</tr>"
        + "<tr>" + "".join(_th(c.label, "col") for c in outcomes) * 3 + "</tr>"
    )
    body = "<tr>" + "".join(_td(values.get((r.key, c.key), "0")) for r in spec.rows for c in outcomes) + "</tr>"
    return head, body


def values_of(table: ParsedTable) -> Values:
    """A parsed table's cell texts."""
    return {key: cell.text for key, cell in table.cells.items()}
