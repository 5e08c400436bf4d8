"""What the annual report says, computed: counts from the catalogue, the rest from the office's
data file ``content/_annual/YEAR.yml`` (never published), and the report items already written.

The data file holds what the catalogue cannot know: applications (table 三), reviews and
lawsuits (table 四), fees and, when the catalogue does not carry every decision, the number of
行政许可/处罚/强制 decisions.  Keys may be written in English or in Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .discover import CONTROL_DIR
from .fields import Reader
from .load import read_yaml_file
from .model import Item, Validity
from .problems import Problem, error, has_errors
from .report_tables import (
    APPEALS,
    APPLICANTS,
    APPLICATION_ROWS,
    DECISIONS,
    NORMATIVE,
    OUTCOMES,
    RESULT_ROWS,
    Line,
    Values,
    format_number,
)
from .suggest import did_you_mean
from .yamltree import Map, Node, Scalar

REPORT_COLUMN = "annual-report"
NORMATIVE_CLASS = "行政规范性文件"
# doc_class values of decision items, counted for table 二（五）（六）.
DECISION_CLASSES = {"licensing": "行政许可决定", "penalties": "行政处罚决定", "coercion": "行政强制决定"}
# Titles offices give their reports: …2025年政府信息公开工作年度报告, …2025年度政府信息公开工作报告,
# …2025年政府信息公开年报, …2025年年报.
_REPORT_TITLE = re.compile(r"((?:19|20)\d\d)\s*年度?.*?(?:年度报告|工作报告|年报)")
_ENDED = (Validity.REPEALED, Validity.EXPIRED)


def report_year(item: Item) -> int | None:
    """The year an item of the annual-report column reports on: its ``report_year`` (报告年度),
    else the year its title names.  The one definition every rule, the draft and the page use."""
    if item.catalogue != REPORT_COLUMN:
        return None
    if item.report_year is not None:
        return item.report_year
    m = _REPORT_TITLE.search(item.title)
    return int(m.group(1)) if m else None


def data_path(year: int) -> str:
    """The data file of a year, relative to ``content/``."""
    return f"{CONTROL_DIR}{year}.yml"


@dataclass(frozen=True)
class AnnualData:
    """One year's data file: the values it gives (cell texts by table) and the line of each."""

    path: str
    year: int
    normative: Values
    decisions: Values
    applications: Values
    appeals: Values
    lines: dict[tuple[str, str, str], int]

    def line(self, table: str, row: str, col: str = "") -> int:
        """The line a value was written on (1 when it was not written)."""
        return self.lines.get((table, row, col), 1)


def _names(lines: tuple[Line, ...]) -> dict[str, Line]:
    names: dict[str, Line] = {}
    for line in lines:
        names[line.key] = line
        names[line.short] = line
        names[line.label] = line
    return names


_TOP = {
    "normative": ("行政规范性文件",),
    "licensing": ("行政许可",),
    "penalties": ("行政处罚",),
    "coercion": ("行政强制",),
    "fees": ("行政事业性收费", "收费金额"),
    "applications": ("申请", "政府信息公开申请"),
    "review": ("行政复议",),
    "lawsuit_direct": ("行政诉讼未经复议直接起诉", "未经复议直接起诉"),
    "lawsuit_after_review": ("行政诉讼复议后起诉", "复议后起诉"),
}
_TOP_NAMES = {name: key for key, names in _TOP.items() for name in (key, *names)}


