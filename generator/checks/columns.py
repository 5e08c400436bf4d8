"""Column rules: what an inspection counts against the single-veto thresholds (单项否决) of
国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》, word for word in substance (domain.md §5):

- 网站不更新: the home page shows nothing new for 2 weeks;
- 栏目不更新 (1): 动态、要闻类 columns not updated in the 2 weeks before the check, together with
  通知公告、政策文件类 columns not updated in the 6 months before it, ≥ 5 such columns in total;
- 栏目不更新 (2): ≥ 10 columns that should be updated but are long not updated — the 第一次全国政府
  网站普查's reading: empty columns, and the columns whose frequency the indicators fix;
- 栏目不更新 (3): ≥ 5 empty columns (空白栏目).

Only the kinds named in (1) get a national time limit.  A county's own limits (``max_age_days``)
are reported as 本地要求 and never counted toward a veto; event-driven columns have none.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from ..catalogue import sections_in_use, unused_columns
from ..model import Leaf
from ..problems import Problem, warning
from ..report_data import REPORT_COLUMN, report_year
from .context import CATALOGUE_FILE, SITE_FILE, CheckInput

SOURCE = "国办秘函〔2019〕19号"
NEWS_KIND = "动态要闻"
# 栏目不更新 (1): how long each national kind may go without new information.
NATIONAL_LIMITS = {NEWS_KIND: "2 周", "通知公告": "6 个月", "政策文件": "6 个月"}
STALE_KINDS_VETO = 5
LONG_STALE_VETO = 10
EMPTY_VETO = 5
HOME_DAYS = 14


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def national_since(leaf: Leaf, today: dt.date) -> dt.date | None:
    """The day since which a national-kind column must have new information (None for others)."""
    if not leaf.national:
        return None
    return today - dt.timedelta(days=HOME_DAYS) if leaf.national == NEWS_KIND else months_before(today, 6)


def columns(ctx: CheckInput) -> Iterator[Problem]:
    """Empty columns, stale columns (national and local), the vetoes, a stale home page, the
    catalogue's minimum counts and a missing annual report."""
    newest: dict[str, dt.date] = {}
    counts: dict[str, int] = defaultdict(int)
    for entry in ctx.site.items:
        published = entry.item.published
        for column in entry.item.columns:  # an item listed in several columns updates each of them
            counts[column] += 1
            if published and published > newest.get(column, dt.date.min):
                newest[column] = published
    empty: list[str] = []
    stale: list[str] = []
    shown = [leaf for section in sections_in_use(ctx.site.catalogue, counts) for leaf in section.leaves]
    for leaf in shown + list(ctx.site.catalogue.site_columns):
        name = f"“{leaf.label}”（{leaf.ref}）"
        if leaf.not_applicable:
            continue
        latest = newest.get(leaf.ref)
        since = national_since(leaf, ctx.today)
        if not counts[leaf.ref]:
            empty.append(leaf.ref)
            fix = "请发布信息，或在 _catalogue.yml 的 not_applicable 中声明不涉及并写明理由。" if leaf.na_allowed else "本栏目必须公开，不能声明不涉及，请发布信息。"
            yield warning(CATALOGUE_FILE, 1, leaf.ref, f"空白栏目：{name}没有任何公开信息（{SOURCE}：空白栏目 {EMPTY_VETO} 个以上即单项否决）。{fix}", "columns/empty")
            continue
        if leaf.min_items and counts[leaf.ref] < leaf.min_items:
            yield warning(CATALOGUE_FILE, 1, leaf.ref, f"栏目{name}只有 {counts[leaf.ref]} 条信息，目录要求至少 {leaf.min_items} 条。", "columns/min-items")
        if since is not None and (latest is None or latest < since):
            stale.append(leaf.ref)
            when = f"最新信息发布于 {latest}" if latest else "它的信息都没有有效的发布日期，按未更新计"
            yield warning(CATALOGUE_FILE, 1, leaf.ref, f"栏目{name}属于{leaf.national}类栏目，{NATIONAL_LIMITS[leaf.national]}内没有更新（{when}；{SOURCE}：应在检查前 {NATIONAL_LIMITS[leaf.national]}内更新）。", "columns/stale")
        elif since is None and leaf.max_age_days and (latest is None or (ctx.today - latest).days > leaf.max_age_days):
            when = f"已 {(ctx.today - latest).days} 天未更新（最新信息发布于 {latest}）" if latest else "的信息都没有有效的发布日期"
            where = "_catalogue.yml 中设定" if leaf.local_age else "gongkai 参考目录建议"
            yield warning(CATALOGUE_FILE, 1, leaf.ref, f"栏目{name}{when}，超过{where}的 {leaf.max_age_days} 天（本地要求，不计入国家单项否决）。", "columns/local-age")
    for leaves in unused_columns(ctx.site.catalogue, counts).values():
        names = "、".join(f"{leaf.label}（{leaf.ref}）" for leaf in leaves)
        yield warning(CATALOGUE_FILE, 1, leaves[0].section_id, f"“{leaves[0].section_label}”中适用于本站的 {len(leaves)} 个领域既没有信息，也没有声明不涉及：{names}。请发布对应事项，或在 _catalogue.yml 的 not_applicable 中逐项声明不涉及（国办发〔2019〕54号）。这些领域在网站上不显示，不计为空白栏目。", "columns/standard-catalogue")
    yield from _vetoes(empty, stale)
    latest_any = max(newest.values(), default=None)
    if latest_any is None or (ctx.today - latest_any).days > HOME_DAYS:
        since_text = f"最新信息发布于 {latest_any}，已 {(ctx.today - latest_any).days} 天" if latest_any else "还没有任何公开信息"
        yield warning(SITE_FILE, 1, "首页", f"首页{since_text}未更新。{SOURCE}“网站不更新”：监测 2 周首页栏目无信息更新即单项否决。请及时发布信息。", "columns/home")
    year = ctx.today.year - 1
    if ctx.today > dt.date(ctx.today.year, 1, 31) and not any(report_year(e.item) == year for e in ctx.site.items):
        yield warning(CATALOGUE_FILE, 1, REPORT_COLUMN, f"缺少 {year} 年政府信息公开工作年度报告（条例第49、50条：应于 {ctx.today.year} 年 1 月 31 日前发布）。在年报栏目（catalogue: annual-report）发布并写明 report_year: {year}，或运行 gongkai report {year} 起草。", "columns/annual-report")


