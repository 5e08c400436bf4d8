"""The built sample site served from a sub-path over real HTTP, crawled: no broken link or asset."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

PREFIX = "/xxgk/qingshan/"


class _SubPathHandler(SimpleHTTPRequestHandler):
    """Serves the build folder only under PREFIX, as a county portal would."""

    def translate_path(self, path: str) -> str:
        parsed = urlparse(path).path
        if not parsed.startswith(PREFIX):
            return "/nonexistent-outside-prefix"
        return super().translate_path("/" + parsed[len(PREFIX) :])

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.links.append(value)


@pytest.fixture(scope="module")
def served(sample_build: Path) -> Iterator[tuple[str, Path]]:
    out = sample_build
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_SubPathHandler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}", out
    finally:
        server.shutdown()
        server.server_close()


def test_crawl_from_sub_path_finds_no_broken_link(served: tuple[str, Path]) -> None:
    root, out = served
    start = root + "index.html"
    seen: set[str] = set()
    queue = [start, root + "404.html"]
    broken: list[str] = []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read()
                kind = response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            broken.append(f"{url} → {exc.code}")
            continue
        if kind != "text/html":
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        for link in parser.links:
            target = urldefrag(urljoin(url, link))[0]
            if target.startswith(("mailto:", "tel:")):
                continue
            if not target.startswith(root):
                assert not target.startswith("http://127.0.0.1"), f"{url} links outside the sub-path: {link}"
                continue
            queue.append(target)
    assert not broken, broken
    # Every page and file of the build is reachable by following links from the home page
    # (the search bundle, the synonym table and the 文号/索引号 buckets are fetched by the search page's script: see test_search).
    published = {root + p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and not p.relative_to(out).as_posix().startswith(("pagefind/", "search/ids/", "search/synonyms.json", ".gongkai-build"))}
    unreached = {p for p in published - {unquote(u) for u in seen} if not p.endswith((".xml", "/404.html"))}
    assert not unreached, sorted(unreached)
