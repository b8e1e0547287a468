"""The committee's documents as a pure model: a periodic report, built from plain data.

A :class:`Document` is what every renderer (Word, Markdown, CSV) draws: the national
header, the issuing unit, number and date line, a title, sections of paragraphs and
tables, the signature block and "Nơi nhận".  The builders here take plain dicts (the
logical fields of records *as of the cut-off*, assembled elsewhere from the store) and
return a Document; nothing here reads the store or the disk.

Rules the report applies (see also DOMAIN.md):

* a task belongs to the period when it exists by the cut-off (from its own start date, or
  the date its plan / meeting / notice was issued), is not cancelled, its plan is not a
  mere draft, and it was not already finished before the period began;
* its status is judged at the cut-off: a completion dated after the cut-off does not count;
* *stalled* (chậm tiến độ): an open task with a deadline, started before the period, whose
  status and progress did not change during the period (or that is paused);
* a conclusion notice is late when issued more than 5 working days after its meeting, or
  still missing at the cut-off after that deadline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.dates import format_date, format_long_date
from domain.holidays import WorkCalendar, notice_timing
from domain.i18n import Lang, t
from domain.money import format_percent, group_thousands
from domain.periods import Period
from domain.rules import attainment, stt_key, task_status
from domain.text import collation_key

Fields = Mapping[str, Any]

# ---------------------------------------------------------------------------
# Document model
# ---------------------------------------------------------------------------


@dataclass
class Para:
    text: str
    style: str = "body"  # body | item | heading | note


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[str]]
    group_rows: set[int] = field(default_factory=set)  # rows that title a group
    widths: list[float] | None = None  # relative column widths


Block = Para | Table


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Header:
    """Who issues the document, its number, place, date and signature."""

    org_lines: list[str] = field(default_factory=list)  # parent org, then the unit (bold)
    number: str = ""
    place: str = ""
    date: date | None = None
    signer_title: list[str] = field(default_factory=list)
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)


@dataclass
class Document:
    kind: str
    lang: Lang
    header: Header
    title: str
    subtitle: str = ""
    intro: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    addressee: str = ""
    drafts: dict[int, str] = field(default_factory=dict)  # report section n → generated prose
    edited: dict[int, str] = field(default_factory=dict)  # report section n → the person's text

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def place_date(self) -> str:
        if self.header.date is None:
            return ""
        if self.lang == "en":
            where = f"{self.header.place}, " if self.header.place else ""
            return f"{where}{self.header.date.strftime('%d/%m/%Y')}"
        return format_long_date(self.header.date, self.header.place or "……")


# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------


@dataclass
class ReportInput:
    """Everything a periodic report is built from, as of the period's cut-off."""

    period: Period
    next_period: Period
    lang: Lang
    header: Header
    tasks: list[dict[str, Any]]  # logical fields + "id", as of cut-off
    tasks_before: dict[str, dict[str, Any]]  # as of the start of the period
    origins: dict[str, date]  # when a task's source was issued
    plans: dict[str, dict[str, Any]]
    indicators: list[dict[str, Any]]
    meetings: list[dict[str, Any]]
    conclusions: list[dict[str, Any]]
    names: dict[str, str]  # unit / person id → name
    calendar: WorkCalendar
    recommendations: str = ""
    sources: dict[str, str] = field(default_factory=dict)  # plan / conclusion id → label
    edited: dict[int, str] = field(default_factory=dict)  # section n (1–5) → edited text


def day(value: Any) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def task_at(task: Fields, cutoff: date) -> dict[str, Any]:
    """A task's fields as they stood at ``cutoff``: a completion dated later is undone."""
    out = dict(task)
    finished = day(out.get("completed_on"))
    if out.get("status") == "done" and finished and finished > cutoff:
        out["status"] = "in_progress"
        out.pop("completed_on", None)
        if out.get("progress") == 100:
            out.pop("progress")
    return out


def _plan_of(task: Fields, inp: ReportInput) -> Fields | None:
    pid = task.get("plan_id")
    return inp.plans.get(pid) if pid else None


