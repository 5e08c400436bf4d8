"""``gongkai county build`` and ``county assemble``: the member sites built, then gathered into one platform.

Each member is built by ``gongkai build`` in a process of its own (its own settings, rules and
publish gate; as many at once as ``jobs``), into ``<out>/<id>/``, under the county's address
(``base_url`` + id).  A member with content errors is reported and left at its last good build
(``gongkai build`` never touches an earlier output when it fails); one never built is left out.
It never stops the others.  The platform is then assembled from the members' outputs alone, so
that the same assembly serves builds made elsewhere (a CI job per member, ``county assemble``):
the county home listing every member with its latest items, one search over all members (``search``)
with the filter 单位, and ``catalogue.json`` / ``catalogue.csv`` of every public item with ``unit``.
The platform's own files are written to a staging folder and swapped in, file by file, at the end.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cache import CACHE_DIR, scan_output
from ..exports import CSV_COLUMNS, catalogue_csv, catalogue_text
from ..output import write_atomic
from ..problems import UsageError
from ..stamp import STAMP, read_stamp, site_identity, write_stamp
from ..theme import load_theme
from ..workers import cpu_count
from .config import County, Member, load_county
from .search import CACHE as SEARCH_CACHE
from .search import UNIT_FILTER, county_index

LATEST = 5
# The platform's own files and folders at its root; everything else there is a member's folder.
_OWN = ("index.html", "catalogue.json", "catalogue.csv", "search", "pagefind", "assets")
_CSV = (("unit", "单位"), ("unit_name", "单位名称"), *CSV_COLUMNS)


@dataclass(frozen=True)
class MemberResult:
    """One member's part of a county build: whether its build succeeded now, what the terminal
    said of it (its errors, in its own words), and whether the platform shows it (now or at its
    last good build)."""

    member: Member
    built: bool
    shown: bool
    public_items: int
    latest_published: str
    said: str


@dataclass(frozen=True)
class CountyResult:
    """What a county build or assembly did."""

    out_dir: Path
    members: tuple[MemberResult, ...]
    search_pages: int

    @property
    def ok(self) -> bool:
        """True when every member was built (or assembled) without errors."""
        return all(m.built for m in self.members)


def build_member(member: Member, county: County, out: Path, today: dt.date | None) -> tuple[bool, str]:
    """Build one member with ``gongkai build`` in its own process; (succeeded, what it said)."""
    if not (member.path / "content").is_dir():
        return False, f"站点文件夹 {member.path} 不存在或其中没有 content 文件夹（county.yml 中成员 {member.id} 的 path，相对于 county.yml 所在的文件夹）。"
    command = [sys.executable, "-m", "generator", "build", str(member.path), "--out", str(out / member.id), "--platform", str(county.folder), "--quiet"]
    if county.base_url:
        command += ["--base-url", f"{county.base_url}{member.id}/"]
    if today is not None:
        command += ["--today", today.isoformat()]
    done = subprocess.run(command, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
    return done.returncode == 0, (done.stdout + done.stderr).strip()


def build_county(
    folder: Path, out_dir: Path | None = None, jobs: int | None = None, today: dt.date | None = None, progress: Callable[[str], None] | None = None, only: tuple[str, ...] = ()
) -> CountyResult:
    """Build every member of the county in ``folder`` (``jobs`` at once), then assemble the
    platform; with ``only`` (member ids), build those members alone and assemble nothing (a CI job
    per member: ``assemble_county`` gathers their builds)."""
    county = load_county(folder)
    unknown = [m for m in only if m not in {member.id for member in county.members}]
    if unknown:
        raise UsageError(f"county.yml 中没有成员“{'、'.join(unknown)}”。可选：{'、'.join(m.id for m in county.members)}。")
    out = out_dir if out_dir is not None else folder / "build"
    out.mkdir(parents=True, exist_ok=True)
    chosen = [m for m in county.members if not only or m.id in only]
    with ThreadPoolExecutor(max_workers=max(1, jobs or cpu_count())) as pool:
        outcomes = dict(zip(chosen, pool.map(lambda m: build_member(m, county, out, today), chosen), strict=True))
    for member, (ok, said) in outcomes.items():
        if progress is not None:
            progress(f"{'✓' if ok else '✗'} {member.name}（{member.id}）" + ("" if ok else f"：{said.splitlines()[-1] if said else '生成失败'}"))
    if only:
        return CountyResult(out, tuple(MemberResult(m, ok, ok, 0, "", said) for m, (ok, said) in outcomes.items()), 0)
    return assemble(county, out, {m: ok for m, (ok, _) in outcomes.items()}, {m: said for m, (_, said) in outcomes.items()})


def assemble_county(folder: Path, out_dir: Path | None = None) -> CountyResult:
    """Assemble the platform from member builds already in ``<out>/<id>/`` (made elsewhere: a CI
    job per member), without building anything."""
    county = load_county(folder)
    out = out_dir if out_dir is not None else folder / "build"
    out.mkdir(parents=True, exist_ok=True)
    present = {m: _is_build(out / m.id) for m in county.members}
    return assemble(county, out, present, {m: "" if ok else "没有找到该单位生成的网站" for m, ok in present.items()})


def _is_build(folder: Path) -> bool:
    return (folder / STAMP).is_file() and (folder / "catalogue.json").is_file()


def _catalogue(folder: Path) -> list[dict[str, Any]]:
    data = json.loads((folder / "catalogue.json").read_text(encoding="utf-8"))
    rows = data.get("items") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ValueError("catalogue.json 的结构不对")
    return [row for row in rows if isinstance(row, dict)]


def assemble(county: County, out: Path, built: dict[Member, bool], said: dict[Member, str]) -> CountyResult:
    """Write the platform's own files from the members' builds in ``out``."""
    results: list[MemberResult] = []
    shown: list[tuple[Member, Path, list[dict[str, Any]]]] = []
    for member in county.members:
        folder = out / member.id
        rows: list[dict[str, Any]] = []
        ok = _is_build(folder)
        if ok:
            try:
                rows = _catalogue(folder)
            except (OSError, ValueError):
                ok = False
        if ok:
            shown.append((member, folder, rows))
        latest = max((str(r.get("published", "")) for r in rows), default="")
        results.append(MemberResult(member, built.get(member, False), ok, len(rows), latest, said.get(member, "")))
    theme = load_theme(county.folder, "default")
    env = theme.environment()
    with tempfile.TemporaryDirectory(dir=out, prefix=".gongkai-county-") as temp:
        staging = Path(temp)
        catalogue = []
        for member, _folder, rows in shown:
            for row in rows:
                catalogue.append({**row, "unit": member.id, "unit_name": member.name, "url": f"{member.id}/{row.get('url', '')}"})
        catalogue.sort(key=lambda r: (str(r.get("published", "")), r["unit"], str(r.get("id", ""))), reverse=True)
        (staging / "catalogue.json").write_bytes(catalogue_text(county.name, catalogue))
        (staging / "catalogue.csv").write_bytes(catalogue_csv(catalogue, _CSV).data)
        listing = []
        for result in results:
            if not result.shown:
                continue
            rows = next(r for m, _, r in shown if m == result.member)
            newest = sorted(rows, key=lambda r: str(r.get("published", "")), reverse=True)[:LATEST]
            listing.append({
                "id": result.member.id,
                "name": result.member.name,
                "public_items": result.public_items,
                "latest_published": result.latest_published,
                "latest": [{"title": r.get("title", ""), "url": f"{result.member.id}/{r.get('url', '')}", "published": r.get("published", "")} for r in newest],
            })
        context = {"county": county, "members": listing, "total": len(catalogue), "root": ""}
        (staging / "index.html").write_text(env.get_template("county_home.html").render(title="首页", searching=False, **context), encoding="utf-8")
        (staging / "search").mkdir()
        (staging / "search/index.html").write_text(env.get_template("county_search.html").render(**{**context, "root": "../"}, title="搜索", searching=True), encoding="utf-8")
        _merge_lookups([(m, f) for m, f, _ in shown], staging / "search")
        for rel, source in theme.static_files().items():
            target = staging / "assets" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        searchable = [(m, f) for m, f, _ in shown if (f / "pagefind" / "pagefind-entry.json").is_file()]
        pages = county_index(searchable, staging / "pagefind", county.folder / CACHE_DIR / SEARCH_CACHE) if searchable else 0
        _swap_in(staging, out)
    _stamp(county, out, [m for m, _, _ in shown], len(catalogue), pages > 0 or not searchable)
    return CountyResult(out, tuple(results), pages)


def _stamp(county: County, out: Path, shown: list[Member], public_items: int, search: bool) -> None:
    """Stamp the whole platform as one build, so that ``gongkai deploy`` publishes it by the same
    rules as a site.  A folder of a member no longer listed is removed first (it would be
    published); a member that is still gongkai new's example makes the platform unpublishable."""
    listed = {m.id for m in county.members}
    for folder in out.iterdir():
        if folder.is_dir() and folder.name not in listed and folder.name not in _OWN and (folder / STAMP).is_file():
            shutil.rmtree(folder)
    unfinished: list[str] = []
    for member in shown:
        stamp = read_stamp(out / member.id)
        if stamp is None:
            unfinished.append(f"{member.name}的网站没有完整的生成记录")
        else:
            unfinished += [f"{member.name}：{what}" for what in stamp.unfinished]
            search = search and stamp.search
    write_stamp(out, scan_output(out), search, 0, public_items, site_identity(county.org_code, county.name), tuple(unfinished))


