"""Reading ``county.yml``: the county's name, address, identity and its member sites.

Every problem is collected with its line, in Chinese, before anything is built.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from ..fields import Reader
from ..load import read_yaml_file
from ..model import Identity, Platform
from ..problems import ContentError, error
from ..yamltree import Map, Node, Seq

COUNTY_FILE = "county.yml"
_TOP_KEYS = ("name", "org_code", "base_url", "identity", "contact", "members")
_MEMBER_KEYS = ("id", "name", "path")
_MEMBER_ID = re.compile(r"[a-z0-9-]{1,40}")
# Member ids the platform's own files use at its root.
_RESERVED = frozenset({"assets", "pagefind", "search", "dashboard"})


@dataclass(frozen=True)
class Member:
    """One member site: its id (its folder in the platform), its name and where its site is."""

    id: str
    name: str
    path: Path


@dataclass(frozen=True)
class County:
    """A county folder's settings."""

    folder: Path
    name: str
    base_url: str
    identity: dict[str, str]
    members: tuple[Member, ...]
    org_code: str = ""


def _line(node: Map, key: str) -> int:
    return next((k.line for k, _ in node.entries if k.text == key), node.line)


def load_county(folder: Path) -> County:
    """The county of ``folder/county.yml``; raises ``ContentError`` with every problem."""
    path = folder / COUNTY_FILE
    if not path.is_file():
        raise ContentError((error(COUNTY_FILE, 0, "", f"{folder} 下没有 {COUNTY_FILE}。县级平台的文件夹应有 county.yml，写明 name、base_url 和 members。"),))
    root, problems = read_yaml_file(path, COUNTY_FILE)
    reader = Reader(COUNTY_FILE)
    county = _read(reader, root, folder) if root is not None else None
    problems += reader.problems
    if county is None or any(p.level.name == "ERROR" for p in problems):
        raise ContentError(tuple(problems))
    return county


def _read(reader: Reader, root: Node, folder: Path) -> County | None:
    if not isinstance(root, Map):
        reader.fail(1, "", "county.yml 应为“键: 值”形式，至少包括 name、base_url 和 members。")
        return None
    values = {k.text: v for k, v in root.entries}
    for key, _ in root.entries:
        if key.text not in _TOP_KEYS:
            reader.fail(key.line, key.text, f"county.yml 中的“{key.text}”不认识。可用的键：{'、'.join(_TOP_KEYS)}。")
    name = reader.text(values.get("name"), "name")
    if name is None:
        reader.fail(1, "name", "缺少平台名称 name（如：宜城市人民政府）。")
    base_url = reader.text(values.get("base_url"), "base_url") or ""
    if base_url and not re.match(r"^https?://[^\s/]+(/\S*)?$", base_url):
        reader.fail(_line(root, "base_url"), "base_url", f"网址“{base_url[:80]}”应以 http:// 或 https:// 开头，如 https://www.example.gov.cn/xxgk/。")
        base_url = ""
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    identity: dict[str, str] = {}
    identity_node = values.get("identity")
    known = [f.name for f in dataclasses.fields(Identity)]
    if isinstance(identity_node, Map):
        for key, value in identity_node.entries:
            if key.text not in known:
                reader.fail(key.line, f"identity.{key.text}", f"identity 中的“{key.text}”不认识。可用的键：{'、'.join(known)}。")
                continue
            text = reader.text(value, f"identity.{key.text}")
            if text:
                identity[key.text] = text
    members = _members(reader, values.get("members"), _line(root, "members"), folder)
    if name is None or members is None:
        return None
    org_code = reader.text(values.get("org_code"), "org_code") or ""
    return County(folder, name, base_url, identity, members, org_code)


def _members(reader: Reader, node: Node | None, line: int, folder: Path) -> tuple[Member, ...] | None:
    if not isinstance(node, Seq) or not node.items:
        reader.fail(line, "members", "members 应列出平台的成员站点，每个写成 {id: qingshan, name: 青山镇人民政府, path: ../qingshan}。")
        return None
    found: list[Member] = []
    seen: dict[str, int] = {}
    for entry in node.items:
        if not isinstance(entry, Map):
            reader.fail(entry.line, "members", "成员应写成 {id: 英文标识, name: 单位名称, path: 站点文件夹}。")
            continue
        values = {k.text: v for k, v in entry.entries}
        for key, _ in entry.entries:
            if key.text not in _MEMBER_KEYS:
                reader.fail(key.line, f"members.{key.text}", f"成员的“{key.text}”不认识。可用的键：{'、'.join(_MEMBER_KEYS)}。")
        member_id = reader.text(values.get("id"), "members.id") or ""
        name = reader.text(values.get("name"), "members.name") or ""
        where = reader.text(values.get("path"), "members.path") or ""
        if not _MEMBER_ID.fullmatch(member_id) or member_id in _RESERVED:
            why = "是平台自己的文件夹名" if member_id in _RESERVED else "只能含小写英文字母、数字和减号（最长 40 个字符）"
            reader.fail(entry.line, "members.id", f"成员标识“{member_id[:80]}”{why}；它是该成员在平台中的文件夹名，如 qingshan。")
            continue
        if member_id in seen:
            reader.fail(entry.line, "members.id", f"成员标识“{member_id}”在第 {seen[member_id]} 行已用过。每个成员的标识应不同。")
            continue
        seen[member_id] = entry.line
        if not name:
            reader.fail(entry.line, "members.name", f"成员“{member_id}”缺少单位名称 name（如：青山镇人民政府）。")
        if not where:
            reader.fail(entry.line, "members.path", f"成员“{member_id}”缺少站点文件夹 path（相对于 county.yml 所在的文件夹，如 ../qingshan）。")
            continue
        # Whether the folder holds a site is asked when the member is built: a CI job that builds
        # one member (or only assembles) has the other members' folders absent.
        found.append(Member(member_id, name, (folder / where).resolve()))
    return tuple(found) if len(found) == len(node.items) else None


def platform_of(county: County) -> Platform:
    """What a member's pages wear of the county: its name, its footer identity and its theme
    folder (``themes/default/`` of the county folder, when there is one)."""
    theme = county.folder / "themes" / "default"
    return Platform(county.name, Identity(**county.identity), theme.resolve() if theme.is_dir() else None)
