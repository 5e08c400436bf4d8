"""Spreadsheet tables shown on the page: a 财政预决算 table published as XLSX is also given as an
accessible HTML table (a caption, header cells with ``scope``, merged cells kept), so that a reader
need not download and open the file to read it."""

from __future__ import annotations

import html
import re

from .extract import Table
from .grid import Grid, GridCell, rows_html

MAX_ROWS = 400
MAX_COLUMNS = 40
_NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?%?$")


def _trimmed(table: Table) -> list[list[str]]:
    """The sheet's rows without trailing empty rows and columns, padded to one width."""
    rows = [list(row[:MAX_COLUMNS]) for row in table.rows[:MAX_ROWS]]
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    filled = [max((n + 1 for n, c in enumerate(row) if c.strip()), default=0) for row in rows]
    width = min(MAX_COLUMNS, max(filled + [c1 + 1 for r0, _, _, c1 in table.merges if r0 < len(rows)], default=0))
    return [row[:width] + [""] * (width - len(row)) for row in rows]


def sheet_html(table: Table, caption: str) -> str:
    """The sheet as an HTML table: rows above the first row with a number are header rows."""
    rows = _trimmed(table)
    if not rows:
        return ""
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for r0, c0, r1, c1 in table.merges:
        if r0 < len(rows) and c0 < len(rows[0]):
            r1, c1 = min(r1, len(rows) - 1), min(c1, len(rows[0]) - 1)
            spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
            covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    head_rows = next((n for n, row in enumerate(rows) if any(_NUMBER.match(c.strip()) for c in row[1:])), 1)
    head_rows = max(1, min(head_rows, len(rows) - 1)) if len(rows) > 1 else 1

    def scope(r: int, c: int, colspan: int) -> str:
        if r < head_rows:
            return "colgroup" if colspan > 1 else "col"
        return "row" if c == 0 else ""

    grid: Grid = [
        [GridCell(text, scope(r, c, spans.get((r, c), (1, 1))[1]), *spans.get((r, c), (1, 1))) for c, text in enumerate(row) if (r, c) not in covered]
        for r, row in enumerate(rows)
    ]
    head, body = rows_html(grid[:head_rows]), rows_html(grid[head_rows:])
    return f'<div class="sheet-table"><table class="sheet"><caption>{html.escape(caption)}</caption><thead>{head}</thead><tbody>{body}</tbody></table></div>'
