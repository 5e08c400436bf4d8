"""Odd input that used to crash, hang or produce wrong output (issue 13), and the fuzz run."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import time
import xml.dom.minidom
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import pytest

from generator import build_site
from generator.output import link_or_copy, remove_leftovers

from . import fuzz
from .conftest import POLICY, item, tree_digest
from .privacy_corpus import id18

GOOD = "title: 正常条目\ncatalogue: statutory/plans\ndisclosure: 主动公开\npublished: 2024-05-01"


def test_a_fifo_is_refused_not_read(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    site = make_site({"content/rules.md": POLICY, "content/a.md": item(GOOD + "\nattachments: [pipe.txt]")})
    os.mkfifo(site / "content/pipe.txt")
    os.mkfifo(site / "content/item.md")
    # In a child process: a blocking read would hang the test run itself.
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "generator", "check", str(site)], capture_output=True, text=True, timeout=60)
    assert time.monotonic() - start < 30
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "content/item.md:1: 错误" in done.stderr and "不是普通文件" in done.stderr
    assert "content/a.md:6: 错误 [attachments/附件]" in done.stderr


def test_a_file_name_that_is_not_utf8(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    site = make_site({"content/rules.md": POLICY})
    (site / "content" / (os.fsdecode("文件".encode("gbk")) + ".md")).write_bytes(item(GOOD).encode("utf-8"))
    code, output = gongkai("check", str(site))
    assert code == 1 and "不是 UTF-8 编码" in output and "错误" in output


def test_terminal_never_gets_raw_control_characters(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    # An unknown key is echoed in its message; a control character in a value is refused outright.
    site = make_site({"content/a.md": item('title: 甲\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01\n"x\\x1b[2J\\u202eevil\\nnext": 1\nsummary: "乙\\x07丙"')})
    code, output = gongkai("check", str(site))
    assert code == 1
    assert "\x1b" not in output and "\u202e" not in output and "\x07" not in output
    line = next(line for line in output.splitlines() if "evil" in line)
    assert line.startswith("content/a.md:6: 错误") and "[U+001B]" in line and "[U+202E]" in line and "[U+000A]next" in line
    assert "content/a.md:7: 错误 [summary/内容概述] 含有不可见的控制字符 U+0007" in output


def test_feed_and_csv_are_safe_for_any_title(make_site: Callable[..., Path]) -> None:
    titles = ["=HYPERLINK(\"http://x\",\"点我\")", "+1 通知", "-2 通知", "@SUM(A1) 通知", "甲 & 乙 <丙> \"丁\""]
    files: dict[str, str | bytes] = {f"content/t{n}.md": item(f"title: '{t}'\ncatalogue: statutory/plans\ndisclosure: 主动公开\npublished: 2024-05-0{n + 1}") for n, t in enumerate(titles)}
    site = make_site(files, site_yml="name: 测试镇人民政府 & <公开>\nkind: township\norg_code: 11341200003219540W\n")
    build_site(site, search=False)
    feed = (site / "build/feed.xml").read_text(encoding="utf-8")
    xml.dom.minidom.parseString(feed)  # well-formed
    assert "测试镇人民政府 &amp; &lt;公开&gt;" in feed
    rows = list(csv.reader(io.StringIO((site / "build/catalogue.csv").read_text(encoding="utf-8-sig"))))
    cells = {row[2] for row in rows[1:]}
    assert "'=HYPERLINK(\"http://x\",\"点我\")" in cells and "'+1 通知" in cells and "'-2 通知" in cells and "'@SUM(A1) 通知" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_same_file_name_in_two_folders_each_keeps_its_own_link(make_site: Callable[..., Path]) -> None:
    front = GOOD + "\nid: two-files\nattachments:\n  - {file: a/表.txt, title: 甲表}\n  - {file: b/表.txt, title: 乙表}\n  - {file: c/表-2.txt, title: 丙表}"
    site = make_site({"content/x.md": item(front), "content/a/表.txt": "AAA", "content/b/表.txt": "BBB", "content/c/表-2.txt": "CCC"})
    build_site(site, search=False)
    page = (site / "build/items/two-files.html").read_text(encoding="utf-8")
    links = dict(re.findall(r'href="\.\./(files/two-files/[^"]+)"[^>]*>(?:附件\d+：)?([甲乙丙]表)', page))
    served = {title: (site / "build" / unquote(path)).read_text(encoding="utf-8") for path, title in links.items()}
    assert served == {"甲表": "AAA", "乙表": "BBB", "丙表": "CCC"}, links


def test_a_killed_build_leaves_nothing_behind_for_long(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/rules.md": POLICY})
    build_site(site, search=False)
    # Folders of a build that was killed: a dead process id, and one named by the last release.
    child = subprocess.Popen(["true"])
    child.wait()
    stale = [site / f".build.new-{child.pid}-abc123", site / ".build.new-k2j4_x", site / f".build.old-{child.pid}-zz"]
    for folder in stale:
        (folder / "items").mkdir(parents=True)
    running = site / f".build.new-{os.getpid()}-live1"
    running.mkdir()
    build_site(site, search=False)
    assert not any(folder.exists() for folder in stale)
    assert running.exists()  # a build still running (this process) keeps its folder
    assert remove_leftovers(site / "build") == []


def test_grouped_id_numbers_are_screened_in_bodies(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    number = id18("34120219520930004")
    site = make_site({"content/a.md": item(GOOD, f"低保户 {number[:6]} {number[6:14]} {number[14:]}，另见 {number[:6]}-{number[6:14]}-{number[14:]}")})
    code, output = gongkai("check", str(site))
    assert code == 1 and "身份证号" in output
    assert number not in output.replace(" ", "").replace("-", "")


def test_serve_refuses_an_impossible_port(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    site = make_site({"content/rules.md": POLICY})
    code, output = gongkai("serve", str(site), "--port", "99999")
    assert code == 2 and "端口" in output and "Traceback" not in output


def test_fuzzing_the_sample_site_finds_nothing_mishandled() -> None:
    # A fixed seed and a budget that fits CI; ``python -m tests.fuzz SEED COUNT`` runs longer.
    outcomes = fuzz.run(seed=13, count=int(os.environ.get("GONGKAI_FUZZ_COUNT", "160")))
    tried = [o for o in outcomes if "not applicable" not in o.mutation and "noop" not in o.mutation]
    assert len(tried) >= 120
    bad = [f"{o.mutation}: {o.failure}" for o in outcomes if o.failure]
    assert not bad, "\n".join(bad)


def test_yaml_and_pdf_problems_are_said_in_chinese(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    broken = {
        "content/a.md": item("title: 甲\ncatalogue: [statutory/plans\ndisclosure: active\npublished: 2024-01-01"),
        "content/b.md": item("title: 乙: 丙\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01"),
        "content/c.md": item("title: '丁\ncatalogue: statutory/plans\ndisclosure: active\npublished: 2024-01-01"),
        "content/d.md": item(GOOD + "\nattachments: [d.pdf]"),
        "content/d.pdf": b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\nstartxref 999\n%%EOF",
    }
    site = make_site(broken)
    code, output = gongkai("check", str(site))
    assert code == 1
    english = re.compile(r"[A-Za-z]+ [a-z]+ [a-z]+")  # a phrase of libyaml's or pypdf's
    assert not [line for line in output.splitlines() if english.search(line)], output
    assert "a.md:" in output and "b.md:" in output and "c.md:" in output


def test_number_and_report_report_broken_control_files(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    site = make_site({"content/rules.md": POLICY, "content/_index_numbers.txt": "中文行\n".encode("gbk")})
    code, output = gongkai("number", str(site))
    assert code == 1 and "content/_index_numbers.txt:1: 错误" in output and "GBK" in output and "Traceback" not in output
    site = make_site({"content/rules.md": POLICY, "content/_annual": "2025: 1\n"})
    code, output = gongkai("report", "2025", str(site), "--today", "2026-01-10")
    assert code == 1 and "content/_annual:1: 错误" in output and "Traceback" not in output


def test_delimiter_floods_are_answered_in_seconds(make_site: Callable[..., Path]) -> None:
    floods = {"stars": "*" * 200_000, "underscores": "文" + "_" * 200_000, "mixed": "文 *" + "*a" * 100_000, "backticks": "`a" * 100_000}
    site = make_site({f"content/{name}.md": item(GOOD, body) for name, body in floods.items()})
    # A child process with a deadline: a hang must fail the test, not stop the suite.
    done = subprocess.run([sys.executable, "-m", "generator", "build", str(site), "--no-search", "-q"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (site / "build/items/stars.html").is_file()


def test_each_card_of_a_line_is_reported_whatever_its_grouping(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    from .privacy_corpus import CARD_A, CARD_B

    body = f"账户一 {CARD_B[:4]} {CARD_B[4:8]} {CARD_B[8:12]} {CARD_B[12:16]} {CARD_B[16:]}，账户二 {CARD_A[:6]} {CARD_A[6:12]} {CARD_A[12:]}"
    site = make_site({"content/a.md": item(GOOD, body)})
    code, output = gongkai("check", str(site))
    assert code == 1
    cards = [line for line in output.splitlines() if "银行卡号" in line]
    assert len(cards) == 2 and any(CARD_A[-4:] in line for line in cards) and any(CARD_B[-4:] in line for line in cards), cards


def test_a_linked_file_gets_its_folder_and_a_copy_where_links_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "page.html"
    source.write_bytes(b"<p>page</p>")
    link_or_copy(source, tmp_path / "out/items/3f/page.html")  # folders made on the way
    assert (tmp_path / "out/items/3f/page.html").stat().st_ino == source.stat().st_ino
    with pytest.raises(FileNotFoundError):
        link_or_copy(tmp_path / "missing.html", tmp_path / "out/items/missing.html")

    def no_links(*_args: object) -> None:
        raise PermissionError("links not allowed here")

    monkeypatch.setattr(os, "link", no_links)
    link_or_copy(source, tmp_path / "out/copied/page.html")
    copied = tmp_path / "out/copied/page.html"
    assert copied.read_bytes() == b"<p>page</p>" and copied.stat().st_ino != source.stat().st_ino


def test_a_build_killed_while_it_writes_leaves_the_previous_output_as_it_was(make_site: Callable[..., Path]) -> None:
    notices = {f"content/n{n}.md": item(f"title: 第{n}号通知\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2024-02-{1 + n % 28:02d}", "通知正文。" * 40) for n in range(60)}
    site = make_site({"content/rules.md": POLICY, **notices})
    build_site(site, search=False)
    before = tree_digest(site / "build")
    (site / "content/rules.md").write_text(POLICY.replace("正文第一段", "改过的正文"), encoding="utf-8")
    # Killed once it has begun writing its new output (its staging folder exists), with search on
    # so that the writing lasts while Pagefind runs.
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", str(site), "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(site.glob(f".build.new-{process.pid}-*/items")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, "the build ended before it could be killed"
    process.kill()
    process.wait()
    assert tree_digest(site / "build") == before
    build_site(site, search=False)
    assert "改过的正文" in (site / "build/items/rules-2024.html").read_text(encoding="utf-8")
    assert not list(site.glob(".build.*"))
