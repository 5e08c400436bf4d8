"""Strict YAML: a small tree with line numbers, built from libyaml's event stream.

PyYAML's own constructors guess (``no`` → False, ``0123`` → 83, duplicate keys keep the last
value).  Here every scalar stays text with its line and its style, and the caller decides what a
field means.  Anchors, aliases, tags, duplicate keys and a full-width colon after a key are errors.
Size and nesting are capped before libyaml sees the text (libyaml crashes on deep nesting).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

import yaml

try:  # libyaml is ~6x faster; the pure-Python parser gives the same events.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_YAML_BYTES = 64 * 1024
MAX_DEPTH = 16

_FULLWIDTH_COLON_KEY = re.compile(r"^(\s*(?:-\s+)?)([^\s:#'\"：][^:：\n]{0,40}?)\s*：")


@dataclass(frozen=True)
class Scalar:
    """A scalar as written: its text, whether it was plain (unquoted) and its 1-based line."""

    text: str
    plain: bool
    line: int


@dataclass(frozen=True)
class Seq:
    """A YAML sequence."""

    items: tuple[Node, ...]
    line: int


@dataclass(frozen=True)
class Map:
    """A YAML mapping with unique scalar keys, in the order written."""

    entries: tuple[tuple[Scalar, Node], ...]
    line: int

    def keys(self) -> list[str]:
        """The keys' texts."""
        return [k.text for k, _ in self.entries]


Node = Union[Scalar, Seq, Map]


@dataclass(frozen=True)
class YamlIssue:
    """A problem found while parsing, with its 1-based line."""

    line: int
    field: str
    message: str


class _Fail(Exception):
    def __init__(self, issue: YamlIssue) -> None:
        super().__init__(issue.message)
        self.issue = issue


def is_null(node: Node | None) -> bool:
    """True for a missing value, an empty value, ``~`` or ``null``."""
    return node is None or (isinstance(node, Scalar) and node.plain and node.text in ("", "~", "null", "Null", "NULL"))


def _precheck(text: str, first_line: int) -> list[YamlIssue]:
    """Checks that must happen before parsing: size, nesting, full-width colons."""
    issues: list[YamlIssue] = []
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        issues.append(YamlIssue(first_line, "", f"YAML 部分过大（超过 {MAX_YAML_BYTES // 1024} KB），请精简内容。"))
        return issues
    # Counting first keeps the common case (no brackets, no full-width colon) free of a per-character loop.
    if text.count("[") + text.count("{") > MAX_DEPTH:
        depth = 0
        for lineno, line in enumerate(text.split("\n"), start=first_line):
            for ch in line:
                if ch in "[{":
                    depth += 1
                    if depth > MAX_DEPTH:
                        issues.append(YamlIssue(lineno, "", f"YAML 嵌套过深（超过 {MAX_DEPTH} 层），请检查括号是否成对。"))
                        return issues
                elif ch in "]}":
                    depth = max(0, depth - 1)
    if "：" in text:
        for lineno, line in enumerate(text.split("\n"), start=first_line):
            m = _FULLWIDTH_COLON_KEY.match(line)
            if m and ":" not in line[: m.end()]:
                key = m.group(2).strip()
                issues.append(
                    YamlIssue(
                        lineno,
                        key,
                        f"键“{key}”后面用了全角冒号“：”，YAML 只认半角冒号。请改为“{key}: …”（半角冒号后加一个空格）。",
                    )
                )
    return issues


