"""A Document's tables as CSV: each table as a title row, a header row and its rows, with a
blank row between tables (a document with no table: its paragraphs, one per row).  UTF-8
with a byte-order mark, so Excel shows Vietnamese."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from documents.reporting import Document, Para, Table


def table_rows(table: Table) -> list[list[str]]:
    return [[table.title], table.headers, *table.rows]


def text_rows(document: Document) -> list[list[str]]:
    """A document without a table (a notice): its title and each paragraph, one per row."""
    rows = [[document.title], [document.subtitle]] if document.subtitle else [[document.title]]
    for section in document.sections:
        rows += [[section.title]] if section.title else []
        rows += [[b.text] for b in section.blocks if isinstance(b, Para)]
    return rows


def to_csv(document: Document) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if not document.tables():
        writer.writerows(text_rows(document))
    for i, table in enumerate(document.tables()):
        if i:
            writer.writerow([])
        writer.writerows(table_rows(table))
    return out.getvalue()


def write_csv(document: Document, path: Path) -> Path:
    path = Path(path)
    path.write_text(to_csv(document), encoding="utf-8-sig")
    return path
