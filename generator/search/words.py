"""Search stage, second step: word lists that let the search page load every index chunk a query needs.

Pagefind matches each query word as a prefix of the indexed words (宅 finds 宅基地), but it
downloads only the index chunk in which the query word itself would sit.  When a prefix family
(宅, 宅基, 宅基地…) spans a chunk boundary, the words past the boundary are silently not searched,
and which results a query finds then depends on the chunks earlier queries happened to load.  On a
10,000-item site 15 % of the families span a boundary at Pagefind's default chunk size, and more
at the smaller chunks that keep each query's download small.

So after Pagefind has run, gongkai writes ``pagefind/gongkai-words/NNN.json``: for the Chinese
words the index holds (read from Pagefind's own fragments, which keep its word boundaries), each
word with the shards and chunks that hold it, most frequent first; and for each such chunk a few
*probe* words — words whose own lookup makes Pagefind load exactly that chunk.  Before searching,
the search page fetches the list for each query word's first character and preloads, through
Pagefind's public ``preload`` (which every shard's instance runs), a probe for every chunk holding
a word of the family.  Each shard's part is computed when that shard is indexed and kept with it
(``shards``); the lists come only from the fragments of the indexed (public) pages.
"""

from __future__ import annotations

import bisect
import gzip
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cbor2

from ..workers import fork_map
from .ids import fnv1a

WORDS_DIR = "gongkai-words"
BUCKETS = 256
PROBES_PER_CHUNK = 4
# A word on more than this share of the pages hardly narrows a search, yet its index entry is the
# largest there is: the search page leaves it out of a query that has other words.
COMMON_SHARE = 0.5
_SIGNATURE = b"pagefind_dcd"
_BATCH = 100
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

Chunk = tuple[str, str]


def _decoded(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_SIGNATURE):
        raise ValueError(f"{path.name} is not a Pagefind file")
    return data[len(_SIGNATURE) :]


def read_fragment(path: Path) -> dict[str, Any]:
    """A Pagefind fragment (one page's URL, text, meta and filters) as the search page receives it."""
    fragment: dict[str, Any] = json.loads(_decoded(path))
    return fragment


def read_chunks(bundle: Path) -> list[Chunk]:
    """The index chunks' word ranges (``from``, ``to``), in Pagefind's order, from its metadata file."""
    (meta,) = bundle.glob("pagefind.*.pf_meta")
    fields = cbor2.loads(_decoded(meta))
    # MetaIndex: version, pages, index chunks [from, to, hash], filters, sorts, meta fields.
    return [(str(first), str(last)) for first, last, _ in fields[2]]


def selects(term: str, chunks: list[Chunk], firsts: list[str] | None = None) -> list[int]:
    """The chunks Pagefind (1.5.2, ``request_indexes``) downloads for ``term``: those whose range
    holds it, or failing any, those whose bounds match it as far as the bounds go.

    Ranges are ordered, so the ones holding ``term`` end at the last range starting at or before
    it (``firsts``, the ranges' starts, may be passed in when many terms are looked up)."""
    firsts = [first for first, _ in chunks] if firsts is None else firsts
    end = start = bisect.bisect_right(firsts, term)
    while start > 0 and chunks[start - 1][1] >= term:
        start -= 1
    if start < end:
        return list(range(start, end))
    return [i for i, (first, last) in enumerate(chunks) if term[: len(first)] >= first[: len(term)] and term[: len(last)] <= last[: len(term)]]


def chunk_holding(word: str, firsts: list[str]) -> int:
    """The chunk whose words include ``word``: ``from`` is a prefix of the chunk's first word and
    sorts after every word of the chunk before it."""
    return max(bisect.bisect_right(firsts, word) - 1, 0)


