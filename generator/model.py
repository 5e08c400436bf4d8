"""The plain, frozen data that flows between the stages."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from pathlib import Path


class Disclosure(enum.Enum):
    """公开属性. Only ACTIVE items are ever published."""

    ACTIVE = "主动公开"
    ON_REQUEST = "依申请公开"
    EXEMPT = "不予公开"


class Validity(enum.Enum):
    """有效性."""

    VALID = "有效"
    AMENDED = "已修订"
    PARTIALLY_INVALID = "部分失效"
    REPEALED = "废止"
    EXPIRED = "失效"


class InterpretationForm(enum.Enum):
    """解读形式."""

    TEXT = "文字"
    GRAPHIC = "图解"
    VIDEO = "音视频"
    EXPERT = "专家"
    LEADER = "负责人"
    MEDIA = "媒体"
    QA = "问答"
    PRESS = "发布会"
    INTERVIEW = "访谈"


DISCLOSURE_CODES = {"active": Disclosure.ACTIVE, "on-request": Disclosure.ON_REQUEST, "exempt": Disclosure.EXEMPT}
VALIDITY_CODES = {
    "valid": Validity.VALID,
    "amended": Validity.AMENDED,
    "partially-invalid": Validity.PARTIALLY_INVALID,
    "repealed": Validity.REPEALED,
    "expired": Validity.EXPIRED,
}
FORM_CODES = {
    "text": InterpretationForm.TEXT,
    "graphic": InterpretationForm.GRAPHIC,
    "video": InterpretationForm.VIDEO,
    "expert": InterpretationForm.EXPERT,
    "leader": InterpretationForm.LEADER,
    "media": InterpretationForm.MEDIA,
    "qa": InterpretationForm.QA,
    "press": InterpretationForm.PRESS,
    "interview": InterpretationForm.INTERVIEW,
}


@dataclass(frozen=True)
class Identity:
    """Footer identity required by 政府网站发展指引."""

    site_code: str = ""
    icp: str = ""
    police: str = ""
    sponsor: str = ""
    operator: str = ""
    # gongkai's extension (docs/content-format-extensions.md): the 党政机关网站标识 issued to the
    # site (its image and the link it carries), and link-outs for what a static site cannot do.
    badge_image: str = ""
    badge_link: str = ""
    consultation: str = ""  # the county's 政务咨询/留言 channel (12345, 县长信箱 …)
    application: str = ""  # the online 依申请公开 form


@dataclass(frozen=True)
class Contact:
    """信息公开工作机构 contacts."""

    office: str = ""
    address: str = ""
    hours: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    postcode: str = ""
    supervision_phone: str = ""


@dataclass(frozen=True)
class Platform:
    """The county platform (集约化) a site is built as a member of: its pages wear the platform's
    name (linking to the platform's home, one folder up) and footer identity, and the platform's
    theme folder (``theme_dir``), when it has one, comes before the site's own."""

    name: str
    identity: Identity
    theme_dir: Path | None = None


@dataclass(frozen=True)
class SiteConfig:
    """``content/_site.yml`` (``platform``: not from it, but from ``gongkai build --platform``)."""

    name: str
    kind: str
    org_code: str
    index_no_format: str
    base_url: str
    theme: str
    identity: Identity
    contact: Contact
    platform: Platform | None = None


@dataclass(frozen=True)
class Leaf:
    """A place an item can be catalogued in: a column, a section without columns, or a site column."""

    ref: str
    label: str
    section_id: str
    section_label: str
    kind: str
    max_age_days: int | None
    not_applicable: str
    in_catalogue: bool
    added: bool = False
    # 国办秘函〔2019〕19号's kinds with a national time limit: 动态要闻, 通知公告, 政策文件 ('' for others).
    national: str = ""
    required: bool = False
    na_allowed: bool = False
    min_items: int = 0
    # Where ``max_age_days`` came from: the catalogue's default or the site's _catalogue.yml.
    local_age: bool = False
    # The shortest 公示期 in days, and the rule that sets it (0 and '' for none).
    notice_min_days: int = 0
    notice_basis: str = ""


@dataclass(frozen=True)
class Section:
    """A first-level group of the catalogue; ``leaves`` is itself when it has no columns."""

    id: str
    label: str
    kind: str
    leaves: tuple[Leaf, ...]
    has_columns: bool
    # Its columns are shown only once used (the 26 domains of the standard catalogue).
    sparse: bool = False


@dataclass(frozen=True)
class Catalogue:
    """The catalogue for one site: standard sections filtered by kind, plus the site's additions."""

    sections: tuple[Section, ...]
    site_columns: tuple[Leaf, ...]
    leaves: dict[str, Leaf]
    optional_sections: frozenset[str]
    exempt_reasons: dict[str, str]


@dataclass(frozen=True)
class Ref:
    """A reference to another item as written, with the line it was written on."""

    text: str
    line: int


@dataclass(frozen=True)
class ExternalDocument:
    """A document published elsewhere (county, province, State Council) that an interpretation
    interprets: its address, title and 文号, as the interpretation's front matter gives them."""

    url: str
    title: str
    doc_no: str
    line: int


@dataclass(frozen=True)
class AttachmentRef:
    """An attachment as listed in front matter."""

    file: str
    title: str
    line: int


@dataclass(frozen=True)
class AllowEntry:
    """A value an item publishes on purpose although it looks personal, with the reason."""

    value: str
    reason: str
    line: int


@dataclass(frozen=True)
class Item:
    """One item file, loaded and validated field by field; references are not yet resolved."""

    path: str
    key: str
    title: str
    catalogue: str
    disclosure: Disclosure
    exempt_reason: str
    published: dt.date | None
    written: dt.date | None
    explicit_id: str
    index_no: str
    doc_no: str
    issuer: str
    doc_class: str
    validity: Validity
    validity_date: dt.date | None
    superseded_by: Ref | None
    effective: dt.date | None
    expires: dt.date | None
    topic: str
    keywords: tuple[str, ...]
    summary: str
    attachments: tuple[AttachmentRef, ...]
    interprets: tuple[Ref, ...]
    interprets_elsewhere: tuple[ExternalDocument, ...]
    interpretation_form: InterpretationForm | None
    privacy_allow: tuple[AllowEntry, ...]
    report_year: int | None
    # 公示期 (contract §3a): both dates or neither.
    notice_start: dt.date | None
    notice_end: dt.date | None
    # 征求意见 (contract §3a): the deadline, and the 意见采纳情况反馈 once given.
    consultation_deadline: dt.date | None
    consultation_feedback: Ref | None
    # 组配分类: further columns the item is listed in (never its own ``catalogue``).
    also_in: tuple[str, ...]
    # 重大建设项目: the project's name and the stage (国办发〔2017〕94号) this item belongs to.
    project: str
    project_stage: str
    draft: bool
    # 发布日期 after the day of the build: withheld until then (contract §3a).
    scheduled: bool
    body: str
    body_line: int
    lines: tuple[tuple[str, int], ...]

    def line_of(self, field: str) -> int:
        """The line a field was written on, or 1 when it was not written."""
        return dict(self.lines).get(field, 1)

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the item is listed in: its own, then those of ``also_in`` (组配分类)."""
        return (self.catalogue, *self.also_in)

    @property
    def is_public(self) -> bool:
        """Only 主动公开 items that are neither drafts nor scheduled for a later day are published."""
        return self.disclosure is Disclosure.ACTIVE and not self.draft and not self.scheduled
