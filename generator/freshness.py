"""Whether a build has anything to do: the first step of every build.

A build whose items, settings, attachments, theme, commit, day and options are those of the last
build into the same folder, and whose folder still holds exactly what that build wrote, keeps it.
This module decides that from the files alone and imports none of the stages, so that
``gongkai build`` with nothing to do answers before jinja2, markdown-it and the pipeline load.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .cache import LastBuild, could_be_current, file_digest, fingerprint, load_last_build, still_current
from .discover import SiteFiles, discover_site, read_items
from .gitdates import head
from .model import Platform
from .output import ensure_replaceable, remove_leftovers
from .problems import ContentError
from .results import BuildResult, CheckResult, Progress, Stage, Timer
from .theme import default_theme_dir


@dataclass(frozen=True)
class Scan:
    """A site's files as a build found them, and whether its last output is still current."""

    site_dir: Path
    out: Path
    day: dt.date
    files: SiteFiles
    contents: Mapping[str, bytes]  # every item file's bytes, read once for the whole build
    read: tuple[str, ...]  # the settings and attachment files the fingerprint covers
    theme_dirs: tuple[Path, ...]
    extra: str  # the options, commit, day and folder the fingerprint covers
    last: LastBuild | None
    up_to_date: bool
    stages: tuple[Stage, ...]
    options: tuple[object, ...]  # the arguments of ``scan_site`` it was made with

    def made_for(self, site_dir: Path, out_dir: Path | None, base_url: str | None, search: bool, today: dt.date | None, platform: Platform | None) -> bool:
        """Whether this is the scan ``scan_site`` makes for these arguments (a build given another
        build's scan would judge its output by the wrong fingerprint)."""
        return self.options == _options(site_dir, out_dir, base_url, search, today or self.day, platform)

    def kept(self, strict: bool = False) -> BuildResult | None:
        """The last build's result when its output is current (None: there is work to do); with
        ``strict``, its warnings raise ``ContentError`` as a build's would."""
        if not self.up_to_date or self.last is None:
            return None
        if strict and self.last.problems:
            raise ContentError(self.last.problems)
        check = CheckResult(self.last.problems, None, (), self.stages)
        pages = sum(path.endswith(".html") for path in self.last.manifest)
        return BuildResult(check, self.out, pages, len(self.last.manifest), 0, self.stages, self.last.public_items, self.last.withheld_items, up_to_date=True)


def _options(site_dir: Path, out_dir: Path | None, base_url: str | None, search: bool, day: dt.date, platform: Platform | None) -> tuple[object, ...]:
    return (site_dir.resolve(), (out_dir if out_dir is not None else site_dir / "build").resolve(), base_url, search, day, platform)


def scan_site(
    site_dir: Path,
    out_dir: Path | None = None,
    base_url: str | None = None,
    progress: Progress | None = None,
    search: bool = True,
    today: dt.date | None = None,
    platform: Platform | None = None,
) -> Scan:
    """List and read a site's files for a build with these options (``build_site``'s), and compare
    them with the record of the last build. Clears what killed builds left in the output's parent;
    raises ``UsageError`` for a site without ``content/`` or an output that is not gongkai's."""
    out = out_dir if out_dir is not None else site_dir / "build"
    ensure_replaceable(out)
    remove_leftovers(out)  # staging folders of builds that were killed
    timer = Timer(progress)
    files = discover_site(site_dir, base_url)
    theme_dirs = (default_theme_dir(), site_dir / "themes", *([platform.theme_dir] if platform is not None and platform.theme_dir is not None else []))
    # A new commit may change a 最后更新 date even when no file changed; the day counts too:
    # scheduled items, ended periods and expired documents change with it.
    day = today or dt.date.today()
    extra = f"{base_url}\n{out.resolve()}\nsearch={search}\ncommit={head(site_dir)}\ntoday={day.isoformat()}\nplatform={platform!r}"
    last = load_last_build(site_dir)
    read = tuple(sorted(files.others | files.control))
    contents = read_items(site_dir, files)
    current = fingerprint(site_dir, [(rel, file_digest(data)) for rel, data in contents.items()], read, theme_dirs, extra) if could_be_current(last, out) else ""
    up_to_date = bool(current) and still_current(last, out, current)
    timer.done("扫描", len(files.items), "个条目文件（内容未变，输出已是最新）" if up_to_date else "个条目文件")
    return Scan(site_dir, out, day, files, contents, read, theme_dirs, extra, last, up_to_date, tuple(timer.stages), _options(site_dir, out, base_url, search, day, platform))
