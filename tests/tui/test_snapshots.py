"""Snapshots (pytest-textual-snapshot) of the dashboard, a plan, the meeting editor and the
conflict screen, with the clock fixed and the terminal size pinned.

Regenerate after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and look at the report before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from sync.store import Store
from tests.helpers.app import OFFICE, fill_office, make_app
from tui.app import SotayApp
from tui.screens.plans import PlanScreen

SIZE = (120, 36)
Snap = Callable[..., bool]


@pytest.fixture
def world(store: Store) -> tuple[Store, dict[str, str]]:
    ids = fill_office(store)
    with store.transaction() as tx:
        held = tx.add(
            "meeting",
            {
                "title": "Phiên họp Ban Chỉ đạo quý I/2024",
                "date": "2024-04-10",
                "chair_id": ids["Nguyễn Văn An"],
                "meeting_kind": "meeting",
                "attendees": {ids["Trần Thị Bình"]: "present", ids["Lê Hoàng Cường"]: "absent"},
                "minutes": "Sở TT&TT báo cáo kết quả quý I.\nCác đại biểu thống nhất.",
            },
        )
        ids["meeting"] = held.id
        notice = tx.add(
            "conclusion",
            {
                "title": "Thông báo kết luận phiên họp quý I/2024",
                "meeting_id": held.id,
                "doc_type": "notice",
            },
        )
        tx.add(
            "task",
            {
                "title": "Hoàn thành kho dữ liệu dùng chung",
                "lead_unit_id": ids["TTTT"],
                "coordinators": [ids["SNV"]],
                "due": "2024-09-30",
                "conclusion_id": notice.id,
                "meeting_id": held.id,
            },
        )
        tx.add(
            "meeting",
            {
                "title": "Phiên họp Ban Chỉ đạo quý II/2024",
                "date": "2024-06-12",
                "time": "08:30",
                "venue": "Phòng họp số 1",
            },
        )
        tx.add(
            "indicator",
            {
                "name": "Văn bản đến gửi nhận điện tử",
                "plan_id": ids["plan"],
                "measure": "percent",
                "target": 90,
                "readings": {"2024-03-31": {"value": 72}},
            },
        )
        tx.add(
            "indicator",
            {
                "name": "Sở có Một cửa điện tử",
                "plan_id": ids["plan"],
                "measure": "ratio",
                "target": 22,
                "target_denominator": 22,
                "readings": {"2024-03-31": {"numerator": 22, "denominator": 22}},
            },
        )
    with store.transaction() as tx:  # as a pull brings one the server made
        tx.take_base(
            {
                "id": "0190a000-0000-7000-8000-000000000001",
                "kind": "conflict",
                "scope": OFFICE,
                "deleted": False,
                "seq": 1,
                "fields": {
                    "record_id": ids["late"],
                    "record_kind": "task",
                    "field": "due",
                    "record_title": "Nâng cấp Cổng thông tin điện tử tỉnh",
                    "current_value": "2024-07-31",
                    "current_author": "Nguyễn Thị Lan",
                    "current_office": OFFICE,
                    "current_at": "2024-06-01T02:15:00+00:00",
                    "other_value": "2024-06-30",
                    "other_author": "Thư ký Ban",
                    "other_office": "vn",
                    "other_at": "2024-05-31T09:40:00+00:00",
                    "status": "open",
                },
            }
        )
    return store, ids


def _still(pilot: Pilot[Any]) -> None:
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False


def test_dashboard(snap_compare: Snap, world: tuple[Store, dict[str, str]]) -> None:
    store, _ids = world
    assert snap_compare(make_app(store), terminal_size=SIZE)


def test_plan(snap_compare: Snap, world: tuple[Store, dict[str, str]]) -> None:
    store, ids = world
    app: SotayApp = make_app(store)

    async def open_plan(pilot: Pilot[Any]) -> None:
        await pilot.press("2")
        app.push_screen(PlanScreen(ids["plan"]))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_plan)


def test_meeting_editor(snap_compare: Snap, world: tuple[Store, dict[str, str]]) -> None:
    store, ids = world
    app: SotayApp = make_app(store)

    async def open_meeting(pilot: Pilot[Any]) -> None:
        await pilot.press("4")
        app.edit_record("meeting", ids["meeting"])
        await pilot.pause()
        _still(pilot)

    assert snap_compare(app, terminal_size=(120, 60), run_before=open_meeting)


def test_conflicts(snap_compare: Snap, world: tuple[Store, dict[str, str]]) -> None:
    store, _ids = world
    assert snap_compare(make_app(store), terminal_size=SIZE, press=["8"])
