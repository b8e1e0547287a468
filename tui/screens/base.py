"""The screen every section and editor is built on, and the generic record list."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar

from textual import events, getters, on
from textual._context import NoActiveAppError
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from domain.errors import SotayError
from domain.i18n import Lang, t
from domain.text import fold
from sync.record import Record
from tui.app import SotayApp, failure_of, is_editor, is_typing
from tui.present import said
from tui.widgets.frame import KeyBar, Sidebar, StatusLine, TitleBar
from tui.widgets.table import Column, VirtualTable

#: A list of more records than this is built on a worker thread (see
#: :meth:`SotayScreen.build_then_show`): 39,500 projects took ~1 s on the interface's thread.
BACKGROUND_ROWS = 5_000


class RowsBuilt(Message):
    """Rows a worker thread built, for the screen that asked (``show`` draws them)."""

    def __init__(self, generation: int, show: Callable[[Any], None], rows: Any) -> None:
        super().__init__()
        self.generation = generation
        self.show = show
        self.rows = rows


@dataclass
class TextStep:
    """One stretch of typing in one field of a form: its text before and after."""

    widget: Input
    before: str
    after: str


class SotayScreen(Screen[Any]):
    """A screen inside the frame: title bar, sidebar, status line and key bar.

    Subclasses give ``compose_main`` and ``refresh_data``; the data is refreshed when the
    store changes (at once if the screen is showing, else when it is shown again) and the
    words are redrawn when the language changes (``relabel``).

    Keys have modes: in an editor (a screen with ``dirty``, see :func:`tui.app.is_editor`)
    printable keys only ever type, so the app's one-key shortcuts (``u``, ``/``, ``?``, the
    digits) act only on lists; there Ctrl+Z / Ctrl+Y undo and redo the form's own text,
    one stretch of typing in one field at a time.
    """

    app = getters.app(SotayApp)
    #: the title bar's words (a class's own, or an instance's, as in the record form)
    section_key: str = "ui.app.title"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "ui.key.back", show=False)]

    def __init__(self, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self._stale = False
        #: Textual calls ``on_mount`` of every class in the MRO, and the screens call
        #: ``super().on_mount()`` too: the data is read once, the watches set once
        self._mounted = False
        #: not yet suspended: its widgets have the styles they took when they mounted
        self._fresh = True
        self._take_breakpoint()
        self._text_undo: list[TextStep] = []
        self._text_redo: list[TextStep] = []
        self._text_known: dict[Input, str] = {}
        self._typing: Input | None = None
        #: the rows of a long list are being built on a worker thread (build_then_show);
        #: not Textual's ``loading``, which would cover the whole screen, frame and keys too
        self.rows_loading = False
        self._built = 0  # the number of the last build asked for: an older one is dropped

    def _take_breakpoint(self) -> None:
        """The width class (``-narrow`` / ``-wide``) from the start: set by the first resize,
        it restyled every widget of a section as it first opened (~50 ms with 10k tasks)."""
        try:
            app = self.app
        except NoActiveAppError:
            return
        points = app.HORIZONTAL_BREAKPOINTS or []
        on = self._get_breakpoint_classes(app.size.width, points)
        self.update_classes({name: name in on for _, name in points}, update=False)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """An editor consumes every printable key: Textual then drops the app's bindings
        of those keys while the editor is on screen (none of its own are printable)."""
        return is_editor(self) and is_typing(key, character)

    # ------------------------------------------------------- a form's own text
    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._typing = None
        if isinstance(event.widget, Input):
            self._text_known[event.widget] = event.widget.value

    @on(Input.Changed)
    def _text_changed(self, event: Input.Changed) -> None:
        widget = event.input
        before = self._text_known.get(widget)
        self._text_known[widget] = event.value
        if before is None or before == event.value or not is_editor(self):
            return
        self._text_redo.clear()
        if self._typing is widget and self._text_undo and self._text_undo[-1].widget is widget:
            self._text_undo[-1].after = event.value
        else:
            self._text_undo.append(TextStep(widget, before, event.value))
            self._typing = widget

    def undo_text(self, undo: bool = True) -> None:
        """Ctrl+Z (``undo``) / Ctrl+Y: the last stretch of typing in this form, nothing else."""
        source, target = (
            (self._text_undo, self._text_redo) if undo else (self._text_redo, self._text_undo)
        )
        while source and not source[-1].widget.is_attached:
            source.pop()  # a field removed since (a meeting's conclusion item)
        if not source:
            self.app.say("ui.form.nothing_to_undo" if undo else "ui.form.nothing_to_redo")
            return
        step = source.pop()
        target.append(step)
        text = step.before if undo else step.after
        self.set_focus(step.widget)
        self._typing = None
        self._text_known[step.widget] = text
        step.widget.value = text
        step.widget.cursor_position = len(text)

    @property
    def lang(self) -> Lang:
        return self.app.ui_lang

    def compose(self) -> ComposeResult:
        yield TitleBar(self.section_key, id="title-bar")
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar")
            with Vertical(id="main"):
                yield from self.compose_main()
        yield StatusLine(id="status-line")
        yield KeyBar(id="key-bar")

    def compose_main(self) -> ComposeResult:
        yield from ()

    def empty_text(self) -> str:
        """What an empty list of this screen says: loading, while it is being built."""
        return t("ui.loading" if self.rows_loading else "ui.empty", self.lang)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Mount) and not self.is_attached:
            return  # the app is closing and took this screen (built ahead) before it mounted
        await super().on_event(event)

    def on_mount(self) -> None:
        if self._mounted:
            return
        self._mounted = True
        self.watch(self.app, "revision", self._store_changed, init=False)
        self.watch(self.app, "lang", self._lang_changed, init=False)
        self.refresh_data()
        self.relabel()

    def _store_changed(self, _revision: int) -> None:
        if self.is_current:
            self.refresh_data()
        else:
            self._stale = True

    def _lang_changed(self, _lang: str) -> None:
        self.relabel()
        if self.is_current:
            self.refresh_data()
        else:
            self._stale = True

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if self._fresh:  # a new section is resumed twice: restyling it (~50 ms) changes nothing
            event.refresh_styles = False
        self.query_one(Sidebar).relabel()
        if self._stale:
            self._stale = False
            self.refresh_data()

    def on_screen_suspend(self) -> None:
        self._fresh = False

    def refresh_data(self) -> None:
        """Redraw from the store (cheap: reads come from the app's derived caches)."""

    def relabel(self) -> None:
        """Redraw fixed words in the current language."""

    def build_then_show(
        self, build: Callable[[], Any], show: Callable[[Any], None], *, records: int
    ) -> None:
        """``show(build())``: at once for a short list, and for one of more than
        :data:`BACKGROUND_ROWS` records with ``build`` on a worker thread, so the screen opens
        at once, says it is loading (``rows_loading``, :meth:`loading_changed`) and its keys stay
        live; the rows are shown when they are built, unless a newer build was asked for
        meanwhile (a change, a language switch), whose rows are the ones shown."""
        self._built += 1
        if records <= BACKGROUND_ROWS:
            self._set_loading(False)
            show(build())
            return
        self._set_loading(True)
        work = partial(self._build_off_thread, self._built, build, show)
        self.run_worker(work, thread=True, group="rows", exit_on_error=False)

    def _build_off_thread(
        self, generation: int, build: Callable[[], Any], show: Callable[[Any], None]
    ) -> None:
        self.post_message(RowsBuilt(generation, show, build()))

    @on(RowsBuilt)
    def _rows_built(self, message: RowsBuilt) -> None:
        message.stop()
        if message.generation == self._built:
            self._set_loading(False)
            message.show(message.rows)

    def _set_loading(self, loading: bool) -> None:
        if loading != self.rows_loading:
            self.rows_loading = loading
            self.loading_changed()

    def loading_changed(self) -> None:
        """``rows_loading`` changed: screens whose lists build on a worker say so."""

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def show_error(self, exc: SotayError) -> None:
        self.notify(said(exc, self.lang), severity="error", markup=False, timeout=8)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one boundary of every worker a screen starts: whatever it raises (a
        :class:`SotayError` or any other exception) is shown, never a stuck "working…"."""
        if event.state is WorkerState.ERROR:
            if event.worker.group == "rows":
                self._set_loading(False)  # never a list that says "loading" for ever
            self.worker_failed(failure_of(event.worker.error))

    def worker_failed(self, error: SotayError) -> None:
        """A worker failed; screens with a status line show it there."""
        self.show_error(error)


class FormSectionScreen(SotayScreen):
    """A section that is one form above a preview (reports, import).

    Esc leaves a text field for the ``#preview`` button, so the number keys switch sections
    again."""

    def action_back(self) -> None:
        from textual.widgets import Button, TextArea  # not needed before such a screen opens

        if isinstance(self.focused, Input | TextArea):
            self.query_one("#preview", Button).focus()
            return
        super().action_back()


@dataclass(slots=True)
class ListRow:
    """A record as a list shows it: display cells, sort keys, folded text for the filter."""

    id: str
    cells: dict[str, str]
    sort: dict[str, Any] = field(default_factory=dict)
    style: str | None = None
    folded: str = ""
    record: Record | None = None


def list_row(
    record: Record | None,
    row_id: str,
    cells: dict[str, str],
    *,
    style: str | None = None,
    sort: dict[str, Any] | None = None,
) -> ListRow:
    return ListRow(row_id, cells, sort or {}, style, fold(" ".join(cells.values())), record)


def cell(row: Any, key: str) -> str:
    return str(row.cells.get(key, ""))


def sort_value(row: Any, key: str) -> Any:
    if key in row.sort:
        return row.sort[key]
    return fold(row.cells.get(key, ""))


def filter_rows(rows: Iterable[ListRow], text: str) -> list[ListRow]:
    words = fold(text).split()
    if not words:
        return list(rows)
    return [r for r in rows if all(w in r.folded for w in words)]


class ListScreen(SotayScreen):
    """A section that is a list of records with a filter line: ``a`` adds, Enter opens,
    Delete deletes (after asking), ``h`` shows the history, ``f`` filters."""

    kind: ClassVar[str] = ""
    AUTO_FOCUS = "#list"
    columns: ClassVar[list[Column]] = []
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "ui.key.add"),
        Binding("e", "edit", "ui.key.edit", show=False),
        Binding("delete", "delete", "ui.key.delete"),
        Binding("h", "history", "ui.key.history"),
        Binding("f", "filter", "ui.key.filter"),
        Binding("v", "move", "ui.key.move", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.all_rows: list[ListRow] = []

    def compose_main(self) -> ComposeResult:
        with Horizontal(classes="list-bar"):
            yield Input(placeholder="", compact=True, id="list-filter", classes="list-filter")
            yield Static("", id="list-count", classes="list-count")
        yield self.make_table()

    def make_table(self) -> VirtualTable:
        return VirtualTable(
            self.columns,
            cell=cell,
            row_id=lambda r: r.id,
            row_class=lambda r: r.style,
            sort_key=sort_value,
            label=lambda key: t(key, self.lang),
            empty=self.empty_text,
            id="list",
        )

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#list", VirtualTable)

    def on_mount(self) -> None:
        super().on_mount()
        self.table.focus()

    def relabel(self) -> None:
        self.query_one("#list-filter", Input).placeholder = t("ui.filter.text", self.lang)
        self.table.refresh()

    def build_rows(self) -> list[ListRow]:
        raise NotImplementedError

    def refresh_data(self) -> None:
        records = self.app.store.count_hint(self.kind)
        self.build_then_show(self.build_rows, self._show_rows, records=records)

    def _show_rows(self, rows: list[ListRow]) -> None:
        self.all_rows = rows
        self.apply_filter()

    def loading_changed(self) -> None:
        self.apply_filter()

    def apply_filter(self) -> None:
        text = self.query_one("#list-filter", Input).value
        shown = filter_rows(self.all_rows, text)
        self.table.set_rows(shown)
        self.query_one("#list-count", Static).update(
            t("ui.loading", self.lang)
            if self.rows_loading and not self.all_rows
            else t("ui.count", self.lang, shown=len(shown), total=len(self.all_rows))
        )

    @on(Input.Changed, "#list-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.apply_filter()

    @on(Input.Submitted, "#list-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.table.focus()

    def action_filter(self) -> None:
        # at once, not after the keys already typed: "f mot cua" lands in the filter
        self.set_focus(self.query_one("#list-filter", Input))

    def action_back(self) -> None:
        if self.query_one("#list-filter", Input).has_focus:
            self.table.focus()
            return
        super().action_back()

    @on(VirtualTable.Selected, "#list")
    def _open(self, event: VirtualTable.Selected) -> None:
        self.open_row(event.row)

    def open_row(self, row: ListRow) -> None:
        self.app.edit_record(self.kind, row.id)

    def action_add(self) -> None:
        self.app.edit_record(self.kind, None)

    def action_edit(self) -> None:
        row = self.table.current
        if row is not None:
            self.app.edit_record(self.kind, row.id)

    def action_delete(self) -> None:
        row = self.table.current
        if row is not None:
            self.app.confirm_delete(row.id)

    def action_history(self) -> None:
        row = self.table.current
        if row is not None:
            self.app.show_history(row.id)

    def action_move(self) -> None:
        row = self.table.current
        if row is not None:
            self.app.ask_move(row.id)
