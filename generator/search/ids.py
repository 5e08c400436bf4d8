"""Lookups by 文号 and 索引号 for the search page (``search/ids/NNN.json``): a query that is a
document number finds its item first, from one small bucket file however large the site."""

from __future__ import annotations

import json
import re

from ..assemble import Site
from ..urls import quote_path


def normalize_id(text: str) -> str:
    """A 文号 or 索引号 as the search page compares it: no spaces, any bracket style, upper case."""
    text = re.sub(r"\s+", "", text)
    return text.translate(str.maketrans("[［【(（]］】)）", "〔〔〔〔〔〕〕〕〕〕")).upper()


ID_BUCKETS = 256
IDS_DIR = "search/ids"


def fnv1a(key: str) -> int:
    """FNV-1a (32 bit) of the UTF-8 bytes of ``key``; search.js computes the same to find a bucket file."""
    value = 0x811C9DC5
    for byte in key.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def id_bucket(key: str) -> int:
    """The bucket of a normalized 文号/索引号."""
    return fnv1a(key) % ID_BUCKETS


def search_ids(site: Site) -> list[tuple[str, bytes]]:
    """``search/ids/NN.json``: public items by 文号 and 索引号, so that such a query finds its item
    first.  Split into buckets so that a query downloads one small file, however large the site."""
    buckets: dict[int, list[dict[str, object]]] = {n: [] for n in range(ID_BUCKETS)}
    for e in site.items:
        keys = sorted({normalize_id(v) for v in (e.item.doc_no, e.item.index_no) if v})
        entry: dict[str, object] = {
            "keys": keys,
            "url": quote_path(e.path),
            "title": e.item.title,
            "doc_no": e.item.doc_no,
            "date": e.item.published.isoformat() if e.item.published else "",
            "column": site.catalogue.leaves[e.item.catalogue].label,
        }
        for bucket in sorted({id_bucket(k) for k in keys}):
            buckets[bucket].append(entry)
    return [(f"{IDS_DIR}/{n:03d}.json", json.dumps(entries, ensure_ascii=False).encode("utf-8")) for n, entries in buckets.items()]
