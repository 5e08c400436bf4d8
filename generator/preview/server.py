"""``gongkai serve``: the site built into a private folder, served on loopback, rebuilt on every
settled edit, with live reload and the site's problems shown over every page.

Threads: the HTTP server (one thread per request), watchdog's observer (collects changed paths),
the rebuild loop (the only thread that touches ``LiveSite``) and, after edits settle, a Pagefind
run at low priority.
"""

from __future__ import annotations

import html
import ipaddress
import json
import mimetypes
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ..problems import Level, Problem, printable
from ..search.index import SearchError
from .live import LiveSite, Update

LIVE = "/__gongkai/"
QUIET_SECONDS = 0.03  # an edit is settled when no event came for this long
MAX_WAIT_SECONDS = 0.5  # … or when events kept coming for this long
SETTLE_SECONDS = 1.5  # then, after this long without edits, exports and search catch up
HEARTBEAT_SECONDS = 15.0
# Events that mean a file's bytes or place changed.  Reads (opened, closed_no_write) are ignored:
# the build reads every file, and must not trigger itself.
_CHANGES = frozenset({"created", "modified", "moved", "deleted", "closed"})


class Signal:
    """A version that goes up once per settled rebuild that changed something; waiters wake."""

    def __init__(self) -> None:
        self.version = 0
        self.closed = False
        self._cond = threading.Condition()

    def bump(self) -> None:
        with self._cond:
            self.version += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """The version once it differs from ``seen`` (or after ``timeout``)."""
        with self._cond:
            self._cond.wait_for(lambda: self.version != seen or self.closed, timeout)
            return self.version

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()


class _Collector(FileSystemEventHandler):
    """Collects the paths of changes; a burst of events becomes one set."""

    def __init__(self) -> None:
        self.paths: set[Path] = set()
        self.last = 0.0
        self.lock = threading.Lock()
        self.event = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _CHANGES or (event.is_directory and event.event_type in ("modified", "closed")):
            return  # a folder is "modified" whenever a file in it is: that file has its own event
        with self.lock:
            for raw in (event.src_path, getattr(event, "dest_path", "")):
                if raw:
                    self.paths.add(Path(os.fsdecode(raw)))
            self.last = time.monotonic()
        self.event.set()

    def take(self) -> set[Path]:
        """Wait until the burst is over, then hand over its paths."""
        start = time.monotonic()
        while True:
            with self.lock:
                quiet = time.monotonic() - self.last
            if quiet >= QUIET_SECONDS or time.monotonic() - start >= MAX_WAIT_SECONDS:
                break
            time.sleep(QUIET_SECONDS - quiet)
        with self.lock:
            paths, self.paths = self.paths, set()
            self.event.clear()
        return paths


def _relevant(path: Path, site_dir: Path) -> bool:
    """Editor droppings (``.swp``, ``~``, ``.goutputstream``, ``4913``) still count: the rebuild
    compares content hashes, so a temporary file that comes and goes changes nothing."""
    return path.is_relative_to(site_dir / "content") or path.is_relative_to(site_dir / "themes")