def effective_start(task: Fields, inp: ReportInput) -> date | None:
    starts = [d for d in (day(task.get("start")), inp.origins.get(task["id"])) if d]
    return max(starts) if starts else None


def in_period(task: Fields, inp: ReportInput) -> bool:
    """Is the task part of the period's report (see the module's rules)?"""
    period = inp.period
    if task.get("status") == "cancelled":
        return False
    plan = _plan_of(task, inp)
    if plan is not None and plan.get("status") == "draft":
        return False
    start = effective_start(task, inp)
    if start and start > period.cutoff_to:
        return False
    finished = day(task.get("completed_on"))
    return not (task.get("status") == "done" and finished and finished < period.cutoff_from)


def is_stalled(task: Fields, inp: ReportInput) -> bool:
    if task.get("status") == "paused":
        return True
    if task.get("status") in ("done", "cancelled") or not task.get("due"):
        return False
    if task_status(task, inp.period.cutoff_to) == "overdue":
        return False
    before = inp.tasks_before.get(task["id"])
    start = effective_start(task, inp)
    if before is None or (start and start > inp.period.cutoff_from):
        return False
    same = (before.get("progress") or 0, before.get("status")) == (
        task.get("progress") or 0,
        task.get("status"),
    )
    return same and (task.get("progress") or 0) < 100


# ---------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------


def _names(ids: Iterable[str] | None, names: Mapping[str, str]) -> str:
    return ", ".join(names.get(i, i) for i in ids or [])


def _time_text(task: Fields) -> str:
    if task.get("timeframe"):
        return str(task["timeframe"])
    return format_date(day(task.get("due")))


def _progress(task: Fields) -> str:
    value = task.get("progress")
    return format_percent(float(value)) if value is not None else ""


#: After the title of a row whose figures are illustrative (see :func:`illustrative_note`).
ILLUSTRATIVE_ROW = " (*)"


def marked(record: Fields, text: str) -> str:
    """A row's title, marked when the record's figures are not the source's own."""
    return text + ILLUSTRATIVE_ROW if record.get("illustrative") else text


def illustrative_note(records: Iterable[Fields], lang: Lang) -> list[str]:
    """The line under a document's title when a record it shows is illustrative."""
    return [t("doc.illustrative", lang)] if any(r.get("illustrative") for r in records) else []


def _source_key(task: Fields) -> str:
    return str(task.get("plan_id") or task.get("conclusion_id") or task.get("meeting_id") or "")


def order_tasks(tasks: Iterable[dict[str, Any]], inp: ReportInput) -> list[dict[str, Any]]:
    """By source (plans and notices in Vietnamese order), then STT as the plan writes it."""
    source_keys: dict[str, Any] = {}

    def key(task: Fields) -> Any:
        src = _source_key(task)
        if src not in source_keys:
            source_keys[src] = (
                inp.sources.get(src) is None,
                collation_key(inp.sources.get(src, "")),
                src,
            )
        return (source_keys[src], stt_key(task.get("stt")), str(task.get("title", "")))

    return sorted(tasks, key=key)


def task_table(key: str, title: str, tasks: list[dict[str, Any]], inp: ReportInput) -> Table:
    """STT | Nội dung | Chủ trì | Phối hợp | Thời gian | Tiến độ | Trạng thái, grouped by source."""
    lang, cutoff = inp.lang, inp.period.cutoff_to
    cols = ["col_no", "col_task", "col_lead", "col_coord", "col_time", "col_progress", "col_status"]
    table = Table(
        key,
        title,
        [t(f"doc.{c}", lang) for c in cols],
        [],
        widths=[0.6, 4.6, 1.6, 1.6, 1.3, 0.9, 1.4],
    )
    current: str | None = None
    for n, task in enumerate(order_tasks(tasks, inp), start=1):
        src = _source_key(task)
        if src != current:
            current = src
            table.group_rows.add(len(table.rows))
            table.rows.append(
                ["", inp.sources.get(src) or t("doc.other_tasks", lang), "", "", "", "", ""]
            )
        status = task_status(task, cutoff)
        table.rows.append(
            [
                group_thousands(n),
                marked(task, str(task.get("title", ""))),
                inp.names.get(task.get("lead_unit_id", ""), ""),
                _names(task.get("coordinators"), inp.names),
                _time_text(task),
                _progress(task),
                t(f"status.{status}", lang),
            ]
        )
    return table


