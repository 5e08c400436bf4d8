"""Search stage, per page: the head of a page's fragment, which is what a search result downloads.

A Pagefind fragment holds its page's whole text, and the search page downloads one for every
result it shows: at 10,000 items, ten results were 36 KB of a 60 KB query, for the thirty words of
each excerpt.  What a result shows — its title, 文号, date, column, 有效性 and an excerpt around the
words it matched — lies, for most queries, in the first words of the page: the metadata block and
the title come first.  So the published fragment (``fragment/``, which Pagefind reads) is cut to
its first ``HEAD_WORDS`` words and says how many the page has (``CUT_KEY``); the whole fragment,
byte for byte as Pagefind wrote it, is published beside it (``merge.TEXT_DIR``), and the search
page downloads it only for a result whose matched words all lie past the head, or whose text it
must check against what was typed.  A page of no more words keeps its fragment whole in both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..output import link_or_copy
from .merge import compressed

# About 400 characters of Chinese: the metadata block, the title and the body's first lines (a
# head of 200 words gzips to 1.0 KB against 3.2 KB for a whole page of the bench corpus).
HEAD_WORDS = 200
CUT_KEY = "gongkai_words"
# Pagefind keeps a segmented (Chinese) text's words apart with zero-width spaces, and a word's
# location is its place among them.
_BOUNDARY = "\u200b"


def cut(fragment: dict[str, Any]) -> dict[str, Any] | None:
    """``fragment`` with its text cut to the first ``HEAD_WORDS`` words and ``CUT_KEY`` the number
    of words of the whole; None when the text is no longer, or not in words Pagefind segmented."""
    content = str(fragment["content"])
    if _BOUNDARY not in content:
        return None
    words = content.split(_BOUNDARY)
    if len(words) <= HEAD_WORDS:
        return None
    return {**fragment, "content": _BOUNDARY.join(words[:HEAD_WORDS]), CUT_KEY: len(words)}


def write_head(fragment: dict[str, Any], whole: Path, target: Path) -> None:
    """The head of ``fragment`` (read from the file ``whole``) at ``target``: ``whole`` itself
    when it is no longer than a head."""
    head = cut(fragment)
    if head is None:
        link_or_copy(whole, target)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(compressed(json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode("utf-8")))