def _vetoes(empty: list[str], stale: list[str]) -> Iterator[Problem]:
    """The three 栏目不更新 thresholds, each said with its rule, count and threshold."""
    if len(stale) >= STALE_KINDS_VETO:
        yield warning(CATALOGUE_FILE, 1, "单项否决", f"栏目不更新（{SOURCE}第一项）：动态要闻类栏目 2 周内、通知公告和政策文件类栏目 6 个月内未更新的共 {len(stale)} 个（{'、'.join(stale)}），达到“累计 {STALE_KINDS_VETO} 个以上”的单项否决标准。", "columns/veto")
    long_stale = empty + stale
    if len(long_stale) >= LONG_STALE_VETO:
        yield warning(CATALOGUE_FILE, 1, "单项否决", f"栏目不更新（{SOURCE}第二项）：应更新但长期未更新的栏目（空白栏目 {len(empty)} 个，超过时限未更新 {len(stale)} 个）共 {len(long_stale)} 个，达到“{LONG_STALE_VETO} 个以上”的单项否决标准。", "columns/veto")
    if len(empty) >= EMPTY_VETO:
        yield warning(CATALOGUE_FILE, 1, "单项否决", f"栏目不更新（{SOURCE}第三项）：空白栏目共 {len(empty)} 个（{'、'.join(empty)}），达到“{EMPTY_VETO} 个以上”的单项否决标准。", "columns/veto")