def indicator_row(indicator: Fields, inp: ReportInput) -> list[str]:
    period, lang = inp.period, inp.lang
    att = attainment(indicator, period.cutoff_to)
    actual = att.actual_text
    if att.reading_date and att.reading_date < period.cutoff_from:
        actual += f" ({t('doc.reading_of', lang, date=format_date(att.reading_date))})"
    has_target = indicator.get("target") is not None
    pct = (
        format_percent(att.percent_of_target)
        if (att.percent_of_target is not None and has_target)
        else ""
    )
    if att.achieved is None:
        result = ""
    else:
        result = t("word.achieved" if att.achieved else "word.not_achieved", lang)
    name = marked(indicator, str(indicator.get("name", "")))
    return [name, att.target_text, actual, pct, result]


def indicator_wanted(indicator: Fields, inp: ReportInput) -> bool:
    """Indicators with a reading in the window, or whose (issued) plan covers the period."""
    period = inp.period
    for key in indicator.get("readings") or {}:
        when = day(key)
        if when and period.contains(when):
            return True
    plan = inp.plans.get(indicator.get("plan_id") or "")
    if plan is None or plan.get("status") == "draft":
        return False
    y_from = plan.get("year_from") or period.start.year
    y_to = plan.get("year_to") or y_from
    return bool(y_from <= period.end.year and y_to >= period.start.year)


def wanted_indicators(inp: ReportInput) -> list[dict[str, Any]]:
    return [i for i in inp.indicators if indicator_wanted(i, inp)]


def indicator_table(inp: ReportInput) -> Table:
    lang = inp.lang
    cols = ["col_indicator", "col_plan", "col_actual", "col_pct", "col_result"]
    wanted = wanted_indicators(inp)
    wanted.sort(key=lambda i: collation_key(str(i.get("name", ""))))
    rows = [indicator_row(i, inp) for i in wanted]
    return Table(
        "indicators",
        t("doc.ind_title", lang),
        [t(f"doc.{c}", lang) for c in cols],
        rows,
        widths=[5.0, 1.6, 2.2, 1.0, 1.6],
    )


# ---------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------


def _in_window(value: Any, period: Period) -> bool:
    when = day(value)
    return bool(when and period.contains(when))


def direction_section(inp: ReportInput) -> Section:
    """I. Meetings held and directives / notices issued in the period."""
    lang, period = inp.lang, inp.period
    section = Section(t("doc.sec1", lang))
    meetings = sorted(
        (m for m in inp.meetings if _in_window(m.get("date"), period)),
        key=lambda m: str(m.get("date")),
    )
    if meetings:
        section.blocks.append(Para(t("doc.meetings", lang, n=group_thousands(len(meetings)))))
    else:
        section.blocks.append(Para(t("doc.no_meetings", lang)))
    for m in meetings:
        chair = inp.names.get(m.get("chair_id") or "")
        chaired = t("doc.chaired_by", lang, name=chair) if chair else ""
        section.blocks.append(
            Para(
                t(
                    "doc.meeting_line",
                    lang,
                    date=format_date(m.get("date")),
                    title=m.get("title", ""),
                    chair=chaired,
                ),
                "item",
            )
        )
    issued = sorted(
        (c for c in inp.conclusions if _in_window(c.get("date"), period)),
        key=lambda c: str(c.get("date")),
    )
    if issued:
        section.blocks.append(Para(t("doc.notices", lang, n=group_thousands(len(issued)))))
    else:
        section.blocks.append(Para(t("doc.no_notices", lang)))
    for c in issued:
        kind = t(f"doc_type.{c.get('doc_type') or 'notice'}", lang)
        number = f"{t('doc.number', lang).lower()} {c['number']} " if c.get("number") else ""
        section.blocks.append(
            Para(
                t(
                    "doc.notice_line",
                    lang,
                    type=kind,
                    number=number,
                    date=format_date(c.get("date")),
                    title=c.get("title", ""),
                ),
                "item",
            )
        )
    return section


