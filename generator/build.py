"""The pipeline's runs: discover → load → assemble (publish gate) → check → render → write.

``check_site`` drives the pipeline object (``pipeline.Pipeline``) through the stages that find
problems; ``build_site`` adds rendering and writing.  Neither prints: progress goes to an optional
callback, problems come back as values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from .assemble import Site
from .cache import CACHE_DIR, LastBuild, fingerprint, save_last_build, scan_output
from .checks.placeholders import example_items, placeholder_fields
from .discover import SiteFiles, discover_site, read_items
from .exports import exports
from .extensions import NO_EXTENSIONS, Extensions
from .freshness import Scan, scan_site
from .gitdates import commit_dates
from .load_cache import context_key
from .model import Platform
from .output import Staging
from .pipeline import Pipeline, attachment_tables, attachment_texts, index_pages
from .problems import ContentError, site_path, sort_problems
from .render import render_site
from .render_cache import page_reuse, save_pages
from .results import BuildResult, CheckResult, Progress, Stage, Timer
from .stamp import site_identity, write_stamp
from .theme import load_theme

__all__ = ["BuildResult", "CheckResult", "Progress", "Stage", "build_site", "check_site", "index_pages", "unfinished"]


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
    timer = Timer(progress)
    if files is None:
        files = discover_site(site_dir, base_url)
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
    scanned: Scan | None = None,
) -> BuildResult:
    """Check, render and write a site as of ``today`` (scheduled items whose day has not come are
    withheld); raises ``ContentError`` (writing nothing) on content errors, or with ``strict`` on
    warnings too. The search bundle is ``extensions.index``'s: without it the stamp says the
    build has no search (and ``deploy`` refuses it). ``platform``: the county platform the site
    is a member of (its name and identity on every page, its theme first). ``scanned``: the
    ``freshness.scan_site`` of these same arguments, when the caller has made it (the command line
    does, to answer a build with nothing to do before importing the stages)."""
    index = extensions.index if search else None
    if scanned is None:
        scanned = scan_site(site_dir, out_dir, base_url, progress, index is not None, today, platform)
    elif not scanned.made_for(site_dir, out_dir, base_url, index is not None, today, platform):
        raise ValueError("build_site was given the scan of a build with other arguments")
    current = scanned.kept(strict)
    if current is not None:
        return current
    out, day, files, contents, read, theme_dirs, extra, last = scanned.out, scanned.day, scanned.files, scanned.contents, scanned.read, scanned.theme_dirs, scanned.extra, scanned.last
    previous = last.index_numbers if last else {}
    result = check_site(site_dir, base_url, progress, files, today=day, extensions=extensions, contents=contents, platform=platform, previous_index=previous)
    if not result.ok or result.site is None or (strict and result.problems):
        raise ContentError(result.problems)
    site = result.site
    timer = Timer(progress)
    theme = load_theme(site_dir, site.config.theme, platform.theme_dir if platform is not None else None)
    # What the pages depend on beyond the site: gongkai's code, the settings files, the theme,
    # the attachments' files, the commit, the day and the output folder.
    outside = context_key(site_dir / "content", files, base_url, day) + fingerprint(site_dir, [], read, theme_dirs, extra)
    with Staging(out) as staging:
        rendered = render_site(
            site, theme, staging.write, attachment_texts(site, result.texts), commit_dates(site_dir), attachment_tables(site, result.texts), outside, page_reuse(site_dir, out, last, staging), dict(result.digests)
        )
        pages = rendered.pages
        timer.done("生成", len(pages), f"个页面（{rendered.reused} 个未变，沿用上次）" if rendered.reused else "个页面")
        exported = exports(site, pages, extensions)
        for output in exported:
            staging.write(output.path, output.data)
        for copy in site.files:
            staging.copy(site_dir / "content" / copy.source, copy.target)
        static = theme.static_files()
        for rel, source in static.items():
            staging.copy(source, f"assets/{rel}")
        # Timed on its own: the catalogue exports and the search lookups are made from every item.
        timer.done("导出", len(exported) + len(site.files) + len(static), "个文件（目录数据、附件、主题文件）")
        if index is not None and site.items:
            report = index(staging.root, index_pages(site), cache=site_dir / CACHE_DIR / "search")
            kept = "" if report.rebuilt == report.shards and report.indexed == report.pages else f"，{report.rebuilt} 个重建（{report.indexed} 个页面重新收录），其余沿用上次"
            timer.done("索引", report.pages, f"个页面（{report.words} 个词；{report.shards} 个分片{kept}）")
        warnings = sum(1 for p in result.problems if p.level.name == "WARNING")
        # One scan serves the stamp and the record (a rename keeps sizes and times).
        manifest = write_stamp(
            staging.root,
            scan_output(staging.root),
            index is not None or not site.items,
            warnings,
            len(site.items),
            site_identity(site.config.org_code, site.config.name),
            unfinished(site),
            (out, last.manifest) if last is not None and last.out_dir == str(out.resolve()) else None,
        )
        staging.commit()
    public, withheld = len(site.items), len(result.items) - len(site.items)
    # The record describes the bytes this build loaded, whatever an earlier read of the files saw.
    built = fingerprint(site_dir, result.digests, read, theme_dirs, extra)
    numbers = {e.key: e.item.index_no for e in site.items if e.item.index_no}
    save_last_build(site_dir, LastBuild(built, str(out.resolve()), manifest, result.problems, public, withheld, numbers))
    save_pages(site_dir, built, rendered.inputs)
    timer.done("写出", len(manifest), "个文件")
    stages = scanned.stages + result.stages + tuple(timer.stages)
    written = sum(size for size, _ in manifest.values())
    return BuildResult(result, out, len(pages), len(manifest), written, stages, public, withheld)
