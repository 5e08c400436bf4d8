"""Markdown bodies: safe parsing, and rendering with link placeholders.

The ``js-default`` preset is used because ``commonmark`` passes raw HTML through — a ``<script>``
or an HTML comment used to "hide" text would be published.  Links may only be relative, http(s),
mailto or tel.

A body is rendered once, on its own (so that it can run on any core and be cached): every
relative link target is replaced by a placeholder, and the assembly stage, which knows every
item, fills the placeholders with published URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

# Work is bounded by input size: markdown-it's cost is about linear (≈ 7 µs a character for a
# flood of delimiters), except for unclosed brackets, each of which scans ahead for its end.
MAX_BODY_CHARS = 300_000
MAX_BRACKETS = 5_000
_SAFE_SCHEME = re.compile(r"^(https?:|mailto:|tel:)", re.IGNORECASE)
_ANY_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# Private-use characters: the renderer leaves them alone, and bodies containing them are refused.
_OPEN, _CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
# A line such as 表1：2026年收支预算 written just above a table is that table's caption.
_CAPTION = re.compile(r"^表\s*[0-9一二三四五六七八九十]*\s*[：:．.、]\s*\S")


def _validate_link(url: str) -> bool:
    return bool(_SAFE_SCHEME.match(url)) or not _ANY_SCHEME.match(url)


def _make() -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    # Text pasted from Word is often indented by four spaces or a tab: it is a paragraph, not code.
    # (html_block is off anyway with html=False; dropping both rules also saves a test per paragraph.)
    md.disable(["code", "html_block"])
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


_MD = _make()


@dataclass(frozen=True)
class BodyLink:
    """A relative link or image target in a body, and its 0-based line within the body."""

    target: str
    body_line: int


@dataclass(frozen=True)
class BodyDraft:
    """A rendered body whose relative links are still placeholders, in the order of ``links``."""

    html: str
    links: tuple[BodyLink, ...]
    excerpt: str

    def fill(self, urls: list[str]) -> str:
        """The HTML with link ``i`` pointing to ``urls[i]`` (already relative to the page)."""
        return _PLACEHOLDER.sub(lambda m: _escape_attr(urls[int(m.group(1))]), self.html)


def _escape_attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def is_external(target: str) -> bool:
    """True for a target with a scheme (http, mailto …) or a page anchor."""
    return bool(_ANY_SCHEME.match(target)) or target.startswith("#")


def _caption_tables(tokens: list[Token], title: str) -> list[Token]:
    """Give every table a caption: the 表…： line just above it, or the item's title and its number."""
    result: list[Token] = []
    number = 0
    for token in tokens:
        if token.type != "table_open":
            result.append(token)
            continue
        number += 1
        text = f"{title}（表{number}）" if title else f"表{number}"
        if len(result) >= 3 and result[-3].type == "paragraph_open" and result[-2].type == "inline" and _CAPTION.match(result[-2].content):
            text = result[-2].content
            del result[-3:]
        inline = Token("inline", "", 0, content=text, children=[Token("text", "", 0, content=text)])
        result += [token, Token("caption_open", "caption", 1), inline, Token("caption_close", "caption", -1)]
    return result


def refusal(body: str) -> str | None:
    """Why a body cannot be parsed within a bounded time, or None."""
    if len(body) > MAX_BODY_CHARS:
        return f"正文过长（{len(body)} 字，上限 {MAX_BODY_CHARS // 10000} 万字），请拆分为多个条目或改为附件。"
    brackets = body.count("[")
    if brackets > MAX_BRACKETS:
        return f"正文含有 {brackets} 个“[”（上限 {MAX_BRACKETS} 个），多半是粘贴时带入的乱码。请删除多余的方括号，或改为附件。"
    if _OPEN in body or _CLOSE in body:
        return "正文含有不可见的私用区字符（U+E000/U+E001），请删除后重试。"
    return None


def link_targets(body: str) -> tuple[BodyLink, ...] | str:
    """The relative link and image targets of a body, found without rendering it (for withheld
    items, whose text is never turned into HTML); a message when the body cannot be parsed."""
    refused = refusal(body)
    if refused is not None:
        return refused
    found: list[BodyLink] = []
    line = 0
    for token in _MD.parse(body):
        if token.map:
            line = token.map[0]
        for child in token.children or ():
            attr = "href" if child.type == "link_open" else "src" if child.type == "image" else ""
            target = str(child.attrGet(attr) or "") if attr else ""
            if target and not is_external(target):
                found.append(BodyLink(target, line))
    return tuple(found)


def draft(body: str, excerpt_chars: int = 120, title: str = "") -> BodyDraft | str:
    """Render a body; returns a Chinese message instead when the body cannot be accepted.

    ``title`` names tables that have no caption line of their own.
    """
    refused = refusal(body)
    if refused is not None:
        return refused
    tokens = _caption_tables(_MD.parse(body), title)
    links: list[BodyLink] = []
    text: list[str] = []
    line = 0
    # The page's title is its only h1: the body's highest heading becomes h2, whether the clerk
    # started at # or at ##, so that no level is skipped.
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = 2 - min(levels) if levels else 0
    for token in tokens:
        if token.map:
            line = token.map[0]
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
        elif token.type == "th_open":
            token.attrSet("scope", "col")
        for child in token.children or ():
            attr = "href" if child.type == "link_open" else "src" if child.type == "image" else ""
            if child.type == "text" and sum(map(len, text)) < excerpt_chars:
                text.append(child.content)
            if not attr:
                continue
            target = str(child.attrGet(attr) or "")
            if target and not is_external(target):
                child.attrSet(attr, f"{_OPEN}{len(links)}{_CLOSE}")
                links.append(BodyLink(target, line))
    html = str(_MD.renderer.render(tokens, _MD.options, {}))
    return BodyDraft(html, tuple(links), "".join(text)[:excerpt_chars])

