"""``gongkai new``: copy the starter site shipped in ``generator/data/scaffold``."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path

from . import __version__
from .problems import UsageError

# The day the example's dates were written for: on it, the newest item is two days old. A new
# site gets every date of its content moved by the days since, so that it does not start with
# columns and a home page that look years stale (relations between dates stay as they were).
WRITTEN_FOR = dt.date(2026, 2, 22)
DOCS = "docs/内容格式说明.md"
_DATE = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")


def _moved(text: str, days: int) -> str:
    def move(match: re.Match[str]) -> str:
        try:
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return match[0]
        return (day + dt.timedelta(days=days)).isoformat()

    return _DATE.sub(move, text)


def content_format_doc() -> bytes:
    """The content format document (``docs/内容格式说明.md``): packaged in a wheel, from the
    repository in a development install."""
    packaged = resources.files("generator").joinpath(f"data/{DOCS}")
    if packaged.is_file():
        return packaged.read_bytes()
    return (Path(__file__).resolve().parent.parent / DOCS).read_bytes()


def _copy(name: str, directory: Path, days: int) -> list[Path]:
    """Copy the package's ``data/<name>/`` into ``directory``."""
    source = resources.files("generator").joinpath(f"data/{name}")
    created: list[Path] = []
    with resources.as_file(source) as root:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                rel = path.relative_to(root)
                # Dotfiles are shipped as dot-…: a package's hidden files are easy to lose.
                target = directory.joinpath(*("." + part[4:] if part.startswith("dot-") else part for part in rel.parts))
                target.parent.mkdir(parents=True, exist_ok=True)
                data = path.read_bytes()
                if rel.parts[0] == "content" and path.suffix in (".md", ".yml"):
                    data = _moved(data.decode("utf-8"), days).encode("utf-8")
                elif path.suffix in (".md", ".yml"):
                    # The CI files and README pin the version that made the site.
                    data = data.replace(b"{{gongkai_version}}", __version__.encode())
                target.write_bytes(data)
                created.append(target)
    return created


def _refuse_existing(directory: Path) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UsageError(f"{directory} 已存在且不是空文件夹。为免覆盖已有文件，请换一个新目录名。")


def scaffold_county(directory: Path) -> list[Path]:
    """Create a county platform folder: ``county.yml`` with two example members, a README for
    the county office, and CI workflows that build each member in a job of its own and assemble
    the platform from their builds."""
    _refuse_existing(directory)
    return _copy("county_scaffold", directory, 0)


def scaffold(directory: Path, today: dt.date | None = None) -> list[Path]:
    """Create a small site that builds as it is, its content dated as of ``today``; refuses a
    non-empty folder."""
    _refuse_existing(directory)
    days = ((today or dt.date.today()) - WRITTEN_FOR).days
    created = _copy("scaffold", directory, days)
    # The clerks' reference, where every message that names it points: docs/内容格式说明.md.
    doc = directory / DOCS
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_bytes(content_format_doc())
    return [*created, doc]
