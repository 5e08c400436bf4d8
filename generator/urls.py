"""Site-relative output paths and the relative links between them."""

from __future__ import annotations

import functools
import hashlib
import re
from urllib.parse import quote

_PLAIN = re.compile(r"[A-Za-z0-9/_.~-]*")


def item_path(key: str) -> str:
    """The one stable page of an item."""
    return f"items/{key}.html"


def leaf_path(ref: str, page: int = 1) -> str:
    """A column's (or section's, or site column's) list page."""
    return f"{ref}/index.html" if page == 1 else f"{ref}/page-{page}.html"


def project_path(name: str) -> str:
    """A 重大建设项目's page, named by a hash of the project's name (stable while the name is)."""
    return f"projects/p{hashlib.sha1(name.encode('utf-8')).hexdigest()[:10]}.html"


def section_path(section_id: str) -> str:
    """A section's overview page."""
    return f"{section_id}/index.html"


def relative(from_page: str, to_path: str) -> str:
    """A relative, percent-encoded link from one output file to another.

    Called for every link of every page, so it avoids ``posixpath.relpath`` (which resolves
    absolute paths): going up to the root and down again is just as correct for a static site.
    """
    directory = from_page.rpartition("/")[0]
    if directory and to_path.startswith(directory + "/"):
        return quote_path(to_path[len(directory) + 1 :])
    return "../" * from_page.count("/") + quote_path(to_path)


@functools.lru_cache(maxsize=65536)
def quote_path(path: str) -> str:
    """A site-relative output path as a URL path."""
    return path if path.isascii() and _PLAIN.fullmatch(path) else quote(path, safe="/-_.~")
