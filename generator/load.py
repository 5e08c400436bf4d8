"""Loading stage: item files → validated ``Item`` values, every problem collected.

Also reads the two settings files.  Nothing here resolves references between items; that is
the assembly stage's job.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import frontmatter, markdown, textfile, yamltree
from .cache import file_digest
from .catalogue import build_catalogue, read_overrides, resolve_column
from .discover import CATALOGUE_FILE, SEARCH_FILE, SITE_FILE, SiteFiles, is_text_source
from .fields import WEB_ADDRESS, Reader
from .model import (
    DISCLOSURE_CODES,
    FORM_CODES,
    VALIDITY_CODES,
    AllowEntry,
    AttachmentRef,
    Catalogue,
    Disclosure,
    ExternalDocument,
    InterpretationForm,
    Item,
    Ref,
    SiteConfig,
    Validity,
)
from .problems import Problem, error, warning
from .search_settings import site_groups
from .settings import read_settings
from .suggest import did_you_mean
from .yamltree import Map, Node, Seq, is_null

# English key → Chinese alias, in the order of the contract's table.
FIELDS: dict[str, str] = {
    "title": "标题",
    "catalogue": "目录分类",
    "disclosure": "公开属性",
    "exempt_reason": "不予公开理由",
    "published": "发布日期",
    "written": "成文日期",
    "id": "标识",
    "index_no": "索引号",
    "doc_no": "文号",
    "issuer": "发布机构",
    "doc_class": "文件类别",
    "validity": "有效性",
    "validity_date": "失效日期",
    "superseded_by": "替代文件",
    "effective": "施行日期",
    "expires": "有效期至",
    "topic": "主题分类",
    "keywords": "关键词",
    "summary": "内容概述",
    "attachments": "附件",
    "interprets": "解读对象",
    "interpretation_form": "解读形式",
    "privacy_allow": "隐私例外",
    # Release 0.2 (contract §3a) and gongkai's own extensions (docs/content-format-extensions.md).
    "report_year": "报告年度",
    "notice_period": "公示期",
    "consultation": "征求意见",
    "also_in": "同时发布到",
    "project": "所属项目",
    "project_stage": "项目阶段",
    "draft": "草稿",
}
# The eight stages of a 重大建设项目 (国办发〔2017〕94号), in order.
PROJECT_STAGES = ("批准服务", "批准结果", "招标投标", "征收土地", "重大设计变更", "施工有关", "质量安全监督", "竣工有关")
ALIASES = {alias: key for key, alias in FIELDS.items()}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def label(field: str) -> str:
    """``title/标题`` — how a field is named in messages."""
    return f"{field}/{FIELDS[field]}" if field in FIELDS else field


@dataclass(frozen=True)
class SiteSettings:
    """The site's settings, its catalogue, and the day the site is built for: an item whose
    发布日期 is later is scheduled, and withheld until a build on or after that day."""

    config: SiteConfig
    catalogue: Catalogue
    today: dt.date = dataclasses.field(default_factory=dt.date.today)
    # The site's own synonym groups for the search page (``content/_search.yml``).
    synonyms: tuple[tuple[str, ...], ...] = ()


def read_yaml_file(path: Path, rel: str) -> tuple[Node | None, list[Problem]]:
    """Read a whole-YAML settings file strictly."""
    decoded = textfile.decode(path.read_bytes())
    if isinstance(decoded, str):
        return None, [error(rel, 0, "", decoded)]
    problems = [warning(rel, 1, "", "文件带有 BOM（字节顺序标记），建议另存为“UTF-8 无 BOM”。")] if decoded.had_bom else []
    node, issues = yamltree.parse(decoded.text)
    problems += [error(rel, i.line, i.field, i.message) for i in issues]
    return node, problems


def load_settings(content_dir: Path) -> tuple[SiteSettings | None, list[Problem]]:
    """Read ``_site.yml`` (required) and ``_catalogue.yml`` (optional)."""
    site_path = content_dir / SITE_FILE
    if not site_path.is_file():
        return None, [
            error(
                f"content/{SITE_FILE}",
                0,
                "",
                "缺少站点设置文件 content/_site.yml。可用“gongkai new 目录”生成一个示例站点，再照着修改。",
            )
        ]
    node, problems = read_yaml_file(site_path, f"content/{SITE_FILE}")
    reader = Reader(f"content/{SITE_FILE}")
    config = read_settings(reader, node) if not problems or node is not None else None
    problems += reader.problems
    if config is None:
        return None, problems
    overrides: dict[str, Any] | None = None
    cat_path = content_dir / CATALOGUE_FILE
    if cat_path.is_file():
        cat_node, cat_problems = read_yaml_file(cat_path, f"content/{CATALOGUE_FILE}")
        problems += cat_problems
        cat_reader = Reader(f"content/{CATALOGUE_FILE}")
        overrides = read_overrides(cat_reader, cat_node, config.kind)
        problems += cat_reader.problems
    groups: tuple[tuple[str, ...], ...] = ()
    search_path = content_dir / SEARCH_FILE
    if search_path.is_file() and not search_path.is_symlink():
        search_node, search_problems = read_yaml_file(search_path, f"content/{SEARCH_FILE}")
        problems += search_problems
        search_reader = Reader(f"content/{SEARCH_FILE}")
        groups = site_groups(search_reader, search_node)
        problems += search_reader.problems
    return SiteSettings(config, build_catalogue(config.kind, overrides), synonyms=groups), problems


def derive_key(rel: str, explicit_id: str) -> str:
    """The item's URL key: its ``id``, else its file name (ASCII), else a hash of the file name.

    Only the file *name* counts, never the folder, so moving a file keeps its URL.
    """
    if explicit_id:
        return explicit_id
    stem = posixpath.splitext(posixpath.basename(rel))[0]
    candidate = re.sub(r"[\s_]+", "-", stem.lower())
    if _ID.match(candidate) and len(candidate) <= 80:
        return candidate
    return "i" + hashlib.sha1(stem.encode("utf-8")).hexdigest()[:10]


def resolve_path(base_rel: str, target: str) -> str | None:
    """A path written in ``base_rel`` resolved against the content folder; None if it leaves it."""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base_rel), target))
    if joined.startswith("../") or joined == ".." or posixpath.isabs(target):
        return None
    return joined


def _entries(node: Node | None) -> tuple[Node, ...]:
    """A list field's entries; a single value written without a list counts as a one-entry list."""
    if is_null(node):
        return ()
    assert node is not None
    return node.items if isinstance(node, Seq) else (node,)


