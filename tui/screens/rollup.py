"""Tình hình các đơn vị / Progress by office (the headquarters roll-up): tasks done and
overdue, target attainment and each office's last sync as the server reports it.

Figures come from the local replica at once; the server's last sync times arrive from a
worker when the server answers (unknown offline).  ``s`` sorts by the next column, ``r``
reverses; the same table is ``sotay rollup`` and a report (``sotay rollup -o FILE``)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from documents import rollup
from domain.i18n import t
from domain.text import fold
from sync.errors import SyncError
from tui.screens.base import SotayScreen
from tui.widgets.table import Column, VirtualTable

COLUMNS = [
    Column("office", "rollup.office", 30, flex=True),
    Column("tasks", "rollup.tasks", 9, align="right"),
    Column("done", "rollup.done", 11, align="right"),
    Column("overdue", "rollup.overdue", 9, align="right"),
    Column("done_pct", "rollup.done_pct", 16, align="right"),
    Column("attainment", "rollup.attainment", 17, align="right"),
    Column("last_sync", "rollup.last_sync", 17),
]


class RollupScreen(SotayScreen):
    section_key = "ui.rollup.title"
    AUTO_FOCUS = "#rollup"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f5", "fetch", "ui.key.sync")]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, rollup.OfficeRow] = {}
        self.server: list[dict[str, Any]] | None = None

    def compose_main(self) -> ComposeResult:
        yield Static("", id="rollup-title")
        yield VirtualTable(
            COLUMNS,
            cell=self._cell,
            row_id=lambda r: r.scope,
            sort_key=self._sort_key,
            label=lambda k: t(k, self.lang),
            empty=self.empty_text,
            id="rollup",
        )

    def _cell(self, row: rollup.OfficeRow, key: str) -> str:
        return rollup.cells(row, self.lang)[[c.key for c in COLUMNS].index(key)]

    @staticmethod
    def _sort_key(row: rollup.OfficeRow, key: str) -> Any:
        if key == "office":
            return fold(row.name)
        value = getattr(row, key)
        return (value is None, value if value is not None else 0)

    def on_mount(self) -> None:
        super().on_mount()
        self.action_fetch()

    def relabel(self) -> None:
        when = self.app.today().strftime("%d/%m/%Y")
        title = f"{t('rollup.title', self.lang)} {t('rollup.as_of', self.lang).format(date=when)}"
        self.query_one("#rollup-title", Static).update(f"[b]{escape(title)}[/b]")
        self.query_one(VirtualTable).refresh()

    def refresh_data(self) -> None:
        names = {u.scope: u.title for u in self.app.store.list("unit") if u.scope.count("/") == 1}
        self.rows = rollup.office_rows(self.app.store, self.app.today(), names)
        if self.server:
            rollup.merge_server(self.rows, self.server)
        table = self.query_one(VirtualTable)
        table.set_rows(rollup.sort_rows(list(self.rows.values())))

    @work(exclusive=True, exit_on_error=False, group="rollup")
    async def action_fetch(self) -> None:
        """The server's last sync per office (headquarters only; offline it stays unknown)."""
        client = self.app.sync_client
        if client is None:
            return
        try:
            self.server = await self.app.client_loop.run(client.offices())
        except SyncError:
            return
        self.refresh_data()
