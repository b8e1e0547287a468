"""Nhiệm vụ / Tasks: every task of every plan and conclusion, filtered and sorted at once.

Filters: text (accent-insensitive, also over the lead unit's name), status (including the
derived "quá hạn"), lead unit (picked by typing, accents optional), due range, overdue only
(``o``).  On a task: ``t`` changes its status, ``p`` enters its progress, ``+`` / ``-``
move the progress by 10%, all without opening the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Static

from domain.dates import format_date, parse_date
from domain.errors import SotayError
from domain.i18n import t
from domain.money import format_money, format_percent
from domain.records import check_field
from domain.rules import stt_key
from domain.schema import TASK_STATUSES
from domain.text import fold, safe_display
from tui.derived import TaskRow
from tui.present import status_text
from tui.screens.base import SotayScreen
from tui.screens.dialogs import ChooseScreen, PromptScreen
from tui.widgets.forms import record_choices
from tui.widgets.pick import Choice, PickField
from tui.widgets.table import Column, VirtualTable

DERIVED = ("not_started", "in_progress", "overdue", "done", "paused", "cancelled")
STATUS_ORDER = {
    code: n
    for n, code in enumerate(
        (
            "overdue",
            "in_progress",
            "not_started",
            "paused",
            "done_late",
            "done_on_time",
            "cancelled",
        )
    )
}
COLUMNS = [
    Column("stt", "field.stt", 7),
    Column("title", "field.title", 28, flex=True),
    Column("lead", "ui.col.lead", 10),
    Column("due", "field.due", 10),
    Column("budget", "field.budget", 15, align="right", drop=1),
    Column("progress", "field.progress", 5, align="right"),
    Column("status", "field.status", 17),
]


class TasksScreen(SotayScreen):
    section_key = "ui.nav.tasks"
    AUTO_FOCUS = "#tasks"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "ui.key.add"),
        Binding("t", "status", "ui.key.status"),
        Binding("p", "progress", "ui.key.progress"),
        Binding("plus", "bump(10)", show=False),
        Binding("minus", "bump(-10)", show=False),
        Binding("o", "overdue", "ui.key.overdue"),
        Binding("f", "filter", "ui.key.filter"),
        Binding("x", "clear", "ui.key.clear_filters", show=False),
        Binding("delete", "delete", "ui.key.delete", show=False),
        Binding("h", "history", "ui.key.history"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.overdue_only = False
        self.total = 0

    def compose_main(self) -> ComposeResult:
        with Horizontal(id="task-filters"):
            yield Input(compact=True, id="task-text")
            yield PickField(self._status_choices, id="task-status")
            yield PickField(self._unit_choices, id="task-lead")
            yield Input(compact=True, id="due-from")
            yield Input(compact=True, id="due-to")
        with Horizontal(id="task-bar"):
            yield Static("", id="task-flags")
            yield Static("", id="task-count")
        table = VirtualTable(
            COLUMNS,
            cell=self._cell,
            row_id=lambda r: r.id,
            row_class=self._row_class,
            sort_key=self._sort_key,
            label=lambda key: t(key, self.lang),
            empty=self.empty_text,
            id="tasks",
        )
        table.sort_column = "due"
        yield table

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#tasks", VirtualTable)

    def on_mount(self) -> None:
        super().on_mount()
        self.table.focus()

    @work(thread=True, exclusive=True, group="warm", exit_on_error=False)
    def _warm_filter(self) -> None:
        """Fold every task's text for the filter while the person reads the list, so the
        first key typed filters as fast as the next ones (pure computation, no store).  The
        rows are new after every change: :meth:`refresh_data` starts this again."""
        derived = self.app.derived
        for row in derived.tasks():
            derived.folded(row)

    def _status_choices(self) -> list[Choice]:
        out = []
        for code in DERIVED:
            vi, en = t(f"status.{code}", "vi"), t(f"status.{code}", "en")
            out.append(Choice.make(code, t(f"status.{code}", self.lang), "", vi, en, code))
        return out

    def _unit_choices(self) -> list[Choice]:
        return record_choices(self.app.store, "unit")

    def relabel(self) -> None:
        self.query_one("#task-text", Input).placeholder = t("ui.filter.text", self.lang)
        self.query_one("#task-status", PickField).set_placeholder(t("ui.filter.status", self.lang))
        self.query_one("#task-status", PickField).reset_choices()
        self.query_one("#task-lead", PickField).set_placeholder(t("ui.filter.lead", self.lang))
        self.query_one("#due-from", Input).placeholder = t("ui.filter.due_from", self.lang)
        self.query_one("#due-to", Input).placeholder = t("ui.filter.due_to", self.lang)
        self.table.refresh()

    # ---------------------------------------------------------------- cells
    def _cell(self, row: TaskRow, key: str) -> str:
        if key == "lead":
            return self.app.derived.name_of(row.lead_id)
        if key == "due":
            return format_date(row.due)
        if key == "budget":
            return format_money(row.budget)
        if key == "progress":
            return format_percent(float(row.progress)) if row.progress is not None else ""
        if key == "status":
            return status_text(row.status, self.lang) + (" *" if row.pending else "")
        if key == "title":
            return safe_display(row.title)
        return safe_display(row.stt)

    @staticmethod
    def _row_class(row: TaskRow) -> str | None:
        if row.status == "overdue":
            return "overdue"
        if row.status.startswith("done") or row.status == "cancelled":
            return "done"
        return None

    def _sort_key(self, row: TaskRow, key: str) -> Any:
        if key == "stt":
            return stt_key(row.stt)
        if key == "title":
            return self.app.derived.title_key(row)
        if key == "lead":
            return fold(self.app.derived.name_of(row.lead_id))
        if key == "due":
            return row.due or "9999"
        if key == "budget":
            return row.budget or 0
        if key == "progress":
            return row.progress if row.progress is not None else -1
        return STATUS_ORDER.get(row.status, 99)

    # -------------------------------------------------------------- filters
    def refresh_data(self) -> None:
        self.apply_filters()
        self.call_after_refresh(self._warm_filter)  # after the paint, not competing with it

    def _due_bound(self, selector: str) -> str | None:
        widget = self.query_one(selector, Input)
        text = widget.value.strip()
        if not text:
            widget.remove_class("-invalid")
            return None
        try:
            day = parse_date(text, "due", today=self.app.today())
        except SotayError:
            widget.add_class("-invalid")
            return None
        widget.remove_class("-invalid")
        return day.isoformat()

    def predicate(self) -> Callable[[TaskRow], bool]:
        derived = self.app.derived
        words = fold(self.query_one("#task-text", Input).value).split()
        status_pick = self.query_one("#task-status", PickField)
        status = status_pick.value
        lead_pick = self.query_one("#task-lead", PickField)
        lead = lead_pick.value
        low, high = self._due_bound("#due-from"), self._due_bound("#due-to")
        overdue = self.overdue_only
        lead_words = fold(lead_pick.text).split() if lead is None and lead_pick.text.strip() else []
        units = derived.unit_search()

        def keep(row: TaskRow) -> bool:
            if overdue and row.status != "overdue":
                return False
            if status is not None and not (
                row.status == status or (status == "done" and row.status.startswith("done"))
            ):
                return False
            if lead is not None and row.lead_id != lead:
                return False
            if lead_words:
                name = units.get(row.lead_id, "")
                if not all(w in name for w in lead_words):
                    return False
            if low is not None and not (row.due and row.due >= low):
                return False
            if high is not None and not (row.due and row.due <= high):
                return False
            return not words or all(w in derived.folded(row) for w in words)

        return keep

    def apply_filters(self) -> None:
        rows = self.app.derived.tasks()
        self.total = len(rows)
        keep = self.predicate()
        shown = [r for r in rows if keep(r)]
        self.table.set_rows(shown)
        self.query_one("#task-count", Static).update(
            t("ui.count", self.lang, shown=len(shown), total=self.total)
        )
        flags = t("ui.filter.overdue_on", self.lang) if self.overdue_only else ""
        self.query_one("#task-flags", Static).update(flags)

    @on(Input.Changed)
    def _filter_typed(self, event: Input.Changed) -> None:
        self.apply_filters()

    @on(PickField.Picked)
    def _filter_picked(self, event: PickField.Picked) -> None:
        self.apply_filters()

    @on(Input.Submitted)
    def _filter_done(self, event: Input.Submitted) -> None:
        self.table.focus()

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#task-text", Input))  # at once: keys typed next land there

    def action_overdue(self) -> None:
        self.overdue_only = not self.overdue_only
        self.apply_filters()

    def action_clear(self) -> None:
        for selector in ("#task-text", "#due-from", "#due-to"):
            self.query_one(selector, Input).value = ""
        for picker in self.query(PickField):
            picker.pick(None)
        self.overdue_only = False
        self.apply_filters()

    def action_back(self) -> None:
        if not isinstance(self.focused, VirtualTable):
            self.table.focus()
            return
        super().action_back()

    # ----------------------------------------------------------- quick edits
    @on(VirtualTable.Selected, "#tasks")
    def _open(self, event: VirtualTable.Selected) -> None:
        self.app.edit_record("task", event.row.id)

    def action_add(self) -> None:
        self.app.edit_record("task", None)

    def _current(self) -> TaskRow | None:
        row = self.table.current
        return row if isinstance(row, TaskRow) else None

    def _save(self, row: TaskRow, changes: dict[str, Any], what: str) -> None:
        try:
            self.app.editor.save("task", row.id, changes, what=f"{what}: {safe_display(row.title)}")
        except SotayError as exc:
            self.show_error(exc)

    def action_status(self) -> None:
        row = self._current()
        if row is None:
            return
        options = [(code, t(f"status.{code}", self.lang)) for code in TASK_STATUSES]
        stored = "done" if row.status.startswith("done") else row.status
        current = self.app.store.get(row.id)
        if current is not None:
            stored = str(current.flat.get("status") or stored)

        def chosen(code: str | None) -> None:
            if code:
                self._save(row, {"status": code}, t("ui.key.status", self.lang))

        title = t("ui.task.status_prompt", self.lang, title=safe_display(row.title))
        self.app.push_screen(ChooseScreen(title, options, stored), chosen)

    def action_progress(self) -> None:
        row = self._current()
        if row is None:
            return

        def check(text: str) -> Any:
            return check_field("task", "progress", text)

        def entered(value: Any) -> None:
            if value is not None:
                self._save(row, {"progress": value}, t("ui.key.progress", self.lang))

        question = t("ui.task.progress_prompt", self.lang, title=safe_display(row.title))
        current = "" if row.progress is None else str(row.progress)
        self.app.push_screen(PromptScreen(question, current, check), entered)

    def action_bump(self, delta: int) -> None:
        row = self._current()
        if row is None:
            return
        value = max(0, min(100, (row.progress or 0) + delta))
        self._save(row, {"progress": value}, t("ui.key.progress", self.lang))

    def action_delete(self) -> None:
        row = self._current()
        if row is not None:
            self.app.confirm_delete(row.id)

    def action_history(self) -> None:
        row = self._current()
        if row is not None:
            self.app.show_history(row.id)
