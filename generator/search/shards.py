"""The search index in shards: which pages each shard holds, and the shards kept between runs.

Pagefind has no incremental indexing, and its time and memory grow with the pages it indexes at
once.  So the public item pages are indexed in shards, one per year of publication, or one per
quarter for a year of more than ``SHARD_PAGES`` pages: an edit re-indexes only its shard, shards
are indexed side by side on the machine's cores, and memory is a shard's, not the site's.  The
shards are then merged into the one index the site publishes (``merge``).

A shard's index is kept in ``<site>/.gongkai-cache/search/<key>/`` (its index prepared for merging,
``merge.Prepared``; each page's part, ``page_parts``, under the page's key; and of Pagefind's bundle
what a merge still reads: the fragments and the runtime) under a key of exactly what Pagefind reads of its pages (each page's path and indexed
part) and of the Pagefind version and settings, with a record signed by this machine's key
(``load_cache.signed``) that lists the size and modification time of every file.  A shard is
reused, read where it is kept, only when its key is the key of the pages now, its record verifies
and every file is as recorded: a withdrawn or changed page changes the key, and a copy from
elsewhere, a missing or extra file, or one written since is indexed afresh.  When a shard's key
changed, the parts of its most recent kept index (``previous``) serve its unchanged pages, so that
Pagefind reads only the pages an edit changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import marshal
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..load_cache import signed, verified
from ..output import link_or_copy, write_atomic
from .merge import Prepared
from .page_parts import PagePart, unpack

SHARD_PAGES = 600
CACHE = "search"
# The last merged index's chunks, from which the next merge takes those it would write again.
MERGED = "merged-chunks"
_RECORD = "record.bin"
_PREPARED = "prepared.bin"
_PARTS = "parts.bin"
# The pages as last hashed, so that a page linked into place unchanged is not read and hashed again
# (reading and hashing all 10,000 pages of a site took half a second of every build).
_STAMPS = "page-stamps.bin"
_DIGESTS = "digests.bin"  # in the kept chunks' folder: each chunk's content digest and file stamp
_KEPT = 8  # cached shards kept beyond the current ones (the preview and a build may differ)


def shard_name(published: dt.date | None, pages_that_year: int) -> str:
    """The shard of a page published on ``published``: its year, or its quarter in a large year
    (``0000`` for a page without a day, which sorts last)."""
    if published is None:
        return "0000"
    if pages_that_year <= SHARD_PAGES:
        return str(published.year)
    return f"{published.year}-q{(published.month - 1) // 3 + 1}"


def plan(pages: Mapping[str, dt.date | None]) -> dict[str, tuple[str, ...]]:
    """The shards, newest first, each with its pages (output paths, sorted)."""
    per_year = Counter(day.year if day else 0 for day in pages.values())
    shards: dict[str, list[str]] = {}
    for path, day in pages.items():
        shards.setdefault(shard_name(day, per_year[day.year if day else 0]), []).append(path)
    return {name: tuple(sorted(shards[name])) for name in sorted(shards, reverse=True)}


def indexed_part(html: bytes) -> bytes:
    """What Pagefind reads of a gongkai item page: the language and title in its head, and the
    element marked ``data-pagefind-body`` (which holds the meta, filters and sort values).  The
    navigation and footer around it do not reach the index, so a site-wide change to them does not
    make every shard stale.  A page of another shape is taken whole."""
    start = html.find(b"data-pagefind-body")
    end = html.rfind(b"</article>")
    head_end = html.find(b"</head>")
    if start < 0 or end < start or head_end < 0 or html.find(b"data-pagefind-body", start + 1) >= 0:
        return html
    return html[:head_end] + b"\0" + html[start:end]


# A page's file as last hashed: its inode, size and modification time, and its key.
Stamp = tuple[int, int, int, str]


def page_keys(root: Path, paths: tuple[str, ...], known: Mapping[str, Stamp] | None = None, stamps: dict[str, Stamp] | None = None) -> dict[str, str]:
    """Each page's key: the hash of its indexed part; taken from ``known`` for a file that is still
    the one hashed (the same inode, size and modification time: a page an earlier build wrote and
    this one linked into place), and recorded in ``stamps``."""
    keys = {}
    for path in paths:
        st = os.stat(root / path)
        last = known.get(path) if known is not None else None
        same = last is not None and last[:3] == (st.st_ino, st.st_size, st.st_mtime_ns)
        key = last[3] if same and last is not None else hashlib.sha256(indexed_part((root / path).read_bytes())).hexdigest()
        keys[path] = key
        if stamps is not None:
            stamps[path] = (st.st_ino, st.st_size, st.st_mtime_ns, key)
    return keys


def read_stamps(cache: Path) -> dict[str, Stamp]:
    """The page stamps the last run kept (``keep_stamps``), or none when they do not verify."""
    try:
        body = verified((cache / _STAMPS).read_bytes())
        found = marshal.loads(body) if body is not None else None
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return found if isinstance(found, dict) else {}


def keep_stamps(cache: Path, stamps: Mapping[str, Stamp]) -> None:
    """Keep the page stamps for the next run (signed); failing to is not an error."""
    data = signed(marshal.dumps(dict(stamps)))
    if data is not None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            write_atomic(cache / _STAMPS, data)
        except OSError:
            pass


def shard_key(keys: Mapping[str, str], settings: str) -> str:
    """The key of a shard: ``settings`` (Pagefind's version and options) and each page's path with
    its key (``page_keys``)."""
    h = hashlib.sha256(settings.encode() + b"\n")
    for path, key in sorted(keys.items()):
        h.update(path.encode() + b"\0" + bytes.fromhex(key))
    return h.hexdigest()


@dataclass(frozen=True)
class Shard:
    """One shard's finished index: its Pagefind counts, how many of its pages hold each Chinese
    word (for the word lists) and its index prepared for merging."""

    name: str
    pages: int
    words: int
    language: str
    frequencies: dict[str, int]
    prepared: Prepared
    # The folder holding its pages' fragments (under their full hashes) and Pagefind's runtime,
    # which the merge links from: made for this run, or the kept one in the cache, used where it is.
    bundle: Path


@dataclass(frozen=True)
class Previous:
    """The most recent kept index of a shard of the same name: its language and Pagefind's index
    version, each of its pages' key and part, and the folder holding their fragments."""

    language: str
    version: str
    parts: dict[str, tuple[str, PagePart]]
    bundle: Path


def _stamps(folder: Path, only: str | None = None) -> dict[str, list[int]]:
    """Every file under ``folder`` (or its one file ``only``) with its size and modification time:
    a file written since it was kept, in place or replaced, no longer matches (hashing every file
    of every kept shard would cost more than indexing the edited one)."""
    if only is not None:
        st = os.lstat(folder / only)
        return {only: [st.st_size, st.st_mtime_ns]}
    found: dict[str, list[int]] = {}
    folders = [("", str(folder))]
    while folders:
        prefix, path = folders.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    st = entry.stat(follow_symlinks=False)
                    found[prefix + entry.name] = [st.st_size, st.st_mtime_ns]
    return dict(sorted(found.items()))


def link_files(source: Path, target: Path, files: Iterable[str]) -> None:
    """``files`` of ``source`` at the same paths under ``target`` (``output.link_or_copy``)."""
    for rel in files:
        link_or_copy(source / rel, target / rel)


def _record(folder: Path, **expected: str) -> dict[str, Any] | None:
    """A kept folder's record when it verifies, holds the ``expected`` values and every file is as
    recorded."""
    body = verified((folder / _RECORD).read_bytes())
    if body is None:
        return None
    record: dict[str, Any] = json.loads(body)
    if any(record[name] != value for name, value in expected.items()):
        return None
    if _stamps(folder / "bundle") != record["files"] or _stamps(folder, _PREPARED) != record["prepared"] or _stamps(folder, _PARTS) != record["parts"]:
        return None
    return record


def reuse(cache: Path, key: str, name: str) -> Shard | None:
    """The kept index of key ``key``, its bundle where it is kept, or None when there is none, or
    its record or any file does not verify."""
    folder = cache / key
    try:
        record = _record(folder, key=key)
        if record is None:
            return None
        prepared = Prepared.load(folder / _PREPARED)
        frequencies = {str(w): int(n) for w, n in record["frequencies"].items()}
        return Shard(name, int(record["pages"]), int(record["words"]), str(record["language"]), frequencies, prepared, folder / "bundle")
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError):
        return None


