"""Nhập kế hoạch / Import a plan's task table: choose the file and the plan, preview every
row (with its line number, the units it matched and its errors), then confirm to import the
good rows in one transaction.  Reading and saving run in worker threads; the preview is a
virtual table, so 5,000 rows appear as fast as 50."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, ProgressBar, Static

from documents import plan_import
from domain.errors import SotayError
from domain.i18n import t
from domain.text import fold, safe_display
from tui.present import said
from tui.screens.base import FormSectionScreen
from tui.widgets.table import Column, VirtualTable

COLUMNS = [
    Column("line", "importer.col_line", 6, align="right"),
    Column("state", "importer.col_state", 14),
    Column("title", "importer.col_task", 30, flex=True),
    Column("lead", "importer.col_lead", 20),
    Column("issue", "importer.col_issue", 36, flex=True),
]
WORDS = {
    "#import-title": "importer.title",
    "#label-file": "importer.file",
    "#label-plan": "importer.plan",
}


@dataclass(slots=True)
class PreviewRow:
    line: int
    cells: dict[str, str]
    style: str | None


class ImportScreen(FormSectionScreen):
    """The Nhập kế hoạch section; ``path`` and ``plan_id`` fill the form in advance."""

    section_key = "ui.nav.import"
    AUTO_FOCUS = "#preview"  # not a text field: the number keys still switch sections
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "preview", "ui.key.preview"),
    ]

    class Previewed(Message):
        def __init__(self, preview: plan_import.Preview) -> None:
            super().__init__()
            self.preview = preview

    class Saved(Message):
        def __init__(self, counts: dict[str, int]) -> None:
            super().__init__()
            self.counts = counts

    class Progress(Message):
        def __init__(self, rows: int) -> None:
            super().__init__()
            self.rows = rows

    def __init__(self, path: Path | str | None = None, plan_id: str | None = None) -> None:
        super().__init__()
        self.initial_path, self.initial_plan = path, plan_id
        self.result: plan_import.Preview | None = None

    def compose_main(self) -> ComposeResult:
        with Vertical(id="import-form"):
            yield Static("", id="import-title")
            with Horizontal(classes="row"):
                yield Label("", id="label-file")
                yield Input(str(self.initial_path or ""), id="file")
                yield Label("", id="label-plan")
                yield Input(self.initial_plan or "", id="plan")
            with Horizontal(classes="row"):
                yield Button("", id="preview", variant="primary")
                yield Button("", id="confirm", disabled=True, variant="success")
            yield ProgressBar(total=1, id="progress", show_eta=False)
            yield Static("", id="status")
        yield VirtualTable(
            COLUMNS,
            cell=lambda row, key: row.cells.get(key, ""),
            row_id=lambda row: str(row.line),
            row_class=lambda row: row.style,
            sort_key=self._sort_key,
            label=lambda key: t(key, self.lang),
            empty=lambda: "",
            id="rows",
        )

    @staticmethod
    def _sort_key(row: Any, key: str) -> Any:
        return row.line if key == "line" else fold(row.cells.get(key, ""))

    def relabel(self) -> None:
        for selector, key in WORDS.items():
            shown = escape(t(key, self.lang))
            self.query_one(selector, Static).update(
                f"[b]{shown}[/b]" if key == "importer.title" else shown
            )
        self.query_one("#preview", Button).label = t("importer.preview", self.lang)
        good = len(self.result.good) if self.result is not None else 0
        self.query_one("#confirm", Button).label = (
            t("importer.confirm", self.lang, n=good)
            if good
            else t("importer.confirm_none", self.lang)
        )
        self.table.refresh()

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#rows", VirtualTable)

    def set_status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(escape(safe_display(text)))
        status.set_class(error, "error")

    def _plan_id(self, text: str) -> str:
        store = self.app.store
        text = text.strip()
        found = [p.id for p in store.list("plan") if p.flat.get("number") == text]
        return found[0] if len(found) == 1 else store.require(text).id

    @on(Button.Pressed, "#preview")
    def action_preview(self) -> None:
        path = Path(self.query_one("#file", Input).value.strip()).expanduser()
        try:
            plan_id = self._plan_id(self.query_one("#plan", Input).value)
        except SotayError as exc:
            self.set_status(said(exc, self.lang), error=True)
            return
        self.query_one("#confirm", Button).disabled = True
        self.set_status(t("importer.reading", self.lang))
        self.read(path, plan_id)

    @work(thread=True, exit_on_error=False, exclusive=True, group="import")
    def read(self, path: Path, plan_id: str) -> None:

        def progress(rows: int) -> None:
            self.post_message(self.Progress(rows))

        result = plan_import.preview(self.app.store, path, plan_id, self.lang, progress=progress)
        self.post_message(self.Previewed(result))

    def worker_failed(self, error: SotayError) -> None:
        self.query_one("#progress", ProgressBar).update(total=1, progress=1)
        self.set_status(said(error, self.lang), error=True)

    @on(Progress)
    def _progress(self, event: Progress) -> None:
        self.query_one("#progress", ProgressBar).update(total=None, progress=event.rows)

    def _row(self, row: plan_import.RowResult) -> PreviewRow:
        state = "error" if row.errors else row.state
        lead = self.app.store.get(str(row.fields.get("lead_unit_id") or ""))
        cells = {
            "line": str(row.line),
            "state": t(f"importer.state.{state}", self.lang),
            "title": row.cells.get("title", ""),
            "lead": lead.title if lead is not None else row.cells.get("lead", ""),
            "issue": "; ".join([*row.errors, *row.notes]),
        }
        return PreviewRow(row.line, cells, "overdue" if row.errors else None)

    @on(Previewed)
    def _previewed(self, event: Previewed) -> None:
        self.query_one("#progress", ProgressBar).update(total=1, progress=1)
        self.result = event.preview
        self.table.set_rows([self._row(row) for row in event.preview.rows])
        good, bad = len(event.preview.good), len(event.preview.bad)
        same = event.preview.counts().get("same", 0)
        self.set_status(t("out.import_summary", self.lang, good=good, bad=bad, same=same))
        confirm = self.query_one("#confirm", Button)
        confirm.label = t("importer.confirm", self.lang, n=good)
        confirm.disabled = good == 0

    @on(Button.Pressed, "#confirm")
    def confirm(self) -> None:
        if self.result is None or not self.result.good:
            return
        self.query_one("#confirm", Button).disabled = True
        self.save(self.result)

    @work(thread=True, exit_on_error=False, exclusive=True, group="import")
    def save(self, result: plan_import.Preview) -> None:
        self.post_message(self.Saved(plan_import.save(self.app.store, result)))

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self.set_status(t("out.import_done", self.lang, **event.counts))
        self.result = None
