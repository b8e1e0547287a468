"""A virtualised table: Textual's Line API over any sequence of rows.

Every cell passes through :func:`domain.text.safe_display` (terminal escapes and control
characters removed) and is drawn as plain text, never as markup.  Only the visible lines
are ever drawn (``render_line`` asks for the cells of the rows on
screen), so a list of 10k or 100k rows appears, scrolls and re-filters in the time it takes
to draw one screenful.  The rows are plain Python objects; the screen that owns the table
supplies how to read a cell, a row's ID, its style class and its sort key.

Columns take the width their header and their content need, measured on the rows being
drawn (never on all of them): a column only grows while the rows stay the same, so scrolling
does not shake the layout.  The flexible (title) columns take what is left; when the terminal
is too narrow they shrink first, and the full text of the highlighted row's cut cells is shown
on the table's last lines.

Keys: ↑↓ (or j k) PgUp PgDn Home End (or g G) move, Enter selects, ``s`` sorts by the next
column, ``r`` reverses the order.  The header stays on the first line while the rows scroll
under it.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from domain.text import safe_display

CellGetter = Callable[[Any, str], str]
#: a flexible column's width when there is room: it gives the rest back on a narrow screen
MIN_FLEX = 12
#: the most lines the highlighted row's cut text takes under the rows
DETAIL_LINES = 3
#: every character here is one cell wide (Latin with Vietnamese letters, punctuation,
#: arrows, box drawing); any other sends a text to Rich's slower, exact measure
_ONE_CELL = re.compile(
    "[\u0020-\u007e\u00a0-\u00ac\u00ae-\u02ff\u1e00-\u1eff"
    "\u2010-\u2027\u2030-\u205e\u20a0-\u20bf\u2190-\u21ff\u2500-\u25ff]*"
)
SortKey = Callable[[Any, str], Any]


@dataclass(frozen=True)
class Column:
    key: str
    label_key: str
    width: int
    flex: bool = False
    align: str = "left"
    sortable: bool = True
    #: on a screen too narrow for every column, the columns with a ``drop`` are hidden, the
    #: highest first (their values are then shown under the rows for the highlighted one)
    drop: int = 0


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes (one per character for Vietnamese text)."""
    if text.isascii() or _ONE_CELL.fullmatch(text):
        return len(text)
    return cell_len(text)


def one_line(text: str) -> str:
    """``text`` with its line breaks and tabs as single spaces."""
    if "\n" in text or "\t" in text:
        return " ".join(text.split())
    return text


def clean(value: str) -> str:
    """A cell's text as it is drawn: on one line, safe for a terminal."""
    return one_line(value if value.isprintable() else safe_display(value))


def fit(text: str, width: int, align: str = "left") -> str:
    """``text`` on one line, exactly ``width`` cells: clipped with an ellipsis or padded."""
    text = one_line(text)
    length = cells(text)
    if length > width:
        if width <= 1:
            return set_cell_size(text, width)
        clipped = text[: width - 1] if length == len(text) else set_cell_size(text, width - 1)
        text, length = clipped.rstrip() + "…", cells(clipped.rstrip()) + 1
    pad = " " * (width - length)
    return pad + text if align == "right" else text + pad


