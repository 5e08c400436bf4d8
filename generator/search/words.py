"""Search stage, second step: word lists that let the search page load every index chunk a query needs.

Pagefind matches each query word as a prefix of the indexed words (宅 finds 宅基地), but it
downloads only the index chunk in which the query word itself would sit.  When a prefix family
(宅, 宅基, 宅基地…) spans a chunk boundary, the words past the boundary are silently not searched,
and which results a query finds then depends on the chunks earlier queries happened to load.  On a
10,000-item site 15 % of the families span a boundary at Pagefind's default chunk size, and more
at the smaller chunks that keep each query's download small.

So after the index is built, gongkai writes ``pagefind/gongkai-words/NNN.json``: for the Chinese
words the index holds (read from Pagefind's own fragments, which keep its word boundaries), each
word with the chunk that holds it, most frequent first; and for each such chunk a few *probe*
words — words whose own lookup makes Pagefind load exactly that chunk.  Before searching, the
search page fetches the list for each query word's first character and preloads, through
Pagefind's public ``preload``, a probe for every chunk holding a word of the family.  Each shard's
word frequencies are counted when that shard is indexed and kept with it (``shards``); the lists
come only from the fragments of the indexed (public) pages.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from .ids import fnv1a
from .merge import TEXT_DIR, read_meta, unpacked

WORDS_DIR = "gongkai-words"
BUCKETS = 256
PROBES_PER_CHUNK = 4
# A word on more than this share of the pages hardly narrows a search, yet its index entry is the
# largest there is: the search page leaves it out of a query that has other words.
COMMON_SHARE = 0.5
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

Chunk = tuple[str, str]


def read_fragment(path: Path) -> dict[str, Any]:
    """A Pagefind fragment (one page's URL, text, meta and filters) as the search page receives it."""
    fragment: dict[str, Any] = json.loads(unpacked(path))
    return fragment


def read_chunks(bundle: Path) -> list[Chunk]:
    """The index chunks' word ranges (``from``, ``to``), in Pagefind's order, from its metadata file."""
    _language, meta = read_meta(bundle)
    # MetaIndex: version, pages, index chunks [from, to, hash], filters, sorts, meta fields.
    return [(str(first), str(last)) for first, last, _ in meta[2]]


def _holding(term: str, chunks: list[Chunk], firsts: list[str]) -> range:
    """The chunks whose range holds ``term``: ranges are ordered, so they end at the last range
    starting at or before it."""
    end = start = bisect.bisect_right(firsts, term)
    while start > 0 and chunks[start - 1][1] >= term:
        start -= 1
    return range(start, end)


def _bounds_match(term: str, chunk: Chunk) -> bool:
    """Whether the bounds of ``chunk`` match ``term`` as far as they go (Pagefind's fallback)."""
    first, last = chunk
    return term[: len(first)] >= first[: len(term)] and term[: len(last)] <= last[: len(term)]


def selects(term: str, chunks: list[Chunk], firsts: list[str] | None = None) -> list[int]:
    """The chunks Pagefind (1.5.2, ``request_indexes``) downloads for ``term``: those whose range
    holds it, or failing any, those whose bounds match it as far as the bounds go (``firsts``, the
    ranges' starts, may be passed in when many terms are looked up)."""
    holding = _holding(term, chunks, [first for first, _ in chunks] if firsts is None else firsts)
    if holding:
        return list(holding)
    return [i for i, chunk in enumerate(chunks) if _bounds_match(term, chunk)]


def loads(term: str, chunk: int, chunks: list[Chunk], firsts: list[str]) -> bool:
    """Whether Pagefind downloads chunk ``chunk`` for ``term``: ``chunk in selects(term, …)``
    without matching every chunk's bounds when no range holds the term (the probes of an index
    of 2,000 chunks were most of the word lists' time)."""
    holding = _holding(term, chunks, firsts)
    return chunk in holding if holding else _bounds_match(term, chunks[chunk])


def chunk_holding(word: str, firsts: list[str]) -> int:
    """The chunk whose words include ``word``: ``from`` is a prefix of the chunk's first word and
    sorts after every word of the chunk before it."""
    return max(bisect.bisect_right(firsts, word) - 1, 0)


def fragment_facts(bundle: Path) -> tuple[Counter[str], list[str]]:
    """For one Pagefind bundle: each Chinese word of its index with the number of its pages whose
    text holds it, and each page's ``date`` meta (by page number; empty when it has none)."""
    _language, meta = read_meta(bundle)
    counts: Counter[str] = Counter()
    dates: list[str] = []
    texts = text_folder(bundle)
    for page_hash, _count in meta[1]:
        fragment = read_fragment(texts / f"{page_hash}.pf_fragment")
        counts.update(fragment_words(fragment))
        dates.append(str(fragment["meta"].get("date", "")))
    return counts, dates


def fragment_words(fragment: Mapping[str, Any]) -> list[str]:
    """The Chinese words of one page's fragment that the word lists count, each once, sorted."""
    # Pagefind keeps Chinese words apart with zero-width spaces in a fragment's content.
    words = set(fragment["content"].replace("\u200b", " ").split())
    # Pagefind also indexes each meta value, unsegmented; of those only the column's name is
    # not already in the text (a title is, word by word, and its whole-title "word" would
    # make every family of its first characters thousands of words long).
    words.update(fragment["meta"].get("column", "").split())
    return sorted(word for word in words if _CHINESE.fullmatch(word))


def text_folder(bundle: Path) -> Path:
    """Where a bundle keeps its pages' whole fragments: beside the heads in a published index
    (``heads``), in ``fragment/`` as Pagefind wrote them in one of its runs."""
    texts = bundle / TEXT_DIR
    return texts if texts.is_dir() else bundle / "fragment"


def fragment_files(bundle: Path) -> list[Path]:
    """The bundle's whole fragments, one per indexed page (a merged index keeps them by shard)."""
    return sorted(text_folder(bundle).rglob("*.pf_fragment"))


@dataclass(frozen=True)
class IndexWords:
    """What the word lists are made of: each Chinese word with the number of pages holding it and
    the index chunk holding it, and for each chunk its probe words."""

    frequencies: dict[str, int]
    holding: dict[str, int]
    probes: dict[int, list[str]]
    pages: int


def index_words(frequencies: Mapping[str, int], chunks: list[Chunk], pages: int) -> IndexWords:
    """Where each word of an index of ``pages`` pages and chunks ``chunks`` sits, and the probes
    that load each of its chunks."""
    firsts = [first for first, _ in chunks]
    holding = {word: chunk_holding(word, firsts) for word in sorted(frequencies)}
    by_chunk: dict[int, list[str]] = {}
    for word, chunk in holding.items():
        by_chunk.setdefault(chunk, []).append(word)
    probes: dict[int, list[str]] = {}
    for chunk, words in sorted(by_chunk.items()):
        candidates = sorted({*words, *chunks[chunk]}, key=lambda w: (len(w), w))
        # A lookup may stop at a trimmed bound, so each candidate is checked as Pagefind would.
        # Looked up only until enough are found: a lookup that falls back to the bounds scans them all.
        probes[chunk] = list(islice((w for w in candidates if _CHINESE.fullmatch(w) and loads(w, chunk, chunks, firsts)), PROBES_PER_CHUNK))
    return IndexWords(dict(sorted(frequencies.items())), holding, probes, pages)


def word_lists(index: IndexWords) -> dict[int, dict[str, Any]]:
    """The lists by bucket of first character: ``words`` (word → the chunk holding it, most
    frequent word first), ``probes`` (chunk → words that make Pagefind load it, shortest first)
    and ``common`` (the words on more than ``COMMON_SHARE`` of the pages)."""
    lists: dict[int, dict[str, Any]] = {}
    for word in sorted(index.frequencies, key=lambda w: (-index.frequencies[w], w)):
        entry = lists.setdefault(fnv1a(word[0]) % BUCKETS, _empty())
        chunk = index.holding[word]
        entry["words"][word] = chunk
        entry["probes"][str(chunk)] = index.probes[chunk]
        if index.frequencies[word] > COMMON_SHARE * index.pages:
            entry["common"].append(word)
    return lists


def _empty() -> dict[str, Any]:
    return {"words": {}, "probes": {}, "common": []}


def write_word_lists(bundle: Path, index: IndexWords) -> int:
    """Write ``bundle/gongkai-words/NNN.json`` (every bucket, so the search page never meets a
    missing file); returns how many words they list."""
    lists = word_lists(index)
    folder = bundle / WORDS_DIR
    folder.mkdir()
    for bucket in range(BUCKETS):
        data = lists.get(bucket, _empty())
        (folder / f"{bucket:03d}.json").write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return sum(len(data["words"]) for data in lists.values())
