"""Builds that reuse the last run's loaded items: whatever path a build takes, its output is the
bytes of a cold build of the same content; a store that is damaged, foreign or of other content
is ignored, and never unpickled unverified."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import pickle
import random
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import generator.stamp as stamp_module
from generator import build_site
from generator.build import Stage
from generator.cache import CACHE_DIR
from generator.load_cache import STORE, bucket_file, key_file
from generator.problems import ContentError
from generator.stamp import STAMP, differences, read_stamp
from tests.conftest import POLICY, item, tree_digest

INTERPRETATION = item(
    "title: 测试办法解读\ncatalogue: statutory/interpretations\ndisclosure: 主动公开\npublished: 2024-03-01\ninterprets: [rules-2024]\ninterpretation_form: 问答",
    "解读正文，见[办法](rules.md)。",
)


def notice(n: int, extra: str = "") -> str:
    return item(f"title: 第{n}号通知\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-0{1 + n % 9}-1{n % 10}{extra}", f"通知正文 {n}。")


@pytest.fixture(autouse=True)
def private_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    key = tmp_path / "keys" / "store.key"
    monkeypatch.setenv("GONGKAI_CACHE_KEY", str(key))
    return key


def cold(site: Path, tmp_path: Path, name: str, search: bool = False) -> object:
    """The output of a build of a copy of ``site`` without any cache."""
    copy = tmp_path / f"cold-{name}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(CACHE_DIR, "build", "out"))
    build_site(copy, copy / "build", search=search)
    return tree_digest(copy / "build")


def _site_files() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {f"content/notices/n{n}.md": notice(n) for n in range(8)}
    files.update({"content/policy/rules.md": POLICY, "content/policy/jiedu.md": INTERPRETATION, "content/policy/files/a.pdf": b"%PDF-1.4 stub"})
    return files


def _edits(site: Path, rng: random.Random) -> list[Callable[[Path], list[Path]]]:
    """The edits a clerk makes, each on one notice; each returns the files it changed."""

    def body(path: Path) -> list[Path]:
        path.write_text(path.read_text(encoding="utf-8") + f"\n补充 {rng.randrange(10**6)}。\n", encoding="utf-8")
        return [path]

    def front(path: Path) -> list[Path]:
        path.write_text(path.read_text(encoding="utf-8").replace("号通知", "号通知（修订）", 1), encoding="utf-8")
        return [path]

    def recatalogue(path: Path) -> list[Path]:
        path.write_text(path.read_text(encoding="utf-8").replace("catalogue: other/notices", "catalogue: statutory/plans"), encoding="utf-8")
        return [path]

    def withdraw(path: Path) -> list[Path]:
        path.write_text(path.read_text(encoding="utf-8").replace("disclosure: 主动公开", "disclosure: 不予公开\nexempt_reason: internal-affairs"), encoding="utf-8")
        return [path]

    def attach(path: Path) -> list[Path]:
        (path.parent / "files").mkdir(exist_ok=True)
        pdf = path.parent / "files" / f"{path.stem}.pdf"
        pdf.write_bytes(b"%PDF-1.4 " + str(rng.random()).encode())
        text = path.read_text(encoding="utf-8")
        if "attachments:" not in text:
            path.write_text(text.replace("\n---\n", f"\nattachments: [files/{path.stem}.pdf]\n---\n", 1), encoding="utf-8")
        return [pdf, path]

    def settings(_path: Path) -> list[Path]:
        yml = site / "content/_site.yml"
        yml.write_text(yml.read_text(encoding="utf-8").replace("测试镇人民政府", "测试镇政府", 1) if rng.random() < 0.5 else yml.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        return [yml]

    def remove(path: Path) -> list[Path]:
        path.unlink()
        return [path]

    return [body, front, recatalogue, withdraw, attach, settings, remove]


def _steps(site: Path, rng: random.Random, count: int) -> Iterator[tuple[str, list[Path]]]:
    """``count`` edits, each kind once and then at random: the edit's name and the files it changed."""
    edits = _edits(site, rng)
    for step in range(count):
        notices = sorted((site / "content/notices").glob("*.md"))
        edit = edits[step % len(edits)] if step < len(edits) else rng.choice(edits)
        if edit.__name__ == "remove" and len(notices) < 3:
            edit = edits[0]
        yield f"step {step}: {edit.__name__}", edit(rng.choice(notices))


