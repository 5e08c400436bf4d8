"""The build stamp: ``build/.gongkai-build.json`` says that a build finished, passed its checks and
has its search index, and lists every file with its size, so that ``gongkai deploy`` can refuse a
build that failed, was made without search, or was changed or copied incompletely afterwards.

It holds counts and the site's own output paths only: nothing of a withheld item.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .cache import scan_output

STAMP = ".gongkai-build.json"


@dataclass(frozen=True)
class Stamp:
    """What a build says about itself."""

    version: str
    search: bool
    errors: int
    warnings: int
    public_items: int
    files: dict[str, int]


def _sizes(scanned: dict[str, tuple[int, int]]) -> dict[str, int]:
    return {path: size for path, (size, _mtime) in sorted(scanned.items()) if path != STAMP}


def write_stamp(root: Path, scanned: dict[str, tuple[int, int]], search: bool, warnings: int, public_items: int) -> dict[str, tuple[int, int]]:
    """Stamp a finished build folder (the last file a build writes), from ``scanned`` (its files,
    as ``cache.scan_output`` reads them); returns them with the stamp added."""
    data = {
        "generator": "gongkai",
        "version": __version__,
        "search": search,
        "errors": 0,
        "warnings": warnings,
        "public_items": public_items,
        "files": _sizes(scanned),
    }
    stamp = root / STAMP
    stamp.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    st = stamp.stat()
    return {**scanned, STAMP: (st.st_size, st.st_mtime_ns)}


def read_stamp(root: Path) -> Stamp | None:
    """The stamp of a build folder, or None when it has none or it is unreadable."""
    try:
        data = json.loads((root / STAMP).read_text(encoding="utf-8"))
        return Stamp(str(data["version"]), bool(data["search"]), int(data["errors"]), int(data["warnings"]), int(data["public_items"]), {str(k): int(v) for k, v in data["files"].items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def differences(root: Path, stamp: Stamp) -> list[str]:
    """Files missing, added or changed in size since the build was stamped."""
    now = _sizes(scan_output(root))
    missing = [f"缺少 {p}" for p in stamp.files if p not in now]
    extra = [f"多出 {p}" for p in now if p not in stamp.files]
    changed = [f"{p} 大小不同" for p, size in stamp.files.items() if p in now and now[p] != size]
    return missing + extra + changed
