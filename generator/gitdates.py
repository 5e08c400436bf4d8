"""最后更新: the date of the last commit that touched each item file, when the site is a git checkout.

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
    """Each file under ``content/`` (relative to it) with the date of the last commit that changed it."""
    content = site_dir / "content"
    log = _git(content, "log", "--format=%x00%cs", "--name-only", "--relative", "--", ".") if content.is_dir() else None
    dates: dict[str, dt.date] = {}
    day: dt.date | None = None
    for line in (log or "").splitlines():
        if line.startswith("\x00"):
            try:
                day = dt.date.fromisoformat(line[1:].strip())
            except ValueError:
                day = None
        elif line and day is not None:
            dates.setdefault(line, day)  # the log is newest first
    return dates
