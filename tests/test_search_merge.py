"""The merge step's own rules (the merged index as a whole is compared with one Pagefind run in
test_search_words)."""

from __future__ import annotations

import random

import cbor2

from generator.search.merge import _INTS, _LOW, short_names


def test_the_table_of_small_integers_holds_their_cbor_encodings() -> None:
    assert len(_INTS) == (1 << 16) - _LOW
    assert all(_INTS[n - _LOW] == cbor2.dumps(n) for n in range(_LOW, 1 << 16))


def test_short_names_tell_every_hash_apart_whatever_the_order() -> None:
    rng = random.Random(7)
    hashes = [f"{rng.getrandbits(64):016x}" for _ in range(3000)] + ["abcdef0123", "abcdef0124", "abcdef9999"]
    names = short_names(hashes, 6)
    assert len(set(names.values())) == len(set(hashes))
    assert all(h.startswith(names[h]) and len(names[h]) >= 6 for h in hashes)
    # No name is the start of another hash: a name tells its hash from every other.
    assert not [h for h in hashes for other in hashes if other != h and other.startswith(names[h])]
    assert names["abcdef0123"] == "abcdef0123" and names["abcdef9999"] == "abcdef9"
    shuffled = hashes[::-1]
    assert short_names(shuffled, 6) == names


def test_a_repeated_hash_gets_one_name() -> None:
    assert short_names(["aaaa1111", "aaaa1111", "bbbb"], 2) == {"aaaa1111": "aa", "bbbb": "bb"}
