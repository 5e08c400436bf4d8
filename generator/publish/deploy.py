"""``gongkai deploy``: mirror a finished build to a host, and remove what it published before.

A static host keeps every file ever uploaded, so the host carries a manifest of what this site
published (``.gongkai-manifest.json``: path → SHA-256).  A deploy

1. refuses a build that is not finished, checked and complete (its stamp, see ``stamp``);
2. uploads only files whose hash differs from the manifest, and refuses to overwrite a file it
   did not publish (other content of the county host);
3. first writes a manifest listing everything it may leave behind (changed files as unknown),
   then uploads new assets, attachments and search chunks, then new pages, then changed pages,
   then the search entry files and exports — so no page or search result ever points to a
   missing file — and deletes last;
4. finally writes the manifest of the new build.

Each file is replaced whole.  Interrupted anywhere, every page on the host is the old or the new
one, and the next deploy finds the unknown entries and finishes the work.
"""

from __future__ import annotations

import json
import posixpath
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..problems import UsageError
from ..search.ids import IDS_DIR
from ..search.merge import ENTRY
from ..search.words import WORDS_DIR
from ..stamp import STAMP, Stamp, differences, read_stamp, safe_path, same_site
from .targets import TEMP_SUFFIX, Target, open_target

MANIFEST = ".gongkai-manifest.json"
_ENTRY_FILES = frozenset({"catalogue.json", "catalogue.csv", "sitemap.xml", "feed.xml"})


@dataclass(frozen=True)
class Plan:
    """What a deploy will do, in order."""

    uploads: tuple[str, ...]
    unchanged: tuple[str, ...]
    deletions: tuple[str, ...]
    hashes: dict[str, str]
    upload_bytes: int


@dataclass(frozen=True)
class DeployResult:
    """What a deploy did (or, with ``dry_run``, would do)."""

    target: str
    plan: Plan
    seconds: float
    dry_run: bool

    def summary(self) -> str:
        """One line for the clerk."""
        verb = "将上传" if self.dry_run else "已上传"
        plan = self.plan
        return (
            f"{verb} {len(plan.uploads)} 个文件（{plan.upload_bytes / 1024 / 1024:.1f} MB），未变 {len(plan.unchanged)} 个，"
            f"{'将删除' if self.dry_run else '删除'} {len(plan.deletions)} 个，用时 {self.seconds:.1f} 秒。目标：{self.target}"
        )


def checked_build(build_dir: Path) -> Stamp:
    """The stamp of a build that may be published; ``UsageError`` (in Chinese) otherwise."""
    if not build_dir.is_dir():
        raise UsageError(f"没有找到生成的网站 {build_dir}。请先运行 gongkai build。")
    stamp = read_stamp(build_dir)
    if stamp is None:
        raise UsageError(f"{build_dir} 不是一次完整、成功的 gongkai build 的结果（缺少 {STAMP}）。请重新运行 gongkai build，成功后再发布。")
    if stamp.errors:
        raise UsageError(f"{build_dir} 是带着 {stamp.errors} 个错误生成的，不能发布。请改正后重新生成。")
    if stamp.unfinished:
        raise UsageError(
            f"{build_dir} 还是 gongkai new 的示例网站：{'；'.join(stamp.unfinished)}。不能发布：请改成本单位的真实信息、删除或改写示例条目，重新运行 gongkai build 后再发布。"
        )
    if not stamp.search:
        raise UsageError(f"{build_dir} 是用 --no-search 生成的，没有搜索索引，不能发布。请运行 gongkai build（不加 --no-search）。")
    changed = differences(build_dir, stamp)
    if changed:
        listed = "；".join(changed[:5]) + ("……" if len(changed) > 5 else "")
        raise UsageError(f"{build_dir} 在生成后被改动或不完整（{listed}），不能发布。请重新运行 gongkai build。")
    return stamp


def _order(path: str, published: dict[str, str | None]) -> tuple[int, str]:
    """The upload order that keeps every page on the host whole and its links working.

    0. new files nothing links to yet: assets, attachments, search chunks and fragments;
    1. new pages (only the new pages and lists below link to them);
    2. changed pages;
    3. files that name pages or index files: the search index's top-level files (the metadata
       names its chunks and fragments), word lists, the 文号/索引号 lookups and the exports;
    4. the index's entry, which names the metadata and the date order: it switches searches to
       the new pages last.
    Deletions come after all of these.
    """
    if path.endswith(".html"):
        return (1 if path not in published else 2, path)
    if path == f"pagefind/{ENTRY}":
        return (4, path)  # sorted by name, it would come before the metadata it names
    parts = path.split("/")
    # The metadata names the chunks and fragments, the date order names the pages' fragments.
    search_top = parts[0] == "pagefind" and len(parts) == 2
    # The word lists name the new index's chunks; the lookups name item pages.
    if path in _ENTRY_FILES or search_top or path.startswith((f"pagefind/{WORDS_DIR}/", f"{IDS_DIR}/")):
        return (3, path)
    return (0, path)


def _atomic(path: str, published: dict[str, str | None]) -> bool:
    """A new file nothing links to yet may be written in place; a page, or a file that replaces
    another, is uploaded under a temporary name and renamed."""
    return path in published or path.endswith(".html")


def _temp(path: str) -> str:
    return path + TEMP_SUFFIX


@dataclass(frozen=True)
class Manifest:
    """What the host says this site published: path → SHA-256 (None: uploaded by a deploy that
    was cut short), and the identity of the site that published it ("" before release 0.2)."""

    files: dict[str, str | None]
    site: str = ""


