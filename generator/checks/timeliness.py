"""条例第26条: 主动公开 information is published within 20 working days of being formed (成文日期).

Working days follow the State Council's yearly holiday notice with its 调休 workdays, as the
maintained ``chinese-calendar`` package carries them; a year it does not know yet is said once
instead of guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import chinese_calendar  # type: ignore[import-untyped]  # ships no type hints

from ..load import label
from ..problems import Problem, warning
from .context import SITE_FILE, CheckInput

LIMIT = 20
SOURCE = "条例第26条"


def working_days_between(start: dt.date, end: dt.date) -> int | None:
    """Working days after ``start`` up to and including ``end`` (None when the calendar does not
    know every year between them)."""
    try:
        days: list[dt.date] = chinese_calendar.get_workdays(start + dt.timedelta(days=1), end)
        return len(days)
    except NotImplementedError:
        return None


def publication_delay(ctx: CheckInput) -> Iterator[Problem]:
    """Items published more than 20 working days after their 成文日期."""
    unknown: list[str] = []
    for entry in ctx.site.items:
        item = entry.item
        if item.written is None or item.published is None or (item.published - item.written).days <= LIMIT:
            continue  # 20 calendar days are never more than 20 working days
        days = working_days_between(item.written, item.published)
        if days is None:
            unknown.append(item.path)
        elif days > LIMIT:
            yield warning(
                item.path, item.line_of("published"), label("published"),
                f"成文日期 {item.written}，发布日期 {item.published}：成文后第 {days} 个工作日才公开，超过{SOURCE}“自该政府信息形成或者变更之日起 20 个工作日内”的时限。请及时公开；如发布日期写错了，请改正。",
                "metadata/timeliness",
            )
    if unknown:
        yield warning(SITE_FILE, 1, "工作日", f"{len(unknown)} 条信息的成文或发布日期所在年份还没有法定节假日安排（chinese-calendar 只到 {_known_until()} 年），未核对{SOURCE}的 20 个工作日时限，如 {unknown[0]}。升级 gongkai 后即可核对。", "metadata/timeliness")


def _known_until() -> int:
    last: dt.date = max(chinese_calendar.constants.holidays)
    return last.year