@dataclass
class Preview:
    """A running preview: server, watcher, rebuild loop.  ``start()``, then ``stop()``."""

    site_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    say: Callable[[str], None] = print
    search: bool = True
    out: Path = field(init=False)
    url: str = field(init=False, default="")
    signal: Signal = field(init=False, default_factory=Signal)
    last: Update | None = field(init=False, default=None)

    def start(self) -> None:
        """Bind, build once, then serve and watch in background threads."""
        self.out = Path(tempfile.mkdtemp(prefix="gongkai-serve-"))
        self.stopping = threading.Event()
        self.collector = _Collector()
        self.observer = Observer()
        self.watched: set[Path] = set()
        self.search_thread: threading.Thread | None = None
        self.search_again = False
        self.pending_settle = True
        self.threads: list[threading.Thread] = []
        self.server = _Server((self.host, self.port), _Handler)
        self.server.preview = self
        port = self.server.server_address[1]
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{shown}:{port}/"
        self.allowed_hosts = _allowed_hosts(self.host, port)
        self.live = LiveSite(self.site_dir, self.out, base_url=self.url)
        self.say("正在生成网站……")
        started = time.perf_counter()
        self._report(self.live.full(), time.perf_counter() - started)
        # The site folder itself only for a themes/ folder that appears later (not recursively:
        # build/ and .git/ would only add noise).
        self.observer.schedule(self.collector, str(self.site_dir), recursive=False)
        self._watch_folders()
        self.observer.start()
        self.threads = [
            threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True, name="gongkai-http"),
            threading.Thread(target=self._loop, daemon=True, name="gongkai-rebuild"),
        ]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        """Stop every thread and remove the private output folder (also after a start cut short)."""
        self.stopping.set()
        self.signal.close()
        if self.observer.is_alive():
            self.observer.stop()
            self.observer.join(timeout=5)
        if self.threads:
            self.server.shutdown()
        if hasattr(self, "server"):
            self.server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)
        if self.search_thread is not None:
            self.search_thread.join(timeout=120)
        shutil.rmtree(self.out, ignore_errors=True)

    # ---- the rebuild loop --------------------------------------------------------------------

    def _watch_folders(self) -> None:
        for folder in (self.site_dir / "content", self.site_dir / "themes"):
            if folder not in self.watched and folder.is_dir():
                self.observer.schedule(self.collector, str(folder), recursive=True)
                self.watched.add(folder)

    def _loop(self) -> None:
        settle_at = time.monotonic() + SETTLE_SECONDS
        while not self.stopping.is_set():
            if not self.collector.event.wait(timeout=0.1):
                if self.pending_settle and time.monotonic() >= settle_at:
                    self._settle()
                continue
            taken = self.collector.take()
            if len(self.watched) < 2:
                self._watch_folders()
            paths = {p for p in taken if _relevant(p, self.site_dir)}
            if not paths:
                continue
            started = time.perf_counter()
            try:
                update = self.live.update(paths)
            except Exception as exc:  # a preview must survive anything a file system does
                self.say(f"这次没能重新生成（{printable(str(exc))[:200] or type(exc).__name__}）。预览继续运行，再保存一次文件会重试。")
                continue
            self._report(update, time.perf_counter() - started)
            settle_at = time.monotonic() + SETTLE_SECONDS
            self.pending_settle = True

    def _report(self, update: Update, seconds: float) -> None:
        before = self.last
        self.last = update
        if update.written or update.deleted or before is None or update.problems != before.problems:
            self.signal.bump()
        if not update.ok:
            errors = [p for p in update.problems if p.level is Level.ERROR]
            kept = "网站保持上一次成功生成的样子" if (self.out / "index.html").is_file() else "网站还没能生成，浏览器里显示的是这些问题"
            self.say(f"内容有 {len(errors)} 个错误，{kept}：")
            for problem in errors:
                self.say("  " + problem.format())
            self.say("改好并保存后会自动重新生成。")
        elif before is not None and not before.ok:
            self.say(f"错误已全部改好，网站已按最新内容更新（{seconds * 1000:.0f} 毫秒）。")
        elif update.written or update.deleted:
            self.say(f"已更新 {len(update.written)} 个文件，删除 {len(update.deleted)} 个（{seconds * 1000:.0f} 毫秒）。")

    def _settle(self) -> None:
        self.pending_settle = False
        self.live.settle()
        if not self.search:
            return
        if self.search_thread is not None and self.search_thread.is_alive():
            self.search_again = True
            return
        self.search_thread = threading.Thread(target=self._index, daemon=True, name="gongkai-search")
        self.search_thread.start()

    def _index(self) -> None:
        try:
            self.live.search_index(self.stopping)
        except SearchError:
            if self.stopping.is_set():
                return  # stopped on purpose: the preview is quitting
            # Pages changed while indexing (a count mismatch): the next settled edit indexes again.
            self.say("搜索暂时没跟上刚才的修改，页面已是最新；再保存一次文件，搜索就会更新。")
        except OSError:
            self.say("搜索没有更新：搜索程序没能运行。页面预览不受影响；如果一直这样，请重新安装 gongkai（pip install 时带上 pagefind）。")
        if self.search_again:
            self.search_again = False
            self.pending_settle = True

    # ---- what the handler asks -----------------------------------------------------------------

    def failure_page(self) -> bytes:
        """The page shown while the site has never been written: its errors, as the overlay has them."""
        errors = [p for p in self.live.overlay.shown if p.level is Level.ERROR]
        hidden = self.live.overlay.hidden_errors
        rows = "".join(
            f"<li><code>{html.escape(p.file)}:{max(p.line, 1)}</code> {html.escape(f'[{p.field}] ' if p.field else '')}{html.escape(p.message)}</li>" for p in errors
        )
        more = f"<p>另有 {hidden} 个错误在不公开的条目里（只在终端显示）。</p>" if hidden else ""
        body = (
            '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>网站还不能生成</title><body data-gongkai-failure>'
            f"<h1>网站还不能生成：内容有 {len(errors) + hidden} 个错误</h1><p>请按下面的提示改正并保存文件，页面会自动刷新。</p><ol>{rows}</ol>{more}</body></html>"
        )
        return body.encode("utf-8")

    def problems_json(self) -> bytes:
        overlay = self.live.overlay
        data = {
            "version": self.signal.version,
            "built": (self.out / "index.html").is_file(),
            "errors": sum(p.level is Level.ERROR for p in overlay.shown),
            "hidden": overlay.hidden,
            # Errors of withheld or unreadable items block writing too: the page must say so.
            "hidden_errors": overlay.hidden_errors,
            "problems": [_problem_json(p) for p in sorted(overlay.shown, key=lambda p: p.level is not Level.ERROR)],  # errors first
        }
        return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _problem_json(problem: Problem) -> dict[str, object]:
    return {"file": problem.file, "line": max(problem.line, 1), "level": problem.level.value, "field": problem.field, "message": problem.message}


