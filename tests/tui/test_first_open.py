"""A section's first opening does only what it must: no re-parse of the styles, no restyle of
the whole screen, its data read once (issue 11: the 10k-task list took 137 ms, budget 50)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.pilot import Pilot
from textual.screen import Screen

from sync.store import Store
from tests.helpers.app import make_app, settle
from tui.app import SotayApp
from tui.screens.tasks import TasksScreen
from tui.widgets import frame


def count_calls(
    monkeypatch: pytest.MonkeyPatch, owner: object, name: str, calls: list[Any]
) -> None:
    original = getattr(owner, name)

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(args[0] if args else kwargs.get("node"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, counted)


async def test_opening_a_section_neither_reparses_nor_restyles_everything(
    store: Store, ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        reparses: list[Any] = []
        restyled: list[Any] = []
        parses: list[Any] = []
        count_calls(monkeypatch, Stylesheet, "reparse", reparses)
        count_calls(monkeypatch, Stylesheet, "parse", parses)
        count_calls(monkeypatch, App, "update_styles", restyled)
        for key in ("3", "2", "4", "7"):
            await pilot.press(key)
            await settle(app, pilot)
        assert reparses == [] and parses == []
        assert [node for node in restyled if isinstance(node, Screen)] == []


async def test_a_section_reads_its_rows_once_when_it_first_opens(
    store: Store, ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[Any] = []
    count_calls(monkeypatch, TasksScreen, "refresh_data", reads)
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        assert len(reads) == 1
        assert len(app.screen.query_one("#tasks").rows) == 2  # type: ignore[attr-defined]


async def test_the_status_line_draws_its_words_once_when_a_section_opens(
    store: Store, ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        drawn: list[Any] = []
        count_calls(monkeypatch, frame, "status_text", drawn)
        await pilot.press("3")
        await settle(app, pilot)
        assert len(drawn) == 1


async def test_a_section_opened_before_a_theme_change_takes_the_new_theme(
    store: Store, ids: dict[str, str]
) -> None:
    """Skipping the re-parse of a section's first opening must not skip a real change."""
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await open_and_back(app, pilot)
        dark = app.screen.query_one("#status-line").rich_style.bgcolor
        app.theme = "textual-light"
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        light = app.screen.query_one("#tasks").rich_style.bgcolor
        assert light is not None and dark is not None and light != dark
        assert light == app.screen.query_one("#status-line").rich_style.bgcolor


async def open_and_back(app: SotayApp, pilot: Pilot[Any]) -> None:
    for key in ("3", "1"):
        await pilot.press(key)
        await settle(app, pilot)
