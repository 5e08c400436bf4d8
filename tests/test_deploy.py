"""``gongkai deploy`` against real servers on 127.0.0.1: a folder, pyftpdlib's FTP server and
OpenSSH's sshd (SFTP).  The host is listed and downloaded through the protocol itself."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import UsageError, build_site
from generator.publish.deploy import MANIFEST, deploy
from generator.publish.targets import KEY_VAR, KNOWN_HOSTS_VAR, PASSWORD_VAR, RsyncTarget, Target, open_target
from generator.stamp import STAMP
from tests.conftest import REPO, free_port, item
from tests.test_leak import _decoded, _strings, output_texts

sys.path.insert(0, str(REPO / "bench"))
from corpus import generate

NOTICE = item("title: 秋季防火通知\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-10-01\nattachments: [fire.txt]", "进山不带火种。")
CHANGING = item("title: 停水通知\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-10-02", "十月三日停水。")
WITHDRAWN = item("title: 道路施工公告WDCANARY\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-10-03\nattachments: [road.txt]", "施工路段WDBODY。")
UNRELATED = {"portal.html": b"<p>county portal</p>", "other/keep.txt": b"not ours"}


def _site(make_site: Callable[..., Path]) -> Path:
    return make_site({
        "content/notices/fire.md": NOTICE,
        "content/notices/fire.txt": "防火须知",
        "content/notices/water.md": CHANGING,
        "content/notices/road.md": WITHDRAWN,
        "content/notices/road.txt": "施工附件WDATTACH",
    })


def download(target: Target, folder: str = "") -> dict[str, bytes]:
    """Every file on the host, listed and fetched through the target's protocol."""
    if isinstance(target, RsyncTarget):  # one rsync run rather than an SSH connection per file
        local = Path(tempfile.mkdtemp(prefix="rsync-download-"))
        subprocess.run(["rsync", "-e", target.ssh, "-r", target.remote, f"{local}/"], check=True, capture_output=True)
        return {p.relative_to(local).as_posix(): p.read_bytes() for p in local.rglob("*") if p.is_file()}
    found: dict[str, bytes] = {}
    for name in sorted(target.names(folder) or ()):
        path = f"{folder}/{name}" if folder else name
        if target.names(path) is not None:
            found.update(download(target, path))
        else:
            data = target.read(path)
            assert data is not None, path
            found[path] = data
    return found