class _Builder:
    def __init__(self, events: list[yaml.Event], first_line: int) -> None:
        self.events = events
        self.pos = 0
        self.first_line = first_line

    def line(self, event: yaml.Event) -> int:
        mark = event.start_mark
        return self.first_line + (mark.line if mark is not None else 0)

    def next(self) -> yaml.Event:
        event = self.events[self.pos]
        self.pos += 1
        return event

    def node(self, depth: int) -> Node:
        event = self.next()
        line = self.line(event)
        if isinstance(event, yaml.AliasEvent):
            raise _Fail(YamlIssue(line, "", f"不支持 YAML 别名“*{event.anchor}”，请直接写出内容。"))
        anchor = getattr(event, "anchor", None)
        if anchor:
            raise _Fail(YamlIssue(line, "", f"不支持 YAML 锚点“&{anchor}”，请删除它并直接写出内容。"))
        tag = getattr(event, "tag", None)
        if tag and tag != "!":
            raise _Fail(YamlIssue(line, "", f"不支持 YAML 标签“{tag}”，请删除它。"))
        if depth > MAX_DEPTH:
            raise _Fail(YamlIssue(line, "", f"YAML 嵌套过深（超过 {MAX_DEPTH} 层）。"))
        if isinstance(event, yaml.ScalarEvent):
            return Scalar(event.value, plain=not event.style, line=line)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Node] = []
            while not isinstance(self.events[self.pos], yaml.SequenceEndEvent):
                items.append(self.node(depth + 1))
            self.next()
            return Seq(tuple(items), line)
        if isinstance(event, yaml.MappingStartEvent):
            entries: list[tuple[Scalar, Node]] = []
            seen: dict[str, int] = {}
            while not isinstance(self.events[self.pos], yaml.MappingEndEvent):
                key = self.node(depth + 1)
                if not isinstance(key, Scalar):
                    raise _Fail(YamlIssue(key.line, "", "键必须是简单文字，不能是列表或映射。"))
                if key.text in seen:
                    raise _Fail(
                        YamlIssue(
                            key.line,
                            key.text,
                            f"键“{key.text}”重复出现（第 {seen[key.text]} 行已有），请只保留一个。",
                        )
                    )
                seen[key.text] = key.line
                entries.append((key, self.node(depth + 1)))
            self.next()
            return Map(tuple(entries), line)
        raise _Fail(YamlIssue(line, "", "无法识别的 YAML 结构。"))  # pragma: no cover - libyaml emits no other node events


# libyaml's problem texts, as a clerk can read them; anything else is said generally.
_PROBLEMS = (
    ("expected ',' or ']'", "方括号 [ ] 没有配对，或列表项之间缺少逗号"),
    ("expected ',' or '}'", "花括号 { } 没有配对，或各项之间缺少逗号"),
    ("unexpected end of stream", "引号或括号没有结束"),
    ("mapping values are not allowed", "一行里有两个“键: 值”，值中含冒号时请加引号"),
    ("cannot start any token", "行首有制表符或不能出现在这里的符号（缩进请用空格，含特殊符号的值请加引号）"),
    ("expected <block end>", "缩进不一致"),
    ("expected the node content", "缺少内容"),
    ("could not find expected ':'", "缺少半角冒号“:”"),
    ("found unknown escape character", "双引号中的反斜杠“\\”用法不对，请改用单引号"),
    ("expected alphabetic or numeric character", "“&”或“*”后面的写法不对，值中含这些符号时请加引号"),
    ("found duplicate anchor", "锚点重复"),
)


def _problem_in_chinese(problem: str) -> str:
    return next((chinese for english, chinese in _PROBLEMS if english in problem), "无法解析")


def parse(text: str, first_line: int = 1) -> tuple[Node | None, list[YamlIssue]]:
    """Parse one YAML document into a strict tree.

    ``first_line`` is the file line of the text's first line, so that every issue names the line in
    the file the clerk edits.  Returns the tree (None for an empty document) or the issues found.
    """
    issues = _precheck(text, first_line)
    if issues:
        return None, issues
    try:
        events = list(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark is not None else 0)
        what = _problem_in_chinese(exc.problem or exc.context or "")
        return None, [
            YamlIssue(
                line,
                "",
                f"YAML 格式错误（{what}）。请检查这一行及上一行：键与值之间用半角冒号加空格，"
                "含冒号、井号等符号的值请加引号，缩进请用空格。",
            )
        ]
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors are caught earlier by decoding
        return None, [YamlIssue(first_line, "", f"YAML 无法读取：{exc}")]
    docs = sum(isinstance(e, yaml.DocumentStartEvent) for e in events)
    if docs == 0:
        return None, []
    if docs > 1:
        return None, [YamlIssue(first_line, "", "这里只能有一个 YAML 文档，请删除多余的“---”。")]
    builder = _Builder(events, first_line)
    builder.pos = 2  # StreamStart, DocumentStart
    try:
        return builder.node(0), []
    except _Fail as fail:
        return None, [fail.issue]