def summary_line(tasks: list[dict[str, Any]], inp: ReportInput) -> str:
    counts: dict[str, int] = {}
    for task in tasks:
        status = task_status(task, inp.period.cutoff_to)
        counts[status] = counts.get(status, 0) + 1
    on_time, late = counts.get("done_on_time", 0), counts.get("done_late", 0)
    figures = {
        "total": len(tasks),
        "done": on_time + late,
        "on_time": on_time,
        "late": late,
        "progress": counts.get("in_progress", 0) + counts.get("paused", 0),
        "not_started": counts.get("not_started", 0),
        "overdue": counts.get("overdue", 0),
    }
    return t("doc.summary", inp.lang, **{k: group_thousands(v) for k, v in figures.items()})


def results_section(tasks: list[dict[str, Any]], inp: ReportInput) -> Section:
    """II. The indicator table and the task table."""
    lang = inp.lang
    section = Section(t("doc.sec2", lang), [Para(summary_line(tasks, inp))])
    indicators = indicator_table(inp)
    section.blocks.append(Para(indicators.title, "heading"))
    section.blocks.append(indicators if indicators.rows else Para(t("doc.no_indicators", lang)))
    table = task_table("tasks", t("doc.task_title", lang), tasks, inp)
    section.blocks.append(Para(table.title, "heading"))
    section.blocks.append(table if table.rows else Para(t("doc.no_tasks", lang)))
    return section


def overdue_table(tasks: list[dict[str, Any]], inp: ReportInput) -> Table:
    lang, cutoff = inp.lang, inp.period.cutoff_to
    cols = ["col_no", "col_task", "col_lead", "col_due", "col_progress", "col_days_late"]
    table = Table(
        "overdue",
        t("doc.overdue_title", lang),
        [t(f"doc.{c}", lang) for c in cols],
        [],
        widths=[0.6, 5.0, 1.8, 1.3, 1.0, 1.2],
    )
    late = [x for x in tasks if task_status(x, cutoff) == "overdue"]
    late.sort(key=lambda x: (str(x.get("due")), stt_key(x.get("stt"))))
    for n, task in enumerate(late, start=1):
        due = day(task.get("due"))
        days = (cutoff - due).days if due else 0
        table.rows.append(
            [
                group_thousands(n),
                marked(task, str(task.get("title", ""))),
                inp.names.get(task.get("lead_unit_id", ""), ""),
                format_date(due),
                _progress(task),
                group_thousands(days),
            ]
        )
    return table


def late_notices(inp: ReportInput) -> list[str] | None:
    """Lines for the period's meetings whose notice is late (issued late or still missing) or
    not issued and not yet due at the cut-off; None when the period had no meeting."""
    lang, period = inp.lang, inp.period
    lines, judged = [], 0
    for meeting in sorted(inp.meetings, key=lambda m: str(m.get("date"))):
        held = day(meeting.get("date"))
        if held is None or held > period.cutoff_to:
            continue
        notice = _notice_for(meeting["id"], inp.conclusions)
        issued = day(notice.get("date")) if notice else None
        timing = notice_timing(held, issued, period.cutoff_to, inp.calendar)
        if not (period.contains(held) or period.contains(timing.deadline)):
            continue
        judged += 1
        if timing.state == "on_time":
            continue
        missing = "doc.late_missing" if timing.late else "doc.notice_pending"
        lines.append(
            t(
                "doc.late_issued" if timing.issued_on else missing,
                lang,
                meeting=format_date(held),
                title=meeting.get("title", ""),
                issued=format_date(timing.issued_on),
                days=group_thousands(timing.working_days),
                deadline=format_date(timing.deadline),
            )
        )
    return lines if judged else None


