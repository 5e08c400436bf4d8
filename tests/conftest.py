"""Helpers that build small sites inline, the way a clerk would lay them out."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app

REPO = Path(__file__).resolve().parent.parent

SITE_YML = """name: 测试镇人民政府
kind: township
org_code: 11341200003219540W
identity:
  site_code: "3412000001"
  sponsor: 测试镇人民政府
"""

POLICY = """---
title: 关于印发测试办法的通知
id: rules-2024
catalogue: statutory/policy-docs
disclosure: 主动公开
published: 2024-03-01
doc_no: 测政发〔2024〕1号
---
正文第一段。
"""


def write_site(root: Path, files: dict[str, str | bytes], site_yml: str | None = SITE_YML) -> Path:
    """Write ``files`` (paths relative to the site) and a default ``content/_site.yml``."""
    if site_yml is not None and "content/_site.yml" not in files:
        files = {"content/_site.yml": site_yml, **files}
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


def item(front: str, body: str = "正文。") -> str:
    """An item file from front-matter lines."""
    return f"---\n{front.strip()}\n---\n{body}\n"


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """``make_site({"content/a.md": ...})`` → a site folder under ``tmp_path``."""
    counter = iter(range(1000))

    def make(files: dict[str, str | bytes], site_yml: str | None = SITE_YML) -> Path:
        return write_site(tmp_path / f"site{next(counter)}", files, site_yml)

    return make


@pytest.fixture
def gongkai() -> Callable[..., tuple[int, str]]:
    """Run the CLI in-process; returns (exit code, stdout + stderr)."""
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        return result.exit_code, result.output

    return run


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site in content/, built once for the whole test session (tests only read it)."""
    from generator import build_site

    out = tmp_path_factory.mktemp("sample") / "build"
    build_site(REPO, out)
    return out
