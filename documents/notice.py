"""Conclusion notices from the store: the document, and whether it came in time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from documents.assemble import unit_names
from documents.drafting import archive_for
from documents.issuer import Body, body_of, signature
from documents.reporting import (
    Document,
    Header,
    NoticeInput,
    Section,
    Table,
    build_notice,
    day,
    has_conclusions,
    members_line,
)
from domain.dates import format_date
from domain.errors import Conflict, ValidationError
from domain.holidays import NoticeTiming, WorkCalendar, load_calendar, notice_timing
from domain.i18n import Lang, t
from domain.money import group_thousands
from domain.text import collation_key
from sync.record import Record
from sync.store import Store


@dataclass
class MeetingNotice:
    meeting: Record
    conclusion: Record | None
    timing: NoticeTiming


def meeting_and_notice(store: Store, record_id: str) -> tuple[Record, Record | None]:
    """Accept a meeting's ID or its notice's ID; return (meeting, notice or None)."""
    record = store.require(record_id)
    if record.kind == "conclusion":
        meeting_id = record.flat.get("meeting_id")
        if not meeting_id:
            raise ValidationError.single("meeting_id", "validation.required")
        return store.require(str(meeting_id)), record
    if record.kind != "meeting":
        raise ValidationError.single(
            "id", "validation.reference", kind="§kind.meeting", value=record_id
        )
    return record, notice_of(store, record.id)


def notice_of(store: Store, meeting_id: str) -> Record | None:
    """The meeting's conclusion notice (the earliest dated one, if several)."""
    found = store.children(meeting_id, "conclusion")
    notices = [c for c in found if (c.flat.get("doc_type") or "notice") == "notice"] or found
    notices.sort(key=lambda c: (c.flat.get("date") is None, str(c.flat.get("date") or "")))
    return notices[0] if notices else None


def assigned_tasks(store: Store, meeting: Record, notice: Record | None) -> list[dict[str, Any]]:
    ids: dict[str, Record] = {r.id: r for r in store.children(meeting.id, "task")}
    if notice is not None:
        ids.update({r.id: r for r in store.children(notice.id, "task")})
    return [{**r.data, "id": r.id} for r in ids.values()]


def timing_for(
    store: Store,
    meeting: Record,
    notice: Record | None,
    calendar: WorkCalendar | None = None,
    as_of: date | None = None,
) -> NoticeTiming:
    held = day(meeting.flat.get("date")) or store.today()
    issued = day(notice.flat.get("date")) if notice is not None else None
    return notice_timing(held, issued, as_of or store.today(), calendar or load_calendar())


def issuing_body(store: Store, meeting: Record, notice: Record | None) -> Body:
    """The body of the meeting's scope issuing its notice: the notice's own issuer, else the
    meeting's organiser, when that is one of the scope's bodies; else the scope's body in
    office on the meeting's day."""
    data = notice.data if notice is not None else {}
    held = day(meeting.flat.get("date")) or store.today()
    for prefer in (data.get("issuer_id"), meeting.flat.get("unit_id")):
        body = body_of(store, meeting.scope, held, str(prefer) if prefer else None)
        if prefer and body.id == prefer:
            return body
    return body_of(store, meeting.scope, held)


def default_signer(body: Body, meeting: Record, notice: Record | None) -> str | None:
    """The notice's signer, else the meeting's chair, when either signs for the body (else
    the body's first signer)."""
    data = notice.data if notice is not None else {}
    ids = {s.person_id for s in body.signers}
    for pid in (data.get("signer_id"), meeting.flat.get("chair_id")):
        if pid and pid in ids:
            return str(pid)
    return None


def notice_header(
    store: Store,
    meeting: Record,
    notice: Record | None,
    lang: Lang,
    signer_choice: str | None = None,
) -> tuple[Header, Body]:
    data = notice.data if notice is not None else {}
    body = issuing_body(store, meeting, notice)
    number = data.get("number") or body.number("TB")
    chosen = signer_choice or default_signer(body, meeting, notice)
    title, name = signature(body, chosen, lang)
    recipients = [members_line(lang, body.name)]
    header = Header(
        body.org_lines,
        f"{t('doc.number', lang)}: {number}",
        body.place,
        day(data.get("date")) or store.today(),
        title,
        name,
        recipients,
    )
    return header, body


