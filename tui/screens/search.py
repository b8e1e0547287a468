"""``/``: search every kind of record as you type, accents optional ("ung dung" finds
"ứng dụng"); Enter opens the highlighted result where it lives (the top one until ↓ moves
the highlight), and leaving that record comes back to where the search began.  The key bar
under the box is the search's own."""

from __future__ import annotations

from typing import ClassVar

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from domain.dates import format_date
from domain.i18n import Lang, t
from domain.text import safe_display
from sync.record import Record
from tui.app import Relabels, SotayApp
from tui.widgets.frame import KeyBar
from tui.widgets.table import Column, VirtualTable

LIMIT = 200
COLUMNS = [
    Column("kind", "ui.col.kind", 16, sortable=False),
    Column("title", "field.title", 30, flex=True, sortable=False),
    Column("detail", "ui.col.detail", 22, sortable=False),
]


def describe_hit(record: Record, lang: str) -> dict[str, str]:
    flat = record.flat
    detail = ""
    for key in ("number", "stt", "abbr", "position", "date", "due"):
        value = flat.get(key)
        if value:
            detail = format_date(value) if key in ("date", "due") else safe_display(value)
            break
    return {
        "kind": t(f"kind.{record.kind}", "en" if lang == "en" else "vi"),
        "title": safe_display(record.title),
        "detail": detail,
    }


class SearchScreen(Relabels, ModalScreen[None]):
    app = getters.app(SotayApp)

    BINDINGS: ClassVar[list[BindingType]] = [
        # before the field's own Enter: always the highlighted row, wherever the focus is
        Binding("enter", "open_current", "ui.key.open", priority=True),
        Binding("escape", "close", "ui.key.back"),
        Binding("down", "into_results", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._found: int | None = None  # records found for the query typed (None: no query)

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Input(placeholder=t("ui.search.placeholder", self.lang), id="search-input")
            yield Static("", id="search-count")
            yield VirtualTable(
                COLUMNS,
                cell=self._cell,
                row_id=lambda r: r.id,
                label=lambda key: t(key, self.lang),
                empty=lambda: "",
                id="search-results",
            )
        yield KeyBar(id="key-bar")

    @property
    def lang(self) -> Lang:
        return self.app.ui_lang

    def on_mount(self) -> None:
        self.query_one("#search-input", Input).focus()
        self.watch(self.app, "lang", lambda _lang: self.relabel(), init=False)

    def relabel(self) -> None:
        """The words in the new language; the results and the highlighted one stay."""
        self.query_one("#search-input", Input).placeholder = t("ui.search.placeholder", self.lang)
        self.query_one("#search-count", Static).update(self._count_text())
        self.query_one("#search-results", VirtualTable).refresh()  # the kinds' names

    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    def _cell(self, record: Record, key: str) -> str:
        """Cells are made only for the results on screen, not for all two hundred."""
        return describe_hit(record, self.lang)[key]

    def run_search(self, query: str) -> list[Record]:
        app = self.app
        found = app.store.search(query, limit=LIMIT + 1) if query.strip() else []
        rows = found[:LIMIT]
        self.query_one("#search-results", VirtualTable).set_rows(rows, follow=False)
        self._found = len(found) if query.strip() else None
        self.query_one("#search-count", Static).update(self._count_text())
        return rows

    def _count_text(self) -> str:
        if self._found is None:
            return ""
        if self._found > LIMIT:
            return t("ui.search.more", self.lang, count=LIMIT)
        return t("ui.search.results", self.lang, count=self._found)

    def action_open_current(self) -> None:
        table = self.query_one("#search-results", VirtualTable)
        if table.current is not None:
            self._open(table.current)

    @on(VirtualTable.Selected, "#search-results")
    def _selected(self, event: VirtualTable.Selected) -> None:
        self._open(event.row)

    def _open(self, row: Record) -> None:
        self.dismiss(None)
        self.app.open_record(row.id, back_here=True)

    def action_into_results(self) -> None:
        """↓ from the field: into the results, on the row after the highlighted top one."""
        table = self.query_one("#search-results", VirtualTable)
        if table.rows:
            self.set_focus(table)
            table.move_cursor(table.cursor + 1)

    def action_close(self) -> None:
        self.dismiss(None)
