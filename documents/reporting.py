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
  still missing at the cut-off after that deadline;
* the narrative says only what the data says: section II lists the tasks by task group
  (lĩnh vực; by source when no task carries one), the projects of the period (their dates
  overlap it; with none, their task is in it or their issued plan covers it) with the kinh
  phí recorded, and an assessment computed from the counts; section III counts what is
  outstanding and quotes the records' own notes (ghi chú); a figure the data lacks is left
  out, never estimated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.dates import format_date, format_long_date
from domain.holidays import WorkCalendar, notice_timing
from domain.i18n import Lang, t
from domain.money import format_money, format_percent, group_thousands
from domain.periods import Period
from domain.rules import attainment, stt_key, task_status
from domain.schema import TASK_GROUPS
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


def doc_table(
    key: str, title: str, columns: list[tuple[str, float]], lang: Lang, rows: list[list[str]]
) -> Table:
    """A document table whose headers are ``doc.<column>`` in ``lang``, each column with its
    relative width."""
    headers = [t(f"doc.{column}", lang) for column, _width in columns]
    return Table(key, title, headers, rows, widths=[width for _column, width in columns])


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
    recommendations: str = ""  # the proposals section V was built from

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
    projects: list[dict[str, Any]] = field(default_factory=list)  # as of cut-off
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


#: Between an amount and its "đ" in a table cell, so that the two stay on one line.
NBSP = "\u00a0"

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


#: The task groups (lĩnh vực) in the order a report lists them; a task with none is "other".
GROUP_ORDER = {code: n for n, code in enumerate(TASK_GROUPS)}


def group_of(task: Fields) -> str:
    return str(task.get("group") or "other")


def group_title(code: str, lang: Lang) -> str:
    return t("doc.other_tasks" if code == "other" else f"group.{code}", lang)


def by_group(tasks: Iterable[Fields]) -> bool:
    """Results are grouped by task group when the tasks carry one, else by source."""
    return any(task.get("group") for task in tasks)


def order_tasks(tasks: Iterable[dict[str, Any]], inp: ReportInput) -> list[dict[str, Any]]:
    """By task group (when the tasks carry one), then by source (plans and notices in
    Vietnamese order), then STT as the plan writes it."""
    tasks = list(tasks)
    grouped = by_group(tasks)
    source_keys: dict[str, Any] = {}

    def key(task: Fields) -> Any:
        src = _source_key(task)
        if src not in source_keys:
            source_keys[src] = (
                inp.sources.get(src) is None,
                collation_key(inp.sources.get(src, "")),
                src,
            )
        group = GROUP_ORDER.get(group_of(task), len(GROUP_ORDER)) if grouped else 0
        return (group, source_keys[src], stt_key(task.get("stt")), str(task.get("title", "")))

    return sorted(tasks, key=key)


def _group_row(task: Fields, grouped: bool, inp: ReportInput) -> tuple[str, str]:
    """(key, title) of the group row a task sits under."""
    if grouped:
        return group_of(task), group_title(group_of(task), inp.lang)
    src = _source_key(task)
    return src, inp.sources.get(src) or t("doc.other_tasks", inp.lang)


def task_row(n: int, task: Fields, inp: ReportInput) -> list[str]:
    return [
        group_thousands(n),
        marked(task, str(task.get("title", ""))),
        inp.names.get(task.get("lead_unit_id", ""), ""),
        _names(task.get("coordinators"), inp.names),
        _time_text(task),
        _progress(task),
        t(f"status.{task_status(task, inp.period.cutoff_to)}", inp.lang),
    ]


def task_table(key: str, title: str, tasks: list[dict[str, Any]], inp: ReportInput) -> Table:
    """STT | Nội dung | Chủ trì | Phối hợp | Thời gian | Tiến độ | Trạng thái, grouped by task
    group (lĩnh vực), else by source."""
    columns = [("col_no", 0.6), ("col_task", 4.6), ("col_lead", 1.6), ("col_coord", 1.6)]
    columns += [("col_time", 1.3), ("col_progress", 0.9), ("col_status", 1.4)]
    table = doc_table(key, title, columns, inp.lang, [])
    grouped, current = by_group(tasks), None
    for n, task in enumerate(order_tasks(tasks, inp), start=1):
        group, title = _group_row(task, grouped, inp)
        if group != current:
            current = group
            table.group_rows.add(len(table.rows))
            table.rows.append(["", title, "", "", "", "", ""])
        table.rows.append(task_row(n, task, inp))
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


