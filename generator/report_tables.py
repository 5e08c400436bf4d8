"""The tables of the annual report (国办公开办函〔2021〕30号): their rows and columns, and how
they are read back from a report's body.

The format has three tables, one per section: 二 (one table in four parts, each opened by its
article row: 第二十条第（一）（五）（六）（八）项), 三 and 四.  Internally section 二 is two grids of
numbers: the 第（一）项 part (three counts per row) and the decisions and fees parts (one value per
row).  How the tables are laid out on the page, in CSV and in the draft is ``report_layout``.

Tables are found by the section heading they stand under (二、三、四); the captions the last
release wrote above each table (表1：… to 表4：…) are still read, so older reports keep building.
"""

from __future__ import annotations

import functools
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
    """One grid of numbers: its section of the report, the caption the last release wrote above
    it (still recognised), its rows and columns, and the rows that may carry decimals."""

    id: str
    section: str
    part: str
    legacy_caption: str
    rows: tuple[Line, ...]
    cols: tuple[Line, ...]
    decimal_rows: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        """How messages name the table: its section heading, and its part for section 二."""
        return f"{SECTIONS[self.section]}（{self.part}）" if self.part else SECTIONS[self.section]


# The report's sections that hold a table, by their number.
SECTIONS = {
    "二": "二、主动公开政府信息情况",
    "三": "三、收到和处理政府信息公开申请情况",
    "四": "四、政府信息公开行政复议、行政诉讼情况",
}
ITEM_CONTENT = "信息内容"

NORMATIVE = TableSpec(
    "t2a",
    "二",
    "第二十条第（一）项",
    "表1：主动公开政府信息情况（第二十条第（一）项）",
    (Line("rules", "规章", "规章"), Line("normative", "行政规范性文件", "行政规范性文件")),
    (Line("issued", "本年制发", "本年制发件数"), Line("repealed", "本年废止", "本年废止件数"), Line("in_force", "现行有效", "现行有效件数")),
)

