"""A long list builds its rows on a worker thread: the section opens at once, says it is
loading, and its keys stay live (39,500 projects held the interface ~1 s on its first
opening, every key typed meanwhile waiting)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from sync.store import Store
from tests.helpers.app import make_app, settle
from tui.app import SotayApp
from tui.screens import base
from tui.screens.base import ListRow
from tui.screens.dashboard import DashboardScreen
from tui.screens.records import ProjectsScreen
from tui.screens.units import UnitsScreen
from tui.widgets.table import VirtualTable


@pytest.fixture
def slow_builds(store: Store, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Every list counts as long, and the store answers for projects and people only when
    the returned event is set (a build that waited on the interface's thread would hold it
    until then: at most 10 s, so that a regression fails rather than hangs)."""
    monkeypatch.setattr(base, "BACKGROUND_ROWS", 0, raising=False)
    release = threading.Event()
    original = store.list

    def held(kind: str | None = None, **options: Any) -> list[Any]:
        if kind in ("project", "person"):
            release.wait(10)
        return original(kind, **options)

    monkeypatch.setattr(store, "list", held)
    return release


def count_text(screen: Any) -> str:
    return str(screen.query_one("#list-count", Static).render())


async def open_while_built(
    app: SotayApp, pilot: Pilot[Any], key: str, release: threading.Event
) -> tuple[Screen[Any], tuple[str, list[Any]]]:
    """Open section ``key`` while its rows cannot be built yet; go to the dashboard and back
    once they can.  Returns the section's screen and (its count line, its rows) as first
    shown, before the rows were built."""
    await settle(app, pilot)
    await pilot.press(key)
    await pilot.pause()
    screen = app.screen
    table = screen.query_one("#list, #people", VirtualTable)
    first = (count_text(screen) if screen.query("#list-count") else "", list(table.rows))
    await pilot.press("1")  # the interface answers while the rows are being built
    await pilot.pause()
    assert isinstance(app.screen, DashboardScreen)
    release.set()
    await app.workers.wait_for_complete()
    await pilot.press(key)
    await settle(app, pilot)
    return screen, first


async def test_a_long_list_opens_at_once_says_it_is_loading_and_keys_stay_live(
    store: Store, slow_builds: threading.Event
) -> None:
    store.add("project", {"name": "Dự án Trung tâm điều hành thông minh"})
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        screen, first = await open_while_built(app, pilot, "6", slow_builds)
        assert isinstance(screen, ProjectsScreen)
        assert first == ("Đang tải…", [])
        assert count_text(screen) == "1 / 1 dòng"
        assert [row.cells["name"] for row in screen.table.rows] == [
            "Dự án Trung tâm điều hành thông minh"
        ]


async def test_the_roster_builds_off_the_interface_thread_too(
    store: Store, slow_builds: threading.Event
) -> None:
    unit = store.add("unit", {"name": "Sở Thông tin và Truyền thông", "abbr": "STTTT"})
    store.add("person", {"name": "Nguyễn Văn An", "unit_id": unit.id})
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        screen, first = await open_while_built(app, pilot, "7", slow_builds)
        assert isinstance(screen, UnitsScreen)
        assert first == ("", [])
        people = screen.query_one("#people", VirtualTable)
        assert screen.rows_loading is False
        assert [(r.cells["name"], r.cells["unit"]) for r in people.rows] == [
            ("Nguyễn Văn An", "STTTT")
        ]


async def test_rows_of_an_older_build_never_replace_a_newer_one(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change made while the rows are built asks for a new build; whichever ends first,
    the rows shown are the newer build's."""
    monkeypatch.setattr(base, "BACKGROUND_ROWS", 0, raising=False)
    first = store.add("project", {"name": "Dự án cũ"})
    builds: list[threading.Event] = []
    original = ProjectsScreen.build_rows

    def held(self: Any) -> list[ListRow]:
        release = threading.Event()
        builds.append(release)
        rows = original(self)  # read at once: what the store held when asked
        release.wait(10)
        return rows

    monkeypatch.setattr(ProjectsScreen, "build_rows", held)
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("6")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProjectsScreen)
        store.update(first.id, {"name": "Dự án mới"})
        while len(builds) < 2:
            await pilot.pause(0.01)
        builds[1].set()  # the newer build ends first
        await pilot.pause(0.1)
        builds[0].set()
        await app.workers.wait_for_complete()
        await settle(app, pilot)
        assert [row.cells["name"] for row in screen.table.rows] == ["Dự án mới"]
