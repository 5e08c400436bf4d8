"""The build stamp: ``build/.gongkai-build.json`` says that a build finished, passed its checks and
has its search index, names the site that made it, and lists every file with its size and SHA-256,
so that ``gongkai deploy`` can refuse a build that failed, was made without search, belongs to
another site, or was changed (even by a same-size edit) or copied incompletely afterwards.

It holds counts and the site's own output paths only: nothing of a withheld item.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .cache import scan_inodes, scan_output

STAMP = ".gongkai-build.json"
# A path a build may publish: relative, POSIX, no empty, "." or ".." part, no backslash or control.
_UNSAFE_CHAR = re.compile(r"[\x00-\x1f\x7f\\]")


def safe_path(path: str) -> bool:
    """True when ``path`` stays inside the folder it is joined to, on every kind of host."""
    if not path or path.startswith("/") or _UNSAFE_CHAR.search(path):
        return False
    return all(part not in ("", ".", "..") for part in path.split("/")) and posixpath.normpath(path) == path


def file_hash(data: bytes) -> str:
    """The content hash deploy compares: SHA-256, hex."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Stamp:
    """What a build says about itself: ``files`` maps each path to (size, SHA-256); ``site`` is
    the identity of the site that built it (``org_code|name``)."""

    version: str
    search: bool
    errors: int
    warnings: int
    public_items: int
    files: dict[str, tuple[int, str]]
    site: str = ""
    # What still is gongkai new's example (placeholder identity fields, example items), in Chinese.
    unfinished: tuple[str, ...] = ()


def site_identity(org_code: str, name: str) -> str:
    """How a host's manifest names the site that published there."""
    return f"{org_code}|{name}"


def same_site(a: str, b: str) -> bool:
    """Whether two identities name one organisation: by 统一社会信用代码 when both have one (a
    renamed township is still itself), else by name."""
    code_a, _, name_a = a.partition("|")
    code_b, _, name_b = b.partition("|")
    return code_a == code_b if code_a and code_b else name_a == name_b


def _known_hashes(root: Path, scanned: Mapping[str, tuple[int, int]], earlier: Path, record: Mapping[str, tuple[int, int]]) -> dict[str, str]:
    """The hashes the stamp of ``earlier`` (the build ``root`` replaces) vouches for in ``root``: a
    file of ``root`` that is the very file (inode) the earlier build wrote, unchanged since by the
    size and time that build recorded (``record``: ``LastBuild.manifest``), as the earlier stamp
    also is."""
    try:
        stamp_stat = os.stat(earlier / STAMP)
    except OSError:
        return {}
    if record.get(STAMP) != (stamp_stat.st_size, stamp_stat.st_mtime_ns):
        return {}
    stamp = read_stamp(earlier)
    if stamp is None:
        return {}
    try:
        if os.stat(root).st_dev != os.stat(earlier).st_dev:
            return {}
    except OSError:
        return {}
    # Inodes as the folders list them: two stats of each of 30,000 files took 0.15 s.
    now, then = scan_inodes(root), scan_inodes(earlier)
    known: dict[str, str] = {}
    for path, (size, mtime) in scanned.items():
        before = stamp.files.get(path)
        if before is None or before[0] != size or record.get(path) != (size, mtime):
            continue
        if path in now and now[path] == then.get(path):
            known[path] = before[1]
    return known


def write_stamp(
    root: Path,
    scanned: dict[str, tuple[int, int]],
    search: bool,
    warnings: int,
    public_items: int,
    site: str,
    unfinished: tuple[str, ...] = (),
    earlier: tuple[Path, Mapping[str, tuple[int, int]]] | None = None,
) -> dict[str, tuple[int, int]]:
    """Stamp a finished build folder (the last file a build writes), from ``scanned`` (its files,
    as ``cache.scan_output`` reads them); returns them with the stamp added. ``earlier``: the
    folder this build replaces and the record of the build that wrote it, whose hashes are taken
    for the files this build linked from there unchanged (hashing 200 MB again took 1.5 s of a
    one-edit build of 10,000 items)."""
    known = _known_hashes(root, scanned, *earlier) if earlier is not None else {}
    files = {path: [size, known.get(path) or file_hash((root / path).read_bytes())] for path, (size, _mtime) in sorted(scanned.items()) if path != STAMP}
    data = {
        "generator": "gongkai",
        "version": __version__,
        "site": site,
        "search": search,
        "errors": 0,
        "warnings": warnings,
        "public_items": public_items,
        "unfinished": list(unfinished),
        "files": files,
    }
    stamp = root / STAMP
    # No indent: json's C encoder writes the 30,000 files of a large site in a tenth of the time.
    stamp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    st = stamp.stat()
    return {**scanned, STAMP: (st.st_size, st.st_mtime_ns)}


def read_stamp(root: Path) -> Stamp | None:
    """The stamp of a build folder, or None when it has none, is unreadable or lists a path that
    would leave the folder."""
    try:
        data = json.loads((root / STAMP).read_text(encoding="utf-8"))
        files = {str(k): (int(v[0]), str(v[1])) for k, v in data["files"].items()}
        # "unfinished" is required: a stamp that does not say whether the site is still the
        # example is not trusted (fail closed: a rebuild writes it).
        unfinished = tuple(str(u) for u in data["unfinished"])
        stamp = Stamp(str(data["version"]), bool(data["search"]), int(data["errors"]), int(data["warnings"]), int(data["public_items"]), files, str(data.get("site", "")), unfinished)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None
    return stamp if all(safe_path(p) for p in stamp.files) else None


def differences(root: Path, stamp: Stamp) -> list[str]:
    """Files missing, added or changed (by content, not only size) since the build was stamped."""
    now = {path: size for path, (size, _mtime) in scan_output(root).items() if path != STAMP}
    missing = [f"缺少 {p}" for p in stamp.files if p not in now]
    extra = [f"多出 {p}" for p in now if p not in stamp.files]
    changed = [
        f"{p} 内容不同"
        for p, (size, digest) in stamp.files.items()
        if p in now and (now[p] != size or file_hash((root / p).read_bytes()) != digest)
    ]
    return missing + extra + changed
