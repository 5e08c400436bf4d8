"""The platform's one search: every member's published index merged into one, with the filter 单位.

A member's ``pagefind/`` is itself an index in Pagefind's format (``search.merge``), so the members
are joined the way a site joins its shards, each member's pages marked with the synthetic filter
单位 (its name).  Only what the members published is read: a member's withheld items never reach
its index, so they cannot reach the platform's.  Pages keep their fragment under
``pagefind/fragment/<member>/``; the search page puts a result's URL under the member's folder
(the member's id begins the result's id).

Reading a member's index for merging costs about a second at 1,500 items, so each member's
prepared index is kept in ``<county>/.gongkai-cache/county-search/`` under the name of its
metadata file (a hash of its content), signed like the item store; and the chunks of the last
merge are kept, so that a chunk written again with the same bytes is not compressed again.  After
one member's edit only that member is read again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import marshal
from collections import Counter
from pathlib import Path
from typing import Any

from ..load_cache import signed, verified
from ..output import write_atomic
from ..search import index
from ..search.index import chunk_size
from ..search.merge import ENTRY, PREPARED_FORMAT, TEXT_DIR, Prepared, merge, prepare
from ..search.shards import chunk_digests, keep_chunks
from ..search.words import fragment_facts, index_words, write_word_lists
from ..workers import cpu_count
from .config import Member

UNIT_FILTER = "单位"
CACHE = "county-search"
_CHUNKS = "merged-chunks"


def _key(member: Member, bundle: Path) -> str:
    entry = json.loads((bundle / ENTRY).read_text(encoding="utf-8"))
    ((_language, about),) = entry["languages"].items()
    return hashlib.sha256(f"{member.id}\n{about['hash']}\n{PREPARED_FORMAT}\n{index.DERIVED}".encode()).hexdigest()


def _kept(cache: Path, key: str) -> tuple[Counter[str], Prepared] | None:
    try:
        body = verified((cache / key).read_bytes())
        if body is None:
            return None
        named, frequencies, prepared = marshal.loads(body)
        if named != key:
            return None  # another member's, or another version's, under this name
        return Counter({str(w): int(n) for w, n in frequencies.items()}), Prepared.from_bytes(prepared)
    except (OSError, ValueError, TypeError, EOFError):
        return None


def _keep(cache: Path, key: str, frequencies: Counter[str], prepared: Prepared) -> None:
    data = signed(marshal.dumps((key, dict(frequencies), prepared.to_bytes())))
    if data is None:
        return
    try:
        cache.mkdir(parents=True, exist_ok=True)
        write_atomic(cache / key, data)
    except OSError:
        pass  # failing to keep it is not an error


def county_index(members: list[tuple[Member, Path]], target: Path, cache: Path | None = None) -> int:
    """Merge the published indexes (``pagefind/`` of each member's build) into ``target``; returns
    the number of pages.  ``ValueError`` or ``OSError`` when an index cannot be read."""
    parts = []
    frequencies: Counter[str] = Counter()
    used: set[str] = set()
    for member, build in members:
        bundle = build / "pagefind"
        key = _key(member, bundle)
        used.add(key)
        kept = _kept(cache, key) if cache is not None else None
        if kept is None:
            counts, dates = fragment_facts(bundle)
            kept = counts, prepare(bundle, {"date": dates})
            if cache is not None:
                _keep(cache, key, *kept)
        counts, prepared = kept
        frequencies.update(counts)
        unit: dict[str, Any] = {UNIT_FILTER: {member.name: list(range(len(prepared.pages)))}}
        parts.append((member.id, bundle, dataclasses.replace(prepared, filters={**prepared.filters, **unit})))
    earlier = cache / _CHUNKS if cache is not None else None
    # A published index holds its pages' heads where Pagefind reads fragments, the whole ones beside.
    merged = merge(parts, target, chunk_size(sum(len(p.pages) for _, _, p in parts)), earlier, cpu_count(), chunk_digests(earlier) if earlier is not None else None, ("fragment", TEXT_DIR))
    write_word_lists(target, index_words(frequencies, merged.chunks, merged.pages))
    if cache is not None:
        keep_chunks(target / "index", cache / _CHUNKS, merged.digests)
        for stale in cache.iterdir():
            if stale.is_file() and stale.name not in used:
                stale.unlink(missing_ok=True)
    return merged.pages
