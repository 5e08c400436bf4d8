"""The record of the last successful build, in ``<site>/.gongkai-cache/last-build.json``.

It holds the fingerprint of everything the build read, a manifest of every file it wrote, and
the 索引号 of every public item (a published 索引号 must never change; ``check`` compares).
When the input has the same fingerprint and the output folder still matches the manifest
exactly (same files, sizes and times, nothing added), the output already is what a new build
would write, so ``gongkai build`` keeps it.  Any difference — one byte of one item, a theme file,
a day passing, a file touched in ``build/`` — means a full build into a fresh folder.

The record holds output paths, hashes and the last build's warnings, which name source files;
it lives beside ``content/`` and is never published.  A missing or damaged record costs only time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .output import write_atomic
from .problems import Level, Problem

CACHE_DIR = ".gongkai-cache"
_FILE = "last-build.json"


@dataclass(frozen=True)
class LastBuild:
    """What the last successful build read and wrote."""

    fingerprint: str
    out_dir: str
    manifest: dict[str, tuple[int, int]]
    problems: tuple[Problem, ...]
    public_items: int
    withheld_items: int
    index_numbers: dict[str, str]


_PACKAGE = Path(__file__).resolve().parent


def file_digest(data: bytes) -> str:
    """The content hash that identifies an item file's bytes: in the build record, the signed
    store of loaded items and the preview."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def code_stamp() -> str:
    """gongkai's own code and data, by size and time: a changed module changes what a build makes
    even when the version number did not (a development install, a patched release)."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".yml") and "__pycache__" not in path.parts:
            st = path.stat()
            h.update(f"{path.relative_to(_PACKAGE)}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def fingerprint(site_dir: Path, item_digests: Iterable[tuple[str, str]], others: Iterable[str], theme_dirs: Iterable[Path], extra: str) -> str:
    """A hash of everything a build reads: item bytes (by digest), attachment and theme file stats,
    settings, and gongkai's own code."""
    content = site_dir / "content"
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{__version__}\n{code_stamp()}\n{dt.date.today().isoformat()}\n{extra}\n".encode())
    for rel, item_digest in item_digests:
        h.update(f"{rel}\n{item_digest}\n".encode())
    for rel in others:
        st = (content / rel).stat()
        h.update(f"{rel}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    for directory in theme_dirs:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                st = path.stat()
                h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _files(out_dir: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every file under ``out_dir``: its relative path and its directory entry."""
    # scandir with the relative prefix carried along: relpath on each of 20,000 files took most
    # of a second of a build with nothing to do.
    folders = [(str(out_dir), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir():
                    if not entry.is_symlink():  # as os.walk: a linked folder is not entered
                        folders.append((entry.path, f"{prefix}{entry.name}/"))
                else:
                    yield prefix + entry.name, entry


def scan_output(out_dir: Path) -> dict[str, tuple[int, int]]:
    """Every file under the output folder with its size and modification time."""
    found: dict[str, tuple[int, int]] = {}
    for rel, entry in _files(out_dir):
        st = entry.stat()
        found[rel] = (st.st_size, st.st_mtime_ns)
    return found


def scan_inodes(out_dir: Path) -> dict[str, int]:
    """Every file under the output folder but a symbolic link, with its inode number (read with the
    folder: no stat)."""
    return {rel: entry.inode() for rel, entry in _files(out_dir) if not entry.is_symlink()}


def load_last_build(site_dir: Path) -> LastBuild | None:
    """The record of the last successful build, or None."""
    try:
        data = json.loads((site_dir / CACHE_DIR / _FILE).read_text(encoding="utf-8"))
        return LastBuild(
            fingerprint=str(data["fingerprint"]),
            out_dir=str(data["out_dir"]),
            manifest={k: (int(v[0]), int(v[1])) for k, v in data["manifest"].items()},
            problems=tuple(Problem(p[0], int(p[1]), Level(p[2]), p[3], p[4], p[5], p[6]) for p in data["problems"]),
            public_items=int(data["public_items"]),
            withheld_items=int(data["withheld_items"]),
            index_numbers={str(k): str(v) for k, v in data["index_numbers"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def save_last_build(site_dir: Path, record: LastBuild) -> None:
    """Write the record atomically; failing to write it is not an error."""
    folder = site_dir / CACHE_DIR
    data = {
        "fingerprint": record.fingerprint,
        "out_dir": record.out_dir,
        "manifest": record.manifest,
        "problems": [[p.path, p.line, p.level.value, p.field, p.message, p.rule, p.cause] for p in record.problems],
        "index_numbers": record.index_numbers,
        "public_items": record.public_items,
        "withheld_items": record.withheld_items,
    }
    try:
        folder.mkdir(exist_ok=True)
        (folder / ".gitignore").write_text("*\n", encoding="utf-8")
        write_atomic(folder / _FILE, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass


def could_be_current(record: LastBuild | None, out_dir: Path) -> bool:
    """Cheap first test: is there a record of a build into this very folder, which still exists?"""
    return record is not None and record.out_dir == str(out_dir.resolve()) and out_dir.is_dir()


def still_current(record: LastBuild | None, out_dir: Path, current: str) -> bool:
    """True when the input is unchanged and the output folder is exactly what that build wrote."""
    if record is None or record.fingerprint != current or record.out_dir != str(out_dir.resolve()):
        return False
    return out_dir.is_dir() and scan_output(out_dir) == record.manifest
