"""The platform's one search: every member's published index merged into one, with the filter 单位.

A member's ``pagefind/`` is itself an index in Pagefind's format (``search.merge``), so the members
are joined the way a site joins its shards, each member's pages marked with the synthetic filter
单位 (its name).  Only what the members published is read: a member's withheld items never reach
its index, so they cannot reach the platform's.  Pages keep their fragment under
``pagefind/fragment/<member>/``; the search page puts a result's URL under the member's folder
(the member's id begins the result's id).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

from ..search.index import chunk_size
from ..search.merge import merge, prepare
from ..search.words import fragment_facts, index_words, write_word_lists
from .config import Member

UNIT_FILTER = "单位"


def county_index(members: list[tuple[Member, Path]], target: Path) -> int:
    """Merge the published indexes (``pagefind/`` of each member's build) into ``target``; returns
    the number of pages.  ``ValueError`` or ``OSError`` when an index cannot be read."""
    parts = []
    frequencies: Counter[str] = Counter()
    for member, build in members:
        bundle = build / "pagefind"
        counts, dates = fragment_facts(bundle)
        frequencies.update(counts)
        prepared = prepare(bundle, {"date": dates})
        unit = {UNIT_FILTER: {member.name: list(range(len(prepared.pages)))}}
        parts.append((member.id, bundle, dataclasses.replace(prepared, filters={**prepared.filters, **unit})))
    merged = merge(parts, target, chunk_size(sum(len(p.pages) for _, _, p in parts)))
    write_word_lists(target, index_words(frequencies, merged.chunks, merged.pages))
    return merged.pages
