"""No byte derived from a withheld item reaches the output; a public item's bytes reach every channel."""

from __future__ import annotations

import gzip
import html
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote

import cbor2
import pytest

from .conftest import POLICY, item

ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
FIELDS = ("title", "doc_no", "index_no", "issuer", "topic", "keywords", "summary", "body", "attach_title", "attach_text")


def canaries(prefix: str, chinese: str) -> dict[str, tuple[str, str]]:
    """An ASCII token and a Chinese string for every channel."""
    return {f: (f"{prefix}{f.upper().replace('_', '')}Q7", f"{chinese}{'甲乙丙丁戊己庚辛壬癸'[i]}密") for i, f in enumerate(FIELDS)}


def front(c: dict[str, tuple[str, str]], disclosure: str, file_stem: str) -> str:
    def both(f: str) -> str:
        return f"{c[f][0]} {c[f][1]}"

    return f"""
title: {both("title")}
catalogue: statutory/policy-docs
disclosure: {disclosure}
published: 2024-06-01
doc_no: "{c["doc_no"][1]}〔2024〕{c["doc_no"][0]}号"
index_no: "{c["index_no"][0]}/{c["index_no"][1]}"
issuer: {both("issuer")}
topic: {both("topic")}
keywords: [{c["keywords"][0]}, {c["keywords"][1]}]
summary: {both("summary")}
attachments:
  - {{file: {file_stem}.txt, title: {both("attach_title")}}}"""


