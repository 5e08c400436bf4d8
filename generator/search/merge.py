"""Search stage, merge step: the shards' Pagefind indexes joined into the one index the site publishes.

Shards are the unit of work (indexed side by side, kept between builds), but a search page that
loads one Pagefind index per shard pays for each shard's metadata before its first query and for a
chunk of every shard on each later one, and each shard's index judges a query word by its own
pages alone.  So the shards are joined here into the index Pagefind itself writes for all their
pages in one run, in Pagefind 1.5.2's format (CBOR behind the ``pagefind_dcd`` signature, gzipped):

- ``pagefind.<hash>.pf_meta``: the version; every page's fragment hash and word count; the index
  chunks' word ranges and files; the filter files; the sort orders; the meta fields.  The merged
  index leaves the sort orders out (``SORTS_KEY``).
- ``index/*.pf_index``: each word with, for every page holding it, the page's number (as the
  difference from the previous page's), the word's positions (a negative number sets the weight of
  those after it) and its positions in meta fields (a negative number names the field).
- ``filter/*.pf_filter``: each filter's values, each with its pages' numbers.

Pages are numbered shard after shard (in date order within a shard) and the words re-chunked as
Pagefind chunks them, but that a word of at least a chunk's positions gets a chunk of its own
(``_chunked``).  Decoding every shard's index on every build would cost more than
indexing the edited shard, so each shard is *prepared* once, when it is indexed (``prepare``, kept
with the shard): each word with its first and last page, its size, and its pages already encoded,
all but the first page's number, which is the only part the merge changes.  Meta positions are
renumbered to ``FIELDS`` order when prepared, so shards with different meta fields join without
decoding.  A page's fragment is not rewritten: its head (``heads``) stays its shard's file under
``fragment/<shard>/``, and the whole fragment Pagefind wrote under ``gongkai-text/<shard>/`` (the
page's hash in the metadata names the folder; the language every hash begins with is left out), so
no folder holds more than one shard's pages and two shards' short hashes never collide.  A county
platform merges its members' published indexes the same way (``county.search``).  Anything of an
unexpected shape raises ``ValueError`` rather than publish an index that answers wrongly.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import marshal
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cbor2
from zlib_ng import zlib_ng

from ..output import link_or_copy

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
# Where the published index keeps each page's whole fragment, beside the head Pagefind reads
# under ``fragment/`` (``heads``): the same folders and names.
TEXT_DIR = "gongkai-text"
# Where a kept shard keeps its pages' heads, beside Pagefind's whole fragments in ``fragment/``.
HEAD_DIR = "head"
# The meta fields of gongkai's item pages (Pagefind adds title and image), first and in this order
# in the merged index; other fields follow, by name.
FIELDS = ("column", "date", "doc_no", "image", "image_alt", "index_no", "title")
# The files of a bundle that are the same for every index of one Pagefind version.
_RUNTIME = ("pagefind.js", "pagefind-worker.js")
# Pagefind keeps each sort order in the metadata, which every first query downloads: an order of
# page numbers, which no compression shortens (20 KB at 10,000 pages, 64 KB on a county platform of
# 30,000).  The merged index keeps its sort values beside it instead, in the file the entry names
# under this key (``_sort_file``), which the search page loads only when a visitor sorts.
SORTS_KEY = "gongkai_sorts"
# What ``prepare`` makes of a shard: changed whenever it changes (it is part of a kept shard's key).
PREPARED_FORMAT = 2

# One word of a prepared shard: the word, its first and last page (numbers in the shard), how many
# pages hold it, its size as Pagefind counts it for chunking, the encoded positions of its first
# page, and its other pages encoded whole.
Segment = tuple[str, int, int, int, int, bytes, bytes]


def _head(major: int, n: int) -> bytes:
    """A CBOR item head: major type and argument."""
    if n < 24:
        return bytes((major << 5 | n,))
    for code, width in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * width):
            return bytes((major << 5 | code,)) + n.to_bytes(width, "big")
    raise ValueError(f"数值过大：{n}")


def _int(n: int) -> bytes:
    return _head(0, n) if n >= 0 else _head(1, -1 - n)


_LOW = -1024


def _int_table() -> list[bytes]:
    """``_int(n)`` for every ``n`` from ``_LOW`` up to 65,535, by CBOR's width classes (a third of
    the time of calling ``_int`` 66,560 times, which every build paid on import)."""
    negative = [_int(n) for n in range(_LOW, 0)]
    return negative + [bytes((n,)) for n in range(24)] + [b"\x18" + bytes((n,)) for n in range(24, 256)] + [b"\x19" + n.to_bytes(2, "big") for n in range(256, 1 << 16)]


_INTS = _int_table()


def _ints(values: Sequence[int]) -> bytes:
    """A CBOR array of integers (most are small: through a table)."""
    if values and min(values) >= _LOW and max(values) < 1 << 16:
        return _head(4, len(values)) + b"".join([_INTS[v - _LOW] for v in values])
    return _head(4, len(values)) + b"".join(_int(v) for v in values)


def _text(value: str) -> bytes:
    data = value.encode("utf-8")
    return _head(3, len(data)) + data


def unpacked(path: Path) -> bytes:
    """A Pagefind file's content: gunzipped, without the signature (``ValueError`` without one)."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path.name} 不是 Pagefind 文件")
    return data[len(SIGNATURE) :]