def plan_covers(plan_id: Any, inp: ReportInput) -> bool:
    """Is the plan issued (not a mere draft) and do its years reach into the period?"""
    period = inp.period
    plan = inp.plans.get(plan_id or "")
    if plan is None or plan.get("status") == "draft":
        return False
    y_from = plan.get("year_from") or period.start.year
    y_to = plan.get("year_to") or y_from
    return bool(y_from <= period.end.year and y_to >= period.start.year)


def indicator_wanted(indicator: Fields, inp: ReportInput) -> bool:
    """Indicators with a reading in the window, or whose (issued) plan covers the period."""
    for key in indicator.get("readings") or {}:
        when = day(key)
        if when and inp.period.contains(when):
            return True
    return plan_covers(indicator.get("plan_id"), inp)


def wanted_indicators(inp: ReportInput) -> list[dict[str, Any]]:
    return [i for i in inp.indicators if indicator_wanted(i, inp)]


def indicator_table(inp: ReportInput) -> Table:
    columns = [("col_indicator", 5.0), ("col_plan", 1.6), ("col_actual", 2.2)]
    columns += [("col_pct", 1.0), ("col_result", 1.6)]
    wanted = wanted_indicators(inp)
    wanted.sort(key=lambda i: collation_key(str(i.get("name", ""))))
    rows = [indicator_row(i, inp) for i in wanted]
    return doc_table("indicators", t("doc.ind_title", inp.lang), columns, inp.lang, rows)


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


def task_counts(tasks: list[dict[str, Any]], inp: ReportInput) -> dict[str, int]:
    """How many tasks are done (on time, late), in progress, not started, overdue."""
    counts: dict[str, int] = {}
    for task in tasks:
        status = task_status(task, inp.period.cutoff_to)
        counts[status] = counts.get(status, 0) + 1
    on_time, late = counts.get("done_on_time", 0), counts.get("done_late", 0)
    return {
        "total": len(tasks),
        "done": on_time + late,
        "on_time": on_time,
        "late": late,
        "progress": counts.get("in_progress", 0) + counts.get("paused", 0),
        "not_started": counts.get("not_started", 0),
        "overdue": counts.get("overdue", 0),
    }


def group_line(code: str, tasks: list[dict[str, Any]], inp: ReportInput) -> str:
    """ "Hạ tầng kỹ thuật: 3 nhiệm vụ (hoàn thành 2, đang thực hiện 1)." """
    counts, lang = task_counts(tasks, inp), inp.lang
    parts = [
        t(f"doc.count_{k}", lang, n=group_thousands(counts[k]))
        for k in ("done", "progress", "not_started", "overdue")
        if counts[k]
    ]
    return t(
        "doc.group_line",
        lang,
        group=group_title(code, lang),
        n=group_thousands(counts["total"]),
        parts=", ".join(parts),
    )


def group_lines(tasks: list[dict[str, Any]], inp: ReportInput) -> list[Para]:
    """One line a task group, in the table's order (none when the tasks carry no group)."""
    if not by_group(tasks):
        return []
    groups: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        groups.setdefault(group_of(task), []).append(task)
    order = sorted(groups, key=lambda code: GROUP_ORDER.get(code, len(GROUP_ORDER)))
    return [Para(group_line(code, groups[code], inp), "item") for code in order]


def judged_indicators(inp: ReportInput) -> list[tuple[Fields, bool]]:
    """The period's indicators that can be judged (a target and a reading): (it, achieved)."""
    out: list[tuple[Fields, bool]] = []
    for indicator in wanted_indicators(inp):
        achieved = attainment(indicator, inp.period.cutoff_to).achieved
        if achieved is not None:
            out.append((indicator, achieved))
    return out


def done_text(counts: Mapping[str, int], lang: Lang) -> str:
    """ "đã hoàn thành 6 nhiệm vụ, đều đúng hạn" / "… (đúng hạn 4, quá hạn 2)"."""
    figures = {k: group_thousands(v) for k, v in counts.items()}
    if not counts["late"]:
        return t("doc.assess_done_on_time", lang, **figures)
    if not counts["on_time"]:
        return t("doc.assess_done_late", lang, **figures)
    return t("doc.assess_done", lang, **figures)


