"""A clerk's first hour: the scaffold, the Chinese command line, the order of problems, the
content format document, the CI templates."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator import __version__
from generator.catalogue import build_catalogue
from generator.cli import app
from generator.load import FIELDS
from generator.scaffold import scaffold
from tests.conftest import REPO, item

Gongkai = Callable[..., tuple[int, str]]
COMMANDS = ("new", "check", "build", "number", "serve", "deploy", "report")
# The framework's own words: none may reach a clerk's terminal.
ENGLISH = re.compile(r"Usage|Options|Arguments|Commands|\[required\]|Show this message|<bool>|<path>|<str>|<int>|No such|Invalid value|Input should|Try '|Error|Missing|Got unexpected|requires an argument|Did you mean")

REAL_SITE = """name: 宜城市青山镇人民政府
kind: township
org_code: 11341200MB1C2D3E4F
index_no_format: "{org_code}/{year}-{seq:05d}"
identity:
  sponsor: 宜城市青山镇人民政府
  operator: 宜城市青山镇党政办公室
  site_code: "3412000321"
  icp: 皖ICP备19001234号
  police: 皖公网安备 34120202000321号
contact:
  office: 青山镇党政办公室
  address: 宜城市青山镇人民路18号
  phone: 0556-5123456
  postcode: "246001"