def notice_document(
    store: Store,
    record_id: str,
    lang: Lang = "vi",
    place: str | None = None,
    signer: str | None = None,
) -> tuple[Document, NoticeTiming]:
    """The meeting's conclusion notice; refused (with the reason) when the meeting has no
    conclusion yet — a notice saying "kết luận như sau:" and then nothing is never produced."""
    meeting, notice = meeting_and_notice(store, record_id)
    names = unit_names(store)
    tasks = assigned_tasks(store, meeting, notice)
    if not has_conclusions(notice.data if notice is not None else None, tasks):
        raise Conflict(
            "notice.no_conclusions",
            date=format_date(meeting.flat.get("date")),
            title=meeting.title,
        )
    refuse_work_before_the_notice(notice, tasks)
    header, body = notice_header(store, meeting, notice, lang, signer)
    header.place = place or header.place
    concerned = concerned_units(tasks, names, body.id)
    header.recipients += [f"{name};" for name in concerned]
    header.recipients.append(archive_for(store, body, header.date or store.today(), lang))
    positions = {
        p.id: str(p.flat.get("position")) for p in store.list("person") if p.flat.get("position")
    }
    inp = NoticeInput(
        meeting.data,
        notice.data if notice is not None else None,
        tasks,
        names,
        positions,
        body.name,
        header,
        lang,
    )
    return build_notice(inp), timing_for(store, meeting, notice)


def refuse_work_before_the_notice(notice: Record | None, tasks: list[dict[str, Any]]) -> None:
    """A notice cannot order work done before its own date (a 02/04/2010 notice giving
    "trước 31/03/2010"): refused, naming the first such assignment."""
    issued = day(notice.flat.get("date")) if notice is not None else None
    early = [x for x in tasks if issued and (due := day(x.get("due"))) and due < issued]
    if early:
        first = min(early, key=lambda x: str(x.get("due")))
        raise Conflict(
            "notice.due_before_date",
            date=format_date(issued),
            title=str(first.get("title", "")),
            due=format_date(day(first.get("due"))),
        )


def concerned_units(tasks: list[dict[str, Any]], names: dict[str, str], issuer: str) -> list[str]:
    """The leading and coordinating units of the assignments, once each, by name (not the
    issuing unit: a body does not send its notice to itself)."""
    ids = [x.get("lead_unit_id") for x in tasks]
    ids += [c for x in tasks for c in x.get("coordinators") or []]
    found = {names.get(str(i), "") for i in ids if i and i != issuer}
    return sorted(found - {""}, key=collation_key)


def late_meetings(
    store: Store, as_of: date | None = None, calendar: WorkCalendar | None = None
) -> list[MeetingNotice]:
    """Every meeting whose notice is late (issued late, or missing past its deadline)."""
    out = []
    for meeting in store.list("meeting"):
        notice = notice_of(store, meeting.id)
        timing = timing_for(store, meeting, notice, calendar, as_of)
        if timing.late:
            out.append(MeetingNotice(meeting, notice, timing))
    out.sort(key=lambda m: m.timing.meeting_date)
    return out


def timing_note(timing: NoticeTiming, lang: Lang) -> str:
    """The warning when the holiday table does not cover the meeting's years ("" if it does)."""
    if not timing.uncovered:
        return ""
    return t("notice.uncovered", lang, years=", ".join(map(str, timing.uncovered)))


def late_document(late: list[MeetingNotice], as_of: date, lang: Lang) -> Document:
    """The late list as a document (.docx, .md, .csv): one row per late meeting."""
    cols = ("no", "meeting", "held", "deadline", "issued", "days", "note")
    rows = [
        [
            str(i),
            item.meeting.title,
            format_date(item.timing.meeting_date),
            format_date(item.timing.deadline),
            format_date(item.timing.issued_on) or t("notice.not_issued", lang),
            group_thousands(item.timing.working_days),
            timing_note(item.timing, lang),
        ]
        for i, item in enumerate(late, start=1)
    ]
    headers = [t(f"notice.col_{c}", lang) for c in cols]
    table = Table("late_notices", t("notice.late_title", lang), headers, rows)
    table.widths = [0.6, 5.0, 1.4, 1.4, 1.4, 1.2, 2.4]
    intro = [t("notice.late_as_of", lang, date=format_date(as_of))]
    if not rows:
        intro.append(t("notice.none_late", lang))
    return Document(
        "late_notices",
        lang,
        Header([], "", "", as_of),
        t("notice.late_title", lang).upper(),
        "",
        intro,
        [Section("", [table])],
    )