@pytest.mark.parametrize("search", [False, True], ids=["pages", "with-search"])
def test_random_edits_build_the_bytes_of_a_cold_build(make_site: Callable[..., Path], tmp_path: Path, search: bool) -> None:
    site = make_site(_site_files())
    rng = random.Random(17)
    build_site(site, site / "build", search=search)
    assert any((site / CACHE_DIR / STORE).iterdir())
    stages: list[Stage] = []
    _edits(site, rng)[0](site / "content/notices/n1.md")
    build_site(site, site / "build", progress=stages.append, search=search)
    assert [s.unit for s in stages if s.name == "读取"] == ["个条目（1 个有变化，其余同上次）"]  # the store was used
    # The other items' pages and the lists the edited one is not on were put in place unrendered:
    # all pages but the edited item's, its column's first list page and the 8 gathered from the
    # whole site (home, 3 section pages, 2 policy lists, search, 404).
    [made] = [s for s in stages if s.name == "生成"]
    assert made.unit == f"个页面（{made.count - 10} 个未变，沿用上次）"
    if search:  # the notices' shard (2026) was indexed again, the policy's (2024) kept
        assert [s.unit.split("；")[1] for s in stages if s.name == "索引"] == ["2 个分片，1 个重建（1 个页面重新收录），其余沿用上次）"]
    assert tree_digest(site / "build") == cold(site, tmp_path, "first", search)
    for name, _changed in _steps(site, rng, 10 if search else 14):
        build_site(site, site / "build", search=search)
        assert tree_digest(site / "build") == cold(site, tmp_path, name, search), name


