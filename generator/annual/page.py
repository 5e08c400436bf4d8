"""The published annual report: its tables shown in the national layout, and one CSV per table."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import TypeVar

from ..assemble import Site
from ..model import Item
from ..report_data import report_year
from ..report_tables import ParsedTable, Values, parse_tables, values_of
from ..urls import files_dir, item_path, relative
from .layout import SectionTable, section_table, to_csv, to_html

_TABLE = re.compile(r"<table>.*?</table>", re.DOTALL)
K = TypeVar("K")


def _complete(item: Item) -> list[ParsedTable]:
    """A report item's grids that have every cell (an incomplete one is a check error and keeps
    its plain rendering); none for other items."""
    if report_year(item) is None:
        return []
    tables, _ = parse_tables(item.body, item.body_line)
    return [t for t in tables if t.complete]


def _tables_by(tables: list[ParsedTable], key: Callable[[ParsedTable], K]) -> dict[K, SectionTable]:
    """The national tables the grids make, grouped by ``key`` (a body table, or a section)."""
    grids: dict[K, dict[str, Values]] = defaultdict(dict)
    sections: dict[K, str] = {}
    for table in tables:
        grids[key(table)][table.spec.id] = values_of(table)
        sections[key(table)] = table.spec.section
    return {k: section_table(sections[k], grids[k]) for k in grids}


def national_tables(item: Item) -> dict[int, SectionTable]:
    """A report item's tables in the national layout, by their place among the body's tables."""
    return _tables_by(_complete(item), lambda t: t.index)


def csv_path(item: Item, table: SectionTable, spread: bool = False) -> str:
    """Where a report table's CSV is published, among its item's files (``spread``: as a site of
    many items files them): named by the report's year and the section."""
    return f"{files_dir(item.key, spread)}/{report_year(item)}年度报告-{table.title}.csv"


def national_body(item: Item, body_html: str, spread: bool = False) -> str:
    """The body with each report table replaced by its national layout and a link to its CSV
    (``spread``: the site files its items in folders)."""
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
        return to_html(table, relative(item_path(item.key, spread), csv_path(item, table, spread)))

    return _TABLE.sub(replace, body_html)


def report_csvs(items: list[Item], spread: bool = False) -> list[tuple[str, bytes]]:
    """Every report table of the public report items as (path, CSV bytes), one per section (a
    report written for the last release has section 二 as two tables: its CSV holds both)."""
    return [(csv_path(item, t, spread), to_csv(t)) for item in items for t in _tables_by(_complete(item), lambda t: t.spec.section).values()]


def report_outputs(site: Site) -> list[tuple[str, bytes]]:
    """The annual report feature's part of the exports: the CSV of each public report table."""
    return report_csvs([e.item for e in site.items], site.spread)
