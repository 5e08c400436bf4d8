"""The published annual report: its tables shown in the national layout, and one CSV per table."""

from __future__ import annotations

import re
from collections import defaultdict

from .annual import report_year
from .model import Item
from .report_layout import SectionTable, section_table, to_csv, to_html
from .report_tables import Values, parse_tables, values_of
from .urls import item_path, relative

_TABLE = re.compile(r"<table>.*?</table>", re.DOTALL)


def national_tables(item: Item) -> dict[int, SectionTable]:
    """A report item's tables that have every cell, by their place among the body's tables (an
    incomplete one is a check error and keeps its plain rendering); none for other items."""
    if report_year(item) is None:
        return {}
    tables, _ = parse_tables(item.body, item.body_line)
    grids: dict[int, dict[str, Values]] = defaultdict(dict)
    sections: dict[int, str] = {}
    for table in tables:
        if table.complete:
            grids[table.index][table.spec.id] = values_of(table)
            sections[table.index] = table.spec.section
    return {index: section_table(sections[index], grids[index]) for index in sorted(grids)}


def csv_path(item: Item, table: SectionTable) -> str:
    """Where a report table's CSV is published: named by the report's year and the section."""
    return f"files/{item.key}/{report_year(item)}年度报告-{table.title}.csv"


def national_body(item: Item, body_html: str) -> str:
    """The body with each report table replaced by its national layout and a link to its CSV."""
    tables = national_tables(item)
    if not tables:
        return body_html
    count = -1

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        table = tables.get(count)
        if table is None:
            return match.group(0)
        return to_html(table, relative(item_path(item.key), csv_path(item, table)))

    return _TABLE.sub(replace, body_html)


def report_csvs(items: list[Item]) -> list[tuple[str, bytes]]:
    """Every report table of the public report items as (path, CSV bytes), one per section (a
    report written for the last release has section 二 as two tables: its CSV holds both)."""
    found: list[tuple[str, bytes]] = []
    for item in items:
        if report_year(item) is None:
            continue
        tables, _ = parse_tables(item.body, item.body_line)
        by_section: dict[str, dict[str, Values]] = defaultdict(dict)
        for table in tables:
            if table.complete:
                by_section[table.spec.section][table.spec.id] = values_of(table)
        for section, values in by_section.items():
            merged = section_table(section, values)
            found.append((csv_path(item, merged), to_csv(merged)))
    return found
