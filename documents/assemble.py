"""Gathering a report's data from the store, as of the period's cut-off.

Headless (no Textual): the CLI, the TUI screens and the benchmark call these.  The pure
rules and the document model live in :mod:`documents.reporting`; this module only reads
records (through the store's public API) and fills a :class:`~documents.reporting.ReportInput`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from documents.asof import Snapshot, day_before, snapshot_at_day_end
from documents.drafting import drafting_unit
from documents.issuer import Body, body_of, describe, signature
from documents.reporting import Header, ReportInput, day, default_recipients, task_at
from domain.dates import format_date
from domain.errors import ValidationError
from domain.holidays import WorkCalendar, load_calendar
from domain.i18n import Lang, t
from domain.periods import Period, next_period, report_due
from domain.scopes import within
from sync.record import Record
from sync.store import Store


@dataclass
class ReportOptions:
    """What a person chooses for a report; blanks are filled from the data."""

    scope: str
    period: Period
    lang: Lang = "vi"
    unit_id: str | None = None
    number: str | None = None
    place: str | None = None
    date: date | None = None
    signer: str | None = None
    recipients: list[str] = field(default_factory=list)
    recommendations: str | None = None
    #: Section n (1–5) → the person's text; blank = back to the generated draft (refresh).
    #: Sections not named keep the text saved with the report record.
    sections: dict[int, str | None] = field(default_factory=dict)


def in_scope(store: Store, kind: str, scope: str) -> list[Record]:
    """Records of ``kind`` in ``scope``'s subtree, deleted ones too (they may not have been
    deleted at the cut-off)."""
    return store.list(kind, include_deleted=True, where=lambda r: within(r.scope, scope))


def unit_names(store: Store) -> dict[str, str]:
    """Every unit's full name and every person's name by ID (references cross scopes)."""
    names = {r.id: r.title for r in store.list("unit", include_deleted=True)}
    names.update({r.id: r.title for r in store.list("person", include_deleted=True)})
    return names


def source_label(record: Record, lang: Lang) -> str:
    """ "Kế hoạch 1772/KH-BCĐ", "Thông báo kết luận …" — how a task's source is named."""
    data = record.data
    if record.kind == "plan":
        head = t("kind.plan", lang)
        return f"{head} {data['number']}" if data.get("number") else record.title
    if record.kind == "conclusion":
        kind = t(f"doc_type.{data.get('doc_type') or 'notice'}", lang)
        return f"{kind} {data['number']}" if data.get("number") else record.title
    when = format_date(data.get("date"))
    return f"{record.title} ({when})" if when else record.title


def _as_of(
    snap: Snapshot, records: Iterable[Record], *, backfill: bool = True
) -> list[dict[str, Any]]:
    out = []
    for record in records:
        fields = snap.logical(record, allow_backfill=backfill)
        if fields is not None:
            out.append(fields)
    return out


def task_origins(store: Store, tasks: Iterable[dict[str, Any]]) -> dict[str, date]:
    """When each task's source was issued: the earliest of its plan's issue date, its
    meeting's date and its notice's date."""
    dates: dict[str, date | None] = {}

    def issued(rid: str, name: str) -> date | None:
        if rid not in dates:
            record = store.get(rid)
            dates[rid] = day(record.flat.get(name)) if record is not None else None
        return dates[rid]

    out: dict[str, date] = {}
    for task in tasks:
        found = [
            d
            for d in (
                issued(task["plan_id"], "issued_on") if task.get("plan_id") else None,
                issued(task["meeting_id"], "date") if task.get("meeting_id") else None,
                issued(task["conclusion_id"], "date") if task.get("conclusion_id") else None,
            )
            if d
        ]
        if found:
            out[task["id"]] = min(found)
    return out


# ---------------------------------------------------------------------------
# Header defaults
# ---------------------------------------------------------------------------


def issuing_body(store: Store, opts: ReportOptions) -> Body:
    """The unit the person chose, else the body of the report's scope in office at the
    cut-off."""
    if opts.unit_id:
        return describe(store, store.require(opts.unit_id))
    return body_of(store, opts.scope, opts.period.cutoff_to)


def previous_report(store: Store, scope: str) -> Record | None:
    reports = [r for r in store.list("report") if r.flat.get("report_scope") == scope]
    reports.sort(key=lambda r: str(r.flat.get("date") or ""))
    return reports[-1] if reports else None


def report_kind(period: Period) -> str:
    return period.kind if period.kind != "custom" else "adhoc"


