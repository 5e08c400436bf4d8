"""The peer the build targets are set against: Hugo (Debian's ``hugo``) plus the Pagefind CLI, on
the same corpus. The public items become a Hugo site with a single and a list layout that show
what gongkai's pages show in essence (title, date, column, body marked for Pagefind)."""

from __future__ import annotations

import re
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


def run_peer(site: Path, search: bool) -> tuple[float, float]:
    """Seconds of ``hugo`` and of ``pagefind`` (0 without search) on a Hugo site, each its own process."""
    public = site / "public"
    shutil.rmtree(public, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(["hugo", "--quiet", "--source", str(site), "--destination", str(public)], check=True)
    hugo = time.perf_counter() - start
    if not search:
        return hugo, 0.0
    start = time.perf_counter()
    subprocess.run([pagefind_binary(), "--site", str(public), "--quiet"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return hugo, time.perf_counter() - start


def available() -> bool:
    return shutil.which("hugo") is not None
