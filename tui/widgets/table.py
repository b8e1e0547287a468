"""A virtualised table: Textual's Line API over any sequence of rows.

Every cell passes through :func:`domain.text.safe_display` (terminal escapes and control
characters removed) and is drawn as plain text, never as markup.  Only the visible lines
are ever drawn (``render_line`` asks for the cells of the rows on
screen), so a list of 10k or 100k rows appears, scrolls and re-filters in the time it takes
to draw one screenful.  The rows are plain Python objects; the screen that owns the table
supplies how to read a cell, a row's ID, its style class and its sort key.

Keys: ↑↓ (or j k) PgUp PgDn Home End (or g G) move, Enter selects, ``s`` sorts by the next
column, ``r`` reverses the order.  The header stays on the first line while the rows scroll
under it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from domain.text import safe_display

CellGetter = Callable[[Any, str], str]
MIN_FLEX = 12
SortKey = Callable[[Any, str], Any]


@dataclass(frozen=True)
class Column:
    key: str
    label_key: str
    width: int
    flex: bool = False
    align: str = "left"
    sortable: bool = True


def fit(text: str, width: int, align: str = "left") -> str:
    """``text`` on one line, exactly ``width`` cells: clipped with an ellipsis or padded."""
    if "\n" in text or "\t" in text:
        text = " ".join(text.split())
    length = len(text) if text.isascii() else cell_len(text)
    if length > width:
        if width <= 1:
            return set_cell_size(text, width)
        return set_cell_size(text, width - 1) + "…"
    pad = " " * (width - length)
    return pad + text if align == "right" else text + pad


class VirtualTable(ScrollView, can_focus=True):
    """A sortable table of any number of rows that renders only what is visible."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--cursor-blurred",
        "virtual-table--overdue",
        "virtual-table--done",
        "virtual-table--muted",
        "virtual-table--group",
        "virtual-table--pending",
        "virtual-table--empty",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", show=False),
        Binding("down,j", "cursor(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home,g", "jump(0)", show=False),
        Binding("end,G,shift+g", "jump(-1)", show=False),
        Binding("enter", "select", "ui.key.open"),
        Binding("s", "sort_next", "ui.key.sort", show=False),
        Binding("r", "reverse", "ui.key.reverse", show=False),
    ]

    class _RowMessage(Message):
        def __init__(self, table: VirtualTable, row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> VirtualTable:
            return self.table

    class Highlighted(_RowMessage):
        """The cursor moved to ``row``."""

    class Selected(_RowMessage):
        """Enter on ``row``."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        cell: CellGetter,
        row_id: Callable[[Any], str],
        row_class: Callable[[Any], str | None] | None = None,
        sort_key: SortKey | None = None,
        label: Callable[[str], str] = str,
        empty: Callable[[], str] = lambda: "",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self._cell = cell
        self._row_id = row_id
        self._row_class = row_class
        self._sort_key = sort_key
        self._label = label
        self._empty = empty
        self.rows: list[Any] = []
        self.cursor = 0
        self.sort_column: str | None = None
        self.sort_reverse = False

    # ------------------------------------------------------------------ data
    @property
    def current(self) -> Any | None:
        """The row under the cursor (``None`` for an empty table)."""
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def set_rows(
        self, rows: Sequence[Any], *, keep: str | None = None, follow: bool = True
    ) -> None:
        """Show ``rows`` (sorted by the current sort column); the cursor stays on the same row
        ID if it is still there (unless not ``follow``: search results start at the top),
        else on ``keep``, else at the top."""
        current = self._row_id(self.current) if follow and self.current is not None else None
        previous = keep or current
        self.rows = self._sorted(rows)
        self.cursor = 0
        if previous is not None:
            for index, row in enumerate(self.rows):
                if self._row_id(row) == previous:
                    self.cursor = index
                    break
        self._update_size()
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def _sorted(self, rows: Sequence[Any]) -> list[Any]:
        if self.sort_column is None or self._sort_key is None:
            return list(rows)
        key, column = self._sort_key, self.sort_column
        return sorted(rows, key=lambda row: key(row, column), reverse=self.sort_reverse)

    def sort_by(self, column: str | None, reverse: bool = False) -> None:
        self.sort_column = column
        self.sort_reverse = reverse
        self.set_rows(self.rows)

    # ---------------------------------------------------------------- layout
    def _widths(self, available: int) -> list[int]:
        """Column widths for ``available`` cells: flexible columns share what is left, and
        give it back (down to :data:`MIN_FLEX` cells) when the screen is narrow."""
        widths = [c.width for c in self.columns]
        flex = [i for i, c in enumerate(self.columns) if c.flex]
        spare = available - 1 - sum(widths) - (len(widths) - 1)
        if not flex or spare == 0:
            return widths
        if spare > 0:
            share, extra = divmod(spare, len(flex))
            for n, i in enumerate(flex):
                widths[i] += share + (1 if n < extra else 0)
            return widths
        for i in flex:
            give = min(-spare, widths[i] - MIN_FLEX)
            if give > 0:
                widths[i] -= give
                spare += give
        return widths

    def _update_size(self) -> None:
        width = max(1, self.scrollable_content_region.width)
        total = 1 + sum(self._widths(width)) + len(self.columns) - 1
        self.virtual_size = Size(max(width, total), len(self.rows) + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._update_size()
        self.refresh()

    # ---------------------------------------------------------------- render
    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        widths = self._widths(width)
        if y == 0:
            strip = self._header(widths, base + self._style("virtual-table--header"))
        else:
            index = self.scroll_offset.y + y - 1
            if index < len(self.rows):
                strip = self._row(index, widths, base)
            elif index == 0:
                text = fit(" " + self._empty(), max(width, 1))
                strip = Strip([Segment(text, base + self._style("virtual-table--empty"))])
            else:
                return Strip.blank(width, base)
        return strip.crop_extend(self.scroll_offset.x, self.scroll_offset.x + width, base)

    def _header(self, widths: list[int], style: Style) -> Strip:
        parts = []
        for column, width in zip(self.columns, widths, strict=True):
            text = self._label(column.label_key)
            if column.key == self.sort_column:
                text += " ▼" if self.sort_reverse else " ▲"
            parts.append(fit(text, width, column.align))
        return Strip([Segment(" " + " ".join(parts), style)])

    def _row(self, index: int, widths: list[int], base: Style) -> Strip:
        row = self.rows[index]
        style = base
        kind = self._row_class(row) if self._row_class is not None else None
        if kind:
            style = style + self._style(f"virtual-table--{kind}")
        if index == self.cursor:
            name = "virtual-table--cursor" if self.has_focus else "virtual-table--cursor-blurred"
            style = style + self._style(name)
        cells = [
            fit(safe_display(self._cell(row, c.key)), w, c.align)
            for c, w in zip(self.columns, widths, strict=True)
        ]
        return Strip([Segment(" " + " ".join(cells), style)])

    # ------------------------------------------------------------- movement
    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_offset.y)
        visible = self._visible_rows()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False)

    def move_cursor(self, index: int) -> None:
        if not self.rows:
            return
        index = max(0, min(len(self.rows) - 1, index))
        if index == self.cursor:
            return
        self.cursor = index
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def select_id(self, row_id: str) -> bool:
        for index, row in enumerate(self.rows):
            if self._row_id(row) == row_id:
                self.move_cursor(index)
                return True
        return False

    def action_cursor(self, delta: int) -> None:
        self.move_cursor(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self.cursor + direction * self._visible_rows())

    def action_jump(self, where: int) -> None:
        self.move_cursor(len(self.rows) - 1 if where < 0 else 0)

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self, self.current))

    def action_sort_next(self) -> None:
        keys = [c.key for c in self.columns if c.sortable]
        if not keys or self._sort_key is None:
            return
        position = keys.index(self.sort_column) + 1 if self.sort_column in keys else 0
        self.sort_by(keys[position] if position < len(keys) else None)

    def action_reverse(self) -> None:
        if self._sort_key is None:
            return
        if self.sort_column is None:
            self.rows.reverse()
            self.refresh()
            return
        self.sort_by(self.sort_column, not self.sort_reverse)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            self._click_header(event.x + self.scroll_offset.x)
            return
        index = self.scroll_offset.y + event.y - 1
        if 0 <= index < len(self.rows):
            self.move_cursor(index)
            if event.chain >= 2:
                self.action_select()

    def _click_header(self, x: int) -> None:
        edge = 1
        for column, width in zip(
            self.columns, self._widths(self.scrollable_content_region.width), strict=True
        ):
            if x < edge + width + 1:
                if column.sortable and self._sort_key is not None:
                    same = column.key == self.sort_column
                    self.sort_by(column.key, not self.sort_reverse if same else False)
                return
            edge += width + 1
