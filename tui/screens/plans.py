"""Kế hoạch / Plans: the list, and one plan with its tasks (grouped, in STT order) and its
targets with their readings."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from domain.dates import format_date
from domain.i18n import t
from domain.money import format_money, format_percent
from domain.rules import attainment, plan_progress, stt_key
from domain.text import collation_key, safe_display
from sync.record import Record
from tui.derived import TaskRow
from tui.present import status_text
from tui.screens.base import ListRow, ListScreen, SotayScreen, cell, list_row
from tui.widgets.table import Column, VirtualTable

PLAN_COLUMNS = [
    Column("number", "field.number", 16),
    Column("title", "field.title", 30, flex=True),
    Column("period", "ui.col.period", 11),
    Column("status", "field.status", 12),
    Column("done", "ui.col.done_pct", 7, align="right"),
    Column("tasks", "ui.col.tasks", 6, align="right"),
]
TASK_COLUMNS = [
    Column("stt", "field.stt", 7, sortable=False),
    Column("title", "field.title", 24, flex=True, sortable=False),
    Column("lead", "ui.col.lead", 10, sortable=False),
    Column("timeframe", "field.timeframe", 12, sortable=False, drop=2),
    Column("due", "field.due", 10, sortable=False),
    Column("budget", "field.budget", 15, align="right", sortable=False, drop=1),
    Column("progress", "field.progress", 5, align="right", sortable=False),
    Column("status", "field.status", 15, sortable=False),
]
INDICATOR_COLUMNS = [
    Column("name", "field.name", 30, flex=True, sortable=False),
    Column("target", "ui.col.target", 14, sortable=False),
    Column("actual", "ui.col.actual", 14, sortable=False),
    Column("pct", "ui.col.pct", 8, align="right", sortable=False),
    Column("result", "ui.col.result", 12, sortable=False),
]


def period(flat: Any) -> str:
    start, end = flat.get("year_from"), flat.get("year_to")
    if start and end and start != end:
        return f"{start}–{end}"
    if start or end:
        return str(start or end)
    issued = flat.get("issued_on")
    return str(issued)[:4] if issued else ""


class PlansScreen(ListScreen):
    section_key = "ui.nav.plans"
    kind = "plan"
    columns = PLAN_COLUMNS

    def build_rows(self) -> list[ListRow]:
        store = self.app.store
        lang = self.lang
        rows = []
        for plan in store.list("plan"):
            tasks = store.children(plan.id, "task")
            done = plan_progress(t.flat for t in tasks)
            status = plan.flat.get("status")
            cells = {
                "number": safe_display(plan.flat.get("number")),
                "title": safe_display(plan.title),
                "period": period(plan.flat),
                "status": t(f"plan_status.{status}", lang) if status else "",
                "done": format_percent(done) if done is not None else "",
                "tasks": str(len(tasks)),
            }
            rows.append(
                list_row(
                    plan,
                    plan.id,
                    cells,
                    sort={
                        "title": collation_key(cells["title"]),
                        "done": done or 0.0,
                        "tasks": len(tasks),
                    },
                )
            )
        rows.sort(key=lambda r: (r.cells["period"], r.sort["title"]), reverse=False)
        return rows

    def open_row(self, row: ListRow) -> None:
        self.app.push_screen(PlanScreen(row.id))

    def action_add(self) -> None:
        def saved(plan_id: str) -> None:
            self.app.push_screen(PlanScreen(plan_id))

        self.app.edit_record("plan", None, on_saved=saved)


class PlanScreen(SotayScreen):
    """One plan: summary line, tasks grouped by group in STT order, targets with readings."""

    section_key = "ui.nav.plans"
    AUTO_FOCUS = "#plan-tasks"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_task", "ui.key.add"),
        Binding("i", "add_indicator", "ui.key.add_indicator"),
        Binding("e", "edit_plan", "ui.key.edit"),
        Binding("delete", "delete", "ui.key.delete", show=False),
        Binding("h", "history", "ui.key.history"),
        Binding("escape", "back", "ui.key.back"),
    ]

    def __init__(self, plan_id: str) -> None:
        super().__init__()
        self.plan_id = plan_id

    def compose_main(self) -> ComposeResult:
        yield Static("", id="plan-title")
        yield Static("", id="plan-summary")
        yield Static("", id="plan-tasks-title", classes="plan-section")
        yield VirtualTable(
            TASK_COLUMNS,
            cell=self._task_cell,
            row_id=lambda r: r.id,
            row_class=self._task_class,
            label=lambda key: t(key, self.lang),
            empty=self.empty_text,
            id="plan-tasks",
        )
        yield Static("", id="plan-indicators-title", classes="plan-section")
        yield VirtualTable(
            INDICATOR_COLUMNS,
            cell=cell,
            row_id=lambda r: r.id,
            row_class=lambda r: r.style,
            label=lambda key: t(key, self.lang),
            empty=self.empty_text,
            id="plan-indicators",
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#plan-tasks", VirtualTable).focus()

    @property
    def plan(self) -> Record | None:
        return self.app.store.get(self.plan_id)

    def relabel(self) -> None:
        self.query_one("#plan-tasks-title", Static).update(
            Text(t("ui.plan.tasks", self.lang), "bold")
        )
        self.query_one("#plan-indicators-title", Static).update(
            Text(t("ui.plan.indicators", self.lang), "bold")
        )
        for table in self.query(VirtualTable):
            table.refresh()

    # ------------------------------------------------------------------ data
    def refresh_data(self) -> None:
        plan = self.plan
        if plan is None or plan.deleted:
            self.app.call_later(self.action_back)
            return
        derived = self.app.derived
        tasks = [r for r in derived.tasks() if r.plan_id == self.plan_id]
        self.query_one("#plan-title", Static).update(Text(safe_display(plan.title), "bold"))
        self._summary(plan, tasks)
        self.query_one("#plan-tasks", VirtualTable).set_rows(self._grouped(tasks))
        self.query_one("#plan-indicators", VirtualTable).set_rows(self._indicators())

    def _summary(self, plan: Record, tasks: list[TaskRow]) -> None:
        done = plan_progress(
            {"status": "done" if r.status.startswith("done") else r.status, "progress": r.progress}
            for r in tasks
        )
        status = plan.flat.get("status")
        budget = plan.flat.get("budget")
        if not isinstance(budget, int):
            budget = sum(r.budget or 0 for r in tasks) or None
        summary = t(
            "ui.plan.summary",
            self.lang,
            number=safe_display(plan.flat.get("number")) or "—",
            period=period(plan.flat) or "—",
            status=t(f"plan_status.{status}", self.lang) if status else "—",
            done=format_percent(done) if done is not None else "—",
            tasks=len(tasks),
            budget=format_money(budget) if budget else "—",
        )
        issued = format_date(plan.flat.get("issued_on"))
        self.query_one("#plan-summary", Static).update(
            Text(summary + (f" · {issued}" if issued else ""))
        )

    def _grouped(self, tasks: list[TaskRow]) -> list[Any]:
        ordered = sorted(tasks, key=lambda r: (stt_key(r.stt), r.title))
        if not any(r.group for r in tasks):
            return ordered
        groups: dict[str, list[TaskRow]] = {}
        for row in ordered:
            groups.setdefault(row.group, []).append(row)
        out: list[Any] = []
        for group, members in sorted(groups.items(), key=lambda g: (g[0] == "", g[0])):
            name = t(f"group.{group}", self.lang) if group else t("ui.plan.no_group", self.lang)
            out.append(
                ListRow(f"group:{group}", {"title": f"{name} ({len(members)})"}, style="group")
            )
            out.extend(members)
        return out

    def _indicators(self) -> list[ListRow]:
        store = self.app.store
        today = self.app.today()
        rows = []
        for indicator in store.children(self.plan_id, "indicator"):
            result = attainment(indicator.data, today)
            verdict = (
                ""
                if result.achieved is None
                else t("word.achieved" if result.achieved else "word.not_achieved", self.lang)
            )
            cells = {
                "name": safe_display(indicator.title),
                "target": result.target_text,
                "actual": result.actual_text or t("ui.dash.no_reading", self.lang),
                "pct": format_percent(result.percent_of_target),
                "result": verdict,
            }
            style = None if result.achieved is None else ("done" if result.achieved else "overdue")
            rows.append(list_row(indicator, indicator.id, cells, style=style))
        rows.sort(key=lambda r: collation_key(r.cells["name"]))
        return rows

    def _task_cell(self, row: Any, key: str) -> str:
        if isinstance(row, ListRow):
            return row.cells.get(key, "")
        if key == "lead":
            return self.app.derived.name_of(row.lead_id)
        if key == "due":
            return format_date(row.due)
        if key == "budget":
            return format_money(row.budget)
        if key == "progress":
            return format_percent(float(row.progress)) if row.progress is not None else ""
        if key == "status":
            return status_text(row.status, self.lang)
        return safe_display(getattr(row, key, ""))

    @staticmethod
    def _task_class(row: Any) -> str | None:
        if isinstance(row, ListRow):
            return row.style
        if row.status == "overdue":
            return "overdue"
        if row.status.startswith("done"):
            return "done"
        return "pending" if row.pending else None

    # --------------------------------------------------------------- actions
    def _focused_table(self) -> VirtualTable:
        focused = self.focused
        if isinstance(focused, VirtualTable):
            return focused
        return self.query_one("#plan-tasks", VirtualTable)

    @on(VirtualTable.Selected)
    def _open(self, event: VirtualTable.Selected) -> None:
        row: Any = event.row
        if isinstance(row, ListRow) and row.id.startswith("group:"):
            return
        kind = "indicator" if event.table.id == "plan-indicators" else "task"
        self.app.edit_record(kind, row.id)

    def action_add_task(self) -> None:
        self.app.edit_record("task", None, defaults={"plan_id": self.plan_id})

    def action_add_indicator(self) -> None:
        self.app.edit_record("indicator", None, defaults={"plan_id": self.plan_id})

    def action_edit_plan(self) -> None:
        self.app.edit_record("plan", self.plan_id)

    def _current_id(self) -> str | None:
        row: Any = self._focused_table().current
        if row is None or (isinstance(row, ListRow) and row.id.startswith("group:")):
            return None
        return str(row.id)

    def action_delete(self) -> None:
        record_id = self._current_id()
        if record_id is not None:
            self.app.confirm_delete(record_id)

    def action_history(self) -> None:
        self.app.show_history(self._current_id() or self.plan_id)
