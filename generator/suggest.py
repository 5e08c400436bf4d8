"""'Did you mean' suggestions for unknown keys and catalogue references."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The choices closest to ``word``, best first (possibly none)."""
    pool = list(choices)
    found = difflib.get_close_matches(word, pool, n=n, cutoff=0.5)
    if not found:
        # Chinese labels are short; a shared character is already a useful hint.
        found = [c for c in pool if word and any(ch in c for ch in word if not ch.isascii())][:n]
    return found


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A Chinese hint such as ``是否想写：title？`` or an empty string."""
    found = closest(word, choices)
    return f"是否想写：{'、'.join(found)}？" if found else ""
