"""The commands a clerk types: new, number, check --format json, build -q/-v, usage errors."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from generator import build_site
from generator.scaffold import WRITTEN_FOR

from .conftest import POLICY, item


def test_new_scaffolds_a_site_that_builds_and_checks_clean(tmp_path: Path, gongkai: Callable[..., tuple[int, str]]) -> None:
    site = tmp_path / "镇网站"
    code, output = gongkai("new", str(site))
    assert code == 0, output
    readme = (site / "README.md").read_text(encoding="utf-8")
    assert "公开属性必须逐件写明" in readme and "gongkai build" in readme
    assert ".gongkai-cache/" in (site / ".gitignore").read_text(encoding="utf-8")
    code, output = gongkai("check", str(site))
    assert code == 0, output
    result = build_site(site)
    assert result.public_items == 8
    # The starter items show the fields of release 0.2 once each.
    pages = {p.name: p.read_text(encoding="utf-8") for p in (site / "build/items").glob("*.html")}
    # The example's dates are those of the day it was made (its newest item two days old).
    shift = dt.date.today() - WRITTEN_FOR
    start, end = dt.date(2026, 1, 10) + shift, dt.date(2026, 1, 16) + shift
    assert any(f"公示期：{start.year}年{start.month}月{start.day}日至" in t and f"{end.month}月{end.day}日" in t for t in pages.values())
    assert any("意见采纳情况反馈：<a" in t for t in pages.values()) and any("本文是以下征求意见的意见采纳情况反馈" in t for t in pages.values())
    assert any("所属重大建设项目" in t for t in pages.values()) and list((site / "build/projects").glob("p*.html"))
    assert "某镇新增城乡最低生活保障对象公示" in (site / "build/other/notices/index.html").read_text(encoding="utf-8")
    assert f"<th scope=\"row\">有效期至</th><td>{dt.date(2030, 12, 31) + shift}</td>" in pages["2026-village-finance.html"]
    # The scheduled example stays off the site until its day.
    assert not [name for name, text in pages.items() if "定时发布）" in text]
    interpretation = next(p for p in (site / "build/items").glob("*.html") if "解读</h1>" in p.read_text(encoding="utf-8"))
    assert "2026-village-finance.html" in interpretation.read_text(encoding="utf-8")
    code, output = gongkai("new", str(site))
    assert code == 2 and "不是空文件夹" in output


def test_number_assigns_serials_per_year_and_never_reuses(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    site = make_site(
        {
            "content/a.md": item('title: 甲\ncatalogue: other/notices\ndisclosure: active\npublished: 2024-03-01\nindex_no: "11341200003219540W/2024-00007"'),
            "content/b.md": item("title: 乙\ncatalogue: other/notices\ndisclosure: active\npublished: 2024-05-01"),
            "content/c.md": item("标题: 丙\n目录分类: other/notices\n公开属性: 主动公开\n发布日期: 2025-01-02").replace("\n", "\r\n"),
            "content/d.md": item("title: 丁\ncatalogue: other/notices\ndisclosure: 依申请公开\nwritten: 2024-06-01"),
            "content/e.md": item("title: 戊\ncatalogue: other/notices\ndisclosure: 依申请公开"),
        }
    )
    code, output = gongkai("number", str(site))
    assert code == 0, output
    assert "  content/b.md: 索引号 11341200003219540W/2024-00008" in output  # named from the site folder, like problems
    content = site / "content"
    assert 'index_no: "11341200003219540W/2024-00008"\n---' in (content / "b.md").read_text(encoding="utf-8")
    assert 'index_no: "11341200003219540W/2024-00009"' in (content / "d.md").read_text(encoding="utf-8")
    c_bytes = (content / "c.md").read_bytes()
    assert '索引号: "11341200003219540W/2025-00001"\r\n---\r\n'.encode() in c_bytes
    assert "content/e.md:1: 警告" in output and "无法确定年份" in output
    # Deleting the newest numbered item does not free its number.
    (content / "d.md").unlink()
    (content / "f.md").write_text(item("title: 己\ncatalogue: other/notices\ndisclosure: active\npublished: 2024-07-01"), encoding="utf-8")
    code, output = gongkai("number", str(site))
    assert code == 0, output
    assert 'index_no: "11341200003219540W/2024-00010"' in (content / "f.md").read_text(encoding="utf-8")
    assert (content / "_index_numbers.txt").read_text(encoding="utf-8").count("\n") == 4
    code, _ = gongkai("check", str(site))
    assert code == 0


def test_number_refuses_a_site_with_errors(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    broken = item("title: 乙\ncatalogue: other/notices\npublished: 2024-05-01")
    site = make_site({"content/b.md": broken})
    code, output = gongkai("number", str(site))
    assert code == 1 and "content/b.md:1: 错误 [disclosure/公开属性]" in output
    assert (site / "content/b.md").read_text(encoding="utf-8") == broken


def test_check_json_has_a_stable_shape(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    site = make_site({"content/a.md": item("title: 甲\ncatalogue: statutory/plan\ndisclosure: active\npublished: 2024-01-01")})
    code, output = gongkai("check", str(site), "--format", "json")
    assert code == 1
    data = json.loads(output)
    assert data["schema"] == "gongkai-check/1" and data["ok"] is False
    assert data["errors"] == 1
    assert data["families"]["format"] == {"label": "内容格式", "errors": 1, "warnings": 0}
    first = next(p for p in data["problems"] if p["level"] == "error")
    assert first == {"file": "content/a.md", "line": 3, "level": "error", "rule": "format", "field": "catalogue/目录分类", "message": first["message"]}
    assert "statutory/plans" in first["message"]


def test_build_progress_quiet_and_verbose(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    withheld = item("title: 内部事项\ncatalogue: other/notices\ndisclosure: 不予公开\nexempt_reason: internal-affairs")
    site = make_site({"content/rules.md": POLICY, "content/internal.md": withheld})
    code, output = gongkai("build", str(site))
    assert code == 0
    for stage in ("扫描", "读取", "检查", "生成", "写出"):
        assert stage in output and "秒" in output
    assert "1 个条目主动公开，1 个非公开条目未发布" in output
    code, output = gongkai("build", str(site), "-q")
    assert code == 0 and output == ""
    (site / "content/rules.md").write_text(POLICY + "\n补充。\n", encoding="utf-8")
    code, output = gongkai("build", str(site), "-v")
    assert code == 0 and "未发布：content/internal.md（不予公开）" in output


def test_usage_errors_exit_2(tmp_path: Path, gongkai: Callable[..., tuple[int, str]]) -> None:
    code, output = gongkai("build", str(tmp_path / "nowhere"))
    assert code == 2 and "content" in output
    code, _ = gongkai("build", "--no-such-option")
    assert code == 2


def test_module_and_console_script_run(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "generator", "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.startswith("gongkai ")
    script = Path(sys.executable).with_name("gongkai")
    done = subprocess.run([str(script), "check", str(tmp_path)], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "content" in done.stderr
