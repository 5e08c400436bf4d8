"""Tables as grids of cells with their spans: what the annual report's national tables and the
spreadsheets shown on pages are both written from (HTML with header scopes, or a plain matrix)."""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class GridCell:
    """One cell: header cells carry their ``scope``; data cells have none."""

    text: str
    scope: str = ""
    rowspan: int = 1
    colspan: int = 1


Grid = list[list[GridCell]]


def matrix(rows: Grid) -> list[list[str]]:
    """The grid as a plain matrix: a merged cell's text in its top-left position, blanks under
    and beside it (how a CSV or a pipe table carries a merged cell)."""
    taken: dict[tuple[int, int], str] = {}
    width = 0
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken[(r + dr, c + dc)] = cell.text if (dr, dc) == (0, 0) else ""
            c += cell.colspan
            width = max(width, c)
    return [[taken.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def _cell_html(c: GridCell) -> str:
    tag = "th" if c.scope else "td"
    attrs = (f' scope="{c.scope}"' if c.scope else "") + (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
    return f"<{tag}{attrs}>{html.escape(c.text)}</{tag}>"


def rows_html(grid: Grid) -> str:
    """A grid's rows as HTML: merged cells with their spans, header cells with their scopes."""
    return "".join("<tr>" + "".join(_cell_html(c) for c in row) + "</tr>" for row in grid)
