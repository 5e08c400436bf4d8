"""Column rules: what an inspection counts against the single-veto thresholds (单项否决)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from ..annual import REPORT_COLUMN, report_year
from ..catalogue import sections_in_use
from ..problems import Problem, warning
from .context import CATALOGUE_FILE, SITE_FILE, CheckInput

EMPTY_VETO = 5
STALE_VETO = 10
HOME_MAX_DAYS = 14


def columns(ctx: CheckInput) -> Iterator[Problem]:
    """Empty columns, stale columns, a stale home page and a missing annual report."""
    newest: dict[str, dt.date] = {}
    counts: dict[str, int] = defaultdict(int)
    for entry in ctx.site.items:
        published = entry.item.published
        counts[entry.item.catalogue] += 1
        if published and published > newest.get(entry.item.catalogue, dt.date.min):
            newest[entry.item.catalogue] = published
    empty: list[str] = []
    stale: list[str] = []
    for section in sections_in_use(ctx.site.catalogue, counts):
        for leaf in section.leaves:
            name = f"“{leaf.label}”（{leaf.ref}）"
            if leaf.not_applicable:
                continue
            if not counts[leaf.ref]:
                empty.append(leaf.ref)
                yield warning(CATALOGUE_FILE, 1, leaf.ref, f"空白栏目：{name}没有任何公开信息。请发布信息，或在 _catalogue.yml 的 not_applicable 中声明不涉及并写明理由。", "columns/empty")
            elif leaf.max_age_days and leaf.ref not in newest:
                # Its items carry no readable date (each has its own error): it counts as not updated.
                stale.append(leaf.ref)
                yield warning(CATALOGUE_FILE, 1, leaf.ref, f"栏目{name}的信息都没有有效的发布日期，按未更新计。请给这些信息写上发布日期。", "columns/stale")
            elif leaf.max_age_days and (ctx.today - newest[leaf.ref]).days > leaf.max_age_days:
                days = (ctx.today - newest[leaf.ref]).days
                stale.append(leaf.ref)
                yield warning(CATALOGUE_FILE, 1, leaf.ref, f"栏目{name}已 {days} 天未更新（最新信息发布于 {newest[leaf.ref]}），超过 {leaf.max_age_days} 天的更新要求。", "columns/stale")
    if len(empty) >= EMPTY_VETO:
        yield warning(CATALOGUE_FILE, 1, "单项否决", f"空白栏目共 {len(empty)} 个，达到政府网站检查“{EMPTY_VETO} 个以上空白栏目”单项否决标准。", "columns/veto")
    if len(stale) >= STALE_VETO:
        yield warning(CATALOGUE_FILE, 1, "单项否决", f"应更新未更新的栏目共 {len(stale)} 个，达到“{STALE_VETO} 个以上”单项否决标准。", "columns/veto")
    latest = max(newest.values(), default=None)
    if latest is None or (ctx.today - latest).days > HOME_MAX_DAYS:
        since = f"最新信息发布于 {latest}，已 {(ctx.today - latest).days} 天" if latest else "还没有任何公开信息"
        yield warning(SITE_FILE, 1, "首页", f"首页{since}未更新，超过两周即达到单项否决标准。请及时发布信息。", "columns/home")
    year = ctx.today.year - 1
    if ctx.today > dt.date(ctx.today.year, 1, 31) and not any(
        report_year(e.item) == year for e in ctx.site.items
    ):
        yield warning(CATALOGUE_FILE, 1, REPORT_COLUMN, f"缺少 {year} 年政府信息公开工作年度报告（应于 {ctx.today.year} 年 1 月 31 日前发布，标题如“…{year}年政府信息公开工作年度报告”）。", "columns/annual-report")