def _shrink(widths: list[int], floors: list[int], group: list[int], room: int) -> int:
    """Take up to ``-room`` cells from the columns of ``group``, the widest above its floor
    first; returns what is still missing (as a negative room)."""
    while room < 0:
        widest = max(group, key=lambda i: widths[i] - floors[i], default=None)
        if widest is None or widths[widest] <= floors[widest]:
            break
        widths[widest] -= 1
        room += 1
    return room


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
        "virtual-table--detail",
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
        #: per column, the widest cell drawn since the rows were last set
        self._measured = [0] * len(self.columns)
        #: the cells of the rows drawn in this paint, by row index
        self._drawn: dict[int, list[str]] = {}
        #: (width, column widths, detail lines) for the current rows and cursor
        self._laid_out: tuple[int, list[int], list[str]] | None = None
        #: the component classes' styles, looked up once per paint
        self._styles: dict[str, Style] = {}
        #: the headers the cells in ``_drawn`` were drawn under
        self._headings: list[str] = []

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
        self._forget()
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
    def _heading(self, column: Column) -> str:
        text = self._label(column.label_key)
        if column.key == self.sort_column:
            text += " ▼" if self.sort_reverse else " ▲"
        return text

    def _widths(self, available: int) -> list[int]:
        """Column widths for ``available`` cells: every column as wide as its header and its
        content; the flexible ones share what is left.  On a narrow screen the flexible ones
        shrink first (to :data:`MIN_FLEX`), then the droppable columns hide, then the
        flexible ones shrink to their header, and last the widest of the others."""
        heads = [cells(self._heading(c)) for c in self.columns]
        needs = [max(1, h, m) for h, m in zip(heads, self._measured, strict=True)]
        flex = [i for i, c in enumerate(self.columns) if c.flex]
        widths = list(needs)
        for i in flex:
            widths[i] = max(heads[i], min(MIN_FLEX, needs[i]))
        room = self._hide(widths, available)
        if room > 0 and flex:
            share, extra = divmod(room, len(flex))
            for n, i in enumerate(flex):
                widths[i] += share + (1 if n < extra else 0)
        others = [i for i in range(len(widths)) if i not in flex and widths[i]]
        for group in (flex, others):
            room = _shrink(widths, heads, group, room)
        return widths

    def _hide(self, widths: list[int], available: int) -> int:
        """Hide (width 0) the droppable columns, highest ``drop`` first, until the others
        fit; returns the room left (negative: still too wide)."""
        droppable = sorted(
            (i for i, c in enumerate(self.columns) if c.drop), key=lambda i: -self.columns[i].drop
        )
        room = available - sum(w + 1 for w in widths)  # a leading space, one between columns
        for i in droppable:
            if room >= 0:
                break
            room += widths[i] + 1
            widths[i] = 0
        return room

    def column_widths(self) -> list[int]:
        """The width of each column as drawn now (0: hidden, the screen is too narrow)."""
        return list(self._layout()[0])

    def detail(self) -> list[str]:
        """The highlighted row's text that the columns do not show (cut or hidden), as the
        lines under the rows show it."""
        return list(self._layout()[1])

    def text(self, row: Any, key: str) -> str:
        """The cell of ``row`` in column ``key``, whole, as it is drawn."""
        return clean(self._cell(row, key))

    def _layout(self) -> tuple[list[int], list[str]]:
        """The column widths and the highlighted row's cut text, for the current width."""
        width = max(1, self.scrollable_content_region.width)
        if self._laid_out is None or self._laid_out[0] != width:
            if self.current is not None and self.has_focus:
                self._texts(self.cursor)  # measured before the widths it is shown in
            widths = self._widths(width)
            self._laid_out = (width, widths, self._detail(widths, width))
        return self._laid_out[1], self._laid_out[2]

    def _detail(self, widths: list[int], width: int) -> list[str]:
        """The full text of the highlighted row's cells that do not fit (cut or hidden),
        wrapped; only while the table has the focus (the row is the one being read)."""
        if self.current is None or not self.has_focus:
            return []
        texts = self._texts(self.cursor)
        cut = []
        for column, text, w in zip(self.columns, texts, widths, strict=True):
            if w == 0 and text:
                cut.append(f"{self._label(column.label_key)}: {text}")
            elif cells(text) > w:
                cut.append(text)
        if not cut or width < 8:
            return []
        return textwrap.wrap(" · ".join(cut), width - 3, max_lines=DETAIL_LINES, placeholder=" …")

    def _texts(self, index: int) -> list[str]:
        """The cells of row ``index`` as drawn, asked for once per paint; each column's
        measured width grows to hold them."""
        texts = self._drawn.get(index)
        if texts is None:
            row = self.rows[index]
            texts = [clean(self._cell(row, c.key)) for c in self.columns]
            self._drawn[index] = texts
            for n, text in enumerate(texts):
                length = cells(text)
                if length > self._measured[n]:
                    self._measured[n] = length
                    self._laid_out = None
        return texts

    def _forget(self) -> None:
        """The rows changed: measure and draw them afresh."""
        self._measured = [0] * len(self.columns)
        self._drawn = {}
        self._laid_out = None

    def _update_size(self) -> None:
        widths, detail = self._layout()
        width = max(1, self.scrollable_content_region.width)
        total = sum(w + 1 for w in widths if w)
        self.virtual_size = Size(max(width, total), len(self.rows) + 1 + len(detail))

    def on_resize(self, event: events.Resize) -> None:
        self._laid_out = None
        self._update_size()
        self.refresh()

    # ---------------------------------------------------------------- render
    def _style(self, name: str) -> Style:
        """A component class's style, looked up once per paint."""
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name, partial=True)
        return style

    def render_lines(self, crop: Region) -> list[Strip]:
        """Measure the rows on screen first, so that every line of a paint has the same
        column widths.  The cells drawn are kept while the rows and the headers (the
        language) stay the same."""
        self._styles = {}
        top = self.scroll_offset.y
        bottom = min(len(self.rows), top + max(1, self.scrollable_content_region.height - 1))
        headings = [self._heading(c) for c in self.columns]
        if headings != self._headings:
            self._headings = headings
            self._forget()
        elif len(self._drawn) > 4 * (bottom - top) + 64:  # scrolled far: keep the widths only
            self._drawn = {}
        before = self._laid_out
        for index in range(top, bottom):
            self._texts(index)
        self._laid_out = None
        if before is None or self._layout() != (before[1], before[2]):
            self._update_size()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = max(1, self.scrollable_content_region.width)
        base = self.rich_style
        widths, detail = self._layout()
        first_detail = self.scrollable_content_region.height - len(detail)
        if first_detail <= y < first_detail + len(detail):
            text = fit(" › " + detail[y - first_detail], width)
            return Strip([Segment(text, base + self._style("virtual-table--detail"))], width)
        if y == 0:
            return self._line(self._header(widths), base + self._style("virtual-table--header"))
        index = self.scroll_offset.y + y - 1
        if index < len(self.rows):
            return self._line(*self._row(index, widths, base))
        if index == 0:
            text = fit(" " + self._empty(), width)
            return Strip([Segment(text, base + self._style("virtual-table--empty"))], width)
        return Strip.blank(width, base)

    def _line(self, text: str, style: Style) -> Strip:
        """A header or row line as the view shows it: scrolled sideways, exactly as wide."""
        width = max(1, self.scrollable_content_region.width)
        x = self.scroll_offset.x
        if x == 0 and cells(text) <= width:
            return Strip([Segment(fit(text, width), style)], width)
        return Strip([Segment(text, style)]).crop_extend(x, x + width, style)

    def _header(self, widths: list[int]) -> str:
        parts = [
            fit(self._heading(column), width, column.align)
            for column, width in zip(self.columns, widths, strict=True)
            if width
        ]
        return " " + " ".join(parts)

    def _row(self, index: int, widths: list[int], base: Style) -> tuple[str, Style]:
        row = self.rows[index]
        style = base
        kind = self._row_class(row) if self._row_class is not None else None
        if kind:
            style = style + self._style(f"virtual-table--{kind}")
        if index == self.cursor:
            name = "virtual-table--cursor" if self.has_focus else "virtual-table--cursor-blurred"
            style = style + self._style(name)
        texts = self._texts(index)
        cells_ = [
            fit(text, w, c.align)
            for text, c, w in zip(texts, self.columns, widths, strict=True)
            if w
        ]
        return " " + " ".join(cells_), style

    # ------------------------------------------------------------- movement
    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1 - len(self._layout()[1]))

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
        self._laid_out = None  # the cut text shown is the new row's
        self._update_size()
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
            self._forget()
            self.refresh()
            return
        self.sort_by(self.sort_column, not self.sort_reverse)

    def on_focus(self) -> None:
        self._laid_out = None
        self._update_size()
        self.refresh()

    def on_blur(self) -> None:
        self._laid_out = None
        self._update_size()
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            self._click_header(event.x + self.scroll_offset.x)
            return
        index = self.scroll_offset.y + event.y - 1
        if event.y <= self._visible_rows() and 0 <= index < len(self.rows):
            self.move_cursor(index)
            if event.chain >= 2:
                self.action_select()

    def _click_header(self, x: int) -> None:
        edge = 1
        for column, width in zip(self.columns, self._layout()[0], strict=True):
            if not width:
                continue
            if x < edge + width + 1:
                if column.sortable and self._sort_key is not None:
                    same = column.key == self.sort_column
                    self.sort_by(column.key, not self.sort_reverse if same else False)
                return
            edge += width + 1