def _allowed_hosts(host: str, port: int) -> frozenset[str]:
    """``Host`` header values this server answers (anything else may be a DNS-rebinding page)."""
    names = {"127.0.0.1", "localhost", "[::1]", host if ":" not in host else f"[{host}]"}
    return frozenset(f"{name}:{port}" for name in names) | (frozenset(names) if port == 80 else frozenset())


def _host_ok(value: str, preview: Preview) -> bool:
    value = value.strip().lower()
    if value in preview.allowed_hosts:
        return True
    if preview.host in ("0.0.0.0", "::"):
        # Listening on every interface: an address typed as digits is fine, a name is not.
        name, _, port = value.rpartition(":")
        try:
            ipaddress.ip_address(name.strip("[]"))
        except ValueError:
            return False
        return port == str(preview.server.server_address[1])
    return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # A reloading browser opens many connections at once; the default backlog of 5 stalls them.
    request_queue_size = 256
    preview: Preview

    def handle_error(self, request: object, client_address: object) -> None:
        # A browser that reloads or closes a tab resets its connections: nothing to report.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        self.preview.say(f"预览服务器处理一个请求时出错（{type(exc).__name__}），已忽略；页面刷新即可。")


_SCRIPT = resources.files("generator").joinpath("data/live.js").read_bytes()
_NOT_FOUND = "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>页面不存在</title><body><h1>页面不存在</h1><p>网站还没有生成成功，或这个页面不存在。</p></body></html>"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "gongkai"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _send(self, status: int, body: bytes, kind: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _serve(self, head: bool) -> None:
        preview = self.server.preview
        if not _host_ok(self.headers.get("Host", ""), preview):
            self._send(HTTPStatus.FORBIDDEN, "不接受这个主机名（Host）的访问。请用 gongkai serve 打印的网址打开。".encode(), "text/plain; charset=utf-8", head)
            return
        parts = urlsplit(self.path)
        if parts.path.startswith(LIVE):
            self._live(parts.path[len(LIVE) :], parse_qs(parts.query), head)
            return
        target = _resolve(preview.out, parts.path)
        if target is None and not (preview.out / "index.html").is_file():
            # Nothing was ever written: say why on every page, the live script reloads after a fix.
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, _inject(preview.failure_page(), preview.signal.version), "text/html; charset=utf-8", head)
            return
        if target is None:
            page = preview.out / "404.html"
            body = page.read_bytes() if page.is_file() else _NOT_FOUND.encode("utf-8")
            self._send(HTTPStatus.NOT_FOUND, _inject(body, preview.signal.version), "text/html; charset=utf-8", head)
            return
        try:
            body = target.read_bytes()
        except OSError:
            self._send(HTTPStatus.NOT_FOUND, _inject(_NOT_FOUND.encode("utf-8"), preview.signal.version), "text/html; charset=utf-8", head)
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            body = _inject(body, preview.signal.version)
        if kind.startswith("text/") or kind in ("application/javascript", "application/json", "application/xml"):
            kind += "; charset=utf-8"
        self._send(HTTPStatus.OK, body, kind, head)

    def _live(self, name: str, query: dict[str, list[str]], head: bool) -> None:
        preview = self.server.preview
        if name == "live.js":
            self._send(HTTPStatus.OK, _SCRIPT, "text/javascript; charset=utf-8", head)
        elif name == "problems.json":
            self._send(HTTPStatus.OK, preview.problems_json(), "application/json; charset=utf-8", head)
        elif name == "events" and not head:
            self._events(preview, query)
        else:
            self._send(HTTPStatus.NOT_FOUND, b"", "text/plain; charset=utf-8", head)

    def _events(self, preview: Preview, query: dict[str, list[str]]) -> None:
        """Server-sent events: ``reload`` with the new version whenever the site changed."""
        try:
            seen = int(query.get("v", [""])[0])
        except ValueError:
            seen = preview.signal.version
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while not preview.signal.closed:
                version = preview.signal.wait(seen, HEARTBEAT_SECONDS)
                if preview.signal.closed:
                    break
                message = f"event: reload\ndata: {version}\n\n" if version != seen else ": ping\n\n"
                seen = version
                self.wfile.write(message.encode("utf-8"))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass


