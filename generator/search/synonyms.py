"""The search page's synonym groups: government terms and the words citizens type for them.

gongkai ships a table (``data/synonyms.yml``); a site adds groups in ``content/_search.yml``::

    synonyms:
      - [城乡居民最低生活保障, 低保]

The groups are published as ``search/synonyms.json`` for the search page.  They come only from
these two files, never from items, so nothing withheld can be found through them.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

import yaml

from ..assemble import Site
from ..search_settings import Groups


@functools.lru_cache(maxsize=1)
def standard_groups() -> Groups:
    """The table shipped with gongkai (trusted data)."""
    text = resources.files("generator").joinpath("data/synonyms.yml").read_text(encoding="utf-8")
    return tuple(tuple(str(word) for word in group) for group in yaml.safe_load(text))


def synonyms_output(site: Site) -> list[tuple[str, bytes]]:
    """The search feature's part of the exports: the synonym table the search page applies."""
    return [("search/synonyms.json", synonyms_json(site.synonyms))]


def synonyms_json(site_groups: Groups) -> bytes:
    """``search/synonyms.json``: every word with the other words of its groups, the site's first."""
    table: dict[str, list[str]] = {}
    for group in (*site_groups, *standard_groups()):
        for word in group:
            others = table.setdefault(word, [])
            others += [w for w in group if w != word and w not in others]
    return json.dumps(dict(sorted(table.items())), ensure_ascii=False, sort_keys=False).encode("utf-8")
