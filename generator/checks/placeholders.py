"""A site that is still ``gongkai new``'s example: its placeholder identity and 示例 items.

A new site builds as it is, so that a clerk can look at it at once; it must not go live as it is.
While ``_site.yml`` still carries the example's identity (某某镇, 0000000 numbers, the example's
codes) every check says so, the build stamp records it and ``gongkai deploy`` refuses. The
site-wide inspection of an empty site would be a wall of warnings on the first day (every column
empty): until the identity is real those are said as one summary, the item rules as always.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import yaml

from ..model import Item, SiteConfig
from ..problems import Level, Problem, site_path, warning
from .context import SITE_FILE, CheckInput

# What gongkai new writes that no real office has: a 某某 name anywhere, and the example's own
# placeholder values (its runs of zeros) where a field still equals them. A run of zeros alone
# also occurs in real numbers, and the example's postcode and office hours are real ones: those
# never count.
_PLACEHOLDER = re.compile(r"某某")
_FAKE = re.compile(r"某某|0{6,}")
# Site-wide rules that a new site breaks only because it is new; said as one summary meanwhile.
_SUMMARISED = ("columns/", "metadata/identity", "metadata/index-no")


@lru_cache(maxsize=1)
def _scaffold_values() -> dict[str, str]:
    """The identity values of the shipped example's ``_site.yml``, field by field."""
    text = resources.files("generator").joinpath("data/scaffold/content/_site.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    flat: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{k}": str(v) for k, v in value.items() if isinstance(v, (str, int))})
        elif key in ("name", "org_code"):
            flat[key] = str(value)
    return flat


def _config_values(config: SiteConfig) -> dict[str, str]:
    values = {"name": config.name, "org_code": config.org_code}
    values.update({f"identity.{f.name}": getattr(config.identity, f.name) for f in dataclasses.fields(config.identity)})
    values.update({f"contact.{f.name}": getattr(config.contact, f.name) for f in dataclasses.fields(config.contact)})
    return values


def placeholder_fields(config: SiteConfig) -> tuple[str, ...]:
    """The ``_site.yml`` fields that still hold the example's values (empty when the site is real)."""
    example = _scaffold_values()
    return tuple(
        field
        for field, value in _config_values(config).items()
        if value and (_PLACEHOLDER.search(value) or (example.get(field) == value and _FAKE.search(value)))
    )


def is_example(item: Item) -> bool:
    """An item the example ships: a file named 示例…, or a title about 某某镇."""
    return item.path.rsplit("/", 1)[-1].startswith("示例") or "某某" in item.title


def example_items(items: Iterable[Item]) -> tuple[str, ...]:
    """The paths of the example's items still in the site (public or not: a path names no title)."""
    return tuple(sorted(item.path for item in items if is_example(item)))


def placeholders(ctx: CheckInput) -> Iterable[Problem]:
    """The example's identity still in ``_site.yml``."""
    fields = placeholder_fields(ctx.site.config)
    if fields:
        yield warning(
            SITE_FILE, 1, fields[0],
            f"站点信息还是 gongkai new 的示例（{'、'.join(fields)}）。请改成本单位的真实名称、统一社会信用代码、网站标识码、备案号和联系方式；改好之前 gongkai deploy 不会发布这个网站。",
            "scaffold/identity",
        )


def examples(ctx: CheckInput) -> list[Problem]:
    """One warning naming every example item still on the site."""
    paths = example_items(entry.item for entry in ctx.site.items)
    if not paths:
        return []
    listed = "、".join(site_path(p) for p in paths)
    return [
        warning(
            paths[0], 1, "",
            f"还有 {len(paths)} 个 gongkai new 的示例条目：{listed}。请照着它们写本单位的真实信息，然后删除或改写示例（文件名不再以“示例”开头、标题不含“某某”）；示例条目还在时 gongkai deploy 不会发布。",
            "scaffold/examples",
        )
    ]


def summarise_while_new(problems: list[Problem], config: SiteConfig) -> list[Problem]:
    """While the identity is the example's, the site-wide inspection as one warning that says how
    many columns are empty or stale and what to do; the full list comes once the site is real."""
    if not placeholder_fields(config):
        return problems
    folded = [p for p in problems if p.level is Level.WARNING and p.rule.startswith(_SUMMARISED)]
    if not folded:
        return problems
    kept = [p for p in problems if p not in folded]
    empty = sum(p.rule == "columns/empty" for p in folded)
    stale = sum(p.rule == "columns/stale" for p in folded)
    numbers = sum(p.rule == "metadata/index-no" for p in folded)
    parts = [f"{empty} 个栏目还没有信息" if empty else "", f"{stale} 个栏目超过更新时限" if stale else "", f"{numbers} 个条目没有索引号" if numbers else ""]
    said = "、".join(part for part in parts if part) or f"{len(folded)} 条栏目检查"
    return kept + [
        warning(
            SITE_FILE, 1, "",
            f"这是一个新站点：{said}。先填好 _site.yml 的站点信息；之后 gongkai check 会逐条列出每个栏目和底部标识的检查结果，gongkai number 会按本单位的代码编索引号。",
            "scaffold/new-site",
        )
    ]