def _resolve(root: Path, url_path: str) -> Path | None:
    """The file a URL path names inside ``root``, or None: no ``..``, no dotfiles, no absolute or
    backslash paths, no symbolic link out of the folder, no directory listing."""
    path = unquote(url_path)
    if "\\" in path or "\x00" in path:
        return None
    segments = [s for s in path.split("/") if s]
    if any(s.startswith(".") for s in segments):  # "..", "." and dotfiles alike
        return None
    target = root.joinpath(*segments) if segments else root
    if path.endswith("/") or not segments or target.is_dir():
        target = target / "index.html"
    real = os.path.realpath(target)
    base = os.path.realpath(root)
    if not real.startswith(base + os.sep) or not os.path.isfile(real):
        return None
    return Path(real)


def _inject(html: bytes, version: int) -> bytes:
    """Add the live-reload script to a page at response time (it is never written to build/)."""
    tag = f'<script src="{LIVE}live.js" data-version="{version}"></script>'.encode()
    at = html.rfind(b"</body>")
    return html[:at] + tag + html[at:] if at >= 0 else html + tag


def serve(site_dir: Path, host: str, port: int, say: Callable[[str], None] = print) -> None:
    """Run the preview until Ctrl-C."""
    preview = Preview(site_dir, host, port, say)

    def terminate(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # a service manager's SIGTERM stops as cleanly as Ctrl-C

    signal.signal(signal.SIGTERM, terminate)
    try:
        preview.start()
        local = host in ("127.0.0.1", "localhost", "::1")
        say(f"预览网址：{preview.url}  （{'只在本机可访问' if local else '注意：同一网络中的其他电脑也能访问'}；按 Ctrl-C 停止）")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        say("正在停止……")
    finally:
        if hasattr(preview, "stopping"):
            preview.stop()
        say("已停止。")