"""


def lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def test_a_clerk_from_new_to_deploy(tmp_path: Path, gongkai: Gongkai) -> None:
    site = tmp_path / "qingshan"
    code, out = gongkai("new", str(site))
    assert code == 0 and "已创建站点" in out
    assert (site / "docs/内容格式说明.md").is_file()

    # First check: a handful of warnings, each saying what to do; no wall of empty columns.
    code, out = gongkai("check", str(site))
    shown = [line for line in lines(out) if ": 警告" in line]
    assert code == 0 and 1 <= len(shown) <= 5, out
    assert any("这是一个新站点" in line and "个栏目还没有信息" in line and "先填好 _site.yml" in line for line in shown)
    assert any("站点信息还是 gongkai new 的示例" in line and "gongkai deploy 不会发布" in line for line in shown)
    assert any("示例条目" in line and "content/政策文件/示例通知.md" in line for line in shown)
    assert not any("超过更新时限" in line or "未更新" in line for line in shown), "the scaffold's dates aged"

    # Three items, one with a typical mistake each: a column by its everyday name, a broken
    # front matter, an interpretation of that broken document.
    (site / "content/通知公告/防汛值班.md").write_text(item("标题: 青山镇2026年防汛值班安排\n目录分类: 通知公告\n公开属性: 主动公开\n发布日期: 2026-11-20"), encoding="utf-8")
    (site / "content/社会救助/低保.md").write_text(item("标题: 青山镇新增低保对象公示\n目录分类: 低保公示\n公开属性: 主动公开\n发布日期: 2026-11-21"), encoding="utf-8")
    (site / "content/政策文件/办法.md").write_text(item('标题: "青山镇村务管理办法\nid: cunwu-2026\n目录分类: statutory/policy-docs\n公开属性: 主动公开\n发布日期: 2026-11-22'), encoding="utf-8")
    (site / "content/政策解读/办法解读.md").write_text(item("标题: 《青山镇村务管理办法》解读\n目录分类: statutory/interpretations\n公开属性: 主动公开\n发布日期: 2026-11-22\n解读对象: [cunwu-2026]\n解读形式: 问答"), encoding="utf-8")
    code, out = gongkai("build", str(site))
    assert code == 1
    printed = lines(out)
    errors = [n for n, line in enumerate(printed) if ": 错误" in line]
    warnings = [n for n, line in enumerate(printed) if ": 警告" in line]
    assert errors and warnings and max(errors) < min(warnings), "errors come before warnings"
    broken = next(n for n, line in enumerate(printed) if line.startswith("content/政策文件/办法.md:"))
    consequence = next(n for n, line in enumerate(printed) if line.startswith("content/政策解读/办法解读.md:"))
    assert broken < consequence
    assert "content/政策文件/办法.md 有错误、没有读入（见上）" in printed[consequence]
    column = next(line for line in printed if line.startswith("content/社会救助/低保.md:"))
    assert "最接近的有：statutory/social-assistance（社会救助）" in column and "docs/内容格式说明.md" in column
    assert any(line.startswith("content/通知公告/防汛值班.md:") and "是栏目名称" in line and "other/notices" in line for line in printed)
    assert "未生成网站" in out

    # Fixed: it builds, and deploy still refuses the example.
    (site / "content/政策文件/办法.md").write_text(item("标题: 青山镇村务管理办法\nid: cunwu-2026\n目录分类: statutory/policy-docs\n公开属性: 主动公开\n发布日期: 2026-11-22"), encoding="utf-8")
    (site / "content/社会救助/低保.md").write_text(item("标题: 青山镇新增低保对象公示\n目录分类: statutory/social-assistance\n公开属性: 主动公开\n发布日期: 2026-11-21"), encoding="utf-8")
    code, out = gongkai("build", str(site))
    assert code == 0, out
    target = tmp_path / "portal"
    target.mkdir()
    code, out = gongkai("deploy", str(site), "--to", str(target))
    assert code == 2 and "还是 gongkai new 的示例网站" in out and "_site.yml 的 name" in out and "个示例条目" in out and "content/政策文件/示例通知.md" in out
    assert not any(target.iterdir())

    # The identity filled in, examples removed: the full inspection appears and deploy publishes.
    (site / "content/_site.yml").write_text(REAL_SITE, encoding="utf-8")
    for example in site.glob("content/**/示例*.md"):
        example.unlink()
    guide = site / "content/指南/政府信息公开指南.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("某某镇", "青山镇"), encoding="utf-8")
    code, out = gongkai("check", str(site))
    assert "这是一个新站点" not in out and "示例条目" not in out and "站点信息还是" not in out
    assert "空白栏目：“负责人信息”" in out  # each column said on its own now
    assert "空白栏目：“工作动态”（news）" in out and "空白栏目：“乡镇概况”（intro）" in out  # the footer's links are columns too
    code, out = gongkai("build", str(site), "-q")
    assert code == 0, out
    code, out = gongkai("deploy", str(site), "--to", str(target))
    assert code == 0, out
    assert (target / "index.html").is_file()


def test_scaffold_dates_follow_the_day_it_is_made(tmp_path: Path) -> None:
    for day in (dt.date(2026, 12, 1), dt.date(2029, 6, 30)):
        site = tmp_path / day.isoformat()
        scaffold(site, day)
        published = [
            dt.date.fromisoformat(m) for path in site.glob("content/**/*.md") for m in re.findall(r"^(?:published|发布日期): (\S+)", path.read_text(encoding="utf-8"), re.M)
        ]
        past = [d for d in published if d <= day]
        assert past and max(past) == day - dt.timedelta(days=2)
        assert any(d > day for d in published), "the scheduled example stays in the future"


def test_every_command_has_a_chinese_help_page(gongkai: Gongkai) -> None:
    code, top = gongkai("--help")
    assert code == 0 and top.startswith("用法：gongkai 命令") and not ENGLISH.search(top), top
    for command in COMMANDS:
        assert re.search(rf"^  {command}  +\S", top, re.M), command
        code, out = gongkai(command, "--help")
        assert code == 0, (command, out)
        assert out.startswith(f"用法：gongkai {command}") and "选项：" in out and "显示本帮助并退出。" in out, out
        assert not ENGLISH.search(out), (command, out)
    code, out = gongkai("deploy", "--help")
    assert "用法：gongkai deploy [站点目录] --to 目标 [选项]" in out
    # Descriptions are whole lines, however long, and the required option is marked.
    assert re.search(r"^  --to 目标 +（必填）发布目标：.*GONGKAI_DEPLOY_PASSWORD）。$", out, re.M), out
    code, out = gongkai("report", "-h")
    assert "用法：gongkai report 年度 [站点目录] [选项]" in out and "  --today 日期" in out
    code, out = gongkai("check", "-h")
    assert "  --format text|json" in out and "  --strict  " in out
    # The county platform's commands, a group of their own.
    assert re.search(r"^  county  +\S", top, re.M), top
    code, out = gongkai("county", "--help")
    assert code == 0 and out.startswith("用法：gongkai county 命令") and not ENGLISH.search(out), out
    for sub in ("build", "check", "assemble"):
        assert re.search(rf"^  {sub}  +\S", out, re.M), (sub, out)
        code, help_page = gongkai("county", sub, "--help")
        assert code == 0 and help_page.startswith(f"用法：gongkai county {sub} 平台目录") and "显示本帮助并退出。" in help_page, help_page
        assert not ENGLISH.search(help_page), (sub, help_page)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["deploy", "--hlp"], "没有“--hlp”这个选项。是不是要写 --help？"),
        (["serve", "--port", "abc"], "--port 的值“abc”应是整数"),
        (["serve", "--port", "99999"], "端口 99999 不可用"),
        (["check", "--format", "xml"], "--format 的值“xml”不对：只能是 text、json 之一。"),
        (["deploy", "."], "缺少必填选项 --to。"),
        (["report"], "缺少参数 年度。"),
        (["frob"], "没有“frob”这个命令。"),
        (["new"], "缺少参数 目录。"),
        (["number", "--all"], "没有“--all”这个选项。"),
        (["report", "二〇二五"], "年度 的值“二〇二五”应是整数"),
        (["check", "a", "b"], "多了参数“b”"),
        (["build", "--out"], "选项 --out 后面要写一个值。"),
        (["check", "--strict=1"], "选项 --strict 后面不写值。"),
        (["check", "--today", "2026-02-30"], "日期“2026-02-30”应写成 YYYY-MM-DD"),
        (["serve", "--port", "\x1b[31m8000"], "--port 的值“[U+001B][31m8000”应是整数"),
    ],
)
def test_usage_errors_are_said_in_chinese(args: list[str], said: str, gongkai: Gongkai) -> None:
    code, out = gongkai(*args)
    assert code == 2, out
    assert out.startswith("错误：") and said in out, out
    assert not ENGLISH.search(out), out


def test_paths_are_shown_from_the_site_folder_everywhere(make_site: Callable[..., Path], gongkai: Gongkai) -> None:
    site = make_site({"content/政策文件/a.md": item("title: 通知\ncatalogue: statutory/policy-docs\ndisclosure: 主动公开\npublished: 2026-13-01")})
    _code, out = gongkai("check", str(site), "--format", "json")
    data = json.loads(out)
    files = {p["file"] for p in data["problems"]}
    assert "content/政策文件/a.md" in files and "content/_site.yml" in files
    assert all(f.startswith("content/") for f in files), files
    _code, out = gongkai("check", str(site))
    assert re.search(r"^content/政策文件/a\.md:5: 错误 \[published/发布日期\]", out, re.M), out


def test_the_content_format_document_covers_every_key_and_column() -> None:
    doc = (REPO / "docs/内容格式说明.md").read_text(encoding="utf-8")
    for key, alias in FIELDS.items():
        assert f"| {alias} | {key} |" in doc, key
    codes = {ref for kind in ("township", "street", "county_dept") for ref in build_catalogue(kind).leaves}
    for code in sorted(codes):
        assert f"| `{code}` |" in doc, code
    assert "| `news` | 工作动态 |" in doc and "| `intro` | 乡镇概况 |" in doc
    assert "## Developers" in doc
    readme = (REPO / "generator/data/scaffold/README.md").read_text(encoding="utf-8")
    assert "docs/内容格式说明.md" in readme and "| `statutory/social-assistance` |" in readme


def test_ci_templates_install_the_pinned_version_from_a_named_source(tmp_path: Path) -> None:
    site = tmp_path / "s"
    scaffold(site)
    for rel in (".github/workflows/gongkai.yml", ".gitlab-ci.yml", ".workflow/gongkai.yml"):
        text = (site / rel).read_text(encoding="utf-8")
        yaml.safe_load(text)
        installs = [line for line in text.splitlines() if "pip install" in line]
        assert installs, rel
        for line in installs:
            assert '"gongkai @ git+${GONGKAI_REPO:?' in line and line.rstrip().endswith(f'@v{__version__}"'), line
        assert "{{gongkai_version}}" not in text
    assert f"v{__version__}" in (site / "README.md").read_text(encoding="utf-8")


def test_help_never_goes_through_the_framework_formatter() -> None:
    # The app's group class renders help itself; typer's rich panels would bring English back.
    import typer.main

    from generator.cli_text import ChineseCommand, ChineseGroup

    group = typer.main.get_command(app)
    assert isinstance(group, ChineseGroup)
    commands = list(group.commands.values())  # type: ignore[attr-defined]
    # A group of commands (county) is itself Chinese, and so is each of its commands.
    groups = [c for c in commands if isinstance(c, ChineseGroup)]
    assert [g.name for g in groups] == ["county"]
    leaves = [c for c in commands if c not in groups] + [c for g in groups for c in g.commands.values()]
    assert all(isinstance(command, ChineseCommand) for command in leaves)


def test_a_new_site_gets_the_content_format_document_of_this_version(tmp_path: Path) -> None:
    site = tmp_path / "s"
    scaffold(site)
    assert (site / "docs/内容格式说明.md").read_bytes() == (REPO / "docs/内容格式说明.md").read_bytes()


def test_a_real_value_the_example_happens_to_share_is_not_a_placeholder(make_site: Callable[..., Path]) -> None:
    # 246000 is the example's postcode and a real one (安庆); office hours are office hours.
    from generator import check_site

    site = make_site({}, REAL_SITE.replace('postcode: "246001"', 'postcode: "246000"') + "  hours: 工作日 8:30—12:00，14:30—17:30\n")
    problems = check_site(site).problems
    assert not [p for p in problems if p.rule.startswith("scaffold/")], [p.message for p in problems if p.rule.startswith("scaffold/")]
