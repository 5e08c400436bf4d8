"""The built sample site served from a sub-path over real HTTP, crawled: no broken link or asset."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

import generator.urls as urls
from generator import build_site

from .conftest import REPO

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


@contextmanager
def _serving(out: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_SubPathHandler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def served(sample_build: Path) -> Iterator[tuple[str, Path]]:
    with _serving(sample_build) as root:
        yield root, sample_build


def _crawl(root: str, out: Path) -> None:
    """Follow every link from the home page: none is broken, none leaves the sub-path, and every
    page and file of the build is reached."""
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


def test_crawl_from_sub_path_finds_no_broken_link(served: tuple[str, Path]) -> None:
    _crawl(*served)


def test_a_site_of_many_items_files_them_in_folders_and_every_link_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Above FOLDER_ITEMS public items, no folder may hold them all: pages go to items/<2 hex>/ and
    # attachments to files/<2 hex>/<key>/ (here from the first item, on the sample site).
    monkeypatch.setattr(urls, "FOLDER_ITEMS", 0)
    out = build_site(REPO, tmp_path / "build", search=False).out_dir
    for folder in ("items", "files"):
        assert all(entry.is_dir() and re.fullmatch("[0-9a-f]{2}", entry.name) for entry in (out / folder).iterdir()), folder
    records = json.loads((out / "catalogue.json").read_text(encoding="utf-8"))["items"]
    assert records and all(re.fullmatch(r"items/[0-9a-f]{2}/[^/]+\.html", r["url"]) for r in records)
    assert list((out / "files").glob("*/*/*.csv"))  # the annual report's tables, among its item's files
    with _serving(out) as root:
        _crawl(root, out)
