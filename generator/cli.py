"""The ``gongkai`` command: a thin layer that calls the library, prints and sets the exit status."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from . import __version__
from .cli_text import ChineseCommand, ChineseGroup
from .freshness import Scan, scan_site
from .model import Platform
from .problems import ContentError, Level, Problem, UsageError, printable, site_path
from .results import BuildResult, Stage
from .scaffold import scaffold, scaffold_county

if TYPE_CHECKING:
    from .county.platform import CountyResult, MemberResult

# Each command imports the features it drives when it runs: `gongkai build` with nothing to do,
# `new` and `--help` answer without loading the pipeline, jinja2 and markdown-it first.

app = typer.Typer(
    name="gongkai",
    cls=ChineseGroup,
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="gongkai：把乡镇、街道、县级部门的 Markdown 文件生成标准的政府信息公开目录网站。",
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(str, enum.Enum):
    """Output formats of ``check``."""

    text = "text"
    json = "json"


class _Out:
    """Verbosity-aware printing: -q prints only problems and failures, -v adds detail."""

    def __init__(self, quiet: bool, verbose: bool) -> None:
        self.quiet = quiet
        self.verbose = verbose

    def info(self, message: str) -> None:
        if not self.quiet:
            typer.echo(message)

    def detail(self, message: str) -> None:
        if self.verbose and not self.quiet:
            typer.echo(message)

    def stage(self, stage: Stage) -> None:
        self.info(f"  {stage.name}  {stage.count:>6} {stage.unit}  {stage.seconds:6.2f} 秒")

    def problems(self, problems: tuple[Problem, ...], strict_quiet: bool = False) -> None:
        for problem in problems:
            if self.quiet and problem.level is Level.WARNING and not strict_quiet:
                continue
            typer.echo(problem.format(), err=True)
        errors = sum(p.level is Level.ERROR for p in problems)
        warnings = len(problems) - errors
        if errors:
            typer.echo(f"共 {errors} 个错误、{warnings} 个警告。请按提示修改后重试。", err=True)
        elif warnings:
            self.info(f"共 {warnings} 个警告（不影响生成）。")


SiteArg = Annotated[Path, typer.Argument(help="站点目录（含 content/），默认当前目录。", metavar="站点目录", show_default=False)]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="只显示问题。")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="显示更多过程信息。")]
Today = Annotated[Optional[str], typer.Option("--today", metavar="日期", help="按哪一天判断日期规则（YYYY-MM-DD），默认今天。")]


def _usage(exc: UsageError) -> typer.Exit:
    typer.echo(f"错误：{printable(str(exc))}", err=True)
    return typer.Exit(2)


@app.command(cls=ChineseCommand)
def new(
    directory: Annotated[Path, typer.Argument(help="要创建的站点目录。", metavar="目录")],
    county: Annotated[bool, typer.Option("--county", help="创建县级平台的文件夹（county.yml、说明和每个单位一个任务的 CI 配置），而不是一个站点。")] = False,
    quiet: Quiet = False,
) -> None:
    """创建一个可以直接生成的示例站点（含给工作人员的说明）；加 --county 创建县级平台的文件夹。"""
    try:
        created = scaffold_county(directory) if county else scaffold(directory)
    except UsageError as exc:
        raise _usage(exc) from None
    if not quiet:
        if county:
            typer.echo(f"已创建县级平台 {directory}（{len(created)} 个文件）。")
            typer.echo(f"下一步：改写 {directory}/county.yml 的成员名单，把各成员的网站放到其中写明的位置，再运行 gongkai county build {directory}")
        else:
            typer.echo(f"已创建站点 {directory}（{len(created)} 个文件）。")
            typer.echo(f"下一步：cd {directory} && gongkai build")


def _today(value: Optional[str]) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"日期“{value}”应写成 YYYY-MM-DD，如 2026-01-31。") from None


def _family_counts(problems: tuple[Problem, ...]) -> dict[str, dict[str, object]]:
    from .checks import FAMILIES

    return {
        family: {
            "label": label,
            "errors": sum(p.family == family and p.level is Level.ERROR for p in problems),
            "warnings": sum(p.family == family and p.level is Level.WARNING for p in problems),
        }
        for family, label in FAMILIES.items()
    }


Strict = Annotated[bool, typer.Option("--strict", help="把警告也当作错误。")]


@app.command(cls=ChineseCommand)
def check(
    site: SiteArg = Path("."),
    format: Annotated[Format, typer.Option("--format", help="输出格式：text 或 json。")] = Format.text,
    today: Today = None,
    strict: Strict = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """检查站点内容：格式、个人信息、链接、解读、栏目、元数据、文字规范（不生成网站）。"""
    from .checks.summary import inspection_summary
    from .features import check_site

    out = _Out(quiet or format is Format.json, verbose)
    day = _today(today)
    try:
        result = check_site(site, progress=out.stage, today=day)
    except UsageError as exc:
        raise _usage(exc) from None
    problems = tuple(dataclasses.replace(p, level=Level.ERROR) for p in result.problems) if strict else result.problems
    failed = any(p.level is Level.ERROR for p in problems)
    if format is Format.json:
        data = {
            "schema": "gongkai-check/1",
            "site": result.site.config.name if result.site else "",
            "today": (day or dt.date.today()).isoformat(),
            "ok": not failed,
            "errors": sum(p.level is Level.ERROR for p in problems),
            "warnings": sum(p.level is Level.WARNING for p in problems),
            "families": _family_counts(problems),
            # gongkai's extension, which the county's inspection reads.
            "public_items": len(result.site.items) if result.site else 0,
            "latest_published": max((e.item.published.isoformat() for e in result.site.items if e.item.published), default="") if result.site else "",
            "inspection": inspection_summary(result.site, problems, day or dt.date.today()) if result.site else None,
            "problems": [
                {
                    "file": p.file,
                    "line": max(p.line, 1),
                    "level": "error" if p.level is Level.ERROR else "warning",
                    "rule": p.rule or "format",
                    "field": p.field,
                    "message": p.message,
                }
                for p in problems
            ],
        }
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        out.problems(problems)
        for family in _family_counts(problems).values():
            errors, warnings = family["errors"], family["warnings"]
            out.info(f"  {family['label']}：{'无问题' if not errors and not warnings else f'{errors} 个错误、{warnings} 个警告'}")
        if not failed:
            public = len(result.site.items) if result.site else 0
            out.info(f"检查通过：{len(result.items)} 个条目，其中 {public} 个主动公开。")
    raise typer.Exit(1 if failed else 0)


@app.command(cls=ChineseCommand)
def build(
    site: SiteArg = Path("."),
    out_dir: Annotated[Optional[Path], typer.Option("--out", metavar="目录", help="输出目录，默认为 站点/build。")] = None,
    base_url: Annotated[Optional[str], typer.Option("--base-url", metavar="网址", help="网站发布后的完整网址（用于网站地图和订阅）。")] = None,
    strict: Strict = False,
    no_search: Annotated[bool, typer.Option("--no-search", help="不建立搜索索引（仅用于快速预览）。")] = False,
    platform: Annotated[Optional[Path], typer.Option("--platform", metavar="平台目录", help="作为县级平台的成员生成：页面带平台的名称、页脚标识和主题（平台目录含 county.yml）。")] = None,
    today: Today = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """检查并生成网站（含全文搜索索引）；有错误时不改动原有输出。"""
    out = _Out(quiet, verbose)
    start = time.perf_counter()
    try:
        frame = _member_of(platform) if platform is not None else None
        scanned = scan_site(site, out_dir, base_url, out.stage, not no_search, _today(today), frame)
        result = scanned.kept(strict) or _build_changed(scanned, base_url, out, strict, not no_search, frame)
    except UsageError as exc:
        raise _usage(exc) from None
    except ContentError as exc:
        out.problems(exc.problems)
        typer.echo("未生成网站：原有输出保持不变。", err=True)
        raise typer.Exit(1) from None
    out.problems(tuple(p for p in result.check.problems if p.level is Level.WARNING))
    for entry in result.check.items:
        if not entry.is_public:
            # Paths only, on the clerk's own terminal: a reminder of what stays off the site.
            why = "草稿" if entry.draft else f"定时发布，{entry.published}" if entry.scheduled else entry.disclosure.value
            out.detail(f"  未发布：{site_path(entry.path)}（{why}）")
    what = "内容未变，保留" if result.up_to_date else "已生成"
    out.info(
        f"{what} {result.out_dir}：{result.pages} 个页面、{result.files} 个文件，"
        f"{result.public_items} 个条目主动公开，{result.withheld_items} 个非公开条目未发布，共 {time.perf_counter() - start:.2f} 秒。"
    )


def _member_of(county_dir: Path) -> Platform:
    from .county.config import load_county, platform_of

    return platform_of(load_county(county_dir))


def _build_changed(scanned: Scan, base_url: str | None, out: _Out, strict: bool, search: bool, platform: Platform | None) -> BuildResult:
    """The build of a site whose last output is not current."""
    from .features import build_site
    from .search.index import SearchError

    try:
        return build_site(scanned.site_dir, scanned.out, base_url, progress=out.stage, strict=strict, search=search, today=scanned.day, platform=platform, scanned=scanned)
    except SearchError as exc:
        typer.echo(f"错误：{exc}", err=True)
        typer.echo("未生成网站：原有输出保持不变。", err=True)
        raise typer.Exit(1) from None


@app.command(cls=ChineseCommand)
def number(
    site: SiteArg = Path("."),
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """为没有索引号的条目编号，并写入其 YAML 头部。"""
    from .numbering import assign_numbers

    out = _Out(quiet, verbose)
    try:
        outcome = assign_numbers(site)
    except UsageError as exc:
        raise _usage(exc) from None
    out.problems(outcome.problems)
    for path, value in outcome.assigned:
        out.info(f"  {site_path(path)}: 索引号 {value}")
    if outcome.problems and any(p.level is Level.ERROR for p in outcome.problems):
        raise typer.Exit(1)
    out.info(f"已编号 {len(outcome.assigned)} 个条目。")


@app.command(cls=ChineseCommand)
def serve(
    site: SiteArg = Path("."),
    host: Annotated[str, typer.Option("--host", metavar="地址", help="监听地址，默认只允许本机访问。")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="端口", help="端口（0 表示任选一个空闲端口）。")] = 8000,
) -> None:
    """边写边预览：生成网站并在本机提供访问，文件保存后自动更新页面，内容有错时在页面上提示。"""
    from .preview.server import serve as run_preview  # watchdog and the server load only for this command

    if not (site / "content").is_dir():
        raise _usage(UsageError(f"{site} 下没有 content 文件夹。请在站点目录中运行，或写明站点目录：gongkai serve 站点目录。"))
    if not 0 <= port <= 65535:
        raise _usage(UsageError(f"端口 {port} 不可用：端口应在 1 到 65535 之间（0 表示任选一个空闲端口），如 --port 8000。"))
    try:
        run_preview(site, host, port, typer.echo)
    except (OSError, OverflowError) as exc:
        raise _usage(UsageError(f"无法在 {host}:{port} 上启动预览（{getattr(exc, 'strerror', None) or exc}）。端口可能被占用，请换一个：--port 8001。")) from None


@app.command(cls=ChineseCommand)
def deploy(
    to: Annotated[str, typer.Option("--to", metavar="目标", help="发布目标：文件夹路径、ftp://用户@主机/目录、ftps://…、sftp://…、rsync+ssh://…（密码放在环境变量 GONGKAI_DEPLOY_PASSWORD）。", show_default=False)],
    site: SiteArg = Path("."),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只列出将上传和删除的文件，不改动目标。")] = False,
    build: Annotated[Optional[Path], typer.Option("--build", metavar="目录", help="要发布的网站目录，默认 站点目录/build。")] = None,
    replace_site: Annotated[bool, typer.Option("--replace-site", help="目标上是另一个站点发布的网站时，确认用本站替换它（会删除它的页面）。")] = False,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """发布 gongkai build 生成的网站：只上传变化的文件，删除本站以前发布、现在已没有的文件。"""
    from .publish.deploy import deploy as publish

    out = _Out(quiet, verbose)
    if not to:
        raise _usage(UsageError("--to 后面要写发布目标，如 --to ftp://qingshan@ftp.example.gov.cn/xxgk/。"))
    try:
        result = publish(build if build is not None else site / "build", to, dry_run, out.info, replace_site=replace_site)
    except UsageError as exc:
        raise _usage(exc) from None
    except OSError as exc:
        typer.echo(f"发布中断：{exc}。已上传的文件都是完整的；网络恢复后再次运行同一命令即可完成。", err=True)
        raise typer.Exit(1) from None
    if dry_run or verbose:
        for path in result.plan.uploads:
            out.info(f"  上传 {path}")
        for path in result.plan.deletions:
            out.info(f"  删除 {path}")
    out.info(result.summary())


@app.command(cls=ChineseCommand)
def report(
    year: Annotated[int, typer.Argument(help="报告年度，如 2025。", metavar="年度", show_default=False)],
    site: SiteArg = Path("."),
    force: Annotated[bool, typer.Option("--force", help="覆盖已修改过的年度报告（原文件可从 git 历史找回）。")] = False,
    today: Today = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """起草某年的政府信息公开工作年度报告（国办公开办函〔2021〕30号格式），写入年度报告栏目。"""
    from .annual.draft import write_report

    out = _Out(quiet, verbose)
    try:
        outcome = write_report(site, year, force, _today(today))
    except UsageError as exc:
        raise _usage(exc) from None
    if outcome.data_created:
        out.info(f"已新建年度报告数据文件 {outcome.data_created}（不会发布）：请填写申请、复议、诉讼和收费数字后重新运行本命令。")
    out.problems(outcome.problems)
    if not outcome.report:
        raise typer.Exit(1)
    out.info(f"已起草 content/{outcome.report}：草稿标有 draft: true，在删除这一行之前不会发布，网站其余内容照常发布。请补写【待填写】处的内容，核对表格数字，删除 draft 行，再运行 gongkai check。")


county_app = typer.Typer(
    name="county",
    cls=ChineseGroup,
    no_args_is_help=True,
    help="县级平台（集约化）：把各乡镇、街道、部门的信息公开目录汇集成一个网站，统一搜索、统一检查。",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(county_app, name="county")
CountyArg = Annotated[Path, typer.Argument(metavar="平台目录", help="含 county.yml 的文件夹。", show_default=False)]
CountyOut = Annotated[Optional[Path], typer.Option("--out", metavar="目录", help="输出目录，默认为 平台目录/build。")]
Jobs = Annotated[Optional[int], typer.Option("--jobs", metavar="个数", help="同时处理的单位数，默认等于处理器核数。", min=1)]


def _county_member(member: MemberResult, state: str, out: _Out) -> None:
    """One member's line, and for a member that failed the last lines its own build said."""
    out.info(f"  {'✓' if member.built else '✗'} {member.member.name}（{member.member.id}）：{state}")
    if not member.built and member.said:
        for line in member.said.splitlines()[-5:]:
            typer.echo(f"      {line}", err=True)


