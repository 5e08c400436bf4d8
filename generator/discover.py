"""Finding a site's files: settings, items and the other files items may reference."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SITE_FILE = "_site.yml"
CATALOGUE_FILE = "_catalogue.yml"
LEDGER = "_index_numbers.txt"
# gongkai's own files at the top of content/: read by gongkai, never published. The ledger names
# withheld items' files, so no item may link to it or attach it.
CONTROL_FILES = frozenset({SITE_FILE, CATALOGUE_FILE, LEDGER})
# The annual report's data files hold the application register's counts: read, never published.
CONTROL_DIR = "_annual/"


@dataclass(frozen=True)
class SiteFiles:
    """Every file under ``content/``, as POSIX paths relative to it: items, other files items may
    publish, symbolic links (never published) and gongkai's control files (never published)."""

    content_dir: Path
    items: tuple[str, ...]
    others: frozenset[str]
    links: frozenset[str]
    control: frozenset[str]


def _hidden(name: str) -> bool:
    return name.startswith(("_", "."))


def discover(content_dir: Path) -> SiteFiles:
    """List the item files (``*.md`` outside ``_``/``.`` names) and every other regular file.

    Symbolic links are listed apart: following them could publish a file from outside the site.
    """
    items: list[str] = []
    others: set[str] = set()
    links: set[str] = set()
    control: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(content_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel_dir = Path(dirpath).relative_to(content_dir).as_posix()
        in_hidden = any(_hidden(part) for part in rel_dir.split("/") if part not in ("", "."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            full = Path(dirpath, name)
            if full.is_symlink():
                links.add(rel)
            elif rel in CONTROL_FILES or rel.startswith(CONTROL_DIR):
                control.add(rel)
            elif name.lower().endswith(".md") and not _hidden(name) and not in_hidden:
                items.append(rel)
            else:
                others.add(rel)
    return SiteFiles(content_dir, tuple(sorted(items)), frozenset(others), frozenset(links), frozenset(control))