def test_a_one_edit_build_hashes_for_its_stamp_only_the_files_it_wrote(make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The stamp lists every file's SHA-256 for deploy; a file linked unchanged from the last build
    # keeps the hash that build's stamp gave it, and the stamp is still a cold build's, byte for byte.
    site = make_site(_site_files())
    build_site(site, site / "build", search=False)
    hashed: list[bytes] = []
    real = stamp_module.file_hash

    def counting(data: bytes) -> str:
        hashed.append(data)
        return real(data)

    monkeypatch.setattr(stamp_module, "file_hash", counting)
    _edits(site, random.Random(3))[0](site / "content/notices/n2.md")
    build_site(site, site / "build", search=False)
    pages = {path.name: path.read_bytes() for path in (site / "build/items").glob("*.html")}
    assert pages.pop("n2.html") in hashed  # the edited item's page: written anew, hashed
    assert pages and not [name for name, data in pages.items() if data in hashed]  # the others: linked, vouched for
    monkeypatch.setattr(stamp_module, "file_hash", real)
    assert tree_digest(site / "build") == cold(site, tmp_path, "stamped")
    # A page of the output changed in place, its size and time kept, is taken as unchanged (as a
    # no-change build takes it); its stamp hash stays the built page's, so deploy refuses the folder.
    page = site / "build/items/rules-2024.html"
    before = page.stat()
    page.write_bytes(page.read_bytes().replace("正文第一段".encode(), "改过的一段".encode()))
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    _edits(site, random.Random(4))[0](site / "content/notices/n3.md")
    build_site(site, site / "build", search=False)
    stamp = read_stamp(site / "build")
    assert stamp is not None and differences(site / "build", stamp) == ["items/rules-2024.html 内容不同"]


def test_random_edits_through_the_preview_show_a_cold_build(make_site: Callable[..., Path], tmp_path: Path) -> None:
    from generator.preview.live import LiveSite

    site = make_site(_site_files())
    rng = random.Random(23)
    live = LiveSite(site, tmp_path / "live")
    assert live.full().ok
    live.settle()

    def shown() -> dict[str, str]:
        # The preview writes no build stamp: it is never deployed.
        return {path: digest for path, digest in tree_digest(tmp_path / "live").items() if path != STAMP}

    def built(name: str) -> dict[str, str]:
        return {path: digest for path, digest in cold(site, tmp_path, name).items() if path != STAMP}  # type: ignore[attr-defined]

    assert shown() == built("first")
    for name, changed in _steps(site, rng, 21):
        assert live.update(changed).ok, name
        live.settle()
        assert shown() == built(name), name


def test_a_damaged_foreign_or_other_store_is_ignored(make_site: Callable[..., Path], tmp_path: Path, private_key: Path) -> None:
    site = make_site({f"content/notices/n{n}.md": notice(n) for n in range(3)})
    build_site(site, site / "build", search=False)
    store = bucket_file(site / CACHE_DIR / STORE, "notices/n0.md")  # the part that holds n0
    good = store.read_bytes()
    expected = tree_digest(site / "build")

    # Damaged: one byte changed.
    store.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))
    (site / "content/notices/n0.md").write_text(notice(0, "\nsummary: 改过"), encoding="utf-8")
    build_site(site, site / "build", search=False)
    assert tree_digest(site / "build") == cold(site, tmp_path, "damaged") != expected

    # Of other content: another site's store under this site.
    other = make_site({"content/notices/n0.md": notice(0, "\nsummary: 另一个站点")})
    build_site(other, other / "build", search=False)
    shutil.copy(bucket_file(other / CACHE_DIR / STORE, "notices/n0.md"), store)
    build_site(site, site / "build", search=False)
    assert tree_digest(site / "build") == cold(site, tmp_path, "other")

    # Foreign: a store signed on another machine (another key) that would run code if unpickled.
    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (Path.touch, (str(tmp_path / "pwned"),))  # type: ignore[return-value]

    body = pickle.dumps(("context", {("notices/n0.md", "x"): Payload()}))
    store.write_bytes(hmac.new(b"k" * 32, body, hashlib.sha256).digest() + body)
    build_site(site, site / "build", search=False)
    assert not (tmp_path / "pwned").exists()
    assert tree_digest(site / "build") == cold(site, tmp_path, "foreign")

    # No key at all (a fresh CI machine): builds as usual.
    private_key.unlink()
    store.write_bytes(good)
    build_site(site, site / "build", search=False)
    assert tree_digest(site / "build") == cold(site, tmp_path, "keyless")
    assert key_file() == private_key and private_key.stat().st_mode & 0o077 == 0


def test_a_one_edit_build_rewrites_only_the_part_of_the_store_that_holds_the_edit(make_site: Callable[..., Path], tmp_path: Path) -> None:
    # The store of 10,000 items is 100 MB: a build that rewrote all of it after one edit spent a
    # second doing so.
    site = make_site({f"content/notices/n{n}.md": notice(n) for n in range(40)})
    build_site(site, site / "build", search=False)
    folder = site / CACHE_DIR / STORE
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}
    assert len(before) > 10
    edited = site / "content/notices/n7.md"
    edited.write_text(notice(7, "\nsummary: 改过"), encoding="utf-8")
    stages: list[Stage] = []
    build_site(site, site / "build", progress=stages.append, search=False)
    after = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}
    assert sorted(after) == sorted(before)
    assert [name for name in sorted(after) if after[name] != before[name]] == [bucket_file(folder, "notices/n7.md").name]
    assert tree_digest(site / "build") == cold(site, tmp_path, "edited")
    # And the next build reads the rewritten part: only its own edit is parsed, not n7 again.
    stages.clear()
    (site / "content/notices/n8.md").write_text(notice(8, "\nsummary: 改过"), encoding="utf-8")
    build_site(site, site / "build", progress=stages.append, search=False)
    assert [s.unit for s in stages if s.name == "读取"] == ["个条目（1 个有变化，其余同上次）"]


