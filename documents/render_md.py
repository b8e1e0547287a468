"""A Document as Markdown: the same header, sections and tables, as pipe tables."""

from __future__ import annotations

from documents.layout import pad_dates
from documents.reporting import Document, Para, Table
from domain.i18n import t


def cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>").strip()


def table_lines(table: Table) -> list[str]:
    lines = [
        "| " + " | ".join(cell(h) for h in table.headers) + " |",
        "|" + "|".join("---" for _ in table.headers) + "|",
    ]
    for i, row in enumerate(table.rows):
        cells = [cell(c) for c in row]
        if i in table.group_rows:
            cells = [f"**{c}**" if c else "" for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def header_lines(document: Document) -> list[str]:
    header, lang = document.header, document.lang
    lines = [
        f"**{line}**" if i == len(header.org_lines) - 1 else line
        for i, line in enumerate(header.org_lines)
    ]
    if header.number:
        lines.append(header.number)
    lines += ["", f"**{t('doc.nation', lang)}**", f"**{t('doc.motto', lang)}**"]
    if document.place_date():
        lines.append(f"*{document.place_date()}*")
    lines = [line + "  " if line else line for line in lines]
    lines += ["", f"# {document.title}"]
    if document.subtitle:
        lines.append(f"## {document.subtitle}")
    lines += [f"*{line}*" for line in document.intro]
    if document.addressee:
        lines += ["", document.addressee]
    return lines


def block_lines(block: Para | Table) -> list[str]:
    if isinstance(block, Table):
        return ["", *table_lines(block), ""]
    if block.style == "heading":
        return ["", f"#### {block.text}", ""]
    if block.style == "item":
        return [f"- {block.text}"]
    if block.style == "note":
        return ["", f"*{block.text}*", ""]
    return ["", block.text, ""]


def signature_lines(document: Document) -> list[str]:
    header, lang = document.header, document.lang
    lines = ["", "---", ""]
    lines += [f"**{line}**  " for line in header.signer_title]
    if header.signer_name:
        lines += ["", f"**{header.signer_name}**"]
    lines += ["", f"***{t('doc.recipients', lang)}:***", ""]
    lines += [f"- {line}" for line in header.recipients]
    return lines


def to_markdown(document: Document) -> str:
    lines = header_lines(document)
    for section in document.sections:
        lines += ["", f"### {section.title}", ""] if section.title else []
        for block in section.blocks:
            lines += block_lines(block)
    lines += signature_lines(document)
    text = pad_dates("\n".join(lines))  # dd/mm/yyyy, free text typed "31/3/2010" too
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"
