"""A Document as a Word file in the administrative style of NĐ 30/2020/NĐ-CP (Phụ lục I).

A4, margins 2 / 2 / 3 / 2 cm (top, bottom, left, right: the decree's 20–25, 20–25, 30–35 and
15–20 mm), Times New Roman 13 pt (tables 12 pt), 6 pt between paragraphs; the page number
centred at the top from page 2.  The header is a two-column table whose grid agrees with its
cells: the issuing body (a short rule under its name) and the number on the left, the Quốc
hiệu on one line, the tiêu ngữ underlined, and the place-and-date line on the right; then
the title and the trích yếu with a short rule under it; sections; the signature block beside
"Nơi nhận".  Table columns are sized from their contents (:mod:`documents.layout`), header
rows repeat on each page and rows are never split.  Large tables are written as XML in one
parse (a 10k-row table through python-docx's cell API takes tens of seconds).
"""

from __future__ import annotations

import functools
import io
import zipfile
from datetime import datetime, time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, Twips

from documents.layout import (
    A4_DXA,
    CELL_PADDING_DXA,
    DXA_PER_CM,
    MARGINS_DXA,
    TEXT_WIDTH_DXA,
    column_widths,
    pad_dates,
    text_width,
)
from documents.reporting import Document, Para, Table
from domain.i18n import t

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 12
NATION_PT = 12  # the Quốc hiệu: 12 pt bold fits one line of the right column
TITLE_PT = 14
HEADER_DXA = (6 * DXA_PER_CM, TEXT_WIDTH_DXA - 6 * DXA_PER_CM)  # issuing body | Quốc hiệu


def _style_defaults(doc: Any) -> None:
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    fmt = style.paragraph_format
    fmt.space_after = Pt(6)
    fmt.space_before = Pt(0)


def _page(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Twips(A4_DXA[0]), Twips(A4_DXA[1])
    top, bottom, left, right = MARGINS_DXA
    section.top_margin, section.bottom_margin = Twips(top), Twips(bottom)
    section.left_margin, section.right_margin = Twips(left), Twips(right)


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
    # in the schema's order (Word rejects a tblPr whose children are out of order)
    table._tbl.tblPr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"
    )


