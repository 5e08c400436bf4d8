"""Metadata rules: the 头部信息 an inspector reads, and the site's footer identity."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..problems import Problem, error, warning
from .context import SITE_FILE, CheckInput

DOC_NO = re.compile(r"^[\u4e00-\u9fa5A-Za-z0-9（）()]+〔(19|20)\d{2}〕[1-9]\d*号$")
SUMMARY_MAX = 100
SITE_CODE = re.compile(r"^(\d{10}|bm\d{8})$")


def suggest_doc_no(value: str) -> str:
    """The GB/T 9704 form of a 文号 written with the wrong brackets, 第 or leading zeros."""
    fixed = re.sub(r"[\[［【(（〈<{]\s*((?:19|20)\d{2})\s*[\]］】)）〉>}]", r"〔\1〕", value.replace(" ", ""))
    fixed = re.sub(r"〕第?0*([1-9]\d*)号", r"〕\1号", fixed)
    return fixed


def metadata(ctx: CheckInput) -> Iterator[Problem]:
    """文号 form, 索引号 present and unchanged, dates, 内容概述 length, footer identity."""
    for entry in ctx.site.items:
        item = entry.item
        if not item.index_no:
            yield warning(item.path, 1, "index_no/索引号", "缺少索引号。运行 gongkai number 自动编号。", "metadata/index-no")
        previous = ctx.previous_index.get(item.key)
        if previous and item.index_no and previous != item.index_no:
            yield error(item.path, item.line_of("index_no"), "index_no/索引号", f"索引号一经公开不得更改：上次发布时为“{previous}”，现在是“{item.index_no}”。请改回原索引号。", "metadata/index-changed")
        if item.doc_no and not DOC_NO.match(item.doc_no):
            fixed = suggest_doc_no(item.doc_no)
            hint = f"应写作“{fixed}”。" if DOC_NO.match(fixed) else "格式为“机关代字〔年份〕序号号”，如 青政发〔2026〕3号（六角括号，序号不加“第”和前导零）。"
            yield warning(item.path, item.line_of("doc_no"), "doc_no/文号", f"文号“{item.doc_no}”不符合 GB/T 9704：{hint}", "metadata/doc-no")
        if len(item.summary) > SUMMARY_MAX:
            yield warning(item.path, item.line_of("summary"), "summary/内容概述", f"内容概述有 {len(item.summary)} 个字，超过 {SUMMARY_MAX} 字。请精简。", "metadata/summary")
    identity = ctx.site.config.identity
    footer = (
        (identity.site_code, "identity.site_code", "网站标识码（“我为政府网站找错”入口也要用它）"),
        (identity.icp, "identity.icp", "ICP备案号"),
        (identity.police, "identity.police", "公网安备号"),
        (identity.badge_image and identity.badge_link, "identity.badge_image", "党政机关网站标识（badge_image 图片地址和 badge_link 链接，由机构编制部门核发）"),
        (identity.consultation, "identity.consultation", "政务咨询/留言入口（consultation：县 12345 或领导信箱的网址）"),
        (identity.application, "identity.application", "在线依申请公开入口（application：县级平台申请表的网址）"),
    )
    for value, field, label in footer:
        if not value:
            yield warning(SITE_FILE, 1, field, f"网站底部缺少{label}。请在 _site.yml 的 identity 中填写（《政府网站发展指引》国办发〔2017〕47号）。", "metadata/identity")
    if identity.site_code and not SITE_CODE.match(identity.site_code):
        yield warning(SITE_FILE, 1, "identity.site_code", f"网站标识码“{identity.site_code}”应为 10 位数字（或 bm 加 8 位数字）。", "metadata/identity")