def _county_summary(result: CountyResult, out: _Out) -> None:
    for member in result.members:
        state = "已生成" if member.built else "保留上次生成的网站" if member.shown else "未能生成，未列入平台"
        _county_member(member, f"{state}，{member.public_items} 条主动公开", out)
    failed = sum(not m.built for m in result.members)
    out.info(f"平台 {result.out_dir}：{sum(m.shown for m in result.members)} 个单位、搜索收录 {result.search_pages} 个页面" + (f"；{failed} 个单位有错误，见上。" if failed else "。"))


@county_app.command("build", cls=ChineseCommand)
def county_build(
    county: CountyArg,
    out_dir: CountyOut = None,
    jobs: Jobs = None,
    only: Annotated[Optional[list[str]], typer.Option("--only", metavar="单位标识", help="只生成这个成员（可写多次），不汇集平台：用于每个单位一个 CI 任务，最后用 county assemble 汇集。")] = None,
    today: Today = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """生成平台：各成员单位按自己的规则和公开审查生成网站，再汇集平台首页、统一搜索和全部目录；某单位有错误时保留它上次的网站，不影响其他单位。"""
    from .county.platform import build_county

    out = _Out(quiet, verbose)
    try:
        result = build_county(county, out_dir, jobs, _today(today), progress=out.detail, only=tuple(only or ()))
    except UsageError as exc:
        raise _usage(exc) from None
    except ContentError as exc:
        out.problems(exc.problems)
        raise typer.Exit(1) from None
    if only:
        for member in result.members:
            _county_member(member, "已生成" if member.built else "有错误，保留上次生成的网站", out)
        raise typer.Exit(0 if result.ok else 1)
    _county_summary(result, out)
    raise typer.Exit(0 if result.ok else 1)


@county_app.command("assemble", cls=ChineseCommand)
def county_assemble(county: CountyArg, out_dir: CountyOut = None, quiet: Quiet = False, verbose: Verbose = False) -> None:
    """只汇集：用已放在 输出目录/单位标识/ 下的各单位网站（如各单位 CI 任务的产物）组成平台，不重新生成。"""
    from .county.platform import assemble_county

    out = _Out(quiet, verbose)
    try:
        result = assemble_county(county, out_dir)
    except ContentError as exc:
        out.problems(exc.problems)
        raise typer.Exit(1) from None
    _county_summary(result, out)
    raise typer.Exit(0 if result.ok else 1)


@county_app.command("check", cls=ChineseCommand)
def county_check(
    county: CountyArg,
    format: Annotated[Format, typer.Option("--format", help="输出格式：text 或 json。")] = Format.text,
    jobs: Jobs = None,
    today: Today = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out", metavar="目录", help="另把检查仪表板（网页、图表、CSV 和 JSON）写进这个目录；不能是公开网站的目录。")] = None,
) -> None:
    """按单位检查平台：各单位的问题按规则类别计数、单项否决情况、主动公开条数和最近发布日期（只有计数，不显示任何非公开信息）。"""
    from .county.dashboard import refusal, write_dashboard
    from .county.inspect import inspect_county

    if out_dir is not None and (why := refusal(out_dir)):
        raise _usage(UsageError(why))
    try:
        report = inspect_county(county, jobs, _today(today))
    except ContentError as exc:
        _Out(False, False).problems(exc.problems)
        raise typer.Exit(1) from None
    if out_dir is not None:
        write_dashboard(report, out_dir)
        if format is not Format.json:
            typer.echo(f"已写出检查仪表板 {out_dir / 'index.html'}（另有 county-check.csv 和 county-check.json）。")
    if format is Format.json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for member in report["members"]:
            veto = "；".join(member["veto"]) or "无"
            typer.echo(f"{'✓' if member['ok'] else '✗'} {member['name']}（{member['id']}）：{member['errors']} 个错误、{member['warnings']} 个警告，{member['public_items']} 条主动公开，最近发布 {member['latest_published'] or '无'}；单项否决：{veto}")
            if member.get("failure"):
                typer.echo(f"    检查未能完成：{member['failure']}", err=True)
    raise typer.Exit(0 if all(m["ok"] for m in report["members"]) else 1)


def version_callback(value: bool) -> None:
    """Print the version and stop."""
    if value:
        typer.echo(f"gongkai {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True, help="显示版本。")] = False,
) -> None:
    """gongkai：政府信息公开目录网站生成器。"""


def run() -> None:
    """Console-script entry point.

    A defect of gongkai itself still ends in one Chinese line and exit 1, not a traceback
    (``GONGKAI_DEBUG=1`` shows it); output folders are left as they were by the stages themselves.
    """
    try:
        app(prog_name="gongkai")
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        if os.environ.get("GONGKAI_DEBUG"):
            raise
        typer.echo(f"gongkai 内部错误（{type(exc).__name__}：{printable(str(exc))[:300]}）。原有输出保持不变。请把这条信息和所用命令报告给维护人员；设置 GONGKAI_DEBUG=1 可显示详细信息。", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())  # type: ignore[func-returns-value]
