"""``gongkai check``: the rules an inspection or a privacy sweep applies, as a tuple of pure functions.

Each rule takes a ``CheckInput`` and yields ``Problem`` values with a ``rule`` id (``family/name``).
Problems of the content format and of links are found while loading and assembling; these rules
run on the assembled public site.
"""

from __future__ import annotations

from ..identifiers import redact
from ..model import Item, SiteConfig
from ..problems import Problem
from .accessibility import image_alt
from .annual import annual_report
from .columns import columns
from .context import CheckInput, ItemRule, Rule
from .hygiene import hygiene, warm_up
from .interpretations import interpretation_rules
from .links import large_attachments
from .metadata import metadata
from .periods import periods
from .placeholders import examples, placeholders, summarise_while_new
from .privacy import attachment_privacy, item_privacy, unreadable
from .timeliness import publication_delay

# Rules that look at one public item at a time: the build runs them where the item is loaded,
# on all cores.
ITEM_RULES: tuple[ItemRule, ...] = (item_privacy, hygiene, image_alt)
# Rules that look at the site as a whole, the attachments included.
SITE_RULES: tuple[Rule, ...] = (attachment_privacy, unreadable, large_attachments, interpretation_rules, columns, metadata, publication_delay, periods, annual_report, placeholders, examples)

FAMILIES = {
    "format": "内容格式",
    "privacy": "个人信息",
    "links": "链接",
    "interpretation": "政策解读",
    "columns": "栏目",
    "metadata": "元数据",
    "hygiene": "文字规范",
    "accessibility": "无障碍",
    "annual": "年度报告",
    "periods": "公示与征求意见",
    "scaffold": "示例内容",
}


def check_item(item: Item, config: SiteConfig) -> list[Problem]:
    """Every problem the item rules find in one public item."""
    return [problem for rule in ITEM_RULES for problem in rule(item, config)]


def run_checks(check: CheckInput) -> list[Problem]:
    """Every problem the site rules find (a new site's inspection summarised, see ``placeholders``)."""
    return summarise_while_new([problem for rule in SITE_RULES for problem in rule(check)], check.site.config)


__all__ = ["FAMILIES", "ITEM_RULES", "SITE_RULES", "CheckInput", "ItemRule", "Rule", "check_item", "redact", "run_checks", "warm_up"]
