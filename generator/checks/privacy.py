"""Privacy rules: personal identifiers in public items' text and in their published attachments.

ID numbers, bank cards and mobile numbers are errors; e-mail addresses, house numbers and birth
dates in name lists are warnings.  Every value is reported masked.  Not hits: the office's own
numbers in ``_site.yml``, the 统一社会信用代码, 索引号 and 文号, masked values, and values an item
allow-lists with a reason (``privacy_allow``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..extract import Table, TextBlock, text_table
from ..identifiers import CARD, EMAIL, ID15, ID18, MOBILE, digits_of, grouped, is_card, is_id15, is_id18, mask, mask_email, normalise
from ..model import Item, SiteConfig
from ..problems import Problem, error, warning
from .context import CheckInput

_NAME_HEADER = re.compile(r"姓名|户主|名字|户名|申请人|救助对象|保障对象|人员")
_ADDRESS_HEADER = re.compile(r"住址|地址|门牌|居住地|家庭住址")
_BIRTH_HEADER = re.compile(r"出生|生日")
_HOUSE_NUMBER = re.compile(r"\d+\s*(?:号|室|栋|幢|单元|弄)")
# Below 村 (社区) level in a benefit list: a 村民小组 or a house number.
_BELOW_VILLAGE = re.compile(r"[\d一二三四五六七八九十]+\s*(?:组|号|室|栋|幢|单元|弄)|村民小组")
_ID_HEADER = re.compile(r"身份证|证件号|身份号码|公民身份")
_PHONE_HEADER = re.compile(r"电话|手机|联系方式")
# Columns whose name lists are benefit lists (低保、特困、临时救助、惠民惠农补贴): 民政 practice
# publishes name, household size and amount only (民发〔2021〕57号《最低生活保障审核确认办法》:
# no information unrelated to the benefit).
BENEFIT_COLUMNS = frozenset({
    "statutory/social-assistance", "statutory/livelihood", "standard-catalogue/social-assistance",
    "standard-catalogue/agri-subsidies", "standard-catalogue/poverty-alleviation", "standard-catalogue/disaster-relief",
})
_BENEFIT_BASIS = "民政公示名单只公开姓名、家庭成员数量、保障金额等与待遇有关的信息（民发〔2021〕57号《最低生活保障审核确认办法》）"
_DATE = re.compile(r"(?:19|20)\d{2}\s*[年./-]\s*\d{1,2}(?:\s*[月./-]\s*\d{1,2}\s*日?)?")
# Cheap tests on a whole text before any line is looked at: a run of digits long enough to be an
# identifier (separators allowed), an e-mail's @, or a pipe table with a name column.
_CANDIDATE = re.compile(r"\d[\d\s-]{9,}\d|@")
_ALLOW_HINT = "确需公开的（如工作电话），请在该条目的 privacy_allow（隐私例外）中写明这个值和理由。"
TEXT_FIELDS = ("title", "summary", "topic", "issuer", "keywords")


@dataclass(frozen=True)
class _Source:
    """Text to scan: where it is, its lines and tables, and the values allowed there."""

    path: str
    blocks: tuple[TextBlock, ...]
    tables: tuple[Table, ...]
    allowed: frozenset[str]
    # Published in a 社会救助 or 惠民惠农 column: its name lists are benefit lists.
    benefit: bool = False


def _office_values(config: SiteConfig) -> frozenset[str]:
    values = [config.org_code, config.contact.phone, config.contact.fax, config.contact.supervision_phone, config.contact.email]
    return frozenset(v for value in values if value for v in (digits_of(value), value.lower()))


def _item_source(item: Item, allowed: frozenset[str]) -> _Source:
    blocks = [TextBlock(item.line_of(f), f, " ".join(item.keywords) if f == "keywords" else str(getattr(item, f))) for f in TEXT_FIELDS]
    blocks += [TextBlock(a.line, "attachments", a.title) for a in item.attachments]
    lines = [(item.body_line + i, line) for i, line in enumerate(item.body.split("\n"))]
    blocks += [TextBlock(n, "正文", line) for n, line in lines]
    return _Source(item.path, tuple(blocks), tuple(text_table(lines, "正文")), allowed, _is_benefit([item]))


def _is_benefit(items: Iterable[Item]) -> bool:
    return any(column in BENEFIT_COLUMNS for item in items for column in item.columns)


def _allowed(items: Iterable[Item], office: frozenset[str]) -> frozenset[str]:
    return office | {v for item in items for a in item.privacy_allow for v in (digits_of(a.value), a.value.lower())}


def _worth_reading(item: Item) -> bool:
    fields = " ".join(str(getattr(item, f)) for f in TEXT_FIELDS if f != "keywords")
    text = f"{fields} {' '.join(item.keywords)} {' '.join(a.title for a in item.attachments)}\n{item.body}"
    return bool(_CANDIDATE.search(normalise(text))) or ("|" in item.body and bool(_NAME_HEADER.search(item.body))) or _is_benefit([item])


def _scan(source: _Source) -> Iterator[Problem]:
    for block in source.blocks:
        if _CANDIDATE.search(normalise(block.text)):
            yield from _identifiers(source, block)
    yield from _name_lists(source)


def _where(source: _Source, block: TextBlock) -> str:
    return block.where if source.path.endswith(".md") else f"附件·{block.where}"


def _hits(text: str) -> Iterator[tuple[str, str]]:
    """Every identifier in a normalised text as (kind, digits): grouped forms first, then the plain
    ones; validated, not yet de-duplicated."""
    yield from grouped(text)
    yield from (("id", m.group(0).upper()) for m in ID18.finditer(text) if is_id18(m.group(0)))
    yield from (("id15", m.group(0)) for m in ID15.finditer(text) if is_id15(m.group(0)))
    yield from (("card", digits_of(m.group(0))) for m in CARD.finditer(text) if is_card(m.group(0)))
    yield from (("mobile", "".join(m.groups())) for m in MOBILE.finditer(text))


def _finding(kind: str, digits: str) -> tuple[str, str]:
    """The masked message and the rule of one identifier."""
    if kind == "id":
        return f"发现身份证号 {mask(digits, 4, 2)}（已遮盖）。公开前必须去标识化，只保留少数几位，如 {mask(digits, 6, 4)}。", "privacy/id-number"
    if kind == "id15":
        return f"发现15位身份证号 {mask(digits, 4, 2)}（已遮盖）。公开前必须去标识化。", "privacy/id-number"
    if kind == "card":
        return f"发现银行卡号 {mask(digits, 4, 4)}（已遮盖）。公开前请删除或只保留末4位。", "privacy/bank-card"
    return f"发现手机号码 {digits[:3]}****{digits[-4:]}（已遮盖）。个人手机号公开前请遮盖中间四位。", "privacy/mobile"


def _identifiers(source: _Source, block: TextBlock) -> Iterator[Problem]:
    text, where = normalise(block.text), _where(source, block)
    seen: set[str] = set()
    for kind, digits in _hits(text):
        # One finding per number, however many forms matched it (grouped and plain, card and ID).
        if digits in seen or digits in source.allowed:
            continue
        seen.add(digits)
        message, rule = _finding(kind, digits)
        yield error(source.path, block.line, where, message + _ALLOW_HINT, rule)
    for m in EMAIL.finditer(text):
        address = m.group(0)
        if address.lower() not in source.allowed and not address.lower().endswith(".gov.cn"):
            yield warning(source.path, block.line, where, f"发现电子邮箱 {mask_email(address)}。如是个人邮箱，请删除；机关邮箱可在 privacy_allow 中说明。", "privacy/email")


def _name_lists(source: _Source) -> Iterator[Problem]:
    for table in source.tables:
        if len(table.rows) < 2 or not any(_NAME_HEADER.search(cell) for cell in table.rows[0]):
            continue
        header = table.rows[0]
        where = table.where if source.path.endswith(".md") else f"附件·{table.where}"
        if source.benefit:
            yield from _benefit_columns(source, table, where)
        for offset, row in enumerate(table.rows[1:], start=1):
            line = table.first_line + offset
            for column, cell in enumerate(row):
                title = header[column] if column < len(header) else ""
                if "*" in cell or cell.strip() in source.allowed:
                    continue
                if _ADDRESS_HEADER.search(title) and _HOUSE_NUMBER.search(cell):
                    yield warning(source.path, line, where, f"名单的“{title}”列含门牌号（{cell[:2]}…）。公开名单的住址一般只写到村（社区），请删除门牌号。", "privacy/house-number")
                elif _BIRTH_HEADER.search(title) and _DATE.search(cell):
                    yield warning(source.path, line, where, f"名单的“{title}”列含出生日期。姓名与出生日期同时公开会识别到个人，请删除这一列或只保留年份。", "privacy/birth-date")


def _benefit_columns(source: _Source, table: Table, where: str) -> Iterator[Problem]:
    """A benefit list's columns that carry what the benefit does not need: an ID or phone column
    (masked or not: unmasked values are errors of their own), an address below 村 level."""
    for column, title in enumerate(table.rows[0]):
        values = [row[column] for row in table.rows[1:] if column < len(row) and row[column].strip()]
        if not values:
            continue
        if _ID_HEADER.search(title):
            yield warning(source.path, table.first_line, where, f"救助、补贴名单含“{title}”列（即使已遮盖）。{_BENEFIT_BASIS}，请删除这一列。", "privacy/benefit-list")
        elif _PHONE_HEADER.search(title):
            yield warning(source.path, table.first_line, where, f"救助、补贴名单含“{title}”列。{_BENEFIT_BASIS}，请删除这一列。", "privacy/benefit-list")
        elif _ADDRESS_HEADER.search(title) and any(_BELOW_VILLAGE.search(v) and not _HOUSE_NUMBER.search(v) for v in values):
            yield warning(source.path, table.first_line, where, f"救助、补贴名单的“{title}”列写到了村民小组。{_BENEFIT_BASIS}，住址写到村（社区）即可。", "privacy/benefit-list")


def item_privacy(item: Item, config: SiteConfig) -> Iterator[Problem]:
    """Personal identifiers in one public item's front matter and body."""
    if _worth_reading(item):
        yield from _scan(_item_source(item, _allowed([item], _office_values(config))))


def attachment_privacy(ctx: CheckInput) -> Iterator[Problem]:
    """Personal identifiers in the published attachments, allowed values taken from the items that publish them."""
    office = _office_values(ctx.site.config)
    for text in ctx.attachments:
        users = [e.item for e in ctx.users_of(text.path)]
        yield from _scan(_Source(text.path, text.blocks, text.tables, _allowed(users, office), _is_benefit(users)))


def unreadable(ctx: CheckInput) -> Iterator[Problem]:
    """Attachments whose text could not be checked."""
    for text in ctx.attachments:
        if text.problem:
            yield warning(text.path, 1, "附件", f"附件{text.problem}，无法检查其中的个人信息。请人工核对，或另存为未加密的 PDF/Word/Excel 后重试。", "privacy/unreadable")
