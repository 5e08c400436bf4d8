"""Writing stage: a whole build goes into a fresh folder that replaces the old one only on success.

This is the one module that writes the output folder.  A failed build leaves the previous output
exactly as it was, and no file of an earlier build survives a successful one (a withdrawn item's
page must disappear).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from .problems import UsageError

MARKER = "catalogue.json"


def write_atomic(path: Path, data: bytes) -> None:
    """Replace one file whole: a crash leaves the old file or the new one, never half of it."""
    fd, tmp = tempfile.mkstemp(prefix=".gongkai-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def link_or_copy(source: Path, target: Path) -> None:
    """``source`` at ``target`` (folders made): a hard link where the file system allows (it costs
    no space or time, and keeps the bytes the file had even if ``source`` is replaced later), a copy
    elsewhere."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        # The target's folder is made only when missing: most calls link into a folder made by
        # the call before (30,000 of them in a one-edit build of 10,000 items).
        if not os.path.exists(source):
            raise
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
    except OSError:  # no hard links here (another file system, a host that forbids them)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def remove_leftovers(out_dir: Path) -> list[Path]:
    """Delete the staging folders of builds that were killed (their process is gone); returns them.

    A folder named by an earlier release carries no process id: it is removed too, since a build
    of that release cannot be running beside this one on the same output.
    """
    removed: list[Path] = []
    pattern = re.compile(rf"^\.{re.escape(out_dir.name)}\.(new|old)-(?:(\d+)-)?[A-Za-z0-9_]+$")
    try:
        names = os.listdir(out_dir.parent)
    except OSError:
        return removed
    for name in names:
        m = pattern.match(name)
        if m is None or (m.group(2) and _alive(int(m.group(2)))):
            continue
        path = out_dir.parent / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


class Staging:
    """A fresh folder beside ``out_dir``; ``commit()`` swaps it in, leaving the context without it deletes it.

    ``write`` may be called from forked workers: each call touches only its own file.
    """

    def __init__(self, out_dir: Path) -> None:
        ensure_replaceable(out_dir)
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.out_dir = out_dir
        self.root = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-{os.getpid()}-", dir=out_dir.parent))
        self.root.chmod(0o755)
        self.committed = False

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if not self.committed:
            shutil.rmtree(self.root, ignore_errors=True)

    def write(self, path: str, data: bytes) -> None:
        """Write one output file (site-relative path)."""
        target = os.path.join(self.root, path)
        try:
            handle = open(target, "wb")  # noqa: SIM115 - the common case needs no directory check
        except FileNotFoundError:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            handle = open(target, "wb")  # noqa: SIM115
        with handle:
            handle.write(data)

    def copy(self, source: Path, path: str) -> None:
        """Copy a file (an attachment or a theme asset) to a site-relative path."""
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)

    def link(self, source: Path, path: str) -> None:
        """Put an existing file (a page of the build being replaced) at a site-relative path."""
        link_or_copy(source, self.root / path)

    def commit(self) -> None:
        """Put the staged folder in place of ``out_dir`` with renames, then delete the old build."""
        out_dir = self.out_dir
        if not out_dir.exists():
            os.replace(self.root, out_dir)
            self.committed = True
            return
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-{os.getpid()}-", dir=out_dir.parent))
        os.rmdir(old)
        os.replace(out_dir, old)
        try:
            os.replace(self.root, out_dir)
        except BaseException:
            os.replace(old, out_dir)
            raise
        self.committed = True
        shutil.rmtree(old, ignore_errors=True)
