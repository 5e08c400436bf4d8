"""The published annual report: its tables shown in the national layout, and one CSV per table."""

from __future__ import annotations

import re

from .annual import report_year
from .model import Item
from .report_tables import ParsedTable, parse_tables, to_csv, to_html, values_of
from .urls import item_path, relative

_TABLE = re.compile(r"<table>.*?</table>", re.DOTALL)


def complete_tables(item: Item) -> list[ParsedTable]:
    """A report item's tables that have every cell (an incomplete one is a check error and keeps
    its plain rendering); none for other items."""
    if report_year(item) is None:
        return []
    tables, _ = parse_tables(item.body, item.body_line)
    return [t for t in tables if len(t.cells) == len(t.spec.rows) * len(t.spec.cols)]


def csv_path(item: Item, table: ParsedTable) -> str:
    """Where a report table's CSV is published."""
    number = table.spec.caption.split("：", 1)[0]
    return f"files/{item.key}/{report_year(item)}年度报告{number}.csv"


def national_body(item: Item, body_html: str) -> str:
    """The body with each report table replaced by its national layout and a link to its CSV."""
    tables = {t.index: t for t in complete_tables(item)}
    if not tables:
        return body_html
    count = -1

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        table = tables.get(count)
        if table is None:
            return match.group(0)
        return to_html(table.spec, values_of(table), relative(item_path(item.key), csv_path(item, table)))

    return _TABLE.sub(replace, body_html)


def report_csvs(items: list[Item]) -> list[tuple[str, bytes]]:
    """Every report table of the public report items as (path, CSV bytes)."""
    return [(csv_path(item, t), to_csv(t.spec, values_of(t))) for item in items for t in complete_tables(item)]
