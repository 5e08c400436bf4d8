"""Search stage, per page: each page's part of a Pagefind index, so that an edit re-indexes only the pages it changed.

Pagefind indexes every page on its own: a page's words and their positions, its meta, filters and
sort values and its fragment do not depend on the other pages of the run (Pagefind 1.5.2,
``index/mod.rs``: pages are read one by one, then only numbered together).  So a Pagefind run over
some pages is *split* here into one ``PagePart`` per page (``split``), and a shard's prepared index
(``merge.Prepared``) is *joined* from its pages' parts (``join``): pages numbered in date order, ties
in path order (Pagefind leaves ties in the order it happened to find the files), each word's pages
in that order.  A cold shard, split from one run over all its pages, and a shard whose edited pages
alone were run again are joined from the same parts, so they give the same bytes.

A page's fragment is named by Pagefind's full hash of it (SHA-1 of its JSON, as Pagefind writes it:
each byte in hex without padding), not by the start that Pagefind cuts to tell it from the other
pages of one run: which start that is depends on the run.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .heads import write_head
from .merge import HEAD_DIR, Prepared, chunk_words, decoded, field_order, read_meta, segment, unpacked
from .words import fragment_words

# One page's part: its fragment's full hash and word count; each word it holds with its encoded
# positions and size (``merge.chunk_words``); the meta fields those positions are numbered by; its
# filters' values; the sort keys it has; its ``date`` meta; the Chinese words the word lists count.
PagePart = tuple[str, int, tuple[tuple[str, bytes, int], ...], tuple[str, ...], dict[str, list[str]], tuple[str, ...], str, tuple[str, ...]]


class MixedFields(ValueError):
    """The parts of one shard number their meta positions by different fields (a page with a meta
    field its run's other pages lacked): the shard's pages must be indexed in one run."""


@dataclass(frozen=True)
class Split:
    """A Pagefind run's pages, by URL: each page's part, its fragment file in the run's bundle and
    the head of that fragment (``heads``), written beside it."""

    language: str
    version: str
    parts: dict[str, PagePart]
    fragments: dict[str, Path]
    heads: dict[str, Path]


def pagefind_hash(data: bytes) -> str:
    """Pagefind's ``full_hash``: the SHA-1 of ``data``, each byte in hex without a leading zero."""
    return "".join(format(b, "x") for b in hashlib.sha1(data).digest())


def page_url(path: str) -> str:
    """The URL Pagefind gives the page at output path ``path`` of the folder it indexes."""
    url = "/" + path
    return url[: -len("index.html")] if url.endswith("/index.html") else url


def split(folder: Path) -> Split:
    """The pages of the Pagefind bundle ``folder``, each with its part and the head of its
    fragment (written under ``folder/head/``); ``ValueError`` when the bundle is not of the
    expected shape."""
    language, meta = read_meta(folder)
    version, pages, chunks, filter_files, sorts, names = meta
    fields, renumber = field_order(names)
    postings: list[list[tuple[str, bytes, int]]] = [[] for _ in pages]
    for _first, _last, name in chunks:
        for word, entries in chunk_words(unpacked(folder / "index" / f"{name}.pf_index"), renumber):
            # One object per word, so that the parts kept on disk hold each word once (marshal
            # writes an object it has written before as a reference).
            word = sys.intern(word)
            for number, tail, size in entries:
                postings[number].append((word, tail, size))
    filters: list[dict[str, list[str]]] = [{} for _ in pages]
    for filter_name, name in filter_files:
        found, values = decoded(folder / "filter" / f"{name}.pf_filter")
        if found != filter_name:
            raise ValueError(f"筛选文件 {name} 不是“{filter_name}”的")
        for value, listed in values:
            for number in listed:
                filters[int(number)].setdefault(str(filter_name), []).append(str(value))
    keys: list[list[str]] = [[] for _ in pages]
    for key, order in sorts:
        for number in order:
            keys[int(number)].append(str(key))
    parts: dict[str, PagePart] = {}
    files: dict[str, Path] = {}
    heads: dict[str, Path] = {}
    for number, (short_hash, count) in enumerate(pages):
        path = folder / "fragment" / f"{short_hash}.pf_fragment"
        data = unpacked(path)
        full = f"{language}_{pagefind_hash(data)}"
        if not full.startswith(str(short_hash)):
            raise ValueError(f"片段 {short_hash} 的内容与其名称不符")
        fragment = json.loads(data)
        url = str(fragment["url"])
        if url in parts:
            raise ValueError(f"页面 {url} 被收录了两次")
        page_filters = {name: sorted(values) for name, values in sorted(filters[number].items())}
        counted = tuple(sys.intern(word) for word in fragment_words(fragment))
        parts[url] = (full, int(count), tuple(sorted(postings[number])), fields, page_filters, tuple(sorted(keys[number])), str(fragment["meta"].get("date", "")), counted)
        files[url] = path
        heads[url] = folder / HEAD_DIR / path.name
        write_head(fragment, path, heads[url])
    return Split(str(language), str(version), parts, files, heads)


def join(language: str, version: str, parts: Mapping[str, PagePart]) -> tuple[Prepared, Counter[str]]:
    """The prepared index of a shard of ``parts`` (by output path), and how many of its pages hold
    each Chinese word; ``MixedFields`` when the parts disagree on the meta fields."""
    fields = {part[3] for part in parts.values()}
    if len(fields) != 1:
        raise MixedFields("分片的页面元数据字段不一致")
    (shard_fields,) = fields
    # Date order as Pagefind's ``date`` sort gives it, ties by path; pages without a date last.
    order = sorted(parts, key=lambda path: (0, parts[path][6], path) if "date" in parts[path][5] else (1, "", path))
    words: dict[str, list[tuple[int, bytes, int]]] = {}
    filters: dict[str, dict[str, list[int]]] = {}
    orders: dict[str, list[tuple[str, int]]] = {}
    frequencies: Counter[str] = Counter()
    for number, path in enumerate(order):
        _hash, _count, postings, _fields, page_filters, keys, date, counted = parts[path]
        for word, tail, size in postings:
            words.setdefault(word, []).append((number, tail, size))
        for filter_name, values in page_filters.items():
            for value in values:
                filters.setdefault(filter_name, {}).setdefault(value, []).append(number)
        for key in keys:
            # The metadata holds a sort only as an order; its values are the pages' dates.
            orders.setdefault(key, []).append((date if key == "date" else "", number))
        frequencies.update(counted)
    sorted_orders = {key: sorted(order_) for key, order_ in sorted(orders.items())}
    segments = [segment(word, entries) for word, entries in sorted(words.items())]
    pages = [(parts[path][0], parts[path][1]) for path in order]
    return Prepared(language, version, shard_fields, pages, segments, filters, sorted_orders), frequencies


def pack(parts: Mapping[str, tuple[str, PagePart]]) -> bytes:
    """The bytes a shard keeps of its pages' keys and parts (marshal: plain data, nothing run on
    loading).  Not compressed: at 800 pages zlib's fastest level took 10 MB to 4 MB but cost 0.2 s
    to write and 0.05 s more to read, per shard, against milliseconds to write the difference."""
    return marshal.dumps(dict(parts))


def unpack(data: bytes) -> dict[str, tuple[str, PagePart]]:
    """What ``pack`` wrote; ``ValueError`` when it is of another shape."""
    try:
        value = marshal.loads(data)
    except (EOFError, TypeError) as error:
        raise ValueError(f"分片的页面数据读不出：{error}") from error
    if not isinstance(value, dict):
        raise ValueError("分片的页面数据格式不对")
    return {str(path): (str(key), part) for path, (key, part) in value.items()}
