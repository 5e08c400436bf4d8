"""最后更新: the date of the last commit that changed each item file's text, when the site is a git checkout.

Only commit dates are read (``%cs``): author names and e-mails are personal data and never leave git.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path


def _git(content_dir: Path, *args: str) -> str | None:
    if shutil.which("git") is None:
        return None
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", "-C", str(content_dir), *args],
            capture_output=True, text=True, encoding="utf-8", errors="replace", check=False, timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def head(site_dir: Path) -> str:
    """The checked-out commit, or "" outside git (part of a build's fingerprint)."""
    content = site_dir / "content"
    return (_git(content, "rev-parse", "HEAD") or "").strip() if content.is_dir() else ""


def commit_dates(site_dir: Path) -> dict[str, dt.date]:
    """Each file under ``content/`` (relative to it) with the date of the last commit that changed
    its text after it was added.  Adding the file, or a commit that only moved or renamed it, does
    not count: the document was not altered, and 最后更新 must not say it was."""
    content = site_dir / "content"
    log = _git(content, "log", "-M", "--format=%x00%cs", "--name-status", "--relative", "--", ".") if content.is_dir() else None
    dates: dict[str, dt.date] = {}
    # Older names of files renamed unchanged (old path → current path), read newest first.
    renamed: dict[str, str] = {}
    day: dt.date | None = None
    for line in (log or "").splitlines():
        if line.startswith("\x00"):
            try:
                day = dt.date.fromisoformat(line[1:].strip())
            except ValueError:
                day = None
            continue
        parts = line.split("\t")
        if day is None or len(parts) < 2:
            continue
        status, path = parts[0], parts[-1]
        current = renamed.get(path, path)
        if status == "R100" and len(parts) == 3:
            renamed[parts[1]] = current
            continue
        if status.startswith("R") and len(parts) == 3:
            renamed[parts[1]] = current
        if status.startswith(("M", "R")):
            dates.setdefault(current, day)  # the log is newest first; adding a file changes nothing
    return dates