def tasks_text(counts: Mapping[str, int], lang: Lang) -> str:
    """The tasks' part of the assessment, naming only the counts that are not zero."""
    parts = [done_text(counts, lang)] if counts["done"] else []
    parts += [
        t(f"doc.assess_{k}", lang, n=group_thousands(counts[k]))
        for k in ("progress", "not_started", "overdue")
        if counts[k]
    ]
    total = group_thousands(counts["total"])
    if not counts["done"]:
        return t("doc.assess_tasks_none_done", lang, total=total, parts="; ".join(parts))
    rate = format_percent(100.0 * counts["done"] / counts["total"])
    return t("doc.assess_tasks", lang, total=total, parts="; ".join(parts), rate=rate)


def assessment(tasks: list[dict[str, Any]], inp: ReportInput) -> list[str]:
    """The overall assessment (đánh giá chung), computed from the counts alone."""
    lang, counts = inp.lang, task_counts(tasks, inp)
    if not counts["total"]:
        return [t("doc.assess_no_tasks", lang)]
    out = [tasks_text(counts, lang)]
    judged = judged_indicators(inp)
    met = sum(1 for _i, achieved in judged if achieved)
    if judged:
        out.append(
            t("doc.assess_targets", lang, met=group_thousands(met), n=group_thousands(len(judged)))
        )
    elif wanted_indicators(inp):
        out.append(t("doc.assess_targets_open", lang))
    return [" ".join(out)]


# ---------------------------------------------------------------------------
# Projects and their funding (kinh phí)
# ---------------------------------------------------------------------------


def project_wanted(project: Fields, task_ids: set[str], inp: ReportInput) -> bool:
    """A project of the period: its dates overlap it; with no dates, its task is one of the
    period's or its (issued) plan covers the period."""
    start, end = day(project.get("start")), day(project.get("end"))
    if start or end:
        period = inp.period
        return (start is None or start <= period.cutoff_to) and (
            end is None or end >= period.cutoff_from
        )
    return project.get("task_id") in task_ids or plan_covers(project.get("plan_id"), inp)


def period_projects(tasks: list[dict[str, Any]], inp: ReportInput) -> list[Fields]:
    """The period's projects, in Vietnamese order of their names."""
    ids = {task["id"] for task in tasks}
    projects = [p for p in inp.projects if project_wanted(p, ids, inp)]
    return sorted(projects, key=lambda p: collation_key(str(p.get("name", ""))))


def _budget(record: Fields, tasks: Mapping[str, Fields]) -> int | None:
    """A project's budget, else that of the task it carries out."""
    if record.get("budget") is not None:
        return int(record["budget"])
    task = tasks.get(str(record.get("task_id") or ""))
    return int(task["budget"]) if task and task.get("budget") is not None else None


def project_row(n: int, project: Fields, inp: ReportInput, budget: int | None) -> list[str]:
    lang = inp.lang
    state = t(f"stage.{project['stage']}", lang) if project.get("stage") else ""
    owner = inp.names.get(str(project.get("investor_id") or ""), "")
    money = format_money(budget).replace(" ", NBSP)  # one word: the column never splits it
    name = marked(project, str(project.get("name", "")))
    return [group_thousands(n), name, owner, state, money, note_of(project)]


def project_table(tasks: list[dict[str, Any]], inp: ReportInput) -> tuple[Table, int | None]:
    """STT | Dự án | Chủ đầu tư | Giai đoạn | Kinh phí | Ghi chú, and the total of the
    budgets the data gives (None when it gives none)."""
    columns = [("col_no", 0.6), ("col_project", 4.0), ("col_owner", 1.8), ("col_state", 1.4)]
    columns += [("col_budget", 1.9), ("col_note", 2.6)]
    table = doc_table("projects", t("doc.projects_title", inp.lang), columns, inp.lang, [])
    by_id = {task["id"]: task for task in tasks}
    total: int | None = None
    for n, project in enumerate(period_projects(tasks, inp), start=1):
        budget = _budget(project, by_id)
        table.rows.append(project_row(n, project, inp, budget))
        if budget is not None:
            total = (total or 0) + budget
    return table, total


def task_budgets(tasks: list[dict[str, Any]], inp: ReportInput) -> str:
    """ "Các nhiệm vụ khác có ghi kinh phí: 2 nhiệm vụ, tổng 1.700.000.000 đ (NS tỉnh:
    1.500.000.000 đ)." — the budgets of the tasks no project stands for; "" when none."""
    covered = {p.get("task_id") for p in period_projects(tasks, inp)}
    budgets: dict[str, int] = {}
    count = total = 0
    for task in tasks:
        if task.get("budget") is not None and task["id"] not in covered:
            count, total = count + 1, total + int(task["budget"])
            source = str(task.get("funding") or "")
            budgets[source] = budgets.get(source, 0) + int(task["budget"])
    if not count:
        return ""
    lang = inp.lang
    parts = [
        f"{t(f'funding.{code}', lang)}: {format_money(amount)}"
        for code, amount in budgets.items()
        if code
    ]
    by_source = f" ({'; '.join(parts)})" if parts else ""
    return t(
        "doc.tasks_budget",
        lang,
        n=group_thousands(count),
        total=format_money(total),
        sources=by_source,
    )


