"""The pipeline's runs: discover → load → assemble (publish gate) → check → render → write.

``check_site`` drives the pipeline object (``pipeline.Pipeline``) through the stages that find
problems; ``build_site`` adds rendering and writing.  Neither prints: progress goes to an optional
callback, problems come back as values.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .assemble import Site
from .cache import CACHE_DIR, LastBuild, could_be_current, fingerprint, load_last_build, save_last_build, scan_output, still_current
from .checks.placeholders import example_items, placeholder_fields
from .discover import SiteFiles, discover
from .exports import exports
from .extensions import NO_EXTENSIONS, Extensions
from .extract import Extracted
from .gitdates import commit_dates, head
from .load import file_digest
from .load_cache import context_key
from .model import Item, Platform
from .output import Staging, ensure_replaceable, remove_leftovers
from .pipeline import Pipeline, attachment_tables, attachment_texts, index_pages, read_items
from .problems import ContentError, Problem, UsageError, has_errors, site_path, sort_problems
from .render import render_site
from .render_cache import page_reuse, save_pages
from .stamp import site_identity, write_stamp
from .theme import default_theme_dir, load_theme


@dataclass(frozen=True)
class Stage:
    """What one stage did: a name, a count and the seconds it took."""

    name: str
    count: int
    unit: str
    seconds: float


Progress = Callable[[Stage], None]


@dataclass(frozen=True)
class CheckResult:
    """Every problem of a site, and the public site when there were no errors."""

    problems: tuple[Problem, ...]
    site: Site | None
    items: tuple[Item, ...]
    stages: tuple[Stage, ...]
    digests: tuple[tuple[str, str], ...] = ()
    texts: tuple[Extracted, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing blocks a build."""
        return not has_errors(self.problems)


@dataclass(frozen=True)
class BuildResult:
    """What a successful build wrote (``up_to_date``: nothing changed, the output was kept)."""

    check: CheckResult
    out_dir: Path
    pages: int
    files: int
    bytes_written: int
    stages: tuple[Stage, ...]
    public_items: int
    withheld_items: int
    up_to_date: bool = False


class _Timer:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.stages: list[Stage] = []
        self.start = time.perf_counter()

    def done(self, name: str, count: int, unit: str) -> None:
        now = time.perf_counter()
        stage = Stage(name, count, unit, now - self.start)
        self.start = now
        self.stages.append(stage)
        if self.progress is not None:
            self.progress(stage)


def _discover(site_dir: Path, base_url: str | None) -> SiteFiles:
    content_dir = site_dir / "content"
    if not content_dir.is_dir():
        raise UsageError(f"{site_dir} 下没有 content 文件夹。请在站点目录中运行，或写明站点目录：gongkai build 站点目录。")
    if base_url is not None and not re.match(r"^https?://[^\s/]+(/\S*)?$", base_url):
        raise UsageError(f"--base-url“{base_url}”应以 http:// 或 https:// 开头。")
    return discover(content_dir)


def unfinished(site: Site) -> tuple[str, ...]:
    """What of gongkai new's example the site still holds, as the build stamp records it for deploy."""
    fields = placeholder_fields(site.config)
    items = example_items(e.item for e in site.items)
    return tuple(([f"_site.yml 的 {'、'.join(fields)} 还是示例"] if fields else []) + ([f"{len(items)} 个示例条目（{'、'.join(site_path(i) for i in items)}）"] if items else []))


def check_site(
    site_dir: Path,
    base_url: str | None = None,
    progress: Progress | None = None,
    files: SiteFiles | None = None,
    today: dt.date | None = None,
    extensions: Extensions = NO_EXTENSIONS,
    contents: Mapping[str, bytes] | None = None,
    platform: Platform | None = None,
    previous_index: Mapping[str, str] | None = None,
) -> CheckResult:
    """Load, assemble and inspect a whole site, collecting every problem; writes nothing.

    ``today`` is the day the date rules (stale columns, future dates …) are judged on;
    ``extensions`` are the features' parts (``generator.features``); ``platform`` the county
    platform the site is built as a member of; ``previous_index`` the last build's 索引号 when the
    caller has read it.
    """
    timer = _Timer(progress)
    if files is None:
        files = _discover(site_dir, base_url)
        timer.done("扫描", len(files.items), "个条目文件")
    pipeline = Pipeline(site_dir, base_url, extensions, platform=platform, previous_index=previous_index)
    pipeline.files = files
    if pipeline.read_settings(today) is None:
        return CheckResult(sort_problems(pipeline.setting_problems), None, (), tuple(timer.stages))
    parsed = pipeline.load(contents if contents is not None else read_items(site_dir, files))
    items = pipeline.items()
    timer.done("读取", len(items), "个条目" if parsed == len(files.items) else f"个条目（{parsed} 个有变化，其余同上次）")
    site = pipeline.assemble()
    texts = pipeline.extracts(site)
    pipeline.read_annual()
    pipeline.check(texts)
    problems = pipeline.collect()
    timer.done("检查", len(site.items), "个公开条目")
    digests = tuple((rel, entry.digest) for rel, entry in pipeline.loaded.items())
    return CheckResult(problems, site, items, tuple(timer.stages), digests, texts)


