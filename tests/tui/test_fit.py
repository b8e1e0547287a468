"""Nothing important is cut at 80×24 or 120×36: each screen of issue 11 (dashboard, tasks,
meetings, plan detail, reports, and the status line under them) is drawn at both sizes and
its words are read back from the drawn screen (the compositor's lines), compared with the
exact strings of the strings tables.

Table headers are checked apart (``test_table_headers_whole``): their widths are the
table's own (tui/widgets/table.py); where they are still cut the case is marked
"table column sizing" until the columns size by their content.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Input

from domain.i18n import Lang, t
from sync.store import Store
from tests.helpers.app import go_offline, make_app, settle
from tui.app import SotayApp
from tui.screens.plans import PlanScreen
from tui.screens.reports import BUTTONS, WORDS, ReportsScreen
from tui.widgets.frame import (
    RANK_LAST,
    RANK_LINK,
    RANK_PENDING,
    RANK_PROBLEM,
    RANK_RETRY,
    StatusItem,
    fit_items,
    status_items,
)
from tui.widgets.table import VirtualTable

SMALL, LARGE = (80, 24), (120, 36)
SIZES = [SMALL, LARGE]
SCREENS = ["dashboard", "tasks", "meetings", "plan", "reports"]
World = tuple[Store, dict[str, str]]
#: The status line of the offline office (17 changes to send, 1 conflict), in full and
#: at 80 columns: the last sync goes first, then the other items take their short forms.
STATUS = {
    LARGE: [
        "○ Ngoại tuyến: máy chủ đang bận",
        "Chưa đồng bộ: 17",
        "Đồng bộ lần cuối: chưa",
        "Xung đột: 1",
        "sẽ thử lại lúc 09:15",
    ],
    SMALL: ["○ Ngoại tuyến: máy chủ đang bận", "Chờ gửi: 17", "Xung đột: 1", "thử lại 09:15"],
}


def lines(app: SotayApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def drawn(app: SotayApp, widget: Widget) -> list[str]:
    """The drawn lines of ``widget``'s region on screen, cut to it, spaces at the ends off."""
    region = widget.region
    shown = lines(app)[region.y : region.bottom]
    return [line[region.x : region.right].strip() for line in shown]


def words(app: SotayApp, widget: Widget) -> str:
    """What ``widget`` shows, its lines joined by single spaces (a wrapped title reads whole)."""
    return " ".join(" ".join(drawn(app, widget)).split())


async def show(app: SotayApp, pilot: Pilot[Any], screen: str, ids: dict[str, str]) -> None:
    await settle(app, pilot)
    keys = {"tasks": "3", "meetings": "4", "plan": "2", "reports": "9"}
    if screen in keys:
        await pilot.press(keys[screen])
    if screen == "plan":
        app.push_screen(PlanScreen(ids["plan"]))
    await go_offline(app, pilot)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