def report_record(store: Store, scope: str, period: Period) -> Record | None:
    """The saved report of this scope and period, if any (one a scope, kind and period)."""
    kind = report_kind(period)
    for record in store.list("report"):
        flat = record.flat
        if (flat.get("report_scope"), flat.get("period"), flat.get("report_kind")) == (
            scope,
            period.code,
            kind,
        ):
            return record
    return None


def _signature(body: Body, opts: ReportOptions, saved: Any) -> tuple[list[str], str]:
    """The chosen signer, else the one saved with the report (if still a signer of the body),
    else the body's default."""
    if opts.signer or not saved:
        return signature(body, opts.signer, opts.lang)
    try:
        return signature(body, str(saved), opts.lang)
    except ValidationError:
        return signature(body, None, opts.lang)


def header_for(
    store: Store, opts: ReportOptions, prefix: str = "BC", saved: Record | None = None
) -> Header:
    """The header: what the person chose, else what the saved report holds, else defaults
    (the body's number and place, the period's report due date)."""
    body = issuing_body(store, opts)
    kept = saved.flat if saved is not None else {}
    last = previous_report(store, opts.scope)
    place = opts.place or kept.get("place") or (last.flat.get("place") if last else None)
    title, name = _signature(body, opts, kept.get("signer"))
    number = opts.number or kept.get("number") or body.number(prefix)
    typed = [x.strip() for x in str(kept.get("recipients") or "").split("\n") if x.strip()]
    when = opts.date or day(kept.get("date")) or report_due(opts.period)
    recipients = (
        opts.recipients
        or typed
        or default_recipients(
            opts.lang, drafting_unit(store, body, opts.period.cutoff_to), body.name
        )
    )
    return Header(
        body.org_lines,
        f"{t('doc.number', opts.lang)}: {number}",
        str(place or body.place),
        when,
        title,
        name,
        recipients,
    )


def edited_sections(opts: ReportOptions, saved: Record | None) -> dict[int, str]:
    """Section texts the person wrote: those saved with the report, then those just typed."""
    kept = saved.flat if saved is not None else {}
    texts = {n: kept.get(f"section_{n}") for n in range(1, 6)}
    texts.update(opts.sections)
    return {n: str(text) for n, text in texts.items() if text and str(text).strip()}


def recommendations(opts: ReportOptions, saved: Record | None) -> str:
    """Section V's proposals: those just typed, else those saved with the report (a blank box
    in the app is not a wish to erase them: the section editor replaces them)."""
    if opts.recommendations and opts.recommendations.strip():
        return opts.recommendations
    return str(saved.flat.get("recommendations") or "") if saved is not None else ""


# ---------------------------------------------------------------------------
# The report's input
# ---------------------------------------------------------------------------


def collect_report(
    store: Store, opts: ReportOptions, calendar: WorkCalendar | None = None
) -> ReportInput:
    """Every record the report needs, as of the period's cut-off (tasks also as of the day
    before the period, for the "stalled" rule)."""
    period = opts.period
    saved = report_record(store, opts.scope, period)
    kinds = ("task", "plan", "indicator", "meeting", "conclusion", "project")
    records = {kind: in_scope(store, kind, opts.scope) for kind in kinds}
    at_cutoff = snapshot_at_day_end(
        store, period.cutoff_to, [r for kind in kinds for r in records[kind]]
    )
    tasks = [task_at(x, period.cutoff_to) for x in _as_of(at_cutoff, records["task"])]
    open_ids = {
        x["id"] for x in tasks if x.get("due") and x.get("status") not in ("done", "cancelled")
    }
    before = snapshot_at_day_end(
        store, day_before(period.cutoff_from), [r for r in records["task"] if r.id in open_ids]
    )
    sources = {
        r.id: source_label(r, opts.lang)
        for r in [*records["plan"], *records["conclusion"], *records["meeting"]]
    }
    return ReportInput(
        period=period,
        next_period=next_period(period),
        lang=opts.lang,
        header=header_for(store, opts, saved=saved),
        tasks=tasks,
        tasks_before={x["id"]: x for x in _as_of(before, records["task"], backfill=False)},
        origins=task_origins(store, tasks),
        plans={p["id"]: p for p in _as_of(at_cutoff, records["plan"])},
        indicators=_as_of(at_cutoff, records["indicator"]),
        meetings=_as_of(at_cutoff, records["meeting"]),
        conclusions=_as_of(at_cutoff, records["conclusion"]),
        names=unit_names(store),
        calendar=calendar or load_calendar(),
        recommendations=recommendations(opts, saved),
        sources=sources,
        projects=_as_of(at_cutoff, records["project"]),
        edited=edited_sections(opts, saved),
    )
