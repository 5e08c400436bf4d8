"""Assembly stage: resolve references, apply the publish gate, finish bodies, link both ways.

The publish gate (``publish_gate``) is the single place where non-public items are dropped.
Everything this module returns in ``Site`` is derived from public items only; the rest of the
pipeline never sees a withheld item.  (Loading already declines to render a withheld item's body,
so not even an intermediate HTML string of it exists.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from .discover import SiteFiles, is_hidden_path, is_text_source
from .extensions import NO_EXTENSIONS, Extensions
from .load import SiteSettings, label, resolve_path
from .markdown import BodyDraft, BodyLink, link_targets
from .model import Catalogue, Item, Ref, SiteConfig
from .problems import Problem, error, site_path
from .urls import files_dir, item_path, relative, spread

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class FileCopy:
    """A source file under ``content/`` that is published at ``target``."""

    source: str
    target: str
    size: int
    owner: str  # the key of the item that publishes it


@dataclass(frozen=True)
class PublicAttachment:
    """An attachment as shown on an item page."""

    title: str
    path: str
    kind: str
    size: int


@dataclass(frozen=True)
class PublicItem:
    """A public item with everything a page needs, relations stored as keys."""

    item: Item
    path: str
    body_html: str
    excerpt: str
    attachments: tuple[PublicAttachment, ...]
    interprets: tuple[str, ...]
    interpretations: tuple[str, ...]
    superseded_by: str
    supersedes: tuple[str, ...]
    # 征求意见 ↔ 意见采纳情况反馈, linked both ways.
    feedback: str = ""
    feedback_for: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The item's stable key."""
        return self.item.key


@dataclass(frozen=True)
class Site:
    """A site ready to render: settings, catalogue and only its public items (newest first)."""

    config: SiteConfig
    catalogue: Catalogue
    items: tuple[PublicItem, ...]
    by_key: dict[str, PublicItem]
    files: tuple[FileCopy, ...]
    # The day the site is built for: periods and deadlines are shown as of it.
    today: dt.date = dataclasses.field(default_factory=dt.date.today)
    # The site's own synonym groups for the search page.
    synonyms: tuple[tuple[str, ...], ...] = ()
    # Whether the items' pages and files are filed in folders (``urls.item_dir``).
    spread: bool = False


def split_target(target: str) -> tuple[str, str]:
    """A body link's file part (decoded, without query) and its fragment."""
    raw, _, fragment = unquote(target).partition("#")
    return raw.split("?", 1)[0], fragment


def publish_gate(items: tuple[Item, ...]) -> tuple[Item, ...]:
    """THE publish gate: only 主动公开 items pass.  Nothing downstream sees the others."""
    return tuple(item for item in items if item.is_public)


def _sort_key(item: Item) -> tuple[int, str, str]:
    published = item.published.toordinal() if item.published else 0
    return (-published, item.index_no, item.key)


class _Index:
    """Lookups from a reference to an item: by key/id, by 索引号, by path."""

    def __init__(self, items: tuple[Item, ...], problems: list[Problem]) -> None:
        self.by_path = {item.path: item for item in items}
        self.by_key: dict[str, Item] = {}
        self.by_index: dict[str, Item] = {}
        for item in items:
            other = self.by_key.get(item.key)
            if other is not None:
                line = item.line_of("id") if item.explicit_id else 1
                problems.append(
                    error(
                        item.path,
                        line,
                        label("id"),
                        f"网址标识“{item.key}”与 {site_path(other.path)} 重复（标识来自 id 字段或文件名）。请给其中一个写不同的 id。",
                        "format/duplicate-key",
                    )
                )
                continue
            self.by_key[item.key] = item
            if item.index_no:
                first = self.by_index.get(item.index_no)
                if first is not None:
                    problems.append(
                        error(item.path, item.line_of("index_no"), label("index_no"), f"索引号“{item.index_no}”与 {site_path(first.path)} 重复，索引号必须全站唯一。", "metadata/duplicate-index-no")
                    )
                else:
                    self.by_index[item.index_no] = item

    def resolve(self, source: Item, text: str) -> Item | None:
        if text in self.by_key:
            return self.by_key[text]
        if text in self.by_index:
            return self.by_index[text]
        path = resolve_path(source.path, text)
        return self.by_path.get(path) if path else None


