"""The peer the build targets are set against: Hugo (Debian's ``hugo``) plus the Pagefind CLI, on
the same corpus. The public items become a Hugo site with a single and a list layout that show
what gongkai's pages show in essence (title, date, column, body marked for Pagefind)."""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import time
from pathlib import Path

SINGLE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><nav><a href="{{ "/" | relURL }}">首页</a> › <a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></nav>
<main data-pagefind-body><h1>{{ .Title }}</h1><table><tr><th>发布日期</th><td>{{ .Date.Format "2006-01-02" }}</td></tr>
<tr><th>索引号</th><td>{{ .Params.index_no }}</td></tr></table>{{ .Content }}</main></body></html>
"""
LIST = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul></body></html>
"""
_FIELD = re.compile(r"^(title|published|index_no|catalogue|disclosure): (.*)$", re.M)


def hugo_site(corpus: Path, dest: Path) -> int:
    """Write the corpus's public items as a Hugo site under ``dest``; returns how many."""
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "layouts/_default").mkdir(parents=True)
    (dest / "layouts/_default/single.html").write_text(SINGLE, encoding="utf-8")
    (dest / "layouts/_default/list.html").write_text(LIST, encoding="utf-8")
    (dest / "layouts/index.html").write_text(LIST, encoding="utf-8")
    (dest / "config.toml").write_text('baseURL = "/"\ntitle = "基准镇人民政府"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n', encoding="utf-8")
    count = 0
    for path in sorted((corpus / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        fields = dict(_FIELD.findall(front))
        if fields.get("disclosure") != "主动公开":
            continue
        section = fields["catalogue"].replace("/", "-")
        folder = dest / "content" / section
        if not folder.exists():
            folder.mkdir(parents=True)
            (folder / "_index.md").write_text(f"---\ntitle: {section}\n---\n", encoding="utf-8")
        title = fields["title"].replace('"', "'")
        (folder / path.name).write_text(f'---\ntitle: "{title}"\ndate: {fields["published"]}\nindex_no: {fields.get("index_no", "")}\n---\n{body}', encoding="utf-8")
        count += 1
    return count


def pagefind_binary() -> str:
    from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]

    return str(get_executable())


# The Pagefind CLI's memory grows with the page count (about 0.3 MB a page): at 100,000 pages it
# would take more than the machine has, and the kernel's out-of-memory killer picks its victim
# among all processes.  So it runs under an address-space limit, and fails alone.
MEMORY_LIMIT = int(0.8 * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


class PeerFailed(Exception):
    """The peer could not build the site: how far it got."""


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_peer(site: Path, search: bool) -> tuple[float, float]:
    """Seconds of ``hugo`` and of ``pagefind`` (0 without search) on a Hugo site, each its own
    process; ``PeerFailed`` when Pagefind fails (out of memory, under ``MEMORY_LIMIT``)."""
    public = site / "public"
    shutil.rmtree(public, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(["hugo", "--quiet", "--source", str(site), "--destination", str(public)], check=True)
    hugo = time.perf_counter() - start
    if not search:
        return hugo, 0.0
    start = time.perf_counter()
    done = subprocess.run([pagefind_binary(), "--site", str(public), "--quiet"], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_limited)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        # Rust's message (memory allocation of … failed, or a panic) comes before the backtrace note.
        reason = next((line for line in said if "memory" in line or "panicked" in line), said[0] if said else "no message")
        raise PeerFailed(f"Hugo {hugo:.1f} s, then the Pagefind CLI failed after {seconds:.0f} s under a {MEMORY_LIMIT / 2**30:.0f} GiB limit (exit {done.returncode}: {reason[:200]})")
    return hugo, seconds


def available() -> bool:
    return shutil.which("hugo") is not None