def _merge_lookups(members: list[tuple[Member, Path]], target: Path) -> None:
    """The members' 文号/索引号 lookups (``search/ids/``), their URLs under each member's folder, and
    their synonym tables joined."""
    buckets: dict[str, list[Any]] = {}
    synonyms: dict[str, list[str]] = {}
    for member, folder in members:
        for path in sorted((folder / "search/ids").glob("*.json")):
            entries = json.loads(path.read_text(encoding="utf-8"))
            for entry in entries:
                entry["url"] = f"{member.id}/{entry.get('url', '')}"
                entry["unit"] = member.name
            buckets.setdefault(path.name, []).extend(entries)
        table = folder / "search/synonyms.json"
        if table.is_file():
            for word, others in json.loads(table.read_text(encoding="utf-8")).items():
                known = synonyms.setdefault(word, [])
                known += [o for o in others if o not in known]
    (target / "ids").mkdir()
    for name, entries in sorted(buckets.items()):
        (target / "ids" / name).write_text(json.dumps(entries, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    (target / "synonyms.json").write_text(json.dumps(synonyms, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _swap_in(staging: Path, out: Path) -> None:
    """Put the platform's own files in place: folders renamed over the old ones, files replaced whole."""
    for name in _OWN:
        new, old = staging / name, out / name
        if new.is_dir():
            aside = out / f".gongkai-old-{name}"
            shutil.rmtree(aside, ignore_errors=True)
            if old.exists():
                os.replace(old, aside)
            os.replace(new, old)
            shutil.rmtree(aside, ignore_errors=True)
        elif new.is_file():
            write_atomic(old, new.read_bytes())


__all__ = ["UNIT_FILTER", "CountyResult", "MemberResult", "assemble_county", "build_county"]
