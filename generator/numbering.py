"""``gongkai number``: assign missing 索引号 and write them into the items' front matter.

Serials run per year and are never reused: every number ever assigned is appended to
``content/_index_numbers.txt`` (kept in git), so deleting an item does not free its number.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

from . import textfile
from .build import check_site
from .discover import LEDGER
from .model import Item
from .output import write_atomic
from .problems import Problem, UsageError, error, has_errors, warning


@dataclass(frozen=True)
class NumberOutcome:
    """Numbers written (file, 索引号) and problems that stopped or limited the run."""

    assigned: tuple[tuple[str, str], ...]
    problems: tuple[Problem, ...]


def _pattern(fmt: str, org_code: str) -> re.Pattern[str]:
    """A regex that recognises numbers made by ``fmt``, capturing year and serial."""
    out = ""
    for literal, field, _spec, _conv in string.Formatter().parse(fmt):
        out += re.escape(literal)
        if field == "org_code":
            out += re.escape(org_code)
        elif field == "year":
            out += r"(?P<year>\d{4})"
        elif field == "seq":
            out += r"(?P<seq>\d+)"
    return re.compile(f"^{out}$")


def _ledger(content_dir: Path) -> list[str] | Problem:
    """Every number ever assigned, or the problem that makes the ledger unreadable."""
    path = content_dir / LEDGER
    if not path.is_file():
        return []
    decoded = textfile.decode(path.read_bytes())
    if isinstance(decoded, str):
        return error(f"content/{LEDGER}", 0, "", f"已用索引号登记簿无法读取：{decoded}")
    return [line.split("\t", 1)[0].strip() for line in decoded.text.splitlines() if line.strip()]


def _insert(path: Path, value: str) -> None:
    """Add the 索引号 line at the end of the front matter, keeping BOM, line endings and key language."""
    data = path.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8") if bom else data.decode("utf-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    close = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    chinese = any(line.startswith(("标题", "目录分类", "公开属性")) for line in lines[1:close])
    lines.insert(close, f'{"索引号" if chinese else "index_no"}: "{value}"')
    write_atomic(path, (b"\xef\xbb\xbf" if bom else b"") + newline.join(lines).encode("utf-8"))


def assign_numbers(site_dir: Path) -> NumberOutcome:
    """Number every item that lacks a 索引号; refuses to touch a site with content errors."""
    result = check_site(site_dir)
    if has_errors(result.problems) or result.site is None:
        return NumberOutcome((), tuple(p for p in result.problems if p.level.name == "ERROR"))
    config = result.site.config
    if "{org_code}" in config.index_no_format and not config.org_code:
        raise UsageError("_site.yml 缺少 org_code（统一社会信用代码），无法生成索引号。")
    pattern = _pattern(config.index_no_format, config.org_code)
    content_dir = site_dir / "content"
    recorded = _ledger(content_dir)
    if isinstance(recorded, Problem):
        return NumberOutcome((), (recorded,))
    used = set(recorded) | {i.index_no for i in result.items if i.index_no}
    highest: dict[int, int] = {}
    for number in used:
        m = pattern.match(number)
        if m and m.groupdict().get("year") and m.groupdict().get("seq"):
            year = int(m.group("year"))
            highest[year] = max(highest.get(year, 0), int(m.group("seq")))
    problems: list[Problem] = []
    assigned: list[tuple[str, str]] = []

    def order(item: Item) -> tuple[str, str]:
        date = item.published or item.written
        return (date.isoformat() if date else "", item.path)

    for item in sorted((i for i in result.items if not i.index_no), key=order):
        date = item.published or item.written
        if date is None:
            problems.append(warning(item.path, 1, "index_no/索引号", "没有发布日期或成文日期，无法确定年份，暂不编号。请先写 published 或 written。"))
            continue
        seq = highest.get(date.year, 0) + 1
        value = config.index_no_format.format(org_code=config.org_code, year=date.year, seq=seq)
        if value in used:
            problems.append(error(item.path, 1, "index_no/索引号", f"生成的索引号“{value}”已被使用，请检查 index_no_format。"))
            continue
        _insert(content_dir / item.path, value)
        with open(content_dir / LEDGER, "a", encoding="utf-8") as ledger:
            ledger.write(f"{value}\t{item.path}\n")
        highest[date.year] = seq
        used.add(value)
        assigned.append((item.path, value))
    return NumberOutcome(tuple(assigned), tuple(problems))
