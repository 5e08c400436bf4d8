"""Text of published attachments, for the privacy rules: docx, xlsx, csv, pdf and plain text.

Everything a reader of the file could see or recover counts: tracked deletions and comments in
docx, hidden sheets in xlsx.  Tables keep their rows, so that name lists can be recognised.
Files are read defensively (size caps, no DOCTYPE in XML); an unreadable file is reported, never
skipped silently.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

MAX_MEMBER_BYTES = 50 * 1024 * 1024
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
EXTENSIONS = (".docx", ".xlsx", ".csv", ".pdf", ".txt", ".md")


@dataclass(frozen=True)
class TextBlock:
    """A line of text at a place in a file: ``line`` is a line, row, paragraph or page number."""

    line: int
    where: str
    text: str
    # Text a reader of the file does not see (tracked deletions, comments, hidden sheets): the
    # privacy rules read it, the page and the search index never show it.
    hidden: bool = False


@dataclass(frozen=True)
class Table:
    """Rows of cells, the first row being the header."""

    where: str
    first_line: int
    rows: tuple[tuple[str, ...], ...]
    # Merged ranges (first row, first column, last row, last column), 0-based within ``rows``
    # (an xlsx sheet's merged cells; the text is in the first cell).
    merges: tuple[tuple[int, int, int, int], ...] = ()
    hidden: bool = False


@dataclass(frozen=True)
class Extracted:
    """What could be read from one file; ``problem`` says why (part of) it could not."""

    path: str
    blocks: tuple[TextBlock, ...]
    tables: tuple[Table, ...]
    problem: str = ""


def _xml(archive: zipfile.ZipFile, name: str) -> ET.Element | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_MEMBER_BYTES:
        raise ValueError(f"{name} 解压后过大")
    data = archive.read(info)
    if b"<!DOCTYPE" in data[:2048]:
        raise ValueError(f"{name} 含有 DOCTYPE 声明")
    return ET.fromstring(data)


_SHOWN = (W + "t",)
_DELETED = (W + "delText",)


def _docx_text(element: ET.Element, tags: tuple[str, ...] = (W + "t", W + "delText")) -> str:
    """The text of a paragraph or cell: visible text and tracked deletions, or only ``tags``."""
    return "".join(node.text or "" for node in element.iter() if node.tag in tags)


def _docx_row(row: ET.Element, tags: tuple[str, ...]) -> tuple[str, ...]:
    """A table row's cells (the text of ``tags``), a merged cell (``gridSpan``) followed by blanks
    for the columns it covers, so that rows line up column by column as in the grid Word shows."""
    cells: list[str] = []
    for cell in row.iter(W + "tc"):
        span = cell.find(f"{W}tcPr/{W}gridSpan")
        width = int(span.get(W + "val", "1")) if span is not None and span.get(W + "val", "1").isdigit() else 1
        cells += [_docx_text(cell, tags)] + [""] * (min(width, 64) - 1)
    return tuple(cells)


def _docx(archive: zipfile.ZipFile) -> tuple[list[TextBlock], list[Table]]:
    blocks: list[TextBlock] = []
    tables: list[Table] = []
    document = _xml(archive, "word/document.xml")
    body = document.find(W + "body") if document is not None else None
    for index, element in enumerate(body if body is not None else [], start=1):
        # What a reader sees, and apart from it (hidden) what tracked changes deleted: a deleted
        # "9" before a visible "2" is neither shown as "92" nor read as the cell's value.
        if element.tag == W + "p":
            blocks.append(TextBlock(index, "正文段落", _docx_text(element, _SHOWN)))
            deleted = _docx_text(element, _DELETED)
            if deleted:
                blocks.append(TextBlock(index, "修订删除的文字", deleted, hidden=True))
        elif element.tag == W + "tbl":
            rows = tuple(_docx_row(row, _SHOWN) for row in element.iter(W + "tr"))
            tables.append(Table("表格", index, rows))
            blocks += [TextBlock(index, "表格", "\t".join(row)) for row in rows]
            deleted_rows = ["\t".join(c for c in _docx_row(row, _DELETED) if c) for row in element.iter(W + "tr")]
            blocks += [TextBlock(index, "修订删除的文字", text, hidden=True) for text in deleted_rows if text]
    for name in sorted(archive.namelist()):
        kind = {"comments": "批注", "header": "页眉", "footer": "页脚", "footnotes": "脚注", "endnotes": "尾注"}.get(
            re.sub(r"\d*\.xml$", "", posixpath.basename(name)), ""
        )
        if name.startswith("word/") and kind:
            root = _xml(archive, name)
            if root is not None:
                blocks += [TextBlock(i, kind, _docx_text(p), hidden=kind == "批注") for i, p in enumerate(root.iter(W + "p"), start=1)]
    return blocks, tables


def _column(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref)
    number = 0
    for char in letters.group(0) if letters else "A":
        number = number * 26 + ord(char) - 64
    return number - 1


def _xlsx(archive: zipfile.ZipFile) -> tuple[list[TextBlock], list[Table]]:
    shared: list[str] = []
    strings = _xml(archive, "xl/sharedStrings.xml")
    if strings is not None:
        shared = ["".join(t.text or "" for t in si.iter(S + "t")) for si in strings.iter(S + "si")]
    targets: dict[str, str] = {}
    rels = _xml(archive, "xl/_rels/workbook.xml.rels")
    for rel in rels.iter(PR + "Relationship") if rels is not None else []:
        target = rel.get("Target", "")
        targets[rel.get("Id", "")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
    workbook = _xml(archive, "xl/workbook.xml")
    sheets = [
        (s.get("name", ""), s.get("state", "visible"), targets.get(s.get(R + "id", ""), ""))
        for s in (workbook.iter(S + "sheet") if workbook is not None else [])
    ]
    blocks: list[TextBlock] = []
    tables: list[Table] = []
    for name, state, target in sheets:
        root = _xml(archive, target) if target else None
        if root is None:
            continue
        where = f"工作表“{name}”" + ("（隐藏）" if state != "visible" else "")
        rows: list[tuple[str, ...]] = []
        first = 0
        for row in root.iter(S + "row"):
            cells: dict[int, str] = {}
            for cell in row.iter(S + "c"):
                kind, value = cell.get("t", ""), cell.find(S + "v")
                if kind == "s" and value is not None and (value.text or "").isdigit() and int(value.text or 0) < len(shared):
                    text = shared[int(value.text or 0)]
                elif kind == "inlineStr":
                    text = "".join(t.text or "" for t in cell.iter(S + "t"))
                else:
                    text = value.text or "" if value is not None else ""
                cells[_column(cell.get("r", "A"))] = text
            number = int(row.get("r", len(rows) + 1))
            first = first or number
            values = tuple(cells.get(i, "") for i in range(max(cells) + 1)) if cells else ()
            rows.append(values)
            blocks.append(TextBlock(number, where, "\t".join(values), hidden=state != "visible"))
        tables.append(Table(where, first or 1, tuple(rows), _merges(root, first or 1), state != "visible"))
    return blocks, tables


def _cell_ref(ref: str) -> tuple[int, int]:
    """``B3`` → (row 3, column 1)."""
    digits = re.search(r"\d+", ref)
    return (int(digits.group(0)) if digits else 1), _column(ref)


def _merges(sheet: ET.Element, first_row: int) -> tuple[tuple[int, int, int, int], ...]:
    found: list[tuple[int, int, int, int]] = []
    for merge in sheet.iter(S + "mergeCell"):
        start, _, end = merge.get("ref", "").partition(":")
        if not start or not end:
            continue
        (r0, c0), (r1, c1) = _cell_ref(start), _cell_ref(end)
        if r0 >= first_row and r1 >= r0 and c1 >= c0:
            found.append((r0 - first_row, c0, r1 - first_row, c1))
    return tuple(sorted(found))


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _pdf(data: bytes) -> list[TextBlock]:
    import logging

    from pypdf import PdfReader  # imported here: only sites with PDF attachments pay for it

    # pypdf logs repairs of damaged files in English; a file it cannot read is reported in Chinese.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise ValueError("PDF 已加密")
    blocks: list[TextBlock] = []
    for number, page in enumerate(reader.pages, start=1):
        blocks += [TextBlock(number, f"第{number}页", line) for line in (page.extract_text() or "").splitlines()]
    return blocks


def text_table(lines: list[tuple[int, str]], where: str) -> list[Table]:
    """Markdown (pipe) tables among numbered text lines."""
    tables: list[Table] = []
    rows: list[tuple[str, ...]] = []
    first = 0
    for number, line in [*lines, (0, "")]:
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            cells = tuple(c.strip() for c in stripped.strip("|").split("|"))
            if not all(re.fullmatch(r":?-{1,}:?", c) for c in cells):
                rows.append(cells)
                first = first or number
            continue
        if rows:
            tables.append(Table(where, first, tuple(rows)))
        rows, first = [], 0
    return tables


def extract(content_dir: Path, rel: str) -> Extracted | None:
    """The text of one published file, or None for a kind of file that holds no text we read."""
    suffix = posixpath.splitext(rel)[1].lower()
    if suffix not in EXTENSIONS:
        return None
    try:
        data = (content_dir / rel).read_bytes()
        if suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                blocks, tables = _docx(archive) if suffix == ".docx" else _xlsx(archive)
            return Extracted(rel, tuple(blocks), tuple(tables))
        if suffix == ".pdf":
            return Extracted(rel, tuple(_pdf(data)), ())
        text = _decode(data)
        if suffix == ".csv":
            rows = [tuple(row) for row in csv.reader(io.StringIO(text))]
            blocks = [TextBlock(i, "表格", "\t".join(row)) for i, row in enumerate(rows, start=1)]
            return Extracted(rel, tuple(blocks), (Table("表格", 1, tuple(rows)),))
        lines = list(enumerate(text.splitlines(), start=1))
        return Extracted(rel, tuple(TextBlock(n, "正文", line) for n, line in lines), tuple(text_table(lines, "正文")))
    except Exception as exc:
        return Extracted(rel, (), (), f"无法读取其中的文字（{type(exc).__name__}）")