def previous(cache: Path, name: str, settings: str) -> Previous | None:
    """The parts of the most recently kept index of shard ``name`` made with ``settings`` whose
    record and files verify, or None."""
    try:
        folders = sorted((p for p in cache.iterdir() if p.is_dir() and p.name != MERGED and not p.name.startswith(".new-")), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    except OSError:
        return None
    for folder in folders:
        try:
            record = _record(folder, name=name, settings=settings)
            if record is None:
                continue
            return Previous(str(record["language"]), str(record["version"]), unpack((folder / _PARTS).read_bytes()), folder / "bundle")
        except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError):
            continue
    return None


def _merge_inputs(bundle: Path) -> list[str]:
    """The files of a shard's bundle that a merge reads once the shard is prepared: its pages'
    fragments, their heads and Pagefind's runtime (its index and filter files live on in the prepared index)."""
    return [rel for rel in _stamps(bundle) if rel.startswith(("fragment/", "head/")) or ("/" not in rel and not rel.endswith(".pf_meta"))]


def keep(cache: Path, key: str, settings: str, shard: Shard, parts: bytes) -> None:
    """Keep a freshly built shard, with its pages' keys and parts (``page_parts.pack``), for the
    next run; failing to is not an error."""
    try:
        record: dict[str, object] = {
            "key": key,
            "name": shard.name,
            "settings": settings,
            "pages": shard.pages,
            "words": shard.words,
            "language": shard.language,
            "version": shard.prepared.version,
            "frequencies": shard.frequencies,
        }
        cache.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(cache / key, ignore_errors=True)  # a kept copy that did not verify
        with tempfile.TemporaryDirectory(dir=cache, prefix=".new-") as temp:
            link_files(shard.bundle, Path(temp) / "bundle", _merge_inputs(shard.bundle))
            record["files"] = _stamps(Path(temp) / "bundle")  # the kept files, copies where links failed
            shard.prepared.save(Path(temp) / _PREPARED)
            record["prepared"] = _stamps(Path(temp), _PREPARED)
            (Path(temp) / _PARTS).write_bytes(parts)
            record["parts"] = _stamps(Path(temp), _PARTS)
            data = signed(json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8"))
            if data is None:
                return
            (Path(temp) / _RECORD).write_bytes(data)
            os.replace(temp, cache / key)
            os.mkdir(temp)  # for TemporaryDirectory's own clean-up
    except OSError:
        pass


def prune(cache: Path, current: set[str]) -> None:
    """Remove kept shards that are not ``current``, but the ``_KEPT`` most recently made (another
    run's folder still being written is left alone)."""
    try:
        old = sorted((p for p in cache.iterdir() if p.is_dir() and p.name not in current and p.name != MERGED and not p.name.startswith(".new-")), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for path in old[_KEPT:]:
        shutil.rmtree(path, ignore_errors=True)


def keep_chunks(index: Path, cache: Path, digests: Mapping[str, str]) -> None:
    """Keep the chunks of the index just merged (links) in place of the last ones, with the
    digests of their content and a signed record of their files; failing to is not an error."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache.parent, prefix=".new-") as temp:
            link_files(index, Path(temp) / "chunks", sorted(p.name for p in index.iterdir()))
            files = _stamps(Path(temp) / "chunks")
            data = signed(marshal.dumps({name: (digests[name], *files[name]) for name in sorted(files)}))
            if data is not None:
                (Path(temp) / "chunks" / _DIGESTS).write_bytes(data)
            shutil.rmtree(cache, ignore_errors=True)
            os.replace(Path(temp) / "chunks", cache)
    except (OSError, KeyError):
        pass


def chunk_digests(cache: Path) -> dict[str, str]:
    """The digests of the kept chunks (``keep_chunks``) whose files are as recorded; none when the
    record does not verify (each chunk is then compared byte for byte)."""
    try:
        body = verified((cache / _DIGESTS).read_bytes())
        record = marshal.loads(body) if body is not None else {}
        files = _stamps(cache)
        return {str(name): str(digest) for name, (digest, *stamp) in record.items() if files.get(name) == stamp}
    except (OSError, ValueError, EOFError, TypeError, AttributeError):
        return {}
