"""Helpers that build small sites inline, the way a clerk would lay them out."""

from __future__ import annotations

import hashlib
import socket
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def s3_host(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Any]]:
    """An S3-compatible server (moto's server mode) on a local port with one bucket; yields the
    --to URL and a client for looking at the bucket."""
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    from generator.publish.object_storage import ACCESS_VAR, SECRET_VAR

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    monkeypatch.setenv(ACCESS_VAR, "gongkai-test-key")
    monkeypatch.setenv(SECRET_VAR, "gongkai-test-secret")
    endpoint = f"http://127.0.0.1:{port}"
    # moto keeps its buckets in the process, across servers: each test starts from none.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=30).close()
    client = boto3.client("s3", endpoint_url=endpoint, region_name="cn-north-1", aws_access_key_id="gongkai-test-key", aws_secret_access_key="gongkai-test-secret")
    client.create_bucket(Bucket="county-site", CreateBucketConfiguration={"LocationConstraint": "cn-north-1"})
    try:
        yield f"s3://county-site/xxgk/qingshan?endpoint={endpoint}&region=cn-north-1", client
    finally:
        server.stop()
