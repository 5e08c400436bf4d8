"""Render stage: the public site → page files (bytes), nothing written yet."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2

from .assemble import PublicItem, Site
from .catalogue import sections_in_use
from .extract import Table
from .load import PROJECT_STAGES
from .model import Item, Leaf, Section, Validity
from .sheet_tables import sheet_html
from .theme import Theme
from .urls import leaf_path, project_path, relative, section_path
from .workers import fork_map

PAGE_SIZE = 20
LATEST_ON_HOME = 10
POLICY_COLUMN = "statutory/policy-docs"
INTERPRETATION_COLUMN = "statutory/interpretations"
HOME_ENTRIES = ("guide", "apply", "annual-report")
ATTACHMENT_TEXT_CHARS = 20_000  # searchable text kept per attachment, to bound page weight


@dataclass(frozen=True)
class Output:
    """One output file: its site-relative path and its bytes."""

    path: str
    data: bytes


@dataclass(frozen=True)
class NavSection:
    """A section as shown in navigation: its link and its columns with counts."""

    section: Section
    path: str
    count: int
    leaves: tuple[tuple[Leaf, str, int], ...]


PROJECTS_INDEX = "projects/index.html"


def cn_date(value: dt.date | None) -> str:
    """2024年3月1日."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def cn_period(start: dt.date, end: dt.date) -> str:
    """2025年3月1日至3月7日 (the year said once when both days share it)."""
    tail = f"{end.month}月{end.day}日" if end.year == start.year else cn_date(end)
    return f"{cn_date(start)}至{tail}"


def period_state(start: dt.date | None, end: dt.date | None, today: dt.date) -> str:
    """Where ``today`` stands in a 公示期: 未开始, 公示中 or 已结束 ('' without a period)."""
    if start is None or end is None:
        return ""
    return "未开始" if today < start else "公示中" if today <= end else "已结束"


