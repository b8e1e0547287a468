"""A Document's tables as CSV: each table as a title row, a header row and its rows, with a
blank row between tables.  UTF-8 with a byte-order mark, so Excel shows Vietnamese."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from documents.reporting import Document, Table


def table_rows(table: Table) -> list[list[str]]:
    return [[table.title], table.headers, *table.rows]


def to_csv(document: Document) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for i, table in enumerate(document.tables()):
        if i:
            writer.writerow([])
        writer.writerows(table_rows(table))
    return out.getvalue()


def write_csv(document: Document, path: Path) -> Path:
    path = Path(path)
    path.write_text(to_csv(document), encoding="utf-8-sig")
    return path