def _batch_frequencies(paths: list[Path]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in paths:
        fragment = read_fragment(path)
        # Pagefind keeps Chinese words apart with zero-width spaces in a fragment's content.
        words = set(fragment["content"].replace("\u200b", " ").split())
        # Pagefind also indexes each meta value, unsegmented; of those only the column's name is
        # not already in the text (a title is, word by word, and its whole-title "word" would
        # make every family of its first characters thousands of words long).
        words.update(fragment["meta"].get("column", "").split())
        counts.update(words)
    return Counter({word: n for word, n in counts.items() if _CHINESE.fullmatch(word)})


def shard_frequencies(shards: Sequence[Path], jobs: int | None = None) -> list[Counter[str]]:
    """For each bundle of ``shards``, each Chinese word of its index with the number of its pages
    whose text holds it, read on up to ``jobs`` processes (all cores by default)."""
    # Batches, so that each worker sends back one small count rather than a set per page.
    batches = [(n, paths[start : start + _BATCH]) for n, bundle in enumerate(shards) for paths in [fragment_files(bundle)] for start in range(0, len(paths), _BATCH)]
    frequencies: list[Counter[str]] = [Counter() for _ in shards]
    for n, counts in fork_map(lambda batch: (batch[0], _batch_frequencies(batch[1])), batches, jobs, min_items=4):
        frequencies[n].update(counts)
    return frequencies


def fragment_files(bundle: Path) -> list[Path]:
    """The bundle's fragments, one per indexed page."""
    return sorted((bundle / "fragment").glob("*.pf_fragment"))


@dataclass(frozen=True)
class ShardWords:
    """One shard's part of the word lists: each Chinese word with the number of the shard's pages
    holding it and the index chunk holding it, and for each chunk its probe words."""

    frequencies: dict[str, int]
    holding: dict[str, int]
    probes: dict[int, list[str]]
    pages: int


def shard_words(frequencies: Mapping[str, int], chunks: list[Chunk], pages: int) -> ShardWords:
    """Where each word of one shard's index sits, and the probes that load each of its chunks."""
    firsts = [first for first, _ in chunks]
    holding = {word: chunk_holding(word, firsts) for word in sorted(frequencies)}
    by_chunk: dict[int, list[str]] = {}
    for word, chunk in holding.items():
        by_chunk.setdefault(chunk, []).append(word)
    probes: dict[int, list[str]] = {}
    for chunk, words in sorted(by_chunk.items()):
        candidates = sorted({*words, *chunks[chunk]}, key=lambda w: (len(w), w))
        # A lookup may stop at a trimmed bound, so each candidate is checked as Pagefind would.
        probes[chunk] = [w for w in candidates if _CHINESE.fullmatch(w) and chunk in selects(w, chunks, firsts)][:PROBES_PER_CHUNK]
    return ShardWords(dict(sorted(frequencies.items())), holding, probes, pages)


def word_lists(shards: Sequence[ShardWords]) -> dict[int, dict[str, Any]]:
    """The lists by bucket of first character, over all ``shards`` (in the order the search page
    numbers them): ``words`` (word → the shards and chunks holding it, as a flat list ``[shard,
    chunk, shard, chunk …]``, most frequent word first), ``probes`` (``"shard.chunk"`` → words
    that make Pagefind load that chunk, shortest first) and ``common`` (the words on more than
    ``COMMON_SHARE`` of all pages)."""
    frequencies: Counter[str] = Counter()
    for shard in shards:
        frequencies.update(shard.frequencies)
    pages = sum(shard.pages for shard in shards)
    lists: dict[int, dict[str, Any]] = {}
    for word in sorted(frequencies, key=lambda w: (-frequencies[w], w)):
        entry = lists.setdefault(fnv1a(word[0]) % BUCKETS, _empty())
        places: list[int] = []
        for n, shard in enumerate(shards):
            if word in shard.holding:
                chunk = shard.holding[word]
                places += [n, chunk]
                entry["probes"][f"{n}.{chunk}"] = shard.probes[chunk]
        entry["words"][word] = places
        if frequencies[word] > COMMON_SHARE * pages:
            entry["common"].append(word)
    return lists


def _empty() -> dict[str, Any]:
    return {"words": {}, "probes": {}, "common": []}


def write_word_lists(bundle: Path, shards: Sequence[ShardWords]) -> int:
    """Write ``bundle/gongkai-words/NNN.json`` (every bucket, so the search page never meets a
    missing file); returns how many words they list."""
    lists = word_lists(shards)
    folder = bundle / WORDS_DIR
    folder.mkdir()
    for bucket in range(BUCKETS):
        data = lists.get(bucket, _empty())
        (folder / f"{bucket:03d}.json").write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return sum(len(data["words"]) for data in lists.values())
