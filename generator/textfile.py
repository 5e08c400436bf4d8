"""Reading a text file the way a clerk saved it: UTF-8 (with or without BOM), any line ending.

GBK, UTF-16 and binary files are refused with a hint to re-save as UTF-8, because guessing an
encoding silently turns a title into mojibake on a government site.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_TEXT_BYTES = 2 * 1024 * 1024

RESAVE_HINT = "请用记事本或 VS Code “另存为”并选择“UTF-8”编码后再试。"


@dataclass(frozen=True)
class Decoded:
    """A decoded text (LF line endings) and whether it carried a UTF-8 BOM."""

    text: str
    had_bom: bool


def decode(data: bytes) -> Decoded | str:
    """Decode bytes as UTF-8 text, or return a Chinese message saying why not."""
    if len(data) > MAX_TEXT_BYTES:
        return f"文件过大（{len(data) // 1024} KB，上限 {MAX_TEXT_BYTES // 1024 // 1024} MB），请拆分为多个条目或改为附件。"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "文件是 UTF-16 编码，本系统只接受 UTF-8。" + RESAVE_HINT
    had_bom = data.startswith(b"\xef\xbb\xbf")
    if had_bom:
        data = data[3:]
    if b"\x00" in data:
        return "文件含有二进制内容（不是文本文件）。条目必须是 Markdown 文本；Word、PDF 等请作为附件引用。"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            return f"第 {line} 行起不是有效的 UTF-8 文本。" + RESAVE_HINT
        return f"文件看起来是 GBK/GB2312 编码（第 {line} 行起），本系统只接受 UTF-8。" + RESAVE_HINT
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Decoded(text, had_bom)
