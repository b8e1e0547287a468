"""Writing documents to files, and keeping a report as a ``report`` record (it syncs to HQ)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from documents.assemble import report_kind, report_record
from documents.render_csv import write_csv
from documents.render_md import to_markdown
from documents.reporting import Document
from domain.errors import SotayError, ValidationError
from domain.periods import Period
from domain.values import LONG_TEXT_LIMIT
from sync.record import Record
from sync.store import Store

FORMATS = ("docx", "md", "csv")


def formats_for(path: Path | None, wanted: str | None) -> list[str]:
    """ "docx,md" → both; none given → from the file's suffix, else Markdown."""
    if wanted:
        out = [f.strip().lower().lstrip(".") for f in wanted.split(",") if f.strip()]
    elif path is not None and path.suffix.lower().lstrip(".") in FORMATS:
        out = [path.suffix.lower().lstrip(".")]
    else:
        out = ["md"]
    bad = [f for f in out if f not in FORMATS]
    if bad:
        raise ValidationError.single(
            "format", "validation.bad_choice", value=bad[0], choices=", ".join(FORMATS)
        )
    return out


def write_document(document: Document, path: Path, fmt: str) -> Path:
    path = Path(path)
    if path.suffix.lower().lstrip(".") != fmt:
        path = (
            path.with_suffix(f".{fmt}")
            if path.suffix.lower().lstrip(".") in FORMATS
            else path.with_name(path.name + f".{fmt}")
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "docx":
            from documents.render_docx import write_docx  # python-docx: only when asked for

            return write_docx(document, path)
        if fmt == "csv":
            return write_csv(document, path)
        path.write_text(to_markdown(document), encoding="utf-8")
    except OSError as exc:
        raise SotayError(
            "out.write_failed", path=str(path), detail=exc.strerror or type(exc).__name__
        ) from None
    return path


def fit_content(text: str, limit: int = LONG_TEXT_LIMIT) -> str:
    """Markdown kept with the report record, cut at a line if it is longer than a long text
    may be (the exported files always hold everything)."""
    if len(text) <= limit:
        return text
    note = "\n\n*(…)*\n"
    cut = text.rfind("\n", 0, limit - len(note))
    return text[: max(cut, 0)] + note


def _number(text: str) -> str | None:
    """ "Số: 12/BC-BCĐ" → "12/BC-BCĐ"; a blank number ("Số:   /BC-BCĐ") → None."""
    value = text.split(":", 1)[-1].strip()
    return None if not value or value.startswith("/") else value


def save_report(
    store: Store,
    document: Document,
    period: Period,
    scope: str,
    unit_id: str | None,
    recommendations: str,
) -> Record:
    """Save (or update: same scope, kind and period) the report record, with the text of
    each section the person edited (a section not edited is saved blank: it is regenerated)."""
    header = document.header
    kind = report_kind(period)
    fields: dict[str, Any] = {
        "title": f"{document.title.capitalize()} {document.subtitle}".strip(),
        "report_kind": kind,
        "period": period.code,
        "cutoff_from": period.cutoff_from.isoformat(),
        "cutoff_to": period.cutoff_to.isoformat(),
        "report_scope": scope,
        "reporting_unit_id": unit_id,
        "number": _number(header.number),
        "place": header.place or None,
        "date": header.date.isoformat() if header.date else None,
        "signer": header.signer_name or None,
        "recipients": "\n".join(header.recipients) or None,
        "recommendations": recommendations or document.recommendations or None,
        "content": fit_content(to_markdown(document)),
    }
    fields.update({f"section_{n}": document.edited.get(n) for n in range(1, 6)})
    same = report_record(store, scope, period)
    if same is not None:
        return store.update(same.id, fields)
    record_scope = scope if store.role == "hq" else None
    return store.add(
        "report", {k: v for k, v in fields.items() if v is not None}, scope=record_scope
    )
