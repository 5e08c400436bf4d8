"""Search stage: the Pagefind index of the public item pages, built into the staging folder.

Pagefind is run as one batch with its *extended* binary (the only one that segments Chinese),
from an empty working directory and without the machine's ``PAGEFIND_*`` variables, so that no
configuration file or variable on the clerk's machine can change what is indexed (a playground,
another output folder …); gongkai sets only the chunk size.  Because the staging folder is new for
every build, no fragment of an earlier build — a withdrawn item's text — can survive.  The page
count Pagefind reports must equal the number of public item pages, or the build fails.  Then
``search_words`` adds the word lists the search page needs to search whole prefix families.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .words import write_word_lists

BUNDLE = "pagefind"
EXPECTED_VERSION = "pagefind 1.5.2"
# How many word positions an index chunk holds before Pagefind starts another (its default is
# 20,000).  Smaller chunks make a query download less (bench/bench_search.py); the word lists of
# search_words.py keep prefix matching whole across the extra chunk boundaries.  Pagefind reads it
# only from this variable, which it calls unstable: hence the pinned version.
CHUNK_SIZE = 4000


class SearchError(Exception):
    """The search index could not be built as required; the message says why, in Chinese."""


@dataclass(frozen=True)
class SearchReport:
    """What Pagefind reported."""

    pages: int
    words: int
    filters: int
    language: str


def extended_binary() -> Path:
    """The extended Pagefind binary shipped by ``pagefind[extended]`` (never one found on PATH)."""
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]
    except ImportError:
        raise SearchError("找不到 Pagefind 扩展版（中文分词需要它）。请安装：pip install 'pagefind[extended]==1.5.2'。") from None
    path = Path(get_executable())
    if not path.name.startswith("pagefind_extended"):
        raise SearchError(f"Pagefind 程序 {path.name} 不是扩展版，中文无法分词。")
    return path


def build_index(site_root: Path, expected_pages: int, output: Path | None = None) -> SearchReport:
    """Index ``site_root`` into ``site_root/pagefind`` (or into ``output``, at low priority: the
    preview server's background re-index); raises ``SearchError`` unless all went as required."""
    bundle = output if output is not None else site_root / BUNDLE
    where = ["--output-path", str(bundle.resolve())] if output is not None else ["--output-subdir", BUNDLE]
    binary = extended_binary()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND")}
    env["PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"] = str(CHUNK_SIZE)
    with tempfile.TemporaryDirectory(prefix="gongkai-pagefind-") as empty:
        version = subprocess.run([str(binary), "--version"], cwd=empty, env=env, capture_output=True, text=True, check=False)
        if version.stdout.strip() != EXPECTED_VERSION:
            raise SearchError(f"Pagefind 版本不对：需要 {EXPECTED_VERSION}，实际是“{version.stdout.strip() or version.stderr.strip()}”。")
        done = subprocess.run(
            [str(binary), "--site", str(site_root.resolve()), *where],
            cwd=empty,
            env=env,
            preexec_fn=(lambda: os.nice(10)) if output is not None else None,
            capture_output=True,
            text=True,
            check=False,
        )
    log = done.stdout + done.stderr
    if done.returncode != 0:
        raise SearchError(f"Pagefind 建立搜索索引失败（退出码 {done.returncode}）：{log.strip()[-500:]}")
    pages = _number(r"Indexed (\d+) pages?", log)
    report = SearchReport(pages, _number(r"Indexed (\d+) words?", log), _number(r"Indexed (\d+) filters?", log), _language(log))
    if report.pages != expected_pages:
        raise SearchError(f"搜索索引收录了 {report.pages} 个页面，应为 {expected_pages} 个公开条目页面。为防止收录错误，已停止。")
    if expected_pages and report.language != "zh-cn":
        raise SearchError(f"搜索索引的语言是“{report.language}”，应为 zh-cn（页面须有 lang=\"zh-CN\"）。")
    if (bundle / "playground").exists():
        raise SearchError("搜索包中出现了 playground 调试页面，不应发布。")
    if expected_pages:
        try:
            # The preview's background index stays in one process, as Pagefind stays at low priority.
            write_word_lists(bundle, jobs=1 if output is not None else None)
        except (OSError, ValueError, KeyError, IndexError, TypeError) as error:
            raise SearchError(f"读取 Pagefind 生成的索引失败，无法生成搜索词表（{type(error).__name__}: {error}）。请确认 Pagefind 为 1.5.2 版。") from None
    return report


def _number(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    return int(match.group(1)) if match else 0


def _language(text: str) -> str:
    match = re.search(r"Discovered \d+ languages?: ([\w-]+)", text)
    return match.group(1) if match else ""
