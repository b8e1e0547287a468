"""Nhập kế hoạch / Import a plan's task table: choose the file and the plan, preview every
row (with its line number, the units it matched and its errors), then confirm to import the
good rows in one transaction.  Reading and saving run in worker threads."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, ProgressBar, Static

from domain.errors import SotayError
from domain.i18n import Lang, label, message, register
from domain.text import safe_display
from sync.store import Store
from tui.outputs import plan_import

register(labels={
    "importer.title": ("Nhập bảng nhiệm vụ của kế hoạch", "Import a plan's task table"),
    "importer.file": ("Tệp (.csv, .xlsx)", "File (.csv, .xlsx)"),
    "importer.plan": ("Kế hoạch (mã hoặc số hiệu)", "Plan (ID or number)"),
    "importer.preview": ("Xem trước", "Preview"),
    "importer.confirm": ("Nhập {n} dòng hợp lệ", "Import {n} good rows"),
    "importer.confirm_none": ("Nhập", "Import"),
    "importer.reading": ("Đang đọc tệp…", "Reading the file…"),
    "importer.col_line": ("Dòng", "Line"),
    "importer.col_state": ("Tình trạng", "State"),
    "importer.col_task": ("Nội dung nhiệm vụ", "Task"),
    "importer.col_lead": ("Chủ trì", "Lead"),
    "importer.col_issue": ("Lỗi / ghi chú", "Errors / notes"),
    "importer.state.new": ("Mới", "New"),
    "importer.state.update": ("Cập nhật", "Update"),
    "importer.state.same": ("Đã có", "Already there"),
    "importer.state.error": ("Lỗi", "Error"),
    "importer.state.heading": ("Tiêu đề nhóm", "Group heading"),
})


class ImportScreen(Screen[None]):
    """Self-contained: ``ImportScreen(store, lang="vi", path=None, plan_id=None)``."""

    CSS_PATH = "importer.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+p", "preview", "Xem trước / Preview", show=True),
        Binding("escape", "app.pop_screen", "Đóng / Close", show=True),
    ]

    class Previewed(Message):
        def __init__(self, preview: plan_import.Preview | None, error: str | None) -> None:
            super().__init__()
            self.preview, self.error = preview, error

    class Saved(Message):
        def __init__(self, counts: dict[str, int] | None, error: str | None) -> None:
            super().__init__()
            self.counts, self.error = counts, error

    class Progress(Message):
        def __init__(self, rows: int) -> None:
            super().__init__()
            self.rows = rows

    def __init__(self, store: Store, lang: Lang = "vi", path: Path | str | None = None,
                 plan_id: str | None = None) -> None:
        super().__init__()
        self.store, self.lang = store, lang
        self.initial_path, self.initial_plan = path, plan_id
        self.result: plan_import.Preview | None = None

    def t(self, key: str, **params: object) -> str:
        return label(key, self.lang).format(**params) if params else label(key, self.lang)

    def compose(self) -> ComposeResult:
        with Vertical(id="import-form"):
            yield Static(f"[b]{escape(self.t('importer.title'))}[/b]")
            with Horizontal(classes="row"):
                yield Label(self.t("importer.file"))
                yield Input(str(self.initial_path or ""), id="file")
                yield Label(self.t("importer.plan"))
                yield Input(self.initial_plan or "", id="plan")
            with Horizontal(classes="row"):
                yield Button(self.t("importer.preview"), id="preview", variant="primary")
                yield Button(self.t("importer.confirm_none"), id="confirm", disabled=True,
                             variant="success")
            yield ProgressBar(total=None, id="progress", show_eta=False)
            yield Static("", id="status")
        yield DataTable(id="rows", zebra_stripes=True, cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#rows", DataTable)
        for key in ("col_line", "col_state", "col_task", "col_lead", "col_issue"):
            table.add_column(self.t(f"importer.{key}"), key=key)

    def set_status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(escape(safe_display(text)))
        status.set_class(error, "error")

    def _plan_id(self, text: str) -> str:
        text = text.strip()
        found = [p.id for p in self.store.list("plan") if p.flat.get("number") == text]
        return found[0] if len(found) == 1 else self.store.require(text).id

    @on(Button.Pressed, "#preview")
    def action_preview(self) -> None:
        path = Path(self.query_one("#file", Input).value.strip()).expanduser()
        try:
            plan_id = self._plan_id(self.query_one("#plan", Input).value)
        except SotayError as exc:
            self.set_status(exc.message(self.lang), error=True)
            return
        self.query_one("#confirm", Button).disabled = True
        self.set_status(self.t("importer.reading"))
        self.read(path, plan_id)

    @work(thread=True, exit_on_error=False, exclusive=True, group="import")
    def read(self, path: Path, plan_id: str) -> None:
        try:
            def progress(rows: int) -> None:
                self.post_message(self.Progress(rows))

            result = plan_import.preview(self.store, path, plan_id, self.lang, progress=progress)
            self.post_message(self.Previewed(result, None))
        except SotayError as exc:
            self.post_message(self.Previewed(None, exc.message(self.lang)))

    @on(Progress)
    def _progress(self, event: Progress) -> None:
        self.query_one("#progress", ProgressBar).update(total=None, progress=event.rows)

    def _row_cells(self, row: plan_import.RowResult) -> list[Text | str]:
        state = "error" if row.errors else row.state
        lead = self.store.get(str(row.fields.get("lead_unit_id") or ""))
        issues = "; ".join([*row.errors, *row.notes])
        style = "bold red" if row.errors else ("yellow" if row.notes else "")
        return [str(row.line), Text(self.t(f"importer.state.{state}"), style=style),
                Text(safe_display(row.cells.get("title", ""))),
                Text(safe_display(lead.title if lead is not None else row.cells.get("lead", ""))),
                Text(safe_display(issues), style=style)]

    @on(Previewed)
    def _previewed(self, event: Previewed) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=1, progress=1)
        if event.preview is None:
            self.set_status(event.error or "", error=True)
            return
        self.result = event.preview
        table = self.query_one("#rows", DataTable)
        table.clear()
        for row in event.preview.rows:
            table.add_row(*self._row_cells(row), key=str(row.line))
        good, bad = len(event.preview.good), len(event.preview.bad)
        same = event.preview.counts().get("same", 0)
        self.set_status(message("out.import_summary", self.lang, good=good, bad=bad, same=same))
        confirm = self.query_one("#confirm", Button)
        confirm.label = self.t("importer.confirm", n=good)
        confirm.disabled = good == 0

    @on(Button.Pressed, "#confirm")
    def confirm(self) -> None:
        if self.result is None or not self.result.good:
            return
        self.query_one("#confirm", Button).disabled = True
        self.save(self.result)

    @work(thread=True, exit_on_error=False, exclusive=True, group="import")
    def save(self, result: plan_import.Preview) -> None:
        try:
            self.post_message(self.Saved(plan_import.save(self.store, result), None))
        except SotayError as exc:
            self.post_message(self.Saved(None, exc.message(self.lang)))

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        if event.counts is None:
            self.set_status(event.error or "", error=True)
            return
        self.set_status(message("out.import_done", self.lang, **event.counts))
        self.result = None