def _not_public(target: Item) -> str:
    # Name the file path only: the withheld item's title must not travel anywhere.
    return f"引用的条目 {site_path(target.path)} 不是主动公开（{target.disclosure.value}），公开条目不能链接或解读它。请删除这个引用，或确认对方条目可以主动公开。"


# Where a consequence points to its cause; the preview says where else to look when the cause is
# one of the problems it may not show.
SEE_ABOVE = "（见上）"


def _unloaded(path: str) -> str:
    return f"它所在的 {site_path(path)} 有错误、没有读入{SEE_ABOVE}。先改正那个文件，这一条会随之消失。"


class _Assembler:
    def __init__(self, settings: SiteSettings, items: tuple[Item, ...], files: SiteFiles, unloaded: Mapping[str, str], extensions: Extensions) -> None:
        self.settings = settings
        self.finish = extensions.body
        self.files = files
        self.unloaded = unloaded
        self.problems: list[Problem] = []
        self.index = _Index(items, self.problems)
        self.copies: dict[str, FileCopy] = {}
        self.published: dict[tuple[str, str], str] = {}
        self.withheld_files = self._withheld_files(items)
        self.spread = spread(sum(item.is_public for item in items))

    def _withheld_files(self, items: tuple[Item, ...]) -> frozenset[str]:
        """Every file a non-public item references in any way: attachment, body link, image.

        The gate is an allow-list: such a file is never published, whichever public item asks.
        """
        found: set[str] = set()
        for item in items:
            if item.is_public:
                continue
            found.update(a.file for a in item.attachments)
            links = link_targets(item.body)
            if isinstance(links, str):
                # Its links cannot be told: the item stays withheld and the build stops.
                self.problems.append(error(item.path, item.body_line, "正文", links, "format/body"))
                continue
            for link in links:
                raw, _fragment = split_target(link.target)
                source = resolve_path(item.path, raw) if raw and not raw.startswith("/") else None
                if source is not None:
                    found.add(source)
        return frozenset(found)

    def ref(self, item: Item, ref: Ref, field: str) -> Item | None:
        target = self.index.resolve(item, ref.text)
        cause = self.unloaded.get(ref.text) or self.unloaded.get(resolve_path(item.path, ref.text) or "")
        if target is None and cause:
            self.problems.append(error(item.path, ref.line, label(field), f"找不到被引用的条目“{ref.text}”：{_unloaded(cause)}", "links/reference", cause))
            return None
        if target is None:
            self.problems.append(
                error(item.path, ref.line, label(field), f"找不到被引用的条目“{ref.text}”。引用可写对方的 id、索引号，或相对本文件的路径（如 ../policy-docs/2024-rules.md）。", "links/reference")
            )
            return None
        if target is item:
            self.problems.append(error(item.path, ref.line, label(field), "条目不能引用它自己。", "links/reference"))
            return None
        if item.is_public and not target.is_public:
            self.problems.append(error(item.path, ref.line, label(field), _not_public(target), "links/withheld"))
            return None
        return target

    def publish_file(self, item: Item, source: str, line: int, field: str) -> str | None:
        """Register a content file for copying next to the item's page; returns its output path.

        The allow-list: a regular file that no withheld item references, that is no text source
        and that lies outside ``_``/``.`` folders.  Withheld things are named by path only.
        """
        if source in self.withheld_files:
            self.problems.append(
                error(item.path, line, field, f"文件 content/{source} 也被非公开条目引用（附件、正文链接或图片），不能在公开条目中发布。请另存一份可公开的版本再引用。", "links/withheld")
            )
            return None
        if is_text_source(source):
            self.problems.append(
                error(item.path, line, field, f"content/{source} 是 Markdown/YAML 源文件，不会作为附件发布（它可能是不公开的文件）。要引用其他条目，请链接条目本身；要发布全文，请另存为 PDF 等格式。", "links/withheld")
            )
            return None
        if is_hidden_path(source):
            self.problems.append(
                error(item.path, line, field, f"content/{source} 位于以“_”或“.”开头的文件夹或文件名中，这类位置的文件不发布。请把要公开的文件移到普通文件夹。", "links/withheld")
            )
            return None
        size = (self.files.content_dir / source).stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            self.problems.append(
                error(item.path, line, field, f"附件 content/{source} 有 {size // 1024 // 1024} MB，超过 {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB 上限，请压缩或拆分。", "links/size")
            )
            return None
        known = self.published.get((item.key, source))
        if known is not None:
            return known
        name = posixpath.basename(source)
        folder = files_dir(item.key, self.spread)
        target = f"{folder}/{name}"
        n = 1
        # Two files of one name (in different folders) each get their own path: never the other's.
        while target in self.copies and self.copies[target].source != source:
            n += 1
            stem, ext = posixpath.splitext(name)
            target = f"{folder}/{stem}-{n}{ext}"
        self.copies[target] = FileCopy(source, target, size, item.key)
        self.published[(item.key, source)] = target
        return target

    def body(self, item: Item, draft: BodyDraft) -> str:
        """A public item's body HTML with its relative links pointing to published URLs."""
        page = item_path(item.key, self.spread)
        urls: list[str] = []
        for link in draft.links:
            urls.append(self.link(item, page, link) or "#")
        return draft.fill(urls)

    def link(self, item: Item, page: str, link: BodyLink) -> str | None:
        """The published URL of one body link, relative to the item's page; None after a problem."""
        line = item.body_line + link.body_line
        raw, fragment = split_target(link.target)
        if not raw:
            return f"#{fragment}"
        if raw.startswith("/"):
            self.problems.append(error(item.path, line, "正文链接", f"链接“{raw}”以“/”开头，发布到子目录后会失效。请写相对路径，或完整网址（https://…）。", "links/body"))
            return None
        source = resolve_path(item.path, raw)
        if source is None:
            self.problems.append(error(item.path, line, "正文链接", f"链接“{raw}”指向 content 文件夹之外。", "links/body"))
            return None
        if source in self.index.by_path:
            target = self.index.by_path[source]
            if not target.is_public:
                self.problems.append(error(item.path, line, "正文链接", _not_public(target), "links/withheld"))
                return None
            out = item_path(target.key, self.spread)
        elif source in self.files.items:
            # An item file that did not load: whether it may be public cannot be told.
            self.problems.append(error(item.path, line, "正文链接", f"链接的条目没有读取成功：{_unloaded(source)}", "links/body", source))
            return None
        elif source in self.files.control:
            self.problems.append(error(item.path, line, "正文链接", f"“{raw}”是 gongkai 的设置文件（不公开），不能链接发布。", "links/body"))
            return None
        elif source in self.files.links or self.files.refusal(source) is not None:
            self.problems.append(error(item.path, line, "正文链接", f"“{raw}”是符号链接或不是普通文件，出于安全不予发布。请放入真实文件。", "links/body"))
            return None
        elif source in self.files.others:
            published = self.publish_file(item, source, line, "正文链接")
            if published is None:
                return None
            out = published
        else:
            what = "条目" if raw.lower().endswith(".md") else "文件"
            self.problems.append(error(item.path, line, "正文链接", f"链接的{what}“{raw}”不存在（应在 content/{source}），请检查文件名和位置。", "links/body"))
            return None
        return relative(page, out) + (f"#{fragment}" if fragment else "")

    def attachments(self, item: Item) -> tuple[PublicAttachment, ...]:
        found: list[PublicAttachment] = []
        for att in item.attachments:
            target = self.publish_file(item, att.file, att.line, label("attachments"))
            if target is not None:
                kind = posixpath.splitext(att.file)[1].lstrip(".").upper() or "文件"
                found.append(PublicAttachment(att.title, target, kind, self.copies[target].size))
        return tuple(found)

    def public_item(
        self, item: Item, draft: BodyDraft | None, interprets: tuple[str, ...], interpretations: tuple[str, ...], superseded_by: str, supersedes: tuple[str, ...]
    ) -> PublicItem:
        """One public item with its body finished and its relations (as keys) attached."""
        body_html, excerpt = (self.body(item, draft), draft.excerpt) if draft else ("", "")
        if draft and self.finish is not None:
            body_html = self.finish(item, body_html, self.spread)
        return PublicItem(
            item=item,
            path=item_path(item.key, self.spread),
            body_html=body_html,
            excerpt=item.summary or excerpt,
            attachments=self.attachments(item),
            interprets=interprets,
            interpretations=interpretations,
            superseded_by=superseded_by,
            supersedes=supersedes,
        )

    def run(self, items: tuple[Item, ...], drafts: dict[str, BodyDraft]) -> Site:
        # References are checked for every item, so a withheld item's broken reference is reported too.
        resolved_interprets: dict[str, list[Item]] = {}
        resolved_superseded: dict[str, Item] = {}
        resolved_feedback: dict[str, Item] = {}
        for item in items:
            targets = [self.ref(item, r, "interprets") for r in item.interprets]
            resolved_interprets[item.path] = [t for t in targets if t is not None]
            if item.superseded_by is not None:
                target = self.ref(item, item.superseded_by, "superseded_by")
                if target is not None:
                    resolved_superseded[item.path] = target
            if item.consultation_feedback is not None:
                target = self.ref(item, item.consultation_feedback, "consultation")
                if target is not None:
                    resolved_feedback[item.path] = target
        public = sorted(publish_gate(items), key=_sort_key)
        feedback_for: dict[str, list[str]] = defaultdict(list)
        for item in public:
            if item.path in resolved_feedback:
                feedback_for[resolved_feedback[item.path].key].append(item.key)
        interpretations: dict[str, list[str]] = defaultdict(list)
        supersedes: dict[str, list[str]] = defaultdict(list)
        for item in public:
            for target in resolved_interprets[item.path]:
                interpretations[target.key].append(item.key)
            if item.path in resolved_superseded:
                supersedes[resolved_superseded[item.path].key].append(item.key)
        built = [
            self.public_item(
                item,
                drafts.get(item.path),  # missing only after a body problem, which stops the build
                tuple(t.key for t in resolved_interprets[item.path]),
                tuple(interpretations[item.key]),
                resolved_superseded[item.path].key if item.path in resolved_superseded else "",
                tuple(supersedes[item.key]),
            )
            for item in public
        ]
        built = [
            dataclasses.replace(e, feedback=resolved_feedback[e.item.path].key if e.item.path in resolved_feedback else "", feedback_for=tuple(feedback_for[e.key]))
            for e in built
        ]
        return Site(
            config=self.settings.config,
            catalogue=self.settings.catalogue,
            items=tuple(built),
            by_key={p.key: p for p in built},
            files=tuple(sorted(self.copies.values(), key=lambda c: c.target)),
            today=self.settings.today,
            synonyms=self.settings.synonyms,
            spread=self.spread,
        )


