"""Reading typed values out of the strict YAML tree, one field at a time, collecting problems.

A ``Reader`` belongs to one file.  Each method returns the value, or None after recording a
Chinese problem that names the line, the field, what was found and how to fix it.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping
from typing import TypeVar

from .problems import Problem, error, warning
from .yamltree import Map, Node, Scalar, Seq, is_null

E = TypeVar("E", bound=enum.Enum)

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_BOOLISH = frozenset(
    ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"]
)


# A web address a page may link to: http(s) only (never javascript: or a file path), no quote,
# space or angle bracket that could end the attribute it is written into.
WEB_ADDRESS = re.compile(r"^https?://[^\s\"'<>]+$")

def _kind_of(node: Node) -> str:
    if isinstance(node, Map):
        return "映射（键值对）"
    if isinstance(node, Seq):
        return "列表"
    return f"“{node.text}”"


# Characters no value may carry: C0/C1 controls (but tab and line feed), and the direction
# overrides and isolates that make a title read differently from its bytes.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


class Reader:
    """Typed access to YAML values of one file; problems accumulate in ``problems``."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def fail(self, line: int, field: str, message: str) -> None:
        """Record an error."""
        self.problems.append(error(self.path, line, field, message))

    def warn(self, line: int, field: str, message: str) -> None:
        """Record a warning."""
        self.problems.append(warning(self.path, line, field, message))

    def text(self, node: Node | None, field: str) -> str | None:
        """A text value; ``yes``/``no`` and friends are refused rather than guessed."""
        if is_null(node):
            return None
        assert node is not None
        if not isinstance(node, Scalar):
            self.fail(node.line, field, f"应为一段文字，这里写成了{_kind_of(node)}。")
            return None
        if node.plain and node.text in _BOOLISH:
            self.fail(
                node.line,
                field,
                f"值“{node.text}”会被 YAML 当作是/否（布尔值），不是文字。如果确实要写这个词，请加引号：\"{node.text}\"。",
            )
            return None
        value = node.text.strip()
        bad = _CONTROL.search(value)
        if bad:
            self.fail(node.line, field, f"含有不可见的控制字符 U+{ord(bad.group()):04X}（多半是从别处复制带入的），请删除后重试。")
            value = _CONTROL.sub("", value)
        return value or None

    def date(self, node: Node | None, field: str) -> dt.date | None:
        """A strict ``YYYY-MM-DD`` date that exists in the calendar."""
        if is_null(node):
            return None
        assert node is not None
        if not isinstance(node, Scalar):
            self.fail(node.line, field, f"应为日期（如 2024-03-01），这里写成了{_kind_of(node)}。")
            return None
        raw = node.text.strip()
        m = _DATE.match(raw)
        if not m:
            hint = raw.replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").replace("日", "")
            self.fail(
                node.line,
                field,
                f"日期“{raw}”格式不对，应写成“年-月-日”，四位年份、两位月份和日期，如 2024-03-01"
                + (f"（是否想写 {hint}？）" if _DATE.match(hint) else "") + "。",
            )
            return None
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            self.fail(node.line, field, f"日期“{raw}”不存在（月份应为 01–12，日期不超过当月天数），请改正。")
            return None

    def enum(self, node: Node | None, field: str, kind: type[E], codes: Mapping[str, E]) -> E | None:
        """An enumerated value written as its Chinese label or its English code."""
        raw = self.text(node, field)
        if raw is None:
            return None
        assert node is not None
        for member in kind:
            if raw == member.value:
                return member
        if raw in codes:
            return codes[raw]
        labels = "、".join(str(m.value) for m in kind)
        self.fail(node.line, field, f"不认识的值“{raw}”，可选：{labels}（或对应英文代码 {', '.join(codes)}）。")
        return None

    def text_list(self, node: Node | None, field: str) -> tuple[str, ...]:
        """A list of texts; a single text (or one separated by 、，,;) is accepted as a list."""
        if is_null(node):
            return ()
        assert node is not None
        if isinstance(node, Seq):
            values = [self.text(item, field) for item in node.items]
            return tuple(v for v in values if v)
        value = self.text(node, field)
        if value is None:
            return ()
        return tuple(part.strip() for part in re.split(r"[、，,;；]", value) if part.strip())

    def integer(self, node: Node | None, field: str, minimum: int = 0) -> int | None:
        """A whole number not below ``minimum``."""
        if is_null(node):
            return None
        assert node is not None
        if isinstance(node, Scalar) and re.fullmatch(r"\d{1,6}", node.text.strip()):
            value = int(node.text.strip())
            if value >= minimum:
                return value
        self.fail(node.line, field, f"应为不小于 {minimum} 的整数，这里写成了{_kind_of(node)}。")
        return None

    def mapping(self, node: Node | None, field: str) -> Map | None:
        """A nested mapping."""
        if is_null(node):
            return None
        assert node is not None
        if not isinstance(node, Map):
            self.fail(node.line, field, f"应为若干“键: 值”组成的映射，这里写成了{_kind_of(node)}。")
            return None
        return node