class _DataReader:
    """Reads the tree of one data file into cell values, recording problems with lines."""

    def __init__(self, path: str, year: int) -> None:
        self.reader = Reader(path)
        self.path = path
        self.year = year
        self.values: dict[str, Values] = {"t2a": {}, "t2b": {}, "t3": {}, "t4": {}}
        self.lines: dict[tuple[str, str, str], int] = {}

    def put(self, table: str, row: str, col: str, text: str, line: int) -> None:
        self.values[table][(row, col)] = text
        self.lines[(table, row, col)] = line

    def count(self, node: Node, field: str) -> str | None:
        value = self.reader.integer(node, field)
        return None if value is None else str(value)

    def amount(self, node: Node, field: str) -> str | None:
        if isinstance(node, Scalar) and re.fullmatch(r"\d{1,9}(\.\d{1,4})?", node.text.strip()):
            return format_number(float(node.text.strip()))
        self.reader.fail(node.line, field, f"收费金额应为以万元为单位的数字（如 0 或 1.25），这里写成了“{getattr(node, 'text', '…')}”。")
        return None

    def row_of_counts(self, table: str, row: str, node: Node, cols: dict[str, Line], field: str) -> None:
        mapping = self.reader.mapping(node, field)
        if mapping is None:
            return
        for key, value in mapping.entries:
            col = cols.get(key.text)
            if col is None:
                allowed = sorted({c.short for c in cols.values()})
                self.reader.fail(key.line, f"{field}.{key.text}", f"不认识的项“{key.text}”。{did_you_mean(key.text, list(cols))}可用的有：{'、'.join(allowed)}。")
                continue
            text = self.count(value, f"{field}.{col.short}")
            if text is not None:
                self.put(table, row, col.key, text, value.line)

    def read(self, root: Node | None) -> AnnualData:
        if root is not None and not isinstance(root, Map):
            self.reader.fail(root.line, "", f"年度报告数据文件应为“键: 值”形式。请照 gongkai report 写出的模板填写（把这个文件改名备份后运行 gongkai report {self.year}，会重新写出模板）。")
        entries = root.entries if isinstance(root, Map) else ()
        for key, value in entries:
            top = _TOP_NAMES.get(key.text)
            if top is None:
                self.reader.fail(key.line, key.text, f"不认识的项“{key.text}”。{did_you_mean(key.text, list(_TOP_NAMES))}可用的有：{'、'.join(names[0] for names in _TOP.values())}。")
            elif top == "normative":
                self.row_of_counts("t2a", "normative", value, _names(NORMATIVE.cols), "行政规范性文件")
            elif top in DECISION_CLASSES:
                text = self.count(value, _TOP[top][0])
                if text is not None:
                    self.put("t2b", top, "amount", text, value.line)
            elif top == "fees":
                text = self.amount(value, "行政事业性收费")
                if text is not None:
                    self.put("t2b", "fees", "amount", text, value.line)
            elif top == "applications":
                self._applications(value)
            else:
                self.row_of_counts("t4", top, value, _names(OUTCOMES), _TOP[top][0])
        return AnnualData(self.path, self.year, self.values["t2a"], self.values["t2b"], self.values["t3"], self.values["t4"], self.lines)

    def _applications(self, node: Node) -> None:
        mapping = self.reader.mapping(node, "申请")
        if mapping is None:
            return
        # Totals are computed, never typed: only the rows a clerk counts are accepted.
        rows = _names(tuple(r for r in APPLICATION_ROWS if r.key != "results_total"))
        for key, value in mapping.entries:
            row = rows.get(key.text)
            if row is None:
                allowed = "、".join(r.short for r in APPLICATION_ROWS if r.key != "results_total")
                self.reader.fail(key.line, f"申请.{key.text}", f"不认识的项“{key.text}”。{did_you_mean(key.text, list(rows))}可用的有：{allowed}（总计由 gongkai 计算，不必填写）。")
                continue
            self.row_of_counts("t3", row.key, value, _names(APPLICANTS), f"申请.{row.short}")


def read_data(content_dir: Path, year: int) -> tuple[AnnualData | None, list[Problem]]:
    """The data file of ``year``, or None when there is none; problems name ``file:line``."""
    rel = data_path(year)
    full = content_dir / rel
    if not full.is_file() or full.is_symlink():
        return None, []
    root, problems = read_yaml_file(full, f"content/{rel}")
    if has_errors(problems):
        return None, problems
    reader = _DataReader(f"content/{rel}", year)
    data = reader.read(root)
    return data, problems + reader.reader.problems


def read_all_data(content_dir: Path) -> tuple[tuple[AnnualData, ...], list[Problem]]:
    """Every year's data file that can be read, and the problems of all of them."""
    found: list[AnnualData] = []
    problems: list[Problem] = []
    folder = content_dir / CONTROL_DIR
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        problems.append(error(f"content/{CONTROL_DIR.rstrip('/')}", 0, "", "content/_annual 应是存放年度报告数据文件（如 2025.yml）的文件夹，现在不是普通文件夹。请删除或改名后重试。", "annual/data"))
        return (), problems
    for year in data_years(content_dir):
        data, data_problems = read_data(content_dir, year)
        problems += data_problems
        found += [data] if data is not None else []
    return tuple(found), problems


