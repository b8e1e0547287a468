"""Keys everywhere: language, help, palette, search, undo, delete, quick task edits, and text
from other offices drawn safely."""

from __future__ import annotations

from textual.command import CommandInput
from textual.widgets import Static

from sync.store import Store
from tests.helpers.app import SIZE, make_app, type_text
from tui.app import SotayApp
from tui.screens.help import HelpScreen
from tui.screens.search import SearchScreen
from tui.screens.tasks import TasksScreen
from tui.widgets.table import VirtualTable


def sidebar(app: SotayApp) -> str:
    return str(app.screen.query_one("#sidebar", Static).render())


def status(app: SotayApp) -> str:
    return str(app.screen.query_one("#status-text", Static).render())


async def test_switch_to_english_and_back(store: Store, ids: dict[str, str]) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        assert "Tổng quan" in sidebar(app) and "Chưa đồng bộ" in status(app)
        await pilot.press("f2")
        assert "Dashboard" in sidebar(app) and "Units & members" in sidebar(app)
        assert "Not yet synced" in status(app)
        await pilot.press("3")
        assert "Lead" in app.screen.query_one("#tasks", VirtualTable).render_line(0).text
        await pilot.press("f2")
        assert "Chủ trì" in app.screen.query_one("#tasks", VirtualTable).render_line(0).text
        assert "Tổng quan" in sidebar(app)
    assert store.meta("lang") == "vi"


async def test_help_lists_the_keys_of_the_screen_from_its_bindings(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "f1")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text", Static).render())
        for expected in ("Trạng thái", "Tiến độ", "Quá hạn", "Đồng bộ", "Tìm", "Chuyển mục"):
            assert expected in text
        assert "1–0" in text
        assert "Scroll" not in text
        await pilot.press("escape")
        assert isinstance(app.screen, TasksScreen)


async def test_command_palette_runs_the_apps_commands_accent_insensitively(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        prompt = app.screen.query_one(CommandInput)
        assert prompt.placeholder == "Gõ lệnh hoặc tên kế hoạch…"
        await type_text(pilot, "them nhiem vu")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "RecordFormScreen"
        assert getattr(app.screen, "kind", None) == "task"


async def test_search_as_you_type_finds_any_kind_without_accents(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/")
        assert isinstance(app.screen, SearchScreen)
        await type_text(pilot, "chu ky so")
        results = app.screen.query_one("#search-results", VirtualTable)
        assert [row.id for row in results.rows] == [ids["soon"]]
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "tasks"
        assert getattr(app.screen, "record_id", None) == ids["soon"]


async def test_quick_status_and_progress_without_opening_the_form(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        table = app.screen.query_one("#tasks", VirtualTable)
        table.select_id(ids["soon"])
        await pilot.press("p")
        await pilot.press("backspace", "backspace", "1", "3", "0", "enter")
        assert "0 đến 100" in str(app.screen.query_one("#prompt-error", Static).render())
        await pilot.press("backspace", "backspace", "5", "enter")
        await pilot.pause()
        assert store.require(ids["soon"]).data["progress"] == 15
        await pilot.press("t", "h", "enter")
        await pilot.pause()
        task = store.require(ids["soon"]).data
        assert task["status"] == "done" and task["progress"] == 100
        assert task["completed_on"] == "2024-06-03"


async def test_undo_puts_back_the_last_save_but_not_while_typing(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        app.screen.query_one("#tasks", VirtualTable).select_id(ids["late"])
        await pilot.press("plus")
        await pilot.pause()
        assert store.require(ids["late"]).data["progress"] == 50
        await pilot.press("f")
        await type_text(pilot, "u")
        assert store.require(ids["late"]).data["progress"] == 50, "u typed in a field is text"
        await pilot.press("ctrl+z")
        assert store.require(ids["late"]).data["progress"] == 50
        await pilot.press("escape", "u")
        await pilot.pause()
        assert store.require(ids["late"]).data["progress"] == 40


async def test_delete_asks_first(store: Store, ids: dict[str, str]) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        app.screen.query_one("#tasks", VirtualTable).select_id(ids["late"])
        await pilot.press("delete")
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await pilot.press("k")
        assert not store.require(ids["late"]).deleted
        await pilot.press("delete", "c")
        await pilot.pause()
        assert store.require(ids["late"]).deleted
        assert len(app.screen.query_one("#tasks", VirtualTable).rows) == 1


async def test_text_from_other_offices_is_drawn_without_escapes_or_markup(
    store: Store, ids: dict[str, str]
) -> None:
    hostile = "\x1b]0;owned\x07[bold red]Cổng[/] \x1b[31mđỏ\x1b[0m"
    with store.transaction() as tx:
        tx.enforce_scope = False
        tx.add(
            "task",
            {"title": hostile, "lead_unit_id": ids["TTTT"], "due": "2024-01-01"},
            scope="vn/ha-noi",
        )
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        table = app.screen.query_one("#tasks", VirtualTable)
        lines = [table.render_line(y).text for y in range(1, 4)]
        drawn = next(line for line in lines if "Cổng" in line)
        assert "[bold red]Cổng[/] đỏ" in drawn
        assert "\x1b" not in drawn and "\x07" not in drawn