class _ItemReader:
    """Reads one item's front matter, field by field."""

    def __init__(self, rel: str, root: Map, settings: SiteSettings, files: SiteFiles) -> None:
        self.rel = rel
        self.reader = Reader(rel)
        self.settings = settings
        self.files = files
        self.values: dict[str, Node] = {}
        self.lines: dict[str, int] = {}
        self.written_as: dict[str, str] = {}
        for key, value in root.entries:
            name = ALIASES.get(key.text, key.text)
            if name not in FIELDS:
                self.reader.fail(
                    key.line,
                    key.text,
                    f"不认识的字段“{key.text}”。{did_you_mean(key.text, list(FIELDS) + list(ALIASES))}"
                    "字段名可用英文或中文，全部字段见 docs/内容格式说明.md。",
                )
                continue
            if name in self.values:
                self.reader.fail(
                    key.line,
                    label(name),
                    f"字段“{key.text}”与第 {self.lines[name]} 行的“{self.written_as[name]}”是同一个字段，请只保留一个。",
                )
                continue
            self.values[name] = value
            self.lines[name] = key.line
            self.written_as[name] = key.text

    def missing(self, field: str) -> bool:
        return is_null(self.values.get(field))

    def line(self, field: str) -> int:
        return self.lines.get(field, 1)

    def get(self, field: str, read: Callable[[Node | None, str], Any]) -> Any:
        return read(self.values.get(field), label(field))

    def text(self, field: str) -> str:
        return str(self.get(field, self.reader.text) or "")

    def date(self, field: str) -> dt.date | None:
        value: dt.date | None = self.get(field, self.reader.date)
        return value

    def sub_fields(self, node: Node | None, field: str, names: dict[str, str]) -> dict[str, Node]:
        """A nested mapping's entries by English name (``names`` maps each key and alias to it);
        an unknown key is an error listing the keys."""
        found: dict[str, Node] = {}
        mapping = self.reader.mapping(node, label(field)) if not is_null(node) else None
        for key, value in mapping.entries if mapping else ():
            name = names.get(key.text)
            if name is None:
                choices = "、".join(dict.fromkeys(f"{v}（{k}）" for k, v in names.items() if k != v))
                self.reader.fail(key.line, label(field), f"不认识的键“{key.text}”，可用：{choices}。")
                continue
            found[name] = value
        return found

    def sub_date(self, node: Node | None, field: str) -> dt.date | None:
        value: dt.date | None = self.reader.date(node, label(field))
        return value

    def column(self, written: str, field: str) -> str:
        """A column's code from what was written (its code, or its one column's Chinese name);
        '' after an error."""
        settings = self.settings
        ref, warn, fail = resolve_column(written, settings.catalogue, settings.config.kind)
        if warn:
            self.reader.warn(self.line(field), label(field), warn)
        if fail:
            self.reader.fail(self.line(field), label(field), fail)
        return ref

    def flag(self, field: str) -> bool:
        """A yes/no field; anything but a clear “no” reads as yes, since every flag here holds
        an item back (fail closed)."""
        node = self.values.get(field)
        if is_null(node):
            return False
        text = node.text.strip().lower() if isinstance(node, yamltree.Scalar) else ""
        if text in ("false", "否"):
            return False
        if text not in ("true", "是"):
            self.reader.fail(self.line(field), label(field), f"应写 true（是）或 false（否），这里写成了“{text or '非文字'}”。按“是”处理。")
        return True

    def required_missing(self, field: str, hint: str) -> None:
        self.reader.fail(1, label(field), f"缺少必填字段“{FIELDS[field]}”（{field}）。{hint}")

    def refs(self, field: str) -> tuple[Ref, ...]:
        refs: list[Ref] = []
        for entry in _entries(self.values.get(field)):
            if field == "interprets" and isinstance(entry, Map):
                continue  # a document published elsewhere: see ``elsewhere``
            value = self.reader.text(entry, label(field))
            if value:
                refs.append(Ref(value, entry.line))
        return tuple(refs)

    def elsewhere(self) -> tuple[ExternalDocument, ...]:
        """``interprets`` entries of the form ``{url, title, doc_no}`` (aliases 网址、标题、文号)."""
        found: list[ExternalDocument] = []
        field = label("interprets")
        hint = "写成 {url: https://…, title: 文件标题, doc_no: 文号}，如 {url: https://www.gov.cn/zhengce/content/…, title: 国务院办公厅关于……的意见, doc_no: 国办发〔2024〕5号}。"
        for entry in _entries(self.values.get("interprets")):
            if not isinstance(entry, Map):
                continue  # a reference to an item of the site: see ``refs``
            sub = self.sub_fields(entry, "interprets", {"url": "url", "网址": "url", "title": "title", "标题": "title", "名称": "title", "doc_no": "doc_no", "文号": "doc_no"})
            url = self.reader.text(sub.get("url"), field) or ""
            title = self.reader.text(sub.get("title"), field) or ""
            if not WEB_ADDRESS.match(url) or not title:
                self.reader.fail(entry.line, field, "外单位文件须写明以 https:// 或 http:// 开头的网址和文件标题。" + hint)
                continue
            found.append(ExternalDocument(url, title, self.reader.text(sub.get("doc_no"), field) or "", entry.line))
        return tuple(found)

    def attachments(self) -> tuple[AttachmentRef, ...]:
        found: list[AttachmentRef] = []
        for entry in _entries(self.values.get("attachments")):
            if isinstance(entry, Map):
                sub = {k.text: v for k, v in entry.entries}
                for k, _ in entry.entries:
                    if k.text not in ("file", "title", "文件", "名称", "标题"):
                        self.reader.fail(k.line, label("attachments"), f"附件项中不认识的键“{k.text}”，可用：file（文件）、title（名称）。")
                file = self.reader.text(sub.get("file", sub.get("文件")), label("attachments"))
                title = self.reader.text(sub.get("title", sub.get("名称", sub.get("标题"))), label("attachments"))
            else:
                file = self.reader.text(entry, label("attachments"))
                title = None
            if not file:
                self.reader.fail(entry.line, label("attachments"), "附件缺少文件名（file），如 file: 附件1.xlsx。")
                continue
            target = resolve_path(self.rel, file)
            if target is None:
                self.reader.fail(entry.line, label("attachments"), f"附件路径“{file}”指向 content 文件夹之外，请把文件放进 content 里。")
                continue
            if target in self.files.links:
                self.reader.fail(entry.line, label("attachments"), f"附件“{file}”是符号链接，出于安全不予发布，请放入真实文件。")
                continue
            if target in self.files.control:
                self.reader.fail(entry.line, label("attachments"), f"“{file}”是 gongkai 的设置文件（不公开），不能作为附件发布。")
                continue
            if target in self.files.items:
                self.reader.fail(entry.line, label("attachments"), f"“{file}”是条目文件，不能作为附件；要引用其他条目请在正文中加链接。")
                continue
            if is_text_source(target):
                self.reader.fail(entry.line, label("attachments"), f"“{file}”是 Markdown/YAML 源文件，不会作为附件发布（它可能是不公开的文件）。要发布全文，请另存为 PDF 等格式。")
                continue
            refused = self.files.refusal(target)
            if refused is not None:
                self.reader.fail(entry.line, label("attachments"), f"附件“{file}”{refused}")
                continue
            if target not in self.files.others:
                self.reader.problems.append(error(self.rel, entry.line, label("attachments"), f"找不到附件文件“{file}”（应在 content/{target}），请检查文件名和位置。", "links/attachment"))
                continue
            found.append(AttachmentRef(target, title or posixpath.splitext(posixpath.basename(file))[0], entry.line))
        return tuple(found)

    def allow_list(self) -> tuple[AllowEntry, ...]:
        found: list[AllowEntry] = []
        hint = "每项写成 {value: 要公开的值, reason: 公开理由}，如 {value: 13800001234, reason: 村党支部书记工作电话}。"
        for entry in _entries(self.values.get("privacy_allow")):
            if not isinstance(entry, Map):
                self.reader.fail(entry.line, label("privacy_allow"), "隐私例外" + hint)
                continue
            sub = {k.text: v for k, v in entry.entries}
            value = self.reader.text(sub.get("value", sub.get("值")), label("privacy_allow"))
            reason = self.reader.text(sub.get("reason", sub.get("理由")), label("privacy_allow"))
            if not value or not reason:
                self.reader.fail(entry.line, label("privacy_allow"), "隐私例外必须同时写明值和理由。" + hint)
                continue
            found.append(AllowEntry(value, reason, entry.line))
        return tuple(found)

    def read(self, body: str, body_line: int) -> Item:
        r = self.reader
        settings = self.settings
        title = self.text("title")
        if not title:
            self.required_missing("title", "请写出文件或信息的名称，如 title: 关于印发……的通知。")
        catalogue = self.text("catalogue")
        if not catalogue:
            self.required_missing("catalogue", "如 catalogue: statutory/policy-docs（政策文件）。")
        else:
            catalogue = self.column(catalogue, "catalogue") or catalogue  # kept as written after its error
        disclosure = self.get("disclosure", lambda n, f: r.enum(n, f, Disclosure, DISCLOSURE_CODES))
        if self.missing("disclosure"):
            self.required_missing("disclosure", "公开属性必须逐件写明，不会默认：主动公开、依申请公开 或 不予公开。")
        exempt_raw = self.text("exempt_reason")
        exempt_reason = ""
        reasons = settings.catalogue.exempt_reasons
        if exempt_raw:
            by_label = {v: k for k, v in reasons.items()}
            exempt_reason = exempt_raw if exempt_raw in reasons else by_label.get(exempt_raw, "")
            if not exempt_reason:
                r.fail(
                    self.line("exempt_reason"),
                    label("exempt_reason"),
                    f"不予公开理由“{exempt_raw}”不认识，可选：{'、'.join(f'{v}（{k}）' for k, v in reasons.items())}。",
                )
        elif disclosure is Disclosure.EXEMPT:
            r.fail(self.line("disclosure"), label("exempt_reason"), "不予公开的条目必须写明不予公开理由（exempt_reason），如 internal-affairs（属于三类内部事务信息）。")
        published = self.date("published")
        if disclosure is Disclosure.ACTIVE and self.missing("published"):
            self.required_missing("published", "主动公开的条目需要发布日期，如 published: 2024-03-01。")
        scheduled = published is not None and published > settings.today
        if scheduled and disclosure is Disclosure.ACTIVE:
            r.warn(self.line("published"), label("published"), f"定时发布：发布日期 {published} 晚于今天（{settings.today}），在该日及以后的生成中才会公开，此前不出现在网站的任何地方。")
        written = self.date("written")
        if written and published and written > published:
            r.fail(self.line("written"), label("written"), f"成文日期 {written} 晚于发布日期 {published}，请核对。")
        explicit_id = self.text("id")
        if explicit_id and not _ID.match(explicit_id):
            r.fail(self.line("id"), label("id"), f"标识“{explicit_id}”只能用小写英文字母、数字和减号，且以字母或数字开头，如 2024-budget。")
            explicit_id = ""
        validity = self.get("validity", lambda n, f: r.enum(n, f, Validity, VALIDITY_CODES)) or Validity.VALID
        validity_date = self.date("validity_date")
        if validity in (Validity.REPEALED, Validity.EXPIRED) and self.missing("validity_date"):
            r.fail(self.line("validity"), label("validity_date"), f"有效性为“{validity.value}”时须写失效日期（validity_date），如 validity_date: 2024-03-01。")
        expires = self.date("expires")
        if validity is Validity.VALID and expires is not None and expires < settings.today:
            # 有效期至 has passed: the document is 失效 from the next day, without the clerk editing it.
            validity, validity_date = Validity.EXPIRED, expires + dt.timedelta(days=1)
        interprets = self.refs("interprets")
        elsewhere = self.elsewhere()
        form: InterpretationForm | None = self.get("interpretation_form", lambda n, f: r.enum(n, f, InterpretationForm, FORM_CODES))
        if (interprets or elsewhere) and self.missing("interpretation_form"):
            r.fail(self.line("interprets"), label("interpretation_form"), "政策解读须写明解读形式（interpretation_form），如 文字、图解、问答。")
        report_year = self.get("report_year", lambda n, f: r.integer(n, f, 2008))
        if report_year is not None and catalogue and catalogue != "annual-report":
            r.fail(self.line("report_year"), label("report_year"), f"报告年度只用于政府信息公开年报栏目（catalogue: annual-report）的年度报告，本条目的目录分类是“{catalogue}”。请删除这一行或改正目录分类。")
        draft = self.flag("draft")
        if draft:
            r.warn(self.line("draft"), label("draft"), "本条目标为草稿（draft: true），不会发布到网站。定稿后删除这一行即可发布。")
        period = self.sub_fields(self.values.get("notice_period"), "notice_period", {"start": "start", "开始": "start", "end": "end", "结束": "end"})
        notice_start, notice_end = self.sub_date(period.get("start"), "notice_period"), self.sub_date(period.get("end"), "notice_period")
        if period and (notice_start is None or notice_end is None):
            r.fail(self.line("notice_period"), label("notice_period"), "公示期须写明开始和结束日期，如 notice_period: {start: 2026-03-01, end: 2026-03-07}。")
            notice_start = notice_end = None
        elif notice_start and notice_end and notice_end < notice_start:
            r.fail(self.line("notice_period"), label("notice_period"), f"公示期结束日期 {notice_end} 早于开始日期 {notice_start}，请核对。")
            notice_start = notice_end = None
        comment = self.sub_fields(self.values.get("consultation"), "consultation", {"deadline": "deadline", "截止日期": "deadline", "feedback": "feedback", "反馈": "feedback"})
        deadline = self.sub_date(comment.get("deadline"), "consultation")
        if comment and deadline is None:
            r.fail(self.line("consultation"), label("consultation"), "征求意见须写明截止日期，如 consultation: {deadline: 2026-04-30}。")
        feedback_text = self.reader.text(comment.get("feedback"), label("consultation")) if comment.get("feedback") is not None else None
        feedback = Ref(feedback_text, comment["feedback"].line) if feedback_text else None
        also_in: tuple[str, ...] = ()
        for column in self.get("also_in", r.text_list):
            ref = self.column(column, "also_in")
            if ref and ref == catalogue:
                r.fail(self.line("also_in"), label("also_in"), f"“{column}”就是本条目的目录分类，不必再写在同时发布到里。")
            elif ref and ref not in also_in:
                also_in += (ref,)
        project = self.text("project")
        stage = self.text("project_stage")
        if stage and stage not in PROJECT_STAGES:
            r.fail(self.line("project_stage"), label("project_stage"), f"项目阶段“{stage}”不认识，可选（国办发〔2017〕94号）：{'、'.join(PROJECT_STAGES)}。")
            stage = ""
        if stage and not project:
            r.fail(self.line("project_stage"), label("project_stage"), "写了项目阶段，也要用 project（所属项目）写明是哪个重大建设项目。")
        superseded = self.refs("superseded_by")
        if len(superseded) > 1:
            r.fail(self.line("superseded_by"), label("superseded_by"), "替代文件只能写一个。")
        return Item(
            path=self.rel,
            key=derive_key(self.rel, explicit_id),
            title=title,
            catalogue=catalogue,
            # Fail closed: an unreadable attribute never makes an item public.
            disclosure=disclosure if disclosure is not None else Disclosure.EXEMPT,
            exempt_reason=exempt_reason,
            published=published,
            written=written,
            explicit_id=explicit_id,
            index_no=self.text("index_no"),
            doc_no=self.text("doc_no"),
            issuer=self.text("issuer") or settings.config.name,
            doc_class=self.text("doc_class"),
            validity=validity,
            validity_date=validity_date,
            superseded_by=superseded[0] if superseded else None,
            effective=self.date("effective"),
            expires=expires,
            topic=self.text("topic"),
            keywords=self.get("keywords", r.text_list),
            summary=self.text("summary"),
            attachments=self.attachments(),
            interprets=interprets,
            interprets_elsewhere=elsewhere,
            interpretation_form=form,
            privacy_allow=self.allow_list(),
            report_year=report_year,
            notice_start=notice_start,
            notice_end=notice_end,
            consultation_deadline=deadline,
            consultation_feedback=feedback,
            also_in=also_in,
            project=project,
            project_stage=stage,
            draft=draft,
            scheduled=scheduled,
            body=body,
            body_line=body_line,
            lines=tuple(sorted(self.lines.items())),
        )