DECISION_HEADING = "本年处理决定数量"
FEE_HEADING = "本年收费金额（单位：万元）"
DECISIONS = TableSpec(
    "t2b",
    "二",
    "第二十条第（五）（六）（八）项",
    "表2：主动公开政府信息情况（第二十条第（五）（六）（八）项）",
    (
        Line("licensing", "行政许可", "行政许可", "第二十条第（五）项", DECISION_HEADING),
        Line("penalties", "行政处罚", "行政处罚", "第二十条第（六）项", DECISION_HEADING),
        Line("coercion", "行政强制", "行政强制", "第二十条第（六）项", DECISION_HEADING),
        Line("fees", "行政事业性收费", "行政事业性收费", "第二十条第（八）项", FEE_HEADING),
    ),
    (Line("amount", "本年数量", DECISION_HEADING),),
    decimal_rows=frozenset({"fees"}),
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
    "三",
    "",
    "表3：收到和处理政府信息公开申请情况",
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
    "四",
    "",
    "表4：政府信息公开行政复议、行政诉讼情况",
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


def row_label(spec: TableSpec, row: Line) -> str:
    """A row's label as a message names it (table 三's reason rows with their group)."""
    if spec.id == APPLICATIONS.id and row.subgroup:
        return f"{row.subgroup}{row.label}"
    return row.label


@dataclass(frozen=True)
class Cell:
    """A cell read back from a report body: its text and its line in the item file."""

    text: str
    line: int


@dataclass(frozen=True)
class ParsedTable:
    """A grid of numbers found in a body: cells by (row key, column key), where its table starts,
    and which table of the body (0-based) holds it: section 二's two grids share one table."""

    spec: TableSpec
    cells: dict[tuple[str, str], Cell]
    line: int
    index: int

    @property
    def complete(self) -> bool:
        """Every cell of the national format is there (blank or not)."""
        return len(self.cells) == len(self.spec.rows) * len(self.spec.cols)


@dataclass(frozen=True)
class TableIssue:
    """Something about the shape of a report table, at a line of the item file."""

    line: int
    field: str
    message: str


_PARSER = MarkdownIt("js-default").disable(["code", "html_block"])
_NUMBER = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d+\.\d+$")
_ARTICLE = re.compile(r"^第二十条第[（(]([一五六八])[）)]项$")
_SECTION = re.compile(r"^\s*([一二三四五六])\s*[、.．]")
_TOPICS = {"二": "主动公开政府信息情况", "三": "收到和处理政府信息公开申请情况", "四": "行政复议、行政诉讼情况"}

Row = tuple[list[str], int]


def _legacy_spec(caption: str) -> TableSpec | None:
    for spec in TABLES:
        # The last release's captions, whatever number the clerk gave the table.
        if spec.legacy_caption.split("：", 1)[1] in caption:
            return spec
    return None


def _section_of(heading: str) -> str:
    """The section number a heading opens: ``二`` for 二、主动公开政府信息情况 ('' for others)."""
    m = _SECTION.match(heading)
    if m:
        return m.group(1)
    return next((number for number, topic in _TOPICS.items() if topic in heading), "")


@functools.lru_cache(maxsize=32)
def parse_tables(body: str, body_line: int) -> tuple[tuple[ParsedTable, ...], tuple[TableIssue, ...]]:
    """Find the report tables in a body and read their cells.

    Cached: assembly, exports and checks all read the same few report bodies.

    ``body_line`` is the file line of the body's first line, so that issues name file lines.
    Rows are matched in the national order by their label or short name; a missing row or
    column is an issue naming it.  The first table of each kind counts.
    """
    found: dict[str, ParsedTable] = {}
    issues: list[TableIssue] = []
    tokens = _PARSER.parse(body)
    caption = ""
    section, section_level = "", 0
    index = -1
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            level = int(token.tag[1:])
            number = _section_of(tokens[i + 1].content)
            if number or level <= section_level:
                section, section_level = number, level
        if token.type == "inline" and tokens[i - 1].type == "paragraph_open":
            caption = token.content.strip()
        if token.type != "table_open":
            if token.type not in ("paragraph_open", "paragraph_close", "inline"):
                caption = ""
            i += 1
            continue
        index += 1
        start = body_line + (token.map[0] if token.map else 0)
        rows: list[Row] = []
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
        legacy = _legacy_spec(caption)
        caption = ""
        for spec, part in _grids(legacy, section, rows):
            if spec.id not in found:
                found[spec.id] = _read(spec, part, start, index, issues)
    return tuple(found[s.id] for s in TABLES if s.id in found), tuple(issues)


def _grids(legacy: TableSpec | None, section: str, rows: list[Row]) -> list[tuple[TableSpec, list[Row]]]:
    """Which grids a table holds, with the rows of each."""
    if legacy is not None:
        return [(legacy, rows)]
    if section == "三":
        return [(APPLICATIONS, rows)]
    if section == "四":
        return [(APPEALS, rows)]
    if section != "二":
        return []
    parts: dict[str, list[Row]] = {}
    current = ""
    for row in rows:
        m = _ARTICLE.match(row[0][0]) if row[0] else None
        if m and not any(row[0][1:]):
            current = m.group(1)
        parts.setdefault(current, []).append(row)
    if set(parts) - {""}:
        decisions = [row for key in "五六八" for row in parts.get(key, [])]
        return [(NORMATIVE, parts.get("一", []))] * ("一" in parts) + [(DECISIONS, decisions)] * bool(decisions)
    text = "".join(cell for cells, _ in rows for cell in cells)
    return [(NORMATIVE, rows)] if "本年制发" in text else [(DECISIONS, rows)] if "行政许可" in text else []


def _column(col: Line, header: list[Row]) -> int | None:
    """A column's position: a header cell that is its name, else one that contains it."""
    names = (col.label, col.short)
    for exact in (True, False):
        for cells, _ in header:
            for n, text in enumerate(cells):
                if n and text and (text in names if exact else any(name in text for name in names)):
                    return n
    return None


def _read(spec: TableSpec, rows: list[Row], start: int, index: int, issues: list[TableIssue]) -> ParsedTable:
    if spec is APPEALS and rows and "行政诉讼" in "".join(rows[0][0][1:]):
        return _read_national_appeals(rows, start, index, issues)
    first = spec.rows[0]
    data_at = next((k for k, (cells, _) in enumerate(rows) if any(first.label in c or first.short in c for c in cells)), min(1, len(rows)))
    header = rows[:data_at] or rows[:1]
    body = rows[data_at:]
    columns: dict[str, int] = {}
    for col in spec.cols:
        # Section 二's decision parts have one value column each, whatever its heading.
        at = _column(col, header) if spec is not DECISIONS else 1
        if at is None:
            issues.append(TableIssue(start, spec.name, f"缺少“{col.label}”列。请按 gongkai report 生成的表格填写，不要删除列。"))
        else:
            columns[col.key] = at
    labels_end = min(columns.values(), default=1)
    cells: dict[tuple[str, str], Cell] = {}
    position = 0
    for row in spec.rows:
        found = next((k for k in range(position, len(body)) if _is_row(row, "".join(body[k][0][:labels_end]))), None)
        if found is None:
            issues.append(TableIssue(start, spec.name, f"缺少“{row_label(spec, row)}”行。请按国家格式保留每一行，没有的填 0。"))
            continue
        position = found + 1
        texts, line = body[found]
        for col in spec.cols:
            if col.key in columns:
                at = columns[col.key]
                cells[(row.key, col.key)] = Cell(texts[at] if at < len(texts) else "", line)
    return ParsedTable(spec, cells, start, index)


def _is_row(row: Line, label: str) -> bool:
    return bool(label) and (row.label in label or row.short in label)


def _read_national_appeals(rows: list[Row], start: int, index: int, issues: list[TableIssue]) -> ParsedTable:
    """Table 四 as the format prints it: three header rows, then one row of 15 numbers (行政复议,
    then 未经复议直接起诉, then 复议后起诉, five outcomes each)."""
    data = rows[3] if len(rows) > 3 else None
    cells: dict[tuple[str, str], Cell] = {}
    width = len(APPEALS.rows) * len(APPEALS.cols)
    if data is None or len(data[0]) < width:
        issues.append(TableIssue(data[1] if data else start, APPEALS.name, f"表格的数字行应有 {width} 个单元格（行政复议、未经复议直接起诉、复议后起诉各 5 项），请按 gongkai report 生成的表格填写。"))
        return ParsedTable(APPEALS, cells, start, index)
    texts, line = data
    for r, row in enumerate(APPEALS.rows):
        for c, col in enumerate(APPEALS.cols):
            cells[(row.key, col.key)] = Cell(texts[r * len(APPEALS.cols) + c], line)
    return ParsedTable(APPEALS, cells, start, index)


def number(spec: TableSpec, row: str, cell: Cell) -> float | int | None:
    """A cell's number, or None when it is blank or not a number: counts are whole numbers, only
    本年收费金额 may carry decimals."""
    text = cell.text.replace(",", "").replace("，", "")
    if _NUMBER.match(text):
        return int(text)
    if row in spec.decimal_rows and _DECIMAL.match(text):
        return float(text)
    return None


def values_of(table: ParsedTable) -> Values:
    """A parsed table's cell texts."""
    return {key: cell.text for key, cell in table.cells.items()}


def _starts(cells: list[str]) -> str:
    """The section whose table a plain row opens ('' when it opens none)."""
    first = next((c for c in cells if c), "")
    text = "".join(cells)
    if _ARTICLE.match(first) and "一" in first:
        return "二"
    if "勾稽关系" in text or first == "申请人情况":
        return "三"
    if first == "行政复议" and "行政诉讼" in text:
        return "四"
    return ""


def parse_rows(rows: tuple[tuple[tuple[str, ...], int], ...]) -> tuple[tuple[ParsedTable, ...], tuple[TableIssue, ...]]:
    """The report tables in plain rows, as a DOCX's tables or an XLSX's sheets give them: each
    section's table begins at its first header row, whatever table or sheet it is in."""
    parts: dict[str, list[Row]] = {}
    current = ""
    for cells, line in rows:
        opened = _starts(list(cells))
        if opened and opened not in parts:
            current = opened
        if current:
            parts.setdefault(current, []).append((list(cells), line))
    found: dict[str, ParsedTable] = {}
    issues: list[TableIssue] = []
    for index, (section, part) in enumerate(parts.items()):
        start = part[0][1]
        for spec, grid in _grids(None, section, part):
            found.setdefault(spec.id, _read(spec, grid, start, index, issues))
    return tuple(found[s.id] for s in TABLES if s.id in found), tuple(issues)
