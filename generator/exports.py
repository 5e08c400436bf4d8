"""Machine-readable outputs: catalogue.json/csv, sitemap.xml and the Atom feed."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from typing import Any
from xml.sax.saxutils import escape as _sax_escape

from .assemble import Site
from .extensions import NO_EXTENSIONS, Extensions
from .render import Output
from .urls import quote_path

FEED_SIZE = 50
# Characters XML 1.0 does not allow at all (escaping cannot help): removed, never written.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A cell starting with one of these is a formula to Excel and WPS (CSV injection).
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def escape(text: str) -> str:
    """Text for XML content or a double-quoted attribute."""
    return _sax_escape(_NOT_XML.sub("", text), {'"': "&quot;"})


def _csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value
CSV_COLUMNS = (
    ("id", "标识"),
    ("url", "网址"),
    ("title", "标题"),
    ("catalogue", "目录分类"),
    ("catalogue_label", "栏目"),
    ("disclosure", "公开属性"),
    ("index_no", "索引号"),
    ("doc_no", "文号"),
    ("issuer", "发布机构"),
    ("written", "成文日期"),
    ("published", "发布日期"),
    ("validity", "有效性"),
    ("validity_date", "失效日期"),
    ("doc_class", "文件类别"),
    ("topic", "主题分类"),
    ("interprets", "解读对象"),
    ("interpretations", "相关解读"),
)


def records(site: Site) -> list[dict[str, Any]]:
    """One record per public item, newest first."""
    rows: list[dict[str, Any]] = []
    for entry in site.items:
        item = entry.item
        rows.append(
            {
                "id": item.key,
                "url": quote_path(entry.path),
                "title": item.title,
                "catalogue": item.catalogue,
                "catalogue_label": site.catalogue.leaves[item.catalogue].label,
                # gongkai's extension: the further columns it is listed in (组配分类); one row still.
                "also_in": list(item.also_in),
                "disclosure": item.disclosure.value,
                "index_no": item.index_no,
                "doc_no": item.doc_no,
                "issuer": item.issuer,
                "written": item.written.isoformat() if item.written else "",
                "published": item.published.isoformat() if item.published else "",
                "validity": item.validity.value,
                "validity_date": item.validity_date.isoformat() if item.validity_date else "",
                "doc_class": item.doc_class,
                "topic": item.topic,
                "keywords": list(item.keywords),
                "summary": item.summary,
                "interprets": list(entry.interprets),
                # gongkai's extension: documents of other offices this item interprets.
                "interprets_elsewhere": [{"url": d.url, "title": d.title, "doc_no": d.doc_no} for d in item.interprets_elsewhere],
                "interpretations": list(entry.interpretations),
                "attachments": [{"title": a.title, "url": quote_path(a.path), "type": a.kind, "size": a.size} for a in entry.attachments],
            }
        )
    return rows


def catalogue_text(name: str, rows: list[dict[str, Any]]) -> bytes:
    """The bytes of a ``catalogue.json`` of ``name`` (a site, or a county platform) and ``rows``."""
    # One item per line: readable, diff-friendly, and written by json's C encoder (indent= would
    # fall back to the pure-Python one, 10x slower at 10,000 items).
    head = json.dumps({"site": name, "count": len(rows)}, ensure_ascii=False)[:-1]
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    text = f'{head}, "items": [\n{lines}\n]}}\n' if rows else f'{head}, "items": []}}\n'
    return text.encode("utf-8")


def catalogue_json(site: Site, rows: list[dict[str, Any]]) -> Output:
    """``catalogue.json``: the site and its public items."""
    return Output("catalogue.json", catalogue_text(site.config.name, rows))


def catalogue_csv(rows: list[dict[str, Any]], columns: tuple[tuple[str, str], ...] | None = None) -> Output:
    """``catalogue.csv``: the same, UTF-8 with BOM so that Excel opens it in Chinese (``columns``:
    key and heading of each column, ``CSV_COLUMNS`` unless given)."""
    columns = CSV_COLUMNS if columns is None else columns
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _, label in columns])
    for row in rows:
        writer.writerow([_csv_cell(";".join(row[k]) if isinstance(row[k], list) else row[k]) for k, _ in columns])
    return Output("catalogue.csv", b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def sitemap(site: Site, pages: list[str]) -> Output:
    """``sitemap.xml`` of every HTML page; absolute when ``base_url`` is set."""
    base = site.config.base_url
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    dates = {entry.path: entry.item.published for entry in site.items}
    for path in pages:
        if path == "404.html":
            continue
        lastmod = dates.get(path)
        extra = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
        lines.append(f"  <url><loc>{escape(base + quote_path(path))}</loc>{extra}</url>")
    lines.append("</urlset>")
    return Output("sitemap.xml", ("\n".join(lines) + "\n").encode("utf-8"))


def _feed_id(site: Site, key: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"gongkai:{site.config.org_code or site.config.name}:{key}"))


def atom_feed(site: Site) -> Output:
    """``feed.xml``: the latest public items (links relative to the feed, resolved by readers)."""
    entries = site.items[:FEED_SIZE]
    newest = entries[0].item.published if entries and entries[0].item.published else None
    updated = f"{newest.isoformat()}T00:00:00+08:00" if newest else "2000-01-01T00:00:00+08:00"
    base = site.config.base_url
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN"{f" xml:base={chr(34)}{escape(base)}{chr(34)}" if base else ""}>',
        f"  <title>{escape(site.config.name)}政府信息公开</title>",
        f"  <id>{_feed_id(site, '')}</id>",
        f"  <updated>{updated}</updated>",
        '  <link rel="alternate" href="index.html"/>',
        '  <link rel="self" href="feed.xml"/>',
        f"  <author><name>{escape(site.config.name)}</name></author>",
    ]
    for entry in entries:
        item = entry.item
        date = f"{item.published.isoformat()}T00:00:00+08:00" if item.published else updated
        out += [
            "  <entry>",
            f"    <title>{escape(item.title)}</title>",
            f'    <link rel="alternate" href="{escape(quote_path(entry.path))}"/>',
            f"    <id>{_feed_id(site, item.key)}</id>",
            f"    <updated>{date}</updated>",
            f"    <published>{date}</published>",
            f"    <category term=\"{escape(item.catalogue)}\" label=\"{escape(site.catalogue.leaves[item.catalogue].label)}\"/>",
            f"    <summary>{escape(entry.excerpt)}</summary>",
            "  </entry>",
        ]
    out.append("</feed>")
    return Output("feed.xml", ("\n".join(out) + "\n").encode("utf-8"))


def exports(site: Site, pages: list[str], extensions: Extensions = NO_EXTENSIONS) -> list[Output]:
    """All machine-readable outputs, with those the features add (search lookups, report CSVs)."""
    rows = records(site)
    added = [Output(path, data) for outputs in extensions.outputs for path, data in outputs(site)]
    return [catalogue_json(site, rows), catalogue_csv(rows), sitemap(site, pages), atom_feed(site), *added]
