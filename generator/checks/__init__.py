"""``gongkai check``: the rules an inspection or a privacy sweep applies, as a tuple of pure functions.

Each rule takes a ``CheckInput`` and yields ``Problem`` values with a ``rule`` id (``family/name``).
Problems of the content format and of links are found while loading and assembling; these rules
run on the assembled public site.
"""

from __future__ import annotations

from ..problems import Problem
from .accessibility import image_alt
from .columns import columns
from .context import CheckInput, Rule
from .hygiene import hygiene
from .identifiers import redact
from .interpretations import interpretation_rules
from .links import large_attachments
from .metadata import metadata
from .privacy import privacy, unreadable

RULES: tuple[Rule, ...] = (privacy, unreadable, large_attachments, interpretation_rules, columns, metadata, hygiene, image_alt)

FAMILIES = {
    "format": "内容格式",
    "privacy": "个人信息",
    "links": "链接",
    "interpretation": "政策解读",
    "columns": "栏目",
    "metadata": "元数据",
    "hygiene": "文字规范",
    "accessibility": "无障碍",
}


def run_checks(check: CheckInput, rules: tuple[Rule, ...] = RULES) -> list[Problem]:
    """Every problem the rules find."""
    return [problem for rule in rules for problem in rule(check)]


__all__ = ["FAMILIES", "RULES", "CheckInput", "Rule", "redact", "run_checks"]
