"""A Document as a Word file in the administrative style of NĐ 30/2020/NĐ-CP.

A4, margins 2 / 2 / 3 / 2 cm, Times New Roman 13 pt (tables 12 pt); the national header
beside the issuing unit; number / symbol and the place-and-date line; the title; sections;
the signature block beside "Nơi nhận".  Large tables are written as XML in one parse (a
10k-row table through python-docx's cell API takes tens of seconds).
"""

from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from documents.reporting import Document, Para, Table
from domain.i18n import t

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 12
TEXT_WIDTH_DXA = 9072  # 16 cm between the margins of an A4 page


def _style_defaults(doc: Any) -> None:
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    fmt = style.paragraph_format
    fmt.space_after = Pt(3)
    fmt.space_before = Pt(0)


def _page(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)


def _line(
    cell_or_doc: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: int | None = None,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    underline: bool = False,
    first: bool = False,
) -> Any:
    para = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    para.alignment = align
    para.paragraph_format.space_after = Pt(0)
    run = para.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    return para


def _no_borders(table: Any) -> None:
    borders = parse_xml(
        f"<w:tblBorders {nsdecls('w')}>"
        + "".join(
            f'<w:{side} w:val="nil"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + "</w:tblBorders>"
    )
    table._tbl.tblPr.append(borders)


def national_header(doc: Any, document: Document) -> None:
    """Issuing unit and number on the left; the nation, motto and date line on the right."""
    lang, header = document.lang, document.header
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    lines = header.org_lines or [""]
    for i, text in enumerate(lines):
        _line(
            left,
            text,
            bold=i == len(lines) - 1,
            size=12 if i < len(lines) - 1 else 13,
            first=i == 0,
        )
    if header.number:
        _line(left, header.number, size=13)
    _line(right, t("doc.nation", lang), bold=True, size=12, first=True)
    _line(right, t("doc.motto", lang), bold=True, size=13, underline=True)
    if document.place_date():
        _line(right, document.place_date(), italic=True, size=13)


def title_block(doc: Any, document: Document) -> None:
    doc.add_paragraph()
    _line(doc, document.title, bold=True, size=14)
    if document.subtitle:
        _line(doc, document.subtitle, bold=True, size=14)
    for line in document.intro:
        _line(doc, line, italic=True)
    if document.addressee:
        _line(doc, document.addressee)
    doc.add_paragraph()


def body_paragraph(doc: Any, block: Para) -> None:
    if block.style == "heading":
        para = doc.add_paragraph()
        para.add_run(block.text).bold = True
        para.paragraph_format.first_line_indent = Cm(1)
        return
    text = f"- {block.text}" if block.style == "item" else block.text
    para = doc.add_paragraph(text)
    para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    para.paragraph_format.first_line_indent = Cm(1)
    if block.style == "note":
        para.runs[0].italic = True


# ---------------------------------------------------------------------------
# Tables as XML
# ---------------------------------------------------------------------------


def _widths(table: Table) -> list[int]:
    weights = table.widths or [1.0] * len(table.headers)
    total = sum(weights) or 1.0
    return [int(TEXT_WIDTH_DXA * w / total) for w in weights]


_PPR = (
    '<w:pPr><w:spacing w:after="0"/></w:pPr>',
    '<w:pPr><w:spacing w:after="0"/><w:jc w:val="center"/></w:pPr>',
)
_RPR = (
    f'<w:rPr><w:sz w:val="{TABLE_PT * 2}"/></w:rPr>',
    f'<w:rPr><w:b/><w:sz w:val="{TABLE_PT * 2}"/></w:rPr>',
)


@functools.lru_cache(maxsize=256)
def _cell_parts(width: int, bold: bool, span: int, center: bool) -> tuple[str, str]:
    """The fixed XML around a cell's text, built once per column style."""
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    head = f'<w:p>{_PPR[center]}<w:r>{_RPR[bold]}<w:t xml:space="preserve">'
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{head}", head


def _cell_xml(
    text: str, width: int, *, bold: bool = False, span: int = 1, center: bool = False
) -> str:
    opening, head = _cell_parts(width, bold, span, center)
    if "\n" in text:
        body = f"</w:t></w:r></w:p>{head}".join(escape(line) for line in text.split("\n"))
    else:
        body = escape(text)
    return f"{opening}{body}</w:t></w:r></w:p></w:tc>"


def _row_xml(cells: list[str], widths: list[int], *, header: bool = False) -> str:
    trpr = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    body = "".join(
        [_cell_xml(c, w, bold=header, center=header) for c, w in zip(cells, widths, strict=False)]
    )
    return f"<w:tr>{trpr}{body}</w:tr>"


def _group_xml(text: str, widths: list[int]) -> str:
    return f"<w:tr>{_cell_xml(text, sum(widths), bold=True, span=len(widths))}</w:tr>"


def table_xml(table: Table, namespaces: bool = True) -> str:
    widths = _widths(table)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    rows = [_row_xml(table.headers, widths, header=True)]
    for i, row in enumerate(table.rows):
        if i in table.group_rows:
            rows.append(_group_xml(next((c for c in row if c), ""), widths))
        else:
            rows.append(_row_xml(row, widths))
    borders = "".join(
        f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for s in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    decl = f" {nsdecls('w')}" if namespaces else ""
    return (
        f'<w:tbl{decl}><w:tblPr><w:tblW w:w="{TEXT_WIDTH_DXA}" w:type="dxa"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


MARK = "\u00a7\u00a7TABLE{}\u00a7\u00a7"


def add_table(doc: Any, table: Table, tables: list[Table]) -> None:
    """Leave a marked paragraph where the table goes; :func:`_splice` puts the table's XML
    there after saving (building a 10k-row table as lxml nodes costs seconds)."""
    doc.add_paragraph(MARK.format(len(tables)))
    tables.append(table)
    doc.add_paragraph()


def _splice(data: bytes, tables: list[Table]) -> bytes:
    """Replace each marked paragraph in word/document.xml by its table."""
    source = zipfile.ZipFile(io.BytesIO(data))
    xml = source.read("word/document.xml").decode("utf-8")
    parts, pos = [], 0
    for n, table in enumerate(tables):
        at = xml.index(MARK.format(n), pos)
        start = max(xml.rfind("<w:p>", pos, at), xml.rfind("<w:p ", pos, at))
        end = xml.index("</w:p>", at) + len("</w:p>")
        parts += [xml[pos:start], table_xml(table, namespaces=False)]
        pos = end
    parts.append(xml[pos:])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for item in source.infolist():
            body = (
                "".join(parts).encode("utf-8")
                if item.filename == "word/document.xml"
                else source.read(item.filename)
            )
            target.writestr(item, body)
    return out.getvalue()


# ---------------------------------------------------------------------------
# Signature
# ---------------------------------------------------------------------------


def signature(doc: Any, document: Document) -> None:
    header, lang = document.header, document.lang
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(8), Cm(8)
    _line(
        left,
        f"{t('doc.recipients', lang)}:",
        bold=True,
        italic=True,
        size=12,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        first=True,
    )
    for line in header.recipients:
        _line(left, f"- {line}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    first = True
    for line in header.signer_title:
        _line(right, line, bold=True, first=first)
        first = False
    for _ in range(4):
        _line(right, "", first=first)
        first = False
    if header.signer_name:
        _line(right, header.signer_name, bold=True)


def write_docx(document: Document, path: Path) -> Path:
    """Write ``document`` to ``path`` (.docx) and return the path."""
    doc = new_document()
    _style_defaults(doc)
    _page(doc)
    national_header(doc, document)
    title_block(doc, document)
    tables: list[Table] = []
    for section in document.sections:
        if section.title:
            para = doc.add_paragraph()
            para.add_run(section.title).bold = True
        for block in section.blocks:
            if isinstance(block, Table):
                add_table(doc, block, tables)
            else:
                body_paragraph(doc, block)
    signature(doc, document)
    buffer = io.BytesIO()
    doc.save(buffer)
    path = Path(path)
    path.write_bytes(_splice(buffer.getvalue(), tables))
    return path
