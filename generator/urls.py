"""Site-relative output paths and the relative links between them."""

from __future__ import annotations

import functools
import hashlib
import re
from urllib.parse import quote

_PLAIN = re.compile(r"[A-Za-z0-9/_.~-]*")


# A site of more than this many public items files their pages and files in 256 folders
# (``items/3f/<key>.html``, ``files/3f/<key>/``), so that no folder of its output holds more than
# 20,000 entries: file systems, FTP listings and hosting consoles slow down on larger ones.
FOLDER_ITEMS = 20_000


def spread(public_items: int) -> bool:
    """Whether a site of ``public_items`` public items files them in folders (``item_dir``)."""
    return public_items > FOLDER_ITEMS


def item_dir(key: str, spread: bool = False) -> str:
    """What an item's page and files are named by: its key, or in a site of many items the key
    in the folder named by the first two hex digits of the key's SHA-1 (as stable as the key)."""
    return f"{hashlib.sha1(key.encode('utf-8')).hexdigest()[:2]}/{key}" if spread else key


def item_path(key: str, spread: bool = False) -> str:
    """The one stable page of an item (``spread``: the site files its items in folders)."""
    return f"items/{item_dir(key, spread)}.html"


def files_dir(key: str, spread: bool = False) -> str:
    """The folder an item's published files (attachments, report CSVs) go to."""
    return f"files/{item_dir(key, spread)}"


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