@pytest.mark.parametrize("screen", SCREENS)
async def test_status_line_and_keys_whole(world: World, screen: str, size: tuple[int, int]) -> None:
    store, ids = world
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await show(app, pilot, screen, ids)
        status, keys = lines(app)[-2:]
        assert [part.strip() for part in status.split("│")] == STATUS[size]
        shown = [b.binding for b in app.screen.active_bindings.values() if b.binding.show]
        labels = {t(b.description, app.ui_lang) for b in shown if b.description.startswith("ui.")}
        last = keys.rstrip().rsplit("  ", 1)[-1].strip()
        assert last in labels  # the key bar ends on a whole label, never a cut one


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
async def test_status_line_english(world: World, size: tuple[int, int]) -> None:
    """In English too each item is one of its own whole forms, the most important kept."""
    store, ids = world
    app = make_app(store, lang="en")
    async with app.run_test(size=size) as pilot:
        await show(app, pilot, "tasks", ids)
        parts = [part.strip() for part in lines(app)[-2].split("│")]
        items = status_items(app, app.sync_view)
        assert set(parts) <= {words for item in items for words in (item.full, item.short)}
        assert parts[0].startswith(t("ui.status.offline", "en"))
        assert t("ui.status.conflicts", "en", count=1) in parts


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
async def test_dashboard_whole(world: World, size: tuple[int, int], lang: Lang) -> None:
    store, ids = world
    app = make_app(store, lang=lang)
    async with app.run_test(size=size) as pilot:
        await show(app, pilot, "dashboard", ids)
        cards = [
            part.strip()
            for line in drawn(app, app.screen.query_one("#cards"))
            for part in line.split("│")
        ]
        counts = [("overdue", 1), ("due_soon", 1), ("meetings", 1), ("notices", 1)]
        counts += [("pending", 17), ("conflicts", 1)]
        assert cards == [f"{t('ui.card.' + key, lang)}: {count}" for key, count in counts]
        titles = [words(app, w) for w in app.screen.query(".dash-title")]
        assert titles == [
            t("ui.dash.overdue", lang) + " (1)",
            t("ui.dash.due_soon", lang, days=14) + " (1)",
            t("ui.dash.meetings", lang),
            t("ui.dash.notices", lang),
            t("ui.dash.indicators", lang),
        ]
        if lang == "vi":  # as a secretary reads it
            assert cards[4] == "Chưa đồng bộ: 17"
            assert titles[3] == "Thông báo kết luận chậm (quá 5 ngày làm việc)"


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
async def test_task_filters_whole(world: World, size: tuple[int, int], lang: Lang) -> None:
    store, ids = world
    app = make_app(store, lang=lang)
    async with app.run_test(size=size) as pilot:
        await show(app, pilot, "tasks", ids)
        boxes = ["#task-text", "#task-status", "#task-lead", "#due-from", "#due-to"]
        shown = [words(app, app.screen.query_one(box)) for box in boxes]
        keys = ["text", "status", "lead", "due_from", "due_to"]
        assert shown == [t(f"ui.filter.{key}", lang) for key in keys]
        if lang == "vi":
            assert shown[2] == "Đơn vị chủ trì"


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
async def test_plan_keeps_its_status_column(world: World, size: tuple[int, int]) -> None:
    store, ids = world
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await show(app, pilot, "plan", ids)
        table = app.screen.query_one("#plan-tasks", VirtualTable)
        header, *rows = drawn(app, table)[:3]
        assert header.endswith("Trạng thái")
        column = header.rfind("Trạng thái")
        assert [row[column:].strip() for row in rows] == ["Quá hạn", "Chưa thực hiện"]
        assert words(app, app.screen.query_one("#plan-title")) == "Kế hoạch ứng dụng CNTT năm 2024"


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
async def test_reports_form_whole(world: World, size: tuple[int, int], lang: Lang) -> None:
    store, ids = world
    app = make_app(store, lang=lang)
    async with app.run_test(size=size) as pilot:
        await show(app, pilot, "reports", ids)
        screen = app.screen
        screen.query_one("#period", Input).value = "Quý III/2025"
        await settle(app, pilot)
        for selector, key in WORDS.items():
            widget = screen.query_one(selector)
            widget.scroll_visible(animate=False, immediate=True)
            await settle(app, pilot)
            assert words(app, widget) == t(key, app.ui_lang)
        screen.query_one("#period").scroll_visible(animate=False, immediate=True)
        await settle(app, pilot)
        assert drawn(app, screen.query_one("#period"))[1].strip("▊▎ ") == "Quý III/2025"
        for selector, key in BUTTONS.items():
            button = screen.query_one(selector, Button)
            button.scroll_visible(animate=False, immediate=True)
            await settle(app, pilot)
            assert drawn(app, button)[1] == t(key, app.ui_lang)
        assert screen.query_one("#preview-pane").content_region.height >= 6