def decoded(path: Path) -> Any:
    """A Pagefind index file's CBOR content."""
    return cbor2.loads(unpacked(path))


# A gzip stream from zlib (a header without a time or name: the same data gives the same bytes).
_GZIP = 31
# What compresses the files a merge writes: part of each file's digest, which names it and matches
# a kept chunk, so that a chunk compressed by another version is not reused (its bytes would not
# be those of a cold build).
_COMPRESSOR = f"zlib-ng {zlib_ng.ZLIBNG_VERSION} gzip level 6\n".encode()


def compressed(data: bytes) -> bytes:
    """A Pagefind file of ``data``: the signature and ``data``, gzipped as every file a merge writes."""
    return zlib_ng.compress(SIGNATURE + data, 6, _GZIP)


COMPRESSOR = _COMPRESSOR.decode().strip()


def short_names(hashes: Sequence[str], least: int) -> dict[str, str]:
    """For each of ``hashes``, the shortest start (at least ``least`` characters) that no other
    begins with: the same whatever the order, and changed only by a hash that shares it.  Every
    page and chunk is named in the metadata the first query downloads, so each character counts."""
    ordered = sorted(set(hashes))
    names = {}
    for n, value in enumerate(ordered):
        shared = max((_common(value, other) for other in ordered[max(n - 1, 0) : n + 2] if other != value), default=0)
        names[value] = value[: max(least, shared + 1)]
    return names


def _fragment_names(language: str, hashes: Sequence[str]) -> dict[str, str]:
    """The published name of each page's fragment within its shard's folder."""
    prefix = f"{language}_"
    if all(h.startswith(prefix) and "/" not in h for h in hashes):
        # Four characters at least: a folder holds one shard's pages (hundreds), and every character
        # of every page's name is downloaded by the first query (six to four saved 41 KB of the
        # county platform's 29,400 pages).
        cut = short_names([h[len(prefix) :] for h in hashes], 4)
        return {h: cut[h[len(prefix) :]] for h in hashes}
    return {h: h for h in hashes}


def _digest(data: bytes) -> str:
    return hashlib.sha256(_COMPRESSOR + data).hexdigest()


def read_meta(folder: Path) -> tuple[str, list[Any]]:
    """A bundle's language and its metadata fields (version, pages, chunks, filters, sorts, meta fields)."""
    entry = json.loads((folder / ENTRY).read_text(encoding="utf-8"))
    ((language, about),) = entry["languages"].items()
    meta = decoded(folder / f"pagefind.{about['hash']}.pf_meta")
    if not isinstance(meta, list) or len(meta) != 6:
        raise ValueError("Pagefind 元数据的结构不是 1.5.2 版的")
    if SORTS_KEY in entry and not meta[4]:
        meta[4] = _read_sorts(folder / str(entry[SORTS_KEY]), meta[1])
    return str(language), meta