@pytest.fixture
def ftp_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """pyftpdlib on 127.0.0.1 with one account; yields the --to URL and the folder it serves."""
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import FTPServer

    home = tmp_path / "ftp-home"
    (home / "xxgk").mkdir(parents=True)
    authorizer = DummyAuthorizer()
    authorizer.add_user("clerk", "s3cret-pw", str(home), perm="elradfmwMT")
    handler = type("Handler", (FTPHandler,), {"authorizer": authorizer, "banner": "test", "encoding": "utf-8"})
    server = FTPServer(("127.0.0.1", 0), handler)
    port = server.socket.getsockname()[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"timeout": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setenv(PASSWORD_VAR, "s3cret-pw")
    try:
        yield f"ftp://clerk@127.0.0.1:{port}/xxgk", home / "xxgk"
    finally:
        server.close_all()


@pytest.fixture
def sftp_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """OpenSSH's sshd on 127.0.0.1 (key login, internal-sftp); yields the --to URL and its folder."""
    sshd = shutil.which("sshd") or "/usr/sbin/sshd"
    if not Path(sshd).exists() or os.geteuid() != 0:
        if os.environ.get("CI") or os.environ.get("GONGKAI_REQUIRE_BROWSER"):
            pytest.fail("OpenSSH sshd (Debian openssh-server) is required here and must run as root")
        pytest.skip("sshd is not installed (.ci/run installs openssh-server)")
    keys = tmp_path / "keys"
    keys.mkdir()
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)], check=True)
    (keys / "authorized_keys").write_bytes((keys / "client.pub").read_bytes())
    os.chmod(keys / "authorized_keys", 0o600)
    port = free_port()
    (keys / "known_hosts").write_text(f"[127.0.0.1]:{port} {(keys / 'host.pub').read_text().split(' ', 2)[0]} {(keys / 'host.pub').read_text().split(' ', 2)[1]}\n")
    config = keys / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host'}\nAuthorizedKeysFile {keys / 'authorized_keys'}\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nStrictModes no\n"
        "UsePAM no\nPidFile none\nSubsystem sftp internal-sftp\nMaxStartups 100:30:200\n"
    )
    Path("/run/sshd").mkdir(exist_ok=True)
    process = subprocess.Popen([sshd, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    home = tmp_path / "sftp-home"
    home.mkdir()
    monkeypatch.setenv(KEY_VAR, str(keys / "client"))
    monkeypatch.setenv(KNOWN_HOSTS_VAR, str(keys / "known_hosts"))
    monkeypatch.delenv(PASSWORD_VAR, raising=False)
    try:
        yield f"sftp://root@127.0.0.1:{port}{home}", home
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def rsync_host(sftp_host: tuple[str, Path]) -> tuple[str, Path]:
    """rsync over the same sshd (key login)."""
    if shutil.which("rsync") is None:
        if os.environ.get("CI") or os.environ.get("GONGKAI_REQUIRE_BROWSER"):
            pytest.fail("rsync is required here (.ci/run installs it)")
        pytest.skip("rsync is not installed")
    url, home = sftp_host
    return url.replace("sftp://", "rsync+ssh://", 1), home


@pytest.fixture(params=["folder", "ftp", "sftp", "rsync"])
def host(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    if request.param == "folder":
        folder = tmp_path / "mounted-share"
        folder.mkdir()
        return str(folder), folder
    return request.getfixturevalue(f"{request.param}_host")  # type: ignore[no-any-return]


def test_mirror_withdraw_and_change(host: tuple[str, Path], make_site: Callable[..., Path]) -> None:
    to, folder = host
    for rel, data in UNRELATED.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    unrelated_stat = {rel: (folder / rel).stat().st_mtime_ns for rel in UNRELATED}
    site = _site(make_site)
    build_site(site)
    first = deploy(site / "build", to)
    built = {p.relative_to(site / "build").as_posix(): p.read_bytes() for p in (site / "build").rglob("*") if p.is_file()}
    assert set(first.plan.uploads) == set(built) - {STAMP} and not first.plan.deletions

    # Withdraw one item, change another, deploy again.
    (site / "content/notices/road.md").write_text(WITHDRAWN.replace("disclosure: 主动公开", "disclosure: 不予公开\nexempt_reason: internal-affairs"), encoding="utf-8")
    (site / "content/notices/water.md").write_text(CHANGING.replace("十月三日停水", "十月五日停水"), encoding="utf-8")
    build_site(site)
    second = deploy(site / "build", to)
    target = open_target(to)
    try:
        hosted = download(target)
    finally:
        target.close()
    new = {p.relative_to(site / "build").as_posix(): p.read_bytes() for p in (site / "build").rglob("*") if p.is_file() and p.name != STAMP}
    # The host holds exactly the new build, its manifest and the files that were there before.
    assert set(hosted) == set(new) | set(UNRELATED) | {MANIFEST}
    assert all(hosted[p] == data for p, data in new.items())
    assert all(hosted[rel] == data for rel, data in UNRELATED.items())
    assert all((folder / rel).stat().st_mtime_ns == unrelated_stat[rel] for rel in UNRELATED)
    manifest = json.loads(hosted[MANIFEST])["files"]
    assert set(manifest) == set(new) and None not in manifest.values()
    # The withdrawn item is gone everywhere: pages, attachment, exports, every search file.
    assert "items/road.html" in second.plan.deletions and "files/road/road.txt" in second.plan.deletions
    local = folder.parent / "downloaded"
    for rel, data in hosted.items():
        (local / rel).parent.mkdir(parents=True, exist_ok=True)
        (local / rel).write_bytes(data)
    for rel, text in output_texts(local).items():
        for canary in ("WDCANARY", "WDBODY", "WDATTACH", "道路施工"):
            assert canary not in text, (rel, canary)
    for path in (local / "pagefind").rglob("*"):
        if path.suffix in (".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter"):
            assert not any("WD" in s or "道路施工" in s for s in _strings(_decoded(path))), path
    # The changed page is new; unchanged pages were not uploaded again.
    assert "十月五日停水" in hosted["items/water.html"].decode("utf-8")
    assert "items/water.html" in second.plan.uploads
    assert "items/fire.html" not in second.plan.uploads and "files/fire/fire.txt" in second.plan.unchanged
    # A third deploy of the same build changes nothing.
    third = deploy(site / "build", to)
    assert not third.plan.uploads and not third.plan.deletions


def test_refusals(make_site: Callable[..., Path], tmp_path: Path, gongkai: Callable[..., tuple[int, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    site = _site(make_site)
    share = tmp_path / "share"
    share.mkdir()
    code, output = gongkai("deploy", str(site), "--to", str(share))
    assert code == 2 and "请先运行 gongkai build" in output
    build_site(site, search=False)
    code, output = gongkai("deploy", str(site), "--to", str(share))
    assert code == 2 and "--no-search" in output
    build_site(site)
    (site / "build/items/fire.html").write_text("tampered", encoding="utf-8")
    code, output = gongkai("deploy", str(site), "--to", str(share))
    assert code == 2 and "被改动或不完整" in output and "items/fire.html" in output
    build_site(site)  # the no-change path notices the tampered output and rebuilds
    (share / "index.html").write_text("the county's own page", encoding="utf-8")
    code, output = gongkai("deploy", str(site), "--to", str(share))
    assert code == 2 and "不是本站发布的" in output and "index.html" in output
    assert (share / "index.html").read_text(encoding="utf-8") == "the county's own page" and not (share / MANIFEST).exists()
    (share / "index.html").unlink()
    code, output = gongkai("deploy", str(site), "--to", "ftp://clerk:pw@127.0.0.1/xxgk")
    assert code == 2 and "不要把密码写在 --to 里" in output
    monkeypatch.delenv(PASSWORD_VAR, raising=False)
    code, output = gongkai("deploy", str(site), "--to", "ftp://clerk@127.0.0.1/xxgk")
    assert code == 2 and PASSWORD_VAR in output
    code, output = gongkai("deploy", str(site), "--to", str(share), "--dry-run")
    assert code == 0 and "将上传" in output and "  上传 items/fire.html" in output and list(share.iterdir()) == []


def test_killed_deploy_is_finished_by_the_next(ftp_host: tuple[str, Path], tmp_path: Path) -> None:
    to, folder = ftp_host
    site = generate(tmp_path / "site", 300)
    build_site(site)
    old = {p.relative_to(site / "build").as_posix(): p.read_bytes() for p in (site / "build").rglob("*.html")}
    deploy(site / "build", to)
    # A new site name changes every page; the deploy is killed while it replaces them.
    settings = site / "content/_site.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("基准镇人民政府", "基准镇人民政府（新）"), encoding="utf-8")
    build_site(site)
    new = {p.relative_to(site / "build").as_posix(): p.read_bytes() for p in (site / "build").rglob("*.html")}
    env = {**os.environ, PASSWORD_VAR: "s3cret-pw"}
    process = subprocess.Popen([sys.executable, "-m", "generator", "deploy", str(site), "--to", to, "-q"], env=env)
    deadline = time.monotonic() + 60
    replaced = 0
    while time.monotonic() < deadline and replaced < 50:
        replaced = sum(1 for rel, data in new.items() if (folder / rel).is_file() and (folder / rel).read_bytes() == data and old.get(rel) != data)
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert None in manifest.values(), "the deploy finished before it could be interrupted"
    # Every page on the host is whole: the old version or the new one, never a mix or a fragment.
    for rel in new:
        data = (folder / rel).read_bytes() if (folder / rel).is_file() else None
        assert data in (old.get(rel), new[rel]), rel
    assert 50 <= sum((folder / rel).read_bytes() == new[rel] for rel in new) < len(new)
    # The next run finishes the work.
    result = deploy(site / "build", to)
    assert result.plan.uploads
    for rel, data in new.items():
        assert (folder / rel).read_bytes() == data, rel
    assert not [p for p in folder.rglob("*") if p.name.endswith(".gongkai-upload")]
    assert None not in json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"].values()


def test_new_site_has_ci_workflows_that_check_build_and_deploy_main(tmp_path: Path, gongkai: Callable[..., tuple[int, str]]) -> None:
    import yaml

    site = tmp_path / "镇网站"
    assert gongkai("new", str(site))[0] == 0
    github = yaml.safe_load((site / ".github/workflows/gongkai.yml").read_text(encoding="utf-8"))
    steps = github["jobs"]["site"]["steps"]
    runs = [s.get("run", "") for s in steps]
    assert runs.index("gongkai check") < runs.index("gongkai build") < next(n for n, r in enumerate(runs) if r.startswith("gongkai deploy"))
    deploy_step = next(s for s in steps if s.get("run", "").startswith("gongkai deploy"))
    assert "refs/heads/main" in deploy_step["if"] and deploy_step["env"]["GONGKAI_DEPLOY_PASSWORD"] == "${{ secrets.GONGKAI_DEPLOY_PASSWORD }}"
    assert steps[0]["with"]["fetch-depth"] == 0
    assert set(github[True]) == {"push", "pull_request", "schedule"}  # YAML 1.1 reads the key "on" as true
    # A daily rebuild publishes scheduled items on their day and ends periods without anyone pushing.
    assert github[True]["schedule"] == [{"cron": "10 16 * * *"}] and "schedule" in deploy_step["if"]
    gitlab = yaml.safe_load((site / ".gitlab-ci.yml").read_text(encoding="utf-8"))["gongkai"]
    assert gitlab["script"][1:3] == ["gongkai check", "gongkai build"] and "CI_DEFAULT_BRANCH" in gitlab["script"][3]
    assert {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'} in gitlab["rules"]
    gitee = yaml.safe_load((site / ".workflow/gongkai.yml").read_text(encoding="utf-8"))
    commands = gitee["stages"][0]["steps"][0]["commands"]
    assert commands[1:3] == ["gongkai check", "gongkai build"] and "gongkai deploy" in commands[-1]
    assert "pr" in gitee["triggers"] and "push" in gitee["triggers"]
    # No credentials in any file the site keeps in git.
    for path in site.rglob("*"):
        if path.is_file():
            assert "s3cret" not in path.read_text(encoding="utf-8", errors="replace")
    readme = (site / "README.md").read_text(encoding="utf-8")
    assert "git push" in readme and "CI 显示红叉" in readme and "密码不要写进任何文件" in readme


def test_last_updated_comes_from_commit_dates_only(make_site: Callable[..., Path]) -> None:
    site = _site(make_site)
    env = {**os.environ, "GIT_AUTHOR_NAME": "张三", "GIT_AUTHOR_EMAIL": "zhangsan@example.com", "GIT_COMMITTER_NAME": "张三", "GIT_COMMITTER_EMAIL": "zhangsan@example.com"}

    def git(*args: str, date: str = "") -> None:
        extra = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {}
        subprocess.run(["git", *args], cwd=site, env={**env, **extra}, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "初始", date="2026-10-20T10:00:00+08:00")
    (site / "content/notices/water.md").write_text(CHANGING.replace("十月三日", "十月六日"), encoding="utf-8")
    git("commit", "-q", "-am", "改停水时间", date="2026-11-02T09:00:00+08:00")
    build_site(site, search=False)
    water = (site / "build/items/water.html").read_text(encoding="utf-8")
    fire = (site / "build/items/fire.html").read_text(encoding="utf-8")
    assert '最后更新：<time datetime="2026-11-02">2026-11-02</time>' in water
    # Added once and never changed: no 最后更新, whatever day it entered git.
    assert "最后更新" not in fire
    # Moved to another folder unchanged: the document was not altered, and the page does not say so.
    (site / "content/moved").mkdir()
    git("mv", "content/notices/fire.md", "content/notices/fire.txt", "content/moved/")
    git("commit", "-q", "-m", "整理目录", date="2026-11-10T09:00:00+08:00")
    build_site(site, search=False)
    assert "最后更新" not in (site / "build/items/fire.html").read_text(encoding="utf-8")
    assert '最后更新：<time datetime="2026-11-02">' in (site / "build/items/water.html").read_text(encoding="utf-8")
    for path in (site / "build").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert "张三".encode() not in data and b"zhangsan" not in data, path
    # Outside git nothing is known of later changes: the 发布日期 alone is shown.
    shutil.rmtree(site / ".git")
    build_site(site, search=False)
    assert "最后更新" not in (site / "build/items/water.html").read_text(encoding="utf-8")


def test_upload_order_keeps_every_page_whole(make_site: Callable[..., Path]) -> None:
    from generator.publish.deploy import make_plan
    from generator.stamp import read_stamp

    site = _site(make_site)
    build_site(site)
    stamp = read_stamp(site / "build")
    assert stamp is not None
    # The host has an older version of some files: one page and one asset changed, the rest is new.
    published: dict[str, str | None] = {"items/fire.html": "old", "assets/style.css": "old", "items/gone.html": "old"}
    plan = make_plan(site / "build", stamp, published)
    rank = {path: n for n, path in enumerate(plan.uploads)}
    pages_new = [rank[p] for p in plan.uploads if p.endswith(".html") and p not in published]
    pages_changed = [rank["items/fire.html"]]
    chunks = [rank[p] for p in plan.uploads if re.match(r"pagefind/(fragment|index|filter)/|files/|assets/", p)]
    words = [rank[p] for p in plan.uploads if p.startswith("pagefind/gongkai-words/")]
    # The search index's entry names its metadata, which names its chunks and fragments.
    index_top = [rank[p] for p in plan.uploads if re.fullmatch(r"pagefind/[^/]+", p)]
    entries = [rank[p] for p in ("pagefind/pagefind-entry.json", "catalogue.json", "sitemap.xml", "feed.xml")] + words + index_top
    assert any(p.endswith(".pf_meta") for p in plan.uploads)
    assert chunks and pages_new and len(words) == 256
    assert max(chunks) < min(pages_new) and max(pages_new) < min(pages_changed) and max(pages_changed) < min(entries)
    assert plan.deletions == ("items/gone.html",)
    # The entry switches searches to the new index: every file it names (the metadata, the date
    # order) is on the host before it.
    named = [rank[p] for p in plan.uploads if re.fullmatch(r"pagefind/(pagefind\.[^/]+\.pf_meta|gongkai-sorts\.[^/]+)", p)]
    assert len(named) == 2 and max(named) < rank["pagefind/pagefind-entry.json"]
    # So do the 文号/索引号 lookups, which name the items' pages: a lookup never leads to a page not yet there.
    lookups = [rank[p] for p in plan.uploads if p.startswith("search/ids/")]
    assert lookups and max(pages_changed) < min(lookups)


def test_a_manifest_path_out_of_the_target_is_never_followed(host: tuple[str, Path], make_site: Callable[..., Path]) -> None:
    to, folder = host
    site = _site(make_site)
    build_site(site)
    beside = folder.parent / "county-index.html"
    beside.write_text("the county's page", encoding="utf-8")
    deploy(site / "build", to)
    # Entries that climb out of the target or are not plain paths (a hand edit, another tool).
    for bad in ("../county-index.html", "items/../../county-index.html", "/etc/passwd", "a\\..\\b", "items//x.html"):
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        manifest["files"][bad] = "0" * 64
        (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        with pytest.raises(UsageError, match="目标目录之外"):
            deploy(site / "build", to)
        assert beside.read_text(encoding="utf-8") == "the county's page"
        del manifest["files"][bad]
        (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert not deploy(site / "build", to).plan.deletions


def test_deploy_stays_inside_its_target(make_site: Callable[..., Path], tmp_path: Path, gongkai: Callable[..., tuple[int, str]]) -> None:
    site = _site(make_site)
    build_site(site)
    share = tmp_path / "share" / "xxgk"
    share.mkdir(parents=True)
    assert gongkai("deploy", str(site), "--to", str(share))[0] == 0
    # A folder of the target linked elsewhere is not written through.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(share / "files")
    (share / "files").symlink_to(elsewhere, target_is_directory=True)
    (site / "content/notices/fire.txt").write_text("防火须知（修订）", encoding="utf-8")
    build_site(site)
    code, output = gongkai("deploy", str(site), "--to", str(share))
    assert code == 2 and "符号链接" in output and list(elsewhere.iterdir()) == []


def test_one_site_is_not_deployed_over_another(make_site: Callable[..., Path], tmp_path: Path, gongkai: Callable[..., tuple[int, str]]) -> None:
    first = _site(make_site)
    build_site(first)
    share = tmp_path / "share"
    share.mkdir()
    assert gongkai("deploy", str(first), "--to", str(share))[0] == 0
    first_pages = {p.relative_to(share).as_posix(): p.read_bytes() for p in share.rglob("*") if p.is_file()}
    other = make_site({"content/notices/a.md": NOTICE.replace("秋季防火通知", "东湖镇通知"), "content/notices/fire.txt": "x"}, site_yml="name: 东湖镇人民政府\nkind: township\norg_code: 113412000032195595\n")
    build_site(other)
    code, output = gongkai("deploy", str(other), "--to", str(share))
    assert code == 2 and "另一个站点" in output and "测试镇人民政府" in output and "--replace-site" in output
    assert {p.relative_to(share).as_posix(): p.read_bytes() for p in share.rglob("*") if p.is_file()} == first_pages
    code, output = gongkai("deploy", str(other), "--to", str(share), "--replace-site")
    assert code == 0, output
    assert "东湖镇人民政府" in (share / "index.html").read_text(encoding="utf-8")
    assert json.loads((share / MANIFEST).read_text(encoding="utf-8"))["site"].endswith("东湖镇人民政府")


def test_a_same_size_edit_of_the_build_is_refused(make_site: Callable[..., Path], tmp_path: Path, gongkai: Callable[..., tuple[int, str]]) -> None:
    site = _site(make_site)
    build_site(site)
    page = site / "build/items/fire.html"
    data = page.read_bytes()
    at = data.index("进山".encode())
    page.write_bytes(data[:at] + "禁止".encode() + data[at + len("进山".encode()) :])
    assert page.stat().st_size == len(data)
    share = tmp_path / "share"
    share.mkdir()
    code, output = gongkai("deploy", str(site), "--to", str(share))
    assert code == 2 and "items/fire.html" in output and list(share.iterdir()) == []


def test_object_storage_mirrors_withdraws_and_leaves_others_alone(s3_host: tuple[str, Any], make_site: Callable[..., Path]) -> None:
    to, client = s3_host
    # What others keep in the bucket: the county's portal, and another township's folder.
    others = {"xxgk/index.html": b"<p>county portal</p>", "xxgk/donghu/index.html": b"<p>donghu</p>", "xxgk/qingshan-old.txt": b"not ours"}
    for key, data in others.items():
        client.put_object(Bucket="county-site", Key=key, Body=data)
    site = _site(make_site)
    build_site(site)
    first = deploy(site / "build", to)
    built = {p.relative_to(site / "build").as_posix() for p in (site / "build").rglob("*") if p.is_file()}
    assert set(first.plan.uploads) == built - {STAMP}
    head = client.head_object(Bucket="county-site", Key="xxgk/qingshan/items/fire.html")
    assert head["ContentType"] == "text/html; charset=utf-8"
    assert client.head_object(Bucket="county-site", Key="xxgk/qingshan/catalogue.json")["ContentType"] == "application/json; charset=utf-8"
    (site / "content/notices/road.md").write_text(WITHDRAWN.replace("disclosure: 主动公开", "disclosure: 不予公开\nexempt_reason: internal-affairs"), encoding="utf-8")
    (site / "content/notices/water.md").write_text(CHANGING.replace("十月三日停水", "十月五日停水"), encoding="utf-8")
    build_site(site)
    second = deploy(site / "build", to)
    assert "items/road.html" in second.plan.deletions and "items/fire.html" not in second.plan.uploads and "items/water.html" in second.plan.uploads
    keys = {obj["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket="county-site") for obj in page.get("Contents", [])}
    ours = {k.removeprefix("xxgk/qingshan/") for k in keys if k.startswith("xxgk/qingshan/")}
    new = {p.relative_to(site / "build").as_posix() for p in (site / "build").rglob("*") if p.is_file() and p.name != STAMP}
    assert ours == new | {MANIFEST}
    for key, data in others.items():
        assert client.get_object(Bucket="county-site", Key=key)["Body"].read() == data, key
    assert "十月五日停水" in client.get_object(Bucket="county-site", Key="xxgk/qingshan/items/water.html")["Body"].read().decode("utf-8")
    for key in keys:
        if key.startswith("xxgk/qingshan/"):
            data = client.get_object(Bucket="county-site", Key=key)["Body"].read()
            data = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
            assert b"WDCANARY" not in data and "道路施工".encode() not in data, key
    assert not deploy(site / "build", to).plan.uploads


def test_object_storage_addresses_and_refusals(monkeypatch: pytest.MonkeyPatch, gongkai: Callable[..., tuple[int, str]], make_site: Callable[..., Path]) -> None:
    pytest.importorskip("boto3")
    from generator.publish.object_storage import ACCESS_VAR, SECRET_VAR, ObjectStorageTarget

    monkeypatch.setenv(ACCESS_VAR, "k")
    monkeypatch.setenv(SECRET_VAR, "s")
    oss = ObjectStorageTarget("oss://yicheng-xxgk/qingshan?region=cn-hangzhou")
    assert oss.client.meta.endpoint_url == "https://oss-cn-hangzhou.aliyuncs.com" and oss.root == "qingshan"
    cos = ObjectStorageTarget("cos://yicheng-1250000000/xxgk?region=ap-guangzhou")
    assert cos.client.meta.endpoint_url == "https://cos.ap-guangzhou.myqcloud.com"
    site = _site(make_site)
    build_site(site)
    for to, said in (
        ("oss://yicheng-xxgk/qingshan", "缺少地域"),
        ("s3://bucket/xxgk", "缺少服务地址"),
        ("oss://key:secret@yicheng-xxgk/x?region=cn-hangzhou", "不要把密钥写在 --to 里"),
    ):
        code, output = gongkai("deploy", str(site), "--to", to)
        assert code == 2 and said in output and "Traceback" not in output, (to, output)
    monkeypatch.delenv(SECRET_VAR)
    code, output = gongkai("deploy", str(site), "--to", "cos://b-1250000000/x?region=ap-guangzhou")
    assert code == 2 and SECRET_VAR in output
