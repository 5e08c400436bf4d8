"""The pipeline: discover → load → assemble (publish gate) → render → write.

``check_site`` runs the stages that find problems; ``build_site`` adds rendering and writing.
Neither prints: progress goes to an optional callback, problems come back as values.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .assemble import Site, assemble
from .discover import discover
from .exports import exports
from .load import load_item, load_settings
from .model import Item
from .output import ensure_replaceable, write_tree
from .problems import ContentError, Problem, UsageError, error, has_errors, sort_problems
from .render import render_site
from .theme import load_theme


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

    @property
    def ok(self) -> bool:
        """True when nothing blocks a build."""
        return not has_errors(self.problems)


@dataclass(frozen=True)
class BuildResult:
    """What a successful build wrote."""

    check: CheckResult
    out_dir: Path
    pages: int
    files: int
    bytes_written: int
    stages: tuple[Stage, ...]


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


def check_site(site_dir: Path, base_url: str | None = None, progress: Progress | None = None) -> CheckResult:
    """Load and assemble a whole site, collecting every problem; writes nothing."""
    timer = _Timer(progress)
    content_dir = site_dir / "content"
    if not content_dir.is_dir():
        raise UsageError(f"{site_dir} 下没有 content 文件夹。请在站点目录中运行，或写明站点目录：gongkai build 站点目录。")
    files = discover(content_dir)
    timer.done("扫描", len(files.items), "个条目文件")
    settings, problems = load_settings(content_dir)
    if settings is None:
        return CheckResult(sort_problems(problems), None, (), tuple(timer.stages))
    if base_url is not None:
        if not re.match(r"^https?://[^\s/]+(/\S*)?$", base_url):
            raise UsageError(f"--base-url“{base_url}”应以 http:// 或 https:// 开头。")
        config = dataclasses.replace(settings.config, base_url=base_url if base_url.endswith("/") else base_url + "/")
        settings = dataclasses.replace(settings, config=config)
    items: list[Item] = []
    for rel in files.items:
        item, item_problems = load_item(content_dir, rel, settings, files)
        problems += item_problems
        if item is not None:
            items.append(item)
    for rel in sorted(files.links):
        if rel.lower().endswith(".md"):
            problems.append(error(rel, 0, "", "条目文件是符号链接，出于安全不予读取。请放入真实文件。"))
    timer.done("读取", len(items), "个条目")
    site, assemble_problems = assemble(settings, tuple(items), files)
    problems += assemble_problems
    timer.done("检查", len(site.items), "个公开条目")
    return CheckResult(sort_problems(problems), site, tuple(items), tuple(timer.stages))


def build_site(
    site_dir: Path,
    out_dir: Path | None = None,
    base_url: str | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Check, render and write a site; raises ``ContentError`` (writing nothing) on content errors."""
    out = out_dir if out_dir is not None else site_dir / "build"
    ensure_replaceable(out)
    result = check_site(site_dir, base_url, progress)
    if not result.ok or result.site is None:
        raise ContentError(result.problems)
    site = result.site
    timer = _Timer(progress)
    theme = load_theme(site_dir, site.config.theme)
    pages = render_site(site, theme)
    outputs = pages + exports(site, [p.path for p in pages])
    timer.done("生成", len(pages), "个页面")
    static = theme.static_files()
    written = write_tree(out, outputs, site.files, site_dir / "content", static)
    timer.done("写出", len(outputs) + len(site.files) + len(static), "个文件")
    return BuildResult(
        check=result,
        out_dir=out,
        pages=len(pages),
        files=len(outputs) + len(site.files) + len(static),
        bytes_written=written,
        stages=result.stages + tuple(timer.stages),
    )
