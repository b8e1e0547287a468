"""A Document as a Word file in the administrative style of NĐ 30/2020/NĐ-CP.

A4, margins 2 / 2 / 3 / 2 cm, Times New Roman 13 pt (tables 12 pt); the national header
beside the issuing unit; number / symbol and the place-and-date line; the title; sections;
the signature block beside "Nơi nhận".  Large tables are written as XML in one parse (a
10k-row table through python-docx's cell API takes tens of seconds).
"""

from __future__ import annotations

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

from domain.reporting import Document, Para, Table, t

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


def _line(cell_or_doc: Any, text: str, *, bold: bool = False, italic: bool = False,
          size: int | None = None, align: Any = WD_ALIGN_PARAGRAPH.CENTER,
          underline: bool = False, first: bool = False) -> Any:
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
        f'<w:tblBorders {nsdecls("w")}>'
        + "".join(f'<w:{side} w:val="nil"/>' for side in
                  ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>")
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
        _line(left, text, bold=i == len(lines) - 1, size=12 if i < len(lines) - 1 else 13,
              first=i == 0)
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


def _cell_xml(text: str, width: int, *, bold: bool = False, span: int = 1,
              center: bool = False) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    ppr = '<w:pPr><w:spacing w:after="0"/>' + ('<w:jc w:val="center"/>' if center else "") + "</w:pPr>"
    rpr = f'<w:rPr>{"<w:b/>" if bold else ""}<w:sz w:val="{TABLE_PT * 2}"/></w:rPr>'
    paras = "".join(
        f"<w:p>{ppr}<w:r>{rpr}<w:t xml:space=\"preserve\">{escape(line)}</w:t></w:r></w:p>"
        for line in (text.split("\n") if text else [""]))
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paras}</w:tc>"


def _row_xml(cells: list[str], widths: list[int], *, header: bool = False) -> str:
    trpr = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    body = "".join(_cell_xml(c, w, bold=header, center=header) for c, w in zip(cells, widths, strict=False))
    return f"<w:tr>{trpr}{body}</w:tr>"


def _group_xml(text: str, widths: list[int]) -> str:
    return f"<w:tr>{_cell_xml(text, sum(widths), bold=True, span=len(widths))}</w:tr>"


def table_xml(table: Table) -> str:
    widths = _widths(table)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    rows = [_row_xml(table.headers, widths, header=True)]
    for i, row in enumerate(table.rows):
        if i in table.group_rows:
            rows.append(_group_xml(next((c for c in row if c), ""), widths))
        else:
            rows.append(_row_xml(row, widths))
    borders = "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    return (f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{TEXT_WIDTH_DXA}" w:type="dxa"/>'
            f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>")


def add_table(doc: Any, table: Table) -> None:
    element = parse_xml(table_xml(table))
    body = doc.element.body
    body.insert(len(body) - 1, element)  # before the final sectPr
    doc.add_paragraph()


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
    _line(left, f"{t('doc.recipients', lang)}:", bold=True, italic=True, size=12,
          align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
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
    for section in document.sections:
        if section.title:
            para = doc.add_paragraph()
            para.add_run(section.title).bold = True
        for block in section.blocks:
            if isinstance(block, Table):
                add_table(doc, block)
            else:
                body_paragraph(doc, block)
    signature(doc, document)
    path = Path(path)
    doc.save(str(path))
    return path
