"""Loaded items kept between runs, by content: ``<site>/.gongkai-cache/items.bin``.

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
from collections.abc import Mapping
from pathlib import Path

from . import __version__
from .cache import CACHE_DIR, code_stamp
from .discover import CATALOGUE_FILE, SEARCH_FILE, SITE_FILE, SiteFiles
from .load import Loaded
from .output import write_atomic

STORE = "items.bin"
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


def read_store(site_dir: Path, context: str) -> Entries:
    """The entries stored for ``context``, or none when the store is missing, unsigned by this
    machine's key, damaged, or of another context."""
    try:
        body = verified((site_dir / CACHE_DIR / STORE).read_bytes())
    except OSError:
        return {}
    if body is None:
        return {}
    try:
        stored_context, entries = pickle.loads(body)  # signed by this machine's key: written by gongkai
    except Exception:  # a signed store gongkai cannot read (another Python): ignore it
        return {}
    if stored_context != context or not isinstance(entries, dict):
        return {}
    return entries


def write_store(site_dir: Path, context: str, entries: Mapping[tuple[str, str], Loaded]) -> None:
    """Store the entries for the next run; failing to write is not an error."""
    try:
        data = signed(pickle.dumps((context, dict(entries)), protocol=pickle.HIGHEST_PROTOCOL))
        if data is None:
            return
        folder = site_dir / CACHE_DIR
        folder.mkdir(exist_ok=True)
        write_atomic(folder / STORE, data)
    except (OSError, pickle.PicklingError):
        pass
