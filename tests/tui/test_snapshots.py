"""Snapshots (pytest-textual-snapshot) of the dashboard, a plan, the meeting editor and the
conflict screen, with the clock fixed and the terminal size pinned.

Regenerate after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and look at the report before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from sync.store import Store
from tests.helpers.app import make_app
from tui.app import SotayApp
from tui.screens.plans import PlanScreen

SIZE = (120, 36)
Snap = Callable[..., bool]


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
