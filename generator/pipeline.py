"""The pipeline object: one site's stages and what each produced, kept between runs.

``check_site`` and ``build_site`` (``build``) drive one for a single run; the preview
(``preview/live``) keeps one alive between edits.  It holds the inputs by content hash (each item
file's digest), the loaded items, the assembly (the public site behind the publish gate), the
attachments' texts, the annual-report data and the problems.  Each step reuses what an earlier
step of the same object made from the same input: an item whose bytes did not change is not parsed
again, nor an attachment whose file did not change read again.  For a single run the loaded items
also come from the signed store of the last run (``load_cache``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from .assemble import Assembly, Site
from .cache import file_digest, load_last_build
from .checks import CheckInput, check_item, run_checks, warm_up
from .discover import SiteFiles, discovery_problems
from .extensions import NO_EXTENSIONS, Extensions
from .extract import Extracted, Table, extract
from .load import Loaded, SiteSettings, load_item, load_settings, unloaded_claims
from .load_cache import Stored, context_key, read_store, write_store
from .markdown import BodyDraft
from .model import Item, Platform
from .problems import Problem, has_errors, sort_problems
from .report_data import AnnualData, read_all_data
from .theme import asset_problems
from .workers import fork_map

# Columns whose XLSX attachments are also shown as tables on the page (财政预决算).
TABLE_COLUMNS = frozenset({"statutory/budget-accounts", "standard-catalogue/fiscal-budget"})
# Below this many items to parse, forking workers costs more than it saves.
_PARALLEL_LOADS = 50


def site_settings(site_dir: Path, base_url: str | None, today: dt.date | None, platform: Platform | None = None) -> tuple[SiteSettings | None, list[Problem]]:
    """The settings as every run reads them (build, check and the preview alike): the settings
    files, the theme's assets, the day the date rules are judged on, ``--base-url`` (the
    preview's own address) with its trailing slash, and the platform the site is a member of."""
    settings, problems = load_settings(site_dir / "content")
    if settings is None:
        return None, problems
    settings = dataclasses.replace(settings, today=today or dt.date.today())
    if platform is not None:
        settings = dataclasses.replace(settings, config=dataclasses.replace(settings.config, platform=platform))
    problems += asset_problems(site_dir, settings.config)
    if base_url:
        config = dataclasses.replace(settings.config, base_url=base_url if base_url.endswith("/") else base_url + "/")
        settings = dataclasses.replace(settings, config=config)
    return settings, problems


def load_checked(rel: str, data: bytes, settings: SiteSettings, files: SiteFiles) -> Loaded:
    """Load one item file and run the item rules on it when it is public."""
    loaded = load_item(rel, data, settings, files)
    if loaded.item is not None and loaded.item.is_public:
        loaded = dataclasses.replace(loaded, problems=loaded.problems + tuple(check_item(loaded.item, settings.config)))
    return loaded


def attachment_tables(site: Site, texts: tuple[Extracted, ...]) -> dict[str, tuple[Table, ...]]:
    """The visible sheets of the XLSX files that 财政预决算 items publish, by output path."""
    shown = {a.file for e in site.items if TABLE_COLUMNS & set(e.item.columns) for a in e.item.attachments if a.file.lower().endswith(".xlsx")}
    sources = {copy.source: copy.target for copy in site.files}
    return {sources[t.path]: tuple(s for s in t.tables if not s.hidden) for t in texts if t.path in shown and t.path in sources}


def attachment_texts(site: Site, texts: tuple[Extracted, ...]) -> dict[str, str]:
    """The searchable text of each published attachment, by its output path: what a reader of the
    file sees (no tracked deletions, comments or hidden sheets)."""
    sources = {copy.source: copy.target for copy in site.files}
    return {sources[t.path]: "\n".join(b.text for b in t.blocks if b.text.strip() and not b.hidden) for t in texts if t.path in sources}


def index_pages(site: Site) -> dict[str, dt.date | None]:
    """The pages the search index holds: every public item's page, with its publication day."""
    return {e.path: e.item.published for e in site.items}


