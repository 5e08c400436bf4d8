"""Finding a site's files: settings, items and the other files items may reference."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem, UsageError, error, warning

SITE_FILE = "_site.yml"
CATALOGUE_FILE = "_catalogue.yml"
LEDGER = "_index_numbers.txt"
SEARCH_FILE = "_search.yml"
# gongkai's own files at the top of content/: read by gongkai, never published. The ledger names
# withheld items' files, so no item may link to it or attach it.
CONTROL_FILES = frozenset({SITE_FILE, CATALOGUE_FILE, LEDGER, SEARCH_FILE})
# The annual report's data files hold the application register's counts: read, never published.
CONTROL_DIR = "_annual/"
# Text sources are never published as files, whatever their name: a Markdown file outside the item
# rules (in a ``_`` folder, a ``_`` name, another extension) may be a withheld document.
TEXT_SOURCES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".yml", ".yaml")


@dataclass(frozen=True)
class SiteFiles:
    """Every file under ``content/``, as POSIX paths relative to it: items, other files items may
    publish, symbolic links (never published), gongkai's control files (never published), and
    entries that are no regular file or whose name is not UTF-8 (``refused``: path → reason; never
    read, never published)."""

    content_dir: Path
    items: tuple[str, ...]
    others: frozenset[str]
    links: frozenset[str]
    control: frozenset[str]
    refused: dict[str, str] = field(default_factory=dict)

    def refusal(self, rel: str) -> str | None:
        """Why a path cannot be read or published, when it is one of the refused entries."""
        return self.refused.get(rel)


def _hidden(name: str) -> bool:
    return name.startswith(("_", "."))


def is_hidden_path(rel: str) -> bool:
    """A path with a ``_`` or ``.`` folder or file name: never an item, never published."""
    return any(_hidden(part) for part in rel.split("/"))


def is_text_source(rel: str) -> bool:
    """A Markdown or YAML source file: never copied to the output."""
    return rel.lower().endswith(TEXT_SOURCES)


def printable_name(rel: str) -> str:
    """A file name from the disk as it can be shown: bytes that are not UTF-8 become U+FFFD."""
    return os.fsencode(rel).decode("utf-8", errors="replace")


def _not_utf8(rel: str) -> bool:
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def discover(content_dir: Path) -> SiteFiles:
    """List the item files (``*.md`` outside ``_``/``.`` names) and every other regular file.

    Symbolic links are listed apart: following them could publish a file from outside the site.
    A FIFO, socket or device is never opened (reading it could block for ever), and a name that is
    not UTF-8 (a GBK name copied from Windows) is refused rather than guessed.
    """
    items: list[str] = []
    others: set[str] = set()
    links: set[str] = set()
    control: set[str] = set()
    refused: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(content_dir):
        rel_dir = Path(dirpath).relative_to(content_dir).as_posix()
        kept: list[str] = []
        for d in sorted(dirnames):
            rel = d if rel_dir == "." else f"{rel_dir}/{d}"
            if d.startswith("."):
                continue
            if _not_utf8(d):
                refused[printable_name(rel)] = "文件夹名不是 UTF-8 编码（可能是从 Windows 复制来的 GBK 文件名），其中的文件都不会读取。请把文件夹重命名为中文或英文（UTF-8）名称。"
                continue
            kept.append(d)
        dirnames[:] = kept
        in_hidden = is_hidden_path(rel_dir) if rel_dir != "." else False
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if _not_utf8(name):
                refused[printable_name(rel)] = "文件名不是 UTF-8 编码（可能是从 Windows 复制来的 GBK 文件名），不会读取或发布。请重命名文件。"
                continue
            try:
                mode = os.lstat(os.path.join(dirpath, name)).st_mode
            except OSError:
                continue  # gone while walking
            if stat.S_ISLNK(mode):
                links.add(rel)
            elif not stat.S_ISREG(mode):
                refused[rel] = "不是普通文件（可能是命名管道、设备或套接字），不会读取或发布。请删除它，或换成普通文件。"
            elif rel in CONTROL_FILES or rel.startswith(CONTROL_DIR):
                control.add(rel)
            elif name.lower().endswith(".md") and not _hidden(name) and not in_hidden:
                items.append(rel)
            else:
                others.add(rel)
    return SiteFiles(content_dir, tuple(sorted(items)), frozenset(others), frozenset(links), frozenset(control), dict(sorted(refused.items())))


def read_items(site_dir: Path, files: SiteFiles) -> dict[str, bytes]:
    """The bytes of every item file, read once per run (hashed for the store and the build record)."""
    content_dir = str(site_dir / "content")
    found: dict[str, bytes] = {}
    for rel in files.items:
        with open(os.path.join(content_dir, rel), "rb") as file:  # a third faster than Path.read_bytes on 10,000 files
            found[rel] = file.read()
    return found


def discover_site(site_dir: Path, base_url: str | None) -> SiteFiles:
    """``discover`` a site's ``content/``, refusing a folder without one and a ``--base-url`` that is
    no web address."""
    content_dir = site_dir / "content"
    if not content_dir.is_dir():
        raise UsageError(f"{site_dir} 下没有 content 文件夹。请在站点目录中运行，或写明站点目录：gongkai build 站点目录。")
    if base_url is not None and not re.match(r"^https?://[^\s/]+(/\S*)?$", base_url):
        raise UsageError(f"--base-url“{base_url}”应以 http:// 或 https:// 开头。")
    return discover(content_dir)


def discovery_problems(files: SiteFiles) -> list[Problem]:
    """What the scan of ``content/`` refused: item files behind symbolic links, entries that are no
    regular file, names that are not UTF-8.  An unreadable item file is an error (it may be a
    withheld document: nothing is guessed), any other refused entry a warning."""
    problems = [error(rel, 0, "", "条目文件是符号链接，出于安全不予读取。请放入真实文件。") for rel in sorted(files.links) if rel.lower().endswith(".md")]
    for rel, reason in files.refused.items():
        make = error if rel.lower().endswith(".md") else warning
        problems.append(make(rel, 0, "", reason))
    return problems