def test_what_loading_depends_on_besides_the_file_is_part_of_the_key(make_site: Callable[..., Path], tmp_path: Path) -> None:
    late = item("title: 附件后到的通知\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-03-01\nattachments: [files/late.pdf]")
    scheduled = item("title: 定时发布的通知\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2026-06-01")
    site = make_site({"content/notices/late.md": late, "content/notices/scheduled.md": scheduled, "content/notices/n1.md": notice(1)})
    with pytest.raises(ContentError):
        build_site(site, site / "build", search=False, today=dt.date(2026, 5, 1))
    # The attachment arrives; the item's own bytes did not change.
    (site / "content/notices/files").mkdir()
    (site / "content/notices/files/late.pdf").write_bytes(b"%PDF-1.4 late")
    build_site(site, site / "build", search=False, today=dt.date(2026, 5, 1))
    assert "定时发布的通知" not in (site / "build/index.html").read_text(encoding="utf-8")
    # Its day comes: the scheduled item is published although no file changed.
    build_site(site, site / "build", search=False, today=dt.date(2026, 6, 1))
    assert "定时发布的通知" in (site / "build/index.html").read_text(encoding="utf-8")
    copy = tmp_path / "cold"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(CACHE_DIR, "build"))
    build_site(copy, copy / "build", search=False, today=dt.date(2026, 6, 1))
    assert tree_digest(site / "build") == tree_digest(copy / "build")


def test_a_page_changed_in_the_output_since_the_last_build_is_rendered_again(make_site: Callable[..., Path]) -> None:
    site = make_site(_site_files())
    build_site(site, site / "build", search=False)
    page = site / "build/items/rules-2024.html"
    page.write_text(page.read_text(encoding="utf-8").replace("测试办法", "HANDEDITQ"), encoding="utf-8")
    _edits(site, random.Random(1))[0](site / "content/notices/n2.md")  # another item's edit
    build_site(site, site / "build", search=False)
    assert "HANDEDITQ" not in page.read_text(encoding="utf-8") and "测试办法" in page.read_text(encoding="utf-8")


def test_pages_are_reused_by_the_next_build_process(make_site: Callable[..., Path]) -> None:
    # Each build is its own process with its own string hash seed: a digest that depended on a
    # set's order would never match, and nothing would be reused.
    site = make_site(_site_files())

    def build(seed: str) -> str:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "generator", "build", str(site), "--no-search"], env=env, capture_output=True, text=True, check=True)
        return done.stdout

    build("1")
    _edits(site, random.Random(1))[0](site / "content/notices/n3.md")
    assert "个未变，沿用上次" in build("2")


def test_a_page_record_of_another_build_or_machine_is_ignored(make_site: Callable[..., Path], tmp_path: Path) -> None:
    from generator.render_cache import STORE as PAGES

    site = make_site(_site_files())
    rng = random.Random(5)
    stages: list[Stage] = []
    build_site(site, site / "build", search=False)
    record = site / CACHE_DIR / PAGES
    kept = record.read_bytes()
    # Re-signed by another machine's key: no page is reused, and the output is a cold build's.
    record.write_bytes(bytes(32) + kept[32:])
    _edits(site, rng)[0](site / "content/notices/n4.md")
    build_site(site, site / "build", progress=stages.append, search=False)
    assert [s.unit for s in stages if s.name == "生成"] == ["个页面"]
    assert tree_digest(site / "build") == cold(site, tmp_path, "foreign")
    # The record of an earlier build (validly signed, but not the last build's): ignored too.
    stages.clear()
    record.write_bytes(kept)
    _edits(site, rng)[0](site / "content/notices/n5.md")
    build_site(site, site / "build", progress=stages.append, search=False)
    assert [s.unit for s in stages if s.name == "生成"] == ["个页面"]
    assert tree_digest(site / "build") == cold(site, tmp_path, "earlier")


