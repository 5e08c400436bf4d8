"""Loaded items kept between runs, by content: ``<site>/.gongkai-cache/items/``, in parts by item path.

Every run still reads every item file (to hash it), but parses, validates, renders and checks
only the files whose bytes changed, or all of them when what loading depends on changed: the
settings files, the names of the files under ``content/`` (attachments are looked up by name),
the day (scheduled items), ``--base-url`` and gongkai's own code. That context is one key for
the whole store; each entry is keyed by the file's path and content hash. A result from the
store is the value a fresh load would give, so the output is the same bytes.

The store is pickled, so it is signed with HMAC-SHA256 under a key kept outside the site (the
user's cache folder, readable by the user only): a store copied from another machine or a
repository (``.gongkai-cache`` is in the scaffold's ``.gitignore``, but a commit could add it), a
damaged one, one of another version or another context is ignored, and is never unpickled
unverified. Without a usable key nothing is cached: it only costs time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import pickle
import secrets
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .cache import CACHE_DIR, code_stamp
from .discover import CATALOGUE_FILE, SEARCH_FILE, SITE_FILE, SiteFiles
from .load import Loaded
from .output import write_atomic

STORE = "items"
# The store in parts by item path: a one-edit build rewrites the part holding the edit, not the
# whole store (100 MB at 10,000 items, a second to pickle and sign).
BUCKETS = 64
_OLD_STORE = "items.bin"  # one file, before the store was in parts: removed
Entries = dict[tuple[str, str], Loaded]


def key_file() -> Path:
    """Where the signing key lives: ``$GONGKAI_CACHE_KEY`` or the user's cache folder."""
    explicit = os.environ.get("GONGKAI_CACHE_KEY")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gongkai" / "store.key"


def _key(create: bool) -> bytes | None:
    path = key_file()
    try:
        key = path.read_bytes()
        return key if len(key) == 32 else None
    except FileNotFoundError:
        if not create:
            return None
    except OSError:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key
    except OSError:
        return None  # another run created it meanwhile, or the folder is read-only: no cache now


def context_key(content_dir: Path, files: SiteFiles, base_url: str | None, today: dt.date) -> str:
    """What every item's load depends on besides its own bytes."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{__version__}\n{code_stamp()}\n{today.isoformat()}\n{base_url}\n".encode())
    for name in (SITE_FILE, CATALOGUE_FILE, SEARCH_FILE):
        try:
            h.update(name.encode() + b"\0" + hashlib.blake2b((content_dir / name).read_bytes(), digest_size=16).digest())
        except OSError:
            h.update(name.encode() + b"\0missing")
    for group in (files.items, sorted(files.others), sorted(files.links), sorted(files.control), sorted(files.refused.items())):
        h.update(repr(tuple(group)).encode())
    return h.hexdigest()


def signed(body: bytes) -> bytes | None:
    """``body`` with its HMAC-SHA256 under this machine's key in front (None without a usable key)."""
    key = _key(create=True)
    return None if key is None else hmac.new(key, body, hashlib.sha256).digest() + body


def verified(data: bytes) -> bytes | None:
    """The body of ``data`` that ``signed`` wrote with this machine's key, or None when the
    signature is missing or wrong (another machine's file, a damaged one)."""
    key = _key(create=False)
    if key is None:
        return None
    signature, body = data[:32], data[32:]
    if len(signature) < 32 or not hmac.compare_digest(signature, hmac.new(key, body, hashlib.sha256).digest()):
        return None
    return body


def bucket_file(folder: Path, rel: str) -> Path:
    """The part of the store under ``folder`` that holds item file ``rel``."""
    return folder / f"{zlib.crc32(rel.encode('utf-8')) % BUCKETS:02x}.bin"


@dataclass(frozen=True)
class Stored:
    """The entries read from the store, and the keys each part held (by file name): a part whose
    keys are those it is to hold is not written again."""

    entries: Entries
    parts: dict[str, frozenset[tuple[str, str]]]


def read_store(site_dir: Path, context: str) -> Stored:
    """The entries stored for ``context``: of every part that is signed by this machine's key,
    undamaged and of this context (the others are ignored)."""
    entries: Entries = {}
    parts: dict[str, frozenset[tuple[str, str]]] = {}
    try:
        files = sorted((site_dir / CACHE_DIR / STORE).glob("*.bin"))
    except OSError:
        return Stored({}, {})
    for path in files:
        try:
            body = verified(path.read_bytes())
        except OSError:
            continue
        if body is None:
            continue
        try:
            stored_context, found = pickle.loads(body)  # signed by this machine's key: written by gongkai
        except Exception:  # a signed part gongkai cannot read (another Python): ignore it
            continue
        if stored_context != context or not isinstance(found, dict):
            continue
        entries.update(found)
        parts[path.name] = frozenset(found)
    return Stored(entries, parts)


def write_store(site_dir: Path, context: str, entries: Mapping[tuple[str, str], Loaded], stored: Stored | None = None) -> None:
    """Store the entries for the next run, writing only the parts whose entries differ from those
    ``stored`` read; failing to write is not an error."""
    folder = site_dir / CACHE_DIR / STORE
    groups: dict[str, dict[tuple[str, str], Loaded]] = {}
    for key, entry in entries.items():
        groups.setdefault(bucket_file(folder, key[0]).name, {})[key] = entry
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (site_dir / CACHE_DIR / _OLD_STORE).unlink(missing_ok=True)
        for path in folder.iterdir():
            if path.name not in groups:
                path.unlink()
        for name, group in sorted(groups.items()):
            if stored is not None and stored.parts.get(name) == frozenset(group):
                continue
            data = signed(pickle.dumps((context, group), protocol=pickle.HIGHEST_PROTOCOL))
            if data is None:
                return
            write_atomic(folder / name, data)
    except (OSError, pickle.PicklingError):
        pass