def without(site: Site, keys: set[str], sources: set[str]) -> Site:
    """``site`` without the items ``keys`` and the files ``sources`` (a withdrawal applied to the
    last good site while the content has errors).  An item whose body links to a removed page or
    file goes too; relations to removed items are dropped."""
    removed_files = {c.target for c in site.files if c.source in sources or c.owner in keys}
    pages = {item_path(key, site.spread) for key in keys}
    gone = set(keys)
    for entry in site.items:
        links = [f'="{relative(entry.path, p)}' for p in pages | removed_files]
        if any(link in entry.body_html for link in links) or any(a.path in removed_files for a in entry.attachments):
            gone.add(entry.key)
    removed_files |= {c.target for c in site.files if c.owner in gone}

    def keep(entry: PublicItem) -> PublicItem:
        return dataclasses.replace(
            entry,
            interprets=tuple(k for k in entry.interprets if k not in gone),
            interpretations=tuple(k for k in entry.interpretations if k not in gone),
            superseded_by="" if entry.superseded_by in gone else entry.superseded_by,
            supersedes=tuple(k for k in entry.supersedes if k not in gone),
            feedback="" if entry.feedback in gone else entry.feedback,
            feedback_for=tuple(k for k in entry.feedback_for if k not in gone),
        )

    items = tuple(keep(e) for e in site.items if e.key not in gone)
    files = tuple(c for c in site.files if c.target not in removed_files)
    return dataclasses.replace(site, items=items, by_key={e.key: e for e in items}, files=files)


