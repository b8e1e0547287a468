"""What the app does after its first paint, while the dashboard is read (issue 11's budgets:
the dashboard on screen in 0.5 s, the 10k-task list opened in 50 ms): the dashboard's counts
come right after the first paint, and the most opened sections are built off screen.  None
of it may show a wrong count, an old row, or a traceback when the person quits at once."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from sync.store import Store
from tests.helpers.app import make_app, settle
from tui.app import PREBUILT, SotayApp
from tui.screens.dashboard import Cards, DashboardScreen
from tui.screens.tasks import TasksScreen
from tui.widgets.table import VirtualTable


def card_words(app: SotayApp) -> list[str]:
    return [card.plain for card in app.screen.query_one("#cards", Cards).cards]


async def test_the_first_paint_says_counting_and_the_counts_follow(
    store: Store, ids: dict[str, str]
) -> None:
    at_first_paint: list[list[str]] = []
    app = make_app(store, on_first_paint=lambda app: at_first_paint.append(card_words(app)))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert at_first_paint == [["Đang tính…"]]
        assert card_words(app) == [
            "Quá hạn: 1",
            "Sắp đến hạn: 1",
            "Họp sắp tới: 0",
            "TB kết luận chậm: 0",
            "Chưa đồng bộ: 11",
            "Xung đột: 0",
        ]
        overdue = app.screen.query_one("#overdue", VirtualTable)
        assert [row.title for row in overdue.rows] == ["Nâng cấp Cổng thông tin điện tử tỉnh"]


async def test_the_most_opened_sections_are_built_while_the_dashboard_stays_in_front(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        built = {mode: app.get_screen_stack(mode) for mode in PREBUILT}
        assert {mode: len(stack) for mode, stack in built.items()} == dict.fromkeys(PREBUILT, 1)
        assert isinstance(app.screen, DashboardScreen)
        assert app.focused is app.screen.query_one("#overdue")
        await pilot.press("3")
        await settle(app, pilot)
        assert app.screen is built["tasks"][0]
        assert len(app.screen.query_one("#tasks", VirtualTable).rows) == 2


async def test_a_section_built_ahead_shows_the_changes_made_since(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        with store.transaction() as tx:
            tx.add("task", {"title": "Số hóa hồ sơ một cửa", "lead_unit_id": ids["SNV"]})
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TasksScreen)
        titles = sorted(row.title for row in screen.table.rows)
        assert titles == [
            "Nâng cấp Cổng thông tin điện tử tỉnh",
            "Số hóa hồ sơ một cửa",
            "Triển khai chữ ký số cho cán bộ",
        ]
        await pilot.press("f", "s", "o", " ", "h", "o", "a")
        assert screen.query_one("#task-text", Input).value == "so hoa"
        assert [row.title for row in screen.table.rows] == ["Số hóa hồ sơ một cửa"]


async def test_quitting_while_sections_are_being_built_ahead_ends_cleanly(
    store: Store, ids: dict[str, str]
) -> None:
    """Ctrl+Q in the first half second: each moment of the building, no traceback."""
    for wait in (0.0, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.12, 0.2):
        app = make_app(store)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause(wait)
            await pilot.press("ctrl+q")
        assert app.return_code == 0, wait


async def test_without_building_ahead_a_section_builds_when_first_opened(
    store: Store, ids: dict[str, str]
) -> None:
    app: Any = make_app(store, prebuild=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert [mode in app._screen_stacks for mode in PREBUILT] == [False] * len(PREBUILT)
        await pilot.press("3")
        await settle(app, pilot)
        assert len(app.screen.query_one("#tasks", VirtualTable).rows) == 2
