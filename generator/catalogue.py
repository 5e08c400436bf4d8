"""The standard 政府信息公开目录, filtered by the site's kind and extended by ``_catalogue.yml``."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

import yaml

from .fields import Reader
from .model import Catalogue, Leaf, Section
from .settings import KINDS
from .suggest import closest, did_you_mean
from .yamltree import Map, Node, Seq

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CATALOGUE_KEYS = ("not_applicable", "columns", "max_age_days", "notice_min_days")
# The kinds of column 国办秘函〔2019〕19号 gives a time limit (栏目不更新, first item).
NATIONAL_KINDS = ("动态要闻", "通知公告", "政策文件")


@functools.lru_cache(maxsize=1)
def standard_data() -> dict[str, Any]:
    """The reference catalogue shipped with gongkai (trusted data, so plain ``safe_load``)."""
    text = resources.files("generator").joinpath("data/catalogue.yml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _applies(entry: dict[str, Any], kind: str, default: list[str]) -> bool:
    return kind in entry.get("applies_to", default)


def _leaf(section: dict[str, Any], column: dict[str, Any] | None, overrides: dict[str, Any]) -> Leaf:
    entry = column if column is not None else section
    ref = f"{section['id']}/{entry['id']}" if column is not None else str(section["id"])
    required = bool(entry.get("required", column is None and section.get("required", False)))
    return Leaf(
        ref=ref,
        label=str(entry["label"]),
        section_id=str(section["id"]),
        section_label=str(section["label"]),
        kind=str(entry.get("kind", section.get("kind", "list"))),
        max_age_days=overrides["max_age_days"].get(ref, entry.get("max_age_days", section.get("max_age_days"))),
        not_applicable=overrides["not_applicable"].get(ref, ""),
        in_catalogue=True,
        added=column is not None and "section" in column,  # only columns from _catalogue.yml name their section
        national=str(entry.get("national", "")),
        required=required,
        # A column of an optional section may always say 不涉及; a required one never.
        na_allowed=not required and bool(entry.get("na_allowed", not section.get("required", False))),
        min_items=int(entry.get("min_items", section.get("min_items", 0)) or 0),
        local_age=ref in overrides["max_age_days"],
        notice_min_days=int(overrides.get("notice_min_days", {}).get(ref, entry.get("notice_min_days") or 0)),
        notice_basis="_catalogue.yml（本地要求）" if ref in overrides.get("notice_min_days", {}) else str(entry.get("notice_basis", "")),
    )


def build_catalogue(kind: str, overrides: dict[str, Any] | None = None) -> Catalogue:
    """Assemble the catalogue for a site of ``kind`` with the site's validated overrides."""
    data = standard_data()
    extra = overrides or {"not_applicable": {}, "columns": [], "max_age_days": {}, "notice_min_days": {}}
    sections: list[Section] = []
    optional: set[str] = set()
    for section in data["sections"]:
        if not _applies(section, kind, ["township", "street", "county_dept"]):
            continue
        section_kinds = section.get("applies_to", ["township", "street", "county_dept"])
        columns = [c for c in section.get("columns", []) if _applies(c, kind, section_kinds)]
        columns += [c for c in extra["columns"] if c["section"] == section["id"]]
        leaves = tuple(_leaf(section, c, extra) for c in columns) if columns else (_leaf(section, None, extra),)
        sections.append(Section(str(section["id"]), str(section["label"]), str(section.get("kind", "list")), leaves, bool(columns), bool(section.get("sparse", False))))
        if not section.get("required", False):
            optional.add(str(section["id"]))
    site_columns = tuple(
        Leaf(
            ref=str(c["id"]),
            label=str(c["label"]),
            section_id="",
            section_label="",
            kind="list",
            max_age_days=extra["max_age_days"].get(c["id"], c.get("max_age_days")),
            not_applicable="",
            in_catalogue=False,
            national=str(c.get("national", "")),
            local_age=c["id"] in extra["max_age_days"],
        )
        for c in data["site_columns"]
    )
    by_ref = {leaf.ref: leaf for s in sections for leaf in s.leaves}
    by_ref.update({leaf.ref: leaf for leaf in site_columns})
    reasons = {str(r["id"]): str(r["label"]) for r in data["exempt_reasons"]}
    return Catalogue(tuple(sections), site_columns, by_ref, frozenset(optional), reasons)


def _used(leaf: Leaf, counts: Mapping[str, int]) -> bool:
    return bool(counts.get(leaf.ref, 0) or leaf.not_applicable or leaf.added)


