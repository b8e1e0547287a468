"""Snapshots (pytest-textual-snapshot) of the dashboard, the task list, the meetings, a plan,
the reports screen and the status line at 80×24 and at 120×36, and of the meeting editor and
the conflict screen, with the clock fixed and the terminal size pinned.  That their words are
whole is checked from the drawn text in tests/tui/test_fit.py.

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
from tests.helpers.app import go_offline, make_app, settle
from tui.app import SotayApp
from tui.screens.plans import PlanScreen

SIZE = (120, 36)
SIZES = [(80, 24), SIZE]
SIZE_IDS = ["80x24", "120x36"]
Snap = Callable[..., bool]
World = tuple[Store, dict[str, str]]


def _still(pilot: Pilot[Any]) -> None:
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_dashboard(snap_compare: Snap, world: World, size: tuple[int, int]) -> None:
    store, _ids = world
    assert snap_compare(make_app(store), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("section", ["tasks", "meetings", "reports"])
def test_section(snap_compare: Snap, world: World, section: str, size: tuple[int, int]) -> None:
    store, _ids = world
    app: SotayApp = make_app(store)

    async def open_section(pilot: Pilot[Any]) -> None:
        await pilot.press({"tasks": "3", "meetings": "4", "reports": "9"}[section])
        await settle(app, pilot)
        _still(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_section)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_plan(snap_compare: Snap, world: World, size: tuple[int, int]) -> None:
    store, ids = world
    app: SotayApp = make_app(store)

    async def open_plan(pilot: Pilot[Any]) -> None:
        await pilot.press("2")
        app.push_screen(PlanScreen(ids["plan"]))
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_plan)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_status_line_offline(snap_compare: Snap, world: World, size: tuple[int, int]) -> None:
    """Offline with a reason, a retry time, changes to send and a conflict: in full at 120
    columns, shortened by importance at 80."""
    store, _ids = world
    app: SotayApp = make_app(store)

    async def offline(pilot: Pilot[Any]) -> None:
        await pilot.press("3")
        await go_offline(app, pilot)
        _still(pilot)

    assert snap_compare(app, terminal_size=size, run_before=offline)


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
