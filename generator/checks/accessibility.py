"""Accessibility rules on content: what a clerk writes that a screen reader cannot read."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..problems import Problem, warning
from .context import CheckInput

_IMAGE_WITHOUT_ALT = re.compile(r"!\[\s*\]\(")


def image_alt(ctx: CheckInput) -> Iterator[Problem]:
    """Images in public bodies with no alternative text."""
    for entry in ctx.site.items:
        item = entry.item
        if "![" not in item.body:
            continue
        for index, line in enumerate(item.body.split("\n")):
            if _IMAGE_WITHOUT_ALT.search(line):
                yield warning(item.path, item.body_line + index, "正文图片", "图片没有替代文字，读屏软件无法朗读。请在方括号中写上图片内容，如 ![一图读懂集体资产管理办法](图解.png)。", "accessibility/image-alt")