def human_size(size: int) -> str:
    """24 KB, 1.2 MB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def topic_text(topic: str) -> str:
    """主题分类 as a reader sees it: ``综合政务\\政务公开`` → ``综合政务 › 政务公开``."""
    return " › ".join(part.strip() for part in re.split(r"[\\/]", topic) if part.strip())


def is_document(item: Item) -> bool:
    """A document (文件) has a 有效性: it carries a 文号 or a 文件类别, or sits in the policy column."""
    return bool(item.doc_no or item.doc_class) or POLICY_COLUMN in item.columns


def is_policy(entry: PublicItem) -> bool:
    """Documents listed in the 政策文件库: the policy column and anything with a 文件类别."""
    return POLICY_COLUMN in entry.item.columns or bool(entry.item.doc_class)


def search_kind(entry: PublicItem) -> str:
    """The 类型 search filter: 政策文件, 政策解读 or 其他信息."""
    if entry.interprets or entry.item.interprets_elsewhere or INTERPRETATION_COLUMN in entry.item.columns:
        return "政策解读"
    return "政策文件" if is_policy(entry) else "其他信息"


@jinja2.pass_context
def _href(context: Any, target: str) -> str:
    return relative(str(context["page_path"]), target)


class Renderer:
    """Renders every page of a site with one theme."""

    def __init__(
        self,
        site: Site,
        theme: Theme,
        attachment_texts: dict[str, str] | None = None,
        commit_dates: dict[str, dt.date] | None = None,
        attachment_tables: dict[str, tuple[Table, ...]] | None = None,
    ) -> None:
        self.attachment_texts = attachment_texts or {}
        self.commit_dates = commit_dates or {}
        self.attachment_tables = attachment_tables or {}
        self.env = theme.environment()
        self.own_templates = theme.own_templates()
        self.env.filters["href"] = _href
        self.env.filters["cn_date"] = cn_date
        self.env.filters["topic"] = topic_text
        self.env.filters["cn_period"] = cn_period
        self.env.globals["period_state"] = period_state
        self.env.filters["size"] = human_size
        self.templates: dict[str, jinja2.Template] = {}
        self._use(site)

    def _use(self, site: Site) -> None:
        self.site = site
        # Digests of this version of the site's items only (``entry_digest``).
        self.entry_digests: dict[str, str] = {}
        by_leaf: dict[str, list[PublicItem]] = defaultdict(list)
        for entry in site.items:
            for column in entry.item.columns:  # 组配分类: listed in every column, one page
                by_leaf[column].append(entry)
        self.by_leaf = dict(by_leaf)
        projects: dict[str, list[PublicItem]] = defaultdict(list)
        for entry in site.items:
            if entry.item.project:
                projects[entry.item.project].append(entry)
        self.projects = dict(sorted(projects.items()))
        self.nav = self._nav()
        self.sections = {leaf.ref: nav for nav in self.nav for leaf, _, _ in nav.leaves}

    def for_site(self, site: Site, attachment_texts: dict[str, str] | None = None, attachment_tables: dict[str, tuple[Table, ...]] | None = None) -> Renderer:
        """A renderer of another version of the site that shares this one's compiled templates."""
        clone = copy.copy(self)
        if attachment_texts is not None:
            clone.attachment_texts = attachment_texts
        if attachment_tables is not None:
            clone.attachment_tables = attachment_tables
        clone._use(site)
        return clone

    def _nav(self) -> tuple[NavSection, ...]:
        counts = {ref: len(entries) for ref, entries in self.by_leaf.items()}
        return tuple(
            NavSection(
                section,
                section_path(section.id),
                len({e.key for leaf in section.leaves for e in self.by_leaf.get(leaf.ref, [])}),  # an item in two columns counts once
                tuple((leaf, leaf_path(leaf.ref), counts.get(leaf.ref, 0)) for leaf in section.leaves),
            )
            for section in sections_in_use(self.site.catalogue, counts)
        )

    def render(self, template: str, page_path: str, **context: Any) -> Output:
        """One page from a template and its context."""
        if template not in self.templates:
            self.templates[template] = self.env.get_template(template)
        html = self.templates[template].render(
            page_path=page_path,
            site=self.site.config,
            nav=self.nav,
            site_columns=[(leaf, leaf_path(leaf.ref), len(self.by_leaf.get(leaf.ref, ()))) for leaf in self.site.catalogue.site_columns],
            today=self.site.today,
            **context,
        )
        return Output(page_path, html.encode("utf-8"))

    def jobs(self) -> list[tuple[str, ...]]:
        """Every page to render, as small descriptions that any worker can run."""
        jobs: list[tuple[str, ...]] = [("home",)]
        for nav in self.nav:
            if nav.section.has_columns:
                jobs.append(("section", nav.section.id))
            jobs += [("leaf", leaf.ref, str(n)) for leaf, _, _ in nav.leaves for n in range(1, self.page_count(leaf) + 1)]
        jobs += [("leaf", leaf.ref, str(n)) for leaf in self.site.catalogue.site_columns for n in range(1, self.page_count(leaf) + 1)]
        jobs += [("item", entry.key) for entry in self.site.items]
        jobs += [("project", name) for name in self.projects]
        jobs += [("projects",)] if self.projects else []
        jobs += [("policies", "all"), ("policies", "valid"), ("search",), ("404",)]
        return jobs

    def run(self, job: tuple[str, ...]) -> Output:
        """Render one page described by ``jobs()``."""
        kind = job[0]
        if kind == "home":
            return self.home()
        if kind == "section":
            nav = next(n for n in self.nav if n.section.id == job[1])
            return self.render("section.html", nav.path, section=nav, breadcrumbs=[], title=nav.section.label)
        if kind == "leaf":
            return self.leaf_page(self.site.catalogue.leaves[job[1]], int(job[2]))
        if kind == "item":
            return self.item_page(self.site.by_key[job[1]])
        if kind == "policies":
            return self.policy_page(job[1] == "valid")
        if kind == "project":
            return self.project_page(job[1])
        if kind == "projects":
            projects = [(name, project_path(name), entries) for name, entries in self.projects.items()]
            return self.render("projects.html", PROJECTS_INDEX, title="重大建设项目", breadcrumbs=[("重大建设项目", "")], projects=projects)
        if kind == "search":
            return self.render("search.html", "search/index.html", title="搜索", breadcrumbs=[("搜索", "")])
        return self.render("404.html", "404.html", title="页面不存在", breadcrumbs=[])

    def context(self, outside: str) -> str:
        """A digest of what every page shows of the site as a whole (settings, catalogue, the
        navigation, the day), with ``outside``: what the caller knows the pages depend on beyond
        the site (the theme, gongkai's code, the commit).

        The default theme's item and list pages show which sections and columns there are, not how
        many items each holds (the counts are on the home and section pages, always rendered): so a
        column change or a withdrawal does not re-render every page.  A theme with templates of its
        own may show anything, and its digest holds the counts too."""
        shown = [(nav.section, nav.path, [(leaf, path) for leaf, path, _count in nav.leaves]) for nav in self.nav]
        columns = [(leaf.ref, leaf_path(leaf.ref)) for leaf in self.site.catalogue.site_columns]
        counts = (self.nav, [(leaf.ref, len(self.by_leaf.get(leaf.ref, ()))) for leaf in self.site.catalogue.site_columns]) if self.own_templates else None
        return _digest(_canonical((outside, self.site.config, self.site.catalogue, shown, columns, counts, self.site.today)))

    def inputs(self, job: tuple[str, ...], context: str) -> tuple[str, str] | None:
        """The output path of page ``job`` and a digest of all it shows (with ``context``), for the
        pages drawn from a few items: an item's page (the item, the items it names, its
        最后更新 and attachment texts) and a list page (its items, their count). None for the
        pages gathered from the whole site (home, sections, 政策文件库, projects, search, 404),
        which are few and always rendered."""
        kind = job[0]
        if kind == "item":
            entry = self.site.by_key[job[1]]
            named = (*entry.interprets, *entry.interpretations, entry.superseded_by, *entry.supersedes, entry.feedback, *entry.feedback_for)
            related = [self.entry_digest(found) if (found := self.site.by_key.get(key)) is not None else None for key in named if key]
            attached = [(a.path, self.attachment_texts.get(a.path), self.attachment_tables.get(a.path)) for a in entry.attachments]
            return entry.path, _digest((context, job, self.entry_digest(entry), related, self.updated(entry), attached))
        if kind == "leaf":
            leaf, number = self.site.catalogue.leaves[job[1]], int(job[2])
            entries = self.by_leaf.get(leaf.ref, [])
            shown = [self.entry_digest(e) for e in entries[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]]
            return leaf_path(leaf.ref, number), _digest((context, job, shown, len(entries), self.page_count(leaf)))
        return None

    def entry_digest(self, entry: PublicItem) -> str:
        """A digest of all of one item as assembled, made once: an item is on its own page, its
        column's list and the pages of the items it is linked with (``digest_entries``)."""
        found = self.entry_digests.get(entry.key)
        if found is None:
            found = self.entry_digests[entry.key] = _digest(entry)
        return found

    def digest_entries(self, sources: Mapping[str, str]) -> None:
        """Make every item's ``entry_digest`` before the pages' workers fork (they inherit them:
        made in each worker, an item's would be made once for every worker that has one of its
        pages), each item standing for itself by ``sources``: the digest of its file's bytes
        (item path → ``Loaded.digest``), from which loading makes it under the context the
        caller's ``outside`` holds (``load_cache.context_key``).  An item without one is digested
        whole."""
        self.entry_digests = {e.key: _assembled_digest(e, sources[e.item.path]) if e.item.path in sources else _digest(e) for e in self.site.items}

    def page_count(self, leaf: Leaf) -> int:
        """How many list pages a leaf has (at least one, even when empty)."""
        return max(1, -(-len(self.by_leaf.get(leaf.ref, ())) // PAGE_SIZE))

    def home(self) -> Output:
        latest = [e for e in self.site.items if self.site.catalogue.leaves[e.item.catalogue].in_catalogue][:LATEST_ON_HOME]
        entries = [nav for nav in self.nav if nav.section.id in HOME_ENTRIES]
        news = self.by_leaf.get("news", [])[:LATEST_ON_HOME]
        return self.render("home.html", "index.html", title="政府信息公开", breadcrumbs=[], latest=latest, entries=entries, news=news, news_path=leaf_path("news"))

    def _crumbs(self, leaf: Leaf) -> list[tuple[str, str]]:
        crumbs: list[tuple[str, str]] = []
        nav = self.sections.get(leaf.ref)
        if nav is not None and nav.section.has_columns:
            crumbs.append((nav.section.label, nav.path))
        crumbs.append((leaf.label, leaf_path(leaf.ref)))
        return crumbs

    def leaf_page(self, leaf: Leaf, number: int) -> Output:
        """Page ``number`` of a column's list, 20 items a page, newest first."""
        entries = self.by_leaf.get(leaf.ref, [])
        pages = self.page_count(leaf)
        crumbs = self._crumbs(leaf)
        return self.render(
            "list.html",
            leaf_path(leaf.ref, number),
            title=leaf.label if number == 1 else f"{leaf.label}（第{number}页）",
            leaf=leaf,
            entries=entries[(number - 1) * PAGE_SIZE : number * PAGE_SIZE],
            total=len(entries),
            page_number=number,
            page_links=[(n, leaf_path(leaf.ref, n)) for n in range(1, pages + 1)],
            breadcrumbs=crumbs[:-1] + [(leaf.label, "")],
            section_nav=self.sections.get(leaf.ref),
        )

    def item_page(self, entry: PublicItem) -> Output:
        """One item's page: metadata block, banner, body, attachments and interpretations."""
        leaf = self.site.catalogue.leaves[entry.item.catalogue]
        by_key = self.site.by_key
        return self.render(
            "item.html",
            entry.path,
            title=entry.item.title,
            entry=entry,
            leaf=leaf,
            leaf_path=leaf_path(leaf.ref),
            breadcrumbs=self._crumbs(leaf) + [(entry.item.title, "")],
            interprets=[by_key[k] for k in entry.interprets],
            interpretations=[by_key[k] for k in entry.interpretations],
            superseded_by=by_key.get(entry.superseded_by),
            supersedes=[by_key[k] for k in entry.supersedes],
            search_kind=search_kind(entry),
            updated=self.updated(entry),
            is_document=is_document(entry.item),
            project_page=project_path(entry.item.project) if entry.item.project else "",
            feedback=by_key.get(entry.feedback),
            feedback_for=[by_key[k] for k in entry.feedback_for],
            sheet_tables=[
                sheet_html(table, f"{a.title}（{table.where}）" if len(self.attachment_tables[a.path]) > 1 else a.title)
                for a in entry.attachments
                for table in self.attachment_tables.get(a.path, ())
            ],
            attachment_texts=[
                {"title": a.title, "text": self.attachment_texts[a.path][:ATTACHMENT_TEXT_CHARS]} for a in entry.attachments if self.attachment_texts.get(a.path)
            ],
        )

    def updated(self, entry: PublicItem) -> dt.date | None:
        """最后更新: the last commit that changed the item's text, shown only when it came after the
        发布日期 (a reader should know the page changed since); None otherwise."""
        committed = self.commit_dates.get(entry.item.path)
        published = entry.item.published
        if committed is None or published is None or committed <= published:
            return None
        return committed

    def project_page(self, name: str) -> Output:
        """One 重大建设项目: its items stage by stage, in the order of 国办发〔2017〕94号."""
        entries = self.projects[name]
        stages = [(stage, [e for e in entries if e.item.project_stage == stage]) for stage in PROJECT_STAGES]
        unstaged = [e for e in entries if not e.item.project_stage]
        return self.render(
            "project.html",
            project_path(name),
            title=name,
            breadcrumbs=[("重大建设项目", PROJECTS_INDEX), (name, "")],
            name=name,
            stages=stages,
            unstaged=unstaged,
        )

    def policy_page(self, only_valid: bool) -> Output:
        """政策文件库: all policy documents, or those currently valid."""
        entries = [e for e in self.site.items if is_policy(e) and (not only_valid or e.item.validity is Validity.VALID)]
        return self.render(
            "policies.html",
            "policies/valid.html" if only_valid else "policies/index.html",
            title="政策文件库",
            breadcrumbs=[("政策文件库", "")],
            entries=entries,
            only_valid=only_valid,
            interpretation_counts={e.key: len(e.interpretations) for e in entries},
        )


def _canonical(value: object) -> object:
    """``value`` with every set in a fixed order: a set's repr follows the process's string hash
    seed, which differs from run to run, and a digest must not."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, tuple(_canonical(getattr(value, f.name)) for f in dataclasses.fields(value)))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted((_canonical(v) for v in value), key=repr)))
    if isinstance(value, dict):
        return ("dict", tuple((_canonical(k), _canonical(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_canonical(v) for v in value)
    return value


def _digest(value: object) -> str:
    # Items and their pages hold no sets: their repr is their whole value, and quick to make.
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=16).hexdigest()


_ENTRY_FIELDS = tuple(f.name for f in dataclasses.fields(PublicItem))


def _assembled_digest(entry: PublicItem, source: str) -> str:
    """A digest of ``entry`` with its item named by ``source`` (its file's digest) and its body
    hashed as bytes: the repr of 10,000 items and their Chinese texts took 0.45 s of every
    one-edit build on two cores; this, 0.1 s on one."""
    parts: list[object] = []
    for name in _ENTRY_FIELDS:
        value = getattr(entry, name)
        if name == "item":
            value = ("source", source)
        elif name == "body_html":
            value = ("body", hashlib.blake2b(value.encode("utf-8"), digest_size=16).hexdigest())
        parts.append(value)
    return _digest(parts)


@dataclass(frozen=True)
class Rendered:
    """The pages written, in a deterministic order, the input digest of each page that
    ``Renderer.inputs`` describes (by output path): what a later build compares to reuse it, and
    how many pages were an earlier build's, put in place unrendered."""

    pages: list[str]
    inputs: dict[str, str]
    reused: int = 0


def render_site(
    site: Site,
    theme: Theme,
    write: Callable[[str, bytes], None],
    attachment_texts: dict[str, str] | None = None,
    commit_dates: dict[str, dt.date] | None = None,
    attachment_tables: dict[str, tuple[Table, ...]] | None = None,
    outside: str = "",
    reuse: Callable[[str, str], bool] | None = None,
    sources: Mapping[str, str] | None = None,
) -> Rendered:
    """Render and write every page on all cores.

    ``attachment_texts`` maps a published attachment's path to its text, indexed for search.
    ``reuse(path, digest)`` may put an earlier build's page in place instead (returning True) when
    its inputs had that digest; ``outside`` is what the pages depend on beyond the site, the
    items' loading context among it; ``sources``: each item file's digest (``digest_entries``).
    """
    renderer = Renderer(site, theme, attachment_texts, commit_dates, attachment_tables)
    context = renderer.context(outside)
    # Always: the digests are recorded for the next build, which must make them alike.
    renderer.digest_entries(sources or {})

    def render_and_write(job: tuple[str, ...]) -> tuple[str, str, bool]:
        known = renderer.inputs(job, context)
        if known is not None and reuse is not None and reuse(*known):
            return (*known, True)
        page = renderer.run(job)
        write(page.path, page.data)
        return page.path, known[1] if known is not None else "", False

    results = fork_map(render_and_write, renderer.jobs())
    return Rendered([path for path, _, _ in results], {path: digest for path, digest, _ in results if digest}, sum(kept for _, _, kept in results))
