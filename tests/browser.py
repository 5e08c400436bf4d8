"""Real headless Chromium (Debian's, driven by Playwright) against a build served on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags Chromium floods the closed network at every start.
# Pages link out (the 党政机关网站标识 image is served by its issuer): the test browser resolves no
# name but the local server's, so a page never waits on the network.
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


class _SubPath(SimpleHTTPRequestHandler):
    """Serves a folder only under ``prefix``, as a county portal's sub-path would."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        parsed = urlparse(path).path
        if not parsed.startswith(self.prefix):
            return "/nonexistent-outside-prefix"
        return super().translate_path("/" + parsed[len(self.prefix) :])

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path, prefix: str = "/xxgk/") -> Iterator[str]:
    """Serve ``folder`` at ``http://127.0.0.1:PORT{prefix}``; yields that URL."""
    handler = type("Handler", (_SubPath,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[object]:
    """A Playwright browser on the system Chromium (skips the test when it is not installed)."""
    if not Path(CHROMIUM).exists():
        # CI sets GONGKAI_REQUIRE_BROWSER: there a missing browser is a failure, not a skip.
        if os.environ.get("GONGKAI_REQUIRE_BROWSER"):
            pytest.fail("Debian chromium is required but not installed")
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