def projects_blocks(tasks: list[dict[str, Any]], inp: ReportInput) -> list[Block]:
    lang = inp.lang
    table, total = project_table(tasks, inp)
    budgets = task_budgets(tasks, inp)
    blocks: list[Block] = [Para(table.title, "heading")]
    if not table.rows and not budgets:
        return [*blocks, Para(t("doc.no_projects", lang))]
    blocks.append(table if table.rows else Para(t("doc.no_project_records", lang)))
    if total is not None:
        blocks.append(Para(t("doc.projects_total", lang, total=format_money(total))))
    return blocks + ([Para(budgets)] if budgets else [])


def results_section(tasks: list[dict[str, Any]], inp: ReportInput) -> Section:
    """II. The indicator table, the tasks by group, the projects and their kinh phí, and the
    overall assessment."""
    lang = inp.lang
    section = Section(t("doc.sec2", lang))
    indicators = indicator_table(inp)
    section.blocks.append(Para(indicators.title, "heading"))
    section.blocks.append(indicators if indicators.rows else Para(t("doc.no_indicators", lang)))
    table = task_table("tasks", t("doc.task_title", lang), tasks, inp)
    section.blocks.append(Para(table.title, "heading"))
    section.blocks.append(table if table.rows else Para(t("doc.no_tasks", lang)))
    section.blocks += group_lines(tasks, inp)
    section.blocks += projects_blocks(tasks, inp)
    section.blocks.append(Para(t("doc.assess_title", lang), "heading"))
    section.blocks += [Para(text) for text in assessment(tasks, inp)]
    return section


def overdue_table(tasks: list[dict[str, Any]], inp: ReportInput) -> Table:
    lang, cutoff = inp.lang, inp.period.cutoff_to
    columns = [("col_no", 0.6), ("col_task", 5.0), ("col_lead", 1.8), ("col_due", 1.3)]
    columns += [("col_progress", 1.0), ("col_days_late", 1.2)]
    table = doc_table("overdue", t("doc.overdue_title", lang), columns, lang, [])
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


def notice_lines(inp: ReportInput) -> list[tuple[str, bool]] | None:
    """(line, late?) for the period's meetings whose notice is late (issued late or still
    missing) or not issued and not yet due at the cut-off; None when the period had no
    meeting."""
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
        text = t(
            "doc.late_issued" if timing.issued_on else missing,
            lang,
            meeting=format_date(held),
            title=meeting.get("title", ""),
            issued=format_date(timing.issued_on),
            days=group_thousands(timing.working_days),
            deadline=format_date(timing.deadline),
        )
        lines.append((text, bool(timing.issued_on or timing.late)))
    return lines if judged else None


def _notice_for(meeting_id: str, conclusions: Iterable[Fields]) -> Fields | None:
    found = [c for c in conclusions if c.get("meeting_id") == meeting_id]
    notices = [c for c in found if (c.get("doc_type") or "notice") == "notice"]
    pool = notices or found
    dated = sorted((c for c in pool if c.get("date")), key=lambda c: str(c.get("date")))
    return dated[0] if dated else (pool[0] if pool else None)


def note_of(record: Fields) -> str:
    """A record's notes (ghi chú) on one line."""
    return " ".join(line.strip() for line in str(record.get("notes") or "").split("\n") if line)


def with_note(text: str, record: Fields, lang: Lang) -> str:
    note = note_of(record)
    return t("doc.with_note", lang, text=text, note=note.rstrip(".")) if note else text


def stalled_line(task: Fields, inp: ReportInput) -> str:
    text = t(
        "doc.stalled_line",
        inp.lang,
        title=task.get("title", ""),
        lead=inp.names.get(task.get("lead_unit_id", ""), ""),
        progress=_progress(task) or "0%",
        status=t(f"status.{task_status(task, inp.period.cutoff_to)}", inp.lang),
    )
    return with_note(text, task, inp.lang)


def unmet_line(indicator: Fields, inp: ReportInput) -> str:
    att = attainment(indicator, inp.period.cutoff_to)
    text = t(
        "doc.unmet_line",
        inp.lang,
        name=indicator.get("name", ""),
        target=att.target_text,
        actual=att.actual_text,
        pct=format_percent(att.percent_of_target),
    )
    return with_note(text, indicator, inp.lang)