def output_texts(build: Path) -> dict[str, str]:
    """Every output file as searchable text: raw, HTML-unescaped, URL-decoded, gunzipped, zero-width removed."""
    texts: dict[str, str] = {}
    for path in sorted(build.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data += b"\n" + gzip.decompress(data)
        raw = data.decode("utf-8", errors="replace")
        text = "\n".join((raw, html.unescape(raw), unquote(raw), unquote(html.unescape(raw))))
        texts[path.relative_to(build).as_posix()] = ZERO_WIDTH.sub("", text)
    return texts


@pytest.fixture
def leak_site(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> tuple[Path, dict[str, dict[str, tuple[str, str]]]]:
    withheld = {
        "exempt": canaries("XEMPT", "禁区机要"),
        "onrequest": canaries("ONREQ", "申领私档"),
    }
    public = canaries("PUBLK", "公开样例")
    files: dict[str, str | bytes] = {"content/rules.md": POLICY}
    for name, disclosure in (("exempt", "不予公开\nexempt_reason: internal-affairs"), ("onrequest", "依申请公开")):
        c = withheld[name]
        stem = f"{name.upper()}FILEQ7-档案{name}"
        # Its body also links a file and shows an image that nothing else references.
        body = f"{c['body'][0]} {c['body'][1]}\n\n详见[测算](files/{name}-LINKEDQ7.txt)。\n\n![图](files/{name}-IMAGEQ7.png)"
        files[f"content/secret/{stem}.md"] = item(front(c, disclosure, stem), body)
        files[f"content/secret/{stem}.txt"] = f"{c['attach_text'][0]} {c['attach_text'][1]}"
        files[f"content/secret/files/{name}-LINKEDQ7.txt"] = f"{name.upper()}LINKEDTEXTQ7 测算明细密"
        files[f"content/secret/files/{name}-IMAGEQ7.png"] = b"\x89PNG " + f"{name.upper()}IMAGETEXTQ7".encode()
    # Withheld documents that are not items by name: a _ folder, a _ file, another extension.
    files["content/_archive/ARCHIVEQ7.md"] = item("title: ARCHIVETITLEQ7 归档请示密\ncatalogue: statutory/plans\ndisclosure: 不予公开\nexempt_reason: process-info", "ARCHIVEBODYQ7")
    files["content/pub/_DRAFTQ7.md"] = item("title: DRAFTTITLEQ7 草稿密\ncatalogue: statutory/plans\ndisclosure: 主动公开\npublished: 2024-06-01", "DRAFTBODYQ7")
    files["content/pub/NOTESQ7.markdown"] = "---\ntitle: NOTESTITLEQ7\n---\nNOTESBODYQ7 会议记录密\n"
    stem = "PUBLKFILEQ7-公开文件"
    files[f"content/pub/{stem}.md"] = item(front(public, "主动公开", stem), f"{public['body'][0]} {public['body'][1]}")
    files[f"content/pub/{stem}.txt"] = f"{public['attach_text'][0]} {public['attach_text'][1]}"
    site = make_site(files)
    code, output = gongkai("build", str(site), "--base-url", "https://example.gov.cn/xxgk/")
    assert code == 0, output
    return site, {**withheld, "public": public}


def test_withheld_items_leave_no_trace(leak_site: tuple[Path, dict[str, dict[str, tuple[str, str]]]]) -> None:
    site, all_canaries = leak_site
    texts = output_texts(site / "build")
    assert len(texts) > 40
    assert "search/synonyms.json" in texts and "pagefind/gongkai-words/000.json" in texts  # the search page's own files are scanned too
    assert [p for p in texts if p.startswith("pagefind/gongkai-sorts.")], "and the date order kept beside the index"
    for name in ("exempt", "onrequest"):
        tokens = [t for pair in all_canaries[name].values() for t in pair] + [f"{name.upper()}FILEQ7", f"档案{name}"]
        for token in tokens:
            for path, text in texts.items():
                assert token not in path, f"{token} in output path {path}"
                assert token not in text, f"{token} leaked into {path}"


NOT_ITEMS = ("LINKEDQ7", "IMAGEQ7", "LINKEDTEXTQ7", "IMAGETEXTQ7", "测算明细密", "ARCHIVE", "归档请示密", "DRAFT", "草稿密", "NOTES", "会议记录密")


def test_files_of_withheld_items_and_non_item_sources_leave_no_trace(leak_site: tuple[Path, dict[str, dict[str, tuple[str, str]]]]) -> None:
    site, _ = leak_site
    texts = output_texts(site / "build")
    for token in NOT_ITEMS:
        for path, text in texts.items():
            assert token not in path and token not in text, (token, path)
    for path in (site / "build" / "pagefind").rglob("*"):
        if path.suffix in (".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter"):
            decoded = "\n".join(_strings(_decoded(path)))
            assert not [t for t in NOT_ITEMS if t.lower() in decoded.lower()], path


def test_public_item_reaches_every_channel(leak_site: tuple[Path, dict[str, dict[str, tuple[str, str]]]]) -> None:
    site, all_canaries = leak_site
    texts = output_texts(site / "build")
    public = all_canaries["public"]
    page = next(text for path, text in texts.items() if path.startswith("items/") and public["title"][0] in text)
    for field in ("title", "doc_no", "index_no", "issuer", "topic", "keywords", "summary", "body", "attach_title"):
        for token in public[field]:
            assert token in page, f"public {field} missing from its page"
    for channel in ("catalogue.json", "catalogue.csv", "feed.xml"):
        assert public["title"][0] in texts[channel] and public["title"][1] in texts[channel], channel
    assert public["index_no"][0] in texts["catalogue.json"] and public["doc_no"][1] in texts["catalogue.csv"]
    attachment = [p for p in texts if "PUBLKFILEQ7" in p]
    assert attachment and public["attach_text"][0] in texts[attachment[0]] and public["attach_text"][1] in texts[attachment[0]]
    assert any(p.startswith("items/") for p in texts if public["title"][0] in texts[p])
    listing = texts["statutory/policy-docs/index.html"]
    assert public["title"][1] in listing and "共 2 条" in listing
    assert "https://example.gov.cn/xxgk/items/" in texts["sitemap.xml"]


def test_counts_and_lists_never_include_withheld_items(leak_site: tuple[Path, dict[str, dict[str, tuple[str, str]]]]) -> None:
    site, _ = leak_site
    build = site / "build"
    home = (build / "index.html").read_text(encoding="utf-8")
    assert '政策文件</a> <span class="count">（2）' in home
    data = json.loads((build / "catalogue.json").read_text(encoding="utf-8"))
    assert data["count"] == 2 and len(data["items"]) == 2
    assert {entry["disclosure"] for entry in data["items"]} == {"主动公开"}
    assert len(list((build / "items").glob("*.html"))) == 2
    assert len(list((build / "files").glob("*/*"))) == 1


def _decoded(path: Path) -> object:
    """A Pagefind bundle file: gzip, the ``pagefind_dcd`` signature, then JSON (fragments) or CBOR."""
    payload = gzip.decompress(path.read_bytes())
    assert payload.startswith(b"pagefind_dcd"), path
    body = payload[len(b"pagefind_dcd") :]
    return json.loads(body) if path.suffix == ".pf_fragment" else cbor2.loads(body)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield ZERO_WIDTH.sub("", value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def test_search_bundle_decoded_channel_by_channel(leak_site: tuple[Path, dict[str, dict[str, tuple[str, str]]]]) -> None:
    site, all_canaries = leak_site
    bundle = site / "build" / "pagefind"
    channels: dict[str, str] = {}
    for kind in ("pf_fragment", "pf_index", "pf_filter", "pf_meta"):
        files = sorted(bundle.rglob(f"*.{kind}"))
        assert files, kind
        channels[kind] = "\n".join(s for f in files for s in _strings(_decoded(f)))
    # Positive controls: the public item reaches every channel Pagefind has.
    public = all_canaries["public"]
    for field in ("title", "body", "doc_no", "summary", "attach_text"):
        assert public[field][0] in channels["pf_fragment"] and public[field][1] in channels["pf_fragment"], field
    for field in ("title", "body", "attach_text"):
        assert public[field][0].lower() in channels["pf_index"].lower(), field
    assert public["issuer"][0] in channels["pf_filter"] and public["issuer"][1] in channels["pf_filter"]
    assert json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]["zh-cn"]["page_count"] == 2
    assert not (bundle / "playground").exists()
    # No trace of either withheld item in any channel, in any case.
    for name in ("exempt", "onrequest"):
        for pair in all_canaries[name].values():
            for token in pair:
                for kind, text in channels.items():
                    assert token.lower() not in text.lower(), f"{token} in {kind}"
    # The word lists (split as Pagefind split the text, so whole canaries cannot be looked for):
    # every listed word is in a public fragment, and the public body's Chinese canary is listed.
    listed = [w for f in sorted((bundle / "gongkai-words").glob("*.json")) for w in json.loads(f.read_text(encoding="utf-8"))["words"]]
    fragments = [_decoded(f) for f in bundle.rglob("*.pf_fragment")]
    public_text = "".join(f["content"] + f["meta"].get("column", "") for f in fragments)
    assert listed and all(word in public_text for word in listed)
    assert any(len(word) > 1 and word in public["body"][1] for word in listed)
    withheld_chinese = [pair[1] for name in ("exempt", "onrequest") for pair in all_canaries[name].values()]
    assert not [w for w in listed if len(w) > 1 and any(w in c for c in withheld_chinese) and not any(w in c for c in (p[1] for p in public.values()))]


def test_an_error_about_a_withheld_item_names_its_path_never_its_title(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    secret = item("title: TITLECANARYQ7 绝密标题样例\ncatalogue: statutory/plans\ndisclosure: 不予公开\nexempt_reason: internal-affairs", "BODYCANARYQ7")
    public = item("title: 公开\ncatalogue: statutory/interpretations\ndisclosure: active\npublished: 2024-01-01\ninterprets: [../w/secret.md]\ninterpretation_form: 文字", "见[文件](../w/secret.md)")
    site = make_site({"content/w/secret.md": secret, "content/p/public.md": public})
    for command in ("build", "check"):
        code, output = gongkai(command, str(site))
        assert code == 1
        assert "content/p/public.md:6: 错误 [interprets/解读对象] 引用的条目 content/w/secret.md 不是主动公开" in output
        assert "content/p/public.md:9: 错误 [正文链接] 引用的条目 content/w/secret.md 不是主动公开" in output
        assert "TITLECANARYQ7" not in output and "绝密标题样例" not in output and "BODYCANARYQ7" not in output


def test_scheduled_and_draft_items_leave_no_trace_until_their_day(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    later = canaries("SCHED", "定时待发")
    draft = canaries("DRAFQ", "草拟未定")
    files: dict[str, str | bytes] = {"content/rules.md": POLICY}
    files["content/pub/SCHEDFILEQ7.md"] = item(front(later, "主动公开", "SCHEDFILEQ7").replace("published: 2024-06-01", "published: 2026-12-10"), f"{later['body'][0]} {later['body'][1]}")
    files["content/pub/SCHEDFILEQ7.txt"] = f"{later['attach_text'][0]} {later['attach_text'][1]}"
    files["content/pub/DRAFQFILEQ7.md"] = item(front(draft, "主动公开", "DRAFQFILEQ7") + "\ndraft: true", f"{draft['body'][0]} {draft['body'][1]}")
    files["content/pub/DRAFQFILEQ7.txt"] = f"{draft['attach_text'][0]} {draft['attach_text'][1]}"
    site = make_site(files)

    def present(day: str, marks: dict[str, tuple[str, str]]) -> list[str]:
        code, output = gongkai("build", str(site), "--today", day)
        assert code == 0, output
        found = [path for path, text in output_texts(site / "build").items() if any(t in text or t in path for pair in marks.values() for t in pair)]
        for path in (site / "build" / "pagefind").rglob("*"):
            if path.suffix in (".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter"):
                decoded = "\n".join(_strings(_decoded(path))).lower()
                found += [path.name for pair in marks.values() for t in pair if t.lower() in decoded]
        return found

    assert present("2026-12-09", later) == []
    assert present("2026-12-09", draft) == []
    _, output = gongkai("check", str(site), "--today", "2026-12-09")
    assert "定时发布：发布日期 2026-12-10 晚于今天（2026-12-09）" in output and "本条目标为草稿" in output
    # On its day the scheduled item is published everywhere: page, lists, exports, search; the draft still is not.
    reached = present("2026-12-10", later)
    assert "catalogue.json" in reached and "feed.xml" in reached and any(p.startswith("items/") for p in reached)
    assert any(p.endswith(".pf_fragment") for p in reached) and any("SCHEDFILEQ7" in p for p in reached)
    assert present("2026-12-10", draft) == []


def test_what_a_reader_of_an_attachment_cannot_see_is_not_put_on_the_page(make_site: Callable[..., Path], gongkai: Callable[..., tuple[int, str]]) -> None:
    from .documents import docx, xlsx

    site = make_site({
        "content/rules.md": POLICY,
        "content/a.md": item("title: 通知\ncatalogue: other/notices\ndisclosure: 主动公开\npublished: 2024-06-01\nattachments: [a.docx, b.xlsx]"),
        "content/a.docx": docx(["VISIBLEQ7 可见正文"], deleted="DELETEDQ7 删去的草稿密", comment="COMMENTQ7 审核批注密"),
        "content/b.xlsx": xlsx({"名单": [["SHOWNQ7"]], "底稿": [["HIDDENQ7 内部测算密"]]}, hidden=("底稿",)),
    })
    code, output = gongkai("build", str(site))
    assert code == 0, output
    texts = output_texts(site / "build")
    page = next(text for path, text in texts.items() if path.startswith("items/a"))
    assert "VISIBLEQ7" in page and "SHOWNQ7" in page
    for token in ("DELETEDQ7", "COMMENTQ7", "HIDDENQ7"):
        assert not [path for path, text in texts.items() if token in text and not path.startswith("files/")], token
        for path in (site / "build" / "pagefind").rglob("*.pf_fragment"):
            assert token.lower() not in "\n".join(_strings(_decoded(path))).lower(), (token, path)
