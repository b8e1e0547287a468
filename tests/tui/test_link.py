"""The link is honest in the app: offline says why and when it will try again, F5 during a
sync offers to stop it, and History shows this computer's history at once when offline."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from sync.client import SyncClient
from sync.store import Store
from tests.helpers.app import SIZE, fixed_clock, make_app
from tui.app import SotayApp, build_app
from tui.screens.dialogs import ConfirmScreen
from tui.screens.history import HistoryScreen
from tui.widgets.table import VirtualTable


def status(app: SotayApp) -> str:
    return str(app.screen.query_one("#status-text", Static).render())


async def synced(app: SotayApp, pilot: Pilot[Any]) -> None:
    """Wait (a bounded while) until the sync has ended, however it ended."""
    for _ in range(200):
        await pilot.pause(0.05)
        if not app.syncing:
            await pilot.pause()
            return
    raise AssertionError("the sync never ended")


@pytest.fixture
def closed_port() -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    yield url


def hanging(store: Store) -> SyncClient:
    """A client whose server takes the request and never answers."""

    async def never(_request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    return SyncClient(
        store, server_url="http://hq", token="t", transport=httpx.MockTransport(never)
    )


async def test_offline_says_why_and_when_it_retries(
    store: Store, ids: dict[str, str], closed_port: str
) -> None:
    client = SyncClient(store, server_url=closed_port, token="t")
    app = build_app(store, client, clock=fixed_clock, sync_interval=300.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await synced(app, pilot)
        retry = (fixed_clock() + timedelta(seconds=30)).astimezone(app.display_tz)
        shown = [part.strip() for part in status(app).split("│")]
        assert shown[0] == "○ Ngoại tuyến: máy chủ từ chối kết nối"
        assert shown[-1] == "sẽ thử lại lúc " + retry.strftime("%H:%M")


async def test_f5_during_a_sync_offers_to_cancel_it(store: Store, ids: dict[str, str]) -> None:
    pending = store.pending_count()
    app = make_app(store, hanging(store))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        assert status(app).startswith(" ⟳ Đang đồng bộ…")
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # no: the sync goes on
        await pilot.pause()
        assert app.syncing and status(app).startswith(" ⟳ Đang đồng bộ…")
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("enter")
        await synced(app, pilot)
        assert not app.syncing
        assert status(app).split("│")[0].strip() == "◌ Đã hủy đồng bộ"
        assert [str(n.message) for n in app._notifications][-1] == (
            "Đã hủy lần đồng bộ. Các thay đổi chưa gửi vẫn được giữ trên máy này."
        )
        await pilot.press("3")
        assert app.screen.__class__.__name__ == "TasksScreen", "the app stays usable"
    assert store.pending_count() == pending


async def test_history_when_offline_shows_this_computers_history_at_once(
    store: Store, ids: dict[str, str], closed_port: str
) -> None:
    store.update(ids["soon"], {"progress": 50})
    client = SyncClient(store, server_url=closed_port, token="t")
    app = make_app(store, client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await synced(app, pilot)
        await pilot.press("3")
        app.screen.query_one("#tasks", VirtualTable).select_id(ids["soon"])
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        note = str(screen.query_one("#history-note", Static).render())
        assert note == "Ngoại tuyến: chỉ có lịch sử trên máy này."
        rows = screen.query_one("#history", VirtualTable).rows
        assert {row.cells["source"] for row in rows} == {"máy này"}