def _notice_for(meeting_id: str, conclusions: Iterable[Fields]) -> Fields | None:
    found = [c for c in conclusions if c.get("meeting_id") == meeting_id]
    notices = [c for c in found if (c.get("doc_type") or "notice") == "notice"]
    pool = notices or found
    dated = sorted((c for c in pool if c.get("date")), key=lambda c: str(c.get("date")))
    return dated[0] if dated else (pool[0] if pool else None)


def shortcomings_section(tasks: list[dict[str, Any]], inp: ReportInput) -> Section:
    """III. Overdue tasks, stalled tasks, late conclusion notices."""
    lang, cutoff = inp.lang, inp.period.cutoff_to
    section = Section(t("doc.sec3", lang))
    overdue = overdue_table(tasks, inp)
    section.blocks.append(Para(overdue.title, "heading"))
    section.blocks.append(overdue if overdue.rows else Para(t("doc.no_overdue", lang)))
    section.blocks.append(Para(t("doc.stalled_title", lang), "heading"))
    stalled = [x for x in order_tasks(tasks, inp) if is_stalled(x, inp)]
    for task in stalled:
        status = t(f"status.{task_status(task, cutoff)}", lang)
        section.blocks.append(
            Para(
                t(
                    "doc.stalled_line",
                    lang,
                    title=task.get("title", ""),
                    lead=inp.names.get(task.get("lead_unit_id", ""), ""),
                    progress=_progress(task) or "0%",
                    status=status,
                ),
                "item",
            )
        )
    if not stalled:
        section.blocks.append(Para(t("doc.no_stalled", lang)))
    section.blocks.append(Para(t("doc.late_title", lang), "heading"))
    late = late_notices(inp)
    section.blocks.extend(Para(line, "item") for line in late or [])
    if not late:
        section.blocks.append(Para(t("doc.no_late" if late == [] else "doc.no_meeting", lang)))
    return section


def next_tasks(inp: ReportInput) -> list[dict[str, Any]]:
    """Open tasks (at the cut-off) falling due after it, up to the end of the next period."""
    end, cutoff = inp.next_period.end, inp.period.cutoff_to
    issued_by = inp.header.date or end
    out = []
    for task in inp.tasks:
        due = day(task.get("due"))
        if due is None or not (cutoff < due <= end) or task.get("status") in ("done", "cancelled"):
            continue
        plan = _plan_of(task, inp)
        origin = inp.origins.get(task["id"])
        if (plan is not None and plan.get("status") == "draft") or (origin and origin > issued_by):
            continue
        out.append(task)
    return out


def next_section(inp: ReportInput) -> Section:
    lang = inp.lang
    section = Section(t("doc.sec4", lang))
    tasks = next_tasks(inp)
    if not tasks:
        section.blocks.append(Para(t("doc.no_next", lang)))
        return section
    section.blocks.append(Para(t("doc.next_intro", lang, period=inp.next_period.title(lang))))
    section.blocks.append(task_table("next", inp.next_period.title(lang), tasks, inp))
    return section


def recommendations_section(text: str, lang: Lang) -> Section:
    section = Section(t("doc.sec5", lang))
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    section.blocks.extend(Para(p) for p in paragraphs)
    if not paragraphs:
        section.blocks.append(Para(t("doc.no_recommendations", lang)))
    return section


def _kept(blocks: list[Block]) -> list[bool]:
    """Which blocks an edited text leaves in place: the tables, each with its heading."""
    keep = [isinstance(b, Table) for b in blocks]
    for i, block in enumerate(blocks[:-1]):
        if keep[i + 1] and isinstance(block, Para) and block.style == "heading":
            keep[i] = True
    return keep