class Pipeline:
    """One site's stages and their results.  ``store``: loaded items also come from (and go to) the
    signed store of the last run, as a build and a check do; the preview keeps them in memory.
    Not thread-safe: one thread drives it."""

    def __init__(
        self,
        site_dir: Path,
        base_url: str | None = None,
        extensions: Extensions = NO_EXTENSIONS,
        store: bool = True,
        platform: Platform | None = None,
        previous_index: Mapping[str, str] | None = None,
    ) -> None:
        self.site_dir = site_dir
        self.platform = platform
        self.content = site_dir / "content"
        self.base_url = base_url
        self.extensions = extensions
        self.store = store
        self.settings: SiteSettings | None = None
        self.files: SiteFiles | None = None
        self.loaded: dict[str, Loaded] = {}
        self.assembly: Assembly | None = None
        self.annual: tuple[AnnualData, ...] = ()
        self.setting_problems: list[Problem] = []
        self.annual_problems: list[Problem] = []
        self.site_problems: list[Problem] = []
        self.problems: tuple[Problem, ...] = ()
        self._texts: dict[str, tuple[tuple[int, int], Extracted | None]] = {}
        # The 索引号 of the last build (the numbering rule compares with them); given by a caller
        # that has read the last build already.
        if previous_index is None:
            last = load_last_build(site_dir)
            previous_index = last.index_numbers if last else {}
        self.previous_index = dict(previous_index)

    # ---- settings and files ----------------------------------------------------------------

    def read_settings(self, today: dt.date | None) -> SiteSettings | None:
        """Read the settings again (None when they cannot be read: the last ones are kept, with
        what was loaded under them); items loaded under other settings are loaded again."""
        settings, self.setting_problems = site_settings(self.site_dir, self.base_url, today, self.platform)
        if settings is not None:
            if settings != self.settings:
                self.loaded = {}  # every item is judged against the settings
            self.settings = settings
        return settings

    def read_annual(self) -> None:
        """Read the annual-report data files again."""
        self.annual, self.annual_problems = read_all_data(self.content)

    # ---- loading ---------------------------------------------------------------------------

    def load_one(self, rel: str) -> Loaded:
        """One item file, parsed again only when its bytes changed."""
        assert self.settings is not None and self.files is not None
        data = (self.content / rel).read_bytes()
        previous = self.loaded.get(rel)
        if previous is not None and previous.digest == file_digest(data):
            return previous
        return load_checked(rel, data, self.settings, self.files)

    def load(self, contents: Mapping[str, bytes] | None = None, verify: bool = True) -> int:
        """Load every item file of ``files``: from memory when its bytes are those loaded before
        (``verify`` False: from memory without reading the file, for items not named as changed),
        else from the store, else parsed, on all cores.  ``contents`` are the files' bytes when
        already read.  Returns how many files were parsed."""
        assert self.settings is not None and self.files is not None
        settings, files = self.settings, self.files
        rels = files.items
        known = {rel: self.loaded[rel] for rel in rels if rel in self.loaded} if not verify else {}
        datas = {rel: contents[rel] if contents is not None else (self.content / rel).read_bytes() for rel in rels if rel not in known}
        digests = {rel: file_digest(data) for rel, data in datas.items()}
        for rel, digest in digests.items():
            previous = self.loaded.get(rel)
            if previous is not None and previous.digest == digest:
                known[rel] = previous
        context = context_key(self.content, files, self.base_url, settings.today) if self.store else ""
        stored = read_store(self.site_dir, context) if self.store else Stored({}, {})
        for rel, digest in digests.items():
            if rel not in known and (rel, digest) in stored.entries:
                known[rel] = stored.entries[(rel, digest)]
        missing = [rel for rel in rels if rel not in known]
        if missing:
            warm_up()  # the traditional-character table, built once before the workers fork
        parse = lambda rel: load_checked(rel, datas[rel], settings, files)  # noqa: E731
        fresh = fork_map(parse, missing, min_items=_PARALLEL_LOADS)
        known.update(zip(missing, fresh, strict=True))
        self.loaded = {rel: known[rel] for rel in rels}
        if self.store and (fresh or len(stored.entries) != len(self.loaded)):
            write_store(self.site_dir, context, {(rel, entry.digest): entry for rel, entry in self.loaded.items()}, stored)
        return len(fresh)

    def items(self) -> tuple[Item, ...]:
        """Every item loaded (public or not)."""
        return tuple(loaded.item for loaded in self.loaded.values() if loaded.item is not None)

    # ---- assembly and checks -----------------------------------------------------------------

    def assemble(self) -> Site:
        """The public site of the items loaded now (the publish gate)."""
        assert self.settings is not None and self.files is not None
        drafts: dict[str, BodyDraft] = {loaded.item.path: loaded.draft for loaded in self.loaded.values() if loaded.item is not None and loaded.draft is not None}
        self.assembly = Assembly(self.settings, self.items(), drafts, self.files, unloaded_claims(self.loaded), self.extensions)
        return self.assembly.site

    def extracts(self, site: Site) -> tuple[Extracted, ...]:
        """The text of each published attachment that has any, read again only when its file changed."""
        found: list[Extracted | None] = []
        for copy in site.files:
            try:
                st = (self.content / copy.source).stat()
            except OSError:
                continue
            stamp = (st.st_size, st.st_mtime_ns)
            cached = self._texts.get(copy.source)
            if cached is None or cached[0] != stamp:
                cached = (stamp, extract(self.content, copy.source))
                self._texts[copy.source] = cached
            found.append(cached[1])
        return tuple(t for t in found if t is not None)

    def check(self, texts: tuple[Extracted, ...] | None = None) -> None:
        """Run the site rules on the public site (``texts``: its attachments' texts, when read)."""
        assert self.assembly is not None
        site = self.assembly.site
        texts = self.extracts(site) if texts is None else texts
        self.site_problems = run_checks(CheckInput(site, texts, site.today, self.previous_index, self.annual))

    def site_wide_problems(self) -> list[Problem]:
        """Every problem not of one item file: settings, the scan, annual data, assembly and site rules."""
        # What the scan refused (an item behind a symbolic link …), for the files now.
        scanned = discovery_problems(self.files) if self.files is not None else []
        assembled = list(self.assembly.problems) if self.assembly is not None else []
        return self.setting_problems + scanned + self.annual_problems + assembled + self.site_problems

    def any_errors(self) -> bool:
        """Whether anything blocks writing, without sorting every problem."""
        return has_errors(self.site_wide_problems()) or any(has_errors(loaded.problems) for loaded in self.loaded.values())

    def collect(self) -> tuple[Problem, ...]:
        """Every problem of the site, sorted (kept as ``problems``)."""
        problems = self.site_wide_problems()
        for loaded in self.loaded.values():
            problems += loaded.problems
        self.problems = sort_problems(problems)
        return self.problems
