"""Small real documents for tests: docx (with tracked deletions and comments), xlsx (with hidden
sheets), and PDF with Chinese text, written byte by byte or with openpyxl."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import openpyxl

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""


def docx(paragraphs: list[str], deleted: str = "", comment: str = "", table: list[list[str]] | None = None) -> bytes:
    """A Word document: paragraphs, optionally a tracked deletion, a comment and a table."""
    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    if deleted:
        body += f'<w:p><w:del w:id="1" w:author="x"><w:r><w:delText>{escape(deleted)}</w:delText></w:r></w:del></w:p>'
    if table:
        rows = "".join("<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{escape(c)}</w:t></w:r></w:p></w:tc>" for c in row) + "</w:tr>" for row in table)
        body += f"<w:tbl>{rows}</w:tbl>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>{body}</w:body></w:document>')
        if comment:
            archive.writestr("word/comments.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:comments {_W}><w:comment w:id="0"><w:p><w:r><w:t>{escape(comment)}</w:t></w:r></w:p></w:comment></w:comments>')
    return out.getvalue()


def xlsx(sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> bytes:
    """An Excel workbook; sheets named in ``hidden`` are hidden."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text (Chinese included) any PDF reader extracts: STSong-Light, UCS-2."""

    def hex_text(text: str) -> str:
        return "<" + text.encode("utf-16-be").hex().upper() + ">"

    content = "BT /F1 12 Tf 50 780 Td 16 TL " + " ".join(f"{hex_text(line)} Tj T*" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R >>",
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    data = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(data)
    data += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    data += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    data += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return data


def docx_tables(tables: list[list[list[tuple[str, int, int]]]], paragraphs: tuple[str, ...] = ()) -> bytes:
    """A Word document (written by python-docx) holding tables with merged cells: each table is
    rows of (text, rowspan, colspan), as ``tests.national`` writes the report's tables."""
    import docx as python_docx

    document = python_docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    for shape in tables:
        taken: set[tuple[int, int]] = set()
        placed: list[tuple[int, int, str, int, int]] = []
        for r, cells in enumerate(shape):
            c = 0
            for text, rowspan, colspan in cells:
                while (r, c) in taken:
                    c += 1
                placed.append((r, c, text, rowspan, colspan))
                taken |= {(r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan)}
                c += colspan
        width = max(c for _, c in taken) + 1
        table = document.add_table(rows=len(shape), cols=width)
        for r, c, text, rowspan, colspan in placed:
            cell = table.cell(r, c)
            if rowspan > 1 or colspan > 1:
                cell = cell.merge(table.cell(r + rowspan - 1, c + colspan - 1))
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