def section_text(section: Section) -> str:
    """A generated section's prose as text to edit: a paragraph a line, items as "- …"."""
    lines = [
        f"- {b.text}" if b.style == "item" else b.text
        for b, kept in zip(section.blocks, _kept(section.blocks), strict=True)
        if isinstance(b, Para) and not kept
    ]
    return "\n".join(lines)


def text_paras(text: str) -> list[Para]:
    """Typed text as paragraphs: one a line, "- …" an item."""
    out = []
    for line in (raw.strip() for raw in text.split("\n")):
        if line.startswith("- "):
            out.append(Para(line[2:].strip(), "item"))
        elif line:
            out.append(Para(line))
    return out


def edited_section(section: Section, text: str) -> Section:
    """The section with the person's text in place of its generated prose; its tables stay."""
    tables = [b for b, kept in zip(section.blocks, _kept(section.blocks), strict=True) if kept]
    return Section(section.title, [*text_paras(text), *tables])


def build_report(inp: ReportInput) -> Document:
    """The periodic report (Báo cáo) of DOMAIN.md, sections I–V."""
    lang, period = inp.lang, inp.period
    tasks = [x for x in inp.tasks if in_period(x, inp)]
    doc = Document(
        "report",
        lang,
        inp.header,
        t("doc.report", lang),
        t("doc.report_subtitle", lang, period=period.title(lang)),
        [
            t(
                "doc.cutoff",
                lang,
                start=format_date(period.cutoff_from),
                end=format_date(period.cutoff_to),
            )
        ],
    )
    doc.intro += illustrative_note([*tasks, *next_tasks(inp), *wanted_indicators(inp)], lang)
    generated = [
        direction_section(inp),
        results_section(tasks, inp),
        shortcomings_section(tasks, inp),
        next_section(inp),
        recommendations_section(inp.recommendations, lang),
    ]
    doc.drafts = {n: section_text(s) for n, s in enumerate(generated, start=1)}
    doc.edited = {n: text for n, text in inp.edited.items() if text_paras(text)}
    doc.sections = [
        edited_section(s, doc.edited[n]) if n in doc.edited else s
        for n, s in enumerate(generated, start=1)
    ]
    return doc


def archive_line(lang: Lang, unit: str = "") -> str:
    """The last line of "Nơi nhận": "Lưu: VT, TTTT." names the drafting unit when known."""
    return t("doc.archive_unit", lang, unit=unit) if unit else t("doc.archive", lang)


def default_recipients(lang: Lang, drafting: str = "") -> list[str]:
    """The committee's members, then the archive (with the drafting unit when known)."""
    return [t("doc.notice_members", lang), archive_line(lang, drafting)]


# ---------------------------------------------------------------------------
# Conclusion notice (Thông báo kết luận)
# ---------------------------------------------------------------------------


@dataclass
class NoticeInput:
    meeting: dict[str, Any]
    conclusion: dict[str, Any] | None
    tasks: list[dict[str, Any]]
    names: dict[str, str]  # unit / person id → name
    positions: dict[str, str]  # person id → position
    unit_name: str
    header: Header
    lang: Lang = "vi"


def lower_first(text: str) -> str:
    """ "Tăng cường …" → "tăng cường …", but "UBDT …" stays (an acronym)."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def in_sentence(name: str) -> str:
    """ "Các Sở, ngành tỉnh …" inside a sentence is "các Sở, ngành tỉnh …"; names stay."""
    return "c" + name[1:] if name.startswith("Các ") else name


def assignment_text(task: Fields, names: Mapping[str, str], lang: Lang) -> str:
    """ "Giao Trung tâm Thông tin chủ trì, phối hợp với Văn phòng 1719 tăng cường …, hoàn
    thành trước 30/09/2022." — the standard wording of an assignment."""
    work = str(task.get("title", "")).strip().rstrip(".")
    lead = in_sentence(names.get(task.get("lead_unit_id", ""), ""))
    coords = [in_sentence(names.get(c, c)) for c in task.get("coordinators") or []]
    if lead:
        text = t("doc.assign_lead", lang, lead=lead)
        if coords:
            text += t("doc.assign_coord", lang, units=", ".join(coords))
        text += " " + lower_first(work)
    else:
        text = work[:1].upper() + work[1:]
    due = day(task.get("due"))
    timeframe = str(task.get("timeframe") or "").strip()
    if due:
        text += t("doc.assign_due", lang, date=format_date(due))
    elif timeframe and not any(w in timeframe.lower() for w in ("thường xuyên", "hằng", "hàng")):
        text += t("doc.assign_when", lang, timeframe=timeframe)
    elif timeframe:
        text += t("doc.assign_recurring", lang, timeframe=lower_first(timeframe))
    return text + "."


