"""Text hygiene: what real township sites left in their pages — placeholders, broken citations,
mojibake, and traditional or Taiwan wording on a simplified-Chinese site."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import opencc

from ..model import Item, SiteConfig
from ..problems import Problem, error, warning

PLACEHOLDER = re.compile(
    r"(?:19|20)[xX×]{2}"  # 20xx年, 〔20xx〕
    r"|(?<![A-Za-z])[xX×]{2,}(?![A-Za-z])"  # xxxx年, xx条, XX镇, ××
    r"|(?<![A-Za-z])[xX×](?=[省市县区镇乡村])"  # x省, x市
    r"|[ＸＸ]{2,}|某某某"
    r"|【待填写[^】]*】"  # what gongkai report leaves for the clerk to write
)
BROKEN_CITATION = re.compile(r"〔(?!(?:19|20)\d{2}〕)(?![^〕\n]{0,6}[xX×])[^〕\n]{0,8}")
RUBY = re.compile(r"[\u4e00-\u9fff]\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)")
# Characters no simplified government text contains: the debris of GBK text decoded wrongly.
DEBRIS = re.compile(r"[\ufffd\u3100-\u312f\u2500-\u257f\u2ff0-\u2fff\u3040-\u30ff]")
# Taiwan wording, after conversion to simplified characters, and the mainland term.  Only terms
# that do not also occur inside ordinary mainland phrases (品质 is in 产品质量, 数位 in 数位专家).
TAIWAN_TERMS = {
    "资讯": "信息", "网路": "网络", "软体": "软件", "硬体": "硬件", "入口网站": "门户网站", "伺服器": "服务器",
    "资料库": "数据库", "萤幕": "屏幕", "列印": "打印", "部落格": "博客", "网际网路": "互联网", "登入": "登录",
    "行动电话": "手机", "计程车": "出租车", "资安": "信息安全",
}
_TAIWAN = re.compile("|".join(sorted(TAIWAN_TERMS, key=len, reverse=True)))
# Characters every finding above starts with: texts without any are skipped in one C-level search.
_PLACEHOLDER_START = re.compile("[xX×ＸＸ某]")
# The mark gongkai report leaves; 【 alone is common in real text and would slow every item down.
DRAFT_MARK = "【待填写"


@functools.lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=1)
def _traditional() -> re.Pattern[str]:
    """A character class of every character that t2s would change on its own (a fast pre-filter)."""
    chars = [chr(c) for c in range(0x3400, 0xA000)]
    converted = _converter().convert("\n".join(chars)).split("\n")
    changed = "".join(c for c, s in zip(chars, converted, strict=True) if c != s)
    return re.compile(f"[{re.escape(changed)}]")


def warm_up() -> None:
    """Build the converter and the character table now (before worker processes are forked)."""
    _traditional()


def _lines(item: Item) -> Iterator[tuple[int, str, str]]:
    yield item.line_of("title"), "title/标题", item.title
    if item.summary:
        yield item.line_of("summary"), "summary/内容概述", item.summary
    for index, line in enumerate(item.body.split("\n")):
        yield item.body_line + index, "正文", line


def _quote(matches: list[str]) -> str:
    shown = "、".join(f"“{m}”" for m in dict.fromkeys(matches[:5]))
    return shown + (f" 等 {len(matches)} 处" if len(matches) > 5 else "")


def _mainland(line: str) -> list[str]:
    found = []
    for m in _TAIWAN.finditer(line):
        found.append(f"{m.group(0)}→{TAIWAN_TERMS[m.group(0)]}")
    return found


def hygiene(item: Item, config: SiteConfig) -> Iterator[Problem]:
    """Placeholders, broken citations, mojibake and traditional/Taiwan wording in one public item."""
    traditional = _traditional()
    path = item.path
    whole = f"{item.title}\n{item.summary}\n{item.body}"
    suspects = (
        _PLACEHOLDER_START.search(whole) or DRAFT_MARK in whole or "〔" in whole or RUBY.search(whole) or DEBRIS.search(whole)
        or traditional.search(whole) or _TAIWAN.search(whole)
    )
    if suspects:
        for line, field, text in _lines(item):
            if not text:
                continue
            placeholders = [m.group(0) for m in PLACEHOLDER.finditer(text)] if _PLACEHOLDER_START.search(text) or DRAFT_MARK in text else []
            if placeholders:
                fix = "请写上实际内容，并删除【待填写：…】标记。" if all(p.startswith("【") for p in placeholders) else "请填入实际的年份、数字或名称。"
                yield error(path, line, field, f"有未替换的模板占位符 {_quote(placeholders)}。{fix}", "hygiene/placeholder")
            broken = [m.group(0) for m in BROKEN_CITATION.finditer(text)] if "〔" in text else []
            if broken:
                yield error(path, line, field, f"文号引用不完整 {_quote(broken)}。文号年份应写成“〔2024〕”：六角括号内是四位年份。", "hygiene/citation")
            debris = [m.group(0) for m in RUBY.finditer(text)] + [f"U+{ord(m.group(0)):04X}" for m in DEBRIS.finditer(text)]
            if debris:
                yield error(path, line, field, f"有乱码 {_quote(debris)}（编码转换或拼音注音残留）。请对照原文重新录入这一段。", "hygiene/mojibake")
            if traditional.search(text):
                simplified = _converter().convert(text)
                if simplified != text:
                    changed = [f"{a}→{b}" for a, b in zip(text, simplified, strict=False) if a != b]
                    yield warning(path, line, field, f"有繁体字 {_quote(changed)}。简体网站请改用简体字。", "hygiene/traditional")
                    text = simplified
            taiwan = _mainland(text)
            if taiwan:
                yield warning(path, line, field, f"有台湾用语 {_quote(taiwan)}。请改用大陆规范用语。", "hygiene/wording")
