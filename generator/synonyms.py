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

from .fields import Reader
from .yamltree import Map, Node, Seq

Groups = tuple[tuple[str, ...], ...]
_MAX_WORD = 20


@functools.lru_cache(maxsize=1)
def standard_groups() -> Groups:
    """The table shipped with gongkai (trusted data)."""
    text = resources.files("generator").joinpath("data/synonyms.yml").read_text(encoding="utf-8")
    return tuple(tuple(str(word) for word in group) for group in yaml.safe_load(text))


def site_groups(reader: Reader, root: Node | None) -> Groups:
    """The site's own groups from the tree of ``content/_search.yml``; problems go to ``reader``."""
    hint = "写法：synonyms: 下每行一组同义词，如 - [最低生活保障, 低保]。"
    if root is None:
        return ()
    if not (isinstance(root, Map) and [k.text for k, _ in root.entries] == ["synonyms"]):
        reader.fail(root.line, "", "_search.yml 只能有一项 synonyms（同义词）。" + hint)
        return ()
    entries = root.entries[0][1]
    if not isinstance(entries, Seq):
        reader.fail(entries.line, "synonyms", "synonyms 应为列表。" + hint)
        return ()
    groups: list[tuple[str, ...]] = []
    for entry in entries.items:
        words = reader.text_list(entry, "synonyms") if isinstance(entry, Seq) else ()
        if len(words) < 2 or any(len(w) > _MAX_WORD for w in words):
            reader.fail(entry.line, "synonyms", f"每组至少写两个词，每个词不超过 {_MAX_WORD} 个字。" + hint)
            continue
        groups.append(tuple(dict.fromkeys(words)))
    return tuple(groups)


def synonyms_json(site_groups: Groups) -> bytes:
    """``search/synonyms.json``: every word with the other words of its groups, the site's first."""
    table: dict[str, list[str]] = {}
    for group in (*site_groups, *standard_groups()):
        for word in group:
            others = table.setdefault(word, [])
            others += [w for w in group if w != word and w not in others]
    return json.dumps(dict(sorted(table.items())), ensure_ascii=False, sort_keys=False).encode("utf-8")
