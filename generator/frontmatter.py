"""Splitting an item file into its YAML front matter and its Markdown body."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Split:
    """Front matter text (starting at file line ``yaml_line``) and the body (starting at ``body_line``)."""

    yaml_text: str
    yaml_line: int
    body: str
    body_line: int


def split(text: str) -> Split | str:
    """Split at the first two ``---`` lines, or return a Chinese message saying what is missing."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        first = lines[0].strip() if lines else ""
        if first in ("—", "——", "－－－", "———") or first.startswith(("——", "－")):
            return "第一行应是三个半角减号“---”，这里写成了全角符号。"
        return "文件没有以“---”开头的 YAML 头部。请在第一行写“---”，然后写标题、目录分类、公开属性等，再以一行“---”结束。"
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return Split(
                yaml_text="\n".join(lines[1:index]),
                yaml_line=2,
                body="\n".join(lines[index + 1 :]),
                body_line=index + 2,
            )
    return "YAML 头部没有结束：缺少第二行“---”。请在最后一个字段之后加一行“---”，再写正文。"
