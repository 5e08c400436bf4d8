"""``content/_search.yml``: the site's own synonym groups, read and checked with the other
settings files (the search feature publishes them with gongkai's table, ``search/synonyms.py``)::

    synonyms:
      - [城乡居民最低生活保障, 低保]
"""

from __future__ import annotations

from .fields import Reader
from .yamltree import Map, Node, Seq

Groups = tuple[tuple[str, ...], ...]
_MAX_WORD = 20


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
