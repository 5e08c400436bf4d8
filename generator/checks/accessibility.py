"""Accessibility rules on content: what a clerk writes that a screen reader cannot read."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import Item, SiteConfig
from ..problems import Problem, warning

_IMAGE_WITHOUT_ALT = re.compile(r"!\[\s*\]\(")


def image_alt(item: Item, config: SiteConfig) -> Iterator[Problem]:
    """Images in a public item's body with no alternative text."""
    if "![" in item.body:
        for index, line in enumerate(item.body.split("\n")):
            if _IMAGE_WITHOUT_ALT.search(line):
                yield warning(item.path, item.body_line + index, "正文图片", "图片没有替代文字，读屏软件无法朗读。请在方括号中写上图片内容，如 ![一图读懂集体资产管理办法](图解.png)。", "accessibility/image-alt")
