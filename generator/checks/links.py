"""Link rules beyond what assembly already refuses: attachments too large for visitors."""

from __future__ import annotations

from collections.abc import Iterator

from ..problems import Problem, warning
from .context import CheckInput

LARGE_ATTACHMENT = 10 * 1024 * 1024


def large_attachments(ctx: CheckInput) -> Iterator[Problem]:
    """Published files over 10 MB (50 MB is refused outright when assembling)."""
    for copy in ctx.site.files:
        if copy.size > LARGE_ATTACHMENT:
            yield warning(copy.source, 1, "附件", f"附件有 {copy.size / 1024 / 1024:.1f} MB，群众用手机下载困难。建议压缩（如 PDF 降低图片分辨率）到 10 MB 以内。", "links/size")