def build_site(
    site_dir: Path,
    out_dir: Path | None = None,
    base_url: str | None = None,
    progress: Progress | None = None,
    strict: bool = False,
    search: bool = True,
    today: dt.date | None = None,
    extensions: Extensions = NO_EXTENSIONS,
    platform: Platform | None = None,
) -> BuildResult:
    """Check, render and write a site as of ``today`` (scheduled items whose day has not come are
    withheld); raises ``ContentError`` (writing nothing) on content errors, or with ``strict`` on
    warnings too. The search bundle is ``extensions.index``'s: without it the stamp says the
    build has no search (and ``deploy`` refuses it). ``platform``: the county platform the site
    is a member of (its name and identity on every page, its theme first)."""
    index = extensions.index if search else None
    out = out_dir if out_dir is not None else site_dir / "build"
    ensure_replaceable(out)
    remove_leftovers(out)  # staging folders of builds that were killed
    scan = _Timer(progress)
    files = _discover(site_dir, base_url)
    theme_dirs = [default_theme_dir(), site_dir / "themes", *([platform.theme_dir] if platform is not None and platform.theme_dir is not None else [])]
    # A new commit may change a 最后更新 date even when no file changed.
    day = today or dt.date.today()
    # The day counts: scheduled items, ended periods and expired documents change with it.
    extra = f"{base_url}\n{out.resolve()}\nsearch={index is not None}\ncommit={head(site_dir)}\ntoday={day.isoformat()}\nplatform={platform!r}"
    last = load_last_build(site_dir)
    read = sorted(files.others | files.control)
    contents = read_items(site_dir, files)  # read once: for the record here, for loading below
    current = fingerprint(site_dir, [(rel, file_digest(data)) for rel, data in contents.items()], read, theme_dirs, extra) if could_be_current(last, out) else ""
    if current and still_current(last, out, current):
        assert last is not None
        if strict and last.problems:
            raise ContentError(last.problems)
        scan.done("扫描", len(files.items), "个条目文件（内容未变，输出已是最新）")
        check = CheckResult(last.problems, None, (), tuple(scan.stages))
        page_count = sum(path.endswith(".html") for path in last.manifest)
        return BuildResult(check, out, page_count, len(last.manifest), 0, check.stages, last.public_items, last.withheld_items, up_to_date=True)
    scan.done("扫描", len(files.items), "个条目文件")
    previous = last.index_numbers if last else {}
    result = check_site(site_dir, base_url, progress, files, today=day, extensions=extensions, contents=contents, platform=platform, previous_index=previous)
    if not result.ok or result.site is None or (strict and result.problems):
        raise ContentError(result.problems)
    site = result.site
    timer = _Timer(progress)
    theme = load_theme(site_dir, site.config.theme, platform.theme_dir if platform is not None else None)
    # What the pages depend on beyond the site: gongkai's code, the settings files, the theme,
    # the attachments' files, the commit, the day and the output folder.
    outside = context_key(site_dir / "content", files, base_url, day) + fingerprint(site_dir, [], read, theme_dirs, extra)
    with Staging(out) as staging:
        rendered = render_site(
            site, theme, staging.write, attachment_texts(site, result.texts), commit_dates(site_dir), attachment_tables(site, result.texts), outside, page_reuse(site_dir, out, last, staging)
        )
        pages = rendered.pages
        timer.done("生成", len(pages), f"个页面（{rendered.reused} 个未变，沿用上次）" if rendered.reused else "个页面")
        for output in exports(site, pages, extensions):
            staging.write(output.path, output.data)
        for copy in site.files:
            staging.copy(site_dir / "content" / copy.source, copy.target)
        for rel, source in theme.static_files().items():
            staging.copy(source, f"assets/{rel}")
        if index is not None and site.items:
            report = index(staging.root, index_pages(site), cache=site_dir / CACHE_DIR / "search")
            kept = "" if report.rebuilt == report.shards else f"，{report.rebuilt} 个重建，其余沿用上次"
            timer.done("索引", report.pages, f"个页面（{report.words} 个词；{report.shards} 个分片{kept}）")
        warnings = sum(1 for p in result.problems if p.level.name == "WARNING")
        # One scan serves the stamp and the record (a rename keeps sizes and times).
        manifest = write_stamp(
            staging.root, scan_output(staging.root), index is not None or not site.items, warnings, len(site.items), site_identity(site.config.org_code, site.config.name), unfinished(site)
        )
        staging.commit()
    public, withheld = len(site.items), len(result.items) - len(site.items)
    # The record describes the bytes this build loaded, whatever an earlier read of the files saw.
    built = fingerprint(site_dir, result.digests, read, theme_dirs, extra)
    numbers = {e.key: e.item.index_no for e in site.items if e.item.index_no}
    save_last_build(site_dir, LastBuild(built, str(out.resolve()), manifest, result.problems, public, withheld, numbers))
    save_pages(site_dir, built, rendered.inputs)
    timer.done("写出", len(manifest), "个文件")
    stages = tuple(scan.stages) + result.stages + tuple(timer.stages)
    written = sum(size for size, _ in manifest.values())
    return BuildResult(result, out, len(pages), len(manifest), written, stages, public, withheld)