def sections_in_use(catalogue: Catalogue, counts: Mapping[str, int]) -> tuple[Section, ...]:
    """The sections a site shows: every required one, and an optional one once the site uses it
    (an item, a 不涉及 note or a column of its own).  ``counts`` are public items per leaf.

    A sparse section (the 26 domains) shows only the columns in use: using one domain does not
    put two dozen empty columns on the site (see ``unused_columns``)."""
    shown: list[Section] = []
    for section in catalogue.sections:
        if section.id in catalogue.optional_sections and not any(_used(leaf, counts) for leaf in section.leaves):
            continue
        if section.sparse:
            section = dataclasses.replace(section, leaves=tuple(leaf for leaf in section.leaves if _used(leaf, counts)))
        shown.append(section)
    return tuple(shown)


def unused_columns(catalogue: Catalogue, counts: Mapping[str, int]) -> dict[str, tuple[Leaf, ...]]:
    """For each sparse section in use, its columns that apply to the site but are neither used
    nor declared 不涉及 (by section id)."""
    found: dict[str, tuple[Leaf, ...]] = {}
    for section in catalogue.sections:
        if section.sparse and any(_used(leaf, counts) for leaf in section.leaves):
            missing = tuple(leaf for leaf in section.leaves if not _used(leaf, counts))
            if missing:
                found[section.id] = missing
    return found


def _kinds_of(ref: str) -> list[str]:
    """The site kinds a standard leaf applies to (empty when it is no standard leaf)."""
    section_id, _, column_id = ref.partition("/")
    for section in standard_data()["sections"]:
        if section["id"] != section_id:
            continue
        kinds = section.get("applies_to", [])
        for column in section.get("columns", []):
            if column["id"] == column_id:
                return list(column.get("applies_to", kinds))
    return []


def resolve_column(text: str, catalogue: Catalogue, kind: str) -> tuple[str, str, str]:
    """A column as a clerk wrote it: its code, or its Chinese name when that names exactly one
    column.  Returns (code or '', a warning, an error); one of the last two is ''."""
    if text in catalogue.leaves:
        return text, "", ""
    named = [ref for ref, leaf in catalogue.leaves.items() if leaf.label == text]
    if len(named) == 1:
        return named[0], f"“{text}”是栏目名称，已按栏目“{named[0]}”处理。建议改写为栏目代码：{named[0]}。", ""
    if named:
        listed = "、".join(f"{ref}（{catalogue.leaves[ref].section_label}）" for ref in named)
        return "", "", f"名为“{text}”的栏目有 {len(named)} 个：{listed}。请写明栏目代码。"
    return "", "", reference_problem(text, catalogue, kind)


def reference_problem(ref: str, catalogue: Catalogue, kind: str) -> str:
    """Why ``ref`` is not a leaf of this catalogue, with the closest valid ones."""
    if ref in {s.id for s in catalogue.sections if s.has_columns}:
        section = next(s for s in catalogue.sections if s.id == ref)
        examples = "、".join(f"{leaf.ref}（{leaf.label}）" for leaf in section.leaves[:4])
        return f"“{ref}”是一个大类，请写到具体栏目，如：{examples}。"
    other_kinds = _kinds_of(ref)
    if other_kinds:
        names = "、".join(KINDS.get(k, k) for k in other_kinds)
        return f"栏目“{ref}”只适用于{names}站点，本站类型是 {kind}（{KINDS.get(kind, kind)}）。请改用本站适用的栏目，或在 _catalogue.yml 中新增栏目。"
    choices = list(catalogue.leaves)
    labels = {leaf.label: leaf.ref for leaf in catalogue.leaves.values()}
    if ref in labels:
        return f"请用栏目代码而不是名称：把“{ref}”改为“{labels[ref]}”。"
    everyday = [code for code, words in standard_data().get("everyday_names", {}).items() if code in catalogue.leaves and any(w in ref for w in words)]
    near = everyday[:3] or closest(ref, choices) or [labels[x] for x in closest(ref, labels)]
    if any(ref == c.split("/")[-1] for c in choices):
        near = [c for c in choices if c.split("/")[-1] == ref] + near
    hint = f"最接近的有：{'、'.join(f'{r}（{catalogue.leaves[r].label}）' for r in dict.fromkeys(near))}。" if near else ""
    return f"目录分类“{ref}”不存在或不适用于本站类型（{kind}）。{hint}写法为“大类/栏目”，如 statutory/policy-docs；全部栏目代码见 docs/内容格式说明.md 第四部分。"


