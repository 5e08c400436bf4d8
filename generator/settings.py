"""Loading ``content/_site.yml``: the site's name, kind, numbering and footer identity."""

from __future__ import annotations

import dataclasses
import re
import string

from .fields import WEB_ADDRESS, Reader
from .model import Contact, Identity, SiteConfig
from .suggest import did_you_mean
from .yamltree import Map, Node

KINDS = {"township": "乡镇", "street": "街道", "county_dept": "县级部门"}
DEFAULT_INDEX_FORMAT = "{org_code}/{year}-{seq:05d}"
_TOP_KEYS = ("name", "kind", "org_code", "index_no_format", "base_url", "theme", "identity", "contact")
_ORG_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def _sub_keys(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _check_keys(reader: Reader, node: Map, allowed: tuple[str, ...], where: str) -> None:
    for key, _ in node.entries:
        if key.text not in allowed:
            reader.fail(
                key.line,
                key.text,
                f"{where}中不认识的设置项“{key.text}”。{did_you_mean(key.text, allowed)}可用的有：{', '.join(allowed)}。",
            )


def _text_fields(reader: Reader, node: Map | None, cls: type, prefix: str) -> dict[str, str]:
    values: dict[str, str] = {}
    if node is None:
        return values
    _check_keys(reader, node, _sub_keys(cls), f"“{prefix}”")
    for key, value in node.entries:
        if key.text in _sub_keys(cls):
            values[key.text] = reader.text(value, f"{prefix}.{key.text}") or ""
    return values


# Footer links that lead off the site.
_LINK_FIELDS = ("badge_link", "consultation", "application")
# The badge image is a file of the site's theme (never fetched from elsewhere: no third party
# learns who reads the site).
_BADGE_IMAGE = re.compile(r"^static/[A-Za-z0-9_./-]+\.(png|gif|jpe?g|svg|webp)$")
_SEQ_SPEC = re.compile(r"0?[1-9]?d?")
_INDEX_HINT = "只能含 {org_code}、{year} 和 {seq}（或 {seq:05d}），各写一次，且必须有 {seq}。"


def index_format_problem(fmt: str) -> str:
    """Why an ``index_no_format`` cannot number items ("" when it can): only the three plain
    fields, each once, ``seq`` required, no attribute, index or conversion."""
    try:
        parts = list(string.Formatter().parse(fmt))
    except ValueError:
        return "花括号不成对。" + _INDEX_HINT
    seen: list[str] = []
    for _literal, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in ("org_code", "year", "seq") or conversion or (spec and (field != "seq" or not _SEQ_SPEC.fullmatch(spec))):
            return f"“{{{field}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}”不能使用。" + _INDEX_HINT
        if field in seen:
            return f"“{{{field}}}”写了不止一次。" + _INDEX_HINT
        seen.append(field)
    if "seq" not in seen:
        return "缺少 {seq}，每个索引号都会相同。" + _INDEX_HINT
    return ""


def _key_line(node: Map | None, key: str) -> int:
    """The line ``key`` is written on in a mapping (1 when it or the mapping is absent)."""
    return next((k.line for k, _ in node.entries if k.text == key), 1) if node else 1


def read_settings(reader: Reader, root: Node | None) -> SiteConfig | None:
    """Validate the tree of ``_site.yml``; None (with problems recorded) when it is unusable."""
    if not isinstance(root, Map):
        reader.fail(1, "", "_site.yml 应为“键: 值”形式的站点设置，至少包括 name（站点名称）和 kind（township/street/county_dept）。")
        return None
    _check_keys(reader, root, _TOP_KEYS, "_site.yml ")
    values: dict[str, Node] = {k.text: v for k, v in root.entries}
    name = reader.text(values.get("name"), "name")
    if name is None:
        reader.fail(1, "name", "缺少站点名称 name（如：宜城市某某镇人民政府）。")
    kind = reader.text(values.get("kind"), "kind")
    if kind is None:
        reader.fail(1, "kind", f"缺少站点类型 kind，可选：{', '.join(f'{k}（{v}）' for k, v in KINDS.items())}。")
    elif kind not in KINDS:
        line = values["kind"].line
        reader.fail(line, "kind", f"站点类型“{kind}”不认识。{did_you_mean(kind, KINDS)}可选：{', '.join(KINDS)}。")
        kind = None
    org_code = reader.text(values.get("org_code"), "org_code") or ""
    if org_code and not _ORG_CODE.match(org_code):
        reader.fail(values["org_code"].line, "org_code", f"统一社会信用代码“{org_code}”应为 18 位数字或大写字母，请核对。")
    index_format = reader.text(values.get("index_no_format"), "index_no_format") or DEFAULT_INDEX_FORMAT
    format_problem = index_format_problem(index_format)
    if format_problem:
        reader.fail(values["index_no_format"].line, "index_no_format", f"索引号格式“{index_format}”无法使用：{format_problem}")
        index_format = DEFAULT_INDEX_FORMAT
    base_url = reader.text(values.get("base_url"), "base_url") or ""
    if base_url and not re.match(r"^https?://[^\s/]+(/\S*)?$", base_url):
        reader.fail(values["base_url"].line, "base_url", f"网址“{base_url}”应以 http:// 或 https:// 开头，如 https://www.example.gov.cn/xxgk/。")
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    theme = reader.text(values.get("theme"), "theme") or "default"
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", theme):
        reader.fail(values["theme"].line, "theme", f"主题名“{theme[:80]}”只能含英文字母、数字、下划线和减号，最长 64 个字符。")
        theme = "default"
    identity_node = reader.mapping(values.get("identity"), "identity")
    identity = _text_fields(reader, identity_node, Identity, "identity")
    for key in _LINK_FIELDS:
        if identity.get(key) and not WEB_ADDRESS.match(identity[key]):
            reader.fail(_key_line(identity_node, key), f"identity.{key}", f"“{identity[key][:80]}”应是以 https:// 或 http:// 开头的完整网址。")
            identity[key] = ""
    badge = identity.get("badge_image", "")
    if badge and (not _BADGE_IMAGE.match(badge) or ".." in badge.split("/")):
        reader.fail(_key_line(identity_node, "badge_image"), "identity.badge_image", f"党政机关网站标识图片“{badge[:80]}”应放在主题的 static 文件夹里，写成 static/文件名，如 static/dzjg.png（图片随网站发布，不从外网加载）。")
        identity["badge_image"] = ""
    contact = _text_fields(reader, reader.mapping(values.get("contact"), "contact"), Contact, "contact")
    if name is None or kind is None:
        return None
    return SiteConfig(
        name=name,
        kind=kind,
        org_code=org_code,
        index_no_format=index_format,
        base_url=base_url,
        theme=theme,
        identity=Identity(**identity),
        contact=Contact(**contact),
    )
