"""A published Pagefind index read back as the search page would use it, keyed by page URL, so that
two indexes of the same pages compare equal whatever their page numbers, file names or byte order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.search.merge import decoded, read_meta
from generator.search.words import read_fragment, text_folder


def decode_index(bundle: Path) -> dict[str, Any]:
    """``words`` (word → URL → positions, and meta positions by field name), ``filters`` (name →
    value → URLs), ``sorts`` (key → the pages' date values in order, and the URLs of each value),
    ``chunks`` (the word ranges) and ``pages`` (URL → word count and whole fragment: what Pagefind
    wrote, which a published index keeps beside the heads it publishes)."""
    _language, meta = read_meta(bundle)
    _version, pages, chunks, filters, sorts, fields = meta
    texts = text_folder(bundle)
    fragments = [read_fragment(texts / f"{page_hash}.pf_fragment") for page_hash, _ in pages]
    urls = [fragment["url"] for fragment in fragments]
    words: dict[str, dict[str, Any]] = {}
    for _first, _last, name in chunks:
        for word, packed, _extra in decoded(bundle / "index" / f"{name}.pf_index")[0]:
            number, entry = 0, {}
            for delta, locs, meta_locs in packed:
                number += delta
                entry[urls[number]] = (tuple(locs), tuple(f"field:{fields[-loc - 1]}" if loc < 0 else loc for loc in meta_locs))
            assert word not in words, f"{word} is in two chunks"
            words[word] = entry
    filter_values = {}
    for filter_name, name in filters:
        found, values = decoded(bundle / "filter" / f"{name}.pf_filter")
        assert found == filter_name
        filter_values[filter_name] = {value: sorted(urls[p] for p in numbers) for value, numbers in values}
    orders = {}
    for key, order in sorts:
        values = [fragments[p]["meta"].get(key, "") for p in order]
        groups: dict[str, list[str]] = {}
        for p in order:
            groups.setdefault(fragments[p]["meta"].get(key, ""), []).append(urls[p])
        orders[key] = (values, {value: sorted(found) for value, found in groups.items()})
    return {
        "words": words,
        "filters": filter_values,
        "sorts": orders,
        "chunks": [(first, last) for first, last, _ in chunks],
        "pages": {url: (count, fragment) for url, (_, count), fragment in zip(urls, pages, fragments, strict=True)},
    }


def shard_fragments(bundle: Path, shard: str) -> list[tuple[str, str]]:
    """The pages (URL and whole text) whose fragments the published index keeps under one shard's folder."""
    return sorted((f["url"], f["content"]) for f in map(read_fragment, sorted((text_folder(bundle) / shard).iterdir())))