def _rendered(stages: list[Stage]) -> int:
    """How many pages the 生成 stage rendered (the others were put in place from the last build)."""
    (stage,) = [s for s in stages if s.name == "生成"]
    reused = int(stage.unit.split("（")[1].split(" ")[0]) if "沿用上次" in stage.unit else 0
    return stage.count - reused


@pytest.mark.parametrize("edit", ["recatalogue", "withdraw"])
def test_a_column_change_or_a_withdrawal_renders_only_the_pages_that_show_it(make_site: Callable[..., Path], tmp_path: Path, edit: str) -> None:
    # Every page shows the navigation, but the default theme's item and list pages show which
    # columns there are, not how many items each holds: a count that changes re-renders only the
    # pages that show it (the home and section pages, always rendered) and the lists concerned.
    files = _site_files()
    files.update({f"content/notices/n{n}.md": notice(n) for n in range(8, 30)})
    site = make_site(files)
    build_site(site, site / "build", search=False)
    before = {path.name: path.stat().st_ino for path in (site / "build/items").glob("*.html")}
    stages: list[Stage] = []
    (step,) = [e for e in _edits(site, random.Random(2)) if e.__name__ == edit]
    step(site / "content/notices/n3.md")
    build_site(site, site / "build", progress=stages.append, search=False)
    assert tree_digest(site / "build") == cold(site, tmp_path, edit)
    after = {path.name: path.stat().st_ino for path in (site / "build/items").glob("*.html")}
    # Every other item's page is the last build's file, put in place unrendered.
    assert len(before) == 32
    assert [name for name, inode in before.items() if after.get(name) != inode] == ["n3.html"]
    assert _rendered(stages) <= next(s for s in stages if s.name == "生成").count - 31, stages


def test_a_theme_of_the_sites_own_that_shows_counts_on_every_page_is_rendered_whole(make_site: Callable[..., Path], tmp_path: Path) -> None:
    # gongkai knows what its own templates show; a site's own templates may show anything, so a
    # count that changes re-renders every page.
    from generator.theme import default_theme_dir

    files = _site_files()
    base = (default_theme_dir() / "templates/base.html").read_text(encoding="utf-8")
    shown = base.replace("{{ s.section.label }}</a></li>", "{{ s.section.label }}（{{ s.count }}）</a></li>", 1)
    assert shown != base
    files["themes/default/templates/base.html"] = shown
    site = make_site(files)
    build_site(site, site / "build", search=False)
    stages: list[Stage] = []
    _edits(site, random.Random(2))[3](site / "content/notices/n3.md")  # withdraw
    build_site(site, site / "build", progress=stages.append, search=False)
    assert tree_digest(site / "build") == cold(site, tmp_path, "own-theme")
    assert _rendered(stages) == next(s for s in stages if s.name == "生成").count


def test_a_renderer_for_another_version_of_the_site_does_not_reuse_its_item_digests(make_site: Callable[..., Path]) -> None:
    # The preview renders each version of the site with a clone of one renderer: digests of the
    # items made for the last version must not stand for the edited ones.
    from generator import check_site
    from generator.render import Renderer
    from generator.theme import load_theme

    site_dir = make_site(_site_files())
    checked = check_site(site_dir)
    first = checked.site
    assert first is not None
    renderer = Renderer(first, load_theme(site_dir, first.config.theme))
    renderer.digest_entries(dict(checked.digests))
    job = ("item", "rules-2024")
    before = renderer.inputs(job, "")
    rules = site_dir / "content/policy/rules.md"
    rules.write_text(rules.read_text(encoding="utf-8").replace("测试办法", "测试管理办法", 1), encoding="utf-8")
    second = check_site(site_dir).site
    assert second is not None
    assert renderer.for_site(second).inputs(job, "") != before
    assert renderer.inputs(job, "") == before
