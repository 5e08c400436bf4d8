"""The preview server's runs of the pipeline: one pipeline object (``pipeline.Pipeline``, the same
that ``gongkai build`` and ``check`` drive) kept in memory, and an edit redoing only what it touches.

Three paths, from cheapest to safest:

- an edit of a public item that keeps its place (column, date, references, files): the item is
  loaded and assembled alone, and only the pages that show it are rendered again;
- any other change of items or their files: everything is assembled again from the loaded items
  (only changed files are read), and the pages of the columns involved are rendered again;
- settings, theme, catalogue or annual data, or a whole folder: everything again.

Outputs are written only when their bytes change.  When the content has errors nothing is
written: the last good build stays in place.  The search index is rebuilt in the background.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..assemble import SEE_ABOVE, PublicItem, Site, without
from ..cache import CACHE_DIR, file_digest
from ..checks import warm_up
from ..discover import CONTROL_DIR, CONTROL_FILES, discover, discovery_problems
from ..exports import exports
from ..features import EXTENSIONS
from ..gitdates import commit_dates
from ..load import Loaded, SiteSettings
from ..output import write_atomic
from ..pipeline import Pipeline, attachment_tables, attachment_texts, index_pages
from ..problems import Level, Problem, error, has_errors, site_path, sort_problems
from ..render import PAGE_SIZE, Renderer, is_policy
from ..theme import load_theme
from ..workers import fork_map

Job = tuple[str, ...]


@dataclass(frozen=True)
class Overlay:
    """What a browser may be told of the problems: those it may see, and how many problems and
    errors belong to items it may not (computed together, read by request threads as one value)."""

    shown: tuple[Problem, ...] = ()
    hidden: int = 0
    hidden_errors: int = 0


@dataclass(frozen=True)
class Update:
    """What one rebuild did: how (``fast``, ``partial``, ``full``), the problems of the site now,
    and the output files it wrote or deleted (empty when errors kept the last good build)."""

    kind: str
    problems: tuple[Problem, ...]
    written: tuple[str, ...]
    deleted: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when the site has no errors (the output is current)."""
        return not has_errors(self.problems)


