"""Site-relative output paths and the relative links between them."""

from __future__ import annotations

import posixpath
from urllib.parse import quote


def item_path(key: str) -> str:
    """The one stable page of an item."""
    return f"items/{key}.html"


def leaf_path(ref: str, page: int = 1) -> str:
    """A column's (or section's, or site column's) list page."""
    return f"{ref}/index.html" if page == 1 else f"{ref}/page-{page}.html"


def section_path(section_id: str) -> str:
    """A section's overview page."""
    return f"{section_id}/index.html"


def relative(from_page: str, to_path: str) -> str:
    """A relative, percent-encoded link from one output file to another."""
    start = posixpath.dirname(from_page) or "."
    return quote(posixpath.relpath(to_path, start), safe="/#?=&-_.~")


def root_of(page: str) -> str:
    """The prefix that leads from ``page`` back to the site root (``""`` or ``"../../"``)."""
    return "../" * page.count("/")


def quote_path(path: str) -> str:
    """A site-relative output path as a URL path."""
    return quote(path, safe="/-_.~")
