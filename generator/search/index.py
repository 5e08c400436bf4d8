"""Search stage: the Pagefind index of the public item pages, built in shards into the staging folder.

Pagefind is run with its *extended* binary (the only one that segments Chinese), once per shard
(``shards``: a year, or a quarter of a large year) over a folder of links to that shard's pages
only, from an empty working directory and without the machine's ``PAGEFIND_*`` variables, so
that no configuration file or variable on the clerk's machine can change what is indexed (a
playground, another output folder …); gongkai sets only the chunk size.  Shards run side by side
on the machine's cores; a shard whose pages did not change since a run that kept it is reused,
and within a shard that changed, Pagefind reads only the changed pages (``page_parts``).
The page count Pagefind reports for each run must equal the number of public item pages it was
given, and every page must be in its shard's index, or the build fails.  The shards are then joined (``merge``) into the one index the site publishes,
``pagefind/`` of a staging folder that is new for every build, so no fragment of an earlier build
— a withdrawn item's text — can survive; ``words`` adds the word lists the search page needs to
search whole prefix families.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..output import link_or_copy
from ..workers import cpu_count, fork_map
from .merge import COMPRESSOR, HEAD_DIR, PREPARED_FORMAT, Prepared, merge
from .page_parts import MixedFields, PagePart, join, pack, page_url, split
from .shards import MERGED, Previous, Shard, Stamp, chunk_digests, keep, keep_chunks, keep_stamps, link_files, page_keys, plan, previous, prune, read_stamps, reuse, shard_key
from .words import index_words, write_word_lists

BUNDLE = "pagefind"
# The names of Pagefind's prebuilt search interfaces, which the search page does not use.
_UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
# The layout of a kept shard: changed whenever what gongkai keeps of a shard changes.
_FORMAT = "shard-format=6"
EXPECTED_VERSION = "pagefind 1.5.2"
# How many word positions an index chunk holds before another starts (Pagefind's default is
# 20,000).  Smaller chunks make a query download less (bench/bench_search.py: at 10,000 items,
# 1,000 against 4,000 took the later queries' median from 14–17 KB to 7–11 KB, for 9 KB more
# metadata on the first query); the word lists of words.py keep prefix matching whole across the
# extra chunk boundaries.  Pagefind reads it only from this variable, which it calls unstable:
# hence the pinned version.
CHUNK_SIZE = 1000
# CHUNK_SIZE suits an index of 10,000 pages; a smaller one gets chunks as many times smaller (in
# powers of two, so that an index that grows by a few pages keeps its chunks), but not below
# MIN_CHUNK.  It is the published index's: a shard's own runs are chunked otherwise.
# What gongkai's own code makes of Pagefind's output and keeps with a shard (the prepared index, the
# word counts): kept data made by other code is not reused, whatever the version number says.
DERIVED = hashlib.sha256(b"".join((Path(__file__).parent / name).read_bytes() for name in ("heads.py", "merge.py", "page_parts.py", "words.py"))).hexdigest()[:16]
REFERENCE_PAGES = 10_000
MIN_CHUNK = 250
# The chunk size of a Pagefind run over one shard's pages (``_run_env``): more positions than a
# shard of the largest size ``shards`` plans holds, so that a run writes one chunk.
RUN_CHUNK_SIZE = 1 << 30


def _settings() -> str:
    """What a kept shard and its pages' parts are made with: kept work made otherwise is not reused."""
    return f"{EXPECTED_VERSION}\n{_FORMAT}\nprepared={PREPARED_FORMAT}\ncode={DERIVED}\n{COMPRESSOR}"


def chunk_size(pages: int) -> int:
    """The chunk size of an index of ``pages`` pages."""
    shift = max(0, math.floor(math.log2(REFERENCE_PAGES / max(pages, 1))))
    return max(min(CHUNK_SIZE, MIN_CHUNK), CHUNK_SIZE >> shift)


class SearchError(Exception):
    """The search index could not be built as required; the message says why, in Chinese."""


@dataclass(frozen=True)
class SearchReport:
    """What Pagefind reported."""

    pages: int
    words: int
    shards: int
    rebuilt: int
    # How many pages Pagefind read: those of the rebuilt shards that their kept parts lacked.
    indexed: int
    language: str


def extended_binary() -> Path:
    """The extended Pagefind binary shipped by ``pagefind[extended]`` (never one found on PATH)."""
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]
    except ImportError:
        raise SearchError("找不到 Pagefind 扩展版（中文分词需要它）。请安装：pip install 'pagefind[extended]==1.5.2'。") from None
    path = Path(get_executable())
    if not path.name.startswith("pagefind_extended"):
        raise SearchError(f"Pagefind 程序 {path.name} 不是扩展版，中文无法分词。")
    return path


