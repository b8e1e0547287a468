"""Every worker has the same boundary: a failure that is not a SotayError (a bug, a KeyError
deep in a library) becomes a calm message on screen, in the person's language, and the
screen stays usable — never a stuck "working…" or a traceback."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.widgets import Button, Input, Markdown, Static

from documents import plan_import
from sync.store import Store
from tests.helpers.app import SIZE, make_app, settle, type_text
from tests.helpers.server import Server
from tui.app import SotayApp
from tui.screens import reports
from tui.screens.importer import ImportScreen
from tui.screens.meetings import MeetingEditor
from tui.screens.reports import ReportsScreen


def status(app: SotayApp) -> str:
    return str(app.screen.query_one("#status", Static).render())


def broken(error: Exception) -> Any:
    def fail(*_args: object, **_kwargs: object) -> Any:
        raise error

    return fail


async def test_a_report_that_fails_unexpectedly_says_so_and_the_screen_goes_on(
    store: Store, ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reports, "build_report", broken(RuntimeError("boom")))
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("9")
        await pilot.pause()
        assert isinstance(app.screen, ReportsScreen)
        app.screen.query_one("#period", Input).value = "2024-Q2"
        await pilot.click("#preview")
        await settle(app, pilot)
        shown = status(app)
        assert "Lỗi không mong muốn (RuntimeError)" in shown
        assert "Đang lập báo cáo" not in shown and "Traceback" not in shown
        monkeypatch.undo()
        await pilot.press("ctrl+r")  # the same screen works again
        await settle(app, pilot)
        assert "Lỗi" not in status(app), status(app)
        assert app.screen.query_one("#report-preview", Markdown).source


async def test_a_plan_import_that_fails_unexpectedly_says_so_in_english_too(
    store: Store, ids: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("STT;Nội dung nhiệm vụ\n1;Nâng cấp mạng\n", encoding="utf-8")
    monkeypatch.setattr(plan_import, "preview", broken(KeyError("lead")))
    app = make_app(store, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("0")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        screen.query_one("#file", Input).value = str(path)
        screen.query_one("#plan", Input).value = ids["plan"]
        await pilot.click("#preview")
        await settle(app, pilot)
        shown = status(app)
        assert "Unexpected error (KeyError)" in shown
        assert "Reading the file" not in shown
        assert screen.query_one("#confirm", Button).disabled
        await pilot.press("3")  # still answering keys
        assert app.screen.__class__.__name__ == "TasksScreen"


async def test_the_sync_applies_off_the_event_loop_and_any_failure_is_shown(
    store: Store, ids: dict[str, str], server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _switch = server.client(store)
    committed_on: set[int] = set()
    store.listeners.append(lambda _store: committed_on.add(threading.get_ident()))
    app = make_app(store, client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        assert store.pending_count() == 0
        assert committed_on and threading.get_ident() not in committed_on
        monkeypatch.setattr(client, "sync", broken(KeyError("seq")))
        await pilot.press("f5")
        await settle(app, pilot)
        assert not app.syncing
        assert app.sync_view.state == "offline"
        shown = [str(n.message) for n in app._notifications]
        assert any("Lỗi không mong muốn (KeyError)" in text for text in shown), shown


async def test_leaving_during_a_sync_stops_it_and_closes_the_client(
    store: Store, ids: dict[str, str], server: Server
) -> None:
    client, switch = server.client(store)
    stuck = threading.Event()  # set on the client's thread

    cancelled = threading.Event()

    async def hang(request: httpx.Request) -> httpx.Response:
        stuck.set()
        try:
            await asyncio.Event().wait()  # a server that never answers
        except asyncio.CancelledError:
            cancelled.set()
            raise
        raise AssertionError("unreachable")

    switch.handle_async_request = hang  # type: ignore[method-assign]
    app = make_app(store, client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        for _ in range(100):
            if stuck.is_set():
                break
            await pilot.pause(0.02)
        assert app.syncing
        app.exit(0)
    assert cancelled.is_set() and client._http.is_closed
    assert store.pending_count() > 0  # nothing was lost or half-applied


async def test_a_meeting_save_that_fails_unexpectedly_keeps_the_editor_and_its_input(
    store: Store, ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(store)
    monkeypatch.setattr(app.editor, "save_meeting", broken(RuntimeError("disk")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "a")
        await type_text(pilot, "Họp quý II")
        app.screen.query_one("#field-date Input", Input).value = "03/06/2024"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MeetingEditor)
        assert not screen.saving
        shown = [str(n.message) for n in app._notifications]
        assert any("Lỗi không mong muốn (RuntimeError)" in text for text in shown), shown
        assert not store.list("meeting")
