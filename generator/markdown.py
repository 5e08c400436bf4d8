"""Markdown bodies: safe parsing, link rewriting, rendering.

The ``js-default`` preset is used because ``commonmark`` passes raw HTML through — a ``<script>``
or an HTML comment used to "hide" text would be published.  Links may only be relative, http(s),
mailto or tel.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

MAX_BODY_CHARS = 1_000_000
_SAFE_SCHEME = re.compile(r"^(https?:|mailto:|tel:)", re.IGNORECASE)
_ANY_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _validate_link(url: str) -> bool:
    return bool(_SAFE_SCHEME.match(url)) or not _ANY_SCHEME.match(url)


def _make() -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


_MD = _make()


@dataclass(frozen=True)
class Link:
    """A link or image target in a body, with its 0-based line within the body."""

    token: Token
    attr: str
    target: str
    body_line: int


def parse(body: str) -> list[Token]:
    """Block tokens of a body; headings are moved one level down (the page's title is the only h1)."""
    tokens = _MD.parse(body)
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag in ("h1", "h2", "h3", "h4", "h5"):
            token.tag = f"h{int(token.tag[1]) + 1}"
        elif token.type == "th_open":
            token.attrSet("scope", "col")
    return tokens


def links(tokens: list[Token]) -> Iterator[Link]:
    """Every link (``href``) and image (``src``) in the body, in order."""
    line = 0
    for token in tokens:
        if token.map:
            line = token.map[0]
        for child in token.children or ():
            if child.type == "link_open":
                yield Link(child, "href", str(child.attrGet("href") or ""), line)
            elif child.type == "image":
                yield Link(child, "src", str(child.attrGet("src") or ""), line)


def is_external(target: str) -> bool:
    """True for a target with a scheme (http, mailto …) or a page anchor."""
    return bool(_ANY_SCHEME.match(target)) or target.startswith("#")


def render(tokens: list[Token]) -> str:
    """HTML for tokens after links were rewritten."""
    return str(_MD.renderer.render(tokens, _MD.options, {}))


def plain_text(tokens: list[Token], limit: int) -> str:
    """The body's text without markup, for summaries in feeds."""
    parts: list[str] = []
    size = 0
    for token in tokens:
        for child in token.children or ():
            if child.type == "text":
                parts.append(child.content)
                size += len(child.content)
        if size >= limit:
            break
    return "".join(parts)[:limit]


LinkRewriter = Callable[[Link], str | None]
