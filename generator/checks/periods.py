"""公示 and 征求意见 rules: periods as the rules that require them set them.

- a 公示 published after its period began, or shorter than its column's minimum (低保 7 days,
  民发〔2021〕57号; 征收土地 公告 at least 30 days, 《土地管理法》第四十七条; a county may set its own in
  ``_catalogue.yml`` ``notice_min_days``);
- a draft of a 重大行政决策 (the 意见征集 column) open for fewer than 30 days
  (《重大行政决策程序暂行条例》第十四条: 征求意见期限一般不少于 30 日);
- no 意见采纳情况反馈 linked 30 days after the deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..load import label
from ..problems import Problem, warning
from .context import CheckInput

DECISION_DRAFTS = "decision/drafts-for-comment"
DECISION_MIN_DAYS = 30
FEEDBACK_DAYS = 30


def periods(ctx: CheckInput) -> Iterator[Problem]:
    """公示期 and 征求意见期 against their minimums; missing feedback."""
    leaves = ctx.site.catalogue.leaves
    for entry in ctx.site.items:
        item = entry.item
        field = label("notice_period")
        if item.notice_start and item.notice_end:
            line = item.line_of("notice_period")
            if item.published and item.published > item.notice_start:
                yield warning(item.path, line, field, f"公示期从 {item.notice_start} 开始，但本公示 {item.published} 才发布：群众能看到的公示期比写明的短。请核对发布日期，或把公示期顺延。", "periods/late-notice")
            days = (item.notice_end - item.notice_start).days + 1
            minimum = max((leaves[c].notice_min_days, leaves[c].notice_basis) for c in item.columns if c in leaves)
            if minimum[0] and days < minimum[0]:
                yield warning(item.path, line, field, f"公示期 {days} 天，少于 {minimum[0]} 天（{minimum[1]}）。请延长公示期。", "periods/short-notice")
        deadline = item.consultation_deadline
        if deadline is None:
            continue
        line = item.line_of("consultation")
        field = label("consultation")
        if DECISION_DRAFTS in item.columns and item.published:
            days = (deadline - item.published).days + 1
            if days < DECISION_MIN_DAYS:
                yield warning(item.path, line, field, f"重大行政决策草案征求意见 {days} 天（{item.published} 至 {deadline}），少于 {DECISION_MIN_DAYS} 天（《重大行政决策程序暂行条例》第十四条：征求意见期限一般不少于 30 日）。", "periods/short-consultation")
        if not entry.feedback and ctx.today > deadline + dt.timedelta(days=FEEDBACK_DAYS):
            yield warning(item.path, line, field, f"征求意见已于 {deadline} 截止超过 {FEEDBACK_DAYS} 天，还没有意见采纳情况反馈。请发布反馈，并在本条目的 consultation 中用 feedback 指向它。", "periods/feedback")
