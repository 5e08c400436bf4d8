"""政策解读 rules: documents that need one, and interpretations that are out of step."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import InterpretationForm, Validity
from ..problems import Problem, site_path, warning
from .context import CheckInput

NORMATIVE = "行政规范性文件"
MIN_TEXT_CHARS = 80


def interpretation_rules(ctx: CheckInput) -> Iterator[Problem]:
    """A normative document without an interpretation; interpretations off by date, of a repealed
    document, or in a picture or video form without their text."""
    by_key = ctx.site.by_key
    for entry in ctx.site.items:
        item = entry.item
        if item.doc_class == NORMATIVE and item.validity is Validity.VALID and not entry.interpretations:
            yield warning(item.path, item.line_of("doc_class"), "doc_class/文件类别", "行政规范性文件必须有政策解读（同步起草、同步审签、同步发布），本文件还没有。请发布解读，并在解读中用 interprets 指向本文件。", "interpretation/missing")
        for key in entry.interprets:
            document = by_key[key].item
            line = item.line_of("interprets")
            if document.published and item.published and document.published != item.published:
                yield warning(item.path, line, "interprets/解读对象", f"解读发布于 {item.published}，所解读的文件 {site_path(document.path)} 发布于 {document.published}。解读应与文件同步发布。", "interpretation/date")
            if document.validity in (Validity.REPEALED, Validity.EXPIRED):
                yield warning(item.path, line, "interprets/解读对象", f"所解读的文件 {site_path(document.path)} 已{document.validity.value}。请在解读开头说明，或把本解读的有效性改为失效。", "interpretation/repealed")
        if entry.item.interpretation_form in (InterpretationForm.GRAPHIC, InterpretationForm.VIDEO):
            text = re.sub(r"!\[[^\]]*\]\([^)]*\)|<[^>]+>|[\s#*|>-]", "", item.body)
            if len(text) < MIN_TEXT_CHARS:
                form = entry.item.interpretation_form.value
                yield warning(item.path, item.body_line, "正文", f"{form}解读需附文字版（正文只有 {len(text)} 个字），便于视障人士和检索。请把{form}内容整理成文字写在正文里。", "interpretation/text")