HEADER_CASES = [
    pytest.param("dashboard", SMALL, id="dashboard-80x24"),
    pytest.param("dashboard", LARGE, id="dashboard-120x36"),
    pytest.param("tasks", SMALL, id="tasks-80x24"),
    pytest.param("tasks", LARGE, id="tasks-120x36"),
    pytest.param("meetings", SMALL, id="meetings-80x24"),
    pytest.param("meetings", LARGE, id="meetings-120x36"),
    pytest.param("plan", SMALL, id="plan-80x24"),
    pytest.param("plan", LARGE, id="plan-120x36"),
]


@pytest.mark.parametrize(("screen", "size"), HEADER_CASES)
async def test_table_headers_whole(world: World, screen: str, size: tuple[int, int]) -> None:
    store, ids = world
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await show(app, pilot, screen, ids)
        cut = []
        for table in app.screen.query(VirtualTable):
            header = drawn(app, table)[0]
            shown = zip(table.columns, table.column_widths(), strict=True)
            # a column hidden on purpose (width 0) is shown under the rows, not cut
            labels = [t(column.label_key, app.ui_lang) for column, width in shown if width]
            cut += [label for label in labels if label not in header]
        assert cut == []


def test_status_items_give_way_least_important_first() -> None:
    items = [
        StatusItem("○ Ngoại tuyến: máy chủ đang bận", "○ Ngoại tuyến", "", RANK_LINK),
        StatusItem("Chưa đồng bộ: 17", "Chờ gửi: 17", "", RANK_PENDING),
        StatusItem("Đồng bộ lần cuối: chưa", "Lần cuối: chưa", "", RANK_LAST),
        StatusItem("Xung đột: 1", None, "", RANK_PROBLEM),
        StatusItem("sẽ thử lại lúc 09:15", "thử lại 09:15", "", RANK_RETRY),
    ]
    fits = {width: list(fit_items(items, width).values()) for width in (200, 100, 80, 50, 30)}
    assert fits == {
        200: [item.full for item in items],
        100: [
            "○ Ngoại tuyến: máy chủ đang bận",
            "Chưa đồng bộ: 17",
            "Lần cuối: chưa",
            "Xung đột: 1",
            "thử lại 09:15",
        ],
        80: ["○ Ngoại tuyến: máy chủ đang bận", "Chờ gửi: 17", "Xung đột: 1", "thử lại 09:15"],
        50: ["○ Ngoại tuyến", "Chờ gửi: 17", "Xung đột: 1"],
        30: ["○ Ngoại tuyến", "Xung đột: 1"],
    }


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
async def test_status_line_beside_the_progress_bar(world: World, size: tuple[int, int]) -> None:
    """A long sync shows its bar (30 cells) beside the words, on the status line (it was
    laid out under it, behind the key bar), and the words fit in what is left."""
    store, ids = world
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await show(app, pilot, "tasks", ids)
        app.sync_view = replace(app.sync_view, state="syncing", to_send=120, sent=10)
        await settle(app, pilot)
        shown = words(app, app.screen.query_one("#status-text"))
        items = status_items(app, app.sync_view)
        parts = [part.strip() for part in shown.split("│")]
        assert parts[0] == "⟳ Đang đồng bộ…"
        assert "Xung đột: 1" in parts
        assert set(parts) <= {words for item in items for words in (item.full, item.short)}
        bar = app.screen.query_one("#sync-progress").region
        text = app.screen.query_one("#status-text").region
        assert (bar.y, bar.x, bar.width) == (text.y, text.right, 30)  # beside, on that line


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
async def test_report_status_whole(world: World, size: tuple[int, int]) -> None:
    """What the last action said (a file exported into a deep folder) reads whole under the
    buttons, wrapped if it must be, and the preview keeps its lines."""
    store, ids = world
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await show(app, pilot, "reports", ids)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        path = "/home/van-thu/Tài liệu/Báo cáo quý III năm 2025 của Ban Chỉ đạo/bao-cao.docx"
        message = t("reports.exported", "vi", path=path)
        screen.set_status(message)
        await settle(app, pilot)
        assert words(app, screen.query_one("#status")) == message
        assert screen.query_one("#preview-pane").content_region.height >= 6