def read_manifest(target: Target) -> Manifest:
    """The host's manifest; ``UsageError`` when it is not gongkai's or lists a path that would
    leave the target (fail closed: nothing is deleted on the strength of such a file)."""
    raw = target.read(MANIFEST)
    if raw is None:
        return Manifest({})
    try:
        data = json.loads(raw.decode("utf-8"))
        files = data["files"]
        if data.get("generator") != "gongkai" or not isinstance(files, dict):
            raise ValueError
        manifest = Manifest({str(k): (str(v) if v is not None else None) for k, v in files.items()}, str(data.get("site", "")))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
        raise UsageError(f"目标上的 {MANIFEST} 无法读取或不是 gongkai 写的。为免误删他人文件，已停止；请人工检查目标目录。") from None
    unsafe = sorted(p for p in manifest.files if not safe_path(p))
    if unsafe:
        raise UsageError(
            f"目标上的 {MANIFEST} 列出了 {len(unsafe)} 个指向目标目录之外或不规范的路径（如“{unsafe[0][:80]}”）。为免删改目标之外的文件，已停止；请人工检查这个清单。"
        )
    return manifest


def _manifest(files: dict[str, str | None], site: str) -> bytes:
    return (json.dumps({"generator": "gongkai", "site": site, "files": dict(sorted(files.items()))}, ensure_ascii=False, indent=0) + "\n").encode("utf-8")


def make_plan(build_dir: Path, stamp: Stamp, published: dict[str, str | None]) -> Plan:
    """Compare the build with the host's manifest."""
    # The stamp's hashes were checked against the files by ``checked_build``.
    hashes = {path: digest for path, (_size, digest) in stamp.files.items()}
    uploads = sorted((p for p in hashes if published.get(p) != hashes[p]), key=lambda p: _order(p, published))
    unchanged = tuple(sorted(p for p in hashes if published.get(p) == hashes[p]))
    deletions = tuple(sorted(p for p in published if p not in hashes))
    size = sum(stamp.files[p][0] for p in uploads)
    return Plan(tuple(uploads), unchanged, deletions, hashes, size)


def foreign_files(target: Target, plan: Plan, published: dict[str, str | None]) -> list[str]:
    """Files on the host in the way of a new file that this site never published."""
    listed: dict[str, set[str] | None] = {}
    found: list[str] = []
    for path in plan.uploads:
        if path in published:
            continue
        folder, name = posixpath.split(path)
        if folder not in listed:
            listed[folder] = target.names(folder)
        names = listed[folder]
        if names is not None and name in names:
            found.append(path)
    return found


def deploy(
    build_dir: Path,
    to: str,
    dry_run: bool = False,
    say: Callable[[str], None] = lambda _: None,
    target: Target | None = None,
    replace_site: bool = False,
) -> DeployResult:
    """Publish ``build_dir`` to ``to`` (see ``targets.open_target``).

    A target another site published to is refused unless ``replace_site``: its pages would be
    overwritten and deleted.
    """
    start = time.perf_counter()
    stamp = checked_build(build_dir)
    target = target if target is not None else open_target(to)
    try:
        manifest = read_manifest(target)
        if manifest.site and not same_site(manifest.site, stamp.site) and not replace_site:
            theirs, ours = manifest.site.split("|", 1)[-1], stamp.site.split("|", 1)[-1]
            raise UsageError(
                f"目标 {target.name} 上是另一个站点（{theirs}）发布的网站，本站是 {ours}。为免覆盖和删除它的页面，已停止。"
                "请确认目标目录是否写错；确要用本站替换它，请加 --replace-site。"
            )
        published = manifest.files
        plan = make_plan(build_dir, stamp, published)
        foreign = foreign_files(target, plan, published)
        if foreign:
            listed = "、".join(foreign[:5]) + ("……" if len(foreign) > 5 else "")
            raise UsageError(f"目标上已有 {len(foreign)} 个同名文件不是本站发布的（{listed}）。为免覆盖他人的文件，已停止。请换一个目标目录，或请管理员确认后删除这些文件。")
        if dry_run:
            return DeployResult(target.name, plan, time.perf_counter() - start, True)
        # Everything this deploy may leave on the host is ours from now on; what it replaces is unknown until done.
        unchanged = set(plan.unchanged)
        pending: dict[str, str | None] = {p: (plan.hashes[p] if p in unchanged else None) for p in plan.hashes}
        pending.update({p: published[p] for p in plan.deletions})
        # The temporary names too: a deploy cut short mid-upload leaves one, which the next removes.
        pending.update({_temp(p): None for p in plan.uploads if _atomic(p, published)})
        target.put(MANIFEST, _manifest(pending, stamp.site))
        target.flush()
        step = _order(plan.uploads[0], published)[0] if plan.uploads else 0
        for n, path in enumerate(plan.uploads, 1):
            if _order(path, published)[0] != step:
                target.flush()  # each step is on the host before the next begins
                step = _order(path, published)[0]
            target.put(path, (build_dir / path).read_bytes(), atomic=_atomic(path, published))
            if n % 1000 == 0:
                say(f"  已上传 {n}/{len(plan.uploads)} 个文件……")
        target.flush()
        for path in plan.deletions:
            target.delete(path)
        target.flush()
        target.put(MANIFEST, _manifest(dict(plan.hashes), stamp.site))
        target.flush()
    finally:
        target.close()
    return DeployResult(target.name, plan, time.perf_counter() - start, False)