def _rule(cell_or_doc: Any, length: int, width: int) -> None:
    """A short horizontal rule, ``length`` dxa long, centred in a space ``width`` dxa wide:
    the bottom border of an empty paragraph indented from both sides."""
    indent = max((width - length) // 2, 0)
    para = cell_or_doc.add_paragraph()
    para._p.insert(
        0,
        parse_xml(
            f"<w:pPr {nsdecls('w')}><w:pBdr>"
            '<w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>'
            '<w:spacing w:before="0" w:after="0" w:line="120" w:lineRule="exact"/>'
            f'<w:ind w:left="{indent}" w:right="{indent}"/>'
            '<w:rPr><w:sz w:val="4"/></w:rPr></w:pPr>'
        ),
    )


def _short_rule(cell_or_doc: Any, text: str, pt: int, width: int) -> None:
    """The rule NĐ 30 puts under the issuing body's name and under the trích yếu: 1/3 to
    1/2 as long as the line above it (here 2/5), centred on it."""
    line = min(text_width(text, pt), width)
    _rule(cell_or_doc, line * 2 // 5, width)


def _fixed_grid(table: Any, widths: tuple[int, ...]) -> None:
    """Grid columns, cells and the table's own width all the same: Word and LibreOffice lay
    a fixed table out by its grid, so a grid that disagrees with the cells wraps lines."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Twips(width)
        for cell in column.cells:
            cell.width = Twips(width)
    table.autofit = False  # w:tblLayout fixed
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    tbl_w.set(qn("w:w"), str(sum(widths)))
    tbl_w.set(qn("w:type"), "dxa")


def national_header(doc: Any, document: Document) -> None:
    """Issuing body over its number on the left; the nation and motto over the date line on
    the right, so that "Số:" and the date share a line as the decree shows them."""
    lang, header = document.lang, document.header
    table = doc.add_table(rows=2, cols=2)
    _no_borders(table)
    _fixed_grid(table, HEADER_DXA)
    (left, right), (number, when) = (row.cells for row in table.rows)
    lines = header.org_lines or [""]
    for i, text in enumerate(lines):
        last = i == len(lines) - 1
        _line(left, text, bold=last, size=12 if not last else 13, first=i == 0)
    if lines[-1]:
        _short_rule(left, lines[-1], 13, HEADER_DXA[0] - CELL_PADDING_DXA)
    _line(number, header.number, size=13, first=True)
    _line(right, t("doc.nation", lang), bold=True, size=NATION_PT, first=True)
    _line(right, t("doc.motto", lang), bold=True, size=13, underline=True)
    _line(when, document.place_date(), italic=True, size=13, first=True)


def title_block(doc: Any, document: Document) -> None:
    """The kind of document, the trích yếu under it and the short rule under that."""
    doc.add_paragraph()
    _line(doc, document.title, bold=True, size=TITLE_PT)
    if document.subtitle:
        _line(doc, document.subtitle, bold=True, size=TITLE_PT)
    last = document.subtitle or document.title
    _short_rule(doc, last, TITLE_PT, TEXT_WIDTH_DXA)
    for line in document.intro:
        _line(doc, line, italic=True)
    if document.addressee:
        _line(doc, document.addressee)
    doc.add_paragraph()


def page_numbers(doc: Any) -> None:
    """A PAGE field centred at the top of every page but the first (NĐ 30: số trang, giữa,
    trên lề trên, từ trang 2)."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    para = section.header.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    size = f'<w:rPr><w:sz w:val="{BODY_PT * 2}"/></w:rPr>'
    for part in (
        '<w:fldChar w:fldCharType="begin"/>',
        '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
        '<w:fldChar w:fldCharType="separate"/>',
        "<w:t>2</w:t>",
        '<w:fldChar w:fldCharType="end"/>',
    ):
        para._p.append(parse_xml(f"<w:r {nsdecls('w')}>{size}{part}</w:r>"))


def properties(doc: Any, document: Document) -> None:
    """Author: the issuing body; created: the document's date (else now), not python-docx's
    template of 2013."""
    header = document.header
    issued = datetime.combine(header.date, time(8)) if header.date else datetime.now()
    props = doc.core_properties
    props.author = props.last_modified_by = header.org_lines[-1] if header.org_lines else ""
    props.title = " ".join(p for p in (document.title, document.subtitle) if p)
    props.comments = ""
    props.created = props.modified = issued
    props.revision = 1


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
    body = [row for i, row in enumerate(table.rows) if i not in table.group_rows]
    return column_widths(table.headers, body, TABLE_PT, weights=table.widths)


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
    if "/" in text:
        text = pad_dates(text)
    if "\n" in text:
        body = f"</w:t></w:r></w:p>{head}".join(escape(line) for line in text.split("\n"))
    else:
        body = escape(text)
    return f"{opening}{body}</w:t></w:r></w:p></w:tc>"


_TRPR = ("<w:trPr><w:cantSplit/></w:trPr>", "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>")


def _row_xml(cells: list[str], widths: list[int], *, header: bool = False) -> str:
    """A row kept whole on one page; the header row repeated at the top of each page."""
    trpr = _TRPR[header]
    body = "".join(
        [_cell_xml(c, w, bold=header, center=header) for c, w in zip(cells, widths, strict=False)]
    )
    return f"<w:tr>{trpr}{body}</w:tr>"


def _group_xml(text: str, widths: list[int]) -> str:
    cell = _cell_xml(text, sum(widths), bold=True, span=len(widths))
    return f"<w:tr>{_TRPR[False]}{cell}</w:tr>"


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
    """Replace each marked paragraph in word/document.xml by its table, and write every
    date dd/mm/yyyy (free text typed as "31/3/2010" too: here outside the tables, by
    :func:`_cell_xml` in them)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    xml = pad_dates(source.read("word/document.xml").decode("utf-8"))
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
    _fixed_grid(table, (TEXT_WIDTH_DXA // 2, TEXT_WIDTH_DXA - TEXT_WIDTH_DXA // 2))
    left, right = table.rows[0].cells
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
    page_numbers(doc)
    properties(doc, document)
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