# Fields an edit may change while every other page keeps its place: lists stay in the same order,
# references resolve the same way and the same files are published.
_PLACE_FIELDS = (
    "path", "key", "catalogue", "disclosure", "published", "index_no", "explicit_id", "validity", "interprets", "superseded_by", "attachments",
    "consultation_feedback", "also_in", "project", "project_stage",
)
# Problems about an item's identity that only a full assembly can tell.
_IDENTITY_RULES = ("format/duplicate-key", "metadata/duplicate-index-no")


class Assembly:
    """Resolve references, apply the gate and finish public bodies: ``site`` is the public site,
    ``problems`` the assembly's problems.  It takes an edit of one public item without assembling
    everything again (the preview server's fast path).

    ``drafts`` holds the rendered body of every public item that loaded without a body problem;
    ``unloaded`` maps what the files that did not load declare (path, id, 索引号) to their paths;
    ``extensions.body`` finishes a body (the annual report's national tables)."""

    def __init__(
        self,
        settings: SiteSettings,
        items: tuple[Item, ...],
        drafts: dict[str, BodyDraft],
        files: SiteFiles,
        unloaded: Mapping[str, str] | None = None,
        extensions: Extensions = NO_EXTENSIONS,
    ) -> None:
        self._assembler = _Assembler(settings, items, files, unloaded or {}, extensions)
        self.site = self._assembler.run(items, drafts)
        self.problems = list(self._assembler.problems)

    @property
    def withheld_files(self) -> frozenset[str]:
        """Every file a non-public item references (never published)."""
        return self._assembler.withheld_files

    def replace_item(self, item: Item, draft: BodyDraft | None) -> PublicItem | None:
        """Take a new version of a public item; None when the edit moves it, changes what it
        references or publishes, or makes it non-public: those need a full assembly."""
        old = self.site.by_key.get(item.key)
        if old is None or not item.is_public or any(getattr(old.item, f) != getattr(item, f) for f in _PLACE_FIELDS):
            return None
        assembler = self._assembler
        copies, published = dict(assembler.copies), dict(assembler.published)
        problems, assembler.problems = assembler.problems, []
        for ref in item.interprets:
            assembler.ref(item, ref, "interprets")
        if item.superseded_by is not None:
            assembler.ref(item, item.superseded_by, "superseded_by")
        entry = assembler.public_item(item, draft, old.interprets, old.interpretations, old.superseded_by, old.supersedes)
        entry = dataclasses.replace(entry, feedback=old.feedback, feedback_for=old.feedback_for)
        fresh, assembler.problems = assembler.problems, problems
        if assembler.copies != copies:  # a body link now publishes another file
            assembler.copies, assembler.published = copies, published
            return None
        index = assembler.index
        index.by_path[item.path] = index.by_key[item.key] = item
        if item.index_no:
            index.by_index[item.index_no] = item
        items = tuple(entry if e.key == item.key else e for e in self.site.items)
        self.site = dataclasses.replace(self.site, items=items, by_key={**self.site.by_key, item.key: entry})
        kept = [p for p in self.problems if p.path != item.path or p.rule in _IDENTITY_RULES]
        self.problems = kept + fresh
        return entry