def read_overrides(reader: Reader, root: Node | None, kind: str) -> dict[str, Any]:
    """Validate ``_catalogue.yml`` against the standard catalogue; returns the usable overrides."""
    result: dict[str, Any] = {"not_applicable": {}, "columns": [], "max_age_days": {}, "notice_min_days": {}}
    if root is None:
        return result
    if not isinstance(root, Map):
        reader.fail(1, "", "_catalogue.yml 应为映射，可含 not_applicable、columns、max_age_days、notice_min_days 四项。")
        return result
    base = build_catalogue(kind)
    for key, _ in root.entries:
        if key.text not in _CATALOGUE_KEYS:
            reader.fail(key.line, key.text, f"不认识的设置项“{key.text}”。{did_you_mean(key.text, _CATALOGUE_KEYS)}可用：{', '.join(_CATALOGUE_KEYS)}。")
    values = {k.text: v for k, v in root.entries}
    sections = {s.id: s for s in base.sections}
    new_refs: dict[str, int] = {}
    columns = values.get("columns")
    if columns is not None and not isinstance(columns, Seq):
        reader.fail(columns.line, "columns", "columns 应为列表，每项形如 {section: other, id: village-affairs, label: 村务公开}。")
    elif columns is not None:
        for entry in columns.items:
            m = reader.mapping(entry, "columns")
            if m is None:
                continue
            fields = {k.text: v for k, v in m.entries}
            for k, _ in m.entries:
                if k.text not in ("section", "id", "label", "max_age_days", "national"):
                    reader.fail(k.line, f"columns.{k.text}", f"不认识的栏目属性“{k.text}”，可用：section、id、label、max_age_days、national。")
            section = reader.text(fields.get("section"), "columns.section")
            col_id = reader.text(fields.get("id"), "columns.id")
            label = reader.text(fields.get("label"), "columns.label")
            age = reader.integer(fields.get("max_age_days"), "columns.max_age_days", 1)
            national = reader.text(fields.get("national"), "columns.national") or ""
            if national and national not in NATIONAL_KINDS:
                reader.fail(fields["national"].line, "columns.national", f"national 写的是栏目在国家检查指标中的类别，只能是 {'、'.join(NATIONAL_KINDS)} 之一，这里写成了“{national}”。")
                national = ""
            if section is None or section not in sections:
                reader.fail(m.line, "columns.section", f"新增栏目必须属于已有大类（section），这里写的是“{section or ''}”。{did_you_mean(section or '', sections)}")
                continue
            if col_id is None or not _SLUG.match(col_id):
                reader.fail(m.line, "columns.id", f"栏目代码“{col_id or ''}”只能用小写字母、数字和减号，如 village-affairs。")
                continue
            if not label:
                reader.fail(m.line, "columns.label", "新增栏目需要中文名称 label，如“村务公开”。")
                continue
            if not sections[section].has_columns:
                reader.fail(m.line, "columns.section", f"大类“{section}”没有下级栏目，不能在其下新增栏目。")
                continue
            ref = f"{section}/{col_id}"
            if ref in base.leaves or ref in new_refs:
                reader.fail(m.line, "columns.id", f"栏目“{ref}”已经存在，请换一个代码。")
                continue
            new_refs[ref] = m.line
            result["columns"].append({"section": section, "id": col_id, "label": label, "max_age_days": age, "national": national})
    known = set(base.leaves) | set(new_refs)
    for field in ("not_applicable", "max_age_days", "notice_min_days"):
        m = reader.mapping(values.get(field), field)
        if m is None:
            continue
        for key, value in m.entries:
            if key.text not in known:
                reader.fail(key.line, field, reference_problem(key.text, base, kind))
                continue
            leaf = base.leaves.get(key.text)
            if field == "not_applicable" and leaf is not None and not leaf.na_allowed:
                why = "是每个站点必须公开的栏目" if leaf.required else "不属于可以声明不涉及的栏目"
                reader.fail(key.line, f"not_applicable.{key.text}", f"栏目“{leaf.label}”（{key.text}）{why}，不能声明不涉及（条例第12、20、50条，国办公开办函〔2019〕61号）。请删除这一行并发布该栏目的信息。")
                continue
            if field == "not_applicable":
                note = reader.text(value, f"not_applicable.{key.text}")
                if not note:
                    reader.fail(key.line, field, f"声明“{key.text}”不涉及时，请写一句说明，如“本镇无行政事业性收费项目。”")
                    continue
                result[field][key.text] = note
            else:
                days = reader.integer(value, f"{field}.{key.text}", 1)
                if days is not None:
                    result[field][key.text] = days
    return result