def data_years(content_dir: Path) -> list[int]:
    """The years that have a data file."""
    folder = content_dir / CONTROL_DIR
    if not folder.is_dir():
        return []
    return sorted(int(p.stem) for p in folder.glob("*.yml") if re.fullmatch(r"(19|20)\d\d", p.stem))


# ---- counts from the catalogue -------------------------------------------------------------

def _ended_by(item: Item, day: dt.date) -> bool:
    return item.validity in _ENDED and item.validity_date is not None and item.validity_date <= day


def normative_counts(items: tuple[Item, ...], year: int) -> tuple[int, int, int]:
    """行政规范性文件 issued in ``year``, repealed or expired in it, and in force at its end."""
    docs = [i for i in items if i.doc_class == NORMATIVE_CLASS and i.published is not None]
    end = dt.date(year, 12, 31)
    issued = sum(1 for i in docs if i.published and i.published.year == year)
    repealed = sum(1 for i in docs if i.validity in _ENDED and i.validity_date is not None and i.validity_date.year == year)
    in_force = sum(1 for i in docs if i.published and i.published <= end and not _ended_by(i, end))
    return issued, repealed, in_force


def decision_counts(items: tuple[Item, ...], year: int) -> dict[str, int]:
    """Decision items (by ``doc_class``) published in ``year``."""
    counts = Counter(i.doc_class for i in items if i.published and i.published.year == year)
    return {key: counts[label] for key, label in DECISION_CLASSES.items()}


def column_counts(items: tuple[Item, ...], year: int) -> Counter[str]:
    """Public items published in ``year``, by catalogue reference."""
    return Counter(i.catalogue for i in items if i.published and i.published.year == year)


# ---- the four tables' values -----------------------------------------------------------------

@dataclass(frozen=True)
class ReportValues:
    """Every cell of the four tables, as the draft writes them."""

    normative: Values
    decisions: Values
    applications: Values
    appeals: Values
    # Which cells came from the catalogue (the rest came from the data file or are totals).
    computed: frozenset[tuple[str, str, str]]


def expected_values(items: tuple[Item, ...], year: int, data: AnnualData | None) -> ReportValues:
    """The values a report for ``year`` should carry: the data file's where it gives them, the
    catalogue's otherwise, 0 for the rest, and every total computed."""
    computed: set[tuple[str, str, str]] = set()
    issued, repealed, in_force = normative_counts(items, year)
    normative: Values = {(r.key, c.key): "0" for r in NORMATIVE.rows for c in NORMATIVE.cols}
    for col, value in zip(("issued", "repealed", "in_force"), (issued, repealed, in_force), strict=True):
        given = data.normative.get(("normative", col)) if data else None
        normative[("normative", col)] = given if given is not None else str(value)
        if given is None:
            computed.add(("t2a", "normative", col))
    decisions: Values = {}
    counted = decision_counts(items, year)
    for row in DECISIONS.rows:
        given = data.decisions.get((row.key, "amount")) if data else None
        if given is None and row.key in counted:
            computed.add(("t2b", row.key, "amount"))
        decisions[(row.key, "amount")] = given if given is not None else str(counted.get(row.key, 0))
    applications = _with_totals(data.applications if data else {})
    appeals: Values = {}
    for row in APPEALS.rows:
        cells = [int(data.appeals.get((row.key, c.key), "0")) if data else 0 for c in OUTCOMES]
        for outcome, value in zip(OUTCOMES, cells, strict=True):
            appeals[(row.key, outcome.key)] = str(value)
        appeals[(row.key, "total")] = str(sum(cells))
    return ReportValues(normative, decisions, applications, appeals, frozenset(computed))


def _with_totals(given: Values) -> Values:
    values: Values = {}
    people = [c.key for c in APPLICANTS]
    for row in APPLICATION_ROWS:
        if row.key == "results_total":
            continue
        for col in people:
            values[(row.key, col)] = given.get((row.key, col), "0")
    for col in people:
        values[("results_total", col)] = str(sum(int(values[(r, col)]) for r in RESULT_ROWS))
    for row in APPLICATION_ROWS:
        values[(row.key, "total")] = str(sum(int(values[(row.key, col)]) for col in people))
    return values