class LiveSite:
    """A site kept built in ``out_dir`` while it is edited.  Not thread-safe: one thread updates it."""

    def __init__(self, site_dir: Path, out_dir: Path, base_url: str | None = None) -> None:
        self.site_dir = site_dir
        self.content = site_dir / "content"
        self.out = out_dir
        self.base_url = base_url
        # The loaded items, the assembly, the problems: kept by the pipeline object (no store: the
        # preview's address is its own base URL, so the build's store would not serve it).
        self.pipeline = Pipeline(site_dir, base_url, EXTENSIONS, store=False)
        self.outputs: dict[Job, str] = {}
        self.copied: dict[str, tuple[str, int, int]] = {}
        self.static: dict[str, Path] = {}
        self.export_paths: set[str] = set()
        self.renderer: Renderer | None = None
        # The site as last written, and what changed since while errors kept it in place;
        # ``served`` is what the output folder shows now (``good`` is cleared to force a full render).
        self.good: Site | None = None
        self.served: Site | None = None
        self.good_nav: tuple[tuple[str, tuple[str, ...]], ...] = ()
        self.pending_keys: set[str] = set()
        self.pending_paths: set[str] = set()
        self.pending_jobs: list[Job] = []
        self.lock = threading.Lock()  # held while output files change
        self.overlay = Overlay()
        warm_up()

    @property
    def settings(self) -> SiteSettings | None:
        """The settings the site is built with now."""
        return self.pipeline.settings

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem of the site now, sorted."""
        return self.pipeline.problems

    @property
    def loaded(self) -> dict[str, Loaded]:
        """Every item file, loaded."""
        return self.pipeline.loaded

    # ---- public entry points ----------------------------------------------------------------

    def full(self) -> Update:
        """Read settings, theme and every file again (loading only items whose bytes changed)."""
        return self._visible(self._full())

    def update(self, paths: Iterable[Path]) -> Update:
        """Take the files that changed on disk (absolute paths); picks the cheapest correct path."""
        return self._visible(self._update(paths))

    def _visible(self, update: Update) -> Update:
        # Computed here, by the thread that changes the site; request threads read the result.
        self.overlay = self._overlay()
        return update

    def _full(self) -> Update:
        pipeline = self.pipeline
        files = discover(self.content) if self.content.is_dir() else None
        settings = pipeline.read_settings(None)
        if files is None or settings is None:
            if files is None:
                pipeline.setting_problems.append(error("content", 0, "", "站点目录下没有 content 文件夹。"))
            # Without settings no item can be judged: one whose file changed or went is taken down.
            written, deleted = self._take_down(self._changed_since_served(), set())
            pipeline.problems = sort_problems(pipeline.setting_problems)  # what the overlay shows too
            return Update("full", self.problems, tuple(written), tuple(deleted))
        pipeline.files = files
        pipeline.load()
        pipeline.read_annual()
        return self._assemble_and_write(partial=False)

    def _update(self, paths: Iterable[Path]) -> Update:
        rels: set[str] = set()
        for path in paths:
            try:
                rel = path.resolve().relative_to(self.content.resolve()).as_posix()
            except ValueError:
                return self._full()  # the theme or something outside content/
            if rel in CONTROL_FILES or rel.startswith(CONTROL_DIR) or rel == "." or path.is_dir():
                return self._full()
            rels.add(rel)
        files = self.pipeline.files
        if self.settings is None or files is None or self.pipeline.assembly is None or self.renderer is None:
            return self._full()  # nothing was rendered yet (the first build failed): build it all
        known = set(files.items)
        modified = {r for r in rels if r in known and (self.content / r).is_file()}
        if modified == rels:
            fast = self._fast(modified)
            if fast is not None:
                return fast
        return self._partial(rels)

    def _overlay(self) -> Overlay:
        """The problems a browser may see, and how many it may not.

        Only problems of items that are public now are shown: an item that is withheld, failed to
        load or whose disclosure cannot be read (fail closed) is only reported in the terminal, so
        that no byte of it (its file name, a field it echoes) reaches a browser.  Inside other
        messages, the paths of such items and of every file a withheld item references are replaced.
        """
        public = {rel for rel, loaded in self.loaded.items() if loaded.item is not None and loaded.item.is_public}
        withheld = set(self.loaded) - public
        if self.pipeline.files is not None:
            # Item files the scan refused (behind a symbolic link …): what they hold is unknown.
            withheld |= {p.path for p in discovery_problems(self.pipeline.files)}
        assembly = self.pipeline.assembly
        files = assembly.withheld_files if assembly is not None else frozenset()
        # Longest first, so that a path is never replaced inside a longer one; each as messages show
        # it (from the site folder), then as written inside the pipeline.
        forms = [(rel, site_path(rel), "（某个非公开条目）" if rel in withheld else "（某个非公开文件）") for rel in sorted(withheld | files, key=len, reverse=True)]
        shown: list[Problem] = []
        hidden = [p for p in self.problems if p.path in withheld]
        for problem in self.problems:
            if problem.path in withheld:
                continue
            message = problem.message
            for rel, shown_as, replacement in forms:
                if rel in message:  # shown_as holds rel: one test for both forms
                    message = message.replace(shown_as, replacement).replace(rel, replacement)
            if problem.cause in withheld:
                message = message.replace(SEE_ABOVE, "（它的错误只在运行 gongkai serve 的终端中显示）")
            # A new Problem only when the message changed: making one redacts its message again.
            shown.append(problem if message == problem.message else dataclasses.replace(problem, message=message))
        return Overlay(tuple(shown), len(hidden), sum(p.level is Level.ERROR for p in hidden))

    def settle(self) -> None:
        """After edits settle: the exports (catalogue, feed, sitemap) catch up with fast updates."""
        if self.good is None or self.renderer is None or has_errors(self.problems):
            return
        with self.lock:
            self._exports(self.good, [self.outputs[j] for j in self.renderer.jobs() if j in self.outputs])

    def search_index(self, cancel: threading.Event | None = None) -> None:
        """Rebuild the Pagefind bundle into a fresh folder, then swap it in; nothing while the content
        has errors: the pages served are then the last good ones (or none yet), and an index of
        them would be of another state."""
        assembly = self.pipeline.assembly
        if assembly is None or self.renderer is None or has_errors(self.problems) or not assembly.site.items:
            return
        staging = self.out / ".pagefind-next"
        shutil.rmtree(staging, ignore_errors=True)
        assert EXTENSIONS.index is not None
        EXTENSIONS.index(self.out, index_pages(assembly.site), output=staging, cache=self.site_dir / CACHE_DIR / "search", cancel=cancel)
        with self.lock:
            old = self.out / ".pagefind-old"
            shutil.rmtree(old, ignore_errors=True)
            bundle = self.out / "pagefind"
            if bundle.exists():
                os.replace(bundle, old)
            os.replace(staging, bundle)
            shutil.rmtree(old, ignore_errors=True)

    # ---- the three paths -------------------------------------------------------------------

    def _fast(self, rels: set[str]) -> Update | None:
        pipeline = self.pipeline
        assembly = pipeline.assembly
        assert assembly is not None and self.renderer is not None
        if self.pending_keys or self.pending_paths:
            return None  # an earlier change is still waiting for a full assembly
        new = {rel: pipeline.load_one(rel) for rel in rels}
        if all(new[rel] is pipeline.loaded[rel] for rel in rels):
            return Update("fast", self.problems, (), ())  # the bytes did not change (an editor's touch)
        jobs: list[Job] = []
        for rel, loaded in new.items():
            # replace_item refuses an item whose key, path or place changed.
            entry = assembly.replace_item(loaded.item, loaded.draft) if loaded.item is not None else None
            if entry is None:
                return None
            pipeline.loaded[rel] = loaded
            jobs += self._showing(entry)
        self.renderer = self.renderer.for_site(assembly.site)
        self.pending_jobs += jobs
        # Whether anything blocks writing; the full, sorted list is made after the pages are out.
        if pipeline.any_errors():
            pipeline.collect()
            return Update("fast", self.problems, (), ())
        with self.lock:
            written = self._render(self.pending_jobs)
        self.pending_jobs = []
        self.good = self.served = assembly.site
        # Site-wide rules (columns, metadata …) come after the pages are written: they cannot change a page.
        pipeline.check()
        pipeline.collect()
        return Update("fast", self.problems, tuple(written), ())

    def _partial(self, rels: set[str]) -> Update:
        before = self.good
        pipeline = self.pipeline
        assert pipeline.files is not None
        known = set(pipeline.files.items) | pipeline.files.others
        if not all(rel in known and (self.content / rel).is_file() for rel in rels):
            pipeline.files = discover(self.content)  # a file came or went
        for rel in rels:
            pipeline.loaded.pop(rel, None)  # a new, changed or removed file: read it again
        pipeline.load(verify=False)
        if before is not None:
            self.pending_keys |= {e.key for e in before.items if e.item.path in rels or any(a.file in rels for a in e.item.attachments)}
        self.pending_paths |= rels
        return self._assemble_and_write(partial=before is not None)

    def _assemble_and_write(self, partial: bool) -> Update:
        pipeline = self.pipeline
        site = pipeline.assemble()
        extracts = pipeline.extracts(site)
        pipeline.check(extracts)
        pipeline.collect()
        kind = "partial" if partial else "full"
        if has_errors(self.problems):
            if not partial:
                self.good = None  # after settings or theme changes every page is rendered again
            # Whatever else is broken, a withdrawal is applied at once.
            written, deleted = self._withdraw(site)
            return Update(kind, self.problems, tuple(written), tuple(deleted))
        texts, tables = attachment_texts(site, extracts), attachment_tables(site, extracts)
        if self.renderer is None or not partial:
            theme = load_theme(self.site_dir, site.config.theme)
            self.static = theme.static_files()
            renderer = Renderer(site, theme, texts, commit_dates(self.site_dir), tables)
        else:
            renderer = self.renderer.for_site(site, texts, tables)
        self.renderer = renderer
        all_jobs = renderer.jobs()
        before = self.good
        if not partial or before is None or self.good_nav != _nav_shape(renderer):
            jobs = all_jobs
        else:
            jobs = self._affected(all_jobs, before, self.pending_keys, self.pending_paths) + self.pending_jobs
        gone = before is not None and bool({e.key for e in before.items} - set(site.by_key))
        # An item that left the site leaves the exports and the search index now; other changes
        # wait for settle() and the background re-index.
        written, deleted = self._write(site, jobs, all_jobs, exports=not partial or gone, drop_search=gone)
        self.good, self.good_nav = site, _nav_shape(renderer)
        self.served = site
        self.pending_keys, self.pending_paths, self.pending_jobs = set(), set(), []
        return Update(kind, self.problems, tuple(written), tuple(deleted))

    def _withdraw(self, now: Site) -> tuple[list[str], list[str]]:
        """While errors keep the last good build in place, take down every item of it that is not
        public now (withdrawn, unreadable, or of unreadable disclosure) and every file a withheld
        item now references."""
        assembly = self.pipeline.assembly
        assert assembly is not None
        served = self.served
        if served is None:
            return [], []
        gone = {e.key for e in served.items} - set(now.by_key)
        refused = {c.source for c in served.files if c.source in assembly.withheld_files or not (self.content / c.source).is_file()}
        return self._take_down(gone, refused)

    def _changed_since_served(self) -> set[str]:
        """The served items whose file is gone or no longer holds the bytes they were loaded from."""
        changed: set[str] = set()
        for entry in self.served.items if self.served is not None else ():
            loaded = self.loaded.get(entry.item.path)
            try:
                same = loaded is not None and file_digest((self.content / entry.item.path).read_bytes()) == loaded.digest
            except OSError:
                same = False
            if not same:
                changed.add(entry.key)
        return changed

    def _take_down(self, keys: set[str], sources: set[str]) -> tuple[list[str], list[str]]:
        """Write the served site without the items ``keys`` and the files ``sources``, in full."""
        served = self.served
        if served is None or (not keys and not sources):
            return [], []
        site = without(served, keys, sources)
        theme = load_theme(self.site_dir, site.config.theme)
        self.static = theme.static_files()
        extracts = self.pipeline.extracts(site)
        self.renderer = Renderer(site, theme, attachment_texts(site, extracts), commit_dates(self.site_dir), attachment_tables(site, extracts))
        all_jobs = self.renderer.jobs()
        written, deleted = self._write(site, all_jobs, all_jobs, exports=True, drop_search=True)
        self.served, self.good = site, None  # the next good state is rendered in full
        return written, deleted

    def _write(self, site: Site, jobs: list[Job], all_jobs: list[Job], exports: bool, drop_search: bool) -> tuple[list[str], list[str]]:
        """Render ``jobs``, delete pages no job of ``all_jobs`` makes any more, copy the files, and
        write the exports and remove the search bundle when asked; returns (written, deleted)."""
        with self.lock:
            written = self._render(jobs)
            wanted = set(all_jobs)
            deleted = self._remove([path for job, path in self.outputs.items() if job not in wanted])
            self.outputs = {job: path for job, path in self.outputs.items() if job in wanted}
            written += self._files(site)
            if exports:
                written += self._exports(site, [self.outputs[j] for j in all_jobs if j in self.outputs])
            if drop_search:
                shutil.rmtree(self.out / "pagefind", ignore_errors=True)
        return written, deleted

    # ---- helpers ---------------------------------------------------------------------------

    def _showing(self, entry: PublicItem) -> list[Job]:
        """The pages that show an item whose place did not change."""
        assert self.renderer is not None
        jobs: list[Job] = [("item", entry.key), ("home",)]
        for column in entry.item.columns:
            entries = self.renderer.by_leaf.get(column, [])
            position = next((n for n, e in enumerate(entries) if e.key == entry.key), 0)
            jobs.append(("leaf", column, str(position // PAGE_SIZE + 1)))
        if is_policy(entry):
            jobs += [("policies", "all"), ("policies", "valid")]
        related = (*entry.interprets, *entry.interpretations, entry.superseded_by, *entry.supersedes)
        return jobs + [("item", key) for key in related if key]

    def _affected(self, all_jobs: list[Job], before: Site, keys: set[str], paths: set[str]) -> list[Job]:
        """The pages an edit of items ``keys`` (before) or files ``paths`` (now) may change."""
        assembly = self.pipeline.assembly
        assert assembly is not None
        site = assembly.site
        now = {e.key for e in site.items if e.item.path in paths or any(a.file in paths for a in e.item.attachments)}
        leaves: set[str] = set()
        related: set[str] = set()
        for site_version, wanted in ((before, keys | now), (site, keys | now)):
            for key in wanted:
                entry = site_version.by_key.get(key)
                if entry is not None:
                    leaves.update(entry.item.columns)
                    related |= {k for k in (key, *entry.interprets, *entry.interpretations, entry.superseded_by, *entry.supersedes) if k}
        fixed = {"home", "section", "policies"}
        return [
            job for job in all_jobs
            if job[0] in fixed or (job[0] == "leaf" and job[1] in leaves) or (job[0] == "item" and job[1] in related) or job not in self.outputs
        ]

    def _render(self, jobs: list[Job]) -> list[str]:
        renderer = self.renderer
        assert renderer is not None
        unique = list(dict.fromkeys(job for job in jobs if job[0] != "item" or job[1] in renderer.site.by_key))

        def run(job: Job) -> tuple[str, bool]:
            page = renderer.run(job)
            return page.path, _write_if_changed(self.out, page.path, page.data)

        results = fork_map(run, unique) if len(unique) > 200 else [run(job) for job in unique]
        for job, (path, _) in zip(unique, results, strict=True):
            self.outputs[job] = path
        return [path for path, changed in results if changed]

    def _remove(self, paths: list[str]) -> list[str]:
        for path in paths:
            (self.out / path).unlink(missing_ok=True)
        return paths

    def _files(self, site: Site) -> list[str]:
        written: list[str] = []
        wanted: dict[str, tuple[str, int, int]] = {}
        for copy in site.files:
            st = (self.content / copy.source).stat()
            wanted[copy.target] = (copy.source, st.st_size, st.st_mtime_ns)
        for rel, source in self.static.items():
            st = source.stat()
            wanted[f"assets/{rel}"] = (str(source), st.st_size, st.st_mtime_ns)
        for target, stamp in wanted.items():
            if self.copied.get(target) != stamp:
                source = Path(stamp[0]) if Path(stamp[0]).is_absolute() else self.content / stamp[0]
                (self.out / target).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, self.out / target)
                written.append(target)
        self._remove([t for t in self.copied if t not in wanted])
        self.copied = wanted
        return written

    def _exports(self, site: Site, pages: list[str]) -> list[str]:
        written: list[str] = []
        paths: set[str] = set()
        for output in exports(site, pages, EXTENSIONS):
            paths.add(output.path)
            if _write_if_changed(self.out, output.path, output.data):
                written.append(output.path)
        self._remove(sorted(self.export_paths - paths))
        self.export_paths = paths
        return written


def _nav_shape(renderer: Renderer) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What every page's navigation depends on: the sections in use and their columns."""
    return tuple((nav.section.id, tuple(leaf.ref for leaf, _, _ in nav.leaves)) for nav in renderer.nav)


def _write_if_changed(root: Path, path: str, data: bytes) -> bool:
    """Write an output file unless it already holds these bytes; True when it was written."""
    target = root / path
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data)  # a browser never reads half a page
    return True