def has_conclusions(conclusion: Fields | None, tasks: list[dict[str, Any]]) -> bool:
    """Whether a notice would say anything after "kết luận như sau:"."""
    data = conclusion or {}
    texts = (data.get("assessment"), data.get("directives"))
    return bool(tasks) or any(str(x or "").strip() for x in texts)


def _person(pid: str | None, inp: NoticeInput) -> str:
    if not pid:
        return ""
    name, position = inp.names.get(pid, pid), inp.positions.get(pid)
    return f"{name}, {position}" if position else name


def attendance_paras(meeting: Fields, inp: NoticeInput) -> list[Para]:
    by_state: dict[str, list[str]] = {}
    for pid, state in (meeting.get("attendees") or {}).items():
        if pid != meeting.get("chair_id"):
            by_state.setdefault(str(state), []).append(_person(pid, inp))
    out = []
    for state, key in (
        ("present", "doc.attended"),
        ("absent", "doc.absent"),
        ("delegated", "doc.delegated"),
    ):
        if by_state.get(state):
            out.append(Para(t(key, inp.lang, names="; ".join(by_state[state]))))
    return out


def notice_body(inp: NoticeInput) -> list[Block]:
    lang, meeting = inp.lang, inp.meeting
    venue = t("doc.venue", lang, venue=meeting["venue"]) if meeting.get("venue") else ""
    chair = _person(meeting.get("chair_id"), inp) or "…"
    unit = inp.unit_name or t("doc.the_committee", lang)
    blocks: list[Block] = [
        Para(
            t(
                "doc.notice_opening",
                lang,
                date=format_date(meeting.get("date")),
                venue=venue,
                unit=unit,
                meeting=lower_first(str(meeting.get("title", ""))),
                chair=chair,
            )
        )
    ]
    blocks += attendance_paras(meeting, inp)
    chair_name = inp.names.get(meeting.get("chair_id") or "", "…")
    blocks.append(Para(t("doc.concludes", lang, chair=chair_name)))
    n = 0
    conclusion = inp.conclusion or {}
    if conclusion.get("assessment"):
        n += 1
        blocks.append(Para(f"{n}. " + t("doc.assessment", lang, text=conclusion["assessment"])))
    if inp.tasks:
        n += 1
        blocks.append(Para(f"{n}. " + t("doc.assignments", lang)))
        ordered = sorted(inp.tasks, key=lambda x: stt_key(x.get("stt")))  # else as entered
        for i, task in enumerate(ordered, start=1):
            text = marked(task, assignment_text(task, inp.names, lang))
            blocks.append(Para(f"{n}.{i}. {text}"))
    for line in str(conclusion.get("directives") or "").split("\n"):
        if line.strip():
            n += 1
            blocks.append(Para(f"{n}. {line.strip()}"))
    blocks.append(Para(t("doc.notice_closing", lang, unit=unit)))
    return blocks


def build_notice(inp: NoticeInput) -> Document:
    """The conclusion notice of a meeting, in the standard structure."""
    lang = inp.lang
    title = (inp.conclusion or {}).get("title") or t(
        "doc.notice_subtitle", lang, meeting=lower_first(str(inp.meeting.get("title", "")))
    )
    doc = Document("notice", lang, inp.header, t("doc.notice", lang), str(title))
    doc.intro = illustrative_note(inp.tasks, lang)
    doc.sections = [Section("", notice_body(inp))]
    return doc
