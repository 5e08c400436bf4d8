"""``gongkai serve`` over real HTTP: files edited the way editors save them, the reload signal,
the error overlay, withheld items and the server's hardening."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from generator.preview.server import SETTLE_SECONDS, Preview
from tests.browser import chromium
from tests.conftest import POLICY, item

SETTLED = SETTLE_SECONDS + 1.0
NOTICE = item("title: 关于秋季防火的通知\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-10-01", "第一段：注意防火。")
SECRET = item("title: 内部会议纪要CANARYTITLE\ncatalogue: other/notices\ndisclosure: 不予公开\nexempt_reason: internal-affairs", "CANARYBODY")


@contextmanager
def running(site: Path, search: bool = False) -> Iterator[Preview]:
    said: list[str] = []
    preview = Preview(site, port=0, say=said.append, search=search)
    preview.start()
    preview.said = said  # type: ignore[attr-defined]
    try:
        yield preview
    finally:
        preview.stop()


def get(preview: Preview, path: str, host: str | None = None) -> tuple[int, str]:
    """GET a path as sent (no client-side normalisation of ``..``)."""
    address = preview.server.server_address
    conn = http.client.HTTPConnection(str(address[0]), int(address[1]), timeout=10)
    conn.putrequest("GET", path, skip_host=True)
    conn.putheader("Host", host or f"127.0.0.1:{address[1]}")
    conn.endheaders()
    response = conn.getresponse()
    body = response.read().decode("utf-8", errors="replace")
    conn.close()
    return response.status, body


def wait_until(condition: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out")


class Events:
    """A real EventSource client: counts the reload events the server sends."""

    def __init__(self, preview: Preview) -> None:
        address = preview.server.server_address
        self.conn = http.client.HTTPConnection(str(address[0]), int(address[1]), timeout=30)
        self.conn.request("GET", f"/__gongkai/events?v={preview.signal.version}", headers={"Host": f"127.0.0.1:{address[1]}"})
        self.response = self.conn.getresponse()
        self.reloads: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for raw in self.response:
                line = raw.decode("utf-8").strip()
                if line.startswith("data: "):
                    self.reloads.append(line[6:])
        except (OSError, ValueError):
            pass


def settle(preview: Preview) -> None:
    """Wait until the rebuild loop has nothing left to do."""
    time.sleep(0.3)
    wait_until(lambda: not preview.collector.event.is_set() and not preview.collector.paths)
    time.sleep(0.2)


def problems(preview: Preview) -> dict[str, Any]:
    return json.loads(get(preview, "/__gongkai/problems.json")[1])  # type: ignore[no-any-return]


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    return make_site({
        "content/notices/fire.md": NOTICE,
        "content/policy/rules.md": POLICY,
        "content/notices/secret.md": SECRET,
    })


def test_edits_the_way_editors_save(site: Path) -> None:
    page = "/items/fire.html"
    with running(site) as preview:
        status, body = get(preview, page)
        assert status == 200 and "注意防火" in body and "/__gongkai/live.js" in body
        # The script is added when the page is sent, never written into the output.
        assert "__gongkai" not in (preview.out / "items/fire.html").read_text(encoding="utf-8")
        events = Events(preview)
        path = site / "content/notices/fire.md"

        # 1. Write in place.
        path.write_text(NOTICE.replace("注意防火", "注意用火安全"), encoding="utf-8")
        wait_until(lambda: "注意用火安全" in get(preview, page)[1])
        settle(preview)
        assert len(events.reloads) == 1

        # 2. vim: a backup by rename, the new file written, the backup deleted (plus its 4913 probe).
        (site / "content/notices/4913").write_text("", encoding="utf-8")
        (site / "content/notices/4913").unlink()
        os.replace(path, site / "content/notices/fire.md~")
        path.write_text(NOTICE.replace("注意防火", "严禁野外用火"), encoding="utf-8")
        (site / "content/notices/fire.md~").unlink()
        wait_until(lambda: "严禁野外用火" in get(preview, page)[1])
        settle(preview)
        assert len(events.reloads) == 2

        # 3. VS Code / gedit: a temporary file renamed over the original.
        temp = site / "content/notices/.goutputstream-ABC123"
        temp.write_text(NOTICE.replace("注意防火", "进山不带火种"), encoding="utf-8")
        os.replace(temp, path)
        wait_until(lambda: "进山不带火种" in get(preview, page)[1])
        settle(preview)
        assert len(events.reloads) == 3

        # 4. Saving without a change and reading every file (as a build does) rebuild nothing.
        path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        for file in (site / "content").rglob("*"):
            if file.is_file():
                file.read_bytes()
        settle(preview)
        assert len(events.reloads) == 3

        # The list page follows the title.
        path.write_text(NOTICE.replace("关于秋季防火的通知", "关于冬季防火的通知"), encoding="utf-8")
        wait_until(lambda: "关于冬季防火的通知" in get(preview, "/other/notices/index.html")[1])


def test_add_move_recatalogue_delete(site: Path) -> None:
    with running(site) as preview:
        new = site / "content/notices/water.md"
        new.write_text(item("title: 停水通知\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-10-05"), encoding="utf-8")
        wait_until(lambda: get(preview, "/items/water.html")[0] == 200)
        assert "停水通知" in get(preview, "/other/notices/index.html")[1]
        # Moved to another folder: the URL stays (it comes from the file name).
        (site / "content/archive").mkdir()
        os.replace(new, site / "content/archive/water.md")
        settle(preview)
        assert get(preview, "/items/water.html")[0] == 200
        # Re-catalogued: it leaves one list and joins another. Both pages are written before the
        # browser is told to reload (a poll between the two writes could see the one but not the other).
        events = Events(preview)
        moved = site / "content/archive/water.md"
        moved.write_text(moved.read_text(encoding="utf-8").replace("other/notices", "statutory/plans"), encoding="utf-8")
        wait_until(lambda: len(events.reloads) == 1)
        assert "停水通知" in get(preview, "/statutory/plans/index.html")[1]
        assert "停水通知" not in get(preview, "/other/notices/index.html")[1]
        # An attachment replaced by a new version is served new.
        (site / "content/archive/plan.txt").write_text("第一版停水安排", encoding="utf-8")
        moved.write_text(moved.read_text(encoding="utf-8").replace("published: 2026-10-05", "published: 2026-10-05\nattachments: [plan.txt]"), encoding="utf-8")
        wait_until(lambda: "第一版停水安排" in get(preview, "/files/water/plan.txt")[1])
        (site / "content/archive/plan.txt").write_text("第二版停水安排", encoding="utf-8")
        wait_until(lambda: "第二版停水安排" in get(preview, "/files/water/plan.txt")[1])
        # Deleted: the page, its attachment and its entry in the catalogue export go.
        moved.unlink()
        wait_until(lambda: get(preview, "/items/water.html")[0] == 404)
        assert "停水通知" not in get(preview, "/catalogue.json")[1]
        assert get(preview, "/files/water/plan.txt")[0] == 404


def test_errors_overlay_and_recovery(site: Path) -> None:
    with running(site) as preview:
        path = site / "content/notices/fire.md"
        path.write_text(NOTICE.replace("published: 2026-10-01", "published: 2026-10-01\n发布日期: 2026/10/02"), encoding="utf-8")
        data = wait_until(lambda: (d := problems(preview))["errors"] and d)
        messages = [f"{p['file']}:{p['line']}" for p in data["problems"] if p["level"] == "错误"]
        assert messages == ["content/notices/fire.md:6"]
        assert data["problems"][0]["level"] == "错误" and "是同一个字段" in data["problems"][0]["message"]
        # The last good build is still served.
        assert "注意防火" in get(preview, "/items/fire.html")[1]
        # A second broken file: every problem is listed at once.
        (site / "content/policy/rules.md").write_text(POLICY.replace("published: 2024-03-01", "published: 2024-13-01"), encoding="utf-8")
        wait_until(lambda: problems(preview)["errors"] == 2)
        # An unreadable disclosure fails closed: its problems stay in the terminal only.
        (site / "content/policy/rules.md").write_text(POLICY.replace("disclosure: 主动公开", "disclosure: 公开"), encoding="utf-8")
        wait_until(lambda: problems(preview)["errors"] == 1 and problems(preview)["hidden"] == 1)
        path.write_text(NOTICE, encoding="utf-8")
        (site / "content/policy/rules.md").write_text(POLICY, encoding="utf-8")
        wait_until(lambda: problems(preview)["errors"] == 0)
        assert "注意防火" in get(preview, "/items/fire.html")[1]


def test_withheld_items_never_reach_the_browser(site: Path) -> None:
    with running(site) as preview:
        secret = site / "content/notices/secret.md"
        # A mistake in a withheld item is only in the terminal: not its path, not its content.
        secret.write_text(SECRET.replace("exempt_reason: internal-affairs", "exempt_reason: CANARYREASON"), encoding="utf-8")
        data = wait_until(lambda: (d := problems(preview))["hidden"] and d)
        assert data["errors"] == 0 and "secret" not in json.dumps(data) and "CANARY" not in json.dumps(data)
        assert any("secret.md" in line for line in preview.said)  # type: ignore[attr-defined]
        # A public item linking to it: the message names no withheld path in the browser.
        fire = site / "content/notices/fire.md"
        fire.write_text(NOTICE + "\n见[纪要](secret.md)。\n", encoding="utf-8")
        data = wait_until(lambda: (d := problems(preview))["errors"] and d)
        assert "secret.md" not in json.dumps(data, ensure_ascii=False) and "某个非公开条目" in json.dumps(data, ensure_ascii=False)
        fire.write_text(NOTICE, encoding="utf-8")
        secret.write_text(SECRET, encoding="utf-8")
        wait_until(lambda: problems(preview)["errors"] == 0 and not problems(preview)["hidden"])
        # Withdrawing a public item removes it from every response at once.
        fire.write_text(NOTICE.replace("disclosure: 主动公开", "disclosure: 不予公开\nexempt_reason: internal-affairs"), encoding="utf-8")
        wait_until(lambda: get(preview, "/items/fire.html")[0] == 404)
        for page in ("/index.html", "/other/notices/index.html", "/catalogue.json", "/feed.xml", "/sitemap.xml"):
            assert "秋季防火" not in get(preview, page)[1], page
        for file in preview.out.rglob("*"):
            if file.is_file():
                assert b"CANARY" not in file.read_bytes() and "秋季防火".encode() not in file.read_bytes()


def test_hardening(site: Path) -> None:
    with running(site) as preview:
        os.symlink("/etc", preview.out / "etc-link")
        (preview.out / ".secret").write_text("x", encoding="utf-8")
        probes = (
            "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/%252e%252e/etc/passwd",
            "//etc/passwd", "/etc-link/passwd", "/.secret", "/items/", "/assets/", "/items\\..\\index.html", "/index.html%00",
        )
        for probe in probes:
            status, body = get(preview, probe)
            assert status == 404 and "root:" not in body, probe
        assert get(preview, "/")[0] == 200
        assert get(preview, "/", host="evil.example")[0] == 403
        assert get(preview, "/", host=f"attacker.example:{preview.server.server_address[1]}")[0] == 403
        assert get(preview, "/", host=f"localhost:{preview.server.server_address[1]}")[0] == 200


def indexed_pages(out: Path) -> int:
    """The pages the preview's search index holds (0 while it is being swapped)."""
    try:
        entry = json.loads((out / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    return sum(lang["page_count"] for lang in entry["languages"].values())


def test_background_search_index(site: Path) -> None:
    with running(site, search=True) as preview:
        wait_until(lambda: indexed_pages(preview.out) == 2, timeout=60)


def test_theme_edit_rebuilds_everything(site: Path) -> None:
    with running(site) as preview:
        templates = site / "themes/default/templates"
        templates.mkdir(parents=True)
        source = Path(__file__).resolve().parent.parent / "themes/default/templates/item.html"
        (templates / "item.html").write_text(source.read_text(encoding="utf-8").replace("</article>", "<p>本镇主题</p></article>"), encoding="utf-8")
        # Every page follows, not only the one edited last (pages are written one after another).
        for page in ("/items/fire.html", "/items/rules-2024.html"):
            wait_until(lambda page=page: "本镇主题" in get(preview, page)[1])


def test_browser_keeps_scroll_and_shows_the_overlay(make_site: Callable[..., Path]) -> None:
    long_body = "\n\n".join(f"第{n}段：防火宣传内容。" for n in range(200))
    site = make_site({"content/notices/fire.md": item("title: 防火通知\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-10-01", long_body)})
    path = site / "content/notices/fire.md"
    with running(site) as preview, chromium() as browser:
        page = browser.new_page(viewport={"width": 1000, "height": 700})  # type: ignore[attr-defined]
        page.goto(preview.url + "items/fire.html")
        page.evaluate("window.scrollTo(0, 2500)")
        path.write_text(path.read_text(encoding="utf-8").replace("第199段", "第一九九段"), encoding="utf-8")
        page.wait_for_function("document.body.textContent.includes('第一九九段')", timeout=10000)
        page.wait_for_function("Math.abs(window.scrollY - 2500) < 50", timeout=5000)
        path.write_text(path.read_text(encoding="utf-8").replace("published: 2026-10-01", "published: 2026-10-32"), encoding="utf-8")
        overlay = page.locator("#gongkai-overlay")
        overlay.wait_for(state="visible", timeout=10000)
        text = overlay.inner_text()
        assert "content/notices/fire.md:5" in text and "2026-10-32" in text
        path.write_text(path.read_text(encoding="utf-8").replace("published: 2026-10-32", "published: 2026-10-01"), encoding="utf-8")
        overlay.wait_for(state="detached", timeout=10000)


def test_command_line_ctrl_c(site: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", str(site), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    try:
        line = ""
        deadline = time.monotonic() + 30
        while "预览网址" not in line and time.monotonic() < deadline:
            line = process.stdout.readline()
        assert "http://127.0.0.1:" in line
        process.send_signal(signal.SIGINT)
        rest = process.communicate(timeout=20)[0]
    finally:
        process.kill()  # a failed test leaves no server behind (nothing, once it has stopped)
    assert process.returncode == 0 and "已停止" in rest and "Traceback" not in rest


def test_an_edit_rewrites_only_what_changed(site: Path) -> None:
    with running(site) as preview:
        settle(preview)
        before = {p.relative_to(preview.out).as_posix(): p.stat().st_mtime_ns for p in preview.out.rglob("*") if p.is_file()}
        (site / "content/notices/fire.md").write_text(NOTICE.replace("注意防火", "注意用火"), encoding="utf-8")
        wait_until(lambda: "注意用火" in get(preview, "/items/fire.html")[1])
        time.sleep(SETTLED)  # the exports catch up too
        after = {p.relative_to(preview.out).as_posix(): p.stat().st_mtime_ns for p in preview.out.rglob("*") if p.is_file()}
        assert set(after) == set(before)
        changed = {path for path in after if after[path] != before[path]}
        # The page and the exports that quote the body; no other page, asset or list is rewritten.
        assert "items/fire.html" in changed and changed <= {"items/fire.html", "feed.xml", "catalogue.json", "catalogue.csv"}, changed


def test_search_index_follows_edits_without_holding_up_pages(site: Path) -> None:
    with running(site, search=True) as preview:

        def indexed() -> int:
            return indexed_pages(preview.out)

        wait_until(lambda: indexed() == 2, timeout=60)
        (site / "content/notices/water.md").write_text(item("title: 停水通知\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-10-05"), encoding="utf-8")
        # The page is served at once; the index catches up after the edit settles.
        wait_until(lambda: get(preview, "/items/water.html")[0] == 200, timeout=5)
        assert indexed() == 2
        wait_until(lambda: indexed() == 3, timeout=60)


def test_a_withdrawal_applies_at_once_whatever_else_is_broken(site: Path) -> None:
    rules = site / "content/policy/rules.md"
    fire = site / "content/notices/fire.md"
    fire.write_text(NOTICE.replace("注意防火。", "注意防火。\n\n![告示](files/gaoshi.png)"), encoding="utf-8")
    (site / "content/notices/files").mkdir()
    (site / "content/notices/files/gaoshi.png").write_bytes(b"\x89PNG FIRECANARY")
    with running(site) as preview:
        wait_until(lambda: "注意防火" in get(preview, "/items/fire.html")[1])
        # Another item breaks first: the last good build stays …
        rules.write_text(POLICY.replace("published: 2024-03-01", "published: 2024-13-01"), encoding="utf-8")
        wait_until(lambda: problems(preview)["errors"])
        assert "注意防火" in get(preview, "/items/fire.html")[1]
        # … but withdrawing fire.md takes it down now: page, lists, exports, search, its image.
        fire.write_text(NOTICE.replace("disclosure: 主动公开", "disclosure: 依申请公开"), encoding="utf-8")
        wait_until(lambda: get(preview, "/items/fire.html")[0] == 404)
        for page in ("/index.html", "/other/notices/index.html", "/catalogue.json", "/catalogue.csv", "/feed.xml", "/sitemap.xml"):
            assert "秋季防火" not in get(preview, page)[1], page
        for file in preview.out.rglob("*"):
            if file.is_file():
                assert "秋季防火".encode() not in file.read_bytes() and b"FIRECANARY" not in file.read_bytes(), file
        assert "测试办法" in get(preview, "/items/rules-2024.html")[1]  # the rest of the last good build stays
        # A disclosure that cannot be read fails closed the same way.
        fire.write_text(NOTICE.replace("注意防火。", "注意防火。再次发布。"), encoding="utf-8")
        rules.write_text(POLICY, encoding="utf-8")
        wait_until(lambda: "再次发布" in get(preview, "/items/fire.html")[1])
        rules.write_text(POLICY.replace("published: 2024-03-01", "published: 2024-13-01"), encoding="utf-8")
        wait_until(lambda: problems(preview)["errors"])
        fire.write_text(NOTICE.replace("disclosure: 主动公开", "disclosure: 公开的"), encoding="utf-8")
        wait_until(lambda: get(preview, "/items/fire.html")[0] == 404)
        assert "秋季防火" not in get(preview, "/index.html")[1]


def test_the_problem_list_is_redacted_like_the_output(site: Path) -> None:
    secret = site / "content/notices/secret.md"
    secret.write_text(SECRET.replace("exempt_reason: internal-affairs", "exempt_reason: internal-affairs\nattachments: [files/CANARYFILE.xlsx]"), encoding="utf-8")
    (site / "content/notices/files").mkdir()
    (site / "content/notices/files/CANARYFILE.xlsx").write_bytes(b"PK")
    with running(site) as preview:
        # A public item attaching the withheld item's file: refused, the file named nowhere in the browser.
        fire = site / "content/notices/fire.md"
        fire.write_text(NOTICE.replace("published: 2026-10-01", "published: 2026-10-01\nattachments: [files/CANARYFILE.xlsx]"), encoding="utf-8")
        data = wait_until(lambda: (d := problems(preview))["errors"] and d)
        assert "CANARY" not in json.dumps(data, ensure_ascii=False) and "某个非公开文件" in json.dumps(data, ensure_ascii=False)
        fire.write_text(NOTICE, encoding="utf-8")
        wait_until(lambda: problems(preview)["errors"] == 0)
        # An item that has just become non-public: none of its problems (fields it echoes) in the browser.
        fire.write_text(NOTICE.replace("disclosure: 主动公开", "disclosure: 公开\nCANARYFIELD: x"), encoding="utf-8")
        data = wait_until(lambda: (d := problems(preview))["hidden"] and d)
        assert "CANARYFIELD" not in json.dumps(data) and "fire.md" not in json.dumps(data)
        assert any("CANARYFIELD" in line for line in preview.said)  # type: ignore[attr-defined]


def test_resets_and_crowds_of_connections(site: Path, capfd: pytest.CaptureFixture[str]) -> None:
    import socket
    import struct

    with running(site) as preview:
        address = preview.server.server_address
        # A reloading browser drops its connections mid-request: no traceback.
        for _ in range(20):
            sock = socket.create_connection((str(address[0]), int(address[1])))
            sock.sendall(b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % int(address[1]))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        # Two hundred clients at once are all answered.
        socks = [socket.create_connection((str(address[0]), int(address[1])), timeout=20) for _ in range(200)]
        for sock in socks:
            sock.sendall(b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % int(address[1]))
        start = time.monotonic()
        answered = sum(sock.recv(12).startswith(b"HTTP/1.1 200") for sock in socks)
        for sock in socks:
            sock.close()
        assert answered == 200 and time.monotonic() - start < 15
        time.sleep(0.5)
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out


def test_an_item_alone_in_its_column_with_a_bad_date_gets_the_overlay(site: Path) -> None:
    # The columns rule crashed here, so the preview showed no overlay at all.
    with running(site) as preview:
        (site / "content/alone.md").write_text(item("title: 筹资筹劳公示\ncatalogue: statutory/fundraising-labour\ndisclosure: 主动公开\npublished: 2026-13-01"), encoding="utf-8")
        data = wait_until(lambda: (d := problems(preview))["errors"] and d)
        assert [f"{p['file']}:{p['line']}" for p in data["problems"] if p["level"] == "错误"] == ["content/alone.md:5"]
        assert not [line for line in preview.said if "Traceback" in line]  # type: ignore[attr-defined]


def test_a_withdrawal_applies_while_the_site_settings_are_broken(site: Path) -> None:
    fire = site / "content/notices/fire.md"
    settings = site / "content/_site.yml"
    good_settings = settings.read_text(encoding="utf-8")
    with running(site) as preview:
        wait_until(lambda: "注意防火" in get(preview, "/items/fire.html")[1])
        settings.write_text(good_settings + "kind: [\n", encoding="utf-8")
        wait_until(lambda: problems(preview)["errors"])
        assert "注意防火" in get(preview, "/items/fire.html")[1]  # the last good build stays …
        # … until an item changes: without settings its disclosure cannot be judged, so it goes.
        fire.write_text(NOTICE.replace("disclosure: 主动公开", "disclosure: 不予公开\nexempt_reason: internal-affairs"), encoding="utf-8")
        wait_until(lambda: get(preview, "/items/fire.html")[0] == 404)
        for page in ("/index.html", "/catalogue.json", "/feed.xml"):
            assert "秋季防火" not in get(preview, page)[1], page
        assert "测试办法" in get(preview, "/items/rules-2024.html")[1]
        settings.write_text(good_settings, encoding="utf-8")
        wait_until(lambda: problems(preview)["errors"] == 0)
        assert get(preview, "/items/fire.html")[0] == 404 and "测试办法" in get(preview, "/items/rules-2024.html")[1]


def test_an_item_changed_together_with_broken_settings_is_taken_down(site: Path, tmp_path: Path) -> None:
    from generator.preview.live import LiveSite

    live = LiveSite(site, tmp_path / "out")
    assert live.full().ok and (tmp_path / "out/items/fire.html").is_file()
    settings, fire = site / "content/_site.yml", site / "content/notices/fire.md"
    settings.write_text(settings.read_text(encoding="utf-8") + "kind: [\n", encoding="utf-8")
    fire.write_text(NOTICE.replace("disclosure: 主动公开", "disclosure: 依申请公开"), encoding="utf-8")
    update = live.update([settings, fire])  # one batch: the settings are read first, and fail
    assert not update.ok and "items/fire.html" in update.deleted
    assert not (tmp_path / "out/items/fire.html").exists() and (tmp_path / "out/items/rules-2024.html").is_file()
    assert live.overlay.shown and any(p.path == "content/_site.yml" for p in live.overlay.shown)


def test_a_first_build_that_fails_shows_its_errors_and_indexes_nothing(make_site: Callable[..., Path]) -> None:
    broken = NOTICE.replace("published: 2026-10-01", "published: 2026-13-01")
    site = make_site({"content/notices/fire.md": broken, "content/policy/rules.md": POLICY})
    with running(site, search=True) as preview:
        # Every page says what is wrong (not an empty 404), with the reload script.
        for page in ("/", "/items/fire.html", "/search.html"):
            status, body = get(preview, page)
            assert status == 503 and "网站还不能生成：内容有 1 个错误" in body, body
            assert "content/notices/fire.md:5" in body and "2026-13-01" in body and "/__gongkai/live.js" in body
        time.sleep(SETTLED)
        assert not (preview.out / "pagefind").exists(), "no search index for a site that never built"
        said = list(preview.said)  # type: ignore[attr-defined]
        assert any("网站还没能生成" in line for line in said) and not any("搜索" in line for line in said), said
        (site / "content/notices/fire.md").write_text(NOTICE, encoding="utf-8")
        wait_until(lambda: get(preview, "/")[0] == 200)
        wait_until(lambda: any("错误已全部改好" in line for line in preview.said))  # type: ignore[attr-defined]
        wait_until(lambda: indexed_pages(preview.out) > 0, timeout=90)
    terminal = "\n".join(preview.said)  # type: ignore[attr-defined]
    assert "搜索索引收录了" not in terminal and "pagefind" not in terminal.lower(), terminal


def test_a_consequence_in_the_overlay_points_to_its_cause(make_site: Callable[..., Path]) -> None:
    interpretation = item("title: 测试办法解读\ncatalogue: statutory/interpretations\ndisclosure: 主动公开\npublished: 2024-03-01\ninterprets: [rules-2024]\ninterpretation_form: 问答", "解读。")
    site = make_site({"content/policy/rules.md": POLICY, "content/policy/jiedu.md": interpretation})
    with running(site) as preview:
        (site / "content/policy/rules.md").write_text(POLICY.replace("title: 关于印发测试办法的通知", 'title: "关于印发测试办法的通知'), encoding="utf-8")
        data = wait_until(lambda: (d := problems(preview))["errors"] and d)
        errors = [p for p in data["problems"] if p["level"] == "错误"]
        # The cause cannot be shown (whether that file may be public cannot be told): the
        # consequence says where its cause is, without naming the file.
        assert [f"{p['file']}:{p['line']}" for p in errors] == ["content/policy/jiedu.md:6"]
        assert "有错误、没有读入（它的错误只在运行 gongkai serve 的终端中显示）" in errors[0]["message"]
        assert "rules.md" not in errors[0]["message"] and data["hidden_errors"] == 1
        assert data["problems"][0] == errors[0], "errors come first"


def test_the_preview_reads_settings_and_refuses_files_as_build_does(site: Path, tmp_path: Path) -> None:
    # An item behind a symbolic link is refused by build; the preview said nothing of it.
    outside = tmp_path / "outside.md"
    outside.write_text(NOTICE.replace("关于秋季防火的通知", "链接进来的通知"), encoding="utf-8")
    (site / "content/notices/linked.md").symlink_to(outside)
    with running(site) as preview:
        data = problems(preview)
        assert data["hidden_errors"] == 1 and data["errors"] == 0  # its name may not reach a browser
        assert any("content/notices/linked.md" in line and "符号链接" in line for line in preview.said)  # type: ignore[attr-defined]
        assert "链接进来的通知" not in get(preview, "/")[1]
    # The preview's own address gets its trailing slash like --base-url does.
    from generator.preview.live import LiveSite

    out = tmp_path / "out"
    out.mkdir()
    live = LiveSite(site, out, base_url="http://127.0.0.1:8000/xxgk")
    live.full()
    assert live.settings is not None and live.settings.config.base_url == "http://127.0.0.1:8000/xxgk/"


def test_a_search_index_that_falls_behind_is_said_without_internals(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    import generator.preview.live as live_module
    from generator.search.index import SearchError

    def behind(site_root: Path, pages: dict[str, Any], output: Path | None = None, cache: Path | None = None, cancel: Any = None) -> Any:
        raise SearchError(f"搜索索引收录了 {len(pages) + 1} 个页面，应为 {len(pages)} 个公开条目页面。为防止收录错误，已停止。")

    monkeypatch.setattr(live_module, "EXTENSIONS", dataclasses.replace(live_module.EXTENSIONS, index=behind))
    with running(site, search=True) as preview:
        wait_until(lambda: any("搜索暂时没跟上" in line for line in preview.said), timeout=30)  # type: ignore[attr-defined]
    terminal = "\n".join(preview.said)  # type: ignore[attr-defined]
    assert "收录了" not in terminal and "应为" not in terminal, terminal