def _pagefind(binary: Path, site: Path, bundle: Path, env: dict[str, str], low_priority: bool, cancel: threading.Event | None = None) -> str:
    """Run Pagefind over ``site`` into ``bundle`` from an empty working directory; its log.  Stops
    it, raising, when ``cancel`` is set (the preview quitting)."""
    # The preview lowers Pagefind's priority through nice(1), not a preexec_fn: the preview has
    # threads, and Python code run between fork and exec can deadlock on a lock another thread held.
    nice = shutil.which("nice") if low_priority else None
    with tempfile.TemporaryDirectory(prefix="gongkai-pagefind-") as empty:
        process = subprocess.Popen(
            [*([nice, "-n", "10"] if nice else []), str(binary), "--site", str(site.resolve()), "--output-path", str(bundle.resolve())],
            cwd=empty,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        while True:
            # Checked before each wait: a run over a few pages may end within one.
            if cancel is not None and cancel.is_set():
                process.kill()
                process.communicate()
                _stop_if(cancel)
            try:
                log = process.communicate(timeout=0.2)[0]
                break
            except subprocess.TimeoutExpired:
                pass
    if process.returncode != 0:
        raise SearchError(f"Pagefind 建立搜索索引失败（退出码 {process.returncode}）：{log.strip()[-500:]}")
    return log


def _stop_if(cancel: threading.Event | None) -> None:
    """Raise ``SearchError`` when ``cancel`` is set: checked between the steps of an index, since
    after an edit most of its time is spent outside Pagefind (joining, merging)."""
    if cancel is not None and cancel.is_set():
        raise SearchError("搜索索引已取消。")


def _index_shard(binary: Path, pages: Path, expected: int, bundle: Path, env: dict[str, str], low_priority: bool, cancel: threading.Event | None = None) -> tuple[int, int, str]:
    """Index the folder ``pages`` (one shard's pages) into ``bundle``; Pagefind's page and word
    counts and language, after checking them."""
    log = _pagefind(binary, pages, bundle, env, low_priority, cancel)
    found = _number(r"Indexed (\d+) pages?", log)
    if found != expected:
        raise SearchError(f"搜索索引收录了 {found} 个页面，应为 {expected} 个公开条目页面。为防止收录错误，已停止。")
    language = _language(log)
    if language != "zh-cn":
        raise SearchError(f"搜索索引的语言是“{language}”，应为 zh-cn（页面须有 lang=\"zh-CN\"）。")
    if (bundle / "playground").exists():
        raise SearchError("搜索包中出现了 playground 调试页面，不应发布。")
    for name in os.listdir(bundle):
        # The search page uses Pagefind's JS API only; its prebuilt interfaces are not published.
        if name.startswith(_UNUSED):
            os.remove(bundle / name)
    return found, _number(r"Indexed (\d+) words?", log), language


def build_index(site_root: Path, pages: Mapping[str, dt.date | None], output: Path | None = None, cache: Path | None = None, cancel: threading.Event | None = None) -> SearchReport:
    """Index the public item pages ``pages`` (output path → publication day) of ``site_root`` into
    ``site_root/pagefind`` (or into ``output``, at low priority: the preview server's background
    re-index), shard by shard (``shards``), reusing the shards kept in ``cache`` whose pages did
    not change, and merge the shards into one index; raises ``SearchError`` unless all went as
    required (``SearchError`` too, soon after ``cancel`` is set)."""
    bundle = output if output is not None else site_root / BUNDLE
    binary = extended_binary()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND")}
    with tempfile.TemporaryDirectory(prefix="gongkai-pagefind-") as empty:
        version = subprocess.run([str(binary), "--version"], cwd=empty, env=env, capture_output=True, text=True, check=False)
    if version.stdout.strip() != EXPECTED_VERSION:
        raise SearchError(f"Pagefind 版本不对：需要 {EXPECTED_VERSION}，实际是“{version.stdout.strip() or version.stderr.strip()}”。")
    if not pages:
        raise SearchError("没有可收录的公开条目页面，无法建立搜索索引。")
    bundle.parent.mkdir(parents=True, exist_ok=True)
    planned = plan(pages)
    low = output is not None
    with tempfile.TemporaryDirectory(dir=bundle.parent, prefix=".gongkai-pages-") as temp:
        known = read_stamps(cache) if cache is not None else {}
        stamps: dict[str, Stamp] = {}
        page_key = {name: page_keys(site_root, paths, known, stamps) for name, paths in planned.items()}
        settings = _settings()
        keys = {name: shard_key(page_key[name], settings) for name in planned}
        done: dict[str, Shard] = {}
        if cache is not None:
            for name, key in keys.items():
                if (shard := reuse(cache, key, name)) is not None:
                    done[name] = shard
        todo = [name for name in planned if name not in done]
        linked = {name: Path(temp) / "pages" / name for name in todo}
        for name in todo:
            # Links, so that Pagefind reads one shard's pages alone at the site's URLs, and the
            # preview may rewrite a page meanwhile without changing what is indexed; the keys of
            # a shard to index are of its linked pages, the very bytes indexed below.
            link_files(site_root, linked[name], planned[name])
            page_key[name] = page_keys(linked[name], planned[name], known, stamps)
            keys[name] = shard_key(page_key[name], settings)
        earlier = {name: previous(cache, name, settings) for name in todo} if cache is not None else {}
        indexed = 0
        try:
            built, indexed = _build_shards(binary, env, Path(temp), {name: planned[name] for name in todo}, linked, page_key, earlier, low, cancel)
            for name in todo:
                shard, parts = built[name]
                done[name] = shard
                if cache is not None:
                    keep(cache, keys[name], settings, shard, parts)
            shards = [done[name] for name in planned]
            total = sum(shard.pages for shard in shards)
            if total != len(pages) or any(len(shard.prepared.pages) != shard.pages for shard in shards):
                raise SearchError(f"搜索索引收录了 {total} 个页面，应为 {len(pages)} 个公开条目页面。为防止收录错误，已停止。")
            _stop_if(cancel)
            # Oldest shard first: pages are numbered in the order of publication, as in the shards.
            merged_before = cache / MERGED if cache is not None else None
            known_chunks = chunk_digests(merged_before) if merged_before is not None else {}
            merged = merge([(name, done[name].bundle, done[name].prepared) for name in reversed(planned)], bundle, chunk_size(total), merged_before, 1 if low else cpu_count(), known_chunks)
            if cache is not None:
                keep_chunks(bundle / "index", cache / MERGED, merged.digests)
            frequencies: Counter[str] = Counter()
            for shard in shards:
                frequencies.update(shard.frequencies)
            words = write_word_lists(bundle, index_words(frequencies, merged.chunks, merged.pages))
        except (OSError, ValueError, KeyError, IndexError, TypeError, EOFError) as error:
            raise SearchError(f"读取 Pagefind 生成的索引失败，无法合并分片（{type(error).__name__}: {error}）。请确认 Pagefind 为 1.5.2 版。") from None
    if cache is not None:
        prune(cache, set(keys.values()))
        keep_stamps(cache, stamps)
    return SearchReport(total, words, len(shards), len(todo), indexed, "zh-cn")


# A shard's job: its pages (output paths) with their keys, the parts kept from its last index, and
# the bundle of this build's Pagefind run over the pages those parts lack (None: no page needed one).
_Job = tuple[dict[str, str], Previous | None, Path | None]
# What a job makes of a shard: its prepared index, word frequencies, pages' keys and parts (packed,
# to keep) and each page's fragment: its name, its file and its head's file.
_Joined = tuple[Prepared, Counter[str], bytes, dict[str, tuple[str, Path, Path]]]


def _build_shards(
    binary: Path,
    env: dict[str, str],
    temp: Path,
    planned: Mapping[str, tuple[str, ...]],
    linked: Mapping[str, Path],
    page_key: Mapping[str, Mapping[str, str]],
    earlier: Mapping[str, Previous | None],
    low: bool,
    cancel: threading.Event | None,
) -> tuple[dict[str, tuple[Shard, bytes]], int]:
    """Index the shards ``planned`` (of pages linked under ``linked``), running Pagefind only over
    the pages whose parts their last index (``earlier``) does not hold; each shard with its pages'
    keys and parts, and how many pages Pagefind read.  A shard whose parts disagree on the meta
    fields is indexed again, whole."""
    built: dict[str, tuple[Shard, bytes]] = {}
    kept = dict(earlier)
    indexed = 0
    pending = list(planned)
    for attempt in range(2):
        runs = {name: [path for path in planned[name] if (last := kept.get(name)) is None or last.parts.get(path, ("",))[0] != page_key[name][path]] for name in pending}
        bundles = {name: temp / f"run-{attempt}" / name for name in pending if runs[name]}
        tasks: list[tuple[Path, int, Path, dict[str, str]]] = []
        for name, run in bundles.items():
            # A run over all of a shard's pages (a cold shard) reads its linked pages where they are.
            site = linked[name]
            if len(runs[name]) < len(planned[name]):
                site = temp / f"run-pages-{attempt}" / name
                link_files(linked[name], site, runs[name])
            tasks.append((site, len(runs[name]), run, _run_env(env)))
        # Pagefind uses about one core per run: as many runs at once as there are cores (the
        # preview's background index: one, so the pages being edited stay quick).
        with ThreadPoolExecutor(max_workers=1 if low else cpu_count()) as pool:
            counts = list(pool.map(lambda task: _index_shard(binary, task[0], task[1], task[2], task[3], low, cancel), tasks))
        indexed += sum(found for found, _words, _language in counts)
        _stop_if(cancel)
        jobs: list[_Job] = [(dict(page_key[name]), kept.get(name), bundles.get(name)) for name in pending]
        again = []
        for name, result in zip(pending, fork_map(_joined, jobs, 1 if low else None, min_items=2), strict=True):
            if result is None:
                again.append(name)
                kept[name] = None
                continue
            prepared, frequencies, parts, fragments = result
            folder = temp / "shards" / name
            for fragment_hash, source, head in fragments.values():
                link_or_copy(source, folder / "fragment" / f"{fragment_hash}.pf_fragment")
                link_or_copy(head, folder / HEAD_DIR / f"{fragment_hash}.pf_fragment")
            # Pagefind's runtime (its scripts and entry), of this run or the kept index.
            runtime = bundles[name] if name in bundles else earlier[name].bundle  # type: ignore[union-attr]
            for file_name in os.listdir(runtime):
                if (runtime / file_name).is_file() and not file_name.endswith(".pf_meta"):
                    link_or_copy(runtime / file_name, folder / file_name)
            built[name] = (Shard(name, len(prepared.pages), len(prepared.words), prepared.language, dict(frequencies), prepared, folder), parts)
        if not again:
            break
        if attempt:
            raise ValueError("分片的页面元数据字段不一致")
        pending = again
    return built, indexed


def _joined(job: _Job) -> _Joined | None:
    """A shard's index joined from its kept parts and those of its Pagefind run (``_Job``); None
    when the parts disagree on the meta fields."""
    keys, kept, run = job
    fresh = split(run) if run is not None else None
    parts: dict[str, tuple[str, PagePart]] = {}
    fragments: dict[str, tuple[str, Path, Path]] = {}
    if fresh is not None:
        by_url = {page_url(path): path for path in keys}
        for url, part in fresh.parts.items():
            if url not in by_url:
                raise ValueError(f"搜索索引收录了不应收录的页面 {url}")
            parts[by_url[url]] = (keys[by_url[url]], part)
            fragments[by_url[url]] = (part[0], fresh.fragments[url], fresh.heads[url])
    for path, key in keys.items():
        if path in parts:
            continue
        if kept is None or kept.parts.get(path, ("",))[0] != key:
            raise ValueError(f"页面 {path} 没有被收录")
        parts[path] = kept.parts[path]
        fragment_hash = kept.parts[path][1][0]
        fragments[path] = (fragment_hash, kept.bundle / "fragment" / f"{fragment_hash}.pf_fragment", kept.bundle / HEAD_DIR / f"{fragment_hash}.pf_fragment")
    language, version = (fresh.language, fresh.version) if fresh is not None else (kept.language, kept.version)  # type: ignore[union-attr]
    try:
        prepared, frequencies = join(language, version, {path: part for path, (_key, part) in parts.items()})
    except MixedFields:
        return None
    return prepared, frequencies, pack(dict(sorted(parts.items()))), fragments


def _run_env(env: Mapping[str, str]) -> dict[str, str]:
    """The environment of a Pagefind run over a shard's pages: its index in one chunk.  A run's
    chunks are only read back (``page_parts.split``) and the published index is chunked anew when
    the shards are merged, so a run's chunking changes no byte published; at the merged index's
    small chunks a run over 800 pages wrote 1,400 chunk files, 17,000 files of a cold build at
    10,000 items made only to be read once and deleted."""
    return {**env, "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE": str(RUN_CHUNK_SIZE)}


def _number(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    return int(match.group(1)) if match else 0


def _language(text: str) -> str:
    match = re.search(r"Discovered \d+ languages?: ([\w-]+)", text)
    return match.group(1) if match else ""
