"""Writing stage: a whole build goes into a fresh folder that replaces the old one only on success.

This is the one module that writes the output folder.  A failed build leaves the previous output
exactly as it was, and no file of an earlier build survives a successful one (a withdrawn item's
page must disappear).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .assemble import FileCopy
from .problems import UsageError
from .render import Output

MARKER = "catalogue.json"


def ensure_replaceable(out_dir: Path) -> None:
    """Refuse to replace a folder that is not an earlier gongkai build (it may hold other work)."""
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise UsageError(f"输出位置 {out_dir} 是一个文件，不是文件夹。请换一个输出目录（--out）。")
    if any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        raise UsageError(
            f"输出目录 {out_dir} 不是空的，也不像 gongkai 以前生成的网站（没有 {MARKER}）。"
            "为免删除其他文件，已停止。请换一个输出目录（--out），或先清空它。"
        )


def write_tree(
    out_dir: Path,
    outputs: Iterable[Output],
    copies: Iterable[FileCopy],
    content_dir: Path,
    static: dict[str, Path],
) -> int:
    """Write everything into a new folder beside ``out_dir``, then swap it in; returns bytes written."""
    ensure_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    written = 0
    try:
        made: set[Path] = {fresh}
        for output in outputs:
            target = fresh / output.path
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(output.data)
            written += len(output.data)
        for copy in copies:
            target = fresh / copy.target
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(content_dir / copy.source, target)
            written += copy.size
        for rel, source in static.items():
            target = fresh / "assets" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written += source.stat().st_size
        fresh.chmod(0o755)
        _swap(fresh, out_dir)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return written


def _swap(fresh: Path, out_dir: Path) -> None:
    """Put ``fresh`` in place of ``out_dir`` with renames, then delete the old build."""
    if not out_dir.exists():
        os.replace(fresh, out_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    os.rmdir(old)
    os.replace(out_dir, old)
    try:
        os.replace(fresh, out_dir)
    except BaseException:
        os.replace(old, out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)
