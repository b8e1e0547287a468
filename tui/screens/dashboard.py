"""Tổng quan / Dashboard: what needs attention today.

Overdue tasks, tasks due in the next 14 days, upcoming meetings, conclusion notices later
than 5 working days, target attainment bars, changes not yet synced and open conflicts.
Everything comes from :meth:`tui.derived.Derived.dashboard`, computed once per change.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from documents.notice import timing_note
from domain.dates import format_date
from domain.i18n import t
from domain.money import format_percent, group_thousands
from domain.text import safe_display
from tui.derived import DUE_SOON_DAYS, Dashboard, TaskRow
from tui.screens.base import SotayScreen
from tui.widgets.table import Column, VirtualTable

LIST_LIMIT = 6
BAR_WIDTH = 12

TASK_COLUMNS = [
    Column("due", "field.due", 10, sortable=False),
    Column("title", "field.title", 24, flex=True, sortable=False),
    Column("lead", "ui.col.lead", 10, sortable=False, drop=1),
    Column("days", "ui.col.detail", 13, align="right", sortable=False),
]


def attainment_bar(percent: float | None, width: int = BAR_WIDTH) -> str:
    """A bar of ``width`` cells for a share of the target (capped at 100%)."""
    if percent is None:
        return "·" * width
    filled = round(min(100.0, max(0.0, percent)) * width / 100)
    return "█" * filled + "░" * (width - filled)


CARD_GAP = "  │  "
#: each list's title: its widget and its words
TITLES = (
    ("#overdue-title", "ui.dash.overdue"),
    ("#due-title", "ui.dash.due_soon"),
    ("#meetings-title", "ui.dash.meetings"),
    ("#notices-title", "ui.dash.notices"),
    ("#indicators-title", "ui.dash.indicators"),
)


def pack_cards(cards: list[Text], width: int | None) -> Text:
    """The cards on as many lines of ``width`` cells as they need, never one split."""
    text, used = Text(" "), 1
    for index, card in enumerate(cards):
        if index and width is not None and used + len(CARD_GAP) + card.cell_len > width:
            text.append("\n ")
            used = 1
        elif index:
            text.append(CARD_GAP, "dim")
            used += len(CARD_GAP)
        text.append_text(card)
        used += card.cell_len
    return text


class Cards(Static):
    """The counts at the top of the dashboard, wrapped card by card to the width."""

    def __init__(self, id: str) -> None:
        super().__init__("", id=id)
        self.cards: list[Text] = []

    def show(self, cards: list[Text]) -> None:
        self.cards = cards
        self._pack()

    def on_resize(self, _event: events.Resize) -> None:
        self._pack()

    def _pack(self) -> None:
        self.update(pack_cards(self.cards, self.size.width or None))


class DashboardScreen(SotayScreen):
    section_key = "ui.nav.dashboard"
    AUTO_FOCUS = "#overdue"

    def __init__(self) -> None:
        super().__init__()
        #: the summary is computed after the first paint: until then the frame, the titles
        #: and "Đang tính…" show, so the app is on screen before the 10k tasks are counted
        self._counted = False

    def compose_main(self) -> ComposeResult:
        yield Cards(id="cards")
        with Horizontal(id="dash-columns"):
            with Vertical(id="dash-tasks"):
                yield Static("", id="overdue-title", classes="dash-title")
                yield self._task_table("overdue")
                yield Static("", id="due-title", classes="dash-title")
                yield self._task_table("due-soon")
            with VerticalScroll(id="dash-side"):
                yield Static("", id="meetings-title", classes="dash-title")
                yield Static("", id="meetings")
                yield Static("", id="notices-title", classes="dash-title")
                yield Static("", id="notices")
                yield Static("", id="indicators-title", classes="dash-title")
                yield Static("", id="indicators")

    def _task_table(self, id: str) -> VirtualTable:
        return VirtualTable(
            TASK_COLUMNS,
            cell=self._task_cell,
            row_id=lambda r: r.id,
            row_class=lambda r: "overdue" if r.status == "overdue" else None,
            label=lambda key: t(key, self.lang),
            empty=lambda: t("ui.dash.nothing" if self._counted else "ui.dash.counting", self.lang),
            id=id,
            classes="dash-table",
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        self.app.first_paint()
        self._counted = True
        self.refresh_data()

    def _task_cell(self, row: TaskRow, key: str) -> str:
        if key == "due":
            return format_date(row.due)
        if key == "title":
            return safe_display(row.title)
        if key == "lead":
            return self.app.derived.name_of(row.lead_id)
        days = (date.fromisoformat(row.due) - self.app.today()).days if row.due else 0
        if days < 0:
            return t("ui.dash.days_over", self.lang, days=-days)
        return t("ui.dash.days_left", self.lang, days=days)

    def refresh_data(self) -> None:
        if not self._counted:
            self._counting()
            return
        board = self.app.derived.dashboard()
        self.query_one("#overdue", VirtualTable).set_rows(board.overdue)
        self.query_one("#due-soon", VirtualTable).set_rows(board.due_soon)
        self._cards(board)
        self._titles(board)
        self.query_one("#meetings", Static).update(self._meetings(board))
        self.query_one("#notices", Static).update(self._notices(board))
        self.query_one("#indicators", Static).update(self._indicators(board))

    def _counting(self) -> None:
        """What the first paint shows: the titles, and "Đang tính…" where the counts go."""
        counting = Text(t("ui.dash.counting", self.lang), "dim")
        self.query_one("#cards", Cards).show([counting])
        self._titles(None)
        for selector in ("#meetings", "#notices", "#indicators"):
            self.query_one(selector, Static).update(counting)

    def relabel(self) -> None:
        for table in self.query(VirtualTable):
            table.refresh()

    def _cards(self, board: Dashboard) -> None:
        cards = [
            ("ui.card.overdue", len(board.overdue), "bold red"),
            ("ui.card.due_soon", len(board.due_soon), "bold yellow"),
            ("ui.card.meetings", len(board.meetings), "bold"),
            ("ui.card.notices", len(board.late_notices), "bold yellow"),
            ("ui.card.pending", board.pending, "bold"),
            ("ui.card.conflicts", board.open_conflicts, "bold red"),
        ]
        if board.rejected:
            cards.append(("ui.card.rejected", board.rejected, "red"))
        self.query_one("#cards", Cards).show(
            [
                Text.assemble(f"{t(key, self.lang)}: ", (str(count), style if count else ""))
                for key, count, style in cards
            ]
        )

    def _titles(self, board: Dashboard | None) -> None:
        """The section titles, with the task counts once they are known."""
        counts = {
            "#overdue-title": len(board.overdue) if board else None,
            "#due-title": len(board.due_soon) if board else None,
        }
        for selector, key in TITLES:
            title = t(key, self.lang, days=DUE_SOON_DAYS)
            count = counts.get(selector)
            self.query_one(selector, Static).update(
                Text(title + (f" ({count})" if count is not None else ""), "bold")
            )

    def _more(self, text: Text, total: int, limit: int = LIST_LIMIT) -> None:
        if total > limit:
            text.append(t("ui.dash.more", self.lang, count=total - limit) + "\n", "dim")

    def _meetings(self, board: Dashboard) -> Text:
        text = Text()
        for meeting in board.meetings[:LIST_LIMIT]:
            when = format_date(meeting.flat.get("date"))
            hour = safe_display(meeting.flat.get("time"))
            text.append(f"{when} {hour}".strip() + "  ", "bold")
            text.append(safe_display(meeting.title) + "\n")
        self._more(text, len(board.meetings))
        return text or Text(t("ui.dash.nothing", self.lang), "dim")

    def _notices(self, board: Dashboard) -> Text:
        text = Text()
        for item in board.late_notices[:LIST_LIMIT]:
            timing = item.timing
            text.append(format_date(timing.meeting_date) + "  ", "bold")
            text.append(safe_display(item.meeting.title) + "\n")
            if timing.issued_on is None:
                detail = t(
                    "ui.dash.not_issued", self.lang, days=group_thousands(timing.working_days)
                )
            else:
                detail = t(
                    "ui.dash.issued_late",
                    self.lang,
                    date=format_date(timing.issued_on),
                    days=group_thousands(timing.working_days),
                )
            text.append("    " + detail + "\n", "yellow")
            if timing.uncovered:
                text.append("    " + timing_note(timing, self.lang) + "\n", "bold red")
        self._more(text, len(board.late_notices))
        return text or Text(t("ui.dash.nothing", self.lang), "dim")

    def _indicators(self, board: Dashboard) -> Text:
        text = Text()
        for line in board.indicators[: LIST_LIMIT * 2]:
            result = line.result
            percent = result.percent_of_target
            style = "green" if result.achieved else ("red" if result.achieved is False else "")
            text.append(line.name + "\n")
            text.append("  " + attainment_bar(percent), style)
            shown = (
                format_percent(percent)
                if percent is not None
                else t("ui.dash.no_reading", self.lang)
            )
            mark = " ✓" if result.achieved else (" ✗" if result.achieved is False else "")
            text.append(f" {shown}{mark}\n", style)
        self._more(text, len(board.indicators), LIST_LIMIT * 2)
        return text or Text(t("ui.dash.nothing", self.lang), "dim")

    @on(VirtualTable.Selected, ".dash-table")
    def _open_task(self, event: VirtualTable.Selected) -> None:
        row: Any = event.row
        self.app.edit_record("task", row.id)
