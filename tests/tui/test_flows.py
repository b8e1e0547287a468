"""A secretary's work driven through the real app by keys: plans, tasks, filters, meetings."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widget import Widget

from sync.store import Store
from tests.helpers.app import SIZE, make_app, type_text
from tui.app import SotayApp
from tui.screens.form import RecordFormScreen
from tui.screens.plans import PlanScreen
from tui.screens.tasks import TasksScreen
from tui.widgets.forms import FieldBox
from tui.widgets.table import VirtualTable


def focused_field(app: SotayApp) -> str | None:
    node: Widget | None = app.focused
    while node is not None:
        if node.id and node.id.startswith("field-"):
            return node.id.removeprefix("field-")
        node = node.parent  # type: ignore[assignment]
    return None


async def tab_to(pilot: Pilot[Any], name: str) -> None:
    """Press Tab until the field ``name`` has the focus (keys only, as a person would)."""
    for _ in range(40):
        if focused_field(pilot.app) == name:  # type: ignore[arg-type]
            return
        await pilot.press("tab")
    raise AssertionError(f"never reached field {name}; at {focused_field(pilot.app)}")  # type: ignore[arg-type]


async def fill(pilot: Pilot[Any], name: str, text: str) -> None:
    await tab_to(pilot, name)
    await type_text(pilot, text)


async def test_plan_and_three_tasks_entirely_by_keys(store: Store, ids: dict[str, str]) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "a")
        assert isinstance(app.screen, RecordFormScreen)
        await fill(pilot, "title", "KH CĐS")
        await fill(pilot, "number", "25/KH")
        await fill(pilot, "budget", "1500000000")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        plan_id = app.screen.plan_id
        for n, (title, lead) in enumerate(
            [("Kho", "tttt"), ("Đào tạo", "noi vu"), ("Rà soát", "vp")], start=1
        ):
            await pilot.press("a")
            assert isinstance(app.screen, RecordFormScreen)
            await type_text(pilot, title)
            await fill(pilot, "stt", str(n))
            await fill(pilot, "lead_unit_id", lead)
            await fill(pilot, "due", "+9")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, PlanScreen), app.screen
        table = app.screen.query_one("#plan-tasks", VirtualTable)
        assert [row.stt for row in table.rows] == ["1", "2", "3"]

    plan = store.require(plan_id)
    assert plan.data["number"] == "25/KH" and plan.data["budget"] == 1_500_000_000
    tasks = sorted(store.children(plan_id, "task"), key=lambda t: t.data["stt"])
    assert [t.data["lead_unit_id"] for t in tasks] == [ids["TTTT"], ids["SNV"], ids["VP UBND"]]
    assert all(t.data["due"] == "2024-06-12" for t in tasks)


async def test_tasks_filter_by_overdue_and_by_lead_unit_typed_without_accents(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        screen = app.screen
        assert isinstance(screen, TasksScreen)
        table = screen.query_one("#tasks", VirtualTable)
        assert len(table.rows) == 2
        screen.query_one("#task-status").query_one("Input").focus()
        await type_text(pilot, "qua han")
        await pilot.press("enter")
        assert [row.id for row in table.rows] == [ids["late"]]
        await pilot.press("escape")
        screen.action_clear()
        await pilot.pause()
        assert len(table.rows) == 2
        screen.query_one("#task-lead").query_one("Input").focus()
        await type_text(pilot, "so noi vu")
        await pilot.pause()
        assert [row.id for row in table.rows] == [ids["soon"]]


async def test_meeting_with_attendees_minutes_and_two_conclusions(
    store: Store, ids: dict[str, str]
) -> None:
    app = make_app(store)
    commits: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "a")
        await type_text(pilot, "Họp quý II")
        await fill(pilot, "date", "t")
        await fill(pilot, "chair_id", "nguyen van")
        await fill(pilot, "attendees", "binh")
        await pilot.press("enter")
        await type_text(pilot, "cuong")
        await pilot.press("enter")
        await fill(pilot, "minutes", "Thống nhất")
        await pilot.press("enter")
        await type_text(pilot, "Giao việc")
        await pilot.press("ctrl+n")
        await type_text(pilot, "Lập kế hoạch")
        await fill(pilot, "item1-lead_unit_id", "trung tam")
        await fill(pilot, "item1-coordinators", "noi vu")
        await pilot.press("enter")
        await fill(pilot, "item1-due", "30/09/2024")
        await pilot.press("ctrl+n")
        await type_text(pilot, "Báo cáo")
        await fill(pilot, "item2-lead_unit_id", "vp ubnd")
        await fill(pilot, "item2-due", "+30")
        store.listeners.append(lambda _store: commits.append(1))
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MeetingsScreen", [
            (b.id, b.error_text) for b in app.screen.query(".-invalid").results(FieldBox)
        ]

    assert len(commits) == 1, "the meeting, its notice and its tasks are one transaction"
    (meeting,) = store.list("meeting")
    assert meeting.data["date"] == "2024-06-03"
    assert meeting.data["chair_id"] == ids["Nguyễn Văn An"]
    assert meeting.data["attendees"] == {
        ids["Trần Thị Bình"]: "present",
        ids["Lê Hoàng Cường"]: "present",
    }
    assert meeting.data["minutes"] == "Thống nhất\nGiao việc"
    (notice,) = store.children(meeting.id, "conclusion")
    tasks = sorted(store.children(notice.id, "task"), key=lambda t: t.title)
    assert [t.title for t in tasks] == ["Báo cáo", "Lập kế hoạch"]
    assert all(t.data["meeting_id"] == meeting.id for t in tasks)
    assert tasks[1].data["lead_unit_id"] == ids["TTTT"]
    assert tasks[1].data["coordinators"] == [ids["SNV"]]
    assert tasks[1].data["due"] == "2024-09-30"
    assert tasks[0].data["due"] == "2024-07-03"
