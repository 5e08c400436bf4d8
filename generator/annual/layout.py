"""The annual report's tables in the national layout (国办公开办函〔2021〕30号), cell for cell:
one grid of header and data cells per section, from which the page's HTML, the CSV and the
draft's Markdown are all written, so that the three cannot disagree.

Section 二 is one table in four parts, each opened by a full-width article row and its own
信息内容 header row; table 三 has the corner text and three header rows; table 四 has three header
rows over one row of fifteen numbers.  The format has no captions (表1–表4) and no 条例依据 column.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass

from ..grid import Grid, GridCell, matrix, rows_html
from ..report_tables import (
    APPEALS,
    APPLICANTS,
    APPLICATIONS,
    DECISIONS,
    ITEM_CONTENT,
    NORMATIVE,
    SECTIONS,
    TOTAL,
    Values,
)

CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_WIDTH_TWO = 1 + len(NORMATIVE.cols)


def _h(text: str, scope: str, rowspan: int = 1, colspan: int = 1) -> GridCell:
    return GridCell(text, scope, rowspan, colspan)


def _value(values: Values, key: tuple[str, str], colspan: int = 1) -> GridCell:
    return GridCell(values.get(key, "0"), "", 1, colspan)


def grid_two(normative: Values | None, decisions: Values | None) -> Grid:
    """Section 二: the 第二十条第（一）项 part (when given), then the （五）（六）（八） parts."""
    rows: Grid = []
    if normative is not None:
        rows.append([_h(NORMATIVE.part, "colgroup", colspan=_WIDTH_TWO)])
        rows.append([_h(ITEM_CONTENT, "col")] + [_h(c.label, "col") for c in NORMATIVE.cols])
        rows += [[_h(r.label, "row")] + [_value(normative, (r.key, c.key)) for c in NORMATIVE.cols] for r in NORMATIVE.rows]
    if decisions is not None:
        for n, row in enumerate(DECISIONS.rows):
            if n == 0 or DECISIONS.rows[n - 1].group != row.group:
                rows.append([_h(row.group, "colgroup", colspan=_WIDTH_TWO)])
                rows.append([_h(ITEM_CONTENT, "col"), _h(row.subgroup, "col", colspan=_WIDTH_TWO - 1)])
            rows.append([_h(row.label, "row"), _value(decisions, (row.key, "amount"), _WIDTH_TWO - 1)])
    return rows


def grid_three(values: Values) -> tuple[Grid, Grid]:
    """Table 三: its three header rows and its body."""
    people = APPLICATIONS.cols
    orgs = [c for c in APPLICANTS if c.group]
    head: Grid = [
        [_h(CORNER, "col", rowspan=3, colspan=3), _h("申请人情况", "colgroup", colspan=len(people))],
        [_h(people[0].label, "col", rowspan=2), _h("法人或其他组织", "colgroup", colspan=len(orgs)), _h(TOTAL.label, "col", rowspan=2)],
        [_h(c.label, "col") for c in orgs],
    ]
    body: Grid = []
    rows = APPLICATIONS.rows
    for n, row in enumerate(rows):
        lead: list[GridCell] = []
        if not row.group:
            lead.append(_h(row.label, "row", colspan=3))
        else:
            if n == 0 or rows[n - 1].group != row.group:
                lead.append(_h(row.group, "rowgroup", rowspan=sum(1 for r in rows if r.group == row.group)))
            if not row.subgroup:
                lead.append(_h(row.label, "row", colspan=2))
            else:
                if rows[n - 1].subgroup != row.subgroup:
                    lead.append(_h(row.subgroup, "rowgroup", rowspan=sum(1 for r in rows if r.subgroup == row.subgroup)))
                lead.append(_h(row.label, "row"))
        body.append(lead + [_value(values, (row.key, c.key)) for c in people])
    return head, body


def grid_four(values: Values) -> tuple[Grid, Grid]:
    """Table 四: 行政复议 | 行政诉讼 (未经复议直接起诉, 复议后起诉), five outcomes each, one row."""
    outcomes = APPEALS.cols
    review, direct, after = APPEALS.rows
    head: Grid = [
        [_h(review.label, "colgroup", colspan=len(outcomes)), _h(direct.group, "colgroup", colspan=2 * len(outcomes))],
        [_h(c.label, "col", rowspan=2) for c in outcomes] + [_h(direct.short, "colgroup", colspan=len(outcomes)), _h(after.short, "colgroup", colspan=len(outcomes))],
        [_h(c.label, "col") for c in outcomes] * 2,
    ]
    body: Grid = [[_value(values, (r.key, c.key)) for r in APPEALS.rows for c in outcomes]]
    return head, body


@dataclass(frozen=True)
class SectionTable:
    """One section's table as the format lays it out: header rows (may be none) and body rows."""

    section: str
    head: Grid
    body: Grid

    @property
    def title(self) -> str:
        return SECTIONS[self.section]


def section_table(section: str, values: dict[str, Values]) -> SectionTable:
    """The table of section 二, 三 or 四 from the values of its grids (by spec id); section 二
    shows only the parts it was given."""
    if section == "二":
        return SectionTable(section, [], grid_two(values.get(NORMATIVE.id), values.get(DECISIONS.id)))
    head, body = grid_three(values[APPLICATIONS.id]) if section == "三" else grid_four(values[APPEALS.id])
    return SectionTable(section, head, body)


def to_html(table: SectionTable, csv_href: str) -> str:
    """The table as the page shows it: named by its section heading for screen readers, with a
    link to its CSV."""
    head = f"<thead>{rows_html(table.head)}</thead>" if table.head else ""
    link = f'<p class="report-csv"><a href="{html.escape(csv_href)}" download>下载本表数据（CSV）</a></p>'
    return f'<div class="report-table"><table class="national" aria-label="{html.escape(table.title)}">{head}<tbody>{rows_html(table.body)}</tbody></table>{link}</div>'


def to_csv(table: SectionTable) -> bytes:
    """The table as CSV, cell for cell (UTF-8 with BOM so that Excel opens it as Chinese)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(matrix(table.head + table.body))
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def to_markdown(table: SectionTable) -> str:
    """The table as one pipe table laid out like the national one (merged cells left blank), which
    ``report_tables.parse_tables`` reads back."""
    grid = matrix(table.head + table.body)
    width = len(grid[0])
    lines = ["| " + " | ".join(grid[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(row) + " |" for row in grid[1:]]
    return "\n".join(lines)