@dataclass(frozen=True)
class Loaded:
    """One item file after loading: the item (None when unreadable), its problems, its body draft.

    The body is rendered only for public items: a withheld item's text is never turned into HTML.
    """

    item: Item | None
    problems: tuple[Problem, ...]
    draft: markdown.BodyDraft | None
    digest: str
    # When the item did not load: the id and 索引号 its file seems to declare, so that a reference
    # to it can say where the cause lies instead of only "not found".
    claims: tuple[str, ...] = ()


# ``id: x`` / ``索引号: "x"`` lines, read from a file whose front matter could not be parsed.
_CLAIM = re.compile(r"^\s*(?:id|标识|index_no|索引号)\s*[:：]\s*[\"']?([^\"'#\s]+)", re.MULTILINE)


def unloaded_claims(loaded: dict[str, Loaded]) -> dict[str, str]:
    """For each file that did not load (by path): its path and what it declares, each → its path."""
    found: dict[str, str] = {}
    for rel, entry in sorted(loaded.items()):
        if entry.item is None:
            found[rel] = rel
            for claim in entry.claims:
                found.setdefault(claim, rel)
    return found


def load_item(rel: str, data: bytes, settings: SiteSettings, files: SiteFiles) -> Loaded:
    """Decode, split and validate one item file's bytes, and render its body if it is public."""
    item, problems = _read_item(rel, data, settings, files)
    draft = None
    if item is not None and item.is_public:
        result = markdown.draft(item.body, title=item.title)
        if isinstance(result, str):
            problems.append(error(rel, item.body_line, "正文", result))
        else:
            draft = result
    claims = () if item is not None else tuple(_CLAIM.findall(data.decode("utf-8", "replace")))
    return Loaded(item, tuple(problems), draft, file_digest(data), claims)


def _read_item(rel: str, data: bytes, settings: SiteSettings, files: SiteFiles) -> tuple[Item | None, list[Problem]]:
    decoded = textfile.decode(data)
    if isinstance(decoded, str):
        return None, [error(rel, 0, "", decoded)]
    problems: list[Problem] = []
    if decoded.had_bom:
        problems.append(warning(rel, 1, "", "文件带有 BOM（字节顺序标记），建议另存为“UTF-8 无 BOM”。"))
    parts = frontmatter.split(decoded.text)
    if isinstance(parts, str):
        return None, problems + [error(rel, 1, "", parts)]
    root, issues = yamltree.parse(parts.yaml_text, parts.yaml_line)
    if issues:
        return None, problems + [error(rel, i.line, i.field, i.message) for i in issues]
    if not isinstance(root, Map):
        found = "空的" if root is None else "不是“键: 值”形式"
        return None, problems + [
            error(rel, parts.yaml_line, "", f"YAML 头部是{found}。至少需要 title（标题）、catalogue（目录分类）和 disclosure（公开属性）。")
        ]
    reader = _ItemReader(rel, root, settings, files)
    item = reader.read(parts.body, parts.body_line)
    return item, problems + reader.reader.problems