@dataclass
class Shortcomings:
    """What section III reports: overdue and stalled tasks, unmet indicators, notices."""

    overdue: Table
    overdue_tasks: list[dict[str, Any]]
    stalled: list[dict[str, Any]]
    unmet: list[Fields]
    notices: list[tuple[str, bool]] | None

    def counts(self) -> dict[str, int]:
        late = sum(1 for _line, is_late in self.notices or [] if is_late)
        return {
            "overdue": len(self.overdue.rows),
            "stalled": len(self.stalled),
            "unmet": len(self.unmet),
            "late": late,
        }


def find_shortcomings(tasks: list[dict[str, Any]], inp: ReportInput) -> Shortcomings:
    cutoff = inp.period.cutoff_to
    return Shortcomings(
        overdue_table(tasks, inp),
        order_tasks((x for x in tasks if task_status(x, cutoff) == "overdue"), inp),
        order_tasks((x for x in tasks if is_stalled(x, inp)), inp),
        [i for i, achieved in judged_indicators(inp) if not achieved],
        notice_lines(inp),
    )


def issues_line(found: Shortcomings, lang: Lang) -> str:
    """ "Trong kỳ còn 2 nhiệm vụ quá hạn chưa hoàn thành, 1 chỉ tiêu chưa đạt kế hoạch." """
    parts = [
        t(f"doc.issue_{k}", lang, n=group_thousands(n)) for k, n in found.counts().items() if n
    ]
    return t("doc.issues", lang, parts=", ".join(parts)) if parts else ""


def notice_blocks(found: Shortcomings, title: str, lang: Lang) -> list[Block]:
    """The notices part of section III: a line a late or pending notice, else how they stand."""
    blocks: list[Block] = [Para(t(title, lang), "heading")]
    blocks += [Para(line, "item") for line, _late in found.notices or []]
    if not found.notices:
        none = "doc.no_late" if found.notices == [] else "doc.no_meeting"
        blocks.append(Para(t(none, lang)))
    return blocks


def quiet_blocks(found: Shortcomings, lang: Lang) -> list[Block]:
    """Section III when nothing went wrong: one sentence, and how the notices stand."""
    return [Para(t("doc.no_issues", lang)), *notice_blocks(found, "doc.late_title_plain", lang)]


def shortcomings_section(tasks: list[dict[str, Any]], inp: ReportInput) -> Section:
    """III. Overdue tasks (with their notes), stalled tasks, unmet indicators, late notices;
    one sentence when there is none."""
    lang = inp.lang
    found = find_shortcomings(tasks, inp)
    opening = issues_line(found, lang)
    if not opening:
        return Section(t("doc.sec3", lang), quiet_blocks(found, lang))
    blocks: list[Block] = [Para(opening), Para(found.overdue.title, "heading")]
    blocks.append(found.overdue if found.overdue.rows else Para(t("doc.no_overdue", lang)))
    blocks += [
        Para(t("doc.overdue_note", lang, title=x.get("title", ""), note=note_of(x)), "item")
        for x in found.overdue_tasks
        if note_of(x)
    ]
    blocks.append(Para(t("doc.stalled_title", lang), "heading"))
    blocks += [Para(stalled_line(x, inp), "item") for x in found.stalled]
    blocks += [] if found.stalled else [Para(t("doc.no_stalled", lang))]
    blocks.append(Para(t("doc.unmet_title", lang), "heading"))
    blocks += [Para(unmet_line(i, inp), "item") for i in found.unmet]
    blocks += [] if found.unmet else [Para(t("doc.no_unmet", lang))]
    blocks += notice_blocks(found, "doc.late_title", lang)
    return Section(t("doc.sec3", lang), blocks)


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
    doc.recommendations = inp.recommendations
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


def members_line(lang: Lang, body_name: str = "") -> str:
    """ "Các thành viên Ban Điều hành …;": the members of the issuing body itself, by its
    name (a Ban Điều hành or a Hội đồng does not send to "Thành viên Ban Chỉ đạo")."""
    if body_name:
        return t("doc.members_of", lang, body=body_name)
    return t("doc.notice_members", lang)


def default_recipients(lang: Lang, drafting: str = "", body_name: str = "") -> list[str]:
    """The body's members, then the archive (with the drafting unit when known)."""
    return [members_line(lang, body_name), archive_line(lang, drafting)]


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