def _sort_file(pages: Sequence[Sequence[Any]], values: Mapping[str, Mapping[int, str]]) -> bytes:
    """The sort values of ``pages`` (hash, word count) by key, in runs of pages of one folder:
    ``[folder, names, values]``, a page without a value ``null``; gzipped JSON.  Ascending order is
    by value, ties in page order, as each shard's and the merge's orders are."""
    found: dict[str, list[list[Any]]] = {}
    for key, by_page in sorted(values.items()):
        runs: list[list[Any]] = []
        for n, (page_hash, _count) in enumerate(pages):
            folder, _, name = str(page_hash).rpartition("/")
            if not runs or runs[-1][0] != folder:
                runs.append([folder, [], []])
            runs[-1][1].append(name)
            runs[-1][2].append(by_page.get(n))
        found[key] = runs
    return zlib_ng.compress(json.dumps(found, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6, _GZIP)


def _read_sorts(path: Path, pages: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """The orders of a ``_sort_file`` as Pagefind's metadata holds them: each key with the numbers
    of the pages that have a value, in ascending order."""
    try:
        found = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"排序文件 {path.name} 读不出：{error}") from error
    hashes = [str(page_hash) for page_hash, _count in pages]
    orders = []
    for key, runs in sorted(found.items()):
        listed = [(f"{folder}/{name}" if folder else name, value) for folder, names, values in runs for name, value in zip(names, values, strict=True)]
        if [page_hash for page_hash, _ in listed] != hashes:
            raise ValueError(f"排序文件 {path.name} 的页面与元数据不一致")
        orders.append([key, [n for _, n in sorted((value, n) for n, (_, value) in enumerate(listed) if value is not None)]])
    return orders


@dataclass(frozen=True)
class Prepared:
    """One shard's index, ready to merge (``prepare``)."""

    language: str
    version: str
    fields: tuple[str, ...]
    pages: list[tuple[str, int]]
    words: list[Segment]
    filters: dict[str, dict[str, list[int]]]
    sorts: dict[str, list[tuple[str, int]]]

    def to_bytes(self) -> bytes:
        """Its bytes (marshal: plain data, fast to read, nothing run on loading)."""
        return marshal.dumps((PREPARED_FORMAT, self.language, self.version, self.fields, self.pages, self.words, self.filters, self.sorts))

    @staticmethod
    def from_bytes(data: bytes) -> Prepared:
        """Read what ``to_bytes`` wrote; ``ValueError`` when it is of another shape."""
        value = marshal.loads(data)
        if not isinstance(value, tuple) or len(value) != 8 or value[0] != PREPARED_FORMAT:
            raise ValueError("分片的合并数据格式不对")
        _, language, version, fields, pages, words, filters, sorts = value
        return Prepared(language, version, tuple(fields), list(pages), list(words), dict(filters), dict(sorts))

    def save(self, path: Path) -> None:
        """Write it to ``path``."""
        path.write_bytes(self.to_bytes())

    @staticmethod
    def load(path: Path) -> Prepared:
        """Read what ``save`` wrote."""
        return Prepared.from_bytes(path.read_bytes())


def _argument(data: bytes, at: int, major: int) -> tuple[int, int]:
    """The argument of the CBOR head of major type ``major`` at ``at``, and where the item's
    content starts."""
    first = data[at]
    if first >> 5 != major:
        raise ValueError(f"第 {at} 字节不是预期的 CBOR 类型 {major}")
    small = first & 31
    if small < 24:
        return small, at + 1
    width = {24: 1, 25: 2, 26: 4, 27: 8}.get(small)
    if width is None:
        raise ValueError(f"第 {at} 字节的 CBOR 长度无效")
    return int.from_bytes(data[at + 1 : at + 1 + width], "big"), at + 1 + width


# A run of CBOR integers (major types 0 and 1, any width): the positions of a word on a page.  The
# run stops at the next array head, which is never an integer's.
_INT_RUN = re.compile(rb"(?:[\x00-\x17\x20-\x37]|[\x18\x38].|[\x19\x39]..|[\x1a\x3a]....|[\x1b\x3b]........)*", re.S)


def chunk_words(data: bytes, fields: Mapping[int, int] | None) -> Iterator[tuple[str, list[tuple[int, bytes, int]]]]:
    """The words of one index chunk (its CBOR), read head by head: each word with, for each page
    holding it, the page's number, its positions as encoded (meta positions renumbered by
    ``fields`` when given) and its size as Pagefind counts it for chunking."""
    if data[:1] != b"\x81":
        raise ValueError("索引分块的结构不是 1.5.2 版的")
    words, at = _argument(data, 1, 4)
    # The pattern matches an empty run too, so it never fails to match.
    run: Callable[[bytes, int], re.Match[bytes]] = _INT_RUN.match  # type: ignore[assignment]
    for _ in range(words):
        if data[at] != 0x83:
            raise ValueError(f"第 {at} 字节不是索引词")
        length, at = _argument(data, at + 1, 3)
        word = data[at : at + length].decode("utf-8")
        pages, at = _argument(data, at + length, 4)
        if not pages:
            raise ValueError(f"索引词“{word}”没有页面")
        number = 0
        entries: list[tuple[int, bytes, int]] = []
        for _page in range(pages):
            # The common heads (a small page delta, short arrays) are read inline: this loop runs
            # once for each word on each page of the shard.
            if data[at] != 0x83:
                raise ValueError(f"索引词“{word}”的页面结构不是 1.5.2 版的")
            head = data[at + 1]
            delta, at = (head, at + 2) if head < 24 else _argument(data, at + 1, 0)
            number += delta
            locs_start = at
            head = data[at]
            locs, at = (head - 0x80, at + 1) if 0x80 <= head < 0x98 else _argument(data, at, 4)
            at = run(data, at).end()
            meta_start = at
            head = data[at]
            count, meta_at = (head - 0x80, at + 1) if 0x80 <= head < 0x98 else _argument(data, at, 4)
            end = run(data, meta_at).end()
            if fields is not None and count:
                values = cbor2.loads(data[meta_start:end])
                if len(values) != count:
                    raise ValueError(f"索引词“{word}”的元数据位置数目不对")
                tail = data[locs_start:meta_start] + _ints([fields[v] if v < 0 else v for v in values])
            else:
                tail = data[locs_start:end]
            entries.append((number, tail, locs + count + 1))
            at = end
        if data[at] != 0x80:
            raise ValueError(f"索引词“{word}”带有未知的数据")
        at += 1
        yield word, entries
    if at != len(data):
        raise ValueError("索引分块末尾有多余的数据")


def segment(word: str, entries: Sequence[tuple[int, bytes, int]]) -> Segment:
    """One word's ``Segment`` from its pages (number, encoded positions, size), in page order."""
    previous = entries[0][0]
    size = entries[0][2]
    rest = []
    ints = _INTS  # a shard's page numbers differ by less than 65,536: through the table
    for page, tail, own in entries[1:]:
        delta = page - previous
        rest.append(b"\x83" + (ints[delta - _LOW] if delta < 1 << 16 else _int(delta)) + tail)
        previous = page
        size += own
    return (word, entries[0][0], previous, len(entries), size, entries[0][1], b"".join(rest))


def _segments(data: bytes, fields: Mapping[int, int] | None, numbers: Sequence[int]) -> list[Segment]:
    """The words of one index chunk, each as a ``Segment``, its pages renumbered by ``numbers``
    (old number → new) and put in the new order."""
    return [segment(word, sorted((numbers[n], tail, size) for n, tail, size in entries)) for word, entries in chunk_words(data, fields)]


def field_order(names: Sequence[object]) -> tuple[tuple[str, ...], dict[int, int] | None]:
    """The meta fields of an index whose metadata names ``names``, in the order of a prepared
    index (``FIELDS`` first), and how its meta positions' field numbers change to that order (None
    when they do not)."""
    fields = tuple([*FIELDS, *sorted(set(map(str, names)) - set(FIELDS))])
    renumber = {-n - 1: -fields.index(str(name)) - 1 for n, name in enumerate(names)}
    return fields, None if all(old == new for old, new in renumber.items()) else renumber


def prepare(folder: Path, sort_values: Mapping[str, Sequence[str]]) -> Prepared:
    """Read one shard's bundle for merging; ``sort_values`` gives each sort key's value for each of
    its pages (by page number), which the metadata holds only as an order.

    The pages are numbered anew in date order (those without a date last), so that pages of one
    year hold neighbouring numbers.  A merged index (a county's member) keeps its orders beside its
    metadata; ``read_meta`` reads them back."""
    language, meta = read_meta(folder)
    version, pages, chunks, filter_files, sorts, names = meta
    fields, renumber = field_order(names)
    by_date = next((list(map(int, order)) for key, order in sorts if key == "date"), [])
    order = [*by_date, *sorted(set(range(len(pages))) - set(by_date))]
    if sorted(order) != list(range(len(pages))):
        raise ValueError("日期排序中的页面编号不对")
    numbers = [0] * len(pages)
    for new, old in enumerate(order):
        numbers[old] = new
    words: list[Segment] = []
    for _first, _last, name in chunks:
        words += _segments(unpacked(folder / "index" / f"{name}.pf_index"), renumber, numbers)
    filters: dict[str, dict[str, list[int]]] = {}
    for filter_name, name in filter_files:
        found, values = decoded(folder / "filter" / f"{name}.pf_filter")
        if found != filter_name:
            raise ValueError(f"筛选文件 {name} 不是“{filter_name}”的")
        filters[str(filter_name)] = {str(value): sorted(numbers[int(p)] for p in listed) for value, listed in values}
    orders: dict[str, list[tuple[str, int]]] = {}
    for key, sort in sorts:
        values = sort_values.get(str(key), ())
        orders[str(key)] = [(str(values[p]) if p < len(values) else "", numbers[int(p)]) for p in sort]
    renumbered = [(str(pages[old][0]), int(pages[old][1])) for old in order]
    if any(".." in page_hash.split("/") or page_hash.startswith("/") for page_hash, _ in renumbered):
        raise ValueError("页面的片段名不是索引文件夹中的文件")
    return Prepared(language, str(version), fields, renumbered, words, filters, orders)


@dataclass(frozen=True)
class Merged:
    """The published index: its page count and its chunks' word ranges, in order."""

    pages: int
    chunks: list[tuple[str, str]]
    # Each chunk file's name with the SHA-256 of its content (uncompressed).
    digests: dict[str, str]


def _chunked(words: Iterable[tuple[str, list[tuple[int, Segment]]]], size: int) -> list[list[tuple[str, list[tuple[int, Segment]]]]]:
    """Pagefind's chunking: words in order, a chunk closed once its pages' positions (and one for
    each page) reach ``size``; and, unlike Pagefind, closed before a word that reaches ``size``
    alone.  A query downloads the whole chunk of each word it needs: the rare words before a
    common one (专门 before 专项) would otherwise cost the common one's download too.  (The search
    page loads any chunk by its words, so a chunk of one word is never out of reach.)"""
    chunks: list[list[tuple[str, list[tuple[int, Segment]]]]] = []
    chunk: list[tuple[str, list[tuple[int, Segment]]]] = []
    held = 0
    for word in words:
        own = sum(segment[4] for _, segment in word[1])
        if own >= size and chunk:
            chunks.append(chunk)
            chunk, held = [], 0
        held += own
        chunk.append(word)
        if held >= size:
            chunks.append(chunk)
            chunk, held = [], 0
    if chunk:
        chunks.append(chunk)
    return chunks


def _common(a: str, b: str) -> int:
    """How many leading characters ``a`` and ``b`` share."""
    return next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _bounds(chunks: Sequence[Sequence[tuple[str, object]]]) -> list[tuple[str, str]]:
    """Each chunk's ``from`` and ``to`` as Pagefind 1.5.2 writes them: its first and last words,
    each cut at a boundary to one character past the prefix it shares with the word across it, but
    a ``to`` left whole where the cut would sort before its chunk's ``from`` (the rule was read
    off Pagefind's own output; it holds for all 12,821 chunks of the 10,000-item bench)."""
    bounds = [[chunk[0][0], chunk[-1][0]] for chunk in chunks]
    for i in range(len(bounds) - 1):
        shared = _common(bounds[i][1], bounds[i + 1][0])
        cut = bounds[i][1][: shared + 1]
        if cut >= bounds[i][0]:
            bounds[i][1] = cut
        bounds[i + 1][0] = bounds[i + 1][0][: shared + 1]
    return [(first, last) for first, last in bounds]


def _word_entry(word: str, segments: list[tuple[int, Segment]]) -> bytes:
    """One word of a merged chunk: ``[word, pages, []]``, each shard's pages after the last one's."""
    parts = [b"\x83", _text(word), _head(4, sum(segment[3] for _, segment in segments))]
    previous = 0
    for offset, (_word, first, last, _count, _size, head, rest) in segments:
        parts += [b"\x83", _int(offset + first - previous), head, rest]
        previous = offset + last
    parts.append(b"\x80")
    return b"".join(parts)


def _write_chunk(path: Path, data: bytes, digest: str, earlier: Path | None, known: Mapping[str, str]) -> None:
    """Write one index chunk: linked from ``earlier`` (the chunks of a previous merge) when a file
    of the same name there holds exactly these bytes (its digest in ``known``, which the caller
    verified, or else compared), compressed anew otherwise.  Most chunks survive an edit
    unchanged, and compressing them is most of a merge's time."""
    if earlier is not None:
        try:
            if known.get(path.name) == digest or gzip.decompress((earlier / path.name).read_bytes()) == SIGNATURE + data:
                link_or_copy(earlier / path.name, path)
                return
        except (OSError, EOFError, gzip.BadGzipFile, zlib.error):
            pass  # missing or damaged: written afresh
    path.write_bytes(compressed(data))


def merge(
    shards: Sequence[tuple[str, Path, Prepared]],
    target: Path,
    chunk_size: int,
    earlier: Path | None = None,
    jobs: int = 1,
    known: Mapping[str, str] | None = None,
    sources: tuple[str, str] = (HEAD_DIR, "fragment"),
) -> Merged:
    """Write the index of all ``shards`` (name, bundle folder, prepared index), their pages in this
    order, into the new folder ``target``, taking unchanged chunks from ``earlier`` (checked byte
    for byte, or by the digests ``known`` of its files, verified by the caller) and compressing the
    others on ``jobs`` threads.  ``sources`` names the folders of a shard's bundle that hold its
    pages' heads and whole fragments (a kept shard's, or those of a published index)."""
    languages = {prepared.language for _, _, prepared in shards}
    versions = {prepared.version for _, _, prepared in shards}
    if len(languages) != 1 or len(versions) != 1:
        raise ValueError(f"分片的语言或 Pagefind 版本不一致：{sorted(languages)} {sorted(versions)}")
    ((language,), (version,)) = (languages, versions)
    fields = tuple([*FIELDS, *sorted({f for _, _, prepared in shards for f in prepared.fields} - set(FIELDS))])
    offsets, total = [], 0
    for _, _, prepared in shards:
        if prepared.fields != fields[: len(prepared.fields)]:
            raise ValueError("分片的元数据字段顺序不一致")  # an extra field another shard lacks
        offsets.append(total)
        total += len(prepared.pages)

    words: dict[str, list[tuple[int, Segment]]] = {}
    for (_, _, prepared), offset in zip(shards, offsets, strict=True):
        for segment in prepared.words:
            # Shards come in page order, so each word's pages stay in ascending order.
            words.setdefault(segment[0], []).append((offset, segment))
    chunks = _chunked(sorted(words.items()), chunk_size)
    bounds = _bounds(chunks)
    (target / "index").mkdir(parents=True)
    (target / "filter").mkdir()
    raw = [b"\x81" + _head(4, len(chunk)) + b"".join([_word_entry(word, segments) for word, segments in chunk]) for chunk in chunks]
    digests = [_digest(data) for data in raw]
    named = short_names(digests, 7)
    names = [named[digest] for digest in digests]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        # zlib lets go of the interpreter while it compresses, so chunks compress side by side.
        list(pool.map(lambda n: _write_chunk(target / "index" / f"{names[n]}.pf_index", raw[n], digests[n], earlier, known or {}), range(len(raw))))
    chunk_files = [[first, last, name] for (first, last), name in zip(bounds, names, strict=True)]

    filters: dict[str, dict[str, list[int]]] = {}
    for (_, _, prepared), offset in zip(shards, offsets, strict=True):
        for filter_name, values in prepared.filters.items():
            for value, numbers in values.items():
                filters.setdefault(filter_name, {}).setdefault(value, []).extend(offset + n for n in numbers)
    encoded = {filter_name: cbor2.dumps([filter_name, [[value, numbers] for value, numbers in sorted(values.items())]]) for filter_name, values in sorted(filters.items())}
    named = short_names([_digest(data) for data in encoded.values()], 7)
    filter_files = []
    for filter_name, data in encoded.items():
        name = named[_digest(data)]
        (target / "filter" / f"{name}.pf_filter").write_bytes(compressed(data))
        filter_files.append([filter_name, name])

    # Each shard's order is by value, ties in page order; so is the merged one, which the sort file
    # gives as each page's value.
    sort_values: dict[str, dict[int, str]] = {}
    for (_, _, prepared), offset in zip(shards, offsets, strict=True):
        for key, order in prepared.sorts.items():
            sort_values.setdefault(key, {}).update((offset + n, value) for value, n in order)

    # A page's hash names its fragment, here in its shard's folder: a Pagefind hash without the
    # language (which every hash of one index shares), cut to what tells it from the shard's other
    # pages; the hash of a merged index (a county's member: ``2026/3367af``) as it is.
    fragment_names = {name: _fragment_names(language, [page_hash for page_hash, _ in prepared.pages]) for name, _, prepared in shards}
    pages = [[f"{name}/{fragment_names[name][page_hash]}", count] for name, _, prepared in shards for page_hash, count in prepared.pages]
    meta = compressed(cbor2.dumps([version, pages, chunk_files, filter_files, [], list(fields)]))
    meta_name = f"{language}_{hashlib.sha256(meta).hexdigest()[:12]}"
    (target / f"pagefind.{meta_name}.pf_meta").write_bytes(meta)
    sorts_name = None
    if sort_values:
        data = _sort_file(pages, sort_values)
        sorts_name = f"gongkai-sorts.{hashlib.sha256(data).hexdigest()[:12]}.json.gz"
        (target / sorts_name).write_bytes(data)

    first_folder = shards[0][1]
    for file_name in (*_RUNTIME, *(p.name for p in first_folder.glob("wasm.*.pagefind"))):
        link_or_copy(first_folder / file_name, target / file_name)
    for name, folder, prepared in shards:
        short = fragment_names[name]
        for source_dir, target_dir in zip(sources, ("fragment", TEXT_DIR), strict=True):
            # Plain strings and os.link: ten thousand pathlib joins cost more than the links.
            source, into = f"{folder}/{source_dir}/", f"{target}/{target_dir}/{name}/"
            os.makedirs(into)
            for page_hash, _count in prepared.pages:
                try:
                    os.link(f"{source}{page_hash}.pf_fragment", f"{into}{short[page_hash]}.pf_fragment")
                except OSError:  # no hard links here, or a county member's hash names a subfolder
                    link_or_copy(Path(f"{source}{page_hash}.pf_fragment"), Path(f"{into}{short[page_hash]}.pf_fragment"))
    entry = json.loads((first_folder / ENTRY).read_text(encoding="utf-8"))
    entry["languages"] = {language: {**entry["languages"][language], "hash": meta_name, "page_count": total}}
    entry.pop(SORTS_KEY, None)  # a county's member index names its own
    if sorts_name is not None:
        entry[SORTS_KEY] = sorts_name
    (target / ENTRY).write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return Merged(total, bounds, {f"{name}.pf_index": digest for name, digest in zip(names, digests, strict=True)})
